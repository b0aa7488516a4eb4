//! `sagemaker-runtime-mock`: the mock as a process. Serves until SIGINT or SIGTERM, then
//! stops gracefully (queued async requests stay in the data directory for the next start).

use clap::Parser;
use sagemaker_runtime_mock::{MockConfig, MockServer, TlsFiles};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// A local mock of Amazon SageMaker Runtime (InvokeEndpoint, InvokeEndpointAsync), over
/// HTTP/1.1 and HTTP/2 (h2c, or HTTPS with a certificate).
#[derive(Debug, Parser)]
#[command(name = "sagemaker-runtime-mock", version)]
struct Args {
    /// Address to listen on (use port 0 for a free port; the URL is printed on stdout).
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: SocketAddr,
    /// Directory for the async queue journal and the local object store (`s3://bucket/key` is
    /// DIR/bucket/key). Created if missing.
    #[arg(long, default_value = "sagemaker-mock-data")]
    data_dir: PathBuf,
    /// Endpoint behaviours and settings, TOML (or JSON when the name ends in .json).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Serve HTTPS with this PEM certificate chain (the mock's certificate first), HTTP/2 or
    /// HTTP/1.1 as ALPN chooses; with --tls-key. Overrides the config file's [tls]. Without
    /// either, plain HTTP/1.1 and HTTP/2 (h2c) on the same port.
    #[arg(long, requires = "tls_key", value_name = "PEM")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1).
    #[arg(long, requires = "tls_cert", value_name = "PEM")]
    tls_key: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        // Colours only on a terminal, not in log files.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let args = Args::parse();
    let mut config = match &args.config {
        Some(path) => match MockConfig::from_file(path) {
            Ok(config) => config,
            Err(e) => {
                eprintln!("sagemaker-runtime-mock: {e}");
                return ExitCode::from(2);
            }
        },
        None => MockConfig::default(),
    };
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        config.tls = Some(TlsFiles::new(cert, key));
    }
    // Unreadable or mismatched certificate files are a configuration error, reported before
    // anything starts.
    let tls = match config.tls.as_ref().map(TlsFiles::load).transpose() {
        Ok(tls) => tls,
        Err(e) => {
            eprintln!("sagemaker-runtime-mock: {e}");
            return ExitCode::from(2);
        }
    };
    let mut server = MockServer::with_config(config).data_dir(&args.data_dir).listen(args.listen);
    if let Some(tls) = tls {
        server = server.tls(tls);
    }
    let mock = match server.start().await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("sagemaker-runtime-mock: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("sagemaker-runtime-mock listening on {}", mock.url());
    let signal = shutdown_signal().await;
    tracing::info!(signal, "shutting down");
    match mock.stop().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sagemaker-runtime-mock: shutdown: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Waits for SIGINT (Ctrl-C) or, on Unix, SIGTERM; returns which.
async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(term) => term,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only SIGINT stops the mock");
                let _ = tokio::signal::ctrl_c().await;
                return "SIGINT";
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "SIGINT"
    }
}
