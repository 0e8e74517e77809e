//! The server on PostgreSQL (`--database-url`): sessions outlive the server there as in SQLite, and
//! a database that cannot be reached stops the start with a clear message and a failing exit.

mod common;

use common::{TestServer, state_of, test_config};
use koersbord_shared::Phase;
use koersbord_shared::protocol::ServerMsg;
use koersbord_shared::room::Command;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_koersbord");

async fn database() -> String {
    tokio::task::spawn_blocking(|| koersbord_pgtest::Postgres::shared().fresh_database("server"))
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_session_on_postgres_outlives_the_server() {
    let mut config = test_config();
    config.database_url = Some(database().await);
    let server = TestServer::with(config).await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    f.command(
        1,
        Command::GoToPhase {
            phase: Phase::Drives,
        },
    )
    .await;
    f.recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
        .await;
    drop(f);

    let server = server.restart().await;
    let r = server.lookup_code(&s.join_code).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (_f, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert_eq!(state_of(&welcome).phase, Phase::Drives, "the acked step");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_postgres_is_down_nothing_is_acked_and_then_the_room_is_what_was_acked() {
    // A database server of its own: this test kills it.
    let mut pg = tokio::task::spawn_blocking(koersbord_pgtest::Postgres::start)
        .await
        .unwrap()
        .unwrap();
    let mut config = test_config();
    config.database_url = Some(pg.fresh_database("down").unwrap());
    let server = TestServer::with(config).await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let drives = Command::GoToPhase {
        phase: Phase::Drives,
    };
    f.command(1, drives).await;
    f.recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
        .await;
    pg = tokio::task::spawn_blocking(move || {
        pg.kill();
        pg
    })
    .await
    .unwrap();
    let pillars = Command::GoToPhase {
        phase: Phase::Pillars,
    };
    f.command(2, pillars).await;
    // The commit fails: the room drops its socket rather than tell of a step it could not keep.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(Instant::now() < deadline, "the socket stays open");
        match f.next(Duration::from_secs(1)).await {
            Some(Ok(ServerMsg::Ack { id: 2, .. })) => panic!("acked without a database"),
            Some(Ok(_)) | None => continue,
            Some(Err(_)) => break,
        }
    }
    pg = tokio::task::spawn_blocking(move || {
        pg.restart().unwrap();
        pg
    })
    .await
    .unwrap();
    // The same server, its pool connected again: the room loads as the database kept it.
    let (_f, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert_eq!(state_of(&welcome).phase, Phase::Drives);
    drop(pg);
}

#[test]
fn an_unreachable_database_stops_the_start_with_a_clear_message() {
    // A port nobody listens on: bound, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let out = Process::new(BIN)
        .args(["--port", "0", "--dist", "/nonexistent/dist"])
        .arg("--database-url")
        .arg(format!(
            "postgres://koersbord:geheim@127.0.0.1:{port}/koersbord"
        ))
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "{:?}", out.status);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "it gives up soon"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "koersbord: cannot connect to PostgreSQL at 127.0.0.1:{port}/koersbord"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("geheim"), "the password is never shown");
    assert!(out.stdout.is_empty(), "never announced as listening");
}

#[test]
fn a_sqlite_file_and_a_database_url_together_are_refused() {
    let out = Process::new(BIN)
        .args(["--port", "0", "--db", "/tmp/x.sqlite3"])
        .args(["--database-url", "postgres://127.0.0.1/koersbord"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot be used with"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn backup_and_check_say_they_are_for_sqlite() {
    for task in [
        &["check"][..],
        &["backup", "--to", "/tmp/never-written.sqlite3"],
    ] {
        let out = Process::new(BIN)
            .args(task)
            .args(["--database-url", "postgres://127.0.0.1/koersbord"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{task:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("for PostgreSQL use pg_dump"),
            "{task:?}: {stderr}"
        );
    }
    assert!(!std::path::Path::new("/tmp/never-written.sqlite3").exists());
}
