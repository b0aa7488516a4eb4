//! Facts about a service that its Smithy model cannot state, kept as data beside the model
//! (`models/customizations/<model file name>`) and applied to the lowered service: the one
//! place a maintainer finds what is hand-made for a service, while the generator stays generic.
//!
//! ```json
//! {
//!   "asyncResults": [{
//!     "operation": "InvokeEndpointAsync",
//!     "outputLocation": "OutputLocation",
//!     "failureLocation": "FailureLocation",
//!     "deadlineSeconds": [{"member": "RequestTTLSeconds", "default": 21600}]
//!   }]
//! }
//! ```
//!
//! `asyncResults`: operations whose answer is an S3 object written later. The output member
//! `outputLocation` holds the S3 URI of the result, `failureLocation` (optional) the URI of
//! the failure report; the input members of `deadlineSeconds` (integers, with the service's
//! default when unset) add up to how long waiting is worth it. The client crate gets
//! `send_and_wait()` on the fluent builder and `wait_for_result()` on the output (feature
//! `async-result`), and the command-line client `--wait-for-result`.

use crate::error::{Error, Errors};
use crate::ir::{AsyncResult, Service, Type};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Customizations {
    #[serde(default)]
    async_results: Vec<AsyncResultSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AsyncResultSpec {
    operation: String,
    output_location: String,
    #[serde(default)]
    failure_location: Option<String>,
    #[serde(default)]
    deadline_seconds: Vec<DeadlineMember>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeadlineMember {
    member: String,
    default: i64,
}

/// Applies customization data (JSON text) to `svc`: every name is checked against the model,
/// and a name that does not fit is an error naming it.
pub fn apply(svc: &mut Service, text: &str) -> Result<(), Errors> {
    const FILE: &str = "customizations";
    let custom: Customizations =
        serde_json::from_str(text).map_err(|e| Errors(vec![Error::at(FILE, format!("is not valid customization data: {e}"))]))?;
    let mut errors = Vec::new();
    for spec in custom.async_results {
        let at = format!("{FILE}: asyncResults[{}]", spec.operation);
        let Some(op) = svc.operations.iter().find(|o| o.name == spec.operation || o.id == spec.operation) else {
            errors.push(Error::at(at, "names no operation of the service"));
            continue;
        };
        let (input, output) = (svc.structure(&op.input), svc.structure(&op.output));
        let string_member = |name: &str, what: &str| match output.members.iter().find(|m| m.name == name) {
            Some(m) if m.ty == Type::String => Ok(m.field.clone()),
            Some(_) => Err(Error::at(&at, format!("{what} `{name}` is not a string member of {}", output.id))),
            None => Err(Error::at(&at, format!("{what} `{name}` is not a member of {}", output.id))),
        };
        let output_getter = match string_member(&spec.output_location, "outputLocation") {
            Ok(getter) => getter,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let failure_getter = match spec.failure_location.as_deref().map(|f| string_member(f, "failureLocation")).transpose() {
            Ok(getter) => getter,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut deadline = Vec::new();
        for limit in &spec.deadline_seconds {
            match input.members.iter().find(|m| m.name == limit.member) {
                Some(m) if matches!(m.ty, Type::Byte | Type::Short | Type::Integer | Type::Long) => {
                    deadline.push((m.getter.clone(), limit.default))
                }
                Some(_) => errors.push(Error::at(&at, format!("deadlineSeconds `{}` is not an integer member of {}", limit.member, input.id))),
                None => errors.push(Error::at(&at, format!("deadlineSeconds `{}` is not a member of {}", limit.member, input.id))),
            }
        }
        let result = AsyncResult {
            output_member: spec.output_location.clone(),
            output_getter,
            failure_member: spec.failure_location.clone(),
            failure_getter,
            deadline_members: spec.deadline_seconds.iter().map(|d| d.member.clone()).collect(),
            deadline,
        };
        svc.async_results.insert(op.name.clone(), result);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Errors(errors))
    }
}
