//! A line that dies without closing (a phone in a lift: no FIN, no close frame, just silence) must
//! not stay "online": with the production timings the server closes a socket that answers
//! nothing, not even its pings, and everyone else sees that participant go within the deadline a
//! room can bear (10 s). A client that keeps pinging, as ours does every 2 s, keeps its socket; a
//! page that answers pings but says nothing for far longer (frozen) is closed too.

mod common;

use common::TestServer;
use futures_util::StreamExt;
use koersbord_server::Tuning;
use koersbord_shared::protocol::{ClientMsg, ServerMsg};
use koersbord_shared::{ParticipantId, Side};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// What the product promises: gone people are grey on every screen within this.
const GREY_WITHIN: Duration = Duration::from_secs(10);

/// A new session: the facilitator watching, and Anna joined and shown online. Returns the
/// facilitator's client, Anna's, and her id.
async fn anna_watched(server: &TestServer) -> (common::Client, common::Client, ParticipantId) {
    let s = server.create_session().await;
    let (mut facilitator, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (anna, id, _) = server.joined(&s, "Anna", Side::Network).await;
    facilitator
        .recv_until(|m| matches!(m, ServerMsg::Presence { presence } if presence.participants.contains(&id)))
        .await;
    (facilitator, anna, id)
}

/// Reads `c` to its close frame: the code and reason the server gave.
async fn close_reason(c: &mut common::Client) -> Option<(u16, String)> {
    loop {
        match c.ws.next().await {
            Some(Ok(Message::Close(frame))) => {
                return frame.map(|f| (u16::from(f.code), f.reason.to_string()));
            }
            Some(Ok(_)) => {}
            other => panic!("the socket ended without a close frame: {other:?}"),
        }
    }
}

/// Reads `c` until a presence without `who`, up to `within`; returns when it came.
async fn until_gone(c: &mut common::Client, who: ParticipantId, within: Duration) -> Duration {
    let start = Instant::now();
    let mut nonce = 0;
    loop {
        // The watcher is a live client: it pings as ours does, or it would be closed too.
        nonce += 1;
        c.send(ClientMsg::Ping { nonce }).await;
        let left = within.saturating_sub(start.elapsed());
        match c.next(left.min(Duration::from_secs(1))).await {
            Some(Ok(ServerMsg::Presence { presence })) if !presence.participants.contains(&who) => {
                return start.elapsed();
            }
            Some(Ok(_)) => {}
            Some(Err(closed)) => panic!("the watcher's own socket closed: {closed:?}"),
            None if start.elapsed() >= within => panic!("{who:?} still online after {within:?}"),
            None => {}
        }
    }
}

#[test]
fn the_defaults_notice_a_silent_socket_well_within_ten_seconds() {
    let t = Tuning::default();
    // Two beats of slack for a slow link, and the presence news still arrives in time.
    assert!(t.idle_timeout >= 3 * t.ping_interval, "{t:?}");
    assert!(
        t.idle_timeout + Duration::from_secs(2) <= GREY_WITHIN,
        "{t:?}"
    );
}

#[tokio::test]
async fn a_participant_whose_line_goes_silent_is_closed_and_turns_grey_for_everyone() {
    let server = TestServer::start().await;
    let idle = server.config.tuning.idle_timeout;
    let (mut facilitator, mut anna, id) = anna_watched(&server).await;

    // From here nothing comes back from Anna's line: her socket stays open but is never read, so
    // not even tungstenite's automatic pongs go out, as when the radio is gone.
    let took = until_gone(&mut facilitator, id, GREY_WITHIN).await;
    println!("grey after {took:?} (idle timeout {idle:?})");
    assert!(
        took >= idle.saturating_sub(Duration::from_millis(500)),
        "closed too early: {took:?}"
    );
    assert!(took <= idle + Duration::from_secs(2), "{took:?}");
    // The server said why, with a normal close (it waits behind the pings she never read).
    assert_eq!(close_reason(&mut anna).await, Some((1000, "idle".into())));
}

#[tokio::test]
async fn a_page_that_answers_pings_but_says_nothing_is_closed_after_the_page_timeout() {
    let server = TestServer::with_tuning(|t| t.page_timeout = Duration::from_millis(1500)).await;
    let page = server.config.tuning.page_timeout;
    assert!(
        page < server.config.tuning.idle_timeout,
        "the test needs the page timeout first"
    );
    let (mut facilitator, mut anna, id) = anna_watched(&server).await;
    // Anna's socket is read, so it answers every ping: the line is there, the page is not.
    let reader = tokio::spawn(async move { close_reason(&mut anna).await });
    let took = until_gone(&mut facilitator, id, GREY_WITHIN).await;
    assert!(
        took >= page.saturating_sub(Duration::from_millis(300)),
        "{took:?}"
    );
    assert_eq!(reader.await.unwrap(), Some((1000, "idle".into())));
}

#[test]
fn a_background_tab_that_pings_once_a_minute_keeps_its_socket() {
    // Chrome's intensive wake-up throttling runs a hidden tab's timers once a minute.
    assert!(Tuning::default().page_timeout > Duration::from_secs(60));
}

#[tokio::test]
async fn a_client_that_pings_stays_online_even_when_it_reads_nothing() {
    let server = TestServer::start().await;
    let idle = server.config.tuning.idle_timeout;
    let (mut facilitator, mut anna, id) = anna_watched(&server).await;

    // Our client's heartbeat, without reading (a tab whose page is busy): its pings alone prove
    // the line is alive. Twice the idle timeout, and Anna stays.
    let until = Instant::now() + 2 * idle;
    let mut nonce = 0;
    while Instant::now() < until {
        nonce += 1;
        anna.send(ClientMsg::Ping { nonce }).await;
        facilitator.send(ClientMsg::Ping { nonce }).await;
        match facilitator.next(Duration::from_secs(2)).await {
            Some(Ok(ServerMsg::Presence { presence })) => {
                assert!(presence.participants.contains(&id), "Anna went grey")
            }
            Some(Ok(_)) | None => {}
            Some(Err(closed)) => panic!("the facilitator's socket closed: {closed:?}"),
        }
    }
    // And she is still there: a command goes through.
    anna.command(
        2,
        koersbord_shared::room::Command::Join {
            name: "Anna".into(),
            side: Side::Network,
        },
    )
    .await;
    anna.recv_until(|m| matches!(m, ServerMsg::Rejected { id: 2, .. }))
        .await;
}
