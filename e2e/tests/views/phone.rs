//! Placing without dragging. A participant's phone in Innoveren & Samen leren: every pillar's
//! slider answers a finger, a tap places a dot that was never placed, the facilitator's board shows
//! the same strengths, and the page never scrolls sideways, at 390 and at 320 px wide. In
//! Drijfveren a tap (phone) or a click (laptop) on a zone puts one's own dot there.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::fantoccini::actions::{MOUSE_BUTTON_LEFT, PointerAction};
use koersbord_e2e::page::{join, scroll_to, tid, wait_attr, wait_phase};
use koersbord_e2e::pointer::perform;
use koersbord_e2e::remote::send_commands;
use koersbord_e2e::{Browser, Harness, Locator, PointerKind, Viewport};
use koersbord_shared::Phase;
use koersbord_shared::protocol::{join_link, room_link};
use koersbord_shared::room::Command;

/// A finger down and up at `fraction` of the element's width, on its middle line.
async fn tap_at(browser: &Browser, css: &str, fraction: f64) -> Result<()> {
    press_at(browser, css, fraction, PointerKind::Touch).await
}

/// A pointer of `kind` down and up at `fraction` of the element's width, on its middle line.
pub(super) async fn press_at(
    browser: &Browser,
    css: &str,
    fraction: f64,
    kind: PointerKind,
) -> Result<()> {
    let element = browser.find(Locator::Css(css)).await?;
    let (_, _, width, _) = element.rectangle().await?;
    let actions = vec![
        // WebDriver offsets are from the element's centre.
        PointerAction::MoveToElement {
            element,
            duration: None,
            x: (fraction - 0.5) * width,
            y: 0.0,
        },
        PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        },
        PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        },
    ];
    perform(browser, kind, actions).await
}

pub async fn pillar_sliders_by_touch(h: Harness, phone: Viewport) -> Result<()> {
    let s = h
        .create_session("Duim", "Samen sterker", ["Doel 1", "Doel 2"])
        .await?;
    let laptop = h.browser("facilitator", Viewport::DESKTOP).await?;
    laptop.goto(&room_link(&s.room, &s.facilitator_key)).await?;
    let anna = h.browser(&format!("phone-{}", phone.width), phone).await?;
    let me = join(&anna, &join_link(&s.room, &s.join_key), "Anna", "network").await?;
    let steps: Vec<Command> = [Phase::Ambition, Phase::Drives, Phase::Pillars]
        .into_iter()
        .map(|phase| Command::GoToPhase { phase })
        .collect();
    send_commands(&laptop, &s.room, &s.facilitator_key, None, &steps).await?;
    wait_phase(&[&anna, &laptop], "pillars").await?;

    // Each pillar by a tap somewhere else along its slider: never placed before.
    for pillar in 0..8usize {
        let slider = tid(&format!("pillar-key-{pillar}"));
        scroll_to(&anna, &slider).await?;
        let fraction = 0.1 + 0.1 * pillar as f64;
        tap_at(&anna, &slider, fraction).await?;
        let own = tid(&format!("own-dot-{me}-p{pillar}"));
        koersbord_e2e::wait_until(
            "the tap to place the dot",
            koersbord_e2e::TIMEOUT,
            || async {
                Ok(anna
                    .find(Locator::Css(&own))
                    .await?
                    .attr("data-strength")
                    .await?
                    .is_some_and(|v| !v.is_empty()))
            },
        )
        .await
        .with_context(|| format!("pillar {pillar}: a tap placed nothing"))?;
        let value: u32 = anna
            .find(Locator::Css(&own))
            .await?
            .attr("data-strength")
            .await?
            .unwrap_or_default()
            .parse()?;
        let want = fraction * 100.0;
        ensure!(
            (f64::from(value) - want).abs() <= 12.0,
            "pillar {pillar}: tapped at {want:.0} %, placed at {value}"
        );
        // The facilitator's board has it where the phone does.
        wait_attr(
            &laptop,
            &tid(&format!("dot-{me}-p{pillar}")),
            "data-strength",
            &value.to_string(),
        )
        .await?;
    }
    anna.screenshot("pillar-sliders").await?;
    let widths = anna
        .js("return [document.documentElement.scrollWidth, innerWidth]")
        .await?;
    ensure!(
        widths[0] == widths[1],
        "the phone scrolls sideways: [page, screen] = {widths}"
    );
    let target = anna
        .js("const r = document.querySelector('[data-testid=pillar-key-0]').getBoundingClientRect();
             return [r.width, r.height]")
        .await?;
    ensure!(
        target[1].as_f64().unwrap_or(0.0) >= 44.0,
        "the slider is {target} px: too small for a thumb"
    );
    Ok(())
}

/// Anna by finger on a phone and Bram by mouse on a laptop put every drive dot in a zone without
/// dragging; the facilitator's board shows each where it was put.
pub async fn drive_zones_by_tap_and_click(h: Harness) -> Result<()> {
    let super::TwoPlacing {
        laptop,
        anna,
        bram,
        anna_id,
        bram_id,
        ..
    } = super::two_placing_drives(&h, "Tik").await?;
    for (who, id, kind, shift) in [
        (&anna, anna_id, PointerKind::Touch, 0),
        (&bram, bram_id, PointerKind::Mouse, 1),
    ] {
        for drive in 0..8usize {
            let slot = 1 + (drive + shift) % 3;
            let cell = tid(&format!("cell-{drive}-{slot}"));
            scroll_to(who, &cell).await?;
            // Beside the middle, where no dot of the others' rests.
            press_at(who, &cell, 0.9, kind).await?;
            let own = tid(&format!("own-dot-d{drive}"));
            wait_attr(who, &own, "data-slot", &slot.to_string())
                .await
                .with_context(|| format!("{}: drive {drive} by {kind:?}", who.label()))?;
            wait_attr(
                &laptop,
                &tid(&format!("dot-{id}-d{drive}")),
                "data-slot",
                &slot.to_string(),
            )
            .await?;
        }
    }
    anna.screenshot("drive-zones-by-tap").await?;
    Ok(())
}

/// A pillar dot that was never placed, moved by a finger on its slider: the facilitator's board
/// shows it moving before the finger lets go, then where it lands.
pub async fn first_placement_moves_live(h: Harness) -> Result<()> {
    let s = h
        .create_session("Live", "Samen sterker", ["Doel 1", "Doel 2"])
        .await?;
    let laptop = h.browser("facilitator", Viewport::DESKTOP).await?;
    laptop.goto(&room_link(&s.room, &s.facilitator_key)).await?;
    let anna = h.browser("anna-phone", Viewport::PHONE).await?;
    let me = join(&anna, &join_link(&s.room, &s.join_key), "Anna", "network").await?;
    let steps: Vec<Command> = [Phase::Ambition, Phase::Drives, Phase::Pillars]
        .into_iter()
        .map(|phase| Command::GoToPhase { phase })
        .collect();
    send_commands(&laptop, &s.room, &s.facilitator_key, None, &steps).await?;
    wait_phase(&[&anna, &laptop], "pillars").await?;
    let slider = tid("pillar-key-4");
    scroll_to(&anna, &slider).await?;
    let element = anna.find(Locator::Css(&slider)).await?;
    let (_, _, width, _) = element.rectangle().await?;
    // One unbroken touch, slow enough (1.5 s) that the facilitator's board is watched during it.
    let mut touch = vec![
        PointerAction::MoveToElement {
            element,
            duration: None,
            x: -0.3 * width,
            y: 0.0,
        },
        PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        },
    ];
    for _ in 0..10 {
        touch.push(PointerAction::MoveBy {
            duration: Some(std::time::Duration::from_millis(150)),
            x: (0.06 * width).round(),
            y: 0.0,
        });
    }
    touch.push(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    let ghost = tid(&format!("dot-{me}-p4"));
    let moving = format!("{ghost}.dragging");
    let watch = async {
        laptop
            .wait_for(&moving)
            .await
            .context("the first placement, mid-drag, on the facilitator's board")?;
        let strength = laptop
            .find(Locator::Css(&moving))
            .await?
            .attr("data-strength")
            .await?;
        ensure!(
            strength.unwrap_or_default().is_empty(),
            "the dot counts as placed before the finger let go"
        );
        Ok(())
    };
    let (touched, watched) = tokio::join!(perform(&anna, PointerKind::Touch, touch), watch);
    touched?;
    watched?;
    koersbord_e2e::wait_until(
        "the drop on the facilitator's board",
        koersbord_e2e::TIMEOUT,
        || async {
            Ok(laptop
                .find(Locator::Css(&ghost))
                .await?
                .attr("data-strength")
                .await?
                .is_some_and(|v| !v.is_empty()))
        },
    )
    .await?;
    Ok(())
}
