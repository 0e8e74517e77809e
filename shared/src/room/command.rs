//! Who may ask the room for what.

use super::follow_up::ReviewStatus;
use super::outcomes::{ActionDraft, ActionId, InsightId, Need};
use super::planned::Planned;
use super::spotlight::Spotlight;
use crate::domain::{Board, Drive, ParticipantId, Phase, Pillar, Side, Strength, Zone};
use serde::{Deserialize, Serialize};

/// Who sends a command. The server derives it from the connection's capability, never from the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "role", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// Leads the meeting: steps, timer, locks and content.
    Facilitator,
    /// Has joined with a name and a side; places only their own dots.
    Participant(ParticipantId),
    /// Holds the join link but has not joined yet: may only join.
    Guest,
    /// The shared screen in the room (or an observer): reads, never writes.
    Screen,
}

/// A durable change someone asks for. The room either turns it into events or refuses it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    Join {
        name: String,
        side: Side,
    },
    /// The facilitator takes someone out of the session (a wrong side, a double join).
    RemoveParticipant {
        id: ParticipantId,
    },
    EditSetup {
        title: String,
        ambition: String,
        goals: [String; 2],
    },
    GoToPhase {
        phase: Phase,
    },
    StartTimer,
    PauseTimer,
    AdjustTimer {
        delta_ms: i64,
    },
    ResetTimer,
    /// Puts a drive dot in a zone, or back in the tray with `None`.
    PlaceDrive {
        drive: Drive,
        zone: Option<Zone>,
    },
    /// Puts a pillar dot at a strength, or back in the tray with `None`.
    PlacePillar {
        pillar: Pillar,
        strength: Option<Strength>,
    },
    SetLocked {
        board: Board,
        locked: bool,
    },
    SetRevealed {
        board: Board,
        revealed: bool,
    },
    SetResultsShown {
        board: Board,
        shown: bool,
    },
    /// The shared screen shows `board` as a list instead of the drawing (facilitator).
    SetListed {
        board: Board,
        listed: bool,
    },
    AddInsight {
        text: String,
        #[serde(default)]
        about: Option<Need>,
    },
    EditInsight {
        id: InsightId,
        text: String,
        #[serde(default)]
        about: Option<Need>,
    },
    RemoveInsight {
        id: InsightId,
    },
    AddAction {
        action: ActionDraft,
    },
    EditAction {
        id: ActionId,
        action: ActionDraft,
    },
    RemoveAction {
        id: ActionId,
    },
    /// A participant's closing words on the session; empty text takes them back.
    SetReflection {
        text: String,
    },
    /// The facilitator puts one item on the shared screen, or ends the spotlight with `None`.
    SetSpotlight {
        on: Option<Spotlight>,
    },
    /// After the close, a participant takes their own name and reflection out of the session;
    /// their dots stay, counted under a name that is no one's.
    Anonymise,
    /// When the session is planned, for the invitation; `None` clears it. Facilitator only.
    SetPlanned {
        planned: Option<Planned>,
    },
    /// In a follow-up: how an earlier action (by its id in the earlier session) went. The
    /// facilitator sets any; an owner their own, during Terugblik.
    SetReview {
        action: ActionId,
        status: ReviewStatus,
        #[serde(default)]
        note: String,
    },
    /// In a follow-up: every earlier action still open (bezig, niet gestart or not yet reviewed)
    /// becomes an action of this session. Facilitator only; an action is carried once.
    CarryOpenActions,
    /// In a follow-up: the earlier session's results beside this one's on `board`. Shown only once
    /// nobody is placing there (`RoomState::shows_comparison`).
    SetComparisonShown {
        board: Board,
        shown: bool,
    },
}
