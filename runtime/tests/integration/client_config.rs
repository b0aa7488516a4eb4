//! `ClientConfig` built from an `aws_types::SdkConfig`, and endpoints resolved from a Smithy
//! endpoint rule set (builtins `AWS::Region`, `AWS::UseFIPS`, `SDK::Endpoint`, static context
//! params, endpoint headers and `authSchemes` signing properties), against loopback servers.

use crate::client_support as support;

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::app_name::AppName;
use aws_types::region::Region;
use aws_types::SdkConfig;
use smithygen_runtime::client::{invoke, OperationInfo, ServiceInfo, StaticParam};
// The runtime types for no particular service (their default type parameter), so that
// `ClientConfig::builder()` needs no annotation.
type ClientConfig = smithygen_runtime::client::ClientConfig;
type ClientConfigBuilder = smithygen_runtime::client::ClientConfigBuilder;
use std::time::Duration;
use support::{deserialize, serialize, Reply, TestInput, OPERATION, SIGNED_SERVICE};

fn creds() -> Credentials {
    Credentials::new("AKIDSDK", "sdk-secret", None, None, "sdk-config")
}

#[tokio::test]
async fn config_from_sdk_config() {
    let server = support::start(|i, _| {
        if i == 0 {
            Reply::status(503)
        } else {
            Reply::ok("from sdk config")
        }
    })
    .await;
    let sdk = SdkConfig::builder()
        .region(Region::new("eu-west-1"))
        .credentials_provider(SharedCredentialsProvider::new(creds()))
        .endpoint_url(server.url())
        .use_fips(false)
        .use_dual_stack(true)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(4)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(10))
                .build(),
        )
        .sleep_impl(TokioSleep::new())
        .app_name(AppName::new("sdk-app").expect("app name"))
        .behavior_version(BehaviorVersion::latest())
        .build();

    let config = ClientConfigBuilder::from(&sdk).build();
    assert_eq!(config.region().map(|r| r.as_ref()), Some("eu-west-1"));
    assert_eq!(config.endpoint_url(), Some(server.url().as_str()));
    assert!(config.use_dual_stack());
    assert!(!config.use_fips());
    assert_eq!(config.retry_config().unwrap().max_attempts(), 4);
    assert_eq!(
        config.timeout_config().unwrap().operation_timeout(),
        Some(Duration::from_secs(10))
    );
    assert_eq!(
        config.timeout_config().unwrap().connect_timeout(),
        Some(Duration::from_millis(3100)),
        "unset fields keep the defaults"
    );
    assert_eq!(config.app_name().map(|a| a.as_ref()), Some("sdk-app"));
    assert!(config.credentials_provider().is_some());

    let output = invoke(
        &config,
        &SIGNED_SERVICE,
        &OPERATION,
        TestInput::new("x"),
        serialize,
        deserialize,
        None,
    )
    .await
    .expect("success");
    assert_eq!(output, "from sdk config");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let last = &requests[1];
    assert!(last.header("amz-sdk-request").expect("amz-sdk-request").ends_with("attempt=2; max=4"));
    assert!(last
        .header("authorization")
        .expect("signed")
        .contains("Credential=AKIDSDK/"));
    assert!(last
        .header("authorization")
        .expect("signed")
        .contains("/eu-west-1/sagemaker/aws4_request"));
    assert!(last
        .header("x-amz-user-agent")
        .expect("ua")
        .contains(" app/sdk-app"));
}

/// A small rule set: `Endpoint` wins when set; otherwise FIPS or regional URLs built from
/// `Region`, with endpoint headers and sigv4 `authSchemes` properties; an `Op` static context
/// param picks another path.
fn rule_set(port: u16) -> &'static str {
    let json = format!(
        r#"{{
  "version": "1.0",
  "parameters": {{
    "Region": {{"type": "String", "builtIn": "AWS::Region", "required": false}},
    "UseFIPS": {{"type": "Boolean", "builtIn": "AWS::UseFIPS", "required": true, "default": false}},
    "Endpoint": {{"type": "String", "builtIn": "SDK::Endpoint", "required": false}},
    "Op": {{"type": "String", "required": false}}
  }},
  "rules": [
    {{
      "type": "endpoint",
      "conditions": [{{"fn": "isSet", "argv": [{{"ref": "Endpoint"}}]}}],
      "endpoint": {{"url": {{"ref": "Endpoint"}}, "properties": {{}}, "headers": {{}}}}
    }},
    {{
      "type": "tree",
      "conditions": [{{"fn": "isSet", "argv": [{{"ref": "Region"}}]}}],
      "rules": [
        {{
          "type": "endpoint",
          "conditions": [{{"fn": "isSet", "argv": [{{"ref": "Op"}}]}}],
          "endpoint": {{"url": "http://127.0.0.1:{port}/op/{{Op}}/{{Region}}", "properties": {{}}, "headers": {{}}}}
        }},
        {{
          "type": "endpoint",
          "conditions": [{{"fn": "booleanEquals", "argv": [{{"ref": "UseFIPS"}}, true]}}],
          "endpoint": {{"url": "http://127.0.0.1:{port}/fips/{{Region}}", "properties": {{}}, "headers": {{}}}}
        }},
        {{
          "type": "endpoint",
          "conditions": [],
          "endpoint": {{
            "url": "http://127.0.0.1:{port}/regional/{{Region}}",
            "properties": {{
              "authSchemes": [{{
                "name": "sigv4",
                "signingName": "rules-signing-name",
                "signingRegion": "{{Region}}",
                "disableDoubleEncoding": true
              }}]
            }},
            "headers": {{"x-endpoint-header": ["from-rules"]}}
          }}
        }}
      ]
    }},
    {{"type": "error", "conditions": [], "error": "Invalid Configuration: Missing Region"}}
  ]
}}"#
    );
    Box::leak(json.into_boxed_str())
}

fn service(port: u16) -> &'static ServiceInfo {
    Box::leak(Box::new(ServiceInfo {
        sdk_id: "Rules Service",
        service_name: "RulesService",
        api_version: "2024-01-01",
        signing_name: Some("ruleservice"),
        api_metadata: smithygen_runtime::client::ApiMetadata::new("test", "0.1.0"),
        endpoint_rule_set: Some(rule_set(port)),
        endpoint_bdd: None,
        typed_endpoint: None,
        crate_name: "test",
    }))
}

static OP_WITH_STATIC_PARAM: OperationInfo = OperationInfo {
    name: "Special",
    static_context_params: &[("Op", StaticParam::String("special"))],
    http_checksum_required: false,
    request_compression: None,
    capture_input: None,
    context_params: None,
    auth: smithygen_runtime::client::auth::OperationAuth::Service,
    http_versions: &[smithygen_runtime::client::HttpVersion::Http11],
};

async fn call_with(
    config: &ClientConfig,
    service: &'static ServiceInfo,
    operation: &'static OperationInfo,
) -> Result<
    String,
    SdkError<support::TestError, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
> {
    invoke(
        config,
        service,
        operation,
        TestInput::new("x"),
        serialize,
        deserialize,
        None,
    )
    .await
}

/// A service whose model carries both traits, which disagree on purpose: the BDD sends to
/// `/bdd/{Region}`, the rule set to `/regional/{Region}`. Real models' two traits agree; this
/// shows which one the client resolves with.
fn service_with_bdd(port: u16) -> &'static ServiceInfo {
    let bdd = format!(
        r#"{{
  "version": "1.1",
  "parameters": {{"Region": {{"builtIn": "AWS::Region", "required": false, "type": "String"}}}},
  "conditions": [{{"fn": "isSet", "argv": [{{"ref": "Region"}}]}}],
  "results": [{{"type": "endpoint", "conditions": [],
                "endpoint": {{"url": "http://127.0.0.1:{port}/bdd/{{Region}}", "properties": {{}}, "headers": {{}}}}}}],
  "root": 2,
  "nodeCount": 2,
  "nodes": "/////wAAAAH/////AAAAAAX14QH/////"
}}"#
    );
    Box::leak(Box::new(ServiceInfo {
        sdk_id: "Rules Service",
        service_name: "RulesService",
        api_version: "2024-01-01",
        signing_name: Some("ruleservice"),
        api_metadata: smithygen_runtime::client::ApiMetadata::new("test", "0.1.0"),
        endpoint_rule_set: Some(rule_set(port)),
        endpoint_bdd: Some(Box::leak(bdd.into_boxed_str())),
        typed_endpoint: None,
        crate_name: "test",
    }))
}

#[tokio::test]
async fn endpoint_from_bdd_when_the_model_has_one() {
    let server = support::start(|_, _| Reply::ok("decided")).await;
    let service = service_with_bdd(server.addr.port());
    let rules = service
        .endpoint_rules()
        .expect("rules parse")
        .expect("rules present");
    assert!(
        rules.is_bdd(),
        "the BDD is preferred over the rule set: {rules:?}"
    );
    let config = ClientConfig::builder()
        .credentials_provider(creds())
        .region(Region::new("us-west-2"))
        .build();
    assert_eq!(
        call_with(&config, service, &OPERATION).await.expect("ok"),
        "decided"
    );
    let request = server.requests().pop().expect("request");
    assert_eq!(
        request.uri,
        "/bdd/us-west-2/endpoints/my-endpoint/invocations?mode=fast"
    );
}

#[tokio::test]
async fn endpoint_from_rule_set() {
    let server = support::start(|_, _| Reply::ok("ruled")).await;
    let service = service(server.addr.port());
    let base = ClientConfig::builder()
        .credentials_provider(creds())
        .region(Region::new("us-west-2"));

    // Region builtin -> regional URL, endpoint headers, signing name/region from authSchemes.
    let config = base.clone().build();
    assert_eq!(
        call_with(&config, service, &OPERATION).await.expect("ok"),
        "ruled"
    );
    let request = server.requests().pop().expect("request");
    assert_eq!(
        request.uri,
        "/regional/us-west-2/endpoints/my-endpoint/invocations?mode=fast"
    );
    assert_eq!(request.header("x-endpoint-header"), Some("from-rules"));
    assert!(
        request
            .header("authorization")
            .expect("signed")
            .contains("/us-west-2/rules-signing-name/aws4_request"),
        "signing name from the endpoint's authSchemes"
    );

    // UseFIPS builtin.
    let config = base.clone().use_fips(true).build();
    call_with(&config, service, &OPERATION).await.expect("ok");
    let request = server.requests().pop().expect("request");
    assert_eq!(
        request.uri,
        "/fips/us-west-2/endpoints/my-endpoint/invocations?mode=fast"
    );
    assert!(
        request
            .header("authorization")
            .expect("signed")
            .contains("/us-west-2/ruleservice/aws4_request"),
        "no authSchemes: signing name from the service"
    );

    // Static context params of the operation.
    let config = base.clone().build();
    call_with(&config, service, &OP_WITH_STATIC_PARAM)
        .await
        .expect("ok");
    let request = server.requests().pop().expect("request");
    assert_eq!(
        request.uri,
        "/op/special/us-west-2/endpoints/my-endpoint/invocations?mode=fast"
    );

    // SDK::Endpoint builtin wins.
    let config = base
        .clone()
        .endpoint_url(format!("{}/custom", server.url()))
        .build();
    call_with(&config, service, &OPERATION).await.expect("ok");
    let request = server.requests().pop().expect("request");
    assert_eq!(
        request.uri,
        "/custom/endpoints/my-endpoint/invocations?mode=fast"
    );
    assert_eq!(request.header("x-endpoint-header"), None);
}

#[tokio::test]
async fn rule_set_errors_are_reported() {
    let server = support::start(|_, _| Reply::ok("never")).await;
    let service = service(server.addr.port());
    // An unsigned view of the same rules, so the missing region reaches the rules engine.
    let unsigned: &'static ServiceInfo = Box::leak(Box::new(ServiceInfo {
        signing_name: None,
        api_metadata: smithygen_runtime::client::ApiMetadata::new("test", "0.1.0"),
        ..*service
    }));
    let config = ClientConfig::builder().build();
    let err = call_with(&config, unsigned, &OPERATION)
        .await
        .expect_err("no region");
    let message = format!(
        "{}",
        aws_smithy_types::error::display::DisplayErrorContext(&err)
    );
    assert!(message.contains("Missing Region"), "{message}");
    assert!(server.requests().is_empty());
}
