//! Protocol 2's drags gathered per tick, beside protocol 1's frame per drag, in one room.

use super::*;
use koersbord_shared::protocol::DragMove;

/// A room with a 25 ms tick in the drives step: the facilitator, and Anna and Bart in protocol
/// 2, Bart's queue read empty.
fn anna_and_bart_drag_in_v2() -> (Hub, Client, Client, Client, ParticipantId) {
    let mut hub = hub().with_drag_tick(std::time::Duration::from_millis(25));
    let f = connect(&mut hub, 1, Role::Facilitator, None, 64);
    let mut a = connect_at(&mut hub, 2, 2, Role::Participant, None, 64);
    let mut b = connect_at(&mut hub, 2, 3, Role::Participant, None, 64);
    let (anna, _) = join(&mut hub, &mut a, "Anna", Side::Network);
    join(&mut hub, &mut b, "Bart", Side::Management);
    command(
        &mut hub,
        &f,
        1,
        Command::GoToPhase {
            phase: Phase::Drives,
        },
    );
    b.drain();
    (hub, f, a, b, anna)
}

#[test]
fn a_tick_gathers_drags_for_v2_while_v1_gets_each_at_once_and_a_command_cuts_the_tick() {
    let (mut hub, _f, a, mut b, anna) = anna_and_bart_drag_in_v2();
    let mut old = connect_at(&mut hub, 1, 4, Role::Screen, None, 64);
    old.drain();
    b.drain();
    let dot = DotRef::Drive(Drive::Impact);
    let drag = |x| RoomMsg::Drag {
        conn: a.conn,
        dot,
        x,
        y: 0.5,
    };
    // As the task does it: each round releases what is due, then flushes.
    let round = |hub: &mut Hub, msg, now| {
        hub.handle(msg, now);
        hub.take_unsaved();
        hub.release_drags_if_due(now);
        hub.flush();
    };
    round(&mut hub, drag(0.1), NOW);
    let first = ServerMsg::Drags {
        moves: vec![DragMove {
            by: anna,
            dot,
            x: 0.1,
            y: 0.5,
        }],
        ends: vec![],
    };
    assert_eq!(b.drain(), [first], "a lone dragger goes at once");
    // Bart drags too: now there is something to gather.
    let bart_drag = RoomMsg::Drag {
        conn: b.conn,
        dot: DotRef::Drive(Drive::Meaning),
        x: 0.9,
        y: 0.5,
    };
    round(&mut hub, bart_drag, NOW + 2);
    round(&mut hub, drag(0.2), NOW + 5);
    round(&mut hub, drag(0.3), NOW + 10);
    assert!(b.drain().is_empty(), "held for the tick");
    let singles: Vec<f32> = old
        .drain()
        .into_iter()
        .filter_map(|m| match m {
            ServerMsg::Drag { x, by, .. } if by == anna => Some(x),
            _ => None,
        })
        .collect();
    assert_eq!(
        singles,
        [0.1, 0.2, 0.3],
        "protocol 1: one frame per drag, at once"
    );
    assert_eq!(
        hub.drags_wait(NOW + 10),
        Some(std::time::Duration::from_millis(15))
    );
    // A durable frame does not wait for the tick, and the drags before it go ahead of it.
    let place = Command::PlaceDrive {
        drive: Drive::Impact,
        zone: Some(koersbord_shared::domain::Zone::Necessary),
    };
    hub.handle(
        RoomMsg::Command {
            conn: a.conn,
            id: 5,
            op: None,
            command: place,
        },
        NOW + 12,
    );
    hub.take_unsaved();
    hub.release_drags_if_due(NOW + 12);
    hub.flush();
    let got = b.drain();
    assert!(
        matches!(&got[..], [ServerMsg::Drags { moves, .. }, ServerMsg::Event { .. }]
            if moves.len() == 1 && moves[0].x == 0.3),
        "latest wins, and it comes before the event: {got:?}"
    );
    assert_eq!(hub.drags_wait(NOW + 12), None, "nothing left for the tick");
}

#[test]
fn a_lone_dragger_loses_no_position_to_latest_wins_within_one_round() {
    let (mut hub, _f, a, mut b, anna) = anna_and_bart_drag_in_v2();
    let dot = DotRef::Drive(Drive::Impact);
    // Two drags of one dot reach the room's task in one round, before it releases.
    for x in [0.1, 0.2] {
        hub.handle(
            RoomMsg::Drag {
                conn: a.conn,
                dot,
                x,
                y: 0.5,
            },
            NOW,
        );
    }
    hub.release_drags_if_due(NOW);
    hub.flush();
    let xs: Vec<f32> = b
        .drain()
        .into_iter()
        .flat_map(|m| match m {
            ServerMsg::Drags { moves, .. } => moves,
            _ => vec![],
        })
        .filter(|m| m.by == anna)
        .map(|m| m.x)
        .collect();
    assert_eq!(xs, [0.1, 0.2], "both, in order, each in its own frame");
}
