//! Protocol v1 over real sockets, the connection itself: hello, roles, typed errors, origin, pings.

mod common;

use common::{Closed, TestServer, expect_fatal};
use futures_util::StreamExt;
use koersbord_shared::protocol::{ClientMsg, ProtocolError, Role, ServerMsg};
use koersbord_shared::room::{Command, Rejection};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[tokio::test]
async fn each_key_gets_its_role_and_only_facilitator_and_screen_get_the_invite() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (_f, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    let ServerMsg::Welcome {
        role,
        you,
        invite,
        room,
        server_time_ms,
        protocol_version,
        ..
    } = welcome
    else {
        unreachable!()
    };
    assert_eq!(
        (role, you, room.as_str(), protocol_version),
        (Role::Facilitator, None, s.room.as_str(), 2)
    );
    let invite = invite.expect("facilitator sees the invite");
    assert_eq!(
        (invite.join_key.as_str(), invite.join_code.as_str()),
        (s.join_key.as_str(), s.join_code.as_str())
    );
    assert!(server_time_ms > 1_600_000_000_000);

    let (_screen, welcome) = server.hello(&s.room, &s.screen_key, None).await;
    assert!(matches!(
        welcome,
        ServerMsg::Welcome {
            role: Role::Screen,
            invite: Some(_),
            ..
        }
    ));
    let (_guest, welcome) = server.hello(&s.room, &s.join_key, None).await;
    assert!(matches!(
        welcome,
        ServerMsg::Welcome {
            role: Role::Participant,
            invite: None,
            you: None,
            ..
        }
    ));
}

#[tokio::test]
async fn ping_gets_pong_with_the_server_clock() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut c, _) = server.hello(&s.room, &s.screen_key, None).await;
    c.send(ClientMsg::Ping { nonce: 42 }).await;
    let ServerMsg::Pong {
        nonce,
        server_time_ms,
    } = c.recv().await
    else {
        panic!()
    };
    assert_eq!(nonce, 42);
    assert!(server_time_ms > 1_600_000_000_000);
}

#[tokio::test]
async fn malformed_messages_get_a_typed_error_and_the_socket_stays_usable() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut c, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    for bad in ["{", r#"{"type":"teleport"}"#] {
        c.send_text(bad).await;
        assert!(
            matches!(
                c.recv().await,
                ServerMsg::Error {
                    error: ProtocolError::Malformed { .. }
                }
            ),
            "{bad}"
        );
    }
    // A command whose id reads is refused by that id.
    c.send_text(r#"{"type":"command","id":1,"command":{"type":"fly"}}"#)
        .await;
    assert!(matches!(
        c.recv().await,
        ServerMsg::Rejected {
            id: 1,
            reason: Rejection::InvalidCommand { .. }
        }
    ));
    c.hello(&s.room, &s.facilitator_key, None).await;
    assert!(matches!(
        c.recv().await,
        ServerMsg::Error {
            error: ProtocolError::Malformed { .. }
        }
    ));
    c.command(5, Command::StartTimer).await;
    c.recv_until(|m| matches!(m, ServerMsg::Ack { id: 5, .. }))
        .await;
}

#[tokio::test]
async fn hello_problems_are_fatal_with_typed_errors() {
    let server = TestServer::start().await;
    let s = server.create_session().await;

    let mut c = server.client().await;
    c.hello(&s.room, "0123456789abcdef0123456789abcdef", None)
        .await;
    expect_fatal(&mut c, ProtocolError::BadKey, 1008).await;

    let mut c = server.client().await;
    c.hello("nosuchroom", &s.facilitator_key, None).await;
    expect_fatal(&mut c, ProtocolError::UnknownRoom, 1008).await;

    let mut c = server.client().await;
    c.send(ClientMsg::Hello {
        protocol_version: 99,
        room: s.room.clone(),
        key: s.facilitator_key.clone(),
        participant_key: None,
        preview: false,
    })
    .await;
    expect_fatal(
        &mut c,
        ProtocolError::VersionMismatch {
            client: 99,
            server: 2,
        },
        1008,
    )
    .await;

    let mut c = server.client().await;
    c.send(ClientMsg::Ping { nonce: 1 }).await;
    expect_fatal(&mut c, ProtocolError::HelloFirst, 1008).await;
}

#[tokio::test]
async fn a_silent_socket_is_closed_at_the_hello_deadline() {
    let server = TestServer::with_tuning(|t| t.hello_timeout = Duration::from_millis(200)).await;
    let mut c = server.client().await;
    let started = std::time::Instant::now();
    expect_fatal(&mut c, ProtocolError::HelloFirst, 1008).await;
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn a_page_from_another_origin_may_not_open_a_socket() {
    let server = TestServer::start().await;
    let mut request = server.ws_url().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", "http://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(request)
        .await
        .expect_err("refused");
    let tokio_tungstenite::tungstenite::Error::Http(response) = err else {
        panic!("{err:?}")
    };
    assert_eq!(response.status(), 403);

    let mut request = server.ws_url().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", format!("http://{}", server.addr).parse().unwrap());
    assert!(tokio_tungstenite::connect_async(request).await.is_ok());
}

#[tokio::test]
async fn the_server_pings_and_closes_a_socket_that_stays_silent() {
    let server = TestServer::with_tuning(|t| {
        t.ping_interval = Duration::from_millis(50);
        t.idle_timeout = Duration::from_millis(400);
        t.page_timeout = Duration::from_millis(400);
    })
    .await;
    let s = server.create_session().await;
    let (mut c, _) = server.hello(&s.room, &s.screen_key, None).await;
    let frame = tokio::time::timeout(common::WAIT, c.ws.next())
        .await
        .unwrap();
    assert!(matches!(frame, Some(Ok(Message::Ping(_)))), "{frame:?}");
    // A client that sends its own pings stays...
    for nonce in 0..6 {
        c.send(ClientMsg::Ping { nonce }).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(matches!(
        c.next(Duration::from_millis(100)).await,
        Some(Ok(ServerMsg::Pong { .. }))
    ));
    // ...but one that only answers the server's pings (reading does, in tungstenite; so does a
    // browser below a frozen page) is closed once the page timeout has passed.
    assert!(matches!(c.closed().await, Closed::Frame(1000, _)));
    // As is one that sends nothing at all.
    let mut mute = server.client().await;
    mute.hello(&s.room, &s.screen_key, None).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(matches!(mute.closed().await, Closed::Frame(1000, _)));
}

#[tokio::test]
async fn a_room_in_the_address_must_be_the_room_of_the_hello() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let other = server.create_session().await;
    let at = |room: &str| {
        format!(
            "{}{}",
            server.ws_url().trim_end_matches("/ws"),
            koersbord_shared::protocol::ws_path(room)
        )
    };

    // The address a proxy routes by, and the hello agree: welcomed as ever.
    let mut c = common::Client::connect(&at(&s.room)).await;
    c.hello(&s.room, &s.facilitator_key, None).await;
    let welcome = c.recv().await;
    assert!(
        matches!(&welcome, ServerMsg::Welcome { room, .. } if *room == s.room),
        "{welcome:?}"
    );

    // A hello for another room on a socket routed for this one would land on the wrong hub.
    let mut c = common::Client::connect(&at(&s.room)).await;
    c.hello(&other.room, &other.facilitator_key, None).await;
    expect_fatal(&mut c, ProtocolError::RoomMismatch, 1008).await;

    // An address that names two rooms routes nowhere: a typed refusal before the upgrade.
    let twice = format!("{}&room={}", at(&s.room), other.room);
    let err = tokio_tungstenite::connect_async(twice.into_client_request().unwrap())
        .await
        .expect_err("refused");
    let tokio_tungstenite::tungstenite::Error::Http(response) = err else {
        panic!("{err:?}")
    };
    assert_eq!(response.status(), 400);
    let body: serde_json::Value =
        serde_json::from_slice(response.body().as_deref().unwrap_or_default()).unwrap();
    assert_eq!(body["code"], "malformed");
}
