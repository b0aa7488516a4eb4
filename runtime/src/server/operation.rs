//! [`serve_operation`]: answers one request of one operation, the server's twin of the
//! client's `invoke`. Generated code supplies only the per-operation functions.

use super::{Rejection, ServerRequest, ServerResponse, Violations};
use crate::protocol::WireError;
use std::future::Future;

/// The generated functions of one operation that [`serve_operation`] calls, in this order:
/// read the request, validate the input, and write the answer.
#[derive(Debug)]
pub struct ServerOperation<I, E> {
    /// The operation's name, for the message of a response that cannot be encoded.
    pub name: &'static str,
    /// Reads the matched request into the operation's input (`de_request`).
    pub read_request: fn(&ServerRequest) -> Result<I, Rejection>,
    /// Collects the input's constraint violations (the generated validator).
    pub validate: fn(&I, &mut Violations),
    /// Answers with the operation's validation error when there are violations.
    pub write_validation_error: fn(&Violations) -> ServerResponse,
    /// Writes one of the operation's errors (`ser_error`).
    pub write_error: fn(E) -> Result<ServerResponse, WireError>,
}

/// Serves one request of `operation`: reads the input (a malformed request gets its
/// [`Rejection`]), validates it (violations get the operation's validation error), calls the
/// implementation through `call`, and writes the output with `write_output` or the error with
/// [`ServerOperation::write_error`]. A response that cannot be encoded becomes 500
/// `InternalFailure` naming the operation.
pub async fn serve_operation<I, O, E, Call, Write>(
    operation: &ServerOperation<I, E>,
    request: ServerRequest,
    call: impl FnOnce(I) -> Call,
    write_output: impl FnOnce(O) -> Write,
) -> ServerResponse
where
    Call: Future<Output = Result<O, E>>,
    Write: Future<Output = Result<ServerResponse, WireError>>,
{
    let input = match (operation.read_request)(&request) {
        Ok(input) => input,
        Err(rejection) => return rejection.into_response(),
    };
    let mut violations = Violations::new();
    (operation.validate)(&input, &mut violations);
    if !violations.is_empty() {
        return (operation.write_validation_error)(&violations);
    }
    let response = match call(input).await {
        Ok(output) => write_output(output).await,
        Err(error) => (operation.write_error)(error),
    };
    response.unwrap_or_else(|e| {
        Rejection::Internal(format!("could not encode the {} response: {}", operation.name, e)).into_response()
    })
}
