//! Tests generated beside the code: the model's `smithy.rules#endpointTests`.

use crate::ir::Service;
use proc_macro2::TokenStream;

/// Test files for the generated crate (paths relative to the crate root).
pub fn test_files(_svc: &Service) -> Vec<(String, TokenStream)> {
    Vec::new()
}
