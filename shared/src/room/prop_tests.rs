//! Property tests of the room over random command sequences: caps, replay, refusals that change
//! nothing, who may change what, and hidden dots.

use super::*;
use crate::domain::{Drive, Phase, Pillar, Side, Strength, Zone};
use proptest::prelude::*;

fn room() -> RoomState {
    RoomState::new(Setup {
        title: "Start".into(),
        ambition: "Samen leren".into(),
        goals: ["A".into(), "B".into()],
    })
}

fn any_side() -> impl Strategy<Value = Side> {
    prop::sample::select(Side::ALL.to_vec())
}

fn any_command() -> impl Strategy<Value = Command> {
    prop_oneof![
        ("[a-zA-Z ]{0,45}", any_side()).prop_map(|(name, side)| Command::Join { name, side }),
        (0u32..12).prop_map(|i| Command::RemoveParticipant {
            id: ParticipantId(i)
        }),
        prop::sample::select(Phase::ALL.to_vec()).prop_map(|phase| Command::GoToPhase { phase }),
        Just(Command::StartTimer),
        Just(Command::PauseTimer),
        Just(Command::ResetTimer),
        (-3_600_000i64..3_600_000).prop_map(|delta_ms| Command::AdjustTimer { delta_ms }),
        (
            prop::sample::select(Drive::ALL.to_vec()),
            prop::option::of(prop::sample::select(Zone::ALL.to_vec()))
        )
            .prop_map(|(drive, zone)| Command::PlaceDrive { drive, zone }),
        (
            prop::sample::select(Pillar::ALL.to_vec()),
            prop::option::of(0u8..=100)
        )
            .prop_map(|(pillar, s)| Command::PlacePillar {
                pillar,
                strength: s.and_then(Strength::new)
            }),
        (prop::sample::select(Board::ALL.to_vec()), any::<bool>())
            .prop_map(|(board, locked)| Command::SetLocked { board, locked }),
        (prop::sample::select(Board::ALL.to_vec()), any::<bool>())
            .prop_map(|(board, revealed)| Command::SetRevealed { board, revealed }),
        (prop::sample::select(Board::ALL.to_vec()), any::<bool>())
            .prop_map(|(board, shown)| Command::SetResultsShown { board, shown }),
        (prop::sample::select(Board::ALL.to_vec()), any::<bool>())
            .prop_map(|(board, listed)| Command::SetListed { board, listed }),
        (
            "[a-z ]{0,20}",
            prop::option::of((0u8..3).prop_map(Need::Goal))
        )
            .prop_map(|(text, about)| Command::AddInsight { text, about }),
        (1u32..4).prop_map(|i| Command::RemoveInsight { id: InsightId(i) }),
        (
            "[a-z ]{0,20}",
            prop::collection::vec((0u32..5).prop_map(ParticipantId), 0..3)
        )
            .prop_map(|(what, owners)| Command::AddAction {
                action: ActionDraft {
                    what,
                    owners,
                    other_owner: String::new(),
                    due: None,
                    answers: None
                }
            }),
        (
            1u32..4,
            "[a-z ]{0,20}",
            prop::collection::vec((0u32..5).prop_map(ParticipantId), 0..3),
            prop::option::of((1u32..4).prop_map(|i| Need::Insight(InsightId(i))))
        )
            .prop_map(|(id, what, owners, answers)| Command::EditAction {
                id: ActionId(id),
                action: ActionDraft {
                    what,
                    owners,
                    other_owner: String::new(),
                    due: None,
                    answers
                }
            }),
        (1u32..4).prop_map(|i| Command::RemoveAction { id: ActionId(i) }),
        "[a-z ]{0,20}".prop_map(|text| Command::SetReflection { text }),
        prop::option::of(prop_oneof![
            prop::sample::select(Drive::ALL.to_vec()).prop_map(Spotlight::Drive),
            prop::sample::select(Pillar::ALL.to_vec()).prop_map(Spotlight::Pillar),
            (1u32..4).prop_map(|i| Spotlight::Insight(InsightId(i))),
        ])
        .prop_map(|on| Command::SetSpotlight { on }),
    ]
}

fn any_actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        Just(Actor::Facilitator),
        Just(Actor::Guest),
        Just(Actor::Screen),
        (1u32..10).prop_map(|i| Actor::Participant(ParticipantId(i))),
    ]
}

fn non_facilitator() -> impl Strategy<Value = Actor> {
    prop_oneof![
        Just(Actor::Guest),
        Just(Actor::Screen),
        (1u32..10).prop_map(|i| Actor::Participant(ParticipantId(i)))
    ]
}

proptest! {
    #[test]
    fn caps_hold_under_any_sequence(steps in prop::collection::vec((any_actor(), any_command(), 0u64..10_000_000), 0..120)) {
        let mut s = room();
        for (actor, cmd, now) in steps {
            let _ = handle(&mut s, actor, &cmd, now);
            prop_assert!(s.participants.len() <= crate::domain::MAX_PARTICIPANTS);
            for side in Side::ALL {
                prop_assert!(s.side_count(side) <= crate::domain::MAX_PER_SIDE);
            }
            for p in s.participants.values() {
                prop_assert!(p.drives.len() <= 8 && p.pillars.len() <= 8);
            }
            let faults = audit::faults(&s);
            prop_assert!(faults.is_empty(), "{:?}", faults);
        }
    }

    #[test]
    fn replaying_the_events_rebuilds_the_state(steps in prop::collection::vec((any_actor(), any_command(), 0u64..10_000_000), 0..120)) {
        let mut s = room();
        let mut replay = room();
        for (actor, cmd, now) in steps {
            if let Ok(events) = handle(&mut s, actor, &cmd, now) {
                for e in events {
                    e.apply_to(&mut replay);
                }
            }
        }
        prop_assert_eq!(replay, s);
    }

    /// Removals (of people, of cards) leave nothing dangling: every id an item names resolves, and
    /// the facilitator can still save every action as it stands.
    #[test]
    fn every_id_an_item_refers_to_resolves(steps in prop::collection::vec((any_actor(), any_command(), 0u64..10_000_000), 0..120)) {
        let mut s = room();
        for (actor, cmd, now) in steps {
            let _ = handle(&mut s, actor, &cmd, now);
            for action in s.actions.values() {
                for id in action.owners.iter().chain(action.author.iter()) {
                    prop_assert!(s.name_of(*id).is_some(), "action {:?} names {:?}", action, id);
                }
                if let Some(Need::Insight(card)) = action.answers {
                    prop_assert!(s.insights.contains_key(&card));
                }
                let same = Command::EditAction {
                    id: action.id,
                    action: ActionDraft {
                        what: action.what.clone(),
                        owners: action.owners.clone(),
                        other_owner: action.other_owner.clone(),
                        due: action.due.clone(),
                        answers: action.answers,
                    },
                };
                prop_assert_eq!(decide(&s, Actor::Facilitator, &same, now), Ok(vec![]));
            }
            for id in s.reflections.keys() {
                prop_assert!(s.name_of(*id).is_some());
            }
        }
    }

    #[test]
    fn names_that_reorder_or_hide_text_are_refused(
        before in "[a-zA-Z]{1,10}",
        hidden in prop::sample::select(vec!['\u{202E}', '\u{2066}', '\u{200F}', '\u{200B}', '\u{FEFF}', '\u{E0041}']),
        after in "[a-zA-Z]{0,10}",
    ) {
        let s = room();
        let name = format!("{before}{hidden}{after}");
        prop_assert_eq!(
            decide(&s, Actor::Guest, &Command::Join { name, side: Side::Network }, 0),
            Err(Rejection::TextInvalid { field: TextField::Name })
        );
    }

    #[test]
    fn a_rejected_command_changes_nothing(steps in prop::collection::vec((any_actor(), any_command(), 0u64..10_000_000), 0..120)) {
        let mut s = room();
        for (actor, cmd, now) in steps {
            let before = s.clone();
            if handle(&mut s, actor, &cmd, now).is_err() {
                prop_assert_eq!(&before, &s);
            }
        }
    }

    #[test]
    fn nobody_but_the_facilitator_changes_the_step_the_timer_or_the_boards(
        setup in prop::collection::vec((any_command(), 0u64..10_000_000), 0..40),
        attacks in prop::collection::vec((non_facilitator(), any_command(), 0u64..10_000_000), 0..80),
    ) {
        let mut s = room();
        for i in 0..3 {
            let _ = handle(&mut s, Actor::Guest, &Command::Join { name: format!("p{i}"), side: Side::ALL[i % 2] }, 0);
        }
        for (cmd, now) in setup {
            let _ = handle(&mut s, Actor::Facilitator, &cmd, now);
        }
        let (phase, timer, boards, setup_before) = (s.phase, s.timer, (s.drives_board, s.pillars_board), s.setup.clone());
        let insights_before = s.insights.clone();
        for (actor, cmd, now) in attacks {
            let before = s.clone();
            let _ = handle(&mut s, actor, &cmd, now);
            // Dots change only for the participant who acted.
            for (id, p) in &before.participants {
                if actor != Actor::Participant(*id)
                    && let Some(after) = s.participants.get(id)
                {
                    prop_assert_eq!(&after.drives, &p.drives);
                    prop_assert_eq!(&after.pillars, &p.pillars);
                }
            }
        }
        prop_assert_eq!(s.phase, phase);
        prop_assert_eq!(s.timer, timer);
        prop_assert_eq!((s.drives_board, s.pillars_board), boards);
        prop_assert_eq!(&s.setup, &setup_before);
        prop_assert_eq!(&s.insights, &insights_before);
    }

    #[test]
    fn hidden_dots_never_leak_to_others(steps in prop::collection::vec((any_actor(), any_command(), 0u64..10_000_000), 0..120)) {
        let mut s = room();
        for (actor, cmd, now) in steps {
            let Ok(events) = handle(&mut s, actor, &cmd, now) else { continue };
            for viewer in [Actor::Screen, Actor::Participant(ParticipantId(1)), Actor::Participant(ParticipantId(2))] {
                let view = s.view_for(viewer);
                for p in view.participants.values() {
                    for board in Board::ALL {
                        if !s.board(board).revealed && viewer != Actor::Participant(p.id) {
                            prop_assert_eq!(p.placed(board), 0);
                        }
                    }
                }
                for e in &events {
                    if let Event::DrivePlaced { by, .. } = e {
                        prop_assert_eq!(e.visible_to(viewer, &s), s.drives_board.revealed || viewer == Actor::Participant(*by));
                    }
                }
            }
        }
    }
}
