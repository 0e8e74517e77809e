//! The peers a run measures koersbord against: the Node `ws` relay, the raw-write floor and the
//! floor that writes once per socket per tick, each started the way
//! `loadgen --peers node,floor,tick-floor` starts them, for a short 2-room rush (all 8
//! participants dragging). Every peer must deliver each drag to the room's 9 other sockets, and
//! the comparison must print the ratios. Needs `node` and the relay's `npm ci` (the test command's
//! ensure stage installs both).

use koersbord_loadgen::compare::{Target, format_comparison, measure, node_relay_script, ratios};
use koersbord_loadgen::server::server_bin;
use koersbord_loadgen::{Options, PARTICIPANTS};
use std::path::PathBuf;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn koersbord_node_and_both_floors_each_deliver_every_drag_and_the_report_has_ratios() {
    let targets = [
        Target::Koersbord {
            label: "koersbord".into(),
            bin: server_bin(false).expect("a server binary"),
        },
        Target::Node {
            script: node_relay_script(),
        },
        Target::Floor {
            bin: PathBuf::from(env!("CARGO_BIN_EXE_loadgen-floor")),
            tick_ms: None,
        },
        Target::Floor {
            bin: PathBuf::from(env!("CARGO_BIN_EXE_loadgen-floor")),
            tick_ms: Some(25),
        },
    ];
    let opts = Options {
        rooms: 2,
        draggers: PARTICIPANTS,
        drag_len: Duration::from_millis(500),
        duration: Duration::from_secs(2),
        setup_concurrency: 2,
        ..Options::default()
    };
    let mut all = Vec::new();
    for target in &targets {
        let m = measure(target, &opts, &[])
            .await
            .expect("the run completes");
        let r = &m.report;
        assert_eq!(r.errors, 0, "{}: {r:?}", m.label);
        assert_eq!(r.disconnects, 0, "{}: {r:?}", m.label);
        assert_eq!(r.sockets, 20, "{}: 10 sockets per room", m.label);
        // 2 rooms × 8 draggers × ~30/s × 2 s, each to the 9 other sockets of its room.
        assert!(r.drags_sent > 500, "{}: {r:?}", m.label);
        // Those in flight when the run stops are not counted, and koersbord keeps only the
        // latest move of a dot per tick (rarely two of one dot at 30/s): nearly all, never more.
        let all_of_them = r.drags_sent * 9;
        assert!(
            r.drags_received <= all_of_them && r.drags_received * 100 >= all_of_them * 95,
            "{}: every drag reaches the room's other 9 sockets: {r:?}",
            m.label
        );
        assert!(r.relay.count > 1000 && r.relay.p50_ms > 0.0, "{}", m.label);
        assert!(m.us_per_drag().is_some_and(|us| us > 0.0), "{}", m.label);
        all.push(m);
    }
    let found: Vec<(String, String)> = ratios(&all)
        .into_iter()
        .map(|(a, b, x)| {
            assert!(x.is_finite() && x > 0.0);
            (a, b)
        })
        .collect();
    assert_eq!(
        found,
        [
            ("koersbord".into(), "node".into()),
            ("koersbord".into(), "floor".into()),
            ("koersbord".into(), "tick-floor".into())
        ]
    );
    let table = format_comparison(&all);
    assert!(table.contains("ratio koersbord / node: "), "{table}");
    assert!(table.contains("ratio koersbord / floor: "), "{table}");
    assert!(table.contains("ratio koersbord / tick-floor: "), "{table}");
}
