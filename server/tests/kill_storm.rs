//! kill -9 storm: the real binary under live traffic from 8 participants and a facilitator is
//! killed at a random moment, 20 times over, and restarted on the same database each time.
//! After every kill: each acknowledged change is there (or a change sent after it), nobody is
//! duplicated, the stored events are numbered 1..n without gaps, and the room a client is welcomed
//! into is exactly the replay of the stored events (so no event was applied twice).
//!
//! The run is random; its seed is printed and `KOERSBORD_STORM_SEED` replays it.

mod common;

use common::binary::Binary;
use common::{Client, hello};
use futures_util::{SinkExt, StreamExt};
use koersbord_shared::protocol::{ClientMsg, ServerMsg, SessionCreated};
use koersbord_shared::room::{Command, Event, RoomState, Setup};
use koersbord_shared::{DotRef, Drive, ParticipantId, Phase, Pillar, Side, Strength, Zone};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

const CYCLES: usize = 20;

/// One participant's dot and where it lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Dot {
    Drive(Drive),
    Pillar(Pillar),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Val {
    Zone(Option<Zone>),
    Strength(Option<Strength>),
}

fn value_in(state: &RoomState, who: ParticipantId, dot: Dot) -> Val {
    let p = &state.participants[&who];
    match dot {
        Dot::Drive(d) => Val::Zone(p.drives.get(&d).copied()),
        Dot::Pillar(pl) => Val::Strength(p.pillars.get(&pl).copied()),
    }
}

/// What one connection sent and heard during a cycle.
#[derive(Default)]
struct Log {
    /// Every command, in the order sent: its id and what it asks for.
    sent: Vec<(u64, Intent)>,
    /// Command id → the room's seq in its ack.
    acked: HashMap<u64, u64>,
    /// The step the room is in, as last heard.
    phase: Option<Phase>,
}

#[derive(Clone, Copy, Debug)]
enum Intent {
    Place(Dot, Val),
    Phase(Phase),
}

impl Intent {
    fn command(self) -> Command {
        match self {
            Intent::Place(Dot::Drive(drive), Val::Zone(zone)) => {
                Command::PlaceDrive { drive, zone }
            }
            Intent::Place(Dot::Pillar(pillar), Val::Strength(strength)) => {
                Command::PlacePillar { pillar, strength }
            }
            Intent::Phase(phase) => Command::GoToPhase { phase },
            other => unreachable!("{other:?}"),
        }
    }
}

/// Reads until the socket dies, logging acks and the phase, checking that seqs only grow.
async fn listen(
    mut stream: futures_util::stream::SplitStream<common::Socket>,
    log: Arc<Mutex<Log>>,
) {
    let (mut last_event, mut last_ack) = (0, 0);
    while let Some(Ok(frame)) = stream.next().await {
        let Message::Text(text) = frame else { continue };
        match common::decode_server_msg(&text) {
            ServerMsg::Event { seq, event } => {
                assert!(seq > last_event, "event seq {seq} after {last_event}");
                last_event = seq;
                if let Event::PhaseChanged { phase, .. } = event {
                    log.lock().unwrap().phase = Some(phase);
                }
            }
            ServerMsg::Ack { id, seq } => {
                assert!(seq >= last_ack.max(last_event), "ack seq {seq} went back");
                last_ack = seq;
                log.lock().unwrap().acked.insert(id, seq);
            }
            _ => {}
        }
    }
}

/// A participant's traffic: drops on the board of the current step (and sometimes the other),
/// drags in between, until `stop`.
async fn participant(client: Client, log: Arc<Mutex<Log>>, seed: u64, stop: CancellationToken) {
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut sink, stream) = client.ws.split();
    let listening = tokio::spawn(listen(stream, log.clone()));
    let mut id = 0;
    while !stop.is_cancelled() {
        tokio::time::sleep(Duration::from_millis(rng.random_range(4..14))).await;
        let pillars = log.lock().unwrap().phase == Some(Phase::Pillars);
        let drive = Drive::ALL[rng.random_range(0..8)];
        let pillar = Pillar::ALL[rng.random_range(0..8)];
        let msg = if rng.random_bool(0.4) {
            let dot = if pillars {
                DotRef::Pillar(pillar)
            } else {
                DotRef::Drive(drive)
            };
            let (x, y) = (rng.random(), rng.random());
            ClientMsg::Drag { dot, x, y }
        } else {
            id += 1;
            let intent = if pillars ^ rng.random_bool(0.1) {
                let strength = rng
                    .random_bool(0.9)
                    .then(|| Strength::new(rng.random_range(0..=100)).unwrap());
                Intent::Place(Dot::Pillar(pillar), Val::Strength(strength))
            } else {
                let zone = rng
                    .random_bool(0.9)
                    .then(|| Zone::ALL[rng.random_range(0..3)]);
                Intent::Place(Dot::Drive(drive), Val::Zone(zone))
            };
            // Logged before sending: once it may have left, it may have been applied.
            log.lock().unwrap().sent.push((id, intent));
            ClientMsg::Command {
                id,
                op: None,
                command: intent.command(),
            }
        };
        if sink.send(Message::text(msg.encode())).await.is_err() {
            break;
        }
    }
    listening.await.unwrap();
}

/// The facilitator's traffic: the first step at once, the other half-way.
async fn facilitator(client: Client, log: Arc<Mutex<Log>>, steps: [Phase; 2], halfway: Duration) {
    let (mut sink, stream) = client.ws.split();
    let listening = tokio::spawn(listen(stream, log.clone()));
    for (i, phase) in steps.into_iter().enumerate() {
        let id = i as u64 + 1;
        log.lock().unwrap().sent.push((id, Intent::Phase(phase)));
        let msg = ClientMsg::Command {
            id,
            op: None,
            command: Command::GoToPhase { phase },
        };
        if sink.send(Message::text(msg.encode())).await.is_err() {
            break;
        }
        tokio::time::sleep(halfway).await;
    }
    listening.await.unwrap();
}

/// What may be there after the kill: the last acknowledged value or anything sent after it;
/// with nothing acknowledged, also what was there before. `None` when nothing was sent.
fn allowed<T: Copy>(
    sent: &[(u64, T)],
    acked: &HashMap<u64, u64>,
    before: T,
) -> Option<(Vec<T>, bool)> {
    if sent.is_empty() {
        return None;
    }
    match sent.iter().rposition(|(id, _)| acked.contains_key(id)) {
        Some(last) => Some((sent[last..].iter().map(|(_, v)| *v).collect(), true)),
        None => Some((
            std::iter::once(before)
                .chain(sent.iter().map(|(_, v)| *v))
                .collect(),
            false,
        )),
    }
}

/// The room as the database holds it: its events replayed, after checking they run 1..n.
fn replay_from_disk(db: &Path, room: &str) -> RoomState {
    let conn = rusqlite::Connection::open(db).unwrap();
    let setup: String = conn
        .query_row("SELECT setup FROM sessions WHERE room = ?1", [room], |r| {
            r.get(0)
        })
        .unwrap();
    let mut state = RoomState::new(serde_json::from_str::<Setup>(&setup).unwrap());
    let mut rows = conn
        .prepare("SELECT seq, event FROM events WHERE room = ?1 ORDER BY seq")
        .unwrap();
    let events = rows
        .query_map([room], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .unwrap();
    for (i, row) in events.enumerate() {
        let (seq, json) = row.unwrap();
        assert_eq!(
            seq,
            i as i64 + 1,
            "stored seqs run 1, 2, 3, ... without gaps"
        );
        serde_json::from_str::<Event>(&json)
            .unwrap()
            .apply_to(&mut state);
    }
    state
}

struct People {
    session: SessionCreated,
    /// Participant id → participant key.
    keys: BTreeMap<ParticipantId, String>,
}

async fn set_up(server: &Binary) -> People {
    let session = common::create_session(server.addr).await;
    let url = server.ws_url();
    let mut keys = BTreeMap::new();
    for i in 0..8 {
        let (mut c, _) = hello(&url, &session.room, &session.join_key, None).await;
        let (you, participant_key) = c.join(&format!("P{i}"), Side::ALL[i % 2]).await;
        keys.insert(you, participant_key);
    }
    People { session, keys }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_changes_survive_twenty_kill_9s() {
    let seed = std::env::var("KOERSBORD_STORM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random::<u64>());
    println!("kill storm seed {seed} (KOERSBORD_STORM_SEED={seed} replays it)");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let mut server = Binary::start(&db).await;
    let people = set_up(&server).await;
    let room = &people.session.room;
    let (mut kills, mut checked, mut acks, mut commands) = (0, 0, 0, 0);
    let mut expected: Option<(RoomState, Vec<String>)> = None;

    for cycle in 0..=CYCLES {
        let url = server.ws_url();
        let (f, welcome) = hello(&url, room, &people.session.facilitator_key, None).await;
        let before = common::state_of(&welcome).clone();
        if let Some((stored, problems)) = expected.take() {
            assert!(problems.is_empty(), "cycle {cycle}: {problems:#?}");
            assert_eq!(
                before, stored,
                "cycle {cycle}: the welcome is the replay of the stored events"
            );
        }
        assert_eq!(
            before.participants.len(),
            8,
            "cycle {cycle}: nobody duplicated or lost"
        );
        let mut clients = Vec::new();
        for (id, key) in &people.keys {
            let (c, welcome) = hello(&url, room, &people.session.join_key, Some(key)).await;
            assert!(matches!(&welcome, ServerMsg::Welcome { you: Some(you), .. } if you == id));
            clients.push((*id, c));
        }
        if cycle == CYCLES {
            break;
        }

        // Traffic, then a kill at a random moment in it.
        let kill_at = Duration::from_millis(rng.random_range(300..900));
        let steps = if cycle % 2 == 0 {
            [Phase::Drives, Phase::Pillars]
        } else {
            [Phase::Pillars, Phase::Drives]
        };
        let stop = CancellationToken::new();
        let f_log = Arc::new(Mutex::new(Log {
            phase: Some(before.phase),
            ..Log::default()
        }));
        let mut tasks = vec![tokio::spawn(facilitator(
            f,
            f_log.clone(),
            steps,
            kill_at / 2,
        ))];
        let mut logs = Vec::new();
        for (id, c) in clients {
            let log = Arc::new(Mutex::new(Log {
                phase: Some(before.phase),
                ..Log::default()
            }));
            logs.push((id, log.clone()));
            tasks.push(tokio::spawn(participant(
                c,
                log,
                rng.random(),
                stop.clone(),
            )));
        }
        tokio::time::sleep(kill_at).await;
        server.kill();
        kills += 1;
        stop.cancel();
        for t in tasks {
            t.await.expect("a client's checks failed");
        }

        // What the disk holds, and what each client's acks promise of it.
        let stored = replay_from_disk(&db, room);
        let mut problems = Vec::new();
        let f_log = std::mem::take(&mut *f_log.lock().unwrap());
        let phases: Vec<(u64, Phase)> = f_log
            .sent
            .iter()
            .map(|(id, i)| match i {
                Intent::Phase(p) => (*id, *p),
                Intent::Place(..) => unreachable!(),
            })
            .collect();
        if let Some((ok, _)) = allowed(&phases, &f_log.acked, before.phase)
            && !ok.contains(&stored.phase)
        {
            problems.push(format!("phase {:?}, expected one of {ok:?}", stored.phase));
        }
        for (who, log) in &logs {
            let log = log.lock().unwrap();
            commands += log.sent.len();
            acks += log.acked.len();
            if let Some(seq) = log.acked.values().max() {
                assert!(
                    *seq <= stored.seq,
                    "acked seq {seq}, only {} stored",
                    stored.seq
                );
            }
            let mut by_dot: BTreeMap<Dot, Vec<(u64, Val)>> = BTreeMap::new();
            for (id, intent) in &log.sent {
                if let Intent::Place(dot, val) = intent {
                    by_dot.entry(*dot).or_default().push((*id, *val));
                }
            }
            for (dot, sent) in by_dot {
                let now = value_in(&stored, *who, dot);
                let Some((ok, was_acked)) =
                    allowed(&sent, &log.acked, value_in(&before, *who, dot))
                else {
                    continue;
                };
                checked += usize::from(was_acked);
                if !ok.contains(&now) {
                    problems.push(format!("{who} {dot:?} is {now:?}, expected one of {ok:?}"));
                }
            }
        }
        expected = Some((stored, problems));
        server = Binary::start(&db).await;
    }
    println!(
        "kill storm: {kills} kills survived, {checked} acknowledged changes checked \
         ({acks} acks of {commands} commands sent)"
    );
    assert_eq!(kills, CYCLES);
    assert!(
        checked > CYCLES * 10,
        "too little traffic to prove anything: {checked}"
    );
}
