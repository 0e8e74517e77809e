//! The rules for insight cards, actions and reflections.

use super::*;
use crate::domain::{Drive, Phase, Pillar, Side};

fn room_in(phase: Phase) -> (RoomState, ParticipantId, ParticipantId) {
    let mut s = RoomState::new(Setup::default());
    let join = |s: &mut RoomState, name: &str, side| {
        let cmd = Command::Join {
            name: name.into(),
            side,
        };
        match &handle(s, Actor::Guest, &cmd, 0).unwrap()[..] {
            [Event::ParticipantJoined { participant }] => participant.id,
            other => panic!("{other:?}"),
        }
    };
    let a = join(&mut s, "Anna", Side::Network);
    let b = join(&mut s, "Bram", Side::Management);
    handle(&mut s, Actor::Facilitator, &Command::GoToPhase { phase }, 0).unwrap();
    (s, a, b)
}

fn draft(what: &str, owners: Vec<ParticipantId>) -> ActionDraft {
    ActionDraft {
        what: what.into(),
        owners,
        other_owner: String::new(),
        due: None,
        answers: None,
    }
}

fn add_insight(text: &str, about: Option<Need>) -> Command {
    Command::AddInsight {
        text: text.into(),
        about,
    }
}

#[test]
fn the_facilitator_writes_insights_tied_to_the_step_and_a_topic() {
    let (mut s, ..) = room_in(Phase::Drives);
    handle(
        &mut s,
        Actor::Facilitator,
        &add_insight("Autonomie weegt zwaar", Some(Need::Drive(Drive::Autonomy))),
        0,
    )
    .unwrap();
    let insight = &s.insights[&InsightId(1)];
    assert_eq!(insight.phase, Phase::Drives);
    assert_eq!(insight.about, Some(Need::Drive(Drive::Autonomy)));
    let edit = Command::EditInsight {
        id: InsightId(1),
        text: "Autonomie!".into(),
        about: None,
    };
    handle(&mut s, Actor::Facilitator, &edit, 0).unwrap();
    assert_eq!(s.insights[&InsightId(1)].text, "Autonomie!");
    assert_eq!(
        s.insights[&InsightId(1)].phase,
        Phase::Drives,
        "editing keeps the step it came from"
    );
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::RemoveInsight { id: InsightId(1) },
        0,
    )
    .unwrap();
    assert!(s.insights.is_empty());
    handle(&mut s, Actor::Facilitator, &add_insight("next", None), 0).unwrap();
    assert!(
        s.insights.contains_key(&InsightId(2)),
        "ids are never reused"
    );
}

#[test]
fn only_the_facilitator_writes_insights() {
    let (s, a, _) = room_in(Phase::Drives);
    for actor in [Actor::Participant(a), Actor::Guest, Actor::Screen] {
        assert_eq!(
            decide(&s, actor, &add_insight("x", None), 0),
            Err(Rejection::NotAllowed)
        );
    }
}

#[test]
fn insights_are_checked() {
    let (s, ..) = room_in(Phase::Drives);
    let f = Actor::Facilitator;
    assert!(matches!(
        decide(&s, f, &add_insight(" ", None), 0),
        Err(Rejection::TextEmpty { .. })
    ));
    assert!(matches!(
        decide(&s, f, &add_insight(&"x".repeat(281), None), 0),
        Err(Rejection::TextTooLong { .. })
    ));
    assert_eq!(
        decide(&s, f, &add_insight("x", Some(Need::Goal(2))), 0),
        Err(Rejection::UnknownItem)
    );
    assert_eq!(
        decide(
            &s,
            f,
            &add_insight("x", Some(Need::Insight(InsightId(1)))),
            0
        ),
        Err(Rejection::UnknownItem)
    );
    let edit = Command::EditInsight {
        id: InsightId(9),
        text: "x".into(),
        about: None,
    };
    assert_eq!(decide(&s, f, &edit, 0), Err(Rejection::UnknownItem));
}

#[test]
fn there_is_a_bound_on_cards() {
    let (mut s, ..) = room_in(Phase::Drives);
    for i in 0..MAX_INSIGHTS {
        handle(
            &mut s,
            Actor::Facilitator,
            &add_insight(&format!("i{i}"), None),
            0,
        )
        .unwrap();
    }
    assert_eq!(
        decide(&s, Actor::Facilitator, &add_insight("one more", None), 0),
        Err(Rejection::TooMany)
    );
}

#[test]
fn the_facilitator_records_actions_with_owners_date_and_need() {
    let (mut s, a, b) = room_in(Phase::Actions);
    handle(
        &mut s,
        Actor::Facilitator,
        &add_insight("Tijd ontbreekt", Some(Need::Pillar(Pillar::Time))),
        0,
    )
    .unwrap();
    let action = ActionDraft {
        what: "Leertijd inroosteren".into(),
        owners: vec![b, a, b],
        other_owner: "HR".into(),
        due: Some("2027-02-28".into()),
        answers: Some(Need::Insight(InsightId(1))),
    };
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::AddAction { action },
        0,
    )
    .unwrap();
    let got = &s.actions[&ActionId(1)];
    assert_eq!(got.owners, vec![a, b], "owners sorted, once each");
    assert_eq!(got.other_owner, "HR");
    assert_eq!(got.due.as_deref(), Some("2027-02-28"));
    assert_eq!(got.author, None);
}

#[test]
fn an_action_needs_an_owner_and_a_real_date() {
    let (s, a, _) = room_in(Phase::Actions);
    let f = Actor::Facilitator;
    assert_eq!(
        decide(
            &s,
            f,
            &Command::AddAction {
                action: draft("x", vec![])
            },
            0
        ),
        Err(Rejection::NoOwner)
    );
    let mut bad_date = draft("x", vec![a]);
    bad_date.due = Some("2027-02-30".into());
    assert_eq!(
        decide(&s, f, &Command::AddAction { action: bad_date }, 0),
        Err(Rejection::InvalidDate)
    );
    assert_eq!(
        decide(
            &s,
            f,
            &Command::AddAction {
                action: draft("x", vec![ParticipantId(99)])
            },
            0
        ),
        Err(Rejection::UnknownParticipant)
    );
}

#[test]
fn a_participant_adds_their_own_contribution_in_the_last_steps() {
    let (mut s, a, b) = room_in(Phase::Pillars);
    let mine = Command::AddAction {
        action: draft("Ik deel mijn casus", vec![a]),
    };
    assert_eq!(
        decide(&s, Actor::Participant(a), &mine, 0),
        Err(Rejection::NotNow)
    );
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::GoToPhase {
            phase: Phase::Actions,
        },
        0,
    )
    .unwrap();
    handle(&mut s, Actor::Participant(a), &mine, 0).unwrap();
    assert_eq!(s.actions[&ActionId(1)].author, Some(a));
    let for_someone_else = Command::AddAction {
        action: draft("Bram doet het", vec![b]),
    };
    assert_eq!(
        decide(&s, Actor::Participant(a), &for_someone_else, 0),
        Err(Rejection::NotAllowed)
    );
}

#[test]
fn participants_change_only_their_own_actions_and_the_facilitator_any() {
    let (mut s, a, b) = room_in(Phase::Actions);
    handle(
        &mut s,
        Actor::Participant(a),
        &Command::AddAction {
            action: draft("A's", vec![a]),
        },
        0,
    )
    .unwrap();
    let edit = Command::EditAction {
        id: ActionId(1),
        action: draft("B was here", vec![b]),
    };
    assert_eq!(
        decide(&s, Actor::Participant(b), &edit, 0),
        Err(Rejection::NotAllowed)
    );
    assert_eq!(
        decide(
            &s,
            Actor::Participant(b),
            &Command::RemoveAction { id: ActionId(1) },
            0
        ),
        Err(Rejection::NotAllowed)
    );
    let own_edit = Command::EditAction {
        id: ActionId(1),
        action: draft("A's, sharper", vec![a]),
    };
    handle(&mut s, Actor::Participant(a), &own_edit, 0).unwrap();
    assert_eq!(s.actions[&ActionId(1)].what, "A's, sharper");
    let facilitator_edit = Command::EditAction {
        id: ActionId(1),
        action: draft("Samen", vec![a, b]),
    };
    handle(&mut s, Actor::Facilitator, &facilitator_edit, 0).unwrap();
    assert_eq!(s.actions[&ActionId(1)].author, Some(a), "the author stays");
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::RemoveAction { id: ActionId(1) },
        0,
    )
    .unwrap();
    assert!(s.actions.is_empty());
}

#[test]
fn reflections_are_for_participants_at_the_close() {
    let (mut s, a, _) = room_in(Phase::Actions);
    let say = Command::SetReflection {
        text: "Goed gesprek".into(),
    };
    assert_eq!(
        decide(&s, Actor::Participant(a), &say, 0),
        Err(Rejection::NotNow)
    );
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::GoToPhase {
            phase: Phase::Close,
        },
        0,
    )
    .unwrap();
    assert_eq!(
        decide(&s, Actor::Facilitator, &say, 0),
        Err(Rejection::NotAllowed)
    );
    handle(&mut s, Actor::Participant(a), &say, 0).unwrap();
    assert_eq!(s.reflections[&a], "Goed gesprek");
    handle(
        &mut s,
        Actor::Participant(a),
        &Command::SetReflection { text: "".into() },
        0,
    )
    .unwrap();
    assert!(
        s.reflections.is_empty(),
        "an empty reflection takes it back"
    );
}

#[test]
fn dates_are_real_calendar_dates() {
    assert!(is_date("2027-01-31"));
    assert!(is_date("2028-02-29"));
    assert!(!is_date("2027-02-29"));
    assert!(!is_date("2027-13-01"));
    assert!(!is_date("27-01-01"));
    assert!(!is_date("2027-1-01"));
    assert!(!is_date("2027-01-01T00"));
    assert!(!is_date("+027-01-01"));
}

#[test]
fn a_removed_participants_actions_and_reflection_stay_theirs_and_stay_editable() {
    let (mut s, a, b) = room_in(Phase::Close);
    let own = Command::AddAction {
        action: draft("Plan maken", vec![a, b]),
    };
    handle(&mut s, Actor::Participant(a), &own, 0).unwrap();
    let words = Command::SetReflection {
        text: "Goed gesprek".into(),
    };
    handle(&mut s, Actor::Participant(a), &words, 0).unwrap();
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::RemoveParticipant { id: a },
        0,
    )
    .unwrap();

    assert_eq!(s.name_of(a), Some("Anna"));
    assert_eq!(
        s.reflections.get(&a).map(String::as_str),
        Some("Goed gesprek")
    );
    let id = ActionId(1);
    assert_eq!(
        (s.actions[&id].author, &s.actions[&id].owners),
        (Some(a), &vec![a, b])
    );
    // The facilitator edits the text; Anna stays an owner of what she took on.
    let edit = Command::EditAction {
        id,
        action: draft("Plan maken en delen", vec![a, b]),
    };
    handle(&mut s, Actor::Facilitator, &edit, 0).unwrap();
    assert_eq!(s.actions[&id].what, "Plan maken en delen");
    // But no action newly names someone who is gone.
    let new = Command::AddAction {
        action: draft("Nieuw", vec![a]),
    };
    assert_eq!(
        decide(&s, Actor::Facilitator, &new, 0),
        Err(Rejection::UnknownParticipant)
    );
    assert_eq!(audit::faults(&s), Vec::<String>::new());
}

#[test]
fn removing_a_card_unlinks_the_actions_that_answered_it() {
    let (mut s, a, _) = room_in(Phase::Actions);
    handle(&mut s, Actor::Facilitator, &add_insight("Tijd", None), 0).unwrap();
    let answers = ActionDraft {
        answers: Some(Need::Insight(InsightId(1))),
        ..draft("Tijd vrijmaken", vec![a])
    };
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::AddAction { action: answers },
        0,
    )
    .unwrap();
    let remove = Command::RemoveInsight { id: InsightId(1) };
    handle(&mut s, Actor::Facilitator, &remove, 0).unwrap();
    assert_eq!(s.actions[&ActionId(1)].answers, None);
    assert_eq!(audit::faults(&s), Vec::<String>::new());
}
