//! A session from start to close, as people meet it: created on the start page, joined by link and
//! by code, one side filled up, every screen following the facilitator through the steps, a
//! participant unable to move the steps, the timer the same everywhere, a reload that keeps who
//! you are.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::page::{
    advance, attr, click, create_on_start_page, join, join_here, link_path, own_id, phase,
    room_and_key, tid, type_into, wait_attr, wait_phase,
};
use koersbord_e2e::{Browser, TIMEOUT, Viewport, run, wait_until};
use serde_json::json;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Joins `arguments[2]` (a name) on the network side over a WebSocket of its own, with the join
/// key `arguments[1]` for room `arguments[0]`; resolves with the answer to the join command.
const JOIN_OVER_WEBSOCKET: &str = r#"
    const [room, key, name] = arguments;
    return new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${location.host}/ws`);
        const timer = setTimeout(() => { ws.close(); reject(new Error('no answer')); }, 5000);
        ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', protocol_version: 1, room, key }));
        ws.onmessage = (e) => {
            const m = JSON.parse(e.data);
            if (m.type === 'welcome') {
                ws.send(JSON.stringify({ type: 'command', id: 1,
                    command: { type: 'join', name, side: 'network' } }));
            } else if ((m.type === 'ack' || m.type === 'rejected') && m.id === 1) {
                clearTimeout(timer);
                ws.close();
                resolve(m);
            }
        };
        ws.onerror = () => { clearTimeout(timer); reject(new Error('websocket error')); };
    });
"#;

/// From a participant's page: connects as that participant (join key from the address, participant
/// key from localStorage), asks to go to the close and resolves with what came back.
const PARTICIPANT_TRIES_TO_CLOSE: &str = r#"
    const room = location.pathname.split('/')[2];
    const key = new URLSearchParams(location.hash.slice(1)).get('k');
    const participant_key = localStorage.getItem(`koersbord.participant.${room}`);
    return new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${location.host}/ws`);
        const answer = { participant_key_found: participant_key !== null };
        const timer = setTimeout(() => { ws.close(); reject(new Error('no answer')); }, 5000);
        ws.onopen = () => ws.send(JSON.stringify(
            { type: 'hello', protocol_version: 1, room, key, participant_key }));
        ws.onmessage = (e) => {
            const m = JSON.parse(e.data);
            if (m.type === 'welcome') {
                answer.welcome = { role: m.role, you: m.you ?? null };
                ws.send(JSON.stringify({ type: 'command', id: 1,
                    command: { type: 'go_to_phase', phase: 'close' } }));
            } else if ((m.type === 'ack' || m.type === 'rejected') && m.id === 1) {
                clearTimeout(timer);
                answer.reply = m;
                ws.close();
                resolve(answer);
            }
        };
        ws.onerror = () => { clearTimeout(timer); reject(new Error('websocket error')); };
    });
"#;

/// `mm:ss` to seconds.
fn seconds(digits: &str) -> Result<i64> {
    let (m, s) = digits
        .trim()
        .split_once(':')
        .with_context(|| format!("not mm:ss: {digits:?}"))?;
    Ok(m.parse::<i64>()? * 60 + s.parse::<i64>()?)
}

async fn digits(browser: &Browser) -> Result<String> {
    Ok(browser.find_css(&tid("timer-digits")).await?.text().await?)
}

async fn person_count(browser: &Browser) -> Result<usize> {
    Ok(browser
        .find_all(koersbord_e2e::Locator::Css("li.person"))
        .await?
        .len())
}

#[test]
fn a_session_from_start_to_close() -> Result<()> {
    run("a_session_from_start_to_close", |h| async move {
        let (title, ambition) = (
            "Wondzorg × directie",
            "Samen leren we wondzorg dichter bij huis te brengen",
        );
        let goals = [
            "Elk team heeft een wondzorgexpert",
            "Kennis wordt maandelijks gedeeld",
        ];

        // The facilitator prepares the session on the start page.
        let facilitator = h.browser("facilitator", Viewport::DESKTOP).await?;
        create_on_start_page(&facilitator, title, ambition, goals).await?;
        let (facilitator_link, join_link, screen_link) = (
            link_path(&facilitator, h.base(), "link-facilitator").await?,
            link_path(&facilitator, h.base(), "link-join").await?,
            link_path(&facilitator, h.base(), "link-screen").await?,
        );
        let code = facilitator
            .find_css(&tid("created-code"))
            .await?
            .text()
            .await?;
        ensure!(code.trim().len() >= 4, "join code {code:?}");
        let (room, join_key) = room_and_key(&join_link)?;

        // The facilitator opens their link; the shared screen opens its own.
        facilitator.goto(&facilitator_link).await?;
        facilitator.wait_for(&tid("facilitator-panel")).await?;
        let screen = h.browser("screen", Viewport::SCREEN).await?;
        screen.goto(&screen_link).await?;
        wait_attr(&screen, &tid("room"), "data-role", "screen").await?;
        screen.wait_for_text(&tid("join-code"), code.trim()).await?;

        // Anna joins by the link, Bert by typing the code (in lower case) on the start page.
        let anna = h.browser("anna", Viewport::DESKTOP).await?;
        let anna_id = join(&anna, &join_link, "Anna", "network").await?;
        let bert = h.browser("bert", Viewport::PHONE).await?;
        bert.goto("/").await?;
        type_into(&bert, &tid("code-input"), &code.trim().to_lowercase()).await?;
        click(&bert, &tid("code-submit")).await?;
        bert.wait_for(&tid("join-form")).await?;
        let bert_url = bert.current_url().await?;
        ensure!(
            // The join link: the participant's client.
            bert_url.path() == format!("/j/{room}"),
            "the code led to {bert_url}"
        );
        let bert_id = join_here(&bert, "Bert", "network").await?;
        ensure!(
            (anna_id, bert_id) == (1, 2),
            "ids in join order: {anna_id}, {bert_id}"
        );

        // Two more join the network side over plain WebSockets; a fifth is refused.
        for name in ["Carla", "Daan"] {
            let answer = screen
                .execute(
                    JOIN_OVER_WEBSOCKET,
                    vec![json!(room), json!(join_key), json!(name)],
                )
                .await?;
            ensure!(answer["type"] == "ack", "{name} joining: {answer}");
        }
        let answer = screen
            .execute(
                JOIN_OVER_WEBSOCKET,
                vec![json!(room), json!(join_key), json!("Extra")],
            )
            .await?;
        ensure!(
            answer["type"] == "rejected"
                && answer["reason"] == json!({"code": "side_full", "side": "network"}),
            "a fifth on the network side: {answer}"
        );
        facilitator
            .wait_for_text(&tid("side-network"), "4/4")
            .await?;

        // The next visitor finds the network side full and joins management.
        let eva = h.browser("eva", Viewport::PHONE).await?;
        eva.goto(&join_link).await?;
        eva.wait_for(&tid("join-form")).await?;
        wait_attr(&eva, &tid("join-side-network"), "disabled", "true").await?;
        ensure!(
            attr(&eva, &tid("join-side-management"), "disabled")
                .await?
                .is_none(),
            "management should still be open"
        );
        let eva_id = join_here(&eva, "Eva", "management").await?;
        ensure!(eva_id == 5, "Eva is the fifth to join: {eva_id}");
        for id in 1..=5 {
            facilitator.wait_for(&tid(&format!("person-{id}"))).await?;
        }
        let everyone = [&facilitator, &screen, &anna, &bert, &eva];

        // Step 1: everyone follows; the shared screen shows the ambition and both goals.
        wait_phase(&everyone, "lobby").await?;
        advance(&facilitator, &everyone, &["ambition"]).await?;
        screen.wait_for_text(&tid("ambition"), ambition).await?;
        screen.wait_for_text(&tid("goal-1"), goals[0]).await?;
        screen.wait_for_text(&tid("goal-2"), goals[1]).await?;

        // A participant who asks the server to move on is refused, and nobody moves.
        let answer = anna.execute(PARTICIPANT_TRIES_TO_CLOSE, Vec::new()).await?;
        ensure!(
            answer["participant_key_found"] == true
                && answer["welcome"] == json!({"role": "participant", "you": anna_id}),
            "Anna's own connection: {answer}"
        );
        ensure!(
            answer["reply"]["type"] == "rejected"
                && answer["reply"]["reason"] == json!({"code": "not_allowed"}),
            "a participant's go_to_phase: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        for browser in everyone {
            let now = phase(browser).await?;
            ensure!(
                now == "ambition",
                "{} moved to {now} on a participant's command",
                browser.label()
            );
        }

        // The timer: the step's ten minutes; start, pause, one minute more.
        for browser in everyone {
            browser.wait_for_text(&tid("timer-digits"), "10:00").await?;
        }
        let before_start = Instant::now();
        click(&facilitator, &tid("timer-start")).await?;
        facilitator.wait_for(&tid("timer-pause")).await?;
        let running = Instant::now();
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let before_pause = Instant::now();
        click(&facilitator, &tid("timer-pause")).await?;
        facilitator.wait_for(&tid("timer-start")).await?;
        let paused = Instant::now();
        click(&facilitator, &tid("timer-plus")).await?;
        // The server ran the timer for at least `before_pause - running`, at most `paused - before_start`.
        let (least, most) = (before_pause - running, paused - before_start);
        let left = |elapsed: Duration| (660_000 - elapsed.as_millis() as i64 + 999) / 1000;
        let (low, high) = (left(most), left(least));
        let last_seen = Mutex::new(Vec::new());
        wait_until(
            "every screen to show the same paused time, one minute added",
            TIMEOUT,
            || async {
                let mut now = Vec::new();
                for browser in everyone {
                    now.push(digits(browser).await?);
                }
                let first = seconds(&now[0])?;
                let same = now.iter().all(|d| *d == now[0]);
                *last_seen.lock().expect("not poisoned") = now;
                Ok(same && (low..=high).contains(&first))
            },
        )
        .await
        .with_context(|| {
            format!(
                "screens show {:?}; expected {low}..={high} s",
                last_seen.lock().expect("not poisoned")
            )
        })?;
        let shown = last_seen.into_inner().expect("not poisoned");
        tokio::time::sleep(Duration::from_millis(1200)).await;
        for browser in everyone {
            let later = digits(browser).await?;
            ensure!(
                later == shown[0],
                "{}: the paused timer moved from {} to {later}",
                browser.label(),
                shown[0]
            );
        }
        println!(
            "paused timer on every screen: {} (ran {least:?}..{most:?})",
            shown[0]
        );

        // Through the remaining steps; every screen follows each one.
        advance(
            &facilitator,
            &everyone,
            &["drives", "pillars", "actions", "close"],
        )
        .await?;
        ensure!(
            attr(&facilitator, &tid("next-step"), "disabled")
                .await?
                .is_some(),
            "there is no step after the close"
        );

        // Anna reloads: she is still Anna, nobody was added.
        let people_before = person_count(&anna).await?;
        ensure!(people_before == 5, "Anna sees {people_before} people");
        anna.refresh().await?;
        wait_phase(&[&anna], "close").await?;
        let again = own_id(&anna, "Anna").await?;
        ensure!(again == anna_id, "after a reload Anna is {again}");
        ensure!(
            anna.find_all(koersbord_e2e::Locator::Css(&tid("join-form")))
                .await?
                .is_empty(),
            "the join form came back after a reload"
        );
        anna.wait_for_text(&tid(&format!("person-{anna_id}")), "Anna (jij)")
            .await?;
        let people_after = person_count(&anna).await?;
        ensure!(
            people_after == people_before,
            "people before the reload {people_before}, after {people_after}"
        );
        let on_facilitator = person_count(&facilitator).await?;
        ensure!(
            on_facilitator == 5,
            "the facilitator lists {on_facilitator}"
        );
        wait_attr(
            &facilitator,
            &tid(&format!("online-{anna_id}")),
            "data-online",
            "true",
        )
        .await?;
        Ok(())
    })
}
