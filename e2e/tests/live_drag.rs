//! The walking skeleton: a dot dragged with a real mouse in one browser moves, live, in another
//! browser, and then rests where it was dropped on every screen.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::page::{advance, attr, join, tid, wait_attr};
use koersbord_e2e::{Browser, DragOptions, TIMEOUT, Viewport, drag_to_with, run, wait_some};
use koersbord_shared::protocol::{join_link, room_link};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Counts the pointer moves the page gets.
const COUNT_MOVES: &str = "window.__e2eMoves = 0; \
    if (!window.__e2eCounting) { window.__e2eCounting = true; \
    document.addEventListener('pointermove', () => window.__e2eMoves++, true); }";

/// Records, in the page, every change of one element's place, class and slot with its time.
const OBSERVE_DOT: &str = r#"
    const el = document.querySelector(arguments[0]);
    if (!el) return false;
    window.__e2eSeen = [];
    const record = () => {
        const r = {
            t: performance.now(),
            left: el.style.left,
            top: el.style.top,
            dragging: el.classList.contains('dragging'),
            slot: el.dataset.slot ?? null,
        };
        const last = window.__e2eSeen[window.__e2eSeen.length - 1];
        if (!last || last.left !== r.left || last.top !== r.top
            || last.dragging !== r.dragging || last.slot !== r.slot) {
            window.__e2eSeen.push(r);
        }
    };
    window.__e2eObserver = new MutationObserver(record);
    window.__e2eObserver.observe(el, { attributes: true, attributeFilter: ['style', 'class', 'data-slot'] });
    record();
    return true;
"#;

/// What the watching browser saw of one drag.
struct Seen {
    /// The dot's `left` (percent of the track) at each update while it showed as dragged.
    lefts: Vec<f64>,
    /// Time from the first to the last of those updates, in the watcher's clock.
    span_ms: f64,
    /// The last state recorded: `{dragging, slot, ...}`.
    last: Value,
    /// Pointer moves the dragging page got.
    moves: u64,
}

impl Seen {
    fn rate(&self) -> f64 {
        (self.lefts.len().saturating_sub(1)) as f64 / self.span_ms * 1000.0
    }
}

/// Drags `own` onto `target` in `a` while `b` watches `theirs` (the same dot) both from inside the
/// page (a MutationObserver) and over WebDriver; fails unless `b` showed the dot as dragged before
/// the drag ended.
async fn watched_drag(
    a: &Browser,
    b: &Browser,
    own: &str,
    theirs: &str,
    target: &str,
    options: DragOptions,
) -> Result<Seen> {
    ensure!(
        b.execute(OBSERVE_DOT, vec![json!(theirs)]).await? == Value::Bool(true),
        "no dot to observe"
    );
    a.js(COUNT_MOVES).await?;
    let dot = a.wait_for(own).await?;
    let cell = a.find_css(target).await?;
    let started = Instant::now();
    let drag = async {
        drag_to_with(a, &dot, &cell, options).await?;
        anyhow::Ok(Instant::now())
    };
    let watch = wait_some("B to show the dot being dragged", TIMEOUT, || async {
        let class = attr(b, theirs, "class").await?.unwrap_or_default();
        Ok(class
            .split_whitespace()
            .any(|c| c == "dragging")
            .then(Instant::now))
    });
    let (dropped, seen_dragging) = tokio::join!(drag, watch);
    let (dropped, seen_dragging) = (dropped?, seen_dragging?);
    ensure!(
        seen_dragging < dropped,
        "B showed the drag only {:?} after the drop",
        seen_dragging - dropped
    );
    println!(
        "B saw the drag {:?} after the pointer went down; the drag took {:?}",
        seen_dragging - started,
        dropped - started
    );
    // Let the drop and the drag's end arrive before reading what B recorded.
    wait_some("B to show the dot at rest", TIMEOUT, || async {
        let class = attr(b, theirs, "class").await?.unwrap_or_default();
        Ok((!class.split_whitespace().any(|c| c == "dragging")).then_some(()))
    })
    .await?;

    let seen = b.js("return window.__e2eSeen").await?;
    let seen = seen.as_array().cloned().unwrap_or_default();
    let moving: Vec<&Value> = seen.iter().filter(|r| r["dragging"] == true).collect();
    ensure!(
        moving.len() >= 10,
        "B saw only {} positions while the dot was dragged: {seen:?}",
        moving.len()
    );
    let time = |v: &Value| v["t"].as_f64().unwrap_or(f64::NAN);
    let lefts = moving
        .iter()
        .map(|r| {
            r["left"]
                .as_str()
                .and_then(|s| s.trim_end_matches('%').parse::<f64>().ok())
                .with_context(|| format!("no left in {r}"))
        })
        .collect::<Result<Vec<f64>>>()?;
    let rising = lefts.windows(2).filter(|w| w[1] > w[0]).count();
    ensure!(
        rising + 2 >= lefts.len(),
        "B's copy of the dot did not travel right with the pointer: {lefts:?}"
    );
    Ok(Seen {
        lefts,
        span_ms: time(moving[moving.len() - 1]) - time(moving[0]),
        last: seen.last().cloned().unwrap_or_default(),
        moves: a
            .js("return window.__e2eMoves")
            .await?
            .as_u64()
            .unwrap_or(0),
    })
}

#[test]
fn a_mouse_drag_moves_live_on_another_browser() -> Result<()> {
    run(
        "a_mouse_drag_moves_live_on_another_browser",
        |h| async move {
            let session = h
                .create_session("Live slepen", "Samen sterker", ["Doel 1", "Doel 2"])
                .await?;
            let join_link = join_link(&session.room, &session.join_key);

            let facilitator = h.browser("facilitator", Viewport::DESKTOP).await?;
            let a = h.browser("participant-a", Viewport::DESKTOP).await?;
            let b = h.browser("participant-b", Viewport::DESKTOP).await?;
            facilitator
                .goto(&room_link(&session.room, &session.facilitator_key))
                .await?;
            let anna = join(&a, &join_link, "Anna", "network").await?;
            let bram = join(&b, &join_link, "Bram", "management").await?;
            ensure!((anna, bram) == (1, 2), "ids in join order: {anna}, {bram}");

            // Lobby → Ambitie → Drijfveren.
            advance(
                &facilitator,
                &[&facilitator, &a, &b],
                &["ambition", "drives"],
            )
            .await?;

            // Anna's Zingeving dot, as Bram sees it: not placed yet.
            let theirs = tid(&format!("dot-{anna}-d0"));
            b.wait_for(&theirs).await?;
            ensure!(
                attr(&b, &theirs, "data-slot").await?.as_deref() == Some(""),
                "before the drag B already has Anna's Zingeving dot in a zone"
            );

            // Anna drags it from the tray to "noodzakelijk" in many small steps, after a short hold.
            let paced = DragOptions {
                steps: 60,
                step: Duration::from_millis(20),
                hold: Duration::from_millis(200),
                ..DragOptions::default()
            };
            let seen =
                watched_drag(&a, &b, &tid("own-dot-d0"), &theirs, &tid("cell-0-1"), paced).await?;
            let (first, last) = (seen.lefts[0], seen.lefts[seen.lefts.len() - 1]);
            ensure!(
                first < 25.0 && (25.0..50.0).contains(&last),
                "from the tray (0–25%) into noodzakelijk (25–50%): {:?}",
                seen.lefts
            );
            ensure!(
                seen.last["dragging"] == false && seen.last["slot"] == "1",
                "B's last view of the dot: {}",
                seen.last
            );
            println!(
                "drag updates seen by the other browser: {} over {:.0} ms = {:.1}/s \
             (the dragging page got {} pointer moves)",
                seen.lefts.len(),
                seen.span_ms,
                seen.rate(),
                seen.moves
            );
            ensure!(
                seen.rate() >= 10.0,
                "too few live updates: {:.1}/s",
                seen.rate()
            );

            // At rest in "noodzakelijk", for Anna, for Bram and for the facilitator.
            wait_attr(&a, &tid("own-dot-d0"), "data-slot", "1").await?;
            wait_attr(&b, &theirs, "data-slot", "1").await?;
            wait_attr(&facilitator, &theirs, "data-slot", "1").await?;
            facilitator
                .wait_for_text(&tid(&format!("placed-{anna}")), "1/8")
                .await?;

            // Once more on to "belangrijk", with the pointer moving as fast as WebDriver can: now the
            // client's throttle (one update per 25 ms) is what limits the rate.
            let fast = DragOptions {
                steps: 100,
                step: Duration::from_millis(1),
                hold: Duration::from_millis(100),
                ..DragOptions::default()
            };
            let seen =
                watched_drag(&a, &b, &tid("own-dot-d0"), &theirs, &tid("cell-0-2"), fast).await?;
            println!(
                "at full pointer speed: {} updates over {:.0} ms = {:.1}/s (from {} pointer moves)",
                seen.lefts.len(),
                seen.span_ms,
                seen.rate(),
                seen.moves
            );
            ensure!(
                seen.rate() >= 10.0 && seen.rate() <= 48.0,
                "live updates should arrive often but within the 40/s the client sends: {:.1}/s",
                seen.rate()
            );
            wait_attr(&a, &tid("own-dot-d0"), "data-slot", "2").await?;
            wait_attr(&b, &theirs, "data-slot", "2").await?;
            wait_attr(&facilitator, &theirs, "data-slot", "2").await?;
            Ok(())
        },
    )
}
