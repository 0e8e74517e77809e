//! What the Rust toolchain must hold before a stage uses it: the lint components and the wasm32
//! target. A fresh machine has the native target and often rustfmt and clippy, nothing more;
//! each `ensure_*` installs what is missing with rustup and says so.

use crate::util::{cargo, run};
use anyhow::{Result, bail};
use std::process::{Command, Stdio};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// rustfmt and clippy, as `cargo fmt` and `cargo clippy` run them.
pub fn ensure_lint_tools() -> Result<()> {
    let missing: Vec<&str> = [("fmt", "rustfmt"), ("clippy", "clippy")]
        .into_iter()
        .filter(|(subcommand, _)| !answers(cargo([*subcommand, "--version"])))
        .map(|(_, component)| component)
        .collect();
    if missing.is_empty() {
        println!("rustfmt and clippy are installed");
        return Ok(());
    }
    println!("missing: {}; installing with rustup", missing.join(", "));
    rustup(&["component", "add"], &missing)
}

/// The `wasm32-unknown-unknown` target, which the client's build and lint need.
pub fn ensure_wasm_target() -> Result<()> {
    let output = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        _ => bail!(
            "`rustup target list --installed` failed: is rustup installed? The client needs the \
             {WASM_TARGET} target of the toolchain (`rustup target add {WASM_TARGET}`)"
        ),
    };
    if has_target(&String::from_utf8_lossy(&output.stdout)) {
        println!("the {WASM_TARGET} target is installed");
        return Ok(());
    }
    println!("the {WASM_TARGET} target is missing: installing it");
    rustup(&["target", "add"], &[WASM_TARGET])
}

/// Whether `rustup target list --installed` printed the wasm target.
fn has_target(installed: &str) -> bool {
    installed.lines().any(|l| l.trim() == WASM_TARGET)
}

fn rustup(command: &[&str], what: &[&str]) -> Result<()> {
    let mut cmd = Command::new("rustup");
    cmd.args(command).args(what);
    run(cmd).map_err(|e| {
        e.context(format!(
            "could not install {} with rustup; install it by hand: rustup {} {}",
            what.join(", "),
            command.join(" "),
            what.join(" ")
        ))
    })
}

/// Whether a command starts and exits 0, its output swallowed.
fn answers(mut cmd: Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wasm_target_is_found_only_by_its_whole_name() {
        assert!(has_target(
            "x86_64-unknown-linux-gnu\nwasm32-unknown-unknown\n"
        ));
        assert!(!has_target("x86_64-unknown-linux-gnu\n"));
        assert!(!has_target("wasm32-unknown-unknown-extra\n"));
    }
}
