//! Why the room refused a command. Typed, so every client can explain it in the user's language.

use crate::domain::{Board, Side};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    Name,
    Title,
    Ambition,
    Goal,
    Insight,
    Action,
    Owner,
    Reflection,
    ReviewNote,
}

/// Codes are never reused. Retired: `room_full` (two sides of four already make the eight, so
/// `side_full` always came first and it could never be sent).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Rejection {
    /// The command's id could be read but the command itself could not: an unknown type, a field
    /// missing or of the wrong kind, a number out of range.
    #[error("command not understood: {detail}")]
    InvalidCommand { detail: String },
    #[error("your role may not do this")]
    NotAllowed,
    #[error("you have already joined this session")]
    AlreadyJoined,
    #[error("you have not joined this session yet")]
    NotJoined,
    #[error("the {side:?} side already has its four participants")]
    SideFull { side: Side },
    #[error("no such participant")]
    UnknownParticipant,
    #[error("the {field:?} text must not be empty")]
    TextEmpty { field: TextField },
    #[error("the {field:?} text is {len} characters; at most {max} fit")]
    TextTooLong {
        field: TextField,
        max: usize,
        len: usize,
    },
    #[error("the {field:?} text holds characters that are not allowed")]
    TextInvalid { field: TextField },
    #[error("dots on the {board:?} board move only during its step")]
    WrongPhase { board: Board },
    #[error("the facilitator has locked the {board:?} board")]
    BoardLocked { board: Board },
    #[error("this cannot be done during the current step")]
    NotNow,
    #[error("no such card or action")]
    UnknownItem,
    #[error("there are already as many as fit")]
    TooMany,
    #[error("an action needs someone who takes it on")]
    NoOwner,
    #[error("the date is not a valid calendar date (YYYY-MM-DD)")]
    InvalidDate,
    #[error("the time is not a valid time of day (HH:MM)")]
    InvalidTime,
}
