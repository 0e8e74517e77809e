//! Inzicht naar Actie on a phone.

use crate::plan::{AMBITION, GOALS, INSIGHT_DRIVES, TITLE};
use anyhow::{Result, ensure};
use koersbord_e2e::page::{join, tid, wait_phase, wait_text_content};
use koersbord_e2e::remote::send_commands;
use koersbord_e2e::{Harness, Viewport};
use koersbord_shared::room::{Command, Need};
use koersbord_shared::{Drive, Phase};

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

/// A participant's phone in the actions step, once an insight card exists, does not scroll
/// sideways.
pub async fn action_form_fits(h: Harness) -> Result<()> {
    let session = h.create_session(TITLE, AMBITION, GOALS).await?;
    let phone = h.browser("phone", Viewport::PHONE).await?;
    let link = koersbord_shared::protocol::room_link(&session.room, &session.join_key);
    join(&phone, &link, "Bram", "management").await?;
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
        &phone,
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
    wait_phase(&[&phone], "actions").await?;
    phone.wait_for(&tid("action-form")).await?;
    wait_text_content(&phone, &tid("insight-text-1"), INSIGHT_DRIVES).await?;
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
    Ok(())
}
