//! The koersbord server: owns live rooms and their connections, serves the built client.
//!
//! The rules of a room live in `koersbord-shared`; this crate only hosts them. Map:
//! - [`config`]: flags and tuning.
//! - `http`: the router, the JSON API, the static client, security headers.
//! - `ws`: one task per WebSocket: hello, reading, writing, goodbye.
//! - `room`: the registry of live rooms and the task that owns each room.
//! - `keys`, `ratelimit`: capabilities and token buckets.

pub mod config;
mod http;
mod keys;
mod ratelimit;
mod room;
mod ws;

pub use config::{Config, Tuning};

use ratelimit::IpLimiter;
use room::Rooms;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// What every request handler and socket task shares.
#[derive(Clone)]
pub(crate) struct App {
    pub config: Arc<Config>,
    pub rooms: Arc<Rooms>,
    pub join_code_limiter: Arc<IpLimiter>,
    /// Cancelled when the server stops: every socket then says goodbye.
    pub shutdown: CancellationToken,
    /// Every socket task, so shutdown can wait for their goodbyes (axum waits only for requests).
    pub sockets: TaskTracker,
}

impl App {
    fn new(config: Config) -> App {
        let limiter = IpLimiter::per_minute(config.tuning.join_codes_per_min);
        App {
            config: Arc::new(config),
            rooms: Arc::new(Rooms::default()),
            join_code_limiter: Arc::new(limiter),
            shutdown: CancellationToken::new(),
            sockets: TaskTracker::new(),
        }
    }
}

/// Serves koersbord on `listener` until `shutdown` completes, then closes every WebSocket with
/// `shutting_down` (close code 1001) and returns once they are gone or the grace time has passed.
///
/// The caller binds the listener, so it knows the address (port 0 picks a free port).
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = App::new(config);
    let router = http::router(app.clone());
    let token = app.shutdown.clone();
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!("shutting down");
        token.cancel();
    })
    .await?;
    // Upgraded sockets are no longer axum's: they saw the cancellation and are saying goodbye.
    app.sockets.close();
    let grace = app.config.tuning.shutdown_grace;
    if tokio::time::timeout(grace, app.sockets.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            left = app.sockets.len(),
            "sockets still open after the grace time"
        );
    }
    tracing::info!(rooms = app.rooms.count(), "stopped");
    Ok(())
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what container runtimes and systemd send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
