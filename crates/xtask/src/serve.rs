//! The last stage of `cargo xtask serve [server args...]`: the server (release) on the client just
//! built.

use crate::util::{self, cargo};
use anyhow::{Context, Result};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

/// The line the server prints once it listens.
const LISTENING: &str = "koersbord listening on ";

/// Runs the release server on the client in `dist` (the last stage of `plan::SERVE`).
pub fn serve(dist: &Path, args: &[String]) -> Result<()> {
    let mut cmd = cargo(["run", "--release", "-p", "koersbord-server", "--"]);
    let has_dist = args
        .iter()
        .any(|a| a == "--dist" || a.starts_with("--dist="));
    if !has_dist {
        cmd.arg("--dist").arg(dist);
    }
    cmd.args(args).stdout(Stdio::piped());
    println!("$ {}", util::show(&cmd));
    let addressed = args
        .iter()
        .any(|a| a.starts_with("--port") || a.starts_with("--bind"));
    if !addressed {
        println!(
            "(the server will listen on http://127.0.0.1:8080; --bind and --port change that)"
        );
    }
    let mut child = cmd.spawn().context("could not start cargo run")?;

    // Forward the server's stdout, and say where to point a browser once it listens.
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        println!("{line}");
        if let Some(url) = listening_url(&line) {
            println!("\n  → open {} (Ctrl-C stops)\n", browser_url(url));
        }
    }
    let status = child.wait()?;
    if util::interrupted() {
        // Ctrl-C is how a server is stopped: the server got it too and has shut down.
        println!("stopped");
        return Ok(());
    }
    util::check(&cmd, status)
}

/// `koersbord listening on http://127.0.0.1:8080` → `http://127.0.0.1:8080`.
fn listening_url(line: &str) -> Option<&str> {
    let url = line.trim().strip_prefix(LISTENING)?.trim();
    url.starts_with("http").then_some(url)
}

/// A wildcard bind address is not something to type into a browser: use loopback.
fn browser_url(url: &str) -> String {
    url.replacen("//0.0.0.0:", "//127.0.0.1:", 1)
        .replacen("//[::]:", "//[::1]:", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listening_line_gives_the_url() {
        assert_eq!(
            listening_url("koersbord listening on http://127.0.0.1:8080"),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(listening_url("something else"), None);
        assert_eq!(listening_url("koersbord listening on soon"), None);
    }

    #[test]
    fn wildcard_binds_become_loopback() {
        assert_eq!(browser_url("http://0.0.0.0:80"), "http://127.0.0.1:80");
        assert_eq!(browser_url("http://[::]:80"), "http://[::1]:80");
        assert_eq!(browser_url("http://10.0.0.2:80"), "http://10.0.0.2:80");
    }
}
