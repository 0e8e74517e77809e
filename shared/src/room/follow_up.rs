//! A follow-up session ("vervolgsessie"): made from a finished session, it keeps its own copy of
//! what that session yielded (actions, tallies, ratings) so it can look back in the Terugblik step
//! and show what moved, even after the earlier session is deleted. The copy is taken once, when the
//! follow-up is made, and never changes; what changes is the review of each earlier action.
//!
//! Who may review what: the facilitator any action at any time; a participant only an action they
//! own (by name: the earlier session's people have other ids here) and only during Terugblik.

use super::outcomes::{Action, ActionId, MAX_ACTIONS, Need};
use super::rejection::{Rejection, TextField};
use super::state::RoomState;
use super::{ANONYMOUS_NAME, Actor, Command, Event, text};
use crate::domain::{Drive, ParticipantId, Phase, Pillar, Side, limits};
use crate::stats::{self, ZoneCounts};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// At most this many sessions in a route: the oldest record goes first when a longer series grows.
pub const MAX_ROUTE: usize = 12;

/// How an earlier action went, as the group says in the Terugblik.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Gedaan.
    Done,
    /// Bezig.
    InProgress,
    /// Niet gestart.
    NotStarted,
    /// Vervallen: no longer needed.
    Dropped,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 4] = [
        ReviewStatus::Done,
        ReviewStatus::InProgress,
        ReviewStatus::NotStarted,
        ReviewStatus::Dropped,
    ];

    /// Whether an action with this status still asks for work: it may be carried on.
    pub fn is_open(status: Option<ReviewStatus>) -> bool {
        !matches!(status, Some(ReviewStatus::Done | ReviewStatus::Dropped))
    }
}

/// A status with an optional short note ("wacht op budget").
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub status: ReviewStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// An action of an earlier session as the follow-up keeps it: names instead of that session's ids.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastAction {
    /// Its id in the session it was agreed in.
    pub id: ActionId,
    pub what: String,
    /// Who took it on, by name: participants first, then the one from outside.
    pub owners: Vec<String>,
    pub due: Option<String>,
    /// The need it answered; an insight card's is left out (the card stays behind).
    #[serde(default)]
    pub answers: Option<Need>,
    /// Its last status, given in the session that followed; absent for the earlier session, whose
    /// statuses live in [`FollowUp::reviews`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
}

/// What a follow-up keeps of one earlier session: enough for the review, the comparison and the
/// route, and no participant's identity beyond the names on actions.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// The earlier session's id (it may since have been deleted).
    pub room: String,
    pub title: String,
    /// When it was created, in milliseconds since the epoch: the date the route shows.
    pub held_ms: u64,
    /// How many took part per side (the tallies' denominators differ between sessions).
    pub participants: BTreeMap<Side, u32>,
    pub actions: Vec<PastAction>,
    /// Per drive, per side: how many dots lay in each zone.
    pub drives: BTreeMap<Drive, BTreeMap<Side, ZoneCounts>>,
    /// Per pillar, per side: every rating, unnamed, so medians can be drawn again.
    pub pillars: BTreeMap<Pillar, BTreeMap<Side, Vec<u8>>>,
}

/// The link of a follow-up to the session it follows, with its own copy of that session.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// The session this one follows, as it was when this one was made.
    pub earlier: SessionSummary,
    /// The sessions before that one in the series, oldest first, with their actions' last statuses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<SessionSummary>,
    /// The status of each of `earlier`'s actions, by its id there.
    #[serde(default)]
    pub reviews: BTreeMap<ActionId, Review>,
    /// Earlier actions already carried into this session's actions (never twice).
    #[serde(default)]
    pub carried: BTreeSet<ActionId>,
}

/// A carried action: which earlier one it continues, and the new action.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carried {
    pub from: ActionId,
    pub action: Action,
}

/// Whether `state` may be followed up: only a session that reached its close.
pub fn may_follow_up(state: &RoomState) -> Result<(), Rejection> {
    if state.phase == Phase::Close {
        Ok(())
    } else {
        Err(Rejection::NotNow)
    }
}

/// What a follow-up keeps of `state`, the session `room` created at `held_ms`.
pub fn summary_of(state: &RoomState, room: &str, held_ms: u64) -> SessionSummary {
    let name = |id: &ParticipantId| state.name_of(*id).unwrap_or(ANONYMOUS_NAME).to_owned();
    let actions = state
        .actions
        .values()
        .map(|a| PastAction {
            id: a.id,
            what: a.what.clone(),
            owners: a
                .owners
                .iter()
                .map(name)
                .chain((!a.other_owner.is_empty()).then(|| a.other_owner.clone()))
                .collect(),
            due: a.due.clone(),
            answers: a.answers.filter(|n| !matches!(n, Need::Insight(_))),
            review: None,
        })
        .collect();
    let drives = stats::drives(state)
        .into_iter()
        .map(|d| (d.drive, d.counts))
        .collect();
    let pillars = Pillar::ALL
        .iter()
        .map(|&pillar| {
            let by_side = Side::ALL
                .iter()
                .map(|&side| {
                    let values = state
                        .side(side)
                        .filter_map(|p| p.pillars.get(&pillar).map(|s| s.value()))
                        .collect();
                    (side, values)
                })
                .collect();
            (pillar, by_side)
        })
        .collect();
    SessionSummary {
        room: room.to_owned(),
        title: state.setup.title.clone(),
        held_ms,
        participants: Side::ALL
            .iter()
            .map(|&s| (s, state.side_count(s) as u32))
            .collect(),
        actions,
        drives,
        pillars,
    }
}

/// The link a follow-up of `state` (the finished session `room`, created at `held_ms`) starts with.
pub fn follow_up_of(state: &RoomState, room: &str, held_ms: u64) -> FollowUp {
    let mut before = Vec::new();
    if let Some(f) = &state.follow_up {
        before.extend(f.before.iter().cloned());
        before.push(f.earlier_reviewed());
    }
    // The route keeps its newest sessions: with `earlier` and this one, MAX_ROUTE in all.
    let excess = before.len().saturating_sub(MAX_ROUTE - 2);
    before.drain(..excess);
    FollowUp {
        earlier: summary_of(state, room, held_ms),
        before,
        reviews: BTreeMap::new(),
        carried: BTreeSet::new(),
    }
}

/// The series up to and including `state` (the session `room`, created at `held_ms`), oldest
/// first: what "de route tot nu toe" shows. Just this session when it follows none.
pub fn route(state: &RoomState, room: &str, held_ms: u64) -> Vec<SessionSummary> {
    let mut route = Vec::new();
    if let Some(f) = &state.follow_up {
        route.extend(f.before.iter().cloned());
        route.push(f.earlier_reviewed());
    }
    route.push(summary_of(state, room, held_ms));
    route
}

impl FollowUp {
    /// The earlier session with each action's status as reviewed here.
    pub fn earlier_reviewed(&self) -> SessionSummary {
        let mut record = self.earlier.clone();
        for a in &mut record.actions {
            a.review = self.reviews.get(&a.id).cloned();
        }
        record
    }

    pub fn action(&self, id: ActionId) -> Option<&PastAction> {
        self.earlier.actions.iter().find(|a| a.id == id)
    }

    /// The earlier actions still open and not yet carried, in their order.
    pub fn to_carry(&self) -> impl Iterator<Item = &PastAction> {
        self.earlier.actions.iter().filter(|a| {
            ReviewStatus::is_open(self.reviews.get(&a.id).map(|r| r.status))
                && !self.carried.contains(&a.id)
        })
    }
}

/// Names match when they are the same but for case and surrounding space: people type their name
/// again in each session.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Whether participant `id` of `state` owns the earlier action `action`.
pub fn owns(state: &RoomState, id: ParticipantId, action: &PastAction) -> bool {
    state
        .participants
        .get(&id)
        .is_some_and(|p| !p.anonymous && action.owners.iter().any(|o| same_name(o, &p.name)))
}

pub(super) fn decide(
    state: &RoomState,
    actor: Actor,
    command: &Command,
) -> Result<Vec<Event>, Rejection> {
    let follow_up = state.follow_up.as_ref();
    match command {
        Command::SetReview {
            action,
            status,
            note,
        } => {
            let earlier = follow_up
                .and_then(|f| f.action(*action))
                .ok_or(Rejection::UnknownItem)?;
            match actor {
                Actor::Facilitator => {}
                Actor::Participant(id) => {
                    if !state.participants.contains_key(&id) {
                        return Err(Rejection::UnknownParticipant);
                    }
                    if !owns(state, id, earlier) {
                        return Err(Rejection::NotAllowed);
                    }
                    if state.phase != Phase::Review {
                        return Err(Rejection::NotNow);
                    }
                }
                Actor::Guest | Actor::Screen => return Err(Rejection::NotAllowed),
            }
            let note = text::clean(
                TextField::ReviewNote,
                note,
                limits::REVIEW_NOTE,
                false,
                false,
            )?;
            let review = Review {
                status: *status,
                note,
            };
            let current = follow_up.and_then(|f| f.reviews.get(action));
            Ok(if current == Some(&review) {
                vec![]
            } else {
                vec![Event::ReviewSet {
                    action: *action,
                    review,
                }]
            })
        }
        Command::CarryOpenActions => {
            if actor != Actor::Facilitator {
                return Err(Rejection::NotAllowed);
            }
            let follow_up = follow_up.ok_or(Rejection::UnknownItem)?;
            let open: Vec<&PastAction> = follow_up.to_carry().collect();
            if state.actions.len() + open.len() > MAX_ACTIONS {
                return Err(Rejection::TooMany);
            }
            let carried: Vec<Carried> = open
                .into_iter()
                .zip(state.next_action..)
                .map(|(past, id)| Carried {
                    from: past.id,
                    action: carried_action(state, past, ActionId(id)),
                })
                .collect();
            Ok(if carried.is_empty() {
                vec![]
            } else {
                vec![Event::ActionsCarried { carried }]
            })
        }
        _ => unreachable!("only review commands are routed here"),
    }
}

/// An earlier action as an action of this session: owners who are here again by name become
/// participants on it, the others stay named beside them.
fn carried_action(state: &RoomState, past: &PastAction, id: ActionId) -> Action {
    let mut owners = Vec::new();
    let mut others = Vec::new();
    for name in &past.owners {
        match state
            .participants
            .values()
            .find(|p| !p.anonymous && same_name(&p.name, name))
        {
            Some(p) => owners.push(p.id),
            None => others.push(name.as_str()),
        }
    }
    owners.sort();
    owners.dedup();
    let other_owner: String = others.join(", ").chars().take(limits::NAME).collect();
    Action {
        id,
        what: past.what.clone(),
        owners,
        other_owner: other_owner.trim_end().to_owned(),
        due: past.due.clone(),
        answers: past.answers,
        author: None,
    }
}

pub(super) fn apply(state: &mut RoomState, event: &Event) {
    match event {
        Event::ReviewSet { action, review } => {
            if let Some(f) = &mut state.follow_up
                && f.action(*action).is_some()
            {
                f.reviews.insert(*action, review.clone());
            }
        }
        Event::ActionsCarried { carried } => {
            for c in carried {
                if let Some(f) = &mut state.follow_up {
                    f.carried.insert(c.from);
                }
                state.next_action = state.next_action.max(c.action.id.0 + 1);
                state.actions.insert(c.action.id, c.action.clone());
            }
        }
        _ => {}
    }
}
