//! The store's behaviour, once per database: each test here runs on SQLite (a file in a temporary
//! directory) and on PostgreSQL (a fresh database on the throwaway server of `koersbord-pgtest`).
//! What only one of them does is tested beside it (`sqlite/`, `postgres/`).

use super::*;
use koersbord_shared::room::{Timer, follow_up_of};

/// Where a test's database lives, so the test can open it again.
pub(super) enum Place {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Place {
    pub(super) fn sqlite() -> Place {
        Place::Sqlite(tempfile::tempdir().unwrap())
    }

    /// A new database of its own on the one server the test process shares.
    pub(super) async fn postgres() -> Place {
        let url = tokio::task::spawn_blocking(|| {
            koersbord_pgtest::Postgres::shared().fresh_database("store")
        })
        .await
        .unwrap()
        .unwrap();
        Place::Postgres(url)
    }

    pub(super) async fn open(&self) -> (Store, WriterThread) {
        match self {
            Place::Sqlite(dir) => Store::open(&dir.path().join("db.sqlite3")).unwrap(),
            Place::Postgres(url) => Store::connect(url).await.unwrap(),
        }
    }
}

/// A `sqlite` and a `postgres` test for each async fn taking a [`Place`].
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::Place::sqlite()).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(super::Place::postgres().await).await
            }
        }
    )*};
}

on_both!(
    a_session_its_events_and_keys_survive_reopening,
    a_join_code_finds_only_a_session_created_since_the_cut_off,
    a_taken_join_code_or_room_id_is_refused_and_nothing_of_it_stored,
    one_failing_write_does_not_undo_the_others,
    a_gap_in_a_rooms_events_is_reported_not_replayed,
    op_tokens_survive_reopening_and_only_the_newest_are_kept,
    activity_is_the_creation_or_the_last_commit,
    a_deleted_session_is_gone_whole_and_frees_its_code,
    follow_ups_are_found_oldest_first_and_existing_rooms_told,
    every_write_acknowledged_before_close_is_kept_and_none_after,
);

pub(super) fn session(room: &str, code: &str) -> SessionRecord {
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

pub(super) fn changes(seqs: std::ops::RangeInclusive<u64>) -> Changes {
    Changes {
        events: seqs
            .map(|seq| (seq, serde_json::to_string(&event(seq)).unwrap()))
            .collect(),
        participant_keys: Vec::new(),
        ops: Vec::new(),
    }
}

async fn a_session_its_events_and_keys_survive_reopening(place: Place) {
    let (store, writer) = place.open().await;
    assert!(store.create_session(session("r1", "AAAAAA")).await.unwrap());
    store.append("r1", changes(1..=2)).await.unwrap();
    let mut more = changes(3..=3);
    more.participant_keys.push(("pk".into(), ParticipantId(1)));
    // The largest id a participant can have still comes back.
    more.participant_keys
        .push(("pk-max".into(), ParticipantId(u32::MAX)));
    store.append("r1", more).await.unwrap();
    store.close().await;
    writer.join().await;

    let (store, _writer) = place.open().await;
    let room = store.load_room("r1").await.unwrap().expect("stored");
    assert_eq!(room.session, session("r1", "AAAAAA"));
    assert_eq!(room.events, vec![event(1), event(2), event(3)]);
    let mut keys = room.participant_keys.clone();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            ("pk".into(), ParticipantId(1)),
            ("pk-max".into(), ParticipantId(u32::MAX))
        ]
    );
    assert_eq!(
        store.find_code("AAAAAA", 0).await.unwrap(),
        Some(("r1".into(), "j-r1".into()))
    );
    assert_eq!(
        store.facilitator_key("r1").await.unwrap().as_deref(),
        Some("f-r1")
    );
    assert!(store.facilitator_key("nope").await.unwrap().is_none());
    assert!(store.load_room("nope").await.unwrap().is_none());
    assert!(store.find_code("BBBBBB", 0).await.unwrap().is_none());
}

async fn a_join_code_finds_only_a_session_created_since_the_cut_off(place: Place) {
    let (store, _writer) = place.open().await;
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

async fn a_taken_join_code_or_room_id_is_refused_and_nothing_of_it_stored(place: Place) {
    let (store, _writer) = place.open().await;
    assert!(store.create_session(session("r1", "AAAAAA")).await.unwrap());
    assert!(!store.create_session(session("r2", "AAAAAA")).await.unwrap());
    assert!(!store.create_session(session("r1", "CCCCCC")).await.unwrap());
    assert!(store.load_room("r2").await.unwrap().is_none());
    assert!(store.find_code("CCCCCC", 0).await.unwrap().is_none());
    assert_eq!(
        store.load_room("r1").await.unwrap().unwrap().session,
        session("r1", "AAAAAA")
    );
}

async fn one_failing_write_does_not_undo_the_others(place: Place) {
    let (store, _writer) = place.open().await;
    for (room, code) in [("a", "AAAAAA"), ("b", "BBBBBB")] {
        assert!(store.create_session(session(room, code)).await.unwrap());
    }
    store.append("b", changes(1..=1)).await.unwrap();
    // Sent together, so SQLite's writer most likely takes them in one batch; either way the
    // outcome is the same. Event 1 of room b exists: numbering it twice must fail, alone.
    let (good, bad, unknown_room) = tokio::join!(
        store.append("a", changes(1..=5)),
        store.append("b", changes(1..=2)),
        store.append("zzz", changes(1..=1)),
    );
    good.unwrap();
    assert!(matches!(bad, Err(StoreError::Database(_))), "{bad:?}");
    assert!(unknown_room.is_err(), "events need their session");
    assert_eq!(store.load_room("a").await.unwrap().unwrap().events.len(), 5);
    // Nothing of the failed write stays, not even its event 2.
    assert_eq!(store.load_room("b").await.unwrap().unwrap().events.len(), 1);
}

async fn a_gap_in_a_rooms_events_is_reported_not_replayed(place: Place) {
    let (store, _writer) = place.open().await;
    assert!(store.create_session(session("r", "AAAAAA")).await.unwrap());
    store.append("r", changes(1..=1)).await.unwrap();
    store.append("r", changes(3..=3)).await.unwrap();
    assert!(matches!(
        store.load_room("r").await,
        Err(StoreError::Corrupt(_))
    ));
}

async fn op_tokens_survive_reopening_and_only_the_newest_are_kept(place: Place) {
    let (store, writer) = place.open().await;
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
    let (store, _writer) = place.open().await;
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

async fn activity_is_the_creation_or_the_last_commit(place: Place) {
    let (store, _writer) = place.open().await;
    let at = |room: &str, code: &str, ms| SessionRecord {
        created_at_ms: ms,
        ..session(room, code)
    };
    assert!(
        store
            .create_session(at("old", "AAAAAA", 1_000))
            .await
            .unwrap()
    );
    assert!(
        store
            .create_session(at("busy", "BBBBBB", 1_000))
            .await
            .unwrap()
    );
    assert_eq!(store.last_active("old").await.unwrap(), Some(1_000));
    let before = crate::room::hub::now_ms();
    store.append("busy", changes(1..=1)).await.unwrap();
    assert!(store.last_active("busy").await.unwrap().unwrap() >= before);
    assert_eq!(
        store.inactive_before(1_001).await.unwrap(),
        vec!["old".to_owned()]
    );
    assert!(store.inactive_before(1_000).await.unwrap().is_empty());
    assert_eq!(store.last_active("nope").await.unwrap(), None);
}

async fn a_deleted_session_is_gone_whole_and_frees_its_code(place: Place) {
    let (store, writer) = place.open().await;
    assert!(
        store
            .create_session(session("gone", "AAAAAA"))
            .await
            .unwrap()
    );
    assert!(
        store
            .create_session(session("kept", "BBBBBB"))
            .await
            .unwrap()
    );
    for room in ["gone", "kept"] {
        let mut c = changes(1..=3);
        c.participant_keys
            .push((format!("pk-{room}"), ParticipantId(1)));
        c.ops
            .push(("p1".into(), "op-1".into(), r#"{"ack":{"seq":1}}"#.into()));
        store.append(room, c).await.unwrap();
    }
    assert!(store.delete_session("gone").await.unwrap());
    // Deleting again finds nothing and changes nothing.
    assert!(!store.delete_session("gone").await.unwrap());
    assert!(store.load_room("gone").await.unwrap().is_none());
    assert!(store.facilitator_key("gone").await.unwrap().is_none());
    assert!(store.find_code("AAAAAA", 0).await.unwrap().is_none());
    let kept = store.load_room("kept").await.unwrap().expect("untouched");
    assert_eq!(kept.events.len(), 3);
    assert_eq!(kept.ops.len(), 1);
    // Its id and join code are free again, and nothing of the old rows comes back with them.
    assert!(
        store
            .create_session(session("gone", "AAAAAA"))
            .await
            .unwrap()
    );
    store.close().await;
    writer.join().await;
    let (store, _writer) = place.open().await;
    let again = store.load_room("gone").await.unwrap().unwrap();
    assert!(again.events.is_empty() && again.participant_keys.is_empty() && again.ops.is_empty());
}

async fn follow_ups_are_found_oldest_first_and_existing_rooms_told(place: Place) {
    let (store, _writer) = place.open().await;
    let first = session("first", "AAAAAA");
    let link = follow_up_of(
        &RoomState::new(first.setup.clone()),
        "first",
        first.created_at_ms,
    );
    assert!(store.create_session(first).await.unwrap());
    for (room, code, ms) in [("later", "CCCCCC", 3_000), ("sooner", "BBBBBB", 2_000)] {
        let next = SessionRecord {
            created_at_ms: ms,
            follow_up: Some(link.clone()),
            ..session(room, code)
        };
        assert!(store.create_session(next).await.unwrap());
    }
    let found = store.follow_ups("first").await.unwrap();
    let rooms: Vec<(&str, &str, u64)> = found
        .iter()
        .map(|l| (l.room.as_str(), l.title.as_str(), l.created_at_ms))
        .collect();
    assert_eq!(
        rooms,
        vec![
            ("sooner", "Title sooner", 2_000),
            ("later", "Title later", 3_000)
        ]
    );
    assert!(store.follow_ups("later").await.unwrap().is_empty());
    let stored = store.load_room("later").await.unwrap().unwrap();
    assert_eq!(stored.session.follow_up, Some(link));
    // The link outlives the session it points to.
    assert!(store.delete_session("first").await.unwrap());
    assert_eq!(store.follow_ups("first").await.unwrap().len(), 2);
    assert_eq!(
        store
            .existing(vec!["later".into(), "first".into(), "sooner".into()])
            .await
            .unwrap(),
        vec![true, false, true]
    );
}

async fn every_write_acknowledged_before_close_is_kept_and_none_after(place: Place) {
    let (store, writer) = place.open().await;
    let rooms: Vec<String> = (0..40).map(|i| format!("r{i}")).collect();
    for (i, room) in rooms.iter().enumerate() {
        let code = format!("C{i:05}");
        assert!(store.create_session(session(room, &code)).await.unwrap());
    }
    // Many rooms' writes in flight while the server stops.
    let writes: Vec<_> = rooms
        .iter()
        .map(|room| {
            let (store, room) = (store.clone(), room.clone());
            tokio::spawn(async move { store.append(&room, changes(1..=1)).await })
        })
        .collect();
    tokio::task::yield_now().await;
    store.close().await;
    writer.join().await;
    let mut answers = Vec::new();
    for write in writes {
        answers.push(write.await.unwrap());
    }
    assert!(matches!(
        store.append("r0", changes(2..=2)).await,
        Err(StoreError::Closed)
    ));
    let (store, _writer) = place.open().await;
    for (room, answer) in rooms.iter().zip(answers) {
        let events = store.load_room(room).await.unwrap().unwrap().events.len();
        match answer {
            Ok(()) => assert_eq!(events, 1, "{room}: acknowledged, so kept"),
            Err(e) => {
                assert!(matches!(e, StoreError::Closed), "{room}: {e:?}");
                assert_eq!(events, 0, "{room}: refused, so not written");
            }
        }
    }
}
