//! Prometheus metrics, served on their own listener ([`endpoint`], `--metrics-bind`), never on the
//! public port. docs/METRICS.md lists every metric.
//!
//! The code records through the `metrics` facade. Without `--metrics-bind` no recorder is
//! installed and every record is a no-op. The recorder is global, so it is installed once per
//! process ([`recorder`]) and every server in the process shares it: tests start many servers,
//! and compare values before and after rather than absolute ones.
//!
//! Hot paths (every frame, every drag) hold handles made once per connection or room
//! ([`Traffic`], [`RoomCounters`]), so a frame costs an atomic add and no lookup. Labels come
//! only from the closed sets in [`labels`].

pub(crate) mod endpoint;
pub(crate) mod labels;

use labels::DragDrop;
use metrics::{Counter, Gauge, Histogram, counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

pub(crate) const ROOMS_LIVE: &str = "koersbord_rooms_live";
pub(crate) const SOCKETS_OPEN: &str = "koersbord_sockets_open";
pub(crate) const FRAMES_IN: &str = "koersbord_frames_in_total";
pub(crate) const FRAMES_OUT: &str = "koersbord_frames_out_total";
pub(crate) const BYTES_IN: &str = "koersbord_bytes_in_total";
pub(crate) const BYTES_OUT: &str = "koersbord_bytes_out_total";
pub(crate) const DRAGS_RELAYED: &str = "koersbord_drags_relayed_total";
pub(crate) const DRAGS_DROPPED: &str = "koersbord_drags_dropped_total";
pub(crate) const PRESENCE_SHED: &str = "koersbord_presence_frames_shed_total";
pub(crate) const COMMANDS: &str = "koersbord_commands_total";
pub(crate) const REFUSALS: &str = "koersbord_refusals_total";
pub(crate) const COMMIT_SECONDS: &str = "koersbord_store_commit_seconds";
pub(crate) const SLOW_DROPPED: &str = "koersbord_slow_connections_dropped_total";
pub(crate) const SESSIONS_CREATED: &str = "koersbord_sessions_created_total";
pub(crate) const JOIN_CODE_LOOKUPS: &str = "koersbord_join_code_lookups_total";
pub(crate) const JOIN_CODE_REFUSALS: &str = "koersbord_join_code_refusals_total";

/// Commits take about a millisecond on an SSD; the upper buckets show a stalling disk.
const COMMIT_BUCKETS: [f64; 12] = [
    0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0,
];

/// How often histogram samples are folded into their buckets when nobody scrapes: without it,
/// an unscraped histogram keeps every sample.
const UPKEEP: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use.
pub(crate) fn recorder() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(COMMIT_SECONDS.into()), &COMMIT_BUCKETS)
            .expect("the buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed: /metrics shows none of ours");
        }
        describe();
        register_all();
        let upkeep = handle.clone();
        let spawned = std::thread::Builder::new()
            .name("koersbord-metrics".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP);
                    upkeep.run_upkeep();
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no metrics upkeep thread: histograms fold only on scrape");
        }
        handle
    })
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_gauge!(ROOMS_LIVE, "Rooms loaded in memory (with a running task).");
    describe_gauge!(
        SOCKETS_OPEN,
        "Open WebSockets by role; pending: not welcomed yet."
    );
    describe_counter!(FRAMES_IN, "WebSocket data frames received.");
    describe_counter!(FRAMES_OUT, "WebSocket data frames sent.");
    describe_counter!(BYTES_IN, Unit::Bytes, "Payload bytes of frames received.");
    describe_counter!(BYTES_OUT, Unit::Bytes, "Payload bytes of frames sent.");
    describe_counter!(DRAGS_RELAYED, "Drag updates a room relayed.");
    describe_counter!(DRAGS_DROPPED, "Drag updates not relayed, by reason.");
    describe_counter!(
        PRESENCE_SHED,
        "Drag and presence frames not queued for a client that fell behind."
    );
    describe_counter!(COMMANDS, "Commands by type and outcome.");
    describe_counter!(REFUSALS, "Refusals and errors sent, by code.");
    describe_histogram!(
        COMMIT_SECONDS,
        Unit::Seconds,
        "From a store write queued to its transaction committed."
    );
    describe_counter!(SLOW_DROPPED, "Connections closed as too_slow.");
    describe_counter!(SESSIONS_CREATED, "Sessions created.");
    describe_counter!(JOIN_CODE_LOOKUPS, "Join-code lookups, found or not.");
    describe_counter!(
        JOIN_CODE_REFUSALS,
        "Join-code lookups that found nothing, by reason."
    );
}

/// Every series at zero, so a scrape shows them all from the start and `rate()` has a first
/// point. The label sets are closed, so this is a fixed, small number of series.
fn register_all() {
    gauge!(ROOMS_LIVE).increment(0.0);
    for role in labels::ROLES {
        gauge!(SOCKETS_OPEN, "role" => role).increment(0.0);
    }
    for name in [
        FRAMES_IN,
        FRAMES_OUT,
        BYTES_IN,
        BYTES_OUT,
        DRAGS_RELAYED,
        PRESENCE_SHED,
        SLOW_DROPPED,
        SESSIONS_CREATED,
        JOIN_CODE_LOOKUPS,
    ] {
        counter!(name).increment(0);
    }
    for reason in DragDrop::ALL {
        drag_dropped(reason).increment(0);
    }
    for kind in labels::COMMAND_TYPES {
        for outcome in labels::OUTCOMES {
            counter!(COMMANDS, "type" => kind, "outcome" => outcome).increment(0);
        }
    }
    for code in labels::REFUSAL_CODES {
        counter!(REFUSALS, "code" => code).increment(0);
    }
    for reason in labels::JOIN_CODE_REFUSALS {
        counter!(JOIN_CODE_REFUSALS, "reason" => reason).increment(0);
    }
    // Registered, the histogram shows its buckets at zero before the first commit.
    let _ = histogram!(COMMIT_SECONDS);
}

/// Counts one up while it lives: a gauge of things that are open (rooms, sockets).
pub(crate) struct Held(Gauge);

impl Held {
    fn new(gauge: Gauge) -> Held {
        gauge.increment(1.0);
        Held(gauge)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

/// A live room, counted in [`ROOMS_LIVE`] while held.
pub(crate) fn room_live() -> Held {
    Held::new(gauge!(ROOMS_LIVE))
}

/// An open socket in one role (see [`labels::ROLES`]), counted in [`SOCKETS_OPEN`] while held.
pub(crate) fn socket(role: &'static str) -> Held {
    Held::new(gauge!(SOCKETS_OPEN, "role" => role))
}

pub(crate) fn command(kind: &'static str, acked: bool) {
    let outcome = if acked { "ack" } else { "rejected" };
    counter!(COMMANDS, "type" => kind, "outcome" => outcome).increment(1);
}

/// A refusal or error sent, by its code (from [`labels`]).
pub(crate) fn refusal(code: &'static str) {
    counter!(REFUSALS, "code" => code).increment(1);
}

pub(crate) fn session_created() {
    counter!(SESSIONS_CREATED).increment(1);
}

pub(crate) fn join_code_lookup() {
    counter!(JOIN_CODE_LOOKUPS).increment(1);
}

/// A lookup that found nothing; `reason` from [`labels::JOIN_CODE_REFUSALS`].
pub(crate) fn join_code_refused(reason: &'static str) {
    counter!(JOIN_CODE_REFUSALS, "reason" => reason).increment(1);
}

pub(crate) fn slow_connection_dropped() {
    counter!(SLOW_DROPPED).increment(1);
}

pub(crate) fn commit_seconds() -> Histogram {
    histogram!(COMMIT_SECONDS)
}

fn drag_dropped(reason: DragDrop) -> Counter {
    counter!(DRAGS_DROPPED, "reason" => reason.label())
}

/// One connection's handles, made when it opens: counting a frame is then an atomic add.
pub(crate) struct Traffic {
    frames_in: Counter,
    bytes_in: Counter,
    frames_out: Counter,
    bytes_out: Counter,
    drags_over_rate: Counter,
    drags_off_board: Counter,
    drags_inbox_full: Counter,
}

impl Traffic {
    pub(crate) fn new() -> Traffic {
        Traffic {
            frames_in: counter!(FRAMES_IN),
            bytes_in: counter!(BYTES_IN),
            frames_out: counter!(FRAMES_OUT),
            bytes_out: counter!(BYTES_OUT),
            drags_over_rate: drag_dropped(DragDrop::Rate),
            drags_off_board: drag_dropped(DragDrop::OffBoard),
            drags_inbox_full: drag_dropped(DragDrop::InboxFull),
        }
    }

    pub(crate) fn received(&self, bytes: usize) {
        self.frames_in.increment(1);
        self.bytes_in.increment(bytes as u64);
    }

    pub(crate) fn sent(&self, frames: u64, bytes: usize) {
        self.frames_out.increment(frames);
        self.bytes_out.increment(bytes as u64);
    }

    /// A drag the connection itself drops (the room's reasons are in [`RoomCounters`]).
    pub(crate) fn drag_dropped(&self, reason: DragDrop) {
        match reason {
            DragDrop::Rate => &self.drags_over_rate,
            DragDrop::OffBoard => &self.drags_off_board,
            DragDrop::InboxFull => &self.drags_inbox_full,
            DragDrop::BoardClosed | DragDrop::NotJoined => return,
        }
        .increment(1);
    }
}

/// One room's handles for what it counts per drag.
pub(crate) struct RoomCounters {
    pub(crate) drags_relayed: Counter,
    pub(crate) drags_board_closed: Counter,
    pub(crate) drags_not_joined: Counter,
    pub(crate) presence_shed: Counter,
}

impl RoomCounters {
    pub(crate) fn new() -> RoomCounters {
        RoomCounters {
            drags_relayed: counter!(DRAGS_RELAYED),
            drags_board_closed: drag_dropped(DragDrop::BoardClosed),
            drags_not_joined: drag_dropped(DragDrop::NotJoined),
            presence_shed: counter!(PRESENCE_SHED),
        }
    }
}
