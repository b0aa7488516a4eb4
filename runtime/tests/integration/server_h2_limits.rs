//! The HTTP/2 limits against abusive clients, each driven frame by frame over raw TCP (what
//! a well-behaved client library will not send), and after each abuse the same server still
//! answers a normal request on a new connection, over HTTP/1.1 and h2c.
#![cfg(feature = "server")]

use crate::h2_support;

use h2_support::*;
use std::time::Duration;

/// Rapid reset (CVE-2023-44487): streams opened and cancelled at once, many of them, in one
/// write. Past `max_pending_accept_reset_streams` (20 by default) the connection ends with
/// GOAWAY ENHANCE_YOUR_CALM.
#[tokio::test]
async fn rapid_resets_end_the_connection() {
    let server = router(quick_config()).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let mut raw = Raw::open(addr).await;
    let mut flood = Vec::new();
    for i in 0..500u32 {
        let id = 1 + 2 * i;
        flood.extend(frame(HEADERS, END_HEADERS | END_STREAM, id, &request_block("GET", "/hold?ms=5000", &[])));
        flood.extend(frame(RST_STREAM, 0, id, &CANCEL.to_be_bytes()));
    }
    raw.send(&flood).await;
    let frames = raw.until_closed(WAIT).await;
    assert_eq!(goaway(&frames).map(|g| g.1), Some(ENHANCE_YOUR_CALM), "{:?}", &frames[frames.len().saturating_sub(3)..]);
    still_serves(addr).await;
    server.shutdown().await.unwrap();
}

/// "MadeYouReset" (CVE-2025-8671): streams the client makes the server reset through its own
/// protocol errors (here malformed requests: no `:path`). Past `max_local_error_reset_streams`
/// the connection ends with GOAWAY ENHANCE_YOUR_CALM.
#[tokio::test]
async fn streams_reset_for_client_errors_are_bounded() {
    let mut config = quick_config();
    config.http2.max_local_error_reset_streams = 50;
    let server = router(config).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let mut raw = Raw::open(addr).await;
    let mut flood = Vec::new();
    for i in 0..200u32 {
        let id = 1 + 2 * i;
        let mut malformed = Vec::new();
        literal(":method", b"GET", &mut malformed);
        literal(":scheme", b"http", &mut malformed);
        literal(":authority", b"127.0.0.1", &mut malformed);
        flood.extend(frame(HEADERS, END_HEADERS | END_STREAM, id, &malformed));
    }
    raw.send(&flood).await;
    let frames = raw.until_closed(WAIT).await;
    let resets = frames.iter().filter(|f| f.rst() == Some(PROTOCOL_ERROR)).count();
    assert!(resets <= 50, "each error is a reset, up to the limit: {resets}");
    let (last, code) = goaway(&frames).expect("a GOAWAY");
    assert_eq!(code, ENHANCE_YOUR_CALM);
    assert!(last <= 2 * 51 + 1, "the connection ended at the limit, not at the end of the flood: last stream {last}");
    still_serves(addr).await;
    server.shutdown().await.unwrap();
}

/// A header list over `max_header_list_size` (16 KiB by default, here 20 KiB sent as HEADERS
/// and CONTINUATION frames): the request is answered 431 without reaching a handler, and the
/// connection goes on serving.
#[tokio::test]
async fn a_too_large_header_list_is_refused() {
    let server = router(quick_config()).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (client, conn) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut client = client.ready().await.unwrap();
    let mut request = http::Request::post(format!("http://{addr}/echo")).body(()).unwrap();
    for name in ["x-a", "x-b", "x-c", "x-d", "x-e"] {
        request.headers_mut().insert(name, http::HeaderValue::from_str(&"a".repeat(4000)).unwrap());
    }
    let (response, _) = client.send_request(request, true).unwrap();
    let response = tokio::time::timeout(WAIT, response).await.expect("an answer").unwrap();
    assert_eq!(response.status(), 431);
    // The same connection still serves a request of ordinary size.
    let mut client = client.ready().await.unwrap();
    let (response, mut send) = client.send_request(http::Request::post(format!("http://{addr}/echo")).body(()).unwrap(), false).unwrap();
    send.send_data(bytes::Bytes::from_static(b"small"), true).unwrap();
    let response = tokio::time::timeout(WAIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    let body = tokio::time::timeout(WAIT, response.into_body().data()).await.unwrap().unwrap().unwrap();
    assert!(body.ends_with(b"small"), "{body:?}");
    still_serves(addr).await;
    server.shutdown().await.unwrap();
}

/// A header block that never ends: a HEADERS frame without END_HEADERS followed by
/// CONTINUATION frames, each more headers (the 2024 CONTINUATION flood). The connection is
/// ended long before memory grows: GOAWAY, then close.
#[tokio::test]
async fn a_continuation_flood_ends_the_connection() {
    let server = router(quick_config()).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let mut raw = Raw::open(addr).await;
    raw.send(&frame(HEADERS, 0, 1, &request_block("GET", "/hello", &[]))).await;
    let mut more = Vec::new();
    literal("x-flood", &[b'f'; 1000], &mut more);
    let mut sent = 0usize;
    let mut closed = false;
    // At most 64 MiB offered; the server must stop it well before.
    for _ in 0..2000 {
        let mut batch = Vec::new();
        for _ in 0..32 {
            batch.extend(frame(CONTINUATION, 0, 1, &more));
        }
        sent += batch.len();
        if tokio::time::timeout(WAIT, tokio::io::AsyncWriteExt::write_all(&mut raw.io, &batch)).await.map_or(true, |r| r.is_err()) {
            closed = true;
            break;
        }
    }
    if !closed {
        panic!("the server took {sent} bytes of one header block without closing");
    }
    assert!(sent < 4 * 1024 * 1024, "stopped early: {sent} bytes");
    still_serves(addr).await;
    server.shutdown().await.unwrap();
}

/// A frame larger than the announced `max_frame_size` (16 KiB) is a connection error:
/// GOAWAY FRAME_SIZE_ERROR, then close.
#[tokio::test]
async fn an_oversized_frame_is_a_frame_size_error() {
    let server = router(quick_config()).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let mut raw = Raw::open(addr).await;
    raw.send(&frame(HEADERS, END_HEADERS, 1, &request_block("POST", "/echo", &[]))).await;
    raw.send(&frame(DATA, 0, 1, &vec![0u8; 16 * 1024 + 1])).await;
    let frames = raw.until_closed(WAIT).await;
    assert_eq!(goaway(&frames).map(|g| g.1), Some(FRAME_SIZE_ERROR), "{frames:?}");
    still_serves(addr).await;

    // A larger limit, announced, is honoured; past it the same.
    let mut config = quick_config();
    config.http2.max_frame_size = 64 * 1024;
    let server2 = router(config).start("127.0.0.1:0").await.unwrap();
    let mut raw = Raw::open(server2.local_addr()).await;
    raw.send(&frame(HEADERS, END_HEADERS, 1, &request_block("POST", "/echo", &[]))).await;
    raw.send(&frame(DATA, END_STREAM, 1, &vec![b'z'; 64 * 1024])).await;
    let mut got = 0usize;
    while got == 0 {
        match raw.next(WAIT).await {
            Next::Frame(f) if f.kind == DATA && f.stream == 1 => got = f.payload.len(),
            Next::Frame(_) => {}
            other => panic!("no answer to a 64 KiB frame: {other:?}"),
        }
    }
    raw.send(&frame(HEADERS, END_HEADERS, 3, &request_block("POST", "/echo", &[]))).await;
    raw.send(&frame(DATA, 0, 3, &vec![0u8; 64 * 1024 + 1])).await;
    let frames = raw.until_closed(WAIT).await;
    assert_eq!(goaway(&frames).map(|g| g.1), Some(FRAME_SIZE_ERROR));
    still_serves(server2.local_addr()).await;
    server2.shutdown().await.unwrap();
    server.shutdown().await.unwrap();
}

/// More streams at once than `max_concurrent_streams`: the extra ones are refused
/// (RST_STREAM REFUSED_STREAM, safe for the client to retry), the others are served.
#[tokio::test]
async fn streams_past_the_concurrency_limit_are_refused() {
    let mut config = quick_config();
    config.http2.max_concurrent_streams = 3;
    let server = router(config).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let mut raw = Raw::open(addr).await;
    let mut burst = Vec::new();
    for i in 0..6u32 {
        burst.extend(frame(HEADERS, END_HEADERS | END_STREAM, 1 + 2 * i, &request_block("GET", "/hold?ms=300", &[])));
    }
    raw.send(&burst).await;
    let mut refused = Vec::new();
    let mut served = Vec::new();
    while refused.len() + served.len() < 6 {
        match raw.next(WAIT).await {
            Next::Frame(f) if f.rst() == Some(REFUSED_STREAM) => refused.push(f.stream),
            Next::Frame(f) if f.kind == DATA && f.payload == b"held" => served.push(f.stream),
            Next::Frame(f) if f.kind == PING && f.flags & ACK == 0 => raw.send(&frame(PING, ACK, 0, &f.payload)).await,
            Next::Frame(_) => {}
            other => panic!("{other:?}; refused {refused:?}, served {served:?}"),
        }
    }
    served.sort_unstable();
    refused.sort_unstable();
    assert_eq!(served, [1, 3, 5]);
    assert_eq!(refused, [7, 9, 11]);
    // Once they are done, new streams are accepted again on the same connection.
    raw.send(&frame(HEADERS, END_HEADERS | END_STREAM, 13, &request_block("GET", "/hello", &[]))).await;
    loop {
        match raw.next(WAIT).await {
            Next::Frame(f) if f.kind == DATA && f.stream == 13 => break assert_eq!(f.payload, b"hello"),
            Next::Frame(f) => assert!(f.rst().is_none(), "{f:?}"),
            other => panic!("{other:?}"),
        }
    }
    still_serves(addr).await;
    server.shutdown().await.unwrap();
}

/// Garbage instead of the preface, a half-open preface, and random bytes after a valid
/// handshake: each connection ends without harming the server.
#[tokio::test]
async fn malformed_connections_end_cleanly() {
    let mut config = quick_config();
    config.header_read_timeout = Duration::from_millis(500);
    let server = router(config).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    for junk in [&b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n"[..], b"\x00\x00\x00\x00\x00\x00\x00\x00\x00", b"PRI * HTTP/2.0"] {
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        tokio::io::AsyncWriteExt::write_all(&mut tcp, junk).await.unwrap();
        let mut buf = Vec::new();
        let read = tokio::time::timeout(WAIT, tokio::io::AsyncReadExt::read_to_end(&mut tcp, &mut buf)).await;
        assert!(read.is_ok(), "closed: {junk:?}");
    }
    let mut raw = Raw::open(addr).await;
    let mut seed = 0x2545_f491_u32;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as u8
        })
        .collect();
    raw.send(&noise).await;
    raw.until_closed(WAIT).await;
    still_serves(addr).await;
    server.shutdown().await.unwrap();
}
