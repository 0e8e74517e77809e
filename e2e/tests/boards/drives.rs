//! Drijfveren: Pien by finger, Kees by keyboard, Mila by mouse; the lock, hiding and revealing,
//! and the drive results on the shared screen.

use crate::table::{KEES, MILA, PIEN, Table, finger, side_of, wait_equal};
use anyhow::{Context, Result, ensure};
use koersbord_e2e::dots::{drag_drive, key_drive};
use koersbord_e2e::fantoccini::key::Key;
use koersbord_e2e::page::{attr, click, focus, press, tid, wait_attr, wait_class};
use koersbord_e2e::{Browser, DragOptions, Harness, Locator};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// Every dot on the drives board a browser draws: test id → [data-slot, the cell its centre is
/// drawn in (null when not drawn)].
const DRIVE_DOTS: &str = r#"
    const board = document.querySelector('[data-testid="drives-board"]');
    if (!board) throw new Error('no drives board');
    const out = {};
    for (const el of board.querySelectorAll('[data-testid^="dot-"], [data-testid^="own-dot-"]')) {
        const r = el.getBoundingClientRect();
        const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
        let drawn = null;
        if (r.width > 0) {
            for (const cell of el.closest('.track').querySelectorAll('.cell')) {
                const c = cell.getBoundingClientRect();
                if (x >= c.left && x < c.right && y >= c.top && y < c.bottom) drawn = cell.dataset.testid.split('-')[2];
            }
        }
        out[el.dataset.testid] = [el.dataset.slot ?? '', drawn];
    }
    return out;
"#;

/// (participant, drive) → slot (1 noodzakelijk, 2 belangrijk, 3 neutraal).
type DrivePlaces = BTreeMap<(u32, usize), u8>;

/// Where `browser` (participant `me`, if any) shows dots in a zone; dots in a tray or not shown are
/// left out. A dot drawn in another cell than its `data-slot` says is an error (not yet: it may
/// still be gliding there).
async fn drive_places(browser: &Browser, me: Option<u32>) -> Result<DrivePlaces> {
    let dots = browser.js(DRIVE_DOTS).await?;
    let mut out = BTreeMap::new();
    for (testid, value) in dots.as_object().context("no dots")? {
        let slot = value[0].as_str().unwrap_or_default();
        let (id, drive) = if let Some(drive) = testid.strip_prefix("own-dot-d") {
            (
                me.context("an own dot on a screen without a participant")?,
                drive,
            )
        } else {
            let rest = testid.strip_prefix("dot-").context("odd test id")?;
            let (id, drive) = rest.split_once("-d").context("odd test id")?;
            (id.parse()?, drive)
        };
        if !slot.is_empty() {
            let drawn = value[1].as_str();
            ensure!(
                drawn == Some(slot),
                "{}: {testid} has data-slot {slot} but is drawn in cell {drawn:?}",
                browser.label()
            );
        }
        if !slot.is_empty() && slot != "0" {
            out.insert((id, drive.parse()?), slot.parse()?);
        }
    }
    Ok(out)
}

/// Waits until every browser shows exactly the placements it may see: the facilitator and the
/// owner always, the others only when `revealed`.
async fn all_see_drives(table: &Table, placed: &DrivePlaces, revealed: bool) -> Result<()> {
    for (browser, viewer) in table.viewers() {
        let visible: DrivePlaces = placed
            .iter()
            .filter(|((id, _), _)| viewer.sees(*id, revealed))
            .map(|(k, v)| (*k, *v))
            .collect();
        wait_equal(
            &format!("{} to show the drives board's dots", browser.label()),
            &visible,
            || drive_places(browser, viewer.me()),
        )
        .await?;
    }
    Ok(())
}

/// Where Mila's own Duurzaamheid dot is drawn, in percent of the track.
const OWN_D7_LEFT: &str =
    "return parseFloat(document.querySelector('[data-testid=\"own-dot-d7\"]').style.left)";

/// Starts recording every attribute change of the element matching `css` (class, place, slot).
async fn watch_changes(browser: &Browser, css: &str) -> Result<()> {
    let script = "const el = document.querySelector(arguments[0]);
        if (!el) return false;
        window.__e2eChanges = [];
        new MutationObserver(() => window.__e2eChanges.push([el.className, el.style.left, el.dataset.slot]))
            .observe(el, { attributes: true });
        return true;";
    let ok = browser.execute(script, vec![json!(css)]).await?;
    ensure!(
        ok == json!(true),
        "{}: nothing to watch at `{css}`",
        browser.label()
    );
    Ok(())
}

/// What [`watch_changes`] recorded.
async fn changes(browser: &Browser) -> Result<Value> {
    browser.js("return window.__e2eChanges").await
}

/// The drive tallies on a screen: test id `tally-{drive}-{zone}` → [network, management].
const TALLIES: &str = r#"
    const out = {};
    for (const td of document.querySelectorAll('[data-testid^="tally-"]')) {
        const n = (side) => Number(td.querySelector(`.tally[data-side="${side}"]`)?.textContent ?? 'NaN');
        out[td.dataset.testid] = [n('network'), n('management')];
    }
    return out;
"#;

/// Pien by finger, Kees by keyboard and Mila by mouse on the drives board; then the lock, a
/// hidden board and the results.
/// `[own width, other width, whether the own dot answers 20 px left, right, above and below its
/// centre]` for own dot `arguments[0]` and another's dot `arguments[1]`.
const OWN_AND_OTHER: &str = r#"
    const own = document.querySelector(`[data-testid="${arguments[0]}"]`);
    const other = document.querySelector(`[data-testid="${arguments[1]}"]`);
    const r = own.getBoundingClientRect();
    const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
    const hits = [[-20, 0], [20, 0], [0, -20], [0, 20]]
        .every(([dx, dy]) => document.elementFromPoint(x + dx, y + dy)?.closest('.own') === own);
    return [r.width, other.getBoundingClientRect().width, hits];
"#;

/// One's own dot, placed in a zone, is drawn as big as everyone else's (so it covers none of
/// them), while a finger still grabs it 20 px from its centre.
async fn own_dot_at_rest_fits_in(browser: &Browser, drive: usize, other: &str) -> Result<()> {
    let own = format!("own-dot-d{drive}");
    let seen = browser
        .execute(OWN_AND_OTHER, vec![json!(own), json!(other)])
        .await?;
    ensure!(
        seen[0] == seen[1] && seen[2] == json!(true),
        "{}: [own width, other width, 40 px target] = {seen}",
        browser.label()
    );
    Ok(())
}

pub async fn finger_keyboard_and_mouse(h: Harness) -> Result<()> {
    let table = Table::at_step(&h, "Drijfveren", &["ambition", "drives"]).await?;
    let Table {
        facilitator,
        screen,
        pien,
        kees,
        mila,
    } = &table;
    let mut placed = DrivePlaces::new();
    let finger = finger();
    let mouse = DragOptions::default();

    // Pien, by touch: Zingeving noodzakelijk, Saamhorigheid belangrijk.
    drag_drive(pien, 0, 1, finger).await?;
    wait_attr(pien, &tid("own-dot-d0"), "data-slot", "1").await?;
    drag_drive(pien, 1, 2, finger).await?;
    wait_attr(pien, &tid("own-dot-d1"), "data-slot", "2").await?;
    placed.insert((PIEN, 0), 1);
    placed.insert((PIEN, 1), 2);

    // Kees, keyboard only: Saamhorigheid neutraal, Autonomie belangrijk.
    key_drive(kees, 1, 3).await?;
    wait_attr(kees, &tid("own-dot-d1"), "data-slot", "3").await?;
    key_drive(kees, 2, 2).await?;
    wait_attr(kees, &tid("own-dot-d2"), "data-slot", "2").await?;
    placed.insert((KEES, 1), 3);
    placed.insert((KEES, 2), 2);
    // Escape puts a carried dot back: Kwaliteit van zorg stays in the tray.
    focus(kees, &tid("own-dot-d3")).await?;
    press(kees, &[Key::Enter, Key::Right, Key::Right]).await?;
    wait_class(kees, &tid("own-dot-d3"), "grabbed", true).await?;
    press(kees, &[Key::Escape]).await?;
    wait_class(kees, &tid("own-dot-d3"), "grabbed", false).await?;
    ensure!(
        attr(kees, &tid("own-dot-d3"), "data-slot")
            .await?
            .as_deref()
            == Some("0"),
        "Escape should leave the dot in the tray"
    );

    // Mila, mouse: Saamhorigheid belangrijk, Impact noodzakelijk.
    drag_drive(mila, 1, 2, mouse).await?;
    wait_attr(mila, &tid("own-dot-d1"), "data-slot", "2").await?;
    drag_drive(mila, 5, 1, mouse).await?;
    wait_attr(mila, &tid("own-dot-d5"), "data-slot", "1").await?;
    placed.insert((MILA, 1), 2);
    placed.insert((MILA, 5), 1);

    all_see_drives(&table, &placed, true).await?;
    facilitator
        .wait_for_text(&tid(&format!("placed-{PIEN}")), "2/8")
        .await?;
    own_dot_at_rest_fits_in(pien, 1, &format!("dot-{MILA}-d1")).await?;

    // Locked: Mila's drag is refused, her dot returns, nobody else sees anything happen.
    click(facilitator, &tid("toggle-lock")).await?;
    for browser in table.all() {
        wait_class(browser, &tid("drives-board"), "locked", true).await?;
    }
    for browser in [facilitator, screen, kees] {
        watch_changes(browser, &tid(&format!("dot-{MILA}-d7"))).await?;
    }
    drag_drive(mila, 7, 1, mouse).await?;
    mila.wait_for(&tid("toast")).await?;
    let toast = mila.find_css(&tid("toast")).await?.text().await?;
    ensure!(toast.contains("vastgezet"), "toast: {toast:?}");
    wait_attr(mila, &tid("own-dot-d7"), "data-slot", "0").await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let own_left = mila.js(OWN_D7_LEFT).await?;
    ensure!(
        own_left.as_f64() == Some(12.5),
        "Mila's refused dot is not back in the tray: left {own_left}"
    );
    for browser in [facilitator, screen, kees] {
        let ghost = changes(browser).await?;
        ensure!(
            ghost == json!([]),
            "{} saw Mila's dot move on a locked board: {ghost}",
            browser.label()
        );
    }
    all_see_drives(&table, &placed, true).await?;

    click(facilitator, &tid("toggle-lock")).await?;
    wait_class(mila, &tid("drives-board"), "locked", false).await?;

    // Hidden: Pien's new dot reaches the facilitator only; revealed, it reaches everyone.
    click(facilitator, &tid("toggle-reveal")).await?;
    for browser in [screen, pien, kees, mila] {
        browser.wait_for(&tid("hidden-note")).await?;
    }
    all_see_drives(&table, &placed, false).await?;
    for browser in [screen, kees, mila] {
        watch_changes(browser, &tid(&format!("dot-{PIEN}-d2"))).await?;
    }
    drag_drive(pien, 2, 1, finger).await?;
    wait_attr(pien, &tid("own-dot-d2"), "data-slot", "1").await?;
    placed.insert((PIEN, 2), 1);
    wait_attr(
        facilitator,
        &tid(&format!("dot-{PIEN}-d2")),
        "data-slot",
        "1",
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    all_see_drives(&table, &placed, false).await?;
    for browser in [screen, kees, mila] {
        let slot = attr(browser, &tid(&format!("dot-{PIEN}-d2")), "data-slot").await?;
        ensure!(
            slot.as_deref() == Some(""),
            "{} sees Pien's hidden dot in slot {slot:?}",
            browser.label()
        );
        let moved = changes(browser).await?;
        ensure!(
            moved == json!([]),
            "{} saw Pien's dot move on a hidden board: {moved}",
            browser.label()
        );
    }

    click(facilitator, &tid("toggle-reveal")).await?;
    all_see_drives(&table, &placed, true).await?;

    // Results: until the facilitator shows them, only the facilitator sees them; then the
    // shared screen's tallies are what was placed, and a single "noodzakelijk" is a signal
    // naming its person.
    facilitator.wait_for(&tid("drive-results")).await?;
    for browser in [screen, kees] {
        ensure!(
            browser
                .find_all(Locator::Css(&tid("drive-results")))
                .await?
                .is_empty(),
            "{} shows results before the facilitator does",
            browser.label()
        );
    }
    click(facilitator, &tid("toggle-results")).await?;
    screen.wait_for(&tid("drive-results")).await?;
    let mut want = BTreeMap::new();
    for drive in 0..8 {
        for zone in 0..3 {
            let count = |side: &str| {
                placed
                    .iter()
                    .filter(|((id, d), slot)| {
                        *d == drive && usize::from(**slot) == zone + 1 && side_of(*id) == side
                    })
                    .count() as u64
            };
            want.insert(
                format!("tally-{drive}-{zone}"),
                json!([count("network"), count("management")]),
            );
        }
    }
    let want = Value::Object(want.into_iter().collect());
    wait_equal("the shared screen's tallies", &want, || screen.js(TALLIES)).await?;
    for (drive, name) in [(0, "Pien"), (2, "Pien"), (5, "Mila")] {
        screen
            .wait_for_text(&tid(&format!("signal-{drive}")), name)
            .await?;
    }
    let signals = screen
    .js("return [...document.querySelectorAll('[data-testid^=\"signal-\"]')].map(e => e.dataset.testid)")
    .await?;
    ensure!(
        signals == json!(["signal-0", "signal-2", "signal-5"]),
        "signals on the screen: {signals}"
    );
    let only_pien = screen.find_css(&tid("signal-0")).await?.text().await?;
    ensure!(
        !only_pien.contains("Kees") && !only_pien.contains("Mila"),
        "{only_pien}"
    );
    // Participants see the outcomes too, once shown.
    kees.wait_for(&tid("drive-results")).await?;
    table.check_pointers().await?;
    Ok(())
}
