//! What the side-by-side benchmarks share: a bare hyper echo server run as a child process
//! (so its CPU time is not the client's) and the way to run the bench binary itself as such a
//! child (the bidi bench's mock), CPU-time, memory, socket and open-files readings, a counting
//! allocator, percentiles, and the one-line JSON results `cargo xtask bench` collects.

#![allow(dead_code)] // each bench binary uses a different part

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Set in a child's environment to make the bench binary serve instead of measure.
pub const ECHO_ROLE: &str = "SMITHYGEN_BENCH_ECHO_SERVER";

/// If this process was started as the echo server, serves until killed and never returns.
/// Call first thing in `main`.
pub fn serve_echo_if_asked() {
    if std::env::var_os(ECHO_ROLE).is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        println!("listening on {}", listener.local_addr().expect("a bound address"));
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = service_fn(|request: hyper::Request<hyper::body::Incoming>| async move {
                    // What SageMaker answers to InvokeEndpoint, minus the model: the body back.
                    let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                    Ok::<_, std::convert::Infallible>(
                        hyper::Response::builder()
                            .status(200)
                            .header("content-type", "application/octet-stream")
                            .header("x-amzn-invoked-production-variant", "AllTraffic")
                            .header("x-amzn-requestid", "00000000-0000-4000-8000-000000000000")
                            .body(Full::new(body))
                            .expect("a valid response"),
                    )
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    std::process::exit(0);
}

/// A server running as a child process; killed when dropped.
pub struct ChildServer {
    /// The child.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl ChildServer {
    /// Starts `command`, which must print a line containing `127.0.0.1:PORT` on stdout when
    /// it is ready.
    pub fn start(mut command: Command) -> ChildServer {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("start the server process");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let url = loop {
            let line = lines.next().expect("the server printed its address").expect("readable stdout");
            if let Some(at) = line.find("127.0.0.1:") {
                let port: String = line[at + 10..].chars().take_while(char::is_ascii_digit).collect();
                break format!("http://127.0.0.1:{port}");
            }
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        ChildServer { child, url }
    }

    /// This very binary with `role` set in its environment (a server role of the bench).
    pub fn this_binary_as(role: &str) -> ChildServer {
        let mut command = Command::new(std::env::current_exe().expect("the bench binary's path"));
        command.env(role, "1");
        ChildServer::start(command)
    }

    /// The bare echo server: this very binary, in its server role.
    pub fn echo() -> ChildServer {
        let mut command = Command::new(std::env::current_exe().expect("the bench binary's path"));
        command.env(ECHO_ROLE, "1");
        ChildServer::start(command)
    }

    /// Resident memory of the child, in bytes.
    pub fn rss_bytes(&self) -> u64 {
        rss_of(&format!("/proc/{}/status", self.child.id()))
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory of this process, in bytes.
pub fn own_rss_bytes() -> u64 {
    rss_of("/proc/self/status")
}

/// Peak resident memory of this process (`VmHWM`), in bytes.
pub fn own_peak_rss_bytes() -> u64 {
    status_field("/proc/self/status", "VmHWM:")
}

/// Resident memory of process `pid`, in bytes.
pub fn rss_of_pid(pid: u32) -> u64 {
    rss_of(&format!("/proc/{pid}/status"))
}

/// User plus system CPU time process `pid` has used so far (`/proc/PID/stat`, in clock ticks).
pub fn cpu_time_of(pid: u32) -> Duration {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // After the command name (in parentheses, and it may hold spaces) come the state (field 3),
    // ..., utime (14) and stime (15).
    let after = text.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // SAFETY: sysconf only reads a system value.
    let per_second = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) }).unwrap_or(100).max(1);
    Duration::from_micros((ticks(11) + ticks(12)) * 1_000_000 / per_second)
}

/// Sockets among the open file descriptors of process `pid` (`"self"`: this one).
pub fn sockets_of(pid: &str) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| std::fs::read_link(e.path()).is_ok_and(|l| l.to_string_lossy().starts_with("socket:")))
                .count()
        })
        .unwrap_or(0)
}

/// Raises this process's open-files soft limit (children inherit it) to `needed`, as far as
/// the hard limit allows; returns the soft limit now in force.
pub fn raise_nofile(needed: u64) -> u64 {
    // SAFETY: getrlimit and setrlimit only read and write the struct they are given.
    unsafe {
        let mut limit = std::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 0;
        }
        if limit.rlim_cur < needed {
            let wanted = libc::rlimit { rlim_cur: needed.min(limit.rlim_max), rlim_max: limit.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &wanted) == 0 {
                limit.rlim_cur = wanted.rlim_cur;
            }
        }
        limit.rlim_cur
    }
}

fn rss_of(path: &str) -> u64 {
    status_field(path, "VmRSS:")
}

fn status_field(path: &str, field: &str) -> u64 {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// User plus system CPU time this process has used so far.
pub fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

/// The value at quantile `q` (0..=1) of `samples` (sorted here).
pub fn percentile(samples: &mut [Duration], q: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    let at = ((samples.len() - 1) as f64 * q).round() as usize;
    samples[at]
}

/// The median of `values`.
pub fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// Prints one result line for `cargo xtask bench`: `BENCH {json}`.
pub fn report(value: serde_json::Value) {
    println!("BENCH {value}");
}

/// A 1-byte-per-position payload that compresses badly and is easy to check.
pub fn payload(size: usize) -> Bytes {
    Bytes::from((0..size).map(|i| (i % 251) as u8).collect::<Vec<u8>>())
}

/// Counts allocations, so a benchmark can say how many bytes a call allocated, its peak,
/// and how many allocations were as big as the payload (copies of it).
pub struct CountingAllocator;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static BIG_THRESHOLD: AtomicUsize = AtomicUsize::new(usize::MAX);
static BIG: AtomicUsize = AtomicUsize::new(0);

fn on_alloc(size: usize) {
    ALLOCATED.fetch_add(size, Ordering::Relaxed);
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    let now = CURRENT.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
    if size >= BIG_THRESHOLD.load(Ordering::Relaxed) {
        BIG.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        on_alloc(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        on_alloc(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        on_alloc(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// What the allocator saw between [`AllocWindow::open`] and [`AllocWindow::close`].
#[derive(Debug, Clone, Copy)]
pub struct AllocFigures {
    /// Bytes allocated in the window.
    pub allocated: usize,
    /// Highest live heap above the level at the start of the window.
    pub peak_above_start: usize,
    /// Allocations of at least the threshold size (payload copies).
    pub big_allocations: usize,
    /// Allocations (and reallocations) of any size.
    pub allocations: usize,
}

/// A measuring window of the counting allocator.
pub struct AllocWindow {
    allocated: usize,
    allocations: usize,
    current: usize,
}

impl AllocWindow {
    /// Starts counting; allocations of at least `big` bytes are counted separately.
    pub fn open(big: usize) -> AllocWindow {
        BIG_THRESHOLD.store(big, Ordering::Relaxed);
        BIG.store(0, Ordering::Relaxed);
        let current = CURRENT.load(Ordering::Relaxed);
        PEAK.store(current, Ordering::Relaxed);
        AllocWindow { allocated: ALLOCATED.load(Ordering::Relaxed), allocations: ALLOCATIONS.load(Ordering::Relaxed), current }
    }

    /// Stops counting.
    pub fn close(self) -> AllocFigures {
        let figures = AllocFigures {
            allocated: ALLOCATED.load(Ordering::Relaxed) - self.allocated,
            peak_above_start: PEAK.load(Ordering::Relaxed).saturating_sub(self.current),
            big_allocations: BIG.load(Ordering::Relaxed),
            allocations: ALLOCATIONS.load(Ordering::Relaxed) - self.allocations,
        };
        BIG_THRESHOLD.store(usize::MAX, Ordering::Relaxed);
        figures
    }
}
