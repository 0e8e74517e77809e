//! The koersbord server: owns live rooms and their connections, serves the built client.
//!
//! The rules of a room live in `koersbord-shared`; this crate only hosts them. Map:
//! - [`config`]: flags and tuning.
//! - `http`: the router, the JSON API, the static client, security headers.
//! - `ws`: one task per WebSocket: hello, reading, writing, goodbye.
//! - `room`: the registry of live rooms and the task that owns each room.
//! - `store`: the database that keeps every session: SQLite (its writer thread; backup and check)
//!   or PostgreSQL (`--database-url`).
//! - `metrics`: Prometheus counters and gauges, and the separate listener that serves them.
//! - `keys`, `ratelimit`, `caps`, `client_addr`: capabilities, token buckets, caps on open sockets
//!   and who a request counts against. docs/SECURITY.md lists every limit.
//!
//! Durability: a command's events are committed to the store before anyone hears of them (see
//! `room::task`); on restart rooms load lazily from the store; on SIGTERM the rooms finish their
//! commits and the writer drains before the process exits.

mod caps;
mod client_addr;
pub mod config;
mod http;
mod keys;
pub mod logging;
mod metrics;
mod ratelimit;
mod retention;
mod room;
mod store;
pub mod tasks;
mod ws;

pub use config::{Config, Task, Tuning};
pub use http::ClientSource;
pub use store::maintenance;

use axum::http::HeaderMap;
use axum::serve::ListenerExt;
use caps::Counter;
use ratelimit::IpLimiter;
use room::Rooms;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use store::{Store, WriterThread};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How long rooms may take to finish their last commits at shutdown. Commits take milliseconds;
/// this only bounds a stuck disk, and keeps the whole stop well under 10 s with the socket grace.
const ROOM_STOP_GRACE: Duration = Duration::from_secs(3);

/// How long a scrape in flight may take once everything else has stopped.
const METRICS_STOP_GRACE: Duration = Duration::from_secs(1);

/// What every request handler and socket task shares.
#[derive(Clone)]
pub(crate) struct App {
    pub config: Arc<Config>,
    pub rooms: Arc<Rooms>,
    pub join_code_limiter: Arc<IpLimiter>,
    pub session_limiter: Arc<IpLimiter>,
    /// Open WebSockets per client address (from the upgrade on) and per room (from a valid hello on).
    pub address_sockets: Arc<Counter<IpAddr>>,
    pub room_sockets: Arc<Counter<String>>,
    /// Cancelled when the server stops: every socket then says goodbye.
    pub shutdown: CancellationToken,
    /// Every socket task, so shutdown can wait for their goodbyes (axum waits only for requests).
    pub sockets: TaskTracker,
}

impl App {
    fn new(config: Config, store: Store, hub: String) -> App {
        let tuning = &config.tuning;
        let limiter = IpLimiter::per_minute(tuning.join_codes_per_min);
        let sessions = IpLimiter::per_hour(tuning.sessions_per_hour, tuning.sessions_burst);
        let rooms = Rooms::new(store, tuning.room_idle)
            .with_drag_tick(Duration::from_millis(tuning.drag_tick_ms))
            .with_hub(hub);
        App {
            config: Arc::new(config),
            rooms: Arc::new(rooms),
            join_code_limiter: Arc::new(limiter),
            session_limiter: Arc::new(sessions),
            address_sockets: Arc::default(),
            room_sockets: Arc::default(),
            shutdown: CancellationToken::new(),
            sockets: TaskTracker::new(),
        }
    }

    /// Who a request counts against for the per-address limits (see `client_addr`).
    pub fn client_key(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        let trusted = &self.config.trusted_proxies;
        if trusted.is_empty() && headers.contains_key("x-forwarded-for") {
            static ONCE: std::sync::Once = std::sync::Once::new();
            ONCE.call_once(|| {
                tracing::warn!(
                    "a request came with X-Forwarded-For but no --trusted-proxy is set: behind a \
                     proxy every client counts as the proxy's address for the per-address limits"
                );
            });
        }
        client_addr::key(peer.ip(), headers, trusted)
    }
}

/// A server with its database open, ready to serve on its listener.
pub struct Server {
    app: App,
    listener: TcpListener,
    /// The metrics listener (`--metrics-bind`), bound in `open` so its address is known early.
    metrics: Option<(std::net::TcpListener, SocketAddr)>,
    store: Store,
    writer: WriterThread,
}

/// A window on a running server, for tests: which rooms are live in memory, how many sockets are
/// open, where the metrics are.
#[derive(Clone)]
pub struct Monitor {
    rooms: Arc<Rooms>,
    address_sockets: Arc<Counter<IpAddr>>,
    room_sockets: Arc<Counter<String>>,
    metrics_addr: Option<SocketAddr>,
}

impl Monitor {
    /// Where `GET /metrics` is served, if `--metrics-bind` was given (with the port it got).
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// Open WebSockets from this client address (as the per-address cap counts them).
    pub fn sockets_from(&self, ip: IpAddr) -> usize {
        self.address_sockets.count(&ip)
    }

    /// Open WebSockets that said a valid hello to this room.
    pub fn sockets_in(&self, room: &str) -> usize {
        self.room_sockets.count(&room.to_owned())
    }

    /// Runs the retention sweep as if the clock showed `now_ms` (see `Rooms::sweep`).
    pub async fn sweep(&self, now_ms: u64, days: u32) -> usize {
        self.rooms.sweep(now_ms, days).await.expect("sweep")
    }

    /// Whether the room is loaded (has a task) now.
    pub fn is_live(&self, room: &str) -> bool {
        self.rooms.get(room).is_some()
    }

    pub fn live_rooms(&self) -> usize {
        self.rooms.count()
    }
}

impl Server {
    /// Opens (or creates) the database from `config` (SQLite, or PostgreSQL with `--database-url`)
    /// and prepares to serve on `listener`. The
    /// caller binds the listener, so it knows the address (port 0 picks a free port).
    pub async fn open(config: Config, listener: TcpListener) -> anyhow::Result<Server> {
        // Before anything records: handles made before the recorder exists record nothing.
        let metrics = match config.metrics_bind {
            Some(addr) => {
                metrics::recorder();
                let listener = metrics::endpoint::bind(addr)?;
                let addr = listener.local_addr()?;
                Some((listener, addr))
            }
            None => None,
        };
        let (store, writer) = match &config.database_url {
            Some(url) => Store::connect_pooled(url, config.database_pool).await?,
            None => {
                let path = config.db_path()?;
                let opened = Store::open(&path).map_err(|e| {
                    anyhow::anyhow!("cannot open the database {}: {e}", path.display())
                })?;
                tracing::info!(db = %path.display(), "database open");
                opened
            }
        };
        let hub = room::lease::hub_name(config.hub_id.as_deref(), listener.local_addr()?.port());
        if store.is_shared() {
            tracing::info!(hub = %hub, "sharing the database with other servers");
        }
        Ok(Server {
            app: App::new(config, store.clone(), hub),
            listener,
            metrics,
            store,
            writer,
        })
    }

    /// Where `GET /metrics` is served, if `--metrics-bind` was given (with the port it got).
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|(_, addr)| *addr)
    }

    pub fn monitor(&self) -> Monitor {
        Monitor {
            rooms: self.app.rooms.clone(),
            address_sockets: self.app.address_sockets.clone(),
            room_sockets: self.app.room_sockets.clone(),
            metrics_addr: self.metrics_addr(),
        }
    }

    /// Serves until `shutdown` completes. Then it stops accepting, closes every WebSocket with
    /// `shutting_down` (close code 1001), lets every room commit what it is working on, drains the
    /// database writer and returns.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Server {
            app,
            listener,
            metrics,
            store,
            writer,
        } = self;
        // Metrics stay up until the very end, so a scrape sees the drain of a shutdown.
        let stop_metrics = CancellationToken::new();
        let metrics = metrics.map(|(listener, _)| {
            tokio::spawn(metrics::endpoint::serve(listener, stop_metrics.clone()))
        });
        let router = http::router(app.clone());
        let token = app.shutdown.clone();
        let sweeper = tokio::spawn(retention::run(
            app.rooms.clone(),
            app.config.tuning.retention_days,
            app.shutdown.clone(),
        ));
        // Leases matter only where other servers share the database.
        let leases = store
            .is_shared()
            .then(|| tokio::spawn(room::lease::keep(app.rooms.clone(), app.shutdown.clone())));
        // Frames are small and must leave at once: without TCP_NODELAY, Nagle's algorithm holds a
        // frame while the previous one is unacknowledged, which on a real network adds up to a
        // round trip (more with delayed ACKs) to a drag relay.
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "cannot set TCP_NODELAY");
            }
        });
        let served = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down");
            token.cancel();
        })
        .await;
        // Even if serving failed, what the rooms hold must reach the disk.
        close_sockets(&app).await;
        // A sweep in progress finishes its session; none starts after the cancel.
        let _ = sweeper.await;
        if let Some(leases) = leases {
            let _ = leases.await;
        }
        let rooms = app.rooms.count();
        app.rooms.stop(ROOM_STOP_GRACE).await;
        store.close().await;
        writer.join().await;
        stop_metrics.cancel();
        if let Some(metrics) = metrics {
            // A scrape in flight may finish; a stuck scraper does not hold up the exit.
            match tokio::time::timeout(METRICS_STOP_GRACE, metrics).await {
                Ok(Ok(Err(e))) => tracing::warn!(error = %e, "the metrics listener failed"),
                Ok(Err(e)) => tracing::warn!(error = %e, "the metrics listener panicked"),
                Err(_) => tracing::warn!("the metrics listener did not stop in time"),
                Ok(Ok(Ok(()))) => {}
            }
        }
        tracing::info!(rooms, "stopped");
        Ok(served?)
    }
}

/// Says goodbye to every socket: upgraded sockets are not axum's, they watch the cancellation.
async fn close_sockets(app: &App) {
    app.shutdown.cancel();
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
}

/// Opens the database and serves on `listener` until `shutdown` completes; see [`Server::run`].
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    Server::open(config, listener).await?.run(shutdown).await
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
