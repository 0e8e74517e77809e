//! What a write puts in its transaction: a room's changes, and how a taken key is told apart.

use crate::store::{Changes, StoreError};
use sqlx::{Postgres, Transaction};

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// A room's changes inside its transaction: a statement per table (arrays, not a row at a time),
/// one pair per answered `op` token.
pub(super) async fn insert_changes(
    tx: &mut Transaction<'static, Postgres>,
    room: &str,
    changes: &Changes,
    token: Option<u64>,
) -> Result<(), StoreError> {
    if !changes.events.is_empty() {
        let (seqs, events): (Vec<i64>, Vec<&str>) = changes
            .events
            .iter()
            .map(|(seq, json)| (*seq as i64, json.as_str()))
            .unzip();
        // The primary key (room, seq) refuses an event numbered twice: two owners of one room
        // would fail here rather than fork its history.
        sqlx::query(
            "INSERT INTO events (room, seq, event, token)
             SELECT $1, seq, event, $4 FROM UNNEST($2::BIGINT[], $3::TEXT[]) AS t(seq, event)",
        )
        .bind(room)
        .bind(seqs)
        .bind(events)
        .bind(token.map(|t| t as i64))
        .execute(&mut **tx)
        .await?;
    }
    if !changes.participant_keys.is_empty() {
        let (keys, ids): (Vec<&str>, Vec<i64>) = changes
            .participant_keys
            .iter()
            .map(|(key, id)| (key.as_str(), i64::from(id.0)))
            .unzip();
        sqlx::query(
            "INSERT INTO participant_keys (room, key, participant)
             SELECT $1, key, id FROM UNNEST($2::TEXT[], $3::BIGINT[]) AS t(key, id)",
        )
        .bind(room)
        .bind(keys)
        .bind(ids)
        .execute(&mut **tx)
        .await?;
    }
    for (actor, op, answer) in &changes.ops {
        // A token answered again becomes the newest, as SQLite's INSERT OR REPLACE makes it.
        sqlx::query(
            "INSERT INTO ops (room, actor, op, answer) VALUES ($1, $2, $3, $4)
             ON CONFLICT (room, actor, op) DO UPDATE
             SET answer = EXCLUDED.answer, id = nextval(pg_get_serial_sequence('ops', 'id'))",
        )
        .bind(room)
        .bind(actor)
        .bind(op)
        .bind(answer)
        .execute(&mut **tx)
        .await?;
        // Keeps what the room keeps in memory: the newest tokens per identity.
        sqlx::query(
            "DELETE FROM ops WHERE room = $1 AND actor = $2 AND id <= (
                SELECT id FROM ops WHERE room = $1 AND actor = $2
                ORDER BY id DESC LIMIT 1 OFFSET $3)",
        )
        .bind(room)
        .bind(actor)
        .bind(crate::room::REMEMBERED_OPS as i64)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("UPDATE sessions SET last_active = $2 WHERE room = $1")
        .bind(room)
        .bind(crate::room::hub::now_ms() as i64)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
