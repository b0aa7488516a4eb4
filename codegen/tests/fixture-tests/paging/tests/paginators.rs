//! The generated paginators against the generated server stub over loopback TCP: pages with
//! the page size sent, items flattened, a nested output token and items path, map items, the
//! stop on a repeated token (and going on when told to), an empty token, an error page.

mod support;

use fixture_paging::operation::list_crates::ListCratesOutput;
use fixture_paging::operation::list_crates::paginator::{ListCratesPaginator, ListCratesPaginatorItems};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use support::{client, start, Scripted, Seen};

#[tokio::test]
async fn pages_follow_the_token_with_the_page_size_sent_on_every_call() {
    let service = Scripted::with_crates(7);
    let server = start(service.clone()).await;
    let client = client(&server);
    let paginator: ListCratesPaginator = client.list_crates().aisle("north").into_paginator().page_size(3);
    let pages: Vec<ListCratesOutput> = paginator.send().collect::<Result<Vec<_>, _>>().await.unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.crates().len()).collect();
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(pages.last().unwrap().next_token(), None);
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

#[tokio::test]
async fn items_flatten_every_page_lazily() {
    let service = Scripted::with_crates(12);
    let server = start(service.clone()).await;
    let client = client(&server);
    let items: ListCratesPaginatorItems = client.list_crates().into_paginator().page_size(5).items();
    let mut stream = items.send();
    // The first item costs one request only.
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.crate_id(), Some("crate-0"));
    assert_eq!(service.seen().len(), 1);
    let mut ids = vec![first.crate_id().unwrap().to_string()];
    while let Some(item) = stream.next().await {
        ids.push(item.unwrap().crate_id().unwrap().to_string());
    }
    assert_eq!(ids, (0..12).map(|i| format!("crate-{i}")).collect::<Vec<_>>());
    assert_eq!(service.seen().len(), 3);
}

#[tokio::test]
async fn a_nested_output_token_and_items_path_and_the_operations_own_token_names() {
    let service = Scripted::default();
    let server = start(service.clone()).await;
    let client = client(&server);
    let shelves: Vec<String> = client.list_shelves().into_paginator().page_size(2).items().send().collect::<Result<_, _>>().await.unwrap();
    assert_eq!(shelves, ["shelf-0", "shelf-1", "shelf-2", "shelf-3", "shelf-4"]);
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        service.seen(),
        [Seen::ListShelves(None, Some(2)), Seen::ListShelves(some("2"), Some(2)), Seen::ListShelves(some("4"), Some(2))]
    );
}

fn labels_answering(tokens: &[Option<&str>]) -> Scripted {
    let tokens: VecDeque<Option<String>> = tokens.iter().map(|t| t.map(str::to_string)).collect();
    Scripted { label_tokens: Arc::new(Mutex::new(tokens)), ..Default::default() }
}

#[tokio::test]
async fn a_repeated_token_stops_the_pagination() {
    // The service answers "a", then "b", then "b" forever.
    let service = labels_answering(&[Some("a"), Some("b")]);
    let server = start(service.clone()).await;
    let client = client(&server);
    let pages: Vec<_> = client.list_labels().into_paginator().send().collect::<Result<Vec<_>, _>>().await.unwrap();
    // Pages: token None → "a", "a" → "b", "b" → "b" (the same again: stop after yielding it).
    assert_eq!(pages.len(), 3);
    let some = |s: &str| Some(s.to_string());
    assert_eq!(service.seen(), [Seen::ListLabels(None), Seen::ListLabels(some("a")), Seen::ListLabels(some("b"))]);
    // Map items: each page's labels as (key, value) pairs.
    let items: Vec<(String, String)> = client.list_labels().into_paginator().items().send().collect::<Result<_, _>>().await.unwrap();
    assert!(items.iter().all(|(key, value)| key.starts_with("label-") && value == "on"), "{items:?}");
}

#[tokio::test]
async fn told_to_go_on_it_follows_a_repeated_token() {
    let service = labels_answering(&[Some("same")]);
    let server = start(service.clone()).await;
    let client = client(&server);
    let mut stream = client.list_labels().into_paginator().stop_on_duplicate_token(false).send();
    for _ in 0..5 {
        stream.next().await.expect("another page").unwrap();
    }
    assert_eq!(service.seen().len(), 5);
}

#[tokio::test]
async fn an_empty_token_ends_the_pagination() {
    let service = labels_answering(&[Some("a"), Some("")]);
    let server = start(service.clone()).await;
    let client = client(&server);
    let pages: Vec<_> = client.list_labels().into_paginator().send().collect::<Result<Vec<_>, _>>().await.unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(service.seen().len(), 2);
}

#[tokio::test]
async fn an_error_page_is_yielded_and_ends_the_stream() {
    let service = Scripted { failing_token: Some("2".into()), ..Scripted::with_crates(6) };
    let server = start(service.clone()).await;
    let client = client(&server);
    let mut stream = client.list_crates().into_paginator().page_size(2).send();
    assert_eq!(stream.next().await.unwrap().unwrap().crates().len(), 2);
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(error.into_service_error().is_crate_not_found());
    assert!(stream.next().await.is_none());
    assert_eq!(service.seen().len(), 2);
}
