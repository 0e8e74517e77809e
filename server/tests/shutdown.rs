//! Stopping: in-process shutdown says goodbye to every socket; the binary announces its address,
//! stops on SIGTERM within 10 s with every socket told and every acknowledged change on disk.

mod common;

use common::TestServer;
use common::binary::Binary;
use koersbord_shared::protocol::ServerMsg;
use koersbord_shared::room::Command as RoomCommand;
use koersbord_shared::{Drive, Phase, Side, Zone};
use std::time::{Duration, Instant};

#[tokio::test]
async fn shutdown_tells_every_socket_and_closes_with_1001() {
    let mut server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (mut p, _, _) = server.joined(&s, "Anna", Side::Network).await;
    // One socket that never said hello is closed as well.
    let mut silent = server.client().await;

    let started = Instant::now();
    let stopping = tokio::spawn(async move {
        server.stop().await.expect("serve ends cleanly");
        server
    });
    // The clients read meanwhile, so they answer the close and the server need not wait them out.
    for c in [&mut f, &mut p, &mut silent] {
        common::expect_shutdown(c).await;
    }
    let server = stopping.await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        tokio::net::TcpStream::connect(server.addr).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_on_sigterm_says_goodbye_flushes_and_exits_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let mut server = Binary::start(&db).await;
    let r = common::http(server.addr, "GET", "/healthz", &[], None).await;
    assert_eq!((r.status, r.body.as_str()), (200, "ok"));
    let s = common::create_session(server.addr).await;
    let url = server.ws_url();
    let (mut f, _) = common::hello(&url, &s.room, &s.facilitator_key, None).await;
    let mut people = Vec::new();
    for (name, side) in [("Anna", Side::Network), ("Bart", Side::Management)] {
        let (mut c, _) = common::hello(&url, &s.room, &s.join_key, None).await;
        let (you, participant_key) = c.join(name, side).await;
        people.push((c, you, participant_key));
    }
    f.command(
        1,
        RoomCommand::GoToPhase {
            phase: Phase::Drives,
        },
    )
    .await;
    f.recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
        .await;
    for (i, (c, _, _)) in people.iter_mut().enumerate() {
        let zone = Some([Zone::Necessary, Zone::Neutral][i]);
        c.command(
            2,
            RoomCommand::PlaceDrive {
                drive: Drive::Meaning,
                zone,
            },
        )
        .await;
        c.recv_until(|m| matches!(m, ServerMsg::Ack { id: 2, .. }))
            .await;
    }

    let started = Instant::now();
    server.terminate();
    let mut clients: Vec<&mut common::Client> = people.iter_mut().map(|(c, _, _)| c).collect();
    clients.push(&mut f);
    for c in clients {
        common::expect_shutdown(c).await;
    }
    let status = server.exited_within(Duration::from_secs(10)).await;
    assert!(status.success(), "{status:?}");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "{took:?}");

    // Everything acknowledged is there after a restart, and everyone comes back as themselves.
    let server = Binary::start(&db).await;
    let url = server.ws_url();
    let (_f, welcome) = common::hello(&url, &s.room, &s.facilitator_key, None).await;
    let state = common::state_of(&welcome);
    assert_eq!(state.phase, Phase::Drives);
    assert_eq!(state.participants.len(), 2);
    for (i, (_, id, key)) in people.iter().enumerate() {
        assert_eq!(
            state.participants[id].drives.get(&Drive::Meaning),
            Some(&[Zone::Necessary, Zone::Neutral][i])
        );
        let (_c, welcome) = common::hello(&url, &s.room, &s.join_key, Some(key)).await;
        assert!(matches!(welcome, ServerMsg::Welcome { you: Some(you), .. } if you == *id));
    }
}
