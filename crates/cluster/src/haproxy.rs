//! The proxy's configuration: every socket of a room to one hub, chosen by the room in the address.

use std::fmt::Write;

/// The HAProxy 2.6 configuration for a frontend on `front` and hubs `hub-1..` on `hubs`.
///
/// - `balance url_param room` + `hash-type consistent`: a room's sockets all reach one hub, and a
///   hub going down or up moves only its own share of rooms (map-based hashing would move most).
///   A request without `room` (the API, `/healthz`) falls back to round robin.
/// - `option httpchk GET /healthz` every 300 ms, down after 2 failures, up after 2 successes;
///   `timeout check` short, because a paused (SIGSTOPped) hub still completes TCP handshakes in
///   the kernel and would otherwise look alive for `inter` per check.
/// - `on-marked-down shutdown-sessions`: the tunnels to a hub marked down are cut, so its clients
///   learn at once instead of waiting for their own heartbeat.
/// - `timeout tunnel 1h`: an upgraded WebSocket idles far longer than an HTTP request; the hubs'
///   and clients' pings keep live ones busy anyway.
/// - `option redispatch` + `retries`: a connection refused by a hub just killed is tried on
///   another instead of failing the client.
/// - `X-Koersbord-Hub`: the hub that answered (its HAProxy name, `%s`), so the load driver knows
///   which of its clients a hub's death hits.
pub fn config(front: u16, hubs: &[u16]) -> String {
    let mut cfg = String::from(
        "global
    # Two descriptors per connection: within a default 20000-descriptor limit.
    maxconn 8000

defaults
    mode http
    timeout connect 500ms
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
    timeout client-fin 5s
    timeout check 500ms
    option redispatch
    retries 3

",
    );
    let _ = write!(
        cfg,
        "frontend front
    bind 127.0.0.1:{front}
    default_backend hubs

backend hubs
    balance url_param room
    hash-type consistent
    option httpchk GET /healthz
    http-check expect string ok
    http-response set-header X-Koersbord-Hub %s
    default-server inter 300ms fall 2 rise 2 on-marked-down shutdown-sessions
"
    );
    for (i, port) in hubs.iter().enumerate() {
        let _ = writeln!(cfg, "    server {} 127.0.0.1:{port} check", hub_name(i));
    }
    cfg
}

/// Hub `i` (from 0) is `hub-{i+1}`: its `--hub-id` and its name in the proxy.
pub fn hub_name(i: usize) -> String {
    format!("hub-{}", i + 1)
}
