//! The metrics listener: `GET /metrics` and nothing else, on its own address. It is a second
//! listener, not a route on the public one, so a deployment shows the numbers to its scraper and
//! never to the internet (the public router answers `/metrics` with 404).

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use tokio_util::sync::CancellationToken;

/// The Prometheus text exposition format.
pub(crate) const CONTENT_TYPE: &str = "text/plain; version=0.0.4";

/// Binds the metrics address now, so a taken port fails the start and the caller learns the port
/// (0 picks one). Blocking std listener, bound before the server is served.
pub(crate) fn bind(addr: SocketAddr) -> anyhow::Result<std::net::TcpListener> {
    if !addr.ip().is_loopback() {
        tracing::warn!(
            %addr,
            "metrics listen on a non-loopback address: it must not be reachable from the public \
             network (firewall it, or bind 127.0.0.1)"
        );
    }
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|e| anyhow::anyhow!("cannot listen for metrics on {addr}: {e}"))?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Serves `/metrics` on `listener` until `stop` is cancelled.
pub(crate) async fn serve(
    listener: std::net::TcpListener,
    stop: CancellationToken,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let router = Router::new().route("/metrics", get(render));
    axum::serve(listener, router)
        .with_graceful_shutdown(stop.cancelled_owned())
        .await
}

async fn render() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        super::recorder().render(),
    )
}
