//! What must hold of any room state the rules can reach, as a list of faults: empty for a sound
//! state. `koersbord check` runs it on every stored room after replaying its events, so a damaged or
//! hand-edited database is found before a meeting, not in one.

use super::{MAX_ACTIONS, MAX_INSIGHTS, Need, RoomState};
use crate::domain::{MAX_PARTICIPANTS, MAX_PER_SIDE, ParticipantId, Side};

/// Every way `state` breaks the room's invariants, in words; empty when it keeps them all.
pub fn faults(state: &RoomState) -> Vec<String> {
    let mut faults = Vec::new();
    if state.participants.len() > MAX_PARTICIPANTS {
        faults.push(format!(
            "{} participants, at most {MAX_PARTICIPANTS} may take part",
            state.participants.len()
        ));
    }
    for side in Side::ALL {
        let n = state.side_count(side);
        if n > MAX_PER_SIDE {
            faults.push(format!(
                "{n} participants on side {side:?}, at most {MAX_PER_SIDE}"
            ));
        }
    }
    for (id, p) in &state.participants {
        if p.id != *id {
            faults.push(format!("participant {} is filed as {}", p.id.0, id.0));
        }
        // Ids are never reused: every id handed out lies below the next one.
        if id.0 >= state.next_participant {
            faults.push(format!(
                "participant {} is not below the next id {}",
                id.0, state.next_participant
            ));
        }
    }
    if state.insights.len() > MAX_INSIGHTS {
        faults.push(format!(
            "{} insight cards, at most {MAX_INSIGHTS}",
            state.insights.len()
        ));
    }
    for (id, insight) in &state.insights {
        if insight.id != *id || id.0 >= state.next_insight {
            faults.push(format!("insight card {} is out of order", id.0));
        }
    }
    if state.actions.len() > MAX_ACTIONS {
        faults.push(format!(
            "{} actions, at most {MAX_ACTIONS}",
            state.actions.len()
        ));
    }
    for (id, action) in &state.actions {
        if action.id != *id || id.0 >= state.next_action {
            faults.push(format!("action {} is out of order", id.0));
        }
    }
    if let Some(super::Spotlight::Insight(id)) = state.spotlight
        && !state.insights.contains_key(&id)
    {
        faults.push(format!(
            "the spotlight is on insight card {}, which is gone",
            id.0
        ));
    }
    references(state, &mut faults);
    follow_up(state, &mut faults);
    faults
}

/// A follow-up reviews and carries only the earlier session's actions; a first session has no
/// Terugblik.
fn follow_up(state: &RoomState, faults: &mut Vec<String>) {
    let Some(f) = &state.follow_up else {
        if state.phase == crate::domain::Phase::Review {
            faults.push("a first session is in Terugblik".into());
        }
        return;
    };
    for id in f.reviews.keys().chain(&f.carried) {
        if f.action(*id).is_none() {
            faults.push(format!("earlier action {} is reviewed but unknown", id.0));
        }
    }
}

/// Every id an item refers to names someone or something the room knows: a participant present or
/// removed (with the name they had), an insight card that is still there.
fn references(state: &RoomState, faults: &mut Vec<String>) {
    for (id, name) in &state.former {
        if state.participants.contains_key(id) || id.0 >= state.next_participant {
            faults.push(format!(
                "former participant {} ({name}) is out of place",
                id.0
            ));
        }
    }
    let known = |id: &ParticipantId| state.name_of(*id).is_some();
    for id in state.reflections.keys().filter(|id| !known(id)) {
        faults.push(format!("a reflection by unknown participant {}", id.0));
    }
    for action in state.actions.values() {
        for owner in action.owners.iter().filter(|o| !known(o)) {
            faults.push(format!(
                "action {} is owned by unknown participant {}",
                action.id.0, owner.0
            ));
        }
        if let Some(author) = action.author.filter(|a| !known(a)) {
            faults.push(format!(
                "action {} was written by unknown participant {}",
                action.id.0, author.0
            ));
        }
        if let Some(Need::Insight(card)) = action.answers
            && !state.insights.contains_key(&card)
        {
            faults.push(format!(
                "action {} answers insight card {} that is gone",
                action.id.0, card.0
            ));
        }
    }
    for insight in state.insights.values() {
        if matches!(insight.about, Some(Need::Insight(_))) {
            faults.push(format!("insight card {} is about a card", insight.id.0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room::{Participant, Setup};

    #[test]
    fn a_new_room_is_sound_and_a_broken_one_is_named() {
        let mut state = RoomState::new(Setup::default());
        assert_eq!(faults(&state), Vec::<String>::new());
        for i in 1..=5 {
            let p = Participant::new(ParticipantId(i), format!("P{i}"), Side::Network);
            state.participants.insert(p.id, p);
        }
        state.next_participant = 4;
        let found = faults(&state);
        assert!(
            found
                .iter()
                .any(|f| f.contains("5 participants on side Network")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.contains("participant 4 is not below")),
            "{found:?}"
        );
    }
}
