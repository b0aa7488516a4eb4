//! The generated server stub reads input event streams as they arrive, over loopback TCP: a
//! duplex session where each order is answered before the next one is sent (the generated
//! client, SigV4-signed events), an input stream longer than the server's body limit, and
//! broken frames mid-stream, which the implementation reads as errors (raw HTTP/1.1, the
//! connection still open), never as a hang or a panic.

use aws_smithy_eventstream::frame::{write_message_to, DecodedFrame, MessageFrameDecoder};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::{Bytes, BytesMut};
use fixture_event_stream::config::{Credentials, Region};
use fixture_event_stream::operation::get_quote::{GetQuoteError, GetQuoteInput, GetQuoteOutput};
use fixture_event_stream::operation::publish_quotes::{PublishQuotesError, PublishQuotesInput, PublishQuotesOutput};
use fixture_event_stream::operation::trade::{TradeError, TradeInput, TradeOutput};
use fixture_event_stream::operation::watch_prices::{WatchPricesError, WatchPricesInput, WatchPricesOutput};
use fixture_event_stream::primitives::event_stream::{EventReceiver, EventStreamSender};
use fixture_event_stream::server::{self, EventProducer, ServerHandle, Ticker};
use fixture_event_stream::types::error::{FillEventsError, OrderEventsError, PriceEventsError, QuoteEventsError};
use fixture_event_stream::types::{Fill, FillEvents, Order, OrderEvents, PriceEvents, Quote, QuoteEvents};
use http_body_util::{BodyExt, Full};
use hyper::body::{Frame, Incoming};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;

/// What the implementation saw, reported to the test as it happens.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    /// A trade session started, with its HTTP-bound members (label, header, query).
    Session { desk: String, trader: Option<String>, currency: Option<String> },
    /// An order of the session's input stream: symbol and quantity.
    Order(String, i32),
    /// The input stream ended cleanly.
    End,
    /// Reading the input stream failed: `response` (a frame that cannot be read) or `dispatch`
    /// (the body itself failed), and the error.
    Error { kind: &'static str, error: String },
    /// `PublishQuotes` read this many quotes, then the end of its stream.
    Quotes(usize),
}

/// A trading desk: fills each order as it arrives, and reports what it read.
#[derive(Clone)]
struct Desk {
    seen: mpsc::UnboundedSender<Seen>,
}

fn desk() -> (Desk, mpsc::UnboundedReceiver<Seen>) {
    let (seen, rx) = mpsc::unbounded_channel();
    (Desk { seen }, rx)
}

/// The kind of a stream error, as the implementation tells them apart.
fn error_kind<E, R>(error: &SdkError<E, R>) -> &'static str {
    match error {
        SdkError::ResponseError(_) => "response",
        SdkError::DispatchFailure(_) => "dispatch",
        SdkError::ServiceError(_) => "service",
        _ => "other",
    }
}

impl Ticker for Desk {
    async fn trade(
        &self,
        input: TradeInput,
        mut orders: EventReceiver<OrderEvents, OrderEventsError>,
    ) -> Result<(TradeOutput, EventProducer<FillEvents, FillEventsError>), TradeError> {
        let desk = input.desk().unwrap_or_default().to_string();
        let _ = self.seen.send(Seen::Session { desk: desk.clone(), trader: input.trader.clone(), currency: input.currency.clone() });
        let seen = self.seen.clone();
        // The output goes out at once; each fill as its order comes in.
        let fills = EventProducer::new(move |writer| async move {
            loop {
                match orders.recv().await {
                    Ok(Some(OrderEvents::Order(order))) => {
                        let (symbol, quantity) = (order.symbol().unwrap_or_default().to_string(), order.quantity().unwrap_or_default());
                        let _ = seen.send(Seen::Order(symbol.clone(), quantity));
                        if writer.send(FillEvents::Fill(fill(&symbol, quantity))).await.is_err() {
                            return;
                        }
                    }
                    Ok(Some(other)) => {
                        let _ = seen.send(Seen::Error { kind: "unexpected", error: format!("{other:?}") });
                        return;
                    }
                    Ok(None) => {
                        let _ = seen.send(Seen::End);
                        return;
                    }
                    Err(e) => {
                        let _ = seen.send(Seen::Error { kind: error_kind(&e), error: format!("{e:?}") });
                        let _ = writer.fail("BrokenOrderStream", "an order could not be read").await;
                        return;
                    }
                }
            }
        });
        Ok((TradeOutput::builder().session_id(format!("{desk}-1")).build_without_stream(), fills))
    }

    async fn publish_quotes(
        &self,
        _input: PublishQuotesInput,
        mut quotes: EventReceiver<QuoteEvents, QuoteEventsError>,
    ) -> Result<PublishQuotesOutput, PublishQuotesError> {
        let mut count = 0;
        loop {
            match quotes.recv().await {
                Ok(Some(_)) => count += 1,
                Ok(None) => break,
                Err(e) => {
                    let _ = self.seen.send(Seen::Error { kind: error_kind(&e), error: format!("{e:?}") });
                    return Err(PublishQuotesError::generic(
                        fixture_event_stream::error::ErrorMetadata::builder().code("BrokenQuoteStream").build(),
                    ));
                }
            }
        }
        let _ = self.seen.send(Seen::Quotes(count));
        Ok(PublishQuotesOutput::builder().build())
    }

    async fn watch_prices(
        &self,
        _input: WatchPricesInput,
    ) -> Result<(WatchPricesOutput, EventProducer<PriceEvents, PriceEventsError>), WatchPricesError> {
        Ok((WatchPricesOutput::builder().build_without_stream(), EventProducer::empty()))
    }

    async fn get_quote(&self, input: GetQuoteInput) -> Result<GetQuoteOutput, GetQuoteError> {
        let quote = Quote::builder().symbol(input.symbol().unwrap_or_default()).bid(1.0).ask(2.0).build();
        Ok(GetQuoteOutput::builder().quote(quote).build())
    }
}

fn fill(symbol: &str, quantity: i32) -> Fill {
    Fill::builder().symbol(symbol).quantity(quantity).build()
}

fn order(symbol: &str, quantity: i32) -> OrderEvents {
    OrderEvents::Order(Order::builder().symbol(symbol).quantity(quantity).build())
}

fn client(server: &ServerHandle) -> fixture_event_stream::Client {
    let config = fixture_event_stream::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test"))
        .endpoint_url(server.url())
        .build();
    fixture_event_stream::Client::from_conf(config)
}

/// `what` within 10 s: a hang fails the test instead of stalling it.
async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), future).await.unwrap_or_else(|_| panic!("{what}: nothing within 10 s"))
}

#[tokio::test]
async fn each_order_of_a_duplex_session_is_answered_before_the_next_is_sent() {
    let (desk, mut seen) = desk();
    let server = server::start(desk).await.unwrap();
    // The input stream, fed by the test one order at a time.
    let (orders, mut queue) = mpsc::channel::<OrderEvents>(1);
    let stream = futures_util::stream::poll_fn(move |cx| queue.poll_recv(cx).map(|order| order.map(Ok::<_, OrderEventsError>)));
    orders.send(order("ACME", 10)).await.unwrap();
    let call = client(&server).trade().desk("NYC").trader("ann").currency("USD").orders(EventStreamSender::from(stream)).send();
    let mut out = within("the response head", call).await.expect("the session starts");
    assert_eq!(out.session_id(), Some("NYC-1"));
    assert_eq!(
        within("the session", seen.recv()).await,
        Some(Seen::Session { desk: "NYC".into(), trader: Some("ann".into()), currency: Some("USD".into()) })
    );

    // The second order is sent only once the first one is filled: a server that read the
    // request body whole first would never answer.
    let first = within("the first fill", out.fills.recv()).await.expect("a fill");
    assert_eq!(first, Some(FillEvents::Fill(fill("ACME", 10))));
    assert_eq!(within("the first order", seen.recv()).await, Some(Seen::Order("ACME".into(), 10)));
    orders.send(order("INIT", 20)).await.unwrap();
    let second = within("the second fill", out.fills.recv()).await.expect("a fill");
    assert_eq!(second, Some(FillEvents::Fill(fill("INIT", 20))));
    assert_eq!(within("the second order", seen.recv()).await, Some(Seen::Order("INIT".into(), 20)));

    // Ending the input stream (the client's signed end message) ends the session cleanly.
    drop(orders);
    assert_eq!(within("the end of the fills", out.fills.recv()).await.expect("a clean end"), None);
    assert_eq!(within("the end of the orders", seen.recv()).await, Some(Seen::End));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_input_stream_longer_than_the_body_limit_is_read_to_its_end() {
    let (desk, mut seen) = desk();
    let limit = 1024;
    let server = server::router(desk).with_body_limit(limit).start("127.0.0.1:0").await.unwrap();
    // 200 quotes: each one's JSON alone is over 40 bytes, so the stream is over 8 KB.
    let quotes: Vec<Result<QuoteEvents, QuoteEventsError>> = (0..200)
        .map(|i| Ok(QuoteEvents::Quote(Quote::builder().symbol("ACME").bid(f64::from(i)).ask(f64::from(i) + 0.5).build())))
        .collect();
    let call = client(&server).publish_quotes().quotes(EventStreamSender::from(futures_util::stream::iter(quotes))).send();
    within("the answer", call).await.expect("the whole stream is accepted");
    assert_eq!(within("the count", seen.recv()).await, Some(Seen::Quotes(200)));

    // Other operations still read their body whole, within the limit.
    let (status, _) = raw_request(&server, "/watch/ACME", "application/json", Bytes::from(vec![b' '; limit + 1])).await;
    assert_eq!(status, 413);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_broken_frame_mid_stream_is_an_error_for_the_implementation_never_a_hang() {
    let (desk, mut seen) = desk();
    let server = server::start(desk).await.unwrap();
    let mut bad_crc = frame(&order_message("ACME", 1));
    *bad_crc.last_mut().unwrap() ^= 1;
    let mut too_long = (64u32 << 20).to_be_bytes().to_vec(); // a prelude announcing 64 MiB
    too_long.extend_from_slice(&[0; 8]);
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("a frame with a bad CRC", bad_crc.clone(), "response"),
        ("a signed envelope around a broken frame", frame(&signed(&bad_crc)), "response"),
        // Refused by the receiver as soon as the length is in (a framing error, like the others).
        ("a frame longer than a frame may be", too_long, "response"),
    ];
    for (case, broken, kind) in cases {
        // The first order is read and answered while the request body is still open ...
        let (body, mut response) = open_trade(&server).await;
        assert_eq!(within(case, seen.recv()).await.map(|s| matches!(s, Seen::Session { .. })), Some(true), "{case}");
        body.send(Bytes::from(frame(&signed(&frame(&order_message("ACME", 1)))))).await.unwrap();
        assert_eq!(within(case, seen.recv()).await, Some(Seen::Order("ACME".into(), 1)), "{case}");
        let messages = within(case, read_messages(&mut response, 1)).await;
        assert_eq!(header(&messages[0], ":event-type"), Some("Fill"), "{case}");

        // ... then the broken frame is an error, with the connection still open.
        body.send(Bytes::from(broken)).await.unwrap();
        match within(case, seen.recv()).await {
            Some(Seen::Error { kind: got, error }) => assert_eq!(got, kind, "{case}: {error}"),
            other => panic!("{case}: expected an error, the implementation saw {other:?}"),
        }
        let messages = within(case, read_messages(&mut response, 1)).await;
        assert_eq!(header(&messages[0], ":message-type"), Some("error"), "{case}");
        assert_eq!(header(&messages[0], ":error-code"), Some("BrokenOrderStream"), "{case}");
        drop(body);
    }
    // Nothing panicked: the server still answers.
    let quote = within("a quote", client(&server).get_quote().symbol("ACME").send()).await.unwrap();
    assert_eq!(quote.quote().and_then(|q| q.symbol()), Some("ACME"));
    server.shutdown().await.unwrap();
}

/// The frame of an `Order` event, as a client frames it.
fn order_message(symbol: &str, quantity: i32) -> Message {
    Message::new(Bytes::from(format!(r#"{{"Symbol":"{symbol}","Quantity":{quantity}}}"#)))
        .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
        .add_header(Header::new(":event-type", HeaderValue::String("Order".into())))
        .add_header(Header::new(":content-type", HeaderValue::String("application/json".into())))
}

/// A SigV4 envelope around a frame, as a signing client sends each event (the stub checks no
/// signature).
fn signed(inner: &[u8]) -> Message {
    Message::new(Bytes::copy_from_slice(inner))
        .add_header(Header::new(":date", HeaderValue::Timestamp(aws_smithy_types::DateTime::from_secs(1_700_000_000))))
        .add_header(Header::new(":chunk-signature", HeaderValue::ByteArray(Bytes::from_static(&[0xab; 32]))))
}

fn frame(message: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    write_message_to(message, &mut out).unwrap();
    out
}

fn header<'a>(message: &'a Message, name: &str) -> Option<&'a str> {
    message.headers().iter().find(|h| h.name().as_str() == name).and_then(|h| h.value().as_string().ok()).map(|s| s.as_str())
}

/// A request body the test writes chunk by chunk; dropping the sender ends it.
struct Chunks(mpsc::Receiver<Bytes>);

impl hyper::body::Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}

/// A `Trade` request over raw HTTP/1.1 whose body the test writes chunk by chunk, and the
/// response once its head is in (the body still open).
async fn open_trade(server: &ServerHandle) -> (mpsc::Sender<Bytes>, hyper::Response<Incoming>) {
    let (tx, rx) = mpsc::channel(4);
    let request = http::Request::post("/desks/NYC/trade")
        .header("host", server.local_addr().to_string())
        .header("content-type", "application/vnd.amazon.eventstream")
        .body(Chunks(rx))
        .unwrap();
    let response = within("the response head", send(server, request)).await;
    assert_eq!(response.status(), 200);
    (tx, response)
}

/// A request with a whole body: the status and the body.
async fn raw_request(server: &ServerHandle, path: &str, content_type: &str, body: Bytes) -> (u16, Bytes) {
    let request = http::Request::post(path)
        .header("host", server.local_addr().to_string())
        .header("content-type", content_type)
        .body(Full::new(body))
        .unwrap();
    let response = within("the response", send(server, request)).await;
    let status = response.status().as_u16();
    (status, within("the response body", response.into_body().collect()).await.unwrap().to_bytes())
}

async fn send<B>(server: &ServerHandle, request: http::Request<B>) -> hyper::Response<Incoming>
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = tokio::net::TcpStream::connect(server.local_addr()).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    sender.send_request(request).await.unwrap()
}

/// Reads `count` more event-stream messages from a response body.
async fn read_messages(response: &mut hyper::Response<Incoming>, count: usize) -> Vec<Message> {
    let mut buffer = BytesMut::new();
    let mut decoder = MessageFrameDecoder::new();
    let mut messages = Vec::new();
    while messages.len() < count {
        if let DecodedFrame::Complete(message) = decoder.decode_frame(&mut buffer).unwrap() {
            messages.push(message);
            continue;
        }
        let frame = response.body_mut().frame().await.expect("more of the response").unwrap();
        if let Ok(data) = frame.into_data() {
            buffer.extend_from_slice(&data);
        }
    }
    assert!(buffer.is_empty(), "whole messages only");
    messages
}
