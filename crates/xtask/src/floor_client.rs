//! `cargo xtask floor-client`: how small a participant's first screen can be on this stack.
//! Builds `crates/floor-client` (a join form over a WebSocket) with the client's own profile and
//! flags, once with plain strings for messages and once with the real protocol's serde decoding,
//! and prints what each costs over the wire. docs/PERFORMANCE.md has the figures.

use crate::client::{bindgen, build_wasm};
use crate::util;
use crate::{compress, lockfile};
use anyhow::{Context, Result};

pub const PACKAGE: &str = "koersbord-floor-client";

/// The two builds: a label and the features.
const VARIANTS: [(&str, &[&str]); 2] = [
    ("Leptos, a join form, a WebSocket", &[]),
    (
        "the same, reading and writing the protocol",
        &["--features", "protocol"],
    ),
];

pub fn measure() -> Result<()> {
    let lock = std::fs::read_to_string(util::root().join("Cargo.lock")).context("Cargo.lock")?;
    lockfile::check_bindgen(&lock)?;
    let target = util::target_dir();
    let mut rows = Vec::new();
    for (label, features) in VARIANTS {
        let built = build_wasm(PACKAGE, features)?;
        let out = target
            .join("floor-client")
            .join(format!("out-{}", rows.len()));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out)?;
        bindgen(&built, "floor", &out)?;
        let mut sizes = (0, 0, 0);
        for file in ["floor_bg.wasm", "floor.js"] {
            let data = std::fs::read(out.join(file))?;
            sizes.0 += data.len() as u64;
            sizes.1 += compress::gzip(&data)?.len() as u64;
            sizes.2 += compress::brotli(&data)?.len() as u64;
        }
        rows.push((label, sizes));
    }
    println!(
        "\n  {:44}  {:>10}  {:>10}  {:>10}",
        "floor client (wasm + glue)", "raw", "gzip", "brotli"
    );
    for (label, (raw, gzip, brotli)) in &rows {
        println!(
            "  {label:44}  {:>10}  {:>10}  {:>10}",
            util::size(*raw),
            util::size(*gzip),
            util::size(*brotli)
        );
    }
    if let [(_, plain), (_, protocol)] = rows[..] {
        println!(
            "\n  the protocol's decoding alone: {} gzip, {} brotli\n",
            util::size(protocol.1.saturating_sub(plain.1)),
            util::size(protocol.2.saturating_sub(plain.2))
        );
    }
    Ok(())
}
