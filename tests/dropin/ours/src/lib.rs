//! Empty: the program is in ../program.rs, compiled by tests/dropin.rs.
