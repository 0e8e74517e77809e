//! Files a page makes in the browser and offers as a download (a `Blob`, an object URL and a
//! clicked `<a download>`): caught in the page before they reach the disk, and read back.

use crate::browser::Browser;
use anyhow::{Context, Result};
use serde::Deserialize;

/// Wraps `URL.createObjectURL` to keep each Blob it is given, and `<a>.click()` to record, instead
/// of performing, a download of such a Blob. Safe to run again: it then only empties the list.
const CAPTURE: &str = r#"
    window.__e2eDownloads = [];
    if (!window.__e2eCapturing) {
        window.__e2eCapturing = true;
        const blobs = new Map();
        const create = URL.createObjectURL.bind(URL);
        URL.createObjectURL = (object) => {
            const url = create(object);
            blobs.set(url, object);
            return url;
        };
        const click = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function () {
            if (this.hasAttribute('download') && blobs.has(this.href)) {
                window.__e2eDownloads.push({ name: this.download, blob: blobs.get(this.href) });
                return;
            }
            return click.call(this);
        };
    }
    return true;
"#;

/// Reads every caught Blob (bytes decoded as UTF-8, a byte order mark kept).
const READ: &str = r#"
    const done = arguments[arguments.length - 1];
    Promise.all((window.__e2eDownloads ?? []).map(async (d) => {
        const bytes = new Uint8Array(await d.blob.arrayBuffer());
        return {
            name: d.name,
            mime: d.blob.type,
            size: bytes.length,
            text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
        };
    })).then(done, (e) => done({ error: String(e) }));
"#;

/// One file the page offered.
#[derive(Clone, Debug, Deserialize)]
pub struct Download {
    /// The `download` attribute: the file name the browser would save.
    pub name: String,
    /// The Blob's type.
    pub mime: String,
    pub size: usize,
    /// The content as UTF-8, with a leading byte order mark (U+FEFF) if the file has one.
    pub text: String,
}

/// From now on, downloads made in `browser`'s page are caught instead of saved; forgets those
/// caught so far. Lasts until the page is left or reloaded.
pub async fn capture(browser: &Browser) -> Result<()> {
    browser.js(CAPTURE).await?;
    Ok(())
}

/// The downloads caught since [`capture`], oldest first.
pub async fn caught(browser: &Browser) -> Result<Vec<Download>> {
    let value = browser
        .execute_async(READ, Vec::new())
        .await
        .with_context(|| format!("{}: reading the caught downloads", browser.label()))?;
    if let Some(error) = value.get("error") {
        anyhow::bail!("{}: reading a download failed: {error}", browser.label());
    }
    serde_json::from_value(value).with_context(|| format!("{}: caught downloads", browser.label()))
}
