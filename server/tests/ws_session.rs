//! Protocol v1 over real sockets, the room: joining, coming back, caps, roles, drags, removal.

mod common;

use common::{TestServer, state_of};
use koersbord_shared::protocol::{ClientMsg, ServerMsg};
use koersbord_shared::room::{Command, Event, Rejection};
use koersbord_shared::{Board, DotRef, Drive, ParticipantId, Phase, Side, Zone};

#[tokio::test]
async fn hidden_dots_are_left_out_of_each_welcome_as_the_room_rules_say() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (mut anna, id, anna_key) = server.joined(&s, "Anna", Side::Network).await;
    f.command(
        1,
        Command::GoToPhase {
            phase: Phase::Drives,
        },
    )
    .await;
    f.command(
        2,
        Command::SetRevealed {
            board: Board::Drives,
            revealed: false,
        },
    )
    .await;
    f.recv_until(|m| matches!(m, ServerMsg::Ack { id: 2, .. }))
        .await;
    anna.command(
        2,
        Command::PlaceDrive {
            drive: Drive::Impact,
            zone: Some(Zone::Necessary),
        },
    )
    .await;
    anna.recv_until(|m| matches!(m, ServerMsg::Ack { id: 2, .. }))
        .await;

    let placed = |w: &ServerMsg| state_of(w).participants[&id].drives.len();
    let (_, facilitator) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (_, screen) = server.hello(&s.room, &s.screen_key, None).await;
    let (_, guest) = server.hello(&s.room, &s.join_key, None).await;
    let (_, herself) = server.hello(&s.room, &s.join_key, Some(&anna_key)).await;
    assert_eq!(placed(&facilitator), 1);
    assert_eq!(placed(&screen), 0);
    assert_eq!(placed(&guest), 0);
    assert_eq!(placed(&herself), 1);
}

#[tokio::test]
async fn a_join_answers_joined_then_ack_and_everyone_sees_the_event() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (mut g, _) = server.hello(&s.room, &s.join_key, None).await;
    g.command(
        7,
        Command::Join {
            name: " Anna ".into(),
            side: Side::Management,
        },
    )
    .await;
    let ServerMsg::Event {
        seq: 1,
        event: Event::ParticipantJoined { participant },
    } = g.recv().await
    else {
        panic!()
    };
    assert_eq!(
        (participant.name.as_str(), participant.side),
        ("Anna", Side::Management)
    );
    let ServerMsg::Joined {
        you,
        participant_key,
    } = g.recv().await
    else {
        panic!("joined before the ack")
    };
    assert_eq!(you, participant.id);
    assert_eq!(participant_key.len(), 32);
    assert_eq!(g.recv().await, ServerMsg::Ack { id: 7, seq: 1 });

    assert!(matches!(
        f.recv().await,
        ServerMsg::Event {
            seq: 1,
            event: Event::ParticipantJoined { .. }
        }
    ));
    let ServerMsg::Presence { presence } = f.recv().await else {
        panic!()
    };
    assert_eq!(
        (presence.participants, presence.facilitators),
        (vec![you], 1)
    );
}

#[tokio::test]
async fn a_participant_key_brings_the_same_person_back_without_a_duplicate() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (first, id, key) = server.joined(&s, "Anna", Side::Network).await;
    drop(first);
    let (_again, welcome) = server.hello(&s.room, &s.join_key, Some(&key)).await;
    let ServerMsg::Welcome { you, state, .. } = welcome else {
        unreachable!()
    };
    assert_eq!(you, Some(id));
    assert_eq!(state.participants.len(), 1);
    // A key the room never gave makes a guest, not an error.
    let (_other, welcome) = server.hello(&s.room, &s.join_key, Some("not-a-key")).await;
    assert!(matches!(welcome, ServerMsg::Welcome { you: None, .. }));
}

#[tokio::test]
async fn a_side_takes_four_and_the_room_eight() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let mut people = Vec::new();
    for i in 0..4 {
        people.push(server.joined(&s, &format!("N{i}"), Side::Network).await);
    }
    let (mut fifth, _) = server.hello(&s.room, &s.join_key, None).await;
    fifth
        .command(
            1,
            Command::Join {
                name: "N5".into(),
                side: Side::Network,
            },
        )
        .await;
    let rejected = fifth
        .recv_until(|m| matches!(m, ServerMsg::Rejected { .. }))
        .await;
    assert_eq!(
        rejected,
        ServerMsg::Rejected {
            id: 1,
            reason: Rejection::SideFull {
                side: Side::Network
            }
        }
    );
    for i in 0..4 {
        people.push(server.joined(&s, &format!("M{i}"), Side::Management).await);
    }
    let (mut ninth, _) = server.hello(&s.room, &s.join_key, None).await;
    ninth
        .command(
            1,
            Command::Join {
                name: "M5".into(),
                side: Side::Management,
            },
        )
        .await;
    let rejected = ninth
        .recv_until(|m| matches!(m, ServerMsg::Rejected { .. }))
        .await;
    assert!(matches!(
        rejected,
        ServerMsg::Rejected {
            reason: Rejection::SideFull { .. },
            ..
        }
    ));
    let (_, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert_eq!(state_of(&welcome).participants.len(), 8);
}

#[tokio::test]
async fn a_participant_is_refused_every_facilitator_command_and_nothing_changes() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut p, id, _) = server.joined(&s, "Anna", Side::Network).await;
    let (_, before) = server.hello(&s.room, &s.facilitator_key, None).await;
    let commands = [
        Command::RemoveParticipant { id },
        Command::EditSetup {
            title: "x".into(),
            ambition: "y".into(),
            goals: ["a".into(), "b".into()],
        },
        Command::GoToPhase {
            phase: Phase::Drives,
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
            board: Board::Pillars,
            revealed: false,
        },
    ];
    for (i, command) in commands.into_iter().enumerate() {
        let i = i as u64 + 10;
        p.command(i, command).await;
        let answer = p
            .recv_until(|m| !matches!(m, ServerMsg::Presence { .. }))
            .await;
        assert_eq!(
            answer,
            ServerMsg::Rejected {
                id: i,
                reason: Rejection::NotAllowed
            }
        );
    }
    let (_, after) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert_eq!(state_of(&before), state_of(&after));
}

#[tokio::test]
async fn drags_reach_the_others_and_never_echo() {
    // Protocol 1: one frame per drag (ws_drags.rs has protocol 2's gathered ones).
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello_at(1, &s.room, &s.facilitator_key).await;
    let (mut anna, anna_id, _) = server.joined_at(1, &s, "Anna", Side::Network).await;
    let (mut bart, _, _) = server.joined_at(1, &s, "Bart", Side::Management).await;
    f.command(
        1,
        Command::GoToPhase {
            phase: Phase::Drives,
        },
    )
    .await;
    f.recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
        .await;
    bart.recv_until(|m| {
        matches!(
            m,
            ServerMsg::Event {
                event: Event::PhaseChanged { .. },
                ..
            }
        )
    })
    .await;
    let dot = DotRef::Drive(Drive::Meaning);
    anna.send(ClientMsg::Drag {
        dot,
        x: 0.25,
        y: 0.75,
    })
    .await;
    // Off the board and not a number: dropped, not relayed.
    anna.send_text(r#"{"type":"drag","dot":{"kind":"drive","item":"meaning"},"x":1.5,"y":0.5}"#)
        .await;
    anna.send(ClientMsg::DragEnd { dot }).await;
    let expected = [
        ServerMsg::Drag {
            by: anna_id,
            dot,
            x: 0.25,
            y: 0.75,
        },
        ServerMsg::DragEnd { by: anna_id, dot },
    ];
    assert_eq!(bart.recv().await, expected[0]);
    assert_eq!(bart.recv().await, expected[1]);
    f.recv_until(|m| *m == expected[0]).await;
    assert_eq!(f.recv().await, expected[1]);
    // Everything Anna sent was handled before the barrier; none of it came back to her.
    let echoed = anna.barrier(99).await;
    assert!(
        echoed
            .iter()
            .all(|m| !matches!(m, ServerMsg::Drag { .. } | ServerMsg::DragEnd { .. })),
        "{echoed:?}"
    );
}

#[tokio::test]
async fn a_removed_participant_becomes_a_guest_and_presence_follows() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (mut anna, id, key) = server.joined(&s, "Anna", Side::Network).await;
    f.recv_until(
        |m| matches!(m, ServerMsg::Presence { presence } if presence.participants == [id]),
    )
    .await;
    f.command(1, Command::RemoveParticipant { id }).await;
    f.recv_until(
        |m| matches!(m, ServerMsg::Presence { presence } if presence.participants.is_empty()),
    )
    .await;
    anna.recv_until(|m| matches!(m, ServerMsg::Event { event: Event::ParticipantRemoved { id: gone }, .. } if *gone == id)).await;
    // Her old key no longer works, and her open socket may join again.
    let (_, welcome) = server.hello(&s.room, &s.join_key, Some(&key)).await;
    assert!(matches!(welcome, ServerMsg::Welcome { you: None, .. }));
    anna.command(
        3,
        Command::Join {
            name: "Anna".into(),
            side: Side::Management,
        },
    )
    .await;
    let ServerMsg::Joined { you, .. } = anna
        .recv_until(|m| matches!(m, ServerMsg::Joined { .. }))
        .await
    else {
        unreachable!()
    };
    assert_eq!(you, ParticipantId(id.0 + 1));
}

#[tokio::test]
async fn the_facilitators_preview_sees_the_screen_but_is_not_counted_as_one() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let screens = |m: &ServerMsg| match m {
        ServerMsg::Presence { presence } => Some(presence.screens),
        _ => None,
    };
    let mut preview = server.client().await;
    preview
        .send(ClientMsg::Hello {
            protocol_version: koersbord_shared::protocol::PROTOCOL_VERSION,
            room: s.room.clone(),
            key: s.screen_key.clone(),
            participant_key: None,
            preview: true,
        })
        .await;
    let welcome = preview.recv().await;
    assert!(
        matches!(&welcome, ServerMsg::Welcome { .. }),
        "a preview is welcomed as a screen: {welcome:?}"
    );
    let first = preview.recv().await;
    assert_eq!(screens(&first), Some(0), "{first:?}");
    // A real screen is counted, and the facilitator hears of it; the preview never was.
    let (_screen, _) = server.hello(&s.room, &s.screen_key, None).await;
    let told = f.recv_until(|m| screens(m).is_some()).await;
    assert_eq!(screens(&told), Some(1), "only the real screen: {told:?}");
}
