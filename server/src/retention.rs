//! Sessions are kept no longer than `--retention-days` after their last change: a sweep at start
//! and then daily deletes the older ones, closing their rooms if loaded (`Rooms::sweep`, which
//! takes the clock as an argument so tests can move it).

use crate::room::Rooms;
use crate::room::hub::now_ms;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const DAILY: Duration = Duration::from_secs(24 * 60 * 60);

/// Sweeps now and every day until `stop`. Nothing to do when sessions are kept forever.
pub(crate) async fn run(rooms: Arc<Rooms>, days: u32, stop: CancellationToken) {
    if days == 0 {
        tracing::info!("sessions are kept forever (--retention-days 0)");
        return;
    }
    // The first tick is immediate: a server that was off for a while catches up at start.
    let mut daily = tokio::time::interval(DAILY);
    daily.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = daily.tick() => {}
            _ = stop.cancelled() => return,
        }
        match rooms.sweep(now_ms(), days).await {
            Ok(0) => tracing::debug!(days, "retention sweep: nothing to delete"),
            Ok(deleted) => tracing::info!(deleted, days, "retention sweep deleted old sessions"),
            Err(e) => tracing::error!(error = %e, "retention sweep failed; next try tomorrow"),
        }
    }
}
