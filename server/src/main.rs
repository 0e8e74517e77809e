//! `koersbord`: parse flags, set up logging, bind, open the database, announce the addresses (the
//! public one first, then the metrics one if any), serve; or one of the maintenance commands
//! (`backup`, `check`, `healthcheck`).

use anyhow::Context;
use clap::Parser;
use koersbord_server::{Config, Server, Task, logging, shutdown_signal, tasks};
use std::io::Write;
use std::process::ExitCode;
use tracing_subscriber::util::SubscriberInitExt;

fn main() -> ExitCode {
    let config = Config::parse();
    match &config.command {
        Some(Task::Backup { to }) => tasks::backup(&config, to),
        Some(Task::Check) => tasks::check(&config),
        Some(Task::Healthcheck) => tasks::healthcheck(&config),
        None | Some(Task::Serve) => match serve(config) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("koersbord: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}

#[tokio::main]
async fn serve(config: Config) -> anyhow::Result<()> {
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
    let server = Server::open(config.clone(), listener).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "koersbord listening on http://{addr}")?;
    if let Some(metrics) = server.metrics_addr() {
        writeln!(stdout, "koersbord metrics on http://{metrics}/metrics")?;
    }
    stdout.flush()?;
    drop(stdout);
    match config.client() {
        source if !source.is_built() => {
            tracing::warn!(client = ?source, "client not built: run cargo xtask serve")
        }
        source => tracing::info!(client = ?source, "serving the client"),
    }

    server.run(shutdown_signal()).await
}
