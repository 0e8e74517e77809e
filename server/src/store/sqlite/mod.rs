//! The embedded database (the default): every session, every event and every participant key, in
//! one SQLite file.
//!
//! Writes go to one dedicated thread ([`writer`]) that commits whatever is queued in one transaction
//! (group commit) and then answers each waiter; the room tasks await that answer before they ack or
//! broadcast. Reads (loading a room, finding a join code) use a second connection on the blocking
//! pool. Nothing here blocks the async runtime.

pub mod maintenance;
mod schema;
mod writer;

use super::{Changes, Linked, SessionRecord, StoreError, StoredRoom};
use koersbord_shared::domain::ParticipantId;
use koersbord_shared::room::{FollowUp, Setup};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{mpsc, oneshot};
use writer::{Job, Queued};

/// How many writes may wait for the writer thread; senders wait beyond that (backpressure).
const WRITE_QUEUE: usize = 1024;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

/// A cheap handle to the database: the writer thread's queue and the reading connection.
#[derive(Clone)]
pub struct Store {
    jobs: mpsc::Sender<Queued>,
    reader: Arc<Mutex<Connection>>,
}

/// The writer thread; [`Store::close`] ends it, and joining it proves every write is on disk.
pub struct WriterThread(std::thread::JoinHandle<()>);

impl WriterThread {
    /// Waits for the thread to finish (call after [`Store::close`]).
    pub async fn join(self) {
        let _ = tokio::task::spawn_blocking(move || self.0.join()).await;
    }
}

impl Store {
    /// Opens (or creates) the database at `path`, brings its schema up to date and starts the writer.
    pub fn open(path: &Path) -> anyhow::Result<(Store, WriterThread)> {
        create_private(path)?;
        let mut conn = Connection::open(path)?;
        schema::configure(&conn)?;
        // A damaged file is refused whole: serving half of it would lose sessions silently.
        schema::integrity(&conn, true).map_err(anyhow::Error::msg)?;
        schema::migrate(&mut conn)?;
        let reader = Connection::open(path)?;
        schema::configure(&reader)?;
        let (jobs, queue) = mpsc::channel(WRITE_QUEUE);
        let thread = std::thread::Builder::new()
            .name("koersbord-db-writer".into())
            .spawn(move || writer::run(conn, queue))?;
        let store = Store {
            jobs,
            reader: Arc::new(Mutex::new(reader)),
        };
        Ok((store, WriterThread(thread)))
    }

    /// Stores a new session. `Ok(false)` when its room id or join code is already taken (draw again).
    pub async fn create_session(&self, session: SessionRecord) -> Result<bool, StoreError> {
        let (done, answer) = oneshot::channel();
        self.submit(Job::Create(Box::new(session), done)).await?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Commits a room's changes; returns once they are durable.
    pub async fn append(&self, room: &str, changes: Changes) -> Result<(), StoreError> {
        let (done, answer) = oneshot::channel();
        let job = Job::Append {
            room: room.to_owned(),
            changes,
            done,
        };
        self.submit(job).await?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Deletes a session and every row it has (see `writer::delete_session`); `false` if there was
    /// none. Returns once it is gone from the file, the write-ahead log included.
    pub async fn delete_session(&self, room: &str) -> Result<bool, StoreError> {
        let (done, answer) = oneshot::channel();
        let job = Job::Delete {
            room: room.to_owned(),
            done,
        };
        self.submit(job).await?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// The facilitator's key of a stored session, if there is one.
    pub async fn facilitator_key(&self, room: &str) -> Result<Option<String>, StoreError> {
        let room = room.to_owned();
        self.read(move |conn| {
            Ok(conn
                .prepare_cached("SELECT facilitator_key FROM sessions WHERE room = ?1")?
                .query_row(params![room], |r| r.get(0))
                .optional()?)
        })
        .await
    }

    /// The sessions made as follow-ups of `room`, oldest first.
    pub async fn follow_ups(&self, room: &str) -> Result<Vec<Linked>, StoreError> {
        let room = room.to_owned();
        self.read(move |conn| {
            let mut q = conn.prepare_cached(
                "SELECT room, setup, created_at FROM sessions WHERE earlier = ?1
                 ORDER BY created_at, room",
            )?;
            let rows = q
                .query_map(params![room], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
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
        })
        .await
    }

    /// Which of `rooms` are still stored.
    pub async fn existing(&self, rooms: Vec<String>) -> Result<Vec<bool>, StoreError> {
        self.read(move |conn| {
            let mut q = conn.prepare_cached("SELECT 1 FROM sessions WHERE room = ?1")?;
            rooms.iter().map(|r| Ok(q.exists(params![r])?)).collect()
        })
        .await
    }

    /// The sessions last changed before `cut_off_ms`: what the retention sweep deletes.
    pub async fn inactive_before(&self, cut_off_ms: u64) -> Result<Vec<String>, StoreError> {
        self.read(move |conn| {
            let rooms = conn
                .prepare_cached("SELECT room FROM sessions WHERE last_active < ?1")?
                .query_map(params![cut_off_ms as i64], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(rooms)
        })
        .await
    }

    /// When a session was last changed (its creation, or its last committed change).
    pub async fn last_active(&self, room: &str) -> Result<Option<u64>, StoreError> {
        let room = room.to_owned();
        self.read(move |conn| {
            Ok(conn
                .prepare_cached("SELECT last_active FROM sessions WHERE room = ?1")?
                .query_row(params![room], |r| r.get::<_, i64>(0))
                .optional()?
                .map(|ms| ms as u64))
        })
        .await
    }

    /// Commits everything queued before this call, then stops the writer thread. Later writes fail.
    pub async fn close(&self) {
        let (done, answer) = oneshot::channel();
        if self.submit(Job::Close(done)).await.is_ok() {
            let _ = answer.await;
        }
    }

    async fn submit(&self, job: Job) -> Result<(), StoreError> {
        self.jobs
            .send(job.into())
            .await
            .map_err(|_| StoreError::Closed)
    }

    /// Runs a read on the blocking pool with the reading connection.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            // A panic elsewhere cannot leave a connection half-used: each read is its own statement
            // or transaction.
            let conn = reader.lock().unwrap_or_else(PoisonError::into_inner);
            f(&conn)
        })
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?
    }

    /// The room with this id, as stored, or `None` if there never was one.
    pub async fn load_room(&self, room: &str) -> Result<Option<StoredRoom>, StoreError> {
        let room = room.to_owned();
        self.read(move |conn| load_room(conn, &room)).await
    }

    /// The room and join key behind a (normalised) join code, if its session was created at or
    /// after `created_since_ms`.
    pub async fn find_code(
        &self,
        code: &str,
        created_since_ms: u64,
    ) -> Result<Option<(String, String)>, StoreError> {
        let code = code.to_owned();
        self.read(move |conn| {
            let found = conn
                .prepare_cached(
                    "SELECT room, join_key FROM sessions WHERE join_code = ?1 AND created_at >= ?2",
                )?
                .query_row(params![code, created_since_ms as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            Ok(found)
        })
        .await
    }
}

/// The file holds bearer capabilities: create it readable by the server's user only. SQLite gives
/// its `-wal` and `-shm` files the same permissions.
///
/// An existing file keeps its mode (the operator may have chosen it), with a warning if others
/// may read it.
fn create_private(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        #[cfg(unix)]
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = std::os::unix::fs::PermissionsExt::mode(&meta.permissions());
            if mode & 0o077 != 0 {
                tracing::warn!(
                    db = %path.display(),
                    mode = format!("{:o}", mode & 0o777),
                    "the database holds every session's keys but others may read it: chmod 600"
                );
            }
        }
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot create the database {}: {e}", path.display()))?;
    Ok(())
}

/// The wall clock in milliseconds since the UNIX epoch, as rooms stamp their activity.
fn now_ms() -> u64 {
    crate::room::hub::now_ms()
}

/// `koersbord.sqlite3` beside the running executable: where the server finds its data again however
/// it is started.
pub fn default_path() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .ok_or_else(|| anyhow::anyhow!("the executable {} has no directory", exe.display()))?;
    Ok(dir.join("koersbord.sqlite3"))
}

fn load_room(conn: &Connection, room: &str) -> Result<Option<StoredRoom>, StoreError> {
    // One read transaction, so the session, its events and its keys are from the same moment.
    let tx = conn.unchecked_transaction()?;
    let session = tx
        .prepare_cached(
            "SELECT facilitator_key, join_key, screen_key, join_code, created_at, setup, follow_up
             FROM sessions WHERE room = ?1",
        )?
        .query_row(params![room], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ),
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })
        .optional()?;
    let Some(((facilitator_key, join_key, screen_key, join_code), created_at, setup, follow_up)) =
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
    let mut events = Vec::new();
    let mut rows =
        tx.prepare_cached("SELECT seq, event FROM events WHERE room = ?1 ORDER BY seq")?;
    let mut rows = rows.query(params![room])?;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let json: String = row.get(1)?;
        // Sequence numbers are 1, 2, 3, ... without gaps: the replay must count to the same number.
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
    drop(rows);
    let participant_keys = tx
        .prepare_cached("SELECT key, participant FROM participant_keys WHERE room = ?1")?
        .query_map(params![room], |r| Ok((r.get(0)?, ParticipantId(r.get(1)?))))?
        .collect::<Result<Vec<_>, _>>()?;
    let ops = tx
        .prepare_cached("SELECT actor, op, answer FROM ops WHERE room = ?1 ORDER BY rowid")?
        .query_map(params![room], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
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

#[cfg(test)]
mod tests;

#[cfg(test)]
mod delete_tests;
