//! Small helpers for the product's pages: elements by `data-testid`, data attributes that change
//! live, joining a session through the join form, the step every screen shows, the keyboard.

use crate::browser::{Browser, TIMEOUT};
use crate::wait::{wait_some, wait_value};
use anyhow::{Context, Result};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::json;

/// The CSS selector of the element with `data-testid="{id}"`.
pub fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Waits for the element matching `css` and clicks it.
pub async fn click(browser: &Browser, css: &str) -> Result<()> {
    let element = browser.wait_for(css).await?;
    element
        .click()
        .await
        .with_context(|| format!("{}: clicking `{css}`", browser.label()))
}

/// Waits for the input matching `css`, empties it and types `text`.
pub async fn type_into(browser: &Browser, css: &str, text: &str) -> Result<()> {
    let element = browser.wait_for(css).await?;
    element.clear().await?;
    element
        .send_keys(text)
        .await
        .with_context(|| format!("{}: typing into `{css}`", browser.label()))
}

/// The attribute `name` of the element matching `css` now (`None` when it has none).
pub async fn attr(browser: &Browser, css: &str, name: &str) -> Result<Option<String>> {
    Ok(browser.find_css(css).await?.attr(name).await?)
}

/// Waits until the element matching `css` has the attribute `name` equal to `want`; on a timeout
/// the message says what it had instead.
pub async fn wait_attr(browser: &Browser, css: &str, name: &str, want: &str) -> Result<()> {
    let what = format!("{}: `{css}` to have {name}={want:?}", browser.label());
    wait_value(
        &what,
        TIMEOUT,
        || attr(browser, css, name),
        |value| value.as_deref() == Some(want),
    )
    .await?;
    Ok(())
}

/// Whether the element matching `css` has the class `class` now.
pub async fn has_class(browser: &Browser, css: &str, class: &str) -> Result<bool> {
    let classes = attr(browser, css, "class").await?.unwrap_or_default();
    Ok(classes.split_whitespace().any(|c| c == class))
}

/// Waits until the element matching `css` has (`present`) or lacks the class `class`.
pub async fn wait_class(browser: &Browser, css: &str, class: &str, present: bool) -> Result<()> {
    let what = format!(
        "{}: `{css}` to {} class {class:?}",
        browser.label(),
        if present { "have" } else { "lose" }
    );
    wait_some(&what, TIMEOUT, || async {
        Ok((has_class(browser, css, class).await? == present).then_some(()))
    })
    .await
}

/// Waits until every browser shows the step `phase` (`lobby`, `ambition`, `drives`, ...).
pub async fn wait_phase(browsers: &[&Browser], phase: &str) -> Result<()> {
    for browser in browsers {
        wait_attr(browser, &tid("step-trail"), "data-phase", phase).await?;
    }
    Ok(())
}

/// The step a browser shows now.
pub async fn phase(browser: &Browser) -> Result<String> {
    attr(browser, &tid("step-trail"), "data-phase")
        .await?
        .context("no data-phase on the step trail")
}

/// Opens the participant link `path`, fills in the join form with `name` and `side` (`network` or
/// `management`) and waits until the people list shows this browser as that person. Returns the
/// participant's id.
pub async fn join(browser: &Browser, path: &str, name: &str, side: &str) -> Result<u32> {
    browser.goto(path).await?;
    join_here(browser, name, side).await
}

/// [`join`] on the page the browser shows already.
pub async fn join_here(browser: &Browser, name: &str, side: &str) -> Result<u32> {
    type_into(browser, &tid("join-name"), name).await?;
    click(browser, &tid(&format!("join-side-{side}"))).await?;
    click(browser, &tid("join-submit")).await?;
    own_id(browser, name).await
}

/// Waits until the people list marks `name` as this browser's person ("(jij)"), and returns the id.
pub async fn own_id(browser: &Browser, name: &str) -> Result<u32> {
    let what = format!(
        "{}: the people list to show {name:?} as me",
        browser.label()
    );
    wait_some(&what, TIMEOUT, || async {
        let id = browser
            .client()
            .execute(
                "for (const li of document.querySelectorAll('[data-testid^=\"person-\"]')) {
                     const text = li.querySelector('.person-name')?.innerText ?? '';
                     if (text.startsWith(arguments[0]) && text.includes('(jij)')) {
                         return Number(li.dataset.testid.slice('person-'.length));
                     }
                 }
                 return null;",
                vec![json!(name)],
            )
            .await?;
        Ok(id.as_u64().map(|id| id as u32))
    })
    .await
}

/// Focuses the element matching `css` (as a Tab would).
pub async fn focus(browser: &Browser, css: &str) -> Result<()> {
    browser.wait_for(css).await?;
    let focused = browser
        .client()
        .execute(
            "const el = document.querySelector(arguments[0]); el.focus(); \
             return document.activeElement === el;",
            vec![json!(css)],
        )
        .await?;
    anyhow::ensure!(
        focused == json!(true),
        "{}: `{css}` did not take focus",
        browser.label()
    );
    Ok(())
}

/// Presses and releases `keys` one after the other, on whatever has the focus.
pub async fn press(browser: &Browser, keys: &[Key]) -> Result<()> {
    let mut actions = KeyActions::new("keyboard".into());
    for key in keys {
        let value = char::from(*key);
        actions = actions
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
    }
    browser.client().perform_actions(actions).await?;
    browser.client().release_actions().await?;
    Ok(())
}

/// The `data-testid` (or else the tag name) of what has the focus.
pub async fn focused(page: &Browser) -> Result<String> {
    Ok(page
        .js("const a = document.activeElement; return a ? (a.dataset.testid || a.tagName) : ''")
        .await?
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

/// Presses and releases the printable key `c` (a letter: `Key` has only the special keys).
pub async fn press_char(browser: &Browser, c: char) -> Result<()> {
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: c })
        .then(KeyAction::Up { value: c });
    browser.client().perform_actions(actions).await?;
    browser.client().release_actions().await?;
    Ok(())
}

/// Scrolls the element matching `css` to the middle of the viewport (pointer actions do not scroll).
pub async fn scroll_to(browser: &Browser, css: &str) -> Result<()> {
    browser.wait_for(css).await?;
    browser
        .client()
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center', inline: 'center'});",
            vec![json!(css)],
        )
        .await?;
    Ok(())
}

/// The `textContent` of the element matching `css` now: the text exactly as stored in the page,
/// markup characters included (WebDriver's element text is the rendered, whitespace-folded one).
pub async fn text_content(browser: &Browser, css: &str) -> Result<String> {
    let value = browser
        .client()
        .execute(
            "const el = document.querySelector(arguments[0]); return el ? el.textContent : null;",
            vec![json!(css)],
        )
        .await?;
    value
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("{}: no element matches `{css}`", browser.label()))
}

/// Waits until the `textContent` of the element matching `css`, trimmed, equals `want`; on a
/// timeout the message says what it had instead.
pub async fn wait_text_content(browser: &Browser, css: &str, want: &str) -> Result<()> {
    let what = format!("{}: `{css}` to read {want:?}", browser.label());
    wait_value(
        &what,
        TIMEOUT,
        || text_content(browser, css),
        |text| text.trim() == want,
    )
    .await?;
    Ok(())
}

/// Sets the value of the input matching `css` as a user's edit would end (the `input` and
/// `change` events fire). For inputs whose typing depends on the browser's locale, like a date.
pub async fn set_value(browser: &Browser, css: &str, value: &str) -> Result<()> {
    browser.wait_for(css).await?;
    let set = browser
        .client()
        .execute(
            "const el = document.querySelector(arguments[0]);
             const proto = Object.getPrototypeOf(el);
             Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, arguments[1]);
             el.dispatchEvent(new Event('input', { bubbles: true }));
             el.dispatchEvent(new Event('change', { bubbles: true }));
             return el.value;",
            vec![json!(css), json!(value)],
        )
        .await?;
    anyhow::ensure!(
        set == json!(value),
        "{}: `{css}` took {set} instead of {value:?}",
        browser.label()
    );
    Ok(())
}

/// Chooses the option with `value` in the `<select>` matching `css`, as a click would.
pub async fn select_value(browser: &Browser, css: &str, value: &str) -> Result<()> {
    let select = browser.wait_for(css).await?;
    select
        .select_by_value(value)
        .await
        .with_context(|| format!("{}: choosing {value:?} in `{css}`", browser.label()))?;
    Ok(())
}

/// The facilitator moves the room on through `phases`, one `next-step` click each; after each
/// click every browser in `everyone` must show that step.
pub async fn advance(facilitator: &Browser, everyone: &[&Browser], phases: &[&str]) -> Result<()> {
    for phase in phases {
        click(facilitator, &tid("next-step")).await?;
        wait_phase(everyone, phase).await?;
    }
    Ok(())
}

/// Prepares a session on the start page as a facilitator does (title, ambition, both goals,
/// submit) and waits until the page shows the new session's links.
pub async fn create_on_start_page(
    browser: &Browser,
    title: &str,
    ambition: &str,
    goals: [&str; 2],
) -> Result<()> {
    browser.goto("/").await?;
    type_into(browser, &tid("create-title"), title).await?;
    type_into(browser, &tid("create-ambition"), ambition).await?;
    type_into(browser, &tid("create-goal-1"), goals[0]).await?;
    type_into(browser, &tid("create-goal-2"), goals[1]).await?;
    click(browser, &tid("create-submit")).await?;
    browser.wait_for(&tid("created")).await?;
    Ok(())
}

/// The room link shown in the input `testid` on the start page, as a path on the server at
/// `base`: `/r/{room}#k={key}`.
pub async fn link_path(browser: &Browser, base: &str, testid: &str) -> Result<String> {
    let url = browser
        .find_css(&tid(testid))
        .await?
        .prop("value")
        .await?
        .with_context(|| format!("no value in {testid}"))?;
    let path = url
        .strip_prefix(base)
        .with_context(|| format!("{testid} is not on this server: {url}"))?;
    anyhow::ensure!(
        (path.starts_with("/r/") || path.starts_with("/j/")) && path.contains("#k="),
        "{testid}: {url}"
    );
    Ok(path.to_string())
}

/// `/r/{room}#k={key}` (or a join link, `/j/…`) → (room, key).
pub fn room_and_key(path: &str) -> Result<(String, String)> {
    let rest = path
        .strip_prefix("/r/")
        .or_else(|| path.strip_prefix("/j/"))
        .context("not a room link")?;
    let (room, key) = rest.split_once("#k=").context("no key in the link")?;
    Ok((room.to_string(), key.to_string()))
}

/// Opens the start page and waits until the client renders it from its wasm (fetched once, 200).
pub async fn start_page_runs(browser: &Browser) -> Result<()> {
    browser.goto("/").await?;
    crate::wait_until("the client to render", crate::TIMEOUT, || async {
        Ok(browser
            .body_text()
            .await?
            .to_lowercase()
            .contains("koersbord"))
    })
    .await?;
    let wasm = browser
        .js("return performance.getEntriesByType('resource')\
             .filter(e => e.name.endsWith('_bg.wasm')).map(e => e.responseStatus)")
        .await?;
    anyhow::ensure!(wasm == serde_json::json!([200]), "wasm fetches: {wasm}");
    Ok(())
}

/// Waits up to `within` until `browser` no longer shows the offline banner: it is connected again.
pub async fn wait_reconnected(browser: &Browser, within: std::time::Duration) -> Result<()> {
    crate::wait_until(
        &format!("{} to reconnect", browser.label()),
        within,
        || async {
            Ok(browser
                .find_all(crate::Locator::Css(&tid("reconnecting")))
                .await?
                .is_empty())
        },
    )
    .await
}

/// Waits until exactly `want` elements match `css` (`what` names it in a timeout).
pub async fn wait_count(browser: &Browser, what: &str, css: &str, want: u64) -> Result<()> {
    let script = format!("return document.querySelectorAll('{css}').length");
    crate::wait::wait_until(what, TIMEOUT, || async {
        Ok(browser.js(&script).await?.as_u64() == Some(want))
    })
    .await
}
