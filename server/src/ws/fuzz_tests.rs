//! Hostile input through the server's own path, in process and synchronous: text →
//! `ClientMsg::decode` → `connection::route` → the room's `Hub`, whose changes are "committed" at
//! once (a store that never fails). Property tests, a few seconds in all:
//! - arbitrary bytes, JSON-ish text, and valid messages mutated (fields changed, removed, added or
//!   retagged; huge, negative and fractional numbers, NaN-like tokens, control characters and odd
//!   unicode, deep nesting, truncation, oversize) never panic, every refusal leaves the room exactly
//!   as it was and tells nobody anything, and the stored events replay to the room's state;
//! - no sequence of commands by anyone but the facilitator changes the step, the timer, the boards'
//!   switches, the texts, the insight cards or the facilitator's actions, and nobody changes another
//!   participant's dots, reflection or actions.
//!
//! The shared crate proves the same rules over `decide` alone; these go through what the server
//! adds around it: decoding, routing by connection, the hub's bookkeeping of who is who.

use super::connection::{Route, route};
use crate::room::hub::{ConnId, Frame, Hub, RoomMsg};
use koersbord_shared::Strength;
use koersbord_shared::domain::{Board, DotRef, Drive, ParticipantId, Phase, Pillar, Side, Zone};
use koersbord_shared::protocol::{
    ClientMsg, Invite, MAX_FRAME_BYTES, PROTOCOL_VERSION, ProtocolError, Role, ServerMsg,
};
use koersbord_shared::room::{
    ActionDraft, ActionId, Command, Event, InsightId, Need, RoomState, Setup,
};
use proptest::prelude::*;
use proptest::sample::select;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::collections::HashMap;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const FACILITATOR: ConnId = 1;
const SCREEN: ConnId = 2;
/// Anna, Bart and Cor, who join in this order: participants 1, 2 and 3.
const PARTICIPANTS: [ConnId; 3] = [3, 4, 5];
/// Holds the join link but has not joined.
const GUEST: ConnId = 6;
const EVERYONE: [ConnId; 6] = [FACILITATOR, SCREEN, 3, 4, 5, GUEST];
/// Participants twice, as they have the most to try.
const NOT_THE_FACILITATOR: [ConnId; 8] = [SCREEN, 3, 4, 5, 3, 4, 5, GUEST];

fn setup() -> Setup {
    Setup {
        title: "Koers".into(),
        ambition: "Samen leren".into(),
        goals: ["Een".into(), "Twee".into()],
    }
}

/// A room with content on every board, driven as its task drives it.
struct Room {
    hub: Hub,
    queues: HashMap<ConnId, mpsc::Receiver<Frame>>,
    /// Who each connection is, from the `joined` frames it got.
    you: HashMap<ConnId, ParticipantId>,
    /// Every event committed, as stored.
    stored: Vec<String>,
    now: u64,
}

impl Room {
    /// Three participants with dots on both boards, two insight cards, actions by the facilitator
    /// and by two participants, a reflection; then the step `phase` with a running timer and the
    /// given switches.
    fn new(phase: Phase, hidden: bool, locked: bool) -> Room {
        let invite = Invite {
            join_key: "jk".into(),
            join_code: "ABCDEF".into(),
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
                role,
                participant_key: None,
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
    fn handle(&mut self, msg: RoomMsg) -> bool {
        self.now += 1_000;
        self.hub.handle(msg, self.now);
        let changes = self.hub.take_unsaved();
        let any = changes.is_some();
        if let Some(changes) = changes {
            self.stored
                .extend(changes.events.into_iter().map(|(_, json)| json));
        }
        self.hub.flush();
        any
    }

    /// What each connection received since the last drain.
    fn drain(&mut self) -> HashMap<ConnId, Vec<ServerMsg>> {
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
            command,
        });
        let got = self.drain().remove(&conn).unwrap_or_default();
        assert!(
            got.iter().any(|m| matches!(m, ServerMsg::Ack { .. })),
            "setting up: {desc} got {got:?}"
        );
    }

    fn state(&self) -> &RoomState {
        self.hub.state()
    }

    /// The stored events, replayed onto a fresh room: what a restart would load.
    fn replayed(&self) -> RoomState {
        let mut state = RoomState::new(setup());
        for json in &self.stored {
            serde_json::from_str::<Event>(json)
                .expect("stored events read back")
                .apply_to(&mut state);
        }
        state
    }
}

fn go(phase: Phase) -> Command {
    Command::GoToPhase { phase }
}

fn draft(what: &str, owners: &[u32]) -> ActionDraft {
    ActionDraft {
        what: what.into(),
        owners: owners.iter().copied().map(ParticipantId).collect(),
        other_owner: String::new(),
        due: Some("2026-06-01".into()),
        answers: Some(Need::Insight(InsightId(1))),
    }
}

/// One valid message of every kind, with ids that exist in [`Room::new`]'s room.
fn corpus() -> Vec<ClientMsg> {
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

/// Values a hostile client might put anywhere.
fn nasty(rng: &mut StdRng) -> Value {
    let strings = [
        "",
        "   ",
        "\u{0}",
        "\u{7}",
        "a\nb",
        "a\r\nb",
        "\u{1b}[31m",
        "\u{202e}gnp.exe",
        "\u{200b}",
        "\u{feff}x",
        "<script>alert(1)</script>",
        "'; DROP TABLE sessions; --",
        "../../etc/passwd",
        "NaN",
        "Infinity",
        "facilitator",
        "participant",
        "2026-02-30",
        "9999-12-31",
        "impact",
        "network",
        "drives",
        "necessary",
    ];
    match rng.random_range(0..12) {
        0 => json!(pick(rng, &strings)),
        1 => json!("😀".repeat(rng.random_range(1..700))),
        2 => json!("é".repeat(rng.random_range(1..700))),
        3 => json!(pick(
            rng,
            &[
                json!(0),
                json!(-1),
                json!(1),
                json!(100),
                json!(101),
                json!(255),
                json!(256),
                json!(u32::MAX),
                json!(u64::from(u32::MAX) + 1),
                json!(u64::MAX),
                json!(i64::MIN),
                json!(i64::MAX),
            ]
        )),
        4 => json!(pick(
            rng,
            &[
                1e308,
                -1e308,
                0.5,
                -0.0,
                1e-320,
                1.5,
                0.999_999_9,
                1.000_000_1
            ]
        )),
        5 => Value::Null,
        6 => json!(rng.random_bool(0.5)),
        7 => json!([]),
        8 => json!({}),
        9 => json!({"kind": pick(rng, &["insight", "goal", "drive", "ambition", "x"]), "item": 1}),
        10 => {
            // Deeper than serde_json reads (128), or not.
            let mut v = json!(1);
            for _ in 0..rng.random_range(1..200) {
                v = if rng.random_bool(0.5) {
                    json!([v])
                } else {
                    json!({ "a": v })
                };
            }
            v
        }
        _ => json!(rng.random::<i64>()),
    }
}

fn pick<T: Clone>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())].clone()
}

/// Every `type` tag a message or command has, and near misses.
const TAGS: &[&str] = &[
    "hello",
    "command",
    "drag",
    "drag_end",
    "ping",
    "welcome",
    "event",
    "join",
    "remove_participant",
    "edit_setup",
    "go_to_phase",
    "start_timer",
    "pause_timer",
    "adjust_timer",
    "reset_timer",
    "place_drive",
    "place_pillar",
    "set_locked",
    "set_revealed",
    "set_results_shown",
    "add_insight",
    "edit_insight",
    "remove_insight",
    "add_action",
    "edit_action",
    "remove_action",
    "set_reflection",
    "Command",
    "PLACE_DRIVE",
    "place_drive ",
    "",
];

/// Keys a client might add hoping the server believes them.
const SNEAKY_KEYS: &[&str] = &[
    "by",
    "participant",
    "role",
    "actor",
    "author",
    "you",
    "id",
    "type",
    "seq",
    "__proto__",
];

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Idx(usize),
}

/// Every node's path, the root's (empty) first.
fn paths(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    out.push(at.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                at.push(Seg::Key(k.clone()));
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(Seg::Idx(i));
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node<'a>(v: &'a mut Value, path: &[Seg]) -> &'a mut Value {
    path.iter().fold(v, |v, seg| match seg {
        Seg::Key(k) => &mut v[k.as_str()],
        Seg::Idx(i) => &mut v[*i],
    })
}

/// Changes one thing in a message, as a hostile or broken client would.
fn mutate(v: &mut Value, rng: &mut StdRng) {
    let mut all = Vec::new();
    paths(v, &mut Vec::new(), &mut all);
    let path = pick(rng, &all);
    match rng.random_range(0..5) {
        // Any field (or the whole message) becomes something nasty.
        0 | 1 => *node(v, &path) = nasty(rng),
        // A field goes missing.
        2 => {
            if let Some((Seg::Key(k), parent)) = path.split_last()
                && let Value::Object(map) = node(v, parent)
            {
                map.remove(k);
            }
        }
        // A field is added, often one naming someone.
        3 => {
            let objects: Vec<_> = all
                .iter()
                .filter(|p| node(v, p).is_object())
                .cloned()
                .collect();
            if !objects.is_empty() {
                let at = pick(rng, &objects);
                let key = pick(rng, SNEAKY_KEYS).to_string();
                let value = if rng.random_bool(0.5) {
                    json!(pick(rng, &[1, 2, 3]))
                } else {
                    nasty(rng)
                };
                node(v, &at)[key.as_str()] = value;
            }
        }
        // A message or command takes another's tag, keeping its fields.
        _ => {
            let tagged: Vec<_> = all
                .iter()
                .filter(|p| node(v, p).get("type").is_some())
                .cloned()
                .collect();
            if !tagged.is_empty() {
                let at = pick(rng, &tagged);
                node(v, &at)["type"] = json!(pick(rng, TAGS));
            }
        }
    }
}

/// Changes the text itself: numbers JSON has no word for, cuts, junk, a repeated tag, oversize.
fn mutate_text(text: &mut String, rng: &mut StdRng) {
    let boundary = |text: &str, rng: &mut StdRng| {
        let mut at = rng.random_range(0..=text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    match rng.random_range(0..5) {
        0 => {
            if let Some(start) = text.find(|c: char| c.is_ascii_digit()) {
                let len = text[start..]
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(text.len() - start);
                let token = pick(
                    rng,
                    &[
                        "NaN",
                        "Infinity",
                        "-Infinity",
                        "1e999",
                        "-1e999",
                        "0x1F",
                        "01",
                        "1.0",
                        "-0",
                        "18446744073709551616",
                        "340282366920938463463374607431768211456",
                        "1e400",
                        "+1",
                    ],
                );
                text.replace_range(start..start + len, token);
            }
        }
        1 => {
            let at = boundary(text, rng);
            text.truncate(at);
        }
        2 => {
            let at = boundary(text, rng);
            let junk = pick(
                rng,
                &["\"", "}", "{", ",", "\\", "\u{0}", "\\ud800", "]", ":"],
            );
            text.insert_str(at, junk);
        }
        3 => {
            if let Some(at) = text.find('{') {
                let tag = format!("\"type\":\"{}\",", pick(rng, TAGS));
                text.insert_str(at + 1, &tag);
            }
        }
        _ => {
            if rng.random_bool(0.2) {
                // Past the frame limit: refused before parsing.
                text.push_str(&" ".repeat(MAX_FRAME_BYTES));
            }
        }
    }
}

/// What a hostile frame is made of.
#[derive(Clone, Debug)]
enum Input {
    Bytes(Vec<u8>),
    Text(String),
    /// `corpus()[base]`, mutated by each seed in turn (as a value, then some as text).
    Mutated {
        base: usize,
        seeds: Vec<u64>,
    },
}

impl Input {
    fn render(&self) -> String {
        match self {
            Input::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Input::Text(text) => text.clone(),
            Input::Mutated { base, seeds } => {
                let corpus = corpus();
                let mut v = serde_json::to_value(&corpus[base % corpus.len()]).unwrap();
                let mut text_seeds = Vec::new();
                for &seed in seeds {
                    let mut rng = StdRng::seed_from_u64(seed);
                    if rng.random_bool(0.25) {
                        text_seeds.push(rng);
                    } else {
                        mutate(&mut v, &mut rng);
                    }
                }
                let mut text = v.to_string();
                for mut rng in text_seeds {
                    mutate_text(&mut text, &mut rng);
                }
                text
            }
        }
    }
}

fn input() -> impl Strategy<Value = Input> {
    let json_ish = r#"\{"type":"(command|drag|drag_end|ping|hello)"(,"[a-z_]{1,8}":("[^"\\]{0,10}"|-?[0-9]{1,25}(\.[0-9]{1,5})?(e[+-]?[0-9]{1,4})?|null|true|\[\]|\{\}|\{"type":"[a-z_]{1,20}"\}))*\}"#;
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(Input::Bytes),
        1 => json_ish.prop_map(Input::Text),
        6 => (any::<usize>(), prop::collection::vec(any::<u64>(), 1..4))
            .prop_map(|(base, seeds)| Input::Mutated { base, seeds }),
    ]
}

/// Feeds one frame from `conn` as its socket would (after the rate budget), and checks what a
/// refusal must leave alone.
fn feed(room: &mut Room, conn: ConnId, text: &str) -> Result<(), TestCaseError> {
    let msg = match ClientMsg::decode(text) {
        Ok(msg) => msg,
        Err(ProtocolError::TooLarge { .. }) => {
            prop_assert!(text.len() > MAX_FRAME_BYTES);
            return Ok(());
        }
        Err(ProtocolError::Malformed { .. }) => return Ok(()),
        Err(other) => {
            return Err(TestCaseError::fail(format!("decode gave {other:?}")));
        }
    };
    let before = room.state().clone();
    let msg = match route(msg, conn, room.now) {
        Route::Room(msg) | Route::Drag(msg) => msg,
        Route::Reply(reply) => {
            prop_assert!(
                matches!(
                    *reply,
                    ServerMsg::Pong { .. }
                        | ServerMsg::Error {
                            error: ProtocolError::Malformed { .. }
                        }
                ),
                "{reply:?}"
            );
            return Ok(());
        }
        Route::Nothing => return Ok(()),
    };
    let stored = room.handle(msg);
    let told = room.drain();
    let refused = told[&conn]
        .iter()
        .any(|m| matches!(m, ServerMsg::Rejected { .. }));
    if refused {
        prop_assert_eq!(room.state(), &before, "a refusal changed the room");
        prop_assert!(!stored, "a refusal left something to store");
        for (to, msgs) in &told {
            prop_assert!(
                msgs.iter()
                    .all(|m| !matches!(m, ServerMsg::Event { .. } | ServerMsg::Snapshot { .. })),
                "a refusal told {to} something: {msgs:?}"
            );
        }
    }
    if room.state() != &before {
        prop_assert!(stored, "a change that would not be stored");
    }
    Ok(())
}

fn any_board() -> impl Strategy<Value = Board> {
    select(Board::ALL.to_vec())
}

fn any_need() -> impl Strategy<Value = Need> {
    prop_oneof![
        Just(Need::Ambition),
        (0u8..4).prop_map(Need::Goal),
        select(Drive::ALL.to_vec()).prop_map(Need::Drive),
        select(Pillar::ALL.to_vec()).prop_map(Need::Pillar),
        (0u32..5).prop_map(|i| Need::Insight(InsightId(i))),
    ]
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z ]{0,20}",
        1 => "[\\PC\\x00-\\x1f\\u{202e}\\u{200b}]{0,30}",
    ]
}

fn any_draft() -> impl Strategy<Value = ActionDraft> {
    (
        any_text(),
        prop::collection::vec((0u32..6).prop_map(ParticipantId), 0..3),
        prop_oneof![Just(String::new()), any_text()],
        prop::option::of(select(vec!["2026-05-01", "2026-02-30", "x", ""])),
        prop::option::of(any_need()),
    )
        .prop_map(|(what, owners, other_owner, due, answers)| ActionDraft {
            what,
            owners,
            other_owner,
            due: due.map(String::from),
            answers,
        })
}

/// Any command at all, valid or not, with ids that may or may not exist.
fn any_command() -> impl Strategy<Value = Command> {
    let id = || (0u32..6).prop_map(ParticipantId);
    prop_oneof![
        (any_text(), select(Side::ALL.to_vec()))
            .prop_map(|(name, side)| Command::Join { name, side }),
        id().prop_map(|id| Command::RemoveParticipant { id }),
        (any_text(), any_text(), any_text()).prop_map(|(title, ambition, goal)| {
            Command::EditSetup {
                title,
                ambition,
                goals: [goal, String::new()],
            }
        }),
        select(Phase::ALL.to_vec()).prop_map(go),
        select(vec![
            Command::StartTimer,
            Command::PauseTimer,
            Command::ResetTimer
        ]),
        any::<i64>().prop_map(|delta_ms| Command::AdjustTimer { delta_ms }),
        (
            select(Drive::ALL.to_vec()),
            prop::option::of(select(Zone::ALL.to_vec()))
        )
            .prop_map(|(drive, zone)| Command::PlaceDrive { drive, zone }),
        (select(Pillar::ALL.to_vec()), prop::option::of(0u8..=100)).prop_map(|(pillar, s)| {
            Command::PlacePillar {
                pillar,
                strength: s.and_then(Strength::new),
            }
        }),
        (any_board(), any::<bool>())
            .prop_map(|(board, locked)| Command::SetLocked { board, locked }),
        (any_board(), any::<bool>())
            .prop_map(|(board, revealed)| Command::SetRevealed { board, revealed }),
        (any_board(), any::<bool>())
            .prop_map(|(board, shown)| Command::SetResultsShown { board, shown }),
        (any_text(), prop::option::of(any_need()))
            .prop_map(|(text, about)| Command::AddInsight { text, about }),
        (0u32..5, any_text(), prop::option::of(any_need())).prop_map(|(i, text, about)| {
            Command::EditInsight {
                id: InsightId(i),
                text,
                about,
            }
        }),
        (0u32..5).prop_map(|i| Command::RemoveInsight { id: InsightId(i) }),
        any_draft().prop_map(|action| Command::AddAction { action }),
        (0u32..6, any_draft()).prop_map(|(i, action)| Command::EditAction {
            id: ActionId(i),
            action,
        }),
        (0u32..6).prop_map(|i| Command::RemoveAction { id: ActionId(i) }),
        any_text().prop_map(|text| Command::SetReflection { text }),
    ]
}

/// What a participant may do in some step: moves that often pass, so dots and actions do change.
fn own_move() -> impl Strategy<Value = Command> {
    let owners = prop::collection::vec((1u32..4).prop_map(ParticipantId), 1..3);
    prop_oneof![
        (
            select(Drive::ALL.to_vec()),
            prop::option::of(select(Zone::ALL.to_vec()))
        )
            .prop_map(|(drive, zone)| Command::PlaceDrive { drive, zone }),
        (select(Pillar::ALL.to_vec()), prop::option::of(0u8..=100)).prop_map(|(pillar, s)| {
            Command::PlacePillar {
                pillar,
                strength: s.and_then(Strength::new),
            }
        }),
        "[a-z ]{0,20}".prop_map(|text| Command::SetReflection { text }),
        (owners.clone(), 0u32..3).prop_map(|(owners, n)| Command::AddAction {
            action: ActionDraft {
                owners,
                ..draft(&format!("Actie {n}"), &[])
            }
        }),
        (1u32..7, owners).prop_map(|(i, owners)| Command::EditAction {
            id: ActionId(i),
            action: ActionDraft {
                owners,
                ..draft("Anders", &[])
            }
        }),
        (1u32..7).prop_map(|i| Command::RemoveAction { id: ActionId(i) }),
    ]
}

/// A frame a non-facilitator sends: a well-formed command of any kind, a move of their own, or
/// anything at all.
fn attack() -> impl Strategy<Value = String> {
    let encode = |(id, command)| ClientMsg::Command { id, command }.encode();
    prop_oneof![
        2 => (any::<u64>(), any_command()).prop_map(encode),
        4 => (any::<u64>(), own_move()).prop_map(encode),
        1 => input().prop_map(|i| i.render()),
    ]
}

fn any_step() -> impl Strategy<Value = Phase> {
    select(vec![
        Phase::Drives,
        Phase::Pillars,
        Phase::Actions,
        Phase::Close,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 160,
        ..ProptestConfig::default()
    })]

    #[test]
    fn hostile_frames_never_panic_and_refusals_change_nothing(
        phase in any_step(),
        hidden in any::<bool>(),
        locked in any::<bool>(),
        frames in prop::collection::vec((select(EVERYONE.to_vec()), input()), 1..24),
    ) {
        let mut room = Room::new(phase, hidden, locked);
        for (conn, input) in &frames {
            feed(&mut room, *conn, &input.render())?;
        }
        prop_assert_eq!(&room.replayed(), room.state(), "the store would load another room");
    }

    #[test]
    fn only_the_facilitator_moves_the_step_the_timer_or_the_content_and_dots_only_their_owner(
        phase in any_step(),
        hidden in any::<bool>(),
        locked in any::<bool>(),
        frames in prop::collection::vec((select(NOT_THE_FACILITATOR.to_vec()), attack()), 1..40),
    ) {
        let mut room = Room::new(phase, hidden, locked);
        let start = room.state().clone();
        let facilitators_actions = |s: &RoomState| {
            s.actions.values().filter(|a| a.author.is_none()).cloned().collect::<Vec<_>>()
        };
        for (conn, text) in &frames {
            let actor = room.you.get(conn).copied();
            let before = room.state().clone();
            feed(&mut room, *conn, text)?;
            let after = room.state();
            prop_assert_eq!(after.phase, start.phase);
            prop_assert_eq!(after.timer, start.timer);
            prop_assert_eq!((after.drives_board, after.pillars_board), (start.drives_board, start.pillars_board));
            prop_assert_eq!(&after.setup, &start.setup);
            prop_assert_eq!(&after.insights, &start.insights);
            prop_assert_eq!(facilitators_actions(after), facilitators_actions(&start));
            for (id, p) in &before.participants {
                let q = after.participants.get(id);
                prop_assert!(q.is_some(), "participant {} was removed by {}", id, conn);
                if actor == Some(*id) {
                    continue;
                }
                let q = q.unwrap();
                prop_assert_eq!(&q.drives, &p.drives, "{}'s drives changed by {}", id, conn);
                prop_assert_eq!(&q.pillars, &p.pillars, "{}'s pillars changed by {}", id, conn);
                prop_assert_eq!(after.reflections.get(id), before.reflections.get(id));
                let by = |s: &RoomState| {
                    s.actions.values().filter(|a| a.author == Some(*id)).cloned().collect::<Vec<_>>()
                };
                prop_assert_eq!(by(after), by(&before), "{}'s actions changed by {}", id, conn);
            }
        }
        prop_assert_eq!(&room.replayed(), room.state());
    }
}

/// The mutator does reach what it is meant to: refusals, acceptances and malformed frames.
#[test]
fn the_mutations_reach_every_outcome() {
    let mut rng = StdRng::seed_from_u64(7);
    let (mut malformed, mut decoded, mut too_large) = (0, 0, 0);
    for base in 0..corpus().len() * 20 {
        let seeds = (0..rng.random_range(1..4)).map(|_| rng.random()).collect();
        let text = Input::Mutated { base, seeds }.render();
        match ClientMsg::decode(&text) {
            Ok(_) => decoded += 1,
            Err(ProtocolError::Malformed { .. }) => malformed += 1,
            Err(ProtocolError::TooLarge { .. }) => too_large += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(
        decoded > 50 && malformed > 50 && too_large > 0,
        "{decoded} {malformed} {too_large}"
    );
}
