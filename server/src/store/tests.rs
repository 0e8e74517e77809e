//! The store against real files in a temporary directory.

use super::*;
use koersbord_shared::room::Timer;

fn session(room: &str, code: &str) -> SessionRecord {
    SessionRecord {
        room: room.into(),
        facilitator_key: format!("f-{room}"),
        join_key: format!("j-{room}"),
        screen_key: format!("s-{room}"),
        join_code: code.into(),
        created_at_ms: 1_700_000_000_000,
        setup: Setup {
            title: format!("Title {room}"),
            ..Setup::default()
        },
        follow_up: None,
    }
}

fn event(n: u64) -> Event {
    Event::TimerChanged {
        timer: Timer::new(n * 1000),
    }
}

fn changes(seqs: std::ops::RangeInclusive<u64>) -> Changes {
    Changes {
        events: seqs
            .map(|seq| (seq, serde_json::to_string(&event(seq)).unwrap()))
            .collect(),
        participant_keys: Vec::new(),
        ops: Vec::new(),
    }
}

async fn open(dir: &tempfile::TempDir) -> (Store, WriterThread) {
    Store::open(&dir.path().join("db.sqlite3")).unwrap()
}

#[tokio::test]
async fn a_session_its_events_and_keys_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let (store, writer) = open(&dir).await;
    assert!(store.create_session(session("r1", "AAAAAA")).await.unwrap());
    store.append("r1", changes(1..=2)).await.unwrap();
    let mut more = changes(3..=3);
    more.participant_keys.push(("pk".into(), ParticipantId(1)));
    store.append("r1", more).await.unwrap();
    store.close().await;
    writer.join().await;

    let (store, _writer) = open(&dir).await;
    let room = store.load_room("r1").await.unwrap().expect("stored");
    assert_eq!(room.session, session("r1", "AAAAAA"));
    assert_eq!(room.events, vec![event(1), event(2), event(3)]);
    assert_eq!(room.participant_keys, vec![("pk".into(), ParticipantId(1))]);
    assert_eq!(
        store.find_code("AAAAAA", 0).await.unwrap(),
        Some(("r1".into(), "j-r1".into()))
    );
    assert!(store.load_room("nope").await.unwrap().is_none());
    assert!(store.find_code("BBBBBB", 0).await.unwrap().is_none());
}

#[tokio::test]
async fn a_join_code_finds_only_a_session_created_since_the_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _writer) = open(&dir).await;
    let s = session("r1", "AAAAAA");
    let created = s.created_at_ms;
    assert!(store.create_session(s).await.unwrap());
    assert!(store.find_code("AAAAAA", created).await.unwrap().is_some());
    assert!(
        store
            .find_code("AAAAAA", created + 1)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_taken_join_code_or_room_id_is_refused_and_nothing_of_it_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _writer) = open(&dir).await;
    assert!(store.create_session(session("r1", "AAAAAA")).await.unwrap());
    assert!(!store.create_session(session("r2", "AAAAAA")).await.unwrap());
    assert!(!store.create_session(session("r1", "CCCCCC")).await.unwrap());
    assert!(store.load_room("r2").await.unwrap().is_none());
    assert!(store.find_code("CCCCCC", 0).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failing_write_does_not_undo_the_others_committed_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _writer) = open(&dir).await;
    for (room, code) in [("a", "AAAAAA"), ("b", "BBBBBB")] {
        assert!(store.create_session(session(room, code)).await.unwrap());
    }
    store.append("b", changes(1..=1)).await.unwrap();
    // Sent together, so the writer most likely takes them in one batch; either way the outcome
    // is the same. Event 1 of room b exists: numbering it twice must fail, alone.
    let (good, bad, unknown_room) = tokio::join!(
        store.append("a", changes(1..=5)),
        store.append("b", changes(1..=1)),
        store.append("zzz", changes(1..=1)),
    );
    good.unwrap();
    assert!(matches!(bad, Err(StoreError::Sqlite(_))), "{bad:?}");
    assert!(unknown_room.is_err(), "events need their session");
    assert_eq!(store.load_room("a").await.unwrap().unwrap().events.len(), 5);
    assert_eq!(store.load_room("b").await.unwrap().unwrap().events.len(), 1);
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

#[tokio::test]
async fn a_gap_in_a_rooms_events_is_reported_not_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _writer) = open(&dir).await;
    assert!(store.create_session(session("r", "AAAAAA")).await.unwrap());
    store.append("r", changes(1..=1)).await.unwrap();
    store.append("r", changes(3..=3)).await.unwrap();
    assert!(matches!(
        store.load_room("r").await,
        Err(StoreError::Corrupt(_))
    ));
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

#[tokio::test]
async fn op_tokens_survive_reopening_and_only_the_newest_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (store, writer) = open(&dir).await;
    assert!(store.create_session(session("r1", "AAAAAA")).await.unwrap());
    let total = crate::room::REMEMBERED_OPS + 6;
    for i in 0..total {
        let mut c = Changes::default();
        c.ops.push((
            "facilitator".into(),
            format!("op-{i}"),
            r#"{"answer":"ack","seq":0}"#.into(),
        ));
        c.ops.push((
            "p1".into(),
            format!("op-{i}"),
            r#"{"answer":"ack","seq":0}"#.into(),
        ));
        store.append("r1", c).await.unwrap();
    }
    store.close().await;
    writer.join().await;
    let (store, _writer) = open(&dir).await;
    let room = store.load_room("r1").await.unwrap().expect("stored");
    let mine: Vec<&str> = room
        .ops
        .iter()
        .filter(|(who, ..)| who == "facilitator")
        .map(|(_, op, _)| op.as_str())
        .collect();
    assert_eq!(mine.len(), crate::room::REMEMBERED_OPS);
    assert_eq!(mine.first().copied(), Some("op-6"));
    assert_eq!(
        mine.last().map(|s| s.to_string()),
        Some(format!("op-{}", total - 1))
    );
    assert_eq!(room.ops.len(), 2 * crate::room::REMEMBERED_OPS);
}
