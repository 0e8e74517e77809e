//! Leases and fencing: when several hubs share one database, one at a time owns a room. A claim
//! gets a token one higher than the room's last; a write names its token and is refused unless it
//! is the room's live lease, checked inside the write's own transaction. So a hub that was paused
//! past its lease (and whose room another hub took over) cannot write into the new owner's history.

use super::Store;
use crate::store::{Fence, Renewed, StoreError};
use sqlx::{Postgres, Transaction};
use std::time::Duration;

impl Store {
    /// Claims `room` for `hub` for `ttl`: the new token if the room was free, its lease had
    /// expired or `hub` held it already; `None` while another hub holds it.
    pub async fn claim(
        &self,
        room: &str,
        hub: &str,
        ttl: Duration,
    ) -> Result<Option<u64>, StoreError> {
        let _open = self.writing().await?;
        // One statement: of two hubs racing for a free room, one inserts and the other's conflict
        // waits for that commit, then finds a live lease of another hub and updates nothing.
        let token: Option<i64> = sqlx::query_scalar(
            "WITH claimed AS (
                INSERT INTO leases AS l (room, hub, token, expires_at)
                VALUES ($1, $2, 1, now() + make_interval(secs => $3))
                ON CONFLICT (room) DO UPDATE
                SET hub = EXCLUDED.hub, token = l.token + 1, expires_at = EXCLUDED.expires_at,
                    wanted = NULL
                WHERE l.expires_at <= now() OR l.hub = EXCLUDED.hub
                RETURNING token
            )
            INSERT INTO lease_log (room, token, hub)
            SELECT $1, token, $2 FROM claimed
            RETURNING token",
        )
        .bind(room)
        .bind(hub)
        .bind(ttl.as_secs_f64())
        .fetch_optional(&self.pool)
        .await?;
        Ok(token.map(|t| t as u64))
    }

    /// Extends `hub`'s live leases among `rooms` by `ttl`, in one statement; returns the rooms it
    /// still holds, and of those the ones another hub asked for ([`want`](Self::want)). An
    /// expired lease is not renewed: the hub must claim it again (a new token).
    pub async fn renew(
        &self,
        hub: &str,
        rooms: &[String],
        ttl: Duration,
    ) -> Result<Renewed, StoreError> {
        let _open = self.writing().await?;
        let rows: Vec<(String, bool)> = sqlx::query_as(
            "UPDATE leases SET expires_at = now() + make_interval(secs => $3)
             WHERE hub = $1 AND room = ANY($2) AND expires_at > now()
             RETURNING room, wanted IS NOT NULL AND wanted <> hub",
        )
        .bind(hub)
        .bind(rooms)
        .bind(ttl.as_secs_f64())
        .fetch_all(&self.pool)
        .await?;
        let wanted = rows.iter().filter(|r| r.1).map(|r| r.0.clone()).collect();
        Ok(Renewed {
            held: rows.into_iter().map(|r| r.0).collect(),
            wanted,
        })
    }

    /// Says that `hub` wants `room`, which another hub holds (the proxy sends its clients to
    /// `hub` now): the owner hands it over at its next renewal. Returns how long that lease has
    /// left, in ms (0 if it has lapsed meanwhile): a dead owner's room is free by then.
    pub async fn want(&self, room: &str, hub: &str) -> Result<u64, StoreError> {
        let _open = self.writing().await?;
        let left: Option<i64> = sqlx::query_scalar(
            "UPDATE leases SET wanted = $2
             WHERE room = $1 AND hub <> $2 AND expires_at > now()
             RETURNING (extract(epoch FROM expires_at - now()) * 1000)::bigint",
        )
        .bind(room)
        .bind(hub)
        .fetch_optional(&self.pool)
        .await?;
        Ok(left.unwrap_or(0).max(0) as u64)
    }

    /// Ends `fence`'s lease on `room` now, if it is still the live one. The row stays, so the next
    /// claim's token is higher.
    pub async fn release(&self, room: &str, fence: &Fence) -> Result<(), StoreError> {
        let _open = self.writing().await?;
        sqlx::query(
            "UPDATE leases SET expires_at = now()
             WHERE room = $1 AND hub = $2 AND token = $3 AND expires_at > now()",
        )
        .bind(room)
        .bind(&fence.hub)
        .bind(fence.token as i64)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Inside a write's transaction: `Ok` if `fence` is `room`'s live lease, which then stays so until
/// the transaction ends (`FOR SHARE` makes a takeover's claim wait for this commit).
pub(super) async fn hold(
    tx: &mut Transaction<'static, Postgres>,
    room: &str,
    fence: &Fence,
) -> Result<(), StoreError> {
    let live = sqlx::query(
        "SELECT 1 FROM leases
         WHERE room = $1 AND token = $2 AND hub = $3 AND expires_at > now()
         FOR SHARE",
    )
    .bind(room)
    .bind(fence.token as i64)
    .bind(&fence.hub)
    .fetch_optional(&mut **tx)
    .await?;
    match live {
        Some(_) => Ok(()),
        None => Err(StoreError::Fenced),
    }
}
