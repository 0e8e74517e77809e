//! Starting and stopping the cluster's processes: PostgreSQL (pgtest), the hubs (the real server
//! binary) and HAProxy, all on 127.0.0.1, all children of this process that die with it.

use crate::haproxy;
use anyhow::{Context, Result, bail};
use koersbord_pgtest::{Postgres, spawn_kept_with};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What to start.
#[derive(Clone, Debug)]
pub struct ClusterOptions {
    pub hubs: usize,
    /// The server binary (`target/debug/koersbord`).
    pub bin: PathBuf,
    /// HAProxy (`/usr/sbin/haproxy`).
    pub haproxy: PathBuf,
}

impl ClusterOptions {
    pub fn new(hubs: usize, bin: PathBuf) -> ClusterOptions {
        ClusterOptions {
            hubs,
            bin,
            haproxy: "/usr/sbin/haproxy".into(),
        }
    }
}

struct Hub {
    port: u16,
    child: Option<Child>,
}

/// A running cluster. Dropping it stops every process.
pub struct Cluster {
    opts: ClusterOptions,
    // Dropped after the hubs and the proxy (fields drop in order; `Drop` stops those first).
    pg: Postgres,
    database_url: String,
    dir: tempfile::TempDir,
    hubs: Vec<Hub>,
    front: u16,
    proxy: Option<Child>,
}

impl Cluster {
    /// Starts PostgreSQL, the hubs (each healthy) and the proxy (accepting).
    pub fn start(opts: ClusterOptions) -> Result<Cluster> {
        if !opts.bin.is_file() {
            bail!(
                "no server binary at {} (nice -n 15 cargo build -p koersbord-server --bin koersbord)",
                opts.bin.display()
            );
        }
        let pg = Postgres::start()?;
        let database_url = pg.fresh_database("cluster")?;
        // KOERSBORD_CLUSTER_KEEP=1 keeps the logs and the proxy's config for a look afterwards.
        let dir = tempfile::Builder::new()
            .prefix("koersbord-cluster-")
            .disable_cleanup(std::env::var_os("KOERSBORD_CLUSTER_KEEP").is_some())
            .tempdir()?;
        let mut cluster = Cluster {
            hubs: Vec::new(),
            front: free_port()?,
            proxy: None,
            opts,
            pg,
            database_url,
            dir,
        };
        for _ in 0..cluster.opts.hubs {
            cluster.hubs.push(Hub {
                port: free_port()?,
                child: None,
            });
        }
        for i in 0..cluster.hubs.len() {
            cluster.spawn_hub(i)?;
        }
        for i in 0..cluster.hubs.len() {
            cluster.wait_healthy(i)?;
        }
        std::fs::write(
            cluster.proxy_config(),
            haproxy::config(cluster.front, &cluster.hub_ports()),
        )?;
        cluster.spawn_proxy()?;
        // The proxy's first checks must pass before it routes by room (rise 2 × 300 ms).
        std::thread::sleep(Duration::from_millis(800));
        Ok(cluster)
    }

    /// `http://127.0.0.1:PORT`, the proxy's frontend.
    pub fn front_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.front)
    }

    pub fn front_addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.front))
    }

    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// The database itself, to kill or stop it (`storage_unavailable` on every hub).
    pub fn postgres(&mut self) -> &mut Postgres {
        &mut self.pg
    }

    pub fn hubs(&self) -> usize {
        self.hubs.len()
    }

    pub fn hub_ports(&self) -> Vec<u16> {
        self.hubs.iter().map(|h| h.port).collect()
    }

    /// Where the processes' logs are (`hub-N.log`, `haproxy.log`).
    pub fn log_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn hub_log(&self, i: usize) -> PathBuf {
        self.dir
            .path()
            .join(format!("{}.log", haproxy::hub_name(i)))
    }

    /// SIGKILL: the hub vanishes without a goodbye, as on a crashed machine.
    pub fn kill_hub(&mut self, i: usize) {
        if let Some(mut child) = self.hubs[i].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts hub `i` again on its port with its id, and waits until it is healthy.
    pub fn restart_hub(&mut self, i: usize) -> Result<()> {
        if self.hubs[i].child.is_none() {
            self.spawn_hub(i)?;
        }
        self.wait_healthy(i)
    }

    /// SIGSTOP: the hub keeps its sockets and its lease rows but does nothing (a long GC pause, a
    /// frozen VM): the case fencing tokens exist for.
    pub fn pause_hub(&self, i: usize) {
        self.signal_hub(i, libc::SIGSTOP);
    }

    pub fn resume_hub(&self, i: usize) {
        self.signal_hub(i, libc::SIGCONT);
    }

    /// Stops HAProxy and starts it again on the same port (every tunnel through it is cut).
    pub fn restart_proxy(&mut self) -> Result<()> {
        if let Some(mut child) = self.proxy.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.spawn_proxy()
    }

    fn signal_hub(&self, i: usize, signal: i32) {
        if let Some(child) = &self.hubs[i].child {
            // SAFETY: signalling our own child, not reaped yet (we hold its `Child`).
            unsafe { libc::kill(child.id() as i32, signal) };
        }
    }

    fn proxy_config(&self) -> PathBuf {
        self.dir.path().join("haproxy.cfg")
    }

    fn log_file(&self, name: &str) -> Result<std::fs::File> {
        // Appended: a restarted hub's log follows its earlier life's.
        Ok(std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join(name))?)
    }

    fn spawn_hub(&mut self, i: usize) -> Result<()> {
        let name = haproxy::hub_name(i);
        let mut cmd = Command::new(&self.opts.bin);
        cmd.args(["--bind", "127.0.0.1", "--port"])
            .arg(self.hubs[i].port.to_string())
            .args(["--database-url", &self.database_url, "--hub-id", &name])
            // Every client comes from 127.0.0.1 through the proxy: the per-address limits would
            // count the whole load as one person.
            .args([
                "--sessions-per-hour",
                "1000000",
                "--sessions-burst",
                "100000",
            ])
            .args(["--max-sockets-per-address", "100000"])
            .args(["--dist", "/nonexistent/koersbord-dist"])
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(self.log_file(&format!("{name}.log"))?)
            .stderr(self.log_file(&format!("{name}.log"))?);
        // SIGKILL if we die: a hub we paused would never act on a gentler signal.
        self.hubs[i].child = Some(spawn_kept_with(cmd, libc::SIGKILL)?);
        Ok(())
    }

    fn spawn_proxy(&mut self) -> Result<()> {
        let check = Command::new(&self.opts.haproxy)
            .arg("-c")
            .arg("-f")
            .arg(self.proxy_config())
            .output()
            .with_context(|| format!("cannot run {}", self.opts.haproxy.display()))?;
        if !check.status.success() {
            bail!(
                "haproxy refuses its config: {}{}",
                String::from_utf8_lossy(&check.stdout),
                String::from_utf8_lossy(&check.stderr)
            );
        }
        let mut cmd = Command::new(&self.opts.haproxy);
        // -db: foreground, no daemon, so it is our child and dies with us.
        cmd.arg("-db")
            .arg("-f")
            .arg(self.proxy_config())
            .stdin(Stdio::null())
            .stdout(self.log_file("haproxy.log")?)
            .stderr(self.log_file("haproxy.log")?);
        // SIGKILL if we die: HAProxy outlives a SIGINT from the parent-death signal (seen here).
        self.proxy = Some(spawn_kept_with(cmd, libc::SIGKILL)?);
        let until = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(self.front_addr()).is_err() {
            if let Some(child) = self.proxy.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                let log = std::fs::read_to_string(self.dir.path().join("haproxy.log"))
                    .unwrap_or_default();
                bail!("haproxy exited with {status}: {log}");
            }
            if Instant::now() > until {
                bail!("haproxy did not listen within 10 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    fn wait_healthy(&mut self, i: usize) -> Result<()> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.hubs[i].port));
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            if healthz(addr) {
                return Ok(());
            }
            if let Some(child) = self.hubs[i].child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                let log = std::fs::read_to_string(self.hub_log(i)).unwrap_or_default();
                bail!("{} exited with {status}: {log}", haproxy::hub_name(i));
            }
            if Instant::now() > until {
                bail!("{} not healthy within 30 s", haproxy::hub_name(i));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(mut child) = self.proxy.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        for i in 0..self.hubs.len() {
            // SIGKILL ends a stopped process too; the SIGCONT only spares a surprise in `wait`.
            self.resume_hub(i);
            self.kill_hub(i);
        }
        // `self.pg` stops in its own Drop, after the hubs are gone.
    }
}

/// `GET /healthz` answers `ok`.
pub fn healthz(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(300)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    let req = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if s.write_all(req.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200") && answer.trim_end().ends_with("ok")
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}
