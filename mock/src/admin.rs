//! The router: the generated SageMaker Runtime routes and SageMaker Runtime HTTP2's
//! (`InvokeEndpointWithBidirectionalStream`) on one listener, behind hooks that serve the
//! mock-only `/_mock/` paths, record every request and check SigV4; S3 calls for the store's
//! objects are diverted to `s3.rs` before those hooks (which logs them itself; signatures
//! checked by s3s).

use crate::record::RecordedRequest;
use crate::service::{Mock, MockService};
use bytes::Bytes;
use serde_json::{json, Value};
use smithygen_runtime::server::{error_response, BodyTap, Router, ServerResponse};
use std::sync::Arc;
use std::time::SystemTime;

/// The prefix of mock-only paths; API routes all start with `/endpoints/`.
pub(crate) const ADMIN_PREFIX: &str = "/_mock/";

pub(crate) fn router(mock: Arc<Mock>, data_dir: &std::path::Path) -> Router {
    // S3 calls for the store's objects, told apart by their signing scope or host (src/s3.rs).
    let s3 = crate::s3::S3Front::new(mock.clone(), data_dir.join(".s3-uploads"));
    let checks_signatures = mock.config.auth.is_some();
    sagemaker_runtime::server::router(MockService(mock.clone()))
        .merge(sagemaker_runtime_http2::server::router(crate::bidi::BidiService(mock.clone())))
        .divert(
            move |head| crate::s3::is_s3_request(head, checks_signatures, ADMIN_PREFIX),
            move |request| {
                let s3 = s3.clone();
                async move { s3.serve(request).await }
            },
        )
        // One hook for the three checks every request goes through, in this order (one hook
        // rather than three, and one that never waits, so no future per request): the mock-only paths are
        // answered (and not logged); everything else is logged as it arrived, then its SigV4
        // signature checked when verification is on.
        .before_sync(move |request: &mut http::Request<Bytes>| front_door(&mock, request))
        .after(|_method: &http::Method, path: &str, response: ServerResponse| {
            if path.ends_with(crate::bidi::OPERATION_PATH_SUFFIX) {
                crate::bidi::input_validation_error(response)
            } else {
                response
            }
        })
}

/// The mock-only paths, the request log and SigV4 verification (see [`router`]): the answer
/// to a request that goes no further, if it is one.
fn front_door(mock: &Arc<Mock>, request: &mut http::Request<Bytes>) -> Option<ServerResponse> {
    if request.uri().path().starts_with(ADMIN_PREFIX) {
        return Some(admin(mock, request));
    }
    let recorded = crate::record::Entry::from_request(request);
    let streamed = recorded.operation == Some(crate::record::INVOKE_ENDPOINT_WITH_BIDIRECTIONAL_STREAM);
    if let Some(id) = mock.recorder.push(recorded) {
        if streamed {
            // Its body (the input event stream) reaches the log as the operation reads it.
            let tapped = mock.clone();
            request.extensions_mut().insert(BodyTap::new(move |chunk| tapped.recorder.append_body(id, chunk)));
        }
    }
    if let Some(auth) = &mock.config.auth {
        if let Err(failure) = crate::sigv4::verify(auth, &mock.config.region, request, SystemTime::now()) {
            tracing::info!(code = failure.code, uri = %request.uri(), "request refused by SigV4 verification");
            return Some(failure.into_response());
        }
    }
    None
}

fn json_response(status: u16, value: &Value) -> ServerResponse {
    let mut response = http::Response::new(Bytes::from(serde_json::to_vec_pretty(value).unwrap_or_default()));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    response
}

fn query(request: &http::Request<Bytes>, name: &str) -> Option<String> {
    request.uri().query()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| smithygen_runtime::protocol::http::decode_percent(&v.replace('+', " "), name).unwrap_or_default())
    })
}

/// Answers a `/_mock/` request.
fn admin(mock: &Mock, request: &http::Request<Bytes>) -> ServerResponse {
    let path = request.uri().path();
    let method = request.method().clone();
    match (method.as_str(), path) {
        ("GET", "/_mock/health") => json_response(200, &json!({ "status": "ok" })),
        ("GET", "/_mock/requests") => {
            let endpoint = query(request, "endpoint");
            let operation = query(request, "operation");
            let limit = match query(request, "limit").map(|l| l.parse::<usize>()) {
                None => None,
                Some(Ok(limit)) => Some(limit),
                Some(Err(_)) => {
                    return error_response(
                        400,
                        "ValidationError",
                        "limit must be a whole number of requests (the newest N are returned)",
                        Default::default(),
                    )
                }
            };
            let list: Vec<Value> = mock
                .recorder
                .select(limit, |r| {
                    (endpoint.is_none() || r.endpoint_name == endpoint)
                        && (operation.is_none() || r.operation.map(str::to_string) == operation)
                })
                .iter()
                .map(RecordedRequest::to_json)
                .collect();
            let mut response = json_response(200, &Value::Array(list));
            response.headers_mut().insert("x-mock-dropped-requests", http::HeaderValue::from(mock.recorder.dropped()));
            response
        }
        ("DELETE", "/_mock/requests") => {
            mock.recorder.clear();
            let mut response = http::Response::new(Bytes::new());
            *response.status_mut() = http::StatusCode::NO_CONTENT;
            response
        }
        ("GET", "/_mock/async") => {
            let pending: Vec<Value> = mock
                .queue
                .pending()
                .into_iter()
                .map(|(id, endpoint)| json!({ "inference_id": id, "endpoint_name": endpoint }))
                .collect();
            let finished: Vec<Value> = mock.queue.finished().iter().map(crate::AsyncResult::to_json).collect();
            json_response(200, &json!({ "pending": pending, "finished": finished }))
        }
        (_, "/_mock/health" | "/_mock/requests" | "/_mock/async") => {
            error_response(405, "MethodNotAllowedException", &format!("{method} is not supported on {path}"), Default::default())
        }
        _ => error_response(
            404,
            "NotFound",
            &format!("no mock path {path}; try /_mock/health, /_mock/requests or /_mock/async"),
            Default::default(),
        ),
    }
}
