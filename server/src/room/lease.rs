//! One owner per room among the servers ("hubs") that share a PostgreSQL database.
//!
//! A hub claims a room's lease before it loads the room (`Rooms::open`); the claim's token fences
//! every write of that run of the room (`Store::append_fenced`, checked inside the write's own
//! transaction), so a hub that lost its lease, paused or cut off, can never write to the room
//! again. [`keep`] renews all of this hub's leases in one statement per [`RENEW_EVERY`]; a room
//! whose lease was not renewed, or that another hub asked for (the proxy now sends its clients
//! there), ends its run here: its connections hear `elsewhere` and come back through the proxy.
//! With SQLite (one server per file) the leases are no-ops and [`keep`] is not started.

use super::Rooms;
use koersbord_shared::protocol::ProtocolError;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

/// How long a claim or renewal holds a room. A dead hub's rooms are free again after this.
pub const TTL: Duration = Duration::from_secs(3);
/// How often the leases are renewed: three chances within one TTL.
pub const RENEW_EVERY: Duration = Duration::from_secs(1);
/// How long a client refused with `elsewhere` waits before it asks again: about one renewal, by
/// when the owner has heard that the room is wanted and handed it over.
pub const RETRY_MS: u32 = 1_000;
/// When a client refused because another hub holds the room should come back: when that lease
/// runs out (a dead owner's room is free then), or after one renewal (a live owner has handed it
/// over by then), whichever is sooner, and a little after.
pub fn retry_ms(lease_left_ms: u64) -> u32 {
    (lease_left_ms + 100).clamp(u64::from(HANDOVER_RETRY_MS), u64::from(RETRY_MS)) as u32
}

/// A room this hub handed over: its clients come back almost at once, to the hub that asked.
pub const HANDOVER_RETRY_MS: u32 = 100;

/// This server's name on the leases: `--hub-id`, else the host name and the port, which stays the
/// same across restarts (a restarted hub claims its own rooms back at once).
pub fn hub_name(configured: Option<&str>, port: u16) -> String {
    if let Some(name) = configured.filter(|n| !n.trim().is_empty()) {
        return name.trim().to_owned();
    }
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "koersbord".to_owned());
    format!("{host}:{port}")
}

/// Renews this hub's leases until `stop`, ending the run of every room it no longer holds.
pub async fn keep(rooms: Arc<Rooms>, stop: CancellationToken) {
    let mut every = tokio::time::interval(RENEW_EVERY);
    // After a pause (SIGSTOP, a frozen VM) one renewal at once, not a burst of missed ones.
    every.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last_ok = Instant::now();
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stop.cancelled() => return,
        }
        let ids = rooms.live_ids();
        let asked = Instant::now();
        if ids.is_empty() {
            last_ok = asked;
            continue;
        }
        match rooms.store.renew(&rooms.hub, &ids, TTL).await {
            Ok(renewed) => {
                last_ok = asked;
                let held: HashSet<&String> = renewed.held.iter().collect();
                let lost: Vec<String> = ids.into_iter().filter(|id| !held.contains(id)).collect();
                // A lease also ends when another hub deleted the session: say that instead.
                let present = match lost.is_empty() {
                    true => Vec::new(),
                    false => rooms.store.existing(lost.clone()).await.unwrap_or_default(),
                };
                for (i, id) in lost.iter().enumerate() {
                    if present.get(i) == Some(&false) {
                        tracing::info!(room = %id, "session deleted on another hub: the room ends here");
                        rooms.lose(id, ProtocolError::SessionDeleted);
                    } else {
                        tracing::warn!(room = %id, hub = %rooms.hub, "lease lost: the room ends here");
                        rooms.lose(id, ProtocolError::Elsewhere { retry_ms: RETRY_MS });
                    }
                }
                for id in &renewed.wanted {
                    tracing::info!(room = %id, hub = %rooms.hub, "room wanted by another hub: handing it over");
                    rooms.lose(
                        id,
                        ProtocolError::Elsewhere {
                            retry_ms: HANDOVER_RETRY_MS,
                        },
                    );
                }
            }
            // Unknown whether the leases still hold: once they may have lapsed, end the rooms
            // (their writes would be refused anyway) and let the clients wait for the database.
            Err(e) if asked.duration_since(last_ok) >= TTL => {
                tracing::error!(error = %e, rooms = ids.len(), "leases not renewed in time: the rooms end here");
                for id in &ids {
                    rooms.lose(id, ProtocolError::StorageUnavailable);
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot renew the leases: trying again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_client_comes_back_when_the_lease_ends_or_after_one_renewal() {
        assert_eq!(retry_ms(250), 350);
        assert_eq!(retry_ms(2_900), RETRY_MS);
        assert_eq!(retry_ms(0), HANDOVER_RETRY_MS);
    }

    #[test]
    fn a_hub_is_named_as_configured_or_after_its_host_and_port() {
        assert_eq!(hub_name(Some(" hub-1 "), 8080), "hub-1");
        let default = hub_name(None, 8081);
        assert!(default.ends_with(":8081") && default.len() > 5, "{default}");
        assert_eq!(hub_name(Some(""), 8081), default);
    }
}
