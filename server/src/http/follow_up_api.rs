//! `POST /api/sessions/{room}/follow-up` (the facilitator makes a follow-up of a finished session)
//! and `GET /api/sessions/{room}/series` (the sessions linked to one). Keys come in
//! `Authorization: Bearer`, as for the other session calls.

use super::api::ApiError;
use super::sessions_api::bearer;
use crate::App;
use crate::room::FollowUpMade;
use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use koersbord_shared::protocol::SessionCreated;
use koersbord_shared::sessions::Series;
use std::net::SocketAddr;
use std::time::Instant;

/// A new session following `room`, with its own copy of it. Costs a stored session like
/// `POST /api/sessions`, so it counts against the same per-address limit, once the key is good.
pub(crate) async fn create_follow_up(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(room): Path<String>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<SessionCreated>), ApiError> {
    let key = bearer(&headers)?;
    let client = app.client_key(peer, &headers);
    app.session_limiter
        .check(client, Instant::now())
        .map_err(ApiError::SlowDown)?;
    match app.rooms.follow_up(&room, key).await? {
        FollowUpMade::Created(created) => Ok((StatusCode::CREATED, Json(created))),
        FollowUpMade::BadKey => Err(ApiError::BadKey),
        FollowUpMade::Unknown => Err(ApiError::UnknownRoom),
        FollowUpMade::NotFinished => Err(ApiError::NotFinished),
    }
}

/// The series of `room` for anyone holding one of its keys.
pub(crate) async fn series(
    State(app): State<App>,
    Path(room): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Series>, ApiError> {
    let key = bearer(&headers)?;
    match app.rooms.series(&room, key).await? {
        Some(Ok(series)) => Ok(Json(series)),
        Some(Err(())) => Err(ApiError::BadKey),
        None => Err(ApiError::UnknownRoom),
    }
}
