//! Op tokens over random sequences: a command whose token its sender used before changes nothing
//! and gets the first answer, also after the room was rebuilt from what it stored.

use super::*;
use crate::room::ops::{StoredOp, identity};
use koersbord_shared::room::InsightId;
use proptest::prelude::*;

/// What the room committed, to rebuild it from as a restart does.
#[derive(Default)]
struct Stored {
    events: Vec<Event>,
    keys: Vec<(String, ParticipantId)>,
    ops: Vec<StoredOp>,
}

impl Stored {
    fn keep(&mut self, hub: &mut Hub) {
        if let Some(changes) = hub.take_unsaved() {
            for (_, json) in changes.events {
                self.events.push(serde_json::from_str(&json).unwrap());
            }
            self.keys.extend(changes.participant_keys);
            self.ops.extend(changes.ops);
        }
        hub.flush();
    }

    fn rebuild(&self) -> Hub {
        let mut state = RoomState::new(Setup::default());
        for e in &self.events {
            e.apply_to(&mut state);
        }
        let keys = self.keys.iter().cloned().collect();
        let invite = Invite {
            join_key: "jk".into(),
            join_code: "ABCDEF".into(),
            screen_key: None,
        };
        Hub::new("room1".into(), invite, state, keys).with_ops(self.ops.clone())
    }
}

fn any_command() -> impl Strategy<Value = Command> {
    prop_oneof![
        Just(Command::AddInsight {
            text: "Tijd".into(),
            about: None
        }),
        (-120_000i64..120_000).prop_map(|delta_ms| Command::AdjustTimer { delta_ms }),
        (1u32..4).prop_map(|i| Command::RemoveInsight { id: InsightId(i) }),
        Just(Command::StartTimer),
        Just(Command::Join {
            name: "Anna".into(),
            side: Side::Network
        }),
        Just(Command::GoToPhase {
            phase: Phase::Drives
        }),
    ]
}

/// The answer to command `id` among `msgs`, with the id taken out so answers compare.
fn answer(msgs: &[ServerMsg], id: u64) -> Option<ServerMsg> {
    msgs.iter().find_map(|m| match m {
        ServerMsg::Ack { id: a, seq } if *a == id => Some(ServerMsg::Ack { id: 0, seq: *seq }),
        ServerMsg::Rejected { id: a, reason } if *a == id => Some(ServerMsg::Rejected {
            id: 0,
            reason: reason.clone(),
        }),
        _ => None,
    })
}

proptest! {
    #[test]
    fn a_repeated_op_changes_nothing_and_gets_the_first_answer(
        steps in prop::collection::vec((any::<bool>(), any_command(), prop::option::of(0u8..4), 0u8..20), 1..60),
    ) {
        let mut stored = Stored::default();
        let mut hub = stored.rebuild();
        let connect_all = |hub: &mut Hub, stored: &mut Stored| {
            let f = connect(hub, 1, Role::Facilitator, None, 4096);
            let g = connect(hub, 2, Role::Participant, None, 4096);
            stored.keep(hub);
            (f, g)
        };
        let (mut f, mut g) = connect_all(&mut hub, &mut stored);
        let mut first: HashMap<(String, u8), ServerMsg> = HashMap::new();
        for (id, (by_facilitator, command, op, restart)) in steps.into_iter().enumerate() {
            let id = id as u64 + 10;
            if restart == 0 {
                hub = stored.rebuild();
                (f, g) = connect_all(&mut hub, &mut stored);
            }
            let c = if by_facilitator { &mut f } else { &mut g };
            c.drain();
            let before = hub.state().clone();
            let who = identity(hub.conns[&c.conn].actor);
            hub.handle(RoomMsg::Command { conn: c.conn, id, op: op.map(|o| format!("op-{o}")), command }, NOW);
            stored.keep(&mut hub);
            let got = answer(&c.drain(), id);
            prop_assert!(got.is_some(), "command {} got no answer", id);
            let Some(op) = op else { continue };
            match first.get(&(who.clone(), op)) {
                Some(original) => {
                    prop_assert_eq!(hub.state(), &before, "a resend changed the room");
                    prop_assert_eq!(got.as_ref(), Some(original));
                }
                None => {
                    first.insert((who, op), got.unwrap());
                }
            }
        }
    }
}
