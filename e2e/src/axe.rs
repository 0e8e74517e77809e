//! Accessibility checks with axe-core in the page: every WCAG 2.0, 2.1 and 2.2 rule of level A and
//! AA. The script comes from `e2e/axe/node_modules` (`cargo xtask test` installs it with `npm ci`
//! at the version and checksum the lockfile pins).

use crate::browser::Browser;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::sync::OnceLock;

fn script_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("axe/node_modules/axe-core/axe.min.js")
}

fn script() -> Result<&'static str> {
    static SCRIPT: OnceLock<String> = OnceLock::new();
    if let Some(s) = SCRIPT.get() {
        return Ok(s);
    }
    let path = script_path();
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{} is missing: `cargo xtask test` installs axe-core (or run `npm ci --prefix e2e/axe`)",
            path.display()
        )
    })?;
    Ok(SCRIPT.get_or_init(|| text))
}

const RUN: &str = r#"
    return axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] },
        resultTypes: ['violations'],
        iframes: false,
    }).then((r) => r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.slice(0, 6)
        .map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 240)}`)
        .join('\n')));
"#;

/// Runs axe on what `page` shows now; fails on any violation, naming `what` was checked and the
/// screenshot it saved.
pub async fn check(page: &Browser, what: &str) -> Result<()> {
    let loaded = page
        .js("return typeof window.axe === 'object'")
        .await?
        .as_bool()
        .unwrap_or(false);
    if !loaded {
        page.js(&format!("{}\n;return true;", script()?)).await?;
    }
    let found = page.js(RUN).await?;
    let violations: Vec<String> = serde_json::from_value(found)?;
    if !violations.is_empty() {
        let shot = page.screenshot(&format!("axe-{what}")).await?;
        bail!(
            "{}: {what}: {} accessibility violation(s) ({}):\n{}",
            page.label(),
            violations.len(),
            shot.display(),
            violations.join("\n")
        );
    }
    Ok(())
}
