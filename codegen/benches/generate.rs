//! Generator benchmark: for each model, the wall time of a whole in-memory generation next to
//! the time `serde_json` alone takes to parse the same file (the floor), with where the time
//! goes: loading the model into typed shapes, normalising, lowering to the plan, emitting
//! and formatting (formatting measured apart, as re-formatting the generated files).
//!
//! Run: `cargo bench -p smithygen --bench generate -- MODEL[#SERVICE]... [--runs N]`;
//! `cargo xtask bench` runs it over `models/`, `../shared/models/upstream/` and the
//! conformance suite model and writes the results into BENCHMARKS.md.

use serde_json::{json, Value};
use smithygen::{generate, workspace_crate_options, Options};
use std::time::{Duration, Instant};

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = f();
    (value, started.elapsed())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let mut runs = 5;
    if let Some(at) = args.iter().position(|a| a == "--runs") {
        runs = args.get(at + 1).and_then(|n| n.parse().ok()).unwrap_or(runs);
        args.drain(at..(at + 2).min(args.len()));
    }
    println!("{:<48} {:>10} {:>10} {:>8} {:>9} {:>9} {:>9} {:>9}", "model", "parse", "generate", "ratio", "load", "lower", "emit", "format");
    for arg in args {
        let (path, service) = match arg.split_once('#') {
            Some((path, name)) if !name.is_empty() => (path.to_string(), Some(arg[path.len() + 1..].to_string())),
            _ => (arg.clone(), None),
        };
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let options = Options { service: service.clone(), crate_options: workspace_crate_options(), customizations: None };
        let (mut parse, mut total, mut load, mut lower, mut emit, mut format) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut files = 0;
        for _ in 0..runs {
            let (value, t) = timed(|| serde_json::from_str::<Value>(&text).expect("valid JSON"));
            drop(value);
            parse.push(ms(t));
            let (krate, t) = timed(|| generate(&text, &options).unwrap_or_else(|e| panic!("{path}: {e}")));
            total.push(ms(t));
            // The phases, one by one (the same code `generate` runs).
            let (model, t_load) = timed(|| smithygen::model::Model::from_json(&text).expect("loads"));
            let (model, t_norm) = timed(|| smithygen::transform::normalize(model).expect("normalises"));
            let (svc, t_lower) = timed(|| {
                let id = smithygen::lower::select_service(&model, service.as_deref()).expect("one service");
                let model = smithygen::transform::for_service(model, &id);
                smithygen::lower::lower(&model, &id).expect("lowers")
            });
            let (_, t_emit) = timed(|| smithygen::emit::client_crate(&svc, &options.crate_options).expect("emits"));
            let (_, t_format) = timed(|| {
                for (name, text) in krate.files.iter().filter(|(name, _)| name.ends_with(".rs")) {
                    let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{name}: {e}"));
                    std::hint::black_box(prettyplease::unparse(&file));
                }
            });
            load.push(ms(t_load + t_norm));
            lower.push(ms(t_lower));
            emit.push(ms(t_emit.saturating_sub(t_format)));
            format.push(ms(t_format));
            files = krate.files.len();
        }
        let name = std::path::Path::new(&path).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or(path.clone());
        let label = match &service {
            Some(s) => format!("{name}#{}", s.rsplit('#').next().unwrap_or(s)),
            None => name,
        };
        let (parse, total) = (median(parse), median(total));
        let (load, lower, emit, format) = (median(load), median(lower), median(emit), median(format));
        println!(
            "{label:<48} {parse:>8.2}ms {total:>8.1}ms {:>7.0}× {load:>7.1}ms {lower:>7.1}ms {emit:>7.1}ms {format:>7.1}ms",
            total / parse
        );
        println!(
            "BENCH {}",
            json!({
                "section": "generator", "model": label, "bytes": text.len(), "files": files, "runs": runs,
                "parse_ms": parse, "generate_ms": total,
                "phases_ms": { "load_and_normalise": load, "lower": lower, "emit": emit, "format": format },
            })
        );
    }
}
