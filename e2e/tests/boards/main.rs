//! The two dot boards, placed on by three kinds of hands: a finger on a phone, a keyboard, a
//! mouse. Every screen agrees on where each dot lies; the facilitator's lock, hide and results
//! switches do what they say; the outcomes equal what was placed.
//!
//! `table` seats the people; `drives` and `pillars` hold each board's test and what it reads
//! from the pages.

mod drives;
mod pillars;
mod table;

use anyhow::Result;
use koersbord_e2e::run;

#[test]
fn the_drives_board_with_finger_keyboard_and_mouse() -> Result<()> {
    run(
        "the_drives_board_with_finger_keyboard_and_mouse",
        drives::finger_keyboard_and_mouse,
    )
}

#[test]
fn the_pillars_board_with_finger_keyboard_and_mouse() -> Result<()> {
    run(
        "the_pillars_board_with_finger_keyboard_and_mouse",
        pillars::finger_keyboard_and_mouse,
    )
}
