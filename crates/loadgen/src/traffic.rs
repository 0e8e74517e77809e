//! The traffic of one socket during the run: reading, dragging, dropping, timing.

use crate::config::Speaks;
use crate::run::{Ctx, RoomShared, SEQ_SCALE, SendRing, Stage, Ws};
use crate::setup::Part;
use anyhow::{Result, anyhow};
use futures_util::{SinkExt, StreamExt};
use koersbord_shared::protocol::{ClientMsg, ServerMsg};
use koersbord_shared::room::Command;
use koersbord_shared::{DotRef, Drive, ParticipantId, Zone};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// A relayed drag as it arrives: only what the latency needs, without buffering the whole
/// tagged enum (serde's internally tagged enums parse twice).
#[derive(serde::Deserialize)]
struct RelayedDrag {
    by: ParticipantId,
    x: f32,
}

/// Protocol 2's batch of drags (`drags{moves, ends}`): only the moves matter here.
#[derive(serde::Deserialize)]
struct RelayedBatch {
    #[serde(default)]
    moves: Vec<RelayedDrag>,
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

pub(crate) fn spawn_socket(
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

/// Reads everything (tungstenite answers the server's pings) and pings as our client does, since
/// the server closes a socket that sends no message for a few seconds; a dragger also drags and
/// drops.
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
    let period = Duration::from_secs_f64(1.0 / ctx.opts.drag_hz.max(0.1));
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Our client's heartbeat: a `ping` every 2 s.
    let mut heartbeat = tokio::time::interval(Duration::from_secs(2));
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut nonce: u64 = 0;
    let mut seq: u32 = 0;
    let mut in_drag: u32 = 0;
    let mut next_id: u64 = 2;
    let mut pending: HashMap<u64, u64> = HashMap::new();
    let mut running = false;
    let relay_peer = ctx.opts.speaks == Speaks::Relay;
    let me = you.unwrap_or(ParticipantId(0));

    let outcome: Result<()> = loop {
        tokio::select! {
            changed = stage.changed() => {
                if changed.is_err() { break Ok(()); }
                let now = *stage.borrow_and_update();
                match now {
                    Stage::Run => {
                        running = true;
                        rings = shared.rings.read().unwrap().clone();
                        // Each dragger starts at a random point of the period. Otherwise every
                        // dragger of every room ticks at the same instant (the run starts for
                        // all at once), the server gets one burst per period, and the relay
                        // latency measures how long the burst takes to drain.
                        let phase = period.mul_f64(rand::random::<f64>());
                        tick.reset_at(tokio::time::Instant::now() + phase);
                    }
                    Stage::Stop => break Ok(()),
                    Stage::Setup => {}
                }
            }
            // A relay would pass a ping on to the others; it closes no quiet socket either.
            _ = heartbeat.tick(), if !relay_peer => {
                nonce += 1;
                ws.send(Message::text(ClientMsg::Ping { nonce }.encode())).await?;
            }
            _ = tick.tick(), if drags && running => {
                let text = if in_drag < per_drag {
                    seq = (seq + 1) % (1 << 20);
                    let x = seq as f32 / SEQ_SCALE;
                    let y = 0.5 + 0.4 * ((seq as f32) * 0.1).sin();
                    if let Some(ring) = &ring { ring.put(seq, ctx.micros()); }
                    local.drags_sent += 1;
                    in_drag += 1;
                    if relay_peer {
                        // What koersbord would relay, so the receivers read the same frame.
                        ServerMsg::Drag { by: me, dot, x, y }.encode()
                    } else {
                        ClientMsg::Drag { dot, x, y }.encode()
                    }
                } else if relay_peer {
                    in_drag = 0;
                    ServerMsg::DragEnd { by: me, dot }.encode()
                } else {
                    ws.feed(Message::text(ClientMsg::DragEnd { dot }.encode())).await?;
                    local.msgs_out += 1;
                    local.drops += 1;
                    let zone = zones[(local.drops % zones.len() as u64) as usize];
                    let id = next_id;
                    next_id += 1;
                    pending.insert(id, ctx.micros());
                    in_drag = 0;
                    ClientMsg::Command { id, op: None, command: Command::PlaceDrive { drive, zone } }
                        .encode()
                };
                ws.send(Message::text(text)).await?;
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
                if text.starts_with(r#"{"type":"drags","#) {
                    let Ok(batch) = serde_json::from_str::<RelayedBatch>(&text) else {
                        ctx.totals.error(format!("undecodable drags {text}"));
                        continue;
                    };
                    let now = ctx.micros();
                    for d in batch.moves {
                        local.drags_received += 1;
                        let s = (d.x * SEQ_SCALE) as u32;
                        if let (true, Some(sent)) = (running, rings.get(&d.by).and_then(|r| r.get(s))) {
                            relay.push(now.saturating_sub(sent).min(u32::MAX as u64) as u32);
                        }
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
