//! Constraint checking of operation inputs (features `server` and `validate`): generated
//! validators walk a typed input and record each `@required`, `@length`, `@range`, `@pattern`,
//! enum and `@uniqueItems` violation in [`Violations`]; `@pattern`s run as a [`Pattern`]
//! translated from Java's syntax at generation time.
//!
//! The server stub answers violations with the operation's validation error
//! (`server::serve_operation`); the client, with its `validate_input` setting on, fails the call
//! before anything is signed or sent (`client::validate_input`). Both run the same generated
//! validators, so a value the client lets through is one the stub accepts.

mod pattern;
mod violations;

pub use pattern::Pattern;
pub use violations::{Constraint, Step, Violation, Violations};
