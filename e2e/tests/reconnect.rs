//! Nothing is lost: the server dies in the middle of the drives step (SIGKILL, nothing flushed) and
//! comes back on the same port with the same data. Every open page says the line is down, then
//! recovers by itself, without a reload: every dot is where it was, a dot moved while it was down
//! waits (marked unconfirmed) and then arrives, each participant is still the same person, and the
//! board takes new dots, by keyboard and by mouse, that everyone sees.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::dots::{drag_drive, key_drive};
use koersbord_e2e::page::{advance, join, own_id, tid, wait_attr, wait_reconnected};
use koersbord_e2e::remote::Remote;
use koersbord_e2e::{Browser, DragOptions, Locator, TIMEOUT, Viewport, run};
use koersbord_shared::protocol::join_link;
use koersbord_shared::room::Command;
use koersbord_shared::{Drive, Side, Zone};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ANNA: u32 = 1;
const BRAM: u32 = 2;
const CARLA: u32 = 3;

/// How long a page may take to find the server again: the client's backoff doubles from 250 ms,
/// so after a few seconds down the next attempt can be ~8 s away.
const RECOVERY: Duration = Duration::from_secs(25);

/// (participant, drive index, slot: 1 noodzakelijk, 2 belangrijk, 3 neutraal).
type Dot = (u32, usize, u8);

/// Waits until `browser` (participant `me`, if any) shows each of `dots` in its slot.
async fn sees_dots(browser: &Browser, me: Option<u32>, dots: &[Dot]) -> Result<()> {
    for &(id, drive, slot) in dots {
        let css = if Some(id) == me {
            tid(&format!("own-dot-d{drive}"))
        } else {
            tid(&format!("dot-{id}-d{drive}"))
        };
        wait_attr(browser, &css, "data-slot", &slot.to_string()).await?;
    }
    Ok(())
}

/// Puts a marker on the page's `window`; a reload would lose it.
async fn mark(browser: &Browser) -> Result<Value> {
    browser
        .execute(
            "window.__e2eSurvivor = arguments[0] + ':' + Math.random(); return window.__e2eSurvivor;",
            vec![json!(browser.label())],
        )
        .await
        .map_err(Into::into)
}

#[test]
fn every_page_recovers_from_a_server_crash_without_a_reload() -> Result<()> {
    run(
        "every_page_recovers_from_a_server_crash_without_a_reload",
        |h| async move {
            let started = Instant::now();
            let session = h
                .create_session("Herstel", "Niets gaat verloren", ["Doel 1", "Doel 2"])
                .await?;
            let join_link = join_link(&session.room, &session.join_key);
            let (facilitator, screen) = h.facilitator_and_screen(&session).await?;
            let anna = h.browser("anna", Viewport::DESKTOP).await?;
            let bram = h.browser("bram", Viewport::DESKTOP).await?;
            ensure!(join(&anna, &join_link, "Anna", "network").await? == ANNA);
            ensure!(join(&bram, &join_link, "Bram", "management").await? == BRAM);
            let carla = Remote::join(
                &screen,
                &session.room,
                &session.join_key,
                "Carla",
                Side::Network,
            )
            .await?;
            ensure!(carla.id == CARLA, "Carla is {}", carla.id);
            let everyone = [&facilitator, &screen, &anna, &bram];
            let viewers = [
                (&facilitator, None),
                (&screen, None),
                (&anna, Some(ANNA)),
                (&bram, Some(BRAM)),
            ];

            // The drives step; dots by keyboard, by mouse and over the protocol.
            advance(&facilitator, &everyone, &["ambition", "drives"]).await?;
            key_drive(&anna, 0, 1).await?;
            drag_drive(&bram, 1, 2, DragOptions::default()).await?;
            carla
                .commands(
                    &screen,
                    &[Command::PlaceDrive {
                        drive: Drive::Autonomy,
                        zone: Some(Zone::Neutral),
                    }],
                )
                .await?;
            let mut dots: Vec<Dot> = vec![(ANNA, 0, 1), (BRAM, 1, 2), (CARLA, 2, 3)];
            for (browser, me) in viewers {
                sees_dots(browser, me, &dots).await?;
            }

            let mut markers = Vec::new();
            for browser in everyone {
                markers.push(mark(browser).await?);
            }

            // The server dies. Every page says so.
            h.kill_server().await?;
            let down = Instant::now();
            for browser in everyone {
                koersbord_e2e::wait_for(browser, &tid("reconnecting"), TIMEOUT)
                    .await
                    .with_context(|| {
                        format!("{} does not say the line is down", browser.label())
                    })?;
            }
            println!("every page said so within {:?}", down.elapsed());
            // A dot moved while the line is down is not lost, nor shown as placed: it waits on
            // Anna's page, marked unconfirmed, and goes out once the server is back.
            key_drive(&anna, 5, 2).await?;
            wait_attr(&anna, &tid("own-dot-d5"), "data-slot", "2").await?;
            wait_attr(&anna, &tid("own-dot-d5"), "data-confirmed", "false").await?;
            anna.wait_for_text(&tid("waiting-dots"), "nog niet opgeslagen")
                .await?;
            tokio::time::sleep(Duration::from_millis(500)).await;

            // It comes back on the same port with the same data; every page finds it by itself.
            h.restart_server().await?;
            let up = Instant::now();
            for browser in everyone {
                wait_reconnected(browser, RECOVERY).await?;
            }
            println!(
                "down for {:?}; every page back {:?} after the restart",
                up - down,
                up.elapsed()
            );
            // Nobody reloaded.
            for (browser, marker) in everyone.iter().zip(&markers) {
                let now = browser.js("return window.__e2eSurvivor ?? null").await?;
                ensure!(
                    now == *marker,
                    "{} was reloaded: marker {marker} is now {now}",
                    browser.label()
                );
            }
            // Every dot is in place, Anna's offline move included, now confirmed.
            dots.push((ANNA, 5, 2));
            for (browser, me) in viewers {
                sees_dots(browser, me, &dots).await?;
            }
            wait_attr(&anna, &tid("own-dot-d5"), "data-confirmed", "true").await?;
            // Each participant is still the same person, and nobody was added.
            for (browser, name, id) in [(&anna, "Anna", ANNA), (&bram, "Bram", BRAM)] {
                ensure!(
                    own_id(browser, name).await? == id,
                    "{name} is someone else now"
                );
                ensure!(
                    browser
                        .find_all(Locator::Css(&tid("join-form")))
                        .await?
                        .is_empty(),
                    "{name} is asked to join again"
                );
            }
            // (The shared screen lists people in the lobby only; its dots were checked above.)
            for browser in [&facilitator, &anna, &bram] {
                let people = browser.find_all(Locator::Css("li.person")).await?.len();
                ensure!(
                    people == 3,
                    "{} lists {people} people after the restart",
                    browser.label()
                );
            }
            for id in [ANNA, BRAM] {
                wait_attr(
                    &facilitator,
                    &tid(&format!("online-{id}")),
                    "data-online",
                    "true",
                )
                .await?;
            }

            // The board works again: Anna by keyboard, Bram by mouse; everyone sees both.
            key_drive(&anna, 3, 1).await?;
            drag_drive(&bram, 4, 3, DragOptions::default()).await?;
            dots.extend([(ANNA, 3, 1), (BRAM, 4, 3)]);
            for (browser, me) in viewers {
                sees_dots(browser, me, &dots).await?;
            }
            // And the facilitator still leads: the next step reaches every page.
            advance(&facilitator, &everyone, &["pillars"]).await?;
            for browser in everyone {
                ensure!(
                    browser
                        .find_all(Locator::Css(&tid("reconnecting")))
                        .await?
                        .is_empty(),
                    "{} shows the line down again",
                    browser.label()
                );
            }
            println!("took {:?}", started.elapsed());
            Ok(())
        },
    )
}
