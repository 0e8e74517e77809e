//! The room under test, driven in process as its task drives it, and one valid message of every
//! kind to start mutating from.

use crate::room::hub::{ConnId, Frame, Hub, RoomMsg};
use koersbord_shared::Strength;
use koersbord_shared::domain::{Board, DotRef, Drive, ParticipantId, Phase, Pillar, Side, Zone};
use koersbord_shared::protocol::{ClientMsg, Invite, PROTOCOL_VERSION, Role, ServerMsg};
use koersbord_shared::room::{
    ActionDraft, ActionId, Command, Event, InsightId, Need, RoomState, Setup,
};
use std::collections::HashMap;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const FACILITATOR: ConnId = 1;
const SCREEN: ConnId = 2;
/// Anna, Bart and Cor, who join in this order: participants 1, 2 and 3.
const PARTICIPANTS: [ConnId; 3] = [3, 4, 5];
/// Holds the join link but has not joined.
const GUEST: ConnId = 6;
pub(super) const EVERYONE: [ConnId; 6] = [FACILITATOR, SCREEN, 3, 4, 5, GUEST];
/// Participants twice, as they have the most to try.
pub(super) const NOT_THE_FACILITATOR: [ConnId; 8] = [SCREEN, 3, 4, 5, 3, 4, 5, GUEST];

fn setup() -> Setup {
    Setup {
        title: "Koers".into(),
        ambition: "Samen leren".into(),
        goals: ["Een".into(), "Twee".into()],
    }
}

/// A room with content on every board, driven as its task drives it.
pub(super) struct Room {
    hub: Hub,
    queues: HashMap<ConnId, mpsc::Receiver<Frame>>,
    /// Who each connection is, from the `joined` frames it got.
    pub(super) you: HashMap<ConnId, ParticipantId>,
    /// Every event committed, as stored.
    stored: Vec<String>,
    pub(super) now: u64,
}

impl Room {
    /// Three participants with dots on both boards, two insight cards, actions by the facilitator
    /// and by two participants, a reflection; then the step `phase` with a running timer and the
    /// given switches.
    pub(super) fn new(phase: Phase, hidden: bool, locked: bool) -> Room {
        let invite = Invite {
            join_key: "jk".into(),
            join_code: "ABCDEF".into(),
            screen_key: None,
        };
        let mut room = Room {
            hub: Hub::new(
                "room".into(),
                invite,
                RoomState::new(setup()),
                HashMap::new(),
            ),
            queues: HashMap::new(),
            you: HashMap::new(),
            stored: Vec::new(),
            now: 1_000_000,
        };
        for conn in EVERYONE {
            let role = match conn {
                FACILITATOR => Role::Facilitator,
                SCREEN => Role::Screen,
                _ => Role::Participant,
            };
            let (out, rx) = mpsc::channel(256);
            room.queues.insert(conn, rx);
            room.handle(RoomMsg::Connect {
                conn,
                protocol_version: PROTOCOL_VERSION,
                role,
                participant_key: None,
                preview: false,
                out,
                kick: CancellationToken::new(),
            });
        }
        let (anna, bart, cor) = (PARTICIPANTS[0], PARTICIPANTS[1], PARTICIPANTS[2]);
        for (conn, name, side) in [
            (anna, "Anna", Side::Network),
            (bart, "Bart", Side::Management),
            (cor, "Cor", Side::Network),
        ] {
            let name = name.into();
            room.ok(conn, Command::Join { name, side });
        }
        let f = FACILITATOR;
        room.ok(f, go(Phase::Drives));
        for (i, conn) in PARTICIPANTS.into_iter().enumerate() {
            for drive in &Drive::ALL[i..i + 3] {
                let zone = Some(Zone::ALL[i % Zone::ALL.len()]);
                room.ok(
                    conn,
                    Command::PlaceDrive {
                        drive: *drive,
                        zone,
                    },
                );
            }
        }
        room.ok(f, go(Phase::Pillars));
        for (i, conn) in PARTICIPANTS.into_iter().enumerate() {
            for pillar in &Pillar::ALL[i..i + 3] {
                let strength = Strength::new(20 * i as u8 + 10);
                room.ok(
                    conn,
                    Command::PlacePillar {
                        pillar: *pillar,
                        strength,
                    },
                );
            }
        }
        for (text, about) in [("Tijd", Some(Need::Pillar(Pillar::Time))), ("Samen", None)] {
            let text = text.into();
            room.ok(f, Command::AddInsight { text, about });
        }
        room.ok(f, go(Phase::Actions));
        for (conn, owner) in [(f, 1), (anna, 1), (bart, 2)] {
            let action = draft("Plan", &[owner]);
            room.ok(conn, Command::AddAction { action });
        }
        room.ok(f, go(Phase::Close));
        room.ok(
            anna,
            Command::SetReflection {
                text: "Goed".into(),
            },
        );
        if phase != Phase::Close {
            room.ok(f, go(phase));
        }
        room.ok(f, Command::StartTimer);
        let (board, revealed) = (Board::Drives, !hidden);
        room.ok(f, Command::SetRevealed { board, revealed });
        room.ok(
            f,
            Command::SetLocked {
                board: Board::Pillars,
                locked,
            },
        );
        room
    }

    /// Handles one message as the room's task does; true when it left changes to store.
    pub(super) fn handle(&mut self, msg: RoomMsg) -> bool {
        self.now += 1_000;
        self.hub.handle(msg, self.now);
        let changes = self.hub.take_unsaved();
        let any = changes.is_some();
        if let Some(changes) = changes {
            self.stored
                .extend(changes.events.into_iter().map(|(_, json)| json));
        }
        self.hub.release_drags_if_due(self.now);
        self.hub.flush();
        any
    }

    /// What each connection received since the last drain.
    pub(super) fn drain(&mut self) -> HashMap<ConnId, Vec<ServerMsg>> {
        let mut all = HashMap::new();
        for (&conn, rx) in &mut self.queues {
            let mut got = Vec::new();
            while let Ok(frame) = rx.try_recv() {
                let msg = ServerMsg::decode(&frame).expect("the server sends readable frames");
                if let ServerMsg::Joined { you, .. } = &msg {
                    self.you.insert(conn, *you);
                }
                got.push(msg);
            }
            all.insert(conn, got);
        }
        all
    }

    /// A command that must pass (setting the room up).
    fn ok(&mut self, conn: ConnId, command: Command) {
        let desc = format!("{command:?}");
        self.handle(RoomMsg::Command {
            conn,
            id: 0,
            op: None,
            command,
        });
        let got = self.drain().remove(&conn).unwrap_or_default();
        assert!(
            got.iter().any(|m| matches!(m, ServerMsg::Ack { .. })),
            "setting up: {desc} got {got:?}"
        );
    }

    pub(super) fn state(&self) -> &RoomState {
        self.hub.state()
    }

    /// The stored events, replayed onto a fresh room: what a restart would load.
    pub(super) fn replayed(&self) -> RoomState {
        let mut state = RoomState::new(setup());
        for json in &self.stored {
            serde_json::from_str::<Event>(json)
                .expect("stored events read back")
                .apply_to(&mut state);
        }
        state
    }
}

pub(super) fn go(phase: Phase) -> Command {
    Command::GoToPhase { phase }
}

pub(super) fn draft(what: &str, owners: &[u32]) -> ActionDraft {
    ActionDraft {
        what: what.into(),
        owners: owners.iter().copied().map(ParticipantId).collect(),
        other_owner: String::new(),
        due: Some("2026-06-01".into()),
        answers: Some(Need::Insight(InsightId(1))),
    }
}

/// One valid message of every kind, with ids that exist in [`Room::new`]'s room.
pub(super) fn corpus() -> Vec<ClientMsg> {
    let p1 = ParticipantId(1);
    let mut commands = vec![
        Command::Join {
            name: "Dirk".into(),
            side: Side::Management,
        },
        Command::RemoveParticipant { id: p1 },
        Command::EditSetup {
            title: "Nieuw".into(),
            ambition: "Anders".into(),
            goals: ["A".into(), "B".into()],
        },
        go(Phase::Drives),
        Command::StartTimer,
        Command::PauseTimer,
        Command::AdjustTimer { delta_ms: 60_000 },
        Command::ResetTimer,
        Command::PlaceDrive {
            drive: Drive::Impact,
            zone: Some(Zone::Necessary),
        },
        Command::PlacePillar {
            pillar: Pillar::Time,
            strength: Strength::new(70),
        },
        Command::SetLocked {
            board: Board::Drives,
            locked: true,
        },
        Command::SetRevealed {
            board: Board::Pillars,
            revealed: false,
        },
        Command::SetResultsShown {
            board: Board::Drives,
            shown: true,
        },
        Command::AddInsight {
            text: "Inzicht".into(),
            about: Some(Need::Goal(1)),
        },
        Command::EditInsight {
            id: InsightId(1),
            text: "Anders".into(),
            about: Some(Need::Drive(Drive::Meaning)),
        },
        Command::RemoveInsight { id: InsightId(2) },
        Command::AddAction {
            action: draft("Doen", &[1, 2]),
        },
        Command::EditAction {
            id: ActionId(1),
            action: draft("Anders doen", &[1]),
        },
        Command::RemoveAction { id: ActionId(2) },
        Command::SetReflection {
            text: "Mooi".into(),
        },
    ];
    let mut msgs: Vec<ClientMsg> = commands
        .drain(..)
        .enumerate()
        .map(|(i, command)| ClientMsg::Command {
            id: i as u64,
            op: None,
            command,
        })
        .collect();
    let dot = DotRef::Pillar(Pillar::Autonomy);
    msgs.extend([
        ClientMsg::Hello {
            protocol_version: PROTOCOL_VERSION,
            room: "room".into(),
            key: "0123456789abcdef0123456789abcdef".into(),
            participant_key: Some("k".into()),
            preview: false,
        },
        ClientMsg::Drag {
            dot,
            x: 0.5,
            y: 0.25,
        },
        ClientMsg::DragEnd { dot },
        ClientMsg::Ping { nonce: 7 },
    ]);
    msgs
}
