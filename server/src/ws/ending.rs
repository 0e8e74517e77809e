//! How a connection ends: why ([`Ending`]), and what the client is told then: the error as a
//! message and a close frame with its code, or nothing when the socket is gone.

use super::connection::{Sink, Stream};
use crate::metrics::{self, Traffic};
use crate::room::hub::ConnId;
use axum::extract::ws::{CloseFrame, Message};
use futures_util::{SinkExt, StreamExt};
use koersbord_shared::protocol::{MAX_FRAME_BYTES, ProtocolError, ServerMsg};
use std::time::Duration;
use tokio::time::timeout;

/// How long a goodbye may take before the socket is simply dropped.
const GOODBYE: Duration = Duration::from_secs(2);

/// Why a connection ends, which decides what it is told.
pub(super) enum Ending {
    /// The client closed or the socket broke: nobody to tell.
    Gone,
    /// Nothing heard for the idle time (not even a pong).
    Idle,
    ShuttingDown,
    Fatal(ProtocolError),
    /// The room ended under us (its store failed) or could not be opened: close with 1011, the
    /// client reconnects and the room loads again from what was stored.
    ServerError,
}

/// A data message over [`MAX_FRAME_BYTES`]. tungstenite reads such a message whole (up to
/// `super::MAX_FRAME_READ`) and leaves the refusal to us, so the socket closes cleanly.
pub(super) fn oversized(message: &Message) -> bool {
    match message {
        Message::Text(text) => text.len() > MAX_FRAME_BYTES,
        Message::Binary(bytes) => bytes.len() > MAX_FRAME_BYTES,
        _ => false,
    }
}

pub(super) fn too_large() -> Ending {
    Ending::Fatal(ProtocolError::TooLarge {
        max: MAX_FRAME_BYTES,
    })
}

/// A read error that is the client's fault gets a typed answer; others mean the socket is gone.
pub(super) fn read_error(e: &axum::Error) -> Ending {
    // tungstenite reports frames over `max_frame_size`/`max_message_size` as a capacity error;
    // axum wraps it without exposing the type, so it is recognised by its message.
    if e.to_string().contains("Space limit exceeded") {
        too_large()
    } else {
        Ending::Gone
    }
}

/// Close codes: 1001 for shutdown, 1009 for an oversized message, 1011 for storage that failed,
/// 1013 for a session on another server, 1008 (policy) for other fatal errors, 1000 for an idle
/// socket.
fn close_for(error: &ProtocolError) -> (u16, &'static str) {
    match error {
        ProtocolError::VersionMismatch { .. } => (1008, "version_mismatch"),
        ProtocolError::UnknownRoom => (1008, "unknown_room"),
        ProtocolError::BadKey => (1008, "bad_key"),
        ProtocolError::HelloFirst => (1008, "hello_first"),
        ProtocolError::Malformed { .. } => (1008, "malformed"),
        ProtocolError::TooLarge { .. } => (1009, "too_large"),
        ProtocolError::SlowDown => (1008, "slow_down"),
        ProtocolError::TooSlow => (1008, "too_slow"),
        ProtocolError::ShuttingDown => (1001, "shutting_down"),
        ProtocolError::TooManyConnections => (1008, "too_many_connections"),
        // A normal end: nothing went wrong, there is just nothing left to connect to.
        ProtocolError::SessionDeleted => (1000, "session_deleted"),
        ProtocolError::RoomMismatch => (1008, "room_mismatch"),
        // The server's side failed, not the client: come back (RFC 6455 1011).
        ProtocolError::StorageUnavailable => (1011, "storage_unavailable"),
        // "Try again later" (1013, IANA's registry of WebSocket close codes).
        ProtocolError::Elsewhere { .. } => (1013, "elsewhere"),
    }
}

/// Sends the error that ended the connection and a close frame, then waits briefly for the
/// client's close so it reads both before the TCP connection goes.
pub(super) async fn goodbye(
    sink: &mut Sink,
    stream: &mut Stream,
    ending: Ending,
    conn: ConnId,
    traffic: &Traffic,
) {
    let (error, code, reason) = match ending {
        Ending::Gone => return,
        Ending::Idle => (None, 1000, "idle"),
        Ending::ServerError => (None, 1011, "server_error"),
        Ending::ShuttingDown => {
            let (code, reason) = close_for(&ProtocolError::ShuttingDown);
            (Some(ProtocolError::ShuttingDown), code, reason)
        }
        Ending::Fatal(e) => {
            metrics::refusal(metrics::labels::protocol_code(&e));
            let (code, reason) = close_for(&e);
            (Some(e), code, reason)
        }
    };
    tracing::debug!(conn, code, reason, "closing");
    let farewell = async {
        if let Some(error) = error {
            let text = ServerMsg::Error { error }.encode();
            traffic.sent(1, text.len());
            sink.send(Message::Text(text.into())).await?;
        }
        let close = CloseFrame {
            code,
            reason: reason.into(),
        };
        sink.send(Message::Close(Some(close))).await?;
        while let Some(Ok(_)) = stream.next().await {}
        Ok::<(), axum::Error>(())
    };
    let _ = timeout(GOODBYE, farewell).await;
}
