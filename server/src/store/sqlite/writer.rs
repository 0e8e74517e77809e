//! The one thread that writes. It takes whatever is queued (up to [`MAX_BATCH`] jobs), runs each in
//! its own savepoint inside one transaction, commits once and only then answers every waiter: many
//! rooms' commands share one commit (group commit), and one job's failure (a join code drawn twice)
//! does not undo the others.
//!
//! Each job carries when it was queued: the time from there to its commit is the store's share of
//! a command's latency (`koersbord_store_commit_seconds`), waiting behind other batches included.

use super::{Changes, SessionRecord, StoreError};
use metrics::Histogram;
use rusqlite::{Connection, ErrorCode, Transaction, params};
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// Enough to amortise a commit over a busy moment, small enough that no waiter waits long.
const MAX_BATCH: usize = 256;

pub(super) enum Job {
    Create(
        Box<SessionRecord>,
        oneshot::Sender<Result<bool, StoreError>>,
    ),
    Append {
        room: String,
        changes: Changes,
        done: oneshot::Sender<Result<(), StoreError>>,
    },
    /// Removes a session and everything it holds; `true` if there was one.
    Delete {
        room: String,
        done: oneshot::Sender<Result<bool, StoreError>>,
    },
    /// Commit what came before, then stop.
    Close(oneshot::Sender<()>),
}

/// A job and when it was queued.
pub(super) struct Queued {
    job: Job,
    at: Instant,
}

impl From<Job> for Queued {
    fn from(job: Job) -> Queued {
        Queued {
            job,
            at: Instant::now(),
        }
    }
}

/// What a job came to, before its transaction commits.
enum Outcome {
    Created(bool),
    Appended,
    Deleted(bool),
    Closed,
    Failed(StoreError),
}

pub(super) fn run(mut conn: Connection, mut jobs: mpsc::Receiver<Queued>) {
    let latency = crate::metrics::commit_seconds();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = jobs.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let size = batch.len();
        let closing = commit(&mut conn, &mut batch, &latency);
        tracing::trace!(size, "committed a batch");
        if let Some(done) = closing {
            // Dropping the receiver first makes later writes fail at once instead of waiting.
            drop(jobs);
            drop(conn);
            tracing::info!("database writer stopped");
            let _ = done.send(());
            return;
        }
    }
}

/// Runs `batch` in one transaction and answers each job. Returns the waiter of a `Close`, if any.
fn commit(
    conn: &mut Connection,
    batch: &mut Vec<Queued>,
    latency: &Histogram,
) -> Option<oneshot::Sender<()>> {
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(batch.len());
    let now = super::now_ms();
    let committed = match conn.transaction() {
        Ok(mut tx) => {
            for queued in batch.iter() {
                outcomes.push(apply(&mut tx, &queued.job, now));
            }
            tx.commit().map_err(StoreError::from)
        }
        Err(e) => Err(StoreError::from(e)),
    };
    if committed.is_ok() && outcomes.iter().any(|o| matches!(o, Outcome::Deleted(true))) {
        wipe_wal(conn);
    }
    match &committed {
        Ok(()) => {
            let now = Instant::now();
            for queued in batch.iter().filter(|q| !matches!(q.job, Job::Close(_))) {
                latency.record(now.duration_since(queued.at));
            }
        }
        Err(e) => tracing::error!(error = %e, jobs = batch.len(), "a database commit failed"),
    }
    let mut outcomes = outcomes.into_iter();
    let mut closing = None;
    for Queued { job, .. } in batch.drain(..) {
        // Nothing of an uncommitted transaction counts, whatever its savepoint said.
        let outcome = match &committed {
            Err(e) => Outcome::Failed(e.clone()),
            Ok(()) => outcomes
                .next()
                .unwrap_or(Outcome::Failed(StoreError::Closed)),
        };
        match job {
            Job::Create(_, done) => {
                let _ = done.send(match outcome {
                    Outcome::Created(fresh) => Ok(fresh),
                    Outcome::Failed(e) => Err(e),
                    _ => Err(StoreError::Closed),
                });
            }
            Job::Append { done, .. } => {
                let _ = done.send(match outcome {
                    Outcome::Appended => Ok(()),
                    Outcome::Failed(e) => Err(e),
                    _ => Err(StoreError::Closed),
                });
            }
            Job::Delete { done, .. } => {
                let _ = done.send(match outcome {
                    Outcome::Deleted(found) => Ok(found),
                    Outcome::Failed(e) => Err(e),
                    _ => Err(StoreError::Closed),
                });
            }
            Job::Close(done) => closing = Some(done),
        }
    }
    closing
}

/// One job in its own savepoint: on error only this job's writes are undone.
fn apply(tx: &mut Transaction, job: &Job, now_ms: u64) -> Outcome {
    let result = (|| -> rusqlite::Result<Outcome> {
        let sp = tx.savepoint()?;
        let outcome = match job {
            Job::Create(session, _) => match insert_session(&sp, session) {
                Ok(()) => Outcome::Created(true),
                // The room id or the join code is taken: nothing was written, draw again.
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == ErrorCode::ConstraintViolation =>
                {
                    return Ok(Outcome::Created(false));
                }
                Err(e) => return Err(e),
            },
            Job::Append { room, changes, .. } => {
                insert_changes(&sp, room, changes, now_ms)?;
                Outcome::Appended
            }
            Job::Delete { room, .. } => Outcome::Deleted(delete_session(&sp, room)?),
            Job::Close(_) => Outcome::Closed,
        };
        sp.commit()?;
        Ok(outcome)
    })();
    result.unwrap_or_else(|e| Outcome::Failed(e.into()))
}

fn insert_session(tx: &Connection, s: &SessionRecord) -> rusqlite::Result<()> {
    let setup = serde_json::to_string(&s.setup).expect("a setup always serialises");
    let follow_up = s
        .follow_up
        .as_ref()
        .map(|f| serde_json::to_string(f).expect("a follow-up always serialises"));
    let earlier = s.follow_up.as_ref().map(|f| f.earlier.room.as_str());
    tx.prepare_cached(
        "INSERT INTO sessions
         (room, facilitator_key, join_key, screen_key, join_code, created_at, setup, last_active,
          earlier, follow_up)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?9)",
    )?
    .execute(params![
        s.room,
        s.facilitator_key,
        s.join_key,
        s.screen_key,
        s.join_code,
        s.created_at_ms as i64,
        setup,
        earlier,
        follow_up
    ])?;
    Ok(())
}

fn insert_changes(
    tx: &Connection,
    room: &str,
    changes: &Changes,
    now_ms: u64,
) -> rusqlite::Result<()> {
    // The primary key (room, seq) refuses an event numbered twice: two owners of one room would
    // fail here rather than fork its history.
    let mut event =
        tx.prepare_cached("INSERT INTO events (room, seq, event) VALUES (?1, ?2, ?3)")?;
    for (seq, json) in &changes.events {
        event.execute(params![room, *seq as i64, json])?;
    }
    let mut key = tx.prepare_cached(
        "INSERT INTO participant_keys (room, key, participant) VALUES (?1, ?2, ?3)",
    )?;
    for (k, id) in &changes.participant_keys {
        key.execute(params![room, k, id.0])?;
    }
    let mut op = tx.prepare_cached(
        "INSERT OR REPLACE INTO ops (room, actor, op, answer) VALUES (?1, ?2, ?3, ?4)",
    )?;
    // Keeps what the room keeps in memory: the newest tokens per identity.
    let mut prune = tx.prepare_cached(
        "DELETE FROM ops WHERE room = ?1 AND actor = ?2 AND rowid <= (
            SELECT rowid FROM ops WHERE room = ?1 AND actor = ?2 ORDER BY rowid DESC LIMIT 1 OFFSET ?3)",
    )?;
    for (actor, token, answer) in &changes.ops {
        op.execute(params![room, actor, token, answer])?;
        prune.execute(params![room, actor, crate::room::REMEMBERED_OPS as i64])?;
    }
    tx.prepare_cached("UPDATE sessions SET last_active = ?2 WHERE room = ?1")?
        .execute(params![room, now_ms as i64])?;
    Ok(())
}

/// Every row of a session: its events, its remembered op tokens and their answers, its
/// participants' keys, then the session with its keys and join code (which is free for a new
/// session from then on).
fn delete_session(tx: &Connection, room: &str) -> rusqlite::Result<bool> {
    tx.prepare_cached("DELETE FROM events WHERE room = ?1")?
        .execute(params![room])?;
    tx.prepare_cached("DELETE FROM ops WHERE room = ?1")?
        .execute(params![room])?;
    tx.prepare_cached("DELETE FROM participant_keys WHERE room = ?1")?
        .execute(params![room])?;
    let sessions = tx
        .prepare_cached("DELETE FROM sessions WHERE room = ?1")?
        .execute(params![room])?;
    Ok(sessions > 0)
}

/// Secure delete zeroes the pages in the database, but the write-ahead log still holds their old
/// versions until a checkpoint: copy it into the database and cut it to nothing, so no deleted
/// text stays on disk. A reader may hold this back for a moment (the busy timeout); if it does not
/// finish, the next delete or SQLite's own checkpoint completes it.
fn wipe_wal(conn: &Connection) {
    let result = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        r.get::<_, i64>(0)
    });
    match result {
        Ok(0) => {}
        Ok(_) => tracing::warn!("the log of a deleted session could not be emptied yet"),
        Err(e) => tracing::warn!(error = %e, "cannot checkpoint after a delete"),
    }
}
