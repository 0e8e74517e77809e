//! From insight to action: one whole session, from creating it on the start page to the close, with
//! a full table (four people per side, two of them in a browser of their own, six over the
//! protocol), dots on both boards, the facilitator's insight cards, actions by the facilitator and
//! by participants, closing reflections. Then the harvest is held against what was done: every
//! tally, signal, median, gap and weak pillar, every insight, action and reflection, on the
//! facilitator's, a participant's and the shared screen's harvest; the exports (Markdown, both
//! CSVs, JSON) and a printed PDF; and the harvest again after the server restarted.
//!
//! `plan` is what the people do, `play` does it in the browsers, `expected` is what that should
//! add up to, `harvest` and `exports` hold the harvest page and its files against it, `fit`
//! checks that Inzicht naar Actie fits a phone and the facilitator's laptop.

mod expected;
mod exports;
mod fit;
mod harvest;
mod plan;
mod play;

use anyhow::Result;
use koersbord_e2e::run;
use std::time::Instant;

#[test]
fn a_whole_session_from_create_to_close_and_its_harvest() -> Result<()> {
    run(
        "a_whole_session_from_create_to_close_and_its_harvest",
        |h| async move {
            let started = Instant::now();
            let played = play::session(&h).await?;
            println!("session done after {:?}", started.elapsed());
            harvest::check_everywhere(&h, &played).await?;
            println!(
                "whole session with harvest checks took {:?}",
                started.elapsed()
            );
            Ok(())
        },
    )
}

/// On a phone, Inzicht naar Actie fits the screen once an insight card exists (the "Antwoord op"
/// choice then lists the insight's text).
#[test]
fn inzicht_naar_actie_fits_a_phone() -> Result<()> {
    run("inzicht_naar_actie_fits_a_phone", fit::action_form_fits)
}

/// On the facilitator's laptop, where Inzicht naar Actie has three narrow columns, every field
/// keeps a usable width and no button lies over another control.
#[test]
fn inzicht_naar_actie_fits_the_facilitators_laptop() -> Result<()> {
    run(
        "inzicht_naar_actie_fits_the_facilitators_laptop",
        fit::facilitator_forms_fit,
    )
}

/// The pillar results are whole on the facilitator's laptop and on the shared screen.
#[test]
fn the_pillar_results_fit_the_laptop_and_the_screen() -> Result<()> {
    run(
        "the_pillar_results_fit_the_laptop_and_the_screen",
        fit::pillar_results_fit,
    )
}

/// The lobby on the projector shows the invitation and the ambition without scrolling.
#[test]
fn the_lobby_fits_the_projector() -> Result<()> {
    run(
        "the_lobby_fits_the_projector",
        fit::lobby_fits_the_projector,
    )
}
