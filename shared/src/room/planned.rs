//! When a session is planned: a date and, if known, a time, for the invitation. Set by the
//! facilitator and changed as often as plans change; it moves nothing else in the room.

use super::outcomes::is_date;
use super::{Event, Rejection, RoomState};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    /// `YYYY-MM-DD`, a real calendar date in 2000–2100 (the same rule as an action's date).
    pub date: String,
    /// `HH:MM` on a 24-hour clock, if a time was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

/// `HH:MM`, 00:00 to 23:59.
pub fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[2] == b':'
        && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit())
        && (b[0] - b'0') * 10 + (b[1] - b'0') < 24
        && b[3] <= b'5'
}

/// The events of the facilitator's `set_planned` (the caller has checked the role).
pub(super) fn decide(
    state: &RoomState,
    planned: &Option<Planned>,
) -> Result<Vec<Event>, Rejection> {
    if let Some(p) = planned {
        if !is_date(&p.date) {
            return Err(Rejection::InvalidDate);
        }
        if p.time.as_deref().is_some_and(|t| !is_time(t)) {
            return Err(Rejection::InvalidTime);
        }
    }
    Ok(if &state.planned == planned {
        Vec::new()
    } else {
        vec![Event::PlannedSet {
            planned: planned.clone(),
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room::{Actor, Command, Setup, handle};

    fn set(date: &str, time: Option<&str>) -> Command {
        Command::SetPlanned {
            planned: Some(Planned {
                date: date.into(),
                time: time.map(String::from),
            }),
        }
    }

    #[test]
    fn the_facilitator_plans_and_replans_and_nobody_else_may() {
        let mut state = RoomState::new(Setup::default());
        let before = state.clone();
        for actor in [
            Actor::Guest,
            Actor::Screen,
            Actor::Participant(crate::ParticipantId(1)),
        ] {
            assert_eq!(
                handle(&mut state, actor, &set("2027-03-01", None), 0),
                Err(Rejection::NotAllowed)
            );
        }
        assert_eq!(state, before);
        handle(
            &mut state,
            Actor::Facilitator,
            &set("2027-03-01", Some("09:30")),
            0,
        )
        .unwrap();
        assert_eq!(
            state.planned.as_ref().unwrap().time.as_deref(),
            Some("09:30")
        );
        // The same again changes nothing; clearing it leaves none.
        let again = handle(
            &mut state,
            Actor::Facilitator,
            &set("2027-03-01", Some("09:30")),
            0,
        );
        assert_eq!(again, Ok(vec![]));
        handle(
            &mut state,
            Actor::Facilitator,
            &Command::SetPlanned { planned: None },
            0,
        )
        .unwrap();
        assert_eq!(state.planned, None);
    }

    #[test]
    fn a_date_that_does_not_exist_or_a_bad_time_is_refused_and_changes_nothing() {
        let mut state = RoomState::new(Setup::default());
        let f = Actor::Facilitator;
        assert_eq!(
            handle(&mut state, f, &set("2027-02-29", None), 0),
            Err(Rejection::InvalidDate)
        );
        assert_eq!(
            handle(&mut state, f, &set("1 maart", None), 0),
            Err(Rejection::InvalidDate)
        );
        for bad in ["24:00", "9:30", "09:60", "09-30", "0930 ", "ab:cd"] {
            assert_eq!(
                handle(&mut state, f, &set("2027-03-01", Some(bad)), 0),
                Err(Rejection::InvalidTime),
                "{bad}"
            );
        }
        assert_eq!(state.planned, None);
        assert!(is_time("00:00") && is_time("23:59"));
    }

    #[test]
    fn a_stored_room_without_a_plan_still_reads() {
        let mut json = serde_json::to_value(RoomState::new(Setup::default())).unwrap();
        json.as_object_mut().unwrap().remove("planned");
        let state: RoomState = serde_json::from_value(json).unwrap();
        assert_eq!(state.planned, None);
    }
}
