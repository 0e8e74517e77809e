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
    println!("{summary}logs: {}", cluster.log_dir().display());
    assert!(
        run.verdict.acked > 500,
        "too little got through:\n{summary}"
    );
    assert!(run.all_hit(), "a kill or pause hit no client:\n{summary}");
    assert_eq!(run.lost_after_kill(), 0, "clients lost:\n{summary}");
    assert!(
        run.worst_kill_recovery() <= Duration::from_secs(5),
        "a client took over 5 s to come back:\n{summary}"
    );
    assert!(run.verdict.ok(), "the checks failed:\n{summary}");
}
