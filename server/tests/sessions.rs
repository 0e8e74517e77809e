//! A session's end: the facilitator deletes it (`DELETE /api/sessions/{room}`), or the retention
//! sweep does once it is old. Either way every socket is told, every row goes, and its links and
//! code find nothing.

mod common;

use common::{Client, Closed, TestServer, WAIT, expect_fatal};
use koersbord_shared::DotRef;
use koersbord_shared::protocol::{ClientMsg, ProtocolError, ServerMsg, SessionCreated};
use koersbord_shared::room::Command;
use koersbord_shared::sessions::{DAY_MS, SessionKept};
use koersbord_shared::{Drive, Phase, Side, Zone};
use std::time::Duration;

async fn delete(server: &TestServer, room: &str, auth: Option<&str>) -> common::HttpResponse {
    let header = auth.map(|a| ("Authorization", a));
    let headers: Vec<_> = header.into_iter().collect();
    common::http(
        server.addr,
        "DELETE",
        &format!("/api/sessions/{room}"),
        &headers,
        None,
    )
    .await
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// Rows the database still holds for a room, over all three tables.
fn rows(server: &TestServer, room: &str) -> i64 {
    let conn = rusqlite::Connection::open(server.config.db.as_ref().unwrap()).unwrap();
    ["sessions", "events", "participant_keys"]
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

/// A socket's goodbye after its session went: `session_deleted`, then a normal close.
async fn told_deleted(c: &mut Client) {
    let error = c.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
    assert_eq!(
        error,
        ServerMsg::Error {
            error: ProtocolError::SessionDeleted
        }
    );
    assert_eq!(
        c.closed().await,
        Closed::Frame(1000, "session_deleted".into())
    );
}

/// A fresh hello to a room that is gone: `unknown_room` and a close.
async fn gone(server: &TestServer, s: &SessionCreated) {
    let mut c = server.client().await;
    c.hello(&s.room, &s.facilitator_key, None).await;
    expect_fatal(&mut c, ProtocolError::UnknownRoom, 1008).await;
}

#[tokio::test]
async fn only_the_facilitators_key_deletes_and_a_refused_delete_touches_nothing() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let other = server.create_session().await;
    let (mut anna, _, _) = server.joined(&s, "Anna", Side::Network).await;
    let before = rows(&server, &s.room);

    let missing = delete(&server, &s.room, None).await;
    assert_eq!(
        (missing.status, missing.body.as_str()),
        (401, r#"{"code":"missing_key"}"#)
    );
    let basic = delete(&server, &s.room, Some("Basic abc")).await;
    assert_eq!(basic.status, 401);
    for wrong in [
        &s.join_key,
        &s.screen_key,
        &other.facilitator_key,
        &"0".repeat(32),
    ] {
        let r = delete(&server, &s.room, Some(&bearer(wrong))).await;
        assert_eq!((r.status, r.body.as_str()), (403, r#"{"code":"bad_key"}"#));
    }
    assert_eq!(rows(&server, &s.room), before);
    // The room goes on as if nothing was asked.
    anna.command(
        2,
        Command::SetReflection {
            text: "nog hier".into(),
        },
    )
    .await;
    let answer = anna
        .recv_until(|m| matches!(m, ServerMsg::Ack { .. } | ServerMsg::Rejected { .. }))
        .await;
    assert!(
        matches!(answer, ServerMsg::Rejected { id: 2, .. }),
        "{answer:?}"
    );
    assert_eq!(server.lookup_code(&s.join_code).await.status, 200);

    let ok = delete(&server, &s.room, Some(&bearer(&s.facilitator_key))).await;
    assert_eq!((ok.status, ok.body.as_str()), (204, ""));
    told_deleted(&mut anna).await;
    assert_eq!(rows(&server, &s.room), 0);
    let again = delete(&server, &s.room, Some(&bearer(&s.facilitator_key))).await;
    assert_eq!(
        (again.status, again.body.as_str()),
        (404, r#"{"code":"unknown_room"}"#)
    );
    gone(&server, &s).await;
    assert_eq!(server.lookup_code(&s.join_code).await.status, 404);
    // The other session is untouched.
    assert!(rows(&server, &other.room) > 0);
    server
        .hello(&other.room, &other.facilitator_key, None)
        .await;
}

#[tokio::test]
async fn a_delete_during_traffic_tells_every_socket_and_leaves_no_rows() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (mut screen, _) = server.hello(&s.room, &s.screen_key, None).await;
    f.command(
        1,
        Command::GoToPhase {
            phase: Phase::Drives,
        },
    )
    .await;
    f.recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
        .await;
    let mut people = Vec::new();
    for (name, side) in [("Anna", Side::Network), ("Bert", Side::Management)] {
        people.push(server.joined(&s, name, side).await.0);
    }
    // Both keep placing and dragging dots while the delete comes in.
    let busy: Vec<_> = people
        .into_iter()
        .map(|mut c| {
            tokio::spawn(async move {
                for i in 0..10_000u64 {
                    let zone = [Zone::Necessary, Zone::Important, Zone::Neutral][i as usize % 3];
                    let cmd = Command::PlaceDrive {
                        drive: Drive::Impact,
                        zone: Some(zone),
                    };
                    let drag = ClientMsg::Drag {
                        dot: DotRef::Drive(Drive::Impact),
                        x: 0.5,
                        y: 0.5,
                    };
                    if c.try_send(ClientMsg::Command {
                        id: 10 + i,
                        op: None,
                        command: cmd,
                    })
                    .await
                    .is_err()
                        || c.try_send(drag).await.is_err()
                    {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                told_deleted_or_closed(&mut c).await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(rows(&server, &s.room) > 3, "the traffic was stored");
    let ok = delete(&server, &s.room, Some(&bearer(&s.facilitator_key))).await;
    assert_eq!(ok.status, 204);
    told_deleted(&mut f).await;
    told_deleted(&mut screen).await;
    for person in busy {
        assert!(
            tokio::time::timeout(WAIT * 2, person)
                .await
                .unwrap()
                .unwrap()
        );
    }
    assert_eq!(
        rows(&server, &s.room),
        0,
        "a commit got in after the delete"
    );
    assert!(!server.monitor.is_live(&s.room));
    gone(&server, &s).await;
}

/// Reads on after the sender's loop ended: true once `session_deleted` and the close came.
async fn told_deleted_or_closed(c: &mut Client) -> bool {
    loop {
        match c.next(WAIT).await {
            Some(Ok(ServerMsg::Error { error })) => {
                return error == ProtocolError::SessionDeleted
                    && c.closed().await == Closed::Frame(1000, "session_deleted".into());
            }
            Some(Ok(_)) => continue,
            _ => return false,
        }
    }
}

/// Sets when a session last changed, as if it had been that long ago.
fn age(server: &TestServer, room: &str, last_active_ms: u64) {
    let conn = rusqlite::Connection::open(server.config.db.as_ref().unwrap()).unwrap();
    conn.busy_timeout(WAIT).unwrap();
    conn.execute(
        "UPDATE sessions SET last_active = ?2 WHERE room = ?1",
        rusqlite::params![room, last_active_ms as i64],
    )
    .unwrap();
}

#[tokio::test]
async fn the_sweep_deletes_a_session_a_day_past_its_time_and_keeps_one_a_day_before() {
    let server = TestServer::start().await;
    // The clock the sweep is given: today, as the fresh session's own stamp.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let old = server.create_session().await;
    let young = server.create_session().await;
    let fresh = server.create_session().await;
    age(&server, &old.room, now - 366 * DAY_MS);
    age(&server, &young.room, now - 364 * DAY_MS);
    // The old room is loaded, with someone in it: it closes as on a delete.
    let (mut f, _) = server.hello(&old.room, &old.facilitator_key, None).await;
    assert_eq!(
        server.monitor.sweep(now, 0).await,
        0,
        "0 days keeps them all"
    );
    assert_eq!(server.monitor.sweep(now, 365).await, 1);
    told_deleted(&mut f).await;
    assert_eq!(rows(&server, &old.room), 0);
    gone(&server, &old).await;
    server
        .hello(&young.room, &young.facilitator_key, None)
        .await;
    server
        .hello(&fresh.room, &fresh.facilitator_key, None)
        .await;
    // The harvest's "kept until" for the young one: its last change plus the retention time.
    let r = common::http(
        server.addr,
        "GET",
        &format!("/api/sessions/{}", young.room),
        &[("Authorization", &bearer(&young.join_key))],
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let kept: SessionKept = serde_json::from_str(&r.body).unwrap();
    assert_eq!(kept.last_active_ms, now - 364 * DAY_MS);
    assert_eq!(kept.kept_until_ms, Some(now + DAY_MS));
    let stranger = common::http(
        server.addr,
        "GET",
        &format!("/api/sessions/{}", young.room),
        &[("Authorization", &bearer(&old.facilitator_key))],
        None,
    )
    .await;
    assert_eq!(stranger.status, 403);
}

#[tokio::test]
async fn info_tells_the_retention_and_the_organisation() {
    let mut config = common::test_config();
    config.tuning.retention_days = 90;
    config.org_name = "Zorggroep Test".into();
    config.privacy_contact = "privacy@example.org".into();
    let server = TestServer::with(config).await;
    let r = server.http("GET", "/api/info", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        r#"{"retention_days":90,"org_name":"Zorggroep Test","privacy_contact":"privacy@example.org"}"#
    );
}
