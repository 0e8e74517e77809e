//! A short real run: the server binary (`KOERSBORD_BIN`, else built now), 2 rooms for about 2 s
//! through the loadgen's own logic. Messages must flow, latencies be recorded, nothing fail.

use koersbord_loadgen::server::{Spawned, load_test_flags, server_bin};
use koersbord_loadgen::{Options, parse_target, run};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_rooms_for_two_seconds_relay_drags_and_ack_drops_without_errors() {
    let bin = server_bin(false).expect("a server binary");
    let server = Spawned::start(&bin, &load_test_flags(2)).expect("the server starts");
    let opts = Options {
        addr: server.addr,
        rooms: 2,
        draggers: 2,
        drag_hz: 30.0,
        drag_len: Duration::from_millis(400),
        duration: Duration::from_secs(2),
        setup_concurrency: 2,
        ..Options::default()
    };
    let report = run(opts, |_| {}).await.expect("the run completes");
    let log = server.log();
    assert_eq!(report.errors, 0, "{report:?}\nserver log:\n{log}");
    assert_eq!(report.disconnects, 0, "{report:?}");
    assert_eq!(
        report.sockets, 20,
        "8 participants, a screen, a facilitator per room"
    );
    assert!(report.msgs_out > 100 && report.msgs_in > 500, "{report:?}");
    // 2 rooms × 2 draggers × ~30/s × 2 s, each seen by the 9 other sockets of its room.
    assert!(report.drags_sent > 100, "{report:?}");
    assert!(report.drags_received >= report.drags_sent * 8, "{report:?}");
    assert!(
        report.relay.count > 100 && report.relay.p50_ms > 0.0,
        "{report:?}"
    );
    assert!(report.acks.count >= 4, "{report:?}");
    assert!(report.relay.max_ms >= report.relay.p99_ms);
}

#[test]
fn only_loopback_targets_are_accepted() {
    assert!(parse_target("127.0.0.1:8080").is_ok());
    assert!(parse_target("http://localhost:8080/").is_ok());
    assert!(parse_target("[::1]:8080").is_ok());
    for bad in [
        "10.0.0.1:8080",
        "http://example.org:80",
        "0.0.0.0:8080",
        "127.0.0.2:8080",
        "192.168.1.1:1",
    ] {
        assert!(parse_target(bad).is_err(), "{bad} must be refused");
    }
}
