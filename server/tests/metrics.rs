//! Metrics over real sockets: `/metrics` on the metrics listener only, every metric listed, and
//! the counters moving with what a session does. The recorder is global to this test binary and
//! shared by its servers, so the tests compare scrapes before and after, never absolute values.

mod common;

use common::{TestServer, http, test_config};
use koersbord_shared::protocol::{ClientMsg, ServerMsg};
use koersbord_shared::room::Command;
use koersbord_shared::{DotRef, Drive, Side};

async fn with_metrics() -> TestServer {
    let mut config = test_config();
    config.metrics_bind = Some("127.0.0.1:0".parse().unwrap());
    TestServer::with(config).await
}

/// Every metric docs/METRICS.md lists.
const NAMES: [&str; 16] = [
    "koersbord_rooms_live",
    "koersbord_sockets_open",
    "koersbord_frames_in_total",
    "koersbord_frames_out_total",
    "koersbord_bytes_in_total",
    "koersbord_bytes_out_total",
    "koersbord_drags_relayed_total",
    "koersbord_drags_dropped_total",
    "koersbord_presence_frames_shed_total",
    "koersbord_commands_total",
    "koersbord_refusals_total",
    "koersbord_store_commit_seconds",
    "koersbord_slow_connections_dropped_total",
    "koersbord_sessions_created_total",
    "koersbord_join_code_lookups_total",
    "koersbord_join_code_refusals_total",
];

/// One scrape, parsed just enough: the value of a series by name and labels.
struct Scrape(String);

impl Scrape {
    async fn of(server: &TestServer) -> Scrape {
        let r = server.scrape().await;
        assert_eq!(r.status, 200, "{}", r.body);
        Scrape(r.body)
    }

    /// The series `name` carrying every label in `labels` (0 when there is none, as Prometheus
    /// reads a missing series).
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.0
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.rsplit_once(' '))
            .filter(|(series, _)| {
                let (n, rest) = series.split_once('{').unwrap_or((series, ""));
                n == name
                    && labels
                        .iter()
                        .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
            })
            .map(|(_, value)| value.parse::<f64>().unwrap())
            .next()
            .unwrap_or(0.0)
    }
}

#[tokio::test]
async fn the_metrics_listener_serves_prometheus_text_with_every_metric() {
    let server = with_metrics().await;
    // One commit, so the histogram has a sample to show.
    server.create_session().await;
    let r = server.scrape().await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.headers["content-type"], "text/plain; version=0.0.4");
    for name in NAMES {
        assert!(
            r.body.contains(&format!("# TYPE {name} ")),
            "{name} missing:\n{}",
            r.body
        );
    }
    assert!(
        r.body
            .contains("koersbord_store_commit_seconds_bucket{le=\"0.001\"}")
    );
    // Only the closed label sets: never a room id or a key.
    assert!(r.body.contains(r#"koersbord_sockets_open{role="pending"}"#));
    assert!(
        r.body
            .contains(r#"koersbord_commands_total{type="place_drive",outcome="rejected"}"#)
    );
    // Nothing else lives on that listener.
    let addr = server.metrics_addr.unwrap();
    assert_eq!(http(addr, "GET", "/", &[], None).await.status, 404);
    assert_eq!(http(addr, "GET", "/healthz", &[], None).await.status, 404);
    assert_eq!(
        http(addr, "POST", "/metrics", &[], Some("")).await.status,
        405
    );
    // It closes with the server.
    let mut server = server;
    server.stop().await.unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn the_public_port_never_serves_metrics() {
    // With a built client, any path no route claims is a page of the app (200, index.html): the
    // 404 must come from an explicit route.
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
    let mut config = test_config();
    config.metrics_bind = Some("127.0.0.1:0".parse().unwrap());
    config.dist = Some(dist.path().to_owned());
    let server = TestServer::with(config).await;
    assert_eq!(server.http("GET", "/some/page", None).await.status, 200);
    for method in ["GET", "POST"] {
        let r = server.http(method, "/metrics", None).await;
        assert_eq!(r.status, 404, "{method}: {}", r.body);
        assert!(!r.body.contains("koersbord_"), "{}", r.body);
    }
    // Without the flag there is no metrics listener at all.
    let plain = TestServer::start().await;
    assert_eq!(plain.metrics_addr, None);
    assert_eq!(plain.http("GET", "/metrics", None).await.status, 404);
}

#[tokio::test]
async fn a_session_its_sockets_and_its_commands_move_the_counters() {
    let server = with_metrics().await;
    let before = Scrape::of(&server).await;

    let s = server.create_session().await;
    let (mut f, _) = server.hello(&s.room, &s.facilitator_key, None).await;
    f.command(1, Command::StartTimer).await;
    f.recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
        .await;
    // A facilitator's drag is not relayed (only participants drag); a drag off the board is not
    // even sent to the room. The barrier is a refused join, answered after both.
    let dot = DotRef::Drive(Drive::Autonomy);
    f.send(ClientMsg::Drag {
        dot,
        x: 0.5,
        y: 0.5,
    })
    .await;
    f.send(ClientMsg::Drag {
        dot,
        x: 2.0,
        y: 0.5,
    })
    .await;
    f.barrier(2).await;
    let (_anna, _, _) = server.joined(&s, "Anna", Side::Network).await;
    assert_eq!(server.lookup_code(&s.join_code).await.status, 200);
    assert_eq!(server.lookup_code("ZZZZZZ").await.status, 404);
    let after = Scrape::of(&server).await;

    let moved =
        |name: &str, labels: &[(&str, &str)]| after.get(name, labels) - before.get(name, labels);
    assert!(moved("koersbord_sessions_created_total", &[]) >= 1.0);
    let start_acked = [("type", "start_timer"), ("outcome", "ack")];
    assert!(moved("koersbord_commands_total", &start_acked) >= 1.0);
    let join_acked = [("type", "join"), ("outcome", "ack")];
    assert!(moved("koersbord_commands_total", &join_acked) >= 1.0);
    let join_refused = [("type", "join"), ("outcome", "rejected")];
    assert!(moved("koersbord_commands_total", &join_refused) >= 1.0);
    assert!(moved("koersbord_refusals_total", &[("code", "not_allowed")]) >= 1.0);
    let not_joined = [("reason", "not_joined")];
    assert!(moved("koersbord_drags_dropped_total", &not_joined) >= 1.0);
    let off_board = [("reason", "off_board")];
    assert!(moved("koersbord_drags_dropped_total", &off_board) >= 1.0);
    assert!(moved("koersbord_join_code_lookups_total", &[]) >= 2.0);
    let unknown = [("reason", "unknown")];
    assert!(moved("koersbord_join_code_refusals_total", &unknown) >= 1.0);
    // Hello, start_timer, two drags, the barrier; welcome, presence, acks, events.
    assert!(moved("koersbord_frames_in_total", &[]) >= 5.0);
    assert!(moved("koersbord_frames_out_total", &[]) >= 5.0);
    assert!(moved("koersbord_bytes_in_total", &[]) >= 100.0);
    assert!(moved("koersbord_bytes_out_total", &[]) >= 100.0);
    // The session, the start_timer and the join were each committed.
    assert!(moved("koersbord_store_commit_seconds_count", &[]) >= 3.0);
    // Gauges: this test's room and sockets are open while the scrape runs.
    assert!(after.get("koersbord_rooms_live", &[]) >= 1.0);
    let facilitators = [("role", "facilitator")];
    assert!(moved("koersbord_sockets_open", &facilitators) >= 1.0);
    let participants = [("role", "participant")];
    assert!(moved("koersbord_sockets_open", &participants) >= 1.0);
}
