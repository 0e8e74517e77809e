//! When the database fails under a session: the clients hear a typed `storage_unavailable` (and
//! close 1011, so they come back), nothing is acknowledged that was not committed, and once the
//! database answers again the same command, resent with its `op` token, is applied once.
//!
//! The faults are real ones of the real database file: another connection holding its write
//! lock past the server's busy timeout, and a table gone from under a room that is not loaded.

mod common;

use common::{Client, Closed, TestServer, state_of};
use koersbord_shared::Phase;
use koersbord_shared::protocol::{ClientMsg, ProtocolError, ServerMsg};
use koersbord_shared::room::Command;
use rusqlite::Connection;
use std::time::Duration;

/// Longer than the server's busy timeout (5 s), with room for a loaded machine.
const FAULT_WAIT: Duration = Duration::from_secs(20);

fn ambition(id: u64) -> ClientMsg {
    ClientMsg::Command {
        id,
        op: Some("to-ambition".into()),
        command: Command::GoToPhase {
            phase: Phase::Ambition,
        },
    }
}

/// Everything up to the socket's close: the messages, and how it closed.
async fn until_closed(c: &mut Client) -> (Vec<ServerMsg>, Closed) {
    let mut seen = Vec::new();
    loop {
        match c.next(FAULT_WAIT).await {
            Some(Ok(msg)) => seen.push(msg),
            Some(Err(closed)) => return (seen, closed),
            None => panic!("still open after {FAULT_WAIT:?}; got {seen:?}"),
        }
    }
}

fn storage_unavailable() -> ServerMsg {
    ServerMsg::Error {
        error: ProtocolError::StorageUnavailable,
    }
}

#[tokio::test]
async fn a_commit_that_fails_is_never_acknowledged_and_the_resent_command_lands_once() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;

    // Another process takes the database's write lock and keeps it.
    let db = server.config.db.clone().unwrap();
    let blocker = Connection::open(&db).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();

    f.send(ambition(1)).await;
    let (seen, closed) = until_closed(&mut f).await;
    assert!(
        !seen
            .iter()
            .any(|m| matches!(m, ServerMsg::Ack { .. } | ServerMsg::Event { .. })),
        "something was acknowledged or applied without a commit: {seen:?}"
    );
    assert_eq!(seen.last(), Some(&storage_unavailable()), "{seen:?}");
    assert_eq!(closed, Closed::Frame(1011, "storage_unavailable".into()));

    // The database answers again: the room comes back as stored, and the resent command lands.
    blocker.execute_batch("COMMIT").unwrap();
    let (mut f, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert_eq!(state_of(&welcome).phase, Phase::Lobby);
    f.send(ambition(1)).await;
    let ack = f
        .recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
        .await;
    // Sent again (a second lost answer): answered as before, not applied twice.
    f.send(ambition(2)).await;
    let again = f
        .recv_until(|m| matches!(m, ServerMsg::Ack { id: 2, .. }))
        .await;
    let (ServerMsg::Ack { seq: first, .. }, ServerMsg::Ack { seq: second, .. }) = (ack, again)
    else {
        unreachable!()
    };
    assert_eq!(first, second, "the op was applied twice");
    let (_g, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert_eq!(state_of(&welcome).phase, Phase::Ambition);
}

#[tokio::test]
async fn a_room_that_cannot_be_loaded_says_storage_unavailable_until_it_can() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    // A fresh process: the room is not loaded, so the next hello reads it from the database.
    let server = server.restart().await;
    let db = server.config.db.clone().unwrap();
    let tamper = Connection::open(&db).unwrap();
    tamper
        .execute_batch("ALTER TABLE events RENAME TO events_away")
        .unwrap();

    let mut c = Client::connect(&server.ws_url()).await;
    c.hello(&s.room, &s.facilitator_key, None).await;
    let (seen, closed) = until_closed(&mut c).await;
    assert_eq!(seen, vec![storage_unavailable()]);
    assert_eq!(closed, Closed::Frame(1011, "storage_unavailable".into()));

    tamper
        .execute_batch("ALTER TABLE events_away RENAME TO events")
        .unwrap();
    let (_c, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert_eq!(state_of(&welcome).phase, Phase::Lobby);
}
