//! AWS's Cloud Control API model (awsJson1_0) end to end: the generated client's
//! `ListResources` and `ListResourceRequests` paginators and its `ResourceRequestSuccess`
//! waiter against the crate's own generated server stub over loopback TCP, every request
//! SigV4-signed and routed by `X-Amz-Target`.

use aws_smithy_runtime_api::client::waiters::error::WaiterError;
use aws_smithy_types::error::ErrorMetadata;
use cloudcontrol::client::Waiters;
use cloudcontrol::config::{Credentials, Region};
use cloudcontrol::operation::get_resource_request_status::{
    GetResourceRequestStatusError, GetResourceRequestStatusInput, GetResourceRequestStatusOutput,
};
use cloudcontrol::operation::list_resource_requests::{ListResourceRequestsError, ListResourceRequestsInput, ListResourceRequestsOutput};
use cloudcontrol::operation::list_resources::{ListResourcesError, ListResourcesInput, ListResourcesOutput};
use cloudcontrol::server::{self, CloudApiService, ServerHandle};
use cloudcontrol::types::{OperationStatus, ProgressEvent, ResourceDescription};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One call as the service read it: operation name, token, page size.
type Call = (&'static str, Option<String>, Option<i32>);

/// Resources and requests behind the stub, and the statuses `GetResourceRequestStatus`
/// answers one poll at a time (the last repeats).
#[derive(Clone, Default)]
struct Resources {
    identifiers: Vec<String>,
    statuses: Arc<Mutex<VecDeque<OperationStatus>>>,
    /// Every call, in order.
    seen: Arc<Mutex<Vec<Call>>>,
}

impl Resources {
    fn with(n: usize) -> Self {
        Resources { identifiers: (0..n).map(|i| format!("bucket-{i}")).collect(), ..Default::default() }
    }

    fn answering(statuses: Vec<OperationStatus>) -> Self {
        Resources { statuses: Arc::new(Mutex::new(statuses.into())), ..Default::default() }
    }

    fn seen(&self) -> Vec<Call> {
        self.seen.lock().unwrap().clone()
    }

    /// One page of the identifiers from the token (an index as text).
    fn page(&self, token: Option<&str>, size: Option<i32>) -> (Vec<String>, Option<String>) {
        let start: usize = token.map(|t| t.parse().expect("tokens are indexes")).unwrap_or(0);
        let end = (start + size.unwrap_or(20) as usize).min(self.identifiers.len());
        (self.identifiers[start..end].to_vec(), (end < self.identifiers.len()).then(|| end.to_string()))
    }
}

/// The operations these tests do not call answer an unmodeled error naming themselves.
macro_rules! not_served {
    ($($method:ident: $module:ident :: $input:ident => $output:ident, $error:ident;)*) => {
        $(
            async fn $method(&self, _input: cloudcontrol::operation::$module::$input) -> Result<cloudcontrol::operation::$module::$output, cloudcontrol::operation::$module::$error> {
                Err(cloudcontrol::operation::$module::$error::generic(
                    ErrorMetadata::builder().code("NotServedHere").message(stringify!($method)).build(),
                ))
            }
        )*
    };
}

impl CloudApiService for Resources {
    async fn list_resources(&self, input: ListResourcesInput) -> Result<ListResourcesOutput, ListResourcesError> {
        self.seen.lock().unwrap().push(("ListResources", input.next_token.clone(), input.max_results));
        let (ids, next) = self.page(input.next_token.as_deref(), input.max_results);
        let descriptions = ids.into_iter().map(|id| ResourceDescription::builder().identifier(id).properties("{}").build()).collect();
        Ok(ListResourcesOutput::builder()
            .set_type_name(input.type_name)
            .set_resource_descriptions(Some(descriptions))
            .set_next_token(next)
            .build())
    }

    async fn list_resource_requests(&self, input: ListResourceRequestsInput) -> Result<ListResourceRequestsOutput, ListResourceRequestsError> {
        self.seen.lock().unwrap().push(("ListResourceRequests", input.next_token.clone(), input.max_results));
        let (ids, next) = self.page(input.next_token.as_deref(), input.max_results);
        let summaries = ids
            .into_iter()
            .map(|id| ProgressEvent::builder().identifier(id).request_token("token").operation_status(OperationStatus::Success).build())
            .collect();
        Ok(ListResourceRequestsOutput::builder().set_resource_request_status_summaries(Some(summaries)).set_next_token(next).build())
    }

    async fn get_resource_request_status(
        &self,
        input: GetResourceRequestStatusInput,
    ) -> Result<GetResourceRequestStatusOutput, GetResourceRequestStatusError> {
        self.seen.lock().unwrap().push(("GetResourceRequestStatus", input.request_token.clone(), None));
        let status = {
            let mut statuses = self.statuses.lock().unwrap();
            if statuses.len() > 1 { statuses.pop_front().unwrap() } else { statuses.front().cloned().expect("a status is scripted") }
        };
        let event = ProgressEvent::builder().set_request_token(input.request_token).operation_status(status).build();
        Ok(GetResourceRequestStatusOutput::builder().progress_event(event).build())
    }

    not_served! {
        cancel_resource_request: cancel_resource_request::CancelResourceRequestInput => CancelResourceRequestOutput, CancelResourceRequestError;
        create_resource: create_resource::CreateResourceInput => CreateResourceOutput, CreateResourceError;
        delete_resource: delete_resource::DeleteResourceInput => DeleteResourceOutput, DeleteResourceError;
        get_resource: get_resource::GetResourceInput => GetResourceOutput, GetResourceError;
        update_resource: update_resource::UpdateResourceInput => UpdateResourceOutput, UpdateResourceError;
    }
}

async fn start(resources: Resources) -> ServerHandle {
    server::start(resources).await.expect("the server starts")
}

fn client(server: &ServerHandle) -> cloudcontrol::Client {
    let config = cloudcontrol::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test"))
        .endpoint_url(server.url())
        .build();
    cloudcontrol::Client::from_conf(config)
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[tokio::test]
async fn list_resources_pages_with_the_page_size_and_items_flatten_them() {
    let resources = Resources::with(5);
    let server = start(resources.clone()).await;
    let client = client(&server);
    let pages: Vec<ListResourcesOutput> = client
        .list_resources()
        .type_name("AWS::S3::Bucket")
        .into_paginator()
        .page_size(2)
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.resource_descriptions().len()).collect();
    assert_eq!(sizes, [2, 2, 1]);
    assert!(pages.iter().all(|p| p.type_name() == Some("AWS::S3::Bucket")));
    assert_eq!(
        resources.seen(),
        [("ListResources", None, Some(2)), ("ListResources", some("2"), Some(2)), ("ListResources", some("4"), Some(2))]
    );
    let items: Vec<ResourceDescription> = client
        .list_resources()
        .type_name("AWS::S3::Bucket")
        .into_paginator()
        .page_size(4)
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let ids: Vec<&str> = items.iter().map(|d| d.identifier().unwrap()).collect();
    assert_eq!(ids, ["bucket-0", "bucket-1", "bucket-2", "bucket-3", "bucket-4"]);
}

#[tokio::test]
async fn list_resource_requests_pages_and_items() {
    let resources = Resources::with(3);
    let server = start(resources.clone()).await;
    let items: Vec<ProgressEvent> =
        client(&server).list_resource_requests().into_paginator().page_size(2).items().send().collect::<Result<Vec<_>, _>>().await.unwrap();
    let ids: Vec<&str> = items.iter().map(|e| e.identifier().unwrap()).collect();
    assert_eq!(ids, ["bucket-0", "bucket-1", "bucket-2"]);
    assert_eq!(resources.seen(), [("ListResourceRequests", None, Some(2)), ("ListResourceRequests", some("2"), Some(2))]);
}

#[tokio::test]
async fn resource_request_success_waits_through_in_progress_to_success() {
    let resources = Resources::answering(vec![OperationStatus::InProgress, OperationStatus::Success]);
    let server = start(resources.clone()).await;
    let started = Instant::now();
    let poll = client(&server).wait_until_resource_request_success().request_token("req-1").wait(Duration::from_secs(60)).await.unwrap();
    let event = poll.into_result().unwrap().progress_event.unwrap();
    assert_eq!(event.operation_status(), Some(&OperationStatus::Success));
    assert_eq!(resources.seen(), [("GetResourceRequestStatus", some("req-1"), None), ("GetResourceRequestStatus", some("req-1"), None)]);
    // minDelay is 5 s: one wait of at least that between the two polls.
    assert!(started.elapsed() >= Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn resource_request_success_ends_in_the_failure_state_on_failed() {
    let resources = Resources::answering(vec![OperationStatus::Failed]);
    let server = start(resources.clone()).await;
    match client(&server).wait_until_resource_request_success().request_token("req-1").wait(Duration::from_secs(60)).await.unwrap_err() {
        WaiterError::FailureState(failure) => {
            let output = failure.final_poll().as_result().unwrap();
            assert_eq!(output.progress_event().unwrap().operation_status(), Some(&OperationStatus::Failed));
        }
        other => panic!("expected the failure state, got {other:?}"),
    }
    assert_eq!(resources.seen().len(), 1);
}
