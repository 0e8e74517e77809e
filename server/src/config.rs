//! How the server is started: command-line flags (each with an environment variable) plus tuning
//! knobs that only tests change, so a test can shorten a deadline instead of waiting it out.

use crate::logging::LogFormat;
use clap::Parser;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// The koersbord server: live rooms over WebSocket, and the built client. Without a command it
/// serves.
#[derive(Clone, Debug, Parser)]
#[command(name = "koersbord", version, about)]
pub struct Config {
    #[command(subcommand)]
    pub command: Option<Task>,

    /// Address to listen on.
    #[arg(long, global = true, env = "KOERSBORD_BIND", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,

    /// Port to listen on; 0 picks a free one (the start-up line tells which).
    #[arg(long, global = true, env = "KOERSBORD_PORT", default_value_t = 8080)]
    pub port: u16,

    /// Directory of the built client (index.html, wasm, js, with `.br` and `.gz` twins). Without
    /// it: the client built into this binary (`cargo xtask dist`), else `dist/`.
    #[arg(long, env = "KOERSBORD_DIST")]
    pub dist: Option<PathBuf>,

    /// Extra origins allowed to open a WebSocket (e.g. `https://board.example.org`), besides the
    /// server's own host. Needed behind a proxy that rewrites the Host header.
    #[arg(
        long = "allow-origin",
        env = "KOERSBORD_ALLOW_ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,

    /// The SQLite file that keeps every session; created if missing. Default: `koersbord.sqlite3`
    /// beside the executable.
    #[arg(
        long,
        global = true,
        env = "KOERSBORD_DB",
        conflicts_with = "database_url"
    )]
    pub db: Option<PathBuf>,

    /// Keep sessions in PostgreSQL instead of SQLite, e.g.
    /// `postgres://koersbord:secret@db.example.org/koersbord` (the schema is made on first use).
    /// For several servers sharing their sessions. `backup` and `check` work on SQLite only.
    #[arg(long = "database-url", global = true, env = "KOERSBORD_DATABASE_URL")]
    pub database_url: Option<String>,

    /// With `--database-url`: at most this many connections to PostgreSQL from this server (1 to
    /// 100). Servers sharing one database together stay under its `max_connections` (100 by
    /// default), with room left for maintenance.
    #[arg(
        long = "database-pool",
        global = true,
        env = "KOERSBORD_DATABASE_POOL",
        default_value_t = crate::store::postgres::DEFAULT_POOL_SIZE,
        value_parser = clap::value_parser!(u32).range(1..=100)
    )]
    pub database_pool: u32,

    /// This server's name among the servers sharing one PostgreSQL: the owner written on the
    /// leases of the rooms it holds. Keep it the same across restarts (a restarted server takes
    /// its own rooms back at once). Default: the host name and the port.
    #[arg(long = "hub-id", env = "KOERSBORD_HUB_ID")]
    pub hub_id: Option<String>,

    /// Addresses of reverse proxies in front of this server (e.g. `127.0.0.1`). A request from one
    /// of them is counted against the client address in its `X-Forwarded-For` header rather than
    /// the proxy's, for the per-address limits. Without this, the header is ignored: anyone could
    /// write it.
    #[arg(
        long = "trusted-proxy",
        env = "KOERSBORD_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpAddr>,

    /// Address and port (e.g. `127.0.0.1:9090`) of a second listener that serves only
    /// `GET /metrics` in the Prometheus text format. Off without it. Keep it off the public
    /// network: the public port never serves metrics.
    #[arg(long = "metrics-bind", env = "KOERSBORD_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,

    /// How logs (on stderr) are written: `text` for people, `json` (one object per line) for a
    /// log collector.
    #[arg(long = "log-format", env = "KOERSBORD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// The organisation that runs this server, named on the privacy page (e.g. `Zorggroep
    /// Voorbeeld`). Empty: the page speaks of "the organisation".
    #[arg(long = "org-name", env = "KOERSBORD_ORG_NAME", default_value = "")]
    pub org_name: String,

    /// Who to ask about stored data or to have it removed, shown on the privacy page (an e-mail
    /// address, a phone number or a department).
    #[arg(
        long = "privacy-contact",
        env = "KOERSBORD_PRIVACY_CONTACT",
        default_value = ""
    )]
    pub privacy_contact: String,

    #[command(flatten)]
    pub tuning: Tuning,
}

/// What the binary does besides serving; each works on the same `--db` as the server.
#[derive(Clone, Debug, PartialEq, Eq, clap::Subcommand)]
pub enum Task {
    /// Serve the board (what no command does too).
    Serve,
    /// Copy the database to a new file while the server runs: one consistent snapshot.
    Backup {
        /// The new file; it must not exist yet.
        #[arg(long)]
        to: PathBuf,
    },
    /// Check the database: SQLite's integrity check, and every session replayed to a sound
    /// state. Exits non-zero on any problem; changes nothing.
    Check,
    /// Ask the server on `--bind`/`--port` whether it answers (`/healthz`): exit 0 if so. For a
    /// container's health check, which has no curl.
    Healthcheck,
}

impl Config {
    /// Where the client comes from: `--dist`, else what this binary carries, else `dist/`.
    pub fn client(&self) -> crate::http::ClientSource {
        crate::http::ClientSource::choose(self.dist.as_deref())
    }

    /// Where the database lives: `--db`, else beside the executable.
    pub fn db_path(&self) -> anyhow::Result<PathBuf> {
        match &self.db {
            Some(path) => Ok(path.clone()),
            None => crate::store::default_path(),
        }
    }
}

impl Default for Config {
    /// The same values as the command line without flags, but never read from the environment.
    fn default() -> Self {
        Config {
            command: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            dist: None,
            allow_origins: Vec::new(),
            db: None,
            database_url: None,
            database_pool: crate::store::postgres::DEFAULT_POOL_SIZE,
            hub_id: None,
            trusted_proxies: Vec::new(),
            metrics_bind: None,
            log_format: LogFormat::Text,
            org_name: String::new(),
            privacy_contact: String::new(),
            tuning: Tuning::default(),
        }
    }
}

/// Limits and timings of connections. Production uses the defaults; tests shrink or widen them.
/// A few caps are also flags, so a load test on one machine (every socket from 127.0.0.1) can
/// raise them; the rest keep their defaults on the command line.
#[derive(Clone, Debug, clap::Args)]
pub struct Tuning {
    /// A new socket must say `hello` within this time.
    #[arg(skip = Tuning::default().hello_timeout)]
    pub hello_timeout: Duration,
    /// The server pings each socket this often, so proxies and NATs keep it open.
    #[arg(skip = Tuning::default().ping_interval)]
    pub ping_interval: Duration,
    /// A socket that sent nothing (no message, no pong to our ping) for this long is closed, and
    /// the room's presence changes for everyone: the line is gone.
    #[arg(skip = Tuning::default().idle_timeout)]
    pub idle_timeout: Duration,
    /// A socket whose page sent no message (not even its own ping) for this long is closed, even
    /// if the browser still answers our pings below it: the page is frozen or gone.
    #[arg(skip = Tuning::default().page_timeout)]
    pub page_timeout: Duration,
    /// Frames waiting for one connection; a connection whose queue fills is dropped.
    #[arg(skip = Tuning::default().outgoing_queue)]
    pub outgoing_queue: usize,
    /// Messages per second a connection may send on average, and in a burst.
    #[arg(skip = Tuning::default().messages_per_sec)]
    pub messages_per_sec: f64,
    #[arg(skip = Tuning::default().messages_burst)]
    pub messages_burst: f64,
    /// Drag updates per second relayed from one connection, and in a burst.
    #[arg(skip = Tuning::default().drags_per_sec)]
    pub drags_per_sec: f64,
    #[arg(skip = Tuning::default().drags_burst)]
    pub drags_burst: f64,
    /// Join-code guesses per minute from one IP address (also the burst).
    #[arg(skip = Tuning::default().join_codes_per_min)]
    pub join_codes_per_min: f64,
    /// Days a join code finds its session after the session was created; 0 turns codes off. The
    /// join link keeps working. Fewer live codes make guessing one slower (docs/SECURITY.md).
    #[arg(long = "join-code-days", env = "KOERSBORD_JOIN_CODE_DAYS", default_value_t = Tuning::default().join_code_days)]
    pub join_code_days: u32,
    /// Days a session is kept after its last change; then it is deleted with everything it
    /// holds (checked at start and daily). 0 keeps sessions forever.
    #[arg(long = "retention-days", env = "KOERSBORD_RETENTION_DAYS", default_value_t = Tuning::default().retention_days)]
    pub retention_days: u32,
    /// Sessions one client address may create per hour on average, and in a burst.
    #[arg(long = "sessions-per-hour", env = "KOERSBORD_SESSIONS_PER_HOUR", default_value_t = Tuning::default().sessions_per_hour)]
    pub sessions_per_hour: f64,
    /// Sessions one client address may create at once.
    #[arg(long = "sessions-burst", env = "KOERSBORD_SESSIONS_BURST", default_value_t = Tuning::default().sessions_burst)]
    pub sessions_burst: f64,
    /// Open WebSockets to one room. Join-link sockets are refused from this many on; the
    /// facilitator's and the screen's get a few more (see `ws::ORGANISER_RESERVE`), so people with
    /// the join link cannot lock the organisers out.
    #[arg(long = "max-sockets-per-room", env = "KOERSBORD_MAX_SOCKETS_PER_ROOM", default_value_t = Tuning::default().room_connections)]
    pub room_connections: usize,
    /// Open WebSockets from one client address (an IPv6 /64) across the server, hello or not.
    #[arg(long = "max-sockets-per-address", env = "KOERSBORD_MAX_SOCKETS_PER_ADDRESS", default_value_t = Tuning::default().address_connections)]
    pub address_connections: usize,
    /// Milliseconds a room gathers drags for protocol-2 clients before sending each of them one
    /// frame with all of them (the first after a quiet spell goes at once). 0: no gathering beyond
    /// one round of the room's messages.
    #[arg(long = "drag-tick-ms", env = "KOERSBORD_DRAG_TICK_MS", default_value_t = Tuning::default().drag_tick_ms)]
    pub drag_tick_ms: u64,
    /// How long shutdown waits for sockets to say goodbye.
    #[arg(skip = Tuning::default().shutdown_grace)]
    pub shutdown_grace: Duration,
    /// A room nobody is connected to is unloaded from memory after this long; the store keeps it
    /// and the next hello loads it again.
    #[arg(skip = Tuning::default().room_idle)]
    pub room_idle: Duration,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            hello_timeout: Duration::from_secs(10),
            // Our client sends a `ping` every 2 s (frontend connection.rs); ours keep proxies from
            // closing a quiet socket. A frame each way every 2 s per socket is nothing for 8–20
            // sockets a room.
            ping_interval: Duration::from_secs(2),
            // Three beats missed: a line that is gone (a phone in a lift, the socket never closed)
            // is closed and shown grey on every screen within ~6 s, under the 10 s a room can
            // bear; a link that stalls for a beat or two (a Wi-Fi hand-over) keeps its socket.
            idle_timeout: Duration::from_secs(6),
            // Chrome runs a hidden tab's repeating timers once a minute after a while (intensive
            // wake-up throttling), so a background tab pings only that often: 75 s keeps it.
            page_timeout: Duration::from_secs(75),
            outgoing_queue: 256,
            // 60 drags a second plus commands and pings, with room for a burst after a stall.
            messages_per_sec: 120.0,
            messages_burst: 240.0,
            drags_per_sec: 60.0,
            drags_burst: 15.0,
            join_codes_per_min: 10.0,
            // Sessions are prepared days or a few weeks ahead; the code is typed on the day.
            join_code_days: 30,
            // A year: long enough to look back at last year's session before the next one, short
            // enough that names and ratings do not pile up for good (AVG: no longer than needed).
            retention_days: 365,
            // Enough for a facilitator preparing a day of workshops; a script filling the disk
            // gets 20 an hour.
            sessions_per_hour: 20.0,
            sessions_burst: 5.0,
            // 8 participants on two devices each, two facilitator devices, a projector and a few
            // spare: 24. The organisers' reserve comes on top.
            room_connections: 24,
            // A whole meeting room may share one NAT address: several rooms' worth.
            address_connections: 64,
            drag_tick_ms: crate::room::drags::DEFAULT_TICK.as_millis() as u64,
            shutdown_grace: Duration::from_secs(3),
            // Long enough to outlast a coffee break with the laptop shut, short enough that a day
            // of sessions does not pile up in memory.
            room_idle: Duration::from_secs(15 * 60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_pool_is_a_flag_from_1_to_100() {
        let parse = |extra: &[&str]| {
            Config::try_parse_from(
                ["koersbord", "--database-url", "postgres://h/db"]
                    .iter()
                    .chain(extra),
            )
        };
        assert_eq!(parse(&[]).unwrap().database_pool, 10);
        assert_eq!(parse(&["--database-pool", "4"]).unwrap().database_pool, 4);
        for refused in ["0", "101", "many"] {
            let e = parse(&["--database-pool", refused]).expect_err(refused);
            assert!(e.to_string().contains("--database-pool"), "{e}");
        }
    }

    #[test]
    fn flags_parse() {
        // Explicit flags win over the environment, so this holds wherever the tests run.
        let c = Config::try_parse_from([
            "koersbord",
            "--bind",
            "0.0.0.0",
            "--port",
            "0",
            "--dist",
            "/srv/dist",
            "--allow-origin",
            "https://a.example,https://b.example",
            "--db",
            "/var/lib/koersbord/db.sqlite3",
            "--trusted-proxy",
            "127.0.0.1,::1",
        ])
        .unwrap();
        assert_eq!(c.port, 0);
        assert_eq!(c.bind.to_string(), "0.0.0.0");
        assert_eq!(c.dist, Some(PathBuf::from("/srv/dist")));
        assert_eq!(c.allow_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(
            c.db_path().unwrap(),
            PathBuf::from("/var/lib/koersbord/db.sqlite3")
        );
        assert_eq!(
            c.trusted_proxies,
            [
                "127.0.0.1".parse::<IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
    }

    #[test]
    fn the_load_test_caps_the_join_code_life_and_retention_are_flags_and_the_rest_keep_their_defaults()
     {
        let c = Config::try_parse_from([
            "koersbord",
            "--max-sockets-per-address",
            "30000",
            "--max-sockets-per-room",
            "40",
            "--sessions-per-hour",
            "1000000",
            "--sessions-burst",
            "5000",
            "--join-code-days",
            "7",
            "--retention-days",
            "0",
            "--org-name",
            "Zorggroep Test",
            "--privacy-contact",
            "privacy@example.org",
        ])
        .unwrap();
        assert_eq!(c.tuning.address_connections, 30000);
        assert_eq!(c.tuning.room_connections, 40);
        assert_eq!(c.tuning.sessions_per_hour, 1_000_000.0);
        assert_eq!(c.tuning.sessions_burst, 5000.0);
        assert_eq!(c.tuning.join_code_days, 7);
        assert_eq!(c.tuning.retention_days, 0);
        assert_eq!(c.org_name, "Zorggroep Test");
        assert_eq!(c.privacy_contact, "privacy@example.org");
        let d = Tuning::default();
        assert_eq!(d.retention_days, 365);
        assert_eq!(c.tuning.idle_timeout, d.idle_timeout);
        assert_eq!(c.tuning.messages_per_sec, d.messages_per_sec);
        assert_eq!(c.tuning.room_idle, d.room_idle);
    }

    #[test]
    fn the_maintenance_commands_take_the_database_flag_before_or_after_them() {
        let c = Config::try_parse_from([
            "koersbord",
            "backup",
            "--to",
            "/b/copy.sqlite3",
            "--db",
            "/a/db",
        ])
        .unwrap();
        assert_eq!(
            c.command,
            Some(Task::Backup {
                to: "/b/copy.sqlite3".into()
            })
        );
        assert_eq!(c.db, Some(PathBuf::from("/a/db")));
        let c = Config::try_parse_from(["koersbord", "--db", "/a/db", "check"]).unwrap();
        assert_eq!(
            (c.command, c.db),
            (Some(Task::Check), Some(PathBuf::from("/a/db")))
        );
        assert!(
            Config::try_parse_from(["koersbord", "backup"]).is_err(),
            "--to is required"
        );
        let c = Config::try_parse_from(["koersbord", "healthcheck", "--port", "9000"]).unwrap();
        assert_eq!((c.command, c.port), (Some(Task::Healthcheck), 9000));
    }

    #[test]
    fn metrics_and_the_log_format_are_flags_and_off_or_text_by_default() {
        let c = Config::try_parse_from([
            "koersbord",
            "--metrics-bind",
            "127.0.0.1:9090",
            "--log-format",
            "json",
        ])
        .unwrap();
        assert_eq!(c.metrics_bind, Some("127.0.0.1:9090".parse().unwrap()));
        assert_eq!(c.log_format, LogFormat::Json);
        let ipv6 = Config::try_parse_from(["koersbord", "--metrics-bind", "[::1]:0"]).unwrap();
        assert_eq!(ipv6.metrics_bind, Some("[::1]:0".parse().unwrap()));
        // A port is required: a bare address would leave the scraper guessing.
        assert!(Config::try_parse_from(["koersbord", "--metrics-bind", "127.0.0.1"]).is_err());
        assert!(Config::try_parse_from(["koersbord", "--log-format", "xml"]).is_err());
        let d = Config::default();
        assert_eq!(d.metrics_bind, None);
        assert_eq!(d.log_format, LogFormat::Text);
    }

    #[test]
    fn the_database_defaults_to_the_executables_directory() {
        let path = Config::default().db_path().unwrap();
        let exe = std::env::current_exe().unwrap();
        assert_eq!(path.parent(), exe.parent());
        assert_eq!(path.file_name().unwrap(), "koersbord.sqlite3");
    }
}
