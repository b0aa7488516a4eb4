//! The generated command-line client (`fixture-paging-cli`, binary `fixture-paging`) against the
//! generated server stub over loopback TCP: AWS CLI style auto-pagination (pages merged,
//! `--page-size`, `--max-items` with the AWS CLI's `NextToken`, `--starting-token`,
//! `--no-paginate`, the token given by hand, a repeated token) and `wait` subcommands (success,
//! failure state, timeout, an error no acceptor expects: exit 255 as in the AWS CLI).

mod support;

use fixture_paging::types::CrateStatus;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, OnceLock};
use support::{start, Answer, Scripted, Seen};

/// Builds the binary once, in the workspace this crate is a member of.
fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-q", "-p", "fixture-paging-cli", "--bin", "fixture-paging"])
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the CLI failed");
        let exe = std::env::current_exe().unwrap();
        exe.parent().unwrap().parent().unwrap().join(format!("fixture-paging{}", std::env::consts::EXE_SUFFIX))
    })
    .clone()
}

/// Runs the binary against `service` (served on a loopback port for the duration of the run).
async fn run(service: &Scripted, args: &[&str]) -> Output {
    let server = start(service.clone()).await;
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
        .env_remove("AWS_SESSION_TOKEN");
    tokio::task::spawn_blocking(move || cmd.output().expect("the binary runs")).await.unwrap()
}

fn stdout_json(output: &Output) -> Value {
    assert!(output.status.success(), "exit {:?}, stderr: {}", output.status.code(), String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn crate_ids(output: &Value) -> Vec<String> {
    output["Crates"].as_array().expect("Crates").iter().map(|c| c["CrateId"].as_str().unwrap().to_string()).collect()
}

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("crate-{i}")).collect()
}

/// The AWS CLI's token, decoded: Python's `json.dumps` text.
fn token_text(output: &Value) -> String {
    let token = output["NextToken"].as_str().expect("a NextToken");
    String::from_utf8(aws_smithy_types::base64::decode(token).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_is_fetched_and_the_items_merged() {
    let service = Scripted::with_crates(7);
    let output = stdout_json(&run(&service, &["list-crates", "--aisle", "north", "--page-size", "3"]).await);
    assert_eq!(output, json!({"Crates": ids(0..7).iter().map(|id| json!({"CrateId": id})).collect::<Vec<_>>()}));
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        service.seen(),
        [
            Seen::ListCrates(some("north"), None, Some(3)),
            Seen::ListCrates(some("north"), some("3"), Some(3)),
            Seen::ListCrates(some("north"), some("6"), Some(3)),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn max_items_prints_the_aws_cli_token_and_starting_token_resumes_from_it() {
    let service = Scripted::with_crates(7);
    // Cut inside the second page: the token names that page's request token and how many of
    // its items were printed (botocore's `boto_truncate_amount`).
    let first = stdout_json(&run(&service, &["list-crates", "--page-size", "3", "--max-items", "4"]).await);
    assert_eq!(crate_ids(&first), ids(0..4));
    assert_eq!(token_text(&first), r#"{"NextToken": "3", "boto_truncate_amount": 1}"#);
    let token = first["NextToken"].as_str().unwrap().to_string();
    let rest = stdout_json(&run(&service, &["list-crates", "--page-size", "3", "--starting-token", &token]).await);
    assert_eq!(crate_ids(&rest), ids(4..7));
    assert!(rest.get("NextToken").is_none());
    // On a page boundary the token is the service's next token alone.
    let boundary = stdout_json(&run(&service, &["list-crates", "--page-size", "3", "--max-items", "3"]).await);
    assert_eq!(crate_ids(&boundary), ids(0..3));
    assert_eq!(token_text(&boundary), r#"{"NextToken": "3"}"#);
    // A service token given as it is works as a starting token too.
    let raw = stdout_json(&run(&service, &["list-crates", "--page-size", "5", "--starting-token", "5"]).await);
    assert_eq!(crate_ids(&raw), ids(5..7));
}

#[tokio::test(flavor = "multi_thread")]
async fn no_paginate_or_a_hand_given_token_makes_one_call() {
    let service = Scripted::with_crates(7);
    let one = stdout_json(&run(&service, &["list-crates", "--no-paginate", "--max-results", "2"]).await);
    assert_eq!(one, json!({"Crates": [{"CrateId": "crate-0"}, {"CrateId": "crate-1"}], "NextToken": "2"}));
    let by_hand = stdout_json(&run(&service, &["list-crates", "--next-token", "5", "--max-results", "1"]).await);
    assert_eq!(by_hand, json!({"Crates": [{"CrateId": "crate-5"}], "NextToken": "6"}));
    assert_eq!(service.seen().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn nested_items_merge_under_their_path() {
    let service = Scripted::default();
    let output = stdout_json(&run(&service, &["list-shelves", "--page-size", "2"]).await);
    assert_eq!(output, json!({"Page": {"Shelves": ["shelf-0", "shelf-1", "shelf-2", "shelf-3", "shelf-4"]}}));
    assert_eq!(service.seen().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_token_is_an_error_as_in_the_aws_cli() {
    let tokens: VecDeque<Option<String>> = [Some("a".to_string()), Some("b".to_string())].into();
    let service = Scripted { label_tokens: Arc::new(Mutex::new(tokens)), ..Default::default() };
    let output = run(&service, &["list-labels"]).await;
    assert_eq!(output.status.code(), Some(255));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("The same next token was received twice: {'NextToken': 'b'}"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_succeeds_silently_after_retries() {
    let service = Scripted::answering(vec![Answer::NotFound, Answer::Crate(CrateStatus::Arriving, None, vec![]), Answer::Crate(CrateStatus::Stocked, None, vec![])]);
    let output = run(&service, &["wait", "crate-stocked", "--crate-id", "c-1"]).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stdout.is_empty());
    assert_eq!(service.seen().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_fails_with_255_on_a_failure_state_a_timeout_and_an_unexpected_error() {
    let lost = Scripted::answering(vec![Answer::Crate(CrateStatus::Lost, None, vec![])]);
    let output = run(&lost, &["wait", "crate-stocked", "--crate-id", "c-1"]).await;
    assert_eq!(output.status.code(), Some(255));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Waiter CrateStocked failed: Waiter encountered a terminal failure state"), "{stderr}");

    let arriving = Scripted::answering(vec![Answer::Crate(CrateStatus::Arriving, None, vec![])]);
    let output = run(&arriving, &["wait", "crate-stocked", "--crate-id", "c-1", "--max-wait", "2"]).await;
    assert_eq!(output.status.code(), Some(255));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Waiter CrateStocked failed: Max wait time exceeded"), "{stderr}");
    assert!(arriving.seen().len() >= 2);

    // CratePacked expects no error: the service's error fails the wait with its AWS CLI wording.
    let missing = Scripted::answering(vec![Answer::NotFound]);
    let output = run(&missing, &["wait", "crate-packed", "--crate-id", "c-1"]).await;
    assert_eq!(output.status.code(), Some(255));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Waiter CratePacked failed: An error occurred (CrateNotFound) when calling the DescribeCrate operation: no crate c-1"),
        "{stderr}"
    );
    assert_eq!(missing.seen().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_reads_input_output_matchers_from_the_command_line_input() {
    let service = Scripted::answering(vec![Answer::Crate(CrateStatus::Stocked, Some("bob"), vec![]), Answer::Crate(CrateStatus::Stocked, Some("ann"), vec![])]);
    let output = run(&service, &["wait", "crate-owned-by-caller", "--crate-id", "c-1", "--owner", "ann"]).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(service.seen().len(), 2);
}
