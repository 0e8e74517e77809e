//! Where every session is kept: one interface, two databases. SQLite ([`sqlite`], the default: one
//! file beside the server, written by one thread with group commit) or PostgreSQL ([`postgres`],
//! `--database-url postgres://…`: a pool, one transaction per write). Both keep the same tables and
//! the same promise: a call that writes returns only once its transaction has committed, so a room
//! acknowledges nothing the database could still lose to the server dying.
//!
//! The rest of the server sees only [`Store`] and the types here.

pub mod postgres;
pub mod sqlite;

pub use sqlite::{default_path, maintenance};

use koersbord_shared::domain::ParticipantId;
use koersbord_shared::room::{Event, FollowUp, RoomState, Setup};
use std::path::Path;
use std::time::Duration;

#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// A string, so one failed commit can be reported to every waiter of its batch.
    #[error("database error: {0}")]
    Database(String),
    #[error("the database writer has stopped")]
    Closed,
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The write's lease on its room is gone (expired, or taken by another hub with a higher
    /// token): another hub may own the room now, so nothing was written.
    #[error("this hub no longer holds the room's lease")]
    Fenced,
    /// Another hub holds the room's lease, for `left_ms` more unless it renews it.
    #[error("another hub holds the room for {left_ms} ms more")]
    HeldElsewhere { left_ms: u64 },
}

/// A session as created: what never changes about a room.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRecord {
    pub room: String,
    pub facilitator_key: String,
    pub join_key: String,
    pub screen_key: String,
    pub join_code: String,
    pub created_at_ms: u64,
    /// The setup the room started with; later edits are events.
    pub setup: Setup,
    /// For a follow-up: the session it follows, with its own copy of it (never changes).
    pub follow_up: Option<FollowUp>,
}

/// What a room changed since its last commit: events (with their sequence numbers, already encoded),
/// participant keys handed out, and `op` tokens answered (identity, token, answer as JSON).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    pub events: Vec<(u64, String)>,
    pub participant_keys: Vec<(String, ParticipantId)>,
    pub ops: Vec<(String, String, String)>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.participant_keys.is_empty() && self.ops.is_empty()
    }
}

/// Everything needed to bring a room back: replay `events` onto `RoomState::new(session.setup)`.
#[derive(Clone, Debug)]
pub struct StoredRoom {
    pub session: SessionRecord,
    /// In order; the i-th has sequence number i + 1 (checked on load).
    pub events: Vec<Event>,
    pub participant_keys: Vec<(String, ParticipantId)>,
    /// The `op` tokens the room remembers, oldest first: (identity, token, answer as JSON).
    pub ops: Vec<(String, String, String)>,
}

impl StoredRoom {
    /// The room as its events left it.
    pub fn state(&self) -> RoomState {
        let mut state =
            RoomState::following(self.session.setup.clone(), self.session.follow_up.clone());
        for event in &self.events {
            event.apply_to(&mut state);
        }
        state
    }
}

/// A session linked to another: its id, first title, creation time.
#[derive(Clone, Debug, PartialEq)]
pub struct Linked {
    pub room: String,
    pub title: String,
    pub created_at_ms: u64,
}

/// Which hub may write a room's events: the hub's name and the token its claim got. A write under
/// a token that is no longer the room's live lease is refused ([`StoreError::Fenced`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fence {
    pub hub: String,
    pub token: u64,
}

/// What a renewal found: the rooms still held, and which of them another hub asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Renewed {
    pub held: Vec<String>,
    pub wanted: Vec<String>,
}

/// A cheap handle to the database, whichever it is.
#[derive(Clone)]
pub enum Store {
    Sqlite(sqlite::Store),
    Postgres(postgres::Store),
}

/// What must finish after [`Store::close`] before the process may exit: SQLite's writer thread.
/// PostgreSQL has nothing left once `close` returned (its pool is closed).
pub struct WriterThread(Option<sqlite::WriterThread>);

impl WriterThread {
    /// Waits for the writer to finish (call after [`Store::close`]).
    pub async fn join(self) {
        if let Some(thread) = self.0 {
            thread.join().await;
        }
    }
}

/// The same call on whichever database this is.
macro_rules! each {
    ($store:expr, $s:ident => $call:expr) => {
        match $store {
            Store::Sqlite($s) => $call,
            Store::Postgres($s) => $call,
        }
    };
}

impl Store {
    /// Opens (or creates) the SQLite database at `path`, brings its schema up to date and starts
    /// the writer.
    pub fn open(path: &Path) -> anyhow::Result<(Store, WriterThread)> {
        let (store, writer) = sqlite::Store::open(path)?;
        Ok((Store::Sqlite(store), WriterThread(Some(writer))))
    }

    /// [`connect_pooled`](Self::connect_pooled) with the default pool: the store's tests.
    #[cfg(test)]
    pub async fn connect(url: &str) -> anyhow::Result<(Store, WriterThread)> {
        Store::connect_pooled(url, postgres::DEFAULT_POOL_SIZE).await
    }

    /// Connects to the PostgreSQL database at `url` with at most `pool_size` connections
    /// (`--database-pool`) and brings its schema up to date. Fails at once (within a few seconds)
    /// if the database cannot be reached.
    pub async fn connect_pooled(
        url: &str,
        pool_size: u32,
    ) -> anyhow::Result<(Store, WriterThread)> {
        let store = postgres::Store::connect(url, pool_size).await?;
        Ok((Store::Postgres(store), WriterThread(None)))
    }

    /// Stores a new session. `Ok(false)` when its room id or join code is already taken (draw again).
    pub async fn create_session(&self, session: SessionRecord) -> Result<bool, StoreError> {
        each!(self, s => s.create_session(session).await)
    }

    /// Commits a room's changes without a lease; returns once they are durable. The rooms write
    /// through [`append_fenced`](Self::append_fenced); this is for the store's own tests.
    #[cfg(test)]
    pub async fn append(&self, room: &str, changes: Changes) -> Result<(), StoreError> {
        each!(self, s => s.append(room, changes).await)
    }

    /// Deletes a session and every row it has; `false` if there was none. Returns once it is gone.
    pub async fn delete_session(&self, room: &str) -> Result<bool, StoreError> {
        each!(self, s => s.delete_session(room).await)
    }

    /// The facilitator's key of a stored session, if there is one.
    pub async fn facilitator_key(&self, room: &str) -> Result<Option<String>, StoreError> {
        each!(self, s => s.facilitator_key(room).await)
    }

    /// The sessions made as follow-ups of `room`, oldest first.
    pub async fn follow_ups(&self, room: &str) -> Result<Vec<Linked>, StoreError> {
        each!(self, s => s.follow_ups(room).await)
    }

    /// Which of `rooms` are still stored.
    pub async fn existing(&self, rooms: Vec<String>) -> Result<Vec<bool>, StoreError> {
        each!(self, s => s.existing(rooms).await)
    }

    /// The sessions last changed before `cut_off_ms`: what the retention sweep deletes.
    pub async fn inactive_before(&self, cut_off_ms: u64) -> Result<Vec<String>, StoreError> {
        each!(self, s => s.inactive_before(cut_off_ms).await)
    }

    /// When a session was last changed (its creation, or its last committed change).
    pub async fn last_active(&self, room: &str) -> Result<Option<u64>, StoreError> {
        each!(self, s => s.last_active(room).await)
    }

    /// Commits everything begun before this call, then stops writing. Later writes fail.
    pub async fn close(&self) {
        each!(self, s => s.close().await)
    }

    /// The room with this id, as stored, or `None` if there never was one.
    pub async fn load_room(&self, room: &str) -> Result<Option<StoredRoom>, StoreError> {
        each!(self, s => s.load_room(room).await)
    }

    /// The room and join key behind a (normalised) join code, if its session was created at or
    /// after `created_since_ms`.
    pub async fn find_code(
        &self,
        code: &str,
        created_since_ms: u64,
    ) -> Result<Option<(String, String)>, StoreError> {
        each!(self, s => s.find_code(code, created_since_ms).await)
    }
}

/// Leases, for hubs that share one PostgreSQL database (`room/lease.rs` uses them).
impl Store {
    /// Commits a room's changes only while `fence` is the room's live lease; returns once they are
    /// durable, or [`StoreError::Fenced`] with nothing written. SQLite has one server per file, so
    /// there it is [`append`](Self::append).
    pub async fn append_fenced(
        &self,
        room: &str,
        fence: &Fence,
        changes: Changes,
    ) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.append(room, changes).await,
            Store::Postgres(s) => s.append_fenced(room, Some(fence), changes).await,
        }
    }

    /// Claims `room` for `hub` for `ttl`: its new token if the room was free, its lease expired or
    /// this hub already held it; `None` while another hub holds it. SQLite: always granted.
    pub async fn claim(
        &self,
        room: &str,
        hub: &str,
        ttl: Duration,
    ) -> Result<Option<u64>, StoreError> {
        match self {
            Store::Sqlite(_) => Ok(Some(1)),
            Store::Postgres(s) => s.claim(room, hub, ttl).await,
        }
    }

    /// Extends `hub`'s live leases among `rooms` by `ttl`; returns the rooms it still holds.
    pub async fn renew(
        &self,
        hub: &str,
        rooms: &[String],
        ttl: Duration,
    ) -> Result<Renewed, StoreError> {
        match self {
            Store::Sqlite(_) => Ok(Renewed {
                held: rooms.to_vec(),
                wanted: Vec::new(),
            }),
            Store::Postgres(s) => s.renew(hub, rooms, ttl).await,
        }
    }

    /// Asks the hub that holds `room` to hand it to `hub`; returns how long its lease has left
    /// (0 if none). SQLite: nobody else holds it.
    pub async fn want(&self, room: &str, hub: &str) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(_) => Ok(0),
            Store::Postgres(s) => s.want(room, hub).await,
        }
    }

    /// Whether other servers may share this database (and so own some of its rooms).
    pub fn is_shared(&self) -> bool {
        matches!(self, Store::Postgres(_))
    }

    /// Gives up `hub`'s lease on `room` (if `token` is still its lease), so another hub may claim
    /// it at once.
    pub async fn release(&self, room: &str, fence: &Fence) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(_) => Ok(()),
            Store::Postgres(s) => s.release(room, fence).await,
        }
    }
}

#[cfg(test)]
mod tests;
