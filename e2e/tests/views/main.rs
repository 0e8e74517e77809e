//! Each device as its own view, measured at the sizes people use: the shared screen on a
//! projector through a whole session with a full room, and the pillar sliders under a thumb. Screenshots of every step go to
//! `target/e2e-screenshots/` for a person to look at.

/// The start of both measuring scripts: what is shown, how an element is named in a failure, the
/// smallest text (the letters on dots and tallies are shapes, not text; SVG text is measured by
/// its box) and the text boxes that cut their text off.
macro_rules! text_measure {
    () => {
        r#"
    const shown = (el) => {
        const r = el.getBoundingClientRect();
        if (r.width < 1 || r.height < 1) return false;
        const s = getComputedStyle(el);
        return s.visibility !== 'hidden' && s.opacity !== '0';
    };
    const label = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.textContent.trim().slice(0, 40)}"`;
    let smallest = { px: Infinity, what: '' };
    const cut = [];
    for (const el of document.querySelectorAll('body *')) {
        if (!shown(el) || el.closest('.dot, .radial-dot, .tally, .qr, .sr-only, iframe')) continue;
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own) continue;
        // SVG text is sized in the drawing's units: its box's height is its size on screen.
        const px = el instanceof SVGElement
            ? el.getBoundingClientRect().height
            : parseFloat(getComputedStyle(el).fontSize);
        if (px < smallest.px) smallest = { px, what: label(el) };
        if (!(el instanceof SVGElement) && !['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)
            && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 2)
            && getComputedStyle(el).overflow !== 'visible') {
            cut.push(label(el));
        }
    }
"#
    };
}

/// Participant number `i`'s eight pillar placements, spread over the whole scale so every board
/// shows strong, middling and weak dots.
fn spread_pillars(i: usize) -> Vec<koersbord_shared::room::Command> {
    koersbord_shared::Pillar::ALL
        .into_iter()
        .enumerate()
        .map(|(k, pillar)| koersbord_shared::room::Command::PlacePillar {
            pillar,
            strength: koersbord_shared::Strength::new(((i * 13 + k * 29) % 101) as u8),
        })
        .collect()
}

/// A room in Drijfveren with the facilitator on a laptop, Anna (learning network) on a phone and
/// Bram (management) on a laptop, both joined through the page.
struct TwoPlacing {
    session: koersbord_shared::protocol::SessionCreated,
    laptop: koersbord_e2e::Browser,
    anna: koersbord_e2e::Browser,
    bram: koersbord_e2e::Browser,
    anna_id: u32,
    bram_id: u32,
}

async fn two_placing_drives(h: &koersbord_e2e::Harness, title: &str) -> Result<TwoPlacing> {
    use koersbord_e2e::page::{join, wait_phase};
    use koersbord_shared::protocol::{join_link, room_link};
    let s = h
        .create_session(title, "Samen sterker", ["Doel 1", "Doel 2"])
        .await?;
    let laptop = h.browser("facilitator", Viewport::DESKTOP).await?;
    laptop.goto(&room_link(&s.room, &s.facilitator_key)).await?;
    let anna = h.browser("anna-phone", Viewport::PHONE).await?;
    let bram = h.browser("bram-laptop", Viewport::DESKTOP).await?;
    let link = join_link(&s.room, &s.join_key);
    let anna_id = join(&anna, &link, "Anna", "network").await?;
    let bram_id = join(&bram, &link, "Bram", "management").await?;
    let steps: Vec<koersbord_shared::room::Command> = [
        koersbord_shared::Phase::Ambition,
        koersbord_shared::Phase::Drives,
    ]
    .into_iter()
    .map(|phase| koersbord_shared::room::Command::GoToPhase { phase })
    .collect();
    koersbord_e2e::remote::send_commands(&laptop, &s.room, &s.facilitator_key, None, &steps)
        .await?;
    wait_phase(&[&anna, &bram, &laptop], "drives").await?;
    Ok(TwoPlacing {
        session: s,
        laptop,
        anna,
        bram,
        anna_id,
        bram_id,
    })
}

mod choose;
mod devices;
mod fit;
mod heard;
mod phone;
mod projector;
mod reach;
mod removal;

use anyhow::Result;
use koersbord_e2e::{Viewport, run};

#[test]
fn the_projector_shows_every_step_whole_at_1920x1080() -> Result<()> {
    run("projector_1920x1080", |h| projector::walk(h, 1920, 1080))
}

#[test]
fn the_projector_shows_every_step_whole_at_1280x720() -> Result<()> {
    run("projector_1280x720", |h| projector::walk(h, 1280, 720))
}

#[test]
fn the_pillar_sliders_answer_a_finger_on_a_390_px_phone() -> Result<()> {
    run("pillar_sliders_390", |h| {
        phone::pillar_sliders_by_touch(h, Viewport::PHONE)
    })
}

#[test]
fn the_pillar_sliders_answer_a_finger_on_a_320_px_phone() -> Result<()> {
    let small = Viewport {
        width: 320,
        height: 640,
        ..Viewport::PHONE
    };
    run("pillar_sliders_320", move |h| {
        phone::pillar_sliders_by_touch(h, small)
    })
}

#[test]
fn drive_dots_go_where_a_finger_taps_or_a_mouse_clicks() -> Result<()> {
    run("drive_zones_by_tap", phone::drive_zones_by_tap_and_click)
}

#[test]
fn every_step_fits_a_390_px_phone_and_the_facilitators_laptop() -> Result<()> {
    run("devices_390", |h| {
        devices::walk(h, Viewport::PHONE, true, false)
    })
}

#[test]
fn every_step_fits_a_320_px_phone_and_the_laptop_in_english() -> Result<()> {
    let small = Viewport {
        width: 320,
        height: 640,
        ..Viewport::PHONE
    };
    run("devices_320", move |h| devices::walk(h, small, true, true))
}

#[test]
fn removing_someone_asks_first_can_be_undone_and_tells_their_phone() -> Result<()> {
    run("removal", removal::remove_with_undo)
}

#[test]
fn a_first_placement_is_seen_live_before_the_finger_lets_go() -> Result<()> {
    run("first_placement_live", phone::first_placement_moves_live)
}

#[test]
fn a_screen_reader_hears_what_changes_and_focus_stays_on_the_page() -> Result<()> {
    run("heard", heard::announcements_and_focus)
}

#[test]
fn a_dot_is_put_in_place_by_a_tap_a_click_or_keys_through_its_choice() -> Result<()> {
    run("put_in", choose::put_in_by_tap_click_and_keys)
}

#[test]
fn the_list_view_says_who_placed_what_as_the_board_shows() -> Result<()> {
    run("list_view", choose::the_list_view_says_what_the_board_shows)
}
