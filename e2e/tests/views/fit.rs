//! What a projector must never do, measured in the page: scroll, cut text, show small print or a
//! control, or talk about roles.

use anyhow::{Result, ensure};
use koersbord_e2e::Browser;
use serde_json::Value;

/// Sizes of what is on screen: the page against the viewport, the smallest text (outside the
/// letters on dots and tallies, which are shapes), text cut off by its box, visible controls, the
/// smallest dot, and words that are noise for a room.
const MEASURE: &str = concat!(
    text_measure!(),
    r#"    // Nothing may reach past the stage's bottom or right edge, even inside a box that hides it.
    const below = [...document.querySelectorAll('.stage *')].filter((el) => shown(el)
        && (el.getBoundingClientRect().bottom > innerHeight + 1 || el.getBoundingClientRect().right > innerWidth + 1))
        .map(label);
    const controls = [...document.querySelectorAll('button, input, select, textarea, a[href]')]
        .filter(shown).map(label);
    const dots = [...document.querySelectorAll('.track .dot, .radial-dot')].filter(shown)
        .map((el) => Math.min(el.getBoundingClientRect().width, el.getBoundingClientRect().height));
    const text = document.body.innerText;
    const px = (css) => { const el = document.querySelector(css); return el && shown(el) ? parseFloat(getComputedStyle(el).fontSize) : null; };
    return {
        viewport: [innerWidth, innerHeight],
        page: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
        smallest, cut, below, controls,
        dots: dots.length, smallest_dot: dots.length ? Math.min(...dots) : null,
        timer: px('.timer-digits'),
        names: (() => {
            const sizes = [...document.querySelectorAll('.drive-name')].filter(shown)
                .map((el) => parseFloat(getComputedStyle(el).fontSize));
            return sizes.length ? Math.min(...sizes) : null;
        })(),
        noise: ['Begeleider:', 'Gedeeld scherm:', 'Je kijkt mee', 'Bekijk de oogst', 'Facilitator:', 'Shared screen:']
            .filter((w) => text.includes(w)),
    };
"#
);

/// What one screenful measured.
pub struct Seen(pub Value);

impl Seen {
    fn f(&self, key: &str) -> f64 {
        self.0[key].as_f64().unwrap_or(f64::NAN)
    }
}

/// Measures the projector showing `step`, saves its screenshot, and checks it against the rules
/// for a screen `width` pixels wide (sizes scale from 1920: 28 px body text there, 32 px names,
/// 96 px timer, 40 px dots).
pub async fn check(screen: &Browser, step: &str, width: u32) -> Result<Seen> {
    let file = screen.screenshot(&format!("projector-{step}")).await?;
    koersbord_e2e::axe::check(screen, &format!("projector-{step}")).await?;
    let seen = Seen(screen.js(MEASURE).await?);
    let v = &seen.0;
    let k = f64::from(width) / 1920.0;
    let context = || format!("{step} on a {width} px projector ({}): {v}", file.display());
    ensure!(
        v["page"] == v["viewport"],
        "the page scrolls: {}",
        context()
    );
    ensure!(
        v["below"] == serde_json::json!([]),
        "past the edge: {}",
        context()
    );
    ensure!(
        v["cut"] == serde_json::json!([]),
        "text cut off: {}",
        context()
    );
    ensure!(
        v["controls"] == serde_json::json!([]),
        "controls on the projector: {}",
        context()
    );
    ensure!(
        v["noise"] == serde_json::json!([]),
        "role talk on the projector: {}",
        context()
    );
    ensure!(
        v["smallest"]["px"].as_f64().unwrap_or(0.0) >= 28.0 * k - 0.5,
        "small print: {}",
        context()
    );
    ensure!(
        v["timer"].is_null() || seen.f("timer") >= 96.0 * k - 0.5,
        "the timer is small: {}",
        context()
    );
    ensure!(
        v["names"].is_null() || seen.f("names") >= 32.0 * k - 0.5,
        "the drive names are small: {}",
        context()
    );
    ensure!(
        v["smallest_dot"].is_null() || seen.f("smallest_dot") >= 40.0 * k - 0.5,
        "dots too small to see: {}",
        context()
    );
    Ok(seen)
}
