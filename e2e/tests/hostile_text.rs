//! No one gets in where they don't belong: whatever people type is shown as text, never run or
//! rendered as markup. The facilitator writes an insight card and an action that are HTML with
//! script in it, a participant joins with a name in markup and closes with a reflection that is
//! an SVG with a handler; on every screen (facilitator, participant, shared screen) and in the
//! harvest the text reads literally, no element came of it, no alert fired, no script ran. And
//! the page is served with a Content-Security-Policy that would stop inline script anyway.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::dots::key_drive;
use koersbord_e2e::downloads;
use koersbord_e2e::page::{
    advance, click, join_here, select_value, tid, type_into, wait_attr, wait_text_content,
};
use koersbord_e2e::{Browser, Viewport, run};
use koersbord_shared::protocol::join_link;
use serde_json::{Value, json};

const CARD: &str = "<img src=x onerror=alert(1)>";
const ACTION: &str = "<script>window.__pwned=1</script>";
const NAME: &str = "<b>bold</b>";
const OTHER_OWNER: &str = "<img src=y onerror=alert(2)>";
const REFLECTION: &str = "<svg onload=alert(3)>";
const ME: u32 = 1;

/// Installed in each page before any hostile text reaches it: alerts and other dialogs are
/// recorded instead of shown, Content-Security-Policy violations are recorded, and so is every
/// `img`, `script`, `b` or `svg`-with-a-handler element added to the document from then on.
const GUARD: &str = r#"
    window.__e2eDialogs = [];
    for (const name of ['alert', 'confirm', 'prompt']) {
        window[name] = (m) => { window.__e2eDialogs.push(name + ': ' + m); };
    }
    window.__e2eCsp = [];
    document.addEventListener('securitypolicyviolation',
        (e) => window.__e2eCsp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
    window.__e2eAdded = [];
    const suspicious = (el) => ['IMG', 'SCRIPT', 'B'].includes(el.tagName)
        || el.hasAttribute('onerror') || el.hasAttribute('onload');
    new MutationObserver((records) => {
        // Installed in a new document too: what its parser reads from the served page is not ours.
        if (document.readyState === 'loading') return;
        for (const r of records) {
            for (const n of r.addedNodes) {
                if (n.nodeType !== 1) continue;
                for (const el of [n, ...n.querySelectorAll('*')]) {
                    if (suspicious(el)) window.__e2eAdded.push(el.outerHTML.slice(0, 120));
                }
            }
        }
    }).observe(document, { childList: true, subtree: true });
    return true;
"#;

/// What the guard saw, and whether anything ran.
const VERDICT: &str = r#"
    const loaded = performance.getEntriesByType('resource').map((e) => e.name)
        .filter((n) => /\/(x|y)$/.test(n));
    return {
        dialogs: window.__e2eDialogs ?? null,
        csp: window.__e2eCsp ?? null,
        added: window.__e2eAdded ?? null,
        pwned: typeof window.__pwned,
        handlers: document.querySelectorAll('[onerror], [onload]').length,
        bold: [...document.querySelectorAll('b')].map((b) => b.outerHTML),
        inline_scripts: [...document.scripts].filter((s) => !s.src).map((s) => s.textContent),
        loaded,
    };
"#;

/// Each element matching `arguments[0]` (within `arguments[1]`, if given): its `textContent` and
/// the markup elements found inside it.
const TEXT_AND_MARKUP: &str = r#"
    const scope = arguments[1] ? document.querySelector(arguments[1]) : document;
    if (!scope) throw new Error('no ' + arguments[1]);
    return [...scope.querySelectorAll(arguments[0])].map((el) => ({
        text: el.textContent,
        markup: [...el.querySelectorAll('img, script, b, svg, [onerror], [onload]')]
            .map((m) => m.outerHTML.slice(0, 80)),
    }));
"#;

/// Fails unless `browser` shows `want` literally in every element matching `css` (at least one),
/// with no markup made of it. `scope` narrows the search (e.g. to the harvest).
async fn literal(browser: &Browser, scope: Option<&str>, css: &str, want: &str) -> Result<()> {
    let within = scope
        .map(|s| format!("{s} {css}"))
        .unwrap_or(css.to_string());
    wait_text_content(browser, &within, want).await?;
    let found = browser
        .execute(TEXT_AND_MARKUP, vec![json!(css), json!(scope)])
        .await?;
    let found = found.as_array().context("a list")?;
    ensure!(
        !found.is_empty(),
        "{}: nothing matches {within}",
        browser.label()
    );
    for el in found {
        ensure!(
            el["text"].as_str().map(str::trim) == Some(want) && el["markup"] == json!([]),
            "{}: `{within}` should read {want:?} as plain text, has {el}",
            browser.label()
        );
    }
    Ok(())
}

/// Fails if a dialog is open, an alert was called, script ran or markup was made from text.
async fn nothing_ran(browser: &Browser) -> Result<()> {
    if let Ok(text) = browser.get_alert_text().await {
        anyhow::bail!("{}: a JavaScript dialog is open: {text:?}", browser.label());
    }
    let v: Value = browser.js(VERDICT).await?;
    ensure!(
        v["dialogs"] == json!([])
            && v["csp"] == json!([])
            && v["added"] == json!([])
            && v["pwned"] == "undefined"
            && v["handlers"] == 0
            && v["bold"] == json!([])
            && v["inline_scripts"] == json!([])
            && v["loaded"] == json!([]),
        "{}: user text was treated as markup or code: {v:#}",
        browser.label()
    );
    Ok(())
}

/// The directives of a Content-Security-Policy: name → sources.
fn directives(csp: &str) -> Vec<(String, Vec<String>)> {
    csp.split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect()
}

async fn check_csp(h: &koersbord_e2e::Harness, path: &str) -> Result<()> {
    let response = h.get(path).await?;
    ensure!(response.status == 200, "GET {path}: {}", response.status);
    let csp = response
        .header("content-security-policy")
        .with_context(|| {
            format!(
                "GET {path}: no Content-Security-Policy: {:?}",
                response.headers
            )
        })?;
    let all = directives(csp);
    let get = |name: &str| all.iter().find(|(n, _)| n == name).map(|(_, s)| s.clone());
    ensure!(
        get("script-src") == Some(vec!["'self'".into(), "'wasm-unsafe-eval'".into()]),
        "GET {path}: script-src must be exactly 'self' 'wasm-unsafe-eval': {csp}"
    );
    ensure!(
        get("default-src") == Some(vec!["'self'".into()]),
        "GET {path}: default-src: {csp}"
    );
    ensure!(
        !all.iter()
            .any(|(_, sources)| sources.iter().any(|s| s == "'unsafe-eval'")),
        "GET {path}: 'unsafe-eval' allowed: {csp}"
    );
    ensure!(
        get("script-src").is_some_and(|s| !s.iter().any(|s| s == "'unsafe-inline'")),
        "GET {path}: inline script allowed: {csp}"
    );
    Ok(())
}

#[test]
fn user_text_is_only_text_on_every_screen() -> Result<()> {
    run("user_text_is_only_text_on_every_screen", |h| async move {
        let session = h
            .create_session("Veilig", "Alleen tekst", ["Doel 1", "Doel 2"])
            .await?;
        // The page and a room link are served with the policy.
        check_csp(&h, "/").await?;
        check_csp(&h, &format!("/r/{}", session.room)).await?;

        let (facilitator, screen) = h.facilitator_and_screen(&session).await?;
        facilitator.wait_for(&tid("facilitator-panel")).await?;
        wait_attr(&screen, &tid("room"), "data-role", "screen").await?;
        let participant = h.browser("participant", Viewport::DESKTOP).await?;
        participant
            .goto(&join_link(&session.room, &session.join_key))
            .await?;
        participant.wait_for(&tid("join-form")).await?;
        let everyone = [&facilitator, &screen, &participant];
        for browser in everyone {
            ensure!(browser.js(GUARD).await? == json!(true));
            // And in every page it loads next: the participant's harvest is the full client's page.
            browser
                .cdp(
                    "Page.addScriptToEvaluateOnNewDocument",
                    json!({ "source": format!("(() => {{ {GUARD} }})();") }),
                )
                .await?;
        }

        // A participant named in markup.
        let id = join_here(&participant, NAME, "network").await?;
        ensure!(id == ME, "joined as {id}");
        for browser in everyone {
            let name = tid(&format!("person-{ME}"));
            browser.wait_for(&name).await?;
            let shown = browser
                .execute(TEXT_AND_MARKUP, vec![json!(".person-name"), json!(name)])
                .await?;
            ensure!(
                shown[0]["text"]
                    .as_str()
                    .is_some_and(|t| t.trim().starts_with(NAME))
                    && shown[0]["markup"] == json!([]),
                "{}: the name in the people list: {shown}",
                browser.label()
            );
        }

        // Drijfveren: the participant calls Zingeving necessary (a signal with the name); the
        // facilitator writes an insight card that is an image with a handler.
        advance(&facilitator, &everyone, &["ambition", "drives"]).await?;
        key_drive(&participant, 0, 1).await?;
        wait_attr(
            &facilitator,
            &tid(&format!("dot-{ME}-d0")),
            "data-slot",
            "1",
        )
        .await?;
        type_into(&facilitator, &tid("insight-text"), CARD).await?;
        select_value(&facilitator, &tid("insight-about"), "drive:0").await?;
        click(&facilitator, &tid("insight-add")).await?;
        // The screen's board gives way to the results once they are shown: its dot first.
        wait_attr(
            &screen,
            &tid(&format!("dot-{ME}-d0")),
            "title",
            &format!("{NAME} · Noodzakelijk"),
        )
        .await?;
        click(&facilitator, &tid("toggle-results")).await?;
        let signal = format!("! Noodzakelijk volgens: {NAME}");
        for browser in everyone {
            literal(browser, None, &tid("insight-text-1"), CARD).await?;
            literal(browser, None, &tid("signal-0"), &signal).await?;
        }

        // Inzicht naar Actie: an action that is a script, for the participant and someone
        // else whose name is an image, answering the insight.
        advance(&facilitator, &everyone, &["pillars", "actions"]).await?;
        type_into(&facilitator, &tid("action-what"), ACTION).await?;
        click(&facilitator, &tid(&format!("action-owner-{ME}"))).await?;
        type_into(&facilitator, &tid("action-other"), OTHER_OWNER).await?;
        select_value(&facilitator, &tid("action-answers"), "insight:1").await?;
        click(&facilitator, &tid("action-submit")).await?;
        let who = format!("{NAME}, {OTHER_OWNER}");
        let signal_item = format!("Zingeving · {NAME}");
        for browser in everyone {
            literal(browser, None, &tid("action-what-1"), ACTION).await?;
            literal(browser, None, &tid("action-who-1"), &who).await?;
            literal(browser, None, &tid("insight-text-1"), CARD).await?;
            literal(browser, None, &tid("signal-item-0"), &signal_item).await?;
            literal(
                browser,
                Some(&tid("action-1")),
                ".tag",
                &format!("“{CARD}”"),
            )
            .await?;
        }
        // The participant's form lists the insight as a choice, as text.
        literal(
            &participant,
            Some(&tid("action-answers")),
            "option[value=\"insight:1\"]",
            &format!("“{CARD}”"),
        )
        .await?;

        // The close: a reflection that is an SVG with a handler.
        advance(&facilitator, &everyone, &["close"]).await?;
        type_into(&participant, &tid("reflection-text"), REFLECTION).await?;
        click(&participant, &tid("reflection-save")).await?;
        let reflection = format!("{NAME}: {REFLECTION}");
        for browser in everyone {
            literal(
                browser,
                None,
                &tid(&format!("reflection-{ME}")),
                &reflection,
            )
            .await?;
        }

        // The harvest, for the facilitator and for the participant.
        let harvest = tid("harvest");
        for browser in [&facilitator, &participant] {
            click(browser, &tid("open-harvest")).await?;
            browser.wait_for(&harvest).await?;
            for (css, want) in [
                (tid("insight-text-1"), CARD),
                (tid("action-what-1"), ACTION),
                (tid("action-who-1"), who.as_str()),
                (tid("signal-0"), signal.as_str()),
                (tid("signal-item-0"), signal_item.as_str()),
                (tid(&format!("reflection-{ME}")), reflection.as_str()),
            ] {
                literal(browser, Some(&harvest), &css, want).await?;
            }
        }
        // The Markdown export escapes what Markdown would read as HTML.
        downloads::capture(&facilitator).await?;
        click(&facilitator, &tid("harvest-md")).await?;
        let files = downloads::caught(&facilitator).await?;
        let md = &files.first().context("no Markdown download")?.text;
        for needle in [
            r"\<img src=x onerror=alert(1)\>",
            r"\<script\>window.\_\_pwned=1\</script\>",
            r"\<b\>bold\</b\>",
            r"\<svg onload=alert(3)\>",
        ] {
            ensure!(md.contains(needle), "the Markdown lacks {needle:?}:\n{md}");
        }
        ensure!(
            !md.contains(ACTION) && !md.contains(CARD),
            "raw HTML in the Markdown:\n{md}"
        );

        // Nothing ran anywhere, no element was made from text, nothing was fetched for it.
        for browser in everyone {
            nothing_ran(browser).await?;
        }
        Ok(())
    })
}
