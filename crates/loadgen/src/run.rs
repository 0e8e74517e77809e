//! The run: shared counters and send rings, the stages, and [`run`] itself.

use crate::config::Speaks;
use crate::config::{MAX_DURATION, Options, PARTICIPANTS, check_loopback};
use crate::report::{Latencies, Report};
use crate::setup::{setup_relay_room, setup_room};
use anyhow::{Result, bail};
use koersbord_shared::ParticipantId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};
use tokio_tungstenite::WebSocketStream;

/// Slots in each sender's ring of send times: far more than drags in flight.
const RING: usize = 4096;
/// `x = seq / SEQ_SCALE`: 2^20 steps, every one exact in an `f32` (24-bit mantissa).
pub(crate) const SEQ_SCALE: f32 = (1u32 << 20) as f32;

/// Counters shared by every socket task.
#[derive(Default)]
pub(crate) struct Totals {
    pub(crate) msgs_out: AtomicU64,
    pub(crate) msgs_in: AtomicU64,
    pub(crate) drags_sent: AtomicU64,
    pub(crate) drags_received: AtomicU64,
    pub(crate) drops: AtomicU64,
    pub(crate) errors: AtomicU64,
    pub(crate) disconnects: AtomicU64,
    pub(crate) open: AtomicU64,
    pub(crate) relay: Mutex<Vec<u32>>,
    pub(crate) acks: Mutex<Vec<u32>>,
    pub(crate) error_samples: Mutex<Vec<String>>,
}

impl Totals {
    pub(crate) fn error(&self, what: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut samples = self.error_samples.lock().unwrap();
        if samples.len() < 10 {
            samples.push(what);
        }
    }
}

/// Send times of one participant's drags: slot `seq % RING` holds `seq << 44 | micros`.
pub(crate) struct SendRing {
    slots: Vec<AtomicU64>,
}

impl SendRing {
    pub(crate) fn new() -> SendRing {
        SendRing {
            slots: (0..RING).map(|_| AtomicU64::new(u64::MAX)).collect(),
        }
    }
    pub(crate) fn put(&self, seq: u32, micros: u64) {
        let packed = ((seq as u64) << 44) | (micros & ((1 << 44) - 1));
        self.slots[seq as usize % RING].store(packed, Ordering::Relaxed);
    }
    pub(crate) fn get(&self, seq: u32) -> Option<u64> {
        let packed = self.slots[seq as usize % RING].load(Ordering::Relaxed);
        (packed != u64::MAX && (packed >> 44) as u32 == seq).then_some(packed & ((1 << 44) - 1))
    }
}

/// One room's shared send rings, by participant id.
#[derive(Default)]
pub(crate) struct RoomShared {
    pub(crate) rings: RwLock<HashMap<ParticipantId, Arc<SendRing>>>,
}

impl RoomShared {
    /// Gives dragger `who` a ring for the send times of their drags.
    pub(crate) fn track(&self, who: ParticipantId) {
        self.rings
            .write()
            .unwrap()
            .insert(who, Arc::new(SendRing::new()));
    }
}

/// The phases of a run, told to every socket task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    Setup,
    Run,
    Stop,
}

pub(crate) struct Ctx {
    pub(crate) opts: Options,
    epoch: Instant,
    pub(crate) totals: Totals,
    pub(crate) stage: watch::Receiver<Stage>,
}

impl Ctx {
    pub(crate) fn micros(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }
}

pub(crate) type Ws = WebSocketStream<TcpStream>;

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
            match ctx.opts.speaks {
                Speaks::Koersbord { .. } => setup_room(ctx, i).await,
                Speaks::Relay => setup_relay_room(ctx, i).await,
            }
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
