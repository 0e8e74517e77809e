//! The browser the e2e tests drive: Debian's `chromium` and `chromium-driver`.

use crate::util::run;
use anyhow::{Result, bail};
use std::path::Path;
use std::process::Command;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const PACKAGES: [&str; 2] = ["chromium", "chromium-driver"];

/// Makes sure Chromium and chromedriver are installed: installs them with apt when we are root,
/// otherwise stops with the command to run.
pub fn ensure() -> Result<()> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        println!("{}", version(CHROMEDRIVER).unwrap_or_default());
        return Ok(());
    }
    println!("missing: {}", missing.join(", "));
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        bail!(
            "the browser tests need Chromium and chromedriver; install them with:\n\n    \
             sudo apt-get update && sudo apt-get install -y {}\n",
            PACKAGES.join(" ")
        );
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y"])
        .args(PACKAGES)
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    for path in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(path).exists() {
            bail!(
                "{path} is still missing after installing {}",
                PACKAGES.join(" ")
            );
        }
    }
    Ok(())
}

fn version(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
