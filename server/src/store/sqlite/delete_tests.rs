//! Deleting a session: no row and no byte of it stays in the file or its log.

use super::*;
use koersbord_shared::room::Event;

const SECRET: &str = "Zeldzame-naam-Qx7vPw";

fn session(room: &str, code: &str, created_at_ms: u64) -> SessionRecord {
    SessionRecord {
        room: room.into(),
        facilitator_key: format!("f-{room}"),
        join_key: format!("j-{room}"),
        screen_key: format!("s-{room}"),
        join_code: code.into(),
        created_at_ms,
        setup: Setup {
            title: format!("{SECRET} {room}"),
            ..Setup::default()
        },
        follow_up: None,
    }
}

fn with_name(seq: u64, name: &str) -> Changes {
    let event = Event::ParticipantJoined {
        participant: koersbord_shared::room::Participant::new(
            ParticipantId(seq as u32),
            name.into(),
            koersbord_shared::Side::Network,
        ),
    };
    Changes {
        events: vec![(seq, serde_json::to_string(&event).unwrap())],
        participant_keys: vec![(format!("pk-{seq}-{name}"), ParticipantId(seq as u32))],
        ops: vec![(
            format!("p{seq}"),
            format!("op-{seq}-{name}"),
            r#"{"ack":{"seq":1}}"#.into(),
        )],
    }
}

fn rows(path: &std::path::Path, room: &str) -> i64 {
    let conn = Connection::open(path).unwrap();
    ["sessions", "events", "participant_keys", "ops"]
        .iter()
        .map(|t| {
            conn.query_row(
                &format!("SELECT count(*) FROM {t} WHERE room = ?1"),
                [room],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
        })
        .sum()
}

/// Whether `needle` occurs in the database file or its write-ahead log.
fn on_disk(path: &std::path::Path, needle: &str) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    [path.to_owned(), PathBuf::from(wal)].iter().any(|p| {
        std::fs::read(p)
            .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .unwrap_or(false)
    })
}

#[tokio::test]
async fn a_deleted_session_leaves_no_rows_and_no_text_in_the_file_and_frees_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let (store, writer) = Store::open(&path).unwrap();
    assert!(
        store
            .create_session(session("gone", "AAAAAA", 1))
            .await
            .unwrap()
    );
    assert!(
        store
            .create_session(session("kept", "BBBBBB", 1))
            .await
            .unwrap()
    );
    for seq in 1..=40 {
        store
            .append("gone", with_name(seq, "Wegnaam"))
            .await
            .unwrap();
        store
            .append("kept", with_name(seq, "Blijfnaam"))
            .await
            .unwrap();
    }
    assert!(on_disk(&path, "Wegnaam") && on_disk(&path, "Blijfnaam"));

    assert!(store.delete_session("gone").await.unwrap());
    assert_eq!(rows(&path, "gone"), 0);
    assert!(!on_disk(&path, "Wegnaam"), "a deleted name stays on disk");
    assert!(!on_disk(&path, &format!("{SECRET} gone")));
    assert!(!on_disk(&path, "f-gone"), "a deleted key stays on disk");
    // Deleting again finds nothing and changes nothing.
    assert!(!store.delete_session("gone").await.unwrap());
    let kept = store.load_room("kept").await.unwrap().expect("untouched");
    assert_eq!(kept.events.len(), 40);
    assert!(store.load_room("gone").await.unwrap().is_none());
    // The join code is free for a new session.
    assert!(store.find_code("AAAAAA", 0).await.unwrap().is_none());
    assert!(
        store
            .create_session(session("new", "AAAAAA", 2))
            .await
            .unwrap()
    );
    store.close().await;
    writer.join().await;
    assert!(!on_disk(&path, "Wegnaam"));
}
