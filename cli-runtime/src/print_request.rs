//! `--print-request`: prints the request a command would send (method, URL, headers, body) and
//! sends nothing.
//!
//! Not `--dry-run`: the AWS CLI gives that name to models' own `DryRun` members (EC2, KMS,
//! Lambda), which ask the service to check a call; this asks the client to show one.
//!
//! An interceptor at `read_before_transmit` (after endpoint resolution, serialization and
//! signing, before any connection is opened) renders the request with secrets redacted, as
//! `--debug` does (the signature, `x-amz-security-token`, headers, query parameters, labels and
//! bodies bound to `@sensitive` members), keeps it, and stops the call with [`RequestPrinted`];
//! the command then prints what was kept and exits 0.

use crate::config::{body_text, header_line, redact_uri, sensitive_body, REDACTED};
use crate::spec::OperationSpec;
use crate::CliError;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use clap::Arg;
use smithygen_runtime::client::ClientConfig;
use std::io::Write;
use std::sync::Mutex;

/// The option's long name.
pub const OPTION: &str = "print-request";

/// The global option.
pub fn arg() -> Arg {
    crate::bool_arg(
        OPTION,
        "Prints the request the command would send (method, URL, headers with the signature and sensitive values redacted, body or its size) and sends nothing.",
    )
}

/// The error that stops a call once its request is printed: no other failure has this source.
#[derive(Debug)]
pub struct RequestPrinted;

impl std::fmt::Display for RequestPrinted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request was printed (--print-request) and not sent")
    }
}

impl std::error::Error for RequestPrinted {}

/// The request rendered by the interceptor of this run, taken by [`finish`].
static PRINTED: Mutex<Option<String>> = Mutex::new(None);

/// `config` with the interceptor that renders the request of `op` (called with `input`, whose
/// sensitive label values it finds in the URL) and stops the call.
pub fn install(config: ClientConfig, op: &'static OperationSpec, input: &serde_json::Map<String, serde_json::Value>) -> ClientConfig {
    config.to_builder().interceptor(PrintRequest { op, input: input.clone() }).build()
}

/// Ends a command run with `--print-request`: prints the rendered request on stdout (exit 0),
/// or, when the call failed before it had a request to print (no region, no credentials, a
/// value the client rejects), returns that failure.
pub fn finish(call_error: CliError) -> Result<(), CliError> {
    let printed = PRINTED.lock().ok().and_then(|mut slot| slot.take());
    match printed {
        Some(text) => {
            let mut out = std::io::stdout();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| CliError::client(format!("writing the request: {e}")))
        }
        None => Err(call_error),
    }
}

/// The request as printed: `METHOD URL`, one `name: value` line per header, a blank line, and
/// the body (text, or its size when it is binary, sensitive or streamed).
pub fn render(op: &OperationSpec, input: &serde_json::Map<String, serde_json::Value>, request: &aws_smithy_runtime_api::client::orchestrator::HttpRequest) -> String {
    let members = op.input;
    let mut text = format!("{} {}\n", request.method(), redact_uri(members, input, request.uri()));
    for (name, value) in request.headers() {
        text.push_str(header_line(members, name, value).trim_start());
        text.push('\n');
    }
    text.push('\n');
    match request.body().bytes() {
        Some([]) => {}
        Some(bytes) if sensitive_body(members) => text.push_str(&format!("{REDACTED} ({} bytes)\n", bytes.len())),
        Some(bytes) => {
            text.push_str(&body_text(bytes));
            text.push('\n');
        }
        None => text.push_str("(a streamed body, sent as it is produced)\n"),
    }
    text
}

#[derive(Debug)]
struct PrintRequest {
    op: &'static OperationSpec,
    input: serde_json::Map<String, serde_json::Value>,
}

impl Intercept for PrintRequest {
    fn name(&self) -> &'static str {
        "cli-print-request"
    }

    fn read_before_transmit(&self, ctx: &BeforeTransmitInterceptorContextRef<'_>, _: &RuntimeComponents, _: &mut ConfigBag) -> Result<(), BoxError> {
        let text = render(self.op, &self.input, ctx.request());
        if let Ok(mut slot) = PRINTED.lock() {
            *slot = Some(text);
        }
        Err(Box::new(RequestPrinted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Kind, Location, MemberSpec};
    use aws_smithy_types::body::SdkBody;

    static MEMBERS: &[MemberSpec] = &[
        MemberSpec { name: "Name", option: "name", kind: Kind::String, location: Location::Label, required: true, sensitive: false, docs: "" },
        MemberSpec { name: "Secret", option: "secret", kind: Kind::String, location: Location::Header("x-secret"), required: false, sensitive: true, docs: "" },
        MemberSpec { name: "Body", option: "body", kind: Kind::Blob, location: Location::Payload, required: false, sensitive: true, docs: "" },
    ];
    static OP: OperationSpec = OperationSpec { name: "Op", command: "op", docs: "", input: MEMBERS, output: &[], payload_out: None, streaming: false, decode: false, input_events: None, wait: None };

    #[test]
    fn secrets_are_redacted_and_the_body_shown_by_size() {
        let mut request = aws_smithy_runtime_api::client::orchestrator::HttpRequest::new(SdkBody::from("top secret body"));
        request.set_method("POST").unwrap();
        request.set_uri("https://example.com/things/a").unwrap();
        request.headers_mut().insert("authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/svc/aws4_request, SignedHeaders=host, Signature=abcdef");
        request.headers_mut().insert("x-amz-security-token", "token-value");
        request.headers_mut().insert("x-secret", "hidden-value");
        request.headers_mut().insert("content-type", "application/octet-stream");
        let text = render(&OP, &serde_json::Map::new(), &request);
        assert!(text.starts_with("POST https://example.com/things/a\n"), "{text}");
        assert!(text.contains("authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/svc/aws4_request, SignedHeaders=host, Signature=*** Sensitive Data Redacted ***\n"), "{text}");
        assert!(text.contains("x-amz-security-token: *** Sensitive Data Redacted ***\n"), "{text}");
        assert!(text.contains("x-secret: *** Sensitive Data Redacted ***\n"), "{text}");
        assert!(text.contains("content-type: application/octet-stream\n"), "{text}");
        assert!(text.ends_with("\n\n*** Sensitive Data Redacted *** (15 bytes)\n"), "{text}");
        for secret in ["abcdef", "token-value", "hidden-value", "top secret"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}
