//! Strategies for commands, valid or not, and for what a non-facilitator sends.

use super::harness::{draft, go};
use super::mutations::input;
use koersbord_shared::Strength;
use koersbord_shared::domain::{Board, Drive, ParticipantId, Phase, Pillar, Side, Zone};
use koersbord_shared::protocol::ClientMsg;
use koersbord_shared::room::{ActionDraft, ActionId, Command, InsightId, Need, ReviewStatus};
use proptest::prelude::*;
use proptest::sample::select;

fn any_board() -> impl Strategy<Value = Board> {
    select(Board::ALL.to_vec())
}

fn any_need() -> impl Strategy<Value = Need> {
    prop_oneof![
        Just(Need::Ambition),
        (0u8..4).prop_map(Need::Goal),
        select(Drive::ALL.to_vec()).prop_map(Need::Drive),
        select(Pillar::ALL.to_vec()).prop_map(Need::Pillar),
        (0u32..5).prop_map(|i| Need::Insight(InsightId(i))),
    ]
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z ]{0,20}",
        1 => "[\\PC\\x00-\\x1f\\u{202e}\\u{200b}]{0,30}",
    ]
}

fn any_draft() -> impl Strategy<Value = ActionDraft> {
    (
        any_text(),
        prop::collection::vec((0u32..6).prop_map(ParticipantId), 0..3),
        prop_oneof![Just(String::new()), any_text()],
        prop::option::of(select(vec!["2026-05-01", "2026-02-30", "x", ""])),
        prop::option::of(any_need()),
    )
        .prop_map(|(what, owners, other_owner, due, answers)| ActionDraft {
            what,
            owners,
            other_owner,
            due: due.map(String::from),
            answers,
        })
}

/// Any command at all, valid or not, with ids that may or may not exist.
fn any_command() -> impl Strategy<Value = Command> {
    let id = || (0u32..6).prop_map(ParticipantId);
    prop_oneof![
        (any_text(), select(Side::ALL.to_vec()))
            .prop_map(|(name, side)| Command::Join { name, side }),
        id().prop_map(|id| Command::RemoveParticipant { id }),
        (any_text(), any_text(), any_text()).prop_map(|(title, ambition, goal)| {
            Command::EditSetup {
                title,
                ambition,
                goals: [goal, String::new()],
            }
        }),
        select(Phase::ALL.to_vec()).prop_map(go),
        select(vec![
            Command::StartTimer,
            Command::PauseTimer,
            Command::ResetTimer
        ]),
        any::<i64>().prop_map(|delta_ms| Command::AdjustTimer { delta_ms }),
        (
            select(Drive::ALL.to_vec()),
            prop::option::of(select(Zone::ALL.to_vec()))
        )
            .prop_map(|(drive, zone)| Command::PlaceDrive { drive, zone }),
        (select(Pillar::ALL.to_vec()), prop::option::of(0u8..=100)).prop_map(|(pillar, s)| {
            Command::PlacePillar {
                pillar,
                strength: s.and_then(Strength::new),
            }
        }),
        (any_board(), any::<bool>())
            .prop_map(|(board, locked)| Command::SetLocked { board, locked }),
        (any_board(), any::<bool>())
            .prop_map(|(board, revealed)| Command::SetRevealed { board, revealed }),
        (any_board(), any::<bool>())
            .prop_map(|(board, shown)| Command::SetResultsShown { board, shown }),
        (any_board(), any::<bool>())
            .prop_map(|(board, listed)| Command::SetListed { board, listed }),
        (any_text(), prop::option::of(any_need()))
            .prop_map(|(text, about)| Command::AddInsight { text, about }),
        (0u32..5, any_text(), prop::option::of(any_need())).prop_map(|(i, text, about)| {
            Command::EditInsight {
                id: InsightId(i),
                text,
                about,
            }
        }),
        (0u32..5).prop_map(|i| Command::RemoveInsight { id: InsightId(i) }),
        any_draft().prop_map(|action| Command::AddAction { action }),
        (0u32..6, any_draft()).prop_map(|(i, action)| Command::EditAction {
            id: ActionId(i),
            action,
        }),
        (0u32..6).prop_map(|i| Command::RemoveAction { id: ActionId(i) }),
        any_text().prop_map(|text| Command::SetReflection { text }),
        (0u32..6, select(ReviewStatus::ALL.to_vec()), any_text()).prop_map(|(i, status, note)| {
            Command::SetReview {
                action: ActionId(i),
                status,
                note,
            }
        }),
        Just(Command::CarryOpenActions),
        (any_board(), any::<bool>())
            .prop_map(|(board, shown)| Command::SetComparisonShown { board, shown }),
    ]
}

/// What a participant may do in some step: moves that often pass, so dots and actions do change.
fn own_move() -> impl Strategy<Value = Command> {
    let owners = prop::collection::vec((1u32..4).prop_map(ParticipantId), 1..3);
    prop_oneof![
        (
            select(Drive::ALL.to_vec()),
            prop::option::of(select(Zone::ALL.to_vec()))
        )
            .prop_map(|(drive, zone)| Command::PlaceDrive { drive, zone }),
        (select(Pillar::ALL.to_vec()), prop::option::of(0u8..=100)).prop_map(|(pillar, s)| {
            Command::PlacePillar {
                pillar,
                strength: s.and_then(Strength::new),
            }
        }),
        "[a-z ]{0,20}".prop_map(|text| Command::SetReflection { text }),
        (owners.clone(), 0u32..3).prop_map(|(owners, n)| Command::AddAction {
            action: ActionDraft {
                owners,
                ..draft(&format!("Actie {n}"), &[])
            }
        }),
        (1u32..7, owners).prop_map(|(i, owners)| Command::EditAction {
            id: ActionId(i),
            action: ActionDraft {
                owners,
                ..draft("Anders", &[])
            }
        }),
        (1u32..7).prop_map(|i| Command::RemoveAction { id: ActionId(i) }),
    ]
}

/// A frame a non-facilitator sends: a well-formed command of any kind, a move of their own, or
/// anything at all.
pub(super) fn attack() -> impl Strategy<Value = String> {
    let encode = |(id, command)| {
        ClientMsg::Command {
            id,
            op: None,
            command,
        }
        .encode()
    };
    prop_oneof![
        2 => (any::<u64>(), any_command()).prop_map(encode),
        4 => (any::<u64>(), own_move()).prop_map(encode),
        1 => input().prop_map(|i| i.render()),
    ]
}

pub(super) fn any_step() -> impl Strategy<Value = Phase> {
    select(vec![
        Phase::Drives,
        Phase::Pillars,
        Phase::Actions,
        Phase::Close,
    ])
}
