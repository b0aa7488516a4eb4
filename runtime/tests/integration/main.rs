//! The runtime's integration tests, one test binary (each file was its own binary, each linking
//! the whole runtime and its HTTP stack again). Run one group with
//! `cargo test -p smithygen-runtime --all-features --test integration <module>::`.

mod client_support;
#[cfg(feature = "server")]
mod h2_support;

mod client_config;
mod client_invoke;
mod client_tracing;
mod client_typed_endpoint;
mod decode_splits;
mod endpoint_rules;
mod event_stream;
mod server_h2;
mod server_h2_limits;
mod server_router;
mod server_tls;

