//! Protocol 2's drags over real sockets: gathered per tick into one `drags` frame (latest position
//! per dot), never overtaken by nor holding back a durable frame; and protocol 1 beside it, one
//! frame per drag, as before.

mod common;

use common::{Client, TestServer};
use futures_util::SinkExt;
use koersbord_shared::protocol::{ClientMsg, DragMove, DragStop, ProtocolError, ServerMsg};
use koersbord_shared::room::{Command, Event};
use koersbord_shared::{DotRef, Drive, ParticipantId, Phase, Side, Zone};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// Long enough that a burst sent at once always falls within one tick, on a busy machine too.
const TICK_MS: u64 = 300;

struct Room {
    /// The facilitator, kept connected.
    _f: Client,
    anna: Client,
    anna_id: ParticipantId,
    bart: Client,
    bart_id: ParticipantId,
    /// A protocol-2 reader.
    cor: Client,
    /// A protocol-1 reader.
    old: Client,
}

/// A room in the drives step: Anna and Bart drag, Cor (v2) and Old (v1) watch, all joined.
async fn drives_room(server: &TestServer) -> Room {
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (anna, anna_id, _) = server.joined_at(2, &s, "Anna", Side::Network).await;
    let (bart, bart_id, _) = server.joined_at(2, &s, "Bart", Side::Management).await;
    let (cor, _, _) = server.joined_at(2, &s, "Cor", Side::Network).await;
    let (old, _, _) = server.joined_at(1, &s, "Oud", Side::Management).await;
    f.command(
        1,
        Command::GoToPhase {
            phase: Phase::Drives,
        },
    )
    .await;
    f.recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
        .await;
    let mut room = Room {
        _f: f,
        anna,
        anna_id,
        bart,
        bart_id,
        cor,
        old,
    };
    for c in [&mut room.anna, &mut room.bart, &mut room.cor, &mut room.old] {
        c.recv_until(|m| {
            matches!(
                m,
                ServerMsg::Event {
                    event: Event::PhaseChanged { .. },
                    ..
                }
            )
        })
        .await;
    }
    room
}

/// Sends `msgs` in one write, so the room gets them within one tick.
async fn burst(c: &mut Client, msgs: &[ClientMsg]) {
    for m in msgs {
        c.ws.feed(Message::text(m.encode())).await.unwrap();
    }
    c.ws.flush().await.unwrap();
}

fn drag(dot: DotRef, x: f32) -> ClientMsg {
    ClientMsg::Drag { dot, x, y: 0.5 }
}

/// Every message until one matches `last`, that one included.
async fn until(c: &mut Client, mut last: impl FnMut(&ServerMsg) -> bool) -> Vec<ServerMsg> {
    let mut seen = Vec::new();
    loop {
        let m = c.recv().await;
        let done = last(&m);
        seen.push(m);
        if done {
            return seen;
        }
    }
}

fn moves(msgs: &[ServerMsg]) -> Vec<DragMove> {
    msgs.iter()
        .flat_map(|m| match m {
            ServerMsg::Drags { moves, .. } => moves.clone(),
            _ => Vec::new(),
        })
        .collect()
}

#[tokio::test]
async fn a_tick_carries_every_dragger_in_one_frame_and_only_the_latest_position_of_a_dot() {
    let server = TestServer::with_tuning(|t| t.drag_tick_ms = TICK_MS).await;
    let mut r = drives_room(&server).await;
    let (impact, meaning) = (DotRef::Drive(Drive::Impact), DotRef::Drive(Drive::Meaning));
    // A lone dragger goes out at once.
    r.anna.send(drag(impact, 0.01)).await;
    let first = r.cor.recv().await;
    assert_eq!(
        first,
        ServerMsg::Drags {
            moves: vec![DragMove {
                by: r.anna_id,
                dot: impact,
                x: 0.01,
                y: 0.5
            }],
            ends: vec![],
        }
    );
    let opened = Instant::now();
    // Bart drags too, so the room gathers; within the tick Anna moves her dot five times and
    // ends it, Bart moves his again.
    burst(&mut r.bart, &[drag(meaning, 0.5)]).await;
    tokio::time::sleep(Duration::from_millis(TICK_MS / 6)).await;
    let anna_moves: Vec<ClientMsg> = (2..=6).map(|i| drag(impact, i as f32 / 100.0)).collect();
    burst(&mut r.anna, &anna_moves).await;
    burst(&mut r.anna, &[ClientMsg::DragEnd { dot: impact }]).await;
    burst(&mut r.bart, &[drag(meaning, 0.75)]).await;
    let gathered = r.cor.recv().await;
    assert!(
        opened.elapsed() >= Duration::from_millis(TICK_MS / 2),
        "held for the tick"
    );
    assert_eq!(
        gathered,
        ServerMsg::Drags {
            moves: vec![DragMove {
                by: r.bart_id,
                dot: meaning,
                x: 0.75,
                y: 0.5
            }],
            ends: vec![DragStop {
                by: r.anna_id,
                dot: impact
            }],
        },
        "one frame: Anna's drag ended (her moves replaced by the end), Bart's latest position"
    );
    // Anna's own drags never come back to her; Bart sees hers, not his own.
    let seen = r.anna.barrier(90).await;
    assert!(moves(&seen).iter().all(|m| m.by != r.anna_id), "{seen:?}");
    let seen = r.bart.barrier(91).await;
    assert!(moves(&seen).iter().all(|m| m.by != r.bart_id), "{seen:?}");
    // The protocol-1 reader got each of them as its own frame, at once (Anna's and Bart's in
    // whichever order their sockets reached the room).
    let (mut anna_done, mut bart_done) = (false, false);
    let old = until(&mut r.old, |m| {
        anna_done |= matches!(m, ServerMsg::DragEnd { .. });
        bart_done |= matches!(m, ServerMsg::Drag { x, .. } if *x == 0.75);
        anna_done && bart_done
    })
    .await;
    let singles = old
        .iter()
        .filter(|m| matches!(m, ServerMsg::Drag { .. } | ServerMsg::DragEnd { .. }))
        .count();
    assert_eq!(singles, 1 + 5 + 1 + 1 + 1, "{old:?}");
    assert!(
        old.iter().all(|m| !matches!(m, ServerMsg::Drags { .. })),
        "{old:?}"
    );
}

#[tokio::test]
async fn a_durable_event_after_drags_is_never_overtaken_and_never_waits_for_the_tick() {
    let server = TestServer::with_tuning(|t| t.drag_tick_ms = TICK_MS).await;
    let mut r = drives_room(&server).await;
    let impact = DotRef::Drive(Drive::Impact);
    let meaning = DotRef::Drive(Drive::Meaning);
    r.anna.send(drag(impact, 0.01)).await;
    r.cor.recv().await;
    // Bart drags too, so the room holds drags for the tick.
    r.bart.send(drag(meaning, 0.5)).await;
    tokio::time::sleep(Duration::from_millis(TICK_MS / 6)).await;
    // Drags within the tick, then the drop: the drags must arrive before the event, and the
    // event must not wait out the tick.
    let started = Instant::now();
    burst(
        &mut r.anna,
        &[
            drag(impact, 0.02),
            drag(impact, 0.03),
            ClientMsg::DragEnd { dot: impact },
            ClientMsg::Command {
                id: 7,
                op: None,
                command: Command::PlaceDrive {
                    drive: Drive::Impact,
                    zone: Some(Zone::Necessary),
                },
            },
        ],
    )
    .await;
    let seen = until(&mut r.cor, |m| matches!(m, ServerMsg::Event { .. })).await;
    let waited = started.elapsed();
    assert!(
        matches!(
            &seen[..],
            [ServerMsg::Drags { moves, ends }, ServerMsg::Event { event: Event::DrivePlaced { .. }, .. }]
                if moves.iter().all(|m| m.by == r.bart_id)
                    && ends == &[DragStop { by: r.anna_id, dot: impact }]
        ),
        "the drag's end first, then the placement: {seen:?}"
    );
    assert!(
        waited < Duration::from_millis(TICK_MS),
        "the event went out with the commit, not at the tick ({waited:?})"
    );
    // Anna's ack came the same way, and nothing is left over for the tick.
    r.anna
        .recv_until(|m| matches!(m, ServerMsg::Ack { id: 7, .. }))
        .await;
    r.cor.quiet_for(Duration::from_millis(TICK_MS + 100)).await;
}

#[tokio::test]
async fn a_protocol_1_client_is_welcomed_in_its_own_version_and_gets_one_frame_per_drag() {
    let server = TestServer::start().await;
    let mut r = drives_room(&server).await;
    let impact = DotRef::Drive(Drive::Impact);
    burst(
        &mut r.anna,
        &[
            drag(impact, 0.25),
            drag(impact, 0.5),
            ClientMsg::DragEnd { dot: impact },
        ],
    )
    .await;
    let expected = [
        ServerMsg::Drag {
            by: r.anna_id,
            dot: impact,
            x: 0.25,
            y: 0.5,
        },
        ServerMsg::Drag {
            by: r.anna_id,
            dot: impact,
            x: 0.5,
            y: 0.5,
        },
        ServerMsg::DragEnd {
            by: r.anna_id,
            dot: impact,
        },
    ];
    for e in &expected {
        assert_eq!(&r.old.recv().await, e);
    }
    let s = server.create_session().await;
    let (_, welcome) = server.hello_at(1, &s.room, &s.facilitator_key).await;
    assert!(
        matches!(
            welcome,
            ServerMsg::Welcome {
                protocol_version: 1,
                ..
            }
        ),
        "{welcome:?}"
    );
    let (_, welcome) = server.hello_at(2, &s.room, &s.facilitator_key).await;
    assert!(matches!(
        welcome,
        ServerMsg::Welcome {
            protocol_version: 2,
            ..
        }
    ));
    // Versions the server does not speak are refused by name.
    for version in [0, 3] {
        let mut c = server.client().await;
        c.send(ClientMsg::Hello {
            protocol_version: version,
            room: s.room.clone(),
            key: s.facilitator_key.clone(),
            participant_key: None,
            preview: false,
        })
        .await;
        common::expect_fatal(
            &mut c,
            ProtocolError::VersionMismatch {
                client: version,
                server: 2,
            },
            1008,
        )
        .await;
    }
}
