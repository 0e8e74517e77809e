//! Reading a client's frame. A command whose `id` can be read is always answered with that id,
//! even when the command itself is not understood: a client's pending command never hangs.

use super::{ClientMsg, MAX_FRAME_BYTES, ProtocolError, ServerMsg};
use crate::room::{Command, Rejection};
use serde::Deserialize;

/// The longest `op` token a command may carry: room for a UUID and then some.
pub const MAX_OP_CHARS: usize = 64;

/// Why a frame is not a message the server can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Undecoded {
    /// Not a message, or no readable command id: answered `error{...}`.
    Frame(ProtocolError),
    /// A command with a readable id that cannot be carried out as sent: answered
    /// `rejected{id, reason}`, like any refused command.
    Command { id: u64, reason: Rejection },
}

impl Undecoded {
    /// What the client is told.
    pub fn answer(self) -> ServerMsg {
        match self {
            Undecoded::Frame(error) => ServerMsg::Error { error },
            Undecoded::Command { id, reason } => ServerMsg::Rejected { id, reason },
        }
    }
}

/// Just enough of a command frame to answer it: its id, and the command as plain JSON.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: u64,
    #[serde(default)]
    command: Option<serde_json::Value>,
}

impl ClientMsg {
    /// Parses one text frame, refusing oversized ones before parsing.
    pub fn decode(text: &str) -> Result<ClientMsg, Undecoded> {
        if text.len() > MAX_FRAME_BYTES {
            return Err(Undecoded::Frame(ProtocolError::TooLarge {
                max: MAX_FRAME_BYTES,
            }));
        }
        match serde_json::from_str(text) {
            Ok(ClientMsg::Command {
                id, op: Some(op), ..
            }) if !is_op(&op) => Err(invalid(
                id,
                format!("op must be 1 to {MAX_OP_CHARS} letters, digits, '-' or '_'"),
            )),
            Ok(msg) => Ok(msg),
            Err(e) => Err(match serde_json::from_str::<Envelope>(text) {
                Ok(envelope) if envelope.kind == "command" => {
                    // The command's own error says what is wrong without a position in the frame.
                    let detail = match envelope.command.map(serde_json::from_value::<Command>) {
                        Some(Err(inner)) => inner.to_string(),
                        _ => e.to_string(),
                    };
                    invalid(envelope.id, detail)
                }
                _ => Undecoded::Frame(ProtocolError::Malformed {
                    detail: e.to_string(),
                }),
            }),
        }
    }
}

fn invalid(id: u64, detail: String) -> Undecoded {
    Undecoded::Command {
        id,
        reason: Rejection::InvalidCommand { detail },
    }
}

/// A client's resend token: short, and plain enough to log or store as it is.
pub fn is_op(op: &str) -> bool {
    (1..=MAX_OP_CHARS).contains(&op.len())
        && op
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
