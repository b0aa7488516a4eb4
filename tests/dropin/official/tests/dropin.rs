//! The drop-in program against the official client.
#[path = "../../program.rs"]
mod program;
