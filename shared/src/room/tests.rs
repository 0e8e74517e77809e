//! Every rule of the room, one test each. Property tests are in `prop_tests.rs`.

use super::*;
use crate::domain::{Drive, Phase, Pillar, Side, Strength, Zone};

const MIN: u64 = 60_000;

fn room() -> RoomState {
    RoomState::new(Setup {
        title: "Start".into(),
        ambition: "Samen leren".into(),
        goals: ["A".into(), "B".into()],
    })
}

fn join(state: &mut RoomState, name: &str, side: Side) -> ParticipantId {
    let events = handle(
        state,
        Actor::Guest,
        &Command::Join {
            name: name.into(),
            side,
        },
        0,
    )
    .expect("join");
    match &events[..] {
        [Event::ParticipantJoined { participant }] => participant.id,
        other => panic!("unexpected events {other:?}"),
    }
}

fn go(state: &mut RoomState, phase: Phase) {
    handle(state, Actor::Facilitator, &Command::GoToPhase { phase }, 0).expect("go to phase");
}

fn place_drive(drive: Drive, zone: Zone) -> Command {
    Command::PlaceDrive {
        drive,
        zone: Some(zone),
    }
}

#[test]
fn a_guest_joins_with_a_trimmed_name_and_a_side() {
    let mut s = room();
    let id = join(&mut s, "  Anna ", Side::Network);
    assert_eq!(s.participants[&id].name, "Anna");
    assert_eq!(s.participants[&id].side, Side::Network);
    assert_eq!(s.seq, 1);
}

#[test]
fn each_side_takes_four_and_the_fifth_is_told_the_side_is_full() {
    let mut s = room();
    for i in 0..4 {
        join(&mut s, &format!("n{i}"), Side::Network);
    }
    let fifth = decide(
        &s,
        Actor::Guest,
        &Command::Join {
            name: "e".into(),
            side: Side::Network,
        },
        0,
    );
    assert_eq!(
        fifth,
        Err(Rejection::SideFull {
            side: Side::Network
        })
    );
    join(&mut s, "m", Side::Management);
}

#[test]
fn eight_in_all_and_the_ninth_is_refused_whatever_side() {
    let mut s = room();
    for i in 0..4 {
        join(&mut s, &format!("n{i}"), Side::Network);
        join(&mut s, &format!("m{i}"), Side::Management);
    }
    for side in Side::ALL {
        let r = decide(
            &s,
            Actor::Guest,
            &Command::Join {
                name: "x".into(),
                side,
            },
            0,
        );
        assert_eq!(r, Err(Rejection::SideFull { side }));
    }
    assert_eq!(s.participants.len(), 8);
}

#[test]
fn only_guests_join() {
    let mut s = room();
    let id = join(&mut s, "Anna", Side::Network);
    let cmd = Command::Join {
        name: "B".into(),
        side: Side::Management,
    };
    assert_eq!(
        decide(&s, Actor::Participant(id), &cmd, 0),
        Err(Rejection::AlreadyJoined)
    );
    assert_eq!(
        decide(&s, Actor::Facilitator, &cmd, 0),
        Err(Rejection::NotAllowed)
    );
    assert_eq!(
        decide(&s, Actor::Screen, &cmd, 0),
        Err(Rejection::NotAllowed)
    );
}

#[test]
fn a_join_with_a_bad_name_is_refused() {
    let s = room();
    let long = Command::Join {
        name: "x".repeat(41),
        side: Side::Network,
    };
    assert!(matches!(
        decide(&s, Actor::Guest, &long, 0),
        Err(Rejection::TextTooLong { .. })
    ));
    let empty = Command::Join {
        name: " ".into(),
        side: Side::Network,
    };
    assert!(matches!(
        decide(&s, Actor::Guest, &empty, 0),
        Err(Rejection::TextEmpty { .. })
    ));
}

#[test]
fn ids_are_never_reused_after_a_removal() {
    let mut s = room();
    let a = join(&mut s, "A", Side::Network);
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::RemoveParticipant { id: a },
        0,
    )
    .unwrap();
    let b = join(&mut s, "B", Side::Network);
    assert_ne!(a, b);
    assert!(!s.participants.contains_key(&a));
}

#[test]
fn removing_an_unknown_participant_is_refused() {
    let s = room();
    let r = decide(
        &s,
        Actor::Facilitator,
        &Command::RemoveParticipant {
            id: ParticipantId(9),
        },
        0,
    );
    assert_eq!(r, Err(Rejection::UnknownParticipant));
}

#[test]
fn only_the_facilitator_controls_steps_timer_boards_and_content() {
    let mut s = room();
    let id = join(&mut s, "A", Side::Network);
    let facilitator_only = [
        Command::GoToPhase {
            phase: Phase::Ambition,
        },
        Command::StartTimer,
        Command::PauseTimer,
        Command::AdjustTimer { delta_ms: 60_000 },
        Command::ResetTimer,
        Command::SetLocked {
            board: Board::Drives,
            locked: true,
        },
        Command::SetRevealed {
            board: Board::Drives,
            revealed: false,
        },
        Command::SetResultsShown {
            board: Board::Pillars,
            shown: true,
        },
        Command::EditSetup {
            title: "x".into(),
            ambition: "y".into(),
            goals: ["1".into(), "2".into()],
        },
        Command::RemoveParticipant { id },
    ];
    for actor in [Actor::Participant(id), Actor::Guest, Actor::Screen] {
        for cmd in &facilitator_only {
            assert_eq!(
                decide(&s, actor, cmd, 0),
                Err(Rejection::NotAllowed),
                "{actor:?} {cmd:?}"
            );
        }
    }
}

#[test]
fn the_facilitator_moves_forward_and_back_and_each_step_gets_its_time_box() {
    let mut s = room();
    go(&mut s, Phase::Ambition);
    assert_eq!(s.phase, Phase::Ambition);
    assert_eq!(s.timer, Timer::new(10 * MIN));
    go(&mut s, Phase::Drives);
    assert_eq!(s.timer.budget_ms, 20 * MIN);
    go(&mut s, Phase::Ambition);
    assert_eq!(s.phase, Phase::Ambition);
    assert_eq!(s.timer.budget_ms, 10 * MIN);
}

#[test]
fn going_to_the_current_step_changes_nothing() {
    let mut s = room();
    go(&mut s, Phase::Ambition);
    assert_eq!(
        decide(
            &s,
            Actor::Facilitator,
            &Command::GoToPhase {
                phase: Phase::Ambition
            },
            0
        ),
        Ok(vec![])
    );
}

#[test]
fn the_timer_runs_on_the_servers_clock() {
    let mut s = room();
    go(&mut s, Phase::Drives);
    handle(&mut s, Actor::Facilitator, &Command::StartTimer, 1_000).unwrap();
    assert_eq!(s.timer.ends_at_ms, Some(1_000 + 20 * MIN));
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::PauseTimer,
        1_000 + MIN,
    )
    .unwrap();
    assert_eq!(s.timer.remaining_ms, 19 * MIN);
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::AdjustTimer {
            delta_ms: 5 * MIN as i64,
        },
        0,
    )
    .unwrap();
    assert_eq!(s.timer.remaining_ms, 24 * MIN);
    handle(&mut s, Actor::Facilitator, &Command::ResetTimer, 0).unwrap();
    assert_eq!(s.timer, Timer::new(20 * MIN));
    assert_eq!(
        decide(&s, Actor::Facilitator, &Command::PauseTimer, 0),
        Ok(vec![])
    );
}

#[test]
fn a_participant_places_and_moves_their_own_drive_dots_during_drijfveren() {
    let mut s = room();
    let id = join(&mut s, "A", Side::Network);
    go(&mut s, Phase::Drives);
    handle(
        &mut s,
        Actor::Participant(id),
        &place_drive(Drive::Impact, Zone::Necessary),
        0,
    )
    .unwrap();
    handle(
        &mut s,
        Actor::Participant(id),
        &place_drive(Drive::Impact, Zone::Neutral),
        0,
    )
    .unwrap();
    assert_eq!(s.participants[&id].drives[&Drive::Impact], Zone::Neutral);
    handle(
        &mut s,
        Actor::Participant(id),
        &Command::PlaceDrive {
            drive: Drive::Impact,
            zone: None,
        },
        0,
    )
    .unwrap();
    assert!(s.participants[&id].drives.is_empty());
}

#[test]
fn placing_a_dot_where_it_already_is_changes_nothing() {
    let mut s = room();
    let id = join(&mut s, "A", Side::Network);
    go(&mut s, Phase::Drives);
    handle(
        &mut s,
        Actor::Participant(id),
        &place_drive(Drive::Impact, Zone::Necessary),
        0,
    )
    .unwrap();
    assert_eq!(
        decide(
            &s,
            Actor::Participant(id),
            &place_drive(Drive::Impact, Zone::Necessary),
            0
        ),
        Ok(vec![])
    );
}

#[test]
fn dots_move_only_during_their_own_step() {
    let mut s = room();
    let id = join(&mut s, "A", Side::Network);
    go(&mut s, Phase::Ambition);
    let drive = place_drive(Drive::Impact, Zone::Necessary);
    let pillar = Command::PlacePillar {
        pillar: Pillar::Time,
        strength: Strength::new(20),
    };
    assert_eq!(
        decide(&s, Actor::Participant(id), &drive, 0),
        Err(Rejection::WrongPhase {
            board: Board::Drives
        })
    );
    go(&mut s, Phase::Drives);
    assert_eq!(
        decide(&s, Actor::Participant(id), &pillar, 0),
        Err(Rejection::WrongPhase {
            board: Board::Pillars
        })
    );
    go(&mut s, Phase::Pillars);
    handle(&mut s, Actor::Participant(id), &pillar, 0).unwrap();
    assert_eq!(s.participants[&id].pillars[&Pillar::Time].value(), 20);
}

#[test]
fn nobody_but_a_joined_participant_places_dots() {
    let mut s = room();
    go(&mut s, Phase::Drives);
    let cmd = place_drive(Drive::Impact, Zone::Necessary);
    assert_eq!(decide(&s, Actor::Guest, &cmd, 0), Err(Rejection::NotJoined));
    assert_eq!(
        decide(&s, Actor::Facilitator, &cmd, 0),
        Err(Rejection::NotAllowed)
    );
    assert_eq!(
        decide(&s, Actor::Screen, &cmd, 0),
        Err(Rejection::NotAllowed)
    );
    assert_eq!(
        decide(&s, Actor::Participant(ParticipantId(42)), &cmd, 0),
        Err(Rejection::UnknownParticipant)
    );
}

#[test]
fn a_locked_board_refuses_dots_until_unlocked() {
    let mut s = room();
    let id = join(&mut s, "A", Side::Network);
    go(&mut s, Phase::Drives);
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::SetLocked {
            board: Board::Drives,
            locked: true,
        },
        0,
    )
    .unwrap();
    let cmd = place_drive(Drive::Impact, Zone::Necessary);
    assert_eq!(
        decide(&s, Actor::Participant(id), &cmd, 0),
        Err(Rejection::BoardLocked {
            board: Board::Drives
        })
    );
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::SetLocked {
            board: Board::Drives,
            locked: false,
        },
        0,
    )
    .unwrap();
    assert!(handle(&mut s, Actor::Participant(id), &cmd, 0).is_ok());
}

#[test]
fn hidden_dots_are_seen_only_by_their_owner_and_the_facilitator() {
    let mut s = room();
    let a = join(&mut s, "A", Side::Network);
    let b = join(&mut s, "B", Side::Management);
    go(&mut s, Phase::Drives);
    handle(
        &mut s,
        Actor::Facilitator,
        &Command::SetRevealed {
            board: Board::Drives,
            revealed: false,
        },
        0,
    )
    .unwrap();
    let events = handle(
        &mut s,
        Actor::Participant(a),
        &place_drive(Drive::Impact, Zone::Necessary),
        0,
    )
    .unwrap();
    assert!(events[0].visible_to(Actor::Participant(a), &s));
    assert!(events[0].visible_to(Actor::Facilitator, &s));
    assert!(!events[0].visible_to(Actor::Participant(b), &s));
    assert!(!events[0].visible_to(Actor::Screen, &s));
    assert!(
        s.view_for(Actor::Participant(b)).participants[&a]
            .drives
            .is_empty()
    );
    assert!(s.view_for(Actor::Screen).participants[&a].drives.is_empty());
    assert_eq!(
        s.view_for(Actor::Participant(a)).participants[&a]
            .drives
            .len(),
        1
    );
    let reveal = handle(
        &mut s,
        Actor::Facilitator,
        &Command::SetRevealed {
            board: Board::Drives,
            revealed: true,
        },
        0,
    )
    .unwrap();
    assert!(reveal[0].changes_visibility());
    assert_eq!(s.view_for(Actor::Screen).participants[&a].drives.len(), 1);
}

#[test]
fn the_facilitator_shows_and_hides_the_results() {
    let mut s = room();
    assert!(!s.pillars_board.results_shown);
    let show = Command::SetResultsShown {
        board: Board::Pillars,
        shown: true,
    };
    handle(&mut s, Actor::Facilitator, &show, 0).unwrap();
    assert!(s.pillars_board.results_shown);
    assert!(!s.drives_board.results_shown);
}

#[test]
fn only_the_facilitator_lists_a_board_on_the_shared_screen() {
    let mut s = room();
    let a = join(&mut s, "Anna", Side::Network);
    let list = Command::SetListed {
        board: Board::Drives,
        listed: true,
    };
    assert_eq!(
        handle(&mut s, Actor::Participant(a), &list, 0),
        Err(Rejection::NotAllowed)
    );
    assert_eq!(
        handle(&mut s, Actor::Screen, &list, 0),
        Err(Rejection::NotAllowed)
    );
    assert!(!s.drives_board.listed);
    let events = handle(&mut s, Actor::Facilitator, &list, 0).unwrap();
    assert_eq!(
        events,
        vec![Event::ListedChanged {
            board: Board::Drives,
            listed: true
        }]
    );
    assert!(s.drives_board.listed && !s.pillars_board.listed);
    assert_eq!(
        handle(&mut s, Actor::Facilitator, &list, 0).unwrap(),
        vec![],
        "listing a listed board changes nothing"
    );
}

#[test]
fn setup_edits_are_checked_and_kept() {
    let mut s = room();
    let cmd = Command::EditSetup {
        title: " T ".into(),
        ambition: "regel 1\nregel 2".into(),
        goals: ["g1".into(), "g2".into()],
    };
    handle(&mut s, Actor::Facilitator, &cmd, 0).unwrap();
    assert_eq!(s.setup.title, "T");
    assert_eq!(s.setup.ambition, "regel 1\nregel 2");
    let bad = Command::EditSetup {
        title: "x".into(),
        ambition: "y".into(),
        goals: ["g".repeat(301), "g".into()],
    };
    assert!(matches!(
        decide(&s, Actor::Facilitator, &bad, 0),
        Err(Rejection::TextTooLong {
            field: TextField::Goal,
            ..
        })
    ));
}

#[test]
fn events_replayed_on_a_fresh_room_give_the_same_state() {
    let mut s = room();
    let mut log = Vec::new();
    let a = join(&mut s, "A", Side::Network);
    log.extend(vec![Event::ParticipantJoined {
        participant: s.participants[&a].clone(),
    }]);
    for cmd in [
        Command::GoToPhase {
            phase: Phase::Drives,
        },
        Command::StartTimer,
    ] {
        log.extend(handle(&mut s, Actor::Facilitator, &cmd, 5).unwrap());
    }
    log.extend(
        handle(
            &mut s,
            Actor::Participant(a),
            &place_drive(Drive::Meaning, Zone::Important),
            5,
        )
        .unwrap(),
    );
    let mut replay = room();
    for e in &log {
        e.apply_to(&mut replay);
    }
    assert_eq!(replay, s);
}
