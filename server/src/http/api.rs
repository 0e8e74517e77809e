//! `POST /api/sessions` and `POST /api/join-code`. Errors are typed JSON (`{"code": ...}`) like the
//! rejections on the socket, so the client explains both the same way.

use crate::room::hub::now_ms;
use crate::{App, metrics};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use koersbord_shared::protocol::{CreateSession, JoinCodeFound, JoinCodeLookup, SessionCreated};
use koersbord_shared::room::{Actor, Command, Event, Rejection, RoomState, Setup, decide};
use serde_json::json;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

pub(crate) enum ApiError {
    /// The state machine refused the texts; the body is the rejection itself.
    Rejected(Rejection),
    /// The body was not the JSON this endpoint takes.
    Malformed(String),
    /// The body is larger than the API takes (`API_BODY_LIMIT`).
    TooLarge,
    UnknownCode,
    /// A session call without `Authorization: Bearer <key>`.
    MissingKey,
    /// A key that is not this session's (or not the facilitator's where that is needed).
    BadKey,
    /// No session with this id: never created, or deleted.
    UnknownRoom,
    /// Over the per-address rate; the next try may come after this long.
    SlowDown(Duration),
    NotFound,
    /// A follow-up of a session that has not reached its close.
    NotFinished,
    /// The database failed; details are logged, not sent.
    Internal,
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        tracing::error!(error = %e, "database error in the API");
        ApiError::Internal
    }
}

impl ApiError {
    /// The `code` of the body, from the closed set metrics may carry.
    fn code(&self) -> &'static str {
        match self {
            ApiError::Rejected(r) => metrics::labels::rejection_code(r),
            ApiError::Malformed(_) => "malformed",
            ApiError::TooLarge => "too_large",
            ApiError::UnknownCode => "unknown_code",
            ApiError::MissingKey => "missing_key",
            ApiError::BadKey => "bad_key",
            ApiError::UnknownRoom => "unknown_room",
            ApiError::SlowDown(_) => "slow_down",
            ApiError::NotFound => "not_found",
            ApiError::NotFinished => "not_finished",
            ApiError::Internal => "server_error",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        metrics::refusal(self.code());
        match self {
            ApiError::Rejected(r) => (StatusCode::BAD_REQUEST, Json(r)).into_response(),
            ApiError::Malformed(detail) => (
                StatusCode::BAD_REQUEST,
                Json(json!({"code": "malformed", "detail": detail})),
            )
                .into_response(),
            ApiError::UnknownCode => {
                (StatusCode::NOT_FOUND, Json(json!({"code": "unknown_code"}))).into_response()
            }
            ApiError::MissingKey => (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
                Json(json!({"code": "missing_key"})),
            )
                .into_response(),
            ApiError::BadKey => {
                (StatusCode::FORBIDDEN, Json(json!({"code": "bad_key"}))).into_response()
            }
            ApiError::UnknownRoom => {
                (StatusCode::NOT_FOUND, Json(json!({"code": "unknown_room"}))).into_response()
            }
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                Json(json!({"code": "too_large", "max": super::API_BODY_LIMIT})),
            )
                .into_response(),
            ApiError::SlowDown(wait) => {
                // Whole seconds, rounded up, at least one.
                let secs = wait.as_secs_f64().ceil().clamp(1.0, 86_400.0) as u64;
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, HeaderValue::from(secs))],
                    Json(json!({"code": "slow_down"})),
                )
                    .into_response()
            }
            ApiError::NotFound => {
                (StatusCode::NOT_FOUND, Json(json!({"code": "not_found"}))).into_response()
            }
            ApiError::NotFinished => {
                (StatusCode::CONFLICT, Json(json!({"code": "not_finished"}))).into_response()
            }
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"code": "server_error"})),
            )
                .into_response(),
        }
    }
}

fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(t)| t).map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::Malformed(e.body_text())
        }
    })
}

/// Opens a room with the facilitator's texts. Answers once the session is stored. Each stored
/// session costs a row on disk for good, so creating them is limited per client address; a refused
/// form (bad texts) costs nothing, so a facilitator fixing a typo is not held back.
pub(crate) async fn create_session(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    request: Result<Json<CreateSession>, JsonRejection>,
) -> Result<(StatusCode, Json<SessionCreated>), ApiError> {
    let request = body(request)?;
    let setup = checked_setup(request)?;
    let client = app.client_key(peer, &headers);
    app.session_limiter
        .check(client, Instant::now())
        .map_err(ApiError::SlowDown)?;
    let created = app.rooms.create(setup, None).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Checks the texts with the room's own rule (an `edit_setup` by the facilitator on a fresh room),
/// so the form and a running room refuse exactly the same input. Returns them trimmed.
fn checked_setup(request: CreateSession) -> Result<Setup, ApiError> {
    let fresh = RoomState::new(Setup::default());
    let command = Command::EditSetup {
        title: request.title,
        ambition: request.ambition,
        goals: request.goals,
    };
    let events =
        decide(&fresh, Actor::Facilitator, &command, now_ms()).map_err(ApiError::Rejected)?;
    // No event means the texts equal the empty setup.
    Ok(events
        .into_iter()
        .find_map(|e| match e {
            Event::SetupEdited { setup } => Some(setup),
            _ => None,
        })
        .unwrap_or_default())
}

/// Finds the room for a code typed on a phone, live or stored. Limited per address: codes are short enough to guess.
pub(crate) async fn join_code(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    request: Result<Json<JoinCodeLookup>, JsonRejection>,
) -> Result<Json<JoinCodeFound>, ApiError> {
    metrics::join_code_lookup();
    let found = find_code(&app, peer, &headers, request).await;
    if let Err(e) = &found {
        metrics::join_code_refused(match e {
            ApiError::SlowDown(_) => "rate",
            ApiError::Malformed(_) | ApiError::TooLarge => "malformed",
            ApiError::UnknownCode => "unknown",
            _ => "error",
        });
    }
    found
}

async fn find_code(
    app: &App,
    peer: SocketAddr,
    headers: &HeaderMap,
    request: Result<Json<JoinCodeLookup>, JsonRejection>,
) -> Result<Json<JoinCodeFound>, ApiError> {
    // Every lookup counts, found or not, well-formed or not: each one is a guess.
    let client = app.client_key(peer, headers);
    app.join_code_limiter
        .check(client, Instant::now())
        .map_err(ApiError::SlowDown)?;
    let request = body(request)?;
    app.rooms
        .find_code(&request.code, app.config.tuning.join_code_days)
        .await?
        .map(Json)
        .ok_or(ApiError::UnknownCode)
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// The JSON Schema of every message (docs/PROTOCOL.md, docs/protocol.schema.json), generated once
/// from the wire types.
pub(crate) async fn protocol_schema() -> Response {
    static SCHEMA: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = SCHEMA.get_or_init(|| {
        let doc = koersbord_shared::protocol::schema::document();
        serde_json::to_string_pretty(&doc).expect("a schema always serialises")
    });
    (
        [(header::CONTENT_TYPE, "application/schema+json")],
        body.clone(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use koersbord_shared::room::TextField;

    #[test]
    fn setup_texts_are_checked_and_trimmed_by_the_room_rules() {
        let setup = checked_setup(CreateSession {
            title: "  Start  ".into(),
            ambition: "Samen leren".into(),
            goals: ["a".into(), "b\nc".into()],
        })
        .ok()
        .unwrap();
        assert_eq!(setup.title, "Start");
        assert_eq!(setup.goals[1], "b\nc");
        let too_long = checked_setup(CreateSession {
            title: "t".repeat(500),
            ..Default::default()
        });
        assert!(matches!(
            too_long,
            Err(ApiError::Rejected(Rejection::TextTooLong {
                field: TextField::Title,
                ..
            }))
        ));
        assert!(matches!(
            checked_setup(CreateSession::default()),
            Ok(s) if s == Setup::default()
        ));
    }
}
