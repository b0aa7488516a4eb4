//! The repository's customization data beside `models/` (the hand-made SageMaker facts the
//! model cannot state) read against the model it describes; kept out of `codegen/src`, which
//! names no service.

use smithygen::customizations::apply;

const MODEL: &str = include_str!("../../models/runtime.sagemaker-2017-05-13.json");
const CUSTOM: &str = include_str!("../../models/customizations/runtime.sagemaker-2017-05-13.json");

#[test]
fn the_sagemaker_data_names_the_async_operation_and_its_members() {
    let mut svc = smithygen::lower_model(MODEL, None).unwrap();
    apply(&mut svc, CUSTOM).unwrap();
    let result = &svc.async_results["InvokeEndpointAsync"];
    assert_eq!((result.output_getter.as_str(), result.failure_getter.as_deref()), ("output_location", Some("failure_location")));
    assert_eq!(
        result.deadline,
        [("get_request_ttl_seconds".to_string(), 21600), ("get_invocation_timeout_seconds".to_string(), 900)]
    );
}

#[test]
fn names_that_do_not_fit_the_model_are_errors_naming_them() {
    let mut svc = smithygen::lower_model(MODEL, None).unwrap();
    let bad = r#"{"asyncResults": [
        {"operation": "NoSuchOperation", "outputLocation": "OutputLocation"},
        {"operation": "InvokeEndpointAsync", "outputLocation": "Missing"},
        {"operation": "InvokeEndpointAsync", "outputLocation": "OutputLocation", "deadlineSeconds": [{"member": "EndpointName", "default": 1}]}
    ]}"#;
    let errors = apply(&mut svc, bad).unwrap_err().to_string();
    assert!(errors.contains("asyncResults[NoSuchOperation]") && errors.contains("names no operation"), "{errors}");
    assert!(errors.contains("outputLocation `Missing` is not a member"), "{errors}");
    assert!(errors.contains("deadlineSeconds `EndpointName` is not an integer member"), "{errors}");
    let unknown = apply(&mut svc, r#"{"asyncResult": []}"#).unwrap_err().to_string();
    assert!(unknown.contains("unknown field"), "{unknown}");
}
