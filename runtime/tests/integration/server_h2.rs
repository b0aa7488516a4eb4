//! The server over HTTP/2 with prior knowledge (h2c) beside HTTP/1.1 on one listener: the same
//! routes either way, full duplex streaming, graceful shutdown with GOAWAY, flow control, and
//! the timeouts. The limits against abusive clients are in `server_h2_limits.rs`.
#![cfg(feature = "server")]

use crate::h2_support;

use bytes::Bytes;
use h2_support::*;
use http_body_util::BodyExt;
use smithygen_runtime::server::{streaming_response, Router, ServerRequest, StreamingBody};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn one_listener_serves_http1_and_h2c_alike() {
    let server = router(quick_config()).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    assert!(server.url().starts_with("http://"));
    let h1 = http1(addr, "POST", "/echo?x=1", b"body").await;
    let h2 = h2c(addr, "POST", "/echo?x=1", b"body").await;
    assert_eq!(h1, (http::Version::HTTP_11, 200, "/echo host=127.0.0.1 body".to_string()));
    // Over HTTP/2 the handler sees the path, not the absolute URI, and the :authority as Host.
    assert_eq!(h2, (http::Version::HTTP_2, 200, format!("/echo host={addr} body")));
    assert_eq!(h2c(addr, "GET", "/nowhere", b"").await.1, 404);
    server.shutdown().await.unwrap();

    // The body limit holds over HTTP/2 too, declared (content-length) or not (raw DATA frames).
    let server = router(quick_config()).with_body_limit(16).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    assert_eq!(h2c(addr, "POST", "/echo", b"sixteen bytes ok").await.1, 200);
    assert_eq!(h2c(addr, "POST", "/echo", b"seventeen bytes!!").await.1, 413);
    assert_eq!(http1(addr, "POST", "/echo", b"seventeen bytes!!").await.1, 413);
    let mut raw = Raw::open(addr).await;
    raw.send(&frame(HEADERS, END_HEADERS, 1, &request_block("POST", "/echo", &[]))).await;
    raw.send(&frame(DATA, 0, 1, &[b'a'; 10])).await;
    raw.send(&frame(DATA, END_STREAM, 1, &[b'b'; 10])).await;
    let body = loop {
        match raw.next(WAIT).await {
            Next::Frame(f) if f.kind == DATA && f.stream == 1 => break String::from_utf8_lossy(&f.payload).into_owned(),
            Next::Frame(_) => {}
            other => panic!("no answer: {other:?}"),
        }
    };
    assert!(body.contains("the request body is larger than 16 bytes"), "{body}");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn many_requests_share_one_h2_connection() {
    let server = router(quick_config()).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let stream = TcpStream::connect(addr).await.unwrap();
    let (sender, conn) = hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), hyper_util::rt::TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let started = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let mut sender = sender.clone();
        calls.spawn(async move {
            let req = http::Request::get(format!("http://{addr}/hold?ms=300")).body(http_body_util::Empty::<Bytes>::new()).unwrap();
            let resp = sender.send_request(req).await.unwrap();
            resp.into_body().collect().await.unwrap().to_bytes()
        });
    }
    let bodies = tokio::time::timeout(WAIT, calls.join_all()).await.unwrap();
    assert_eq!(bodies.len(), 20);
    assert!(bodies.iter().all(|b| b == "held"));
    assert!(started.elapsed() < Duration::from_millis(3000), "20 streams ran at once: {:?}", started.elapsed());
    server.shutdown().await.unwrap();
}

/// Full duplex over one HTTP/2 stream: the route gets each request DATA frame as it arrives
/// and answers it on its response body while the request is still open; the client sends
/// chunk 2 only after reading the answer to chunk 1.
#[tokio::test]
async fn a_streaming_route_is_full_duplex_over_h2() {
    let server = router(quick_config()).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (client, conn) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut client = client.ready().await.unwrap();
    let request = http::Request::post(format!("http://{addr}/duplex")).body(()).unwrap();
    let (response, mut send) = client.send_request(request, false).unwrap();
    send.send_data(Bytes::from_static(b"one"), false).unwrap();
    let response = tokio::time::timeout(WAIT, response).await.expect("the response head before the request ends").unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), http::Version::HTTP_2);
    let mut body = response.into_body();
    assert_eq!(next(&mut body).await.as_deref(), Some(&b"ack:one"[..]), "chunk 1 answered while the request is open");
    send.send_data(Bytes::from_static(b"two"), false).unwrap();
    assert_eq!(next(&mut body).await.as_deref(), Some(&b"ack:two"[..]));
    send.send_data(Bytes::from_static(b"three"), true).unwrap();
    assert_eq!(next(&mut body).await.as_deref(), Some(&b"ack:three"[..]));
    assert_eq!(next(&mut body).await, None, "the response ends after the request does");
    server.shutdown().await.unwrap();
}

/// The next non-empty chunk of a response body (its window given back), within the wait.
async fn next(body: &mut h2::RecvStream) -> Option<Bytes> {
    loop {
        let chunk = tokio::time::timeout(WAIT, body.data()).await.expect("an answer within the wait")?.unwrap();
        let _ = body.flow_control().release_capacity(chunk.len());
        if !chunk.is_empty() {
            return Some(chunk);
        }
    }
}

/// Graceful shutdown: a request in flight on an HTTP/2 connection finishes, the connection
/// gets GOAWAY (so the client opens no new stream on it), and shutdown returns.
#[tokio::test]
async fn shutdown_sends_goaway_and_lets_h2_requests_finish() {
    let server = router(quick_config()).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let mut raw = Raw::open(addr).await;
    raw.send(&frame(HEADERS, END_HEADERS | END_STREAM, 1, &request_block("GET", "/hold?ms=500", &[]))).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let stopping = tokio::spawn(server.shutdown());
    let frames = raw.until_closed(WAIT).await;
    let (last, code) = goaway(&frames).expect("a GOAWAY");
    assert_eq!(code, 0, "NO_ERROR");
    assert_eq!(last, 1, "the stream in flight is the last one served: {frames:?}");
    let answered = frames.iter().any(|f| f.kind == DATA && f.stream == 1 && f.payload == b"held");
    assert!(answered, "the request in flight finished: {frames:?}");
    tokio::time::timeout(WAIT, stopping).await.unwrap().unwrap().unwrap();
    assert!(TcpStream::connect(addr).await.is_err() || h2_refused(addr).await, "no longer listening");
}

/// An idle client that ignores the goodbye (never answers the GOAWAY's PING) does not hold
/// shutdown up for the whole shutdown timeout, nor does an idle HTTP/1.1 connection.
#[tokio::test]
async fn shutdown_does_not_wait_for_idle_clients_that_ignore_goaway() {
    let mut config = quick_config();
    config.shutdown_timeout = Duration::from_secs(30);
    let server = router(config).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let _h2 = Raw::open(addr).await;
    let mut h1 = TcpStream::connect(addr).await.unwrap();
    h1.write_all(b"GET /hello HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 512];
    assert!(h1.read(&mut buf).await.unwrap() > 0);
    let started = Instant::now();
    tokio::time::timeout(WAIT, server.shutdown()).await.unwrap().unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

async fn h2_refused(addr: std::net::SocketAddr) -> bool {
    let Ok(tcp) = TcpStream::connect(addr).await else { return true };
    tokio::time::timeout(Duration::from_secs(2), h2::client::handshake(tcp)).await.map_or(true, |r| r.is_err())
}

/// Flow control: a handler that does not read its body makes the client wait after the
/// stream window; reading it lets the rest through. Memory held for the stream stays within
/// the window.
#[tokio::test]
async fn a_slow_reader_makes_the_h2_sender_wait() {
    const WINDOW: u32 = 65_535;
    const TOTAL: usize = 1024 * 1024;
    let (go_tx, go_rx) = tokio::sync::watch::channel(false);
    let read = Arc::new(AtomicUsize::new(0));
    let read_by_handler = read.clone();
    let mut config = quick_config();
    config.http2.initial_stream_window_size = WINDOW;
    config.http2.initial_connection_window_size = WINDOW;
    let server = Router::new()
        .route_streaming("Sink", "POST", "/sink", move |r: ServerRequest| {
            let (mut go, read) = (go_rx.clone(), read_by_handler.clone());
            async move {
                let _ = go.wait_for(|go| *go).await;
                let mut body = r.take_body();
                while let Some(Ok(frame)) = body.frame().await {
                    if let Ok(data) = frame.into_data() {
                        read.fetch_add(data.len(), Ordering::SeqCst);
                    }
                }
                text(200, read.load(Ordering::SeqCst).to_string())
            }
        })
        .with_config(config)
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let tcp = TcpStream::connect(server.local_addr()).await.unwrap();
    let (client, conn) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut client = client.ready().await.unwrap();
    let (response, mut send) = client.send_request(http::Request::post("http://127.0.0.1/sink").body(()).unwrap(), false).unwrap();
    // Send as fast as the window allows until it stops opening.
    let mut sent = 0usize;
    send.reserve_capacity(TOTAL);
    loop {
        match tokio::time::timeout(Duration::from_millis(500), futures_util::future::poll_fn(|cx| send.poll_capacity(cx))).await {
            Ok(Some(Ok(n))) if n > 0 => {
                send.send_data(Bytes::from(vec![b'x'; n]), false).unwrap();
                sent += n;
            }
            Ok(Some(Ok(_))) => continue,
            Ok(other) => panic!("capacity: {other:?}"),
            Err(_) => break,
        }
        assert!(sent < TOTAL, "the window never closed");
    }
    assert_eq!(sent, WINDOW as usize, "the client waits after one window while nothing is read");
    assert_eq!(read.load(Ordering::SeqCst), 0);
    go_tx.send(true).unwrap();
    while sent < TOTAL {
        send.reserve_capacity(TOTAL - sent);
        let capacity = tokio::time::timeout(WAIT, futures_util::future::poll_fn(|cx| send.poll_capacity(cx))).await;
        let n = capacity.expect("the window reopens once the handler reads").unwrap().unwrap().min(TOTAL - sent);
        send.send_data(Bytes::from(vec![b'x'; n]), false).unwrap();
        sent += n;
    }
    send.send_data(Bytes::new(), true).unwrap();
    let response = tokio::time::timeout(WAIT, response).await.unwrap().unwrap();
    let mut body = response.into_body();
    let answer = tokio::time::timeout(WAIT, body.data()).await.unwrap().unwrap().unwrap();
    assert_eq!(answer, TOTAL.to_string());
    server.shutdown().await.unwrap();
}

/// Flow control the other way: a response stream to a client that does not read stops being
/// produced once the client's window and the server's send buffer are full.
#[tokio::test]
async fn a_response_stream_waits_for_a_slow_h2_reader() {
    const CHUNK: usize = 16 * 1024;
    let produced = Arc::new(AtomicUsize::new(0));
    let counter = produced.clone();
    let mut config = quick_config();
    config.http2.max_send_buffer_size = 64 * 1024;
    let server = Router::new()
        .route("Firehose", "GET", "/firehose", move |_r: ServerRequest| {
            let counter = counter.clone();
            async move {
                let (tx, body) = StreamingBody::channel(1);
                tokio::spawn(async move {
                    for _ in 0..1024 {
                        if tx.send(Ok(Bytes::from(vec![b'y'; CHUNK]))).await.is_err() {
                            return;
                        }
                        counter.fetch_add(CHUNK, Ordering::SeqCst);
                    }
                });
                streaming_response(http::Response::new(Bytes::new()), body)
            }
        })
        .with_config(config)
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let tcp = TcpStream::connect(server.local_addr()).await.unwrap();
    let (client, conn) = h2::client::Builder::new().initial_window_size(65_535).handshake::<_, Bytes>(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut client = client.ready().await.unwrap();
    let (response, _send) = client.send_request(http::Request::get("http://127.0.0.1/firehose").body(()).unwrap(), true).unwrap();
    let response = tokio::time::timeout(WAIT, response).await.unwrap().unwrap();
    // Nothing read: production stalls (the same count over three looks 150 ms apart).
    let (mut last, mut same) = (usize::MAX, 0);
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let now = produced.load(Ordering::SeqCst);
        same = if now == last { same + 1 } else { 0 };
        last = now;
        if same == 3 {
            break;
        }
    }
    assert_eq!(same, 3, "production never stalled: {last} bytes");
    let stalled = produced.load(Ordering::SeqCst);
    assert!(stalled < 512 * 1024, "production is bounded by the windows and buffers: {stalled}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(produced.load(Ordering::SeqCst), stalled, "and stays stalled");
    // Reading everything lets it finish.
    let mut body = response.into_body();
    let mut received = 0usize;
    while let Some(chunk) = tokio::time::timeout(WAIT, body.data()).await.expect("data keeps coming") {
        let chunk = chunk.unwrap();
        received += chunk.len();
        let _ = body.flow_control().release_capacity(chunk.len());
    }
    assert_eq!(received, 1024 * CHUNK);
    server.shutdown().await.unwrap();
}

/// An h2 connection with no request in flight for `idle_timeout` gets GOAWAY and is closed;
/// one that never sends a first request within `header_read_timeout` too; so does a
/// connection that stalls in the middle of the preface.
#[tokio::test]
async fn idle_h2_connections_are_closed() {
    let mut config = quick_config();
    config.idle_timeout = Some(Duration::from_millis(600));
    config.header_read_timeout = Duration::from_millis(400);
    let server = router(config).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();

    // After a request.
    let mut raw = Raw::open(addr).await;
    raw.send(&frame(HEADERS, END_HEADERS | END_STREAM, 1, &request_block("GET", "/hello", &[]))).await;
    let started = Instant::now();
    let frames = raw.until_closed(WAIT).await;
    assert!(frames.iter().any(|f| f.kind == DATA && f.payload == b"hello"), "{frames:?}");
    assert_eq!(goaway(&frames).map(|g| g.1), Some(0), "a GOAWAY (NO_ERROR) first: {frames:?}");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(500) && waited < Duration::from_secs(5), "closed after the idle timeout: {waited:?}");

    // Never a request.
    let mut raw = Raw::open(addr).await;
    let started = Instant::now();
    let frames = raw.until_closed(WAIT).await;
    assert!(goaway(&frames).is_some(), "{frames:?}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // Half a preface.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(&PREFACE[..10]).await.unwrap();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(WAIT, tcp.read(&mut buf)).await.expect("closed within the header timeout");
    assert!(matches!(n, Ok(0) | Err(_)), "closed without an answer: {n:?}");

    // A connection in use is not idle: a stream answered after the idle timeout is delivered.
    let (version, status, body) = h2c(addr, "GET", "/hold?ms=1200", b"").await;
    assert_eq!((version, status, body.as_str()), (http::Version::HTTP_2, 200, "held"));
    still_serves(addr).await;
    server.shutdown().await.unwrap();
}

/// Keep-alive: during a long stream, a peer that stops answering PINGs is disconnected.
#[tokio::test]
async fn a_peer_that_does_not_answer_pings_is_disconnected() {
    let mut config = quick_config();
    config.http2.keep_alive_interval = Some(Duration::from_millis(200));
    config.http2.keep_alive_timeout = Duration::from_millis(300);
    let server = router(config).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    let mut raw = Raw::open(addr).await;
    // A duplex stream left open: a request in flight, so the idle timeout does not apply.
    raw.send(&frame(HEADERS, END_HEADERS, 1, &request_block("POST", "/duplex", &[]))).await;
    let started = Instant::now();
    let frames = raw.until_closed_silent(WAIT).await;
    assert!(frames.iter().any(|f| f.kind == PING && f.flags & ACK == 0), "the server pinged: {frames:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "closed soon after the unanswered ping: {:?}", started.elapsed());
    still_serves(addr).await;
    server.shutdown().await.unwrap();
}

/// A request body read whole that stops arriving gets 408, over both protocols.
#[tokio::test]
async fn a_stalled_request_body_gets_408() {
    let mut config = quick_config();
    config.body_idle_timeout = Some(Duration::from_millis(300));
    let server = router(config).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();

    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nhalf").await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(WAIT, tcp.read_to_end(&mut answer)).await.expect("an answer and close");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("RequestTimeoutException"), "{answer}");

    let tcp = TcpStream::connect(addr).await.unwrap();
    let (client, conn) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut client = client.ready().await.unwrap();
    let (response, mut send) = client.send_request(http::Request::post(format!("http://{addr}/echo")).body(()).unwrap(), false).unwrap();
    send.send_data(Bytes::from_static(b"half"), false).unwrap();
    let response = tokio::time::timeout(WAIT, response).await.expect("an answer while the body stalls").unwrap();
    assert_eq!(response.status(), 408);
    assert_eq!(response.headers()["x-amzn-errortype"], "RequestTimeoutException");
    still_serves(addr).await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn with_http2_off_only_http1_is_served() {
    let mut config = quick_config();
    config.http2.enabled = false;
    let server = router(config).start("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    assert_eq!(http1(addr, "GET", "/hello", b"").await.1, 200);
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), hyper_util::rt::TokioIo::new(tcp)).await.unwrap();
    tokio::spawn(conn);
    let req = http::Request::get(format!("http://{addr}/hello")).body(http_body_util::Empty::<Bytes>::new()).unwrap();
    let refused = tokio::time::timeout(WAIT, sender.send_request(req)).await.unwrap();
    assert!(refused.is_err(), "h2c refused when HTTP/2 is off");
    assert_eq!(http1(addr, "GET", "/hello", b"").await.1, 200);
    server.shutdown().await.unwrap();
}

/// Settings at the edges of their types (what a config file might say) neither panic nor stop
/// the server: values HTTP/2 cannot carry are brought within range, huge timeouts mean never.
#[tokio::test]
async fn extreme_settings_are_served_without_panics() {
    for extreme in [u32::MAX, 0] {
        let mut config = quick_config();
        config.header_read_timeout = if extreme == 0 { Duration::from_millis(500) } else { Duration::MAX };
        config.idle_timeout = Some(Duration::MAX);
        config.body_idle_timeout = Some(Duration::MAX);
        config.http2.max_frame_size = extreme;
        config.http2.initial_stream_window_size = extreme;
        config.http2.initial_connection_window_size = extreme;
        config.http2.max_send_buffer_size = if extreme == 0 { 0 } else { usize::MAX };
        config.http2.keep_alive_interval = Some(if extreme == 0 { Duration::ZERO } else { Duration::MAX });
        config.http2.keep_alive_timeout = Duration::MAX;
        config.http2.max_pending_accept_reset_streams = extreme as usize;
        config.http2.max_local_error_reset_streams = extreme as usize;
        let server = router(config).start("127.0.0.1:0").await.unwrap();
        let addr = server.local_addr();
        assert_eq!(http1(addr, "POST", "/echo", b"x").await.1, 200, "extreme {extreme}");
        assert_eq!(h2c(addr, "POST", "/echo", b"x").await.1, 200, "extreme {extreme}");
        server.shutdown().await.unwrap();
    }
}
