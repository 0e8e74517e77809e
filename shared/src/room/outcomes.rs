//! What the conversation yields besides dots: insight cards, actions (who does what, by when, and
//! which need it answers) and each participant's closing reflection.

use super::rejection::{Rejection, TextField};
use super::state::RoomState;
use super::{Actor, Command, Event, text};
use crate::domain::{Drive, ParticipantId, Phase, Pillar, limits};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct InsightId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ActionId(pub u32);

crate::domain::id_deserialize!(InsightId, ActionId);

/// What an insight is about, or which need an action answers.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "item", rename_all = "snake_case")]
pub enum Need {
    Ambition,
    /// One of the two content goals: 0 or 1.
    Goal(u8),
    Drive(Drive),
    Pillar(Pillar),
    /// An insight card (for actions only).
    Insight(InsightId),
}

/// A card the facilitator writes while the group talks.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Insight {
    pub id: InsightId,
    pub text: String,
    pub about: Option<Need>,
    /// The step during which it was written: insights from Drijfveren and from Innoveren & Samen
    /// leren are laid side by side in Inzicht naar Actie.
    pub phase: Phase,
}

/// An agreement: what, who, by when, and why.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub id: ActionId,
    pub what: String,
    /// Participants who take it on.
    pub owners: Vec<ParticipantId>,
    /// Someone outside the session who takes it on, by name.
    #[serde(default)]
    pub other_owner: String,
    /// A date as `YYYY-MM-DD`.
    pub due: Option<String>,
    pub answers: Option<Need>,
    /// The participant who wrote it; `None` for the facilitator. Authors may change their own.
    pub author: Option<ParticipantId>,
}

/// The fields of an action as a command carries them.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionDraft {
    pub what: String,
    #[serde(default)]
    pub owners: Vec<ParticipantId>,
    #[serde(default)]
    pub other_owner: String,
    #[serde(default)]
    pub due: Option<String>,
    #[serde(default)]
    pub answers: Option<Need>,
}

/// At most this many insight cards and actions per session: plenty for 90 minutes, and a bound on
/// what one misbehaving client can pile up.
pub const MAX_INSIGHTS: usize = 60;
pub const MAX_ACTIONS: usize = 60;

pub(super) fn decide(
    state: &RoomState,
    actor: Actor,
    command: &Command,
) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::AddInsight { text, about } => {
            facilitator_only(actor)?;
            if state.insights.len() >= MAX_INSIGHTS {
                return Err(Rejection::TooMany);
            }
            let insight = Insight {
                id: InsightId(state.next_insight),
                text: insight_text(text)?,
                about: insight_topic(state, *about)?,
                phase: state.phase,
            };
            Ok(vec![Event::InsightAdded { insight }])
        }
        Command::EditInsight { id, text, about } => {
            facilitator_only(actor)?;
            let current = state.insights.get(id).ok_or(Rejection::UnknownItem)?;
            let insight = Insight {
                text: insight_text(text)?,
                about: insight_topic(state, *about)?,
                ..current.clone()
            };
            Ok(if &insight == current {
                vec![]
            } else {
                vec![Event::InsightEdited { insight }]
            })
        }
        Command::RemoveInsight { id } => {
            facilitator_only(actor)?;
            state.insights.get(id).ok_or(Rejection::UnknownItem)?;
            Ok(vec![Event::InsightRemoved { id: *id }])
        }
        Command::AddAction { action } => {
            let author = action_author(state, actor)?;
            if state.actions.len() >= MAX_ACTIONS {
                return Err(Rejection::TooMany);
            }
            let action = checked_action(state, ActionId(state.next_action), action, author, None)?;
            Ok(vec![Event::ActionAdded { action }])
        }
        Command::EditAction { id, action } => {
            let author = action_author(state, actor)?;
            let current = state.actions.get(id).ok_or(Rejection::UnknownItem)?;
            may_change(actor, current)?;
            let action = Action {
                author: current.author,
                ..checked_action(state, *id, action, author, Some(current))?
            };
            Ok(if &action == current {
                vec![]
            } else {
                vec![Event::ActionEdited { action }]
            })
        }
        Command::RemoveAction { id } => {
            action_author(state, actor)?;
            let current = state.actions.get(id).ok_or(Rejection::UnknownItem)?;
            may_change(actor, current)?;
            Ok(vec![Event::ActionRemoved { id: *id }])
        }
        Command::SetReflection { text: raw } => {
            let Actor::Participant(by) = actor else {
                return Err(Rejection::NotAllowed);
            };
            if !state.participants.contains_key(&by) {
                return Err(Rejection::UnknownParticipant);
            }
            if state.phase != Phase::Close {
                return Err(Rejection::NotNow);
            }
            let text = text::clean(TextField::Reflection, raw, limits::REFLECTION, false, true)?;
            let current = state.reflections.get(&by).map(String::as_str).unwrap_or("");
            Ok(if current == text {
                vec![]
            } else {
                vec![Event::ReflectionSet { by, text }]
            })
        }
        _ => unreachable!("only outcome commands are routed here"),
    }
}

fn facilitator_only(actor: Actor) -> Result<(), Rejection> {
    if actor == Actor::Facilitator {
        Ok(())
    } else {
        Err(Rejection::NotAllowed)
    }
}

fn insight_text(raw: &str) -> Result<String, Rejection> {
    text::clean(TextField::Insight, raw, limits::INSIGHT, true, true)
}

fn insight_topic(state: &RoomState, about: Option<Need>) -> Result<Option<Need>, Rejection> {
    match about {
        Some(Need::Insight(_)) => Err(Rejection::UnknownItem),
        other => check_need(state, other),
    }
}

fn check_need(state: &RoomState, need: Option<Need>) -> Result<Option<Need>, Rejection> {
    match need {
        Some(Need::Goal(g)) if g > 1 => Err(Rejection::UnknownItem),
        Some(Need::Insight(id)) if !state.insights.contains_key(&id) => Err(Rejection::UnknownItem),
        other => Ok(other),
    }
}

/// Who writes an action: the facilitator at any time (`None`), a participant during the last two
/// steps, when the group turns insight into action.
fn action_author(state: &RoomState, actor: Actor) -> Result<Option<ParticipantId>, Rejection> {
    match actor {
        Actor::Facilitator => Ok(None),
        Actor::Participant(id) => {
            if !state.participants.contains_key(&id) {
                return Err(Rejection::UnknownParticipant);
            }
            if !matches!(state.phase, Phase::Actions | Phase::Close) {
                return Err(Rejection::NotNow);
            }
            Ok(Some(id))
        }
        Actor::Guest | Actor::Screen => Err(Rejection::NotAllowed),
    }
}

/// The facilitator may change every action; a participant only the ones they wrote.
fn may_change(actor: Actor, action: &Action) -> Result<(), Rejection> {
    match actor {
        Actor::Facilitator => Ok(()),
        Actor::Participant(id) if action.author == Some(id) => Ok(()),
        _ => Err(Rejection::NotAllowed),
    }
}

/// `current` is the action being edited: an owner who has since been removed may stay on it (the
/// action is still theirs), but no action newly names someone who is gone.
fn checked_action(
    state: &RoomState,
    id: ActionId,
    draft: &ActionDraft,
    author: Option<ParticipantId>,
    current: Option<&Action>,
) -> Result<Action, Rejection> {
    let what = text::clean(TextField::Action, &draft.what, limits::ACTION, true, false)?;
    let other_owner = text::clean(
        TextField::Owner,
        &draft.other_owner,
        limits::NAME,
        false,
        false,
    )?;
    let mut owners = draft.owners.clone();
    owners.sort();
    owners.dedup();
    let kept = |o: &ParticipantId| current.is_some_and(|a| a.owners.contains(o));
    if owners
        .iter()
        .any(|o| !state.participants.contains_key(o) && !kept(o))
    {
        return Err(Rejection::UnknownParticipant);
    }
    if owners.is_empty() && other_owner.is_empty() {
        return Err(Rejection::NoOwner);
    }
    // "What will you do?": a participant's own contribution names themselves.
    if let Some(author) = author
        && !owners.contains(&author)
    {
        return Err(Rejection::NotAllowed);
    }
    let due = match draft.due.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) if is_date(d) => Some(d.to_owned()),
        Some(_) => return Err(Rejection::InvalidDate),
    };
    Ok(Action {
        id,
        what,
        owners,
        other_owner,
        due,
        answers: check_need(state, draft.answers)?,
        author,
    })
}

/// A calendar date as `YYYY-MM-DD` (what an HTML date input gives).
pub fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    if y.len() != 4
        || m.len() != 2
        || d.len() != 2
        || !s.bytes().all(|b| b.is_ascii_digit() || b == b'-')
    {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (2000..=2100).contains(&y) && (1..=days).contains(&d)
}
