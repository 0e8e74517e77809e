//! The room task's routing, driven directly with in-memory queues: no sockets, no clock.

use super::*;
use koersbord_shared::domain::{Board, Drive, Phase, Side};
use koersbord_shared::room::Setup;
use std::collections::HashMap;

const NOW: u64 = 1_000_000;

/// Reads a server message, failing the test on anything unreadable.
fn decode_server_msg(text: &str) -> ServerMsg {
    ServerMsg::decode(text).expect("a readable server message")
}

fn hub() -> Hub {
    Hub::new(
        "room1".into(),
        Invite {
            join_key: "jk".into(),
            join_code: "ABCDEF".into(),
        },
        RoomState::new(Setup::default()),
        HashMap::new(),
    )
}

/// Handles one message as the room's task does, with a store that always commits at once.
fn step(hub: &mut Hub, msg: RoomMsg) {
    hub.handle(msg, NOW);
    hub.take_unsaved();
    hub.flush();
}

struct Client {
    conn: ConnId,
    rx: mpsc::Receiver<Frame>,
    kick: CancellationToken,
}

impl Client {
    fn drain(&mut self) -> Vec<ServerMsg> {
        let mut out = Vec::new();
        while let Ok(f) = self.rx.try_recv() {
            out.push(decode_server_msg(&f));
        }
        out
    }
}

fn connect(hub: &mut Hub, conn: ConnId, role: Role, key: Option<&str>, queue: usize) -> Client {
    let (out, rx) = mpsc::channel(queue);
    let kick = CancellationToken::new();
    step(
        hub,
        RoomMsg::Connect {
            conn,
            role,
            participant_key: key.map(String::from),
            out,
            kick: kick.clone(),
        },
    );
    Client { conn, rx, kick }
}

fn command(hub: &mut Hub, c: &Client, id: u64, command: Command) {
    step(
        hub,
        RoomMsg::Command {
            conn: c.conn,
            id,
            command,
        },
    );
}

/// Joins `c` as a participant and returns their id and key.
fn join(hub: &mut Hub, c: &mut Client, name: &str, side: Side) -> (ParticipantId, String) {
    command(
        hub,
        c,
        1,
        Command::Join {
            name: name.into(),
            side,
        },
    );
    c.drain()
        .into_iter()
        .find_map(|m| match m {
            ServerMsg::Joined {
                you,
                participant_key,
            } => Some((you, participant_key)),
            _ => None,
        })
        .expect("joined")
}

#[test]
fn welcome_then_presence_and_the_invite_only_for_facilitator_and_screen() {
    let mut hub = hub();
    let mut f = connect(&mut hub, 1, Role::Facilitator, None, 16);
    let mut g = connect(&mut hub, 2, Role::Participant, None, 16);
    let msgs = f.drain();
    assert!(
        matches!(&msgs[0], ServerMsg::Welcome { invite: Some(i), role: Role::Facilitator, .. } if i.join_code == "ABCDEF")
    );
    assert!(matches!(&msgs[1], ServerMsg::Presence { presence } if presence.facilitators == 1));
    let msgs = g.drain();
    assert!(matches!(
        &msgs[0],
        ServerMsg::Welcome {
            invite: None,
            you: None,
            role: Role::Participant,
            server_time_ms: NOW,
            ..
        }
    ));
    // A guest changes nobody's presence, but still learns who is here.
    assert!(matches!(&msgs[1], ServerMsg::Presence { .. }));
}

#[test]
fn a_join_sends_the_event_to_all_then_joined_then_ack_to_the_joiner() {
    let mut hub = hub();
    let mut f = connect(&mut hub, 1, Role::Facilitator, None, 16);
    let mut g = connect(&mut hub, 2, Role::Participant, None, 16);
    f.drain();
    g.drain();
    command(
        &mut hub,
        &g,
        9,
        Command::Join {
            name: "Anna".into(),
            side: Side::Network,
        },
    );
    let msgs = g.drain();
    assert!(matches!(
        &msgs[0],
        ServerMsg::Event {
            seq: 1,
            event: Event::ParticipantJoined { .. }
        }
    ));
    assert!(
        matches!(&msgs[1], ServerMsg::Joined { you: ParticipantId(1), participant_key } if participant_key.len() == 32)
    );
    assert_eq!(msgs[2], ServerMsg::Ack { id: 9, seq: 1 });
    assert!(
        matches!(&msgs[3], ServerMsg::Presence { presence } if presence.participants == [ParticipantId(1)])
    );
    let msgs = f.drain();
    assert!(matches!(&msgs[0], ServerMsg::Event { seq: 1, .. }));
    assert!(
        !msgs
            .iter()
            .any(|m| matches!(m, ServerMsg::Joined { .. } | ServerMsg::Ack { .. }))
    );
}

#[test]
fn a_participant_key_restores_the_same_person_until_they_are_removed() {
    let mut hub = hub();
    let mut f = connect(&mut hub, 1, Role::Facilitator, None, 64);
    let mut g = connect(&mut hub, 2, Role::Participant, None, 64);
    let (id, key) = join(&mut hub, &mut g, "Anna", Side::Management);
    let mut again = connect(&mut hub, 3, Role::Participant, Some(&key), 64);
    assert!(matches!(&again.drain()[0], ServerMsg::Welcome { you: Some(you), .. } if *you == id));
    command(&mut hub, &f, 2, Command::RemoveParticipant { id });
    f.drain();
    let mut after = connect(&mut hub, 4, Role::Participant, Some(&key), 64);
    assert!(matches!(
        &after.drain()[0],
        ServerMsg::Welcome { you: None, .. }
    ));
    // The removed person's open connection is a guest now: it may join again.
    command(
        &mut hub,
        &g,
        3,
        Command::Join {
            name: "Anna".into(),
            side: Side::Network,
        },
    );
    assert!(
        g.drain()
            .iter()
            .any(|m| matches!(m, ServerMsg::Ack { id: 3, .. }))
    );
}

#[test]
fn drags_reach_others_during_the_boards_step_and_never_echo() {
    let mut hub = hub();
    let mut f = connect(&mut hub, 1, Role::Facilitator, None, 64);
    let mut a = connect(&mut hub, 2, Role::Participant, None, 64);
    let mut b = connect(&mut hub, 3, Role::Participant, None, 64);
    join(&mut hub, &mut a, "Anna", Side::Network);
    join(&mut hub, &mut b, "Bart", Side::Management);
    let dot = DotRef::Drive(Drive::Impact);
    let drag = |conn| RoomMsg::Drag {
        conn,
        dot,
        x: 0.5,
        y: 0.25,
    };
    // In the lobby the drives board takes no dots: nothing is relayed.
    step(&mut hub, drag(a.conn));
    f.drain();
    assert!(
        b.drain()
            .iter()
            .all(|m| !matches!(m, ServerMsg::Drag { .. }))
    );
    command(
        &mut hub,
        &f,
        1,
        Command::GoToPhase {
            phase: Phase::Drives,
        },
    );
    a.drain();
    b.drain();
    f.drain();
    step(&mut hub, drag(a.conn));
    let expected = ServerMsg::Drag {
        by: ParticipantId(1),
        dot,
        x: 0.5,
        y: 0.25,
    };
    assert_eq!(b.drain(), vec![expected.clone()]);
    assert_eq!(f.drain(), [expected]);
    assert!(a.drain().is_empty(), "the dragger gets no echo");
    // A hidden board shows a participant's drags only to the facilitator.
    command(
        &mut hub,
        &f,
        2,
        Command::SetRevealed {
            board: Board::Drives,
            revealed: false,
        },
    );
    a.drain();
    b.drain();
    f.drain();
    step(&mut hub, drag(a.conn));
    assert!(b.drain().is_empty());
    assert_eq!(f.drain().len(), 1);
    // A guest's drags go nowhere.
    let g = connect(&mut hub, 9, Role::Participant, None, 64);
    f.drain();
    step(&mut hub, drag(g.conn));
    assert!(f.drain().is_empty());
}

#[test]
fn a_connection_that_stops_reading_is_dropped_and_the_rest_go_on() {
    let mut hub = hub();
    let mut live = connect(&mut hub, 1, Role::Facilitator, None, 1024);
    let slow = connect(&mut hub, 2, Role::Facilitator, None, 4);
    // Welcome and presence took two places; each command's event fills one more.
    for i in 0..4 {
        command(&mut hub, &live, i, Command::AdjustTimer { delta_ms: 1_000 });
    }
    assert!(slow.kick.is_cancelled());
    let msgs = live.drain();
    assert_eq!(
        msgs.iter()
            .filter(|m| matches!(m, ServerMsg::Ack { .. }))
            .count(),
        4
    );
    assert!(
        msgs.iter()
            .any(|m| matches!(m, ServerMsg::Presence { presence } if presence.facilitators == 1))
    );
    // The dropped connection's own goodbye later changes nothing.
    step(&mut hub, RoomMsg::Disconnect { conn: slow.conn });
    assert!(live.drain().is_empty());
}

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
