//! `koersbord`: parse flags, set up logging, bind, open the database, announce the addresses (the
//! public one first, then the metrics one if any), serve.

use anyhow::Context;
use clap::Parser;
use koersbord_server::{Config, Server, logging, shutdown_signal};
use std::io::Write;
use tracing_subscriber::util::SubscriberInitExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    // Logs go to stderr: stdout carries only the start-up lines that scripts and tests parse.
    logging::subscriber_as(
        config.log_format,
        std::io::stderr,
        logging::env_filter(),
        true,
    )
    .init();

    let listener = tokio::net::TcpListener::bind((config.bind, config.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", config.bind, config.port))?;
    let addr = listener.local_addr()?;
    // The database opens before the start-up line, so the line means "ready, with its data".
    let server = Server::open(config.clone(), listener)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "koersbord listening on http://{addr}")?;
    if let Some(metrics) = server.metrics_addr() {
        writeln!(stdout, "koersbord metrics on http://{metrics}/metrics")?;
    }
    stdout.flush()?;
    drop(stdout);
    if !config.dist.join("index.html").is_file() {
        tracing::warn!(dist = %config.dist.display(), "client not built: run cargo xtask serve");
    }

    server.run(shutdown_signal()).await
}
