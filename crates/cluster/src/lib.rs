//! A real koersbord cluster on loopback (PostgreSQL, several hubs, HAProxy in front), a load that
//! verifies what it was told, and the checks that read the truth back from the database. Used by
//! `tests/cluster.rs` (the short run) and the `koersbord-cluster` binary (`up`, `soak`).

pub mod check;
pub mod client;
pub mod cluster;
pub mod haproxy;
pub mod load;
pub mod report;
pub mod scenario;
pub mod setup;

pub use cluster::{Cluster, ClusterOptions};
pub use load::{Load, LoadOptions};
