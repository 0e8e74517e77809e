//! The HTTP surface: health, the JSON API, the WebSocket endpoint and the built client, with the
//! same security headers on every response.

mod api;
#[cfg(feature = "embed")]
mod embedded;
mod follow_up_api;
mod sessions_api;
mod static_files;

pub use static_files::ClientSource;

use crate::{App, ws};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{any, delete, get, post};
use tower_http::set_header::SetResponseHeaderLayer;

/// API bodies are a few short texts: at most 1,320 characters, about 5 KiB as UTF-8 and under
/// 16 KiB even with every character `\u`-escaped. Larger bodies get 413.
pub(crate) const API_BODY_LIMIT: usize = 16 * 1024;

/// Only our own origin may run code, connect or frame us (the facilitator's rail frames the shared
/// screen as a preview). `wasm-unsafe-eval` lets the page compile
/// its WebAssembly; inline styles carry dot positions.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    frame-ancestors 'self'; base-uri 'none'; form-action 'self'";

pub(crate) fn router(app: App) -> Router {
    let api = Router::new()
        .route("/sessions", post(api::create_session))
        .route("/join-code", post(api::join_code))
        .route("/protocol.schema.json", get(api::protocol_schema))
        .route(
            "/sessions/{room}",
            delete(sessions_api::delete_session).get(sessions_api::session_kept),
        )
        .route(
            "/sessions/{room}/follow-up",
            post(follow_up_api::create_follow_up),
        )
        .route("/sessions/{room}/series", get(follow_up_api::series))
        .route("/info", get(sessions_api::info))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
        // Answers carry capabilities: no cache, shared or private, keeps them.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let security: [(HeaderName, &'static str); 4] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
    ];
    let client = app.config.client();
    let router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/ws", get(ws::upgrade))
        // Metrics have their own listener (`--metrics-bind`); here the path would fall to the
        // client's page, which answers 200 and misleads a scraper pointed at the wrong port.
        .route("/metrics", any(api::not_found))
        .nest("/api", api);
    let mut router = static_files::serve_client(router, &client).with_state(app);
    for (name, value) in security {
        router = router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
}
