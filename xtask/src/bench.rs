//! `cargo xtask bench`: every side-by-side measurement in one run, written to BENCHMARKS.md.
//!
//! The measuring programs are ordinary `cargo bench` targets that print one `BENCH {json}`
//! line per result (`codegen/benches/generate.rs`, `tests/benches/client.rs`,
//! `mock/benches/load.rs`, `tests/benches/stream.rs`, `tests/benches/bidi.rs`); this command
//! runs them, builds the size programs (default setup and lean recipe) from empty target folders, and renders the
//! tables. Not part of `cargo xtask test`: it takes minutes and its figures are for people, not
//! for pass/fail.

use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask bench [--quick] [--only generator,client,mock,build,stream,cli,bidi,decode,async] [--build-runs N (0: sizes only)]";

/// What to measure and how hard.
struct BenchArgs {
    quick: bool,
    only: Vec<String>,
    build_runs: usize,
}

impl BenchArgs {
    fn wants(&self, section: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == section)
    }
}

pub fn bench(root: &Path, args: &[String]) -> Result<(), String> {
    let mut parsed = BenchArgs { quick: false, only: Vec::new(), build_runs: 3 };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => parsed.quick = true,
            "--only" => parsed.only = it.next().ok_or(USAGE)?.split(',').map(str::to_string).collect(),
            "--build-runs" => parsed.build_runs = it.next().and_then(|n| n.parse().ok()).ok_or(USAGE)?,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if parsed.quick {
        parsed.build_runs = parsed.build_runs.min(1);
    }
    let started = Instant::now();
    let load_at_start = load_average();
    let mut doc = String::new();
    if parsed.wants("generator") {
        doc.push_str(&generator_section(root, &parsed)?);
    }
    if parsed.wants("client") {
        doc.push_str(&client_section(root, &parsed)?);
    }
    if parsed.wants("mock") {
        doc.push_str(&mock_section(root, &parsed)?);
    }
    if parsed.wants("build") {
        doc.push_str(&build_section(root, &parsed)?);
    }
    if parsed.wants("stream") {
        doc.push_str(&streaming_section(root, &parsed)?);
    }
    if parsed.wants("cli") {
        doc.push_str(&cli_section(root, &parsed)?);
    }
    if parsed.wants("bidi") {
        doc.push_str(&bidi_section(root, &parsed)?);
    }
    if parsed.wants("decode") {
        doc.push_str(&decode_section(root, &parsed)?);
    }
    if parsed.wants("async") {
        doc.push_str(&async_wait_section(root, &parsed)?);
    }
    let run = format!(
        "\n_The whole run took {:.0} s; load average at the start {}, at the end {} (other work on the \
         machine slows both sides of each comparison alike, but not build times)._\n",
        started.elapsed().as_secs_f64(),
        load_at_start,
        load_average()
    );
    let path = root.join("BENCHMARKS.md");
    let doc = if parsed.only.is_empty() {
        format!("{}{doc}{run}", header(root, &parsed))
    } else {
        // Some sections: they replace their namesakes in the last full run's file, which keeps
        // the rest and says what was measured again, when and how.
        let old = std::fs::read_to_string(&path).unwrap_or_else(|_| header(root, &parsed));
        let note = format!(
            "\n_Sections {} measured again by `cargo xtask bench --only {}` on {}; load average at the start {}, at the end {}._\n",
            parsed.only.join(", "),
            parsed.only.join(","),
            output_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
            load_at_start,
            load_average()
        );
        format!("{}{note}", merge_sections(&old, &doc))
    };
    std::fs::write(&path, doc).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

/// The 1-minute load average, as `/proc/loadavg` gives it.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").ok().and_then(|t| t.split_whitespace().next().map(str::to_string)).unwrap_or_else(|| "unknown".into())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn output_of(program: &str, args: &[&str]) -> String {
    Command::new(program).args(args).output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default()
}

fn header(root: &Path, args: &BenchArgs) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())))
        .unwrap_or_else(|| "unknown CPU".into());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("MemTotal:").map(str::trim).map(str::to_string)))
        .and_then(|v| v.split_whitespace().next().and_then(|kb| kb.parse::<f64>().ok()))
        .map_or_else(|| "unknown".into(), |kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0));
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let command = if args.quick { "cargo xtask bench --quick" } else { "cargo xtask bench" };
    let _ = root;
    format!(
        "# Benchmarks\n\nWritten by `{command}` on {date}: {cores} cores ({cpu}), {memory} memory, {rustc}. \
         Every figure is measured side by side in the same run as its peer and shown with the ratio; \
         each is the median of several runs. Regenerate with `cargo xtask bench` (a few minutes; \
         `--quick` for a rough pass, `--only generator,client,mock,build,stream,cli,bidi,decode,async` for some sections).\n",
        date = output_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        rustc = output_of("rustc", &["--version"]),
    )
}

/// Runs `cargo ARGS`, echoing its human output, and returns its `BENCH` lines as JSON.
fn run_bench(root: &Path, args: &[&str]) -> Result<Vec<Value>, String> {
    println!("==> cargo {}", args.join(" "));
    let output = Command::new(cargo())
        .args(args)
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut results = Vec::new();
    for line in stdout.lines() {
        match line.strip_prefix("BENCH ") {
            Some(json) => results.push(serde_json::from_str(json).map_err(|e| format!("a BENCH line that is not JSON ({e}): {json}"))?),
            None => println!("{line}"),
        }
    }
    if !output.status.success() {
        return Err(format!("`cargo {}` failed", args.join(" ")));
    }
    Ok(results)
}

fn num(v: &Value, path: &[&str]) -> f64 {
    let mut at = v;
    for key in path {
        match at.get(key) {
            Some(next) => at = next,
            None => return f64::NAN,
        }
    }
    at.as_f64().unwrap_or(f64::NAN)
}

fn models(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for dir in [root.join("models"), root.join("../shared/models/upstream")] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            let mut files: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
            files.sort();
            out.extend(files.into_iter().map(|p| p.display().to_string()));
        }
    }
    let suite = root.join("../shared/conformance/smithy-aws-protocol-tests.json");
    if suite.exists() {
        out.push(format!("{}#aws.protocoltests.restjson#RestJson", suite.display()));
    }
    out
}

fn generator_section(root: &Path, args: &BenchArgs) -> Result<String, String> {
    let models = models(root);
    let runs = if args.quick { "3" } else { "7" };
    let mut cargo_args = vec!["bench", "-p", "smithygen", "--bench", "generate", "--", "--runs", runs];
    cargo_args.extend(models.iter().map(String::as_str));
    let results = run_bench(root, &cargo_args)?;
    let mut out = String::from(
        "\n## 1. Generator\n\nWall time of one whole in-memory generation (load, normalise, lower, emit, format) \
         per model, next to `serde_json` parsing the same file into a `Value` (the floor). Target: within 30× \
         of the floor. Phases are measured separately in the same run (format = re-formatting the generated \
         files with `syn` + `prettyplease`).\n\n\
         | model | size | files | parse (floor) | generate | ratio | load+normalise | lower | emit | format |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in &results {
        let _ = writeln!(
            out,
            "| {} | {:.0} KiB | {} | {:.2} ms | {:.1} ms | {:.0}× | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            r["model"].as_str().unwrap_or("?"),
            num(r, &["bytes"]) / 1024.0,
            r["files"],
            num(r, &["parse_ms"]),
            num(r, &["generate_ms"]),
            num(r, &["generate_ms"]) / num(r, &["parse_ms"]),
            num(r, &["phases_ms", "load_and_normalise"]),
            num(r, &["phases_ms", "lower"]),
            num(r, &["phases_ms", "emit"]),
            num(r, &["phases_ms", "format"]),
        );
    }
    // The maintainer's own command: `cargo xtask codegen`, as built by `cargo xtask` (dev profile).
    let mut times = Vec::new();
    for _ in 0..if args.quick { 2 } else { 5 } {
        let started = Instant::now();
        let status = Command::new(cargo())
            .args(["xtask", "codegen", "--check"])
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("running cargo xtask codegen: {e}"))?;
        if !status.success() {
            return Err("`cargo xtask codegen --check` failed: regenerate first".into());
        }
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let _ = writeln!(
        out,
        "\nThe maintainers' command, `cargo xtask codegen --check` over `models/` as `cargo xtask` builds it \
         (dev profile, already compiled; whole process including cargo's own start-up): median {:.2} s.",
        times[times.len() / 2]
    );
    Ok(out)
}

fn client_section(root: &Path, args: &BenchArgs) -> Result<String, String> {
    let mut cargo_args = vec!["bench", "-p", "e2e-tests", "--bench", "client", "--"];
    if args.quick {
        cargo_args.push("--quick");
    }
    let results = run_bench(root, &cargo_args)?;
    let mut out = String::from(
        "\n## 2. Client\n\n`InvokeEndpoint` through our generated client and the official `aws-sdk-sagemakerruntime` \
         against one bare hyper echo server (a child process, so its CPU is not counted); release builds, \
         SigV4 signing, default retry and timeout settings. CPU = this process's user + system time per call; \
         blocks of ours and theirs alternate. Target: at most 0.7× the official CPU per call, and no more \
         payload copies than the official client.\n\n\
         | payload | callers | ours CPU/call | official CPU/call | ratio | ours p50 / p99 | official p50 / p99 |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in results.iter().filter(|r| r["section"] == "client") {
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} µs | {:.1} µs | {:.2} | {:.0} / {:.0} µs | {:.0} / {:.0} µs |",
            r["payload"].as_str().unwrap_or("?"),
            r["callers"],
            num(r, &["ours", "cpu_us_per_call"]),
            num(r, &["official", "cpu_us_per_call"]),
            num(r, &["ours", "cpu_us_per_call"]) / num(r, &["official", "cpu_us_per_call"]),
            num(r, &["ours", "p50_us"]),
            num(r, &["ours", "p99_us"]),
            num(r, &["official", "p50_us"]),
            num(r, &["official", "p99_us"]),
        );
    }
    if let Some(m) = results.iter().find(|r| r["section"] == "client-memory") {
        let _ = write!(
            out,
            "\nOne 6 MiB call, counted by a global allocator (the caller's own request buffer excluded):\n\n\
             | | allocated | peak heap | payload-sized allocations (copies) |\n|---|---:|---:|---:|\n\
             | ours | {:.1} MiB | {:.1} MiB | {} |\n| official | {:.1} MiB | {:.1} MiB | {} |\n",
            num(m, &["ours", "allocated_mib"]),
            num(m, &["ours", "peak_mib"]),
            m["ours"]["payload_copies"],
            num(m, &["official", "allocated_mib"]),
            num(m, &["official", "peak_mib"]),
            m["official"]["payload_copies"],
        );
    }
    if let Some(a) = results.iter().find(|r| r["section"] == "client-allocations") {
        let _ = write!(
            out,
            "\nAllocations per sequential 1 KiB call (mean of {} calls each, the caller's own copy of the payload included, \
             one per call on both sides):\n\n| | allocations | bytes allocated |\n|---|---:|---:|\n\
             | ours | {:.1} | {:.0} |\n| official | {:.1} | {:.0} |\n",
            a["calls"],
            num(a, &["ours", "allocations_per_call"]),
            num(a, &["ours", "bytes_per_call"]),
            num(a, &["official", "allocations_per_call"]),
            num(a, &["official", "bytes_per_call"]),
        );
    }
    out.push_str(&client_instructions(root)?);
    out.push('\n');
    out.push_str(CLIENT_PROFILE);
    out.push('\n');
    Ok(out)
}

/// Where a call's instructions went when the client's own per-call work was last taken out
/// (a callgrind profile of both clients, read by hand), written beside each run's figures.
const CLIENT_PROFILE: &str = "Where a sequential 1 KiB call's instructions go (callgrind, `--calls ours|official 120` minus `20`, measured 2026-12-07 on the `h-cpu` branch): ours **431k**, official **465k** per call (**0.93×**; before that branch 466k and 465k, 1.00×). Taken out of ours: every call built its runtime plugins (the client's, the operation's and the call's settings drawn from the configuration: auth and endpoint resolvers, endpoint parameters, serde, retry partition), ~19k instructions; now the first call of an operation with a configuration builds them and the next ones clone them (a call adds only its tracing span when a subscriber listens, and endpoint parameters bound to input members); the operation's settings share the call's config-bag layer (one layer fewer for every lookup); our interceptors tell the orchestrator which hooks they use (`dyn_dispatch_hint`); and the default resolver's endpoint for parameters every call shares is resolved once. What remains is shared with the official client: SigV4 signing 220k (aws-sigv4; SHA-256 alone 154k: the payload hash, the canonical request hash, and the signing key derived afresh by every call with four HMACs, 57k), the orchestrator, aws-runtime's interceptors (user agent 17k) and hyper; our generated request serializer and response reader take ~12k together (the official's ~14k). 0.9× would take caching the signing key per (secret, date, region, service), which aws-sigv4's `sign` does not allow short of re-implementing its canonical request. Under valgrind SHA-256 runs its portable code; on a CPU with SHA extensions (this machine has them) those 154k become a few thousand for both clients, and the rest compares 277k to 310k, 0.89×.";

/// Instructions per sequential 1 KiB call of each client, counted by callgrind (independent of
/// the machine's load): the client benchmark's `--calls SIDE N` run under valgrind with two
/// values of N; (instructions(N2) - instructions(N1)) / (N2 - N1) leaves out start-up and
/// warm-up. Empty when valgrind is not installed.
fn client_instructions(root: &Path) -> Result<String, String> {
    if which("valgrind").is_none() {
        return Ok(String::new());
    }
    let build = Command::new(cargo())
        .args(["bench", "-p", "e2e-tests", "--bench", "client", "--no-run", "--message-format=json"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    let executable = String::from_utf8_lossy(&build.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["target"]["name"] == "client" && m["target"]["kind"][0] == "bench")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or("the client benchmark's executable was not built")?;
    let (few, many) = (20usize, 120usize);
    let instructions = |side: &str, calls: usize| -> Result<f64, String> {
        println!("==> callgrind: {side}, {calls} calls");
        let output = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(&executable)
            .args(["--calls", side, &calls.to_string()])
            .output()
            .map_err(|e| format!("valgrind: {e}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        stderr
            .lines()
            .find_map(|l| l.split("Collected :").nth(1).and_then(|n| n.trim().parse::<f64>().ok()))
            .ok_or_else(|| format!("no instruction count from callgrind:\n{stderr}"))
    };
    let mut per_call = Vec::new();
    for side in ["ours", "official"] {
        per_call.push((instructions(side, many)? - instructions(side, few)?) / (many - few) as f64);
    }
    Ok(format!(
        "\nInstructions per sequential 1 KiB call, counted by `valgrind --tool=callgrind` (the load of the machine does \
         not change them): the benchmark's `--calls SIDE N` with N = {many} and N = {few}, the difference over {}: \
         ours **{:.0}**, official **{:.0}**, ratio **{:.2}**.\n",
        many - few,
        per_call[0],
        per_call[1],
        per_call[0] / per_call[1]
    ))
}

/// Where the mock's time goes per request (issue 20): a profile, not a figure of this run, so
/// it is written out as text. Instruction counts from callgrind on the release binaries, 6,400
/// requests over 64 connections after a warm-up of 1,280.
const MOCK_PROFILE: &str = "\n\
Where the time goes (callgrind, instructions per request of the release binaries: 64 connections x 120 requests \
of 1 KiB minus 64 x 20, so start-up and warm-up cancel; the floor takes 14.8k). First pass, 86.9k to 40.8k: \
routing ran twice per request, each time matching every route's pattern with a vector of path parts, a \
percent-decoded copy of every literal and the labels of every partial match (16k); every before-hook and the \
operation ran as a tokio task of its own (about 10k with the moves of their large futures); each request woke \
its connection task twice to track idleness and re-armed a timer, and the body reader armed and dropped another \
(about 5k); endpoint resolution built four storage paths for every call (6.6k); the request log kept each body \
as a slice of hyper's read buffer (86 MiB resident at 10,000 logged requests). Now hooks and handlers are polled \
in place and become tasks only when they wait, idleness is counted and checked by one timer per connection, and \
the log copies the body. Second pass, 42.5k to 34.9k (2.87× the floor to 2.36×; server CPU per request in one \
A/B run of this benchmark 13.5 µs before, 10.1 µs after, floor 5.2-5.4 µs; ratio 0.58 before, 0.68 after in the \
same run): request ids come from fastrand (wyrand per thread, seeded once) instead of a `getrandom` system call \
each, written into the header without a `String`, under a header name made once (the name was parsed and copied \
for every response); the log keeps each request's head (method, URI, headers) in one buffer and makes the owned \
strings of `RecordedRequest` only when the log is read (three allocations per logged request instead of about a \
dozen); the mock's front door is a synchronous hook (`Router::before_sync`: no boxed future per request); the \
diversion test (S3 or not) runs once per request, not twice; after-hooks get the URI's shared storage instead of \
a copy of the path; a path is split by a byte loop into a vector sized once; HTTP/1.1's header timeout is the \
connection's idle check (after an HTTP/1.1 request the connection's idle limit is the header timeout) instead of \
hyper's timer armed, registered and dropped for every request head. Third pass, 34.9k to 33.5k (2.27× the \
floor; in one A/B run of this benchmark on a shared machine, ratio 0.70 and server CPU per request 11.8 µs \
against the floor's 6.0 µs, within the noise of the second pass's run): generated code writes a header bound to \
a member under a constant `HeaderName` (`from_static`, lowercased at generation time, as HTTP/1 and HTTP/2 put \
names on the wire) instead of its mixed-case model text parsed and copied per message, in server responses and \
client requests alike, and a `@pattern` no value can fail (`.*`) is neither compiled nor run. What remains \
beyond the floor (18.7k): the operation (reading the label and 11 bound headers 3.3k, of which 1.5k are the \
header look-ups and the rest the body's copy into a `Blob`; validation 2.1k, of which 1.0k are two regex \
matches that can fail and stay (EndpointName against `^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`, ContentType against \
`^\\p{ASCII}*$`; each regex compiled once, in a `LazyLock` static); writing the response headers 1.3k, now \
each value's check and copy into a `HeaderValue`; the behaviour, builders and moves), the log entry 2.4k (the \
head buffer, the body copy, the time), routing 2.7k (the streaming check before the body is read and the routing after the hooks: the \
mock has a streaming route, so both run), dropping the request 0.7k, and the extra copies of the 1 KiB body \
(log, `Blob`) with the moves of large futures (memcpy: 3.4k per request in all, the floor's included).\n";

fn mock_section(root: &Path, args: &BenchArgs) -> Result<String, String> {
    let (seconds, rounds) = if args.quick { ("2", "2") } else { ("5", "3") };
    let results =
        run_bench(root, &["bench", "-p", "sagemaker-runtime-mock", "--bench", "load", "--", "--seconds", seconds, "--rounds", rounds])?;
    let r = results.first().ok_or("the load benchmark printed no result")?;
    let mut out = String::from(
        "\n## 3. Mock\n\n`InvokeEndpoint` with a 1 KiB body over 64 keep-alive connections (a hyper client in the \
         benchmark process, same machine), against the mock binary (release, echo behaviour, request log on) and \
         a bare hyper echo server built in the same run (the floor). Target: at least 0.8× the floor, flat memory. \
         CPU per request is the server process's user plus system time over the requests it answered: what the \
         server itself spends, less disturbed than requests per second by the load generator sharing the cores.\n\n\
         | server | requests/s | p50 | p99 | errors | CPU per request |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let _ = writeln!(
        out,
        "| mock | {:.0} | {:.2} ms | {:.2} ms | {} | {:.1} µs |",
        num(r, &["mock", "rps"]),
        num(r, &["mock", "p50_ms"]),
        num(r, &["mock", "p99_ms"]),
        r["mock"]["errors"],
        num(r, &["mock", "cpu_us_per_request"])
    );
    let _ = writeln!(
        out,
        "| bare hyper (floor) | {:.0} | {:.2} ms | {:.2} ms | {} | {:.1} µs |",
        num(r, &["floor", "rps"]),
        num(r, &["floor", "p50_ms"]),
        num(r, &["floor", "p99_ms"]),
        r["floor"]["errors"],
        num(r, &["floor", "cpu_us_per_request"])
    );
    let rss: Vec<String> = r["mock_rss_mib_after_rounds"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).map(|v| format!("{v:.1}")).collect())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\nRatio mock / floor: **{:.2}** (CPU per request: {:.2}×). Mock resident memory after each round: {} MiB; 1 s after the last: {:.1} MiB.",
        num(r, &["mock", "rps"]) / num(r, &["floor", "rps"]),
        num(r, &["mock", "cpu_us_per_request"]) / num(r, &["floor", "cpu_us_per_request"]),
        rss.join(", "),
        num(r, &["mock_rss_mib_idle"])
    );
    out.push_str(MOCK_PROFILE);
    Ok(out)
}

/// The programs of the build-and-size comparison: the same consumer program on the default
/// setup (aws-config with its defaults, each client with its defaults) and on the lean recipe
/// (README, "Lean build"): aws-config without SSO, `credential_process` or its default HTTPS
/// client, each client without its default features, one HTTPS client on rustls with the `ring`
/// provider plugged into both (no aws-lc, so no cmake).
const PROGRAMS: [(&str, &str); 6] = [
    ("floor", "aws-config and tokio only: load the SDK config, print the region"),
    ("official", "aws-sdk-sagemakerruntime: load the SDK config, one InvokeEndpoint call"),
    ("ours", "our sagemaker-runtime: load the SDK config, one InvokeEndpoint call"),
    ("floor-lean", "lean recipe, aws-config (`rt-tokio` only), tokio and a rustls + ring HTTPS client only"),
    ("official-lean", "lean recipe, aws-sdk-sagemakerruntime (`rt-tokio` only): one InvokeEndpoint call"),
    ("ours-lean", "lean recipe, our sagemaker-runtime (`rt-tokio` only): one InvokeEndpoint call"),
];

/// The floor each program's cost is measured over.
fn floor_of(name: &str) -> &'static str {
    if name.ends_with("-lean") { "floor-lean" } else { "floor" }
}

fn program_files(root: &Path, name: &str) -> (String, String) {
    let lean = name.ends_with("-lean");
    let call = |krate: &str| {
        format!(
            "    let client = {krate}::Client::new(&config);\n    let out = client.invoke_endpoint().endpoint_name(\"e\")\n        .body({krate}::primitives::Blob::new(b\"{{}}\".to_vec())).send().await;\n    println!(\"{{:?}}\", out.is_ok());\n"
        )
    };
    let features = if lean { ", default-features = false, features = [\"rt-tokio\"]" } else { "" };
    let ours_path = root.join("generated/sagemaker-runtime").display().to_string();
    let (dependency, body) = match name.trim_end_matches("-lean") {
        "floor" => (String::new(), "    println!(\"{:?}\", config.region());\n".to_string()),
        "official" => (format!("aws-sdk-sagemakerruntime = {{ version = \"1\"{features} }}\n"), call("aws_sdk_sagemakerruntime")),
        _ => (format!("sagemaker-runtime = {{ path = {ours_path:?}{features} }}\n"), call("sagemaker_runtime")),
    };
    let (base, load) = if lean {
        (
            "aws-config = { version = \"1\", default-features = false, features = [\"rt-tokio\"] }\n\
             aws-smithy-http-client = { version = \"1\", default-features = false, features = [\"rustls-ring\"] }\n",
            "    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};\n\
             \x20   let http_client = aws_smithy_http_client::Builder::new().tls_provider(Provider::Rustls(CryptoMode::Ring)).build_https();\n\
             \x20   let config = aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(http_client).load().await;\n",
        )
    } else {
        ("aws-config = \"1\"\n", "    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;\n")
    };
    let manifest = format!(
        "[package]\nname = \"size-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n\
         [dependencies]\n{base}tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n{dependency}"
    );
    let main = format!("#[tokio::main]\nasync fn main() {{\n{load}{body}}}\n");
    (manifest, main)
}

/// Builds `dir` in release from an empty target folder (`target` inside it) or, with `shared`,
/// in that target folder as it is; returns (seconds, crates compiled).
fn release_build(dir: &Path, shared: Option<&Path>) -> Result<(f64, usize), String> {
    let own = dir.join("target");
    let target = shared.unwrap_or(&own);
    if shared.is_none() {
        let _ = std::fs::remove_dir_all(target);
    }
    let mut command = Command::new(cargo());
    command
        .args(["build", "--release"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_JOBS")
        .stdout(Stdio::null());
    let started = Instant::now();
    let output = command.output().map_err(|e| format!("running cargo build: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("building {} failed:\n{stderr}", dir.display()));
    }
    Ok((seconds, stderr.lines().filter(|l| l.trim_start().starts_with("Compiling ")).count()))
}

/// The packages of `dir`'s build graph (normal and build dependencies, proc macros included):
/// what a clean build compiles, counted without building.
fn crates_in_graph(dir: &Path) -> usize {
    let text = output_of_in(dir, &["tree", "--offline", "-e", "normal,build", "--prefix", "none", "-f", "{p}"]);
    let mut crates: Vec<&str> = text.lines().map(|l| l.trim_end_matches(" (*)").trim()).filter(|l| !l.is_empty()).collect();
    crates.sort_unstable();
    crates.dedup();
    crates.len()
}

fn output_of_in(dir: &Path, args: &[&str]) -> String {
    Command::new(cargo()).args(args).current_dir(dir).output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

/// Bytes of the symbols of an unstripped binary, per crate (the first path segment of each
/// demangled name, `<T as Trait>` counted under `T`'s crate): where the size goes, as
/// `cargo bloat --crates` attributes it, from `nm` alone. Symbols without a crate path (C code
/// such as aws-lc or ring's assembly, the standard library's own `std`) keep their first word.
fn bytes_per_crate(binary: &Path) -> Vec<(String, u64)> {
    let output = Command::new("nm").args(["-C", "--size-sort", "--print-size"]).arg(binary).output();
    let Ok(output) = output else { return Vec::new() };
    let mut per_crate: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let mut fields = line.splitn(4, ' ');
        let (_, size, kind, name) = (fields.next(), fields.next(), fields.next(), fields.next());
        let (Some(size), Some(kind), Some(name)) = (size, kind, name) else { continue };
        if !matches!(kind, "t" | "T" | "r" | "R" | "d" | "D") {
            continue;
        }
        let Ok(size) = u64::from_str_radix(size, 16) else { continue };
        let path = name.trim_start_matches('<').trim_start_matches('&').trim_start_matches("dyn ");
        let krate = path.split([':', '<', ' ', '>']).next().unwrap_or(path);
        let krate = if krate.is_empty() || path.len() == krate.len() { "[non-Rust]" } else { krate };
        *per_crate.entry(krate.to_string()).or_default() += size;
    }
    let mut sorted: Vec<(String, u64)> = per_crate.into_iter().collect();
    sorted.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    sorted
}

struct BuiltProgram {
    name: &'static str,
    what: &'static str,
    seconds: Vec<f64>,
    loads: Vec<(String, String)>,
    compiled: usize,
    graph: usize,
    size: u64,
    per_crate: Vec<(String, u64)>,
}

/// Section 4. With `--build-runs N` (default 3): each program built in release from an empty
/// target folder, the programs interleaved (floor, official, ours, ..., floor, ...) N times so
/// that a change of load hits all alike, the 1-minute load average read before and after each
/// build; median times. With `--build-runs 0`: sizes only, every program built once in one
/// shared target folder (sizes do not depend on the load or on what was built before).
fn build_section(root: &Path, args: &BenchArgs) -> Result<String, String> {
    let work = root.join("target/bench-build");
    let shared_target = work.join("shared-target");
    let mut programs = Vec::new();
    for (name, what) in PROGRAMS {
        let dir = work.join(name);
        std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
        let (manifest, main) = program_files(root, name);
        std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())?;
        // The workspace's lock file: the same dependency versions as everything else here.
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
        let graph = crates_in_graph(&dir);
        programs.push(BuiltProgram { name, what, seconds: Vec::new(), loads: Vec::new(), compiled: 0, graph, size: 0, per_crate: Vec::new() });
    }
    let timed = args.build_runs > 0;
    for run in 0..args.build_runs.max(1) {
        for program in programs.iter_mut() {
            let dir = work.join(program.name);
            let before = load_average();
            println!("==> {}: release build {}/{} (load {before})", program.name, run + 1, args.build_runs.max(1));
            let (seconds, compiled) = release_build(&dir, (!timed).then_some(shared_target.as_path()))?;
            program.loads.push((before, load_average()));
            program.seconds.push(seconds);
            program.compiled = compiled;
            if run == 0 {
                let target = if timed { dir.join("target") } else { shared_target.clone() };
                let binary = target.join(format!("release/size-{}", program.name));
                program.per_crate = bytes_per_crate(&binary);
                let stripped = dir.join("stripped");
                std::fs::copy(&binary, &stripped).map_err(|e| format!("{}: {e}", binary.display()))?;
                let status = Command::new("strip").arg(&stripped).status().map_err(|e| format!("strip: {e}"))?;
                if status.success() {
                    program.size = std::fs::metadata(&stripped).map(|m| m.len()).unwrap_or(0);
                }
            }
            if timed {
                let _ = std::fs::remove_dir_all(dir.join("target"));
            }
        }
    }
    // The shared target folder of `--build-runs 0` is kept: a second sizes-only run (or a
    // program built there by hand, e.g. against another checkout) compiles only what changed.
    Ok(render_build_section(&programs, args.build_runs))
}

fn render_build_section(programs: &[BuiltProgram], runs: usize) -> String {
    let get = |name: &str| programs.iter().find(|p| p.name == name).expect("every program is built");
    let median_of = |p: &BuiltProgram| median(&mut p.seconds.clone());
    let mut out = String::from("\n## 4. Build and size\n\n");
    if runs > 0 {
        let _ = write!(
            out,
            "The same small program on the default setup and on the lean recipe (README, \"Lean build\"), each built in \
             release from an empty target folder with the workspace's lock file, the {n} programs interleaved {runs} \
             times (floor, official, ours, ..., floor, ...): median clean release build time, with the 1-minute load \
             average before → after each build; crates compiled (and in the build graph); the stripped release binary. \
             Target: our cost over the floor at most 0.6× the official's in size and 0.5× in build time.\n\n\
             | program | clean release build | over floor | load before → after, each run | crates compiled / in graph | stripped binary | over floor |\n\
             |---|---:|---:|---|---:|---:|---:|\n",
            n = programs.len()
        );
    } else {
        out.push_str(
            "Sizes only (`--build-runs 0`: every program built once in release in one shared target folder; build times \
             are not measured). Target: our cost over the floor at most 0.6× the official's in size.\n\n\
             | program | crates in graph | stripped binary | over floor |\n|---|---:|---:|---:|\n",
        );
    }
    for p in programs {
        let floor = get(floor_of(p.name));
        let size = format!("{:.2} MB", p.size as f64 / 1e6);
        let over_size = format!("{:+.2} MB", (p.size as f64 - floor.size as f64) / 1e6);
        if runs > 0 {
            let loads = p.loads.iter().map(|(b, a)| format!("{b} → {a}")).collect::<Vec<_>>().join("; ");
            let _ = writeln!(
                out,
                "| {}: {} | {:.0} s | {:+.0} s | {loads} | {} / {} | {size} | {over_size} |",
                p.name,
                p.what,
                median_of(p),
                median_of(p) - median_of(floor),
                p.compiled,
                p.graph
            );
        } else {
            let _ = writeln!(out, "| {}: {} | {} | {size} | {over_size} |", p.name, p.what, p.graph);
        }
    }
    let ratio = |o: f64, t: f64| if t.abs() < f64::EPSILON { f64::NAN } else { o / t };
    for (setup, floor, official, ours) in [("default setup", "floor", "official", "ours"), ("lean recipe", "floor-lean", "official-lean", "ours-lean")] {
        let (floor, official, ours) = (get(floor), get(official), get(ours));
        let size = ratio(ours.size as f64 - floor.size as f64, official.size as f64 - floor.size as f64);
        let _ = write!(out, "\nOur cost over the floor relative to the official crate's, {setup}: binary size **{size:.2}×**");
        if runs > 0 {
            let time = ratio(median_of(ours) - median_of(floor), median_of(official) - median_of(floor));
            let _ = write!(out, ", clean release build time **{time:.2}×**");
        }
        out.push_str(".\n");
    }
    // Where the bytes go: symbol bytes per crate in the unstripped binaries of the default setup,
    // the crates where ours and the official program differ most.
    let (floor, official, ours) = (get("floor"), get("official"), get("ours"));
    if !ours.per_crate.is_empty() {
        let bytes = |p: &BuiltProgram, krate: &str| p.per_crate.iter().find(|(k, _)| k == krate).map_or(0, |(_, b)| *b);
        let mut crates: Vec<&str> = ours.per_crate.iter().chain(&official.per_crate).map(|(k, _)| k.as_str()).collect();
        crates.sort_unstable();
        crates.dedup();
        crates.sort_by_key(|k| std::cmp::Reverse((bytes(ours, k) as i64 - bytes(floor, k) as i64).abs().max((bytes(official, k) as i64 - bytes(floor, k) as i64).abs())));
        out.push_str(
            "\nWhere the bytes go (default setup): symbol bytes per crate in the unstripped release binaries (`nm`, as \
             `cargo bloat --crates` attributes them; generic code is counted under the crate that defines it), the 15 \
             crates whose bytes differ most from the floor's:\n\n| crate | floor | official | ours |\n|---|---:|---:|---:|\n",
        );
        for krate in crates.iter().take(15) {
            let kib = |p: &BuiltProgram| format!("{:.0} KiB", bytes(p, krate) as f64 / 1024.0);
            let _ = writeln!(out, "| `{krate}` | {} | {} | {} |", kib(floor), kib(official), kib(ours));
        }
    }
    out
}

fn streaming_section(root: &Path, args: &BenchArgs) -> Result<String, String> {
    let mut bench_args = vec!["bench", "-p", "e2e-tests", "--bench", "stream"];
    if args.quick {
        bench_args.extend(["--", "--quick"]);
    }
    let results = run_bench(root, &bench_args)?;
    let r = results.iter().find(|r| r["section"] == "stream").ok_or("the stream benchmark printed no result")?;
    let mut out = format!(
        "\n## 5. Streaming\n\n`InvokeEndpointWithResponseStream` against the in-process mock (a text stream of {} parts of {} \
         bytes, produced without delay), {} calls per client, ours and the official client's alternating over keep-alive \
         loopback connections: the time from `send()` to the first `PayloadPart` out of `recv()`, and to the end of the \
         stream.\n\n| client | first part p50 | first part p99 | whole stream p50 |\n|---|---:|---:|---:|\n",
        r["parts"], r["part_size"], r["calls"],
    );
    for (label, key) in [("ours", "ours"), ("official", "official")] {
        let _ = writeln!(
            out,
            "| {label} | {:.2} ms | {:.2} ms | {:.2} ms |",
            num(r, &[key, "first_part_p50_us"]) / 1000.0,
            num(r, &[key, "first_part_p99_us"]) / 1000.0,
            num(r, &[key, "whole_stream_p50_us"]) / 1000.0,
        );
    }
    Ok(out)
}

/// `InvokeEndpointAsync` and its result through `send_and_wait()` against the earliest moment the
/// mock has written the result: the overhead of waiting (polling granularity and S3 reads).
fn async_wait_section(root: &Path, args: &BenchArgs) -> Result<String, String> {
    let mut bench_args = vec!["bench", "-p", "e2e-tests", "--bench", "async_wait"];
    if args.quick {
        bench_args.extend(["--", "--quick"]);
    }
    let results = run_bench(root, &bench_args)?;
    let r = results.iter().find(|r| r["section"] == "async_wait").ok_or("the async_wait benchmark printed no result")?;
    let earliest = num(r, &["earliest_p50_ms"]);
    let mut out = format!(
        "\n## 9. Asynchronous invoke and wait\n\n`InvokeEndpointAsync` with an inline body to the in-process mock, whose \
         endpoint answers after {delay:.0} ms, then its result: `send_and_wait()` of our client (feature `async-result`; \
         aws-sdk-s3 reads the result from the mock's S3 API) against the earliest possible moment, the same call \
         sent with `send()` and the mock's own notification that it wrote the result. {calls} calls of each kind, \
         alternating; the difference of the medians is what waiting adds (polling granularity and the S3 reads).\n\n\
         | how | p50 | p90 | added over the earliest (p50) |\n|---|---:|---:|---:|\n\
         | earliest (result written, in-process notification) | {earliest:.1} ms | | |\n",
        delay = num(r, &["delay_ms"]),
        calls = r["calls"],
    );
    for (label, key) in [("`send_and_wait()`, default backoff (100 ms, x1.5, up to 10 s)", "default"), ("`send_and_wait()`, backoff 10 ms, x1.5, up to 100 ms", "tight")] {
        let p50 = num(r, &[&format!("{key}_p50_ms")]);
        let _ = writeln!(out, "| {label} | {p50:.1} ms | {:.1} ms | {:+.1} ms ({:.2}x) |", num(r, &[&format!("{key}_p90_ms")]), p50 - earliest, p50 / earliest);
    }
    Ok(out)
}

/// `InvokeEndpointWithBidirectionalStream` through `sagemaker-runtime-http2` and the official
/// `aws-sdk-sagemakerruntimehttp2` on the mock (a child process): round trip of one event, time
/// to the first response part, and 1,000 concurrent sessions per client.
fn bidi_section(root: &Path, args: &BenchArgs) -> Result<String, String> {
    let mut bench_args = vec!["bench", "-p", "e2e-tests", "--bench", "bidi"];
    if args.quick {
        bench_args.extend(["--", "--quick"]);
    }
    let results = run_bench(root, &bench_args)?;
    let r = results.iter().find(|r| r["section"] == "bidi").ok_or("the bidi benchmark printed no result")?;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mut out = format!(
        "\n## 7. Bidirectional streaming (HTTP/2 API)\n\n`InvokeEndpointWithBidirectionalStream` (SageMaker Runtime HTTP/2) through our \
         `sagemaker-runtime-http2` and the official `aws-sdk-sagemakerruntimehttp2`, release builds with their default \
         settings (SigV4 with signed events, default retry and timeouts), against the mock in a child process (echo: \
         each {size}-byte request event answered by one `PayloadPart` with its bytes; no request log), so its memory \
         and CPU are not the client's. Connection: {connection}. {cores} cores shared by the client (2 tokio worker \
         threads), the mock (one per core) and whatever else the machine runs.\n\n\
         - **Round trip**: one open session per client, {rounds} rounds of one event sent and its echo read, ours \
         and the official client's alternating (each goes first in every other round).\n\
         - **First part**: {calls} new calls per client, alternating, each with its first event already queued: \
         from calling `send()` to the first `PayloadPart` out of `recv()`, on a keep-alive connection when \
         the client's pool has one (after all these calls the mock held {after_calls} sockets, its listener included).\n\
         - **{streams} concurrent sessions**: per client a fresh process (the bench binary in a load role) and a \
         fresh mock, so neither inherits the other's freed memory; median of {load_runs} run(s), clients \
         alternating. Every session opens with its first event and reads the echo (at most {opening} connecting \
         at once: a burst of 1,000 SYNs overflows the mock's accept queue, and each dropped SYN costs its \
         connection a 1 s retransmit; accept-queue overflows during the runs: {overflows}); with all of them open, the \
         resident memory (`VmRSS`) of both processes is read against its level before (after a warm-up session), \
         divided by {streams}; then each session sends its other {more} event(s), one after the echo of the \
         previous, and ends. Events/s = all {total} echoed events / wall time from the first open to the last \
         end; *once all are open*: the events after each session's first / the time from all open to the last \
         end. The client's memory includes the benchmark's own task and channel per session, alike for both.\n\n\
         | | ours | official | ratio ours / official |\n|---|---:|---:|---:|\n",
        size = r["event_size"],
        connection = r["connection"].as_str().unwrap_or("?"),
        rounds = r["round_trips"],
        calls = r["first_part_calls"],
        after_calls = r["mock_sockets_after_calls"],
        opening = r["opening_at_once"],
        overflows = num(&r["ours"], &["concurrent", "listen_overflows"]) + num(&r["official"], &["concurrent", "listen_overflows"]),
        streams = r["streams"],
        load_runs = r["load_runs"],
        more = num(r, &["events_per_stream"]) - 1.0,
        total = num(r, &["streams"]) * num(r, &["events_per_stream"]),
    );
    let per_run = |side: &Value| -> String {
        let runs = side["concurrent"]["runs"].as_array().map(Vec::as_slice).unwrap_or_default();
        runs.iter().map(|run| format!("{:.0}", num(run, &["events_per_s"]))).collect::<Vec<_>>().join(", ")
    };
    let mut row = |label: &str, path: &[&str], scale: f64, unit: &str, digits: usize| {
        let (ours, official) = (num(&r["ours"], path) * scale, num(&r["official"], path) * scale);
        let _ = writeln!(out, "| {label} | {ours:.digits$}{unit} | {official:.digits$}{unit} | {:.2} |", ours / official);
    };
    row("round trip p50", &["round_trip", "p50_us"], 1.0, " µs", 0);
    row("round trip p99", &["round_trip", "p99_us"], 1.0, " µs", 0);
    row("first part p50", &["first_part", "p50_us"], 1e-3, " ms", 2);
    row("first part p99", &["first_part", "p99_us"], 1e-3, " ms", 2);
    row("concurrent: events/s (opening included)", &["concurrent", "events_per_s"], 1.0, "", 0);
    row("concurrent: events/s once all are open", &["concurrent", "open_events_per_s"], 1.0, "", 0);
    row("concurrent: opening all sessions", &["concurrent", "open_all_ms"], 1.0, " ms", 0);
    row("concurrent: client memory per session", &["concurrent", "client_kib_per_stream"], 1.0, " KiB", 1);
    row("concurrent: mock memory per session", &["concurrent", "mock_kib_per_stream"], 1.0, " KiB", 1);
    row("concurrent: client CPU per event", &["concurrent", "client_cpu_us_per_event"], 1.0, " µs", 0);
    row("concurrent: mock CPU per event", &["concurrent", "mock_cpu_us_per_event"], 1.0, " µs", 0);
    let _ = writeln!(
        out,
        "\nSockets open with all sessions open: ours {:.0} in the client, {:.0} in the mock; official {:.0} and {:.0} \
         (HTTP/1.1 does not multiplex: one connection per session; the few others are the mock's listener and \
         connections the warm-up left in the pool). Resident memory before the sessions: client {:.1} MiB (ours) / \
         {:.1} MiB (official), mock {:.1} / {:.1} MiB. Open-files limit in force: {}. CPU per event counts \
         everything from the first open (connections, signing, the handshake of each session) to the last end, \
         over all events. Events/s of each run (opening included): ours {}; official {}.",
        num(&r["ours"], &["concurrent", "client_sockets"]),
        num(&r["ours"], &["concurrent", "mock_sockets"]),
        num(&r["official"], &["concurrent", "client_sockets"]),
        num(&r["official"], &["concurrent", "mock_sockets"]),
        num(&r["ours"], &["concurrent", "client_rss_before_mib"]),
        num(&r["official"], &["concurrent", "client_rss_before_mib"]),
        num(&r["ours"], &["concurrent", "mock_rss_before_mib"]),
        num(&r["official"], &["concurrent", "mock_rss_before_mib"]),
        r["nofile_limit"],
        per_run(&r["ours"]),
        per_run(&r["official"]),
    );
    Ok(out)
}

/// The stream decoders (`lines`, `json_values`, `sse_events`) beside a plain `recv()` loop on the
/// same 100 MB answer in 1–64-byte event frames over loopback (`runtime/benches/decode.rs`).
fn decode_section(root: &Path, args: &BenchArgs) -> Result<String, String> {
    let mut bench_args = vec!["bench", "-p", "smithygen-runtime", "--features", "event-stream,json-values", "--bench", "decode"];
    if args.quick {
        bench_args.extend(["--", "--quick"]);
    }
    let results = run_bench(root, &bench_args)?;
    let r = results.iter().find(|r| r["section"] == "decode").ok_or("the decode benchmark printed no result")?;
    let mut out = format!(
        "\n## 8. Stream decoding\n\nAn answer of {:.0} MB (JSON Lines records with multi-byte characters; the same records as \
         Server-Sent Events `data:` lines for `sse`) cut into {} parts of 1 to 64 bytes (a fixed pseudo-random sequence), each \
         part a real `PayloadPart` event frame ({:.0} MB framed), served by a hyper HTTP/1.1 server in the benchmark process \
         over loopback TCP and read through the runtime's `EventReceiver` (the restJson1 unmarshaller, a `PayloadPart` reader \
         like the generated one); bench profile (release), 2 tokio worker threads shared with the server, median of {} runs, \
         readers alternating. MB/s counts the answer's bytes; the ratio is to the `recv()` loop (which only counts the \
         bytes of each part) on the same stream, in the same run.\n\n| stream | reader | MB/s | items | ratio to `recv()` |\n|---|---|---:|---:|---:|\n",
        num(r, &["answer_bytes"]) / 1e6,
        r["parts"],
        num(r, &["framed_bytes"]) / 1e6,
        r["runs"],
    );
    for case in r["cases"].as_array().map(Vec::as_slice).unwrap_or_default() {
        let reader = match case["reader"].as_str().unwrap_or("?") {
            "recv" => "`recv()` counting bytes",
            "lines" => "`lines()`",
            "json" => "`json_values()`",
            "sse" => "`sse_events()`",
            other => other,
        };
        let _ = writeln!(
            out,
            "| {} | {reader} | {:.1} | {} | {:.2} |",
            case["stream"].as_str().unwrap_or("?"),
            num(case, &["mb_per_s"]),
            case["items"],
            num(case, &["ratio_to_recv"]),
        );
    }
    Ok(out)
}

/// Start-up plus one `InvokeEndpoint` call: the generated CLI (debug build, as `cargo xtask test`
/// builds it) and the AWS CLI (`aws` on the PATH, when there is one), each run as a new process
/// against the same mock binary, alternating; the median wall time of each.
fn cli_section(root: &Path, args: &BenchArgs) -> Result<String, String> {
    println!("==> cargo build -p sagemaker-runtime-cli -p sagemaker-runtime-mock");
    let built = Command::new(cargo())
        .args(["build", "-p", "sagemaker-runtime-cli", "-p", "sagemaker-runtime-mock"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !built.success() {
        return Err("building the CLI and the mock failed".into());
    }
    let bin = root.join("target/debug");
    let data = std::env::temp_dir().join(format!("smithygen-bench-cli-{}", std::process::id()));
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let listen = format!("127.0.0.1:{port}");
    let mut mock = Command::new(bin.join("sagemaker-runtime-mock"))
        .args(["--listen", &listen, "--data-dir"])
        .arg(&data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting the mock: {e}"))?;
    let url = format!("http://{listen}");
    let ready = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::net::TcpStream::connect(&listen).is_ok()
    });
    let result = if ready { cli_runs(&bin, &url, &data, args) } else { Err("the mock did not start".into()) };
    let _ = mock.kill();
    let _ = mock.wait();
    let _ = std::fs::remove_dir_all(&data);
    result
}

fn cli_runs(bin: &Path, url: &str, data: &Path, args: &BenchArgs) -> Result<String, String> {
    let runs = if args.quick { 5 } else { 21 };
    let ours = vec![bin.join("sagemaker-runtime").display().to_string(), "--cli-binary-format".into(), "raw-in-base64-out".into()];
    let aws = which("aws").map(|p| {
        let version = Command::new(&p).arg("--version").output().ok();
        let version = version.map(|o| String::from_utf8_lossy(if o.stdout.is_empty() { &o.stderr } else { &o.stdout }).trim().to_string()).unwrap_or_default();
        // The AWS CLI v1 sends `--body` text as it is and does not know `--cli-binary-format`.
        let mut command = vec![p.display().to_string(), "sagemaker-runtime".into()];
        if !version.starts_with("aws-cli/1.") {
            command.extend(["--cli-binary-format".into(), "raw-in-base64-out".into()]);
        }
        (command, version)
    });
    // One untimed call each: caches, page cache, Python's bytecode.
    timed_call(&ours, url, data)?;
    if let Some((command, _)) = &aws {
        timed_call(command, url, data)?;
    }
    let (mut ours_ms, mut aws_ms) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours_ms.push(timed_call(&ours, url, data)?);
        if let Some((command, _)) = &aws {
            aws_ms.push(timed_call(command, url, data)?);
        }
    }
    let ours_median = median(&mut ours_ms);
    let mut out = format!(
        "\n## 6. Command line\n\nStart-up plus one `InvokeEndpoint` call against the mock binary (a new process per call, \
         {runs} calls each, alternating; median wall time). Ours is the debug build `cargo xtask test` makes.\n\n\
         | command | time per call |\n|---|---:|\n| `sagemaker-runtime invoke-endpoint` (generated, debug build) | {ours_median:.0} ms |\n"
    );
    match aws {
        Some((_, version)) => {
            let theirs = median(&mut aws_ms);
            let _ = writeln!(out, "| `aws sagemaker-runtime invoke-endpoint` ({version}) | {theirs:.0} ms |");
            let _ = writeln!(out, "\nRatio ours / AWS CLI: {:.2}.", ours_median / theirs);
        }
        None => out.push_str("\nThe AWS CLI is not installed here (`aws` is not on the PATH): no peer figure.\n"),
    }
    Ok(out)
}

/// Runs `command invoke-endpoint ...` once against the mock at `url`; its wall time in ms.
fn timed_call(command: &[String], url: &str, data: &Path) -> Result<f64, String> {
    let started = Instant::now();
    let status = Command::new(&command[0])
        .args(&command[1..])
        .args(["invoke-endpoint", "--endpoint-url", url, "--region", "us-east-1"])
        .args(["--endpoint-name", "bench", "--content-type", "application/json", "--body", "{\"x\":1}"])
        .arg(data.join("out.json"))
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_CONFIG_FILE", data.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", data.join("no-credentials"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{}: {e}", command[0]))?;
    if !status.success() {
        return Err(format!("`{} invoke-endpoint` failed: {status}", command.join(" ")));
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

/// `old` with each `## N. Title` section of `new` in place of its namesake (same number), and
/// the sections `old` lacks added in order; notes of earlier partial runs are dropped.
fn merge_sections(old: &str, new: &str) -> String {
    /// The head, the numbered sections, and the notes of earlier partial runs (`_Sections ...`).
    fn split(doc: &str) -> (String, Vec<(String, String)>, Vec<String>) {
        let mut head = String::new();
        let mut sections: Vec<(String, String)> = Vec::new();
        let mut notes = Vec::new();
        for line in doc.split_inclusive('\n') {
            if let Some(title) = line.strip_prefix("## ") {
                let number = title.split('.').next().unwrap_or_default().to_string();
                sections.push((number, line.to_string()));
            } else if line.starts_with("_Sections ") {
                notes.push(line.trim_end().to_string());
            } else if let Some((_, text)) = sections.last_mut() {
                text.push_str(line);
            } else {
                head.push_str(line);
            }
        }
        (head, sections, notes)
    }
    let (head, mut sections, notes) = split(old);
    let (_, fresh, _) = split(new);
    for (number, text) in fresh {
        match sections.iter_mut().find(|(n, _)| *n == number) {
            Some(slot) => slot.1 = text,
            None => sections.push((number, text)),
        }
    }
    sections.sort_by_key(|(n, _)| n.parse::<u32>().unwrap_or(u32::MAX));
    let mut out = head;
    for (_, text) in sections {
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(text.trim_end_matches('\n'));
        out.push('\n');
    }
    // Earlier partial runs' notes stay: they say when the sections not measured now were.
    for note in notes {
        out.push('\n');
        out.push_str(&note);
        out.push('\n');
    }
    out
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|dir| dir.join(program)).find(|p| p.is_file()))
}
