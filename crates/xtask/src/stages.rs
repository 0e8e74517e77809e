//! Runs a command's plan (`plan.rs`) stage by stage: each stage's work, what it hands on to the
//! stages after it, and a summary at the end.

use crate::plan::{self, Stage};
use crate::report::Report;
use crate::test::{self, Binaries, SERVER_BIN, Totals};
use crate::toolchain::{self, WASM_TARGET};
use crate::util::{self, cargo, run};
use crate::{axe, browser, client, dist, engines, floor_client, serve};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::time::Instant;

/// Runs `plan` for `command`; `args` go to the test binaries (`test`) or the server (`serve`).
pub fn run_plan(command: &str, plan: &'static [Stage], args: &[String]) -> Result<()> {
    plan::check(plan).map_err(|e| anyhow::anyhow!("the plan of `cargo xtask {command}`: {e}"))?;
    let start = Instant::now();
    let mut report = Report::new(plan);
    let mut built = Built::default();
    let outcome = plan
        .iter()
        .try_for_each(|&stage| built.run(&mut report, stage, args));
    report.print(command, start.elapsed(), outcome.is_ok());
    outcome
}

/// What the stages built, for the stages after them.
#[derive(Default)]
struct Built {
    dist: Option<PathBuf>,
    release: Option<PathBuf>,
}

impl Built {
    fn dist(&self) -> Result<PathBuf> {
        self.dist
            .clone()
            .context("the plan builds the client first")
    }

    fn run(&mut self, report: &mut Report, stage: Stage, args: &[String]) -> Result<()> {
        match stage {
            Stage::EnsureLintTools => report.stage(stage, toolchain::ensure_lint_tools),
            Stage::EnsureWasmTarget => report.stage(stage, toolchain::ensure_wasm_target),
            Stage::EnsureBrowser => report.stage(stage, browser::ensure),
            Stage::EnsureAxe => report.stage(stage, axe::ensure),
            Stage::EnsureEngines => report.stage(stage, engines::ensure),
            Stage::Rustfmt => report.stage(stage, || run(cargo(["fmt", "--all", "--", "--check"]))),
            Stage::ClippyNative => report.stage(stage, || {
                run(cargo([
                    "clippy",
                    "--workspace",
                    "--exclude",
                    client::PACKAGE,
                    "--exclude",
                    floor_client::PACKAGE,
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ]))
            }),
            Stage::ClippyEmbedded => report.stage(stage, || {
                run(cargo([
                    "clippy",
                    "-p",
                    test::SERVER_PACKAGE,
                    "--all-targets",
                    "--features",
                    "embed",
                    "--",
                    "-D",
                    "warnings",
                ]))
            }),
            Stage::ClippyWasm => report.stage(stage, || {
                run(cargo([
                    "clippy",
                    "-p",
                    client::PACKAGE,
                    "-p",
                    floor_client::PACKAGE,
                    "--target",
                    WASM_TARGET,
                    "--",
                    "-D",
                    "warnings",
                ]))
            }),
            Stage::BuildClient => {
                self.dist = Some(report.stage(stage, client::build)?);
                Ok(())
            }
            Stage::BuildRelease => {
                let dist = self.dist()?;
                self.release = Some(report.stage(stage, || dist::build_release(&dist))?);
                Ok(())
            }
            Stage::BuildServerAndTests => {
                report.stage(stage, || test::build_server_and_tests(&debug_bin()))
            }
            Stage::Test => {
                let test_args: Vec<&String> = args.iter().skip_while(|a| *a == "--").collect();
                let (dist, debug) = (self.dist()?, debug_bin());
                let bins = Binaries {
                    debug: &debug,
                    release: self.release.as_deref(),
                };
                let mut totals = Totals::default();
                let outcome = report.stage(stage, || {
                    test::cargo_test(bins, &dist, &test_args, &mut totals)
                });
                report.totals = Some(totals);
                outcome
            }
            Stage::Serve => {
                let dist = self.dist()?;
                report.stage(stage, || serve::serve(&dist, args))
            }
            Stage::FloorClient => report.stage(stage, floor_client::measure),
        }
    }
}

fn debug_bin() -> PathBuf {
    util::target_dir().join("debug").join(SERVER_BIN)
}
