//! No one has to drag, and no one has to look. In Drijfveren one's own dot opens a "zet in" choice
//! when it is tapped (phone), clicked (laptop) or asked for by key (`M`); a drag does not open it.
//! Two people of one side whose names start alike carry different letters. The list view says, per
//! drive and pillar and per side, who put their dot where: the same as the board.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::axe;
use koersbord_e2e::fantoccini::key::Key;
use koersbord_e2e::page::{
    click, focus, focused, join, press, press_char, scroll_to, text_content, tid, wait_attr,
    wait_count, wait_phase, wait_text_content,
};
use koersbord_e2e::pointer::drag_to;
use koersbord_e2e::remote::{Remote, send_commands};
use koersbord_e2e::{Browser, Harness, PointerKind, Viewport, wait_until};
use koersbord_shared::protocol::{join_link, room_link};
use koersbord_shared::room::Command;
use koersbord_shared::{Drive, Phase, Pillar, Side, Strength, Zone};
use std::time::Duration;

/// A pointer of `kind` down and up on the middle of `css`.
async fn tap(browser: &Browser, css: &str, kind: PointerKind) -> Result<()> {
    super::phone::press_at(browser, css, 0.5, kind).await
}

/// Waits until the text of `css` contains `part`.
async fn wait_says(browser: &Browser, css: &str, part: &str) -> Result<()> {
    wait_until(
        &format!("{}: `{css}` to say {part:?}", browser.label()),
        Duration::from_secs(10),
        || async {
            Ok(text_content(browser, css)
                .await
                .is_ok_and(|t| t.contains(part)))
        },
    )
    .await
}

/// Opens drive `drive`'s choice on `who` by `kind`, picks `slot`, and checks where the dot went,
/// on `who`'s board and on the facilitator's.
async fn put_in(
    who: &Browser,
    laptop: &Browser,
    id: u32,
    drive: usize,
    slot: usize,
    kind: PointerKind,
) -> Result<()> {
    let own = tid(&format!("own-dot-d{drive}"));
    scroll_to(who, &own).await?;
    tap(who, &own, kind).await?;
    let choice = tid(&format!("put-in-{drive}-{slot}"));
    wait_count(who, "the zet-in choice", &choice, 1)
        .await
        .with_context(|| format!("{}: a {kind:?} tap on drive {drive}", who.label()))?;
    tap(who, &choice, kind).await?;
    wait_attr(who, &own, "data-slot", &slot.to_string()).await?;
    wait_attr(
        laptop,
        &tid(&format!("dot-{id}-d{drive}")),
        "data-slot",
        &slot.to_string(),
    )
    .await?;
    wait_count(who, "the closed choice", ".put-in", 0).await?;
    ensure!(
        focused(who).await? == format!("own-dot-d{drive}"),
        "focus did not return to the dot"
    );
    Ok(())
}

pub async fn put_in_by_tap_click_and_keys(h: Harness) -> Result<()> {
    let super::TwoPlacing {
        session: s,
        laptop,
        anna,
        bram,
        anna_id,
        bram_id,
    } = super::two_placing_drives(&h, "Kiezen").await?;
    let bea = Remote::join(&laptop, &s.room, &s.join_key, "Bea", Side::Management).await?;

    // A finger on the phone, a mouse on the laptop: tap the dot, tap the place.
    put_in(&anna, &laptop, anna_id, 0, 1, PointerKind::Touch).await?;
    put_in(&anna, &laptop, anna_id, 5, 3, PointerKind::Touch).await?;
    put_in(&bram, &laptop, bram_id, 1, 2, PointerKind::Mouse).await?;
    anna.screenshot("put-in-phone").await?;

    // By keys: M opens it on the dot's place now, Tab walks the places, Enter takes one.
    focus(&bram, &tid("own-dot-d2")).await?;
    press_char(&bram, 'm').await?;
    wait_count(&bram, "the zet-in choice", &tid("put-in-2"), 1).await?;
    bram.screenshot("put-in-laptop").await?;
    ensure!(
        focused(&bram).await? == "put-in-2-0",
        "focus is not on the tray, where the dot is: {}",
        focused(&bram).await?
    );
    press(&bram, &[Key::Tab, Key::Tab, Key::Enter]).await?;
    wait_attr(&bram, &tid("own-dot-d2"), "data-slot", "2").await?;
    ensure!(focused(&bram).await? == "own-dot-d2", "focus left the dot");
    // Escape closes it and changes nothing.
    focus(&bram, &tid("own-dot-d3")).await?;
    press_char(&bram, 'm').await?;
    wait_count(&bram, "the zet-in choice", &tid("put-in-3"), 1).await?;
    press(&bram, &[Key::Escape]).await?;
    wait_count(&bram, "the closed choice", ".put-in", 0).await?;
    ensure!(
        focused(&bram).await? == "own-dot-d3",
        "Escape lost the focus"
    );
    wait_attr(&bram, &tid("own-dot-d3"), "data-slot", "0").await?;

    // A drag places without opening the choice.
    let dot = bram.find_css(&tid("own-dot-d4")).await?;
    let target = bram.find_css(&tid("cell-4-3")).await?;
    drag_to(bram.client(), &dot, &target).await?;
    wait_attr(&bram, &tid("own-dot-d4"), "data-slot", "3").await?;
    wait_count(&bram, "no choice after a drag", ".put-in", 0).await?;

    // Bram and Bea share a side and a first letter: their dots say Br and Be.
    bea.commands(
        &laptop,
        &[Command::PlaceDrive {
            drive: Drive::ALL[1],
            zone: Some(Zone::Necessary),
        }],
    )
    .await?;
    wait_text_content(&laptop, &tid(&format!("dot-{bram_id}-d1")), "Br").await?;
    wait_says(&laptop, &tid(&format!("person-{bram_id}")), "Br").await?;
    wait_text_content(&laptop, &tid(&format!("dot-{}-d1", bea.id)), "Be").await?;
    wait_text_content(&anna, &tid(&format!("dot-{bram_id}-d1")), "Br").await?;
    laptop.screenshot("initials").await?;
    Ok(())
}

/// The smaller projector.
const PROJECTOR: Viewport = Viewport {
    width: 1280,
    height: 720,
    ..Viewport::SCREEN
};

/// The facilitator's laptop, as in the room.
const LAPTOP: Viewport = Viewport {
    width: 1366,
    height: 768,
    ..Viewport::DESKTOP
};

pub async fn the_list_view_says_what_the_board_shows(h: Harness) -> Result<()> {
    let s = h
        .create_session("Lijst", "Samen sterker", ["Doel 1", "Doel 2"])
        .await?;
    let laptop = h.browser("facilitator", LAPTOP).await?;
    laptop.goto(&room_link(&s.room, &s.facilitator_key)).await?;
    let anna = h.browser("anna-phone", Viewport::PHONE).await?;
    join(&anna, &join_link(&s.room, &s.join_key), "Anna", "network").await?;
    let steps: Vec<Command> = [Phase::Ambition, Phase::Drives]
        .into_iter()
        .map(|phase| Command::GoToPhase { phase })
        .collect();
    send_commands(&laptop, &s.room, &s.facilitator_key, None, &steps).await?;
    wait_phase(&[&anna, &laptop], "drives").await?;
    let mut people = Vec::new();
    for (k, (name, side)) in [
        ("Bram", Side::Management),
        ("Carla", Side::Network),
        ("Daan", Side::Management),
    ]
    .into_iter()
    .enumerate()
    {
        let p = Remote::join(&laptop, &s.room, &s.join_key, name, side).await?;
        // Each places some drives (not all): "nog niet" is said too.
        let places: Vec<Command> = Drive::ALL
            .into_iter()
            .enumerate()
            .filter(|(d, _)| (d + k) % 4 != 0)
            .map(|(d, drive)| Command::PlaceDrive {
                drive,
                zone: Some(Zone::ALL[(d + k) % 3]),
            })
            .collect();
        p.commands(&laptop, &places).await?;
        people.push(p);
    }
    let ids: Vec<u32> = people.iter().map(|p| p.id).collect();
    wait_count(
        &laptop,
        "the dots on the board",
        ".track .dot:not(.absent)",
        18,
    )
    .await?;

    // Read the board's dots, then switch to the list: one choice for both boards.
    let slots = laptop
        .js("return [...document.querySelectorAll('.track .dot[data-testid]')].map(d => d.dataset.testid + '=' + d.dataset.slot)")
        .await?;
    click(&laptop, &tid("list-switch")).await?;
    wait_count(&laptop, "the list", &tid("drives-list"), 1).await?;
    wait_count(&laptop, "the table, gone", ".drive-table", 0).await?;
    ensure!(
        slots.as_array().map_or(0, Vec::len) == 4 * 8,
        "the board had {slots}"
    );
    let zones = ["", "Noodzakelijk", "Belangrijk", "Neutraal"];
    for entry in slots.as_array().into_iter().flatten() {
        let entry = entry.as_str().unwrap_or_default();
        let Some((testid, slot)) = entry.split_once('=') else {
            continue;
        };
        // "dot-7-d3" → list-7-d3
        let Some(rest) = testid.strip_prefix("dot-") else {
            continue;
        };
        let listed = text_content(&laptop, &tid(&format!("list-{rest}"))).await?;
        let want = slot.parse::<usize>().ok().map_or("nog niet", |k| zones[k]);
        ensure!(
            listed.contains(want),
            "{testid}: the board says {want:?}, the list {listed:?}"
        );
    }
    // Everyone who has not placed a drive is listed as not yet.
    let unplaced = laptop
        .js("return [...document.querySelectorAll('[data-testid=drives-list] li')].filter(li => li.textContent.includes('nog niet')).length")
        .await?;
    ensure!(
        unplaced.as_u64() == Some(8 + 3 * 2),
        "Anna's 8 and the others' 2 each are not placed: {unplaced}"
    );
    axe::check(&laptop, "the drives as a list on the laptop").await?;
    laptop.screenshot("drives-list-laptop").await?;

    // The shared screen has no switch of its own: the facilitator lists the board there.
    let screen = h.browser("screen", PROJECTOR).await?;
    screen.goto(&room_link(&s.room, &s.screen_key)).await?;
    wait_count(&screen, "the drawing on the screen", ".drive-table", 1).await?;
    wait_count(&screen, "no switch on the screen", &tid("list-switch"), 0).await?;
    click(&laptop, &tid("toggle-listed")).await?;
    wait_count(&screen, "the list on the screen", &tid("drives-list"), 1).await?;
    wait_says(&screen, &tid(&format!("list-{}-d1", ids[0])), "Bram").await?;
    super::fit::check(&screen, "drives-list", PROJECTOR.width).await?;

    // The phone keeps its own choice; it shows Anna her own and, the board being revealed, the rest.
    click(&anna, &tid("list-switch")).await?;
    wait_count(&anna, "the list", &tid("drives-list"), 1).await?;
    wait_says(&anna, &tid(&format!("list-{}-d1", ids[0])), "Bram").await?;
    axe::check(&anna, "the drives as a list on a phone").await?;
    anna.screenshot("drives-list-phone").await?;

    // The pillars: the same switch shows them as a list of strengths in words.
    send_commands(
        &laptop,
        &s.room,
        &s.facilitator_key,
        None,
        &[Command::GoToPhase {
            phase: Phase::Pillars,
        }],
    )
    .await?;
    wait_phase(&[&anna, &laptop], "pillars").await?;
    people[0]
        .commands(
            &laptop,
            &[Command::PlacePillar {
                pillar: Pillar::ALL[2],
                strength: Strength::new(80),
            }],
        )
        .await?;
    wait_says(
        &laptop,
        &tid(&format!("list-{}-p2", ids[0])),
        "sterk ontwikkeld, 80 van 100",
    )
    .await?;
    wait_says(&laptop, &tid(&format!("list-{}-p3", ids[0])), "nog niet").await?;
    ensure!(
        laptop
            .js("return getComputedStyle(document.querySelector('[data-testid=pillars-svg]')).display")
            .await?
            == "none",
        "the drawing is still shown beside its list"
    );
    axe::check(&laptop, "the pillars as a list on the laptop").await?;
    // The drawing itself, on the screen before it is listed: each spoke says whose dots are on it.
    wait_until("the spoke to name Bram's dot", Duration::from_secs(10), || async {
        let said = screen
            .js("return document.querySelector('[data-testid=pillar-2]').getAttribute('aria-label')")
            .await?;
        Ok(said.as_str() == Some("Capaciteit: Management: Bram 80"))
    })
    .await?;
    click(&laptop, &tid("toggle-listed")).await?;
    wait_says(&screen, &tid(&format!("list-{}-p2", ids[0])), "80").await?;
    super::fit::check(&screen, "pillars-list", PROJECTOR.width).await?;
    Ok(())
}
