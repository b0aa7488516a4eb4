//! `smithygen`: turns a Smithy 2.0 JSON AST model into Rust crates.
//!
//! The pipeline is load → validate → normalise → lower to an IR → emit → format → write.

pub mod docs;
pub mod naming;
