//! The room task's routing, driven directly with in-memory queues: no sockets, no clock. Shared
//! helpers here; `delivery` covers full queues, `resend` covers commands sent twice, `ops` resend
//! tokens.

mod delivery;
mod drags;
mod ops;
mod resend;

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
            screen_key: None,
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

/// A protocol-1 connection: every drag relayed to it at once as its own frame, as these tests
/// expect; `drags.rs` covers protocol 2's gathered drags.
fn connect(hub: &mut Hub, conn: ConnId, role: Role, key: Option<&str>, queue: usize) -> Client {
    connect_at(hub, 1, conn, role, key, queue)
}

fn connect_at(
    hub: &mut Hub,
    protocol_version: u32,
    conn: ConnId,
    role: Role,
    key: Option<&str>,
    queue: usize,
) -> Client {
    let (out, rx) = mpsc::channel(queue);
    let kick = CancellationToken::new();
    step(
        hub,
        RoomMsg::Connect {
            conn,
            protocol_version,
            role,
            participant_key: key.map(String::from),
            preview: false,
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
            op: None,
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
