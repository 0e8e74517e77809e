//! Where things are: the workspace, the server binary, the built client, the browser.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace root (this crate lives in `e2e/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("e2e/ lies in the workspace root")
        .to_path_buf()
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => dir.into(),
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// The built client: `KOERSBORD_DIST`, else `<root>/dist`. It must hold an `index.html`.
pub fn dist() -> Result<PathBuf> {
    let dist = std::env::var_os("KOERSBORD_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("dist"));
    if !dist.join("index.html").is_file() {
        bail!(
            "no client build in {}: run `cargo xtask build` first (`cargo xtask test` does it)",
            dist.display()
        );
    }
    Ok(dist)
}

/// The server binary: `KOERSBORD_BIN`, else `target/debug/koersbord`, built (once per test
/// process) with `cargo build -p koersbord-server` so it is never stale.
pub fn server_bin() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("KOERSBORD_BIN") {
        return Ok(bin.into());
    }
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| build_server().map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

fn build_server() -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "koersbord-server",
            "--bin",
            "koersbord",
        ])
        .current_dir(root())
        .status()
        .context("could not run cargo to build the server")?;
    if !status.success() {
        bail!("`cargo build -p koersbord-server` failed ({status})");
    }
    let bin = target_dir().join("debug").join("koersbord");
    if !bin.is_file() {
        bail!("{} is missing after building the server", bin.display());
    }
    Ok(bin)
}

/// The self-contained release binary `cargo xtask dist` builds (the client embedded):
/// `KOERSBORD_RELEASE_BIN`, else `target/release/koersbord`.
pub fn release_bin() -> Result<PathBuf> {
    let bin = std::env::var_os("KOERSBORD_RELEASE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("release").join("koersbord"));
    if !bin.is_file() {
        bail!(
            "no release binary at {}: run `cargo xtask dist` first (`cargo xtask test` does it)",
            bin.display()
        );
    }
    Ok(bin)
}

/// Chromium: `CHROMIUM`, else `/usr/bin/chromium`.
pub fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from)
}

/// chromedriver: `CHROMEDRIVER`, else `/usr/bin/chromedriver`.
pub fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER").map_or_else(|| "/usr/bin/chromedriver".into(), PathBuf::from)
}

/// Where screenshots of failed tests go.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

/// A TCP port nobody listens on right now.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}
