//! A real PostgreSQL for tests and for the loopback cluster: Debian's server binaries, a fresh data
//! directory (`initdb`) in a temporary directory, `postgres` listening on a free port of 127.0.0.1
//! only (no Unix socket). It stops when its handle is dropped, and also when the process that
//! started it dies in any way (`PR_SET_PDEATHSIG`), so a failed test run leaves no server behind.
//!
//! Postgres refuses to run as root; as root the data directory is given to Debian's `postgres` user
//! and the server runs as that user.

use anyhow::{Context, Result, bail};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The role every test database belongs to (a trust login on loopback only).
pub const USER: &str = "koersbord";

/// A running PostgreSQL on its own data directory.
pub struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    owner: Option<(u32, u32)>,
    child: Option<Child>,
}

impl Postgres {
    /// Makes a data directory and starts a server on it. Takes a few seconds (`initdb`).
    pub fn start() -> Result<Postgres> {
        let bin = bin_dir()?;
        clear_stale();
        let dir = tempfile::Builder::new()
            .prefix("koersbord-pg-")
            .tempdir()
            .context("cannot make a temporary directory for PostgreSQL")?;
        std::fs::write(dir.path().join("owner.pid"), std::process::id().to_string())?;
        let owner = postgres_user()?;
        let data = dir.path().join("data");
        std::fs::create_dir(&data)?;
        if let Some((uid, gid)) = owner {
            chown(dir.path(), uid, gid)?;
            chown(&data, uid, gid)?;
        }
        let mut initdb = Command::new(bin.join("initdb"));
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C"])
            .args(["--no-sync", "--no-instructions"]);
        as_owner(&mut initdb, owner);
        let out = initdb.output().context("cannot run initdb")?;
        if !out.status.success() {
            bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let mut pg = Postgres {
            bin,
            dir,
            port: free_port()?,
            owner,
            child: None,
        };
        pg.run()?;
        Ok(pg)
    }

    /// One server for the whole test process, started on first use.
    pub fn shared() -> &'static Postgres {
        static SHARED: OnceLock<Postgres> = OnceLock::new();
        SHARED.get_or_init(|| Postgres::start().expect("cannot start PostgreSQL for the tests"))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The address of database `db` on this server.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{db}", self.port)
    }

    /// A new empty database with a name no other caller in this process gets; its address.
    pub fn fresh_database(&self, prefix: &str) -> Result<String> {
        static NEXT: Mutex<u32> = Mutex::new(0);
        let n = {
            let mut next = NEXT.lock().unwrap_or_else(|e| e.into_inner());
            *next += 1;
            *next
        };
        let name = format!("{prefix}_{n}");
        let out = Command::new(self.bin.join("createdb"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", USER])
            .arg(&name)
            .output()
            .context("cannot run createdb")?;
        if !out.status.success() {
            bail!("createdb failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(self.url(&name))
    }

    /// Kills the server at once (SIGKILL), as a crashed or unplugged database looks to its clients.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // The postmaster's children notice their parent is gone and exit; wait for the port.
        let until = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).is_ok() && Instant::now() < until
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server cleanly (a fast shutdown: open transactions roll back).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: signalling our own child, which `wait` has not reaped yet.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
            let until = Instant::now() + Duration::from_secs(10);
            while Instant::now() < until {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same data and port (after [`kill`](Self::kill) or
    /// [`stop`](Self::stop)).
    pub fn restart(&mut self) -> Result<()> {
        if self.child.is_none() {
            self.run()?;
        }
        Ok(())
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&mut self) -> Result<()> {
        // A killed server leaves its pid file; postgres checks whether that pid still runs it.
        let mut cmd = Command::new(self.bin.join("postgres"));
        cmd.arg("-D")
            .arg(self.data_dir())
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-c", "unix_socket_directories="])
            // Only an OS crash needs fsync; commits still wait for their WAL write, so a killed
            // server loses nothing it acknowledged.
            .args(["-c", "fsync=off", "-c", "full_page_writes=off"])
            .args(["-c", "max_connections=300", "-c", "shared_buffers=64MB"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(self.dir.path().join("postgres.log"))?);
        as_owner(&mut cmd, self.owner);
        let child = spawn_kept(cmd)?;
        self.child = Some(child);
        self.wait_ready()
    }

    fn wait_ready(&mut self) -> Result<()> {
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return Ok(());
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                let log = std::fs::read_to_string(self.dir.path().join("postgres.log"))
                    .unwrap_or_default();
                bail!("postgres exited with {status}: {log}");
            }
            if Instant::now() > until {
                bail!("postgres did not accept connections within 30 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The newest PostgreSQL server binaries Debian installed (`/usr/lib/postgresql/<major>/bin`).
pub fn bin_dir() -> Result<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context(
            "PostgreSQL is not installed: apt-get install postgresql (cargo xtask test does it)",
        )?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((major, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .context("no PostgreSQL server binaries under /usr/lib/postgresql")
}

/// As root: Debian's `postgres` user (uid, gid), who runs the server. Otherwise nobody: we do.
fn postgres_user() -> Result<Option<(u32, u32)>> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    let name = c"postgres";
    // SAFETY: a valid C string; the returned record is read before any other getpw* call.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    if pw.is_null() {
        bail!("running as root, but there is no `postgres` user to run PostgreSQL as");
    }
    // SAFETY: non-null, so it points to a passwd record.
    let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
    Ok(Some((uid, gid)))
}

fn chown(path: &Path, uid: u32, gid: u32) -> Result<()> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid))
        .with_context(|| format!("cannot give {} to the postgres user", path.display()))
}

fn as_owner(cmd: &mut Command, owner: Option<(u32, u32)>) {
    use std::os::unix::process::CommandExt;
    if let Some((uid, gid)) = owner {
        cmd.uid(uid).gid(gid);
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

/// Spawns `cmd` from a thread that lives as long as this process, with a parent-death signal: the
/// kernel sends it when the spawning *thread* ends, so spawning from a test's own thread would
/// stop the server when that test finishes. The signal is set after the uid change (which would
/// clear it), in the child, before exec. Public for the loopback cluster's hubs and proxy.
pub fn spawn_kept(cmd: Command) -> Result<Child> {
    spawn_kept_with(cmd, libc::SIGINT)
}

/// [`spawn_kept`] with another parent-death signal: SIGKILL for a child that may be stopped
/// (SIGSTOP) when we die, since a stopped process never acts on any other signal.
pub fn spawn_kept_with(mut cmd: Command, signal: i32) -> Result<Child> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    use std::os::unix::process::CommandExt;
    type Request = (Command, mpsc::Sender<std::io::Result<Child>>);
    static KEEPER: OnceLock<Mutex<mpsc::Sender<Request>>> = OnceLock::new();
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, signal) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The keeper may have died before the prctl: then nobody would ever stop us.
            if libc::getppid() == 1 {
                return Err(std::io::Error::other("the starting process is gone"));
            }
            Ok(())
        });
    }
    let keeper = KEEPER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Request>();
        std::thread::Builder::new()
            .name("pgtest-keeper".into())
            .spawn(move || {
                for (mut cmd, answer) in rx {
                    let _ = answer.send(cmd.spawn());
                }
            })
            .expect("cannot start the keeper thread");
        Mutex::new(tx)
    });
    let (answer, child) = mpsc::channel();
    keeper
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send((cmd, answer))
        .context("the keeper thread is gone")?;
    child
        .recv()
        .context("the keeper thread is gone")?
        .with_context(|| format!("cannot start {program}"))
}

/// Data directories of earlier runs whose process is gone (a run that was killed skips `Drop`).
fn clear_stale() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        let is_ours = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with("koersbord-pg-"));
        if !is_ours {
            continue;
        }
        let owner: Option<i32> = std::fs::read_to_string(path.join("owner.pid"))
            .ok()
            .and_then(|s| s.trim().parse().ok());
        // SAFETY: signal 0 only checks that the process exists.
        let alive = owner.is_some_and(|pid| unsafe { libc::kill(pid, 0) } == 0);
        if !alive {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}
