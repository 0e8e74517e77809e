//! The owner of one room: a task that alone holds the room's state, its participants' keys and its
//! connections. Everything that happens in a room passes its inbox in order, so there are no locks
//! and no races between a command and the fan-out of its events.
//!
//! The rules live in `koersbord_shared::room`; this file only routes: it asks `decide` what a
//! command does, applies the events and works out what each connection may see.
//!
//! The hub is synchronous and does no I/O. What it decides waits in two places until the room's
//! task ([`super::task`]) has committed: [`Hub::take_unsaved`] hands over the changes to persist,
//! and [`Hub::flush`] (in `delivery.rs`) then sends the queued frames. So an `ack`, an `event`, a
//! `joined` or a welcome showing a change never leaves before that change is durable.
//!
//! A command may carry an `op` token that makes resending it safe (see [`super::ops`]).

use super::drags::{self, Gathered};
use super::fanout;
use super::ops::{Answer, Ops, StoredOp};
use crate::keys;
use crate::metrics::{self, Held, RoomCounters, labels};
use crate::store::Changes;
use axum::extract::ws::Utf8Bytes;
use koersbord_shared::domain::{DotRef, ParticipantId};
use koersbord_shared::protocol::{Invite, Presence, Role, ServerMsg, batches_drags};
use koersbord_shared::room::{Actor, Command, Event, Rejection, RoomState, decide};
use std::collections::{BTreeMap, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub type ConnId = u64;

/// A serialised text frame. Cheap to clone, so one encoding serves every viewer who sees the same.
pub type Frame = Utf8Bytes;

/// What connections tell their room.
pub enum RoomMsg {
    /// A socket said a valid hello. The room answers through `out`, starting with `welcome`.
    Connect {
        conn: ConnId,
        /// The version the client spoke in its hello (checked by the connection).
        protocol_version: u32,
        role: Role,
        participant_key: Option<String>,
        /// A screen link opened as the facilitator's preview: not counted as a shared screen.
        preview: bool,
        out: mpsc::Sender<Frame>,
        /// Cancelled by the room when it drops this connection for falling behind.
        kick: CancellationToken,
    },
    Command {
        conn: ConnId,
        id: u64,
        op: Option<String>,
        command: Command,
    },
    /// A command whose id could be read but not the command: refused in order with the others.
    Undecodable {
        conn: ConnId,
        id: u64,
        reason: Rejection,
    },
    /// A drag position, already checked for range and rate by the connection.
    Drag {
        conn: ConnId,
        dot: DotRef,
        x: f32,
        y: f32,
    },
    DragEnd {
        conn: ConnId,
        dot: DotRef,
    },
    Disconnect {
        conn: ConnId,
    },
}

/// Milliseconds since the UNIX epoch: the server's clock, which timers and clients go by.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

pub(super) fn frame(msg: &ServerMsg) -> Frame {
    Frame::from(msg.encode())
}

/// What a frame is for, which decides its fate when a connection's queue is filling up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Welcome, events, snapshots, acks, rejections, joined: a client that misses one is out of
    /// step, so it is never dropped; a connection that cannot take it is closed.
    Durable,
    /// Drags, drag ends and presence: dropped first, the next one tells the news again.
    Presence,
}

pub(super) struct Conn {
    pub(super) role: Role,
    pub(super) actor: Actor,
    pub(super) out: mpsc::Sender<Frame>,
    pub(super) kick: CancellationToken,
    /// A presence frame to this connection was dropped: it gets the current one once it has room.
    pub(super) presence_stale: bool,
    /// Protocol 2: others' drags reach it gathered per tick (see `drags.rs`).
    pub(super) batched: bool,
    /// The facilitator's preview of the shared screen: left out of the screens counted.
    pub(super) preview: bool,
    /// Counts the socket under its actor's role while it is in the room.
    seat: Held,
}

impl Conn {
    /// The connection acts as someone else now (a guest who joined, a participant removed).
    fn become_actor(&mut self, actor: Actor) {
        self.actor = actor;
        self.seat = metrics::socket(labels::role(actor));
    }
}

pub(crate) struct Hub {
    pub(super) room: String,
    invite: Invite,
    pub(super) state: RoomState,
    /// Participant key → who holds it. Lets a participant come back as themselves after a reload.
    participant_keys: HashMap<String, ParticipantId>,
    /// The recent `op` tokens and their first answers.
    ops: Ops,
    pub(super) conns: BTreeMap<ConnId, Conn>,
    /// The presence everyone was last told.
    pub(super) presence: Presence,
    /// Set when delivery dropped a connection, so presence is announced once the frames are out.
    pub(super) dropped_any: bool,
    /// Frames waiting for the commit of `unsaved`, in the order they were decided.
    pub(super) outbox: Vec<(ConnId, Frame, Class)>,
    /// Drags for protocol-2 connections, waiting for the tick or their next durable frame.
    pub(super) drags: Gathered,
    /// What was decided and applied but is not yet durable.
    unsaved: Changes,
    pub(super) counters: RoomCounters,
}

impl Hub {
    /// A room holding `state`, whose participants hold `participant_keys` (from the store on a load).
    pub(crate) fn new(
        room: String,
        invite: Invite,
        state: RoomState,
        participant_keys: HashMap<String, ParticipantId>,
    ) -> Hub {
        Hub {
            room,
            invite,
            state,
            participant_keys,
            ops: Ops::default(),
            conns: BTreeMap::new(),
            presence: Presence::default(),
            dropped_any: false,
            outbox: Vec::new(),
            drags: Gathered::new(drags::DEFAULT_TICK),
            unsaved: Changes::default(),
            counters: RoomCounters::new(),
        }
    }

    /// The `op` tokens it remembered before (from the store on a load).
    pub(crate) fn with_ops(mut self, ops: Vec<StoredOp>) -> Hub {
        self.ops = Ops::load(ops);
        self
    }

    /// Gathers protocol-2 drags for `tick` (0: released as they come, in the room's next round).
    pub(crate) fn with_drag_tick(mut self, tick: std::time::Duration) -> Hub {
        self.drags = Gathered::new(tick);
        self
    }

    /// No connection is attached: the room may unload.
    pub(crate) fn is_idle(&self) -> bool {
        self.conns.is_empty()
    }

    /// What to commit before [`Hub::flush`] may send the frames decided so far.
    pub(crate) fn take_unsaved(&mut self) -> Option<Changes> {
        (!self.unsaved.is_empty()).then(|| std::mem::take(&mut self.unsaved))
    }

    /// The room as it stands, decided changes included.
    #[cfg(test)]
    pub(crate) fn state(&self) -> &RoomState {
        &self.state
    }

    pub(crate) fn handle(&mut self, msg: RoomMsg, now_ms: u64) {
        match msg {
            RoomMsg::Connect {
                conn,
                protocol_version,
                role,
                participant_key,
                preview,
                out,
                kick,
            } => {
                let hello = Hello {
                    protocol_version,
                    role,
                    participant_key,
                    preview,
                };
                self.connect(conn, hello, out, kick, now_ms)
            }
            RoomMsg::Command {
                conn,
                id,
                op,
                command,
            } => self.command(conn, id, op, &command, now_ms),
            RoomMsg::Undecodable { conn, id, reason } => {
                metrics::refusal(labels::rejection_code(&reason));
                self.send(conn, frame(&ServerMsg::Rejected { id, reason }));
            }
            RoomMsg::Drag { conn, dot, x, y } => {
                let relayed = self.relay_drag(conn, dot, Some((x, y)), now_ms);
                match relayed {
                    Ok(()) => &self.counters.drags_relayed,
                    Err(fanout::DragRefused::NotJoined) => &self.counters.drags_not_joined,
                    Err(fanout::DragRefused::BoardClosed) => &self.counters.drags_board_closed,
                }
                .increment(1);
            }
            RoomMsg::DragEnd { conn, dot } => {
                // Not counted: a drag end is one per drag, not an update.
                let _ = self.relay_drag(conn, dot, None, now_ms);
            }
            RoomMsg::Disconnect { conn } => {
                if self.conns.remove(&conn).is_some() {
                    tracing::debug!(room = %self.room, conn, "left");
                    self.sync_presence(None);
                }
            }
        }
    }

    fn connect(
        &mut self,
        conn: ConnId,
        hello: Hello,
        out: mpsc::Sender<Frame>,
        kick: CancellationToken,
        now_ms: u64,
    ) {
        let Hello {
            protocol_version,
            role,
            participant_key,
            preview,
        } = hello;
        let actor = match role {
            Role::Facilitator => Actor::Facilitator,
            Role::Screen => Actor::Screen,
            // An unknown key, or that of someone who was removed, makes a guest: the client shows
            // the join form rather than an error.
            Role::Participant => participant_key
                .and_then(|k| self.participant_keys.get(&k).copied())
                .filter(|id| self.state.participants.contains_key(id))
                .map_or(Actor::Guest, Actor::Participant),
        };
        tracing::info!(room = %self.room, conn, ?role, rejoined = matches!(actor, Actor::Participant(_)), "connected");
        let invite = matches!(role, Role::Facilitator | Role::Screen).then(|| self.invite.clone());
        // Answered in the client's own version.
        let welcome = ServerMsg::Welcome {
            protocol_version,
            room: self.room.clone(),
            role,
            you: participant_of(actor),
            invite,
            server_time_ms: now_ms,
            state: self.state.view_for(actor),
        };
        self.conns.insert(
            conn,
            Conn {
                role,
                actor,
                out,
                kick,
                presence_stale: false,
                batched: batches_drags(protocol_version),
                preview: preview && role == Role::Screen,
                seat: metrics::socket(labels::role(actor)),
            },
        );
        self.send(conn, frame(&welcome));
        self.sync_presence(Some(conn));
    }

    fn command(
        &mut self,
        conn: ConnId,
        id: u64,
        op: Option<String>,
        command: &Command,
        now_ms: u64,
    ) {
        let Some(actor) = self.conns.get(&conn).map(|c| c.actor) else {
            return;
        };
        if let Some(answer) = op.as_deref().and_then(|op| self.ops.recall(actor, op)) {
            return self.replay(conn, id, actor, answer);
        }
        // The one place a room's state changes. Each event is applied and queued for the store;
        // what it tells people waits in the outbox until the store has committed it.
        let kind = labels::command_type(command);
        let events = match decide(&self.state, actor, command, now_ms) {
            Ok(events) => events,
            Err(reason) => {
                metrics::command(kind, false);
                metrics::refusal(labels::rejection_code(&reason));
                if let Some(op) = op {
                    let answer = Answer::Rejected {
                        reason: reason.clone(),
                    };
                    let row = self.ops.remember(actor, op, answer);
                    self.unsaved.ops.push(row);
                }
                self.send(conn, frame(&ServerMsg::Rejected { id, reason }));
                return;
            }
        };
        // Counted when decided: the ack itself waits for the commit, and a failed commit ends
        // the room (its connections then close unanswered).
        metrics::command(kind, true);
        let mut joined = None;
        let mut membership_changed = false;
        for event in &events {
            event.apply_to(&mut self.state);
            let json = serde_json::to_string(event).expect("events always serialise");
            self.unsaved.events.push((self.state.seq, json));
            match event {
                Event::ParticipantJoined { participant } => {
                    membership_changed = true;
                    if actor == Actor::Guest {
                        joined = Some(self.admit(conn, participant.id));
                    }
                }
                Event::ParticipantRemoved { id } => {
                    membership_changed = true;
                    self.expel(*id);
                }
                _ => {}
            }
            self.publish(event);
        }
        let seq = self.state.seq;
        if let Some(op) = op {
            let answer = match joined {
                Some((you, _)) => Answer::Joined { you, seq },
                None => Answer::Ack { seq },
            };
            let row = self.ops.remember(actor, op, answer);
            self.unsaved.ops.push(row);
        }
        if let Some((you, participant_key)) = joined {
            let msg = ServerMsg::Joined {
                you,
                participant_key,
            };
            self.send(conn, frame(&msg));
        }
        self.send(conn, frame(&ServerMsg::Ack { id, seq }));
        if membership_changed {
            self.sync_presence(None);
        }
    }

    /// Makes a guest connection the participant it just joined as, with a key to come back with.
    fn admit(&mut self, conn: ConnId, id: ParticipantId) -> (ParticipantId, String) {
        let key = keys::capability();
        self.participant_keys.insert(key.clone(), id);
        self.unsaved.participant_keys.push((key.clone(), id));
        if let Some(c) = self.conns.get_mut(&conn) {
            c.become_actor(Actor::Participant(id));
        }
        tracing::info!(room = %self.room, conn, participant = %id, "joined");
        (id, key)
    }

    /// Makes a guest connection the participant `you` again, for a join that was answered before;
    /// `None` when it cannot be (not a guest, or `you` was removed since).
    pub(super) fn rejoin(
        &mut self,
        conn: ConnId,
        actor: Actor,
        you: ParticipantId,
    ) -> Option<String> {
        if actor != Actor::Guest || !self.state.participants.contains_key(&you) {
            return None;
        }
        let key = self
            .participant_keys
            .iter()
            .find(|(_, id)| **id == you)
            .map(|(k, _)| k.clone())?;
        self.conns
            .get_mut(&conn)?
            .become_actor(Actor::Participant(you));
        tracing::info!(room = %self.room, conn, participant = %you, "joined again by a resend");
        Some(key)
    }

    /// A removed participant's connections become guests and their key stops working.
    fn expel(&mut self, id: ParticipantId) {
        self.participant_keys.retain(|_, p| *p != id);
        for c in self.conns.values_mut() {
            if c.actor == Actor::Participant(id) {
                c.become_actor(Actor::Guest);
            }
        }
        tracing::info!(room = %self.room, participant = %id, "removed");
    }
}

/// What a connection said in its hello.
struct Hello {
    protocol_version: u32,
    role: Role,
    participant_key: Option<String>,
    preview: bool,
}

fn participant_of(actor: Actor) -> Option<ParticipantId> {
    match actor {
        Actor::Participant(id) => Some(id),
        _ => None,
    }
}

#[cfg(test)]
#[path = "hub_tests/mod.rs"]
mod tests;
