//! Getting the hub's frames to its connections without ever waiting on one.
//!
//! Each connection has a bounded queue. A client that falls behind first loses presence (drags,
//! drag ends, who is online) once its queue is half full, so the other half stays free for what it
//! must not miss; only when a durable frame (an event, an ack) does not fit is it closed with
//! `too_slow`, and it resyncs from a fresh welcome when it reconnects. The room never slows down.

use super::hub::{Class, ConnId, Frame, Hub, RoomMsg, frame};
use koersbord_shared::protocol::{Presence, Role, ServerMsg};
use koersbord_shared::room::Actor;
use std::collections::BTreeSet;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

/// Whether a queue has room for presence: less than half of it in use.
fn presence_fits(out: &mpsc::Sender<Frame>) -> bool {
    out.capacity() > out.max_capacity() / 2
}

impl Hub {
    /// Sends every queued frame, in the order decided. The room's task calls it only after the
    /// store has committed what [`Hub::take_unsaved`] returned, so nothing undurable gets out.
    pub(crate) fn flush(&mut self) {
        loop {
            for (conn, frame, class) in std::mem::take(&mut self.outbox) {
                self.deliver(conn, frame, class);
            }
            // Dropping a slow connection changes presence, and telling that may drop another one.
            if std::mem::take(&mut self.dropped_any) {
                self.sync_presence(None);
                continue;
            }
            if self.outbox.is_empty() {
                break;
            }
        }
        self.drags.end_round();
        self.heal_presence();
    }

    /// Queues every connection's gathered drags if they are due (see `drags.rs`): the room's task
    /// calls it after each round of messages, before [`Hub::flush`].
    pub(crate) fn release_drags_if_due(&mut self, now_ms: u64) {
        if self.drags.due(now_ms) {
            self.release_drags(now_ms);
        }
    }

    /// Queues every connection's gathered drags now: the tick is over.
    pub(crate) fn release_drags(&mut self, now_ms: u64) {
        for (conn, frame) in self.drags.release(now_ms) {
            self.queue(conn, frame, Class::Presence);
        }
    }

    /// While a commit is in flight: relays a drag or drag end (`Some`) or the tick's gathered
    /// drags (`None`) at once, leaving the outbox, which waits for the disk, as it is; hands any
    /// other message back, to be handled after the commit. Drags are presence, never stored: they
    /// need not wait for the disk, and the drags that came before the durable frames in the outbox
    /// are in it, ahead of them.
    pub(crate) fn relay_during_commit(
        &mut self,
        msg: Option<RoomMsg>,
        now_ms: u64,
    ) -> Option<RoomMsg> {
        let held = std::mem::take(&mut self.outbox);
        match msg {
            Some(msg @ (RoomMsg::Drag { .. } | RoomMsg::DragEnd { .. })) => {
                self.handle(msg, now_ms);
                self.release_drags_if_due(now_ms);
            }
            None => self.release_drags(now_ms),
            other => {
                self.outbox = held;
                return other;
            }
        }
        for (conn, frame, class) in std::mem::take(&mut self.outbox) {
            self.deliver(conn, frame, class);
        }
        self.outbox = held;
        None
    }

    /// How long the gathered drags may still wait; `None` when there are none.
    pub(crate) fn drags_wait(&self, now_ms: u64) -> Option<std::time::Duration> {
        self.drags.wait(now_ms)
    }

    fn deliver(&mut self, conn: ConnId, frame: Frame, class: Class) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        if class == Class::Presence && !presence_fits(&c.out) {
            c.presence_stale = true;
            self.counters.presence_shed.increment(1);
            return;
        }
        match c.out.try_send(frame) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) if class == Class::Presence => {
                c.presence_stale = true;
                self.counters.presence_shed.increment(1);
            }
            Err(TrySendError::Full(_)) => {
                tracing::warn!(room = %self.room, conn, "dropping a connection that fell behind");
                crate::metrics::slow_connection_dropped();
                c.kick.cancel();
                self.conns.remove(&conn);
                self.dropped_any = true;
            }
            Err(TrySendError::Closed(_)) => {
                self.conns.remove(&conn);
                self.dropped_any = true;
            }
        }
    }

    /// A connection that missed presence news gets the current presence once it has caught up
    /// enough, so a dropped frame never leaves it showing the wrong people online.
    fn heal_presence(&mut self) {
        if !self.conns.values().any(|c| c.presence_stale) {
            return;
        }
        let msg = frame(&ServerMsg::Presence {
            presence: self.presence.clone(),
        });
        for c in self.conns.values_mut().filter(|c| c.presence_stale) {
            if presence_fits(&c.out) && c.out.try_send(msg.clone()).is_ok() {
                c.presence_stale = false;
            }
        }
    }

    fn current_presence(&self) -> Presence {
        let mut participants = BTreeSet::new();
        let mut presence = Presence::default();
        for c in self.conns.values() {
            match (c.role, c.actor) {
                (Role::Facilitator, _) => presence.facilitators += 1,
                (Role::Screen, _) if !c.preview => presence.screens += 1,
                (_, Actor::Participant(id)) => {
                    participants.insert(id);
                }
                _ => {}
            }
        }
        presence.participants = participants.into_iter().collect();
        presence
    }

    /// Announces presence to everyone when it changed; otherwise only to `newcomer`, if any.
    pub(super) fn sync_presence(&mut self, newcomer: Option<ConnId>) {
        let now = self.current_presence();
        let msg = frame(&ServerMsg::Presence {
            presence: now.clone(),
        });
        if now != self.presence {
            self.presence = now;
            let all: Vec<ConnId> = self.conns.keys().copied().collect();
            for conn in all {
                self.queue(conn, msg.clone(), Class::Presence);
            }
        } else if let Some(conn) = newcomer {
            self.queue(conn, msg, Class::Presence);
        }
    }

    /// Queues a durable frame for one connection, after the drags it has pending: a durable
    /// frame never overtakes a drag sent before it, nor waits for the tick.
    pub(super) fn send(&mut self, conn: ConnId, frame: Frame) {
        if let Some(drags) = self.drags.cut(conn) {
            self.queue(conn, drags, Class::Presence);
        }
        self.queue(conn, frame, Class::Durable);
    }

    pub(super) fn queue(&mut self, conn: ConnId, frame: Frame, class: Class) {
        self.outbox.push((conn, frame, class));
    }
}
