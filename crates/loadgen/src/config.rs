//! Run options, and where loadgen may point: loopback only.

use anyhow::{Context, Result, anyhow, bail};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// The longest run loadgen agrees to.
pub const MAX_DURATION: Duration = Duration::from_secs(600);
/// Participants per room: the method's maximum, 4 per side.
pub const PARTICIPANTS: usize = 8;

/// What kind of server a run talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speaks {
    /// koersbord's protocol at this version: sessions, hellos, joins, drags, drops with commits.
    Koersbord { protocol_version: u32 },
    /// A peer relay (the Node `ws` relay, the raw-write floor): sockets at `/room/<n>`, each frame
    /// goes to the room's other sockets as it is. Draggers send the relayed drag itself
    /// (`{"type":"drag","by":…}`) and a `drag_end` where koersbord's would drop; no commits.
    Relay,
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The server, `127.0.0.1`/`::1` only.
    pub addr: SocketAddr,
    pub speaks: Speaks,
    pub rooms: usize,
    /// Participants per room who drag (the rest idle), 0..=8.
    pub draggers: usize,
    /// Drag updates per second per dragging participant.
    pub drag_hz: f64,
    /// How long one drag lasts before the drop (`place_drive`).
    pub drag_len: Duration,
    /// The measured run, after every room is set up.
    pub duration: Duration,
    /// Rooms being set up at once (the ramp).
    pub setup_concurrency: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            speaks: Speaks::Koersbord {
                protocol_version: koersbord_shared::protocol::PROTOCOL_VERSION,
            },
            rooms: 10,
            draggers: 1,
            drag_hz: 30.0,
            drag_len: Duration::from_secs(3),
            duration: Duration::from_secs(10),
            setup_concurrency: 16,
        }
    }
}

/// Refuses any address that is not this machine's loopback.
pub fn check_loopback(ip: IpAddr) -> Result<()> {
    let ok = match ip {
        IpAddr::V4(v4) => v4 == std::net::Ipv4Addr::LOCALHOST,
        IpAddr::V6(v6) => v6 == std::net::Ipv6Addr::LOCALHOST,
    };
    if !ok {
        bail!("loadgen only targets 127.0.0.1, ::1 or localhost, not {ip}");
    }
    Ok(())
}

/// Parses `host:port`, `http://host:port` or `ws://host:port` with host 127.0.0.1, ::1 (in brackets)
/// or localhost; anything else is refused.
pub fn parse_target(target: &str) -> Result<SocketAddr> {
    let rest = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("ws://"))
        .unwrap_or(target);
    let rest = rest.trim_end_matches('/');
    let (host, port) = rest
        .rsplit_once(':')
        .ok_or_else(|| anyhow!("target {target:?} needs a port"))?;
    let port: u16 = port.parse().context("target port")?;
    let ip: IpAddr = match host {
        "localhost" => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        h => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| anyhow!("loadgen only targets 127.0.0.1, ::1 or localhost, not {h:?}"))?,
    };
    check_loopback(ip)?;
    Ok(SocketAddr::new(ip, port))
}

/// Raises this process's open-file limit to its hard limit (and, as root, to `want`), so thousands
/// of sockets fit. Children (a spawned server) inherit it. Returns the soft limit now.
pub fn raise_fd_limit(want: u64) -> u64 {
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        let target = want.max(lim.rlim_cur);
        let raised = libc::rlimit {
            rlim_cur: target,
            rlim_max: lim.rlim_max.max(target),
        };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
            return target;
        }
        let soft = libc::rlimit {
            rlim_cur: lim.rlim_max,
            rlim_max: lim.rlim_max,
        };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &soft) == 0 {
            return lim.rlim_max;
        }
        lim.rlim_cur
    }
}
