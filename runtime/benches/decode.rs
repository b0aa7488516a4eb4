//! Throughput of the stream decoders (`EventReceiver::lines`, `sse_events`, `json_values`)
//! beside a plain `recv()` loop that only counts the bytes, on the same stream.
//!
//! A 100 MB answer (JSON Lines with multi-byte characters, and the same records as Server-Sent
//! Events) is cut into parts of 1 to 64 bytes (a fixed pseudo-random sequence), each part framed
//! as a real `PayloadPart` event message (`:message-type event`, CRCs, by
//! `aws-smithy-eventstream`), and served over loopback TCP by a hyper HTTP/1.1 server in this
//! process; the client side reads the response body through the real `EventReceiver` (the
//! restJson1 `EventUnmarshaller` with a `PayloadPart` reader like the generated one). Runs of
//! every reader alternate; each figure is the median MB/s (of the answer's bytes, not the
//! framing's) and the ratio to the `recv()` loop on the same stream.
//!
//! Run: `cargo bench -p smithygen-runtime --features event-stream --bench decode [-- --quick]`;
//! `cargo xtask bench --only decode` runs it and writes BENCHMARKS.md's section 8. Prints one
//! `BENCH {json}` line.

use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::Blob;
use bytes::Bytes;
use http_body_util::BodyExt;
use smithygen_runtime::event_stream::{message, BlobData, EventReceiver, EventStreamError, EventUnmarshaller, Message};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// The benchmark's event union: one event carrying bytes, as `ResponseStream::PayloadPart`.
enum Event {
    PayloadPart(Option<Blob>),
}

impl BlobData for Event {
    fn into_blob_data(self) -> Option<Blob> {
        match self {
            Event::PayloadPart(bytes) => bytes,
        }
    }
}

#[derive(Debug)]
struct StreamError(#[allow(dead_code)] ErrorMetadata);

fn read_event(_event_type: &str, message: &Message) -> Result<Event, EventStreamError> {
    Ok(Event::PayloadPart(Some(Blob::new(message.payload().to_vec()))))
}

fn read_exception(_t: &str, _m: &Message, meta: ErrorMetadata) -> Result<StreamError, EventStreamError> {
    Ok(StreamError(meta))
}

/// A deterministic xorshift sequence (no dependency; the same parts every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// `len` bytes of records: JSON Lines, or the same JSON as SSE `data:` events.
fn answer(len: usize, sse: bool) -> Vec<u8> {
    let words = ["Grüße", "漢字", "🦀", "token", "stream", "of", "the", "answer"];
    let mut out = Vec::with_capacity(len + 128);
    let mut i = 0usize;
    while out.len() < len {
        let json = format!("{{\"token\":{{\"id\":{i},\"text\":\" {}\"}},\"special\":false}}", words[i % words.len()]);
        if sse {
            out.extend_from_slice(b"data: ");
            out.extend_from_slice(json.as_bytes());
            out.extend_from_slice(b"\n\n");
        } else {
            out.extend_from_slice(json.as_bytes());
            out.push(b'\n');
        }
        i += 1;
    }
    out
}

/// The answer cut into 1–64-byte parts, each an event frame; the frames in 64 KiB chunks.
fn framed(answer: &[u8]) -> (Vec<Bytes>, usize) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut frames = Vec::new();
    let mut at = 0;
    let mut parts = 0;
    while at < answer.len() {
        let size = (1 + rng.next() % 64) as usize;
        let end = (at + size).min(answer.len());
        let msg = message::event("PayloadPart", Some("application/octet-stream"), Bytes::copy_from_slice(&answer[at..end]));
        aws_smithy_eventstream::frame::write_message_to(&msg, &mut frames).expect("frames");
        at = end;
        parts += 1;
    }
    let chunks = frames.chunks(64 * 1024).map(Bytes::copy_from_slice).collect();
    (chunks, parts)
}

/// Serves `GET /<n>` with stream `n`'s frames (HTTP/1.1, keep-alive).
async fn serve(streams: Arc<Vec<Vec<Bytes>>>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            tcp.set_nodelay(true).unwrap();
            let streams = streams.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let n: usize = req.uri().path().trim_start_matches('/').parse().unwrap_or(0);
                    let chunks = streams[n].clone();
                    async move {
                        let body = http_body_util::StreamBody::new(futures_util::stream::iter(
                            chunks.into_iter().map(|c| Ok::<_, std::convert::Infallible>(hyper::body::Frame::data(c))),
                        ));
                        Ok::<_, std::convert::Infallible>(
                            hyper::Response::builder().header("content-type", "application/vnd.amazon.eventstream").body(body).unwrap(),
                        )
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(hyper_util::rt::TokioIo::new(tcp), service).await;
            });
        }
    });
    addr
}

/// A receiver over a fresh response of stream `n`.
async fn receiver(addr: SocketAddr, n: usize) -> EventReceiver<Event, StreamError> {
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.set_nodelay(true).unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake::<_, http_body_util::Empty<Bytes>>(hyper_util::rt::TokioIo::new(tcp)).await.unwrap();
    tokio::spawn(conn);
    let response = sender.send_request(hyper::Request::get(format!("/{n}")).body(http_body_util::Empty::new()).unwrap()).await.unwrap();
    let body = aws_smithy_types::body::SdkBody::from_body_1_x(response.into_body().map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>));
    EventReceiver::new(EventUnmarshaller::new(read_event, read_exception, StreamError), body)
}

/// One reader over stream `n`: returns (seconds, items, answer bytes seen or decoded).
async fn run(addr: SocketAddr, n: usize, reader: &str) -> (f64, u64, u64) {
    let mut receiver = receiver(addr, n).await;
    let start = Instant::now();
    let (mut items, mut bytes) = (0u64, 0u64);
    match reader {
        "recv" => {
            while let Some(event) = receiver.recv().await.expect("recv") {
                bytes += event.into_blob_data().map_or(0, |b| b.as_ref().len() as u64);
                items += 1;
            }
        }
        "lines" => {
            let mut lines = receiver.lines();
            while let Some(line) = lines.recv().await.expect("lines") {
                bytes += line.len() as u64 + 1;
                items += 1;
            }
        }
        "json" => {
            let mut values = receiver.json_values();
            while let Some(value) = values.recv().await.expect("json") {
                bytes += value.is_object() as u64;
                items += 1;
            }
        }
        "sse" => {
            let mut events = receiver.sse_events();
            while let Some(event) = events.recv().await.expect("sse") {
                bytes += event.data().len() as u64;
                items += 1;
            }
        }
        other => unreachable!("{other}"),
    }
    (start.elapsed().as_secs_f64(), items, bytes)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (len, runs) = if quick { (10_000_000, 1) } else { (100_000_000, 3) };
    let ndjson = answer(len, false);
    let sse = answer(len, true);
    let (ndjson_frames, ndjson_parts) = framed(&ndjson);
    let (sse_frames, sse_parts) = framed(&sse);
    let framed_len: usize = ndjson_frames.iter().map(Bytes::len).sum();
    let lens = [ndjson.len() as f64, sse.len() as f64];
    drop((ndjson, sse));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let addr = serve(Arc::new(vec![ndjson_frames, sse_frames])).await;
        // (stream, reader): each decoder beside the recv() loop on its own stream.
        let cases = [(0usize, "recv"), (0, "lines"), (0, "json"), (1, "recv"), (1, "sse")];
        let mut seconds: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
        let mut items = vec![0u64; cases.len()];
        run(addr, 0, "recv").await; // warm-up
        for round in 0..runs {
            for k in 0..cases.len() {
                // Alternate the order every round.
                let i = if round % 2 == 0 { k } else { cases.len() - 1 - k };
                let (stream, reader) = cases[i];
                let (s, n, _) = run(addr, stream, reader).await;
                seconds[i].push(s);
                items[i] = n;
                eprintln!("round {round}: stream {stream} {reader}: {:.1} MB/s ({n} items)", lens[stream] / s / 1e6);
            }
        }
        let mbps: Vec<f64> = cases.iter().enumerate().map(|(i, (stream, _))| lens[*stream] / median(&mut seconds[i]) / 1e6).collect();
        let case = |i: usize| {
            let (stream, reader) = cases[i];
            let baseline = if stream == 0 { 0 } else { 3 };
            serde_json::json!({"reader": reader, "stream": if stream == 0 { "ndjson" } else { "sse" }, "mb_per_s": mbps[i], "items": items[i], "ratio_to_recv": mbps[i] / mbps[baseline]})
        };
        let result = serde_json::json!({
            "section": "decode",
            "answer_bytes": lens[0],
            "parts": ndjson_parts,
            "sse_parts": sse_parts,
            "framed_bytes": framed_len,
            "runs": runs,
            "cases": (0..cases.len()).map(case).collect::<Vec<_>>(),
        });
        println!("BENCH {result}");
    });
}
