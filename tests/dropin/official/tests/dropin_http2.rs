//! The HTTP2 drop-in program against the official client.
#[path = "../../program_http2.rs"]
mod program;
