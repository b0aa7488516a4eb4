//! Snapshot tests: each fixture model of `tests/fixtures/` (one Smithy feature
//! each) and the SageMaker Runtime model are generated in memory, and the whole
//! crate — every file as `==> path <==` then its contents — is compared with a
//! reviewed snapshot in `tests/snapshots/`.
//!
//! A changed snapshot fails the test. Locally insta writes the new version
//! beside the old one (`*.snap.new`) for review; accept it with
//! `cargo insta review` or by re-running with `INSTA_UPDATE=always`. Under CI
//! (`CI=true`, as `.ci/run` runs) insta never writes, so a generator change
//! that was not reviewed and committed fails CI.
//!
//! The same fixtures are compiled with clippy `-D warnings` by
//! `cargo xtask upstream-check`.

use smithygen::{generate, workspace_crate_options, GeneratedCrate, Options};
use std::path::{Path, PathBuf};

fn codegen_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Generates a model file as `cargo xtask codegen` would.
fn generate_file(model: &Path) -> GeneratedCrate {
    let json = std::fs::read_to_string(model).unwrap_or_else(|e| panic!("{}: {e}", model.display()));
    let options = Options { service: None, crate_options: workspace_crate_options(), customizations: None };
    generate(&json, &options).unwrap_or_else(|errors| panic!("{} does not generate:\n{errors}", model.display()))
}

/// The whole crate as one text: every file, in path order, under a `==> path <==` line.
fn crate_text(krate: &GeneratedCrate) -> String {
    let mut out = String::new();
    for (path, text) in &krate.files {
        out.push_str(&format!("==> {path} <==\n{text}"));
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn assert_crate_snapshot(name: &str, model: &Path, krate: &GeneratedCrate) {
    let description = format!("`{}` generated from {}", krate.name, model.file_name().unwrap_or_default().to_string_lossy());
    insta::with_settings!({ description => description, omit_expression => true, prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, crate_text(krate));
    });
}

/// Generates `tests/fixtures/<name>.json`, checks that no operation was left
/// out, and compares the crate with its snapshot.
fn fixture(name: &str) -> GeneratedCrate {
    let model = codegen_dir().join("tests/fixtures").join(format!("{name}.json"));
    let krate = generate_file(&model);
    assert_crate_snapshot(name, &model, &krate);
    krate
}

fn assert_nothing_skipped(krate: &GeneratedCrate) {
    assert!(krate.skipped_operations.is_empty(), "{} left operations out: {:?}", krate.name, krate.skipped_operations);
}

/// Fixture names with a test below; a fixture file without one fails `every_fixture_has_a_snapshot_test`.
const FIXTURES: &[&str] = &[
    "aws-json",
    "aws-json-streams",
    "composition",
    "endpoint-library",
    "endpoint-params",
    "errors",
    "event-stream",
    "http-bindings",
    "paging",
    "payloads",
    "rpcv2-cbor",
    "rpcv2-cbor-streams",
    "shapes",
];

#[test]
fn every_fixture_has_a_snapshot_test() {
    let mut found: Vec<String> = std::fs::read_dir(codegen_dir().join("tests/fixtures"))
        .expect("tests/fixtures exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.file_stem().unwrap_or_default().to_string_lossy().to_string())
        .collect();
    found.sort();
    assert_eq!(found, FIXTURES, "add a test (and a snapshot) for every fixture model in tests/fixtures");
}

#[test]
fn http_bindings() {
    let krate = fixture("http-bindings");
    assert_nothing_skipped(&krate);
    assert_eq!(krate.name, "fixture-http-bindings");
}

#[test]
fn paging() {
    let krate = fixture("paging");
    assert_nothing_skipped(&krate);
    // A paginator module per paginated operation and one module per waiter, at the official paths.
    for path in [
        "src/operation/list_crates/paginator.rs",
        "src/operation/list_shelves/paginator.rs",
        "src/operation/list_labels/paginator.rs",
        "src/waiters.rs",
        "src/waiters/crate_stocked.rs",
        "src/waiters/crate_packed.rs",
        "src/waiters/crate_owned_by_caller.rs",
        "src/waiters/crate_gone.rs",
        "src/waiters/matchers.rs",
    ] {
        assert!(krate.files.contains_key(path), "{path} is missing");
    }
    assert!(!krate.files.contains_key("src/operation/describe_crate/paginator.rs"));
}

#[test]
fn aws_json() {
    let krate = fixture("aws-json");
    assert_nothing_skipped(&krate);
    assert_eq!(krate.name, "fixture-awsjson");
    // The protocol fixes the request line and names the operation in a header; the server
    // routes by it and answers errors in awsJson's envelope.
    let request = &krate.files["src/protocol/put_secret.rs"];
    assert!(request.contains(r#".method("POST")"#) && request.contains(r#""Vault.PutSecret""#), "{request}");
    assert!(request.contains("application/x-amz-json-1.1") && !request.contains("X-Note") && !request.contains("note_text"));
    assert!(krate.files["src/protocol/list_secrets.rs"].contains("::smithygen_runtime::protocol::json::Map::new()"), "an input-less call still sends `{{}}`");
    let server = &krate.files["src/server.rs"];
    assert!(server.contains(".route_target(") && server.contains("ErrorEnvelope::AwsJson"), "{server}");
}

#[test]
fn aws_json_streams() {
    let krate = fixture("aws-json-streams");
    assert_nothing_skipped(&krate);
    // The members beside a stream travel in its initial messages, in the protocol's media type.
    let watch = &krate.files["src/protocol/watch.rs"];
    assert!(watch.contains("fn read_initial_response"), "the client reads initial-response:\n{watch}");
    let publish = &krate.files["src/protocol/publish.rs"];
    for part in ["sender_body_with_initial", r#""initial-request""#, r#""application/x-amz-json-1.1""#] {
        assert!(publish.contains(part), "{part} in:\n{publish}");
    }
    let server = &krate.files["src/server.rs"];
    assert!(server.contains(".route_target_streaming(") && server.contains("try_recv_initial_request"), "{server}");
    assert!(krate.files["src/server/protocol/watch.rs"].contains("serve_events_after"), "the server sends initial-response first");
}

#[test]
fn payloads() {
    assert_nothing_skipped(&fixture("payloads"));
}

#[test]
fn rpcv2_cbor() {
    let krate = fixture("rpcv2-cbor");
    assert_nothing_skipped(&krate);
    // The protocol's runtime module is compiled only into crates that speak it.
    assert!(krate.files["Cargo.toml"].contains("rpcv2-cbor"), "the crate turns on smithygen-runtime's rpcv2-cbor feature");
}

#[test]
fn rpcv2_cbor_streams() {
    let krate = fixture("rpcv2-cbor-streams");
    assert_nothing_skipped(&krate);
    let events = &krate.files["src/protocol/event_streams.rs"];
    assert!(events.contains("rpcv2_cbor::to_body") && !events.contains("serde_json"), "CBOR event payloads:\n{events}");
    assert!(events.contains("exception_with_content_type") && events.contains(r#""application/cbor""#), "{events}");
    let follow = &krate.files["src/protocol/follow.rs"];
    assert!(follow.contains(r#""application/vnd.amazon.eventstream""#), "Accept names the event stream:\n{follow}");
    assert!(krate.files.values().any(|f| f.contains("rpcv2_cbor::exception_metadata")), "error events are read as CBOR");
}

#[test]
fn shapes() {
    assert_nothing_skipped(&fixture("shapes"));
}

#[test]
fn composition() {
    let krate = fixture("composition");
    assert_nothing_skipped(&krate);
    // Every operation bound through the nested resources is generated, plus the service's own.
    let modules: Vec<&str> = krate
        .files
        .keys()
        .filter_map(|p| p.strip_prefix("src/operation/")?.strip_suffix(".rs"))
        .collect();
    assert_eq!(
        modules,
        [
            "create_grove",
            "delete_grove",
            "get_grove",
            "get_tree",
            "import_groves",
            "list_groves",
            "list_trees",
            "pick_fruit",
            "ping",
            "plant_tree",
            "update_grove",
            "water_grove"
        ]
    );
}

/// Every library function of the rules language, lowered to code; the fixture's endpoint tests
/// (run by `cargo xtask upstream-check`) check the generated resolver against the interpreter.
#[test]
fn endpoint_library() {
    let krate = fixture("endpoint-library");
    assert_nothing_skipped(&krate);
    let endpoint = &krate.files["src/config/endpoint.rs"];
    for function in ["uri_encode", "substring", "is_valid_host_label", "aws_is_virtual_hostable_s3_bucket", "aws_partition", "split", "aws_parse_arn", "parse_url", "not"] {
        assert!(endpoint.contains(&format!("r::{function}(")), "{function}:\n{endpoint}");
    }
    assert!(!krate.files["src/config.rs"].contains("endpointRuleSet"), "the client carries no rules text");
}

#[test]
fn endpoint_params() {
    let krate = fixture("endpoint-params");
    assert_nothing_skipped(&krate);
    let endpoint = &krate.files["src/config/endpoint.rs"];
    // One field per rules parameter; `Mode` always has a value (required, with a default).
    for field in ["region: ::std::option::Option<::std::string::String>", "use_fips: bool", "shelf: ::std::option::Option<::std::string::String>", "mode: ::std::string::String"] {
        assert!(endpoint.contains(&format!("pub(crate) {field},")), "{field}:\n{endpoint}");
    }
    // The input member bound to `Shelf`, and the static `Mode` of `Ping`.
    assert!(krate.files["src/operation/get_crate.rs"].contains(r#"params.set("Shelf", value.as_str())"#));
    assert!(krate.files["src/operation/ping.rs"].contains(r#"("Mode", ::smithygen_runtime::client::StaticParam::String("ping"))"#));
}

#[test]
fn errors() {
    assert_nothing_skipped(&fixture("errors"));
}

#[test]
fn event_stream_operations_are_generated() {
    let krate = fixture("event-stream");
    assert_nothing_skipped(&krate);
    for path in ["src/operation/get_quote.rs", "src/operation/watch_prices.rs", "src/operation/publish_quotes.rs"] {
        assert!(krate.files.contains_key(path), "{path} is generated");
    }
    let output = &krate.files["src/operation/watch_prices.rs"];
    assert!(
        output.contains("pub events: crate::primitives::event_stream::EventReceiver<"),
        "the output stream is an EventReceiver:\n{output}"
    );
    let input = &krate.files["src/operation/publish_quotes.rs"];
    assert!(input.contains("pub quotes: crate::primitives::event_stream::EventStreamSender<"), "the input stream is an EventStreamSender");
    let protocol = &krate.files["src/protocol/event_streams.rs"];
    for f in ["fn read_price_events_event", "fn read_price_events_exception", "fn write_quote_events_event"] {
        assert!(protocol.contains(f), "{f} is generated");
    }
    assert!(krate.files["src/types/error.rs"].contains("pub enum PriceEventsError"), "the stream's error enum");
}

/// The command-line client of a fixture, reviewed like the client: `shapes` has every kind of
/// member (lists, maps, nested and recursive structures, unions, documents, enums, sensitive
/// members, deprecated ones), `event-stream` an output stream of events
/// without blobs (written as JSON lines) and input streams of events without blobs (each event
/// given as a JSON line, read with the union's conversion).
fn fixture_cli(name: &str) -> GeneratedCrate {
    let model = codegen_dir().join("tests/fixtures").join(format!("{name}.json"));
    let json = std::fs::read_to_string(&model).unwrap_or_else(|e| panic!("{}: {e}", model.display()));
    let options = Options { service: None, crate_options: workspace_crate_options(), customizations: None };
    let krate = smithygen::generate_cli(&json, &options).unwrap_or_else(|errors| panic!("{} does not generate:\n{errors}", model.display()));
    assert_crate_snapshot(&format!("{name}-cli"), &model, &krate);
    krate
}

#[test]
fn shapes_cli() {
    let krate = fixture_cli("shapes");
    let main = &krate.files["src/main.rs"];
    for f in ["fn in_everything(", "fn out_everything(", "fn in_figure(", "fn out_tree_node(", "fn out_expression("] {
        assert!(main.contains(f), "{f} is generated");
    }
}

#[test]
fn event_stream_cli() {
    let krate = fixture_cli("event-stream");
    let main = &krate.files["src/main.rs"];
    // Input streams whose events have no blob payload: each event as JSON, `{"Order": {...}}`.
    for f in ["fn call_publish_quotes(", "fn call_trade(", "fn in_order_events(", "fn in_quote_events(", "static SHAPE_ORDEREVENTS:"] {
        assert!(main.contains(f), "{f} is generated");
    }
    assert!(main.contains("EventForm::Json {\n                events: &SHAPE_ORDEREVENTS"), "trade takes its orders as JSON");
    let readme = &krate.files["README.md"];
    assert!(!readme.contains("No command for"), "every operation has a command:\n{readme}");
    assert!(readme.contains("- `trade` (Trade): sends its input event stream `Orders` from the command line"), "{readme}");
}

#[test]
fn sagemaker_runtime() {
    let model = codegen_dir().join("../models/runtime.sagemaker-2017-05-13.json");
    let krate = generate_file(&model);
    assert_crate_snapshot("sagemaker-runtime", &model, &krate);
}
