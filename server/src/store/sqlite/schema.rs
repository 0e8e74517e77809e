//! The database's shape and how a connection is set up. Migrations are numbered by their place in
//! [`MIGRATIONS`]; `PRAGMA user_version` records how many have run, so an older file is brought up
//! to date on open and a newer one (from a later server) is refused rather than misread.

use rusqlite::Connection;
use std::time::Duration;

/// Each step runs once, in order, in its own transaction. Never edit a step that has shipped: add one.
const MIGRATIONS: &[&str] = &[
    // 1: sessions, their event logs and their participants' keys.
    "CREATE TABLE sessions (
        room            TEXT PRIMARY KEY,
        facilitator_key TEXT NOT NULL,
        join_key        TEXT NOT NULL,
        screen_key      TEXT NOT NULL,
        join_code       TEXT NOT NULL UNIQUE,
        created_at      INTEGER NOT NULL, -- milliseconds since the UNIX epoch
        setup           TEXT NOT NULL     -- JSON: the setup the room started with
    );
    CREATE TABLE events (
        room  TEXT NOT NULL REFERENCES sessions(room),
        seq   INTEGER NOT NULL, -- 1, 2, 3, ...: the room's sequence number after this event
        event TEXT NOT NULL,    -- JSON, as `Event` serialises
        PRIMARY KEY (room, seq)
    ) WITHOUT ROWID;
    CREATE TABLE participant_keys (
        room        TEXT NOT NULL REFERENCES sessions(room),
        key         TEXT NOT NULL,
        participant INTEGER NOT NULL,
        PRIMARY KEY (room, key)
    ) WITHOUT ROWID;",
    // 2: the `op` tokens of commands and their first answers, so a resend after a restart is
    // answered as the first time. With a rowid: it orders them, oldest first, for pruning.
    "CREATE TABLE ops (
        room   TEXT NOT NULL REFERENCES sessions(room),
        actor  TEXT NOT NULL, -- whose token: facilitator, screen, guest or p<id>
        op     TEXT NOT NULL, -- the client's token
        answer TEXT NOT NULL, -- JSON: ack{seq}, joined{you, seq} or rejected{reason}
        PRIMARY KEY (room, actor, op)
    );",
    // 3: when each session was last changed, for the retention sweep (`--retention-days`).
    "ALTER TABLE sessions ADD COLUMN last_active INTEGER NOT NULL DEFAULT 0; -- ms since the epoch
    UPDATE sessions SET last_active = created_at;
    CREATE INDEX sessions_by_last_active ON sessions (last_active);",
    // 4: follow-ups. `earlier` is the session this one follows (kept when that one is deleted:
    // no foreign key), `follow_up` the link with its own copy of the earlier session, as JSON.
    "ALTER TABLE sessions ADD COLUMN earlier TEXT;
    ALTER TABLE sessions ADD COLUMN follow_up TEXT;
    CREATE INDEX sessions_by_earlier ON sessions (earlier);",
];

/// The schema version this server writes: the number of steps in [`MIGRATIONS`].
pub(super) const VERSION: usize = MIGRATIONS.len();

/// SQLite's own check of the file (`integrity_check`, or the faster `quick_check` that skips
/// matching indexes to their tables): `Err` with what it found.
pub(super) fn integrity(conn: &Connection, quick: bool) -> Result<(), String> {
    let pragma = if quick {
        "quick_check"
    } else {
        "integrity_check"
    };
    let rows: Vec<String> = conn
        .prepare(&format!("PRAGMA {pragma}"))
        .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| e.to_string())?;
    match rows.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        problems => Err(format!("damaged: {}", problems.join("; "))),
    }
}

/// Settings every connection needs, writer and readers alike.
pub(super) fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // WAL: readers (room loads, join-code lookups) never wait for the writer and vice versa.
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))?;
    // NORMAL in WAL mode: a commit has written its frames to the WAL file (the OS holds them) when it
    // returns, so it survives the server process dying in any way, `kill -9` included; only an OS
    // crash or power loss may lose the last commits, never corrupt the file. FULL would fsync every
    // commit, which a meeting tool on one box does not need to pay for.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A deleted session's names and texts are overwritten with zeros, not just unlinked: the
    // file must not keep what a facilitator asked to remove (docs/SECURITY.md, Storage).
    conn.pragma_update(None, "secure_delete", "ON")?;
    // A checkpoint briefly locks out others; wait instead of failing.
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(())
}

/// Brings the file up to the newest schema this server knows.
pub(super) fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let current = usize::try_from(current)?;
    if current > MIGRATIONS.len() {
        anyhow::bail!(
            "the database has schema version {current}, this server knows up to {}: use a newer server",
            MIGRATIONS.len()
        );
    }
    for (done, step) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        // PRAGMA takes no bound parameters; the number is ours, not input.
        tx.execute_batch(&format!("PRAGMA user_version = {}", done + 1))?;
        tx.commit()?;
        tracing::info!(version = done + 1, "database schema migrated");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::params;

    #[test]
    fn migrating_twice_changes_nothing_and_a_newer_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        configure(&conn).unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        conn.execute(
            "INSERT INTO sessions VALUES ('r', 'f', 'j', 's', 'CODE', 1, '{}', 1, NULL, NULL)",
            params![],
        )
        .unwrap();
        let taken = conn.execute(
            "INSERT INTO sessions VALUES ('r2', 'f', 'j', 's', 'CODE', 1, '{}', 1, NULL, NULL)",
            params![],
        );
        assert!(taken.is_err(), "join codes are unique");
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
        assert!(migrate(&mut conn).is_err());
    }
}
