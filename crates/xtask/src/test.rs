//! The parts of `cargo xtask test [-- test args]`, everything CI checks, run in fail-fast order by
//! `stages.rs` after `plan::TEST`:
//!
//! 1. ensure the toolchain's lint tools and wasm32 target, and the browser (Chromium +
//!    chromedriver, installed with apt when missing and we are root);
//! 2. lint: `cargo fmt --check`, clippy on the native crates, clippy on the client for wasm32;
//! 3. build the client into `dist/`, the release binary with it embedded, the tests and the debug
//!    server binary;
//! 4. `cargo test --workspace` (the client's unit tests natively), with `KOERSBORD_BIN`,
//!    `KOERSBORD_DIST` and `KOERSBORD_RELEASE_BIN` set so the e2e tests run what was just built.

use crate::util::{self, cargo, run};
use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;

pub const SERVER_PACKAGE: &str = "koersbord-server";
pub const SERVER_BIN: &str = "koersbord";

/// Builds the tests, and the server binary with them: in the same cargo invocation as the tests,
/// so dependencies are built once, with the features the tests unify (`cargo build -p
/// koersbord-server` alone would resolve features differently and build tokio, axum, ... again).
/// The server's integration tests (`server/tests/`) make cargo build and refresh its binary; without
/// them, build it alone.
pub fn build_server_and_tests(bin: &Path) -> Result<()> {
    run(cargo(["test", "--workspace", "--no-run"]))?;
    if !util::root().join("server/tests").is_dir() || !bin.is_file() {
        run(cargo(["build", "-p", SERVER_PACKAGE, "--bin", SERVER_BIN]))?;
    }
    Ok(())
}

/// The server binaries the e2e tests run.
#[derive(Clone, Copy)]
pub struct Binaries<'a> {
    pub debug: &'a Path,
    pub release: Option<&'a Path>,
}

/// `cargo test`, its output passed through line by line and its `test result:` lines added up.
pub fn cargo_test(
    bins: Binaries,
    dist: &Path,
    args: &[&String],
    totals: &mut Totals,
) -> Result<()> {
    // The client's own unit tests (routes, geometry, texts) run natively here too.
    let mut cmd = cargo(["test", "--workspace", "--no-fail-fast"]);
    if !args.is_empty() {
        cmd.arg("--").args(args);
    }
    cmd.env("KOERSBORD_BIN", bins.debug)
        .env("KOERSBORD_DIST", dist)
        .stdout(Stdio::piped());
    if let Some(release) = bins.release {
        cmd.env("KOERSBORD_RELEASE_BIN", release);
    }
    // A failing test's anyhow error should read as a message, not as 60 frames of backtrace
    // (RUST_BACKTRACE=1 still gives panics theirs).
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        cmd.env("RUST_LIB_BACKTRACE", "0");
    }
    println!(
        "$ KOERSBORD_BIN={} KOERSBORD_DIST={} {}",
        bins.debug.display(),
        dist.display(),
        util::show(&cmd)
    );
    let mut child = cmd.spawn().context("could not start cargo test")?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut out = std::io::stdout();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        writeln!(out, "{line}")?;
        totals.add_line(&line);
    }
    let status = child.wait()?;
    util::check(&cmd, status)
}

/// The sums of every `test result:` line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub binaries: u32,
    pub passed: u32,
    pub failed: u32,
    pub ignored: u32,
}

impl Totals {
    /// Adds `test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; ...`.
    pub fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        self.binaries += 1;
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            let (Some(n), Some(what)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u32>() else { continue };
            match what {
                "passed" => self.passed += n,
                "failed" => self.failed += n,
                "ignored" => self.ignored += n,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_result_lines_add_up() {
        let mut t = Totals::default();
        t.add_line("running 3 tests");
        t.add_line(
            "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; \
             finished in 0.01s",
        );
        t.add_line("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 5 filtered out; finished in 1.00s");
        assert_eq!(
            t,
            Totals {
                binaries: 2,
                passed: 15,
                failed: 2,
                ignored: 1
            }
        );
    }
}
