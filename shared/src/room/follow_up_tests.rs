//! The rules of a follow-up: the link and its copy, Terugblik, who reviews what, carrying actions.

use super::*;
use crate::domain::{Drive, Phase, Pillar, Side, Strength, Zone};
use proptest::prelude::*;

fn join(s: &mut RoomState, name: &str, side: Side) -> ParticipantId {
    let cmd = Command::Join {
        name: name.into(),
        side,
    };
    match &handle(s, Actor::Guest, &cmd, 0).unwrap()[..] {
        [Event::ParticipantJoined { participant }] => participant.id,
        other => panic!("{other:?}"),
    }
}

fn go(s: &mut RoomState, phase: Phase) -> Result<Vec<Event>, Rejection> {
    handle(s, Actor::Facilitator, &Command::GoToPhase { phase }, 0)
}

fn act(s: &mut RoomState, what: &str, owners: Vec<ParticipantId>, other: &str) {
    let action = ActionDraft {
        what: what.into(),
        owners,
        other_owner: other.into(),
        due: Some("2027-03-01".into()),
        answers: Some(Need::Pillar(Pillar::Time)),
    };
    handle(s, Actor::Facilitator, &Command::AddAction { action }, 0).unwrap();
}

/// A first session run to its close: Anna (network) and Bram (management) agreed on three actions.
fn first_session() -> RoomState {
    let mut s = RoomState::new(Setup {
        title: "Start".into(),
        ..Setup::default()
    });
    let anna = join(&mut s, "Anna", Side::Network);
    let bram = join(&mut s, "Bram", Side::Management);
    go(&mut s, Phase::Drives).unwrap();
    for (by, zone) in [(anna, Zone::Necessary), (bram, Zone::Neutral)] {
        let cmd = Command::PlaceDrive {
            drive: Drive::Autonomy,
            zone: Some(zone),
        };
        handle(&mut s, Actor::Participant(by), &cmd, 0).unwrap();
    }
    go(&mut s, Phase::Pillars).unwrap();
    let cmd = Command::PlacePillar {
        pillar: Pillar::Time,
        strength: Strength::new(30),
    };
    handle(&mut s, Actor::Participant(anna), &cmd, 0).unwrap();
    go(&mut s, Phase::Actions).unwrap();
    act(&mut s, "Tijd vrijmaken", vec![anna], "");
    act(&mut s, "Budget vragen", vec![bram], "Directie");
    act(&mut s, "Kennisdag plannen", vec![anna, bram], "");
    go(&mut s, Phase::Close).unwrap();
    s
}

/// A follow-up of `first_session` where Anna is back (typed in lower case) and Carla is new.
fn follow_up() -> (RoomState, ParticipantId, ParticipantId) {
    let first = first_session();
    let link = follow_up_of(&first, "room1", 1_000);
    let mut s = RoomState::following(first.setup.clone(), Some(link));
    let anna = join(&mut s, " anna ", Side::Network);
    let carla = join(&mut s, "Carla", Side::Management);
    (s, anna, carla)
}

fn review(action: u32, status: ReviewStatus, note: &str) -> Command {
    Command::SetReview {
        action: ActionId(action),
        status,
        note: note.into(),
    }
}

#[test]
fn only_a_finished_session_is_followed_up_and_the_copy_holds_what_it_yielded() {
    let mut s = first_session();
    assert_eq!(may_follow_up(&s), Ok(()));
    go(&mut s, Phase::Actions).unwrap();
    assert_eq!(may_follow_up(&s), Err(Rejection::NotNow));
    let f = follow_up_of(&first_session(), "room1", 1_000);
    let e = &f.earlier;
    assert_eq!(
        (e.room.as_str(), e.title.as_str(), e.held_ms),
        ("room1", "Start", 1_000)
    );
    assert_eq!(e.participants[&Side::Network], 1);
    let owners: Vec<Vec<&str>> = e
        .actions
        .iter()
        .map(|a| a.owners.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        owners,
        [vec!["Anna"], vec!["Bram", "Directie"], vec!["Anna", "Bram"]]
    );
    assert_eq!(e.drives[&Drive::Autonomy][&Side::Network], [1, 0, 0]);
    assert_eq!(e.drives[&Drive::Impact][&Side::Network], [0, 0, 0]);
    assert_eq!(e.pillars[&Pillar::Time][&Side::Network], vec![30]);
    assert!(e.pillars[&Pillar::Time][&Side::Management].is_empty());
    assert!(f.before.is_empty() && f.reviews.is_empty());
}

#[test]
fn terugblik_is_a_step_of_a_follow_up_only() {
    let mut first = RoomState::new(Setup::default());
    assert_eq!(go(&mut first, Phase::Review), Err(Rejection::NotNow));
    assert_eq!(first.next_phase(), Some(Phase::Ambition));
    assert!(!first.steps().any(|p| p == Phase::Review));
    let (mut s, ..) = follow_up();
    assert_eq!(s.next_phase(), Some(Phase::Review));
    let events = go(&mut s, Phase::Review).unwrap();
    assert!(
        matches!(&events[..], [Event::PhaseChanged { timer, .. }] if timer.remaining_at(0) == 15 * 60_000)
    );
    assert_eq!(s.next_phase(), Some(Phase::Ambition));
    assert_eq!(s.prev_phase(), Some(Phase::Lobby));
    // The facilitator may skip it: straight from the lobby to Ambitie.
    let (mut skip, ..) = follow_up();
    go(&mut skip, Phase::Ambition).unwrap();
    assert_eq!(skip.prev_phase(), Some(Phase::Review));
}

#[test]
fn the_facilitator_reviews_any_action_at_any_step_with_a_note() {
    let (mut s, ..) = follow_up();
    let events = handle(
        &mut s,
        Actor::Facilitator,
        &review(2, ReviewStatus::InProgress, " wacht op budget "),
        0,
    )
    .unwrap();
    let expected = Review {
        status: ReviewStatus::InProgress,
        note: "wacht op budget".into(),
    };
    assert_eq!(
        events,
        vec![Event::ReviewSet {
            action: ActionId(2),
            review: expected.clone()
        }]
    );
    assert_eq!(
        s.follow_up.as_ref().unwrap().reviews[&ActionId(2)],
        expected
    );
    // The same again changes nothing; later steps still take a correction.
    assert_eq!(
        handle(
            &mut s,
            Actor::Facilitator,
            &review(2, ReviewStatus::InProgress, "wacht op budget"),
            0
        ),
        Ok(vec![])
    );
    go(&mut s, Phase::Actions).unwrap();
    handle(
        &mut s,
        Actor::Facilitator,
        &review(2, ReviewStatus::Done, ""),
        0,
    )
    .unwrap();
    assert_eq!(
        handle(
            &mut s,
            Actor::Facilitator,
            &review(9, ReviewStatus::Done, ""),
            0
        ),
        Err(Rejection::UnknownItem)
    );
    let long = "x".repeat(crate::domain::limits::REVIEW_NOTE + 1);
    assert!(matches!(
        handle(
            &mut s,
            Actor::Facilitator,
            &review(1, ReviewStatus::Done, &long),
            0
        ),
        Err(Rejection::TextTooLong {
            field: TextField::ReviewNote,
            ..
        })
    ));
    assert_eq!(
        handle(
            &mut s,
            Actor::Facilitator,
            &review(1, ReviewStatus::Done, "a\nb"),
            0
        ),
        Err(Rejection::TextInvalid {
            field: TextField::ReviewNote
        })
    );
}

#[test]
fn an_owner_reviews_their_own_action_during_terugblik_and_nobody_else_does() {
    let (mut s, anna, carla) = follow_up();
    let anna = Actor::Participant(anna);
    assert_eq!(
        handle(&mut s, anna, &review(1, ReviewStatus::Done, ""), 0),
        Err(Rejection::NotNow)
    );
    go(&mut s, Phase::Review).unwrap();
    handle(&mut s, anna, &review(1, ReviewStatus::Done, "klaar"), 0).unwrap();
    // A shared action is hers too; Bram's is not, nor is any action Carla's.
    handle(&mut s, anna, &review(3, ReviewStatus::NotStarted, ""), 0).unwrap();
    assert_eq!(
        handle(&mut s, anna, &review(2, ReviewStatus::Done, ""), 0),
        Err(Rejection::NotAllowed)
    );
    let carla = Actor::Participant(carla);
    assert_eq!(
        handle(&mut s, carla, &review(1, ReviewStatus::Dropped, ""), 0),
        Err(Rejection::NotAllowed)
    );
    for actor in [Actor::Guest, Actor::Screen] {
        assert_eq!(
            handle(&mut s, actor, &review(1, ReviewStatus::Dropped, ""), 0),
            Err(Rejection::NotAllowed)
        );
    }
    go(&mut s, Phase::Ambition).unwrap();
    assert_eq!(
        handle(&mut s, anna, &review(1, ReviewStatus::InProgress, ""), 0),
        Err(Rejection::NotNow)
    );
    // A first session has no earlier actions to review.
    let mut first = first_session();
    assert_eq!(
        handle(
            &mut first,
            Actor::Facilitator,
            &review(1, ReviewStatus::Done, ""),
            0
        ),
        Err(Rejection::UnknownItem)
    );
}

#[test]
fn open_actions_are_carried_once_with_the_owners_who_are_here_again() {
    let (mut s, anna, carla) = follow_up();
    assert_eq!(
        handle(
            &mut s,
            Actor::Participant(carla),
            &Command::CarryOpenActions,
            0
        ),
        Err(Rejection::NotAllowed)
    );
    handle(
        &mut s,
        Actor::Facilitator,
        &review(1, ReviewStatus::Done, ""),
        0,
    )
    .unwrap();
    handle(
        &mut s,
        Actor::Facilitator,
        &review(3, ReviewStatus::NotStarted, ""),
        0,
    )
    .unwrap();
    let events = handle(&mut s, Actor::Facilitator, &Command::CarryOpenActions, 0).unwrap();
    let [Event::ActionsCarried { carried }] = &events[..] else {
        panic!("{events:?}");
    };
    // Action 2 (not reviewed: still open) and 3 (niet gestart); 1 is done.
    assert_eq!(carried.iter().map(|c| c.from.0).collect::<Vec<_>>(), [2, 3]);
    let budget = &s.actions[&ActionId(1)];
    assert_eq!(
        (
            budget.what.as_str(),
            budget.owners.clone(),
            budget.other_owner.as_str()
        ),
        ("Budget vragen", vec![], "Bram, Directie")
    );
    assert_eq!(budget.due.as_deref(), Some("2027-03-01"));
    let day = &s.actions[&ActionId(2)];
    assert_eq!(
        (day.owners.clone(), day.other_owner.as_str()),
        (vec![anna], "Bram")
    );
    assert_eq!(s.next_action, 3);
    // Nothing is carried twice.
    assert_eq!(
        handle(&mut s, Actor::Facilitator, &Command::CarryOpenActions, 0),
        Ok(vec![])
    );
    assert!(audit::faults(&s).is_empty(), "{:?}", audit::faults(&s));
}

#[test]
fn carrying_stops_at_the_action_cap() {
    let (mut s, anna, _) = follow_up();
    go(&mut s, Phase::Actions).unwrap();
    for i in 0..MAX_ACTIONS - 1 {
        act(&mut s, &format!("actie {i}"), vec![anna], "");
    }
    assert_eq!(
        handle(&mut s, Actor::Facilitator, &Command::CarryOpenActions, 0),
        Err(Rejection::TooMany)
    );
}

#[test]
fn a_follow_up_of_a_follow_up_keeps_the_route_with_the_last_statuses() {
    let (mut second, ..) = follow_up();
    handle(
        &mut second,
        Actor::Facilitator,
        &review(1, ReviewStatus::Done, "gelukt"),
        0,
    )
    .unwrap();
    go(&mut second, Phase::Close).unwrap();
    let third = RoomState::following(
        Setup::default(),
        Some(follow_up_of(&second, "room2", 2_000)),
    );
    let f = third.follow_up.as_ref().unwrap();
    assert_eq!(f.before.len(), 1);
    assert_eq!(f.before[0].room, "room1");
    assert_eq!(
        f.before[0].actions[0].review.as_ref().unwrap().note,
        "gelukt"
    );
    assert_eq!(f.earlier.room, "room2");
    let rooms: Vec<String> = route(&third, "room3", 3_000)
        .into_iter()
        .map(|r| r.room)
        .collect();
    assert_eq!(rooms, ["room1", "room2", "room3"]);
    assert_eq!(route(&first_session(), "room1", 1_000).len(), 1);
}

#[test]
fn the_comparison_is_switched_on_by_the_facilitator_and_hidden_while_people_place() {
    let mut first = first_session();
    let on = Command::SetComparisonShown {
        board: Board::Drives,
        shown: true,
    };
    assert_eq!(
        handle(&mut first, Actor::Facilitator, &on, 0),
        Err(Rejection::NotNow)
    );
    let (mut s, anna, _) = follow_up();
    assert_eq!(
        handle(&mut s, Actor::Participant(anna), &on, 0),
        Err(Rejection::NotAllowed)
    );
    go(&mut s, Phase::Drives).unwrap();
    handle(&mut s, Actor::Facilitator, &on, 0).unwrap();
    assert!(s.drives_board.comparison_shown);
    assert!(!s.shows_comparison(Board::Drives), "people are placing");
    let lock = Command::SetLocked {
        board: Board::Drives,
        locked: true,
    };
    handle(&mut s, Actor::Facilitator, &lock, 0).unwrap();
    assert!(s.shows_comparison(Board::Drives));
    assert!(!s.shows_comparison(Board::Pillars));
    let json = serde_json::to_value(&s).unwrap();
    let back: RoomState = serde_json::from_value(json).unwrap();
    assert_eq!(back, s);
}

#[test]
fn the_copy_travels_in_the_state_and_a_first_session_has_none() {
    let first = first_session();
    let json = serde_json::to_value(&first).unwrap();
    assert!(json.get("follow_up").is_none());
    let (s, ..) = follow_up();
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["follow_up"]["earlier"]["room"], "room1");
    assert_eq!(serde_json::from_value::<RoomState>(json).unwrap(), s);
}

proptest! {
    /// Whoever sends whatever review, the result is one of: the facilitator's change, an owner's
    /// own change during Terugblik, or a refusal that leaves the state as it was.
    #[test]
    fn only_the_facilitator_or_an_owner_changes_a_review(
        who in 0usize..5, action in 1u32..5, status in 0usize..4, phase in 0usize..7
    ) {
        let (mut s, anna, carla) = follow_up();
        let phase = Phase::ALL[phase];
        go(&mut s, phase).unwrap();
        let actor = [Actor::Facilitator, Actor::Participant(anna), Actor::Participant(carla), Actor::Guest, Actor::Screen][who];
        let before = s.clone();
        let result = handle(&mut s, actor, &review(action, ReviewStatus::ALL[status], ""), 0);
        let owner = actor == Actor::Participant(anna) && matches!(action, 1 | 3);
        match result {
            Ok(events) => {
                prop_assert!(actor == Actor::Facilitator || (owner && phase == Phase::Review));
                prop_assert_eq!(events.len(), 1);
                prop_assert_eq!(s.follow_up.as_ref().unwrap().reviews[&ActionId(action)].status, ReviewStatus::ALL[status]);
            }
            Err(_) => prop_assert_eq!(s, before),
        }
    }

    /// Carrying takes exactly the open actions not carried before, whatever their statuses.
    #[test]
    fn carrying_takes_exactly_the_open_actions(statuses in prop::collection::vec(prop::option::of(0usize..4), 3)) {
        let (mut s, ..) = follow_up();
        for (i, st) in statuses.iter().enumerate() {
            if let Some(st) = st {
                handle(&mut s, Actor::Facilitator, &review(i as u32 + 1, ReviewStatus::ALL[*st], ""), 0).unwrap();
            }
        }
        handle(&mut s, Actor::Facilitator, &Command::CarryOpenActions, 0).unwrap();
        let open = statuses.iter().filter(|st| ReviewStatus::is_open(st.map(|i| ReviewStatus::ALL[i]))).count();
        prop_assert_eq!(s.actions.len(), open);
        prop_assert_eq!(s.follow_up.as_ref().unwrap().carried.len(), open);
        prop_assert!(audit::faults(&s).is_empty());
    }
}
