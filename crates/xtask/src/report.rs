//! A command's stages as it runs them: a header per stage, and a summary at the end that says
//! which stages ran, how long each took, and which never ran.

use crate::plan::Stage;
use crate::test::Totals;
use crate::util;
use anyhow::{Context, Result};
use std::time::{Duration, Instant};

pub struct Report {
    plan: &'static [Stage],
    done: Vec<(Stage, bool, Duration)>,
    pub totals: Option<Totals>,
}

impl Report {
    pub fn new(plan: &'static [Stage]) -> Report {
        Report {
            plan,
            done: Vec::new(),
            totals: None,
        }
    }

    pub fn stage<T>(&mut self, stage: Stage, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let index = self
            .plan
            .iter()
            .position(|s| *s == stage)
            .map_or(0, |i| i + 1);
        let name = stage.name();
        util::header(&format!("[{index}/{}] {name}", self.plan.len()));
        let start = Instant::now();
        let result = f();
        self.done.push((stage, result.is_ok(), start.elapsed()));
        result.with_context(|| format!("stage `{name}` failed"))
    }

    pub fn print(&self, command: &str, elapsed: Duration, ok: bool) {
        util::header("summary");
        for stage in self.plan {
            let name = stage.name();
            match self.done.iter().find(|(s, ..)| s == stage) {
                Some((_, true, took)) => println!("  ok      {name:40} {}", util::duration(*took)),
                Some((_, false, took)) => {
                    println!("  FAILED  {name:40} {}", util::duration(*took))
                }
                None => println!("  -       {name:40} not run"),
            }
        }
        if let Some(t) = self.totals {
            println!(
                "  tests: {} passed, {} failed, {} ignored ({} test binaries)",
                t.passed, t.failed, t.ignored, t.binaries
            );
        }
        let verdict = if ok { "ok" } else { "FAILED" };
        println!("xtask {command}: {verdict} in {}", util::duration(elapsed));
    }
}
