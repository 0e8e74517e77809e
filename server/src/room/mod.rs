//! Rooms: the registry of live rooms, which brings a stored room back to life on first use and lets
//! it go when nobody has used it for a while; (in [`hub`]) what a room decides and tells; (in
//! `task`) the task that owns each live room, persisting before it publishes.
//!
//! Every session is in the store from its creation on; the registry only caches the live ones. A
//! room is live while its task runs: loading replays its stored events onto
//! `RoomState::new(setup)`, unloading ends the task (the store already has everything).

mod delivery;
pub mod drags;
mod fanout;
pub mod hub;
pub mod lease;
mod ops;
pub(crate) use ops::REMEMBERED as REMEMBERED_OPS;
mod task;

use crate::keys;
use crate::store::{Fence, SessionRecord, Store, StoreError};
use dashmap::DashMap;
use hub::{Hub, RoomMsg, now_ms};
use koersbord_shared::domain::ParticipantId;
use koersbord_shared::protocol::{Invite, JoinCodeFound, ProtocolError, Role, SessionCreated};
use koersbord_shared::room::{FollowUp, RoomState, Setup, follow_up_of, may_follow_up};
use koersbord_shared::sessions::{Series, SeriesEntry};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How many messages may wait for a room's task. Readers wait when it is full, which slows only the
/// connections talking to a busy room.
const ROOM_INBOX: usize = 1024;

/// The three capabilities of a room. Fixed at creation, so connections check them without asking
/// the room's task.
struct RoomKeys {
    facilitator: String,
    join: String,
    screen: String,
}

impl RoomKeys {
    fn of(session: &SessionRecord) -> RoomKeys {
        RoomKeys {
            facilitator: session.facilitator_key.clone(),
            join: session.join_key.clone(),
            screen: session.screen_key.clone(),
        }
    }

    /// The role a presented key grants, if any.
    fn role_for(&self, key: &str) -> Option<Role> {
        // Compare against all three so the time taken does not tell which one nearly matched.
        let facilitator = keys::same_key(key, &self.facilitator);
        let join = keys::same_key(key, &self.join);
        let screen = keys::same_key(key, &self.screen);
        match (facilitator, join, screen) {
            (true, _, _) => Some(Role::Facilitator),
            (_, true, _) => Some(Role::Participant),
            (_, _, true) => Some(Role::Screen),
            _ => None,
        }
    }
}

/// A cheap handle to a live room: its keys and its task's inbox.
#[derive(Clone)]
pub struct RoomHandle {
    keys: Arc<RoomKeys>,
    inbox: mpsc::Sender<RoomMsg>,
    /// Which run of the room this is, so an unloading task removes its own entry and never the
    /// entry of the run that replaced it.
    generation: u64,
    /// Why this run of the room ended under its connections, for their goodbyes: the session
    /// was deleted, its store failed, its lease is gone or handed over. Set before the run lets
    /// go of them; the first reason stays.
    ended: Arc<OnceLock<ProtocolError>>,
    /// Cancelled to end the run now ([`RoomHandle::end`]).
    end: CancellationToken,
}

impl RoomHandle {
    /// The role a presented key grants in this room, if any.
    pub fn role_for(&self, key: &str) -> Option<Role> {
        self.keys.role_for(key)
    }

    /// Sends a message the room must not lose, waiting for room in its inbox. False once the room
    /// has stopped. (A message may still be lost if the room unloads just after taking it: a
    /// `Connect` then never gets its welcome, and the connection opens the room again.)
    pub async fn send(&self, msg: RoomMsg) -> bool {
        self.inbox.send(msg).await.is_ok()
    }

    /// Tells the room a connection is gone. Callable from `Drop`: it never waits, and when the
    /// inbox is full it hands the message to a task that does.
    pub fn leave(&self, conn: hub::ConnId) {
        if let Err(TrySendError::Full(msg)) = self.inbox.try_send(RoomMsg::Disconnect { conn }) {
            let inbox = self.inbox.clone();
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move { inbox.send(msg).await });
            }
        }
    }

    /// Ends this run of the room now; its connections are told `why`.
    fn end(&self, why: ProtocolError) {
        let _ = self.ended.set(why);
        self.end.cancel();
    }

    /// What a connection the room let go of says in its goodbye, if the room said.
    pub fn ended_with(&self) -> Option<ProtocolError> {
        self.ended.get().cloned()
    }

    /// Sends a message that may be dropped when the room is busy (drag updates). False if it was.
    pub fn try_send(&self, msg: RoomMsg) -> bool {
        self.inbox.try_send(msg).is_ok()
    }
}

/// What a facilitator's delete came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deletion {
    Deleted,
    /// The key is not this session's facilitator key: nothing was touched.
    BadKey,
    /// No such session (never, or no longer).
    Unknown,
}

/// What asking for a follow-up came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowUpMade {
    Created(SessionCreated),
    /// The key is not the earlier session's facilitator key.
    BadKey,
    /// No such session (never, or deleted).
    Unknown,
    /// The earlier session has not reached its close.
    NotFinished,
}

/// How many times a session is drawn before giving up: a clash of a 50-bit id or a 30-bit code
/// with a stored session is rare, several in a row mean something else is wrong.
const CREATE_ATTEMPTS: usize = 8;

/// Every live room, by id, in front of the store that holds them all.
pub struct Rooms {
    live: Arc<DashMap<String, RoomHandle>>,
    store: Store,
    /// This server's name on the leases it holds (`lease.rs`).
    hub: String,
    /// A room nobody is connected to unloads after this long.
    idle_after: Duration,
    /// How long drags for protocol-2 connections are gathered (`drags.rs`).
    drag_tick: Duration,
    /// Loads run one at a time, so two first hellos for one room never start two tasks. Loads are
    /// rare (a first hello after a restart or an unload) and take milliseconds.
    loading: tokio::sync::Mutex<()>,
    next_conn: AtomicU64,
    next_generation: AtomicU64,
    tasks: TaskTracker,
    stop: CancellationToken,
}

impl Rooms {
    /// Gathers protocol-2 drags for `tick` per room (`--drag-tick-ms`).
    pub fn with_drag_tick(mut self, tick: Duration) -> Rooms {
        self.drag_tick = tick;
        self
    }

    /// Names this server on the leases it takes (`lease::hub_name`).
    pub fn with_hub(mut self, hub: String) -> Rooms {
        self.hub = hub;
        self
    }

    pub fn new(store: Store, idle_after: Duration) -> Rooms {
        Rooms {
            live: Arc::default(),
            store,
            hub: "local".into(),
            idle_after,
            drag_tick: drags::DEFAULT_TICK,
            loading: tokio::sync::Mutex::new(()),
            next_conn: AtomicU64::new(0),
            next_generation: AtomicU64::new(0),
            tasks: TaskTracker::new(),
            stop: CancellationToken::new(),
        }
    }

    /// Stores a new session, then opens its room. Answers once the session is durable.
    pub async fn create(
        &self,
        setup: Setup,
        follow_up: Option<FollowUp>,
    ) -> Result<SessionCreated, StoreError> {
        for _ in 0..CREATE_ATTEMPTS {
            let session = SessionRecord {
                room: keys::room_id(),
                facilitator_key: keys::capability(),
                join_key: keys::capability(),
                screen_key: keys::capability(),
                join_code: keys::join_code(),
                created_at_ms: now_ms(),
                setup: setup.clone(),
                follow_up: follow_up.clone(),
            };
            // The store's keys make ids and join codes unique across every session ever created.
            if !self.store.create_session(session.clone()).await? {
                continue;
            }
            let created = SessionCreated {
                room: session.room.clone(),
                facilitator_key: session.facilitator_key.clone(),
                join_key: session.join_key.clone(),
                screen_key: session.screen_key.clone(),
                join_code: session.join_code.clone(),
            };
            tracing::info!(room = %created.room, "session created");
            crate::metrics::session_created();
            // With other hubs on the database, the room starts where the proxy sends its first
            // hello (`open`), which is seldom where the session was made.
            if self.store.is_shared() {
                return Ok(created);
            }
            let state = RoomState::following(session.setup.clone(), session.follow_up.clone());
            let fence = Fence {
                hub: self.hub.clone(),
                token: 1,
            };
            self.start(session, state, HashMap::new(), Vec::new(), fence);
            return Ok(created);
        }
        Err(StoreError::Corrupt(
            "no free room id or join code after several draws".into(),
        ))
    }

    /// The live room with this id, loading it from the store if it is not live. `None` if no such
    /// session was ever created. [`StoreError::HeldElsewhere`] when another hub holds its lease:
    /// that hub is asked to hand it over, and the client is told when to come back (`elsewhere`).
    pub async fn open(&self, id: &str) -> Result<Option<RoomHandle>, StoreError> {
        if let Some(room) = self.get(id) {
            return Ok(Some(room));
        }
        // Anything that cannot be a room id needs no trip to the database.
        if !keys::looks_like_room_id(id) {
            return Ok(None);
        }
        let _one_at_a_time = self.loading.lock().await;
        if let Some(room) = self.get(id) {
            return Ok(Some(room));
        }
        if self.stop.is_cancelled() {
            return Err(StoreError::Closed);
        }
        // No lease for what does not exist: a stranger's made-up ids leave no rows.
        if self.store.is_shared() && self.store.existing(vec![id.to_owned()]).await? != [true] {
            return Ok(None);
        }
        // Claimed before it is read: from here on no other hub can write to it, so what is read
        // is all there is.
        let Some(token) = self.store.claim(id, &self.hub, lease::TTL).await? else {
            let left_ms = self.store.want(id, &self.hub).await.unwrap_or_else(|e| {
                tracing::warn!(room = %id, error = %e, "cannot ask for a room");
                lease::TTL.as_millis() as u64
            });
            return Err(StoreError::HeldElsewhere { left_ms });
        };
        let fence = Fence {
            hub: self.hub.clone(),
            token,
        };
        let Some(stored) = self.store.load_room(id).await? else {
            let _ = self.store.release(id, &fence).await;
            return Ok(None);
        };
        let state = stored.state();
        let keys = stored.participant_keys.into_iter().collect();
        tracing::info!(room = %id, events = stored.events.len(), token, "room loaded");
        Ok(Some(self.start(
            stored.session,
            state,
            keys,
            stored.ops,
            fence,
        )))
    }

    /// Ends this hub's run of `id`, if it is live here, telling its connections `why`.
    pub fn lose(&self, id: &str, why: ProtocolError) {
        if let Some(room) = self.get(id) {
            room.end(why);
        }
    }

    /// The ids of the rooms live here now.
    pub fn live_ids(&self) -> Vec<String> {
        self.live.iter().map(|r| r.key().clone()).collect()
    }

    /// Starts the task that owns a room and makes it findable.
    fn start(
        &self,
        session: SessionRecord,
        state: RoomState,
        participant_keys: HashMap<String, ParticipantId>,
        ops: Vec<ops::StoredOp>,
        fence: Fence,
    ) -> RoomHandle {
        let (inbox, rx) = mpsc::channel(ROOM_INBOX);
        let handle = RoomHandle {
            keys: Arc::new(RoomKeys::of(&session)),
            inbox,
            generation: self.next_generation.fetch_add(1, Ordering::Relaxed),
            ended: Arc::default(),
            end: CancellationToken::new(),
        };
        let invite = Invite {
            join_key: session.join_key,
            join_code: session.join_code,
            screen_key: Some(session.screen_key),
        };
        let hub = Hub::new(session.room.clone(), invite, state, participant_keys)
            .with_ops(ops)
            .with_drag_tick(self.drag_tick);
        self.live.insert(session.room, handle.clone());
        self.tasks.spawn(task::run(task::Running {
            hub,
            inbox: rx,
            store: self.store.clone(),
            live: self.live.clone(),
            generation: handle.generation,
            idle_after: self.idle_after,
            stop: self.stop.clone(),
            ended: handle.ended.clone(),
            end: handle.end.clone(),
            fence,
            _live: crate::metrics::room_live(),
        }));
        handle
    }

    pub fn get(&self, id: &str) -> Option<RoomHandle> {
        self.live.get(id).map(|r| r.clone())
    }

    /// The room behind a typed join code, live or stored, if its session is at most `days` old.
    /// An expired code answers as an unknown one: a guesser learns nothing from it.
    pub async fn find_code(
        &self,
        typed: &str,
        days: u32,
    ) -> Result<Option<JoinCodeFound>, StoreError> {
        let code = keys::normalize_join_code(typed);
        if code.len() != keys::JOIN_CODE_LEN || days == 0 {
            return Ok(None);
        }
        let since = hub::now_ms().saturating_sub(u64::from(days) * 24 * 60 * 60 * 1000);
        let found = self.store.find_code(&code, since).await?;
        Ok(found.map(|(room, join_key)| JoinCodeFound { room, join_key }))
    }

    /// Deletes a session for whoever holds its facilitator key: the live room closes (its sockets
    /// told `session_deleted`), then every row goes.
    pub async fn delete(&self, id: &str, key: &str) -> Result<Deletion, StoreError> {
        if !keys::looks_like_room_id(id) {
            return Ok(Deletion::Unknown);
        }
        // Held throughout, so no hello loads the room again between its close and its rows going.
        let _no_loads = self.loading.lock().await;
        let Some(facilitator) = self.store.facilitator_key(id).await? else {
            return Ok(Deletion::Unknown);
        };
        if !keys::same_key(key, &facilitator) {
            return Ok(Deletion::BadKey);
        }
        self.remove(id).await?;
        tracing::info!(room = %id, "session deleted by its facilitator");
        Ok(Deletion::Deleted)
    }

    /// Deletes every session not changed for `days` before `now_ms` (the caller's clock, so a test
    /// can move it). Loaded rooms close as on a delete. Returns how many went; 0 days keeps all.
    pub async fn sweep(&self, now_ms: u64, days: u32) -> Result<usize, StoreError> {
        if days == 0 {
            return Ok(0);
        }
        let cut_off = now_ms.saturating_sub(u64::from(days) * 24 * 60 * 60 * 1000);
        let _no_loads = self.loading.lock().await;
        // Read under the lock: a room loaded and changed just now has a fresh stamp.
        let stale = self.store.inactive_before(cut_off).await?;
        for id in &stale {
            self.remove(id).await?;
            tracing::info!(room = %id, days, "session deleted after the retention time");
        }
        Ok(stale.len())
    }

    /// Makes a follow-up of the finished session `id` for its facilitator: the same setup, new keys
    /// and code, and a copy of what the session yielded. The link points only backwards and is
    /// fixed at creation, so a series is a tree: no cycle can be made.
    pub async fn follow_up(&self, id: &str, key: &str) -> Result<FollowUpMade, StoreError> {
        if !keys::looks_like_room_id(id) {
            return Ok(FollowUpMade::Unknown);
        }
        // Read from the store: a room persists every event before anyone hears of it, so this is
        // the session as everyone has seen it.
        let Some(stored) = self.store.load_room(id).await? else {
            return Ok(FollowUpMade::Unknown);
        };
        if !keys::same_key(key, &stored.session.facilitator_key) {
            return Ok(FollowUpMade::BadKey);
        }
        let state = stored.state();
        if may_follow_up(&state).is_err() {
            return Ok(FollowUpMade::NotFinished);
        }
        let link = follow_up_of(&state, id, stored.session.created_at_ms);
        let created = self.create(state.setup.clone(), Some(link)).await?;
        tracing::info!(room = %created.room, earlier = %id, "follow-up created");
        Ok(FollowUpMade::Created(created))
    }

    /// The series `id` belongs to, for whoever holds one of its keys: `None` for an unknown room,
    /// `Some(Err(()))` for a wrong key.
    pub async fn series(
        &self,
        id: &str,
        key: &str,
    ) -> Result<Option<Result<Series, ()>>, StoreError> {
        // Read from the store, not by opening the room: an HTTP call must not claim a room's
        // lease away from the hub its clients are on.
        if !keys::looks_like_room_id(id) {
            return Ok(None);
        }
        let Some(stored) = self.store.load_room(id).await? else {
            return Ok(None);
        };
        if RoomKeys::of(&stored.session).role_for(key).is_none() {
            return Ok(Some(Err(())));
        }
        let mut earlier: Vec<SeriesEntry> = stored
            .session
            .follow_up
            .iter()
            .flat_map(|f| f.before.iter().chain([&f.earlier]))
            .map(|s| SeriesEntry {
                room: s.room.clone(),
                title: s.title.clone(),
                held_ms: s.held_ms,
                gone: false,
            })
            .collect();
        let present = self
            .store
            .existing(earlier.iter().map(|e| e.room.clone()).collect())
            .await?;
        for (entry, present) in earlier.iter_mut().zip(present) {
            entry.gone = !present;
        }
        // Later sessions, breadth first; the seen set guards against a hand-edited file.
        let mut later = Vec::new();
        let mut seen = std::collections::HashSet::from([id.to_owned()]);
        let mut queue = std::collections::VecDeque::from([id.to_owned()]);
        while let Some(room) = queue.pop_front() {
            for next in self.store.follow_ups(&room).await? {
                if later.len() >= koersbord_shared::room::follow_up::MAX_ROUTE
                    || !seen.insert(next.room.clone())
                {
                    continue;
                }
                queue.push_back(next.room.clone());
                later.push(SeriesEntry {
                    room: next.room,
                    title: next.title,
                    held_ms: next.created_at_ms,
                    gone: false,
                });
            }
        }
        later.sort_by_key(|e| e.held_ms);
        Ok(Some(Ok(Series {
            held_ms: stored.session.created_at_ms,
            earlier,
            later,
        })))
    }

    /// When a session was last changed, if it exists.
    pub async fn last_active(&self, id: &str) -> Result<Option<u64>, StoreError> {
        self.store.last_active(id).await
    }

    /// Closes the room if it is loaded, waits for its task to end, then deletes its rows. The
    /// caller holds `loading`.
    async fn remove(&self, id: &str) -> Result<(), StoreError> {
        if let Some(room) = self.get(id) {
            room.end(ProtocolError::SessionDeleted);
            // Resolves when the task has dropped its inbox: no more commits from it.
            room.inbox.closed().await;
        }
        self.store.delete_session(id).await?;
        Ok(())
    }

    /// A process-wide unique number for a new connection, used in logs and by room tasks.
    pub fn next_conn_id(&self) -> hub::ConnId {
        self.next_conn.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// How many rooms are live (in memory) now.
    pub fn count(&self) -> usize {
        self.live.len()
    }

    /// Ends every room's task once it has committed what it is working on, waiting up to `grace`.
    /// After this no room loads again.
    pub async fn stop(&self, grace: Duration) {
        let _no_more_loads = self.loading.lock().await;
        self.stop.cancel();
        self.tasks.close();
        if tokio::time::timeout(grace, self.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                left = self.tasks.len(),
                "rooms still busy after the grace time"
            );
        }
    }
}

#[cfg(test)]
mod fuzz_tests;

#[cfg(test)]
mod rooms_tests;
