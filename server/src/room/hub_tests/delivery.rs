//! What a connection whose queue fills up gets, and when it is dropped.

use super::*;

#[test]
fn presence_is_dropped_before_durable_frames_and_only_durable_overflow_closes() {
    let mut hub = hub();
    let f = connect(&mut hub, 1, Role::Facilitator, None, 1024);
    let mut a = connect(&mut hub, 2, Role::Participant, None, 1024);
    join(&mut hub, &mut a, "Anna", Side::Network);
    command(
        &mut hub,
        &f,
        1,
        Command::GoToPhase {
            phase: Phase::Drives,
        },
    );
    // A screen with room for 8 frames that stops reading after its welcome.
    let mut screen = connect(&mut hub, 3, Role::Screen, None, 8);
    screen.drain();
    let dot = DotRef::Drive(Drive::Impact);
    for i in 0..20 {
        let x = i as f32 / 20.0;
        step(
            &mut hub,
            RoomMsg::Drag {
                conn: a.conn,
                dot,
                x,
                y: 0.5,
            },
        );
    }
    assert_eq!(screen.rx.len(), 4, "drags fill half the queue, no more");
    // News about who is here is presence too: the screen misses it for now.
    let _g = connect(&mut hub, 4, Role::Facilitator, None, 64);
    assert_eq!(screen.rx.len(), 4);
    // Durable frames still go, into the half kept free for them.
    for (i, drive) in Drive::ALL.into_iter().take(4).enumerate() {
        let place = Command::PlaceDrive {
            drive,
            zone: Some(koersbord_shared::domain::Zone::Necessary),
        };
        command(&mut hub, &a, 10 + i as u64, place);
    }
    assert!(!screen.kick.is_cancelled());
    let msgs = screen.drain();
    let drags = msgs
        .iter()
        .filter(|m| matches!(m, ServerMsg::Drag { .. }))
        .count();
    let events = msgs
        .iter()
        .filter(|m| matches!(m, ServerMsg::Event { .. }))
        .count();
    assert_eq!((drags, events, msgs.len()), (4, 4, 8), "{msgs:?}");
    // Having caught up, it is told the presence it missed at the next occasion.
    step(&mut hub, RoomMsg::DragEnd { conn: a.conn, dot });
    let msgs = screen.drain();
    assert!(
        msgs.iter()
            .any(|m| matches!(m, ServerMsg::Presence { presence } if presence.facilitators == 2)),
        "{msgs:?}"
    );
    // A durable frame that does not fit closes the connection.
    for i in 0..9 {
        command(
            &mut hub,
            &f,
            100 + i,
            Command::AdjustTimer { delta_ms: 1000 },
        );
    }
    assert!(screen.kick.is_cancelled());
}
