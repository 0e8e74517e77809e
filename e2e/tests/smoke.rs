//! The whole chain works: the server binary starts, serves the client build, a real browser loads
//! the wasm and it renders; and the harness itself (pointer input, phone emulation) does what the
//! richer tests rely on.

use anyhow::{Result, ensure};
use koersbord_e2e::{DragOptions, Viewport, drag_by, drag_by_with, run};
use serde_json::Value;

#[test]
fn the_client_loads_in_a_browser() -> Result<()> {
    run("the_client_loads_in_a_browser", |h| async move {
        let health = h.get("/healthz").await?;
        ensure!(health.status == 200, "/healthz answered {}", health.status);

        let browser = h.browser("desktop", Viewport::DESKTOP).await?;
        // It is the wasm that renders: the module was fetched and is running.
        koersbord_e2e::page::start_page_runs(&browser).await?;
        // The start page meets WCAG A/AA, on a laptop and on a phone, in both languages.
        koersbord_e2e::axe::check(&browser, "the start page").await?;
        let phone = h.browser("phone", Viewport::PHONE).await?;
        koersbord_e2e::page::start_page_runs(&phone).await?;
        koersbord_e2e::axe::check(&phone, "the start page on a phone").await?;
        koersbord_e2e::page::click(&phone, &koersbord_e2e::page::tid("lang-switch")).await?;
        phone.wait_for_text("h1", "Setting course").await?;
        koersbord_e2e::axe::check(&phone, "the English start page on a phone").await
    })
}

/// What a page saw of a drag: `[type, pointerType, clientX, clientY]` per event.
const RECORD_POINTER_EVENTS: &str = r#"
    const pad = document.createElement('div');
    pad.id = 'e2e-pad';
    pad.style = 'position:fixed;left:20px;top:20px;width:60px;height:60px;touch-action:none;'
        + 'background:#c33;z-index:2147483647';
    window.__events = [];
    for (const type of ['pointerdown', 'pointermove', 'pointerup', 'pointercancel']) {
        pad.addEventListener(type, e => {
            window.__events.push([e.type, e.pointerType, Math.round(e.clientX), Math.round(e.clientY)]);
            if (e.type === 'pointerdown') pad.setPointerCapture(e.pointerId);
        });
    }
    document.body.appendChild(pad);
"#;

#[test]
fn drags_arrive_as_pointer_events_from_mouse_and_finger() -> Result<()> {
    run("drags_arrive_as_pointer_events", |h| async move {
        for (label, viewport, options) in [
            ("desktop", Viewport::DESKTOP, DragOptions::default()),
            ("phone", Viewport::PHONE, DragOptions::touch()),
        ] {
            let browser = h.browser(label, viewport).await?;
            browser.goto("/").await?;
            let size = browser
                .js("return [innerWidth, innerHeight, matchMedia('(pointer: coarse)').matches]")
                .await?;
            ensure!(
                size == serde_json::json!([viewport.width, viewport.height, viewport.touch]),
                "{label}: [innerWidth, innerHeight, coarse pointer] = {size}"
            );

            browser.js(RECORD_POINTER_EVENTS).await?;
            let pad = browser.find_css("#e2e-pad").await?;
            if viewport.touch {
                drag_by_with(&browser, &pad, 100.0, 50.0, options).await?;
            } else {
                drag_by(&browser, &pad, 100.0, 50.0).await?;
            }
            let events = browser.js("return window.__events").await?;
            let events = events.as_array().cloned().unwrap_or_default();
            let kind = if viewport.touch { "touch" } else { "mouse" };
            let of = |t: &str| {
                events
                    .iter()
                    .filter(|e| e[0] == t && e[1] == kind)
                    .collect::<Vec<&Value>>()
            };
            let (down, moves, up) = (of("pointerdown"), of("pointermove"), of("pointerup"));
            ensure!(
                down.len() == 1 && up.len() == 1 && moves.len() >= 5,
                "{label}: events {events:?}"
            );
            ensure!(
                down[0][2] == 50 && down[0][3] == 50,
                "{label}: down at {:?}",
                down[0]
            );
            ensure!(
                up[0][2] == 150 && up[0][3] == 100,
                "{label}: up at {:?}",
                up[0]
            );
            browser.close().await?;
        }
        Ok(())
    })
}
