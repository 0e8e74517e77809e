//! End-to-end tests in real browsers: the real server binary, the real client build, headless
//! Chromium driven over WebDriver (chromedriver + fantoccini).
//!
//! A test is a plain `#[test]` that hands an async body to [`run`]:
//!
//! ```no_run
//! use koersbord_e2e::{Viewport, run};
//!
//! #[test]
//! fn participant_sees_the_ambition() -> anyhow::Result<()> {
//!     run("participant_sees_the_ambition", |h| async move {
//!         let session = h.create_session("Sessie", "Samen sterker", ["Doel 1", "Doel 2"]).await?;
//!         let phone = h.browser("phone", Viewport::PHONE).await?;
//!         phone.goto(&koersbord_shared::protocol::join_link(&session.room, &session.join_key)).await?;
//!         phone.wait_for_text("[data-testid=ambition]", "Samen sterker").await?;
//!         Ok(())
//!     })
//! }
//! ```
//!
//! [`run`] starts a server (`KOERSBORD_BIN`, else `target/debug/koersbord`, on a free port,
//! serving `KOERSBORD_DIST`, else `dist/`) and a chromedriver, runs the body, and on an error or
//! a panic saves a screenshot of every open browser to `target/e2e-screenshots/`. Then it kills
//! everything it started, whatever happened. Browser tests in one test binary run one at a time.
//! Build first with `cargo xtask build`, or run everything with `cargo xtask test`.

pub mod axe;
pub mod browser;
pub mod dots;
pub mod downloads;
pub mod driver;
pub mod http;
pub mod page;
pub mod paths;
pub mod pointer;
pub mod process;
pub mod relay;
pub mod remote;
pub mod results;
pub mod server;
pub mod wait;

pub use browser::{Browser, BrowserConfig, TIMEOUT, Viewport};
pub use driver::Driver;
pub use fantoccini::{self, Client, Locator, elements::Element};
pub use http::create_session;
pub use pointer::{DragOptions, PointerKind, drag_by, drag_by_with, drag_to, drag_to_with};
pub use server::{Server, ServerOptions};
pub use wait::{wait_for, wait_for_text, wait_some, wait_until, wait_value};

use anyhow::Result;
use koersbord_shared::protocol::{SessionCreated, room_link};
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

/// Everything one browser test runs against: a server, a chromedriver, the browsers it opened.
/// Cheap to clone; the processes are killed when the last clone is dropped.
#[derive(Clone)]
pub struct Harness {
    inner: Arc<Inner>,
}

struct Inner {
    name: String,
    // Browsers before the driver, the driver before the server: dropped in this order.
    browsers: Mutex<Vec<(String, Client)>>,
    driver: Driver,
    server: Mutex<Server>,
    base: String,
}

impl Harness {
    /// Starts a server and a chromedriver for the test `name`.
    pub async fn start(name: &str) -> Result<Harness> {
        Harness::start_with(name, ServerOptions::default()).await
    }

    /// [`Harness::start`] with extra server flags or environment.
    pub async fn start_with(name: &str, options: ServerOptions) -> Result<Harness> {
        let server = tokio::task::spawn_blocking(move || Server::start_with(options)).await??;
        let driver = Driver::start().await?;
        Ok(Harness {
            inner: Arc::new(Inner {
                name: name.to_string(),
                browsers: Mutex::default(),
                driver,
                base: server.base().to_string(),
                server: Mutex::new(server),
            }),
        })
    }

    /// The test's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The server's `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        &self.inner.base
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.base)
    }

    /// The server, e.g. for its log or data directory. Do not hold the guard across an `await`:
    /// use [`Harness::restart_server`] and [`Harness::kill_server`] from async code.
    pub fn server(&self) -> MutexGuard<'_, Server> {
        self.inner
            .server
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stops the server cleanly and starts it again on the same port with the same data
    /// directory: browsers can reconnect, and it finds what it stored.
    pub async fn restart_server(&self) -> Result<()> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut server = inner.server.lock().unwrap_or_else(|p| p.into_inner());
            server.restart()
        })
        .await?
    }

    /// Kills the server (SIGKILL, a crash: nothing flushed). [`Harness::restart_server`] brings
    /// it back.
    pub async fn kill_server(&self) -> Result<()> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            inner
                .server
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .kill();
        })
        .await?;
        Ok(())
    }

    pub fn driver(&self) -> &Driver {
        &self.inner.driver
    }

    /// Opens a browser named `label` ("facilitator", "screen", "phone-1", ...) on the server, with
    /// a fresh profile: a `Viewport` or a full [`BrowserConfig`].
    pub async fn browser(&self, label: &str, config: impl Into<BrowserConfig>) -> Result<Browser> {
        self.browser_at(label, self.base(), config).await
    }

    /// A browser that reaches the server at `base` instead (through a [`relay::Relay`], say).
    pub async fn browser_at(
        &self,
        label: &str,
        base: &str,
        config: impl Into<BrowserConfig>,
    ) -> Result<Browser> {
        let browser = Browser::open(&self.inner.driver, base, label, config).await?;
        self.lock_browsers()
            .push((label.to_string(), browser.client().clone()));
        Ok(browser)
    }

    /// Opens the facilitator's browser (a laptop) on `session`'s facilitator link and the shared
    /// screen's (a projector) on its screen link. It does not wait for either page to load.
    pub async fn facilitator_and_screen(
        &self,
        session: &SessionCreated,
    ) -> Result<(Browser, Browser)> {
        let facilitator = self.browser("facilitator", Viewport::DESKTOP).await?;
        facilitator
            .goto(&room_link(&session.room, &session.facilitator_key))
            .await?;
        let screen = self.browser("screen", Viewport::SCREEN).await?;
        screen
            .goto(&room_link(&session.room, &session.screen_key))
            .await?;
        Ok((facilitator, screen))
    }

    /// `POST /api/sessions`: a new session as the facilitator prepares it.
    pub async fn create_session(
        &self,
        title: &str,
        ambition: &str,
        goals: [&str; 2],
    ) -> Result<SessionCreated> {
        http::create_session(self.base(), title, ambition, goals).await
    }

    /// `GET path` on the server.
    pub async fn get(&self, path: &str) -> Result<http::Response> {
        http::get(&self.url(path)).await
    }

    /// Saves a screenshot of every browser opened so far; returns the files.
    pub async fn screenshot_all(&self, suffix: &str) -> Vec<PathBuf> {
        let browsers = self.lock_browsers().clone();
        let mut files = Vec::new();
        for (label, client) in browsers {
            let name = format!("{}{suffix}", self.inner.name);
            match browser::save_screenshot(&client, &name, &label).await {
                Ok(file) => files.push(file),
                Err(e) => eprintln!("no screenshot of `{label}`: {e:#}"),
            }
        }
        files
    }

    /// The panics the client reported in any browser opened so far, as `label: message`: the
    /// client shows a crash banner after one (frontend/src/crash.rs), so a page that stopped
    /// following the room fails its test even when the test looked elsewhere.
    pub async fn crashes(&self) -> Vec<String> {
        const CRASH: &str = "const c = document.querySelector('[data-testid=crash]'); \
                             return c ? c.dataset.detail : null;";
        let browsers = self.lock_browsers().clone();
        let mut crashes = Vec::new();
        for (label, client) in browsers {
            if let Ok(serde_json::Value::String(detail)) = client.execute(CRASH, vec![]).await {
                crashes.push(format!("{label}: {detail}"));
            }
        }
        crashes
    }

    /// Ends every browser session (Chromium exits cleanly). Dropping the harness kills them anyway.
    pub async fn close_browsers(&self) {
        let browsers = std::mem::take(&mut *self.lock_browsers());
        for (_, client) in browsers {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), client.close()).await;
        }
    }

    fn lock_browsers(&self) -> MutexGuard<'_, Vec<(String, Client)>> {
        self.inner
            .browsers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Browser tests in one process take turns: two cores do not run several Chromiums and a server
/// well at once, and a live-update test must not be timed against another test's load.
static TURN: Mutex<()> = Mutex::new(());

/// Runs the browser test `name`: starts a [`Harness`], runs `test` on a tokio runtime, saves
/// screenshots of every browser if it fails (error or panic), then kills the server, chromedriver
/// and every Chromium. A panic in `test` is passed on after the cleanup.
pub fn run<F, Fut>(name: &str, test: F) -> Result<()>
where
    F: FnOnce(Harness) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    run_with(name, ServerOptions::default(), test)
}

/// [`run`] with a server started with `options`.
pub fn run_with<F, Fut>(name: &str, options: ServerOptions, test: F) -> Result<()>
where
    F: FnOnce(Harness) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let harness = Harness::start_with(name, options).await?;
        let mut outcome = tokio::spawn(test(harness.clone())).await;
        let crashes = harness.crashes().await;
        if !crashes.is_empty() {
            eprintln!("the client panicked:\n{}", crashes.join("\n"));
            if matches!(outcome, Ok(Ok(()))) {
                outcome = Ok(Err(anyhow::anyhow!("the client panicked: {crashes:?}")));
            }
        }
        let failed = !matches!(outcome, Ok(Ok(())));
        if failed {
            for file in harness.screenshot_all("").await {
                eprintln!("screenshot: {}", file.display());
            }
            let tail = harness.server().log_tail();
            if !tail.is_empty() {
                eprintln!("server log (last lines):\n{}", tail.join("\n"));
            }
        }
        harness.close_browsers().await;
        drop(harness);
        match outcome {
            Ok(result) => result,
            Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            Err(join) => Err(join.into()),
        }
    })
}
