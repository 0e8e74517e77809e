//! What an operator runs beside the server: a consistent copy of the database while the server
//! runs (`koersbord backup`), and a check that a file is sound (`koersbord check`). Neither ever
//! writes to the live database.

use super::{load_room, schema};
use koersbord_shared::room::audit;
use rusqlite::{Connection, OpenFlags, backup};
use std::path::{Path, PathBuf};

/// Why a backup or a check could not be made, or what the check found.
#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    #[error("there is no database at {0}")]
    NoDatabase(PathBuf),
    #[error("{0} already exists: a backup never overwrites a file; choose a new name")]
    TargetExists(PathBuf),
    #[error("cannot write the backup {path}: {reason}")]
    Target { path: PathBuf, reason: String },
    #[error("the database {path}: {reason}")]
    Database { path: PathBuf, reason: String },
    #[error("the database {path} has {} problem(s):\n  {}", .problems.len(), .problems.join("\n  "))]
    Problems {
        path: PathBuf,
        problems: Vec<String>,
    },
}

/// What a copy or a check saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub sessions: u64,
    pub events: u64,
    pub bytes: u64,
}

/// Opens an existing database without creating one, as a reader (WAL lets it read while the server
/// writes).
fn open_existing(db: &Path) -> Result<Connection, MaintenanceError> {
    if !db.is_file() {
        return Err(MaintenanceError::NoDatabase(db.to_owned()));
    }
    let database = |e: rusqlite::Error| MaintenanceError::Database {
        path: db.to_owned(),
        reason: e.to_string(),
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(db, flags).map_err(database)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(database)?;
    Ok(conn)
}

/// Copies `db` to the new file `to` with SQLite's online backup, as one snapshot: every commit
/// made before the copy started is in it, none made during it is half in it. The copy is written
/// beside `to` under a temporary name, checked, and only then given its name, so a failure (a full
/// disk) leaves no file that looks like a backup.
pub fn backup(db: &Path, to: &Path) -> Result<Summary, MaintenanceError> {
    if to.exists() {
        return Err(MaintenanceError::TargetExists(to.to_owned()));
    }
    let source = open_existing(db)?;
    let target_error = |reason: String| MaintenanceError::Target {
        path: to.to_owned(),
        reason,
    };
    let dir = match to.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = to
        .file_name()
        .ok_or_else(|| target_error("not a file name".into()))?;
    let partial = dir.join(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = copy_into(&source, &partial).and_then(|summary| {
        // A hard link fails if `to` appeared meanwhile: never overwrite.
        std::fs::hard_link(&partial, to).map_err(|e| e.to_string())?;
        Ok(summary)
    });
    let _ = std::fs::remove_file(&partial);
    result.map_err(target_error)
}

fn copy_into(source: &Connection, partial: &Path) -> Result<Summary, String> {
    // The copy holds every session's keys: readable by this user only, like the database.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(partial).map_err(|e| e.to_string())?;
    let mut target = Connection::open(partial).map_err(|e| e.to_string())?;
    {
        let copy = backup::Backup::new(source, &mut target).map_err(|e| e.to_string())?;
        // All pages in one step: one read transaction, so one consistent snapshot even while the
        // server commits (a step by step copy would restart on every commit).
        match copy.step(-1).map_err(|e| e.to_string())? {
            backup::StepResult::Done => {}
            other => return Err(format!("the copy did not finish ({other:?})")),
        }
    }
    let summary = verify(&target).map_err(|problems| problems.join("; "))?;
    target.close().map_err(|(_, e)| e.to_string())?;
    let bytes = std::fs::metadata(partial).map_err(|e| e.to_string())?.len();
    Ok(Summary { bytes, ..summary })
}

/// Checks `db`: SQLite's integrity check, the schema version, and every room replayed from its
/// events to a state that keeps the room's invariants. Changes nothing.
pub fn check(db: &Path) -> Result<Summary, MaintenanceError> {
    let conn = open_existing(db)?;
    let summary = verify(&conn).map_err(|problems| MaintenanceError::Problems {
        path: db.to_owned(),
        problems,
    })?;
    let bytes = std::fs::metadata(db).map(|m| m.len()).unwrap_or_default();
    Ok(Summary { bytes, ..summary })
}

/// What [`check`] checks, on an open connection; the problems found, in words.
fn verify(conn: &Connection) -> Result<Summary, Vec<String>> {
    schema::integrity(conn, false).map_err(|p| vec![p])?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| vec![e.to_string()])?;
    if version != schema::VERSION as i64 {
        return Err(vec![format!(
            "schema version {version}, this server writes version {} \
             (it migrates an older file when it starts)",
            schema::VERSION
        )]);
    }
    let rooms: Vec<String> = conn
        .prepare("SELECT room FROM sessions ORDER BY created_at, room")
        .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| vec![e.to_string()])?;
    let mut problems = Vec::new();
    let mut summary = Summary::default();
    for room in rooms {
        summary.sessions += 1;
        match load_room(conn, &room) {
            Ok(Some(stored)) => {
                summary.events += stored.events.len() as u64;
                let state = stored.state();
                problems.extend(
                    audit::faults(&state)
                        .into_iter()
                        .map(|f| format!("session {room}: {f}")),
                );
                for (_, id) in &stored.participant_keys {
                    if id.0 >= state.next_participant {
                        problems.push(format!(
                            "session {room}: a key for participant {} who never joined",
                            id.0
                        ));
                    }
                }
            }
            Ok(None) => problems.push(format!("session {room} vanished during the check")),
            Err(e) => problems.push(e.to_string()),
        }
    }
    if problems.is_empty() {
        Ok(summary)
    } else {
        Err(problems)
    }
}
