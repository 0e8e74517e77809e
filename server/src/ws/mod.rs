//! `GET /ws`: checks where the page came from and how many sockets its address holds, then upgrades
//! and hands the socket to its task.

mod budget;
mod connection;
mod ending;
#[cfg(test)]
mod fuzz_tests;
mod gate;
mod route;

use crate::{App, metrics};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use koersbord_shared::protocol::MAX_FRAME_BYTES;
use std::net::SocketAddr;

/// Sockets the facilitator's and the screen's keys may open in a room beyond
/// [`crate::Tuning::room_connections`]: whoever holds the join link cannot lock the organisers out.
pub(crate) const ORGANISER_RESERVE: usize = 4;

/// What tungstenite may buffer for writing before a send fails: a few full frames. Our own queue
/// is the real bound; this only stops a stuck socket from growing without limit.
const MAX_WRITE_BUFFER: usize = 16 * MAX_FRAME_BYTES;

/// tungstenite's read buffer: allocated up front for every socket (default 128 KiB, which was
/// nearly all of a socket's memory) and zeroed up to its free space before every `read`. Clients
/// send small messages (a drag is under 100 bytes), so 4 KiB takes many at once; a larger frame
/// grows the buffer to the frame's announced length (at most [`MAX_FRAME_READ`]) and is read 4 KiB
/// per `read`.
const READ_BUFFER: usize = 4 * 1024;

/// The largest frame or message tungstenite reads in full. Between [`MAX_FRAME_BYTES`] and this,
/// the connection refuses it itself (`too_large`) after reading it, so no unread bytes are left on
/// the socket when it closes: closing with unread data makes the kernel reset the connection, and
/// the client would lose our error and close frame. With the old 128 KiB buffer a 17 KiB frame was
/// read whole anyway; with 4 KiB tungstenite would refuse it after its first 4 KiB. Larger frames
/// are refused by tungstenite as soon as their header arrives (also `too_large`, but the goodbye
/// may be lost to the reset).
const MAX_FRAME_READ: usize = 4 * MAX_FRAME_BYTES;

/// `GET /ws?room=…`: the room in the address, so a proxy can send every socket of a room to the
/// same server (HAProxy `balance url_param room`, nginx `hash $arg_room`). Optional; when given,
/// the hello must name the same room. Other parameters are ignored.
#[derive(serde::Deserialize)]
pub(crate) struct Address {
    room: Option<String>,
}

pub(crate) async fn upgrade(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    address: Result<Query<Address>, QueryRejection>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    // `?room=a&room=b` and the like: no room to route by, refused before anything is opened.
    let Ok(Query(address)) = address else {
        metrics::refusal("malformed");
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"code": "malformed"})),
        )
            .into_response();
    };
    // Browsers send Origin on every WebSocket; a page elsewhere must not drive a session with the
    // visitor's link. Non-browser clients send none and hold the key anyway.
    if !origin_allowed(&headers, &app.config.allow_origins) {
        metrics::refusal("origin_not_allowed");
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    if app.shutdown.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    // Refused before the upgrade: a flood from one address costs one HTTP answer per try, no
    // socket and no task. A browser sees a failed connection and retries with its backoff, which
    // suits a cap that frees up as others leave.
    let client = app.client_key(peer, &headers);
    let Some(slot) = app
        .address_sockets
        .try_take(&client, app.config.tuning.address_connections)
    else {
        metrics::refusal("too_many_connections");
        return (
            StatusCode::TOO_MANY_REQUESTS,
            Json(serde_json::json!({"code": "too_many_connections"})),
        )
            .into_response();
    };
    // Held by the socket's task, so shutdown can wait for it.
    let tracked = app.sockets.token();
    // The slot lives as long as the socket's task, or as this closure if the upgrade never happens.
    // The write buffer is not allocated up front: it grows to the largest batch the writer feeds
    // before a flush, so the default (write when 128 KiB are waiting, else on flush) costs no
    // memory and keeps a batch in one `write`.
    ws.max_message_size(MAX_FRAME_READ)
        .max_frame_size(MAX_FRAME_READ)
        .read_buffer_size(READ_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .on_upgrade(move |socket| async move {
            connection::run(socket, app, address.room).await;
            drop(slot);
            drop(tracked);
        })
}

/// No Origin, an Origin naming the host the request was sent to (http or https), or one from
/// the allow-list.
fn origin_allowed(headers: &HeaderMap, allow_list: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if allow_list
        .iter()
        .any(|allowed| allowed.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let Some(authority) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| host.eq_ignore_ascii_case(authority))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, host.parse().unwrap());
        if let Some(o) = origin {
            h.insert(header::ORIGIN, o.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_own_host_passes_over_http_and_https() {
        assert!(origin_allowed(&headers(None, "a:1"), &[]));
        assert!(origin_allowed(&headers(Some("http://a:1"), "a:1"), &[]));
        assert!(origin_allowed(
            &headers(Some("https://Board.example"), "board.example"),
            &[]
        ));
    }

    #[test]
    fn foreign_origins_fail_unless_allowed() {
        assert!(!origin_allowed(&headers(Some("http://evil:1"), "a:1"), &[]));
        assert!(!origin_allowed(&headers(Some("http://a:2"), "a:1"), &[]));
        assert!(!origin_allowed(&headers(Some("null"), "a:1"), &[]));
        assert!(!origin_allowed(&headers(Some("ftp://a:1"), "a:1"), &[]));
        let allow = ["https://board.example/".to_string()];
        assert!(origin_allowed(
            &headers(Some("https://board.example"), "10.0.0.5:8080"),
            &allow
        ));
    }
}
