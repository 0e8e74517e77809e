//! After the close a participant may take their name and reflection out of the session: their
//! dots stay counted (the results do not change), under a name that is no one's. The name is
//! replaced rather than emptied, so every screen and export shows the same neutral mark.

use super::{Actor, Event, Rejection, RoomState};
use crate::domain::{ParticipantId, Phase};

/// What everyone sees instead of an anonymised participant's name.
pub const ANONYMOUS_NAME: &str = "—";

/// The events of a participant's `anonymise`.
pub(super) fn decide(state: &RoomState, actor: Actor) -> Result<Vec<Event>, Rejection> {
    let id = match actor {
        Actor::Participant(id) => id,
        Actor::Guest => return Err(Rejection::NotJoined),
        Actor::Facilitator | Actor::Screen => return Err(Rejection::NotAllowed),
    };
    let Some(me) = state.participants.get(&id) else {
        return Err(Rejection::UnknownParticipant);
    };
    if state.phase != Phase::Close {
        return Err(Rejection::NotNow);
    }
    Ok(if me.anonymous && !state.reflections.contains_key(&id) {
        Vec::new()
    } else {
        vec![Event::ParticipantAnonymised { id }]
    })
}

pub(super) fn apply(state: &mut RoomState, id: ParticipantId) {
    if let Some(p) = state.participants.get_mut(&id) {
        p.name = ANONYMOUS_NAME.to_owned();
        p.anonymous = true;
    }
    state.reflections.remove(&id);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Drive, Side, Zone};
    use crate::room::{Command, Setup, handle};
    use crate::stats;

    fn closed_room() -> (RoomState, ParticipantId, ParticipantId) {
        let mut state = RoomState::new(Setup::default());
        let f = Actor::Facilitator;
        let mut ids = Vec::new();
        for (name, side) in [("Anna", Side::Network), ("Bert", Side::Management)] {
            let events = handle(
                &mut state,
                Actor::Guest,
                &Command::Join {
                    name: name.into(),
                    side,
                },
                0,
            )
            .unwrap();
            let Event::ParticipantJoined { participant } = &events[0] else {
                unreachable!()
            };
            ids.push(participant.id);
        }
        handle(
            &mut state,
            f,
            &Command::GoToPhase {
                phase: Phase::Drives,
            },
            0,
        )
        .unwrap();
        for &id in &ids {
            let place = Command::PlaceDrive {
                drive: Drive::Impact,
                zone: Some(Zone::Necessary),
            };
            handle(&mut state, Actor::Participant(id), &place, 0).unwrap();
        }
        handle(
            &mut state,
            f,
            &Command::GoToPhase {
                phase: Phase::Close,
            },
            0,
        )
        .unwrap();
        for &id in &ids {
            let say = Command::SetReflection {
                text: "Goed gesprek".into(),
            };
            handle(&mut state, Actor::Participant(id), &say, 0).unwrap();
        }
        (state, ids[0], ids[1])
    }

    #[test]
    fn a_participant_takes_out_their_name_and_reflection_and_their_dots_still_count() {
        let (mut state, anna, bert) = closed_room();
        let tallies = stats::drives(&state);
        handle(&mut state, Actor::Participant(anna), &Command::Anonymise, 0).unwrap();
        let me = &state.participants[&anna];
        assert_eq!((me.name.as_str(), me.anonymous), (ANONYMOUS_NAME, true));
        assert!(!state.reflections.contains_key(&anna));
        assert_eq!(me.drives.len(), 1, "the dots stay");
        assert_eq!(stats::drives(&state), tallies, "and still count");
        // Bert is untouched; doing it again changes nothing.
        assert_eq!(state.participants[&bert].name, "Bert");
        assert!(state.reflections.contains_key(&bert));
        assert_eq!(
            handle(&mut state, Actor::Participant(anna), &Command::Anonymise, 0),
            Ok(vec![])
        );
    }

    #[test]
    fn only_oneself_only_after_the_close_and_nothing_changes_on_a_refusal() {
        let (mut state, anna, _) = closed_room();
        for (actor, why) in [
            (Actor::Facilitator, Rejection::NotAllowed),
            (Actor::Screen, Rejection::NotAllowed),
            (Actor::Guest, Rejection::NotJoined),
            (
                Actor::Participant(ParticipantId(99)),
                Rejection::UnknownParticipant,
            ),
        ] {
            let before = state.clone();
            assert_eq!(handle(&mut state, actor, &Command::Anonymise, 0), Err(why));
            assert_eq!(state, before);
        }
        handle(
            &mut state,
            Actor::Facilitator,
            &Command::GoToPhase {
                phase: Phase::Actions,
            },
            0,
        )
        .unwrap();
        let before = state.clone();
        assert_eq!(
            handle(&mut state, Actor::Participant(anna), &Command::Anonymise, 0),
            Err(Rejection::NotNow)
        );
        assert_eq!(state, before);
    }
}
