//! Protocol v2: JSON text frames, one message per frame, tagged by `type`. docs/PROTOCOL.md describes
//! every message with examples. Tags are never reused: a retired message keeps its name reserved.
//!
//! The client names its version in `hello`; the server speaks every version from
//! [`OLDEST_PROTOCOL_VERSION`] to [`PROTOCOL_VERSION`] and answers in the client's. The only
//! difference so far: a v2 client gets others' drags and drag ends gathered per short tick in one
//! `drags` frame, a v1 client one `drag` or `drag_end` frame each.

use crate::domain::{DotRef, ParticipantId};
use crate::room::{Command, Event, Rejection, RoomState};
use serde::{Deserialize, Serialize};

mod decode;
#[cfg(feature = "schema")]
pub mod schema;
pub use decode::{MAX_OP_CHARS, Undecoded, is_op};

/// The newest version, which this crate's clients speak.
pub const PROTOCOL_VERSION: u32 = 2;

/// The oldest version the server still speaks: v1 has no `drags` batch.
pub const OLDEST_PROTOCOL_VERSION: u32 = 1;

/// Whether a client at `version` gets drags gathered into `drags` frames.
pub fn batches_drags(version: u32) -> bool {
    version >= 2
}

/// The largest frame either side accepts, in bytes. A full snapshot of a room stays far below it.
pub const MAX_FRAME_BYTES: usize = 16 * 1024;

/// Messages from a client. The first must be `Hello`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// Opens the conversation. `key` is the capability from the link the client was given; a
    /// participant who joined before adds the `participant_key` they received then.
    Hello {
        protocol_version: u32,
        room: String,
        key: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        participant_key: Option<String>,
        /// A screen link opened as the facilitator's preview of the shared screen: it sees what a
        /// screen sees but is not counted among the room's screens.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        preview: bool,
    },
    /// A durable change. `id` is the client's own number, echoed in `ack` or `rejected`. `op`, when
    /// set, makes a resend safe: the room answers a repeated `op` with the first answer.
    Command {
        id: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        op: Option<String>,
        command: Command,
    },
    /// Presence: where the sender is dragging one of their dots now, in board coordinates (0..1).
    /// Relayed to the others at a capped rate, never stored.
    Drag {
        dot: DotRef,
        x: f32,
        y: f32,
    },
    /// Presence: the drag ended (a `Command` with the drop follows when the dot landed somewhere).
    DragEnd {
        dot: DotRef,
    },
    Ping {
        nonce: u64,
    },
}

/// The role a connection holds, fixed by the capability it presented.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Facilitator,
    Participant,
    Screen,
}

/// How people get into a session; sent to the facilitator and the shared screen only.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    /// The capability of the participants' join link.
    pub join_key: String,
    /// A short code to type on a phone in the room.
    pub join_code: String,
    /// The shared screen's capability, so the facilitator can open it and preview what the room
    /// sees. Absent from servers before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_key: Option<String>,
}

/// Who is connected right now.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub participants: Vec<ParticipantId>,
    pub facilitators: u32,
    pub screens: u32,
}

/// Messages from the server.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// The answer to `Hello`: who you are here and the room as you may see it.
    Welcome {
        protocol_version: u32,
        room: String,
        role: Role,
        /// Set once this connection is a joined participant.
        you: Option<ParticipantId>,
        invite: Option<Invite>,
        server_time_ms: u64,
        state: RoomState,
    },
    /// Sent to a guest whose `join` succeeded: keep `participant_key` to come back as the same person.
    Joined {
        you: ParticipantId,
        participant_key: String,
    },
    /// Something happened; `seq` is the room's sequence number after it.
    Event {
        seq: u64,
        event: Event,
    },
    /// A fresh view of the whole room, when what this client may see changed.
    Snapshot {
        state: RoomState,
    },
    /// Command `id` was applied (or changed nothing); the room is at `seq`.
    Ack {
        id: u64,
        seq: u64,
    },
    /// Command `id` was refused; nothing changed.
    Rejected {
        id: u64,
        reason: Rejection,
    },
    Drag {
        by: ParticipantId,
        dot: DotRef,
        x: f32,
        y: f32,
    },
    DragEnd {
        by: ParticipantId,
        dot: DotRef,
    },
    /// Protocol 2: the others' drags since the last such frame, in one frame. Only the latest
    /// position of each dot is kept, so a dot appears at most once, in `moves` or in `ends`.
    Drags {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        moves: Vec<DragMove>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ends: Vec<DragStop>,
    },
    Presence {
        presence: Presence,
    },
    Pong {
        nonce: u64,
        server_time_ms: u64,
    },
    /// Something is wrong with the connection itself. Fatal ones are followed by a close.
    Error {
        error: ProtocolError,
    },
}

/// One dot being dragged, in a `drags` frame: as `drag`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DragMove {
    pub by: ParticipantId,
    pub dot: DotRef,
    pub x: f32,
    pub y: f32,
}

/// A drag that ended, in a `drags` frame: as `drag_end`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DragStop {
    pub by: ParticipantId,
    pub dot: DotRef,
}

/// Problems with the conversation rather than with a command.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ProtocolError {
    #[error("this client speaks protocol {client}, the server {server}: reload the page")]
    VersionMismatch { client: u32, server: u32 },
    #[error("no session with this id")]
    UnknownRoom,
    #[error("this link is not valid for this session")]
    BadKey,
    #[error("the first message must be hello")]
    HelloFirst,
    #[error("message not understood: {detail}")]
    Malformed { detail: String },
    #[error("message larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("too many messages: slow down")]
    SlowDown,
    #[error("this connection fell too far behind")]
    TooSlow,
    #[error("the server is shutting down")]
    ShuttingDown,
    /// Too many connections to this session, or from this network address.
    #[error("too many connections: close another tab or device first")]
    TooManyConnections,
    /// The facilitator deleted the session (or it outlived the retention time): everything it
    /// held is gone, so reconnecting is pointless.
    #[error("this session was deleted")]
    SessionDeleted,
    /// The socket's address named one room (`/ws?room=…`, what a proxy routes by) and the hello
    /// another.
    #[error("the address and the hello name different sessions")]
    RoomMismatch,
    /// The session's database cannot be reached, or refused a write. Nothing that was not
    /// acknowledged was kept: reconnect with backoff and resend; the session answers again once
    /// the database does.
    #[error("the session's storage cannot be reached: trying again")]
    StorageUnavailable,
    /// The session is live on another server of a cluster: connect again after `retry_ms`, when
    /// the proxy, or the session's lease, will have brought it to the server reached.
    #[error("this session is live on another server: trying again")]
    Elsewhere { retry_ms: u32 },
}

impl ProtocolError {
    /// How long to wait at least before connecting again, when the server said.
    pub fn retry_after_ms(&self) -> Option<u32> {
        match self {
            ProtocolError::Elsewhere { retry_ms } => Some(*retry_ms),
            _ => None,
        }
    }

    /// Whether the server closes the connection after sending this error.
    pub fn is_fatal(&self) -> bool {
        !matches!(
            self,
            ProtocolError::Malformed { .. } | ProtocolError::SlowDown
        )
    }
}

impl ClientMsg {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("client messages always serialise")
    }
}

impl ServerMsg {
    pub fn decode(text: &str) -> Result<ServerMsg, ProtocolError> {
        serde_json::from_str(text).map_err(|e| ProtocolError::Malformed {
            detail: e.to_string(),
        })
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("server messages always serialise")
    }
}

/// `POST /api/sessions`: what the facilitator prepares.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateSession {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub ambition: String,
    #[serde(default)]
    pub goals: [String; 2],
}

/// The answer to `POST /api/sessions`: the room and its three capabilities. Links put the key in
/// the URL fragment, so it never reaches a server log or a Referer header.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionCreated {
    pub room: String,
    pub facilitator_key: String,
    pub join_key: String,
    pub screen_key: String,
    pub join_code: String,
}

/// `POST /api/join-code`: a short code typed in the room.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinCodeLookup {
    pub code: String,
}

/// The answer to a valid join code: where to go.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinCodeFound {
    pub room: String,
    pub join_key: String,
}

/// The path of a room's page for a capability: `/r/{room}#k={key}`.
pub fn room_link(room: &str, key: &str) -> String {
    format!("/r/{room}#k={key}")
}

/// The participants' link (what the QR code, the join code and the invitation lead to):
/// `/j/{room}#k={key}`. The same room page as [`room_link`]; the path lets the page load the
/// participant's smaller client before anything is known about the key (docs/ARCHITECTURE.md).
pub fn join_link(room: &str, key: &str) -> String {
    format!("{JOIN_PATH}{room}#k={key}")
}

/// Where a participant's link starts; the boot script loads the participant's client for it.
pub const JOIN_PATH: &str = "/j/";

/// The WebSocket path for `room`: the room in the address lets a proxy keep a room on one server.
pub fn ws_path(room: &str) -> String {
    format!("/ws?room={room}")
}

/// The fragment word that marks a screen link opened as the facilitator's preview (its hello
/// then says `preview`).
pub const PREVIEW_FLAG: &str = "preview";

/// A screen link for the facilitator's preview: the same room and key, not counted as a screen.
pub fn preview_link(room: &str, key: &str) -> String {
    format!("{}&{PREVIEW_FLAG}", room_link(room, key))
}

#[cfg(test)]
mod tests;
