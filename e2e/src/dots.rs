//! Placing one's own dots on the two boards as a person does: by pointer (mouse, finger, pen) or
//! with the keyboard. Each helper performs the input only; wait for the outcome (a `data-slot` or
//! `data-strength`) with [`crate::page::wait_attr`].

use crate::browser::Browser;
use crate::page::{focus, press, scroll_to, tid};
use crate::pointer::{DragOptions, drag_by_with, drag_to_with};
use anyhow::{Context, Result};
use fantoccini::key::Key;
use serde_json::json;
use std::f64::consts::{FRAC_PI_2, FRAC_PI_4};

/// Drags one's own dot of drive `drive` (0..8) into `slot` (1 noodzakelijk, 2 belangrijk,
/// 3 neutraal, 0 the tray) with a pointer.
pub async fn drag_drive(
    browser: &Browser,
    drive: usize,
    slot: u8,
    options: DragOptions,
) -> Result<()> {
    let own = tid(&format!("own-dot-d{drive}"));
    scroll_to(browser, &own).await?;
    let dot = browser.find_css(&own).await?;
    let cell = browser
        .find_css(&tid(&format!("cell-{drive}-{slot}")))
        .await?;
    drag_to_with(browser, &dot, &cell, options).await
}

/// Carries one's own dot of drive `drive` `steps` zones to the right of where it lies with the
/// keyboard: focus, Enter, → × `steps`, Enter.
pub async fn key_drive(browser: &Browser, drive: usize, steps: usize) -> Result<()> {
    focus(browser, &tid(&format!("own-dot-d{drive}"))).await?;
    let mut keys = vec![Key::Enter];
    keys.extend(std::iter::repeat_n(Key::Right, steps));
    keys.push(Key::Enter);
    press(browser, &keys).await
}

/// Sets one's own pillar `pillar` with the keyboard: pick up (at 50 when unplaced, else where it
/// lies), `ups` steps of 5 towards the core (negative: towards the rim), put down.
pub async fn key_pillar(browser: &Browser, pillar: usize, ups: i32) -> Result<()> {
    focus(browser, &tid(&format!("pillar-key-{pillar}"))).await?;
    let arrow = if ups >= 0 { Key::Up } else { Key::Down };
    let mut keys = vec![Key::Enter];
    keys.extend(std::iter::repeat_n(arrow, ups.unsigned_abs() as usize));
    keys.push(Key::Enter);
    press(browser, &keys).await
}

/// The pixel offset from the centre of the element `arguments[0]` to the board point
/// `arguments[1]` of the radial board (the core at (0, 0), the rim at radius 1).
const OFFSET_TO_BOARD_POINT: &str = r#"
    // The rim has radius 1 in board units, whatever the drawing's frame (laptop or phone).
    const r = document.querySelector('[data-testid="pillars-svg"] .rim').getBoundingClientRect();
    const dot = document.querySelector(arguments[0]);
    const scale = r.width / 2;
    const d = dot.getBoundingClientRect();
    const [x, y] = arguments[1];
    return [
        r.left + r.width / 2 + x * scale - (d.left + d.width / 2),
        r.top + r.height / 2 + y * scale - (d.top + d.height / 2),
    ];
"#;

/// Drags participant `me`'s own dot of pillar `pillar` from where it lies to `radius` along its
/// spoke (0 the centre, 1 the rim) with a pointer. The strength it lands on is read back from the
/// dot's `data-strength`.
pub async fn drag_pillar(
    browser: &Browser,
    me: u32,
    pillar: usize,
    radius: f64,
    options: DragOptions,
) -> Result<()> {
    scroll_to(browser, &tid("pillars-svg")).await?;
    let own = tid(&format!("own-dot-{me}-p{pillar}"));
    let angle = -FRAC_PI_2 + pillar as f64 * FRAC_PI_4;
    let point = [angle.cos() * radius, angle.sin() * radius];
    let offset = browser
        .execute(OFFSET_TO_BOARD_POINT, vec![json!(own), json!(point)])
        .await?;
    let (dx, dy) = (
        offset[0].as_f64().context("dx")?,
        offset[1].as_f64().context("dy")?,
    );
    let dot = browser.find_css(&own).await?;
    drag_by_with(browser, &dot, dx.round(), dy.round(), options).await
}
