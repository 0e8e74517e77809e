//! The room as a pure state machine: `decide(state, actor, command, now)` returns the events the
//! command causes or a typed rejection; [`Event::apply_to`] folds an event into the state. No I/O,
//! no clock of its own: the caller passes the server's time.

mod anonymise;
pub mod audit;
mod command;
mod event;
pub mod follow_up;
mod initials;
mod outcomes;
mod planned;
mod rejection;
mod spotlight;
mod state;
mod text;
mod timer;
mod view;

pub use anonymise::ANONYMOUS_NAME;
pub use command::{Actor, Command};
pub use event::Event;
pub use follow_up::{
    Carried, FollowUp, PastAction, Review, ReviewStatus, SessionSummary, follow_up_of,
    may_follow_up, route, summary_of,
};
pub use initials::initials;
pub use outcomes::{
    Action, ActionDraft, ActionId, Insight, InsightId, MAX_ACTIONS, MAX_INSIGHTS, Need, is_date,
};
pub use planned::{Planned, is_time};
pub use rejection::{Rejection, TextField};
pub use spotlight::Spotlight;
pub use state::{BoardControl, Participant, RoomState, Setup};
pub use text::hides_or_reorders;
pub use timer::{MAX_TIMER_MS, Timer};
pub use view::Viewer;

use crate::domain::{Board, ParticipantId, Phase, limits};

/// Decides what `command` by `actor` does to `state` at server time `now_ms`.
///
/// An empty list means the command was valid but changes nothing (starting a running timer):
/// clients get an acknowledgement either way, which keeps retries harmless.
pub fn decide(
    state: &RoomState,
    actor: Actor,
    command: &Command,
    now_ms: u64,
) -> Result<Vec<Event>, Rejection> {
    use Command as C;
    match command {
        C::Join { name, side } => {
            match actor {
                Actor::Guest => {}
                Actor::Participant(_) => return Err(Rejection::AlreadyJoined),
                Actor::Facilitator | Actor::Screen => return Err(Rejection::NotAllowed),
            }
            let name = text::clean(TextField::Name, name, limits::NAME, true, false)?;
            if state.side_is_full(*side) {
                return Err(Rejection::SideFull { side: *side });
            }
            let id = ParticipantId(state.next_participant);
            Ok(vec![Event::ParticipantJoined {
                participant: Participant::new(id, name, *side),
            }])
        }
        C::PlaceDrive { drive, zone } => {
            let by = placing_participant(state, actor, Board::Drives)?;
            let current = state.participants[&by].drives.get(drive).copied();
            Ok(changed(current, *zone, || Event::DrivePlaced {
                by,
                drive: *drive,
                zone: *zone,
            }))
        }
        C::PlacePillar { pillar, strength } => {
            let by = placing_participant(state, actor, Board::Pillars)?;
            let current = state.participants[&by].pillars.get(pillar).copied();
            Ok(changed(current, *strength, || Event::PillarPlaced {
                by,
                pillar: *pillar,
                strength: *strength,
            }))
        }
        C::Anonymise => anonymise::decide(state, actor),
        C::AddInsight { .. }
        | C::EditInsight { .. }
        | C::RemoveInsight { .. }
        | C::AddAction { .. }
        | C::EditAction { .. }
        | C::RemoveAction { .. }
        | C::SetReflection { .. } => outcomes::decide(state, actor, command),
        C::SetReview { .. } | C::CarryOpenActions => follow_up::decide(state, actor, command),
        _ => {
            if actor != Actor::Facilitator {
                return Err(Rejection::NotAllowed);
            }
            decide_facilitator(state, command, now_ms)
        }
    }
}

fn decide_facilitator(
    state: &RoomState,
    command: &Command,
    now_ms: u64,
) -> Result<Vec<Event>, Rejection> {
    use Command as C;
    let timer = |t: Timer| {
        changed(Some(state.timer), Some(t), || Event::TimerChanged {
            timer: t,
        })
    };
    Ok(match command {
        C::RemoveParticipant { id } => {
            if !state.participants.contains_key(id) {
                return Err(Rejection::UnknownParticipant);
            }
            vec![Event::ParticipantRemoved { id: *id }]
        }
        C::EditSetup {
            title,
            ambition,
            goals,
        } => {
            let setup = Setup {
                title: text::clean(TextField::Title, title, limits::TITLE, false, false)?,
                ambition: text::clean(
                    TextField::Ambition,
                    ambition,
                    limits::AMBITION,
                    false,
                    true,
                )?,
                goals: [
                    text::clean(TextField::Goal, &goals[0], limits::GOAL, false, true)?,
                    text::clean(TextField::Goal, &goals[1], limits::GOAL, false, true)?,
                ],
            };
            changed(Some(&state.setup), Some(&setup), || Event::SetupEdited {
                setup: setup.clone(),
            })
        }
        C::GoToPhase { phase } => {
            // Terugblik belongs to a follow-up: a first session has nothing to look back on.
            if *phase == Phase::Review && state.follow_up.is_none() {
                return Err(Rejection::NotNow);
            }
            changed(Some(state.phase), Some(*phase), || Event::PhaseChanged {
                phase: *phase,
                timer: Timer::new(phase.default_ms()),
            })
        }
        C::StartTimer => timer(state.timer.started(now_ms)),
        C::PauseTimer => timer(state.timer.paused(now_ms)),
        C::AdjustTimer { delta_ms } => timer(state.timer.adjusted(*delta_ms, now_ms)),
        C::ResetTimer => timer(state.timer.reset()),
        C::SetPlanned { planned } => planned::decide(state, planned)?,
        C::SetLocked { board, locked } => {
            changed(Some(state.board(*board).locked), Some(*locked), || {
                Event::LockChanged {
                    board: *board,
                    locked: *locked,
                }
            })
        }
        C::SetRevealed { board, revealed } => {
            changed(Some(state.board(*board).revealed), Some(*revealed), || {
                Event::RevealChanged {
                    board: *board,
                    revealed: *revealed,
                }
            })
        }
        C::SetComparisonShown { board, shown } => {
            if state.follow_up.is_none() {
                return Err(Rejection::NotNow);
            }
            let current = state.board(*board).comparison_shown;
            changed(Some(current), Some(*shown), || {
                Event::ComparisonShownChanged {
                    board: *board,
                    shown: *shown,
                }
            })
        }
        C::SetSpotlight { on } => {
            if let Some(item) = on {
                item.check(state)?;
            }
            changed(Some(state.spotlight), Some(*on), || {
                Event::SpotlightChanged { on: *on }
            })
        }
        C::SetResultsShown { board, shown } => {
            let current = state.board(*board).results_shown;
            changed(Some(current), Some(*shown), || Event::ResultsShownChanged {
                board: *board,
                shown: *shown,
            })
        }
        C::SetListed { board, listed } => {
            changed(Some(state.board(*board).listed), Some(*listed), || {
                Event::ListedChanged {
                    board: *board,
                    listed: *listed,
                }
            })
        }
        // Routed in `decide` before it gets here.
        C::Join { .. }
        | C::Anonymise
        | C::PlaceDrive { .. }
        | C::PlacePillar { .. }
        | C::AddInsight { .. }
        | C::EditInsight { .. }
        | C::RemoveInsight { .. }
        | C::AddAction { .. }
        | C::EditAction { .. }
        | C::RemoveAction { .. }
        | C::SetReflection { .. }
        | C::SetReview { .. }
        | C::CarryOpenActions => {
            return Err(Rejection::NotAllowed);
        }
    })
}

/// The participant who may move a dot on `board` now, or why nobody may.
fn placing_participant(
    state: &RoomState,
    actor: Actor,
    board: Board,
) -> Result<ParticipantId, Rejection> {
    let by = match actor {
        Actor::Participant(id) => id,
        Actor::Guest => return Err(Rejection::NotJoined),
        Actor::Facilitator | Actor::Screen => return Err(Rejection::NotAllowed),
    };
    if !state.participants.contains_key(&by) {
        return Err(Rejection::UnknownParticipant);
    }
    if state.phase != board.phase() {
        return Err(Rejection::WrongPhase { board });
    }
    if state.board(board).locked {
        return Err(Rejection::BoardLocked { board });
    }
    Ok(by)
}

/// One event when `next` differs from `current`, none when the command would change nothing.
fn changed<T: PartialEq>(
    current: Option<T>,
    next: Option<T>,
    event: impl FnOnce() -> Event,
) -> Vec<Event> {
    if current == next {
        Vec::new()
    } else {
        vec![event()]
    }
}

/// Decides and, when accepted, applies in one step. Returns the events that were applied.
pub fn handle(
    state: &mut RoomState,
    actor: Actor,
    command: &Command,
    now_ms: u64,
) -> Result<Vec<Event>, Rejection> {
    let events = decide(state, actor, command, now_ms)?;
    for event in &events {
        event.apply_to(state);
    }
    Ok(events)
}

#[cfg(test)]
mod follow_up_tests;
#[cfg(test)]
mod outcome_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;
