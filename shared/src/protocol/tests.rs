//! The wire format, as docs/PROTOCOL.md shows it.

use super::*;
use crate::domain::{Drive, Side, Zone};

#[test]
fn hello_reads_as_documented() {
    let msg = ClientMsg::decode(r#"{"type":"hello","protocol_version":1,"room":"r1","key":"k"}"#)
        .unwrap();
    assert_eq!(
        msg,
        ClientMsg::Hello {
            protocol_version: 1,
            room: "r1".into(),
            key: "k".into(),
            participant_key: None,
            preview: false,
        }
    );
    let preview = ClientMsg::decode(
        r#"{"type":"hello","protocol_version":2,"room":"r1","key":"k","preview":true}"#,
    )
    .unwrap();
    assert!(matches!(preview, ClientMsg::Hello { preview: true, .. }));
}

#[test]
fn commands_are_tagged_by_type() {
    let msg = ClientMsg::Command {
        id: 7,
        op: None,
        command: Command::PlaceDrive {
            drive: Drive::Impact,
            zone: Some(Zone::Necessary),
        },
    };
    let json = msg.encode();
    assert_eq!(
        json,
        r#"{"type":"command","id":7,"command":{"type":"place_drive","drive":"impact","zone":"necessary"}}"#
    );
    assert_eq!(ClientMsg::decode(&json).unwrap(), msg);
    let join = ClientMsg::decode(
        r#"{"type":"command","id":1,"command":{"type":"join","name":"Anna","side":"management"}}"#,
    )
    .unwrap();
    assert_eq!(
        join,
        ClientMsg::Command {
            id: 1,
            op: None,
            command: Command::Join {
                name: "Anna".into(),
                side: Side::Management
            }
        }
    );
}

#[test]
fn bad_frames_get_typed_errors() {
    assert!(matches!(
        ClientMsg::decode("{"),
        Err(Undecoded::Frame(ProtocolError::Malformed { .. }))
    ));
    assert!(matches!(
        ClientMsg::decode(r#"{"type":"teleport"}"#),
        Err(Undecoded::Frame(ProtocolError::Malformed { .. }))
    ));
    // A command without a readable id cannot be answered by id.
    assert!(matches!(
        ClientMsg::decode(r#"{"type":"command","id":-1,"command":{"type":"start_timer"}}"#),
        Err(Undecoded::Frame(ProtocolError::Malformed { .. }))
    ));
    let big = format!(
        r#"{{"type":"ping","nonce":1,"pad":"{}"}}"#,
        "x".repeat(MAX_FRAME_BYTES)
    );
    assert_eq!(
        ClientMsg::decode(&big),
        Err(Undecoded::Frame(ProtocolError::TooLarge {
            max: MAX_FRAME_BYTES
        }))
    );
}

#[test]
fn a_command_that_does_not_decode_is_rejected_by_its_id() {
    let cases = [
        (
            r#"{"type":"command","id":2,"command":{"type":"place_pillar","pillar":"time","strength":101}}"#,
            "above 100",
        ),
        (
            r#"{"type":"command","id":3,"command":{"type":"place_drive","drive":"fun","zone":null}}"#,
            "fun",
        ),
        (
            r#"{"type":"command","id":4,"command":{"type":"place_pillar","pillar":"time","strength":"50"}}"#,
            "string",
        ),
        (
            r#"{"type":"command","id":5,"command":{"type":"place_pillar","pillar":"time","strength":50.5}}"#,
            "50.5",
        ),
        (
            r#"{"type":"command","id":6,"command":{"type":"adjust_timer","delta_ms":99999999999999999999}}"#,
            "",
        ),
        (
            r#"{"type":"command","id":7,"command":{"type":"teleport"}}"#,
            "teleport",
        ),
        (r#"{"type":"command","id":8}"#, "command"),
        (
            r#"{"type":"command","id":9,"op":"no spaces","command":{"type":"start_timer"}}"#,
            "op",
        ),
    ];
    for (frame, needle) in cases {
        let Err(Undecoded::Command {
            id,
            reason: Rejection::InvalidCommand { detail },
        }) = ClientMsg::decode(frame)
        else {
            panic!(
                "{frame} was not rejected by id: {:?}",
                ClientMsg::decode(frame)
            );
        };
        assert!(detail.contains(needle), "{frame}: {detail}");
        let answer = Undecoded::Command {
            id,
            reason: Rejection::InvalidCommand { detail },
        }
        .answer();
        assert!(matches!(answer, ServerMsg::Rejected { id: got, .. } if got == id));
    }
}

#[test]
fn an_op_token_travels_with_the_command() {
    let frame = r#"{"type":"command","id":1,"op":"3f2a-77_x","command":{"type":"start_timer"}}"#;
    let msg = ClientMsg::decode(frame).unwrap();
    assert_eq!(
        msg,
        ClientMsg::Command {
            id: 1,
            op: Some("3f2a-77_x".into()),
            command: Command::StartTimer
        }
    );
    assert_eq!(msg.encode(), frame);
    assert!(
        is_op(&"a".repeat(MAX_OP_CHARS)) && !is_op(&"a".repeat(MAX_OP_CHARS + 1)) && !is_op("")
    );
}

#[test]
fn rejections_carry_a_code() {
    let msg = ServerMsg::Rejected {
        id: 3,
        reason: Rejection::SideFull {
            side: Side::Network,
        },
    };
    assert_eq!(
        msg.encode(),
        r#"{"type":"rejected","id":3,"reason":{"code":"side_full","side":"network"}}"#
    );
    assert_eq!(ServerMsg::decode(&msg.encode()).unwrap(), msg);
}

#[test]
fn a_snapshot_with_participants_survives_the_wire() {
    use crate::room::{Participant, RoomState, Setup};
    let mut state = RoomState::new(Setup::default());
    let mut p = Participant::new(ParticipantId(3), "Anna".into(), Side::Network);
    p.drives.insert(Drive::Impact, Zone::Necessary);
    state.participants.insert(p.id, p);
    state.phase = crate::Phase::Close;
    let actor = crate::room::Actor::Facilitator;
    let cmds = [
        Command::AddInsight {
            text: "inzicht".into(),
            about: None,
        },
        Command::AddAction {
            action: crate::room::ActionDraft {
                what: "doen".into(),
                owners: vec![ParticipantId(3)],
                other_owner: String::new(),
                due: None,
                answers: None,
            },
        },
    ];
    for cmd in &cmds {
        crate::room::handle(&mut state, actor, cmd, 0).unwrap();
    }
    crate::room::handle(
        &mut state,
        crate::room::Actor::Participant(ParticipantId(3)),
        &Command::SetReflection {
            text: "goed".into(),
        },
        0,
    )
    .unwrap();
    assert_eq!(
        (
            state.insights.len(),
            state.actions.len(),
            state.reflections.len()
        ),
        (1, 1, 1)
    );
    let msg = ServerMsg::Snapshot { state };
    assert_eq!(ServerMsg::decode(&msg.encode()).unwrap(), msg);
}

#[test]
fn fatal_errors_close_the_connection() {
    assert!(ProtocolError::BadKey.is_fatal());
    assert!(ProtocolError::SessionDeleted.is_fatal());
    assert_eq!(
        ServerMsg::Error {
            error: ProtocolError::SessionDeleted
        }
        .encode(),
        r#"{"type":"error","error":{"code":"session_deleted"}}"#
    );
    assert!(!ProtocolError::SlowDown.is_fatal());
    assert!(
        !ProtocolError::Malformed {
            detail: String::new()
        }
        .is_fatal()
    );
}

#[test]
fn a_full_room_snapshot_fits_in_a_frame() {
    use crate::domain::{Pillar, Strength, limits};
    use crate::room::{Participant, RoomState, Setup};
    let mut state = RoomState::new(Setup {
        title: "t".repeat(limits::TITLE),
        ambition: "a".repeat(limits::AMBITION),
        goals: ["g".repeat(limits::GOAL), "g".repeat(limits::GOAL)],
    });
    for i in 0..8 {
        let mut p = Participant::new(
            ParticipantId(i),
            "n".repeat(limits::NAME),
            Side::ALL[i as usize % 2],
        );
        for d in Drive::ALL {
            p.drives.insert(d, Zone::Necessary);
        }
        for pl in Pillar::ALL {
            p.pillars.insert(pl, Strength::STRONGEST);
        }
        state.participants.insert(p.id, p);
    }
    let welcome = ServerMsg::Welcome {
        protocol_version: PROTOCOL_VERSION,
        room: "r".repeat(16),
        role: Role::Facilitator,
        you: None,
        invite: Some(Invite {
            join_key: "k".repeat(32),
            join_code: "ABCDEF".into(),
            screen_key: Some("s".repeat(32)),
        }),
        server_time_ms: u64::MAX,
        state,
    };
    assert!(
        welcome.encode().len() < MAX_FRAME_BYTES,
        "snapshot is {} bytes",
        welcome.encode().len()
    );
}

#[test]
fn protocol_2_gathers_drags_in_one_frame_as_documented() {
    let text = r#"{"type":"drags","moves":[{"by":3,"dot":{"kind":"drive","item":"impact"},"x":0.25,"y":0.5}],"ends":[{"by":4,"dot":{"kind":"drive","item":"meaning"}}]}"#;
    let msg = ServerMsg::Drags {
        moves: vec![DragMove {
            by: ParticipantId(3),
            dot: DotRef::Drive(Drive::Impact),
            x: 0.25,
            y: 0.5,
        }],
        ends: vec![DragStop {
            by: ParticipantId(4),
            dot: DotRef::Drive(Drive::Meaning),
        }],
    };
    assert_eq!(msg.encode(), text);
    assert_eq!(ServerMsg::decode(text).unwrap(), msg);
    // An empty list is left out, and reads back as empty.
    let only_ends = r#"{"type":"drags","ends":[{"by":4,"dot":{"kind":"drive","item":"meaning"}}]}"#;
    let ServerMsg::Drags { moves, ends } = ServerMsg::decode(only_ends).unwrap() else {
        panic!("a drags frame");
    };
    assert!(moves.is_empty() && ends.len() == 1);
    assert!(!batches_drags(1) && batches_drags(PROTOCOL_VERSION));
    assert_eq!((OLDEST_PROTOCOL_VERSION, PROTOCOL_VERSION), (1, 2));
}

#[test]
fn a_cluster_or_storage_error_closes_and_says_when_to_come_back() {
    let elsewhere = ProtocolError::Elsewhere { retry_ms: 1500 };
    assert!(elsewhere.is_fatal() && ProtocolError::StorageUnavailable.is_fatal());
    assert_eq!(elsewhere.retry_after_ms(), Some(1500));
    assert_eq!(ProtocolError::StorageUnavailable.retry_after_ms(), None);
    assert_eq!(
        ServerMsg::Error { error: elsewhere }.encode(),
        r#"{"type":"error","error":{"code":"elsewhere","retry_ms":1500}}"#
    );
    assert_eq!(
        ServerMsg::decode(r#"{"type":"error","error":{"code":"storage_unavailable"}}"#).unwrap(),
        ServerMsg::Error {
            error: ProtocolError::StorageUnavailable
        }
    );
}
