//! What a phone and a laptop must never do, measured in the page: scroll sideways, cut text, show
//! print under 12 px, offer a control too small for a thumb (phone), or put the controls a
//! facilitator leads with out of reach (laptop).

use anyhow::{Result, ensure};
use koersbord_e2e::Browser;
use serde_json::{Value, json};

/// Sizes of what is on screen. The letters on dots and tallies are shapes, not text; a control is
/// measured by its box, or by its `::after` touch area where it has one (one's own drive dot).
const MEASURE: &str = concat!(
    text_measure!(),
    r#"    const wide = [...document.querySelectorAll('body *')]
        .filter((el) => shown(el) && !el.closest('.preview-frame')
            && el.getBoundingClientRect().right > innerWidth + 1)
        .map(label);
    const small = [...document.querySelectorAll('button, input, select, textarea, a.button, [role=slider]')]
        .filter((el) => shown(el) && !el.closest('.sr-only') && !el.matches('input[type=checkbox], input[type=radio]'))
        .map((el) => {
            const r = el.getBoundingClientRect();
            const after = getComputedStyle(el, '::after');
            const grow = after.content !== 'none' && after.position === 'absolute'
                ? -2 * parseFloat(after.left || '0') : 0;
            return { what: label(el), h: r.height + grow, w: r.width + grow };
        })
        .filter((c) => Math.min(c.h, c.w) < 44 - 0.5)
        .map((c) => `${c.what} ${Math.round(c.w)}×${Math.round(c.h)}`);
    const box = (css) => { const el = document.querySelector(css); if (!el || !shown(el)) return null;
        const r = el.getBoundingClientRect(); return [r.top, r.bottom]; };
    return {
        viewport: [innerWidth, innerHeight],
        page: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
        smallest, cut, wide, small,
        topbar: box('.topbar'), next: box('[data-testid=next-step]'), timer: box('[data-testid=timer-controls]'),
        people: box('.facilitator [data-testid=people]'), insight: box('[data-testid=quick-insight-text]'),
        step: box('.topbar'),
    };
"#
);

fn describe(device: &str, step: &str, file: &std::path::Path, v: &Value) -> String {
    format!("{step} on the {device} ({}): {v}", file.display())
}

/// Waits until nothing on the page moves (dots glide a quarter second into place), at most 3 s.
pub async fn settle(page: &Browser) -> Result<()> {
    page.js("return new Promise((done) => {
            const end = Date.now() + 3000;
            const still = () => document.getAnimations().every((a) => a.playState !== 'running'
                || a.effect?.getTiming().iterations === Infinity);
            const look = () => (still() || Date.now() > end) ? done(true) : setTimeout(look, 50);
            look();
        })")
        .await?;
    Ok(())
}

/// Common to both: no sideways scrolling, nothing wider than the screen, nothing cut, no print
/// under 12 px.
fn check_common(v: &Value, context: &dyn Fn() -> String) -> Result<()> {
    ensure!(
        v["page"][0].as_f64() <= v["viewport"][0].as_f64(),
        "the page scrolls sideways: {}",
        context()
    );
    ensure!(v["wide"] == json!([]), "past the right edge: {}", context());
    ensure!(v["cut"] == json!([]), "text cut off: {}", context());
    ensure!(
        v["smallest"]["px"].as_f64().unwrap_or(0.0) >= 12.0 - 0.01,
        "small print: {}",
        context()
    );
    Ok(())
}

/// A participant's phone showing `step`: also every control ≥ 44 px, and the step and the time
/// in view wherever the page is scrolled.
pub async fn check_phone(phone: &Browser, step: &str) -> Result<()> {
    phone.js("window.scrollTo(0, 0)").await?;
    settle(phone).await?;
    let file = phone.screenshot(&format!("phone-{step}")).await?;
    koersbord_e2e::axe::check(phone, &format!("phone-{step}")).await?;
    let v = phone.js(MEASURE).await?;
    let context = || describe("phone", step, &file, &v);
    check_common(&v, &context)?;
    ensure!(
        v["small"] == json!([]),
        "controls under 44 px: {}",
        context()
    );
    // Scrolled to the end, the header with the step and the timer is still on screen.
    phone
        .js("window.scrollTo(0, document.documentElement.scrollHeight)")
        .await?;
    let end = phone.js(MEASURE).await?;
    let file = phone.screenshot(&format!("phone-{step}-end")).await?;
    let top = end["step"][0].as_f64().unwrap_or(-1.0);
    ensure!(
        (0.0..60.0).contains(&top),
        "the step is out of view when scrolled: {}",
        describe("phone", step, &file, &end)
    );
    phone.js("window.scrollTo(0, 0)").await?;
    Ok(())
}

/// The facilitator's laptop showing `step`: also a one-line top bar, and the next step, the timer,
/// the people and the quick insight entry on screen both at the top and scrolled to the end.
pub async fn check_laptop(laptop: &Browser, step: &str) -> Result<()> {
    // A click scrolls what it clicks into view; a person leading starts from the top.
    laptop
        .js("window.scrollTo(0, 0); document.querySelector('.side-panel.facilitator')?.scrollTo(0, 0)")
        .await?;
    settle(laptop).await?;
    let file = laptop.screenshot(&format!("laptop-{step}")).await?;
    koersbord_e2e::axe::check(laptop, &format!("laptop-{step}")).await?;
    let v = laptop.js(MEASURE).await?;
    let context = || describe("laptop", step, &file, &v);
    check_common(&v, &context)?;
    let topbar = v["topbar"][1].as_f64().unwrap_or(999.0) - v["topbar"][0].as_f64().unwrap_or(0.0);
    ensure!(
        topbar <= 64.0,
        "the top bar wraps ({topbar} px): {}",
        context()
    );
    laptop
        .js("window.scrollTo(0, document.documentElement.scrollHeight)")
        .await?;
    let end = laptop.js(MEASURE).await?;
    laptop.js("window.scrollTo(0, 0)").await?;
    for (seen, at) in [(&v, "top"), (&end, "end")] {
        let height = seen["viewport"][1].as_f64().unwrap_or(0.0);
        for key in ["next", "timer", "people", "insight"] {
            let (top, bottom) = (
                seen[key][0].as_f64().unwrap_or(-1.0),
                seen[key][1].as_f64().unwrap_or(f64::MAX),
            );
            ensure!(
                top >= 0.0 && bottom <= height,
                "{key} out of reach at the {at} of the page: {}",
                context()
            );
        }
    }
    Ok(())
}
