//! Test support for the HTTP/2 server tests: a hand-driven HTTP/2 client over raw TCP (frames
//! the `h2` crate will not send: rapid resets, oversized frames, header floods), ordinary
//! HTTP/1.1 and HTTP/2 clients, and a router with the routes the tests use.
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use smithygen_runtime::server::{streaming_response, Router, ServerConfig, ServerRequest, ServerResponse, StreamingBody};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

pub const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

pub const DATA: u8 = 0x0;
pub const HEADERS: u8 = 0x1;
pub const RST_STREAM: u8 = 0x3;
pub const SETTINGS: u8 = 0x4;
pub const PING: u8 = 0x6;
pub const GOAWAY: u8 = 0x7;
pub const WINDOW_UPDATE: u8 = 0x8;
pub const CONTINUATION: u8 = 0x9;

pub const END_STREAM: u8 = 0x1;
pub const ACK: u8 = 0x1;
pub const END_HEADERS: u8 = 0x4;

pub const PROTOCOL_ERROR: u32 = 0x1;
pub const FRAME_SIZE_ERROR: u32 = 0x6;
pub const REFUSED_STREAM: u32 = 0x7;
pub const CANCEL: u32 = 0x8;
pub const ENHANCE_YOUR_CALM: u32 = 0xb;

/// How long any one wait in these tests may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// One frame: its header and payload.
#[derive(Debug, Clone)]
pub struct Frame {
    pub kind: u8,
    pub flags: u8,
    pub stream: u32,
    pub payload: Vec<u8>,
}

impl Frame {
    /// GOAWAY's last stream id and error code.
    pub fn goaway(&self) -> Option<(u32, u32)> {
        (self.kind == GOAWAY && self.payload.len() >= 8).then(|| (be32(&self.payload[0..4]) & 0x7fff_ffff, be32(&self.payload[4..8])))
    }

    /// RST_STREAM's error code.
    pub fn rst(&self) -> Option<u32> {
        (self.kind == RST_STREAM && self.payload.len() >= 4).then(|| be32(&self.payload[0..4]))
    }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// A frame's bytes.
pub fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    assert!(len < 1 << 24);
    let mut out = Vec::with_capacity(9 + payload.len());
    out.extend_from_slice(&len.to_be_bytes()[1..]);
    out.push(kind);
    out.push(flags);
    out.extend_from_slice(&(stream & 0x7fff_ffff).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// An HPACK integer with an `n`-bit prefix whose high bits are `first`.
pub fn hpack_int(n: u8, first: u8, mut value: usize, out: &mut Vec<u8>) {
    let max = (1usize << n) - 1;
    if value < max {
        out.push(first | value as u8);
        return;
    }
    out.push(first | max as u8);
    value -= max;
    while value >= 128 {
        out.push((value % 128) as u8 | 0x80);
        value /= 128;
    }
    out.push(value as u8);
}

/// A header as an HPACK "literal without indexing, new name" (no Huffman coding).
pub fn literal(name: &str, value: &[u8], out: &mut Vec<u8>) {
    out.push(0x00);
    hpack_int(7, 0, name.len(), out);
    out.extend_from_slice(name.as_bytes());
    hpack_int(7, 0, value.len(), out);
    out.extend_from_slice(value);
}

/// The header block of a request.
pub fn request_block(method: &str, path: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    literal(":method", method.as_bytes(), &mut out);
    literal(":scheme", b"http", &mut out);
    literal(":path", path.as_bytes(), &mut out);
    literal(":authority", b"127.0.0.1", &mut out);
    for (name, value) in extra {
        literal(name, value, &mut out);
    }
    out
}

/// What waiting for the next frame found.
#[derive(Debug)]
pub enum Next {
    Frame(Frame),
    Closed,
    TimedOut,
}

/// A raw HTTP/2 connection driven frame by frame.
pub struct Raw<S> {
    pub io: S,
}

impl Raw<TcpStream> {
    /// Connects and sends the preface and an empty SETTINGS frame, and ACKs the server's
    /// SETTINGS once it comes.
    pub async fn open(addr: SocketAddr) -> Self {
        let io = TcpStream::connect(addr).await.unwrap();
        let mut raw = Raw { io };
        raw.handshake().await;
        raw
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Raw<S> {
    pub async fn handshake(&mut self) {
        let mut hello = PREFACE.to_vec();
        hello.extend(frame(SETTINGS, 0, 0, &[]));
        self.send(&hello).await;
        loop {
            match self.next(WAIT).await {
                Next::Frame(f) if f.kind == SETTINGS && f.flags & ACK == 0 => {
                    self.send(&frame(SETTINGS, ACK, 0, &[])).await;
                    return;
                }
                Next::Frame(_) => continue,
                other => panic!("no SETTINGS from the server: {other:?}"),
            }
        }
    }

    /// Writes bytes; a server that has already closed the connection is not an error here
    /// (what it sent before closing is still read by [`next`](Self::next)).
    pub async fn send(&mut self, bytes: &[u8]) {
        let _ = self.io.write_all(bytes).await;
        let _ = self.io.flush().await;
    }

    /// The next frame, or the end of the connection, within `within`.
    pub async fn next(&mut self, within: Duration) -> Next {
        match tokio::time::timeout(within, self.read_frame()).await {
            Ok(Some(f)) => Next::Frame(f),
            Ok(None) => Next::Closed,
            Err(_) => Next::TimedOut,
        }
    }

    async fn read_frame(&mut self) -> Option<Frame> {
        let mut head = [0u8; 9];
        self.io.read_exact(&mut head).await.ok()?;
        let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
        let mut payload = vec![0u8; len];
        self.io.read_exact(&mut payload).await.ok()?;
        Some(Frame { kind: head[3], flags: head[4], stream: be32(&head[5..9]) & 0x7fff_ffff, payload })
    }

    /// Reads until the server closes the connection (within `within`, else the test fails),
    /// answering PINGs as a live client does; returns every frame seen.
    pub async fn until_closed(&mut self, within: Duration) -> Vec<Frame> {
        self.read_until_closed(within, true).await
    }

    /// [`until_closed`](Self::until_closed) for a client that answers nothing, not even PINGs.
    pub async fn until_closed_silent(&mut self, within: Duration) -> Vec<Frame> {
        self.read_until_closed(within, false).await
    }

    async fn read_until_closed(&mut self, within: Duration, answer_pings: bool) -> Vec<Frame> {
        let deadline = tokio::time::Instant::now() + within;
        let mut frames = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                Next::Frame(f) => {
                    if answer_pings && f.kind == PING && f.flags & ACK == 0 {
                        self.send(&frame(PING, ACK, 0, &f.payload)).await;
                    }
                    frames.push(f);
                }
                Next::Closed => return frames,
                Next::TimedOut => panic!("the server did not close the connection within {within:?}; frames: {frames:?}"),
            }
        }
    }
}

/// The last GOAWAY among `frames`, if any: (last stream id, error code). A graceful shutdown
/// sends two: the first names the largest stream id, the second the last one served.
pub fn goaway(frames: &[Frame]) -> Option<(u32, u32)> {
    frames.iter().rev().find_map(Frame::goaway)
}

/// A response with a text body.
pub fn text(status: u16, body: impl Into<String>) -> ServerResponse {
    http::Response::builder().status(status).body(Bytes::from(body.into())).unwrap()
}

/// The routes the tests use, with `config`:
/// - `GET /hello`: `hello`;
/// - `POST /echo`: `<path> host=<Host> <body>`;
/// - `GET /hold?ms=N`: answers after N ms;
/// - `POST /duplex` (streams its body): one response chunk `ack:<chunk>` per request chunk,
///   sent as each arrives.
pub fn router(config: ServerConfig) -> Router {
    Router::new()
        .route("Hello", "GET", "/hello", |_r: ServerRequest| async move { text(200, "hello") })
        .route("Echo", "POST", "/echo", |r: ServerRequest| async move {
            let host = r.header("host").ok().flatten().unwrap_or("-").to_string();
            text(200, format!("{} host={host} {}", r.path(), String::from_utf8_lossy(r.body())))
        })
        .route("Hold", "GET", "/hold", |r: ServerRequest| async move {
            let ms = r.query("ms").and_then(|v| v.parse().ok()).unwrap_or(1000);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            text(200, "held")
        })
        .route_streaming("Duplex", "POST", "/duplex", |r: ServerRequest| async move {
            let mut body = r.take_body();
            let (tx, streaming) = StreamingBody::channel(1);
            tokio::spawn(async move {
                while let Some(frame) = body.frame().await {
                    let reply = match frame {
                        Ok(frame) => match frame.into_data() {
                            Ok(data) => Ok(Bytes::from(format!("ack:{}", String::from_utf8_lossy(&data)))),
                            Err(_) => continue,
                        },
                        Err(e) => Err(e),
                    };
                    if tx.send(reply).await.is_err() {
                        break;
                    }
                }
            });
            streaming_response(http::Response::new(Bytes::new()), streaming)
        })
        .with_config(config)
}

/// A config with short timeouts for tests.
pub fn quick_config() -> ServerConfig {
    let mut config = ServerConfig::default();
    config.shutdown_timeout = Duration::from_secs(5);
    config
}

/// One request over a fresh HTTP/1.1 connection: (version, status, body).
pub async fn http1(addr: SocketAddr, method: &str, path: &str, body: &'static [u8]) -> (http::Version, u16, String) {
    tokio::time::timeout(WAIT, http1_unbounded(addr, method, path, body)).await.expect("an HTTP/1.1 exchange within the wait")
}

async fn http1_unbounded(addr: SocketAddr, method: &str, path: &str, body: &'static [u8]) -> (http::Version, u16, String) {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let req = http::Request::builder().method(method).uri(path).header("host", "127.0.0.1").body(Full::new(Bytes::from_static(body))).unwrap();
    let resp = tokio::time::timeout(WAIT, sender.send_request(req)).await.expect("an HTTP/1.1 answer").unwrap();
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (parts.version, parts.status.as_u16(), String::from_utf8_lossy(&body).into_owned())
}

/// One request over a fresh h2c (prior knowledge) connection: (version, status, body).
pub async fn h2c(addr: SocketAddr, method: &str, path: &str, body: &'static [u8]) -> (http::Version, u16, String) {
    tokio::time::timeout(WAIT, h2c_unbounded(addr, method, path, body)).await.expect("an HTTP/2 exchange within the wait")
}

async fn h2c_unbounded(addr: SocketAddr, method: &str, path: &str, body: &'static [u8]) -> (http::Version, u16, String) {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let req = http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"))
        .body(Full::new(Bytes::from_static(body)))
        .unwrap();
    let resp = tokio::time::timeout(WAIT, sender.send_request(req)).await.expect("an HTTP/2 answer").unwrap();
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (parts.version, parts.status.as_u16(), String::from_utf8_lossy(&body).into_owned())
}

/// The server still answers a normal request, over HTTP/1.1 and h2c, on new connections.
pub async fn still_serves(addr: SocketAddr) {
    assert_eq!(http1(addr, "GET", "/hello", b"").await, (http::Version::HTTP_11, 200, "hello".into()));
    assert_eq!(h2c(addr, "GET", "/hello", b"").await, (http::Version::HTTP_2, 200, "hello".into()));
}
