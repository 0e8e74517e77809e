//! Taking someone out of the session from the facilitator's laptop: it asks first, it can be
//! undone for ten seconds (nothing reaches the server meanwhile), and the removed person's phone
//! says what happened. The spotlight is lit from the same rail and seen in its preview of the
//! shared screen.

use super::devices::LAPTOP;
use anyhow::{Result, ensure};
use koersbord_e2e::page::{click, join, select_value, text_content, tid, wait_phase};
use koersbord_e2e::remote::{Remote, send_commands};
use koersbord_e2e::{Browser, Harness, Viewport, wait_until};
use koersbord_shared::protocol::{join_link, room_link};
use koersbord_shared::room::Command;
use koersbord_shared::{Phase, Side};
use std::time::Duration;

async fn count(page: &Browser, css: &str) -> Result<u64> {
    let script = format!("return document.querySelectorAll('{css}').length");
    Ok(page.js(&script).await?.as_u64().unwrap_or(0))
}

pub async fn remove_with_undo(h: Harness) -> Result<()> {
    let s = h
        .create_session("Terug", "Samen sterker", ["Doel 1", "Doel 2"])
        .await?;
    let laptop = h.browser("facilitator", LAPTOP).await?;
    laptop.goto(&room_link(&s.room, &s.facilitator_key)).await?;
    let phone = h.browser("bram-phone", Viewport::PHONE).await?;
    let bram = join(
        &phone,
        &join_link(&s.room, &s.join_key),
        "Bram",
        "management",
    )
    .await?;
    Remote::join(&laptop, &s.room, &s.join_key, "Anna", Side::Network).await?;
    let person = tid(&format!("person-{bram}"));
    laptop.wait_for(&person).await?;

    // Asked first; "no" changes nothing.
    click(&laptop, &tid(&format!("remove-{bram}"))).await?;
    laptop.wait_for(&tid(&format!("remove-ask-{bram}"))).await?;
    click(&laptop, &tid(&format!("remove-no-{bram}"))).await?;
    ensure!(count(&laptop, &tid(&format!("remove-ask-{bram}"))).await? == 0);

    // Confirmed, then undone within the ten seconds: Bram stays, on every screen.
    click(&laptop, &tid(&format!("remove-{bram}"))).await?;
    click(&laptop, &tid(&format!("remove-yes-{bram}"))).await?;
    laptop.wait_for(&tid(&format!("removing-{bram}"))).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    click(&laptop, &tid(&format!("undo-remove-{bram}"))).await?;
    tokio::time::sleep(Duration::from_secs(10)).await;
    ensure!(count(&laptop, &person).await? == 1, "undone, yet Bram went");
    ensure!(
        count(&phone, &tid("join-form")).await? == 0,
        "undone, yet Bram's phone left the room"
    );

    // Confirmed and left alone: after ten seconds Bram is out, and his phone says why.
    click(&laptop, &tid(&format!("remove-{bram}"))).await?;
    click(&laptop, &tid(&format!("remove-yes-{bram}"))).await?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    ensure!(
        count(&laptop, &person).await? == 1,
        "removed before the ten seconds to undo were over"
    );
    wait_until("Bram to be gone", Duration::from_secs(10), || async {
        Ok(count(&laptop, &person).await? == 0)
    })
    .await?;
    phone.wait_for(&tid("removed-notice")).await?;
    phone.wait_for(&tid("join-form")).await?;
    phone.screenshot("removed").await?;

    // The spotlight from the rail, seen in the rail's preview of the shared screen.
    let steps = [Phase::Ambition, Phase::Drives].map(|phase| Command::GoToPhase { phase });
    send_commands(&laptop, &s.room, &s.facilitator_key, None, &steps).await?;
    wait_phase(&[&laptop], "drives").await?;
    select_value(&laptop, &tid("spotlight-pick"), "d3").await?;
    let in_preview = "return !!document.querySelector('[data-testid=screen-preview] iframe')
        ?.contentDocument?.querySelector('[data-testid=spotlight][data-on=d3]')";
    wait_until(
        "the spotlight in the preview",
        Duration::from_secs(10),
        || async { Ok(laptop.js(in_preview).await? == true) },
    )
    .await?;
    // The preview is connected, and it is not a shared screen in the room.
    let others = text_content(&laptop, &tid("others-connected")).await?;
    ensure!(others.contains("Gedeeld scherm: 0"), "{others:?}");
    laptop.screenshot("spotlight").await?;
    click(&laptop, &tid("spotlight-off")).await?;
    wait_until("the spotlight to end", Duration::from_secs(10), || async {
        Ok(laptop.js(in_preview).await? == false)
    })
    .await?;
    Ok(())
}
