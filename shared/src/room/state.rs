//! What a room holds. Clients receive it as a snapshot and keep it current by applying events.

use super::follow_up::FollowUp;
use super::outcomes::{Action, ActionId, Insight, InsightId};
use super::planned::Planned;
use super::spotlight::Spotlight;
use super::timer::Timer;
use crate::domain::{
    Board, Drive, MAX_PER_SIDE, ParticipantId, Phase, Pillar, Side, Strength, Zone,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the facilitator prepares: the session's title, the network's ambition and its two goals.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    pub title: String,
    pub ambition: String,
    pub goals: [String; 2],
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub id: ParticipantId,
    pub name: String,
    pub side: Side,
    /// Where each of this participant's drive dots lies; a missing drive is still in the tray.
    #[serde(default)]
    pub drives: BTreeMap<Drive, Zone>,
    /// How strong this participant rates each pillar; a missing pillar is still in the tray.
    #[serde(default)]
    pub pillars: BTreeMap<Pillar, Strength>,
    /// They took their name out after the close (`anonymise`); `name` is then `ANONYMOUS_NAME`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub anonymous: bool,
}

impl Participant {
    pub fn new(id: ParticipantId, name: String, side: Side) -> Participant {
        Participant {
            id,
            name,
            side,
            drives: BTreeMap::new(),
            pillars: BTreeMap::new(),
            anonymous: false,
        }
    }

    /// How many of this participant's dots lie on `board`.
    pub fn placed(&self, board: Board) -> usize {
        match board {
            Board::Drives => self.drives.len(),
            Board::Pillars => self.pillars.len(),
        }
    }
}

/// The facilitator's switches for one board.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardControl {
    /// No dot on this board moves while locked.
    pub locked: bool,
    /// While hidden, participants see only their own dots (against anchoring); the shared screen none.
    pub revealed: bool,
    /// The tallies and statistics are shown to everyone, the shared screen included.
    #[serde(default)]
    pub results_shown: bool,
    /// The shared screen shows this board as a list (per item and side, who put their dot where)
    /// instead of the drawing, for someone in the room who reads a list better than a picture.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub listed: bool,
    /// In a follow-up: the earlier session's results are shown beside this one's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub comparison_shown: bool,
}

impl Default for BoardControl {
    fn default() -> Self {
        BoardControl {
            locked: false,
            revealed: true,
            results_shown: false,
            listed: false,
            comparison_shown: false,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomState {
    /// How many events this room has applied; the sequence number of the last one.
    pub seq: u64,
    pub setup: Setup,
    pub phase: Phase,
    pub timer: Timer,
    pub participants: BTreeMap<ParticipantId, Participant>,
    /// Participants the facilitator removed, by id: their name then, so the actions they own or
    /// wrote and their reflection still read as theirs (ids are never reused).
    #[serde(default)]
    pub former: BTreeMap<ParticipantId, String>,
    /// The id the next participant to join receives. Ids are never reused within a room.
    pub next_participant: u32,
    pub drives_board: BoardControl,
    pub pillars_board: BoardControl,
    #[serde(default)]
    pub insights: BTreeMap<InsightId, Insight>,
    #[serde(default)]
    pub actions: BTreeMap<ActionId, Action>,
    /// Each participant's closing words, by participant.
    #[serde(default)]
    pub reflections: BTreeMap<ParticipantId, String>,
    /// When the session is planned, if the facilitator said (for the invitation).
    #[serde(default)]
    pub planned: Option<Planned>,
    #[serde(default = "first_id")]
    pub next_insight: u32,
    #[serde(default = "first_id")]
    pub next_action: u32,
    /// What the shared screen shows large right now, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spotlight: Option<Spotlight>,
    /// Set when this session follows an earlier one: its copy of that session and the reviews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUp>,
}

fn first_id() -> u32 {
    1
}

impl RoomState {
    pub fn new(setup: Setup) -> RoomState {
        RoomState {
            seq: 0,
            setup,
            phase: Phase::Lobby,
            timer: Timer::new(Phase::Lobby.default_ms()),
            participants: BTreeMap::new(),
            former: BTreeMap::new(),
            next_participant: 1,
            drives_board: BoardControl::default(),
            pillars_board: BoardControl::default(),
            insights: BTreeMap::new(),
            actions: BTreeMap::new(),
            reflections: BTreeMap::new(),
            planned: None,
            next_insight: 1,
            next_action: 1,
            spotlight: None,
            follow_up: None,
        }
    }

    /// A follow-up: a fresh room with its link to (and copy of) the session it follows.
    pub fn following(setup: Setup, follow_up: Option<FollowUp>) -> RoomState {
        RoomState {
            follow_up,
            ..RoomState::new(setup)
        }
    }

    /// The steps this session goes through: Terugblik only in a follow-up.
    pub fn steps(&self) -> impl Iterator<Item = Phase> + '_ {
        Phase::ALL
            .into_iter()
            .filter(|p| *p != Phase::Review || self.follow_up.is_some())
    }

    pub fn next_phase(&self) -> Option<Phase> {
        self.steps().find(|p| *p > self.phase)
    }

    pub fn prev_phase(&self) -> Option<Phase> {
        self.steps().filter(|p| *p < self.phase).last()
    }

    /// Whether the comparison with the earlier session shows on `board`: switched on, in a
    /// follow-up, and nobody placing there now (its step is not running with the board open), so
    /// it never anchors a rating.
    pub fn shows_comparison(&self, board: Board) -> bool {
        let control = self.board(board);
        let placing = self.phase == board.phase() && !control.locked;
        self.follow_up.is_some() && control.comparison_shown && !placing
    }

    pub fn board(&self, board: Board) -> &BoardControl {
        match board {
            Board::Drives => &self.drives_board,
            Board::Pillars => &self.pillars_board,
        }
    }

    pub(crate) fn board_mut(&mut self, board: Board) -> &mut BoardControl {
        match board {
            Board::Drives => &mut self.drives_board,
            Board::Pillars => &mut self.pillars_board,
        }
    }

    /// The name of a participant, present or removed: what actions and reflections show.
    pub fn name_of(&self, id: ParticipantId) -> Option<&str> {
        match self.participants.get(&id) {
            Some(p) => Some(&p.name),
            None => self.former.get(&id).map(String::as_str),
        }
    }

    pub fn side_count(&self, side: Side) -> usize {
        self.participants
            .values()
            .filter(|p| p.side == side)
            .count()
    }

    pub fn side_is_full(&self, side: Side) -> bool {
        self.side_count(side) >= MAX_PER_SIDE
    }

    /// Participants of one side, in the order they joined.
    pub fn side(&self, side: Side) -> impl Iterator<Item = &Participant> {
        self.participants.values().filter(move |p| p.side == side)
    }
}
