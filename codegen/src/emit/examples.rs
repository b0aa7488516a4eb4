//! `examples/<operation>.rs`: a runnable program per operation whose input is
//! made of simple values, taking them from the command line.

use super::common::*;
use crate::ir::{Operation, Service, Type};
use proc_macro2::TokenStream;
use quote::quote;

fn is_simple(ty: &Type) -> bool {
    matches!(ty, Type::String | Type::Blob { streaming: false } | Type::Integer | Type::Long | Type::Boolean | Type::Enum(_))
}

/// One example file per operation with only simple input members.
pub fn examples(svc: &Service) -> Vec<(String, TokenStream)> {
    svc.operations
        .iter()
        .filter(|op| svc.structure(&op.input).members.iter().all(|m| is_simple(&m.ty)))
        .map(|op| {
            // An example is outside the crate: its paths name the crate instead of `crate`.
            let lib = svc.crate_name.replace('-', "_");
            let tokens = example(svc, op).to_string().replace("crate ::", &format!("{lib} ::"));
            (format!("examples/{}.rs", op.file), tokens.parse().unwrap_or_default())
        })
        .collect()
}

fn flag(name: &str) -> String {
    heck::ToKebabCase::to_kebab_case(name)
}

fn example(svc: &Service, op: &Operation) -> TokenStream {
    let lib = ident(&svc.crate_name.replace('-', "_"));
    let method = ident(&op.method);
    let input = svc.structure(&op.input);
    let output = svc.structure(&op.output);
    let mut usage = format!(
        "Calls {} and prints the output.\n\nUsage: cargo run -p {} --example {} -- [--endpoint-url URL] [--region REGION]",
        op.name,
        svc.crate_name,
        op.file
    );
    for m in &input.members {
        let value = if matches!(m.ty, Type::Blob { .. }) { "TEXT|@FILE" } else { "VALUE" };
        usage.push_str(&format!(" {}--{} {value}{}", if m.required { "" } else { "[" }, flag(&m.name), if m.required { "" } else { "]" }));
    }
    let sets = input.members.iter().map(|m| {
        let f = ident(&m.field);
        let key = flag(&m.name);
        let value = match &m.ty {
            Type::Blob { .. } => quote! {
                match value.strip_prefix('@') {
                    Some(path) => ::aws_smithy_types::Blob::new(std::fs::read(path)?),
                    None => ::aws_smithy_types::Blob::new(value.as_bytes().to_vec()),
                }
            },
            Type::Integer => quote! { value.parse::<i32>()? },
            Type::Long => quote! { value.parse::<i64>()? },
            Type::Boolean => quote! { value.parse::<bool>()? },
            Type::Enum(_) => {
                let t = rust_type(svc, &m.ty);
                quote! { <#t>::from(value.as_str()) }
            }
            _ => quote! { value.clone() },
        };
        let t = rust_type(svc, &m.ty);
        quote! {
            if let Some(value) = args.remove(#key) {
                let value: #t = #value;
                call = call.#f(value);
            }
        }
    });
    let blob_prints = output.members.iter().filter(|m| matches!(m.ty, Type::Blob { streaming: false })).map(|m| {
        let f = ident(&m.field);
        let format = format!("{}: {{}}", m.name);
        quote! {
            if let Some(bytes) = output.#f.as_ref() {
                println!(#format, String::from_utf8_lossy(bytes.as_ref()));
            }
        }
    });
    let usage_lines = doc_lines(&usage);
    let usage_lines = usage_lines.to_string().replace("# [doc", "#![doc");
    let usage_lines: TokenStream = usage_lines.parse().unwrap_or_default();
    let usage_str = usage;
    // Nothing to set on an operation without input members.
    let call_binding = if input.members.is_empty() { quote! { call } } else { quote! { mut call } };
    // The example shows how to call the operation even when it or an input member is deprecated.
    let allow_deprecated = (op.deprecated.is_some() || input.members.iter().any(|m| m.deprecated.is_some()))
        .then(|| quote! { #[allow(deprecated)] });
    quote! {
        #usage_lines
        use std::collections::HashMap;

        const USAGE: &str = #usage_str;

        #[tokio::main]
        #allow_deprecated
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            let mut args: HashMap<String, String> = HashMap::new();
            let mut raw = std::env::args().skip(1);
            while let Some(arg) = raw.next() {
                if arg == "--help" || arg == "-h" {
                    println!("{USAGE}");
                    return Ok(());
                }
                let Some(key) = arg.strip_prefix("--") else {
                    return Err(format!("unexpected argument `{arg}`\n\n{USAGE}").into());
                };
                let value = raw.next().ok_or_else(|| format!("--{key} needs a value\n\n{USAGE}"))?;
                args.insert(key.to_string(), value);
            }
            let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
            if let Some(region) = args.remove("region") {
                loader = loader.region(aws_config::Region::new(region));
            }
            if let Some(url) = args.remove("endpoint-url") {
                loader = loader.endpoint_url(url);
            }
            let sdk_config = loader.load().await;
            let client = #lib::Client::new(&sdk_config);
            let #call_binding = client.#method();
            #(#sets)*
            if let Some(unknown) = args.keys().next() {
                return Err(format!("unknown option --{unknown}\n\n{USAGE}").into());
            }
            let output = call.send().await?;
            println!("{output:#?}");
            #(#blob_prints)*
            Ok(())
        }
    }
}
