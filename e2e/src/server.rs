//! The real server binary, on a free port, serving the real client build.

use crate::paths;
use crate::process::Group;
use anyhow::{Context, Result, bail};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;
use tempfile::TempDir;

/// The line the server prints once it listens.
const LISTENING: &str = "koersbord listening on ";
/// How long a server may take to print it.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Extra flags and environment for the server.
#[derive(Clone, Debug, Default)]
pub struct ServerOptions {
    /// Added after `--port` and `--dist`.
    pub args: Vec<String>,
    /// Keep the sessions in this PostgreSQL database (`--database-url`) instead of SQLite in the
    /// data directory: for servers that share one.
    pub database_url: Option<String>,
    pub env: Vec<(String, String)>,
    /// Run this binary instead, copied alone into the empty data directory and started there as
    /// an operator would: no `--dist`, no `--db`, no `KOERSBORD_DIST`; it serves what it carries
    /// and keeps its database beside itself.
    pub alone: Option<PathBuf>,
}

/// A running `koersbord` process, killed (with its process group) on drop. It runs in a fresh
/// temporary directory, where it keeps whatever it stores; [`Server::restart`] keeps it.
pub struct Server {
    group: Option<Group>,
    base: String,
    port: u16,
    bin: PathBuf,
    dist: PathBuf,
    options: ServerOptions,
    log: Arc<Mutex<VecDeque<String>>>,
    // Last: removed after the process is gone.
    data_dir: TempDir,
}

impl Server {
    /// Starts the server from `KOERSBORD_BIN` (or `target/debug/koersbord`) on a free port,
    /// serving `KOERSBORD_DIST` (or `dist/`).
    pub fn start() -> Result<Server> {
        Server::start_with(ServerOptions::default())
    }

    pub fn start_with(options: ServerOptions) -> Result<Server> {
        let data_dir = tempfile::Builder::new()
            .prefix("koersbord-e2e-server-")
            .tempdir()?;
        let (bin, dist) = match &options.alone {
            Some(bin) => {
                let copy = data_dir.path().join("koersbord");
                std::fs::copy(bin, &copy)
                    .with_context(|| format!("copying {} alone", bin.display()))?;
                (copy, PathBuf::new())
            }
            None => (paths::server_bin()?, paths::dist()?),
        };
        let mut server = Server {
            group: None,
            base: String::new(),
            port: 0,
            bin,
            dist,
            options,
            log: Arc::default(),
            data_dir,
        };
        server.launch(0)?;
        Ok(server)
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `base` + `path` (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The working directory the server runs in (and stores its data in).
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// The last lines the server wrote (its stderr log and stdout).
    pub fn log_tail(&self) -> Vec<String> {
        self.log
            .lock()
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.group.as_mut().is_some_and(Group::is_running)
    }

    /// SIGKILL: a crash, nothing flushed.
    pub fn kill(&mut self) {
        if let Some(mut group) = self.group.take() {
            group.kill();
        }
    }

    /// SIGTERM, then SIGKILL after `grace`: a clean shutdown.
    pub fn stop(&mut self, grace: Duration) {
        if let Some(mut group) = self.group.take() {
            group.stop(grace);
        }
    }

    /// Stops the server cleanly (if it runs) and starts it again on the same port, in the same
    /// directory, so browsers reconnect to it and it finds what it stored.
    pub fn restart(&mut self) -> Result<()> {
        self.stop(Duration::from_secs(5));
        let port = self.port;
        // The port was just freed; a moment's retry covers a slow release.
        let mut last = None;
        for _ in 0..5 {
            match self.launch(port) {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(last.expect("at least one attempt"))
    }

    fn launch(&mut self, port: u16) -> Result<()> {
        let mut cmd = Command::new(&self.bin);
        cmd.arg("--port").arg(port.to_string());
        if self.options.alone.is_some() {
            cmd.env_remove("KOERSBORD_DIST");
        } else {
            cmd.arg("--dist").arg(&self.dist);
            match &self.options.database_url {
                Some(url) => cmd.arg("--database-url").arg(url),
                // Each server keeps its sessions in its own data directory, so a restart finds
                // them and no test sees another's.
                None => cmd
                    .arg("--db")
                    .arg(self.data_dir.path().join("koersbord.sqlite3")),
            };
        }
        cmd.args(&self.options.args)
            .env_remove("KOERSBORD_BIND")
            .env_remove("KOERSBORD_DB")
            .envs(self.options.env.iter().map(|(k, v)| (k, v)))
            .current_dir(self.data_dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut group = Group::spawn(cmd)
            .with_context(|| format!("starting the server {}", self.bin.display()))?;
        let stdout = group.child_mut().stdout.take().expect("piped");
        let stderr = group.child_mut().stderr.take().expect("piped");

        let (tx, rx) = mpsc::channel();
        forward_lines(stdout, "server", self.log.clone(), move |line| {
            if let Some(url) = line.strip_prefix(LISTENING) {
                let _ = tx.send(url.trim().to_string());
                true
            } else {
                false
            }
        });
        forward_lines(stderr, "server", self.log.clone(), |_| false);

        let base = match rx.recv_timeout(START_TIMEOUT) {
            Ok(url) => url,
            Err(mpsc::RecvTimeoutError::Timeout) => bail!(
                "the server did not print `{LISTENING}...` within {START_TIMEOUT:?}; its log:\n{}",
                self.log_tail().join("\n")
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = group.child_mut().wait().ok();
                std::thread::sleep(Duration::from_millis(50));
                bail!(
                    "the server exited ({}) before listening; its log:\n{}",
                    status.map_or("?".to_string(), |s| s.to_string()),
                    self.log_tail().join("\n")
                )
            }
        };
        self.port = base
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches('/').parse().ok())
            .with_context(|| format!("no port in the listening line's URL `{base}`"))?;
        self.base = base.trim_end_matches('/').to_string();
        self.group = Some(group);
        Ok(())
    }
}

/// Reads lines on a thread: those `take` does not claim are kept (the last 500) for
/// [`Server::log_tail`], which [`crate::run`] prints when a test fails, and echoed to stderr when
/// `KOERSBORD_E2E_LOG` is set.
fn forward_lines(
    from: impl Read + Send + 'static,
    label: &'static str,
    keep: Arc<Mutex<VecDeque<String>>>,
    mut take: impl FnMut(&str) -> bool + Send + 'static,
) {
    let echo = std::env::var_os("KOERSBORD_E2E_LOG").is_some();
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            if take(&line) {
                continue;
            }
            if echo {
                eprintln!("[{label}] {line}");
            }
            if let Ok(mut keep) = keep.lock() {
                if keep.len() == 500 {
                    keep.pop_front();
                }
                keep.push_back(line);
            }
        }
    });
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
