//! What protects the room and the server: frame size, message and drag rates, slow readers.

mod common;

use common::{Client, Closed, TestServer};
use futures_util::SinkExt;
use koersbord_shared::protocol::{ClientMsg, MAX_FRAME_BYTES, ProtocolError, ServerMsg};
use koersbord_shared::room::{Command, Event};
use koersbord_shared::{DotRef, Drive, Phase, Side};
use std::time::{Duration, Instant};
use tokio_tungstenite::MaybeTlsStream;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn an_oversized_frame_gets_too_large_and_a_close() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut c, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let big = format!(
        r#"{{"type":"ping","nonce":1,"pad":"{}"}}"#,
        "x".repeat(MAX_FRAME_BYTES + 100)
    );
    c.send_text(&big).await;
    assert_eq!(
        c.recv().await,
        ServerMsg::Error {
            error: ProtocolError::TooLarge {
                max: MAX_FRAME_BYTES
            }
        }
    );
    assert!(matches!(c.closed().await, Closed::Frame(1009, _)));
}

#[tokio::test]
async fn drag_updates_are_capped_per_connection() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (mut anna, _, _) = server.joined(&s, "Anna", Side::Network).await;
    // Protocol 1, so each relayed drag is its own frame to count.
    let (mut bart, _, _) = server.joined_at(1, &s, "Bart", Side::Management).await;
    f.command(
        1,
        Command::GoToPhase {
            phase: Phase::Drives,
        },
    )
    .await;
    bart.recv_until(|m| {
        matches!(
            m,
            ServerMsg::Event {
                event: Event::PhaseChanged { .. },
                ..
            }
        )
    })
    .await;

    let started = Instant::now();
    let dot = DotRef::Drive(Drive::Autonomy);
    for i in 0..200 {
        let x = i as f32 / 200.0;
        anna.ws
            .feed(Message::text(ClientMsg::Drag { dot, x, y: 0.5 }.encode()))
            .await
            .unwrap();
    }
    anna.ws.flush().await.unwrap();
    anna.barrier(50).await;
    let elapsed = started.elapsed().as_secs_f64();
    // The room handled every drag before the barrier; a timer event now marks the end for Bart.
    f.command(2, Command::StartTimer).await;
    let mut relayed = 0;
    loop {
        match bart.recv().await {
            ServerMsg::Drag { .. } => relayed += 1,
            ServerMsg::Event {
                event: Event::TimerChanged { .. },
                ..
            } => break,
            _ => {}
        }
    }
    // A burst of 15, then 60 a second.
    let most = 15.0 + 60.0 * elapsed + 1.0;
    assert!(
        relayed >= 15 && f64::from(relayed) <= most,
        "{relayed} relayed in {elapsed:.3} s"
    );
}

#[tokio::test]
async fn a_flooding_client_is_told_to_slow_down_then_closed() {
    let server = TestServer::with_tuning(|t| {
        // Slow refill, so a loaded machine reading slowly does not change the counts.
        t.messages_per_sec = 4.0;
        t.messages_burst = 20.0;
    })
    .await;
    let s = server.create_session().await;
    let (mut c, _) = server.hello(&s.room, &s.screen_key, None).await;
    for nonce in 0..30 {
        c.ws.feed(Message::text(ClientMsg::Ping { nonce }.encode()))
            .await
            .unwrap();
    }
    c.ws.flush().await.unwrap();
    let mut pongs = 0;
    let mut warnings = 0;
    while let Some(Ok(msg)) = c.next(Duration::from_millis(300)).await {
        match msg {
            ServerMsg::Pong { .. } => pongs += 1,
            ServerMsg::Error {
                error: ProtocolError::SlowDown,
            } => warnings += 1,
            other => panic!("{other:?}"),
        }
    }
    assert!((20..=22).contains(&pongs), "{pongs} pongs");
    assert_eq!(warnings, 1, "one warning per run of dropped messages");
    // After a pause it is welcome again.
    c.send(ClientMsg::Ping { nonce: 99 }).await;
    assert!(matches!(c.recv().await, ServerMsg::Pong { nonce: 99, .. }));
    // Five bursts' worth of dropped messages in a row ends the connection.
    for nonce in 0..300 {
        if c.ws
            .feed(Message::text(ClientMsg::Ping { nonce }.encode()))
            .await
            .is_err()
        {
            break;
        }
    }
    let _ = c.ws.flush().await;
    let mut last_error = None;
    let closed = loop {
        match c.next(common::WAIT).await {
            Some(Ok(ServerMsg::Error { error })) => last_error = Some(error),
            Some(Ok(_)) => {}
            Some(Err(closed)) => break closed,
            None => panic!("still open"),
        }
    };
    assert_eq!(last_error, Some(ProtocolError::SlowDown));
    assert!(matches!(closed, Closed::Frame(1008, _)), "{closed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_dropped_while_the_others_go_on() {
    // The busy facilitator sends far more than people do; only the slow reader is under test.
    let server = TestServer::with_tuning(|t| {
        t.messages_per_sec = 1e6;
        t.messages_burst = 1e6;
    })
    .await;
    let s = server.create_session().await;

    // A tiny receive buffer, so the server's side fills after little data.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(server.addr).await.unwrap();
    let (ws, _) = tokio_tungstenite::client_async(server.ws_url(), MaybeTlsStream::Plain(stream))
        .await
        .unwrap();
    let mut slow = Client::from_socket(ws);
    slow.hello(&s.room, &s.facilitator_key, None).await;
    slow.recv().await; // welcome; from here on it reads nothing

    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let setups = ["a", "b"].map(|c| Command::EditSetup {
        title: c.repeat(120),
        ambition: c.repeat(600),
        goals: [c.repeat(300), c.repeat(300)],
    });
    let mut id = 0;
    let mut dropped = false;
    'batches: for _ in 0..500 {
        for _ in 0..50 {
            id += 1;
            f.command(id, setups[id as usize % 2].clone()).await;
        }
        loop {
            match f.recv().await {
                ServerMsg::Ack { id: acked, .. } if acked == id => break,
                ServerMsg::Presence { presence } if presence.facilitators == 1 => {
                    dropped = true;
                    break 'batches;
                }
                _ => {}
            }
        }
    }
    assert!(
        dropped,
        "the slow reader was never dropped after {id} commands"
    );
    // The room goes on for the rest.
    f.command(id + 1, Command::StartTimer).await;
    f.recv_until(|m| matches!(m, ServerMsg::Ack { id: a, .. } if *a == id + 1))
        .await;
    // And the slow reader's socket ends once it reads what was sent before.
    slow.closed().await;
}
