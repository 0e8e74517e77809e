//! A connection you can trust. A participant's phone loses the network without its socket closing
//! (a relay that stops moving bytes and closes nothing, as in a lift; `koersbord_e2e::relay`).
//! Within seconds her page says so, the facilitator sees her grey, and what she drops meanwhile
//! looks unconfirmed; once the network is back it is confirmed and both screens agree. A dot the
//! rules refuse on the way goes back, and a message that stays long enough to read says so.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::dots::key_drive;
use koersbord_e2e::page::{advance, attr, click, join, tid, wait_attr, wait_reconnected};
use koersbord_e2e::relay::Relay;
use koersbord_e2e::{Browser, Locator, Viewport, run, wait_for};
use koersbord_shared::protocol::{join_link, room_link};
use std::time::{Duration, Instant};

const ANNA: u32 = 1;
/// The facilitator's laptop.
const LAPTOP: Viewport = Viewport {
    width: 1366,
    height: 768,
    touch: false,
    pixel_ratio: 1.0,
};
/// What the product promises.
const BANNER_WITHIN: Duration = Duration::from_secs(5);
const GREY_WITHIN: Duration = Duration::from_secs(10);
/// Back online, the page finds the server at once (the `online` event) or at its next attempt.
const RECOVERY: Duration = Duration::from_secs(15);

/// Waits until Anna's own dot of `drive` lies in `slot` and is confirmed (or not).
async fn own_dot(anna: &Browser, drive: usize, slot: &str, confirmed: bool) -> Result<()> {
    let css = tid(&format!("own-dot-d{drive}"));
    wait_attr(anna, &css, "data-slot", slot).await?;
    wait_attr(anna, &css, "data-confirmed", &confirmed.to_string()).await?;
    if !confirmed {
        let label = attr(anna, &css, "aria-label").await?.unwrap_or_default();
        ensure!(
            label.contains("nog niet bevestigd"),
            "the dot does not say it is unconfirmed: {label}"
        );
    }
    Ok(())
}

#[test]
fn a_silent_line_is_noticed_within_seconds_and_nothing_is_lost() -> Result<()> {
    run(
        "a_silent_line_is_noticed_within_seconds_and_nothing_is_lost",
        |h| async move {
            let session = h
                .create_session("Lift", "Niets gaat verloren", ["Doel 1", "Doel 2"])
                .await?;
            let facilitator = h.browser("facilitator", LAPTOP).await?;
            facilitator
                .goto(&room_link(&session.room, &session.facilitator_key))
                .await?;
            let port = h.server().port();
            let lift = Relay::start(([127, 0, 0, 1], port).into()).await?;
            let anna = h
                .browser_at("anna-phone", &lift.base(), Viewport::PHONE)
                .await?;
            let join_link = join_link(&session.room, &session.join_key);
            ensure!(join(&anna, &join_link, "Anna", "network").await? == ANNA);
            advance(
                &facilitator,
                &[&facilitator, &anna],
                &["ambition", "drives"],
            )
            .await?;
            key_drive(&anna, 0, 1).await?;
            own_dot(&anna, 0, "1", true).await?;
            let online = tid(&format!("online-{ANNA}"));
            wait_attr(&facilitator, &online, "data-online", "true").await?;

            // The lift doors close. The socket stays open; nothing gets through, either way.
            lift.cut();
            let cut = Instant::now();
            // A drop at once goes into the dead socket: unconfirmed, not placed for the others.
            key_drive(&anna, 1, 2).await?;
            own_dot(&anna, 1, "2", false).await?;
            wait_for(&anna, &tid("reconnecting"), BANNER_WITHIN)
                .await
                .context("no offline banner within 5 s")?;
            let banner_after = cut.elapsed();
            println!("banner after {banner_after:?}");
            ensure!(
                banner_after <= BANNER_WITHIN,
                "banner after {banner_after:?}"
            );
            // A drop with the banner up waits too, and the banner says what the stripes mean.
            key_drive(&anna, 2, 3).await?;
            own_dot(&anna, 2, "3", false).await?;
            anna.wait_for_text(&tid("waiting-dots"), "nog niet opgeslagen")
                .await?;
            anna.screenshot("offline-phone").await?;

            wait_attr(&facilitator, &online, "data-online", "false")
                .await
                .context("Anna still shown online")?;
            let grey_after = cut.elapsed();
            println!("grey on the facilitator's screen after {grey_after:?}");
            ensure!(grey_after <= GREY_WITHIN, "grey after {grey_after:?}");
            for drive in [1, 2] {
                let theirs = tid(&format!("dot-{ANNA}-d{drive}"));
                ensure!(
                    attr(&facilitator, &theirs, "data-slot").await?.as_deref() == Some(""),
                    "the facilitator sees a dot the server never had"
                );
            }
            facilitator.screenshot("offline-laptop").await?;

            // The doors open: both drops go out, are confirmed, and both screens agree.
            lift.restore();
            let back = Instant::now();
            wait_reconnected(&anna, RECOVERY).await?;
            println!(
                "reconnected {:?} after the network came back",
                back.elapsed()
            );
            for (drive, slot) in [(0, "1"), (1, "2"), (2, "3")] {
                own_dot(&anna, drive, slot, true).await?;
                wait_attr(
                    &facilitator,
                    &tid(&format!("dot-{ANNA}-d{drive}")),
                    "data-slot",
                    slot,
                )
                .await?;
            }
            wait_attr(&facilitator, &online, "data-online", "true").await?;
            Ok(())
        },
    )
}

/// Holds Anna's outgoing drive placements for a few seconds, so the server gets one after the
/// facilitator locked the board, while Anna's own check (before the lock reached her) let it
/// through: a refusal her page could not foresee.
const DELAY_PLACEMENTS: &str = r#"
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
        if (typeof data === 'string' && data.includes('"place_drive"')) {
            setTimeout(() => send.call(this, data), 2500);
        } else {
            send.call(this, data);
        }
    };
"#;

#[test]
fn a_refused_dot_goes_back_and_the_page_says_so() -> Result<()> {
    run(
        "a_refused_dot_goes_back_and_the_page_says_so",
        |h| async move {
            let session = h
                .create_session("Op slot", "Terugzetten", ["Doel 1", "Doel 2"])
                .await?;
            let facilitator = h.browser("facilitator", LAPTOP).await?;
            facilitator
                .goto(&room_link(&session.room, &session.facilitator_key))
                .await?;
            let anna = h.browser("anna-laptop", LAPTOP).await?;
            anna.set_offline(false).await?;
            let join_link = join_link(&session.room, &session.join_key);
            ensure!(join(&anna, &join_link, "Anna", "network").await? == ANNA);
            advance(
                &facilitator,
                &[&facilitator, &anna],
                &["ambition", "drives"],
            )
            .await?;

            // 1. Refused by the server: the lock overtakes Anna's drop on its way.
            anna.js(DELAY_PLACEMENTS).await?;
            key_drive(&anna, 0, 1).await?;
            own_dot(&anna, 0, "1", false).await?;
            click(&facilitator, &tid("toggle-lock")).await?;
            wait_attr(&anna, &tid("own-dot-d0"), "data-slot", "0").await?;
            let toast = anna
                .wait_for_text(&tid("toast"), "Je stip is teruggezet.")
                .await?;
            let text = toast.text().await?;
            ensure!(
                text.contains("vastgezet"),
                "the message does not say why: {text}"
            );
            anna.screenshot("put-back").await?;
            // It stays long enough to read: still there after 6 s, gone when dismissed.
            tokio::time::sleep(Duration::from_secs(6)).await;
            ensure!(
                !anna.find_all(Locator::Css(&tid("toast"))).await?.is_empty(),
                "the message vanished within 6 s"
            );
            click(&anna, &tid("toast-close")).await?;
            ensure!(
                anna.find_all(Locator::Css(&tid("toast"))).await?.is_empty(),
                "the message stays after it was dismissed"
            );
            ensure!(
                attr(&facilitator, &tid(&format!("dot-{ANNA}-d0")), "data-slot")
                    .await?
                    .as_deref()
                    == Some(""),
                "the refused dot shows on the facilitator's screen"
            );

            // 2. Refused after a reconnect: Anna drops a dot offline, the board is locked meanwhile.
            click(&facilitator, &tid("toggle-lock")).await?;
            wait_attr(&facilitator, &tid("toggle-lock"), "aria-pressed", "false").await?;
            anna.set_offline(true).await?;
            wait_for(&anna, &tid("reconnecting"), BANNER_WITHIN).await?;
            key_drive(&anna, 3, 2).await?;
            own_dot(&anna, 3, "2", false).await?;
            anna.screenshot("offline-laptop").await?;
            click(&facilitator, &tid("toggle-lock")).await?;
            wait_attr(&facilitator, &tid("toggle-lock"), "aria-pressed", "true").await?;
            anna.set_offline(false).await?;
            wait_reconnected(&anna, RECOVERY).await?;
            wait_attr(&anna, &tid("own-dot-d3"), "data-slot", "0").await?;
            anna.wait_for_text(&tid("toast"), "Je stip is teruggezet.")
                .await?;
            ensure!(
                attr(&facilitator, &tid(&format!("dot-{ANNA}-d3")), "data-slot")
                    .await?
                    .as_deref()
                    == Some(""),
                "the refused dot shows on the facilitator's screen"
            );
            Ok(())
        },
    )
}
