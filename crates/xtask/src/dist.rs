//! `cargo xtask dist`: one self-contained release binary, `target/release/koersbord`, with the
//! built client (and its brotli and gzip twins) embedded. Copied alone to another machine, it
//! serves the whole board; `--dist DIR` still serves a client from a directory instead.

use crate::test::{SERVER_BIN, SERVER_PACKAGE};
use crate::util;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The variable the server's build script reads: the client directory to embed.
const EMBED_VAR: &str = "KOERSBORD_EMBED_DIST";

/// Builds the release server with `dist` embedded and returns the binary's path.
pub fn build_release(dist: &Path) -> Result<PathBuf> {
    let mut cmd = util::cargo([
        "build",
        "--release",
        "-p",
        SERVER_PACKAGE,
        "--bin",
        SERVER_BIN,
        "--features",
        "embed",
    ]);
    cmd.env(EMBED_VAR, dist);
    println!("$ {EMBED_VAR}={}", dist.display());
    util::run(cmd)?;
    let bin = util::target_dir().join("release").join(SERVER_BIN);
    let size = std::fs::metadata(&bin)
        .with_context(|| format!("{} is missing", bin.display()))?
        .len();
    println!(
        "\n  {} ({}): copy it anywhere and run it; `{SERVER_BIN} --help` lists its flags\n",
        bin.display(),
        util::size(size)
    );
    Ok(bin)
}
