//! Every command gets exactly one answer with its id, even one that does not decode; texts that
//! reorder or hide characters are refused; a command with an `op` token may be resent after a lost
//! answer, a reconnect or a restart, and is answered as the first time without acting twice.

mod common;

use common::{Client, TestServer, room_bytes, state_of};
use koersbord_shared::Side;
use koersbord_shared::protocol::{ClientMsg, ProtocolError, ServerMsg};
use koersbord_shared::room::{Command, Rejection, TextField};

/// The answer (ack or rejected) to command `id`.
async fn answer(c: &mut Client, id: u64) -> ServerMsg {
    c.recv_until(|m| {
        matches!(m, ServerMsg::Ack { id: a, .. } | ServerMsg::Rejected { id: a, .. } if *a == id)
    })
    .await
}

/// The next answer to any command, skipping presence and the like.
async fn next_answer(c: &mut Client) -> ServerMsg {
    c.recv_until(|m| matches!(m, ServerMsg::Ack { .. } | ServerMsg::Rejected { .. }))
        .await
}

async fn with_op(c: &mut Client, id: u64, op: &str, command: Command) -> ServerMsg {
    c.send(ClientMsg::Command {
        id,
        op: Some(op.into()),
        command,
    })
    .await;
    answer(c, id).await
}

#[tokio::test]
async fn a_command_that_does_not_decode_is_rejected_by_its_id_in_order() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut anna, _, _) = server.joined(&s, "Anna", Side::Network).await;
    let before = room_bytes(&server, &s).await;
    let broken = [
        r#"{"type":"place_pillar","pillar":"time","strength":101}"#,
        r#"{"type":"place_pillar","pillar":"time","strength":"50"}"#,
        r#"{"type":"place_pillar","pillar":"time","strength":12.5}"#,
        r#"{"type":"place_drive","drive":"fun","zone":"necessary"}"#,
        r#"{"type":"place_drive","drive":"impact","zone":"somewhere"}"#,
        r#"{"type":"adjust_timer","delta_ms":1e30}"#,
        r#"{"type":"teleport"}"#,
    ];
    // Valid and broken commands interleaved: each is answered, by its id, in the order sent.
    for (i, command) in broken.iter().enumerate() {
        let id = 10 + 2 * i as u64;
        anna.command(
            id,
            Command::SetReflection {
                text: String::new(),
            },
        )
        .await;
        anna.send_text(&format!(
            r#"{{"type":"command","id":{},"command":{command}}}"#,
            id + 1
        ))
        .await;
    }
    for i in 0..broken.len() as u64 {
        let id = 10 + 2 * i;
        assert!(
            matches!(next_answer(&mut anna).await, ServerMsg::Rejected { id: a, reason: Rejection::NotNow } if a == id)
        );
        match next_answer(&mut anna).await {
            ServerMsg::Rejected {
                id: a,
                reason: Rejection::InvalidCommand { detail },
            } if a == id + 1 => assert!(!detail.is_empty()),
            other => panic!("command {}: {other:?}", id + 1),
        }
    }
    // Without a readable id there is nothing to answer by: the frame gets `malformed`.
    anna.send_text(r#"{"type":"command","id":"seven","command":{"type":"start_timer"}}"#)
        .await;
    let error = anna
        .recv_until(|m| {
            matches!(
                m,
                ServerMsg::Error { .. } | ServerMsg::Ack { .. } | ServerMsg::Rejected { .. }
            )
        })
        .await;
    assert!(
        matches!(
            error,
            ServerMsg::Error {
                error: ProtocolError::Malformed { .. }
            }
        ),
        "{error:?}"
    );
    assert_eq!(room_bytes(&server, &s).await, before);
}

#[tokio::test]
async fn names_and_texts_that_reorder_or_hide_characters_are_refused() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut guest, _) = server.hello(&s.room, &s.join_key, None).await;
    for (id, name) in [
        (1, "Anna\u{202E}gnp.exe"),
        (2, "Anna\u{2066}"),
        (3, "\u{200F}Bram"),
        (4, "Ca\u{200B}rla"),
    ] {
        let join = Command::Join {
            name: name.into(),
            side: Side::Network,
        };
        guest.command(id, join).await;
        assert_eq!(
            answer(&mut guest, id).await,
            ServerMsg::Rejected {
                id,
                reason: Rejection::TextInvalid {
                    field: TextField::Name
                }
            }
        );
    }
    let (mut f, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert!(state_of(&welcome).participants.is_empty());
    let insight = Command::AddInsight {
        text: "zie \u{E0041}\u{E0042} hier".into(),
        about: None,
    };
    f.command(1, insight).await;
    assert!(matches!(
        answer(&mut f, 1).await,
        ServerMsg::Rejected {
            reason: Rejection::TextInvalid {
                field: TextField::Insight
            },
            ..
        }
    ));
}

#[tokio::test]
async fn a_resent_op_is_answered_as_the_first_time_across_reconnects_and_a_restart() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    // A join whose `joined` was lost: the guest reconnects without a key and resends the join.
    let (mut first, _) = server.hello(&s.room, &s.join_key, None).await;
    let join = Command::Join {
        name: "Anna".into(),
        side: Side::Network,
    };
    let first_ack = with_op(&mut first, 1, "join-anna", join.clone()).await;
    drop(first);
    let (mut again, _) = server.hello(&s.room, &s.join_key, None).await;
    again
        .send(ClientMsg::Command {
            id: 1,
            op: Some("join-anna".into()),
            command: join.clone(),
        })
        .await;
    let ServerMsg::Joined {
        you,
        participant_key,
    } = again
        .recv_until(|m| matches!(m, ServerMsg::Joined { .. }))
        .await
    else {
        unreachable!()
    };
    assert_eq!(answer(&mut again, 1).await, first_ack);
    // The same person, with the key that was handed out the first time.
    let (_back, welcome) = server
        .hello(&s.room, &s.join_key, Some(&participant_key))
        .await;
    assert!(matches!(welcome, ServerMsg::Welcome { you: Some(me), .. } if me == you));
    // Now a participant, the same join again is still the first answer, not `already_joined`.
    assert_eq!(
        with_op(&mut again, 2, "join-anna", join).await,
        ServerMsg::Ack {
            id: 2,
            seq: ack_seq(&first_ack)
        }
    );

    // The facilitator's additions and relative changes happen once however often they are sent.
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let add = Command::AddInsight {
        text: "Tijd".into(),
        about: None,
    };
    let adjust = Command::AdjustTimer { delta_ms: 60_000 };
    let added = with_op(&mut f, 1, "add-1", add.clone()).await;
    let adjusted = with_op(&mut f, 2, "adjust-1", adjust.clone()).await;
    let refused = with_op(
        &mut f,
        3,
        "bad-1",
        Command::RemoveInsight {
            id: koersbord_shared::room::InsightId(9),
        },
    )
    .await;
    assert!(matches!(
        refused,
        ServerMsg::Rejected {
            reason: Rejection::UnknownItem,
            ..
        }
    ));
    assert_eq!(with_op(&mut f, 1, "add-1", add.clone()).await, added);
    assert_eq!(
        with_op(&mut f, 2, "adjust-1", adjust.clone()).await,
        adjusted
    );
    let once = room_bytes(&server, &s).await;

    // And after a restart, from a new socket.
    let server = server.restart().await;
    let (mut f, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert_eq!(state_of(&welcome).insights.len(), 1);
    assert_eq!(with_op(&mut f, 1, "add-1", add).await, added);
    assert_eq!(with_op(&mut f, 2, "adjust-1", adjust).await, adjusted);
    assert_eq!(
        with_op(
            &mut f,
            3,
            "bad-1",
            Command::RemoveInsight {
                id: koersbord_shared::room::InsightId(9)
            }
        )
        .await,
        refused
    );
    assert_eq!(room_bytes(&server, &s).await, once);
    // A token is the sender's own: the same token from another identity is a new command.
    let (mut screen, _) = server.hello(&s.room, &s.screen_key, None).await;
    assert!(matches!(
        with_op(
            &mut screen,
            1,
            "add-1",
            Command::AddInsight {
                text: "x".into(),
                about: None
            }
        )
        .await,
        ServerMsg::Rejected {
            reason: Rejection::NotAllowed,
            ..
        }
    ));
}

fn ack_seq(msg: &ServerMsg) -> u64 {
    match msg {
        ServerMsg::Ack { seq, .. } => *seq,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn after_a_removal_what_they_wrote_stays_theirs_and_the_facilitator_can_edit_it() {
    use koersbord_shared::Phase;
    use koersbord_shared::room::{ActionDraft, ActionId};
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    let (mut anna, anna_id, _) = server.joined(&s, "Anna", Side::Network).await;
    let close = Command::GoToPhase {
        phase: Phase::Close,
    };
    f.command(1, close).await;
    assert!(matches!(answer(&mut f, 1).await, ServerMsg::Ack { .. }));
    let draft = |what: &str| ActionDraft {
        what: what.into(),
        owners: vec![anna_id],
        other_owner: String::new(),
        due: None,
        answers: None,
    };
    anna.command(
        2,
        Command::AddAction {
            action: draft("Plan maken"),
        },
    )
    .await;
    assert!(matches!(answer(&mut anna, 2).await, ServerMsg::Ack { .. }));
    let words = Command::SetReflection {
        text: "Goed gesprek".into(),
    };
    anna.command(3, words).await;
    assert!(matches!(answer(&mut anna, 3).await, ServerMsg::Ack { .. }));
    f.command(2, Command::RemoveParticipant { id: anna_id })
        .await;
    assert!(matches!(answer(&mut f, 2).await, ServerMsg::Ack { .. }));

    let edit = Command::EditAction {
        id: ActionId(1),
        action: draft("Plan maken en delen"),
    };
    f.command(3, edit).await;
    assert!(matches!(answer(&mut f, 3).await, ServerMsg::Ack { .. }));
    // After a restart too, the room still knows whose they are.
    let server = server.restart().await;
    let (_f, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    let state = state_of(&welcome);
    assert!(!state.participants.contains_key(&anna_id));
    assert_eq!(state.name_of(anna_id), Some("Anna"));
    assert_eq!(state.actions[&ActionId(1)].what, "Plan maken en delen");
    assert_eq!(
        (
            state.actions[&ActionId(1)].author,
            &state.actions[&ActionId(1)].owners
        ),
        (Some(anna_id), &vec![anna_id])
    );
    assert_eq!(
        state.reflections.get(&anna_id).map(String::as_str),
        Some("Goed gesprek")
    );
    assert_eq!(
        koersbord_shared::room::audit::faults(state),
        Vec::<String>::new()
    );
}
