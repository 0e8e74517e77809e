//! A sustained flood over a real socket, at several rates: every one is told to slow down once and
//! closed with 1008 once it has had five bursts dropped in one run, however many messages pass in
//! between as tokens refill. A client within the rate is never dropped.

mod common;

use common::{Closed, TestServer};
use futures_util::SinkExt;
use koersbord_shared::protocol::{ClientMsg, ProtocolError, ServerMsg};
use std::time::Duration;
use tokio::time::{Instant, interval};
use tokio_tungstenite::tungstenite::Message;

const PER_SEC: f64 = 100.0;
const BURST: f64 = 20.0;

/// What a client sending `rate` pings a second for at most `limit` saw.
#[derive(Debug)]
struct Flood {
    pongs: u32,
    warnings: u32,
    closed: Option<(Closed, Duration)>,
}

async fn flood(server: &TestServer, rate: u32, limit: Duration) -> Flood {
    let s = server.create_session().await;
    let (mut c, _) = server.hello(&s.room, &s.screen_key, None).await;
    let start = Instant::now();
    // A batch every 10 ms: `rate / 100` pings each.
    let mut tick = interval(Duration::from_millis(10));
    let (mut sent, mut nonce) = (0u64, 0u64);
    let mut seen = Flood {
        pongs: 0,
        warnings: 0,
        closed: None,
    };
    while start.elapsed() < limit && seen.closed.is_none() {
        tokio::select! {
            _ = tick.tick() => {
                let due = (start.elapsed().as_secs_f64() * f64::from(rate)) as u64;
                while sent < due {
                    nonce += 1;
                    sent += 1;
                    let frame = Message::text(ClientMsg::Ping { nonce }.encode());
                    if c.ws.feed(frame).await.is_err() {
                        break;
                    }
                }
                let _ = c.ws.flush().await;
            }
            msg = c.next(Duration::from_millis(10)) => match msg {
                Some(Ok(ServerMsg::Pong { .. })) => seen.pongs += 1,
                Some(Ok(ServerMsg::Error { error: ProtocolError::SlowDown })) => seen.warnings += 1,
                Some(Ok(other)) => panic!("{other:?}"),
                Some(Err(closed)) => seen.closed = Some((closed, start.elapsed())),
                None => {}
            },
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sustained_flood_is_closed_at_every_rate_and_a_steady_client_never() {
    let server = TestServer::with_tuning(|t| {
        t.messages_per_sec = PER_SEC;
        t.messages_burst = BURST;
    })
    .await;
    for rate in [200, 1_000, 5_000] {
        let seen = flood(&server, rate, Duration::from_secs(8)).await;
        let Some((closed, after)) = &seen.closed else {
            panic!("{rate}/s was never closed: {seen:?}");
        };
        assert!(
            matches!(closed, Closed::Frame(1008, _)),
            "{rate}/s: {seen:?}"
        );
        // One warning when the run starts, one with the close.
        assert_eq!(seen.warnings, 2, "{rate}/s: {seen:?}");
        // The burst, then 5 bursts dropped at (rate - PER_SEC) a second: generous for a busy box.
        let expected = (6.0 * BURST) / (f64::from(rate) - PER_SEC);
        assert!(
            after.as_secs_f64() < expected * 3.0 + 1.0,
            "{rate}/s closed after {after:?}"
        );
        eprintln!("{rate}/s: closed after {after:?}, {} pongs", seen.pongs);
    }
    let steady = flood(&server, 60, Duration::from_millis(1_500)).await;
    assert!(
        steady.closed.is_none() && steady.warnings == 0,
        "{steady:?}"
    );
    assert!(steady.pongs >= 80, "{steady:?}");
}

/// The numbers in docs/PROTOCOL.md and docs/SECURITY.md, at the rate the issue measured.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_limits_close_a_flood_of_4500_a_second() {
    let server = TestServer::start().await;
    let seen = flood(&server, 4_500, Duration::from_secs(5)).await;
    let Some((closed, after)) = &seen.closed else {
        panic!("never closed: {seen:?}");
    };
    assert!(matches!(closed, Closed::Frame(1008, _)), "{seen:?}");
    assert_eq!(seen.warnings, 2, "{seen:?}");
    // 240 pass at once, then 1,200 dropped at ~4,380 a second: about a third of a second.
    assert!(after.as_secs_f64() < 2.0, "closed after {after:?}");
    eprintln!(
        "4500/s at the defaults: closed after {after:?}, {} pongs",
        seen.pongs
    );
}
