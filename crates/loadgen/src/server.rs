//! Starting the real `koersbord` binary for a run, with the per-address caps raised: every socket
//! of a loopback load test comes from 127.0.0.1.

use anyhow::{Context, Result, anyhow, bail};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const LISTENING: &str = "koersbord listening on http://";

/// The flags a loopback load test needs, besides `--port` and `--db`: the per-address socket cap
/// and the session-creation limit raised far above what one run uses.
pub fn load_test_flags(rooms: usize) -> Vec<String> {
    let sockets = (rooms * 12 + 100).max(64);
    let sessions = (rooms * 2 + 10).max(5);
    vec![
        "--max-sockets-per-address".into(),
        sockets.to_string(),
        "--sessions-per-hour".into(),
        (sessions * 10).to_string(),
        "--sessions-burst".into(),
        sessions.to_string(),
    ]
}

/// A `koersbord` child on a free loopback port with its own database; stopped (SIGTERM, then
/// SIGKILL) when dropped.
pub struct Spawned {
    child: Child,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Spawned {
    /// Starts `bin` with `--bind 127.0.0.1 --port 0`, a fresh database and `extra` flags, and waits
    /// for its start-up line.
    pub fn start(bin: &Path, extra: &[String]) -> Result<Spawned> {
        Spawned::start_on(bin, extra, &[])
    }

    /// [`Spawned::start`], with the server bound to `cpus` (none: wherever this process may run), so
    /// that its own cost shows apart from the load generator's. Its runtime sizes itself to them.
    pub fn start_on(bin: &Path, extra: &[String], cpus: &[usize]) -> Result<Spawned> {
        let dir = tempfile::Builder::new()
            .prefix("koersbord-loadgen-")
            .tempdir()?;
        let mut command = Command::new(bin);
        command
            .args(["--bind", "127.0.0.1", "--port", "0", "--dist"])
            .arg(dir.path().join("no-dist"))
            .arg("--db")
            .arg(dir.path().join("load.sqlite3"))
            .args(extra)
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or("warn".into()),
            );
        Spawned::launch(command, LISTENING, cpus, dir)
            .with_context(|| format!("starting {}", bin.display()))
    }

    /// Starts a peer relay (`command` with the port, 0, as its last argument) on `cpus`, and waits
    /// for its first line, `<listening> <address>`.
    pub fn start_peer(mut command: Command, listening: &str, cpus: &[usize]) -> Result<Spawned> {
        let dir = tempfile::Builder::new()
            .prefix("koersbord-loadgen-peer-")
            .tempdir()?;
        command.arg("0");
        Spawned::launch(command, listening, cpus, dir)
    }

    fn launch(
        mut command: Command,
        listening: &str,
        cpus: &[usize],
        dir: tempfile::TempDir,
    ) -> Result<Spawned> {
        let log = std::fs::File::create(dir.path().join("server.log"))?;
        if !cpus.is_empty() {
            let set = cpu_set(cpus)?;
            // SAFETY: the closure runs in the child between fork and exec and only makes one
            // system call on a set built beforehand: nothing allocates or takes a lock.
            unsafe {
                command.pre_exec(move || {
                    let size = std::mem::size_of::<libc::cpu_set_t>();
                    if libc::sched_setaffinity(0, size, &set) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()?;
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep draining so the server never blocks on a full pipe.
            let mut sink = String::new();
            while reader.read_line(&mut sink).unwrap_or(0) > 0 {
                sink.clear();
            }
        });
        let mut spawned = Spawned {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            _dir: dir,
        };
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| anyhow!("the server did not announce its address within 30 s"))?;
        let addr: SocketAddr = line
            .trim_end()
            .strip_prefix(listening)
            .ok_or_else(|| anyhow!("unexpected first line from the server: {line:?}"))?
            .parse()?;
        crate::check_loopback(addr.ip())?;
        spawned.addr = addr;
        Ok(spawned)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("server.log")).unwrap_or_default()
    }
}

/// A CPU set for `sched_setaffinity`.
fn cpu_set(cpus: &[usize]) -> Result<libc::cpu_set_t> {
    // SAFETY: an all-zero `cpu_set_t` is the empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for &cpu in cpus {
        if cpu >= libc::CPU_SETSIZE as usize {
            bail!("no CPU {cpu}");
        }
        // SAFETY: `cpu` is within the set's size (checked above).
        unsafe { libc::CPU_SET(cpu, &mut set) };
    }
    Ok(set)
}

impl Drop for Spawned {
    fn drop(&mut self) {
        // SAFETY: signalling our own child by its pid.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The workspace root (this crate lives in `crates/loadgen/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/loadgen lies two below the root")
        .to_path_buf()
}

/// The server binary for tests: `KOERSBORD_BIN`, else `target/<profile>/koersbord` built now with
/// cargo (`release` true for `--release`), so it is never stale.
pub fn server_bin(release: bool) -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("KOERSBORD_BIN") {
        return Ok(bin.into());
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--quiet",
        "-p",
        "koersbord-server",
        "--bin",
        "koersbord",
    ]);
    if release {
        cmd.arg("--release");
    }
    let status = cmd
        .current_dir(workspace_root())
        .status()
        .context("could not run cargo to build the server")?;
    if !status.success() {
        bail!("building the server failed ({status})");
    }
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    };
    let bin = target
        .join(if release { "release" } else { "debug" })
        .join("koersbord");
    if !bin.is_file() {
        bail!("{} is missing after building the server", bin.display());
    }
    Ok(bin)
}
