//! Load generator for koersbord: many rooms of simulated people over the real protocol, on
//! loopback only. docs/PERFORMANCE.md explains what is measured and how.
//!
//! Each room gets a session over HTTP, a facilitator socket that moves to the drives step, a
//! shared screen and 8 participants (4 per side). Then, for the run, `draggers` participants per
//! room drag one of their drive dots at `drag_hz` and drop it (`place_drive`) every few seconds;
//! everyone else idles (reads, answers pings).
//!
//! Relay latency: a drag's `x` carries its sequence number, `x = seq / 2^20`, exact in an `f32`
//! and therefore exact through the server's JSON. The sender notes the send time per
//! (participant, seq) in a ring shared within this process; every other socket of the room that
//! receives `drag{by, x}` looks the time up by (by, seq). One clock, no skew.
//! Durable-ack latency: from sending `place_drive` to receiving its `ack` (committed to SQLite).

pub mod proc_stats;
pub mod server;

use anyhow::{Context, Result, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use koersbord_shared::protocol::{ClientMsg, PROTOCOL_VERSION, ServerMsg, SessionCreated};
use koersbord_shared::room::Command;
use koersbord_shared::{DotRef, Drive, ParticipantId, Phase, Side, Zone};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{WebSocketStream, client_async};

/// The longest run loadgen agrees to.
pub const MAX_DURATION: Duration = Duration::from_secs(600);
/// Participants per room: the method's maximum, 4 per side.
pub const PARTICIPANTS: usize = 8;
/// Slots in each sender's ring of send times: far more than drags in flight.
const RING: usize = 4096;
/// `x = seq / SEQ_SCALE`: 2^20 steps, every one exact in an `f32` (24-bit mantissa).
const SEQ_SCALE: f32 = (1u32 << 20) as f32;

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The server, `127.0.0.1`/`::1` only.
    pub addr: SocketAddr,
    pub rooms: usize,
    /// Participants per room who drag (the rest idle), 0..=8.
    pub draggers: usize,
    /// Drag updates per second per dragging participant.
    pub drag_hz: f64,
    /// How long one drag lasts before the drop (`place_drive`).
    pub drag_len: Duration,
    /// The measured run, after every room is set up.
    pub duration: Duration,
    /// Rooms being set up at once (the ramp).
    pub setup_concurrency: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            rooms: 10,
            draggers: 1,
            drag_hz: 30.0,
            drag_len: Duration::from_secs(3),
            duration: Duration::from_secs(10),
            setup_concurrency: 16,
        }
    }
}

/// Refuses any address that is not this machine's loopback.
pub fn check_loopback(ip: IpAddr) -> Result<()> {
    let ok = match ip {
        IpAddr::V4(v4) => v4 == std::net::Ipv4Addr::LOCALHOST,
        IpAddr::V6(v6) => v6 == std::net::Ipv6Addr::LOCALHOST,
    };
    if !ok {
        bail!("loadgen only targets 127.0.0.1, ::1 or localhost, not {ip}");
    }
    Ok(())
}

/// Parses `host:port`, `http://host:port` or `ws://host:port` with host 127.0.0.1, ::1 (in brackets)
/// or localhost; anything else is refused.
pub fn parse_target(target: &str) -> Result<SocketAddr> {
    let rest = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("ws://"))
        .unwrap_or(target);
    let rest = rest.trim_end_matches('/');
    let (host, port) = rest
        .rsplit_once(':')
        .ok_or_else(|| anyhow!("target {target:?} needs a port"))?;
    let port: u16 = port.parse().context("target port")?;
    let ip: IpAddr = match host {
        "localhost" => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        h => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| anyhow!("loadgen only targets 127.0.0.1, ::1 or localhost, not {h:?}"))?,
    };
    check_loopback(ip)?;
    Ok(SocketAddr::new(ip, port))
}

/// Raises this process's open-file limit to its hard limit (and, as root, to `want`), so thousands
/// of sockets fit. Children (a spawned server) inherit it. Returns the soft limit now.
pub fn raise_fd_limit(want: u64) -> u64 {
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        let target = want.max(lim.rlim_cur);
        let raised = libc::rlimit {
            rlim_cur: target,
            rlim_max: lim.rlim_max.max(target),
        };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
            return target;
        }
        let soft = libc::rlimit {
            rlim_cur: lim.rlim_max,
            rlim_max: lim.rlim_max,
        };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &soft) == 0 {
            return lim.rlim_max;
        }
        lim.rlim_cur
    }
}

/// Latency samples in microseconds.
#[derive(Clone, Debug, Default)]
pub struct Latencies {
    pub samples: Vec<u32>,
}

/// p50, p95, p99 and max in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Percentiles {
    pub count: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latencies {
    pub fn percentiles(&mut self) -> Percentiles {
        let s = &mut self.samples;
        if s.is_empty() {
            return Percentiles::default();
        }
        s.sort_unstable();
        let at = |q: f64| s[((s.len() - 1) as f64 * q).round() as usize] as f64 / 1000.0;
        Percentiles {
            count: s.len(),
            p50_ms: at(0.50),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
            max_ms: *s.last().unwrap() as f64 / 1000.0,
        }
    }
}

/// What one run saw.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub rooms: usize,
    /// Sockets open at the end of the run.
    pub sockets: usize,
    pub setup_secs: f64,
    pub run_secs: f64,
    /// Frames loadgen sent (the server's input) and received, during the run.
    pub msgs_out: u64,
    pub msgs_in: u64,
    pub drags_sent: u64,
    /// Drag relays received by the room's other sockets.
    pub drags_received: u64,
    pub relay: Percentiles,
    pub acks: Percentiles,
    pub drops: u64,
    /// `error`, `rejected`, failed setups, malformed frames.
    pub errors: u64,
    /// Sockets that closed or failed before the end.
    pub disconnects: u64,
    /// The first few errors, for the reader.
    pub error_samples: Vec<String>,
}

impl Report {
    pub fn msgs_in_per_sec(&self) -> f64 {
        self.msgs_in as f64 / self.run_secs.max(1e-9)
    }
    pub fn msgs_out_per_sec(&self) -> f64 {
        self.msgs_out as f64 / self.run_secs.max(1e-9)
    }
}

/// Counters shared by every socket task.
#[derive(Default)]
struct Totals {
    msgs_out: AtomicU64,
    msgs_in: AtomicU64,
    drags_sent: AtomicU64,
    drags_received: AtomicU64,
    drops: AtomicU64,
    errors: AtomicU64,
    disconnects: AtomicU64,
    open: AtomicU64,
    relay: Mutex<Vec<u32>>,
    acks: Mutex<Vec<u32>>,
    error_samples: Mutex<Vec<String>>,
}

impl Totals {
    fn error(&self, what: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut samples = self.error_samples.lock().unwrap();
        if samples.len() < 10 {
            samples.push(what);
        }
    }
}

/// Send times of one participant's drags: slot `seq % RING` holds `seq << 44 | micros`.
struct SendRing {
    slots: Vec<AtomicU64>,
}

impl SendRing {
    fn new() -> SendRing {
        SendRing {
            slots: (0..RING).map(|_| AtomicU64::new(u64::MAX)).collect(),
        }
    }
    fn put(&self, seq: u32, micros: u64) {
        let packed = ((seq as u64) << 44) | (micros & ((1 << 44) - 1));
        self.slots[seq as usize % RING].store(packed, Ordering::Relaxed);
    }
    fn get(&self, seq: u32) -> Option<u64> {
        let packed = self.slots[seq as usize % RING].load(Ordering::Relaxed);
        (packed != u64::MAX && (packed >> 44) as u32 == seq).then_some(packed & ((1 << 44) - 1))
    }
}

/// One room's shared send rings, by participant id.
#[derive(Default)]
struct RoomShared {
    rings: RwLock<HashMap<ParticipantId, Arc<SendRing>>>,
}

/// The phases of a run, told to every socket task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Setup,
    Run,
    Stop,
}

struct Ctx {
    opts: Options,
    epoch: Instant,
    totals: Totals,
    stage: watch::Receiver<Stage>,
}

impl Ctx {
    fn micros(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }
}

type Ws = WebSocketStream<TcpStream>;

/// Sets up `opts.rooms` rooms, runs the traffic for `opts.duration`, stops and reports.
/// `probe(true)` is called once every room is set up, right before the measured run starts, and
/// `probe(false)` right at its end, before any socket closes (to sample CPU and memory).
pub async fn run(opts: Options, mut probe: impl FnMut(bool)) -> Result<Report> {
    check_loopback(opts.addr.ip())?;
    if opts.duration > MAX_DURATION {
        bail!("--duration is at most {} s", MAX_DURATION.as_secs());
    }
    if opts.draggers > PARTICIPANTS {
        bail!("at most {PARTICIPANTS} draggers per room");
    }
    let (stage_tx, stage_rx) = watch::channel(Stage::Setup);
    let ctx = Arc::new(Ctx {
        opts: opts.clone(),
        epoch: Instant::now(),
        totals: Totals::default(),
        stage: stage_rx,
    });

    let setup_started = Instant::now();
    let ramp = Arc::new(Semaphore::new(opts.setup_concurrency.max(1)));
    let mut rooms = Vec::new();
    for i in 0..opts.rooms {
        let ctx = ctx.clone();
        let ramp = ramp.clone();
        rooms.push(tokio::spawn(async move {
            let _permit = ramp.acquire_owned().await.expect("never closed");
            setup_room(ctx, i).await
        }));
    }
    let mut sockets = Vec::new();
    for room in rooms {
        match room.await {
            Ok(Ok(tasks)) => sockets.extend(tasks),
            Ok(Err(e)) => ctx.totals.error(format!("setup: {e:#}")),
            Err(e) => ctx.totals.error(format!("setup task: {e}")),
        }
    }
    let setup_secs = setup_started.elapsed().as_secs_f64();

    // Let the last welcomes and presence settle, then count only the run.
    tokio::time::sleep(Duration::from_millis(200)).await;
    probe(true);
    let t = &ctx.totals;
    let base = (
        t.msgs_out.load(Ordering::Relaxed),
        t.msgs_in.load(Ordering::Relaxed),
    );
    let run_started = Instant::now();
    stage_tx.send_replace(Stage::Run);
    tokio::time::sleep(opts.duration).await;
    // Counted before the stop, when sockets start closing.
    let open = t.open.load(Ordering::Relaxed) as usize;
    let run_secs = run_started.elapsed().as_secs_f64();
    probe(false);
    stage_tx.send_replace(Stage::Stop);
    for s in sockets {
        let _ = tokio::time::timeout(Duration::from_secs(10), s).await;
    }
    // Each socket adds what it counted during the run when it ends.
    let msgs = (
        t.msgs_out.load(Ordering::Relaxed) - base.0,
        t.msgs_in.load(Ordering::Relaxed) - base.1,
    );

    let mut relay = Latencies {
        samples: std::mem::take(&mut *t.relay.lock().unwrap()),
    };
    let mut acks = Latencies {
        samples: std::mem::take(&mut *t.acks.lock().unwrap()),
    };
    Ok(Report {
        rooms: opts.rooms,
        sockets: open,
        setup_secs,
        run_secs,
        msgs_out: msgs.0,
        msgs_in: msgs.1,
        drags_sent: t.drags_sent.load(Ordering::Relaxed),
        drags_received: t.drags_received.load(Ordering::Relaxed),
        relay: relay.percentiles(),
        acks: acks.percentiles(),
        drops: t.drops.load(Ordering::Relaxed),
        errors: t.errors.load(Ordering::Relaxed),
        disconnects: t.disconnects.load(Ordering::Relaxed),
        error_samples: t.error_samples.lock().unwrap().clone(),
    })
}

/// The role a simulated socket plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Facilitator,
    Screen,
    Participant { index: usize, drags: bool },
}

/// Creates the session and opens its sockets; returns their running tasks.
async fn setup_room(ctx: Arc<Ctx>, index: usize) -> Result<Vec<tokio::task::JoinHandle<()>>> {
    let session = create_session(ctx.opts.addr, index).await?;
    let shared = Arc::new(RoomShared::default());
    let mut tasks = Vec::new();

    let mut fac = open_socket(&ctx, &session.room, &session.facilitator_key).await?;
    send(
        &ctx,
        &mut fac,
        &ClientMsg::Command {
            id: 1,
            command: Command::GoToPhase {
                phase: Phase::Drives,
            },
        },
    )
    .await?;
    wait_for(&ctx, &mut fac, |m| {
        matches!(m, ServerMsg::Ack { id: 1, .. })
    })
    .await?;
    tasks.push(spawn_socket(&ctx, &shared, fac, Part::Facilitator, None));

    let screen = open_socket(&ctx, &session.room, &session.screen_key).await?;
    tasks.push(spawn_socket(&ctx, &shared, screen, Part::Screen, None));

    for p in 0..PARTICIPANTS {
        let mut ws = open_socket(&ctx, &session.room, &session.join_key).await?;
        let side = if p % 2 == 0 {
            Side::Network
        } else {
            Side::Management
        };
        send(
            &ctx,
            &mut ws,
            &ClientMsg::Command {
                id: 1,
                command: Command::Join {
                    name: format!("Load {p}"),
                    side,
                },
            },
        )
        .await?;
        let mut you = None;
        wait_for(&ctx, &mut ws, |m| {
            if let ServerMsg::Joined { you: id, .. } = m {
                you = Some(*id);
            }
            matches!(m, ServerMsg::Ack { id: 1, .. })
        })
        .await?;
        let you = you.ok_or_else(|| anyhow!("ack without joined"))?;
        let drags = p < ctx.opts.draggers;
        if drags {
            shared
                .rings
                .write()
                .unwrap()
                .insert(you, Arc::new(SendRing::new()));
        }
        tasks.push(spawn_socket(
            &ctx,
            &shared,
            ws,
            Part::Participant { index: p, drags },
            Some(you),
        ));
    }
    Ok(tasks)
}

/// `POST /api/sessions` over a plain HTTP/1.1 connection.
async fn create_session(addr: SocketAddr, index: usize) -> Result<SessionCreated> {
    let body = format!(r#"{{"title":"Load room {index}"}}"#);
    let host = match addr.ip() {
        IpAddr::V6(_) => format!("[{}]:{}", addr.ip(), addr.port()),
        IpAddr::V4(_) => addr.to_string(),
    };
    let request = format!(
        "POST /api/sessions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.context("connect for HTTP")?;
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .context("POST /api/sessions timed out")??;
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow!("no HTTP answer"))?;
    let status = head.split(' ').nth(1).unwrap_or("");
    if status != "201" {
        bail!(
            "POST /api/sessions answered {status}: {body} (a raised --sessions-per-hour and \
             --sessions-burst on the server avoids 429)"
        );
    }
    // The server answers with Content-Length (no chunking) for these small bodies.
    let json = body.trim_start_matches(|c: char| c != '{');
    serde_json::from_str(json).with_context(|| format!("session body {json:?}"))
}

/// Connects, says hello with `key`, waits for the welcome.
async fn open_socket(ctx: &Ctx, room: &str, key: &str) -> Result<Ws> {
    let stream = TcpStream::connect(ctx.opts.addr)
        .await
        .context("connect for WebSocket")?;
    stream.set_nodelay(true)?;
    let url = format!("ws://{}/ws", ctx.opts.addr);
    let (mut ws, _) = client_async(url, stream).await.map_err(|e| {
        anyhow!("upgrade refused: {e} (a 429 means --max-sockets-per-address is too low)")
    })?;
    send(
        ctx,
        &mut ws,
        &ClientMsg::Hello {
            protocol_version: PROTOCOL_VERSION,
            room: room.to_owned(),
            key: key.to_owned(),
            participant_key: None,
        },
    )
    .await?;
    wait_for(ctx, &mut ws, |m| matches!(m, ServerMsg::Welcome { .. })).await?;
    Ok(ws)
}

async fn send(ctx: &Ctx, ws: &mut Ws, msg: &ClientMsg) -> Result<()> {
    ws.send(Message::text(msg.encode())).await?;
    ctx.totals.msgs_out.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

/// A relayed drag as it arrives: only what the latency needs, without buffering the whole
/// tagged enum (serde's internally tagged enums parse twice).
#[derive(serde::Deserialize)]
struct RelayedDrag {
    by: ParticipantId,
    x: f32,
}

/// Per-socket counts, added to the totals once at the end: no shared cache line per message.
#[derive(Default)]
struct Local {
    msgs_out: u64,
    msgs_in: u64,
    drags_sent: u64,
    drags_received: u64,
    drops: u64,
}

/// Reads until `done` says so; `error` and `rejected` fail.
async fn wait_for(ctx: &Ctx, ws: &mut Ws, mut done: impl FnMut(&ServerMsg) -> bool) -> Result<()> {
    let deadline = Duration::from_secs(20);
    loop {
        let frame = tokio::time::timeout(deadline, ws.next())
            .await
            .context("no answer within 20 s")?
            .ok_or_else(|| anyhow!("closed during setup"))??;
        let Message::Text(text) = frame else {
            if let Message::Close(c) = frame {
                bail!("closed during setup: {c:?}");
            }
            continue;
        };
        ctx.totals.msgs_in.fetch_add(1, Ordering::Relaxed);
        let msg = ServerMsg::decode(&text).map_err(|e| anyhow!("{e}"))?;
        match &msg {
            ServerMsg::Error { error } => bail!("error during setup: {error:?}"),
            ServerMsg::Rejected { reason, .. } => bail!("rejected during setup: {reason:?}"),
            _ => {}
        }
        if done(&msg) {
            return Ok(());
        }
    }
}

fn spawn_socket(
    ctx: &Arc<Ctx>,
    shared: &Arc<RoomShared>,
    ws: Ws,
    part: Part,
    you: Option<ParticipantId>,
) -> tokio::task::JoinHandle<()> {
    let ctx = ctx.clone();
    let shared = shared.clone();
    ctx.totals.open.fetch_add(1, Ordering::Relaxed);
    tokio::spawn(async move {
        let result = socket_loop(&ctx, &shared, ws, part, you).await;
        ctx.totals.open.fetch_sub(1, Ordering::Relaxed);
        if let Err(e) = result {
            ctx.totals.disconnects.fetch_add(1, Ordering::Relaxed);
            ctx.totals.error(format!("{part:?}: {e:#}"));
        }
    })
}

/// Reads everything (tungstenite answers the server's pings); a dragger also drags and drops.
async fn socket_loop(
    ctx: &Ctx,
    shared: &RoomShared,
    mut ws: Ws,
    part: Part,
    you: Option<ParticipantId>,
) -> Result<()> {
    let mut stage = ctx.stage.clone();
    let mut relay = Vec::new();
    let mut acks = Vec::new();
    let mut local = Local::default();
    let (drags, index) = match part {
        Part::Participant { index, drags } => (drags, index),
        _ => (false, 0),
    };
    let ring = you.and_then(|id| shared.rings.read().unwrap().get(&id).cloned());
    // Every room is set up before the run, so its senders are known by then: a private copy.
    let mut rings: HashMap<ParticipantId, Arc<SendRing>> = HashMap::new();
    let drive = Drive::ALL[index % Drive::ALL.len()];
    let dot = DotRef::Drive(drive);
    let zones = [
        Some(Zone::Necessary),
        Some(Zone::Important),
        Some(Zone::Neutral),
        None,
    ];
    let per_drag = (ctx.opts.drag_len.as_secs_f64() * ctx.opts.drag_hz).max(1.0) as u32;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / ctx.opts.drag_hz.max(0.1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seq: u32 = 0;
    let mut in_drag: u32 = 0;
    let mut next_id: u64 = 2;
    let mut pending: HashMap<u64, u64> = HashMap::new();
    let mut running = false;

    let outcome: Result<()> = loop {
        tokio::select! {
            changed = stage.changed() => {
                if changed.is_err() { break Ok(()); }
                let now = *stage.borrow_and_update();
                match now {
                    Stage::Run => {
                        running = true;
                        rings = shared.rings.read().unwrap().clone();
                    }
                    Stage::Stop => break Ok(()),
                    Stage::Setup => {}
                }
            }
            _ = tick.tick(), if drags && running => {
                let msg = if in_drag < per_drag {
                    seq = (seq + 1) % (1 << 20);
                    let x = seq as f32 / SEQ_SCALE;
                    let y = 0.5 + 0.4 * ((seq as f32) * 0.1).sin();
                    if let Some(ring) = &ring { ring.put(seq, ctx.micros()); }
                    local.drags_sent += 1;
                    in_drag += 1;
                    ClientMsg::Drag { dot, x, y }
                } else {
                    ws.feed(Message::text(ClientMsg::DragEnd { dot }.encode())).await?;
                    local.msgs_out += 1;
                    local.drops += 1;
                    let zone = zones[(local.drops % zones.len() as u64) as usize];
                    let id = next_id;
                    next_id += 1;
                    pending.insert(id, ctx.micros());
                    in_drag = 0;
                    ClientMsg::Command { id, command: Command::PlaceDrive { drive, zone } }
                };
                ws.send(Message::text(msg.encode())).await?;
                local.msgs_out += 1;
            }
            frame = ws.next() => {
                let Some(frame) = frame else { break Err(anyhow!("the server closed the socket")) };
                let frame = frame?;
                let text = match frame {
                    Message::Text(t) => t,
                    Message::Close(c) => break Err(anyhow!("closed by the server: {c:?}")),
                    _ => continue,
                };
                if running { local.msgs_in += 1; }
                if text.starts_with(r#"{"type":"drag","#) {
                    local.drags_received += 1;
                    let Ok(d) = serde_json::from_str::<RelayedDrag>(&text) else {
                        ctx.totals.error(format!("undecodable drag {text}"));
                        continue;
                    };
                    let s = (d.x * SEQ_SCALE) as u32;
                    if let (true, Some(sent)) = (running, rings.get(&d.by).and_then(|r| r.get(s))) {
                        relay.push(ctx.micros().saturating_sub(sent).min(u32::MAX as u64) as u32);
                    }
                    continue;
                }
                let msg = match ServerMsg::decode(&text) {
                    Ok(m) => m,
                    Err(e) => { ctx.totals.error(format!("undecodable frame: {e}")); continue; }
                };
                match msg {
                    ServerMsg::Ack { id, .. } => {
                        if let Some(sent) = pending.remove(&id) && running {
                            acks.push(ctx.micros().saturating_sub(sent).min(u32::MAX as u64) as u32);
                        }
                    }
                    ServerMsg::Error { error } => {
                        ctx.totals.error(format!("{part:?}: error {error:?}"));
                        if error.is_fatal() { break Err(anyhow!("fatal error {error:?}")); }
                    }
                    ServerMsg::Rejected { reason, .. } => {
                        ctx.totals.error(format!("{part:?}: rejected {reason:?}"));
                    }
                    _ => {}
                }
            }
        }
    };
    let t = &ctx.totals;
    t.msgs_out.fetch_add(local.msgs_out, Ordering::Relaxed);
    t.msgs_in.fetch_add(local.msgs_in, Ordering::Relaxed);
    t.drags_sent.fetch_add(local.drags_sent, Ordering::Relaxed);
    t.drags_received
        .fetch_add(local.drags_received, Ordering::Relaxed);
    t.drops.fetch_add(local.drops, Ordering::Relaxed);
    t.relay.lock().unwrap().extend(relay);
    t.acks.lock().unwrap().extend(acks);
    if outcome.is_ok() {
        let _ = tokio::time::timeout(Duration::from_secs(2), ws.close(None)).await;
    }
    outcome
}

/// Prints a report as text.
pub fn format_report(r: &Report) -> String {
    let mut s = String::new();
    use std::fmt::Write;
    let _ = writeln!(
        s,
        "rooms {} sockets {} (setup {:.1} s, run {:.1} s)",
        r.rooms, r.sockets, r.setup_secs, r.run_secs
    );
    let _ = writeln!(
        s,
        "messages: out {:.0}/s (to the server), in {:.0}/s (from the server)",
        r.msgs_out_per_sec(),
        r.msgs_in_per_sec()
    );
    let _ = writeln!(
        s,
        "drags sent {} received {} drops {}",
        r.drags_sent, r.drags_received, r.drops
    );
    for (name, p) in [("relay", r.relay), ("ack", r.acks)] {
        let _ = writeln!(
            s,
            "{name} latency ms: n {} p50 {:.2} p95 {:.2} p99 {:.2} max {:.2}",
            p.count, p.p50_ms, p.p95_ms, p.p99_ms, p.max_ms
        );
    }
    let _ = writeln!(s, "errors {} disconnects {}", r.errors, r.disconnects);
    for e in &r.error_samples {
        let _ = writeln!(s, "  {e}");
    }
    s
}
