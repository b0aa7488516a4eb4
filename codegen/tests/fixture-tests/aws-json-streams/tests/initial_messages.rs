//! awsJson1_1 event streams between the generated client and server stub over loopback TCP,
//! with real SigV4: the members beside a stream travel in the stream's first message
//! (`initial-request` from the client, `initial-response` from the server) while the HTTP body
//! is the stream; events and error events are JSON. Raw requests check the wire form the
//! official SDKs use: the frame's `:event-type`, its `:content-type` (the protocol's) and its
//! JSON payload.

use aws_smithy_eventstream::frame::{write_message_to, DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::{Bytes, BytesMut};
use fixture_awsjson_streams::config::{Credentials, Region};
use fixture_awsjson_streams::error::SdkError;
use fixture_awsjson_streams::operation::chat::{ChatError, ChatInput, ChatOutput};
use fixture_awsjson_streams::operation::publish::{PublishError, PublishInput, PublishOutput};
use fixture_awsjson_streams::operation::watch::{WatchError, WatchInput, WatchOutput};
use fixture_awsjson_streams::primitives::event_stream::{EventReceiver, EventStreamSender};
use fixture_awsjson_streams::primitives::DateTime;
use fixture_awsjson_streams::server::{self, EventProducer, Feed, ServerHandle};
use fixture_awsjson_streams::types::error::{ChatLinesError, ChatRepliesError, PublishEventsError, TopicNotFound, WatchEventsError, WatchFailed};
use fixture_awsjson_streams::types::{ChangeEvent, ChatLines, ChatReplies, ItemEvent, NoteEvent, PublishEvents, WatchEvents};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

/// Answers from what it reads: the input's members (from `initial-request` when it has a
/// stream) come back in the output.
#[derive(Clone)]
struct Service;

impl Feed for Service {
    async fn watch(&self, input: WatchInput) -> Result<(WatchOutput, EventProducer<WatchEvents, WatchEventsError>), WatchError> {
        let topic = input.topic().unwrap_or_default().to_string();
        if topic == "missing" {
            return Err(WatchError::TopicNotFound(TopicNotFound::builder().message("no topic missing").build()));
        }
        let limit = input.limit().unwrap_or(1);
        let events = EventProducer::new(move |writer| async move {
            for seq in 1..=limit {
                let change = ChangeEvent::builder().seq(seq).key(format!("{topic}/{seq}")).count(seq * 10).at(DateTime::from_secs(1_700_000_000)).build();
                if writer.send(WatchEvents::Change(change)).await.is_err() {
                    return;
                }
            }
            let _ = writer.send(WatchEvents::Note(NoteEvent::builder().text("that is all").build())).await;
            let _ = writer.send_error(WatchEventsError::Failed(WatchFailed::builder().message("the feed broke").build())).await;
        });
        Ok((WatchOutput::builder().cursor(format!("cursor-{}", input.topic().unwrap_or_default())).build_without_stream(), events))
    }

    async fn publish(&self, input: PublishInput, mut items: EventReceiver<PublishEvents, PublishEventsError>) -> Result<PublishOutput, PublishError> {
        let mut accepted = 0;
        while let Ok(Some(PublishEvents::Item(item))) = items.recv().await {
            assert!(item.name().is_some_and(|n| n.starts_with("item-")), "{item:?}");
            accepted += 1;
        }
        Ok(PublishOutput::builder().set_channel(input.channel().map(str::to_string)).set_priority(input.priority()).accepted(accepted).build())
    }

    async fn chat(&self, input: ChatInput, mut lines: EventReceiver<ChatLines, ChatLinesError>) -> Result<(ChatOutput, EventProducer<ChatReplies, ChatRepliesError>), ChatError> {
        let room = input.room().unwrap_or_default().to_string();
        let replies = EventProducer::new(move |writer| async move {
            while let Ok(Some(ChatLines::Line(line))) = lines.recv().await {
                let reply = format!("{}!", line.text().unwrap_or_default().to_uppercase());
                if writer.send(ChatReplies::Reply(NoteEvent::builder().text(reply).build())).await.is_err() {
                    return;
                }
            }
        });
        Ok((ChatOutput::builder().greeting(format!("welcome to {room}")).build_without_stream(), replies))
    }
}

async fn start() -> (ServerHandle, fixture_awsjson_streams::Client) {
    let handle = server::router(Service).start("127.0.0.1:0").await.expect("the server starts");
    let config = fixture_awsjson_streams::Config::builder()
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url(handle.url())
        .build();
    (handle, fixture_awsjson_streams::Client::from_conf(config))
}

#[tokio::test]
async fn an_output_stream_brings_its_other_members_in_initial_response() {
    let (_handle, client) = start().await;
    let mut output = client.watch().topic("prices").limit(2).send().await.expect("Watch succeeds");
    assert_eq!(output.cursor(), Some("cursor-prices"), "read from initial-response");
    let mut changes = Vec::new();
    let error = loop {
        match output.updates.recv().await {
            Ok(Some(WatchEvents::Change(c))) => changes.push((c.seq(), c.key().unwrap().to_string(), c.count(), c.at())),
            Ok(Some(WatchEvents::Note(n))) => assert_eq!(n.text(), Some("that is all")),
            Ok(other) => panic!("unexpected {other:?}"),
            Err(e) => break e,
        }
    };
    let at = Some(DateTime::from_secs(1_700_000_000));
    assert_eq!(changes, [(Some(1), "prices/1".to_string(), Some(10), at), (Some(2), "prices/2".to_string(), Some(20), at)]);
    match error {
        SdkError::ServiceError(e) => match e.err() {
            WatchEventsError::Failed(f) => assert_eq!(f.message(), Some("the feed broke")),
            other => panic!("not the modeled error event: {other:?}"),
        },
        other => panic!("not a service error: {other:?}"),
    }
    assert!(matches!(output.updates.recv().await, Ok(None)), "the stream is over after its error");
}

#[tokio::test]
async fn an_error_before_the_stream_is_the_operations_error() {
    let (_handle, client) = start().await;
    let err = client.watch().topic("missing").send().await.expect_err("no such topic");
    assert!(matches!(err.as_service_error(), Some(WatchError::TopicNotFound(_))), "{err:?}");
}

#[tokio::test]
async fn an_input_stream_sends_its_other_members_in_initial_request() {
    let (_handle, client) = start().await;
    let items = futures_util::stream::iter((1..=3).map(|i| Ok(PublishEvents::Item(ItemEvent::builder().name(format!("item-{i}")).size(i).build()))));
    let output = client.publish().channel("news").priority(5).items(EventStreamSender::from(items)).send().await.expect("Publish succeeds");
    assert_eq!((output.channel(), output.priority(), output.accepted()), (Some("news"), Some(5), Some(3)));
}

#[tokio::test]
async fn both_streams_at_once_each_with_its_initial_message() {
    let (_handle, client) = start().await;
    let (tx, rx) = tokio::sync::mpsc::channel::<ChatLines>(1);
    let lines = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|line| (Ok(line), rx)) });
    let mut output = client.chat().room("lobby").lines(EventStreamSender::from(lines)).send().await.expect("Chat succeeds");
    assert_eq!(output.greeting(), Some("welcome to lobby"), "the room came in initial-request, the greeting in initial-response");
    // Each reply comes back before the next line is sent: duplex, not buffered.
    for word in ["hello", "again"] {
        tx.send(ChatLines::Line(NoteEvent::builder().text(word).build())).await.unwrap();
        match output.replies.recv().await {
            Ok(Some(ChatReplies::Reply(r))) => assert_eq!(r.text(), Some(format!("{}!", word.to_uppercase()).as_str())),
            other => panic!("unexpected {other:?}"),
        }
    }
    drop(tx);
    assert!(matches!(output.replies.recv().await, Ok(None)), "the server ends its stream when the client ends its own");
}

/// A request as the generated client would send it, unsigned (the stub checks no signature).
async fn post(handle: &ServerHandle, target: &str, content_type: &str, body: Bytes) -> hyper::Response<hyper::body::Incoming> {
    let stream = tokio::net::TcpStream::connect(handle.local_addr()).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    let request = http::Request::post("/")
        .header("host", "localhost")
        .header("x-amz-target", target)
        .header("content-type", content_type)
        .body(Full::new(body))
        .unwrap();
    sender.send_request(request).await.unwrap()
}

fn frames(mut bytes: BytesMut) -> Vec<Message> {
    let mut decoder = MessageFrameDecoder::new();
    let mut messages = Vec::new();
    while let DecodedFrame::Complete(message) = decoder.decode_frame(&mut bytes).unwrap() {
        messages.push(message);
    }
    assert!(bytes.is_empty(), "whole frames only");
    messages
}

fn header<'a>(message: &'a Message, name: &str) -> &'a str {
    let value = message.headers().iter().find(|h| h.name().as_str() == name).unwrap_or_else(|| panic!("no {name}")).value();
    value.as_string().unwrap().as_str()
}

fn json(message: &Message) -> serde_json::Value {
    serde_json::from_slice(message.payload()).unwrap()
}

#[tokio::test]
async fn on_the_wire_initial_response_is_the_first_frame_in_the_protocols_media_type() {
    let (handle, _client) = start().await;
    let response = post(&handle, "Feed.Watch", "application/x-amz-json-1.1", Bytes::from_static(br#"{"Topic":"t","Limit":1}"#)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/vnd.amazon.eventstream");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let messages = frames(BytesMut::from(&body[..]));
    // An event names its member in `:event-type`, an error event in `:exception-type`.
    let kind = |m: &Message| match header(m, ":message-type") {
        "event" => ("event", header(m, ":event-type").to_string()),
        other => (if other == "exception" { "exception" } else { "other" }, header(m, ":exception-type").to_string()),
    };
    let types: Vec<(&str, String)> = messages.iter().map(kind).collect();
    let types: Vec<(&str, &str)> = types.iter().map(|(t, name)| (*t, name.as_str())).collect();
    assert_eq!(types, [("event", "initial-response"), ("event", "Change"), ("event", "Note"), ("exception", "Failed")]);
    assert_eq!(header(&messages[0], ":content-type"), "application/x-amz-json-1.1");
    assert_eq!(json(&messages[0]), serde_json::json!({"Cursor": "cursor-t"}));
    // A structure event: its header member as an event header, the rest a JSON document.
    assert_eq!(header(&messages[1], ":content-type"), "application/json");
    let seq = messages[1].headers().iter().find(|h| h.name().as_str() == "Seq").unwrap().value().as_int32().unwrap();
    assert_eq!(seq, 1);
    assert_eq!(json(&messages[1]), serde_json::json!({"Key": "t/1", "Count": 10, "At": 1700000000}));
    assert_eq!(header(&messages[2], ":content-type"), "text/plain");
    assert_eq!(json(&messages[3]), serde_json::json!({"message": "the feed broke"}));
}

fn event(event_type: &str, content_type: &str, payload: &'static [u8]) -> Vec<u8> {
    let message = Message::new(Bytes::from_static(payload))
        .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
        .add_header(Header::new(":event-type", HeaderValue::String(event_type.to_string().into())))
        .add_header(Header::new(":content-type", HeaderValue::String(content_type.to_string().into())));
    let mut frame = Vec::new();
    write_message_to(&message, &mut frame).unwrap();
    frame
}

#[tokio::test]
async fn on_the_wire_a_server_reads_initial_request_then_the_events() {
    let (handle, _client) = start().await;
    let mut body = event("initial-request", "application/x-amz-json-1.1", br#"{"Channel":"raw","Priority":3}"#);
    body.extend(event("Item", "application/json", br#"{"Name":"item-1","Size":1}"#));
    body.extend(event("Item", "application/json", br#"{"Name":"item-2"}"#));
    let response = post(&handle, "Feed.Publish", "application/x-amz-json-1.1", Bytes::from(body)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-amz-json-1.1");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let output: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(output, serde_json::json!({"Channel": "raw", "Priority": 3, "Accepted": 2}));
}
