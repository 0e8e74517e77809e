//! People who do not belong, and bad input, over real sockets: wrong keys, a participant trying the
//! facilitator's commands or someone else's dots and actions, junk frames, floods and connection
//! caps. Each refusal is typed, and the room afterwards is byte for byte what it was.

mod common;

use common::{Client, Closed, TestServer, eventually, expect_fatal, room_bytes};
use futures_util::SinkExt;
use koersbord_shared::protocol::{ClientMsg, MAX_FRAME_BYTES, ProtocolError, ServerMsg};
use koersbord_shared::room::{ActionDraft, ActionId, Command, Event, InsightId, Need, Rejection};
use koersbord_shared::{Board, Drive, ParticipantId, Phase, Side, Zone};
use std::net::IpAddr;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const LOCALHOST: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

/// Sends a command and waits for its ack.
async fn acked(c: &mut Client, id: u64, command: Command) {
    c.command(id, command).await;
    c.recv_until(|m| matches!(m, ServerMsg::Ack { id: a, .. } if *a == id))
        .await;
}

/// Sends a command and returns the refusal it must get.
async fn refused(c: &mut Client, id: u64, command: Command) -> Rejection {
    let desc = format!("{command:?}");
    c.command(id, command).await;
    match c
        .recv_until(|m| matches!(m, ServerMsg::Ack { id: a, .. } | ServerMsg::Rejected { id: a, .. } if *a == id))
        .await
    {
        ServerMsg::Rejected { reason, .. } => reason,
        other => panic!("{desc} was accepted: {other:?}"),
    }
}

fn action(what: &str, owners: &[ParticipantId]) -> ActionDraft {
    ActionDraft {
        what: what.into(),
        owners: owners.to_vec(),
        other_owner: String::new(),
        due: None,
        answers: None,
    }
}

/// Every command only the facilitator may give, with arguments that would pass for them.
fn facilitator_commands(anna: ParticipantId) -> Vec<Command> {
    let board = Board::Drives;
    vec![
        Command::RemoveParticipant { id: anna },
        Command::EditSetup {
            title: "Overgenomen".into(),
            ambition: "Van ons".into(),
            goals: ["a".into(), "b".into()],
        },
        Command::GoToPhase {
            phase: Phase::Close,
        },
        Command::StartTimer,
        Command::PauseTimer,
        Command::AdjustTimer { delta_ms: 600_000 },
        Command::ResetTimer,
        Command::SetLocked {
            board,
            locked: true,
        },
        Command::SetRevealed {
            board,
            revealed: false,
        },
        Command::SetResultsShown { board, shown: true },
        Command::AddInsight {
            text: "Mijn inzicht".into(),
            about: Some(Need::Ambition),
        },
        Command::EditInsight {
            id: InsightId(1),
            text: "Anders".into(),
            about: None,
        },
        Command::RemoveInsight { id: InsightId(1) },
    ]
}

#[tokio::test]
async fn keys_that_do_not_belong_are_refused_with_a_typed_error_and_a_close() {
    let server = TestServer::start().await;
    let a = server.create_session().await;
    let b = server.create_session().await;
    let (_, _, anna_key) = server.joined(&a, "Anna", Side::Network).await;
    let before = room_bytes(&server, &a).await;

    let forged = "0123456789abcdef0123456789abcdef".to_string();
    let bad_keys = [
        String::new(),
        forged,
        b.facilitator_key.clone(),
        b.join_key.clone(),
        b.screen_key.clone(),
        // A participant's personal key is no capability by itself.
        anna_key,
        a.join_code.clone(),
        a.facilitator_key.to_uppercase(),
        format!("{} ", a.facilitator_key),
        a.facilitator_key[..31].to_string(),
        "k".repeat(8 * 1024),
    ];
    for key in &bad_keys {
        let mut c = server.client().await;
        c.hello(&a.room, key, None).await;
        expect_fatal(&mut c, ProtocolError::BadKey, 1008).await;
    }
    for room in ["bbbbbbbbbb", "../../etc", &"r".repeat(4096), ""] {
        let mut c = server.client().await;
        c.hello(room, &a.facilitator_key, None).await;
        expect_fatal(&mut c, ProtocolError::UnknownRoom, 1008).await;
    }
    // A hello without a key is no hello at all.
    let mut c = server.client().await;
    c.send_text(&format!(
        r#"{{"type":"hello","protocol_version":1,"room":"{}"}}"#,
        a.room
    ))
    .await;
    expect_fatal(&mut c, ProtocolError::HelloFirst, 1008).await;

    assert_eq!(room_bytes(&server, &a).await, before);
    eventually("refused sockets are counted out", || {
        server.monitor.sockets_in(&a.room) == 0 && server.monitor.sockets_from(LOCALHOST) == 0
    })
    .await;
}

/// A room with something of everything: two participants, dots, an insight, an action, a running
/// timer, in the drives step.
async fn busy_room(
    server: &TestServer,
) -> (
    koersbord_shared::protocol::SessionCreated,
    Client,
    (Client, ParticipantId),
    (Client, ParticipantId),
) {
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (mut anna, anna_id, _) = server.joined(&s, "Anna", Side::Network).await;
    let (mut bart, bart_id, _) = server.joined(&s, "Bart", Side::Management).await;
    let text = "Tijd is krap".to_string();
    acked(&mut f, 1, Command::AddInsight { text, about: None }).await;
    let owners = [bart_id];
    acked(
        &mut f,
        2,
        Command::AddAction {
            action: action("Rooster maken", &owners),
        },
    )
    .await;
    let phase = Phase::Drives;
    acked(&mut f, 3, Command::GoToPhase { phase }).await;
    acked(&mut f, 4, Command::StartTimer).await;
    for (i, drive) in Drive::ALL.into_iter().enumerate() {
        let zone = Some(Zone::ALL[i % 3]);
        acked(
            &mut bart,
            10 + i as u64,
            Command::PlaceDrive { drive, zone },
        )
        .await;
    }
    let zone = Some(Zone::Important);
    acked(
        &mut anna,
        10,
        Command::PlaceDrive {
            drive: Drive::Impact,
            zone,
        },
    )
    .await;
    (s, f, (anna, anna_id), (bart, bart_id))
}

#[tokio::test]
async fn participants_guests_and_screens_are_refused_every_facilitator_command_and_nothing_changes()
{
    let server = TestServer::start().await;
    let (s, _f, (mut anna, anna_id), _bart) = busy_room(&server).await;
    let before = room_bytes(&server, &s).await;
    let (mut guest, _) = server.hello(&s.room, &s.join_key, None).await;
    let (mut screen, _) = server.hello(&s.room, &s.screen_key, None).await;
    let mut id = 100;
    for who in [&mut anna, &mut guest, &mut screen] {
        for command in facilitator_commands(anna_id) {
            id += 1;
            let desc = format!("{command:?}");
            assert_eq!(
                refused(who, id, command).await,
                Rejection::NotAllowed,
                "{desc}"
            );
        }
    }
    assert_eq!(room_bytes(&server, &s).await, before);
}

#[tokio::test]
async fn a_participant_may_not_change_the_facilitators_or_anothers_actions() {
    let server = TestServer::start().await;
    let (s, mut f, (mut anna, anna_id), (mut bart, bart_id)) = busy_room(&server).await;
    let phase = Phase::Actions;
    acked(&mut f, 20, Command::GoToPhase { phase }).await;
    // Action 2 is Bart's own.
    let mine = action("Mijn actie", &[bart_id]);
    acked(&mut bart, 30, Command::AddAction { action: mine }).await;
    let before = room_bytes(&server, &s).await;
    let theirs = action("Overgenomen", &[anna_id]);
    for id in [ActionId(1), ActionId(2)] {
        let edit = Command::EditAction {
            id,
            action: theirs.clone(),
        };
        assert_eq!(refused(&mut anna, 40, edit).await, Rejection::NotAllowed);
        let remove = Command::RemoveAction { id };
        assert_eq!(refused(&mut anna, 41, remove).await, Rejection::NotAllowed);
    }
    // Nor may she put an action on Bart's name only.
    let for_bart = action("Jij doet het", &[bart_id]);
    let add = Command::AddAction { action: for_bart };
    assert_eq!(refused(&mut anna, 42, add).await, Rejection::NotAllowed);
    assert_eq!(room_bytes(&server, &s).await, before);
}

#[tokio::test]
async fn a_participant_moves_only_their_own_dots_whatever_they_send() {
    let server = TestServer::start().await;
    let (s, _f, (mut anna, anna_id), (mut bart, bart_id)) = busy_room(&server).await;
    let (_, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    let barts_dots = common::state_of(&welcome).participants[&bart_id]
        .drives
        .clone();
    // The protocol has no field naming whose dot: one smuggled in is ignored, and the dot moved is
    // the sender's own.
    let mut id = 200;
    for drive in Drive::ALL {
        for sneaky in [
            String::new(),
            format!(r#","by":{}"#, bart_id.0),
            format!(
                r#","participant":{},"actor":{{"role":"participant","id":{}}}"#,
                bart_id.0, bart_id.0
            ),
        ] {
            id += 1;
            let drive = serde_json::to_string(&drive).unwrap();
            anna.send_text(&format!(
                r#"{{"type":"command","id":{id},"command":{{"type":"place_drive","drive":{drive},"zone":"necessary"{sneaky}}}}}"#
            ))
            .await;
            let answer = anna
                .recv_until(|m| matches!(m, ServerMsg::Ack { .. } | ServerMsg::Rejected { .. }))
                .await;
            assert!(
                matches!(answer, ServerMsg::Ack { id: a, .. } if a == id),
                "{answer:?}"
            );
        }
    }
    // A drag names no one either: it is relayed as the sender's.
    anna.send_text(&format!(
        r#"{{"type":"drag","dot":{{"kind":"drive","item":"impact"}},"x":0.5,"y":0.5,"by":{}}}"#,
        bart_id.0
    ))
    .await;
    let relayed = bart
        .recv_until(|m| matches!(m, ServerMsg::Drags { .. }))
        .await;
    assert!(
        matches!(&relayed, ServerMsg::Drags { moves, .. } if moves.iter().all(|m| m.by == anna_id)),
        "{relayed:?}"
    );
    // Every event Bart saw was Anna's.
    let seen = bart.barrier(999).await;
    for m in &seen {
        if let ServerMsg::Event {
            event: Event::DrivePlaced { by, .. },
            ..
        } = m
        {
            assert_eq!(*by, anna_id);
        }
    }
    let (_, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    let state = common::state_of(&welcome);
    assert_eq!(state.participants[&bart_id].drives, barts_dots);
    assert!(
        state.participants[&anna_id]
            .drives
            .values()
            .all(|z| *z == Zone::Necessary)
    );
    assert_eq!(state.participants[&anna_id].drives.len(), Drive::ALL.len());
}

#[tokio::test]
async fn junk_frames_get_malformed_the_socket_lives_on_and_nothing_changes() {
    let server = TestServer::start().await;
    let (s, _f, (mut anna, _), _bart) = busy_room(&server).await;
    let before = room_bytes(&server, &s).await;
    let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    let junk = [
        "",
        " ",
        "{",
        "null",
        "[]",
        "\"command\"",
        r#"{"type":"teleport"}"#,
        r#"{"type":"Command","id":1,"command":{"type":"start_timer"}}"#,
        r#"{"type":"command","id":-1,"command":{"type":"start_timer"}}"#,
        r#"{"type":"command","id":18446744073709551616,"command":{"type":"start_timer"}}"#,
        r#"{"type":"command","id":1e400,"command":{"type":"start_timer"}}"#,
        r#"{"type":"command","id":NaN,"command":{"type":"start_timer"}}"#,
        r#"{"type":"command","command":{"type":"start_timer"}}"#,
        r#"{"type":"drag","dot":{"kind":"drive","item":"impact"},"x":NaN,"y":0.5}"#,
        r#"{"type":"drag","dot":{"kind":"drive","item":"impact"},"x":"0.5","y":0.5}"#,
        r#"{"type":"ping","nonce":"1"}"#,
        r#"{"type":"ping","nonce":1}garbage"#,
        "\u{feff}{\"type\":\"ping\",\"nonce\":1}",
        &deep,
    ];
    let not_presence = |m: &ServerMsg| !matches!(m, ServerMsg::Presence { .. });
    for text in junk {
        anna.send_text(text).await;
        let answer = anna.recv_until(not_presence).await;
        assert!(
            matches!(
                answer,
                ServerMsg::Error {
                    error: ProtocolError::Malformed { .. }
                }
            ),
            "{text:.80}: {answer:?}"
        );
    }
    // A command whose id reads is answered by that id, however broken the command.
    let undecodable = [
        r#"{"type":"command","id":1,"command":{"type":"fly"}}"#,
        r#"{"type":"command","id":1,"command":{"type":"place_drive","drive":"impact","zone":"everywhere"}}"#,
        r#"{"type":"command","id":1,"command":{"type":"place_pillar","pillar":"time","strength":101}}"#,
        r#"{"type":"command","id":1,"command":{"type":"place_pillar","pillar":"time","strength":-1}}"#,
        r#"{"type":"command","id":1,"command":{"type":"adjust_timer","delta_ms":1e308}}"#,
        r#"{"type":"command","id":1,"command":{"type":"remove_participant","id":-5}}"#,
        r#"{"type":"command","id":1,"command":{"type":"edit_setup","title":"t","ambition":"a","goals":["only one"]}}"#,
        r#"{"type":"command","id":1}"#,
    ];
    for text in undecodable {
        anna.send_text(text).await;
        let answer = anna.recv_until(not_presence).await;
        assert!(
            matches!(
                answer,
                ServerMsg::Rejected {
                    id: 1,
                    reason: Rejection::InvalidCommand { .. }
                }
            ),
            "{text:.80}: {answer:?}"
        );
    }
    anna.ws
        .send(Message::binary(vec![0u8, 159, 146, 150]))
        .await
        .unwrap();
    assert!(matches!(
        anna.recv_until(not_presence).await,
        ServerMsg::Error {
            error: ProtocolError::Malformed { .. }
        }
    ));
    // Drags off the board, or by infinite numbers, are dropped without a word.
    for (x, y) in ["1.5", "-0.1", "1e39"].iter().zip(["0.5"; 3]) {
        anna.send_text(&format!(
            r#"{{"type":"drag","dot":{{"kind":"drive","item":"impact"}},"x":{x},"y":{y}}}"#
        ))
        .await;
    }
    let between = anna.barrier(77).await;
    assert!(between.iter().all(|m| !not_presence(m)), "{between:?}");
    anna.send(ClientMsg::Ping { nonce: 5 }).await;
    assert!(matches!(
        anna.recv_until(not_presence).await,
        ServerMsg::Pong { nonce: 5, .. }
    ));
    assert_eq!(room_bytes(&server, &s).await, before);
}

#[tokio::test]
async fn a_17_kib_frame_gets_too_large_and_a_close_before_or_after_hello() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let big = format!(
        r#"{{"type":"ping","nonce":1,"pad":"{}"}}"#,
        "x".repeat(17 * 1024)
    );
    let too_large = ProtocolError::TooLarge {
        max: MAX_FRAME_BYTES,
    };
    let mut c = server.client().await;
    c.send_text(&big).await;
    expect_fatal(&mut c, too_large.clone(), 1009).await;
    let (mut c, _) = server.hello(&s.room, &s.join_key, None).await;
    c.send_text(&big).await;
    expect_fatal(&mut c, too_large, 1009).await;
}

#[tokio::test]
async fn a_flood_is_told_to_slow_down_then_closed_while_the_room_goes_on() {
    // A slow refill, so a loaded machine reading slowly does not reset the run of drops.
    let server = TestServer::with_tuning(|t| {
        t.messages_per_sec = 1.0;
        t.messages_burst = 20.0;
    })
    .await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (mut flood, flood_id, _) = server.joined(&s, "Flood", Side::Network).await;
    let (mut bart, _, _) = server.joined(&s, "Bart", Side::Management).await;
    // Ten bursts' worth, as fast as the socket takes them.
    for nonce in 0..200 {
        if flood
            .ws
            .feed(Message::text(ClientMsg::Ping { nonce }.encode()))
            .await
            .is_err()
        {
            break;
        }
    }
    let _ = flood.ws.flush().await;
    let mut warned = false;
    let closed = loop {
        match flood.next(common::WAIT).await {
            Some(Ok(ServerMsg::Error {
                error: ProtocolError::SlowDown,
            })) => warned = true,
            Some(Ok(_)) => {}
            Some(Err(closed)) => break closed,
            None => panic!("the flood was not closed"),
        }
    };
    assert!(warned, "slow_down came before the close");
    assert!(matches!(closed, Closed::Frame(1008, _)), "{closed:?}");
    // The others never noticed, beyond the flooder leaving.
    f.recv_until(|m| {
        matches!(m, ServerMsg::Presence { presence } if !presence.participants.contains(&flood_id))
    })
    .await;
    let phase = Phase::Drives;
    acked(&mut f, 1, Command::GoToPhase { phase }).await;
    let zone = Some(Zone::Neutral);
    acked(
        &mut bart,
        2,
        Command::PlaceDrive {
            drive: Drive::Autonomy,
            zone,
        },
    )
    .await;
    bart.send(ClientMsg::Ping { nonce: 3 }).await;
    bart.recv_until(|m| matches!(m, ServerMsg::Pong { nonce: 3, .. }))
        .await;
}

#[tokio::test]
async fn a_full_room_refuses_the_next_socket_and_counts_every_way_out() {
    let cap = 4;
    let server = TestServer::with_tuning(|t| t.room_connections = cap).await;
    let s = server.create_session().await;
    let mut people = Vec::new();
    for _ in 0..cap {
        people.push(server.hello(&s.room, &s.join_key, None).await.0);
    }
    assert_eq!(server.monitor.sockets_in(&s.room), cap);
    let mut one_more = server.client().await;
    one_more.hello(&s.room, &s.join_key, None).await;
    expect_fatal(&mut one_more, ProtocolError::TooManyConnections, 1008).await;
    // A stranger still learns only that the key is wrong.
    let mut stranger = server.client().await;
    stranger
        .hello(&s.room, "0123456789abcdef0123456789abcdef", None)
        .await;
    expect_fatal(&mut stranger, ProtocolError::BadKey, 1008).await;
    // The organisers have a reserve the join link cannot fill.
    let (f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (screen, _) = server.hello(&s.room, &s.screen_key, None).await;
    assert_eq!(server.monitor.sockets_in(&s.room), cap + 2);
    drop((f, screen));

    // Every way out gives the place back: a clean close, a dropped line, a fatal error.
    let mut clean = people.pop().unwrap();
    clean.ws.close(None).await.unwrap();
    drop(people.pop().unwrap());
    let mut fatal = people.pop().unwrap();
    fatal.send_text(&"x".repeat(MAX_FRAME_BYTES + 1)).await;
    fatal.closed().await;
    eventually("every place but one free again", || {
        server.monitor.sockets_in(&s.room) == 1
    })
    .await;
    for _ in 0..3 {
        people.push(server.hello(&s.room, &s.join_key, None).await.0);
    }
    let mut again = server.client().await;
    again.hello(&s.room, &s.join_key, None).await;
    expect_fatal(&mut again, ProtocolError::TooManyConnections, 1008).await;
}

#[tokio::test]
async fn too_many_sockets_from_one_address_are_refused_before_the_upgrade() {
    let server = TestServer::with_tuning(|t| {
        t.address_connections = 3;
        t.hello_timeout = Duration::from_millis(300);
    })
    .await;
    let s = server.create_session().await;
    // Counted from the upgrade on, hello or not.
    let (mut talking, _) = server.hello(&s.room, &s.screen_key, None).await;
    let mut silent = [server.client().await, server.client().await];
    assert_eq!(server.monitor.sockets_from(LOCALHOST), 3);
    let refused = tokio_tungstenite::connect_async(server.ws_url().into_client_request().unwrap())
        .await
        .expect_err("a fourth socket");
    let tokio_tungstenite::tungstenite::Error::Http(response) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(response.status(), 429);
    let body = String::from_utf8(response.body().clone().unwrap_or_default()).unwrap();
    assert_eq!(body, r#"{"code":"too_many_connections"}"#);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    // The silent ones reach the hello deadline and free their places; the talking one lives on.
    for c in &mut silent {
        assert!(matches!(c.closed().await, Closed::Frame(1008, _)));
    }
    eventually("silent sockets counted out", || {
        server.monitor.sockets_from(LOCALHOST) == 1
    })
    .await;
    let (_next, _) = server.hello(&s.room, &s.screen_key, None).await;
    talking.send(ClientMsg::Ping { nonce: 1 }).await;
    talking
        .recv_until(|m| matches!(m, ServerMsg::Pong { .. }))
        .await;
}
