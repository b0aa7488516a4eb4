//! `smithy.test#eventStreamTests`: each case checks the client, the server stub or both, as
//! its [`EventStreamPlan`] says.
//!
//! - The client writes the `request` events through the generated input-stream marshaller and
//!   its real stack (SigV4-signed, framed) to an HTTP client that captures the request; the
//!   messages in the body (signing envelopes unwrapped) must be the events' headers and body.
//!   Its initial request (`initialRequestParams`) is checked like an `httpRequestTests` case.
//! - The client reads the initial response (`initialResponse`, else `200` with an event-stream
//!   body) and the `response` events' `bytes` through the generated unmarshaller: the output
//!   and the events must equal the params, or reading must fail as `expectation` says.
//! - The server stub reads the request (`initialRequest`, else the one the client builds) with
//!   the `request` events' `bytes` as its body, through the generated router, into a scripted
//!   implementation that records what it received and answers with the output of
//!   `initialResponseParams` and the `response` events; the response's status, headers and
//!   messages are checked like the client's.

use super::{cannot_build, header_pairs, str_field, str_list, values};
use crate::conformance::{event_stream_plan, EventStreamPlan, Expectation, FailureShape};
use crate::emit::common::{error_variant, ident, shape_path};
use crate::ir::{Binding, EventStream, Member, Operation, Service, Type, Union};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// An operation's event stream on one side of the call.
struct Stream<'a> {
    member: &'a Member,
    union: &'a Union,
    es: &'a EventStream,
}

impl Stream<'_> {
    fn of<'a>(svc: &'a Service, structure: &str) -> Option<Stream<'a>> {
        svc.event_stream_member(structure).map(|(member, union, es)| Stream { member, union, es })
    }

    fn union(&self, svc: &Service) -> TokenStream {
        shape_path(svc, &self.union.id)
    }

    fn error(&self) -> TokenStream {
        let e = format_ident!("{}", self.es.error);
        quote! { crate::types::error::#e }
    }

    /// What a drained receiver of this stream yields.
    fn received(&self, svc: &Service) -> TokenStream {
        let (union, error) = (self.union(svc), self.error());
        quote! { ::smithygen_runtime::event_stream::testing::Received<#union, #error> }
    }
}

fn testing() -> TokenStream {
    quote! { ::smithygen_runtime::event_stream::testing }
}

/// The body of one event-stream test.
pub fn test_body(svc: &Service, op: &Operation, case: &Value) -> TokenStream {
    let plan = event_stream_plan(svc, op, case);
    let client = plan.client.then(|| client_side(svc, op, case, &plan)).transpose();
    let server = plan.server.then(|| server_side(svc, op, case, &plan)).transpose();
    match (client, server) {
        (Ok(client), Ok(server)) => quote! { #client #server },
        (Err(e), _) | (_, Err(e)) => cannot_build(e),
    }
}

/// Whether the test needs the crate's `server` feature.
pub fn needs_server(svc: &Service, op: &Operation, case: &Value) -> bool {
    event_stream_plan(svc, op, case).server
}

/// The JSON text of each event, for the runtime's checks.
fn texts(events: &[Value]) -> Vec<String> {
    events.iter().map(Value::to_string).collect()
}

/// The one key of an event's `params` and its value.
fn event_param(event: &Value) -> Option<(&String, &Value)> {
    event.get("params").and_then(Value::as_object).and_then(|o| o.iter().find(|(_, v)| !v.is_null()))
}

/// The string value of a header of a case event, as the case gives it.
fn header_text<'a>(event: &'a Value, name: &str) -> Option<&'a str> {
    event.get("headers")?.get(name)?.get("string")?.as_str()
}

/// An item of a stream as its writer takes it (`Result<Event, Error>`), from a case event.
fn item(svc: &Service, stream: &Stream, event: &Value, path: &str) -> Result<TokenStream, String> {
    let (union, error) = (stream.union(svc), stream.error());
    let Some((key, value)) = event_param(event) else {
        // An unmodeled event: only an `error` message can be written (the error enum's
        // `Unhandled`, built from its code and message).
        if header_text(event, ":message-type") != Some("error") {
            return Err(format!("{path}: an event without params that is not an `error` message cannot be written"));
        }
        let code = header_text(event, ":error-code").unwrap_or_default();
        let message = header_text(event, ":error-message").unwrap_or_default();
        return Ok(quote! {
            ::std::result::Result::Err(#error::generic(
                ::aws_smithy_types::error::ErrorMetadata::builder().code(#code).message(#message).build(),
            ))
        });
    };
    if let Some(e) = stream.es.errors.iter().find(|e| &e.name == key) {
        let variant = ident(&e.variant);
        let value = values::structure(svc, &e.target, value, &format!("{path}.params.{key}"))?;
        return Ok(quote! { ::std::result::Result::Err(#error::#variant(#value)) });
    }
    let value = values::value(svc, &Type::Union(stream.union.id.clone()), event.get("params").unwrap_or(&Value::Null), &format!("{path}.params"))?;
    Ok(quote! { ::std::result::Result::<#union, #error>::Ok(#value) })
}

/// The items of a list of events, as a `Vec<Result<Event, Error>>` expression.
fn items(svc: &Service, stream: &Stream, events: &[Value], path: &str) -> Result<TokenStream, String> {
    let (union, error) = (stream.union(svc), stream.error());
    let items = events.iter().enumerate().map(|(i, e)| item(svc, stream, e, &format!("{path}[{i}]"))).collect::<Result<Vec<_>, _>>()?;
    Ok(quote! { ::std::vec::Vec::<::std::result::Result<#union, #error>>::from([#(#items),*]) })
}

/// Member-by-member comparison of `got` with `expected` (both bound), skipping streams.
fn compare_members(members: &[Member], what: &str) -> TokenStream {
    let compares = members.iter().filter(|m| !matches!(m.ty, Type::EventStream { .. })).map(|m| {
        let f = ident(&m.field);
        let label = format!("{what} member `{}`", m.name);
        quote! { assert_eq!(got.#f, expected.#f, #label); }
    });
    quote! { #(#compares)* }
}

/// Checks of an error event against the case's params for it (if any).
fn check_error_event(svc: &Service, stream: &Stream, target: &str, params: Option<&Value>, what: &str) -> Result<TokenStream, String> {
    let e = stream.es.errors.iter().find(|e| e.target == target).ok_or_else(|| format!("{target} is not an error event of the stream"))?;
    let variant = ident(&e.variant);
    let error = stream.error();
    let expected_name = format!("{}::{}", stream.es.error, e.variant);
    let compare = match params {
        Some(p) => {
            let expected = values::structure(svc, target, p, what)?;
            let compares = compare_members(&svc.structure(target).members, what);
            quote! {
                let expected = #expected;
                #compares
            }
        }
        None => quote! { let _ = got; },
    };
    Ok(quote! {
        match error {
            #error::#variant(got) => { #compare }
            other => panic!("{}: expected {}, got {:?}", #what, #expected_name, other),
        }
    })
}

/// Checks of what a receiver yielded (bound as `received`) against the events the case sends
/// on it and the expectation.
fn received_checks(svc: &Service, stream: &Stream, events: &[Value], expectation: &Expectation, side: &str) -> Result<TokenStream, String> {
    let t = testing();
    match expectation {
        Expectation::Success => {
            let mut checks = Vec::new();
            for (i, event) in events.iter().enumerate() {
                let what = format!("{side}: event {i}");
                checks.push(match event_param(event) {
                    Some((key, value)) => match stream.es.errors.iter().find(|e| &e.name == key) {
                        Some(e) => {
                            let check = check_error_event(svc, stream, &e.target, Some(value), &what)?;
                            quote! { { let error = #t::error_at(&received, #i); #check } }
                        }
                        None => {
                            let value = values::value(svc, &Type::Union(stream.union.id.clone()), &event["params"], &what)?;
                            quote! { assert_eq!(#t::event_at(&received, #i), &#value, #what); }
                        }
                    },
                    None => {
                        let opt = |v: Option<&str>| match v {
                            Some(s) => quote! { ::std::option::Option::Some(#s) },
                            None => quote! { ::std::option::Option::None },
                        };
                        let (code, message) = (opt(header_text(event, ":error-code")), opt(header_text(event, ":error-message")));
                        quote! { #t::assert_unmodeled_error(&received, #i, #code, #message); }
                    }
                });
            }
            let n = events.len();
            let what = format!("{side}: the events read");
            Ok(quote! {
                #(#checks)*
                assert_eq!(received.len(), #n, "{}: {:?}", #what, received);
            })
        }
        Expectation::Failure(None) => Ok(quote! { #t::assert_failed(&received); }),
        Expectation::Failure(Some(FailureShape::Event(id))) => {
            let params = events.iter().filter_map(event_param).find(|(k, _)| stream.es.errors.iter().any(|e| &e.name == *k && &e.target == id));
            let what = format!("{side}: the error event");
            let check = check_error_event(svc, stream, id, params.map(|(_, v)| v), &what)?;
            Ok(quote! { { let error = #t::failure(&received); #check } })
        }
        Expectation::Failure(Some(FailureShape::Operation(id))) => {
            Err(format!("{side}: the operation error {id} is expected while reading events"))
        }
        Expectation::Failure(Some(FailureShape::Unknown(id))) => Err(format!("errorId {id} is neither an operation error nor an error event")),
    }
}

/// Setters of the input: from `initialRequestParams`, or (when `placeholders`) harmless values
/// for the labels and required members a valid request needs.
fn input_setters(svc: &Service, op: &Operation, case: &Value, placeholders: bool) -> Result<TokenStream, String> {
    let input = svc.structure(&op.input);
    // An input stream must be set to build the input, as with the official SDKs: an empty one
    // unless the case sends events (set after these).
    let t = testing();
    let empty_stream = Stream::of(svc, &op.input).map(|s| {
        let set = ident(&s.member.setter);
        quote! { .#set(::std::option::Option::Some(#t::sender(::std::vec::Vec::new()))) }
    });
    if let Some(params) = case.get("initialRequestParams") {
        let sets = values::setters(svc, &input.members, params, "initialRequestParams")?;
        return Ok(quote! { #empty_stream #sets });
    }
    if !placeholders {
        return Ok(quote! { #empty_stream });
    }
    let sets = input
        .members
        .iter()
        .filter(|m| (m.binding == Binding::Label || m.host_label || m.required) && !matches!(m.ty, Type::EventStream { .. }))
        .map(|m| {
            let set = ident(&m.setter);
            let v = values::placeholder(svc, &m.ty);
            quote! { .#set(::std::option::Option::Some(#v)) }
        });
    Ok(quote! { #empty_stream #(#sets)* })
}

/// The client's side of a case: what it writes, then what it reads.
fn client_side(svc: &Service, op: &Operation, case: &Value, plan: &EventStreamPlan) -> Result<TokenStream, String> {
    let input_stream = Stream::of(svc, &op.input);
    let output_stream = Stream::of(svc, &op.output);
    let method = ident(&op.method);
    let t = testing();
    let (writes, reads) = (plan.request_under_test, plan.response_under_test);
    if !reads && plan.expectation != Expectation::Success {
        return Err("the client is expected to fail, but the case gives it nothing to read".into());
    }
    let mut out = TokenStream::new();
    if writes {
        let setters = input_setters(svc, op, case, false)?;
        let stream = match (&input_stream, plan.request_events.is_empty()) {
            (_, true) => TokenStream::new(),
            (None, false) => return Err("request events on an operation without an input event stream".into()),
            (Some(s), false) => {
                let set = ident(&s.member.setter);
                let items = items(svc, s, &plan.request_events, "events")?;
                quote! { .#set(::std::option::Option::Some(#t::sender(#items))) }
            }
        };
        // An initial request has no `resolvedHost`: `host` stays unchecked.
        let initial = case.get("initialRequest").map(|r| {
            let expected = super::expected_request(r);
            quote! { super::support::check_request(&request, &#expected); }
        });
        let events = (!plan.request_events.is_empty()).then(|| {
            let texts = texts(&plan.request_events);
            quote! {
                let sent = #t::sent_messages(request.into_body()).await.unwrap_or_else(|e| panic!("client: the request body: {e}"));
                #t::assert_messages(&sent, &[#(#texts),*]);
            }
        });
        out.extend(quote! {
            {
                // The client writes the initial request and the request events.
                let http_client = super::support::CaptureClient::default();
                let client = super::support::client(super::support::DEFAULT_HOST, http_client.clone());
                let result = client.#method() #setters #stream .send().await;
                let request = http_client.request(result);
                #initial
                #events
            }
        });
    }
    if reads {
        let setters = input_setters(svc, op, case, true)?;
        let initial = case.get("initialResponse");
        let code = initial.and_then(|r| r.get("code")).and_then(Value::as_u64).unwrap_or(op.http.code as u64) as u16;
        let headers = match initial {
            Some(r) => header_pairs(r),
            None if output_stream.is_some() => vec![quote! { ("Content-Type", ::smithygen_runtime::event_stream::EVENT_STREAM_CONTENT_TYPE) }],
            None => Vec::new(),
        };
        let body = match initial.and_then(|r| str_field(r, "body")) {
            Some(text) => quote! { #text.as_bytes().to_vec() },
            None => {
                let texts = texts(&plan.response_events);
                quote! { #t::received_body(&[#(#texts),*]).expect("the case's events frame") }
            }
        };
        let output = svc.structure(&op.output);
        let read_events = |checks: TokenStream| -> Result<TokenStream, String> {
            match &output_stream {
                Some(s) => {
                    let f = ident(&s.member.field);
                    Ok(quote! {
                        let received = #t::drain(&mut output.#f).await;
                        #checks
                    })
                }
                None if plan.response_events.is_empty() => Ok(TokenStream::new()),
                None => Err("response events on an operation without an output event stream".into()),
            }
        };
        let outcome = match &plan.expectation {
            Expectation::Success => {
                let compare = case.get("initialResponseParams").map(|p| -> Result<TokenStream, String> {
                    let expected = values::structure(svc, &op.output, p, "initialResponseParams")?;
                    let compares = compare_members(&output.members, "client: output");
                    Ok(quote! {
                        {
                            let expected = #expected;
                            let got = &output;
                            #compares
                        }
                    })
                });
                let compare = compare.transpose()?;
                let checks = match &output_stream {
                    Some(s) => received_checks(svc, s, &plan.response_events, &plan.expectation, "client")?,
                    None => TokenStream::new(),
                };
                let events = read_events(checks)?;
                quote! {
                    #[allow(unused_mut)]
                    let mut output = result.expect("client: the initial response is read as the output");
                    #compare
                    #events
                }
            }
            Expectation::Failure(Some(FailureShape::Operation(id))) => {
                let (module, err) = (ident(&op.module), ident(&op.error));
                let variant = error_variant(svc.structure(id));
                let what = format!("client: expected {}::{}", op.error, variant);
                quote! {
                    let error = result.expect_err("client: the initial response is read as an error").into_service_error();
                    match error {
                        crate::operation::#module::#err::#variant(_) => {}
                        other => panic!("{}, got {:?}", #what, other),
                    }
                }
            }
            Expectation::Failure(Some(FailureShape::Unknown(id))) => {
                return Err(format!("errorId {id} is neither an operation error nor an error event"));
            }
            failure => match &output_stream {
                // Without an output stream only the initial response can fail.
                None => quote! { let _ = result.expect_err("client: the call fails"); },
                Some(s) => {
                    let checks = read_events(received_checks(svc, s, &plan.response_events, failure, "client")?)?;
                    // A generic failure may also come with the initial response; an error event
                    // only after it.
                    let on_error = match failure {
                        Expectation::Failure(None) => quote! { Err(_) => {} },
                        _ => quote! { Err(e) => panic!("client: expected an error event, the call failed: {e:?}"), },
                    };
                    quote! {
                        match result {
                            #on_error
                            Ok(mut output) => { #checks }
                        }
                    }
                }
            },
        };
        out.extend(quote! {
            {
                // The client reads the initial response and the response events.
                let http_client = super::support::ReplyClient::with_body(#code, &[#(#headers),*], #body);
                let client = super::support::client(super::support::DEFAULT_HOST, http_client);
                let result = client.#method() #setters .send().await;
                #outcome
            }
        });
    }
    Ok(out)
}

/// The server's side of a case: the request it reads (and its events), the output and events
/// it writes.
fn server_side(svc: &Service, op: &Operation, case: &Value, plan: &EventStreamPlan) -> Result<TokenStream, String> {
    let input_stream = Stream::of(svc, &op.input);
    let output_stream = Stream::of(svc, &op.output);
    let t = testing();
    if !plan.request_under_test && plan.expectation != Expectation::Success {
        return Err("the server is expected to fail, but the case gives it nothing to read".into());
    }
    if input_stream.is_none() && !plan.request_events.is_empty() {
        return Err("request events on an operation without an input event stream".into());
    }
    // The request: the case's initial request as written, else the one our client builds
    // (from `initialRequestParams`, or a valid placeholder when the case says nothing about
    // the request). Its body is the request events' frames when there are any.
    let events_body = (!plan.request_events.is_empty()).then(|| {
        let texts = texts(&plan.request_events);
        quote! { #t::received_body(&[#(#texts),*]).expect("the case's events frame") }
    });
    let request = match case.get("initialRequest") {
        Some(r) => {
            let method = str_field(r, "method").unwrap_or("POST");
            let mut uri = str_field(r, "uri").unwrap_or("/").to_string();
            let query = str_list(r, "queryParams");
            if !query.is_empty() {
                uri.push(if uri.contains('?') { '&' } else { '?' });
                uri.push_str(&query.join("&"));
            }
            let headers = header_pairs(r);
            let head_body = str_field(r, "body").unwrap_or_default();
            let events = events_body.clone().map(|events| quote! { body.extend(#events); });
            quote! {
                #[allow(unused_mut)]
                let mut body = #head_body.as_bytes().to_vec();
                #events
                let request = super::support::raw_request(#method, #uri, &[#(#headers),*], body);
            }
        }
        None => {
            let method = ident(&op.method);
            let setters = input_setters(svc, op, case, !plan.request_under_test)?;
            let body = match &events_body {
                Some(b) => quote! { ::std::option::Option::Some(#b) },
                None => quote! { ::std::option::Option::None },
            };
            quote! {
                let http_client = super::support::CaptureClient::default();
                let client = super::support::client(super::support::DEFAULT_HOST, http_client.clone());
                let result = client.#method() #setters .send().await;
                let request = super::support::server_request(http_client.request(result), #body).await;
            }
        }
    };
    let input_path = shape_path(svc, &op.input);
    let received_ty = match &input_stream {
        Some(s) => s.received(svc),
        None => quote! { () },
    };
    let reply_output = values::structure(svc, &op.output, case.get("initialResponseParams").unwrap_or(&Value::Null), "initialResponseParams")?;
    let reply_events = match &output_stream {
        Some(s) => items(svc, s, &plan.response_events, "events")?,
        None if plan.response_events.is_empty() => quote! { () },
        None => return Err("response events on an operation without an output event stream".into()),
    };
    let call_ty = quote! { (#input_path, #received_ty) };
    let reading = match &plan.expectation {
        Expectation::Success => {
            let compare = case.get("initialRequestParams").map(|p| -> Result<TokenStream, String> {
                let expected = values::structure(svc, &op.input, p, "initialRequestParams")?;
                let compares = compare_members(&svc.structure(&op.input).members, "server: input");
                Ok(quote! {
                    {
                        let expected = #expected;
                        let got = &input;
                        #compares
                    }
                })
            });
            let compare = compare.transpose()?;
            let input = if compare.is_some() { quote! { input } } else { quote! { _input } };
            let events = match &input_stream {
                Some(s) => received_checks(svc, s, &plan.request_events, &plan.expectation, "server")?,
                None => quote! { let () = received; },
            };
            quote! {
                assert!(
                    response.status().is_success(),
                    "server: the request was answered {} ({})",
                    response.status(),
                    ::std::string::String::from_utf8_lossy(response.body()),
                );
                let (#input, received): #call_ty = service.call().expect("server: the implementation was called");
                #compare
                #events
            }
        }
        Expectation::Failure(None) => {
            let events = match &input_stream {
                Some(_) => quote! { #t::assert_failed(&received); },
                None => quote! { panic!("server: expected the request to be rejected, it was read as {input:?}"); },
            };
            quote! {
                match service.call::<#call_ty>() {
                    ::std::option::Option::None => assert!(
                        !response.status().is_success(),
                        "server: the implementation was not called, yet the answer is {}",
                        response.status(),
                    ),
                    ::std::option::Option::Some((input, received)) => {
                        let _ = &input;
                        #events
                    }
                }
            }
        }
        failure => {
            let Some(s) = &input_stream else { return Err("the server is expected to read an error event, but has no input stream".into()) };
            let checks = received_checks(svc, s, &plan.request_events, failure, "server")?;
            quote! {
                // The implementation answers once it has read the stream; what matters is what it read.
                drop(response);
                let (_input, received): #call_ty = service.call().expect("server: the implementation was called");
                #checks
            }
        }
    };
    // What the server writes is checked when it got to write it.
    let writing = (plan.expectation == Expectation::Success).then(|| {
        let initial = case.get("initialResponse");
        let status = initial.and_then(|r| r.get("code")).and_then(Value::as_u64).map(|code| {
            let code = code as u16;
            quote! { assert_eq!(response.status().as_u16(), #code, "server: status"); }
        });
        let headers = initial.map(header_pairs).unwrap_or_default();
        let events = output_stream.as_ref().map(|_| {
            let texts = texts(&plan.response_events);
            quote! {
                let sent = super::support::response_messages(&response).await;
                #t::assert_messages(&sent, &[#(#texts),*]);
            }
        });
        quote! {
            #status
            super::support::check_response_headers(&response, &[#(#headers),*]);
            #events
        }
    });
    Ok(quote! {
        {
            // The server reads the request and its events, and writes the output and the
            // response events.
            let service = super::support::Scripted::new((#reply_output, #reply_events));
            let router = crate::server::router(service.clone());
            #request
            let response = router.handle(request).await;
            #reading
            #writing
        }
    })
}

/// The support pieces of event-stream tests (server side): `Scripted`, an implementation of
/// the service whose event-stream operations record what they read and answer what the test
/// gives them, and the request and response helpers.
pub fn support(svc: &Service) -> TokenStream {
    let service_trait = ident(&svc.server_trait);
    let methods = svc.operations.iter().map(|op| {
        let m = ident(&op.method);
        let input = shape_path(svc, &op.input);
        let (_, output) = super::super::server::method_types(svc, op);
        let module = ident(&op.module);
        let err = ident(&op.error);
        let (input_stream, output_stream) = (Stream::of(svc, &op.input), Stream::of(svc, &op.output));
        if input_stream.is_none() && output_stream.is_none() {
            return super::never_called(svc, op, &format!("{} has no event stream: no event-stream test calls it", op.name));
        }
        let received = match &input_stream {
            Some(_) => quote! { ::smithygen_runtime::event_stream::testing::drain(&mut events).await },
            None => quote! { () },
        };
        let answer = match &output_stream {
            Some(_) => quote! {
                let (output, items) = self.reply();
                ::std::result::Result::Ok((output, ::smithygen_runtime::server::event_stream::EventProducer::items(items)))
            },
            None => quote! {
                let (output, ()) = self.reply();
                ::std::result::Result::Ok(output)
            },
        };
        let events_param = input_stream.as_ref().map(|s| {
            let (union, error) = (s.union(svc), s.error());
            quote! { mut events: crate::primitives::event_stream::EventReceiver<#union, #error>, }
        });
        quote! {
            async fn #m(&self, input: #input, #events_param) -> ::std::result::Result<#output, crate::operation::#module::#err> {
                let received = #received;
                self.record((input, received));
                #answer
            }
        }
    });
    quote! {
        /// An implementation whose event-stream operations record what they read (the input and
        /// the events of its stream, drained) and answer with the reply the test gives (the
        /// output and the items of its stream); its other operations are never called.
        #[cfg(feature = "server")]
        #[derive(::std::clone::Clone, ::std::default::Default)]
        pub(crate) struct Scripted(Arc<ScriptedState>);

        #[cfg(feature = "server")]
        #[derive(::std::default::Default)]
        pub(crate) struct ScriptedState {
            reply: Mutex<::std::option::Option<::std::boxed::Box<dyn ::std::any::Any + ::std::marker::Send>>>,
            call: Mutex<::std::option::Option<::std::boxed::Box<dyn ::std::any::Any + ::std::marker::Send>>>,
        }

        #[cfg(feature = "server")]
        impl Scripted {
            /// An implementation answering `reply`: `(output, items)`, `items` being `()` for
            /// an operation without an output stream.
            pub(crate) fn new(reply: impl ::std::any::Any + ::std::marker::Send) -> Self {
                let state = ScriptedState { reply: Mutex::new(::std::option::Option::Some(::std::boxed::Box::new(reply))), ..::std::default::Default::default() };
                Scripted(Arc::new(state))
            }

            /// What the implementation read, if it was called: `(input, received)`, `received`
            /// being `()` for an operation without an input stream.
            pub(crate) fn call<T: 'static>(&self) -> ::std::option::Option<T> {
                let call = self.0.call.lock().expect("not poisoned").take()?;
                ::std::option::Option::Some(*call.downcast::<T>().unwrap_or_else(|_| panic!("the call has another type than the test expects")))
            }

            fn record(&self, call: impl ::std::any::Any + ::std::marker::Send) {
                *self.0.call.lock().expect("not poisoned") = ::std::option::Option::Some(::std::boxed::Box::new(call));
            }

            fn reply<T: 'static>(&self) -> T {
                let reply = self.0.reply.lock().expect("not poisoned").take().expect("one call per test");
                *reply.downcast::<T>().unwrap_or_else(|_| panic!("the reply has another type than the operation answers"))
            }
        }

        #[cfg(feature = "server")]
        #[allow(unused_variables, unused_mut, unreachable_code)]
        impl crate::server::#service_trait for Scripted {
            #(#methods)*
        }

        /// A request as a test writes it: method, URI (path and query), headers, body.
        #[cfg(feature = "server")]
        pub(crate) fn raw_request(
            method: &str,
            uri: &str,
            headers: &[(&str, &str)],
            body: ::std::vec::Vec<u8>,
        ) -> ::http::Request<::smithygen_runtime::server::Bytes> {
            let mut request = ::http::Request::builder().method(method).uri(uri);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            request.body(body.into()).expect("the test's request is valid HTTP")
        }

        /// The request the client built, for the server: its method, path, query and headers,
        /// and `body` in place of its own (else its own body, read whole).
        #[cfg(feature = "server")]
        pub(crate) async fn server_request(
            request: HttpRequest,
            body: ::std::option::Option<::std::vec::Vec<u8>>,
        ) -> ::http::Request<::smithygen_runtime::server::Bytes> {
            let uri: ::http::Uri = request.uri().parse().expect("the request URI parses");
            let path = uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
            let headers: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = request
                .headers()
                .iter()
                .filter(|(name, _)| !name.eq_ignore_ascii_case("content-length") && !name.eq_ignore_ascii_case("transfer-encoding"))
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect();
            let method = request.method().to_string();
            let body = match body {
                ::std::option::Option::Some(body) => body,
                ::std::option::Option::None => ::aws_smithy_types::byte_stream::ByteStream::new(request.into_body())
                    .collect()
                    .await
                    .expect("the request body reads")
                    .to_vec(),
            };
            let headers: ::std::vec::Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            raw_request(&method, &path, &headers, body)
        }

        /// The messages of an event-stream response the server wrote.
        #[cfg(feature = "server")]
        pub(crate) async fn response_messages(
            response: &::smithygen_runtime::server::ServerResponse,
        ) -> ::std::vec::Vec<::smithygen_runtime::event_stream::Message> {
            let body = ::smithygen_runtime::server::streaming_body(response).expect("server: the response streams its body");
            let chunks = body.collect().await.unwrap_or_else(|e| panic!("server: the response body failed: {e}"));
            let bytes: ::std::vec::Vec<u8> = chunks.concat();
            ::smithygen_runtime::event_stream::testing::decode_frames(&bytes).unwrap_or_else(|e| panic!("server: the response body: {e}"))
        }

        /// Checks response headers (values of a repeated header joined with `, `).
        #[cfg(feature = "server")]
        pub(crate) fn check_response_headers(response: &::smithygen_runtime::server::ServerResponse, expected: &[(&str, &str)]) {
            for (name, value) in expected {
                let got: ::std::vec::Vec<&str> = response.headers().get_all(*name).iter().map(|v| v.to_str().unwrap_or("<not text>")).collect();
                assert_eq!(got.join(", "), *value, "server: header `{name}`");
            }
        }
    }
}
