//! The end-to-end tests, one test binary: each file below was its own binary, and each such
//! binary links the official SDK, our crates and the mock again (about 100 MB and a link step
//! each). One binary keeps CI's disk and link time in bounds. Run one group with
//! `cargo test -p e2e-tests --test e2e <module>::`, e.g. `model_facts::`.
//!
//! `../wire_props.rs` stays a binary of its own: it counts every panic in its process.

mod mock_support;

mod api_parity;
mod async_wait;
mod bidi_h2;
mod bidi_server_frames;
mod bidi_wire;
mod cli;
mod cli_input_stream;
mod cli_print_request;
mod cli_support;
mod cli_wait;
mod client_decode;
mod client_stream;
mod client_validation;
mod client_wire;
mod git_dependency;
mod mock_async;
mod mock_bidi;
mod mock_hostile;
mod mock_http;
mod mock_invoke;
mod mock_official_sdk;
mod mock_s3_api;
mod mock_s3_store;
mod mock_sigv4;
mod mock_stream;
mod mock_upstream;
mod mock_validation;
mod model_facts;
mod module_graph;
mod retry_parity;
mod server_stub;

/// A file of this folder that `main.rs` does not declare would never be compiled or run.
#[test]
fn every_file_of_the_folder_is_a_module() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e");
    let declared = include_str!("main.rs");
    for entry in std::fs::read_dir(&dir).expect("tests/e2e") {
        let path = entry.expect("entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).expect("utf-8 name");
        if name == "main" || (path.is_file() && path.extension().is_none_or(|e| e != "rs")) {
            continue;
        }
        assert!(declared.contains(&format!("\nmod {name};\n")), "tests/e2e/{name} is not declared in tests/e2e/main.rs");
    }
}
