//! The harvest page held against what was done, for the facilitator, a participant and the shared
//! screen; its exports; its print; and the same harvest after the server restarted.

use crate::expected::Facts;
use crate::exports::{
    check_actions_csv, check_dots_csv, check_json, check_markdown, check_pdf, save_pdf,
};
use crate::plan::ANNA;
use crate::play::Played;
use anyhow::{Context, Result, ensure};
use koersbord_e2e::downloads;
use koersbord_e2e::fantoccini::wd::PrintConfiguration;
use koersbord_e2e::page::{click, own_id, tid, wait_phase};
use koersbord_e2e::remote::send_commands;
use koersbord_e2e::{Browser, Harness, TIMEOUT, Viewport};
use koersbord_shared::room::RoomState;
use serde_json::json;
use std::fmt::Debug;
use std::time::{Duration, Instant};

/// Reads the harvest page into [`Facts`].
const HARVEST_FACTS: &str = r#"
    const root = document.querySelector('[data-testid="harvest"]');
    if (!root) throw new Error('no harvest on this page');
    const text = (el) => el ? el.textContent.trim() : null;
    const pick = (re, f) => {
        const out = {};
        for (const el of root.querySelectorAll('[data-testid]')) {
            const m = el.dataset.testid.match(re);
            if (m) out[m[1]] = f(el);
        }
        return out;
    };
    const pictures = root.querySelector('.board-pictures');
    if (!pictures) throw new Error('no board pictures');
    const drives = [...pictures.querySelectorAll(
        '[data-testid="drives-board"] [data-testid^="dot-"], [data-testid="drives-board"] [data-testid^="own-dot-"]')]
        .filter((el) => ['1', '2', '3'].includes(el.dataset.slot)).length;
    const pillars = [...pictures.querySelectorAll(
        '[data-testid="pillars-board"] [data-testid^="dot-"], [data-testid="pillars-board"] [data-testid^="own-dot-"]')]
        .filter((el) => (el.dataset.strength ?? '') !== '').length;
    return {
        title: text(root.querySelector('[data-testid="harvest-title"]')),
        ambition: text(root.querySelector('[data-testid="ambition"] p')),
        goals: [text(root.querySelector('[data-testid="goal-1"] p')),
                text(root.querySelector('[data-testid="goal-2"] p'))],
        tallies: pick(/^tally-(\d+-\d+)$/, (el) => ['network', 'management'].map((s) => {
            const n = Number(el.querySelector(`.tally[data-side="${s}"]`)?.textContent);
            return Number.isFinite(n) ? n : null;
        })),
        signals: pick(/^signal-(\d+)$/, text),
        signal_items: pick(/^signal-item-(\d+)$/, text),
        medians: pick(/^median-(\d+-\w+)$/, text),
        gaps: pick(/^gap-(\d+)$/, text),
        weak: pick(/^pillar-result-(\d+)$/, (el) => el.dataset.weak),
        insights: pick(/^insight-(\d+)$/, (el) =>
            [text(el.querySelector('.insight-text')), text(el.querySelector('.tag'))]),
        actions: pick(/^action-(\d+)$/, (el) => [
            text(el.querySelector('.action-what')), text(el.querySelector('.who')),
            text(el.querySelector('.due')), text(el.querySelector('.tag'))]),
        reflections: pick(/^reflection-(\d+)$/, text),
        pictures: [drives, pillars],
    };
"#;

/// Compares one part of the facts, naming it and both values when they differ.
fn same<T: PartialEq + Debug>(errors: &mut Vec<String>, what: &str, got: &T, want: &T) {
    if got != want {
        errors.push(format!("{what}:\n     got {got:?}\n    want {want:?}"));
    }
}

/// Waits until `browser`'s harvest shows exactly `want`; fails listing every difference.
async fn check_harvest(browser: &Browser, want: &Facts) -> Result<()> {
    browser.wait_for(&tid("harvest")).await?;
    let started = Instant::now();
    let last = loop {
        let got: Facts = serde_json::from_value(browser.js(HARVEST_FACTS).await?)
            .with_context(|| format!("{}: reading the harvest", browser.label()))?;
        let mut errors = Vec::new();
        same(&mut errors, "title", &got.title, &want.title);
        same(&mut errors, "ambition", &got.ambition, &want.ambition);
        same(&mut errors, "goals", &got.goals, &want.goals);
        same(&mut errors, "tallies", &got.tallies, &want.tallies);
        same(
            &mut errors,
            "signals in the drive results",
            &got.signals,
            &want.signals,
        );
        same(
            &mut errors,
            "the list of signals",
            &got.signal_items,
            &want.signal_items,
        );
        same(&mut errors, "medians", &got.medians, &want.medians);
        same(&mut errors, "gaps", &got.gaps, &want.gaps);
        same(&mut errors, "weak pillars", &got.weak, &want.weak);
        same(&mut errors, "insights", &got.insights, &want.insights);
        same(&mut errors, "actions", &got.actions, &want.actions);
        same(
            &mut errors,
            "reflections",
            &got.reflections,
            &want.reflections,
        );
        same(
            &mut errors,
            "dots in the board pictures",
            &got.pictures,
            &want.pictures,
        );
        if errors.is_empty() {
            return Ok(());
        }
        if started.elapsed() > TIMEOUT {
            break errors;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    anyhow::bail!(
        "{}: the harvest differs from what was done:\n  {}",
        browser.label(),
        last.join("\n  ")
    )
}

/// The harvest, for the facilitator, for Anna from her own link, and on the shared screen; the
/// exports and the print button; after a restart the harvest again, and printed to PDF.
pub async fn check_everywhere(h: &Harness, played: &Played) -> Result<()> {
    let Played {
        facilitator,
        screen,
        anna,
        room,
        facilitator_key,
        facilitator_link,
        join_link,
        expected,
        ..
    } = played;
    // The harvest, for the facilitator and for Anna from her own link: every figure and text
    // as it was done.
    let mut want = expected.facts();
    let drive_dots = expected.drives.len() as u32;
    let pillar_dots = expected.pillars.len() as u32;
    want.pictures = [drive_dots, pillar_dots];
    click(facilitator, &tid("open-harvest")).await?;
    check_harvest(facilitator, &want).await?;
    koersbord_e2e::axe::check(facilitator, "the harvest").await?;
    anna.goto("/").await?;
    anna.goto(join_link).await?;
    wait_phase(&[anna], "close").await?;
    ensure!(
        own_id(anna, "Anna").await? == ANNA,
        "Anna came back as someone else"
    );
    click(anna, &tid("open-harvest")).await?;
    check_harvest(anna, &want).await?;
    koersbord_e2e::axe::check(anna, "the harvest from Anna's link").await?;
    // The projector has no buttons: the harvest is read on laptops and phones.
    ensure!(
        screen
            .find_all(koersbord_e2e::Locator::Css(&tid("open-harvest")))
            .await?
            .is_empty(),
        "the shared screen offers the harvest"
    );

    // Exports, caught in the facilitator's page.
    downloads::capture(facilitator).await?;
    for button in [
        "harvest-md",
        "harvest-actions-csv",
        "harvest-dots-csv",
        "harvest-json",
    ] {
        click(facilitator, &tid(button)).await?;
    }
    let files = downloads::caught(facilitator).await?;
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    ensure!(
        names
            == [
                "oogst-wondzorg---directie.md",
                "oogst-wondzorg---directie-acties.csv",
                "oogst-wondzorg---directie-stippen.csv",
                "oogst-wondzorg---directie.json",
            ],
        "downloads: {names:?}"
    );
    let [md, actions_csv, dots_csv, json_file] = &files[..] else {
        anyhow::bail!("four downloads expected");
    };
    check_markdown(md, expected)?;
    check_actions_csv(actions_csv)?;
    check_dots_csv(dots_csv, expected)?;
    let exported = check_json(json_file, expected)?;
    // The JSON is the state the server holds, as a fresh facilitator connection gets it.
    let welcome = send_commands(facilitator, room, facilitator_key, None, &[]).await?;
    let on_server: RoomState = serde_json::from_value(welcome.state)?;
    ensure!(
        exported == on_server,
        "the exported JSON differs from the server's state:\n{exported:#?}\n---\n{on_server:#?}"
    );

    // The print button opens the browser's print dialog.
    facilitator
        .js("window.__e2ePrinted = 0; window.print = () => { window.__e2ePrinted += 1; };")
        .await?;
    click(facilitator, &tid("harvest-print")).await?;
    ensure!(
        facilitator.js("return window.__e2ePrinted").await? == json!(1),
        "the print button did not call window.print"
    );

    // A past session stays readable: after a restart the facilitator's link, opened
    // anew, shows the same harvest.
    h.restart_server().await?;
    let later = h.browser("facilitator-later", Viewport::DESKTOP).await?;
    later.goto(facilitator_link).await?;
    later.wait_for(&tid("facilitator-panel")).await?;
    wait_phase(&[&later], "close").await?;
    click(&later, &tid("open-harvest")).await?;
    check_harvest(&later, &want).await?;

    // That harvest printed to PDF (A4, as "Opslaan als PDF" would) holds the ambition,
    // every action and insight, the whole drive results table, and no buttons.
    let pdf = later.print(PrintConfiguration::default()).await?;
    check_pdf(&pdf, expected)
        .with_context(|| format!("the PDF is in {}", save_pdf(&pdf).display()))?;
    Ok(())
}
