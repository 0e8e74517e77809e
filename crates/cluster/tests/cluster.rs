//! The cluster test, short version (the long one: `koersbord-cluster soak`, docs/SCALING.md):
//! 3 hubs behind HAProxy on one PostgreSQL, 6 rooms of 8 participants and a screen dragging and
//! dropping; the busiest hub killed with SIGKILL twice (restarted each time), another stopped with
//! SIGSTOP for longer than a lease, then continued. Then, from the database: every acked drop is in
//! its room's log exactly once, the log has no gaps, no room was written by two hubs at once (the
//! fencing tokens); and every client cut off by a kill was welcomed again within 5 s.

use koersbord_cluster::scenario::{self, ScenarioOptions};
use koersbord_cluster::{Cluster, ClusterOptions};
use std::path::PathBuf;
use std::time::Duration;

/// The debug server `cargo xtask test` built (`KOERSBORD_BIN`), else the workspace's own.
fn server_bin() -> PathBuf {
    std::env::var_os("KOERSBORD_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/koersbord")
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hubs_survive_kills_and_a_pause() {
    let mut cluster =
        tokio::task::block_in_place(|| Cluster::start(ClusterOptions::new(3, server_bin())))
            .expect("cannot start the cluster");
    let run = scenario::run(&mut cluster, &ScenarioOptions::short())
        .await
        .expect("the run failed");
    let summary = run.summary();
    println!(
        "{summary}logs: {} (kept with KOERSBORD_CLUSTER_KEEP=1)",
        cluster.log_dir().display()
    );
    // Every check named, so a failure says all that failed, not only the first.
    let mut failed = Vec::new();
    if run.verdict.acked < 500 {
        failed.push("too little got through (under 500 acked drops)");
    }
    if !run.all_hit() {
        failed.push("a kill, pause or proxy restart hit no client: nothing was proved");
    }
    if run.lost_after_kill() > 0 {
        failed.push("clients cut off by a kill never came back");
    }
    if run.worst_kill_recovery() > Duration::from_secs(5) {
        failed.push("a client took over 5 s to come back after its hub died");
    }
    if !run.verdict.exactly_once.is_empty() {
        failed.push("acked drops not in the log exactly once");
    }
    if !run.verdict.seqs.is_empty() {
        failed.push("a room's seqs do not run 1..n");
    }
    if !run.verdict.fencing.is_empty() {
        failed.push("the fencing tokens do not show one writer at a time");
    }
    if !run.verdict.clients.is_empty() {
        failed.push("clients were rejected or refused");
    }
    assert!(failed.is_empty(), "{}\n{summary}", failed.join("\n"));
}
