//! AWS's ACM model (awsJson1_1) end to end: the generated client's `ListCertificates`
//! paginator and `CertificateValidated` waiter against the crate's own generated server stub
//! over loopback TCP, every request SigV4-signed and routed by `X-Amz-Target`.

use acm::client::Waiters;
use acm::config::{Credentials, Region};
use acm::operation::describe_certificate::{DescribeCertificateError, DescribeCertificateInput, DescribeCertificateOutput};
use acm::operation::list_certificates::{ListCertificatesError, ListCertificatesInput, ListCertificatesOutput};
use acm::server::{self, CertificateManager, ServerHandle};
use acm::types::error::ResourceNotFoundException;
use acm::types::{CertificateDetail, CertificateStatus, CertificateSummary, DomainStatus, DomainValidation};
use aws_smithy_runtime_api::client::waiters::error::WaiterError;
use aws_smithy_types::error::ErrorMetadata;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What `DescribeCertificate` answers, one poll at a time (the last answer repeats).
#[derive(Debug, Clone)]
enum Answer {
    /// The certificate in this status, with one domain validation per status given.
    Certificate(CertificateStatus, Vec<DomainStatus>),
    /// `ResourceNotFoundException`.
    NotFound,
}

/// One `ListCertificates` call as the service read it: token, max items.
type ListCall = (Option<String>, Option<i32>);

/// A certificate store behind the stub: `n` certificates to list, scripted descriptions.
#[derive(Clone, Default)]
struct Store {
    certificates: Vec<String>,
    answers: Arc<Mutex<VecDeque<Answer>>>,
    /// Every `ListCertificates` call, and the ARN of every `DescribeCertificate` call.
    listed: Arc<Mutex<Vec<ListCall>>>,
    described: Arc<Mutex<Vec<String>>>,
}

impl Store {
    fn with_certificates(n: usize) -> Self {
        Store { certificates: (0..n).map(|i| format!("arn:aws:acm:us-east-1:123456789012:certificate/{i}")).collect(), ..Default::default() }
    }

    fn answering(answers: Vec<Answer>) -> Self {
        Store { answers: Arc::new(Mutex::new(answers.into())), ..Default::default() }
    }
}

/// The operations these tests do not call answer a modeled-less error naming themselves.
macro_rules! not_served {
    ($($method:ident: $module:ident :: $input:ident => $output:ident, $error:ident;)*) => {
        $(
            async fn $method(&self, _input: acm::operation::$module::$input) -> Result<acm::operation::$module::$output, acm::operation::$module::$error> {
                Err(acm::operation::$module::$error::generic(
                    ErrorMetadata::builder().code("NotServedHere").message(stringify!($method)).build(),
                ))
            }
        )*
    };
}

impl CertificateManager for Store {
    async fn list_certificates(&self, input: ListCertificatesInput) -> Result<ListCertificatesOutput, ListCertificatesError> {
        self.listed.lock().unwrap().push((input.next_token.clone(), input.max_items));
        let start: usize = input.next_token.as_deref().map(|t| t.parse().expect("tokens are indexes")).unwrap_or(0);
        let end = (start + input.max_items.unwrap_or(1000) as usize).min(self.certificates.len());
        let summaries = self.certificates[start..end]
            .iter()
            .map(|arn| CertificateSummary::builder().certificate_arn(arn).domain_name("example.com").build())
            .collect();
        let next = (end < self.certificates.len()).then(|| end.to_string());
        Ok(ListCertificatesOutput::builder().set_certificate_summary_list(Some(summaries)).set_next_token(next).build())
    }

    async fn describe_certificate(&self, input: DescribeCertificateInput) -> Result<DescribeCertificateOutput, DescribeCertificateError> {
        let arn = input.certificate_arn.clone().unwrap_or_default();
        self.described.lock().unwrap().push(arn.clone());
        let answer = {
            let mut answers = self.answers.lock().unwrap();
            if answers.len() > 1 { answers.pop_front().unwrap() } else { answers.front().cloned().expect("an answer is scripted") }
        };
        match answer {
            Answer::NotFound => Err(DescribeCertificateError::ResourceNotFoundException(
                ResourceNotFoundException::builder().message(format!("no certificate {arn}")).build(),
            )),
            Answer::Certificate(status, validations) => {
                let validations = validations
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| DomainValidation::builder().domain_name(format!("d{i}.example.com")).validation_status(s).build())
                    .collect();
                let detail = CertificateDetail::builder().certificate_arn(arn).status(status).set_domain_validation_options(Some(validations)).build();
                Ok(DescribeCertificateOutput::builder().certificate(detail).build())
            }
        }
    }

    not_served! {
        add_tags_to_certificate: add_tags_to_certificate::AddTagsToCertificateInput => AddTagsToCertificateOutput, AddTagsToCertificateError;
        delete_certificate: delete_certificate::DeleteCertificateInput => DeleteCertificateOutput, DeleteCertificateError;
        export_certificate: export_certificate::ExportCertificateInput => ExportCertificateOutput, ExportCertificateError;
        get_account_configuration: get_account_configuration::GetAccountConfigurationInput => GetAccountConfigurationOutput, GetAccountConfigurationError;
        get_certificate: get_certificate::GetCertificateInput => GetCertificateOutput, GetCertificateError;
        import_certificate: import_certificate::ImportCertificateInput => ImportCertificateOutput, ImportCertificateError;
        list_tags_for_certificate: list_tags_for_certificate::ListTagsForCertificateInput => ListTagsForCertificateOutput, ListTagsForCertificateError;
        put_account_configuration: put_account_configuration::PutAccountConfigurationInput => PutAccountConfigurationOutput, PutAccountConfigurationError;
        remove_tags_from_certificate: remove_tags_from_certificate::RemoveTagsFromCertificateInput => RemoveTagsFromCertificateOutput, RemoveTagsFromCertificateError;
        renew_certificate: renew_certificate::RenewCertificateInput => RenewCertificateOutput, RenewCertificateError;
        request_certificate: request_certificate::RequestCertificateInput => RequestCertificateOutput, RequestCertificateError;
        resend_validation_email: resend_validation_email::ResendValidationEmailInput => ResendValidationEmailOutput, ResendValidationEmailError;
        update_certificate_options: update_certificate_options::UpdateCertificateOptionsInput => UpdateCertificateOptionsOutput, UpdateCertificateOptionsError;
    }
}

async fn start(store: Store) -> ServerHandle {
    server::start(store).await.expect("the server starts")
}

fn client(server: &ServerHandle) -> acm::Client {
    let config = acm::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test"))
        .endpoint_url(server.url())
        .build();
    acm::Client::from_conf(config)
}

const ARN: &str = "arn:aws:acm:us-east-1:123456789012:certificate/1";

#[tokio::test]
async fn list_certificates_pages_with_the_page_size_and_items_flatten_them() {
    let store = Store::with_certificates(7);
    let server = start(store.clone()).await;
    let client = client(&server);
    let pages: Vec<ListCertificatesOutput> =
        client.list_certificates().into_paginator().page_size(3).send().collect::<Result<Vec<_>, _>>().await.unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.certificate_summary_list().len()).collect();
    assert_eq!(sizes, [3, 3, 1]);
    let some = |s: &str| Some(s.to_string());
    assert_eq!(*store.listed.lock().unwrap(), [(None, Some(3)), (some("3"), Some(3)), (some("6"), Some(3))]);

    let items: Vec<CertificateSummary> =
        client.list_certificates().into_paginator().page_size(2).items().send().collect::<Result<Vec<_>, _>>().await.unwrap();
    let arns: Vec<&str> = items.iter().map(|s| s.certificate_arn().unwrap()).collect();
    assert_eq!(arns, store.certificates.iter().map(String::as_str).collect::<Vec<_>>());
    // 3 pages before, 4 of two now.
    assert_eq!(store.listed.lock().unwrap().len(), 7);
}

#[tokio::test]
async fn certificate_validated_succeeds_when_every_domain_is_validated() {
    let store = Store::answering(vec![Answer::Certificate(CertificateStatus::Issued, vec![DomainStatus::Success, DomainStatus::Success])]);
    let server = start(store.clone()).await;
    let poll = client(&server).wait_until_certificate_validated().certificate_arn(ARN).wait(Duration::from_secs(30)).await.unwrap();
    let detail = poll.into_result().unwrap().certificate.unwrap();
    assert_eq!(detail.status(), Some(&CertificateStatus::Issued));
    assert_eq!(*store.described.lock().unwrap(), [ARN]);
}

#[tokio::test]
async fn certificate_validated_ends_in_the_failure_state_on_a_failed_certificate_or_not_found() {
    // A domain not pending and not all validated: the `Certificate.Status == FAILED` acceptor.
    let store = Store::answering(vec![Answer::Certificate(CertificateStatus::Failed, vec![DomainStatus::Failed])]);
    let server = start(store.clone()).await;
    match client(&server).wait_until_certificate_validated().certificate_arn(ARN).wait(Duration::from_secs(30)).await.unwrap_err() {
        WaiterError::FailureState(failure) => {
            let output = failure.final_poll().as_result().unwrap();
            assert_eq!(output.certificate().unwrap().status(), Some(&CertificateStatus::Failed));
        }
        other => panic!("expected the failure state, got {other:?}"),
    }
    // The `ResourceNotFoundException` acceptor.
    let store = Store::answering(vec![Answer::NotFound]);
    let server = start(store.clone()).await;
    match client(&server).wait_until_certificate_validated().certificate_arn(ARN).wait(Duration::from_secs(30)).await.unwrap_err() {
        WaiterError::FailureState(failure) => {
            let error = failure.final_poll().as_result().unwrap_err();
            assert!(error.is_resource_not_found_exception(), "{error:?}");
        }
        other => panic!("expected the failure state, got {other:?}"),
    }
}

#[tokio::test]
async fn certificate_validated_times_out_while_validation_is_pending() {
    // The model's minDelay is 60 s: a wait of 3 s ends after the first poll, pending.
    let store = Store::answering(vec![Answer::Certificate(CertificateStatus::PendingValidation, vec![DomainStatus::PendingValidation])]);
    let server = start(store.clone()).await;
    let started = Instant::now();
    match client(&server).wait_until_certificate_validated().certificate_arn(ARN).wait(Duration::from_secs(3)).await.unwrap_err() {
        WaiterError::ExceededMaxWait(exceeded) => assert_eq!(exceeded.max_wait(), Duration::from_secs(3)),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    assert!(!store.described.lock().unwrap().is_empty());
}
