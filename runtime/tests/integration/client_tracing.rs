//! Observability: one `smithygen.operation` span per call and one `smithygen.attempt` span per
//! attempt with status, request id and duration, and no secrets in any recorded field.
//! Uses a small capturing `tracing::Subscriber` (own test binary, so the thread-local default
//! subscriber does not interfere with other tests).

use crate::client_support as support;

use aws_credential_types::Credentials;
use aws_smithy_types::retry::RetryConfig;
use aws_types::region::Region;
use smithygen_runtime::client::{invoke};
// The runtime types for no particular service (their default type parameter), so that
// `ClientConfig::builder()` needs no annotation.
type ClientConfig = smithygen_runtime::client::ClientConfig;
use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{deserialize, serialize, Reply, TestInput, OPERATION, SIGNED_SERVICE};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

#[derive(Debug, Default, Clone)]
struct SpanData {
    name: String,
    parent: Option<u64>,
    fields: HashMap<String, String>,
}

#[derive(Default)]
struct Captured {
    spans: Mutex<HashMap<u64, SpanData>>,
    events: Mutex<Vec<HashMap<String, String>>>,
    next: AtomicU64,
    current: Mutex<Vec<u64>>,
}

struct Capture(Arc<Captured>);

struct Fields<'a>(&'a mut HashMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(
            field.name().to_string(),
            format!("{value:?}").trim_matches('"').to_string(),
        );
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.0.next.fetch_add(1, Ordering::SeqCst) + 1;
        let parent = if span.is_root() {
            None
        } else if let Some(parent) = span.parent() {
            Some(parent.into_u64())
        } else {
            self.0.current.lock().expect("lock").last().copied()
        };
        let mut data = SpanData {
            name: span.metadata().name().to_string(),
            parent,
            fields: HashMap::new(),
        };
        span.record(&mut Fields(&mut data.fields));
        self.0.spans.lock().expect("lock").insert(id, data);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(data) = self.0.spans.lock().expect("lock").get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut data.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = HashMap::new();
        event.record(&mut Fields(&mut fields));
        self.0.events.lock().expect("lock").push(fields);
    }

    fn enter(&self, span: &Id) {
        self.0.current.lock().expect("lock").push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut current = self.0.current.lock().expect("lock");
        if let Some(pos) = current.iter().rposition(|s| *s == span.into_u64()) {
            current.remove(pos);
        }
    }
}

#[tokio::test]
async fn operation_and_attempt_spans() {
    let captured = Arc::new(Captured::default());
    let _guard = tracing::subscriber::set_default(Capture(captured.clone()));

    let server = support::start(|i, _| {
        if i == 0 {
            Reply::status(503).header("x-amzn-requestid", "req-503")
        } else {
            Reply::ok("traced")
        }
    })
    .await;
    let config = ClientConfig::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDTRACE",
            "very-secret-key",
            Some("very-secret-token".to_string()),
            None,
            "test",
        ))
        .endpoint_url(server.url())
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(1)))
        .build();
    let output = invoke(
        &config,
        &SIGNED_SERVICE,
        &OPERATION,
        TestInput::new("sensitive-payload"),
        serialize,
        deserialize,
        None,
    )
    .await
    .expect("success");
    assert_eq!(output, "traced");

    let spans = captured.spans.lock().expect("lock").clone();
    let operations: Vec<(&u64, &SpanData)> = spans
        .iter()
        .filter(|(_, s)| s.name == "smithygen.operation")
        .collect();
    assert_eq!(operations.len(), 1);
    let (op_id, op) = operations[0];
    assert_eq!(
        op.fields.get("service").map(String::as_str),
        Some("Test Service")
    );
    assert_eq!(
        op.fields.get("operation").map(String::as_str),
        Some("InvokeEndpoint")
    );
    let invocation_id = op
        .fields
        .get("invocation_id")
        .expect("invocation id recorded");
    let request = &server.requests()[0];
    assert_eq!(
        request.header("amz-sdk-invocation-id"),
        Some(invocation_id.as_str())
    );

    let mut attempts: Vec<&SpanData> = spans
        .values()
        .filter(|s| s.name == "smithygen.attempt")
        .collect();
    attempts.sort_by_key(|s| s.fields.get("attempt").cloned());
    assert_eq!(attempts.len(), 2);
    for attempt in &attempts {
        assert_eq!(attempt.parent, Some(*op_id), "attempt spans are children");
        assert!(attempt.fields.contains_key("duration_ms"));
    }
    assert_eq!(
        attempts[0].fields.get("attempt").map(String::as_str),
        Some("1")
    );
    assert_eq!(
        attempts[0].fields.get("http.status").map(String::as_str),
        Some("503")
    );
    assert_eq!(
        attempts[0].fields.get("request_id").map(String::as_str),
        Some("req-503")
    );
    assert_eq!(
        attempts[0].fields.get("outcome").map(String::as_str),
        Some("service error")
    );
    assert_eq!(
        attempts[1].fields.get("attempt").map(String::as_str),
        Some("2")
    );
    assert_eq!(
        attempts[1].fields.get("http.status").map(String::as_str),
        Some("200")
    );
    assert_eq!(
        attempts[1].fields.get("request_id").map(String::as_str),
        Some("req-ok")
    );
    assert_eq!(
        attempts[1].fields.get("outcome").map(String::as_str),
        Some("success")
    );

    // Nothing this runtime recorded holds a secret, a signature or the payload.
    let ours = spans
        .values()
        .filter(|s| s.name.starts_with("smithygen."))
        .flat_map(|s| s.fields.values());
    for value in ours {
        for secret in [
            "very-secret",
            "sensitive-payload",
            "Signature=",
            "AWS4-HMAC",
        ] {
            assert!(!value.contains(secret), "leaked {secret} in {value}");
        }
    }
}
