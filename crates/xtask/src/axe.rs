//! axe-core, which the browser tests run on every view to check accessibility, from the npm
//! registry at the version and checksum `e2e/axe/package-lock.json` pins: `npm ci` refuses a
//! download whose checksum differs. Nothing of it is in the repository.

use crate::util::{apt_install, root, run};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::Command;

/// The folder with `package.json` and the lockfile; `node_modules/` lands beside them.
pub fn dir() -> PathBuf {
    root().join("e2e").join("axe")
}

/// The script the tests inject into a page.
pub fn script() -> PathBuf {
    dir().join("node_modules/axe-core/axe.min.js")
}

/// The `"version": "…"` (or `"axe-core": "…"`) value in a package file's text.
fn quoted_after(text: &str, key: &str) -> Option<String> {
    let rest = &text[text.find(key)? + key.len()..];
    let rest = &rest[rest.find('"')? + 1..];
    Some(rest[..rest.find('"')?].to_owned())
}

pub fn ensure() -> Result<()> {
    let dir = dir();
    let manifest = std::fs::read_to_string(dir.join("package.json"))
        .context("reading e2e/axe/package.json")?;
    let pinned = quoted_after(&manifest, "\"axe-core\":").context("no axe-core in package.json")?;
    let installed = std::fs::read_to_string(dir.join("node_modules/axe-core/package.json"))
        .ok()
        .and_then(|t| quoted_after(&t, "\"version\":"));
    if installed.as_deref() == Some(pinned.as_str()) && script().exists() {
        println!("axe-core {pinned}");
        return Ok(());
    }
    if Command::new("npm").arg("--version").output().is_err() {
        println!("missing: npm");
        apt_install(
            &["nodejs", "npm"],
            "the accessibility checks need npm to fetch axe-core",
        )?;
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir))?;
    if !script().exists() {
        bail!("{} is missing after `npm ci`", script().display());
    }
    println!("axe-core {pinned}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::quoted_after;

    #[test]
    fn reads_a_pinned_version_from_package_text() {
        let manifest = r#"{"dependencies": {"axe-core": "4.14.1"}}"#;
        assert_eq!(
            quoted_after(manifest, "\"axe-core\":").as_deref(),
            Some("4.14.1")
        );
        assert_eq!(
            quoted_after(r#"{"version":"1.2.3"}"#, "\"version\":").as_deref(),
            Some("1.2.3")
        );
        assert_eq!(quoted_after("{}", "\"version\":"), None);
    }
}
