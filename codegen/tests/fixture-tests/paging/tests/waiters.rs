//! The generated waiters against the generated server stub over loopback TCP: success after
//! retries, the failure state, a modeled error retried then success, the timeout, list
//! comparators, an `inputOutput` matcher, an error as success, a request that cannot be made.

mod support;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::waiters::error::WaiterError;
use fixture_paging::client::Waiters;
use fixture_paging::types::CrateStatus;
use fixture_paging::waiters::crate_stocked::{CrateStockedFinalPoll, WaitUntilCrateStockedError};
use std::time::{Duration, Instant};
use support::{client, start, Answer, Scripted};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn success_after_retries_returns_the_final_poll() {
    let service = Scripted::answering(vec![
        Answer::Crate(CrateStatus::Arriving, None, vec![]),
        Answer::Crate(CrateStatus::Arriving, None, vec![]),
        Answer::Crate(CrateStatus::Stocked, None, vec![]),
    ]);
    let server = start(service.clone()).await;
    let client = client(&server);
    let started = Instant::now();
    let poll: CrateStockedFinalPoll = client.wait_until_crate_stocked().crate_id("c-1").wait(WAIT).await.unwrap();
    let output = poll.into_result().unwrap();
    assert_eq!(output.crate_().unwrap().status(), Some(&CrateStatus::Stocked));
    assert_eq!(service.seen().len(), 3);
    // minDelay = maxDelay = 1 s: two waits of one second between the three polls.
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(10), "{took:?}");
}

#[tokio::test]
async fn a_failure_state_ends_the_wait_with_its_final_poll() {
    let service = Scripted::answering(vec![Answer::Crate(CrateStatus::Arriving, None, vec![]), Answer::Crate(CrateStatus::Lost, None, vec![])]);
    let server = start(service.clone()).await;
    let error: WaitUntilCrateStockedError = client(&server).wait_until_crate_stocked().crate_id("c-1").wait(WAIT).await.unwrap_err();
    match error {
        WaiterError::FailureState(failure) => {
            let output = failure.final_poll().as_result().unwrap();
            assert_eq!(output.crate_().unwrap().status(), Some(&CrateStatus::Lost));
        }
        other => panic!("expected the failure state, got {other:?}"),
    }
    assert_eq!(service.seen().len(), 2);
}

#[tokio::test]
async fn a_modeled_error_the_acceptors_retry_is_waited_through() {
    let service = Scripted::answering(vec![Answer::NotFound, Answer::Crate(CrateStatus::Stocked, None, vec![])]);
    let server = start(service.clone()).await;
    client(&server).wait_until_crate_stocked().crate_id("c-1").wait(WAIT).await.unwrap();
    assert_eq!(service.seen().len(), 2);
}

#[tokio::test]
async fn the_wait_times_out_at_max_wait() {
    let service = Scripted::answering(vec![Answer::Crate(CrateStatus::Arriving, None, vec![])]);
    let server = start(service.clone()).await;
    let started = Instant::now();
    let error = client(&server).wait_until_crate_stocked().crate_id("c-1").wait(Duration::from_secs(3)).await.unwrap_err();
    match error {
        WaiterError::ExceededMaxWait(exceeded) => {
            assert_eq!(exceeded.max_wait(), Duration::from_secs(3));
            assert!(exceeded.poll_count() >= 2, "{exceeded:?}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(10), "{took:?}");
    assert!(service.seen().len() >= 3);
}

#[tokio::test]
async fn list_comparators_all_and_any() {
    // allStringEquals: not while one box is still open.
    let service = Scripted::answering(vec![
        Answer::Crate(CrateStatus::Stocked, None, vec![("packed", 5), ("open", 5)]),
        Answer::Crate(CrateStatus::Stocked, None, vec![("packed", 5), ("packed", 7)]),
    ]);
    let server = start(service.clone()).await;
    client(&server).wait_until_crate_packed().crate_id("c-1").wait(WAIT).await.unwrap();
    assert_eq!(service.seen().len(), 2);
    // anyStringEquals: one damaged box fails the wait.
    let service = Scripted::answering(vec![Answer::Crate(CrateStatus::Stocked, None, vec![("packed", 5), ("damaged", 5)])]);
    let server = start(service.clone()).await;
    let error = client(&server).wait_until_crate_packed().crate_id("c-1").wait(WAIT).await.unwrap_err();
    assert!(matches!(error, WaiterError::FailureState(_)), "{error:?}");
    // An expression with a filter and a function: a box over 100 succeeds.
    let service = Scripted::answering(vec![Answer::Crate(CrateStatus::Stocked, None, vec![("open", 150)])]);
    let server = start(service.clone()).await;
    client(&server).wait_until_crate_packed().crate_id("c-1").wait(WAIT).await.unwrap();
    // No box at all: allStringEquals needs one, so the waiter keeps polling until it times out.
    let service = Scripted::answering(vec![Answer::Crate(CrateStatus::Stocked, None, vec![])]);
    let server = start(service.clone()).await;
    let error = client(&server).wait_until_crate_packed().crate_id("c-1").wait(Duration::from_secs(2)).await.unwrap_err();
    assert!(matches!(error, WaiterError::ExceededMaxWait(_)), "{error:?}");
}

#[tokio::test]
async fn an_input_output_matcher_compares_the_input_with_the_output() {
    let service = Scripted::answering(vec![
        Answer::Crate(CrateStatus::Stocked, Some("bob"), vec![]),
        Answer::Crate(CrateStatus::Stocked, Some("ann"), vec![]),
    ]);
    let server = start(service.clone()).await;
    client(&server).wait_until_crate_owned_by_caller().crate_id("c-1").owner("ann").wait(WAIT).await.unwrap();
    assert_eq!(
        service.seen(),
        [
            support::Seen::DescribeCrate("c-1".into(), Some("ann".into())),
            support::Seen::DescribeCrate("c-1".into(), Some("ann".into()))
        ]
    );
}

#[tokio::test]
async fn an_error_type_can_be_the_success() {
    let service = Scripted::answering(vec![Answer::Crate(CrateStatus::Stocked, None, vec![]), Answer::NotFound]);
    let server = start(service.clone()).await;
    let poll = client(&server).wait_until_crate_gone().crate_id("c-1").wait(WAIT).await.unwrap();
    assert!(poll.as_result().unwrap_err().as_service_error().is_some_and(|e| e.is_crate_not_found()));
    assert_eq!(service.seen().len(), 2);
}

#[tokio::test]
async fn a_request_that_cannot_be_made_fails_the_wait_without_any_request() {
    // The URI label is missing: as in the official crates, the input builds and the request
    // does not (an operation failure holding the construction failure), and nothing is sent.
    let service = Scripted::answering(vec![Answer::Crate(CrateStatus::Stocked, None, vec![])]);
    let server = start(service.clone()).await;
    let error = client(&server).wait_until_crate_stocked().wait(WAIT).await.unwrap_err();
    match &error {
        WaiterError::OperationFailed(failed) => assert!(matches!(failed.error(), SdkError::ConstructionFailure(_)), "{error:?}"),
        other => panic!("expected an operation failure, got {other:?}"),
    }
    assert!(service.seen().is_empty());
}
