//! The sessions in PostgreSQL (`--database-url`), for servers that share one database. A pool of
//! connections; every write is one transaction that has committed when the call returns, so a
//! room acks only what the database keeps. PostgreSQL commits each transaction durably on its own
//! (no group commit here: the server does that across clients).

mod changes;
mod leases;
mod schema;

use super::{Changes, Fence, Linked, SessionRecord, StoreError, StoredRoom};
use changes::{insert_changes, is_unique_violation};
use koersbord_shared::domain::ParticipantId;
use koersbord_shared::room::{Event, FollowUp, Setup};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{RwLock, RwLockReadGuard};

/// Connections per server unless `--database-pool` says otherwise: a room's commit holds one for a
/// round trip or two, so a few serve many rooms; PostgreSQL's default allows 100 for all servers
/// together.
pub const DEFAULT_POOL_SIZE: u32 = 10;

/// How long a write waits for a free connection, and the start for a first one, before failing:
/// an unreachable database must be reported, not waited out.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// A transaction left open this long with nothing sent is ended by PostgreSQL, its locks with it.
/// A hub paused in the middle of a write (SIGSTOP, a frozen VM) holds its lease `FOR SHARE`; this
/// bounds how long that holds up the hub taking the room over. Far above a write's round trips.
const IDLE_IN_TRANSACTION: &str = "2s";

/// The options every connection of the pool is made with: `url`'s, and [`IDLE_IN_TRANSACTION`].
pub(super) fn connect_options(url: &str) -> anyhow::Result<PgConnectOptions> {
    Ok(PgConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("--database-url is not a PostgreSQL address: {e}"))?
        .options([("idle_in_transaction_session_timeout", IDLE_IN_TRANSACTION)]))
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolClosed => StoreError::Closed,
            e => StoreError::Database(e.to_string()),
        }
    }
}

/// A cheap handle: the pool, and the gate that [`Store::close`] shuts.
#[derive(Clone)]
pub struct Store {
    pool: PgPool,
    /// `true` once closing. Every write holds a read guard while it runs, so `close` (the writer)
    /// waits for writes begun before it and every later one sees `true`.
    closed: Arc<RwLock<bool>>,
}

impl Store {
    /// Connects to `url`, brings the schema up to date, and keeps a pool of at most `pool_size`
    /// connections.
    pub async fn connect(url: &str, pool_size: u32) -> anyhow::Result<Store> {
        let options = connect_options(url)?;
        // Where, without the user or password the address may carry.
        let place = format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("")
        );
        let pool = PgPoolOptions::new()
            .max_connections(pool_size)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| anyhow::anyhow!("cannot connect to PostgreSQL at {place}: {e}"))?;
        schema::migrate(&pool)
            .await
            .map_err(|e| anyhow::anyhow!("PostgreSQL at {place}: {e:#}"))?;
        tracing::info!(database = %place, "PostgreSQL connected");
        Ok(Store {
            pool,
            closed: Arc::default(),
        })
    }

    /// The connections the pool holds now, busy or idle.
    #[cfg(test)]
    pub fn connections(&self) -> u32 {
        self.pool.size()
    }

    /// Lets a write begin unless the store is closing; hold the guard until it committed.
    async fn writing(&self) -> Result<RwLockReadGuard<'_, bool>, StoreError> {
        let closed = self.closed.read().await;
        if *closed {
            return Err(StoreError::Closed);
        }
        Ok(closed)
    }

    /// Stores a new session. `Ok(false)` when its room id or join code is already taken (draw again).
    pub async fn create_session(&self, s: SessionRecord) -> Result<bool, StoreError> {
        let _open = self.writing().await?;
        let began = Instant::now();
        let setup = serde_json::to_string(&s.setup).expect("a setup always serialises");
        let follow_up = s
            .follow_up
            .as_ref()
            .map(|f| serde_json::to_string(f).expect("a follow-up always serialises"));
        let earlier = s.follow_up.as_ref().map(|f| f.earlier.room.clone());
        let inserted = sqlx::query(
            "INSERT INTO sessions
             (room, facilitator_key, join_key, screen_key, join_code, created_at, setup,
              last_active, earlier, follow_up)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8, $9)",
        )
        .bind(&s.room)
        .bind(&s.facilitator_key)
        .bind(&s.join_key)
        .bind(&s.screen_key)
        .bind(&s.join_code)
        .bind(s.created_at_ms as i64)
        .bind(setup)
        .bind(earlier)
        .bind(follow_up)
        .execute(&self.pool)
        .await;
        if !matches!(&inserted, Err(e) if !is_unique_violation(e)) {
            crate::metrics::commit_seconds().record(began.elapsed());
        }
        match inserted {
            Ok(_) => Ok(true),
            // The room id or the join code is taken: nothing was written, draw again.
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Commits a room's changes in one transaction; returns once it has committed.
    #[cfg(test)]
    pub async fn append(&self, room: &str, changes: Changes) -> Result<(), StoreError> {
        self.append_fenced(room, None, changes).await
    }

    /// As [`append`](Self::append); with a fence, only while it is the room's live lease.
    pub async fn append_fenced(
        &self,
        room: &str,
        fence: Option<&Fence>,
        changes: Changes,
    ) -> Result<(), StoreError> {
        let _open = self.writing().await?;
        // From here, as SQLite's writer counts from the queue: waiting for a connection included.
        let began = Instant::now();
        let mut tx = self.pool.begin().await?;
        if let Some(fence) = fence {
            // Dropping the transaction rolls it back: nothing of a fenced write stays.
            leases::hold(&mut tx, room, fence).await?;
        }
        insert_changes(&mut tx, room, &changes, fence.map(|f| f.token)).await?;
        tx.commit().await?;
        crate::metrics::commit_seconds().record(began.elapsed());
        Ok(())
    }

    /// Deletes a session and every row it has; `false` if there was none. Its lease stays, so
    /// tokens keep growing.
    pub async fn delete_session(&self, room: &str) -> Result<bool, StoreError> {
        let _open = self.writing().await?;
        let began = Instant::now();
        let mut tx = self.pool.begin().await?;
        for delete in [
            // First, so it waits for a hub's write in flight (which holds the lease `FOR SHARE`),
            // and the hub that holds the room hears at its next renewal that it is gone. The row
            // stays: tokens only grow.
            "UPDATE leases SET expires_at = now() WHERE room = $1 AND expires_at > now()",
            "DELETE FROM events WHERE room = $1",
            "DELETE FROM ops WHERE room = $1",
            "DELETE FROM participant_keys WHERE room = $1",
        ] {
            sqlx::query(delete).bind(room).execute(&mut *tx).await?;
        }
        let sessions = sqlx::query("DELETE FROM sessions WHERE room = $1")
            .bind(room)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        crate::metrics::commit_seconds().record(began.elapsed());
        Ok(sessions > 0)
    }

    /// The facilitator's key of a stored session, if there is one.
    pub async fn facilitator_key(&self, room: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT facilitator_key FROM sessions WHERE room = $1")
                .bind(room)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The sessions made as follow-ups of `room`, oldest first.
    pub async fn follow_ups(&self, room: &str) -> Result<Vec<Linked>, StoreError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT room, setup, created_at FROM sessions WHERE earlier = $1
             ORDER BY created_at, room",
        )
        .bind(room)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(room, setup, created)| {
                let setup: Setup = serde_json::from_str(&setup)
                    .map_err(|e| StoreError::Corrupt(format!("room {room}: setup: {e}")))?;
                Ok(Linked {
                    room,
                    title: setup.title,
                    created_at_ms: created as u64,
                })
            })
            .collect()
    }

    /// Which of `rooms` are still stored.
    pub async fn existing(&self, rooms: Vec<String>) -> Result<Vec<bool>, StoreError> {
        let found: Vec<String> =
            sqlx::query_scalar("SELECT room FROM sessions WHERE room = ANY($1)")
                .bind(&rooms)
                .fetch_all(&self.pool)
                .await?;
        Ok(rooms.iter().map(|r| found.contains(r)).collect())
    }

    /// The sessions last changed before `cut_off_ms`: what the retention sweep deletes.
    pub async fn inactive_before(&self, cut_off_ms: u64) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT room FROM sessions WHERE last_active < $1")
                .bind(cut_off_ms as i64)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// When a session was last changed (its creation, or its last committed change).
    pub async fn last_active(&self, room: &str) -> Result<Option<u64>, StoreError> {
        let ms: Option<i64> =
            sqlx::query_scalar("SELECT last_active FROM sessions WHERE room = $1")
                .bind(room)
                .fetch_optional(&self.pool)
                .await?;
        Ok(ms.map(|ms| ms as u64))
    }

    /// Waits for the writes begun before this call to commit, refuses every later one, and closes
    /// the pool.
    pub async fn close(&self) {
        *self.closed.write().await = true;
        self.pool.close().await;
    }

    /// The room with this id, as stored, or `None` if there never was one.
    pub async fn load_room(&self, room: &str) -> Result<Option<StoredRoom>, StoreError> {
        // One snapshot, so the session, its events and its keys are from the same moment.
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?;
        type Row = (String, String, String, String, i64, String, Option<String>);
        let session: Option<Row> = sqlx::query_as(
            "SELECT facilitator_key, join_key, screen_key, join_code, created_at, setup, follow_up
             FROM sessions WHERE room = $1",
        )
        .bind(room)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((facilitator_key, join_key, screen_key, join_code, created_at, setup, follow_up)) =
            session
        else {
            return Ok(None);
        };
        let setup: Setup = serde_json::from_str(&setup)
            .map_err(|e| StoreError::Corrupt(format!("room {room}: setup: {e}")))?;
        let follow_up: Option<FollowUp> = follow_up
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("room {room}: follow-up: {e}")))?;
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT seq, event FROM events WHERE room = $1 ORDER BY seq")
                .bind(room)
                .fetch_all(&mut *tx)
                .await?;
        let mut events: Vec<Event> = Vec::with_capacity(rows.len());
        for (seq, json) in rows {
            // Sequence numbers are 1, 2, 3, ... without gaps: the replay must count to the same.
            if seq != events.len() as i64 + 1 {
                return Err(StoreError::Corrupt(format!(
                    "room {room}: event {seq} follows {}",
                    events.len()
                )));
            }
            let event = serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("room {room}: event {seq}: {e}")))?;
            events.push(event);
        }
        let keys: Vec<(String, i64)> =
            sqlx::query_as("SELECT key, participant FROM participant_keys WHERE room = $1")
                .bind(room)
                .fetch_all(&mut *tx)
                .await?;
        let participant_keys = keys
            .into_iter()
            .map(|(key, id)| {
                let id = u32::try_from(id)
                    .map_err(|_| StoreError::Corrupt(format!("room {room}: participant {id}")))?;
                Ok((key, ParticipantId(id)))
            })
            .collect::<Result<_, StoreError>>()?;
        let ops = sqlx::query_as("SELECT actor, op, answer FROM ops WHERE room = $1 ORDER BY id")
            .bind(room)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(StoredRoom {
            session: SessionRecord {
                room: room.to_owned(),
                facilitator_key,
                join_key,
                screen_key,
                join_code,
                created_at_ms: created_at as u64,
                setup,
                follow_up,
            },
            events,
            participant_keys,
            ops,
        }))
    }

    /// The room and join key behind a (normalised) join code, if its session was created at or
    /// after `created_since_ms`.
    pub async fn find_code(
        &self,
        code: &str,
        created_since_ms: u64,
    ) -> Result<Option<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT room, join_key FROM sessions WHERE join_code = $1 AND created_at >= $2",
        )
        .bind(code)
        .bind(created_since_ms as i64)
        .fetch_optional(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests;
