//! What a screen reader user hears and where keyboard focus stays: the live region says a step
//! change, one's own placement saved, the board's switches, time up, and others' dots (one by one
//! when asked for); a refusal is an alert; focus survives another person's placement and lands on
//! the new step's heading when the step takes the focused dot away.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::fantoccini::key::Key;
use koersbord_e2e::page::{click, focus, focused, join, press, tid, wait_phase};
use koersbord_e2e::remote::{Remote, send_commands};
use koersbord_e2e::{Browser, Harness, Viewport, wait_until};
use koersbord_shared::protocol::join_link;
use koersbord_shared::room::Command;
use koersbord_shared::{Board, Drive, Phase, Side, Zone};
use std::time::Duration;

async fn heard(page: &Browser, words: &str) -> Result<()> {
    let script = "return document.querySelector('[data-testid=announcer]').textContent";
    let last = std::sync::Mutex::new(String::new());
    wait_until(
        &format!("the live region to say {words:?}"),
        Duration::from_secs(10),
        || async {
            let said = page
                .js(script)
                .await?
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let found = said.contains(words);
            *last.lock().expect("unpoisoned") = said;
            Ok(found)
        },
    )
    .await
    .with_context(|| format!("it said {:?}", last.lock().expect("unpoisoned")))
}

pub async fn announcements_and_focus(h: Harness) -> Result<()> {
    let s = h
        .create_session("Horen", "Samen sterker", ["Doel 1", "Doel 2"])
        .await?;
    let anna = h.browser("anna", Viewport::DESKTOP).await?;
    join(&anna, &join_link(&s.room, &s.join_key), "Anna", "network").await?;
    let bram = Remote::join(&anna, &s.room, &s.join_key, "Bram", Side::Management).await?;
    let lead = |commands: Vec<Command>| {
        let anna = &anna;
        let s = &s;
        async move {
            let out = send_commands(anna, &s.room, &s.facilitator_key, None, &commands).await?;
            ensure!(
                out.replies.iter().all(|r| r["type"] == "ack"),
                "{:?}",
                out.replies
            );
            Ok::<_, anyhow::Error>(())
        }
    };
    lead(vec![Command::GoToPhase {
        phase: Phase::Ambition,
    }])
    .await?;
    heard(&anna, "Stap 1: Ambitie").await?;
    lead(vec![Command::GoToPhase {
        phase: Phase::Drives,
    }])
    .await?;
    heard(&anna, "Stap 2: Drijfveren").await?;

    // One's own placement, saved.
    click(&anna, &tid("cell-0-1")).await?;
    heard(&anna, "Zingeving: Noodzakelijk, opgeslagen").await?;

    // Another person's dot, one by one when asked for; the focused dot keeps focus meanwhile.
    click(&anna, &tid("every-dot")).await?;
    focus(&anna, &tid("own-dot-d1")).await?;
    let place = Command::PlaceDrive {
        drive: Drive::ALL[2],
        zone: Some(Zone::Neutral),
    };
    bram.commands(&anna, &[place]).await?;
    heard(&anna, "Bram: Autonomie, Neutraal").await?;
    ensure!(
        focused(&anna).await? == "own-dot-d1",
        "focus moved off the dot: {}",
        focused(&anna).await?
    );

    // Someone else's dot is no tab stop and no control: the cell it lies in says whose it is.
    let other = format!("[data-testid=dot-{}-d2]", bram.id);
    let other_dot = anna
        .js(&format!(
            "const d = document.querySelector('{other}'); return [d.tabIndex, d.getAttribute('aria-hidden')]"
        ))
        .await?;
    ensure!(
        other_dot == serde_json::json!([-1, "true"]),
        "another's dot is still in the tab order or the tree: {other_dot}"
    );
    let cell = anna
        .js("return document.querySelector('[data-testid=cell-says-2-3]').textContent")
        .await?;
    ensure!(
        cell.as_str()
            .is_some_and(|t| t.contains("Bram") && t.contains("Management: 1")),
        "the Neutraal cell of Autonomie does not say Bram's dot is there: {cell}"
    );

    // The switches, and a refusal as an alert.
    lead(vec![Command::SetLocked {
        board: Board::Drives,
        locked: true,
    }])
    .await?;
    heard(&anna, "Drijfveren is vastgezet").await?;
    click(&anna, &tid("cell-3-2")).await?;
    let alert = anna.wait_for("[data-testid=toast][role=alert]").await?;
    let text = alert.text().await?;
    ensure!(text.contains("vastgezet"), "the refusal said {text:?}");

    // A step change takes the focused dot away: focus goes to the new step's heading.
    focus(&anna, &tid("own-dot-d1")).await?;
    lead(vec![Command::GoToPhase {
        phase: Phase::Pillars,
    }])
    .await?;
    wait_phase(&[&anna], "pillars").await?;
    heard(&anna, "Stap 3: Innoveren & Samen leren").await?;
    wait_until(
        "focus on the step heading",
        Duration::from_secs(5),
        || async { Ok(focused(&anna).await? == "step-name") },
    )
    .await
    .with_context(|| "focus was lost".to_string())?;

    // Time up.
    let budget = Phase::Pillars.default_ms() as i64;
    lead(vec![
        Command::AdjustTimer {
            delta_ms: 1_500 - budget,
        },
        Command::StartTimer,
    ])
    .await?;
    heard(&anna, "Tijd is om").await?;

    // The page's title names the step; the first Tab reaches the skip link, which leads to it.
    let title = anna.js("return document.title").await?;
    ensure!(
        title == "Innoveren & Samen leren · Horen · Koersbord",
        "the title is {title}"
    );
    let first = anna
        .js("const f = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
                 .find((e) => e.tabIndex >= 0 && !e.disabled);
             return f ? (f.dataset.testid || f.tagName) : ''")
        .await?;
    ensure!(
        first == "skip-link",
        "the first in the tab order is {first}"
    );
    focus(&anna, &tid("skip-link")).await?;
    press(&anna, &[Key::Enter]).await?;
    let then = focused(&anna).await?;
    ensure!(then == "MAIN", "the skip link led to {then}");
    Ok(())
}
