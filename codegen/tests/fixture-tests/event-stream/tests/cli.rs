//! The generated command-line client of the fixture (`fixture-event-stream-cli`, binary
//! `fixture-event-stream`) against the generated server stub over loopback TCP, for input
//! streams whose events have no blob payload: each line of standard input (or each `--event`
//! value) is one event as JSON naming it, `{"Order": {...}}`, sent as soon as it is read; the
//! fills come back as JSON lines while standard input is still open.

use fixture_event_stream::operation::get_quote::{GetQuoteError, GetQuoteInput, GetQuoteOutput};
use fixture_event_stream::operation::publish_quotes::{PublishQuotesError, PublishQuotesInput, PublishQuotesOutput};
use fixture_event_stream::operation::trade::{TradeError, TradeInput, TradeOutput};
use fixture_event_stream::operation::watch_prices::{WatchPricesError, WatchPricesInput, WatchPricesOutput};
use fixture_event_stream::primitives::event_stream::EventReceiver;
use fixture_event_stream::server::{self, EventProducer, ServerHandle, Ticker};
use fixture_event_stream::types::error::{FillEventsError, OrderEventsError, PriceEventsError, QuoteEventsError};
use fixture_event_stream::types::{Fill, FillEvents, OrderEvents, QuoteEvents};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::Duration;

/// Builds the binary once, in the workspace this crate is a member of.
fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-q", "-p", "fixture-event-stream-cli", "--bin", "fixture-event-stream"])
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the CLI failed");
        let exe = std::env::current_exe().unwrap();
        exe.parent().unwrap().parent().unwrap().join(format!("fixture-event-stream{}", std::env::consts::EXE_SUFFIX))
    })
    .clone()
}

/// An order as the desk read it: symbol, quantity, note.
type SeenOrder = (String, i32, Option<String>);
/// A quote as the desk read it: symbol, bid.
type SeenQuote = (String, Option<f64>);

/// Fills each order as it arrives; keeps the quotes it is sent.
#[derive(Clone, Default)]
struct Desk {
    orders: Arc<Mutex<Vec<SeenOrder>>>,
    quotes: Arc<Mutex<Vec<SeenQuote>>>,
}

impl Ticker for Desk {
    async fn trade(&self, input: TradeInput, mut orders: EventReceiver<OrderEvents, OrderEventsError>) -> Result<(TradeOutput, EventProducer<FillEvents, FillEventsError>), TradeError> {
        let seen = self.orders.clone();
        let fills = EventProducer::new(move |writer| async move {
            while let Ok(Some(OrderEvents::Order(order))) = orders.recv().await {
                let (symbol, quantity) = (order.symbol().unwrap_or_default().to_string(), order.quantity().unwrap_or_default());
                seen.lock().unwrap().push((symbol.clone(), quantity, order.note().map(str::to_string)));
                if writer.send(FillEvents::Fill(Fill::builder().symbol(symbol).quantity(quantity).build())).await.is_err() {
                    return;
                }
            }
        });
        let session = format!("{}-1", input.desk().unwrap_or_default());
        Ok((TradeOutput::builder().session_id(session).build_without_stream(), fills))
    }

    async fn publish_quotes(&self, _input: PublishQuotesInput, mut quotes: EventReceiver<QuoteEvents, QuoteEventsError>) -> Result<PublishQuotesOutput, PublishQuotesError> {
        while let Ok(Some(QuoteEvents::Quote(quote))) = quotes.recv().await {
            self.quotes.lock().unwrap().push((quote.symbol().unwrap_or_default().to_string(), quote.bid()));
        }
        Ok(PublishQuotesOutput::builder().build())
    }

    async fn watch_prices(&self, _input: WatchPricesInput) -> Result<(WatchPricesOutput, EventProducer<fixture_event_stream::types::PriceEvents, PriceEventsError>), WatchPricesError> {
        Ok((WatchPricesOutput::builder().build_without_stream(), EventProducer::empty()))
    }

    async fn get_quote(&self, _input: GetQuoteInput) -> Result<GetQuoteOutput, GetQuoteError> {
        Ok(GetQuoteOutput::builder().build())
    }
}

fn command(server: &ServerHandle, args: &[&str]) -> Command {
    let mut cmd = Command::new(binary());
    cmd.args(["--endpoint-url", &server.url(), "--region", "us-east-1"])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "SECRET")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_OUTPUT")
        .env_remove("AWS_SESSION_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs the binary with `stdin` to its end: exit code, stdout, stderr.
async fn run(server: &ServerHandle, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = command(server, args).spawn().expect("the CLI runs");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_string();
    std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()).await.unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_json_line_is_one_order_and_each_fill_arrives_before_the_next_line() {
    let desk = Desk::default();
    let server = server::start(desk.clone()).await.unwrap();
    let mut child = command(&server, &["trade", "--desk", "NYC", "-"]).spawn().expect("the CLI runs");
    let (mut stdin, stdout) = (child.stdin.take().unwrap(), child.stdout.take().unwrap());
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let (status, rest, stderr) = tokio::task::spawn_blocking(move || {
        // Each order is filled while standard input stays open; a blank line is no event.
        for (order, fill) in [
            (r#"{"Order": {"Symbol": "ACME", "Quantity": 10}}"#, r#"{"Fill":{"Symbol":"ACME","Quantity":10}}"#),
            ("", ""),
            (r#"{"Order": {"Symbol": "INIT", "Quantity": 20, "Note": "rush"}}"#, r#"{"Fill":{"Symbol":"INIT","Quantity":20}}"#),
        ] {
            stdin.write_all(format!("{order}\n").as_bytes()).unwrap();
            stdin.flush().unwrap();
            if !fill.is_empty() {
                assert_eq!(lines.recv_timeout(Duration::from_secs(30)).expect("a fill while stdin is open"), fill);
            }
        }
        drop(stdin);
        let rest: Vec<String> = lines.iter().collect();
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        (child.wait().unwrap(), rest, stderr)
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(rest.join("\n").contains(r#""SessionId": "NYC-1""#), "{rest:?}");
    assert_eq!(*desk.orders.lock().unwrap(), [("ACME".to_string(), 10, None), ("INIT".to_string(), 20, Some("rush".to_string()))]);
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_values_bad_events_and_help() {
    let desk = Desk::default();
    let server = server::start(desk.clone()).await.unwrap();
    // --event values instead of standard input, in order; then the stream ends.
    let args = ["publish-quotes", "--event", r#"{"Quote": {"Symbol": "A", "Bid": 1.5}}"#, "--event", r#"{"Quote": {"Symbol": "B"}}"#];
    let (code, _, stderr) = run(&server, &args, "{\"Quote\": {\"Symbol\": \"not sent\"}}\n").await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(*desk.quotes.lock().unwrap(), [("A".to_string(), Some(1.5)), ("B".to_string(), None)]);

    // A line that is not an event of the stream: 252, with where it was.
    let (code, _, stderr) = run(&server, &["trade", "--desk", "NYC", "-"], "{\"Order\": {\"Symbol\": \"A\", \"Quantity\": 1}}\n{\"Nope\": {}}\n").await;
    assert_eq!(code, 252, "{stderr}");
    assert!(stderr.contains("Unknown parameter in --event: \"Nope\"") && stderr.contains("line 2 of standard input"), "{stderr}");
    let (code, _, stderr) = run(&server, &["trade", "--desk", "NYC", "-"], "not json\n").await;
    assert_eq!(code, 252, "{stderr}");
    assert!(stderr.contains("Invalid JSON") && stderr.contains("line 1 of standard input"), "{stderr}");
    let (code, _, stderr) = run(&server, &["trade", "--desk", "NYC", "--event", r#"{"Order": {"Quantity": "many"}}"#, "-"], "").await;
    assert_eq!(code, 252, "{stderr}");
    assert!(stderr.contains("Invalid type for parameter --event.Order.Quantity"), "{stderr}");

    // --help names the events.
    let (code, help, _) = run(&server, &["trade", "--help"], "").await;
    assert_eq!(code, 0);
    assert!(help.contains("--event <event>") && help.contains("`Order`") && help.contains("each non-blank line of standard input"), "{help}");
    server.shutdown().await.unwrap();
}
