//! Inzicht naar Actie on a phone and on the facilitator's laptop; the results beside or below the
//! radial board; the welcome on the projector.

use crate::plan::{AMBITION, GOALS, INSIGHT_DRIVES, TITLE};
use anyhow::{Result, ensure};
use koersbord_e2e::page::{join, tid, wait_phase, wait_text_content};
use koersbord_e2e::remote::send_commands;
use koersbord_e2e::{Browser, Harness, Viewport};
use koersbord_shared::protocol::{SessionCreated, room_link};
use koersbord_shared::room::{Command, Need};
use koersbord_shared::{Board, Drive, Phase};

/// Every element that reaches past the right edge of the screen while its parent does not: where
/// a page that scrolls sideways starts.
const STICKING_OUT: &str = r#"
    const edge = visualViewport.width + 1;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        const parent = el.parentElement?.getBoundingClientRect();
        if (r.right > edge && parent && parent.right <= edge) {
            out.push(`${el.tagName.toLowerCase()}[data-testid=${el.dataset.testid ?? ''}] ${Math.round(r.width)}px wide`);
        }
    }
    return {
        screen: visualViewport.width,
        layout: innerWidth,
        page: document.documentElement.scrollWidth,
        out,
    };
"#;

/// The facilitator, over the protocol, writes one insight card in Drijfveren and moves on to
/// Inzicht naar Actie; returns once `browser` shows the action form and the card.
async fn to_actions_with_an_insight(browser: &Browser, session: &SessionCreated) -> Result<()> {
    let steps = [
        Command::GoToPhase {
            phase: Phase::Drives,
        },
        Command::AddInsight {
            text: INSIGHT_DRIVES.into(),
            about: Some(Need::Drive(Drive::Meaning)),
        },
        Command::GoToPhase {
            phase: Phase::Actions,
        },
    ];
    let out = send_commands(
        browser,
        &session.room,
        &session.facilitator_key,
        None,
        &steps,
    )
    .await?;
    ensure!(
        out.replies.iter().all(|r| r["type"] == "ack"),
        "the facilitator's commands: {:?}",
        out.replies
    );
    wait_phase(&[browser], "actions").await?;
    browser.wait_for(&tid("action-form")).await?;
    wait_text_content(browser, &tid("insight-text-1"), INSIGHT_DRIVES).await
}

/// A participant's phone in the actions step, once an insight card exists, does not scroll
/// sideways, the steps stay on one line, and its form fields keep a usable width.
pub async fn action_form_fits(h: Harness) -> Result<()> {
    let session = h.create_session(TITLE, AMBITION, GOALS).await?;
    let phone = h.browser("phone", Viewport::PHONE).await?;
    let link = koersbord_shared::protocol::join_link(&session.room, &session.join_key);
    join(&phone, &link, "Bram", "management").await?;
    to_actions_with_an_insight(&phone, &session).await?;
    let seen = phone.js(STICKING_OUT).await?;
    ensure!(
        seen["page"] == seen["screen"] && seen["layout"] == seen["screen"],
        "on a {} px wide phone the page is {} px wide (layout viewport {} px) and scrolls \
         sideways; sticking out: {}",
        seen["screen"],
        seen["page"],
        seen["layout"],
        seen["out"]
    );
    let lines = phone
        .js(
            "return new Set([...document.querySelectorAll('[data-testid=step-trail] li')]
             .filter((li) => li.getBoundingClientRect().width > 0)
             .map((li) => Math.round(li.getBoundingClientRect().top))).size",
        )
        .await?;
    ensure!(
        lines == 1,
        "the step trail takes {lines} lines on the phone"
    );
    let cramped = phone.js(CRAMPED).await?;
    ensure!(
        cramped["narrow"] == serde_json::json!([]) && cramped["overlaps"] == serde_json::json!([]),
        "cramped forms on the phone: {cramped}"
    );
    Ok(())
}

/// Visible form fields narrower than a usable minimum, and buttons that lie over another control
/// or a label: how a form squeezed into a narrow column breaks.
const CRAMPED: &str = r#"
    const shown = (el) => el.offsetParent !== null;
    const fields = [...document.querySelectorAll('main select, main textarea, main input')]
        .filter((el) => shown(el) && !['checkbox', 'radio', 'hidden'].includes(el.type));
    const narrow = fields
        .filter((el) => el.getBoundingClientRect().width < 64)
        .map((el) => `${el.dataset.testid ?? el.tagName} ${Math.round(el.getBoundingClientRect().width)}px`);
    const meets = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
        && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const others = [...fields, ...document.querySelectorAll('main label')].filter(shown);
    const overlaps = [];
    for (const button of [...document.querySelectorAll('main form button')].filter(shown)) {
        const r = button.getBoundingClientRect();
        for (const other of others) {
            if (!other.contains(button) && meets(r, other.getBoundingClientRect())) {
                overlaps.push(`${button.dataset.testid ?? button.textContent} over ${other.dataset.testid ?? other.tagName}`);
            }
        }
    }
    return { fields: fields.length, narrow, overlaps };
"#;

/// The facilitator's laptop in the actions step, once an insight card exists: the insight form's
/// topic choice and every other field keep a usable width, and no button covers them.
pub async fn facilitator_forms_fit(h: Harness) -> Result<()> {
    let session = h.create_session(TITLE, AMBITION, GOALS).await?;
    let laptop = h.browser("facilitator", Viewport::DESKTOP).await?;
    laptop
        .goto(&room_link(&session.room, &session.facilitator_key))
        .await?;
    laptop.wait_for(&tid("facilitator-panel")).await?;
    to_actions_with_an_insight(&laptop, &session).await?;
    let seen = laptop.js(CRAMPED).await?;
    ensure!(
        seen["fields"].as_u64().is_some_and(|n| n >= 4),
        "too few fields found to judge: {seen}"
    );
    ensure!(
        seen["narrow"] == serde_json::json!([]) && seen["overlaps"] == serde_json::json!([]),
        "cramped forms on a {}x{} laptop: {seen}",
        Viewport::DESKTOP.width,
        Viewport::DESKTOP.height
    );
    Ok(())
}

/// The facilitator's laptop and the shared screen in Innoveren & Samen leren with the results
/// shown: the results table is whole, with nothing to scroll sideways (beside the board on the
/// screen, below it on the laptop).
pub async fn pillar_results_fit(h: Harness) -> Result<()> {
    let session = h.create_session(TITLE, AMBITION, GOALS).await?;
    let (laptop, screen) = h.facilitator_and_screen(&session).await?;
    laptop.wait_for(&tid("facilitator-panel")).await?;
    let steps = [
        Command::GoToPhase {
            phase: Phase::Pillars,
        },
        Command::SetResultsShown {
            board: Board::Pillars,
            shown: true,
        },
    ];
    send_commands(
        &laptop,
        &session.room,
        &session.facilitator_key,
        None,
        &steps,
    )
    .await?;
    for browser in [&laptop, &screen] {
        browser.wait_for(&tid("pillar-results")).await?;
        let sizes = browser
            .js(
                "const r = document.querySelector('[data-testid=pillar-results]');
                 return [r.scrollWidth, r.clientWidth]",
            )
            .await?;
        ensure!(
            sizes[0].as_u64() <= sizes[1].as_u64().map(|w| w + 1),
            "{}: the results table is {} px wide in a {} px box",
            browser.label(),
            sizes[0],
            sizes[1]
        );
    }
    Ok(())
}

/// The shared screen (a projector) in the lobby: the invitation with its code and the ambition
/// are both on the first screen, nothing below the fold.
pub async fn lobby_fits_the_projector(h: Harness) -> Result<()> {
    let session = h.create_session(TITLE, AMBITION, GOALS).await?;
    let (_laptop, screen) = h.facilitator_and_screen(&session).await?;
    screen.wait_for(&tid("join-code")).await?;
    let seen = screen
        .js(
            "const bottom = (css) => document.querySelector(css).getBoundingClientRect().bottom;
             return [bottom('[data-testid=invite]'), bottom('.circle.ambition'), innerHeight]",
        )
        .await?;
    let fits = |i: usize| seen[i].as_f64() <= seen[2].as_f64();
    ensure!(
        fits(0) && fits(1),
        "on the projector [invite bottom, ambition bottom, height] = {seen}"
    );
    Ok(())
}
