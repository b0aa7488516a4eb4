//! `smithygen_runtime::server::Router` over real loopback TCP: routing precedence, 404/405,
//! 413, panics, request ids, keep-alive and graceful shutdown.
#![cfg(feature = "server")]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use smithygen_runtime::server::{Router, ServerRequest, ServerResponse};
use std::net::SocketAddr;
use std::time::Duration;

fn text(status: u16, body: String) -> ServerResponse {
    http::Response::builder().status(status).body(Bytes::from(body)).unwrap()
}

fn router() -> Router {
    Router::new()
        .route("GetThing", "GET", "/things/{Id}", |r: ServerRequest| async move {
            text(200, format!("thing {}", r.label(0, "Id").unwrap()))
        })
        .route("GetSpecial", "GET", "/things/special", |_r: ServerRequest| async move { text(200, "special".into()) })
        .route("PutThing", "PUT", "/things/{Id}", |r: ServerRequest| async move {
            text(201, format!("put {} {}", r.label(0, "Id").unwrap(), String::from_utf8_lossy(r.body())))
        })
        .route("GetFile", "GET", "/files/{Bucket}/{Key+}", |r: ServerRequest| async move {
            text(200, format!("{}|{}", r.label(0, "Bucket").unwrap(), r.label(1, "Key").unwrap()))
        })
        .route("Search", "GET", "/search?mode=fast", |r: ServerRequest| async move {
            text(200, format!("fast {:?}", r.query_all("q")))
        })
        .route("Slow", "GET", "/slow", |_r: ServerRequest| async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            text(200, "slow".into())
        })
        .route("Boom", "GET", "/boom", |_r: ServerRequest| async move {
            if true {
                panic!("boom");
            }
            text(200, String::new())
        })
        .with_body_limit(16)
}

async fn get(addr: SocketAddr, method: &str, uri: &str, body: &'static [u8]) -> (u16, http::HeaderMap, String) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let req = http::Request::builder().method(method).uri(uri).header("host", "x").body(Full::new(Bytes::from_static(body))).unwrap();
    let resp = sender.send_request(req).await.unwrap();
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (parts.status.as_u16(), parts.headers, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn routes_by_method_path_and_query_with_literals_first() {
    let server = router().start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    assert_eq!(get(addr, "GET", "/things/a%20b", b"").await.2, "thing a b");
    assert_eq!(get(addr, "GET", "/things/special", b"").await.2, "special");
    let (status, _, body) = get(addr, "PUT", "/things/7", b"data").await;
    assert_eq!((status, body.as_str()), (201, "put 7 data"));
    assert_eq!(get(addr, "GET", "/files/b/dir/sub/file%2B1.txt", b"").await.2, "b|dir/sub/file+1.txt");
    assert_eq!(get(addr, "GET", "/search?mode=fast&q=1&q=2", b"").await.2, r#"fast ["1", "2"]"#);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_routes_wrong_methods_and_large_bodies_are_rejected_with_request_ids() {
    let server = router().start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let (status, headers, _) = get(addr, "GET", "/nothing", b"").await;
    assert_eq!((status, headers["x-amzn-errortype"].to_str().unwrap()), (404, "UnknownOperationException"));
    assert_eq!(headers["x-amzn-requestid"].len(), 36);
    // The query literal is part of the route: without it, no operation matches.
    assert_eq!(get(addr, "GET", "/search?mode=slow", b"").await.0, 404);
    let (status, headers, _) = get(addr, "DELETE", "/things/1", b"").await;
    assert_eq!(status, 405);
    assert_eq!(headers["allow"], "GET, PUT");
    let (status, headers, _) = get(addr, "PUT", "/things/1", b"0123456789abcdefX").await;
    assert_eq!((status, headers["x-amzn-errortype"].to_str().unwrap()), (413, "RequestEntityTooLargeException"));
    assert_eq!(headers["x-amzn-requestid"].len(), 36);
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_and_the_server_keeps_serving() {
    let server = router().start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let (status, headers, body) = get(addr, "GET", "/boom", b"").await;
    assert_eq!((status, headers["x-amzn-errortype"].to_str().unwrap()), (500, "InternalFailure"));
    assert!(body.contains("Boom"), "{body}");
    assert_eq!(get(addr, "GET", "/things/1", b"").await.0, 200);
}

#[tokio::test]
async fn in_process_handle_needs_no_socket() {
    let response = router().handle(http::Request::get("/things/x").body(Bytes::new()).unwrap()).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-amzn-requestid"));
}

#[tokio::test]
async fn keep_alive_and_graceful_shutdown_lets_requests_in_flight_finish() {
    let server = router().start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    let conn = tokio::spawn(conn);
    for id in ["1", "2"] {
        let req = http::Request::get(format!("/things/{id}")).header("host", "x").body(Full::new(Bytes::new())).unwrap();
        let resp = sender.send_request(req).await.unwrap();
        assert_eq!(resp.into_body().collect().await.unwrap().to_bytes(), format!("thing {id}"));
    }
    // A slow request in flight when shutdown starts still completes.
    let slow = tokio::spawn(async move {
        let req = http::Request::get("/slow").header("host", "x").body(Full::new(Bytes::new())).unwrap();
        let resp = sender.send_request(req).await.unwrap();
        resp.into_body().collect().await.unwrap().to_bytes()
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    tokio::time::timeout(Duration::from_secs(5), server.shutdown()).await.unwrap().unwrap();
    assert_eq!(slow.await.unwrap(), "slow");
    // The kept-alive connection is closed afterwards, and nothing listens.
    tokio::time::timeout(Duration::from_secs(5), conn).await.unwrap().unwrap().unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn before_hooks_see_every_request_first_and_may_answer_it() {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    let server = router()
        .before(move |request: http::Request<Bytes>| {
            log.lock().unwrap().push(format!("{} {}", request.method(), request.uri()));
            async move { Ok(request) }
        })
        .before(|mut request: http::Request<Bytes>| async move {
            match request.uri().path() {
                // A path of the hook's own, next to the routes.
                "/_admin" => Err(text(200, "admin".into())),
                "/things/forbidden" => Err(smithygen_runtime::server::error_response(403, "AccessDenied", "no", Default::default())),
                // A hook may change the request before routing.
                "/things/rewrite" => {
                    *request.uri_mut() = http::Uri::from_static("/things/rewritten");
                    Ok(request)
                }
                "/things/hook-panic" => panic!("hook panicked"),
                _ => Ok(request),
            }
        })
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let addr = server.local_addr();
    assert_eq!(get(addr, "GET", "/things/1", b"").await.2, "thing 1");
    let (status, headers, body) = get(addr, "GET", "/_admin", b"").await;
    assert_eq!((status, body.as_str()), (200, "admin"));
    assert_eq!(headers["x-amzn-requestid"].len(), 36, "hook responses get a request id too");
    let (status, headers, _) = get(addr, "GET", "/things/forbidden", b"").await;
    assert_eq!((status, headers["x-amzn-errortype"].to_str().unwrap()), (403, "AccessDenied"));
    assert_eq!(get(addr, "GET", "/things/rewrite", b"").await.2, "thing rewritten");
    let (status, headers, _) = get(addr, "GET", "/things/hook-panic", b"").await;
    assert_eq!((status, headers["x-amzn-errortype"].to_str().unwrap()), (500, "InternalFailure"));
    // Bodies over the limit never reach a hook.
    assert_eq!(get(addr, "PUT", "/things/1", b"0123456789abcdefX").await.0, 413);
    assert_eq!(
        *seen.lock().unwrap(),
        ["GET /things/1", "GET /_admin", "GET /things/forbidden", "GET /things/rewrite", "GET /things/hook-panic"]
    );
    server.shutdown().await.unwrap();
}
