//! Follow-ups over real HTTP and sockets: `POST /api/sessions/{room}/follow-up` and
//! `GET /api/sessions/{room}/series`, the copy a follow-up keeps (through a restart, and after the
//! earlier session is deleted), and the review commands on the wire.

mod common;

use common::{Client, TestServer, state_of};
use koersbord_shared::protocol::{ServerMsg, SessionCreated};
use koersbord_shared::room::{ActionDraft, ActionId, Command, Rejection, ReviewStatus};
use koersbord_shared::sessions::Series;
use koersbord_shared::{Phase, Side};

fn auth(key: &str) -> String {
    format!("Bearer {key}")
}

async fn post_follow_up(
    server: &TestServer,
    room: &str,
    key: Option<&str>,
) -> common::HttpResponse {
    let header = key.map(auth);
    let headers: Vec<(&str, &str)> = header
        .iter()
        .map(|h| ("Authorization", h.as_str()))
        .collect();
    common::http(
        server.addr,
        "POST",
        &format!("/api/sessions/{room}/follow-up"),
        &headers,
        Some(""),
    )
    .await
}

async fn follow_up(server: &TestServer, s: &SessionCreated) -> SessionCreated {
    let r = post_follow_up(server, &s.room, Some(&s.facilitator_key)).await;
    assert_eq!(r.status, 201, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

async fn series(server: &TestServer, room: &str, key: &str) -> Series {
    let header = auth(key);
    let r = common::http(
        server.addr,
        "GET",
        &format!("/api/sessions/{room}/series"),
        &[("Authorization", &header)],
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// Sends a command and waits for its answer: `Ok(())` on an ack, the rejection otherwise.
async fn answer(c: &mut Client, id: u64, command: Command) -> Result<(), Rejection> {
    c.command(id, command).await;
    match c
        .recv_until(|m| matches!(m, ServerMsg::Ack { id: i, .. } | ServerMsg::Rejected { id: i, .. } if *i == id))
        .await
    {
        ServerMsg::Ack { .. } => Ok(()),
        ServerMsg::Rejected { reason, .. } => Err(reason),
        _ => unreachable!(),
    }
}

/// A first session to its close with Anna's action and one for someone from outside.
async fn finished_session(server: &TestServer) -> SessionCreated {
    let s = server.create_session().await;
    let (_anna, anna, _) = server.joined(&s, "Anna", Side::Network).await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    answer(
        &mut f,
        1,
        Command::GoToPhase {
            phase: Phase::Actions,
        },
    )
    .await
    .unwrap();
    for (i, (what, owners, other)) in [
        ("Tijd vrijmaken", vec![anna], ""),
        ("Budget vragen", vec![], "Directie"),
    ]
    .into_iter()
    .enumerate()
    {
        let action = ActionDraft {
            what: what.into(),
            owners,
            other_owner: other.into(),
            due: None,
            answers: None,
        };
        answer(&mut f, 2 + i as u64, Command::AddAction { action })
            .await
            .unwrap();
    }
    answer(
        &mut f,
        9,
        Command::GoToPhase {
            phase: Phase::Close,
        },
    )
    .await
    .unwrap();
    s
}

#[tokio::test]
async fn a_follow_up_is_refused_without_the_facilitators_key_an_unknown_room_or_an_unfinished_one()
{
    let server = TestServer::start().await;
    let s = finished_session(&server).await;
    let r = post_follow_up(&server, &s.room, None).await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (401, r#"{"code":"missing_key"}"#)
    );
    for wrong in [&s.join_key, &s.screen_key, &"0".repeat(32)] {
        let r = post_follow_up(&server, &s.room, Some(wrong)).await;
        assert_eq!((r.status, r.body.as_str()), (403, r#"{"code":"bad_key"}"#));
    }
    for room in ["nosuchroom", &"a".repeat(16)] {
        let r = post_follow_up(&server, room, Some(&s.facilitator_key)).await;
        assert_eq!(
            (r.status, r.body.as_str()),
            (404, r#"{"code":"unknown_room"}"#)
        );
    }
    let open = server.create_session().await;
    let r = post_follow_up(&server, &open.room, Some(&open.facilitator_key)).await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (409, r#"{"code":"not_finished"}"#)
    );
    // A deleted session cannot be followed up either.
    let del = common::http(
        server.addr,
        "DELETE",
        &format!("/api/sessions/{}", s.room),
        &[("Authorization", &auth(&s.facilitator_key))],
        None,
    )
    .await;
    assert_eq!(del.status, 204);
    let r = post_follow_up(&server, &s.room, Some(&s.facilitator_key)).await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (404, r#"{"code":"unknown_room"}"#)
    );
}

#[tokio::test]
async fn a_follow_up_keeps_its_copy_through_a_restart_and_the_earlier_ones_deletion() {
    let server = TestServer::start().await;
    let first = finished_session(&server).await;
    let second = follow_up(&server, &first).await;
    assert_ne!(second.room, first.room);
    assert_ne!(second.facilitator_key, first.facilitator_key);
    assert_ne!(second.join_code, first.join_code);

    let (mut f, welcome) = server
        .hello(&second.room, &second.facilitator_key, None)
        .await;
    let state = state_of(&welcome);
    assert_eq!(state.setup.title, "Test");
    assert_eq!(state.phase, Phase::Lobby);
    let link = state.follow_up.as_ref().expect("a follow-up");
    assert_eq!(link.earlier.room, first.room);
    assert_eq!(link.earlier.actions.len(), 2);
    assert_eq!(link.earlier.actions[0].owners, ["Anna"]);

    // The review on the wire: Anna again, on her phone, reviews her own action during Terugblik.
    let (mut anna, _, _) = server.joined(&second, "Anna", Side::Network).await;
    let (mut bram, _, _) = server.joined(&second, "Bram", Side::Management).await;
    answer(
        &mut f,
        1,
        Command::GoToPhase {
            phase: Phase::Review,
        },
    )
    .await
    .unwrap();
    let mine = Command::SetReview {
        action: ActionId(1),
        status: ReviewStatus::Done,
        note: "gelukt".into(),
    };
    assert_eq!(
        answer(&mut bram, 2, mine.clone()).await,
        Err(Rejection::NotAllowed)
    );
    answer(&mut anna, 2, mine).await.unwrap();
    let theirs = Command::SetReview {
        action: ActionId(2),
        status: ReviewStatus::InProgress,
        note: String::new(),
    };
    assert_eq!(
        answer(&mut anna, 3, theirs.clone()).await,
        Err(Rejection::NotAllowed)
    );
    answer(&mut f, 2, theirs).await.unwrap();
    answer(&mut f, 3, Command::CarryOpenActions).await.unwrap();
    drop((anna, bram));

    // Both sessions know the link.
    let from_first = series(&server, &first.room, &first.screen_key).await;
    assert_eq!(
        from_first
            .later
            .iter()
            .map(|e| e.room.as_str())
            .collect::<Vec<_>>(),
        [second.room.as_str()]
    );
    assert!(from_first.earlier.is_empty());
    let from_second = series(&server, &second.room, &second.join_key).await;
    assert_eq!(from_second.earlier.len(), 1);
    assert!(!from_second.earlier[0].gone);
    let bad = common::http(
        server.addr,
        "GET",
        &format!("/api/sessions/{}/series", second.room),
        &[("Authorization", &auth(&first.join_key))],
        None,
    )
    .await;
    assert_eq!(bad.status, 403);

    let before = common::room_bytes(&server, &second).await;
    drop(f);
    let server = server.restart().await;
    assert_eq!(
        common::room_bytes(&server, &second).await,
        before,
        "a restart changes nothing"
    );
    assert_eq!(
        series(&server, &second.room, &second.facilitator_key).await,
        from_second
    );

    // The earlier one goes; the follow-up keeps its copy and says the earlier is gone.
    let del = common::http(
        server.addr,
        "DELETE",
        &format!("/api/sessions/{}", first.room),
        &[("Authorization", &auth(&first.facilitator_key))],
        None,
    )
    .await;
    assert_eq!(del.status, 204);
    assert_eq!(common::room_bytes(&server, &second).await, before);
    let after = series(&server, &second.room, &second.facilitator_key).await;
    assert!(after.earlier[0].gone, "{after:?}");
    let (_, welcome) = server
        .hello(&second.room, &second.facilitator_key, None)
        .await;
    let link = state_of(&welcome).follow_up.clone().unwrap();
    assert_eq!(link.reviews[&ActionId(1)].note, "gelukt");
    assert_eq!(
        state_of(&welcome).actions.len(),
        1,
        "the open action was carried"
    );
}

#[tokio::test]
async fn a_series_grows_as_a_chain_and_lists_every_session_once() {
    let server = TestServer::start().await;
    let first = finished_session(&server).await;
    let second = follow_up(&server, &first).await;
    // Two follow-ups of one session (say, with other managers) are allowed.
    let sibling = follow_up(&server, &first).await;
    let (mut f, _) = server
        .hello(&second.room, &second.facilitator_key, None)
        .await;
    answer(
        &mut f,
        1,
        Command::GoToPhase {
            phase: Phase::Close,
        },
    )
    .await
    .unwrap();
    let third = follow_up(&server, &second).await;
    let rooms = |entries: &[koersbord_shared::sessions::SeriesEntry]| -> Vec<String> {
        entries.iter().map(|e| e.room.clone()).collect()
    };
    let s = series(&server, &third.room, &third.facilitator_key).await;
    assert_eq!(rooms(&s.earlier), [first.room.clone(), second.room.clone()]);
    assert!(s.later.is_empty());
    let s = series(&server, &first.room, &first.facilitator_key).await;
    let mut later = rooms(&s.later);
    later.sort();
    let mut expected = vec![
        second.room.clone(),
        sibling.room.clone(),
        third.room.clone(),
    ];
    expected.sort();
    assert_eq!(
        later, expected,
        "each once: the link only points back, so no cycle"
    );
}
