//! A warehouse behind the generated server stub, scripted by each test, and a client of it.

#![allow(dead_code)]

use fixture_paging::config::{Credentials, Region};
use fixture_paging::operation::describe_crate::{DescribeCrateError, DescribeCrateInput, DescribeCrateOutput};
use fixture_paging::operation::list_crates::{ListCratesError, ListCratesInput, ListCratesOutput};
use fixture_paging::operation::list_labels::{ListLabelsError, ListLabelsInput, ListLabelsOutput};
use fixture_paging::operation::list_shelves::{ListShelvesError, ListShelvesInput, ListShelvesOutput};
use fixture_paging::server::{self, ServerHandle, Warehouse};
use fixture_paging::types::error::CrateNotFound;
use fixture_paging::types::{Box as CrateBox, Crate, CrateStatus, ShelfPage};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// One request as the service read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    /// `ListCrates`: aisle, token, page size.
    ListCrates(Option<String>, Option<String>, Option<i32>),
    /// `ListShelves`: marker, limit.
    ListShelves(Option<String>, Option<i64>),
    /// `ListLabels`: token.
    ListLabels(Option<String>),
    /// `DescribeCrate`: crate id, owner.
    DescribeCrate(String, Option<String>),
}

/// What `DescribeCrate` answers, one poll at a time (the last answer repeats).
#[derive(Debug, Clone)]
pub enum Answer {
    /// The crate, in this status, owned by this owner, with boxes (state, weight).
    Crate(CrateStatus, Option<&'static str>, Vec<(&'static str, i32)>),
    /// `CrateNotFound` (HTTP 404).
    NotFound,
}

/// The scripted service.
#[derive(Clone, Default)]
pub struct Scripted {
    /// Every request, in order.
    pub seen: Arc<Mutex<Vec<Seen>>>,
    /// The crates `ListCrates` pages through.
    pub crates: Vec<String>,
    /// The labels `ListLabels` answers, with the token it answers each time (the last repeats).
    pub label_tokens: Arc<Mutex<VecDeque<Option<String>>>>,
    /// A token at which `ListCrates` fails instead (HTTP 404).
    pub failing_token: Option<String>,
    /// `DescribeCrate`'s answers.
    pub answers: Arc<Mutex<VecDeque<Answer>>>,
}

impl Scripted {
    /// `n` crates named `crate-0` ...
    pub fn with_crates(n: usize) -> Self {
        Scripted { crates: (0..n).map(|i| format!("crate-{i}")).collect(), ..Default::default() }
    }

    /// `DescribeCrate` answers these, in order, the last one from then on.
    pub fn answering(answers: Vec<Answer>) -> Self {
        Scripted { answers: Arc::new(Mutex::new(answers.into())), ..Default::default() }
    }

    /// The requests seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Pages through `items` from the token (an index as text) by `size`.
fn page<T: Clone>(items: &[T], token: Option<&str>, size: usize) -> (Vec<T>, Option<String>) {
    let start: usize = token.map(|t| t.parse().expect("tokens are indexes")).unwrap_or(0);
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    (items[start..end].to_vec(), next)
}

impl Warehouse for Scripted {
    async fn list_crates(&self, input: ListCratesInput) -> Result<ListCratesOutput, ListCratesError> {
        self.seen.lock().unwrap().push(Seen::ListCrates(input.aisle.clone(), input.next_token.clone(), input.max_results));
        if input.next_token.is_some() && input.next_token == self.failing_token {
            return Err(ListCratesError::CrateNotFound(CrateNotFound::builder().message("the aisle was emptied").build()));
        }
        let (ids, next) = page(&self.crates, input.next_token.as_deref(), input.max_results.unwrap_or(5) as usize);
        let crates = ids.into_iter().map(|id| Crate::builder().crate_id(id).build()).collect();
        Ok(ListCratesOutput::builder().set_crates(Some(crates)).set_next_token(next).build())
    }

    async fn list_shelves(&self, input: ListShelvesInput) -> Result<ListShelvesOutput, ListShelvesError> {
        self.seen.lock().unwrap().push(Seen::ListShelves(input.marker.clone(), input.limit));
        let shelves: Vec<String> = (0..5).map(|i| format!("shelf-{i}")).collect();
        let (names, next) = page(&shelves, input.marker.as_deref(), input.limit.unwrap_or(10) as usize);
        Ok(ListShelvesOutput::builder().page(ShelfPage::builder().set_shelves(Some(names)).set_next_marker(next).build()).build())
    }

    async fn list_labels(&self, input: ListLabelsInput) -> Result<ListLabelsOutput, ListLabelsError> {
        self.seen.lock().unwrap().push(Seen::ListLabels(input.next_token.clone()));
        let mut tokens = self.label_tokens.lock().unwrap();
        let token = if tokens.len() > 1 { tokens.pop_front().unwrap() } else { tokens.front().cloned().flatten() };
        let n = self.seen.lock().unwrap().len();
        Ok(ListLabelsOutput::builder().labels(format!("label-{n}"), "on").set_next_token(token).build())
    }

    async fn describe_crate(&self, input: DescribeCrateInput) -> Result<DescribeCrateOutput, DescribeCrateError> {
        let id = input.crate_id.clone().unwrap_or_default();
        self.seen.lock().unwrap().push(Seen::DescribeCrate(id.clone(), input.owner.clone()));
        let answer = {
            let mut answers = self.answers.lock().unwrap();
            if answers.len() > 1 { answers.pop_front().unwrap() } else { answers.front().cloned().expect("an answer is scripted") }
        };
        match answer {
            Answer::NotFound => Err(DescribeCrateError::CrateNotFound(CrateNotFound::builder().message(format!("no crate {id}")).build())),
            Answer::Crate(status, owner, boxes) => {
                let boxes = boxes.into_iter().map(|(state, weight)| CrateBox::builder().state(state).weight(weight).build()).collect();
                let krate = Crate::builder().crate_id(id).status(status).set_owner(owner.map(str::to_string)).set_boxes(Some(boxes)).build();
                Ok(DescribeCrateOutput::builder().crate_(krate).build())
            }
        }
    }
}

/// Starts the stub on a loopback port.
pub async fn start(service: Scripted) -> ServerHandle {
    server::start(service).await.expect("the server starts")
}

/// A client of the stub, SigV4-signed with test credentials.
pub fn client(server: &ServerHandle) -> fixture_paging::Client {
    let config = fixture_paging::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test"))
        .endpoint_url(server.url())
        .build();
    fixture_paging::Client::from_conf(config)
}
