//! Capability keys never reach the log, even with everything logged (`trace` for every target):
//! a whole session is played with the server's own log setup capturing, then the log is searched
//! for every key, personal key and join code handed out. Its own test binary, since the log
//! subscriber is global.

mod common;

use common::TestServer;
use koersbord_server::logging;
use koersbord_shared::Side;
use koersbord_shared::protocol::{ProtocolError, ServerMsg};
use koersbord_shared::room::Command;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::util::SubscriberInitExt;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'w> tracing_subscriber::fmt::MakeWriter<'w> for Captured {
    type Writer = Captured;

    fn make_writer(&'w self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn no_key_reaches_the_log_even_at_trace_level() {
    let log = Captured::default();
    logging::subscriber(log.clone(), EnvFilter::new("trace"), false).init();

    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (screen, _) = server.hello(&s.room, &s.screen_key, None).await;
    let (anna, _, anna_key) = server.joined(&s, "Anna", Side::Network).await;
    drop(anna);
    let (anna, _) = server.hello(&s.room, &s.join_key, Some(&anna_key)).await;
    let r = server.lookup_code(&s.join_code).await;
    assert_eq!(r.status, 200);
    // Keys that are wrong are secrets too (a typo of a real one, another room's).
    let other = server.create_session().await;
    let mut c = server.client().await;
    c.hello(&s.room, &other.facilitator_key, None).await;
    common::expect_fatal(&mut c, ProtocolError::BadKey, 1008).await;
    f.command(1, Command::StartTimer).await;
    f.recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
        .await;
    drop((f, screen, anna));

    let mut server = server;
    server.stop().await.unwrap();
    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    // The log did see the session (so the search below means something), from us and the libraries.
    assert!(text.contains("session created"), "{text}");
    assert!(text.contains(&s.room), "room ids are no secret");
    assert!(
        text.contains("tungstenite"),
        "library records are captured too"
    );
    let secrets = [
        &s.facilitator_key,
        &s.join_key,
        &s.screen_key,
        &s.join_code,
        &anna_key,
        &other.facilitator_key,
    ];
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "a key in the log: {secret}"
        );
    }
}
