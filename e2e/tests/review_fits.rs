//! A long Terugblik on the projector: a first session that agreed on many actions, its follow-up's
//! shared screen at 1920×1080 and 1280×720. The projector is never scrolled, so every earlier
//! action must be on the screen, whole, in type that reads from the back of the room.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::remote::{Remote, send_commands};
use koersbord_e2e::{Browser, Harness, Viewport, http, run};
use koersbord_shared::protocol::{SessionCreated, room_link};
use koersbord_shared::room::{ActionDraft, Command};
use koersbord_shared::{ParticipantId, Phase, Side};
use serde_json::Value;

/// The longest lists in two columns and in four (the most that fit). Two sessions each: the
/// server's session burst allows five.
const ACTIONS: [usize; 2] = [6, 16];

/// The projector sizes people use.
const SIZES: [(u32, u32); 2] = [(1920, 1080), (1280, 720)];

/// What sticks out: review items whose box leaves the viewport, the page's own size, and the
/// smallest text in the list (px).
const MEASURE: &str = r#"
    const items = [...document.querySelectorAll('[data-testid=review-item]')];
    const out = items.filter((el) => {
        const r = el.getBoundingClientRect();
        return r.bottom > innerHeight + 1 || r.right > innerWidth + 1 || r.top < 0;
    }).length;
    const sizes = [...document.querySelectorAll('[data-testid=review-item] *')]
        .filter((el) => el.childNodes.length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
        .map((el) => parseFloat(getComputedStyle(el).fontSize));
    const small = [...document.querySelectorAll('.stage *')]
        .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
        .map((el) => [el.className || el.tagName, parseFloat(getComputedStyle(el).fontSize)])
        .filter(([, px]) => px < 28 * innerWidth / 1920 - 0.5);
    return {
        items: items.length,
        out,
        page: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
        viewport: [innerWidth, innerHeight],
        smallest: sizes.length ? Math.min(...sizes) : null,
        small: [...new Set(small.map(([c, px]) => `${c} ${px}`))],
    };
"#;

/// A finished first session with `actions` actions, over the protocol, and its follow-up in
/// Terugblik.
async fn follow_up_of_a_long_session(
    h: &Harness,
    page: &Browser,
    actions: usize,
) -> Result<SessionCreated> {
    let s = h
        .create_session("Wijkteam en directie", "Samen leren", ["Minder uitval", ""])
        .await?;
    let anna = Remote::join(page, &s.room, &s.join_key, "Anna", Side::Network).await?;
    let bram = Remote::join(page, &s.room, &s.join_key, "Bram", Side::Management).await?;
    let mut commands = vec![Command::GoToPhase {
        phase: Phase::Actions,
    }];
    commands.extend((0..actions).map(|i| Command::AddAction {
        action: ActionDraft {
            what: format!("Afspraak {} over intervisie en scholing in het team", i + 1),
            owners: vec![ParticipantId(if i % 2 == 0 { anna.id } else { bram.id })],
            other_owner: if i % 3 == 0 {
                "Directie".into()
            } else {
                String::new()
            },
            due: Some("2027-03-01".into()),
            answers: None,
        },
    }));
    commands.push(Command::GoToPhase {
        phase: Phase::Close,
    });
    let out = send_commands(page, &s.room, &s.facilitator_key, None, &commands).await?;
    for (c, reply) in commands.iter().zip(&out.replies) {
        ensure!(reply["type"] == "ack", "{c:?} answered {reply}");
    }
    let bearer = format!("Bearer {}", s.facilitator_key);
    let made = http::request(
        hyper::Method::POST,
        &h.url(&format!("/api/sessions/{}/follow-up", s.room)),
        &[("authorization", bearer.as_str())],
        None,
    )
    .await?;
    ensure!(made.status == 201, "follow-up answered {}", made.status);
    let follow_up: SessionCreated = serde_json::from_slice(&made.body)?;
    let review = [Command::GoToPhase {
        phase: Phase::Review,
    }];
    let out = send_commands(
        page,
        &follow_up.room,
        &follow_up.facilitator_key,
        None,
        &review,
    )
    .await?;
    ensure!(out.replies[0]["type"] == "ack", "{:?}", out.replies);
    Ok(follow_up)
}

#[test]
fn a_long_terugblik_fits_the_projector_whole() -> Result<()> {
    run(
        "a_long_terugblik_fits_the_projector_whole",
        |h| async move {
            let page = h.browser("setup", Viewport::DESKTOP).await?;
            page.goto("/").await?;
            for actions in ACTIONS {
                let follow_up = follow_up_of_a_long_session(&h, &page, actions).await?;
                for (width, height) in SIZES {
                    let viewport = Viewport {
                        width,
                        height,
                        touch: false,
                        pixel_ratio: 1.0,
                    };
                    let screen = h
                        .browser(&format!("screen-{actions}-{width}"), viewport)
                        .await?;
                    screen
                        .goto(&room_link(&follow_up.room, &follow_up.screen_key))
                        .await?;
                    screen
                        .wait_for(".review-list [data-testid=review-item]")
                        .await
                        .context("the Terugblik on the screen")?;
                    // Every item drawn, fonts settled.
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                    let m: Value = screen.js(MEASURE).await?;
                    println!("{actions} at {width}×{height}: {m}");
                    screen
                        .screenshot(&format!("review-{actions}-{width}x{height}"))
                        .await?;
                    ensure!(m["items"] == actions, "every earlier action listed: {m}");
                    ensure!(
                        m["out"] == 0,
                        "{actions} at {width}×{height}: items off the screen: {m}"
                    );
                    ensure!(
                        m["page"] == m["viewport"],
                        "{width}×{height}: the page scrolls: {m}"
                    );
                    // Up to 6 (two columns) the projector's rule holds: 28 px at 1920, scaled with the
                    // width. Longer lists trade size for staying whole, down to 18 px at 1920.
                    let floor = if actions <= 6 { 28.0 } else { 18.0 } * f64::from(width) / 1920.0;
                    let smallest = m["smallest"].as_f64().context("text in the list")?;
                    ensure!(
                        smallest >= floor - 0.5,
                        "{width}×{height}: text of {smallest} px under {floor} px: {m}"
                    );
                }
            }
            Ok(())
        },
    )
}
