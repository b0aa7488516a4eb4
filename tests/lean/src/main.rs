//! `lean-client [--without-http-client] <endpoint-name> [endpoint-url]`: one `InvokeEndpoint`
//! call (body `{"x":1}`) through the lean setup of this crate's library (region from
//! `AWS_REGION`, default `us-east-1`); prints the response body. `--without-http-client` leaves
//! the HTTP client unset, to show that none is compiled in.

use sagemaker_runtime::primitives::Blob;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let without_client = args.first().is_some_and(|a| a == "--without-http-client");
    if without_client {
        args.remove(0);
    }
    let mut args = args.into_iter();
    let Some(endpoint_name) = args.next() else {
        eprintln!("usage: lean-client [--without-http-client] <endpoint-name> [endpoint-url]");
        return std::process::ExitCode::from(2);
    };
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let http_client = (!without_client).then(lean_client::http_client);
    let client = lean_client::client(&region, args.next().as_deref(), http_client);
    let call = client.invoke_endpoint().endpoint_name(endpoint_name).content_type("application/json");
    match call.body(Blob::new(br#"{"x":1}"#.to_vec())).send().await {
        Ok(out) => {
            println!("{}", String::from_utf8_lossy(out.body().map(|b| b.as_ref()).unwrap_or_default()));
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", sagemaker_runtime::error::DisplayErrorContext(&e));
            std::process::ExitCode::FAILURE
        }
    }
}
