//! axe-core, which the browser tests run on every view to check accessibility, from the npm
//! registry at the version and checksum `e2e/axe/package-lock.json` pins: `npm ci` refuses a
//! download whose checksum differs. Nothing of it is in the repository. The same for `ws`, the
//! Node relay loadgen measures koersbord against (`crates/loadgen/node-relay`, its peers test).

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
    ensure_package(&dir(), "axe-core", &script())?;
    let relay = root().join("crates").join("loadgen").join("node-relay");
    ensure_package(&relay, "ws", &relay.join("node_modules/ws/index.js"))
}

/// `npm ci` in `dir` unless `package` is installed there at the version its package.json pins
/// and `file` exists.
fn ensure_package(dir: &std::path::Path, package: &str, file: &std::path::Path) -> Result<()> {
    let manifest = std::fs::read_to_string(dir.join("package.json"))
        .with_context(|| format!("reading {}", dir.join("package.json").display()))?;
    let key = format!("\"{package}\":");
    let pinned =
        quoted_after(&manifest, &key).with_context(|| format!("no {package} in package.json"))?;
    let installed =
        std::fs::read_to_string(dir.join("node_modules").join(package).join("package.json"))
            .ok()
            .and_then(|t| quoted_after(&t, "\"version\":"));
    if installed.as_deref() == Some(pinned.as_str()) && file.exists() {
        println!("{package} {pinned}");
        return Ok(());
    }
    if Command::new("npm").arg("--version").output().is_err() {
        println!("missing: npm");
        apt_install(
            &["nodejs", "npm"],
            "the accessibility checks and the loadgen peers need npm (axe-core, ws)",
        )?;
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(dir))?;
    if !file.exists() {
        bail!("{} is missing after `npm ci`", file.display());
    }
    println!("{package} {pinned}");
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
