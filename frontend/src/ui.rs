//! Small pieces used on several pages.

use crate::i18n::{T, use_i18n};
use crate::storage;
use leptos::prelude::*;

/// Switches between Dutch and English and remembers the choice.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |_| {
        let next = i18n.lang().other();
        storage::set_language(next.code());
        i18n.0.set(next);
    };
    view! {
        <button class="link-button lang" data-testid="lang-switch" on:click=toggle>
            {i18n.t(T::OtherLanguage)}
        </button>
    }
}

/// A QR code drawn as one SVG path: crisp on a projector at any size, no images, no HTML strings.
/// Made where it is shown (the invitation, the lobby, a new session's links): only in the full
/// client, so a participant never downloads the encoder.
#[cfg(feature = "full")]
#[component]
pub fn QrCode(
    #[prop(into)] data: Signal<String>,
    #[prop(into, optional)] label: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let path = move || qr_path(&data.get());
    // Without a label of its own, a code says what it opens: the link to take part.
    let name = move || {
        label
            .clone()
            .unwrap_or_else(|| format!("{}: {}", i18n.tr(T::QrJoin), data.get()))
    };
    view! {
        <svg class="qr" viewBox=move || path().map(|(w, _)| format!("-2 -2 {} {}", w + 4, w + 4)).unwrap_or_default()
            role="img" aria-label=name shape-rendering="crispEdges" data-testid="qr">
            <rect x="-2" y="-2" width="100%" height="100%" fill="#fff"/>
            <path d=move || path().map(|(_, d)| d).unwrap_or_default() fill="#111"/>
        </svg>
    }
}

/// The modules of a QR code for `data` as an SVG path, with the code's width in modules.
#[cfg(feature = "full")]
pub fn qr_path(data: &str) -> Option<(usize, String)> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    let width = code.width();
    let mut d = String::new();
    for (i, colour) in code.to_colors().iter().enumerate() {
        if *colour == qrcode::Color::Dark {
            use std::fmt::Write;
            let _ = write!(d, "M{} {}h1v1h-1z", i % width, i / width);
        }
    }
    Some((width, d))
}

/// Copies text to the clipboard and says so for a moment.
#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text.get());
            copied.set(true);
            set_timeout(
                move || copied.set(false),
                std::time::Duration::from_millis(1500),
            );
        }
    };
    view! {
        <button class="secondary small" data-testid=testid on:click=copy>
            {move || if copied.get() { i18n.tr(T::Copied) } else { i18n.tr(T::Copy) }}
        </button>
    }
}

/// The line at the foot of a page: where to read what is stored.
pub fn footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="page-footer no-print">
            <a href="/privacy" data-testid="privacy-link">{i18n.t(T::Privacy)}</a>
        </footer>
    }
}

/// The absolute address of a path on this server, for links people share.
pub fn absolute(path: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}{path}")
}

pub fn go_to(path: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(path);
    }
}

#[cfg(all(test, feature = "full"))]
mod tests {
    use super::qr_path;

    #[test]
    fn a_qr_path_has_the_codes_width_and_some_dark_modules() {
        let (width, d) =
            qr_path("http://127.0.0.1:8080/r/abcdefghij#k=00112233445566778899aabbccddeeff")
                .unwrap();
        assert!(
            width >= 21 && (width - 21) % 4 == 0,
            "QR widths are 21 + 4k, got {width}"
        );
        assert!(
            d.matches('M').count() > width,
            "a real code darkens many modules"
        );
    }
}
