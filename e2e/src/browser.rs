//! One headless Chromium session with a fresh profile.

use crate::driver::Driver;
use crate::{paths, wait};
use anyhow::{Context, Result};
use fantoccini::elements::Element;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::ops::Deref;
use std::path::PathBuf;
use std::time::Duration;
use tempfile::TempDir;

/// Flags that work on this machine kind (see BUILD-NOTES): quiet, no sandbox (root in CI), no
/// network chatter, no GPU, no /dev/shm (small in containers).
pub const CHROMIUM_FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// How long the helpers on [`Browser`] wait by default.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The size of the page and whether it is a touch device.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
    /// A phone: device metrics and touch emulation (`mobileEmulation`): pointer events arrive
    /// with `pointerType == "touch"` from [`crate::PointerKind::Touch`] drags, `(pointer: coarse)`
    /// matches, the page is laid out at `width` CSS pixels.
    pub touch: bool,
    pub pixel_ratio: f64,
}

impl Viewport {
    /// A laptop: 1280×800.
    pub const DESKTOP: Viewport = Viewport {
        width: 1280,
        height: 800,
        touch: false,
        pixel_ratio: 1.0,
    };
    /// A projector or TV showing the shared screen: 1920×1080.
    pub const SCREEN: Viewport = Viewport {
        width: 1920,
        height: 1080,
        touch: false,
        pixel_ratio: 1.0,
    };
    /// A phone: 390×844 CSS pixels, touch, pixel ratio 3.
    pub const PHONE: Viewport = Viewport {
        width: 390,
        height: 844,
        touch: true,
        pixel_ratio: 3.0,
    };
}

/// How to open a browser.
#[derive(Clone, Debug)]
pub struct BrowserConfig {
    pub viewport: Viewport,
    /// `Accept-Language` and `navigator.language`; Dutch by default, as the product is.
    pub lang: String,
}

impl Default for BrowserConfig {
    fn default() -> Self {
        BrowserConfig {
            viewport: Viewport::DESKTOP,
            lang: "nl-NL".to_string(),
        }
    }
}

impl From<Viewport> for BrowserConfig {
    fn from(viewport: Viewport) -> Self {
        BrowserConfig {
            viewport,
            ..BrowserConfig::default()
        }
    }
}

/// The WebDriver capabilities for one session with its own profile directory.
pub fn capabilities(config: &BrowserConfig, profile: &std::path::Path) -> Capabilities {
    let Viewport {
        width,
        height,
        touch,
        pixel_ratio,
    } = config.viewport;
    let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| f.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.push(format!("--window-size={width},{height}"));
    args.push(format!("--lang={}", config.lang));
    let mut chrome = json!({
        "binary": paths::chromium(),
        "args": args,
        "prefs": { "intl.accept_languages": config.lang },
    });
    if touch {
        chrome["mobileEmulation"] = json!({
            "deviceMetrics": {
                "width": width,
                "height": height,
                "pixelRatio": pixel_ratio,
                "touch": true,
                "mobile": true,
            }
        });
    }
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": chrome,
    });
    match caps {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("an object literal"),
    }
}

/// A browser session on the server at `base`. Derefs to fantoccini's [`Client`] for everything
/// else (`find`, `execute`, `perform_actions`, ...).
pub struct Browser {
    client: Client,
    label: String,
    base: String,
    /// chromedriver's address, for its vendor commands (network conditions).
    driver: String,
    // Last: removed after the session is closed.
    _profile: TempDir,
}

impl Browser {
    /// Opens a session on `driver`; `base` is the server's `http://HOST:PORT`; `label` names the
    /// browser in screenshots and messages ("facilitator", "phone-1", ...).
    pub async fn open(
        driver: &Driver,
        base: &str,
        label: &str,
        config: impl Into<BrowserConfig>,
    ) -> Result<Browser> {
        let config = config.into();
        let profile = tempfile::Builder::new()
            .prefix("koersbord-e2e-chromium-")
            .tempdir()?;
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities(&config, profile.path()))
            .connect(driver.url())
            .await
            .with_context(|| format!("opening browser `{label}`"))?;
        if !config.viewport.touch {
            fit_viewport(&client, config.viewport)
                .await
                .with_context(|| format!("sizing browser `{label}`"))?;
        }
        Ok(Browser {
            client,
            label: label.to_string(),
            base: base.trim_end_matches('/').to_string(),
            driver: driver.url().trim_end_matches('/').to_string(),
            _profile: profile,
        })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// The server's `http://HOST:PORT`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Cuts this browser off the network, or connects it again. Chromium's offline emulation keeps
    /// open WebSockets open and silently stops their traffic (no `close` event, no FIN at the
    /// server; the browser still answers WebSocket pings below the page), as a phone in a lift.
    /// Measured here: it stops only sockets opened while some emulation was on, so call
    /// `set_offline(false)` before the page loads; chromedriver's `chromium/network_conditions`
    /// never stopped an open socket.
    pub async fn set_offline(&self, offline: bool) -> Result<()> {
        self.cdp("Network.enable", json!({})).await?;
        // Online is an emulation too (fast, 1 ms), so sockets opened now can be cut later.
        let conditions = json!({
            "offline": offline,
            "latency": if offline { 0 } else { 1 },
            "downloadThroughput": if offline { 0 } else { 100_000_000 },
            "uploadThroughput": if offline { 0 } else { 100_000_000 },
        });
        self.cdp("Network.emulateNetworkConditions", conditions)
            .await?;
        Ok(())
    }

    /// Runs a Chrome DevTools Protocol command through chromedriver.
    pub async fn cdp(&self, cmd: &str, params: serde_json::Value) -> Result<serde_json::Value> {
        let session = self
            .client
            .session_id()
            .await?
            .context("the browser has no WebDriver session")?;
        let url = format!("{}/session/{session}/goog/cdp/execute", self.driver);
        let body = json!({"cmd": cmd, "params": params});
        let response = crate::http::post_json(&url, &body).await?;
        anyhow::ensure!(
            response.status == 200,
            "{}: {cmd} answered {}: {}",
            self.label,
            response.status,
            response.text()
        );
        response.json()
    }

    /// Opens `path` (`/`, `/r/ROOM#k=KEY`) on the server.
    pub async fn goto(&self, path: &str) -> Result<()> {
        let url = format!("{}{path}", self.base);
        self.client
            .goto(&url)
            .await
            .with_context(|| format!("{}: opening {url}", self.label))
    }

    /// Waits (up to [`TIMEOUT`]) for an element matching `css`.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        wait::wait_for(&self.client, css, TIMEOUT)
            .await
            .with_context(|| format!("in browser `{}`", self.label))
    }

    /// Waits (up to [`TIMEOUT`]) until the text of the element matching `css` contains `needle`.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> Result<Element> {
        wait::wait_for_text(&self.client, css, needle, TIMEOUT)
            .await
            .with_context(|| format!("in browser `{}`", self.label))
    }

    /// The element matching `css` (no waiting).
    pub async fn find_css(&self, css: &str) -> Result<Element> {
        self.client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("{}: no element matches `{css}`", self.label))
    }

    /// The visible text of the page.
    pub async fn body_text(&self) -> Result<String> {
        Ok(self.find_css("body").await?.text().await?)
    }

    /// Runs `script` (a function body: use `return`) in the page and returns its value.
    pub async fn js(&self, script: &str) -> Result<serde_json::Value> {
        self.client
            .execute(script, Vec::new())
            .await
            .with_context(|| format!("{}: running script", self.label))
    }

    /// Saves a PNG of the viewport to `target/e2e-screenshots/{name}-{label}.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        save_screenshot(&self.client, name, &self.label).await
    }

    /// Ends the session (Chromium exits).
    pub async fn close(self) -> Result<()> {
        self.client.clone().close().await?;
        Ok(())
    }
}

impl Deref for Browser {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

/// `--window-size` sizes the window, and headless Chromium still keeps room for a toolbar: grow
/// the window so the page itself gets the size asked for. (Phones are sized by `mobileEmulation`.)
async fn fit_viewport(client: &Client, viewport: Viewport) -> Result<()> {
    let inner = client
        .execute("return [innerWidth, innerHeight]", Vec::new())
        .await?;
    let (Some(iw), Some(ih)) = (inner[0].as_u64(), inner[1].as_u64()) else {
        anyhow::bail!("no viewport size: {inner}");
    };
    let (want_w, want_h) = (u64::from(viewport.width), u64::from(viewport.height));
    if (iw, ih) != (want_w, want_h) {
        let (ow, oh) = client.get_window_size().await?;
        let width = (ow + want_w).saturating_sub(iw);
        let height = (oh + want_h).saturating_sub(ih);
        client
            .set_window_size(u32::try_from(width)?, u32::try_from(height)?)
            .await?;
    }
    Ok(())
}

/// Saves a PNG of what `client` shows to `target/e2e-screenshots/{name}-{label}.png`.
pub async fn save_screenshot(client: &Client, name: &str, label: &str) -> Result<PathBuf> {
    let png = client.screenshot().await?;
    let dir = paths::screenshot_dir();
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(format!("{}-{}.png", sanitize(name), sanitize(label)));
    std::fs::write(&file, png)?;
    Ok(file)
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
