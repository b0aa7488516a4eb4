//! The generated rpcv2Cbor client against the generated server stub over loopback TCP: every kind
//! of value a CBOR body carries survives the round trip (NaN and the infinities, blobs, tag-1
//! timestamps, sparse lists and maps with nulls, unions, recursion), a modeled error comes back
//! as itself through `__type`, an operation without input sends no body, and the server reads
//! what other clients may send (indefinite lengths) and refuses what is not CBOR.

use aws_smithy_types::{Blob, DateTime};
use bytes::Bytes;
use fixture_rpcv2_cbor::config::{Credentials, Region};
use fixture_rpcv2_cbor::operation::ping::{PingError, PingInput, PingOutput};
use fixture_rpcv2_cbor::operation::put_item::{PutItemError, PutItemInput, PutItemOutput};
use fixture_rpcv2_cbor::server::{self, Catalog, ServerHandle};
use fixture_rpcv2_cbor::types::error::ItemRejected;
use fixture_rpcv2_cbor::types::{Item, Part, Priority, Reason, Shape};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Stores nothing: answers each item as it read it, and remembers the pings it got.
#[derive(Clone, Default)]
struct Shelf {
    pings: Arc<Mutex<usize>>,
}

const STORED_AT: i64 = 1_700_000_000;

impl Catalog for Shelf {
    async fn ping(&self, _input: PingInput) -> Result<PingOutput, PingError> {
        *self.pings.lock().unwrap() += 1;
        Ok(PingOutput::builder().build())
    }

    async fn put_item(&self, input: PutItemInput) -> Result<PutItemOutput, PutItemError> {
        let item = input.item.expect("the item is required");
        if item.name.as_deref() == Some("duplicate") {
            let error = ItemRejected::builder().message("already stored").reason(Reason::Duplicate).build();
            return Err(PutItemError::ItemRejected(error));
        }
        Ok(PutItemOutput::builder().item(item).stored_at(DateTime::from_secs(STORED_AT)).build())
    }
}

fn client(server: &ServerHandle) -> fixture_rpcv2_cbor::Client {
    let config = fixture_rpcv2_cbor::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test"))
        .endpoint_url(server.url())
        .build();
    fixture_rpcv2_cbor::Client::from_conf(config)
}

fn rich_item() -> Item {
    let part = |id: &str, at: Option<i64>| {
        let part = Part::builder().id(id);
        match at {
            Some(secs) => part.at(DateTime::from_millis(secs * 1000 + 250)),
            None => part,
        }
        .build()
    };
    Item::builder()
        .name("lamp \u{1F4A1} with a long name past twenty-three bytes")
        .flag(false)
        .tiny(-128)
        .small(i16::MAX)
        .count(-70_000)
        .big(i64::MIN)
        .ratio(f32::INFINITY)
        .weight(f64::NAN)
        .data(Blob::new(vec![0u8, 1, 2, 255, 254]))
        .created(DateTime::from_millis(1_576_540_098_123))
        .reason(Reason::TooLarge)
        .priority(Priority::High)
        .tags("a")
        .tags("")
        .set_notes(Some(vec![Some("first".into()), None, Some("third".into())]))
        .set_labels(Some(HashMap::from([("set".to_string(), Some("yes".to_string())), ("unset".to_string(), None)])))
        .set_scores(Some(HashMap::from([("math".to_string(), vec![1.5, f64::NEG_INFINITY, -0.0])])))
        .parts(part("p1", Some(1_600_000_000)))
        .parts(part("p2", None))
        .shape(Shape::Part(part("inside", None)))
        .parent(Item::builder().name("parent").shape(Shape::None).build())
        .build()
}

#[tokio::test]
async fn every_kind_of_value_survives_the_round_trip() {
    let server = server::start(Shelf::default()).await.unwrap();
    let sent = rich_item();
    let output = client(&server).put_item().item(sent.clone()).send().await.expect("the item is stored");
    let got = output.item.expect("the item comes back");
    // NaN is not equal to itself: compare it apart, the rest as values.
    assert!(got.weight.is_some_and(f64::is_nan), "{:?}", got.weight);
    let without_nan = |mut item: Item| {
        item.weight = None;
        item
    };
    assert_eq!(without_nan(got), without_nan(sent));
    assert_eq!(output.stored_at, Some(DateTime::from_secs(STORED_AT)));
    for shape in [Shape::Circle(2.5), Shape::Label("round".into()), Shape::Raw(Blob::new(b"\x00\xff".to_vec())), Shape::None] {
        let item = Item::builder().shape(shape.clone()).build();
        let output = client(&server).put_item().item(item).send().await.unwrap();
        assert_eq!(output.item.and_then(|i| i.shape), Some(shape));
    }
}

#[tokio::test]
async fn a_modeled_error_comes_back_as_itself() {
    let server = server::start(Shelf::default()).await.unwrap();
    let item = Item::builder().name("duplicate").build();
    let error = client(&server).put_item().item(item).send().await.expect_err("the item is refused").into_service_error();
    match error {
        PutItemError::ItemRejected(e) => {
            assert_eq!(e.message(), Some("already stored"));
            assert_eq!(e.reason(), Some(&Reason::Duplicate));
            assert_eq!(fixture_rpcv2_cbor::error::ProvideErrorMetadata::code(&e), Some("ItemRejected"));
        }
        other => panic!("expected ItemRejected, got {other:?}"),
    }
}

#[tokio::test]
async fn an_operation_without_input_or_output_is_served() {
    let shelf = Shelf::default();
    let server = server::start(shelf.clone()).await.unwrap();
    client(&server).ping().send().await.expect("the ping is answered");
    assert_eq!(*shelf.pings.lock().unwrap(), 1);
}

async fn raw_put_item(server: &ServerHandle, body: &'static [u8]) -> (u16, http::HeaderMap, Bytes) {
    let request = http::Request::post("/service/Catalog/operation/PutItem")
        .header("host", server.local_addr().to_string())
        .header("smithy-protocol", "rpc-v2-cbor")
        .header("content-type", "application/cbor")
        .header("accept", "application/cbor")
        .body(Full::new(Bytes::from_static(body)))
        .unwrap();
    let stream = tokio::net::TcpStream::connect(server.local_addr()).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    let response = sender.send_request(request).await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, headers, response.into_body().collect().await.unwrap().to_bytes())
}

#[tokio::test]
async fn the_server_reads_indefinite_lengths_and_refuses_what_is_not_cbor() {
    let server = server::start(Shelf::default()).await.unwrap();
    // {_ "item": {_ "name": (_ "ab", "c"), "tags": [_ "x"]}}
    let indefinite: &[u8] = &[
        0xbf, 0x64, b'i', b't', b'e', b'm', 0xbf, 0x64, b'n', b'a', b'm', b'e', 0x7f, 0x62, b'a', b'b', 0x61, b'c', 0xff, 0x64, b't',
        b'a', b'g', b's', 0x9f, 0x61, b'x', 0xff, 0xff, 0xff,
    ];
    let (status, headers, body) = raw_put_item(&server, indefinite).await;
    assert_eq!(status, 200, "{body:?}");
    assert_eq!(headers.get("content-type").map(|v| v.to_str().unwrap()), Some("application/cbor"));
    // The answer is CBOR with the item's text (the generated client reads it back above).
    assert!(body.windows(3).any(|w| w == b"abc"), "{body:02x?}");
    // A truncated map and a JSON body are malformed requests, not panics or hangs.
    for bad in [&[0xbf, 0x64, b'i', b't'][..], b"{\"item\":{}}"] {
        let (status, _, _) = raw_put_item(&server, Box::leak(bad.to_vec().into_boxed_slice())).await;
        assert_eq!(status, 400, "{bad:?}");
    }
}
