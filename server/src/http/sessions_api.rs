//! A session after its creation: `DELETE /api/sessions/{room}` (the facilitator removes it and
//! everything it holds), `GET /api/sessions/{room}` (how long it is kept) and `GET /api/info`
//! (how this server keeps data, for the privacy page). Keys come in `Authorization: Bearer`,
//! never in the path, so they stay out of access logs.

use super::api::ApiError;
use crate::App;
use crate::room::Deletion;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use koersbord_shared::sessions::{ServerInfo, SessionKept, kept_until};

/// The key in `Authorization: Bearer <key>`; any other form counts as none.
pub(super) fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(ApiError::MissingKey)
}

/// Deletes the session for its facilitator: its sockets are told and closed, every row goes, its
/// join code is free again. A second delete finds nothing (404); a wrong key touches nothing.
pub(crate) async fn delete_session(
    State(app): State<App>,
    Path(room): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let key = bearer(&headers)?;
    match app.rooms.delete(&room, key).await? {
        Deletion::Deleted => Ok(StatusCode::NO_CONTENT),
        Deletion::BadKey => Err(ApiError::BadKey),
        Deletion::Unknown => Err(ApiError::UnknownRoom),
    }
}

/// How long a session is kept, for anyone holding one of its three keys (the harvest shows it).
pub(crate) async fn session_kept(
    State(app): State<App>,
    Path(room): Path<String>,
    headers: HeaderMap,
) -> Result<Json<SessionKept>, ApiError> {
    let key = bearer(&headers)?;
    let Some(handle) = app.rooms.open(&room).await? else {
        return Err(ApiError::UnknownRoom);
    };
    if handle.role_for(key).is_none() {
        return Err(ApiError::BadKey);
    }
    let last_active_ms = app
        .rooms
        .last_active(&room)
        .await?
        .ok_or(ApiError::UnknownRoom)?;
    Ok(Json(SessionKept {
        last_active_ms,
        kept_until_ms: kept_until(last_active_ms, app.config.tuning.retention_days),
    }))
}

pub(crate) async fn info(State(app): State<App>) -> Json<ServerInfo> {
    Json(ServerInfo {
        retention_days: app.config.tuning.retention_days,
        org_name: app.config.org_name.clone(),
        privacy_contact: app.config.privacy_contact.clone(),
    })
}
