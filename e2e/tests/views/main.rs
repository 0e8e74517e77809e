//! Each device as its own view, measured at the sizes people use: the shared screen on a
//! projector through a whole session with a full room. Screenshots of every step go to
//! `target/e2e-screenshots/` for a person to look at.

mod fit;
mod projector;

use anyhow::Result;
use koersbord_e2e::run;

#[test]
fn the_projector_shows_every_step_whole_at_1920x1080() -> Result<()> {
    run("projector_1920x1080", |h| projector::walk(h, 1920, 1080))
}

#[test]
fn the_projector_shows_every_step_whole_at_1280x720() -> Result<()> {
    run("projector_1280x720", |h| projector::walk(h, 1280, 720))
}
