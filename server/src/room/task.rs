//! The task that owns one live room. It takes what is waiting in the inbox (up to [`MAX_BATCH`]
//! messages), lets the hub decide and apply it all, commits the changes in one store write, and only
//! then sends the frames: acks, events and welcomes never get ahead of the disk. While the commit
//! is in flight new messages wait (drags excepted, below); the next round takes them together.
//!
//! Drags and drag ends do not wait for a commit: while one is in flight they are relayed, and
//! everything else waits to be handled after it, in order.
//!
//! Drags for protocol-2 connections wait in the hub for a short tick (`drags.rs`): the loop wakes
//! when it ends, or releases them with the next round when it is already over.
//!
//! It ends when the room has been idle (no connections) for the configured time, when the server
//! stops, or when a commit fails. Then the room leaves the registry and its connections' queues
//! close; the store has everything that was ever acknowledged, so the next hello loads it afresh.

use super::RoomHandle;
use super::hub::{Hub, RoomMsg, now_ms};
use crate::metrics::Held;
use crate::store::{Changes, Fence, Store, StoreError};
use dashmap::DashMap;
use koersbord_shared::protocol::ProtocolError;
use std::collections::VecDeque;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Messages handled before one commit. Bounds how long the first of them waits for its ack.
const MAX_BATCH: usize = 64;

pub(super) struct Running {
    pub hub: Hub,
    pub inbox: mpsc::Receiver<RoomMsg>,
    pub store: Store,
    pub live: Arc<DashMap<String, RoomHandle>>,
    pub generation: u64,
    pub idle_after: Duration,
    pub stop: CancellationToken,
    /// Why the room ended, for its connections' goodbyes (`RoomHandle::ended_with`).
    pub ended: Arc<OnceLock<ProtocolError>>,
    /// End now (the session deleted, the lease gone or handed over), dropping every
    /// connection's queue; `ended` says why.
    pub end: CancellationToken,
    /// This run's lease: every commit is fenced by it.
    pub fence: Fence,
    /// Counts the room as live until its task ends.
    pub _live: Held,
}

impl Running {
    /// Takes this run of the room out of the registry, unless a newer run replaced it.
    fn unregister(&self) -> bool {
        self.live
            .remove_if(&self.hub.room, |_, h| h.generation == self.generation)
            .is_some()
    }
}

pub(super) async fn run(mut r: Running) {
    // Messages that came during a commit and must be handled after it, before the inbox.
    let mut carried: VecDeque<RoomMsg> = VecDeque::new();
    let why = loop {
        if r.end.is_cancelled() {
            break "ended";
        }
        let next = if let Some(msg) = carried.pop_front() {
            Some(msg)
        } else if r.hub.is_idle() {
            tokio::select! {
                msg = r.inbox.recv() => msg,
                _ = tokio::time::sleep(r.idle_after) => {
                    // Nobody attached and nothing waiting: the store has it all, let it go.
                    if r.inbox.is_empty() && r.unregister() {
                        break "idle";
                    }
                    continue;
                }
                _ = r.stop.cancelled() => break "server stopping",
                _ = r.end.cancelled() => break "ended",
            }
        } else {
            // Drags gathered for protocol-2 connections go out when their tick ends, or sooner
            // with the next round's messages (see `drags.rs`).
            let wait = r.hub.drags_wait(now_ms());
            tokio::select! {
                msg = r.inbox.recv() => msg,
                _ = tokio::time::sleep(wait.unwrap_or_default()), if wait.is_some() => {
                    r.hub.release_drags(now_ms());
                    r.hub.flush();
                    continue;
                }
                _ = r.stop.cancelled() => break "server stopping",
                _ = r.end.cancelled() => break "ended",
            }
        };
        // The registry holds a sender while the room is registered, so this ends only after that.
        let Some(first) = next else {
            break "no handles left";
        };
        r.hub.handle(first, now_ms());
        for _ in 1..MAX_BATCH {
            let msg = match carried.pop_front() {
                Some(msg) => msg,
                None => match r.inbox.try_recv() {
                    Ok(msg) => msg,
                    Err(_) => break,
                },
            };
            r.hub.handle(msg, now_ms());
        }
        r.hub.release_drags_if_due(now_ms());
        if let Some(changes) = r.hub.take_unsaved()
            && let Err(e) = commit(&mut r, changes, &mut carried).await
        {
            // The hub is ahead of the disk now. Drop it unsent: its connections close, and the
            // room comes back from what the store has, which is all that anyone was told.
            if matches!(e, StoreError::Fenced) {
                tracing::warn!(room = %r.hub.room, token = r.fence.token, "fenced: another hub holds the room now");
                let _ = r.ended.set(ProtocolError::Elsewhere {
                    retry_ms: super::lease::RETRY_MS,
                });
                break "fenced";
            }
            tracing::error!(room = %r.hub.room, error = %e, "cannot store a room's changes");
            let _ = r.ended.set(ProtocolError::StorageUnavailable);
            break "store failed";
        }
        r.hub.flush();
    };
    r.unregister();
    // Before the connections hear why: whoever they reach next may claim the room at once. Only
    // this run's own lease is released (by its token), so a lost one is left alone.
    if let Err(e) = r.store.release(&r.hub.room, &r.fence).await {
        tracing::debug!(room = %r.hub.room, error = %e, "cannot release the lease: it lapses");
    }
    let told = r.ended.get().map(|e| e.to_string());
    tracing::info!(room = %r.hub.room, why, told, "room unloaded");
}

/// Stores `changes`. Meanwhile drags and drag ends are relayed (presence never waits for the
/// disk; a slow commit would otherwise hold every drag of the room behind it), and other messages
/// are carried over, in order, to the next round.
async fn commit(
    r: &mut Running,
    changes: Changes,
    carried: &mut VecDeque<RoomMsg>,
) -> Result<(), StoreError> {
    let room = r.hub.room.clone();
    let commit = r.store.append_fenced(&room, &r.fence, changes);
    tokio::pin!(commit);
    let mut open = true;
    loop {
        let wait = r.hub.drags_wait(now_ms());
        tokio::select! {
            result = &mut commit => return result,
            msg = r.inbox.recv(), if open && carried.len() < MAX_BATCH => match msg {
                Some(msg) => carried.extend(r.hub.relay_during_commit(Some(msg), now_ms())),
                // Seen again by the main loop once the commit is done.
                None => open = false,
            },
            _ = tokio::time::sleep(wait.unwrap_or_default()), if wait.is_some() => {
                r.hub.relay_during_commit(None, now_ms());
            }
        }
    }
}
