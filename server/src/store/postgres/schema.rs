//! The PostgreSQL database's shape: the same tables and columns as the SQLite file
//! (`store/sqlite/schema.rs`), with PostgreSQL's types, plus the leases that fence two hubs off one
//! room. Steps are numbered by their place in [`MIGRATIONS`]; the one row of `schema_version`
//! records how many have run, so an older database is brought up to date on connect and a newer
//! one (from a later server) is refused rather than misread.

use sqlx::PgPool;

/// Each step runs once, in order. Never edit a step that has shipped: add one.
const MIGRATIONS: &[&str] = &[
    // 1: what SQLite reached in four steps (no PostgreSQL database predates them). JSON stays TEXT,
    // byte for byte as `serde_json` wrote it, as in SQLite: the store never looks inside it.
    "CREATE TABLE sessions (
        room            TEXT PRIMARY KEY,
        facilitator_key TEXT NOT NULL,
        join_key        TEXT NOT NULL,
        screen_key      TEXT NOT NULL,
        join_code       TEXT NOT NULL UNIQUE,
        created_at      BIGINT NOT NULL, -- milliseconds since the UNIX epoch
        setup           TEXT NOT NULL,   -- JSON: the setup the room started with
        last_active     BIGINT NOT NULL, -- ms since the epoch: creation or last change
        earlier         TEXT,            -- the session this follows (no foreign key: kept when it goes)
        follow_up       TEXT             -- JSON: the link with its own copy of the earlier session
    );
    CREATE INDEX sessions_by_last_active ON sessions (last_active);
    CREATE INDEX sessions_by_earlier ON sessions (earlier);
    CREATE TABLE events (
        room  TEXT NOT NULL REFERENCES sessions(room),
        seq   BIGINT NOT NULL, -- 1, 2, 3, ...: the room's sequence number after this event
        event TEXT NOT NULL,   -- JSON, as `Event` serialises
        PRIMARY KEY (room, seq)
    );
    CREATE TABLE participant_keys (
        room        TEXT NOT NULL REFERENCES sessions(room),
        key         TEXT NOT NULL,
        participant BIGINT NOT NULL, -- a u32
        PRIMARY KEY (room, key)
    );
    -- `id` orders a room's tokens, oldest first, as SQLite's rowid does.
    CREATE TABLE ops (
        id     BIGSERIAL NOT NULL UNIQUE,
        room   TEXT NOT NULL REFERENCES sessions(room),
        actor  TEXT NOT NULL, -- whose token: facilitator, screen, guest or p<id>
        op     TEXT NOT NULL, -- the client's token
        answer TEXT NOT NULL, -- JSON: ack{seq}, joined{you, seq} or rejected{reason}
        PRIMARY KEY (room, actor, op)
    );",
    // 2: leases. One hub at a time owns a room; each claim bumps the room's token, and a write
    // must name the live token. Rows are never deleted (a released lease just expires), so tokens
    // only grow, also across a session's deletion. `lease_log` keeps who held which token.
    "CREATE TABLE leases (
        room       TEXT PRIMARY KEY,
        hub        TEXT NOT NULL,
        token      BIGINT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL,
        wanted     TEXT -- a hub that asked for the room, for a handover; NULL if none
    );
    CREATE INDEX leases_by_hub ON leases (hub);
    CREATE TABLE lease_log (
        room       TEXT NOT NULL,
        token      BIGINT NOT NULL,
        hub        TEXT NOT NULL,
        claimed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (room, token)
    );
    ALTER TABLE events ADD COLUMN token BIGINT; -- the lease it was written under; NULL: unfenced",
];

/// The schema version this server writes: the number of steps in [`MIGRATIONS`].
pub(super) const VERSION: usize = MIGRATIONS.len();

/// Any number of our own, so two servers starting on one empty database migrate one at a time.
const MIGRATION_LOCK: i64 = 0x6b6f_6572_7362_6f72; // "koersbor"

/// Brings the database up to the newest schema this server knows, in one transaction (PostgreSQL's
/// DDL is transactional: a failed step leaves the database as it was).
pub(super) async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await?;
    sqlx::raw_sql("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        .execute(&mut *tx)
        .await?;
    let found: Option<i32> = sqlx::query_scalar("SELECT version FROM schema_version")
        .fetch_optional(&mut *tx)
        .await?;
    let current = usize::try_from(found.unwrap_or(0))?;
    if current > VERSION {
        anyhow::bail!(
            "the database has schema version {current}, this server knows up to {VERSION}: use a newer server"
        );
    }
    for step in &MIGRATIONS[current..] {
        sqlx::raw_sql(*step).execute(&mut *tx).await?;
    }
    if current < VERSION {
        sqlx::query("DELETE FROM schema_version")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
            .bind(VERSION as i32)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    if current < VERSION {
        tracing::info!(from = current, to = VERSION, "database schema migrated");
    }
    Ok(())
}
