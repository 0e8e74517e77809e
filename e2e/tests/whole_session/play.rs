//! The session played: created on the start page, a full table joined, dots on both boards by
//! mouse, finger, keyboard and over the protocol, insight cards, actions, reflections.

use crate::expected::Expected;
use crate::plan::{
    AMBITION, ANNA, BRAM, GOALS, INSIGHT_DRIVES, INSIGHT_PILLARS, PEOPLE, REFLECTIONS,
    REMOTE_DRIVES, REMOTE_PILLARS, TITLE, actions, name,
};
use anyhow::{Context, Result, ensure};
use koersbord_e2e::dots::{drag_drive, drag_pillar, key_drive, key_pillar};
use koersbord_e2e::fantoccini::key::Key;
use koersbord_e2e::page::{
    advance, attr, click, create_on_start_page, focus, join, link_path, press, room_and_key,
    select_value, set_value, tid, type_into, wait_attr, wait_text_content,
};
use koersbord_e2e::remote::Remote;
use koersbord_e2e::{Browser, DragOptions, Harness, Locator, TIMEOUT, Viewport, wait_some};
use koersbord_shared::room::{ActionDraft, Command};
use koersbord_shared::{Drive, ParticipantId, Pillar, Strength, Zone};
use serde_json::json;
use std::collections::BTreeMap;

/// What the played session leaves for the harvest checks.
pub struct Played {
    pub facilitator: Browser,
    pub screen: Browser,
    pub anna: Browser,
    /// Bram's phone, open until the checks are done (as every browser of the test).
    pub _bram: Browser,
    pub room: String,
    pub facilitator_key: String,
    pub facilitator_link: String,
    pub join_link: String,
    pub expected: Expected,
}

/// How many dots `id` has placed on the board of the current step, as the facilitator's people
/// list counts them.
async fn wait_placed(facilitator: &Browser, id: u32, n: usize) -> Result<()> {
    facilitator
        .wait_for_text(&tid(&format!("placed-{id}")), &format!("{n}/8"))
        .await?;
    Ok(())
}

/// Plays the whole session up to the close, writing down what should come of it.
pub async fn session(h: &Harness) -> Result<Played> {
    // The facilitator prepares the session on the start page.
    let facilitator = h.browser("facilitator", Viewport::DESKTOP).await?;
    create_on_start_page(&facilitator, TITLE, AMBITION, GOALS).await?;
    let facilitator_link = link_path(&facilitator, h.base(), "link-facilitator").await?;
    let join_link = link_path(&facilitator, h.base(), "link-join").await?;
    let screen_link = link_path(&facilitator, h.base(), "link-screen").await?;
    let (room, join_key) = room_and_key(&join_link)?;
    let (_, facilitator_key) = room_and_key(&facilitator_link)?;
    facilitator.goto(&facilitator_link).await?;
    facilitator.wait_for(&tid("facilitator-panel")).await?;
    let screen = h.browser("screen", Viewport::SCREEN).await?;
    screen.goto(&screen_link).await?;
    wait_attr(&screen, &tid("room"), "data-role", "screen").await?;

    // Anna (laptop, mouse) and Bram (phone, finger and keyboard) join in their browsers;
    // six more over the protocol, from the shared screen's page.
    let anna = h.browser("anna", Viewport::DESKTOP).await?;
    ensure!(join(&anna, &join_link, "Anna", "network").await? == ANNA);
    let bram = h.browser("bram-phone", Viewport::PHONE).await?;
    ensure!(join(&bram, &join_link, "Bram", "management").await? == BRAM);
    let mut remotes: BTreeMap<u32, Remote> = BTreeMap::new();
    for (i, (who, s)) in PEOPLE.iter().enumerate().skip(2) {
        let remote = Remote::join(&screen, &room, &join_key, who, *s).await?;
        ensure!(
            remote.id as usize == i + 1,
            "{who} got id {} in joining order {}",
            remote.id,
            i + 1
        );
        remotes.insert(remote.id, remote);
    }
    facilitator
        .wait_for_text(&tid("side-network"), "4/4")
        .await?;
    facilitator
        .wait_for_text(&tid("side-management"), "4/4")
        .await?;
    let everyone = [&facilitator, &screen, &anna, &bram];

    // Step 1, Ambitie, then step 2, Drijfveren.
    advance(&facilitator, &everyone, &["ambition"]).await?;
    screen.wait_for_text(&tid("ambition"), AMBITION).await?;
    advance(&facilitator, &everyone, &["drives"]).await?;

    let mut expected = Expected::default();
    let mouse = DragOptions::default();
    let finger = DragOptions {
        steps: 12,
        ..DragOptions::touch()
    };
    // Anna by mouse: Zingeving noodzakelijk, Impact belangrijk, Duurzaamheid neutraal.
    for (drive, zone) in [
        (Drive::Meaning, Zone::Necessary),
        (Drive::Impact, Zone::Important),
        (Drive::Sustainability, Zone::Neutral),
    ] {
        let slot = zone.index() as u8 + 1;
        drag_drive(&anna, drive.index(), slot, mouse).await?;
        wait_attr(
            &anna,
            &tid(&format!("own-dot-d{}", drive.index())),
            "data-slot",
            &slot.to_string(),
        )
        .await?;
        expected.drives.insert((ANNA, drive), zone);
    }
    // Bram by finger: Zingeving belangrijk; by keyboard: Autonomie noodzakelijk.
    drag_drive(&bram, Drive::Meaning.index(), 2, finger).await?;
    wait_attr(&bram, &tid("own-dot-d0"), "data-slot", "2").await?;
    expected
        .drives
        .insert((BRAM, Drive::Meaning), Zone::Important);
    key_drive(&bram, Drive::Autonomy.index(), 1).await?;
    wait_attr(&bram, &tid("own-dot-d2"), "data-slot", "1").await?;
    expected
        .drives
        .insert((BRAM, Drive::Autonomy), Zone::Necessary);
    // The other six over the protocol.
    for (id, drive, zone) in REMOTE_DRIVES {
        remotes[&id]
            .commands(
                &screen,
                &[Command::PlaceDrive {
                    drive,
                    zone: Some(zone),
                }],
            )
            .await?;
        expected.drives.insert((id, drive), zone);
    }
    // The facilitator writes an insight card about a drive.
    type_into(&facilitator, &tid("insight-text"), INSIGHT_DRIVES).await?;
    select_value(&facilitator, &tid("insight-about"), "drive:0").await?;
    click(&facilitator, &tid("insight-add")).await?;
    for browser in everyone {
        wait_text_content(browser, &tid("insight-text-1"), INSIGHT_DRIVES).await?;
    }
    for id in 1..=8u32 {
        let n = expected.drives.keys().filter(|(who, _)| *who == id).count();
        wait_placed(&facilitator, id, n).await?;
    }

    // Step 3, Innoveren & Samen leren.
    advance(&facilitator, &everyone, &["pillars"]).await?;
    // Anna by mouse: Tijd near the rim, Communicatie towards the core; where exactly they
    // land is read back from her screen.
    drag_pillar(&anna, ANNA, Pillar::Time.index(), 0.85, mouse).await?;
    drag_pillar(&anna, ANNA, Pillar::Communication.index(), 0.4, mouse).await?;
    // Bram by keyboard, in steps of 5 from 50: Tijd 20, Samenwerking 70, Capaciteit 40.
    for (pillar, ups, value) in [
        (Pillar::Time, -6, 20u8),
        (Pillar::Collaboration, 4, 70),
        (Pillar::Capacity, -2, 40),
    ] {
        key_pillar(&bram, pillar.index(), ups).await?;
        wait_attr(
            &bram,
            &tid(&format!("own-dot-{BRAM}-p{}", pillar.index())),
            "data-strength",
            &value.to_string(),
        )
        .await?;
        expected.pillars.insert((BRAM, pillar), value);
    }
    for (id, pillar, value) in REMOTE_PILLARS {
        let strength = Strength::new(value).context("a strength")?;
        remotes[&id]
            .commands(
                &screen,
                &[Command::PlacePillar {
                    pillar,
                    strength: Some(strength),
                }],
            )
            .await?;
        expected.pillars.insert((id, pillar), value);
    }
    type_into(&facilitator, &tid("insight-text"), INSIGHT_PILLARS).await?;
    select_value(&facilitator, &tid("insight-about"), "pillar:4").await?;
    click(&facilitator, &tid("insight-add")).await?;
    for browser in everyone {
        wait_text_content(browser, &tid("insight-text-2"), INSIGHT_PILLARS).await?;
    }
    // Anna's two strengths, once the facilitator has them too.
    for pillar in [Pillar::Time, Pillar::Communication] {
        let own = tid(&format!("own-dot-{ANNA}-p{}", pillar.index()));
        let value = wait_some(
            &format!("Anna's {} to be placed", pillar.dutch()),
            TIMEOUT,
            || async {
                let v = attr(&anna, &own, "data-strength")
                    .await?
                    .unwrap_or_default();
                let theirs = attr(
                    &facilitator,
                    &tid(&format!("dot-{ANNA}-p{}", pillar.index())),
                    "data-strength",
                )
                .await
                .ok()
                .flatten();
                Ok((!v.is_empty() && theirs.as_deref() == Some(v.as_str()))
                    .then(|| v.parse::<u8>().ok())
                    .flatten())
            },
        )
        .await?;
        expected.pillars.insert((ANNA, pillar), value);
    }
    ensure!(
        expected.pillars[&(ANNA, Pillar::Time)] <= 35
            && expected.pillars[&(ANNA, Pillar::Communication)] >= 55,
        "Anna's drops landed far from where she let go: {:?}",
        expected.pillars
    );
    for id in 1..=8u32 {
        let n = expected
            .pillars
            .keys()
            .filter(|(who, _)| *who == id)
            .count();
        wait_placed(&facilitator, id, n).await?;
    }
    println!("pillar strengths: {:?}", expected.pillars);

    // Step 4, Inzicht naar Actie: everyone sees the signals, the weak pillars, the
    // insights and the actions.
    advance(&facilitator, &everyone, &["actions"]).await?;
    let facts = expected.facts();
    let weak: Vec<String> = expected
        .weak()
        .iter()
        .map(|p| format!("weak-{}", p.index()))
        .collect();
    let signal_items: Vec<String> = facts
        .signal_items
        .keys()
        .map(|d| format!("signal-item-{d}"))
        .collect();
    for browser in everyone {
        // The shared screen shows the newest insight cards as a rail.
        let insights = if browser.label() == "screen" {
            "insight-rail"
        } else {
            "insights"
        };
        for css in ["signals", "weak-pillars", insights, "actions-panel"] {
            browser.wait_for(&tid(css)).await?;
        }
        let shown = browser
            .js(r#"return {
                weak: [...document.querySelectorAll('[data-testid="weak-pillars"] [data-testid^="weak-"]')].map(e => e.dataset.testid),
                signals: [...document.querySelectorAll('[data-testid="signals"] [data-testid^="signal-item-"]')].map(e => e.dataset.testid),
            }"#)
            .await?;
        ensure!(
            shown["weak"] == json!(weak) && shown["signals"] == json!(signal_items),
            "{} shows {shown}; want weak {weak:?}, signals {signal_items:?}",
            browser.label()
        );
    }
    for (d, line) in &facts.signal_items {
        wait_text_content(&screen, &tid(&format!("signal-item-{d}")), line).await?;
    }
    // Before the close, the harvest is the facilitator's only.
    ensure!(
        anna.find_all(Locator::Css(&tid("open-harvest")))
            .await?
            .is_empty(),
        "a participant can open the harvest before the close"
    );

    // The facilitator's action: two participants and someone else, a date, and the
    // insight it answers.
    let [first, bram_action, carla_action] = actions();
    type_into(&facilitator, &tid("action-what"), first.what).await?;
    click(&facilitator, &tid(&format!("action-owner-{ANNA}"))).await?;
    click(&facilitator, &tid("action-owner-6")).await?;
    type_into(&facilitator, &tid("action-other"), first.other).await?;
    set_value(
        &facilitator,
        &tid("action-due"),
        first.due.context("a date")?,
    )
    .await?;
    select_value(&facilitator, &tid("action-answers"), "insight:2").await?;
    click(&facilitator, &tid("action-submit")).await?;
    for browser in everyone {
        wait_text_content(browser, &tid("action-what-1"), first.what).await?;
    }
    // Bram's own contribution: the form names him already.
    bram.wait_for(&tid("action-form")).await?;
    for id in 1..=8u32 {
        let checked = bram
            .find_css(&tid(&format!("action-owner-{id}")))
            .await?
            .prop("checked")
            .await?;
        ensure!(
            (checked.as_deref() == Some("true")) == (id == BRAM),
            "Bram's form ticks participant {id}: {checked:?}"
        );
    }
    type_into(&bram, &tid("action-what"), bram_action.what).await?;
    set_value(
        &bram,
        &tid("action-due"),
        bram_action.due.context("a date")?,
    )
    .await?;
    select_value(&bram, &tid("action-answers"), "drive:2").await?;
    // Enter in the text field sends the form. (A tap on the button would do too, but on
    // this phone the page is wider than the screen, see the test below, and WebDriver's
    // emulated tap then lands beside the button.)
    focus(&bram, &tid("action-what")).await?;
    press(&bram, &[Key::Enter]).await?;
    // Carla's, over the protocol, without a date.
    remotes[&3]
        .commands(
            &screen,
            &[Command::AddAction {
                action: ActionDraft {
                    what: carla_action.what.into(),
                    owners: vec![ParticipantId(3)],
                    other_owner: String::new(),
                    due: None,
                    answers: None,
                },
            }],
        )
        .await?;
    for browser in everyone {
        wait_text_content(browser, &tid("action-what-2"), bram_action.what).await?;
        wait_text_content(browser, &tid("action-what-3"), carla_action.what).await?;
    }

    // The close: reflections from two browsers and two over the protocol.
    advance(&facilitator, &everyone, &["close"]).await?;
    type_into(&anna, &tid("reflection-text"), REFLECTIONS[0].1).await?;
    click(&anna, &tid("reflection-save")).await?;
    // On Bram's phone the close asks for the reflection first, above the action form.
    let above = bram
        .js(
            "const top = (id) => document.querySelector(`[data-testid=${id}]`)
                 .getBoundingClientRect().top;
             return top('reflection-text') < top('action-form')",
        )
        .await?;
    ensure!(
        above == true,
        "on the phone the reflection is below the action form"
    );
    type_into(&bram, &tid("reflection-text"), REFLECTIONS[1].1).await?;
    focus(&bram, &tid("reflection-save")).await?;
    press(&bram, &[Key::Enter]).await?;
    for (id, text) in &REFLECTIONS[2..] {
        remotes[id]
            .commands(
                &screen,
                &[Command::SetReflection {
                    text: (*text).into(),
                }],
            )
            .await?;
    }
    for (id, text) in REFLECTIONS {
        let line = format!("{}: {text}", name(id));
        wait_text_content(&screen, &tid(&format!("reflection-{id}")), &line).await?;
    }
    Ok(Played {
        facilitator,
        screen,
        anna,
        _bram: bram,
        room,
        facilitator_key,
        facilitator_link,
        join_link,
        expected,
    })
}
