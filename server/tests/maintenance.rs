//! `koersbord backup` and `koersbord check`, run as the real binary beside a live server: a backup
//! during traffic holds every acknowledged change, a restore brings every session back as it was,
//! a damaged file is found (and refused at start), and a bad target loses nothing.

mod common;

use common::{TestServer, state_of};
use koersbord_shared::protocol::ServerMsg;
use koersbord_shared::room::Command;
use koersbord_shared::{Drive, Phase, Side, Zone};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_koersbord");

/// Runs `koersbord ARGS` to its end (off the async runtime).
async fn koersbord(args: &[&str]) -> Output {
    koersbord_with(args, None).await
}

/// The same, with the size of any file the process writes capped at `max_file_bytes` (a disk that
/// fills up).
async fn koersbord_with(args: &[&str], max_file_bytes: Option<u64>) -> Output {
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(args).stdin(Stdio::null()).env("RUST_LOG", "warn");
    if let Some(limit) = max_file_bytes {
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                // Writing past the cap then fails with EFBIG instead of killing the process.
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let cap = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &cap) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The highest stored seq of `room` in the database at `db`, and how many events it has.
fn stored_events(db: &Path, room: &str) -> (u64, u64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT COALESCE(MAX(seq), 0), COUNT(*) FROM events WHERE room = ?1",
        [room],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
    )
    .unwrap()
}

/// A server with one session in Drijfveren and one participant who places dots as fast as the
/// acks come back, until told to stop; `last_acked` is the seq of the newest acknowledged change.
struct Traffic {
    server: TestServer,
    db: PathBuf,
    room: String,
    facilitator_key: String,
    last_acked: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

async fn traffic() -> Traffic {
    let server = TestServer::start().await;
    let db = server.config.db.clone().unwrap();
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let drives = Command::GoToPhase {
        phase: Phase::Drives,
    };
    f.command(1, drives).await;
    f.recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
        .await;
    let (mut anna, _, _) = server.joined(&s, "Anna", Side::Network).await;
    let (last_acked, stop) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let (last, halt) = (last_acked.clone(), stop.clone());
    let task = tokio::spawn(async move {
        let zones = [Zone::Necessary, Zone::Important, Zone::Neutral];
        let mut id = 10u64;
        while !halt.load(Ordering::SeqCst) {
            // Every command moves a dot to a new zone, so each one is a stored change.
            let place = Command::PlaceDrive {
                drive: Drive::ALL[id as usize % 8],
                zone: Some(zones[(id as usize / 8) % 3]),
            };
            anna.command(id, place).await;
            let answer = anna
                .recv_until(|m| match m {
                    ServerMsg::Ack { id: a, .. } | ServerMsg::Rejected { id: a, .. } => *a == id,
                    _ => false,
                })
                .await;
            let ServerMsg::Ack { seq, .. } = answer else {
                panic!("command {id}: {answer:?}")
            };
            last.store(seq, Ordering::SeqCst);
            id += 1;
            // Well inside the per-connection message rate (120 a second).
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
        drop(f);
    });
    Traffic {
        server,
        db,
        room: s.room,
        facilitator_key: s.facilitator_key,
        last_acked,
        stop,
        task,
    }
}

#[tokio::test]
async fn a_backup_during_traffic_holds_every_acknowledged_change_and_restores_as_it_was() {
    let mut t = traffic().await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.sqlite3");
    tokio::time::sleep(Duration::from_millis(300)).await;

    let acked_before = t.last_acked.load(Ordering::SeqCst);
    let out = koersbord(&["backup", "--to", s(&copy), "--db", s(&t.db)]).await;
    let acked_after = t.last_acked.load(Ordering::SeqCst);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("backup written to"),
        "{}",
        text(&out.stdout)
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    t.stop.store(true, Ordering::SeqCst);
    t.task.await.unwrap();

    // Everything acknowledged before the backup began is in it, as one gapless log.
    let (max, count) = stored_events(&copy, &t.room);
    assert!(acked_before > 5, "the traffic ran: {acked_before}");
    assert!(
        max >= acked_before,
        "copy ends at {max}, {acked_before} was acknowledged before"
    );
    assert!(max <= acked_after.max(acked_before) + 1);
    assert_eq!(count, max, "no gaps");
    let (live_max, _) = stored_events(&t.db, &t.room);
    assert!(
        live_max > max,
        "the traffic went on after the copy ({live_max} > {max})"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the copy holds keys: {mode:o}");
    }
    let checked = koersbord(&["check", "--db", s(&copy)]).await;
    assert!(checked.status.success(), "{}", text(&checked.stderr));
    assert!(
        text(&checked.stdout).contains("is sound: 1 sessions"),
        "{}",
        text(&checked.stdout)
    );

    // Restore: stop, put the copy in place of the database (and its WAL), start.
    t.server.stop().await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", t.db.display()));
    }
    std::fs::copy(&copy, &t.db).unwrap();
    let restored = TestServer::with(t.server.config.clone()).await;
    let (_, welcome) = restored.hello(&t.room, &t.facilitator_key, None).await;
    let state = state_of(&welcome);
    assert_eq!(state.seq, max, "the session is as it was at the backup");
    assert_eq!(state.phase, Phase::Drives);
    assert_eq!(state.participants.len(), 1);
}

#[tokio::test]
async fn a_backup_refuses_a_target_that_exists_cannot_be_written_or_fills_the_disk() {
    let mut t = traffic().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let dir = tempfile::tempdir().unwrap();

    let taken = dir.path().join("taken.sqlite3");
    std::fs::write(&taken, "keep me").unwrap();
    let out = koersbord(&["backup", "--to", s(&taken), "--db", s(&t.db)]).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "keep me");

    // A directory that is a file: no user, root included, can write below it.
    let below_a_file = taken.join("copy.sqlite3");
    let out = koersbord(&["backup", "--to", s(&below_a_file), "--db", s(&t.db)]).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("cannot write the backup"),
        "{}",
        text(&out.stderr)
    );

    let full = dir.path().join("full.sqlite3");
    let out = koersbord_with(
        &["backup", "--to", s(&full), "--db", s(&t.db)],
        Some(8 * 1024),
    )
    .await;
    assert!(!out.status.success(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("cannot write the backup"),
        "{}",
        text(&out.stderr)
    );
    assert!(!full.exists(), "no half copy under the backup's name");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["taken.sqlite3"], "no partial file left behind");

    let missing = dir.path().join("no-such.sqlite3");
    let out = koersbord(&["backup", "--to", s(&full), "--db", s(&missing)]).await;
    assert!(
        text(&out.stderr).contains("there is no database at"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !missing.exists(),
        "a backup never creates the database it copies"
    );

    // The live database went on untouched and sound.
    t.stop.store(true, Ordering::SeqCst);
    t.task.await.unwrap();
    t.server.stop().await.unwrap();
    let checked = koersbord(&["check", "--db", s(&t.db)]).await;
    assert!(checked.status.success(), "{}", text(&checked.stderr));
}

/// A database with a few sessions and events, stopped cleanly (everything in the main file).
async fn sample_database(dir: &Path) -> PathBuf {
    let mut t = traffic().await;
    for _ in 0..20 {
        t.server.create_session().await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    t.stop.store(true, Ordering::SeqCst);
    t.task.await.unwrap();
    t.server.stop().await.unwrap();
    let db = dir.join("sample.sqlite3");
    let out = koersbord(&["backup", "--to", s(&db), "--db", s(&t.db)]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    db
}

#[tokio::test]
async fn check_passes_a_sound_file_and_names_damage_and_a_broken_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_database(dir.path()).await;
    let good = koersbord(&["check", "--db", s(&db)]).await;
    assert!(good.status.success(), "{}", text(&good.stderr));
    assert!(
        text(&good.stdout).contains("is sound: 21 sessions"),
        "{}",
        text(&good.stdout)
    );

    // A gap in one session's event log: the replay would miss a change.
    let gap = dir.path().join("gap.sqlite3");
    std::fs::copy(&db, &gap).unwrap();
    rusqlite::Connection::open(&gap)
        .unwrap()
        .execute("DELETE FROM events WHERE seq = 3", [])
        .unwrap();
    let out = koersbord(&["check", "--db", s(&gap)]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(s(&gap)) && err.contains("event 4 follows 2"),
        "{err}"
    );

    // Bytes overwritten inside every page but the first: SQLite's own check finds it.
    let damaged = dir.path().join("damaged.sqlite3");
    let mut bytes = std::fs::read(&db).unwrap();
    for page in bytes.chunks_mut(4096).skip(1) {
        page[8..64].fill(0x55);
    }
    std::fs::write(&damaged, bytes).unwrap();
    let out = koersbord(&["check", "--db", s(&damaged)]).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains(s(&damaged)),
        "{}",
        text(&out.stderr)
    );

    // The server refuses to start on it, naming the file, and never says it listens.
    let out = tokio::time::timeout(
        Duration::from_secs(20),
        koersbord(&["--port", "0", "--dist", "/nonexistent", "--db", s(&damaged)]),
    )
    .await
    .expect("the server stops at once");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains(s(&damaged)), "{err}");
    assert!(
        err.contains("damaged") || err.contains("malformed"),
        "{err}"
    );
    assert!(
        !text(&out.stdout).contains("listening"),
        "{}",
        text(&out.stdout)
    );
}
