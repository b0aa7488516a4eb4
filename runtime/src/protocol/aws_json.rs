//! awsJson1_0 / awsJson1_1 errors: the code in `X-Amzn-ErrorType` or the body's `code` /
//! `__type` (as restJson1, see [`super::error`]), and for services migrated from awsQuery
//! (`aws.protocols#awsQueryCompatible`) the awsQuery code and fault in `x-amzn-query-error`.
//! The body codec is restJson1's ([`super::json`]).

use aws_smithy_runtime_api::http::Headers;
use aws_smithy_types::error::metadata::Builder as ErrorMetadataBuilder;

/// The header an awsQuery-compatible service gives the awsQuery error in: `Code;Fault`.
pub const QUERY_ERROR_HEADER: &str = "x-amzn-query-error";

/// Error metadata (code, message, request id) of a failed awsJson response.
pub fn error_metadata(headers: &Headers, body: &[u8]) -> ErrorMetadataBuilder {
    super::error::error_metadata(headers, body)
}

/// The awsQuery code and fault of `x-amzn-query-error: Code;Fault`, when the header holds both.
pub fn query_error(headers: &Headers) -> Option<(&str, &str)> {
    let (code, fault) = headers.get(QUERY_ERROR_HEADER)?.split_once(';')?;
    (!code.is_empty() && !fault.is_empty()).then_some((code, fault))
}

/// Error metadata of a failed response of an awsQuery-compatible service: as
/// [`error_metadata`], with the code replaced by the awsQuery code and the fault kept as
/// `type` (as the official SDK's `parse_aws_query_compatible_error` does), so programs written
/// against the awsQuery service see the codes they know.
pub fn query_compatible_error_metadata(headers: &Headers, body: &[u8]) -> ErrorMetadataBuilder {
    let builder = error_metadata(headers, body);
    match query_error(headers) {
        Some((code, fault)) => builder.code(code).custom("type", fault),
        None => builder,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_error_header_gives_code_and_type() {
        let mut headers = Headers::new();
        headers.insert("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender");
        let body = br#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"no queue"}"#;
        let meta = query_compatible_error_metadata(&headers, body).build();
        assert_eq!(meta.code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
        assert_eq!(meta.extra("type"), Some("Sender"));
        assert_eq!(meta.message(), Some("no queue"));
        assert_eq!(error_metadata(&headers, body).build().code(), Some("QueueDoesNotExist"));
    }

    #[test]
    fn a_malformed_query_error_header_is_ignored() {
        for value in ["NoFault", ";Sender", "Code;"] {
            let mut headers = Headers::new();
            headers.insert("x-amzn-query-error", value);
            let meta = query_compatible_error_metadata(&headers, br#"{"__type":"ns#Boom"}"#).build();
            assert_eq!(meta.code(), Some("Boom"), "{value}");
        }
    }
}
