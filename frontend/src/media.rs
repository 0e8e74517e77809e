//! What kind of screen this is, from CSS media queries, as signals: the layout of a board follows
//! the same breakpoint as its CSS.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// A phone-sized screen: the boards stack their zones and the page is one column.
pub const NARROW: &str = "(max-width: 600px)";

/// Whether the page is narrow, kept true as the window turns or resizes.
#[derive(Clone, Copy)]
pub struct Narrow(pub ReadSignal<bool>);

impl Narrow {
    /// Watches [`NARROW`] for the life of the page.
    pub fn watch() -> Narrow {
        let list = window().match_media(NARROW).ok().flatten();
        let (narrow, set_narrow) = signal(list.as_ref().is_some_and(|l| l.matches()));
        if let Some(list) = list {
            let on_change = Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(
                move |ev: web_sys::MediaQueryListEvent| set_narrow.set(ev.matches()),
            );
            let _ =
                list.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
            // One listener for the page's whole life.
            on_change.forget();
        }
        Narrow(narrow)
    }
}

pub fn use_narrow() -> ReadSignal<bool> {
    use_context::<Narrow>().map_or_else(|| signal(false).0, |n| n.0)
}
