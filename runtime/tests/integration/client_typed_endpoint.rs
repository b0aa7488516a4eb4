//! A service with typed endpoint parameters (`ServiceInfo::typed_endpoint`, as generated crates
//! have): every resolver, the default one or a configured one, receives the typed parameters
//! built from the configuration and the operation; a failing build fails the call before
//! anything is sent. Also the auth settings that let a call go unsigned. Against loopback
//! servers.

use crate::client_support as support;

use aws_credential_types::Credentials;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::{EndpointFuture, EndpointResolverParams, SharedEndpointResolver};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::endpoint::Endpoint;
use aws_types::region::Region;
use smithygen_runtime::client::{invoke, ConfigError, EndpointBuiltins, OperationInfo, ServiceInfo, StaticParam, TypedEndpoint};
use smithygen_runtime::endpoint::{Params, TypedResolver};
use std::sync::atomic::{AtomicU16, Ordering};
use support::{deserialize, serialize, Reply, TestInput};

type ClientConfig = smithygen_runtime::client::ClientConfig;

/// The typed parameters of this test service (a generated crate's `config::endpoint::Params`).
#[derive(Clone, Debug, PartialEq)]
struct Typed {
    region: Option<String>,
    use_fips: bool,
    op: Option<String>,
    endpoint: Option<String>,
}

fn typed_params(values: &Params) -> Result<EndpointResolverParams, BoxError> {
    let region = values.string("Region");
    if region.as_deref() == Some("not a label") {
        return Err("invalid value for field: `region` - must be a valid host label".into());
    }
    Ok(EndpointResolverParams::new(Typed {
        region,
        use_fips: values.boolean("UseFIPS").unwrap_or(false),
        op: values.string("Op"),
        endpoint: values.string("Endpoint"),
    }))
}

/// The port of the test server the default resolver sends to (a hook is a plain `fn`).
static PORT: AtomicU16 = AtomicU16::new(0);

#[derive(Debug)]
struct ByPath(&'static str);

impl ByPath {
    fn resolve<'a>(&'a self, params: &'a Typed) -> EndpointFuture<'a> {
        let url = match &params.endpoint {
            Some(url) => format!("{url}/{}", self.0),
            None => format!(
                "http://127.0.0.1:{}/{}/{}/{}/{}",
                PORT.load(Ordering::SeqCst),
                self.0,
                params.region.as_deref().unwrap_or("none"),
                params.use_fips,
                params.op.as_deref().unwrap_or("none")
            ),
        };
        EndpointFuture::ready(Ok(Endpoint::builder().url(url).build()))
    }
}

fn default_resolver() -> SharedEndpointResolver {
    SharedEndpointResolver::new(TypedResolver::new(ByPath("default"), ByPath::resolve))
}

/// The builtins' parameters of the service's rules (parameters `Region` bound to `AWS::Region`,
/// `UseFIPS` to `AWS::UseFIPS`, `Endpoint` to `SDK::Endpoint`, and `Op`), as the generator lists
/// them for a generated crate.
static BUILTINS: EndpointBuiltins =
    EndpointBuiltins { region: Some("Region"), use_fips: Some("UseFIPS"), use_dual_stack: None, endpoint: Some("Endpoint") };

/// A generated crate's service: its rules are code (here [`ByPath`]), so it carries no rules
/// text, only which parameters the builtins set (`None`: it has no rules).
const fn typed_service(builtins: Option<&'static EndpointBuiltins>) -> ServiceInfo {
    ServiceInfo {
        sdk_id: "Typed Service",
        service_name: "TypedService",
        api_version: "2024-01-01",
        signing_name: Some("typed"),
        api_metadata: smithygen_runtime::client::ApiMetadata::new("typed", "0.1.0"),
        endpoint_rule_set: None,
        endpoint_bdd: None,
        typed_endpoint: Some(TypedEndpoint { params: typed_params, default_resolver, builtins }),
        crate_name: "typed-service",
    }
}
static TYPED: ServiceInfo = typed_service(Some(&BUILTINS));
/// The same without rules: the endpoint URL is its `Endpoint` parameter.
static TYPED_WITHOUT_RULES: ServiceInfo = typed_service(None);

static SPECIAL: OperationInfo = SPECIAL_COPY;

/// Binds the input's payload to the `Op` parameter (`smithy.rules#contextParam`).
fn bind_op(input: &aws_smithy_runtime_api::client::interceptors::context::Input, params: &mut Params) {
    if let Some(input) = input.downcast_ref::<TestInput>() {
        params.set("Op", input.payload.as_str());
    }
}

static BOUND: OperationInfo = OperationInfo { name: "Bound", static_context_params: &[], context_params: Some(bind_op), ..SPECIAL_COPY };
/// A static context parameter wins over an input member bound to the same parameter.
static BOUND_AND_STATIC: OperationInfo = OperationInfo { name: "BoundAndStatic", context_params: Some(bind_op), ..SPECIAL_COPY };
const SPECIAL_COPY: OperationInfo = OperationInfo {
    name: "Special",
    static_context_params: &[("Op", StaticParam::String("special"))],
    http_checksum_required: false,
    request_compression: None,
    capture_input: None,
    context_params: None,
    auth: smithygen_runtime::client::auth::OperationAuth::Service,
    http_versions: &[smithygen_runtime::client::HttpVersion::Http11],
};

async fn call(
    config: &ClientConfig,
    service: &'static ServiceInfo,
) -> Result<String, SdkError<support::TestError, aws_smithy_runtime_api::client::orchestrator::HttpResponse>> {
    invoke(config, service, &SPECIAL, TestInput::new("x"), serialize, deserialize, None).await
}

fn signed() -> smithygen_runtime::client::ClientConfigBuilder {
    ClientConfig::builder()
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
        .region(Region::new("eu-west-1"))
}

/// The `ConfigError` a call failed with before sending, as text.
fn construction_message(err: SdkError<support::TestError, aws_smithy_runtime_api::client::orchestrator::HttpResponse>) -> String {
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    let source = err.into_source().expect("a source");
    assert!(source.downcast_ref::<ConfigError>().is_some(), "{source}");
    source.to_string()
}

#[tokio::test]
async fn every_resolver_gets_the_typed_params() {
    let server = support::start(|_, _| Reply::ok("ok")).await;
    PORT.store(server.addr.port(), Ordering::SeqCst);

    // The default resolver, from the configuration's builtins and the operation's static
    // context parameter.
    call(&signed().use_fips(true).build(), &TYPED).await.expect("the default resolver");
    // A configured resolver replaces it and gets the same parameters.
    let mut custom = signed();
    custom.set_endpoint_resolver(Some(SharedEndpointResolver::new(TypedResolver::new(ByPath("custom"), ByPath::resolve))));
    call(&custom.build(), &TYPED).await.expect("the configured resolver");
    // Without rules, the endpoint URL is the `Endpoint` parameter.
    call(&signed().endpoint_url(format!("{}/base", server.url())).build(), &TYPED_WITHOUT_RULES)
        .await
        .expect("the endpoint URL as a parameter");
    // Input members bound to parameters, below static context parameters.
    for operation in [&BOUND, &BOUND_AND_STATIC] {
        invoke(&signed().build(), &TYPED, operation, TestInput::new("from-input"), serialize, deserialize, None)
            .await
            .expect("the default resolver");
    }
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.uri.split('?').next().unwrap_or_default().to_string()).collect();
    assert_eq!(
        paths,
        [
            "/default/eu-west-1/true/special/endpoints/my-endpoint/invocations",
            "/custom/eu-west-1/false/special/endpoints/my-endpoint/invocations",
            "/base/default/endpoints/my-endpoint/invocations",
            "/default/eu-west-1/false/from-input/endpoints/my-endpoint/invocations",
            "/default/eu-west-1/false/special/endpoints/my-endpoint/invocations",
        ]
    );

    // Parameters the typed builder refuses fail the call before anything is sent.
    let err = call(&signed().region(Region::new("not a label")).build(), &TYPED).await.expect_err("invalid region");
    let message = construction_message(err);
    assert!(message.contains("endpoint parameters") && message.contains("host label"), "{message}");
    // No rules, no URL and no resolver: nothing to send to.
    let err = call(&signed().build(), &TYPED_WITHOUT_RULES).await.expect_err("no endpoint");
    assert!(construction_message(err).contains("endpoint URL is required"));
    assert_eq!(server.requests().len(), 5, "nothing more was sent");
}

#[tokio::test]
async fn unsigned_calls_when_allowed() {
    let server = support::start(|_, _| Reply::ok("ok")).await;
    let no_credentials = || ClientConfig::builder().region(Region::new("us-east-1")).endpoint_url(server.url());
    let err = invoke(&no_credentials().build(), &support::SIGNED_SERVICE, &support::OPERATION, TestInput::new("x"), serialize, deserialize, None)
        .await
        .expect_err("no credentials");
    assert!(construction_message(err).contains("no credentials provider"));
    let allowed = no_credentials().allow_no_auth().build();
    invoke(&allowed, &support::SIGNED_SERVICE, &support::OPERATION, TestInput::new("x"), serialize, deserialize, None)
        .await
        .expect("sent unsigned");
    // With credentials, `allow_no_auth` still signs: "no auth" is only the last option.
    let signed = no_credentials().credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test")).allow_no_auth().build();
    invoke(&signed, &support::SIGNED_SERVICE, &support::OPERATION, TestInput::new("x"), serialize, deserialize, None)
        .await
        .expect("sent signed");
    let requests = server.requests();
    let auth = |i: usize| requests[i].headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("authorization"));
    assert_eq!(requests.len(), 2);
    assert!(!auth(0), "unsigned without credentials");
    assert!(auth(1), "signed with credentials");
}

#[test]
fn configs_keep_the_new_settings_across_builders_and_services() {
    use smithygen_runtime::client::AnyService;
    let base = ClientConfig::builder()
        .retry_partition(aws_smithy_runtime::client::retries::RetryPartition::new("mine"))
        .disable_clock_skew_correction(true)
        .allow_no_auth()
        .capture_input_attributes(["Name"])
        .build();
    let over = smithygen_runtime::client::ClientConfigBuilder::<AnyService>::new().disable_clock_skew_correction(false);
    let merged = base.with_override(&over);
    assert_eq!(merged.retry_partition().map(ToString::to_string).as_deref(), Some("mine"));
    assert_eq!(merged.disable_clock_skew_correction(), Some(false));
    let rebuilt = base.to_builder().build().for_service::<u8>().for_service::<AnyService>();
    assert_eq!(rebuilt.disable_clock_skew_correction(), Some(true));
    assert_eq!(rebuilt.retry_partition().map(ToString::to_string).as_deref(), Some("mine"));
}

/// How many times [`counting_default_resolver`]'s resolver was asked.
static DEFAULT_RESOLUTIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The port of this test's server (the other tests run at the same time, with [`PORT`]).
static COUNTED_PORT: AtomicU16 = AtomicU16::new(0);

/// Counts its resolutions into the counter; the URL names the resolver and the `Op` parameter.
#[derive(Debug)]
struct Counting(&'static std::sync::atomic::AtomicUsize, &'static str);

impl Counting {
    fn resolve<'a>(&'a self, params: &'a Typed) -> EndpointFuture<'a> {
        self.0.fetch_add(1, Ordering::SeqCst);
        let port = COUNTED_PORT.load(Ordering::SeqCst);
        let url = format!("http://127.0.0.1:{port}/{}/{}", self.1, params.op.as_deref().unwrap_or("none"));
        EndpointFuture::ready(Ok(Endpoint::builder().url(url).build()))
    }
}

fn counting_default_resolver() -> SharedEndpointResolver {
    SharedEndpointResolver::new(TypedResolver::new(Counting(&DEFAULT_RESOLUTIONS, "counted"), Counting::resolve))
}

static COUNTED: ServiceInfo = ServiceInfo {
    sdk_id: "Counted Service",
    service_name: "CountedService",
    api_version: "2024-01-01",
    signing_name: Some("typed"),
    api_metadata: smithygen_runtime::client::ApiMetadata::new("counted", "0.1.0"),
    endpoint_rule_set: None,
    endpoint_bdd: None,
    typed_endpoint: Some(TypedEndpoint { params: typed_params, default_resolver: counting_default_resolver, builtins: Some(&BUILTINS) }),
    crate_name: "counted-service",
};

/// A configuration keeps what its calls of an operation share: the default resolver (a pure
/// function of the parameters) is asked once for parameters every call shares, a configured
/// resolver by every call, and parameters bound to input members are each call's own.
#[tokio::test]
async fn calls_of_one_configuration_share_what_does_not_change() {
    let server = support::start(|_, _| Reply::ok("ok")).await;
    COUNTED_PORT.store(server.addr.port(), Ordering::SeqCst);

    let config = signed().build();
    for _ in 0..3 {
        invoke(&config, &COUNTED, &SPECIAL, TestInput::new("x"), serialize, deserialize, None).await.expect("sent");
    }
    assert_eq!(DEFAULT_RESOLUTIONS.load(Ordering::SeqCst), 1, "the default resolver's endpoint is reused");
    // Input members bound to parameters: each call resolves with its own input.
    for input in ["first", "second"] {
        invoke(&config, &COUNTED, &BOUND, TestInput::new(input), serialize, deserialize, None).await.expect("sent");
    }
    assert_eq!(DEFAULT_RESOLUTIONS.load(Ordering::SeqCst), 3, "one resolution per call bound to its input");

    static CUSTOM_RESOLUTIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let mut custom = signed();
    custom.set_endpoint_resolver(Some(SharedEndpointResolver::new(TypedResolver::new(
        Counting(&CUSTOM_RESOLUTIONS, "custom"),
        Counting::resolve,
    ))));
    let custom = custom.build();
    for _ in 0..3 {
        invoke(&custom, &COUNTED, &SPECIAL, TestInput::new("x"), serialize, deserialize, None).await.expect("sent");
    }
    assert_eq!(CUSTOM_RESOLUTIONS.load(Ordering::SeqCst), 3, "a configured resolver is asked by every call");

    let paths: Vec<String> = server.requests().into_iter().map(|r| r.uri.split('?').next().unwrap_or_default().to_string()).collect();
    let special = "/counted/special/endpoints/my-endpoint/invocations";
    let custom_path = "/custom/special/endpoints/my-endpoint/invocations";
    assert_eq!(
        paths,
        [
            special,
            special,
            special,
            "/counted/first/endpoints/my-endpoint/invocations",
            "/counted/second/endpoints/my-endpoint/invocations",
            custom_path,
            custom_path,
            custom_path,
        ]
    );
}
