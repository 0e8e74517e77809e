//! How long a drag takes from one browser to another: two headless Chromiums on loopback in one
//! room, on the drives step. Browser A drags its own dots across the board; for each pointer move
//! A's page notes when it handled it and where the pointer was, and B's page notes when its copy
//! of the dot moved and to where. Both pages run on this machine, so `performance.timeOrigin +
//! performance.now()` is one clock for both; updates are matched by position. The numbers are
//! printed, not judged: speed targets are benchmarks (docs/PERFORMANCE.md), not test assertions.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::dots::drag_drive;
use koersbord_e2e::page::{join, tid, wait_attr, wait_phase};
use koersbord_e2e::remote::send_commands;
use koersbord_e2e::{Browser, DragOptions, Viewport, run};
use koersbord_shared::Phase;
use koersbord_shared::protocol::join_link;
use koersbord_shared::room::Command;
use serde::Deserialize;
use serde_json::json;
use std::time::{Duration, Instant};

/// Drags measured, one per drive (from the tray to "neutraal"), and the pointer moves in each.
const DRAGS: usize = 5;
const STEPS: u32 = 60;
/// Updates that must be matched for the numbers to mean something.
const AT_LEAST: usize = 200;
/// How far apart (in percent of the track) A's pointer and B's dot may be and still be the same
/// update: B shows two decimals of an f32.
const SAME_X: f64 = 0.03;

/// In A: a capturing listener notes, for every pointer move during a press on one's own dot, the
/// time, which dot, and the pointer's place across that dot's track in percent (as the client
/// computes it: whole CSS pixels, relative to the track's box at that moment).
const RECORD_MOVES: &str = r#"
    window.__e2eMoves = [];
    if (!window.__e2eRecording) {
        window.__e2eRecording = true;
        let held = null;
        document.addEventListener('pointerdown', (e) => {
            const dot = e.target.closest('[data-testid^="own-dot-d"]');
            held = dot ? { drive: Number(dot.dataset.testid.slice('own-dot-d'.length)),
                           track: dot.closest('.track') } : null;
        }, true);
        document.addEventListener('pointermove', (e) => {
            if (!held) return;
            const t = performance.timeOrigin + performance.now();
            const r = held.track.getBoundingClientRect();
            const x = (Math.trunc(e.clientX) - r.left) / Math.max(r.width, 1) * 100;
            window.__e2eMoves.push({ t, drive: held.drive, x });
        }, true);
        document.addEventListener('pointerup', () => { held = null; }, true);
    }
    return true;
"#;

/// In B: a MutationObserver on each of participant `arguments[0]`'s drive dots notes every change
/// of place while the dot shows as dragged: the time, which dot, `left` and `top`.
const RECORD_CHANGES: &str = r#"
    const id = arguments[0];
    window.__e2eChanges = [];
    const dots = [...document.querySelectorAll(`[data-testid^="dot-${id}-d"]`)];
    for (const el of dots) {
        const drive = Number(el.dataset.testid.slice(`dot-${id}-d`.length));
        let last = el.style.left + ' ' + el.style.top;
        new MutationObserver(() => {
            const t = performance.timeOrigin + performance.now();
            const now = el.style.left + ' ' + el.style.top;
            if (now === last) return;
            last = now;
            if (!el.classList.contains('dragging')) return;
            window.__e2eChanges.push({ t, drive, left: el.style.left, top: el.style.top });
        }).observe(el, { attributes: true, attributeFilter: ['style', 'class'] });
    }
    return dots.length;
"#;

/// `[performance.timeOrigin + performance.now(), Date.now()]` in a page.
const CLOCKS: &str = "return [performance.timeOrigin + performance.now(), Date.now()];";

#[derive(Debug, Deserialize)]
struct Move {
    t: f64,
    drive: u32,
    x: f64,
}

#[derive(Debug, Deserialize)]
struct Change {
    t: f64,
    drive: u32,
    left: String,
}

/// How far `browser`'s `timeOrigin + now` is from its `Date.now()`, in ms.
async fn clock_offset(browser: &Browser) -> Result<f64> {
    let clocks = browser.js(CLOCKS).await?;
    let (precise, wall) = (
        clocks[0].as_f64().context("timeOrigin + now")?,
        clocks[1].as_f64().context("Date.now")?,
    );
    Ok(precise - wall)
}

/// For each change B showed, the time since the latest move A handled at that place on the same
/// dot's track, in ms; changes that match no move are left out.
fn latencies(moves: &[Move], changes: &[Change]) -> Result<Vec<f64>> {
    let mut out = Vec::new();
    for change in changes {
        let left: f64 = change
            .left
            .trim_end_matches('%')
            .parse()
            .with_context(|| format!("left {:?}", change.left))?;
        let source = moves
            .iter()
            .filter(|m| m.drive == change.drive && m.t <= change.t && (m.x - left).abs() <= SAME_X)
            .max_by(|a, b| a.t.total_cmp(&b.t));
        if let Some(m) = source {
            out.push(change.t - m.t);
        }
    }
    Ok(out)
}

/// The `p`th percentile (0..=100) of sorted `values`, nearest rank.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[test]
fn drag_latency_from_browser_to_browser() -> Result<()> {
    run("drag_latency_from_browser_to_browser", |h| async move {
        let started = Instant::now();
        let session = h
            .create_session("Latentie", "Samen sterker", ["Doel 1", "Doel 2"])
            .await?;
        let join_link = join_link(&session.room, &session.join_key);
        let a = h.browser("participant-a", Viewport::DESKTOP).await?;
        let b = h.browser("participant-b", Viewport::DESKTOP).await?;
        let anna = join(&a, &join_link, "Anna", "network").await?;
        join(&b, &join_link, "Bram", "management").await?;
        // The facilitator only moves the room on, over the protocol from A's page: two browsers
        // on two cores, nothing else drawing.
        let out = send_commands(
            &a,
            &session.room,
            &session.facilitator_key,
            None,
            &[Command::GoToPhase {
                phase: Phase::Drives,
            }],
        )
        .await?;
        ensure!(
            out.replies[0]["type"] == "ack",
            "to the drives step: {:?}",
            out.replies
        );
        wait_phase(&[&a, &b], "drives").await?;
        b.wait_for(&tid(&format!("dot-{anna}-d0"))).await?;

        // One clock for both pages.
        for browser in [&a, &b] {
            let offset = clock_offset(browser).await?;
            ensure!(
                offset.abs() <= 10.0,
                "{}: timeOrigin + now is {offset:.1} ms from Date.now()",
                browser.label()
            );
        }
        ensure!(
            a.js(RECORD_MOVES).await? == json!(true),
            "A records no moves"
        );
        let watched = b.execute(RECORD_CHANGES, vec![json!(anna)]).await?;
        ensure!(watched == json!(8), "B watches {watched} of Anna's dots");

        let paced = DragOptions {
            steps: STEPS,
            step: Duration::from_millis(30),
            hold: Duration::from_millis(50),
            ..DragOptions::default()
        };
        for drive in 0..DRAGS {
            drag_drive(&a, drive, 3, paced).await?;
            wait_attr(&a, &tid(&format!("own-dot-d{drive}")), "data-slot", "3").await?;
            wait_attr(&b, &tid(&format!("dot-{anna}-d{drive}")), "data-slot", "3").await?;
        }

        let moves: Vec<Move> = serde_json::from_value(a.js("return window.__e2eMoves").await?)?;
        let changes: Vec<Change> =
            serde_json::from_value(b.js("return window.__e2eChanges").await?)?;
        let mut lat = latencies(&moves, &changes)?;
        lat.sort_by(f64::total_cmp);
        ensure!(
            lat.len() >= AT_LEAST,
            "only {} of B's {} updates matched one of A's {} pointer moves",
            lat.len(),
            changes.len(),
            moves.len()
        );
        let (p50, p95, max) = (
            percentile(&lat, 50.0),
            percentile(&lat, 95.0),
            lat[lat.len() - 1],
        );
        println!(
            "drag latency browser to browser over {} updates: p50 {p50:.1} ms, p95 {p95:.1} ms, \
             max {max:.1} ms (min {:.1} ms; {} of B's updates matched, from {} pointer moves in A)",
            lat.len(),
            lat[0],
            changes.len(),
            moves.len()
        );
        ensure!(
            lat.iter().all(|l| l.is_finite() && *l >= 0.0) && p50 > 0.0,
            "latencies must be finite and positive: {lat:?}"
        );
        for browser in [&a, &b] {
            let offset = clock_offset(browser).await?;
            ensure!(
                offset.abs() <= 10.0,
                "{}: after the drags timeOrigin + now is {offset:.1} ms from Date.now()",
                browser.label()
            );
        }
        println!("took {:?}", started.elapsed());
        Ok(())
    })
}
