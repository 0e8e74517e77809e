//! What happened in a room. Events are the only way its state changes, on the server and in clients.

use super::follow_up::{Carried, Review};
use super::outcomes::{Action, ActionId, Insight, InsightId, Need};
use super::planned::Planned;
use super::spotlight::Spotlight;
use super::state::{Participant, RoomState, Setup};
use super::timer::Timer;
use crate::domain::{Board, Drive, ParticipantId, Phase, Pillar, Strength, Zone};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    ParticipantJoined {
        participant: Participant,
    },
    ParticipantRemoved {
        id: ParticipantId,
    },
    SetupEdited {
        setup: Setup,
    },
    /// A participant's name became `ANONYMOUS_NAME` and their reflection went.
    ParticipantAnonymised {
        id: ParticipantId,
    },
    /// The facilitator set (or cleared) when the session is planned.
    PlannedSet {
        planned: Option<Planned>,
    },
    /// A new step; its timer starts over, paused at the step's time box.
    PhaseChanged {
        phase: Phase,
        timer: Timer,
    },
    TimerChanged {
        timer: Timer,
    },
    DrivePlaced {
        by: ParticipantId,
        drive: Drive,
        zone: Option<Zone>,
    },
    PillarPlaced {
        by: ParticipantId,
        pillar: Pillar,
        strength: Option<Strength>,
    },
    LockChanged {
        board: Board,
        locked: bool,
    },
    RevealChanged {
        board: Board,
        revealed: bool,
    },
    ResultsShownChanged {
        board: Board,
        shown: bool,
    },
    ListedChanged {
        board: Board,
        listed: bool,
    },
    InsightAdded {
        insight: Insight,
    },
    InsightEdited {
        insight: Insight,
    },
    InsightRemoved {
        id: InsightId,
    },
    ActionAdded {
        action: Action,
    },
    ActionEdited {
        action: Action,
    },
    ActionRemoved {
        id: ActionId,
    },
    ReflectionSet {
        by: ParticipantId,
        text: String,
    },
    SpotlightChanged {
        on: Option<Spotlight>,
    },
    /// An earlier action's status in a follow-up (by its id in the earlier session).
    ReviewSet {
        action: ActionId,
        review: Review,
    },
    /// Open earlier actions became actions of this follow-up.
    ActionsCarried {
        carried: Vec<Carried>,
    },
    ComparisonShownChanged {
        board: Board,
        shown: bool,
    },
}

impl Event {
    /// Applies this event to `state` and counts it. Total: an event the state cannot hold (a dot of
    /// a participant who has left) changes nothing but the count, so replay never fails.
    pub fn apply_to(&self, state: &mut RoomState) {
        state.seq += 1;
        match self {
            Event::ParticipantJoined { participant } => {
                state.next_participant = state.next_participant.max(participant.id.0 + 1);
                state
                    .participants
                    .insert(participant.id, participant.clone());
            }
            Event::ParticipantRemoved { id } => {
                if let Some(p) = state.participants.remove(id) {
                    state.former.insert(p.id, p.name);
                }
            }
            Event::SetupEdited { setup } => state.setup = setup.clone(),
            Event::PlannedSet { planned } => state.planned = planned.clone(),
            Event::ParticipantAnonymised { id } => super::anonymise::apply(state, *id),
            Event::PhaseChanged { phase, timer } => {
                state.phase = *phase;
                state.timer = *timer;
                // A spotlight belongs to the moment it was lit: a new step starts without one.
                state.spotlight = None;
            }
            Event::TimerChanged { timer } => state.timer = *timer,
            Event::DrivePlaced { by, drive, zone } => {
                if let Some(p) = state.participants.get_mut(by) {
                    match zone {
                        Some(zone) => p.drives.insert(*drive, *zone),
                        None => p.drives.remove(drive),
                    };
                }
            }
            Event::PillarPlaced {
                by,
                pillar,
                strength,
            } => {
                if let Some(p) = state.participants.get_mut(by) {
                    match strength {
                        Some(s) => p.pillars.insert(*pillar, *s),
                        None => p.pillars.remove(pillar),
                    };
                }
            }
            Event::LockChanged { board, locked } => state.board_mut(*board).locked = *locked,
            Event::RevealChanged { board, revealed } => {
                state.board_mut(*board).revealed = *revealed
            }
            Event::ResultsShownChanged { board, shown } => {
                state.board_mut(*board).results_shown = *shown
            }
            Event::ListedChanged { board, listed } => state.board_mut(*board).listed = *listed,
            Event::InsightAdded { insight } => {
                state.next_insight = state.next_insight.max(insight.id.0 + 1);
                state.insights.insert(insight.id, insight.clone());
            }
            Event::InsightEdited { insight } => {
                if let Some(slot) = state.insights.get_mut(&insight.id) {
                    *slot = insight.clone();
                }
            }
            Event::InsightRemoved { id } => {
                state.insights.remove(id);
                // An action that answered the card keeps its text but no longer points at nothing.
                for action in state.actions.values_mut() {
                    if action.answers == Some(Need::Insight(*id)) {
                        action.answers = None;
                    }
                }
                if state.spotlight == Some(Spotlight::Insight(*id)) {
                    state.spotlight = None;
                }
            }
            Event::ActionAdded { action } => {
                state.next_action = state.next_action.max(action.id.0 + 1);
                state.actions.insert(action.id, action.clone());
            }
            Event::ActionEdited { action } => {
                if let Some(slot) = state.actions.get_mut(&action.id) {
                    *slot = action.clone();
                }
            }
            Event::ActionRemoved { id } => {
                state.actions.remove(id);
            }
            Event::ReflectionSet { by, text } => {
                if text.is_empty() {
                    state.reflections.remove(by);
                } else {
                    state.reflections.insert(*by, text.clone());
                }
            }
            Event::SpotlightChanged { on } => state.spotlight = *on,
            Event::ReviewSet { .. } | Event::ActionsCarried { .. } => {
                super::follow_up::apply(state, self)
            }
            Event::ComparisonShownChanged { board, shown } => {
                state.board_mut(*board).comparison_shown = *shown
            }
        }
    }

    /// Whether this event changes what other people may see, so each viewer needs a fresh snapshot.
    pub fn changes_visibility(&self) -> bool {
        matches!(self, Event::RevealChanged { .. })
    }
}
