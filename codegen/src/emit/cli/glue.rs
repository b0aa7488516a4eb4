//! The CLI's glue code: canonical input JSON (already checked against the specs by the runtime)
//! into the client's builders, and the client's outputs back into JSON, member by member, with
//! one function per structure and union (`in_<shape>` / `out_<shape>`).

use crate::emit::common::ident;
use crate::cli_plan::{CliPlan, Command, EventForm};
use crate::ir::{Member, Service, Type, TypeHome};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

fn rt() -> TokenStream {
    quote! { ::smithygen_cli_runtime::convert }
}

/// What every rendering here needs: the service, its CLI plan and the client crate's name.
pub struct Cx<'a> {
    /// The service.
    pub svc: &'a Service,
    /// Its command-line plan.
    pub plan: &'a CliPlan,
    /// The client crate.
    pub client: Ident,
}

/// The client's path of a structure, union or enum.
fn client_path(cx: &Cx, id: &str) -> TokenStream {
    let (svc, client) = (cx.svc, &cx.client);
    if let Some(s) = svc.structures.get(id) {
        let name = ident(&s.rust_name);
        return match &s.home {
            TypeHome::Types => quote! { ::#client::types::#name },
            TypeHome::Errors => quote! { ::#client::types::error::#name },
            TypeHome::Operation(module) => {
                let module = ident(module);
                quote! { ::#client::operation::#module::#name }
            }
        };
    }
    let name = match (svc.enums.get(id), svc.unions.get(id)) {
        (Some(e), _) => ident(&e.rust_name),
        (_, Some(u)) => ident(&u.rust_name),
        _ => {
            let msg = format!("shape {id} was not lowered");
            return quote! { compile_error!(#msg) };
        }
    };
    quote! { ::#client::types::#name }
}

/// An expression of the member's Rust type from `v: &Value` (canonical JSON) at `path: &str`.
fn from_json(cx: &Cx, ty: &Type) -> TokenStream {
    let client = &cx.client;
    let rt = rt();
    match ty {
        Type::String => quote! { #rt::string(v, path)? },
        Type::BigInteger | Type::BigDecimal => quote! { #rt::big(v, path)? },
        Type::Enum(id) => {
            let e = client_path(cx, id);
            quote! { #e::from(#rt::string(v, path)?.as_str()) }
        }
        Type::Boolean => quote! { #rt::boolean(v, path)? },
        Type::Byte | Type::Short | Type::Integer | Type::Long => quote! { #rt::integer(v, path)? },
        Type::IntEnum(id) => {
            let e = client_path(cx, id);
            quote! { #e::from(#rt::integer::<i32>(v, path)?) }
        }
        Type::Float => quote! { #rt::float(v, path)? },
        Type::Double => quote! { #rt::double(v, path)? },
        Type::Blob { streaming: false } => quote! { #rt::blob(v, path)? },
        Type::Blob { streaming: true } => quote! { ::#client::primitives::ByteStream::from(#rt::blob(v, path)?.into_inner()) },
        Type::Timestamp => quote! { #rt::timestamp(v, path)? },
        Type::Document => quote! { #rt::document(v) },
        Type::List(c) => {
            let item = from_json(cx, &c.item);
            let item = if c.sparse { quote! { if v.is_null() { ::std::option::Option::None } else { ::std::option::Option::Some(#item) } } } else { item };
            quote! { #rt::list(v, path, |v, path| ::std::result::Result::Ok(#item))? }
        }
        Type::Map(c) => {
            let item = from_json(cx, &c.item);
            let item = if c.sparse { quote! { if v.is_null() { ::std::option::Option::None } else { ::std::option::Option::Some(#item) } } } else { item };
            quote! { #rt::map(v, path, |v, path| ::std::result::Result::Ok(#item))? }
        }
        Type::Structure(id) => {
            let f = ident(&cx.plan.shape(id).from_json);
            quote! { #f(v, path)? }
        }
        Type::Union(id) => {
            let f = ident(&cx.plan.shape(id).from_json);
            quote! { #f(v, path)? }
        }
        Type::Unit | Type::EventStream { .. } => quote! { #rt::unsupported(path)? },
    }
}

/// A member's value from JSON, boxed when the member closes a cycle.
fn member_from_json(cx: &Cx, m: &Member) -> TokenStream {
    let value = from_json(cx, &m.ty);
    if m.boxed {
        quote! { ::std::boxed::Box::new(#value) }
    } else {
        value
    }
}

/// A JSON value from `x: &T` of the type.
fn to_json(cx: &Cx, ty: &Type) -> TokenStream {
    let rt = rt();
    match ty {
        Type::String | Type::Enum(_) => quote! { ::serde_json::Value::from(x.as_str()) },
        Type::BigInteger | Type::BigDecimal => quote! { #rt::big_json(x.as_ref()) },
        Type::IntEnum(_) => quote! { ::serde_json::Value::from(x.value()) },
        Type::Boolean | Type::Byte | Type::Short | Type::Integer | Type::Long | Type::Float | Type::Double => quote! { ::serde_json::Value::from(*x) },
        Type::Blob { streaming: false } => quote! { #rt::blob_json(x) },
        Type::Timestamp => quote! { #rt::timestamp_json(x) },
        Type::Document => quote! { #rt::document_json(x) },
        Type::List(c) => {
            let item = to_json(cx, &c.item);
            let item = if c.sparse { quote! { match x { ::std::option::Option::Some(x) => #item, ::std::option::Option::None => ::serde_json::Value::Null } } } else { item };
            quote! { ::serde_json::Value::Array(x.iter().map(|x| #item).collect()) }
        }
        Type::Map(c) => {
            let item = to_json(cx, &c.item);
            let item = if c.sparse { quote! { match x { ::std::option::Option::Some(x) => #item, ::std::option::Option::None => ::serde_json::Value::Null } } } else { item };
            quote! { #rt::map_json(x, |x| #item) }
        }
        Type::Structure(id) => {
            let f = ident(&cx.plan.shape(id).to_json);
            quote! { #f(x) }
        }
        Type::Union(id) => {
            let f = ident(&cx.plan.shape(id).to_json);
            quote! { #f(x) }
        }
        Type::Blob { streaming: true } | Type::Unit | Type::EventStream { .. } => quote! { ::serde_json::Value::Null },
    }
}

/// Statements adding the members of `s: &Struct` to `object: Map`.
fn members_to_json<'a>(cx: &Cx, members: impl Iterator<Item = &'a Member>) -> Vec<TokenStream> {
    members
        .filter(|m| !matches!(m.ty, Type::Blob { streaming: true } | Type::EventStream { .. }))
        .map(|m| {
            let name = &m.name;
            let field = ident(&m.field);
            let value = to_json(cx, &m.ty);
            if m.is_optional() {
                quote! { if let ::std::option::Option::Some(x) = &s.#field { object.insert(#name.into(), #value); } }
            } else {
                quote! { { let x = &s.#field; object.insert(#name.into(), #value); } }
            }
        })
        .collect()
}

/// `in_<shape>` for input shapes and `out_<shape>` for output shapes (input shapes too: the
/// round-trip test turns built inputs back into JSON).
pub fn shape_fns(cx: &Cx) -> TokenStream {
    let (svc, plan) = (cx.svc, cx.plan);
    let (input, output) = (&plan.input_shapes, &plan.output_shapes);
    let rt = rt();
    let ins = input.iter().filter_map(|id| {
        let path = client_path(cx, id);
        if let Some(s) = svc.structures.get(id) {
            let f = ident(&plan.shape(id).from_json);
            let arms = s.members.iter().map(|m| {
                let name = &m.name;
                let setter = ident(&m.setter);
                let value = member_from_json(cx, m);
                quote! { #name => { builder = builder.#setter(::std::option::Option::Some(#value)); } }
            });
            if s.members.is_empty() {
                // Nothing to set: only an unknown member can be there.
                return Some(quote! {
                    fn #f(v: &::serde_json::Value, path: &str) -> ::std::result::Result<#path, ::smithygen_cli_runtime::CliError> {
                        if let ::std::option::Option::Some((key, _)) = #rt::object(v, path)?.iter().find(|(_, v)| !v.is_null()) {
                            return ::std::result::Result::Err(#rt::unknown_member(&format!("{path}.{key}")));
                        }
                        ::std::result::Result::Ok(#path::builder().build())
                    }
                });
            }
            return Some(quote! {
                fn #f(v: &::serde_json::Value, path: &str) -> ::std::result::Result<#path, ::smithygen_cli_runtime::CliError> {
                    let mut builder = #path::builder();
                    for (key, v) in #rt::object(v, path)? {
                        if v.is_null() {
                            continue;
                        }
                        let path = &format!("{path}.{key}");
                        match key.as_str() {
                            #(#arms)*
                            _ => return ::std::result::Result::Err(#rt::unknown_member(path)),
                        }
                    }
                    ::std::result::Result::Ok(builder.build())
                }
            });
        }
        // An event-stream union is read from JSON only when a command takes its events as JSON.
        let u = svc.unions.get(id).filter(|u| !u.streaming || plan.json_event_unions.contains(id))?;
        let f = ident(&plan.shape(id).from_json);
        let arms = u.members.iter().map(|m| {
            let name = &m.name;
            let variant = ident(&m.variant);
            if m.ty == Type::Unit {
                quote! { #name => #path::#variant, }
            } else {
                let value = member_from_json(cx, m);
                quote! { #name => #path::#variant(#value), }
            }
        });
        Some(quote! {
            fn #f(v: &::serde_json::Value, path: &str) -> ::std::result::Result<#path, ::smithygen_cli_runtime::CliError> {
                let (key, v) = #rt::union(v, path)?;
                let path = &format!("{path}.{key}");
                ::std::result::Result::Ok(match key.as_str() {
                    #(#arms)*
                    _ => return ::std::result::Result::Err(#rt::unknown_member(path)),
                })
            }
        })
    });
    let outs = input.union(output).filter_map(|id| {
        let path = client_path(cx, id);
        if let Some(s) = svc.structures.get(id) {
            let f = ident(&plan.shape(id).to_json);
            let sets = members_to_json(cx, s.members.iter());
            return Some(quote! {
                fn #f(s: &#path) -> ::serde_json::Value {
                    let mut object = ::serde_json::Map::new();
                    #(#sets)*
                    ::serde_json::Value::Object(object)
                }
            });
        }
        let u = svc.unions.get(id).filter(|u| !u.streaming || plan.json_event_unions.contains(id))?;
        let f = ident(&plan.shape(id).to_json);
        let arms = u.members.iter().map(|m| {
            let name = &m.name;
            let variant = ident(&m.variant);
            if m.ty == Type::Unit {
                quote! { #path::#variant => (#name, ::serde_json::Value::Object(::serde_json::Map::new())), }
            } else {
                let value = to_json(cx, &m.ty);
                quote! { #path::#variant(x) => (#name, #value), }
            }
        });
        Some(quote! {
            fn #f(u: &#path) -> ::serde_json::Value {
                let (key, value) = match u {
                    #(#arms)*
                    // A member of a newer model than this CLI's: named as the AWS CLI names it.
                    _ => ("SDK_UNKNOWN_MEMBER", ::serde_json::Value::Object(::serde_json::Map::new())),
                };
                ::serde_json::Value::Object([(key.to_string(), value)].into_iter().collect())
            }
        })
    });
    // Operation inputs back to JSON, for the round-trip test.
    let op_inputs = plan.commands.iter().filter(|c| svc.operations[c.operation].input_stream.is_none()).map(|c| {
        let op = &svc.operations[c.operation];
        let s = svc.structure(&op.input);
        let f = ident(&c.input_json_fn);
        let path = client_path(cx, &op.input);
        let sets = members_to_json(cx, s.members.iter());
        quote! {
            fn #f(s: &#path) -> ::serde_json::Value {
                let mut object = ::serde_json::Map::new();
                #(#sets)*
                ::serde_json::Value::Object(object)
            }
        }
    });
    quote! { #(#ins)* #(#outs)* #(#op_inputs)* }
}

/// `input_<op>` (canonical input into the fluent builder) and `call_<op>` (the call, its output
/// as JSON and the payload or stream written to the outfile).
pub fn call_fn(cx: &Cx, command: &Command) -> TokenStream {
    let (svc, client) = (cx.svc, &cx.client);
    let op = &svc.operations[command.operation];
    let output = svc.structure(&op.output);
    let payload = command.outfile.map(|i| &output.members[i]);
    let rt = rt();
    let call = ident(&command.call_fn);
    let input_fn = ident(&command.input_fn);
    let method = ident(&op.method);
    let module = ident(&op.module);
    let fluent = ident(&op.fluent_builder);
    // The input stream, when there is one, is no key of the input: its events come from `events`.
    let settable: Vec<&Member> = svc
        .structure(&op.input)
        .members
        .iter()
        .enumerate()
        .filter(|(i, _)| command.input_events.as_ref().map(|e| e.member) != Some(*i))
        .map(|(_, m)| m)
        .collect();
    let arms = settable.iter().map(|m| {
        let name = &m.name;
        let setter = ident(&m.setter);
        let value = member_from_json(cx, m);
        quote! { #name => { call = call.#setter(::std::option::Option::Some(#value)); } }
    });
    let send_events = input_events(cx, command);
    let payload_name = payload.map(|m| m.name.as_str());
    let sets = members_to_json(cx, output.members.iter().filter(|m| Some(m.name.as_str()) != payload_name));
    let write_payload = match payload {
        None => quote! {},
        Some(m) => {
            let field = ident(&m.field);
            match &m.ty {
                Type::EventStream { union, .. } => stream_events(cx, &field, union),
                Type::Blob { streaming: true } => {
                    let body = if m.is_optional() { quote! { s.#field.take() } } else { quote! { ::std::option::Option::Some(::std::mem::take(&mut s.#field)) } };
                    quote! {
                        if let ::std::option::Option::Some(mut body) = #body {
                            while let ::std::option::Option::Some(chunk) = body.next().await {
                                let chunk = chunk.map_err(|e| ::smithygen_cli_runtime::CliError::client(::smithygen_cli_runtime::convert::error_chain(&e)))?;
                                if let ::std::option::Option::Some(out) = sink.as_mut() {
                                    out.part(&chunk)?;
                                }
                            }
                        }
                    }
                }
                _ if m.is_optional() => quote! { outcome.payload = s.#field.take().map(|b| b.into_inner()); },
                _ => quote! { outcome.payload = ::std::option::Option::Some(::std::mem::take(&mut s.#field).into_inner()); },
            }
        }
    };
    let set = if settable.is_empty() {
        quote! {
            if let ::std::option::Option::Some(key) = input.keys().next() {
                return ::std::result::Result::Err(#rt::unknown_member(key));
            }
        }
    } else {
        quote! {
            for (key, v) in input {
                let path = key.as_str();
                match path {
                    #(#arms)*
                    _ => return ::std::result::Result::Err(#rt::unknown_member(path)),
                }
            }
        }
    };
    // A modeled error's other members are printed after its message.
    let (to_cli_error, details_fn) = match &command.error_details_fn {
        None => (quote! { ::smithygen_cli_runtime::CliError::from_sdk }, quote! {}),
        Some(f) => {
            let f = ident(f);
            let error = ident(&op.error);
            let arms = op.errors.iter().filter_map(|e| {
                let s = svc.structure(e);
                let sets = members_to_json(cx, crate::cli_plan::error_detail_members(s));
                if sets.is_empty() {
                    return None;
                }
                let variant = super::super::common::error_variant(s);
                Some(quote! {
                    ::std::option::Option::Some(::#client::operation::#module::#error::#variant(s)) => { #(#sets)* }
                })
            });
            (
                quote! { |e| { let details = #f(&e); ::smithygen_cli_runtime::CliError::from_sdk(e).with_details(details) } },
                quote! {
                    /// The members of a modeled error other than its message, as JSON.
                    fn #f<R>(
                        err: &::#client::error::SdkError<::#client::operation::#module::#error, R>,
                    ) -> ::serde_json::Map<::std::string::String, ::serde_json::Value> {
                        let mut object = ::serde_json::Map::new();
                        #[allow(clippy::single_match)]
                        match err.as_service_error() {
                            #(#arms)*
                            _ => {}
                        }
                        object
                    }
                },
            )
        }
    };
    quote! {
        #details_fn

        fn #input_fn(
            mut call: ::#client::operation::#module::builders::#fluent,
            input: &::serde_json::Map<::std::string::String, ::serde_json::Value>,
        ) -> ::std::result::Result<::#client::operation::#module::builders::#fluent, ::smithygen_cli_runtime::CliError> {
            #set
            ::std::result::Result::Ok(call)
        }

        async fn #call(
            config: ::#client::Config,
            input: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            sink: ::std::option::Option<&mut ::smithygen_cli_runtime::Sink>,
            events: ::std::option::Option<::smithygen_cli_runtime::EventSource>,
        ) -> ::std::result::Result<::smithygen_cli_runtime::Outcome, ::smithygen_cli_runtime::CliError> {
            let client = ::#client::Client::from_conf(config);
            let call = #input_fn(client.#method(), &input)?;
            #send_events
            let mut s = call.send().await.map_err(#to_cli_error)?;
            let mut outcome = ::smithygen_cli_runtime::Outcome::default();
            let mut sink = sink;
            #write_payload
            let mut object = ::serde_json::Map::new();
            #(#sets)*
            outcome.output = object;
            ::std::result::Result::Ok(outcome)
        }
    }
}

/// Sets the command's input event stream (when the operation has one) on the fluent builder
/// `call`: the events `events` reads, each converted into the client's event as it comes.
fn input_events(cx: &Cx, command: &Command) -> TokenStream {
    let Some(events) = &command.input_events else { return quote! {} };
    let (svc, client) = (cx.svc, &cx.client);
    let rt = rt();
    let op = &svc.operations[command.operation];
    let setter = ident(&svc.structure(&op.input).members[events.member].setter);
    let union = &svc.unions[&events.union];
    let union_path = client_path(cx, &union.id);
    let item = quote! { item: ::smithygen_cli_runtime::EventItem };
    let (setup, convert) = match &events.form {
        EventForm::Json => {
            let f = ident(&cx.plan.shape(&union.id).from_json);
            let option = format!("--{}", events.option);
            (quote! {}, quote! { move |#item| #f(item.json(), #option) })
        }
        EventForm::Payload { event, payload, headers } => {
            let event_member = &union.members[*event];
            let variant = ident(&event_member.variant);
            let Type::Structure(target) = &event_member.ty else { unreachable!("events are structures") };
            let s = svc.structure(target);
            let event_path = client_path(cx, target);
            let payload = ident(&s.members[*payload].setter);
            let arms = headers.iter().map(|(i, _)| {
                let m = &s.members[*i];
                let name = &m.name;
                let setter = ident(&m.setter);
                let value = member_from_json(cx, m);
                quote! { #name => { event = event.#setter(::std::option::Option::Some(#value)); } }
            });
            // The header options given, set once on a builder every event starts from.
            let set_headers = if headers.is_empty() {
                quote! {}
            } else {
                quote! {
                    for (key, v) in events.headers() {
                        let path = key.as_str();
                        match path {
                            #(#arms)*
                            _ => return ::std::result::Result::Err(#rt::unknown_member(path)),
                        }
                    }
                }
            };
            let built = quote! { event.clone().#payload(::std::option::Option::Some(::#client::primitives::Blob::new(item.into_bytes()))).build() };
            let built = if event_member.boxed { quote! { ::std::boxed::Box::new(#built) } } else { built };
            (
                quote! {
                    let mut event = #event_path::builder();
                    #set_headers
                },
                quote! { move |#item| ::std::result::Result::Ok(#union_path::#variant(#built)) },
            )
        }
    };
    quote! {
        let events = events.ok_or_else(|| ::smithygen_cli_runtime::CliError::client("no input events were opened"))?;
        #setup
        let stream = events.stream(#convert);
        let call = call.#setter(::std::option::Option::Some(::#client::primitives::event_stream::EventStreamSender::from(stream)));
    }
}

/// Reads an output event stream to its end, writing each event to the sink as it arrives
/// (flushed per part): an event's blobs as raw bytes, an event without blobs as one JSON line
/// (`{"Event": {...}}`); an error event ends the command as a service error. The stream's blob
/// data (the plan's `blob_data`) goes through `Sink::data`, which decodes it under `--decode`.
fn stream_events(cx: &Cx, field: &Ident, union: &str) -> TokenStream {
    let svc = cx.svc;
    let u = &svc.unions[union];
    let name = client_path(cx, &u.id);
    let data = u.event_stream.as_ref().and_then(|es| es.blob_data.as_ref());
    let arms = u.members.iter().enumerate().filter_map(|(index, m)| {
        let Type::Structure(id) = &m.ty else { return None };
        let variant = ident(&m.variant);
        let event = svc.structure(id);
        let blobs: Vec<&Member> = event.members.iter().filter(|f| matches!(f.ty, Type::Blob { streaming: false })).collect();
        if blobs.is_empty() {
            let out = ident(&cx.plan.shape(id).to_json);
            let label = &m.name;
            return Some(quote! {
                #name::#variant(event) => {
                    let line = ::serde_json::Value::Object([(#label.to_string(), #out(&event))].into_iter().collect());
                    if let ::std::option::Option::Some(out) = sink.as_mut() {
                        out.part(format!("{line}\n").as_bytes())?;
                    }
                }
            });
        }
        let writes = blobs.iter().map(|f| {
            let f_field = ident(&f.field);
            let is_data = data.is_some_and(|d| d.event == index && d.member == f.name);
            let write = if is_data { quote! { data } } else { quote! { part } };
            if f.is_optional() {
                quote! { if let (::std::option::Option::Some(b), ::std::option::Option::Some(out)) = (&event.#f_field, sink.as_mut()) { out.#write(b.as_ref())?; } }
            } else {
                quote! { if let ::std::option::Option::Some(out) = sink.as_mut() { out.#write(event.#f_field.as_ref())?; } }
            }
        });
        Some(quote! { #name::#variant(event) => { #(#writes)* } })
    });
    quote! {
        while let ::std::option::Option::Some(event) = s.#field.recv().await.map_err(::smithygen_cli_runtime::CliError::from_sdk)? {
            #[allow(unreachable_patterns)]
            match event {
                #(#arms)*
                _ => {}
            }
        }
    }
}
