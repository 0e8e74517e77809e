//! The registry against a real store: lazy loads, unloads, stale handles.

use super::*;
use crate::store::WriterThread;
use koersbord_shared::protocol::ServerMsg;
use koersbord_shared::room::Command;

async fn open_rooms(dir: &tempfile::TempDir, idle_after: Duration) -> (Rooms, Store, WriterThread) {
    let (store, writer) = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    (Rooms::new(store.clone(), idle_after), store, writer)
}

/// Connects to `room` and returns the first frame the room sends (its welcome), if any.
async fn welcome(room: &RoomHandle, conn: hub::ConnId) -> Option<ServerMsg> {
    let (out, mut rx) = mpsc::channel(16);
    let connect = RoomMsg::Connect {
        conn,
        protocol_version: koersbord_shared::protocol::PROTOCOL_VERSION,
        role: Role::Facilitator,
        participant_key: None,
        preview: false,
        out,
        kick: CancellationToken::new(),
    };
    if !room.send(connect).await {
        return None;
    }
    let frame = rx.recv().await?;
    Some(ServerMsg::decode(&frame).unwrap())
}

#[tokio::test]
async fn a_room_unloads_when_idle_and_a_stale_handle_then_fails_so_the_caller_opens_again() {
    let dir = tempfile::tempdir().unwrap();
    let (rooms, _store, _writer) = open_rooms(&dir, Duration::from_millis(20)).await;
    let created = rooms.create(Setup::default(), None).await.unwrap();
    let stale = rooms.get(&created.room).expect("live after creation");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while rooms.get(&created.room).is_some() {
        assert!(tokio::time::Instant::now() < deadline, "never unloaded");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(rooms.count(), 0);
    assert!(welcome(&stale, 1).await.is_none(), "the old run is gone");
    let fresh = rooms.open(&created.room).await.unwrap().expect("stored");
    assert_ne!(fresh.generation, stale.generation);
    assert!(matches!(
        welcome(&fresh, 2).await,
        Some(ServerMsg::Welcome { .. })
    ));
    assert!(rooms.open("aaaaaaaaaa").await.unwrap().is_none());
    assert!(rooms.open("not a room id").await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_hellos_load_a_room_once() {
    let dir = tempfile::tempdir().unwrap();
    let (rooms, store, writer) = open_rooms(&dir, Duration::from_secs(60)).await;
    let created = rooms.create(Setup::default(), None).await.unwrap();
    let room = rooms.get(&created.room).unwrap();
    let (out, mut rx) = mpsc::channel(64);
    let connect = RoomMsg::Connect {
        conn: 1,
        protocol_version: koersbord_shared::protocol::PROTOCOL_VERSION,
        role: Role::Facilitator,
        participant_key: None,
        preview: false,
        out,
        kick: CancellationToken::new(),
    };
    assert!(room.send(connect).await);
    let go = RoomMsg::Command {
        conn: 1,
        id: 1,
        op: None,
        command: Command::StartTimer,
    };
    assert!(room.send(go).await);
    while !matches!(
        ServerMsg::decode(&rx.recv().await.unwrap()).unwrap(),
        ServerMsg::Ack { .. }
    ) {}
    drop(rx);
    rooms.stop(Duration::from_secs(5)).await;
    store.close().await;
    writer.join().await;

    // A new process: one store, many first hellos at once.
    let (rooms, _store, _writer) = open_rooms(&dir, Duration::from_secs(60)).await;
    let rooms = Arc::new(rooms);
    let opens: Vec<_> = (0..8)
        .map(|_| {
            let (rooms, id) = (rooms.clone(), created.room.clone());
            tokio::spawn(async move { rooms.open(&id).await.unwrap().unwrap().generation })
        })
        .collect();
    let mut generations = Vec::new();
    for open in opens {
        generations.push(open.await.unwrap());
    }
    generations.dedup();
    assert_eq!(generations.len(), 1, "one task for the room");
    let room = rooms.get(&created.room).unwrap();
    let Some(ServerMsg::Welcome { state, .. }) = welcome(&room, 9).await else {
        panic!("no welcome");
    };
    assert_eq!(state.seq, 1);
    assert!(state.timer.is_running());
}

/// Reads `rx` until the ack of command `id`.
async fn acked(rx: &mut mpsc::Receiver<hub::Frame>, id: u64) {
    loop {
        let msg = ServerMsg::decode(&rx.recv().await.unwrap()).unwrap();
        if matches!(msg, ServerMsg::Ack { id: i, .. } if i == id) {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drags_are_relayed_while_a_commit_waits_for_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let (rooms, _store, _writer) = open_rooms(&dir, Duration::from_secs(60)).await;
    let created = rooms.create(Setup::default(), None).await.unwrap();
    let room = rooms.get(&created.room).unwrap();
    let mut queues = Vec::new();
    for (conn, role) in [(1, Role::Facilitator), (2, Role::Participant)] {
        let (out, rx) = mpsc::channel(64);
        let connect = RoomMsg::Connect {
            conn,
            protocol_version: koersbord_shared::protocol::PROTOCOL_VERSION,
            role,
            participant_key: None,
            preview: false,
            out,
            kick: CancellationToken::new(),
        };
        assert!(room.send(connect).await);
        queues.push(rx);
    }
    let join = Command::Join {
        name: "Anna".into(),
        side: koersbord_shared::domain::Side::Network,
    };
    let command = |conn, id, command| RoomMsg::Command {
        conn,
        id,
        op: None,
        command,
    };
    assert!(room.send(command(2, 1, join)).await);
    acked(&mut queues[1], 1).await;
    let drives = Command::GoToPhase {
        phase: koersbord_shared::domain::Phase::Drives,
    };
    assert!(room.send(command(1, 1, drives)).await);
    acked(&mut queues[0], 1).await;

    // Another writer holds the database: the room's next commit waits for it.
    let lock = rusqlite::Connection::open(dir.path().join("db.sqlite3")).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    assert!(room.send(command(1, 2, Command::StartTimer)).await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let dot = koersbord_shared::domain::DotRef::Drive(koersbord_shared::domain::Drive::Impact);
    assert!(room.try_send(RoomMsg::Drag {
        conn: 2,
        dot,
        x: 0.5,
        y: 0.5
    }));
    let relayed = tokio::time::timeout(Duration::from_secs(2), queues[0].recv())
        .await
        .expect("the drag does not wait for the commit")
        .unwrap();
    assert!(
        matches!(ServerMsg::decode(&relayed).unwrap(), ServerMsg::Drags { moves, .. } if moves.len() == 1),
        "the drag, and nothing of the command yet"
    );
    lock.execute_batch("ROLLBACK").unwrap();
    acked(&mut queues[0], 2).await;
}
