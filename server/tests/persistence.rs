//! Sessions outlive the server process and the room's time in memory: restart, lazy load, join
//! codes after a restart, idle unload and load again.

mod common;

use common::{TestServer, state_of};
use koersbord_shared::protocol::{JoinCodeFound, ProtocolError, Role, ServerMsg};
use koersbord_shared::room::{Command, Event};
use koersbord_shared::{Board, Drive, Phase, Side, Zone};
use std::time::{Duration, Instant};

/// Sends a command and waits for its ack.
async fn acked(c: &mut common::Client, id: u64, command: Command) {
    c.command(id, command).await;
    c.recv_until(|m| matches!(m, ServerMsg::Ack { id: a, .. } if *a == id))
        .await;
}

async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + common::WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn after_a_restart_every_key_and_the_join_code_work_and_nothing_is_lost() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (mut anna, anna_id, anna_key) = server.joined(&s, "Anna", Side::Network).await;
    acked(
        &mut f,
        1,
        Command::GoToPhase {
            phase: Phase::Drives,
        },
    )
    .await;
    let place = Command::PlaceDrive {
        drive: Drive::Impact,
        zone: Some(Zone::Necessary),
    };
    acked(&mut anna, 2, place).await;
    let hide = Command::SetRevealed {
        board: Board::Drives,
        revealed: false,
    };
    acked(&mut f, 3, hide).await;
    let (_, before) = server.hello(&s.room, &s.facilitator_key, None).await;
    let before = state_of(&before).clone();
    drop((f, anna));

    let server = server.restart().await;
    assert_eq!(server.monitor.live_rooms(), 0, "rooms load on first use");
    // The join code is found in the store, without loading the room.
    let r = server.lookup_code(&s.join_code.to_lowercase()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let found: JoinCodeFound = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        (found.room.as_str(), found.join_key.as_str()),
        (s.room.as_str(), s.join_key.as_str())
    );
    assert!(!server.monitor.is_live(&s.room));

    let (_f, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert!(server.monitor.is_live(&s.room));
    assert_eq!(
        state_of(&welcome),
        &before,
        "the room as it was, seq included"
    );
    let ServerMsg::Welcome { invite, role, .. } = &welcome else {
        unreachable!()
    };
    assert_eq!(*role, Role::Facilitator);
    assert_eq!(invite.as_ref().unwrap().join_code, s.join_code);

    let (_anna, welcome) = server.hello(&s.room, &s.join_key, Some(&anna_key)).await;
    let ServerMsg::Welcome { you, state, .. } = &welcome else {
        unreachable!()
    };
    assert_eq!(*you, Some(anna_id), "the participant key still works");
    assert_eq!(state.participants.len(), 1, "no duplicate");
    assert_eq!(
        state.participants[&anna_id].drives[&Drive::Impact],
        Zone::Necessary,
        "her own dot, though the board is hidden"
    );

    let (_guest, welcome) = server.hello(&s.room, &s.join_key, None).await;
    assert!(matches!(
        welcome,
        ServerMsg::Welcome {
            you: None,
            role: Role::Participant,
            ..
        }
    ));
    let (_screen, welcome) = server.hello(&s.room, &s.screen_key, None).await;
    let ServerMsg::Welcome { role, state, .. } = &welcome else {
        unreachable!()
    };
    assert_eq!(*role, Role::Screen);
    assert!(
        state.participants[&anna_id].drives.is_empty(),
        "hidden from the screen"
    );

    // A key of another session, or no session at all, is still refused.
    let mut c = server.client().await;
    c.hello(&s.room, "0".repeat(32).as_str(), None).await;
    assert_eq!(
        c.recv().await,
        ServerMsg::Error {
            error: ProtocolError::BadKey
        }
    );
    let mut c = server.client().await;
    c.hello("aaaaaaaaaa", &s.facilitator_key, None).await;
    assert_eq!(
        c.recv().await,
        ServerMsg::Error {
            error: ProtocolError::UnknownRoom
        }
    );
}

#[tokio::test]
async fn join_codes_stay_unique_and_found_across_restarts() {
    let server = TestServer::start().await;
    let mut sessions = Vec::new();
    for _ in 0..20 {
        sessions.push(server.create_session().await);
    }
    let server = server.restart().await;
    for _ in 0..20 {
        sessions.push(server.create_session().await);
    }
    let codes: std::collections::HashSet<_> = sessions.iter().map(|s| &s.join_code).collect();
    assert_eq!(codes.len(), sessions.len());
    let server = server.restart().await;
    for s in sessions.iter().step_by(7) {
        let r = server.lookup_code(&s.join_code).await;
        let found: JoinCodeFound = serde_json::from_str(&r.body).unwrap();
        assert_eq!(found.room, s.room);
    }
}

#[tokio::test]
async fn an_idle_room_unloads_and_comes_back_with_its_state() {
    let server = TestServer::with_tuning(|t| t.room_idle = Duration::from_millis(200)).await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    acked(
        &mut f,
        1,
        Command::GoToPhase {
            phase: Phase::Pillars,
        },
    )
    .await;
    // A room with someone in it stays, however long they are quiet.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(server.monitor.is_live(&s.room));
    drop(f);
    eventually("the room unloads", || !server.monitor.is_live(&s.room)).await;

    let (mut f, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert!(server.monitor.is_live(&s.room));
    assert_eq!(state_of(&welcome).phase, Phase::Pillars);
    assert_eq!(state_of(&welcome).seq, 1);
    // And it goes on numbering where it left off.
    f.command(2, Command::StartTimer).await;
    let event = f.recv_until(|m| matches!(m, ServerMsg::Event { .. })).await;
    assert!(matches!(
        event,
        ServerMsg::Event {
            seq: 2,
            event: Event::TimerChanged { .. }
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hellos_racing_an_unloading_room_all_get_their_welcome() {
    // Rooms unload the moment nobody is in them, so every hello may meet one on its way out.
    let server = TestServer::with_tuning(|t| t.room_idle = Duration::from_millis(1)).await;
    let s = server.create_session().await;
    let url = server.ws_url();
    for round in 0..30 {
        let hellos = (0..3).map(|_| {
            let (url, room, key) = (url.clone(), s.room.clone(), s.screen_key.clone());
            tokio::spawn(async move { common::hello(&url, &room, &key, None).await })
        });
        for hello in hellos.collect::<Vec<_>>() {
            let (c, welcome) = hello.await.unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert_eq!(state_of(&welcome).setup.title, "Test");
            drop(c);
        }
        tokio::time::sleep(Duration::from_millis(round % 4)).await;
    }
}
