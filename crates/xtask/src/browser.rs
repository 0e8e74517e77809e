//! The browser the e2e tests drive: Debian's `chromium` and `chromium-driver`.

use crate::util::apt_install;
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
    apt_install(
        &PACKAGES,
        "the browser tests need Chromium and chromedriver",
    )?;
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
