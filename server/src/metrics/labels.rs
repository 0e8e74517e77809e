//! The closed sets metrics are labelled with. A label is never user text, a room id or a key:
//! every value comes from one of the lists below, so the number of series stays fixed and no
//! scrape tells anything about who uses the server.
//!
//! The mappings are exhaustive `match`es: a new command or code does not compile until it has a
//! label here. The tests check each label is the `type` or `code` the protocol sends.

use koersbord_shared::protocol::ProtocolError;
use koersbord_shared::room::{Actor, Command, Rejection};

/// Every command's `type`, as the protocol spells it.
pub(crate) const COMMAND_TYPES: [&str; 27] = [
    "join",
    "remove_participant",
    "edit_setup",
    "go_to_phase",
    "start_timer",
    "pause_timer",
    "adjust_timer",
    "reset_timer",
    "place_drive",
    "place_pillar",
    "set_locked",
    "set_revealed",
    "set_results_shown",
    "set_listed",
    "add_insight",
    "edit_insight",
    "remove_insight",
    "add_action",
    "edit_action",
    "remove_action",
    "set_reflection",
    "set_spotlight",
    "set_planned",
    "anonymise",
    "set_review",
    "carry_open_actions",
    "set_comparison_shown",
];

pub(crate) fn command_type(command: &Command) -> &'static str {
    match command {
        Command::Join { .. } => "join",
        Command::RemoveParticipant { .. } => "remove_participant",
        Command::EditSetup { .. } => "edit_setup",
        Command::GoToPhase { .. } => "go_to_phase",
        Command::StartTimer => "start_timer",
        Command::PauseTimer => "pause_timer",
        Command::AdjustTimer { .. } => "adjust_timer",
        Command::ResetTimer => "reset_timer",
        Command::PlaceDrive { .. } => "place_drive",
        Command::PlacePillar { .. } => "place_pillar",
        Command::SetLocked { .. } => "set_locked",
        Command::SetRevealed { .. } => "set_revealed",
        Command::SetResultsShown { .. } => "set_results_shown",
        Command::SetListed { .. } => "set_listed",
        Command::AddInsight { .. } => "add_insight",
        Command::EditInsight { .. } => "edit_insight",
        Command::RemoveInsight { .. } => "remove_insight",
        Command::AddAction { .. } => "add_action",
        Command::EditAction { .. } => "edit_action",
        Command::RemoveAction { .. } => "remove_action",
        Command::SetReflection { .. } => "set_reflection",
        Command::SetSpotlight { .. } => "set_spotlight",
        Command::SetPlanned { .. } => "set_planned",
        Command::Anonymise => "anonymise",
        Command::SetReview { .. } => "set_review",
        Command::CarryOpenActions => "carry_open_actions",
        Command::SetComparisonShown { .. } => "set_comparison_shown",
    }
}

/// How a command ended.
pub(crate) const OUTCOMES: [&str; 2] = ["ack", "rejected"];

/// Every code a refusal goes out with: the room's rejections, the socket's errors, the API's
/// errors, and the WebSocket upgrade's `origin_not_allowed` (a 403 without a body, but the first
/// thing to look for when a proxy rewrites the Host header).
pub(crate) const REFUSAL_CODES: [&str; 37] = [
    // Rejection
    "not_allowed",
    "already_joined",
    "not_joined",
    "side_full",
    "invalid_command",
    "unknown_participant",
    "text_empty",
    "text_too_long",
    "text_invalid",
    "wrong_phase",
    "board_locked",
    "not_now",
    "unknown_item",
    "too_many",
    "no_owner",
    "invalid_date",
    "invalid_time",
    // ProtocolError
    "version_mismatch",
    "unknown_room",
    "bad_key",
    "hello_first",
    "malformed",
    "too_large",
    "slow_down",
    "too_slow",
    "shutting_down",
    "too_many_connections",
    "session_deleted",
    "room_mismatch",
    "storage_unavailable",
    "elsewhere",
    // The HTTP API and the upgrade
    "unknown_code",
    "missing_key",
    "not_found",
    "server_error",
    "not_finished",
    "origin_not_allowed",
];

pub(crate) fn rejection_code(rejection: &Rejection) -> &'static str {
    match rejection {
        Rejection::NotAllowed => "not_allowed",
        Rejection::AlreadyJoined => "already_joined",
        Rejection::NotJoined => "not_joined",
        Rejection::SideFull { .. } => "side_full",
        Rejection::InvalidCommand { .. } => "invalid_command",
        Rejection::UnknownParticipant => "unknown_participant",
        Rejection::TextEmpty { .. } => "text_empty",
        Rejection::TextTooLong { .. } => "text_too_long",
        Rejection::TextInvalid { .. } => "text_invalid",
        Rejection::WrongPhase { .. } => "wrong_phase",
        Rejection::BoardLocked { .. } => "board_locked",
        Rejection::NotNow => "not_now",
        Rejection::UnknownItem => "unknown_item",
        Rejection::TooMany => "too_many",
        Rejection::NoOwner => "no_owner",
        Rejection::InvalidDate => "invalid_date",
        Rejection::InvalidTime => "invalid_time",
    }
}

pub(crate) fn protocol_code(error: &ProtocolError) -> &'static str {
    match error {
        ProtocolError::VersionMismatch { .. } => "version_mismatch",
        ProtocolError::UnknownRoom => "unknown_room",
        ProtocolError::BadKey => "bad_key",
        ProtocolError::HelloFirst => "hello_first",
        ProtocolError::Malformed { .. } => "malformed",
        ProtocolError::TooLarge { .. } => "too_large",
        ProtocolError::SlowDown => "slow_down",
        ProtocolError::TooSlow => "too_slow",
        ProtocolError::ShuttingDown => "shutting_down",
        ProtocolError::TooManyConnections => "too_many_connections",
        ProtocolError::SessionDeleted => "session_deleted",
        ProtocolError::RoomMismatch => "room_mismatch",
        ProtocolError::StorageUnavailable => "storage_unavailable",
        ProtocolError::Elsewhere { .. } => "elsewhere",
    }
}

/// Who an open socket is. `pending` is a socket that has not been welcomed into a room yet.
pub(crate) const ROLES: [&str; 5] = ["facilitator", "participant", "guest", "screen", "pending"];

pub(crate) const PENDING: &str = "pending";

pub(crate) fn role(actor: Actor) -> &'static str {
    match actor {
        Actor::Facilitator => "facilitator",
        Actor::Participant(_) => "participant",
        Actor::Guest => "guest",
        Actor::Screen => "screen",
    }
}

/// Why a drag update was not relayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DragDrop {
    /// Over the connection's drag rate.
    Rate,
    /// A position off the board (not a fraction).
    OffBoard,
    /// The room's inbox was full: a busy room sheds presence first.
    InboxFull,
    /// The board is locked or not in its step.
    BoardClosed,
    /// The sender is not a joined participant.
    NotJoined,
}

impl DragDrop {
    pub(crate) const ALL: [DragDrop; 5] = [
        DragDrop::Rate,
        DragDrop::OffBoard,
        DragDrop::InboxFull,
        DragDrop::BoardClosed,
        DragDrop::NotJoined,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            DragDrop::Rate => "rate",
            DragDrop::OffBoard => "off_board",
            DragDrop::InboxFull => "inbox_full",
            DragDrop::BoardClosed => "board_closed",
            DragDrop::NotJoined => "not_joined",
        }
    }
}

/// Why a join-code lookup found nothing. `unknown` also covers expired codes, as the API does.
pub(crate) const JOIN_CODE_REFUSALS: [&str; 4] = ["rate", "malformed", "unknown", "error"];

#[cfg(test)]
mod tests {
    use super::*;
    use koersbord_shared::domain::{Board, Side};
    use koersbord_shared::room::TextField;
    use serde_json::Value;

    fn tag(value: impl serde::Serialize, field: &str) -> String {
        match serde_json::to_value(value).unwrap() {
            Value::Object(map) => map[field].as_str().unwrap().to_owned(),
            other => panic!("not tagged: {other}"),
        }
    }

    /// One command of each kind, read from JSON so the test needs no constructor of its own.
    fn one_of_each_command() -> Vec<Command> {
        COMMAND_TYPES
            .iter()
            .filter_map(|t| {
                let json = format!(r#"{{"type":"{t}"}}"#);
                serde_json::from_str::<Command>(&json).ok()
            })
            .collect()
    }

    #[test]
    fn command_labels_are_the_protocols_types() {
        // Commands with fields do not parse from a bare type; those without must, and each one's
        // label must be its tag. The exhaustive match covers the rest at compile time; the list
        // must be as long as the match has arms, which the unique-labels check below pins.
        let bare = one_of_each_command();
        assert!(bare.len() >= 3, "{bare:?}");
        for command in &bare {
            assert_eq!(command_type(command), tag(command, "type"));
        }
        let join = Command::Join {
            name: "A".into(),
            side: Side::Network,
        };
        assert_eq!(command_type(&join), tag(&join, "type"));
        let mut unique = COMMAND_TYPES.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), COMMAND_TYPES.len());
    }

    #[test]
    fn refusal_labels_are_the_codes_sent_and_are_listed() {
        let rejections = [
            Rejection::NotAllowed,
            Rejection::SideFull {
                side: Side::Network,
            },
            Rejection::TextTooLong {
                field: TextField::Name,
                max: 1,
                len: 2,
            },
            Rejection::BoardLocked {
                board: Board::Drives,
            },
            Rejection::InvalidDate,
            Rejection::InvalidTime,
        ];
        for r in &rejections {
            assert_eq!(rejection_code(r), tag(r, "code"));
            assert!(REFUSAL_CODES.contains(&rejection_code(r)));
        }
        let errors = [
            ProtocolError::VersionMismatch {
                client: 1,
                server: 2,
            },
            ProtocolError::Malformed { detail: "x".into() },
            ProtocolError::TooLarge { max: 1 },
            ProtocolError::TooManyConnections,
            ProtocolError::SessionDeleted,
            ProtocolError::RoomMismatch,
            ProtocolError::StorageUnavailable,
            ProtocolError::Elsewhere { retry_ms: 1 },
        ];
        for e in &errors {
            assert_eq!(protocol_code(e), tag(e, "code"));
            assert!(REFUSAL_CODES.contains(&protocol_code(e)));
        }
        let mut unique = REFUSAL_CODES.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), REFUSAL_CODES.len());
    }

    #[test]
    fn every_role_is_listed() {
        for actor in [
            Actor::Facilitator,
            Actor::Participant(koersbord_shared::ParticipantId(1)),
            Actor::Guest,
            Actor::Screen,
        ] {
            assert!(ROLES.contains(&role(actor)));
        }
        assert!(ROLES.contains(&PENDING));
    }
}
