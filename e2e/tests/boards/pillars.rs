//! Innoveren & Samen leren: pillars set by finger, keyboard and mouse; every screen draws the same
//! strengths; the results (medians, gaps, the weakest pillars) are what was placed.

use crate::table::{KEES, MILA, PIEN, Table, finger, side_of, wait_equal};
use anyhow::{Context, Result, ensure};
use koersbord_e2e::dots::{drag_pillar, key_pillar};
use koersbord_e2e::fantoccini::key::Key;
use koersbord_e2e::page::{click, focus, press, tid, wait_attr};
use koersbord_e2e::results::{gap_text, median, median_text, weakest};
use koersbord_e2e::{Browser, DragOptions, Harness, TIMEOUT, wait_some};
use std::collections::BTreeMap;

/// Every placed dot on the pillars board: test id (without `own-`) → [data-strength, the strength
/// where it is drawn: its distance from the core along its spoke].
const PILLAR_DOTS: &str = r#"
    const board = document.querySelector('[data-testid="pillars-board"]');
    if (!board) throw new Error('no pillars board');
    // The rim has radius 1 in board units, whatever the drawing's frame (laptop or phone).
    const rim = board.querySelector('.radial .rim').getBoundingClientRect();
    const scale = rim.width / 2;
    const [cx, cy] = [rim.left + rim.width / 2, rim.top + rim.height / 2];
    const out = {};
    for (const el of board.querySelectorAll('[data-testid^="dot-"], [data-testid^="own-dot-"]')) {
        const s = el.dataset.strength;
        if (!s) continue;
        const id = el.dataset.testid.replace(/^own-/, '');
        const pillar = Number(id.split('-p')[1]);
        const angle = -Math.PI / 2 + pillar * Math.PI / 4;
        const r = el.getBoundingClientRect();
        const [x, y] = [(r.left + r.width / 2 - cx) / scale, (r.top + r.height / 2 - cy) / scale];
        const along = x * Math.cos(angle) + y * Math.sin(angle);
        out[id] = [Number(s), 100 * (1 - (along - 0.16) / 0.84)];
    }
    return out;
"#;

/// (participant, pillar) → strength.
type PillarPlaces = BTreeMap<(u32, usize), u8>;

/// The strengths `browser` shows; a dot drawn more than 3 points away from its `data-strength` is
/// an error (not yet: it may still be gliding there).
async fn pillar_places(browser: &Browser) -> Result<PillarPlaces> {
    let dots = browser.js(PILLAR_DOTS).await?;
    let mut out = BTreeMap::new();
    for (testid, value) in dots.as_object().context("no dots")? {
        let rest = testid.strip_prefix("dot-").context("odd test id")?;
        let (id, pillar) = rest.split_once("-p").context("odd test id")?;
        let strength = value[0].as_u64().context("strength")?;
        let drawn = value[1].as_f64().context("drawn")?;
        ensure!(
            (drawn - strength as f64).abs() <= 3.0,
            "{}: {testid} has data-strength {strength} but is drawn at {drawn:.1}",
            browser.label()
        );
        out.insert((id.parse()?, pillar.parse()?), u8::try_from(strength)?);
    }
    Ok(out)
}

/// Pien by finger, Kees by keyboard and Mila by mouse on the pillars board; then the results.
pub async fn finger_keyboard_and_mouse(h: Harness) -> Result<()> {
    let table = Table::at_step(&h, "Pijlers", &["ambition", "drives", "pillars"]).await?;
    let Table {
        facilitator,
        screen,
        pien,
        kees,
        mila,
    } = &table;
    let finger = finger();
    let mouse = DragOptions::default();
    // Pien, by touch: Tijd (4) pulled in towards the core; Kennisdeling (6) halfway.
    drag_pillar(pien, PIEN, 4, 0.3, finger).await?;
    drag_pillar(pien, PIEN, 6, 0.6, finger).await?;
    // Kees, keyboard only: Communicatie (0) down to 30, Tijd (4) up to 65, Samenwerking (1)
    // up to 80, later back to 70.
    key_pillar(kees, 0, -4).await?;
    key_pillar(kees, 4, 3).await?;
    key_pillar(kees, 1, 6).await?;
    wait_attr(kees, &tid("own-dot-2-p1"), "data-strength", "80").await?;
    // The slider takes End and Page Down too; the arrows go on from where it lies.
    focus(kees, &tid("pillar-key-1")).await?;
    press(kees, &[Key::End]).await?;
    wait_attr(kees, &tid("own-dot-2-p1"), "data-strength", "100").await?;
    press(kees, &[Key::PageDown]).await?;
    wait_attr(kees, &tid("own-dot-2-p1"), "data-strength", "90").await?;
    key_pillar(kees, 1, -4).await?;
    // Mila, mouse: Communicatie (0) a little inside the middle ring, Capaciteit (2) near the rim.
    drag_pillar(mila, MILA, 0, 0.5, mouse).await?;
    drag_pillar(mila, MILA, 2, 0.92, mouse).await?;

    // Each owner's own view, once their commands are answered.
    let expected_keys: Vec<(u32, usize)> = vec![
        (PIEN, 4),
        (PIEN, 6),
        (KEES, 0),
        (KEES, 1),
        (KEES, 4),
        (MILA, 0),
        (MILA, 2),
    ];
    let mut placed = PillarPlaces::new();
    for (browser, me) in [(pien, PIEN), (kees, KEES), (mila, MILA)] {
        let wanted: Vec<usize> = expected_keys
            .iter()
            .filter(|(id, _)| *id == me)
            .map(|(_, p)| *p)
            .collect();
        let own = wait_some(
            &format!("{} to have placed pillars {wanted:?}", browser.label()),
            TIMEOUT,
            || async {
                let all = pillar_places(browser).await?;
                let own: PillarPlaces = all.into_iter().filter(|((id, _), _)| *id == me).collect();
                let pillars: Vec<usize> = own.keys().map(|(_, p)| *p).collect();
                Ok((pillars == wanted).then_some(own))
            },
        )
        .await?;
        placed.extend(own);
    }
    println!("pillar strengths placed: {placed:?}");
    ensure!(
        placed[&(KEES, 0)] == 30 && placed[&(KEES, 4)] == 65 && placed[&(KEES, 1)] == 70,
        "keyboard steps of 5 from 50: {placed:?}"
    );
    ensure!(
        placed[&(PIEN, 4)] >= 70,
        "Pien's Tijd was pulled towards the core (radius 0.3): {placed:?}"
    );
    ensure!(
        (35..=65).contains(&placed[&(PIEN, 6)])
            && (45..=75).contains(&placed[&(MILA, 0)])
            && placed[&(MILA, 2)] <= 20,
        "strengths where the pointers let go: {placed:?}"
    );

    // Every screen draws the same strengths.
    for browser in table.all() {
        wait_equal(
            &format!("{} to show the same pillar strengths", browser.label()),
            &placed,
            || pillar_places(browser),
        )
        .await?;
    }

    // Results: each side's median (min–max), the gap, the weakest pillars. On the shared screen
    // they take the board's place, so its dots are read first.
    let seen = pillar_places(screen).await?;
    click(facilitator, &tid("toggle-results")).await?;
    screen.wait_for(&tid("pillar-results")).await?;
    let values = |pillar: usize, side: Option<&str>| -> Vec<u8> {
        seen.iter()
            .filter(|((id, p), _)| *p == pillar && side.is_none_or(|s| side_of(*id) == s))
            .map(|(_, v)| *v)
            .collect()
    };
    let overall: Vec<(usize, f64)> = (0..8)
        .filter_map(|p| median(&values(p, None)).map(|m| (p, m)))
        .collect();
    let weak = weakest(&overall);
    for pillar in 0..8 {
        for side in ["network", "management"] {
            let want = median_text(&values(pillar, Some(side)));
            let cell = tid(&format!("median-{pillar}-{side}"));
            screen.wait_for_text(&cell, &want).await?;
            let got = screen.find_css(&cell).await?.text().await?;
            ensure!(got.trim() == want, "{cell}: {got:?}, want {want:?}");
        }
        let gap = gap_text(
            median(&values(pillar, Some("network")))
                .zip(median(&values(pillar, Some("management"))))
                .map(|(n, m)| n - m),
        );
        let got = screen
            .find_css(&tid(&format!("gap-{pillar}")))
            .await?
            .text()
            .await?;
        ensure!(got.trim() == gap, "gap-{pillar}: {got:?}, want {gap:?}");
        wait_attr(
            screen,
            &tid(&format!("pillar-result-{pillar}")),
            "data-weak",
            &weak.contains(&pillar).to_string(),
        )
        .await?;
    }
    println!("overall medians {overall:?}; weakest {weak:?}");
    ensure!(
        weak.len() >= 3 && weak.len() < overall.len(),
        "the weakest should be a real choice: {overall:?}"
    );
    // The participants see the results only now that they are shown; the screen's text
    // equals the facilitator's.
    kees.wait_for(&tid("pillar-results")).await?;
    let on_screen = screen
        .find_css(&tid("pillar-results"))
        .await?
        .text()
        .await?;
    let for_facilitator = facilitator
        .find_css(&tid("pillar-results"))
        .await?
        .text()
        .await?;
    ensure!(
        on_screen == for_facilitator,
        "results differ:\n{on_screen}\n---\n{for_facilitator}"
    );
    table.check_pointers().await?;
    Ok(())
}
