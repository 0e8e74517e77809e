//! chromedriver on a free port, in a process group of its own with every Chromium it starts.

use crate::paths;
use crate::process::Group;
use anyhow::{Context, Result, bail};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long chromedriver may take to answer `/status`.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// A running chromedriver. Dropping it kills chromedriver and all its browsers (SIGKILL to the
/// process group), so a failed or panicking test leaves no Chromium behind.
pub struct Driver {
    url: String,
    _group: Group,
}

impl Driver {
    /// Starts chromedriver (`CHROMEDRIVER`, else `/usr/bin/chromedriver`) and waits until it is
    /// ready for sessions.
    pub async fn start() -> Result<Driver> {
        let program = paths::chromedriver();
        if !program.exists() {
            bail!(
                "{} is missing: install it with `apt-get update && apt-get install -y chromium \
                 chromium-driver` (`cargo xtask test` does it when run as root)",
                program.display()
            );
        }
        let mut last = None;
        // A free port can be taken between finding and binding it: try a few.
        for _ in 0..3 {
            let port = paths::free_port()?;
            let mut cmd = Command::new(&program);
            cmd.arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let mut group = Group::spawn(cmd)?;
            let url = format!("http://127.0.0.1:{port}");
            match wait_ready(&url, &mut group).await {
                Ok(()) => return Ok(Driver { url, _group: group }),
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("at least one attempt"))
    }

    /// The WebDriver endpoint, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

async fn wait_ready(url: &str, group: &mut Group) -> Result<()> {
    let deadline = Instant::now() + READY_TIMEOUT;
    let status = format!("{url}/status");
    loop {
        if !group.is_running() {
            bail!("chromedriver exited at start");
        }
        if let Ok(response) = crate::http::get(&status).await
            && response.status == 200
        {
            let body: serde_json::Value = response.json()?;
            if body["value"]["ready"].as_bool().unwrap_or(false) {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err(anyhow::anyhow!("no answer within {READY_TIMEOUT:?}"))
                .context(format!("chromedriver at {url} is not ready"));
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
