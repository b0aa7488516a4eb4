//! The drop-in program against ours.
#[path = "../../program.rs"]
mod program;
