//! The session calls beyond creating one (docs/PROTOCOL.md, *Sessions*): delete, how long it is
//! kept, a follow-up and its series, and what the server says about keeping data. Keys go in
//! `Authorization`, never the path.

use crate::i18n::T;
use gloo_net::http::Request;
use koersbord_shared::protocol::SessionCreated;
use koersbord_shared::sessions::{Series, ServerInfo, SessionKept};
use serde::de::DeserializeOwned;

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// `GET path` with one of the session's keys: the answer, or `None` for anything but a `200`.
async fn get_with_key<R: DeserializeOwned>(path: &str, key: &str) -> Option<R> {
    let response = Request::get(path)
        .header("Authorization", &bearer(key))
        .send()
        .await
        .ok()?;
    if response.status() != 200 {
        return None;
    }
    response.json().await.ok()
}

/// Deletes the session for good. A session already gone counts as deleted: the wish is met.
pub async fn delete_session(room: &str, facilitator_key: &str) -> Result<(), T> {
    let response = Request::delete(&format!("/api/sessions/{room}"))
        .header("Authorization", &bearer(facilitator_key))
        .send()
        .await
        .map_err(|_| T::SomethingWentWrong)?;
    match response.status() {
        204 | 404 => Ok(()),
        401 | 403 => Err(T::ErrBadKey),
        _ => Err(T::SomethingWentWrong),
    }
}

/// Until when the server keeps this session, for anyone holding one of its keys.
pub async fn session_kept(room: &str, key: &str) -> Option<SessionKept> {
    get_with_key(&format!("/api/sessions/{room}"), key).await
}

/// `POST /api/sessions/{room}/follow-up` with the facilitator's key; the refusal as a text key.
pub async fn create_follow_up(room: &str, facilitator_key: &str) -> Result<SessionCreated, T> {
    let response = Request::post(&format!("/api/sessions/{room}/follow-up"))
        .header("Authorization", &bearer(facilitator_key))
        .send()
        .await
        .map_err(|_| T::SomethingWentWrong)?;
    match response.status() {
        201 => response.json().await.map_err(|_| T::SomethingWentWrong),
        401 | 403 => Err(T::ErrBadKey),
        404 => Err(T::ErrUnknownRoom),
        409 => Err(T::FollowUpNotFinished),
        429 => Err(T::TooManySessions),
        _ => Err(T::SomethingWentWrong),
    }
}

/// The sessions linked to `room` as follow-ups (`GET /api/sessions/{room}/series`), for any of
/// its keys.
pub async fn series(room: &str, key: &str) -> Option<Series> {
    get_with_key(&format!("/api/sessions/{room}/series"), key).await
}

/// How this server keeps data (`--retention-days`, `--org-name`, `--privacy-contact`).
pub async fn server_info() -> Option<ServerInfo> {
    let response = Request::get("/api/info").send().await.ok()?;
    if response.status() != 200 {
        return None;
    }
    response.json().await.ok()
}

/// A moment in ms since the epoch as an ISO date in this browser's time zone, for `long_date`.
pub fn iso_date(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}
