//! Where each message from a connection that said hello goes: to the room, to the room if the
//! drag budget allows, answered by the connection itself, or dropped.

use crate::room::hub::{ConnId, RoomMsg};
use koersbord_shared::protocol::{ClientMsg, ProtocolError, ServerMsg};

/// Where a message from a connection that said hello goes.
pub(super) enum Route {
    /// To the room, waiting for space in its inbox: commands, and drag ends (a lost end would leave
    /// a ghost drag behind).
    Room(RoomMsg),
    /// To the room if the connection's drag budget allows; else dropped without a word, since the
    /// next update carries the newer position anyway.
    Drag(RoomMsg),
    /// Answered by the connection itself.
    Reply(Box<ServerMsg>),
    /// Dropped.
    Nothing,
}

/// Routes a decoded message. The room decides what it may do: the connection only adds who sent
/// it (`conn`, which the room maps to the role its key gave) and drops what is off the board.
pub(super) fn route(msg: ClientMsg, conn: ConnId, now_ms: u64) -> Route {
    match msg {
        ClientMsg::Hello { .. } => Route::Reply(Box::new(ServerMsg::Error {
            error: ProtocolError::Malformed {
                detail: "hello was already received".into(),
            },
        })),
        ClientMsg::Command { id, op, command } => Route::Room(RoomMsg::Command {
            conn,
            id,
            op,
            command,
        }),
        ClientMsg::Drag { dot, x, y } => {
            // Positions are fractions of the board; anything else is dropped, not relayed.
            let on_board = |v: f32| v.is_finite() && (0.0..=1.0).contains(&v);
            if on_board(x) && on_board(y) {
                Route::Drag(RoomMsg::Drag { conn, dot, x, y })
            } else {
                Route::Nothing
            }
        }
        ClientMsg::DragEnd { dot } => Route::Room(RoomMsg::DragEnd { conn, dot }),
        ClientMsg::Ping { nonce } => Route::Reply(Box::new(ServerMsg::Pong {
            nonce,
            server_time_ms: now_ms,
        })),
    }
}
