//! What only the SQLite store does: its writer's queue and its file. The behaviour both stores
//! share is tested on both in `store/tests.rs`.

use super::*;
use koersbord_shared::room::{Event, Timer};

fn session(room: &str, code: &str) -> SessionRecord {
    SessionRecord {
        room: room.into(),
        facilitator_key: format!("f-{room}"),
        join_key: format!("j-{room}"),
        screen_key: format!("s-{room}"),
        join_code: code.into(),
        created_at_ms: 1_700_000_000_000,
        setup: Setup::default(),
        follow_up: None,
    }
}

fn changes(seqs: std::ops::RangeInclusive<u64>) -> Changes {
    let event = |n: u64| Event::TimerChanged {
        timer: Timer::new(n * 1000),
    };
    Changes {
        events: seqs
            .map(|seq| (seq, serde_json::to_string(&event(seq)).unwrap()))
            .collect(),
        ..Changes::default()
    }
}

async fn open(dir: &tempfile::TempDir) -> (Store, WriterThread) {
    Store::open(&dir.path().join("db.sqlite3")).unwrap()
}

#[tokio::test]
async fn close_commits_everything_queued_before_it_and_refuses_what_comes_after() {
    let dir = tempfile::tempdir().unwrap();
    let (store, writer) = open(&dir).await;
    assert!(store.create_session(session("r", "AAAAAA")).await.unwrap());
    // Queued without waiting for their answers, as many rooms' tasks would at once.
    let mut answers = Vec::new();
    for seq in 1..=200 {
        let (done, answer) = oneshot::channel();
        let job = Job::Append {
            room: "r".into(),
            changes: changes(seq..=seq),
            done,
        };
        store.jobs.send(job.into()).await.unwrap();
        answers.push(answer);
    }
    store.close().await;
    writer.join().await;
    for answer in answers {
        answer
            .await
            .unwrap()
            .expect("queued before the close, so committed");
    }
    assert!(matches!(
        store.append("r", changes(201..=201)).await,
        Err(StoreError::Closed)
    ));
    let (store, _writer) = open(&dir).await;
    assert_eq!(
        store.load_room("r").await.unwrap().unwrap().events.len(),
        200
    );
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_file_is_private_to_the_servers_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let _store = open(&dir).await;
    let mode = std::fs::metadata(dir.path().join("db.sqlite3"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}
