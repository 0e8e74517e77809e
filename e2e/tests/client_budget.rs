//! The client's first load stays within its budget: what a real browser downloads, compressed,
//! to show the start page. docs/PERFORMANCE.md explains the number and where the bytes go.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::{TIMEOUT, Viewport, run, wait_until};
use serde::Deserialize;

/// The agreed first-load budget, body bytes over the wire (gzip). Raise it only with a line in
/// docs/PERFORMANCE.md saying what the bytes buy.
const FIRST_LOAD_BUDGET: u64 = 380 * 1024;

/// One download of the page, from the Resource Timing API.
#[derive(Debug, Deserialize)]
struct Download {
    name: String,
    /// Body bytes as they came over the wire (compressed when the server compressed them).
    encoded: u64,
    /// Body bytes after decompression.
    decoded: u64,
}

/// The document itself and every resource it fetched, same origin, so the sizes are exposed.
const DOWNLOADS: &str = "
    return performance.getEntriesByType('navigation')
        .concat(performance.getEntriesByType('resource'))
        .map(e => ({ name: e.name, encoded: e.encodedBodySize, decoded: e.decodedBodySize }));
";

#[test]
fn the_first_load_stays_within_its_budget() -> Result<()> {
    run("the_first_load_stays_within_its_budget", |h| async move {
        let browser = h.browser("desktop", Viewport::DESKTOP).await?;
        browser.goto("/").await?;
        // Rendered by the wasm: everything the first screen needs has arrived.
        wait_until("the start page to render", TIMEOUT, || async {
            Ok(browser
                .js("return !!document.querySelector('[data-testid=create-title]')")
                .await?
                == true)
        })
        .await?;
        let downloads: Vec<Download> =
            serde_json::from_value(browser.js(DOWNLOADS).await?).context("resource entries")?;
        let listing = downloads
            .iter()
            .map(|d| format!("{:>8} {:>8}  {}", d.encoded, d.decoded, d.name))
            .collect::<Vec<_>>()
            .join("\n");

        let wasm = downloads
            .iter()
            .find(|d| d.name.ends_with("_bg.wasm"))
            .with_context(|| format!("no wasm among the downloads:\n{listing}"))?;
        // A zero here would mean the browser hid the sizes, and the budget would pass unmeasured.
        ensure!(
            wasm.encoded > 0 && wasm.encoded < wasm.decoded / 2,
            "the wasm did not arrive compressed:\n{listing}"
        );
        let total: u64 = downloads.iter().map(|d| d.encoded).sum();
        println!("first load: {total} bytes over the wire (budget {FIRST_LOAD_BUDGET})\n{listing}");
        ensure!(
            total <= FIRST_LOAD_BUDGET,
            "the first load is {total} bytes, over the budget of {FIRST_LOAD_BUDGET}:\n{listing}"
        );
        Ok(())
    })
}
