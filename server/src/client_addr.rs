//! Which client a request comes from, for the per-address limits (join-code guesses, session
//! creation, open sockets).
//!
//! The TCP peer, unless it is a trusted reverse proxy (`--trusted-proxy`): then the nearest address
//! in `X-Forwarded-For` that is not a trusted proxy itself. The header is never believed from anyone
//! else, since any client can write it. IPv6 clients are counted per /64: one host or household
//! usually holds a whole /64, and counting single addresses would give it 2^64 budgets.

use axum::http::HeaderMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The key a request is counted under: the client's address, an IPv6 one cut to its /64.
pub fn key(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    bucket(client_ip(peer, headers, trusted_proxies))
}

fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    let trusted = |ip: &IpAddr| trusted_proxies.contains(&ip.to_canonical());
    let peer = peer.to_canonical();
    if !trusted(&peer) {
        return peer;
    }
    // Each proxy appends the address it got the request from: read from the right, past our own
    // proxies, to the first address none of them vouches for.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop.trim()) else {
            // Unreadable: stop at the last proxy we trust.
            break;
        };
        client = ip.to_canonical();
        if !trusted(&client) {
            break;
        }
    }
    client
}

/// An address as proxies write it: `203.0.113.7`, `2001:db8::1`, sometimes with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// IPv4 as is; IPv6 cut to its /64.
fn bucket(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_header_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let h = forwarded(&["198.51.100.9"]);
        assert_eq!(key(ip("203.0.113.5"), &h, &[]), ip("203.0.113.5"));
        assert_eq!(
            key(ip("203.0.113.5"), &h, &[ip("127.0.0.1")]),
            ip("203.0.113.5")
        );
        assert_eq!(
            key(ip("127.0.0.1"), &h, &[ip("127.0.0.1")]),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn a_forged_entry_left_of_the_proxys_own_is_not_believed() {
        let proxy = [ip("10.0.0.1")];
        // The client wrote "1.2.3.4"; the proxy appended the address it really saw.
        let h = forwarded(&["1.2.3.4, 198.51.100.9"]);
        assert_eq!(key(ip("10.0.0.1"), &h, &proxy), ip("198.51.100.9"));
        // Two proxies of ours in a row, headers on separate lines, a port on one entry.
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        let h = forwarded(&["1.2.3.4", "198.51.100.9:4711, 10.0.0.2"]);
        assert_eq!(key(ip("10.0.0.1"), &h, &proxies), ip("198.51.100.9"));
        // No header, or junk: the proxy itself.
        assert_eq!(
            key(ip("10.0.0.1"), &HeaderMap::new(), &proxy),
            ip("10.0.0.1")
        );
        let h = forwarded(&["unknown"]);
        assert_eq!(key(ip("10.0.0.1"), &h, &proxy), ip("10.0.0.1"));
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let none = HeaderMap::new();
        assert_eq!(
            key(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), &none, &[]),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            key(ip("2001:db8:1:2::1"), &none, &[]),
            key(ip("2001:db8:1:2:ffff::9"), &none, &[])
        );
        assert_ne!(
            key(ip("2001:db8:1:2::1"), &none, &[]),
            key(ip("2001:db8:1:3::1"), &none, &[])
        );
        assert_eq!(key(ip("::ffff:192.0.2.1"), &none, &[]), ip("192.0.2.1"));
        assert_eq!(
            key(
                ip("::ffff:127.0.0.1"),
                &forwarded(&["192.0.2.8"]),
                &[ip("127.0.0.1")]
            ),
            ip("192.0.2.8")
        );
    }
}
