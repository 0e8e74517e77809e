//! Seeded convergence fuzz of a room, in process: simulated clients of every role send random
//! commands (valid and not), drags, disconnect and reconnect, and read only part of their queues;
//! the room is driven as its task drives it (handle a batch, commit, flush) and now and then
//! crashes and is rebuilt from what it committed. Checked throughout and at the end:
//! - every client that reads all it was sent, applying the welcome, then snapshots and events in
//!   order with `Event::apply_to`, holds exactly `state.view_for(itself)`;
//! - sequence numbers only grow on each connection, and the stored ones run 1, 2, 3, ...;
//! - a rebuilt room equals the room as last committed, so nothing acknowledged is ever lost.

mod client;
mod generate;

use super::hub::{ConnId, Hub, RoomMsg};
use crate::store::Changes;
use client::{Client, Link};
use generate::{pick, random_command};
use koersbord_shared::domain::{DotRef, Drive, ParticipantId, Pillar};
use koersbord_shared::protocol::{Invite, Role};
use koersbord_shared::room::{Event, RoomState, Setup};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const SEEDS: u64 = 200;
const STEPS: usize = 500;

fn setup() -> Setup {
    Setup {
        title: "Fuzz".into(),
        ..Setup::default()
    }
}

/// What the runs went through, so a fuzz that stopped exercising anything is noticed.
#[derive(Debug, Default)]
struct Tally {
    events: usize,
    crashes: usize,
    kicks: usize,
    views_checked: usize,
    hidden_views: usize,
    /// Views whose `seq` lagged the room's: events on a hidden board the client may not see.
    lagged: usize,
}

/// The room's share of the database: what a rebuilt room starts from.
#[derive(Default)]
struct Disk {
    events: Vec<(u64, String)>,
    keys: Vec<(String, ParticipantId)>,
}

impl Disk {
    fn commit(&mut self, changes: Changes) {
        for (seq, json) in changes.events {
            assert_eq!(seq, self.events.len() as u64 + 1, "stored seqs run 1, 2, 3");
            self.events.push((seq, json));
        }
        self.keys.extend(changes.participant_keys);
    }

    fn replay(&self) -> RoomState {
        let mut state = RoomState::new(setup());
        for (_, json) in &self.events {
            serde_json::from_str::<Event>(json)
                .expect("stored events read back")
                .apply_to(&mut state);
        }
        state
    }

    fn hub(&self) -> Hub {
        let invite = Invite {
            join_key: "jk".into(),
            join_code: "ABCDEF".into(),
            screen_key: None,
        };
        let keys = self.keys.iter().cloned().collect();
        Hub::new("room".into(), invite, self.replay(), keys)
    }
}

struct World {
    rng: StdRng,
    disk: Disk,
    hub: Hub,
    /// The room as last committed: a rebuilt room must equal it.
    committed: RoomState,
    clients: Vec<Client>,
    inbox: Vec<RoomMsg>,
    next_conn: ConnId,
    now: u64,
    next_id: u64,
    /// Off for the final checks, so they see every client.
    may_crash: bool,
    /// Whether insight, action and reflection commands are drawn too.
    outcomes: bool,
    tally: Tally,
}

impl World {
    fn new(seed: u64) -> World {
        let roles = [
            Role::Facilitator,
            Role::Screen,
            Role::Participant,
            Role::Participant,
            Role::Participant,
            Role::Participant,
            Role::Participant,
        ];
        let disk = Disk::default();
        World {
            rng: StdRng::seed_from_u64(seed),
            hub: disk.hub(),
            committed: disk.replay(),
            disk,
            clients: roles
                .into_iter()
                .map(|role| Client {
                    role,
                    participant_key: None,
                    you: None,
                    state: None,
                    link: None,
                })
                .collect(),
            inbox: Vec::new(),
            next_conn: 0,
            now: 1_000_000,
            next_id: 0,
            may_crash: true,
            outcomes: false,
            tally: Tally::default(),
        }
    }

    fn connect(&mut self, i: usize) {
        self.next_conn += 1;
        let queue = self.rng.random_range(4..64);
        let (out, rx) = mpsc::channel(queue);
        let kick = CancellationToken::new();
        let c = &mut self.clients[i];
        self.inbox.push(RoomMsg::Connect {
            conn: self.next_conn,
            // Both protocols, so drags gathered per tick meet everything v1 connections get.
            protocol_version: 1 + (self.next_conn % 2) as u32,
            role: c.role,
            participant_key: c.participant_key.clone(),
            preview: false,
            out,
            kick: kick.clone(),
        });
        c.link = Some(Link {
            conn: self.next_conn,
            rx,
            kick,
            welcomed: false,
            last_seq: 0,
        });
    }

    fn disconnect(&mut self, i: usize) {
        if let Some(link) = self.clients[i].link.take() {
            self.inbox.push(RoomMsg::Disconnect { conn: link.conn });
        }
    }

    /// What the room's task does with what waits in its inbox. The process may die at any point:
    /// before the commit (the batch is lost) or after it (nobody was told yet).
    fn tick(&mut self) {
        for msg in std::mem::take(&mut self.inbox) {
            self.now += self.rng.random_range(0..500);
            self.hub.handle(msg, self.now);
        }
        if self.may_crash && self.rng.random_bool(0.003) {
            return self.crash();
        }
        if let Some(changes) = self.hub.take_unsaved() {
            self.disk.commit(changes);
        }
        self.committed = self.hub.state().clone();
        if self.may_crash && self.rng.random_bool(0.003) {
            return self.crash();
        }
        self.hub.release_drags_if_due(self.now);
        self.hub.flush();
        // A connection the room dropped for being slow ends; its client must come back.
        for i in 0..self.clients.len() {
            if self.clients[i]
                .link
                .as_ref()
                .is_some_and(|l| l.kick.is_cancelled())
            {
                self.tally.kicks += 1;
                self.disconnect(i);
            }
        }
    }

    /// The process dies: whatever was not committed is gone, every socket with it. What was
    /// already sent may still reach its client, and must be durable.
    fn crash(&mut self) {
        self.tally.crashes += 1;
        self.inbox.clear();
        let durable = self.disk.events.len() as u64;
        for c in &mut self.clients {
            let n = self.rng.random_range(0..64);
            c.read(n, durable);
            c.link = None;
        }
        self.hub = self.disk.hub();
        assert_eq!(
            self.hub.state(),
            &self.committed,
            "a rebuilt room is as committed"
        );
    }

    fn step(&mut self) {
        let i = self.rng.random_range(0..self.clients.len());
        let Some(link) = &self.clients[i].link else {
            // Gone clients come back soon, as the web client does with its backoff.
            if self.rng.random_bool(0.3) {
                self.connect(i);
            }
            return;
        };
        let (conn, welcomed) = (link.conn, link.welcomed);
        match self.rng.random_range(0..1000) {
            0..300 if welcomed => {
                self.next_id += 1;
                let actor = self.clients[i].actor();
                let phase = self.clients[i].state.as_ref().map(|s| s.phase);
                let command = random_command(&mut self.rng, actor, phase, self.outcomes);
                let id = self.next_id;
                self.inbox.push(RoomMsg::Command {
                    conn,
                    id,
                    op: None,
                    command,
                });
            }
            300..400 if welcomed => {
                let dot = if self.rng.random_bool(0.5) {
                    DotRef::Drive(pick(&mut self.rng, &Drive::ALL))
                } else {
                    DotRef::Pillar(pick(&mut self.rng, &Pillar::ALL))
                };
                self.inbox.push(if self.rng.random_bool(0.8) {
                    let (x, y) = (self.rng.random(), self.rng.random());
                    RoomMsg::Drag { conn, dot, x, y }
                } else {
                    RoomMsg::DragEnd { conn, dot }
                });
            }
            400..650 => {
                let n = self.rng.random_range(0..12);
                let durable = self.disk.events.len() as u64;
                self.clients[i].read(n, durable);
            }
            650..960 => self.tick(),
            960..995 => self.disconnect(i),
            995..998 => self.crash(),
            _ => {}
        }
    }

    /// Every client that reads all it was sent holds what the room says it may see.
    fn check_converged(&mut self, when: &str) {
        while !self.inbox.is_empty() || self.hub.take_unsaved().is_some() {
            self.tick();
        }
        self.hub.release_drags(self.now);
        self.hub.flush();
        let durable = self.disk.events.len() as u64;
        for (i, c) in self.clients.iter_mut().enumerate() {
            c.read(usize::MAX, durable);
            let Some(link) = &c.link else { continue };
            if !link.welcomed || link.kick.is_cancelled() {
                continue;
            }
            let expected = self.hub.state().view_for(c.actor());
            let mut seen = c.state.clone().expect("welcomed");
            // Events on a hidden board never reach those who may not see them, so their count may
            // lag (the web client takes the server's `seq` from each event for the same reason).
            assert!(seen.seq <= expected.seq, "{when}: client {i} ahead");
            if seen.seq < expected.seq {
                self.tally.lagged += 1;
            }
            seen.seq = expected.seq;
            assert_eq!(seen, expected, "{when}: client {i}");
            self.tally.views_checked += 1;
            if expected != *self.hub.state() {
                self.tally.hidden_views += 1;
            }
        }
    }

    fn run(&mut self) {
        for i in 0..self.clients.len() {
            self.connect(i);
        }
        for _ in 0..STEPS {
            self.step();
        }
        // Nothing more is sent and no crash comes: what is in flight lands.
        self.may_crash = false;
        self.check_converged("connected");
        // Then everyone resyncs from a fresh welcome.
        for i in 0..self.clients.len() {
            self.disconnect(i);
            self.connect(i);
        }
        self.check_converged("resynced");
        assert_eq!(
            &self.disk.replay(),
            self.hub.state(),
            "the store holds it all"
        );
        assert!(self.hub.state().participants.len() <= 8);
        self.tally.events += self.disk.events.len();
    }
}

fn run_seed(seed: u64) -> Tally {
    run_seed_with(seed, false)
}

fn run_seed_with(seed: u64, outcomes: bool) -> Tally {
    let mut world = World::new(seed);
    world.outcomes = outcomes;
    world.run();
    world.tally
}

#[test]
fn every_client_converges_on_its_view_over_many_seeds() {
    let mut total = Tally::default();
    for seed in 0..SEEDS {
        let tally = match std::panic::catch_unwind(|| run_seed(seed)) {
            Ok(tally) => tally,
            Err(e) => {
                eprintln!("seed {seed} failed: pin it as a named regression test");
                std::panic::resume_unwind(e);
            }
        };
        total.events += tally.events;
        total.crashes += tally.crashes;
        total.kicks += tally.kicks;
        total.views_checked += tally.views_checked;
        total.hidden_views += tally.hidden_views;
        total.lagged += tally.lagged;
    }
    println!("fuzz: {SEEDS} seeds, {total:?}");
    // The runs must have gone through what they are meant to: many events, crashes, slow clients
    // dropped, and views with hidden boards.
    assert!(total.events > SEEDS as usize * 10, "{total:?}");
    assert!(total.crashes > SEEDS as usize / 2, "{total:?}");
    assert!(total.kicks > 0, "{total:?}");
    assert!(total.hidden_views > 0, "{total:?}");
    assert!(total.lagged > 0, "{total:?}");
}

/// The first failure of this fuzz: a shared screen's `seq` lagged the room's after placements on
/// a hidden board. That is the protocol's nature (hidden events are not sent), not a bug, and the
/// reason the check takes the server's count, as the web client does. Seed 2 runs into it now.
#[test]
fn seed_2_a_client_lags_behind_hidden_placements_yet_converges() {
    let tally = run_seed(2);
    assert!(tally.lagged > 0, "{tally:?}");
}

/// Pinned: found when insight and action commands joined the fuzz. A welcome or snapshot of a
/// room with an insight card or an action did not decode (`invalid type: string "1", expected
/// u32`): JSON map keys are strings, and the ids read only numbers. Fixed in koersbord-shared.
#[test]
fn seed_0_with_outcomes_welcomes_decode_with_insight_cards() {
    run_seed_with(0, true);
}

#[test]
fn every_client_converges_with_outcome_commands_too() {
    for seed in 0..SEEDS {
        run_seed_with(seed, true);
    }
}
