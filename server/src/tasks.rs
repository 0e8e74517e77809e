//! The binary's commands besides serving: `backup`, `check` and `healthcheck`. Each prints one
//! line of what it did on stdout, or the problem on stderr, and says so with its exit code.

use crate::config::Config;
use crate::maintenance;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// `backup` and `check` read the SQLite file; PostgreSQL has its own tools for both.
const NOT_FOR_POSTGRES: &str =
    "backup and check work on the SQLite file; for PostgreSQL use pg_dump and its own checks";

pub fn backup(config: &Config, to: &Path) -> ExitCode {
    if config.database_url.is_some() {
        return report(Err(NOT_FOR_POSTGRES.to_owned()), |_: &()| String::new());
    }
    let outcome = config
        .db_path()
        .map_err(|e| e.to_string())
        .and_then(|db| maintenance::backup(&db, to).map_err(|e| e.to_string()));
    report(outcome, |s| {
        format!(
            "backup written to {}: {} sessions, {} events, {}",
            to.display(),
            s.sessions,
            s.events,
            bytes(s.bytes)
        )
    })
}

pub fn check(config: &Config) -> ExitCode {
    if config.database_url.is_some() {
        return report(Err(NOT_FOR_POSTGRES.to_owned()), |_: &()| String::new());
    }
    let db = match config.db_path() {
        Ok(db) => db,
        Err(e) => return report(Err(e.to_string()), |_: &()| String::new()),
    };
    let outcome = maintenance::check(&db).map_err(|e| e.to_string());
    report(outcome, |s| {
        format!(
            "{} is sound: {} sessions, {} events replayed, {}",
            db.display(),
            s.sessions,
            s.events,
            bytes(s.bytes)
        )
    })
}

/// `GET /healthz` on the server this configuration would start, over loopback if it binds every
/// address.
pub fn healthcheck(config: &Config) -> ExitCode {
    let ip = match config.bind {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let addr = SocketAddr::new(ip, config.port);
    report(probe(addr), |_| format!("http://{addr}/healthz answers"))
}

fn probe(addr: SocketAddr) -> Result<(), String> {
    let timeout = Duration::from_secs(3);
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| format!("nothing answers on {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    // HTTP/1.0 with close: the answer ends when the server closes, no parsing of lengths needed.
    write!(
        stream,
        "GET /healthz HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream
        .take(4096)
        .read_to_string(&mut answer)
        .map_err(|e| format!("no answer from {addr}: {e}"))?;
    let status = answer.lines().next().unwrap_or_default();
    match status.split_whitespace().nth(1) {
        Some("200") => Ok(()),
        _ => Err(format!("{addr}/healthz answered {status:?}")),
    }
}

fn report<T>(outcome: Result<T, String>, done: impl FnOnce(&T) -> String) -> ExitCode {
    match outcome {
        Ok(value) => {
            println!("{}", done(&value));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("koersbord: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bytes(n: u64) -> String {
    format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
}
