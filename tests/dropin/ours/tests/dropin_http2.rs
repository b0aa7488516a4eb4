//! The HTTP2 drop-in program against ours.
#[path = "../../program_http2.rs"]
mod program;
