//! Load generator for koersbord: many rooms of simulated people over the real protocol, on
//! loopback only. docs/PERFORMANCE.md explains what is measured and how.
//!
//! Each room gets a session over HTTP, a facilitator socket that moves to the drives step, a
//! shared screen and 8 participants (4 per side). Then, for the run, `draggers` participants per
//! room drag one of their drive dots at `drag_hz` and drop it (`place_drive`) every few seconds;
//! everyone else idles (reads, answers pings).
//!
//! Relay latency: a drag's `x` carries its sequence number, `x = seq / 2^20`, exact in an `f32`
//! and therefore exact through the server's JSON. The sender notes the send time per
//! (participant, seq) in a ring shared within this process; every other socket of the room that
//! receives `drag{by, x}` looks the time up by (by, seq). One clock, no skew.
//! Durable-ack latency: from sending `place_drive` to receiving its `ack` (committed to SQLite).

pub mod compare;
mod config;
pub mod proc_stats;
mod report;
mod run;
pub mod server;
mod setup;
mod traffic;

pub use config::{
    MAX_DURATION, Options, PARTICIPANTS, Speaks, check_loopback, parse_target, raise_fd_limit,
};
pub use report::{Latencies, Percentiles, Report, format_report};
pub use run::run;
pub use setup::{create_session, probe_version};
