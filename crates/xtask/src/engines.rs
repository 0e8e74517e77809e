//! The engines the storage and cluster tests run for real: Debian's PostgreSQL server (its
//! binaries under `/usr/lib/postgresql/<major>/bin`, which `koersbord-pgtest` starts on a fresh
//! data directory) and HAProxy (the proxy in front of the loopback cluster).

use crate::util::apt_install;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

const PACKAGES: [&str; 2] = ["postgresql", "haproxy"];
pub const HAPROXY: &str = "/usr/sbin/haproxy";

/// The newest installed server's binary directory, if any (the rule `koersbord-pgtest` uses).
fn postgres_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            (bin.join("postgres").exists() && bin.join("initdb").exists()).then_some((major, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// Makes sure both are installed: installs them with apt when we are root, otherwise stops with
/// the command to run.
pub fn ensure() -> Result<()> {
    let have = |pg: &Option<PathBuf>| pg.is_some() && Path::new(HAPROXY).exists();
    let pg = postgres_bin();
    if have(&pg) {
        println!("postgresql: {}; haproxy: {HAPROXY}", pg.unwrap().display());
        return Ok(());
    }
    println!("missing: {}", PACKAGES.join(" or "));
    apt_install(
        &PACKAGES,
        "the storage and cluster tests need PostgreSQL and HAProxy",
    )?;
    if !have(&postgres_bin()) {
        bail!("still missing after installing {}", PACKAGES.join(" "));
    }
    Ok(())
}
