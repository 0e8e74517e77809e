//! Each device as its own view, measured at the sizes people use: the shared screen on a
//! projector through a whole session with a full room, and the pillar sliders under a thumb. Screenshots of every step go to
//! `target/e2e-screenshots/` for a person to look at.

mod devices;
mod fit;
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
    run("devices_390", |h| devices::walk(h, Viewport::PHONE, true))
}

#[test]
fn every_step_fits_a_320_px_phone() -> Result<()> {
    let small = Viewport {
        width: 320,
        height: 640,
        ..Viewport::PHONE
    };
    run("devices_320", move |h| devices::walk(h, small, false))
}

#[test]
fn removing_someone_asks_first_can_be_undone_and_tells_their_phone() -> Result<()> {
    run("removal", removal::remove_with_undo)
}

#[test]
fn a_first_placement_is_seen_live_before_the_finger_lets_go() -> Result<()> {
    run("first_placement_live", phone::first_placement_moves_live)
}
