//! The client's first load stays within its budget: everything a real browser downloads to show
//! the start page, as gzip and as brotli. docs/PERFORMANCE.md explains the numbers and where the
//! bytes go.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::{TIMEOUT, Viewport, http, run, wait_until};
use serde::Deserialize;

/// The agreed first-load budget as gzip (what every browser takes), body bytes. Raise it only with
/// a line in docs/PERFORMANCE.md saying what the bytes buy.
const GZIP_BUDGET: u64 = 550 * 1024;
/// The same as brotli, which browsers take over HTTPS and from localhost.
const BROTLI_BUDGET: u64 = 432 * 1024;

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

/// The bytes of `url`'s body when the client accepts only `encoding`.
async fn size_as(url: &str, encoding: &str) -> Result<u64> {
    let r = http::request(
        hyper::Method::GET,
        url,
        &[("accept-encoding", encoding)],
        None,
    )
    .await?;
    ensure!(r.status == 200, "{url} answered {}", r.status);
    Ok(r.body.len() as u64)
}

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
        let wasm = downloads
            .iter()
            .find(|d| d.name.ends_with("_bg.wasm"))
            .with_context(|| format!("no wasm among the downloads: {downloads:?}"))?;
        // A zero here would mean the browser hid the sizes, and nothing would be measured.
        ensure!(
            wasm.encoded > 0 && wasm.encoded < wasm.decoded / 2,
            "the wasm did not arrive compressed: {downloads:?}"
        );

        // The same files fetched again, once per encoding.
        let mut listing = vec![format!(
            "{:>8} {:>8} {:>8}  file",
            "browser", "gzip", "brotli"
        )];
        let (mut browser_total, mut gzip, mut brotli) = (0, 0, 0);
        for d in &downloads {
            let (gz, br) = (
                size_as(&d.name, "gzip").await?,
                size_as(&d.name, "br").await?,
            );
            listing.push(format!("{:>8} {gz:>8} {br:>8}  {}", d.encoded, d.name));
            browser_total += d.encoded;
            gzip += gz;
            brotli += br;
        }
        listing.push(format!("{browser_total:>8} {gzip:>8} {brotli:>8}  in all"));
        let listing = listing.join("\n");
        println!("first load (budgets: gzip {GZIP_BUDGET}, brotli {BROTLI_BUDGET}):\n{listing}");
        ensure!(
            gzip <= GZIP_BUDGET && brotli <= BROTLI_BUDGET,
            "the first load is over its budget (gzip {GZIP_BUDGET}, brotli {BROTLI_BUDGET}):\n\
             {listing}"
        );
        Ok(())
    })
}
