//! Resent commands: what a client does after a reconnect must not apply anything twice.

use super::*;

/// Every answer and event one stream of commands produced, by command id.
fn run_stream(hub: &mut Hub, c: &mut Client, stream: &[Command], first_id: u64) -> Vec<ServerMsg> {
    for (i, cmd) in stream.iter().enumerate() {
        command(hub, c, first_id + i as u64, cmd.clone());
    }
    c.drain()
}

fn events_in(msgs: &[ServerMsg]) -> usize {
    msgs.iter()
        .filter(|m| matches!(m, ServerMsg::Event { .. }))
        .count()
}

#[test]
fn resending_commands_after_a_reconnect_adds_no_events() {
    use koersbord_shared::domain::{Pillar, Strength, Zone};
    let mut hub = hub();
    let mut f = connect(&mut hub, 1, Role::Facilitator, None, 1024);
    let mut p = connect(&mut hub, 2, Role::Participant, None, 1024);
    let (_, key) = join(&mut hub, &mut p, "Anna", Side::Network);
    let facilitator = [
        Command::EditSetup {
            title: "Titel".into(),
            ambition: "Samen".into(),
            goals: ["Een".into(), "Twee".into()],
        },
        Command::GoToPhase {
            phase: Phase::Drives,
        },
        Command::SetRevealed {
            board: Board::Drives,
            revealed: false,
        },
        Command::SetLocked {
            board: Board::Pillars,
            locked: true,
        },
        Command::SetResultsShown {
            board: Board::Drives,
            shown: true,
        },
        Command::StartTimer,
    ];
    let participant = [
        Command::PlaceDrive {
            drive: Drive::Impact,
            zone: Some(Zone::Necessary),
        },
        Command::PlaceDrive {
            drive: Drive::Autonomy,
            zone: Some(Zone::Neutral),
        },
        Command::PlaceDrive {
            drive: Drive::Meaning,
            zone: None,
        },
        // Refused (wrong phase) the first time and every time after.
        Command::PlacePillar {
            pillar: Pillar::Time,
            strength: Strength::new(40),
        },
    ];
    let first = run_stream(&mut hub, &mut f, &facilitator, 10);
    let mine = run_stream(&mut hub, &mut p, &participant, 20);
    assert_eq!(events_in(&first), 6);
    assert_eq!(
        mine.iter()
            .filter(|m| matches!(m, ServerMsg::Ack { .. }))
            .count(),
        3
    );
    let after_first = hub.state().clone();

    // Both reconnect (the participant with their key) and resend everything they sent.
    let mut f2 = connect(&mut hub, 3, Role::Facilitator, None, 1024);
    let mut p2 = connect(&mut hub, 4, Role::Participant, Some(&key), 1024);
    f2.drain();
    p2.drain();
    let again = run_stream(&mut hub, &mut f2, &facilitator, 10);
    let mine_again = run_stream(&mut hub, &mut p2, &participant, 20);
    assert_eq!(events_in(&again) + events_in(&mine_again), 0);
    assert_eq!(hub.state(), &after_first, "no event was applied twice");
    let join = Command::Join {
        name: "Anna".into(),
        side: Side::Network,
    };
    let answers = run_stream(&mut hub, &mut p2, &[join], 30);
    assert!(answers.contains(&ServerMsg::Rejected {
        id: 30,
        reason: koersbord_shared::room::Rejection::AlreadyJoined
    }));

    // A stream that moves one dot twice replays its steps, but ends where it ended before.
    let moves = [
        Command::PlaceDrive {
            drive: Drive::Impact,
            zone: Some(Zone::Important),
        },
        Command::PlaceDrive {
            drive: Drive::Impact,
            zone: Some(Zone::Neutral),
        },
    ];
    run_stream(&mut hub, &mut p2, &moves, 40);
    let settled = hub.state().participants.clone();
    run_stream(&mut hub, &mut p2, &moves[1..], 40);
    assert_eq!(hub.state().participants, settled, "a resent tail converges");
}
