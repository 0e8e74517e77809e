//! From one conversation to a route: a first session run to its close with actions (over the
//! protocol), a follow-up made from it with "Vervolgsessie maken", the Terugblik done by the
//! facilitator and by an owner on her phone, drives and pillars placed again, the comparison on the
//! shared screen held against what was placed in both sessions, the harvest's route section and
//! the exports, and all of it again after a server restart.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::dots::{key_drive, key_pillar};
use koersbord_e2e::downloads;
use koersbord_e2e::page::{
    advance, attr, click, join, room_and_key, tid, type_into, wait_attr, wait_phase,
    wait_text_content,
};
use koersbord_e2e::remote::{Remote, send_commands};
use koersbord_e2e::{Browser, Harness, TIMEOUT, Viewport, run, wait_some};
use koersbord_shared::room::{ActionDraft, Command, RoomState};
use koersbord_shared::{Drive, ParticipantId, Phase, Pillar, Side, Strength, Zone};

const TITLE: &str = "Wondzorg en directie";

/// Sends `commands` as the facilitator of `room` over the protocol; each must be acknowledged.
async fn as_facilitator(page: &Browser, room: &str, key: &str, commands: &[Command]) -> Result<()> {
    let out = send_commands(page, room, key, None, commands).await?;
    for (c, reply) in commands.iter().zip(&out.replies) {
        ensure!(reply["type"] == "ack", "{c:?} answered {reply}");
    }
    Ok(())
}

fn drive(drive: Drive, zone: Zone) -> Command {
    Command::PlaceDrive {
        drive,
        zone: Some(zone),
    }
}

fn pillar(pillar: Pillar, v: u8) -> Command {
    Command::PlacePillar {
        pillar,
        strength: Strength::new(v),
    }
}

fn action(what: &str, owners: Vec<u32>, other: &str) -> Command {
    Command::AddAction {
        action: ActionDraft {
            what: what.into(),
            owners: owners.into_iter().map(ParticipantId).collect(),
            other_owner: other.into(),
            due: Some("2027-03-01".into()),
            answers: None,
        },
    }
}

/// The first session, over the protocol from `page`: Anna (network) and Bram (management) place,
/// three actions are agreed, the session closes.
async fn first_session(
    h: &Harness,
    page: &Browser,
) -> Result<koersbord_shared::protocol::SessionCreated> {
    let s = h
        .create_session(
            TITLE,
            "Samen leren in de wijk",
            ["Minder uitval", "Meer kennisdeling"],
        )
        .await?;
    let anna = Remote::join(page, &s.room, &s.join_key, "Anna", Side::Network).await?;
    let bram = Remote::join(page, &s.room, &s.join_key, "Bram", Side::Management).await?;
    let go = |phase| Command::GoToPhase { phase };
    as_facilitator(page, &s.room, &s.facilitator_key, &[go(Phase::Drives)]).await?;
    anna.commands(
        page,
        &[
            drive(Drive::Meaning, Zone::Necessary),
            drive(Drive::Impact, Zone::Important),
        ],
    )
    .await?;
    bram.commands(page, &[drive(Drive::Meaning, Zone::Neutral)])
        .await?;
    as_facilitator(page, &s.room, &s.facilitator_key, &[go(Phase::Pillars)]).await?;
    anna.commands(
        page,
        &[pillar(Pillar::Time, 30), pillar(Pillar::Communication, 60)],
    )
    .await?;
    bram.commands(page, &[pillar(Pillar::Time, 50)]).await?;
    as_facilitator(
        page,
        &s.room,
        &s.facilitator_key,
        &[
            go(Phase::Actions),
            action("Tijd vrijmaken voor intervisie", vec![anna.id], ""),
            action("Budget vragen", vec![bram.id], "Directie"),
            action("Kennisdag plannen", vec![anna.id], ""),
            go(Phase::Close),
        ],
    )
    .await?;
    Ok(s)
}

/// The path the browser shows now (`/r/{room}#k={key}`).
async fn current_path(b: &Browser, h: &Harness) -> Result<String> {
    let url = b.current_url().await?.to_string();
    Ok(url
        .strip_prefix(h.base())
        .context("not on this server")?
        .to_string())
}

async fn status_of(b: &Browser, action: u32) -> Result<Option<String>> {
    attr(
        b,
        &format!("[data-testid=review-item][data-action=\"{action}\"]"),
        "data-status",
    )
    .await
}

async fn wait_status(b: &Browser, action: u32, want: &str) -> Result<()> {
    let what = format!("{}: action {action} to be {want}", b.label());
    wait_some(&what, TIMEOUT, || async {
        Ok((status_of(b, action).await?.as_deref() == Some(want)).then_some(()))
    })
    .await
}

/// The route section of the harvest in `b`: each session's action statuses, and the Time chart.
async fn check_route(b: &Browser) -> Result<()> {
    b.wait_for(&tid("route")).await?;
    let statuses = b
        .js("return [...document.querySelectorAll('[data-testid=route-session]')].map(s => [...s.querySelectorAll('[data-testid=route-action]')].map(a => a.dataset.status))")
        .await?;
    ensure!(
        statuses == serde_json::json!([["done", "in_progress", "not_started"], ["open", "open"]]),
        "route statuses: {statuses}"
    );
    let time = attr(
        b,
        &tid(&format!("route-chart-{}", Pillar::Time.index())),
        "data-values",
    )
    .await?;
    ensure!(
        time.as_deref() == Some("Leernetwerk: 30 → 70; Management: 50 → 32,5"),
        "Time over time: {time:?}"
    );
    let points = b
        .js("return document.querySelectorAll('[data-testid=route-chart-4] circle').length")
        .await?;
    ensure!(
        points == serde_json::json!(4),
        "two sessions, two sides: {points}"
    );
    Ok(())
}

/// The page never scrolls sideways on a phone.
async fn no_sideways_scroll(b: &Browser) -> Result<()> {
    let wide = b
        .js("return document.documentElement.scrollWidth - window.innerWidth")
        .await?;
    ensure!(
        wide.as_f64().is_some_and(|w| w <= 0.0),
        "{}: {wide} px wider than the screen",
        b.label()
    );
    Ok(())
}

#[test]
fn a_follow_up_reviews_the_actions_and_shows_what_moved() -> Result<()> {
    run(
        "a_follow_up_reviews_the_actions_and_shows_what_moved",
        |h| async move {
            let facilitator = h.browser("facilitator", Viewport::DESKTOP).await?;
            facilitator.goto("/").await?;
            let first = first_session(&h, &facilitator).await?;

            // At the close the facilitator makes the follow-up; this browser then leads it.
            facilitator
                .goto(&koersbord_shared::protocol::room_link(
                    &first.room,
                    &first.facilitator_key,
                ))
                .await?;
            wait_phase(&[&facilitator], "close").await?;
            click(&facilitator, &tid("make-follow-up")).await?;
            let path = wait_some("the follow-up's page", TIMEOUT, || async {
                let p = current_path(&facilitator, &h).await?;
                Ok((!p.contains(&first.room) && p.starts_with("/r/")).then_some(p))
            })
            .await?;
            let (room, key) = room_and_key(&path)?;
            facilitator.wait_for(&tid("facilitator-panel")).await?;
            wait_text_content(&facilitator, &tid("session-title"), TITLE).await?;
            let code = facilitator
                .find_css(&tid("join-code"))
                .await?
                .text()
                .await?;
            let found: koersbord_shared::protocol::JoinCodeFound = koersbord_e2e::http::post_json(
                &h.url("/api/join-code"),
                &serde_json::json!({ "code": code }),
            )
            .await?
            .json()?;
            ensure!(found.room == room);
            let welcome = send_commands(&facilitator, &room, &key, None, &[]).await?;
            let state: RoomState = serde_json::from_value(welcome.state)?;
            ensure!(
                state
                    .follow_up
                    .as_ref()
                    .is_some_and(|f| f.earlier.room == first.room)
            );

            // The shared screen, from Mijn sessies; Anna on her phone (her name typed anew); Bram and
            // a newcomer, Carla, over the protocol: one more than last time.
            facilitator.goto("/").await?;
            // Mijn sessies renders once the client runs.
            facilitator
                .wait_for(&format!(
                    "[data-room=\"{room}\"] [data-testid=my-session-screen]"
                ))
                .await?;
            let screen_link = attr(
                &facilitator,
                &format!("[data-room=\"{room}\"] [data-testid=my-session-screen]"),
                "href",
            )
            .await?
            .context("the follow-up in Mijn sessies")?;
            facilitator
                .wait_for(&format!(
                    "[data-room=\"{}\"] [data-testid=make-follow-up]",
                    first.room
                ))
                .await?;
            facilitator.goto(&path).await?;
            facilitator.wait_for(&tid("facilitator-panel")).await?;
            let screen = h.browser("screen", Viewport::SCREEN).await?;
            screen
                .goto(screen_link.strip_prefix(h.base()).unwrap_or(&screen_link))
                .await?;
            wait_attr(&screen, &tid("room"), "data-role", "screen").await?;
            let anna = h.browser("anna-phone", Viewport::PHONE).await?;
            let join_link = koersbord_shared::protocol::join_link(&room, &found.join_key);
            let anna_id = join(&anna, &join_link, "anna", "network").await?;
            let bram =
                Remote::join(&screen, &room, &found.join_key, "Bram", Side::Management).await?;
            let carla =
                Remote::join(&screen, &room, &found.join_key, "Carla", Side::Management).await?;
            let everyone = [&facilitator, &screen, &anna];

            // Terugblik, before Ambitie.
            advance(&facilitator, &everyone, &["review"]).await?;
            for b in everyone {
                koersbord_e2e::page::wait_count(
                    b,
                    "earlier actions",
                    "[data-testid=review-item]",
                    3,
                )
                .await?;
            }
            // Anna sets her own two; Bram's is not hers to set.
            anna.find_css(&tid("review-1-done")).await?;
            ensure!(
                anna.find_css(&tid("review-2-done")).await.is_err(),
                "Anna may not set Bram's action"
            );
            click(&anna, &tid("review-1-done")).await?;
            type_into(&anna, &tid("review-note-3"), "nog niet aan toe").await?;
            click(&anna, &tid("review-3-not_started")).await?;
            wait_status(&facilitator, 3, "not_started").await?;
            type_into(&facilitator, &tid("review-note-2"), "wacht op directie").await?;
            click(&facilitator, &tid("review-2-in_progress")).await?;
            for b in everyone {
                wait_status(b, 1, "done").await?;
                wait_status(b, 2, "in_progress").await?;
                wait_status(b, 3, "not_started").await?;
            }
            // Bram over the protocol: not his to set from another's; his own he may.
            let refused = bram
                .try_commands(
                    &screen,
                    &[Command::SetReview {
                        action: koersbord_shared::room::ActionId(1),
                        status: koersbord_shared::room::ReviewStatus::Dropped,
                        note: String::new(),
                    }],
                )
                .await?;
            ensure!(
                refused.replies[0]["reason"]["code"] == "not_allowed",
                "{:?}",
                refused.replies
            );
            wait_text_content(
                &screen,
                "[data-action=\"2\"] [data-testid=review-status]",
                "Bezig",
            )
            .await?;
            anna.screenshot("review-phone").await?;
            screen.screenshot("review-screen").await?;
            facilitator.screenshot("review-laptop").await?;
            click(&facilitator, &tid("carry-open")).await?;
            wait_text_content(
                &facilitator,
                "[data-action=\"3\"] [data-testid=review-status]",
                "Niet gestart · meegenomen",
            )
            .await?;

            // Drijfveren again: the comparison waits while people place.
            advance(&facilitator, &everyone, &["ambition", "drives"]).await?;
            key_drive(&anna, Drive::Meaning.index(), 2).await?;
            wait_attr(&anna, &tid("own-dot-d0"), "data-slot", "2").await?;
            key_drive(&anna, Drive::Impact.index(), 1).await?;
            wait_attr(&anna, &tid("own-dot-d5"), "data-slot", "1").await?;
            bram.commands(&screen, &[drive(Drive::Meaning, Zone::Neutral)])
                .await?;
            carla
                .commands(&screen, &[drive(Drive::Impact, Zone::Necessary)])
                .await?;
            click(&facilitator, &tid("toggle-comparison")).await?;
            facilitator.wait_for(&tid("comparison-waits")).await?;
            ensure!(
                screen.find_css(&tid("drive-comparison")).await.is_err(),
                "shown while placing"
            );
            ensure!(
                anna.find_css(&tid("drive-comparison")).await.is_err(),
                "shown while placing"
            );
            click(&facilitator, &tid("toggle-lock")).await?;
            screen.wait_for(&tid("drive-comparison")).await?;
            for (cell, want) in [
                ("cmp-drive-0-network-then", "1 / 0 / 0"),
                ("cmp-drive-0-network-now", "0 / 1 / 0"),
                ("cmp-drive-0-management-then", "0 / 0 / 1"),
                ("cmp-drive-0-management-now", "0 / 0 / 1"),
                ("cmp-drive-5-network-then", "0 / 1 / 0"),
                ("cmp-drive-5-network-now", "1 / 0 / 0"),
                ("cmp-drive-5-management-now", "1 / 0 / 0"),
                ("cmp-drive-2-network-then", "0 / 0 / 0"),
            ] {
                wait_text_content(&screen, &tid(cell), want).await?;
            }
            for (i, signal) in [(0, "gone"), (5, "appeared"), (2, "none")] {
                wait_attr(
                    &screen,
                    &tid(&format!("cmp-drive-{i}")),
                    "data-signal",
                    signal,
                )
                .await?;
            }
            wait_text_content(
                &screen,
                &tid("cmp-people"),
                "deelnemers toen / nu: Leernetwerk 1 / 1 · Management 1 / 2",
            )
            .await?;
            anna.wait_for(&tid("drive-comparison")).await?;
            screen.screenshot("comparison-drives-screen").await?;
            koersbord_e2e::page::scroll_to(&anna, &tid("drive-comparison")).await?;
            anna.screenshot("comparison-drives-phone").await?;
            no_sideways_scroll(&anna).await?;

            // Innoveren & Samen leren again.
            advance(&facilitator, &everyone, &["pillars"]).await?;
            key_pillar(&anna, Pillar::Time.index(), 4).await?;
            wait_attr(
                &anna,
                &tid(&format!("own-dot-{anna_id}-p{}", Pillar::Time.index())),
                "data-strength",
                "70",
            )
            .await?;
            bram.commands(&screen, &[pillar(Pillar::Time, 45)]).await?;
            carla.commands(&screen, &[pillar(Pillar::Time, 20)]).await?;
            click(&facilitator, &tid("toggle-comparison")).await?;
            ensure!(
                screen.find_css(&tid("pillar-comparison")).await.is_err(),
                "shown while placing"
            );
            click(&facilitator, &tid("toggle-lock")).await?;
            screen.wait_for(&tid("pillar-comparison")).await?;
            let time = Pillar::Time.index();
            for (cell, want) in [
                (format!("cmp-pillar-{time}-network-then"), "30"),
                (format!("cmp-pillar-{time}-network-now"), "70"),
                (format!("cmp-pillar-{time}-management-then"), "50"),
                (format!("cmp-pillar-{time}-management-now"), "32,5"),
                ("cmp-pillar-0-network-then".into(), "60"),
                ("cmp-pillar-0-network-now".into(), "–"),
            ] {
                wait_text_content(&screen, &tid(&cell), want).await?;
            }
            for (cell, want) in [
                (format!("cmp-pillar-{time}-network-arrow"), "stronger"),
                (format!("cmp-pillar-{time}-management-arrow"), "weaker"),
                ("cmp-pillar-0-network-arrow".into(), ""),
            ] {
                wait_attr(&screen, &tid(&cell), "data-arrow", want).await?;
            }
            screen
                .wait_for_text(&tid("cmp-threshold"), "minstens 10 punten")
                .await?;
            screen.screenshot("comparison-pillars-screen").await?;
            koersbord_e2e::page::scroll_to(&anna, &tid("pillar-comparison")).await?;
            anna.screenshot("comparison-pillars-phone").await?;
            no_sideways_scroll(&anna).await?;

            // The close and the harvest: the route, and the files.
            advance(&facilitator, &everyone, &["actions", "close"]).await?;
            click(&facilitator, &tid("open-harvest")).await?;
            check_route(&facilitator).await?;
            koersbord_e2e::page::scroll_to(&facilitator, &tid("route")).await?;
            facilitator.screenshot("route-laptop").await?;
            koersbord_e2e::page::scroll_to(&anna, &tid("open-harvest")).await?;
            click(&anna, &tid("open-harvest")).await?;
            check_route(&anna).await?;
            koersbord_e2e::page::scroll_to(&anna, &tid("route")).await?;
            anna.screenshot("route-phone").await?;
            no_sideways_scroll(&anna).await?;
            downloads::capture(&facilitator).await?;
            for button in ["harvest-md", "harvest-review-csv", "harvest-json"] {
                click(&facilitator, &tid(button)).await?;
            }
            let files = downloads::caught(&facilitator).await?;
            let [md, csv, json] = &files[..] else {
                anyhow::bail!("three downloads: {files:?}")
            };
            ensure!(
                csv.name == "oogst-wondzorg-en-directie-terugblik.csv",
                "{}",
                csv.name
            );
            for line in [
                "Tijd vrijmaken voor intervisie;Anna;2027-03-01;Gedaan;;",
                "Budget vragen;Bram, Directie;2027-03-01;Bezig;wacht op directie;1",
                "Kennisdag plannen;Anna;2027-03-01;Niet gestart;nog niet aan toe;1",
            ] {
                ensure!(csv.text.contains(line), "{line:?} in\n{}", csv.text);
            }
            for part in [
                "## Terugblik: Afspraken van vorige keer",
                "Budget vragen · Bram, Directie · 1 maart 2027: **Bezig** (wacht op directie)",
                "| Zingeving | 1 / 0 / 0 | 0 / 1 / 0 | 0 / 0 / 1 | 0 / 0 / 1 | signaal weg |",
                "| Tijd | 30 | 70 | sterker | 50 | 32,5 | zwakker |",
            ] {
                ensure!(md.text.contains(part), "{part:?} in\n{}", md.text);
            }
            let exported: serde_json::Value = serde_json::from_str(&json.text)?;
            ensure!(
                exported["comparison"]["pillars"][time]["by_side"]["network"]["arrow"]
                    == "stronger",
                "{}",
                exported["comparison"]
            );
            ensure!(
                exported["follow_up"]["reviews"]["2"]["note"] == "wacht op directie",
                "{}",
                exported["follow_up"]
            );

            // A restart changes nothing: the same route, the same comparison in the files.
            h.restart_server().await?;
            let later = h.browser("facilitator-later", Viewport::DESKTOP).await?;
            later.goto(&path).await?;
            wait_phase(&[&later], "close").await?;
            click(&later, &tid("open-harvest")).await?;
            check_route(&later).await?;
            downloads::capture(&later).await?;
            click(&later, &tid("harvest-json")).await?;
            let again = downloads::caught(&later).await?;
            let again: serde_json::Value = serde_json::from_str(&again[0].text)?;
            ensure!(
                again["comparison"] == exported["comparison"],
                "the comparison changed over a restart"
            );
            ensure!(
                again["follow_up"] == exported["follow_up"],
                "the review changed over a restart"
            );
            Ok(())
        },
    )
}
