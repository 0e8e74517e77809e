//! The verifying load: per room a screen and 8 participants, through the proxy. Participants drag
//! and drop their drive dots at a steady pace, one command in flight each, every command with an
//! `op` token. Every client comes back after any loss (an `elsewhere`, a `storage_unavailable`, a
//! `shutting_down`, a plain drop or a silent line) with capped, jittered backoff and resends its
//! unanswered command with the same token. What was acked and when each client was connected
//! where is recorded for the checks.

use crate::client::{self, Ws};
use crate::report::{Acked, ClientReport, Placement, Role, Session};
use crate::setup::{RoomKeys, setup_room};
use anyhow::Result;
use futures_util::StreamExt;
use koersbord_shared::DotRef;
use koersbord_shared::protocol::{ClientMsg, ProtocolError, ServerMsg};
use koersbord_shared::room::Command;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

/// A line is dead when nothing came for this long although we ping every second (the protocol's
/// client rule: no frame within ~2 s of a ping).
const SILENT: Duration = Duration::from_millis(2500);
/// After `stop`, how long a client keeps trying to get its last command answered.
const DRAIN: Duration = Duration::from_secs(15);

#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub rooms: usize,
    pub participants: usize,
    /// Time between a participant's ack and its next drop (randomised ±50 %).
    pub pace: Duration,
}

/// The hub each client is on right now (`None` while away), for choosing whom to harm.
type Live = Arc<Mutex<Vec<Option<String>>>>;

pub struct Load {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<ClientReport>>,
    pub rooms: Vec<RoomKeys>,
    live: Live,
}

impl Load {
    /// Sets the rooms up, starts their clients and waits until every one was welcomed.
    pub async fn start(front: SocketAddr, opts: &LoadOptions) -> Result<Load> {
        let mut rooms = Vec::new();
        for i in 0..opts.rooms {
            rooms.push(setup_room(front, i, opts.participants).await?);
        }
        let (stop, stop_rx) = watch::channel(false);
        let live: Live = Arc::default();
        let mut tasks = Vec::new();
        for keys in &rooms {
            let mut specs = vec![(Role::Screen, keys.screen_key.clone(), None)];
            for (id, pkey) in &keys.participants {
                specs.push((
                    Role::Participant(*id),
                    keys.join_key.clone(),
                    Some(pkey.clone()),
                ));
            }
            for (role, key, participant_key) in specs {
                let index = {
                    let mut l = live.lock().unwrap();
                    l.push(None);
                    l.len() - 1
                };
                let client = Client {
                    front,
                    room: keys.room.clone(),
                    key,
                    participant_key,
                    pace: opts.pace,
                    op_prefix: format!("{:016x}", rand::random::<u64>()),
                    next_id: 1,
                    next_n: 0,
                    pending: None,
                    live: live.clone(),
                    index,
                    report: ClientReport {
                        room: keys.room.clone(),
                        role,
                        acked: Vec::new(),
                        pending: None,
                        sessions: Vec::new(),
                        rejected: Vec::new(),
                        errors: Vec::new(),
                        elsewhere: 0,
                    },
                };
                tasks.push(tokio::spawn(client.run(stop_rx.clone())));
            }
        }
        let load = Load {
            stop,
            tasks,
            rooms,
            live,
        };
        let until = Instant::now() + Duration::from_secs(20);
        while load.connected() < load.tasks.len() {
            if Instant::now() > until {
                anyhow::bail!(
                    "only {} of {} clients welcomed",
                    load.connected(),
                    load.tasks.len()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(load)
    }

    pub fn clients(&self) -> usize {
        self.tasks.len()
    }

    pub fn connected(&self) -> usize {
        self.live.lock().unwrap().iter().flatten().count()
    }

    /// How many clients each hub holds now.
    pub fn clients_per_hub(&self) -> BTreeMap<String, usize> {
        let mut per = BTreeMap::new();
        for hub in self.live.lock().unwrap().iter().flatten() {
            *per.entry(hub.clone()).or_default() += 1;
        }
        per
    }

    /// Stops new drops, lets pending ones be answered (up to [`DRAIN`]), and collects the reports.
    pub async fn stop(self) -> Vec<ClientReport> {
        let _ = self.stop.send(true);
        let mut reports = Vec::new();
        for task in self.tasks {
            if let Ok(report) = task.await {
                reports.push(report);
            }
        }
        reports
    }
}

struct Pending {
    id: u64,
    op: String,
    placement: Placement,
}

enum Outcome {
    Done,
    /// Come back, after `retry_ms` when the server named it.
    Retry(Option<u32>),
    Fatal(String),
}

struct Client {
    front: SocketAddr,
    room: String,
    key: String,
    participant_key: Option<String>,
    pace: Duration,
    op_prefix: String,
    next_id: u64,
    next_n: u64,
    pending: Option<Pending>,
    live: Live,
    index: usize,
    report: ClientReport,
}

impl Client {
    async fn run(mut self, mut stop: watch::Receiver<bool>) -> ClientReport {
        let mut attempt = 0u32;
        let mut drain_until = None;
        loop {
            if *stop.borrow() {
                let until = *drain_until.get_or_insert_with(|| Instant::now() + DRAIN);
                if self.pending.is_none() || Instant::now() > until {
                    break;
                }
            }
            let sessions = self.report.sessions.len();
            let outcome = self.connected(&mut stop).await;
            self.live.lock().unwrap()[self.index] = None;
            if let Some(s) = self.report.sessions.last_mut() {
                s.ended.get_or_insert_with(Instant::now);
            }
            if self.report.sessions.len() > sessions {
                attempt = 0;
            }
            let wait = match outcome {
                Outcome::Done => break,
                Outcome::Fatal(e) => {
                    self.report.errors.push(e);
                    break;
                }
                Outcome::Retry(Some(ms)) => {
                    self.report.elsewhere += 1;
                    Duration::from_millis(u64::from(ms) + rand::random::<u64>() % 100)
                }
                Outcome::Retry(None) => {
                    // 50 ms, doubling, capped at 800 ms, each with up to 50 % jitter: a hub's
                    // clients do not come back in one burst, and none waits long.
                    let base = 50u64 << attempt.min(4);
                    attempt += 1;
                    Duration::from_millis(base + rand::random::<u64>() % (base / 2 + 1))
                }
            };
            tokio::time::sleep(wait).await;
        }
        self.report.pending = self.pending.map(|p| p.placement);
        self.report
    }

    /// One connection: hello, resend, then traffic until it ends.
    async fn connected(&mut self, stop: &mut watch::Receiver<bool>) -> Outcome {
        let Ok((mut ws, hub)) = client::connect(self.front, &self.room).await else {
            return Outcome::Retry(None);
        };
        let hello = client::hello(&self.room, &self.key, self.participant_key.as_deref());
        if client::send(&mut ws, &hello).await.is_err() {
            return Outcome::Retry(None);
        }
        loop {
            match client::recv(&mut ws, Duration::from_secs(3)).await {
                Ok(ServerMsg::Welcome { you, .. }) => {
                    if let Role::Participant(id) = self.report.role
                        && you != Some(id)
                    {
                        return Outcome::Fatal(format!("welcomed as {you:?}, not {id:?}"));
                    }
                    break;
                }
                Ok(ServerMsg::Error { error }) => return self.on_error(error),
                Ok(_) => {}
                Err(_) => return Outcome::Retry(None),
            }
        }
        self.report.sessions.push(Session {
            hub: hub.clone(),
            welcomed: Instant::now(),
            ended: None,
        });
        self.live.lock().unwrap()[self.index] = Some(hub);
        if let Some(p) = &mut self.pending {
            // The same token under a new id: answered as the first time if it got in.
            p.id = self.next_id;
            self.next_id += 1;
            let msg = command_msg(p);
            if client::send(&mut ws, &msg).await.is_err() {
                return Outcome::Retry(None);
            }
        }
        self.traffic(&mut ws, stop).await
    }

    async fn traffic(&mut self, ws: &mut Ws, stop: &mut watch::Receiver<bool>) -> Outcome {
        let drops = matches!(self.report.role, Role::Participant(_));
        let mut ping = tokio::time::interval(Duration::from_secs(1));
        let mut heard = Instant::now();
        let mut next_at = Instant::now() + self.jittered_pace();
        loop {
            let stopping = *stop.borrow();
            if stopping && self.pending.is_none() {
                let _ = ws.close(None).await;
                return Outcome::Done;
            }
            let may_drop = drops && !stopping && self.pending.is_none();
            tokio::select! {
                frame = ws.next() => {
                    heard = Instant::now();
                    let text = match frame {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                            return Outcome::Retry(None);
                        }
                        Some(Ok(_)) => continue,
                    };
                    match ServerMsg::decode(&text) {
                        Ok(ServerMsg::Ack { id, seq }) => {
                            if let Some(p) = self.pending.take_if(|p| p.id == id) {
                                self.report.acked.push(Acked { op: p.op, placement: p.placement, seq });
                                next_at = Instant::now() + self.jittered_pace();
                            }
                        }
                        Ok(ServerMsg::Rejected { id, reason }) => {
                            if self.pending.take_if(|p| p.id == id).is_some() {
                                self.report.rejected.push(format!("{reason:?}"));
                            }
                        }
                        Ok(ServerMsg::Error { error }) => return self.on_error(error),
                        Ok(_) => {}
                        Err(e) => self.report.errors.push(format!("undecodable: {e}")),
                    }
                }
                _ = ping.tick() => {
                    if heard.elapsed() > SILENT {
                        // The line is dead (a paused hub, a cut we were not told of): drop it.
                        return Outcome::Retry(None);
                    }
                    let nonce = rand::random::<u32>().into();
                    if client::send(ws, &ClientMsg::Ping { nonce }).await.is_err() {
                        return Outcome::Retry(None);
                    }
                }
                _ = tokio::time::sleep_until(next_at), if may_drop => {
                    if self.drag_and_drop(ws).await.is_err() {
                        return Outcome::Retry(None);
                    }
                }
                _ = stop.changed() => {}
            }
        }
    }

    /// A short drag of the next dot, then its drop as a command with a fresh token.
    async fn drag_and_drop(&mut self, ws: &mut Ws) -> Result<()> {
        let placement = Placement::nth(self.next_n);
        let dot = DotRef::Drive(placement.drive);
        for x in [0.1, 0.3, 0.5] {
            client::send(ws, &ClientMsg::Drag { dot, x, y: 0.5 }).await?;
        }
        client::send(ws, &ClientMsg::DragEnd { dot }).await?;
        let p = Pending {
            id: self.next_id,
            op: format!("{}-{}", self.op_prefix, self.next_n),
            placement,
        };
        self.next_id += 1;
        self.next_n += 1;
        let msg = command_msg(&p);
        // Pending before the send: a send that fails may still have reached the hub.
        self.pending = Some(p);
        client::send(ws, &msg).await
    }

    fn on_error(&mut self, error: ProtocolError) -> Outcome {
        match error {
            ProtocolError::Elsewhere { retry_ms } => Outcome::Retry(Some(retry_ms)),
            ProtocolError::StorageUnavailable | ProtocolError::ShuttingDown => Outcome::Retry(None),
            other => Outcome::Fatal(format!("{other:?}")),
        }
    }

    fn jittered_pace(&self) -> Duration {
        self.pace.mul_f64(0.5 + rand::random::<f64>())
    }
}

fn command_msg(p: &Pending) -> ClientMsg {
    ClientMsg::Command {
        id: p.id,
        op: Some(p.op.clone()),
        command: Command::PlaceDrive {
            drive: p.placement.drive,
            zone: Some(p.placement.zone),
        },
    }
}
