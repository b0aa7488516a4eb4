//! rpcv2Cbor event streams between the generated client and server stub over loopback TCP,
//! with real SigV4: the members beside a stream travel in `initial-request` /
//! `initial-response`, events and error events are CBOR (`:content-type: application/cbor`),
//! and a client of an output stream asks for `Accept: application/vnd.amazon.eventstream`.

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::Message;
use bytes::{Bytes, BytesMut};
use fixture_rpcv2_cbor_streams::config::{Credentials, Region};
use fixture_rpcv2_cbor_streams::error::SdkError;
use fixture_rpcv2_cbor_streams::operation::follow::{FollowError, FollowInput, FollowOutput};
use fixture_rpcv2_cbor_streams::operation::submit::{SubmitError, SubmitInput, SubmitOutput};
use fixture_rpcv2_cbor_streams::primitives::event_stream::{EventReceiver, EventStreamSender};
use fixture_rpcv2_cbor_streams::primitives::{Blob, DateTime};
use fixture_rpcv2_cbor_streams::server::{self, EventProducer, Exchange, ServerHandle};
use fixture_rpcv2_cbor_streams::types::error::{Halted, OrderEventsError, PriceEventsError};
use fixture_rpcv2_cbor_streams::types::{Order, OrderEvents, Price, PriceEvents};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
struct Service;

impl Exchange for Service {
    async fn follow(&self, input: FollowInput) -> Result<(FollowOutput, EventProducer<PriceEvents, PriceEventsError>), FollowError> {
        let symbol = input.symbol().unwrap_or_default().to_string();
        let prices = EventProducer::items(vec![
            Ok(PriceEvents::Price(Price::builder().symbol(&symbol).bid(101.25).raw(Blob::new(vec![0, 1, 255])).build())),
            Ok(PriceEvents::Price(Price::builder().symbol(&symbol).bid(f64::NAN).build())),
            Err(PriceEventsError::Halted(Halted::builder().message(format!("{symbol} halted")).build())),
        ]);
        Ok((FollowOutput::builder().since(DateTime::from_secs(1_700_000_000)).build_without_stream(), prices))
    }

    async fn submit(&self, input: SubmitInput, mut orders: EventReceiver<OrderEvents, OrderEventsError>) -> Result<SubmitOutput, SubmitError> {
        let mut total = 0;
        while let Ok(Some(OrderEvents::Order(order))) = orders.recv().await {
            assert_eq!(order.symbol(), Some("ABC"));
            total += order.quantity().unwrap_or_default();
        }
        Ok(SubmitOutput::builder().set_account(input.account().map(str::to_string)).total(total).build())
    }
}

/// The service on a loopback port, with the headers of every request whose body is read whole.
async fn start() -> (ServerHandle, fixture_rpcv2_cbor_streams::Client, Arc<Mutex<Vec<http::HeaderMap>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let router = server::router(Service).before(move |request: http::Request<Bytes>| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(request.headers().clone());
            Ok(request)
        }
    });
    let handle = router.start("127.0.0.1:0").await.expect("the server starts");
    let config = fixture_rpcv2_cbor_streams::Config::builder()
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url(handle.url())
        .build();
    (handle, fixture_rpcv2_cbor_streams::Client::from_conf(config), seen)
}

#[tokio::test]
async fn an_output_stream_of_cbor_events_after_its_initial_response() {
    let (_handle, client, seen) = start().await;
    let mut output = client.follow().symbol("ABC").send().await.expect("Follow succeeds");
    assert_eq!(output.since(), Some(DateTime::from_secs(1_700_000_000)), "read from initial-response");
    let Ok(Some(PriceEvents::Price(first))) = output.prices.recv().await else { panic!("a price") };
    assert_eq!((first.symbol(), first.bid(), first.raw()), (Some("ABC"), Some(101.25), Some(&Blob::new(vec![0, 1, 255]))));
    let Ok(Some(PriceEvents::Price(second))) = output.prices.recv().await else { panic!("a price") };
    assert!(second.bid().is_some_and(f64::is_nan), "NaN is a CBOR float");
    match output.prices.recv().await {
        Err(SdkError::ServiceError(e)) => match e.err() {
            PriceEventsError::Halted(h) => assert_eq!(h.message(), Some("ABC halted")),
            other => panic!("not the modeled error event: {other:?}"),
        },
        other => panic!("not a service error: {other:?}"),
    }
    let headers = seen.lock().unwrap()[0].clone();
    assert_eq!(headers["accept"], "application/vnd.amazon.eventstream");
    assert_eq!(headers["smithy-protocol"], "rpc-v2-cbor");
    assert_eq!(headers["content-type"], "application/cbor");
}

#[tokio::test]
async fn an_input_stream_sends_its_other_members_in_initial_request() {
    let (_handle, client, _seen) = start().await;
    let orders = futures_util::stream::iter([3, 4].map(|q| Ok(OrderEvents::Order(Order::builder().symbol("ABC").quantity(q).build()))));
    let output = client.submit().account("acct-7").orders(EventStreamSender::from(orders)).send().await.expect("Submit succeeds");
    assert_eq!((output.account(), output.total()), (Some("acct-7"), Some(7)));
}

fn header<'a>(message: &'a Message, name: &str) -> &'a str {
    let value = message.headers().iter().find(|h| h.name().as_str() == name).unwrap_or_else(|| panic!("no {name}")).value();
    value.as_string().unwrap().as_str()
}

#[tokio::test]
async fn on_the_wire_initial_response_and_events_are_cbor() {
    let (handle, _client, _seen) = start().await;
    let stream = tokio::net::TcpStream::connect(handle.local_addr()).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    // {"Symbol": "X"} in CBOR: a map of one pair, two text strings.
    let body = Bytes::from_static(b"\xa1\x66Symbol\x61X");
    let request = http::Request::post("/service/Exchange/operation/Follow")
        .header("host", "localhost")
        .header("smithy-protocol", "rpc-v2-cbor")
        .header("content-type", "application/cbor")
        .header("accept", "application/vnd.amazon.eventstream")
        .body(Full::new(body))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/vnd.amazon.eventstream");
    let mut bytes = BytesMut::from(&response.into_body().collect().await.unwrap().to_bytes()[..]);
    let mut decoder = MessageFrameDecoder::new();
    let mut messages = Vec::new();
    while let DecodedFrame::Complete(message) = decoder.decode_frame(&mut bytes).unwrap() {
        messages.push(message);
    }
    assert_eq!(messages.len(), 4);
    assert_eq!((header(&messages[0], ":event-type"), header(&messages[0], ":content-type")), ("initial-response", "application/cbor"));
    assert!(messages[0].payload().windows(5).any(|w| w == b"Since"), "the output member in CBOR");
    assert_eq!((header(&messages[1], ":event-type"), header(&messages[1], ":content-type")), ("Price", "application/cbor"));
    assert_eq!(messages[1].payload()[..2], *b"\xa3\x66", "a CBOR map of the three set members, Symbol first");
    assert_eq!((header(&messages[3], ":exception-type"), header(&messages[3], ":content-type")), ("Halted", "application/cbor"));
}
