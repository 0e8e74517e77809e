//! What the page does when the client panics. The build aborts on panic, so after one the page
//! would keep showing a board that silently stopped following the room. Instead it says so and
//! offers a reload, which rejoins as the same person with every dot in place.
//!
//! Plain DOM calls only: the reactive runtime may be the very thing that broke.

use crate::i18n::{Lang, T};
use crate::storage;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Logs the panic to the console (with its stack) and shows the crash banner.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

fn show(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    if document.get_element_by_id("crash").is_some() {
        return;
    }
    let lang = storage::language()
        .and_then(|c| Lang::from_code(&c))
        .unwrap_or(Lang::Nl);
    let (Ok(banner), Ok(text), Ok(reload)) = (
        document.create_element("div"),
        document.create_element("span"),
        document.create_element("button"),
    ) else {
        return;
    };
    banner.set_id("crash");
    banner.set_class_name("banner crash");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "crash");
    // For whoever debugs it (and for the browser tests, which fail on it); never shown.
    let _ = banner.set_attribute("data-detail", &detail.chars().take(600).collect::<String>());
    text.set_text_content(Some(T::Crashed.get(lang)));
    reload.set_text_content(Some(T::Reload.get(lang)));
    reload.set_class_name("primary");
    let on_click = Closure::once_into_js(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    if let Some(reload) = reload.dyn_ref::<web_sys::HtmlElement>() {
        reload.set_onclick(Some(on_click.unchecked_ref()));
    }
    let _ = banner.append_child(&text);
    let _ = banner.append_child(&reload);
    let _ = body.prepend_with_node_1(&banner);
}
