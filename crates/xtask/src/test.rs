//! `cargo xtask test [-- test args]`: everything CI checks, in fail-fast order.
//!
//! 1. lint: `cargo fmt --check`, clippy on the native crates, clippy on the client for wasm32;
//! 2. the browser (Chromium + chromedriver, installed with apt when missing and we are root);
//! 3. build the client into `dist/`, the tests and the server binary;
//! 4. `cargo test --workspace` (the client's unit tests natively), with `KOERSBORD_BIN` and
//!    `KOERSBORD_DIST` set so the e2e tests run the binary and client just built.

use crate::browser;
use crate::client::{self, PACKAGE, WASM_TARGET};
use crate::util::{self, cargo, run};
use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

pub const SERVER_PACKAGE: &str = "koersbord-server";
pub const SERVER_BIN: &str = "koersbord";

const STAGES: [&str; 7] = [
    "lint: rustfmt",
    "lint: clippy (native)",
    "lint: clippy (client, wasm32)",
    "browser: chromium + chromedriver",
    "build: client",
    "build: server and tests",
    "test: cargo test",
];

pub fn test(args: &[String]) -> Result<()> {
    let test_args: Vec<&String> = args.iter().skip_while(|a| *a == "--").collect();
    let start = Instant::now();
    let mut report = Report::default();
    let outcome = stages(&mut report, &test_args);
    report.print(start.elapsed(), outcome.is_ok());
    outcome
}

fn stages(report: &mut Report, test_args: &[&String]) -> Result<()> {
    report.stage(STAGES[0], || run(cargo(["fmt", "--all", "--", "--check"])))?;
    report.stage(STAGES[1], || {
        run(cargo([
            "clippy",
            "--workspace",
            "--exclude",
            PACKAGE,
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    report.stage(STAGES[2], || {
        run(cargo([
            "clippy",
            "-p",
            PACKAGE,
            "--target",
            WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    report.stage(STAGES[3], browser::ensure)?;
    let dist = report.stage(STAGES[4], client::build)?;
    let bin = util::target_dir().join("debug").join(SERVER_BIN);
    report.stage(STAGES[5], || build_server_and_tests(&bin))?;
    let mut totals = Totals::default();
    let outcome = report.stage(STAGES[6], || {
        cargo_test(&bin, &dist, test_args, &mut totals)
    });
    report.totals = Some(totals);
    outcome
}

/// Builds the tests, and the server binary with them: in the same cargo invocation as the tests,
/// so dependencies are built once, with the features the tests unify (`cargo build -p
/// koersbord-server` alone would resolve features differently and build tokio, axum, ... again).
/// The server's integration tests (`server/tests/`) make cargo build and refresh its binary; without
/// them, build it alone.
fn build_server_and_tests(bin: &Path) -> Result<()> {
    run(cargo(["test", "--workspace", "--no-run"]))?;
    if !util::root().join("server/tests").is_dir() || !bin.is_file() {
        run(cargo(["build", "-p", SERVER_PACKAGE, "--bin", SERVER_BIN]))?;
    }
    Ok(())
}

/// `cargo test`, its output passed through line by line and its `test result:` lines added up.
fn cargo_test(bin: &Path, dist: &Path, args: &[&String], totals: &mut Totals) -> Result<()> {
    // The client's own unit tests (routes, geometry, texts) run natively here too.
    let mut cmd = cargo(["test", "--workspace", "--no-fail-fast"]);
    if !args.is_empty() {
        cmd.arg("--").args(args);
    }
    cmd.env("KOERSBORD_BIN", bin)
        .env("KOERSBORD_DIST", dist)
        .stdout(Stdio::piped());
    // A failing test's anyhow error should read as a message, not as 60 frames of backtrace
    // (RUST_BACKTRACE=1 still gives panics theirs).
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        cmd.env("RUST_LIB_BACKTRACE", "0");
    }
    println!(
        "$ KOERSBORD_BIN={} KOERSBORD_DIST={} {}",
        bin.display(),
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

#[derive(Default)]
struct Report {
    done: Vec<(&'static str, bool, Duration)>,
    totals: Option<Totals>,
}

impl Report {
    fn stage<T>(&mut self, name: &'static str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let index = STAGES.iter().position(|s| *s == name).map_or(0, |i| i + 1);
        util::header(&format!("[{index}/{}] {name}", STAGES.len()));
        let start = Instant::now();
        let result = f();
        self.done.push((name, result.is_ok(), start.elapsed()));
        result.with_context(|| format!("stage `{name}` failed"))
    }

    fn print(&self, elapsed: Duration, ok: bool) {
        util::header("summary");
        for name in STAGES {
            match self.done.iter().find(|(n, ..)| *n == name) {
                Some((_, true, took)) => println!("  ok      {name:34} {}", util::duration(*took)),
                Some((_, false, took)) => {
                    println!("  FAILED  {name:34} {}", util::duration(*took))
                }
                None => println!("  -       {name:34} not run"),
            }
        }
        if let Some(t) = self.totals {
            println!(
                "  tests: {} passed, {} failed, {} ignored ({} test binaries)",
                t.passed, t.failed, t.ignored, t.binaries
            );
        }
        let verdict = if ok { "ok" } else { "FAILED" };
        println!("xtask test: {verdict} in {}", util::duration(elapsed));
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
