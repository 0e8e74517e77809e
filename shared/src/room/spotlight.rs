//! The spotlight: one drive, pillar or insight card that the facilitator puts on the shared screen,
//! large, with who placed what there, while the room talks about it ("follow me").

use super::outcomes::InsightId;
use super::rejection::Rejection;
use super::state::RoomState;
use crate::domain::{Board, Drive, Phase, Pillar};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "item", rename_all = "snake_case")]
pub enum Spotlight {
    Drive(Drive),
    Pillar(Pillar),
    Insight(InsightId),
}

impl Spotlight {
    /// The board whose dots the spotlight shows, if any.
    pub fn board(self) -> Option<Board> {
        match self {
            Spotlight::Drive(_) => Some(Board::Drives),
            Spotlight::Pillar(_) => Some(Board::Pillars),
            Spotlight::Insight(_) => None,
        }
    }

    /// Whether `state` can show this now: a board's item once its step has been reached (so a
    /// later step can look back), an insight card while it exists.
    pub fn check(self, state: &RoomState) -> Result<(), Rejection> {
        let reached = |phase: Phase| state.phase >= phase;
        let fine = match self {
            Spotlight::Insight(id) => {
                return if state.insights.contains_key(&id) {
                    Ok(())
                } else {
                    Err(Rejection::UnknownItem)
                };
            }
            Spotlight::Drive(_) => reached(Phase::Drives),
            Spotlight::Pillar(_) => reached(Phase::Pillars),
        };
        if fine { Ok(()) } else { Err(Rejection::NotNow) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room::{Actor, Command, Event, Setup, handle};

    fn spot(
        state: &mut RoomState,
        actor: Actor,
        on: Option<Spotlight>,
    ) -> Result<Vec<Event>, Rejection> {
        handle(state, actor, &Command::SetSpotlight { on }, 0)
    }

    fn go(state: &mut RoomState, phase: Phase) {
        handle(state, Actor::Facilitator, &Command::GoToPhase { phase }, 0).expect("step");
    }

    #[test]
    fn only_the_facilitator_lights_the_spotlight() {
        let mut state = RoomState::new(Setup::default());
        go(&mut state, Phase::Drives);
        let on = Some(Spotlight::Drive(Drive::Impact));
        for actor in [
            Actor::Guest,
            Actor::Screen,
            Actor::Participant(crate::domain::ParticipantId(1)),
        ] {
            assert!(spot(&mut state, actor, on).is_err(), "{actor:?}");
        }
        assert_eq!(
            spot(&mut state, Actor::Facilitator, on),
            Ok(vec![Event::SpotlightChanged { on }])
        );
        assert_eq!(state.spotlight, on);
        // Lit again on the same item: nothing happens. One command ends it.
        assert_eq!(spot(&mut state, Actor::Facilitator, on), Ok(vec![]));
        spot(&mut state, Actor::Facilitator, None).expect("end");
        assert_eq!(state.spotlight, None);
    }

    #[test]
    fn a_board_item_waits_for_its_step_and_can_be_looked_back_on() {
        let mut state = RoomState::new(Setup::default());
        go(&mut state, Phase::Ambition);
        let drive = Some(Spotlight::Drive(Drive::Impact));
        let pillar = Some(Spotlight::Pillar(Pillar::Time));
        assert_eq!(
            spot(&mut state, Actor::Facilitator, drive),
            Err(Rejection::NotNow)
        );
        go(&mut state, Phase::Drives);
        assert_eq!(
            spot(&mut state, Actor::Facilitator, pillar),
            Err(Rejection::NotNow)
        );
        go(&mut state, Phase::Actions);
        assert!(spot(&mut state, Actor::Facilitator, drive).is_ok());
        assert!(spot(&mut state, Actor::Facilitator, pillar).is_ok());
    }

    #[test]
    fn a_new_step_or_a_removed_card_ends_the_spotlight() {
        let mut state = RoomState::new(Setup::default());
        go(&mut state, Phase::Drives);
        let missing = Some(Spotlight::Insight(InsightId(1)));
        assert_eq!(
            spot(&mut state, Actor::Facilitator, missing),
            Err(Rejection::UnknownItem)
        );
        let add = Command::AddInsight {
            text: "Zingeving drijft".into(),
            about: None,
        };
        handle(&mut state, Actor::Facilitator, &add, 0).expect("card");
        spot(&mut state, Actor::Facilitator, missing).expect("lit");
        handle(
            &mut state,
            Actor::Facilitator,
            &Command::RemoveInsight { id: InsightId(1) },
            0,
        )
        .expect("removed");
        assert_eq!(state.spotlight, None);
        spot(
            &mut state,
            Actor::Facilitator,
            Some(Spotlight::Drive(Drive::Impact)),
        )
        .expect("lit");
        go(&mut state, Phase::Pillars);
        assert_eq!(state.spotlight, None);
    }

    #[test]
    fn the_spotlight_travels_in_the_state_and_is_absent_when_off() {
        let mut state = RoomState::new(Setup::default());
        let json = serde_json::to_value(&state).expect("json");
        assert!(json.get("spotlight").is_none(), "{json}");
        state.spotlight = Some(Spotlight::Pillar(Pillar::Time));
        let json = serde_json::to_value(&state).expect("json");
        assert_eq!(
            json["spotlight"],
            serde_json::json!({"kind": "pillar", "item": "time"})
        );
        let back: RoomState = serde_json::from_value(json).expect("back");
        assert_eq!(back.spotlight, state.spotlight);
    }
}
