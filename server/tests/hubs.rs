//! Two servers ("hubs") on one PostgreSQL: a room is live on one of them at a time. The other
//! answers `elsewhere` and asks for it; the owner hands it over within a renewal; a hub whose lease
//! is gone can write nothing more to the room, and its clients are sent on.

mod common;

use common::{Client, Closed, TestServer, state_of, test_config};
use koersbord_shared::Phase;
use koersbord_shared::protocol::{ClientMsg, ProtocolError, ServerMsg, SessionCreated};
use koersbord_shared::room::Command;
use std::time::Duration;

/// A lease renewal (1 s) and the handover, with room for a loaded machine.
const HANDOVER: Duration = Duration::from_secs(10);

async fn database() -> String {
    tokio::task::spawn_blocking(|| koersbord_pgtest::Postgres::shared().fresh_database("hubs"))
        .await
        .unwrap()
        .unwrap()
}

async fn hub(url: &str, name: &str) -> TestServer {
    let mut config = test_config();
    config.database_url = Some(url.to_owned());
    config.hub_id = Some(name.to_owned());
    TestServer::with(config).await
}

fn step(id: u64, op: &str, phase: Phase) -> ClientMsg {
    ClientMsg::Command {
        id,
        op: Some(op.into()),
        command: Command::GoToPhase { phase },
    }
}

/// What the socket says before it closes, and how it closes.
async fn goodbye(c: &mut Client) -> (Vec<ServerMsg>, Closed) {
    let mut seen = Vec::new();
    loop {
        match c.next(HANDOVER).await {
            Some(Ok(msg)) => seen.push(msg),
            Some(Err(closed)) => return (seen, closed),
            None => panic!("still open after {HANDOVER:?}: {seen:?}"),
        }
    }
}

fn elsewhere(seen: &[ServerMsg]) -> Option<u32> {
    seen.iter().find_map(|m| match m {
        ServerMsg::Error {
            error: ProtocolError::Elsewhere { retry_ms },
        } => Some(*retry_ms),
        _ => None,
    })
}

/// Hello on `server`: the welcome, or what it said before it closed.
async fn try_hello(
    server: &TestServer,
    s: &SessionCreated,
) -> Result<(Client, ServerMsg), (Vec<ServerMsg>, Closed)> {
    let mut c = Client::connect(&server.ws_url()).await;
    c.hello(&s.room, &s.facilitator_key, None).await;
    match c.next(HANDOVER).await {
        Some(Ok(welcome @ ServerMsg::Welcome { .. })) => Ok((c, welcome)),
        Some(Ok(other)) => {
            let (mut seen, closed) = goodbye(&mut c).await;
            seen.insert(0, other);
            Err((seen, closed))
        }
        Some(Err(closed)) => Err((Vec::new(), closed)),
        None => panic!("no answer to the hello"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_lives_on_one_hub_and_moves_to_the_hub_that_asks() {
    let url = database().await;
    let (a, b) = (hub(&url, "hub-a").await, hub(&url, "hub-b").await);
    // Made on b, live nowhere until its first hello: a takes it.
    let s = b.create_session().await;
    let (mut on_a, _) = a.hello(&s.room, &s.facilitator_key, None).await;
    on_a.send(step(1, "drives", Phase::Drives)).await;
    on_a.recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
        .await;

    // The proxy sends the next client to b: refused, told to come back, and a is asked for it.
    let Err((seen, closed)) = try_hello(&b, &s).await else {
        panic!("b welcomed a room a holds");
    };
    assert_eq!(elsewhere(&seen), Some(1_000), "{seen:?}");
    assert_eq!(closed, Closed::Frame(1013, "elsewhere".into()));
    // a hands it over: its client is sent on at once.
    let (seen, closed) = goodbye(&mut on_a).await;
    assert_eq!(elsewhere(&seen), Some(100), "{seen:?}");
    assert_eq!(closed, Closed::Frame(1013, "elsewhere".into()));

    // On b now, as it was acked on a, and b writes to it.
    let (mut on_b, welcome) = try_hello(&b, &s).await.expect("b holds the room now");
    assert_eq!(state_of(&welcome).phase, Phase::Drives);
    on_b.send(step(2, "pillars", Phase::Pillars)).await;
    on_b.recv_until(|m| matches!(m, ServerMsg::Ack { id: 2, .. }))
        .await;
    // And a, asked now, refuses: the room stays where it is until b lets go.
    let Err((seen, _)) = try_hello(&a, &s).await else {
        panic!("a welcomed a room b holds");
    };
    assert_eq!(elsewhere(&seen), Some(1_000), "{seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_whose_lease_lapsed_writes_nothing_and_sends_its_clients_on() {
    let url = database().await;
    let a = hub(&url, "hub-a").await;
    let s = a.create_session().await;
    let (mut on_a, _) = a.hello(&s.room, &s.facilitator_key, None).await;

    // a's lease lapses, as if a had been paused past it, and another hub claims the room.
    let sql = |q: &'static str| {
        let url = url.clone();
        async move {
            let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
                .await
                .unwrap();
            sqlx::query(q).execute(&mut c).await.unwrap();
        }
    };
    sql("UPDATE leases SET expires_at = now() - interval '1 second'").await;
    sql("UPDATE leases SET hub = 'hub-b', token = token + 1, expires_at = now() + interval '1 hour'")
        .await;

    // a's client gets no ack for what a can no longer write, and is sent on.
    on_a.send(step(1, "drives", Phase::Drives)).await;
    let (seen, closed) = goodbye(&mut on_a).await;
    assert!(
        !seen
            .iter()
            .any(|m| matches!(m, ServerMsg::Ack { .. } | ServerMsg::Event { .. })),
        "a acked or applied without its lease: {seen:?}"
    );
    assert!(elsewhere(&seen).is_some(), "{seen:?}");
    assert_eq!(closed, Closed::Frame(1013, "elsewhere".into()));

    // Nothing of it reached the database.
    let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE room = $1")
        .bind(&s.room)
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(events, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_deleted_on_one_hub_ends_on_the_hub_that_holds_it() {
    let url = database().await;
    let (a, b) = (hub(&url, "hub-a").await, hub(&url, "hub-b").await);
    let s = a.create_session().await;
    let (mut on_a, _) = a.hello(&s.room, &s.facilitator_key, None).await;
    // The delete reaches b (a proxy spreads the API over the hubs).
    let auth = format!("Bearer {}", s.facilitator_key);
    let r = common::http(
        b.addr,
        "DELETE",
        &format!("/api/sessions/{}", s.room),
        &[("Authorization", auth.as_str())],
        None,
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let (seen, closed) = goodbye(&mut on_a).await;
    assert_eq!(
        seen.last(),
        Some(&ServerMsg::Error {
            error: ProtocolError::SessionDeleted
        }),
        "{seen:?}"
    );
    assert_eq!(closed, Closed::Frame(1000, "session_deleted".into()));
}
