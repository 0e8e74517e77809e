//! Stopping: in-process shutdown says goodbye to every socket; the binary announces its address and
//! stops on SIGTERM.

mod common;

use common::{Closed, TestServer};
use koersbord_shared::Side;
use koersbord_shared::protocol::{ProtocolError, ServerMsg};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test]
async fn shutdown_tells_every_socket_and_closes_with_1001() {
    let mut server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (mut p, _, _) = server.joined(&s, "Anna", Side::Network).await;
    // One socket that never said hello is closed as well.
    let mut silent = server.client().await;

    let started = Instant::now();
    let stopping = tokio::spawn(async move {
        server.stop().await.expect("serve ends cleanly");
        server
    });
    // The clients read meanwhile, so they answer the close and the server need not wait them out.
    for c in [&mut f, &mut p, &mut silent] {
        let error = c.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
        assert_eq!(
            error,
            ServerMsg::Error {
                error: ProtocolError::ShuttingDown
            }
        );
        assert_eq!(
            c.closed().await,
            Closed::Frame(1001, "shutting_down".into())
        );
    }
    let server = stopping.await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        tokio::net::TcpStream::connect(server.addr).await.is_err(),
        "no longer listening"
    );
}

/// Kills the child if the test fails half-way, so no server outlives it.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_address_and_stops_on_sigterm() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_koersbord"))
            .args([
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--dist",
                "/nonexistent/dist",
            ])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let addr = line
        .trim_end()
        .strip_prefix("koersbord listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let addr = addr.parse().unwrap();
    let r = common::http(addr, "GET", "/healthz", &[], None).await;
    assert_eq!((r.status, r.body.as_str()), (200, "ok"));

    let term = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running 5 s after SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status:?}");
}
