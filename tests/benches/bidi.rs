//! `InvokeEndpointWithBidirectionalStream` (SageMaker Runtime HTTP/2): our generated
//! `sagemaker-runtime-http2` against the official `aws-sdk-sagemakerruntimehttp2`, on the same
//! mock (echo: each request event answered by a `PayloadPart` with its bytes), which runs in a
//! child process so its memory and CPU are not the client's.
//!
//! 1. Round trip: one open session per client; each round sends one 64-byte event on each
//!    session and waits for its echo (ours first in even rounds, the official client first in
//!    odd ones). p50/p99 per client.
//! 2. Time to the first response part: a new call each time with its first event already
//!    queued; from calling `send()` to the first `PayloadPart` out of `recv()`. Calls alternate.
//! 3. 1,000 concurrent sessions per client, each in a fresh process of this binary (its load
//!    role) against a fresh mock, so neither client inherits the other's freed memory: every
//!    session sends its first event and reads the echo (at most 128 connecting at once, so the
//!    mock's accept queue does not overflow into 1 s SYN retransmits), then, with all sessions open, the
//!    resident memory of both processes, their sockets and CPU time are read; then every
//!    session sends the rest of its events one at a time (each after the previous echo) and
//!    ends. Events per second = all echoed events / wall time (opening included); and, apart,
//!    the events after the first / the time from all sessions open to the last end.
//!
//! Both clients use their defaults: HTTP/1.1 over `http://` (no multiplexing, one connection per
//! open session), SigV4 with signed events, default retry and timeouts. The mock keeps no
//! request log (`[record] max_requests = 0`), so its memory is the sessions', not the log's.
//!
//! Run: `cargo bench -p e2e-tests --bench bidi [-- --quick]`; `cargo xtask bench` runs it and
//! writes the results into BENCHMARKS.md (section 7). Prints one `BENCH {json}` line.

mod support;

use bytes::Bytes;
use sagemaker_runtime_mock::{MockServer, RecordConfig};
use serde_json::{json, Value};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{cpu_time, cpu_time_of, own_rss_bytes, percentile, raise_nofile, report, rss_of_pid, sockets_of, ChildServer};
use tokio::sync::{mpsc, Barrier, Semaphore};

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const EVENT_SIZE: usize = 64;
/// Sessions connecting at once in the concurrent phase.
const OPENING: usize = 128;

/// Set in a child's environment to make this binary serve the mock instead of measuring.
const MOCK_ROLE: &str = "SMITHYGEN_BENCH_BIDI_MOCK";
/// Set (to `ours` or `official`) to make this binary run the concurrent sessions of one client.
const LOAD_ROLE: &str = "SMITHYGEN_BENCH_BIDI_LOAD";

/// Which client.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Which {
    Ours,
    Official,
}

impl Which {
    fn key(self) -> &'static str {
        match self {
            Which::Ours => "ours",
            Which::Official => "official",
        }
    }
}

/// A client of either crate.
#[derive(Clone)]
enum Sdk {
    Ours(sagemaker_runtime_http2::Client),
    Official(aws_sdk_sagemakerruntimehttp2::Client),
}

/// An open session's response stream.
enum Session {
    Ours(
        sagemaker_runtime_http2::primitives::event_stream::EventReceiver<
            sagemaker_runtime_http2::types::ResponseStreamEvent,
            sagemaker_runtime_http2::types::error::ResponseStreamEventError,
        >,
    ),
    Official(
        aws_sdk_sagemakerruntimehttp2::primitives::event_stream::EventReceiver<
            aws_sdk_sagemakerruntimehttp2::types::ResponseStreamEvent,
            aws_sdk_sagemakerruntimehttp2::types::error::ResponseStreamEventError,
        >,
    ),
}

macro_rules! client {
    ($sm:ident, $url:expr) => {{
        let config = $sm::Config::builder()
            .behavior_version($sm::config::BehaviorVersion::latest())
            .region($sm::config::Region::new("us-east-1"))
            .credentials_provider($sm::config::Credentials::new(KEY, SECRET, None, None, "bench"))
            .endpoint_url($url)
            .build();
        $sm::Client::from_conf(config)
    }};
}

/// Opens a session whose input events are what `events` yields, when it yields them.
macro_rules! open {
    ($sm:ident, $client:expr, $events:expr) => {{
        let mut events: mpsc::Receiver<Bytes> = $events;
        let input = futures_util::stream::poll_fn(move |cx| {
            events.poll_recv(cx).map(|bytes| {
                bytes.map(|bytes| {
                    let part = $sm::types::RequestPayloadPart::builder().bytes($sm::primitives::Blob::new(bytes.to_vec())).build();
                    Ok::<_, $sm::types::error::RequestStreamEventError>($sm::types::RequestStreamEvent::PayloadPart(part))
                })
            })
        });
        let output = $client
            .invoke_endpoint_with_bidirectional_stream()
            .endpoint_name("bench")
            .body($sm::primitives::event_stream::EventStreamSender::from(input))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: the session opens: {}", stringify!($sm), $sm::error::DisplayErrorContext(&e)));
        output.body
    }};
}

/// The next response part's size, or `None` at the end of the stream.
macro_rules! next_part {
    ($sm:ident, $session:expr) => {{
        match $session.recv().await {
            Ok(Some($sm::types::ResponseStreamEvent::PayloadPart(part))) => Some(part.bytes().map_or(0, |b| b.as_ref().len())),
            Ok(Some(other)) => panic!("{}: unexpected event {other:?}", stringify!($sm)),
            Ok(None) => None,
            Err(e) => panic!("{}: the stream reads: {}", stringify!($sm), $sm::error::DisplayErrorContext(&e)),
        }
    }};
}

impl Sdk {
    fn new(which: Which, url: &str) -> Sdk {
        match which {
            Which::Ours => Sdk::Ours(client!(sagemaker_runtime_http2, url)),
            Which::Official => Sdk::Official(client!(aws_sdk_sagemakerruntimehttp2, url)),
        }
    }

    async fn open(&self, events: mpsc::Receiver<Bytes>) -> Session {
        match self {
            Sdk::Ours(client) => Session::Ours(open!(sagemaker_runtime_http2, client, events)),
            Sdk::Official(client) => Session::Official(open!(aws_sdk_sagemakerruntimehttp2, client, events)),
        }
    }
}

impl Session {
    async fn next(&mut self) -> Option<usize> {
        match self {
            Session::Ours(s) => next_part!(sagemaker_runtime_http2, s),
            Session::Official(s) => next_part!(aws_sdk_sagemakerruntimehttp2, s),
        }
    }

    /// Reads the one echo of an event just sent.
    async fn echo(&mut self) {
        assert_eq!(self.next().await, Some(EVENT_SIZE), "the echo of a {EVENT_SIZE}-byte event");
    }

    /// Reads to the end of the stream (after the input has ended).
    async fn finish(&mut self) {
        assert_eq!(self.next().await, None, "the end of the stream after the input's");
    }
}

fn event() -> Bytes {
    support::payload(EVENT_SIZE)
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn mib(bytes: f64) -> f64 {
    bytes / 1024.0 / 1024.0
}

async fn within<T>(what: &str, seconds: u64, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), future).await.unwrap_or_else(|_| panic!("{what}: not done within {seconds} s"))
}

/// An open session with its input.
struct Open {
    input: mpsc::Sender<Bytes>,
    session: Session,
}

impl Open {
    async fn start(sdk: &Sdk) -> Open {
        let (input, events) = mpsc::channel(1);
        input.send(event()).await.expect("the input stream is open");
        let mut session = sdk.open(events).await;
        session.echo().await;
        Open { input, session }
    }

    async fn round_trip(&mut self) -> Duration {
        let started = Instant::now();
        self.input.send(event()).await.expect("the input stream is open");
        self.session.echo().await;
        started.elapsed()
    }

    async fn close(mut self) {
        drop(self.input);
        self.session.finish().await;
    }
}

/// Phase 1: round trips on one open session per client, alternating.
async fn round_trips(ours: &Sdk, official: &Sdk, rounds: usize) -> (Vec<Duration>, Vec<Duration>) {
    let (mut our_session, mut their_session) = (Open::start(ours).await, Open::start(official).await);
    for _ in 0..rounds / 10 + 10 {
        our_session.round_trip().await;
        their_session.round_trip().await;
    }
    let (mut our_times, mut their_times) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for round in 0..rounds {
        if round % 2 == 0 {
            our_times.push(our_session.round_trip().await);
            their_times.push(their_session.round_trip().await);
        } else {
            their_times.push(their_session.round_trip().await);
            our_times.push(our_session.round_trip().await);
        }
    }
    our_session.close().await;
    their_session.close().await;
    (our_times, their_times)
}

/// One new call with its first event queued: from `send()` to the first response part.
async fn first_part(sdk: &Sdk) -> Duration {
    let (input, events) = mpsc::channel(1);
    input.send(event()).await.expect("the input stream is open");
    let started = Instant::now();
    let mut session = sdk.open(events).await;
    session.echo().await;
    let elapsed = started.elapsed();
    drop(input);
    session.finish().await;
    elapsed
}

/// Phase 2: time to the first response part, new calls alternating.
async fn first_parts(ours: &Sdk, official: &Sdk, calls: usize) -> (Vec<Duration>, Vec<Duration>) {
    for _ in 0..10 {
        first_part(ours).await;
        first_part(official).await;
    }
    let (mut our_times, mut their_times) = (Vec::with_capacity(calls), Vec::with_capacity(calls));
    for call in 0..calls {
        if call % 2 == 0 {
            our_times.push(first_part(ours).await);
            their_times.push(first_part(official).await);
        } else {
            their_times.push(first_part(official).await);
            our_times.push(first_part(ours).await);
        }
    }
    (our_times, their_times)
}

fn percentiles(samples: &mut [Duration]) -> Value {
    json!({ "p50_us": us(percentile(samples, 0.50)), "p99_us": us(percentile(samples, 0.99)) })
}

/// The mock role: the in-process mock (echo for every endpoint, no request log) on a free port
/// of 127.0.0.1; prints its address, serves until killed.
fn serve_mock_if_asked() {
    if std::env::var_os(MOCK_ROLE).is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let mock = MockServer::new()
            .record(RecordConfig { max_requests: 0, ..RecordConfig::default() })
            .start()
            .await
            .expect("the mock starts");
        println!("listening on {}", mock.local_addr());
        std::future::pending::<()>().await;
    });
    std::process::exit(0);
}

fn env_number(name: &str) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{name} is a number"))
}

/// The system's count of connections dropped because a listener's accept queue was full
/// (`TcpExt: ListenOverflows` of `/proc/net/netstat`; every process's, not only the mock's).
fn listen_overflows() -> u64 {
    let text = std::fs::read_to_string("/proc/net/netstat").unwrap_or_default();
    let mut lines = text.lines().filter(|l| l.starts_with("TcpExt:"));
    let (Some(names), Some(values)) = (lines.next(), lines.next()) else { return 0 };
    names
        .split_whitespace()
        .zip(values.split_whitespace())
        .find(|(name, _)| *name == "ListenOverflows")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0)
}

/// The load role: `STREAMS` concurrent sessions of one client against the mock at `URL`
/// (process `MOCK_PID`), `EVENTS` events each; prints one `LOAD {json}` line.
fn run_load_if_asked() {
    let Some(which) = std::env::var(LOAD_ROLE).ok() else { return };
    let which = if which == "ours" { Which::Ours } else { Which::Official };
    let url = std::env::var("SMITHYGEN_BENCH_BIDI_URL").expect("SMITHYGEN_BENCH_BIDI_URL");
    let mock_pid = u32::try_from(env_number("SMITHYGEN_BENCH_BIDI_MOCK_PID")).expect("a pid");
    let streams = env_number("SMITHYGEN_BENCH_BIDI_STREAMS");
    let events = env_number("SMITHYGEN_BENCH_BIDI_EVENTS").max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    let result = runtime.block_on(within("the concurrent sessions", 600, load(which, &url, mock_pid, streams, events)));
    println!("LOAD {result}");
    std::process::exit(0);
}

async fn load(which: Which, url: &str, mock_pid: u32, streams: usize, events: usize) -> Value {
    let sdk = Sdk::new(which, url);
    // Warm up: credentials, endpoint resolution, one connection, the runtime's threads.
    for _ in 0..3 {
        let mut open = Open::start(&sdk).await;
        open.round_trip().await;
        open.close().await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (own_before, mock_before) = (own_rss_bytes(), rss_of_pid(mock_pid));
    let (own_cpu_before, mock_cpu_before) = (cpu_time(), cpu_time_of(mock_pid));
    let overflows_before = listen_overflows();
    // At most OPENING sessions connect at once: a burst of 1,000 SYNs overflows the mock's accept
    // queue (tokio's backlog of 1,024, drained by one accept loop), and each dropped SYN costs
    // that connection a 1 s retransmit, which would measure the kernel, not the clients.
    let opening = Arc::new(Semaphore::new(OPENING));
    let all_open = Arc::new(Barrier::new(streams + 1));
    let go = Arc::new(Barrier::new(streams + 1));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(streams);
    for _ in 0..streams {
        let (sdk, all_open, go, opening) = (sdk.clone(), all_open.clone(), go.clone(), opening.clone());
        tasks.push(tokio::spawn(async move {
            let permit = opening.acquire_owned().await.expect("the semaphore is open");
            let mut open = Open::start(&sdk).await;
            drop(permit);
            all_open.wait().await;
            go.wait().await;
            for _ in 1..events {
                open.round_trip().await;
            }
            open.close().await;
        }));
    }
    all_open.wait().await;
    let opened_in = started.elapsed();
    let (own_open, mock_open) = (own_rss_bytes(), rss_of_pid(mock_pid));
    let (own_sockets, mock_sockets) = (sockets_of("self"), sockets_of(&mock_pid.to_string()));
    let paused = Instant::now();
    go.wait().await;
    let pause = paused.elapsed();
    for task in tasks {
        task.await.expect("a session task");
    }
    let wall = started.elapsed() - pause;
    let (own_cpu, mock_cpu) = (cpu_time() - own_cpu_before, cpu_time_of(mock_pid).saturating_sub(mock_cpu_before));
    let total = (streams * events) as f64;
    json!({
        "client": which.key(),
        "streams": streams,
        "events_per_stream": events,
        "open_all_ms": opened_in.as_secs_f64() * 1e3,
        "wall_ms": wall.as_secs_f64() * 1e3,
        "events_per_s": total / wall.as_secs_f64(),
        "open_events_per_s": (streams * (events - 1)) as f64 / (wall - opened_in).as_secs_f64(),
        "client_rss_before_mib": mib(own_before as f64),
        "client_kib_per_stream": (own_open as f64 - own_before as f64) / streams as f64 / 1024.0,
        "mock_rss_before_mib": mib(mock_before as f64),
        "mock_kib_per_stream": (mock_open as f64 - mock_before as f64) / streams as f64 / 1024.0,
        "listen_overflows": listen_overflows().saturating_sub(overflows_before),
        "opening_at_once": OPENING,
        "client_sockets": own_sockets,
        "mock_sockets": mock_sockets,
        "client_cpu_us_per_event": us(own_cpu) / total,
        "mock_cpu_us_per_event": us(mock_cpu) / total,
    })
}

/// The mock in a child process: this binary in its mock role.
fn mock_child() -> ChildServer {
    ChildServer::this_binary_as(MOCK_ROLE)
}

/// Phase 3 for one client: a fresh mock and a fresh process of this binary in its load role.
fn load_child(which: Which, streams: usize, events: usize) -> Value {
    let mock = mock_child();
    let output = Command::new(std::env::current_exe().expect("the bench binary's path"))
        .env(LOAD_ROLE, which.key())
        .env("SMITHYGEN_BENCH_BIDI_URL", &mock.url)
        .env("SMITHYGEN_BENCH_BIDI_MOCK_PID", mock.child.id().to_string())
        .env("SMITHYGEN_BENCH_BIDI_STREAMS", streams.to_string())
        .env("SMITHYGEN_BENCH_BIDI_EVENTS", events.to_string())
        .stderr(Stdio::inherit())
        .output()
        .expect("start the load process");
    assert!(output.status.success(), "the {} load process failed: {}", which.key(), output.status);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix("LOAD ")).expect("the load process printed its result");
    serde_json::from_str(line).expect("a JSON result")
}

fn median_of(results: &[Value], key: &str) -> f64 {
    let mut values: Vec<f64> = results.iter().filter_map(|r| r[key].as_f64()).collect();
    support::median(&mut values)
}

fn main() {
    serve_mock_if_asked();
    run_load_if_asked();
    let quick = std::env::args().any(|a| a == "--quick");
    let (rounds, calls, streams, events, load_runs) = if quick { (500, 100, 1000, 20, 1) } else { (5000, 1000, 1000, 100, 5) };
    // One socket per session in the client and in the mock, plus the runtime's own.
    let needed = streams as u64 + 256;
    let nofile = raise_nofile(needed);
    assert!(nofile >= needed, "the open-files limit is {nofile}, below the {needed} that {streams} sessions need (ulimit -Hn)");

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    let mock = mock_child();
    let (ours, official) = (Sdk::new(Which::Ours, &mock.url), Sdk::new(Which::Official, &mock.url));
    let (mut our_rt, mut their_rt) = runtime.block_on(within("the round trips", 600, round_trips(&ours, &official, rounds)));
    let (mut our_first, mut their_first) = runtime.block_on(within("the first parts", 600, first_parts(&ours, &official, calls)));
    // Sockets of the mock now: its listener and the connections the pools kept (two if every
    // call reused its client's keep-alive connection).
    let mock_sockets_after_calls = sockets_of(&mock.child.id().to_string());
    drop((ours, official, mock));
    drop(runtime);

    // Phase 3: each run a fresh process per client, alternating which goes first.
    let (mut our_load, mut their_load) = (Vec::new(), Vec::new());
    for run in 0..load_runs {
        if run % 2 == 0 {
            our_load.push(load_child(Which::Ours, streams, events));
            their_load.push(load_child(Which::Official, streams, events));
        } else {
            their_load.push(load_child(Which::Official, streams, events));
            our_load.push(load_child(Which::Ours, streams, events));
        }
    }
    let load_side = |runs: &[Value]| {
        let mut side = serde_json::Map::new();
        for key in [
            "events_per_s",
            "open_events_per_s",
            "open_all_ms",
            "wall_ms",
            "client_kib_per_stream",
            "mock_kib_per_stream",
            "client_cpu_us_per_event",
            "mock_cpu_us_per_event",
            "client_sockets",
            "mock_sockets",
            "listen_overflows",
            "client_rss_before_mib",
            "mock_rss_before_mib",
        ] {
            side.insert(key.into(), json!(median_of(runs, key)));
        }
        side.insert("runs".into(), json!(runs));
        Value::Object(side)
    };
    let side = |rt: &mut Vec<Duration>, first: &mut Vec<Duration>, load: &[Value]| {
        json!({ "round_trip": percentiles(rt), "first_part": percentiles(first), "concurrent": load_side(load) })
    };
    report(json!({
        "section": "bidi",
        "event_size": EVENT_SIZE,
        "round_trips": rounds,
        "first_part_calls": calls,
        "streams": streams,
        "events_per_stream": events,
        "load_runs": load_runs,
        "opening_at_once": OPENING,
        "connection": "HTTP/1.1 over http:// (both clients' default; one connection per open session)",
        "nofile_limit": nofile,
        "mock_sockets_after_calls": mock_sockets_after_calls,
        "ours": side(&mut our_rt, &mut our_first, &our_load),
        "official": side(&mut their_rt, &mut their_first, &their_load),
    }));
}
