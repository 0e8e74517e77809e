//! Parts of the facilitator's rail that keep the room in view while leading: a one-line insight
//! entry and a live thumbnail of what the shared screen shows.

use crate::i18n::{T, use_i18n};
use crate::live::use_live;
use koersbord_shared::limits;
use koersbord_shared::protocol::{preview_link, room_link};
use koersbord_shared::room::Command;
use leptos::prelude::*;

/// An insight in one line, without leaving the rail; the stage's form can also say what it is about.
#[component]
pub fn QuickInsight() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let command = Command::AddInsight {
            text: text.get(),
            about: None,
        };
        if live.command(command).is_ok() {
            text.set(String::new());
        }
    };
    view! {
        <section class="quick-insight">
            <form class="quick-insight-form" on:submit=submit data-testid="quick-insight">
                <input data-testid="quick-insight-text" maxlength=limits::INSIGHT required
                    placeholder=i18n.t(T::InsightPlaceholder) aria-label=i18n.t(T::QuickInsight) bind:value=text/>
                <button type="submit" class="primary small" data-testid="quick-insight-add">{i18n.t(T::AddShort)}</button>
            </form>
        </section>
    }
}

/// The width the shared screen is drawn at inside the preview, then scaled down to fit the rail.
const PREVIEW_WIDTH: f64 = 1280.0;

/// The shared screen itself, as the room sees it (its own connection, with the screen's key and
/// view), scaled down into the rail.
#[component]
pub fn ScreenPreview() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let frame = NodeRef::<leptos::html::Div>::new();
    let scale = RwSignal::new(0.25);
    let measure = move || {
        if let Some(el) = frame.get_untracked() {
            let width = f64::from(el.client_width());
            if width > 0.0 {
                scale.set(width / PREVIEW_WIDTH);
            }
        }
    };
    Effect::new(move |_| {
        if frame.get().is_some() {
            measure();
        }
    });
    let on_resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || on_resize.remove());
    let screen_key = move || live.invite.get().and_then(|i| i.screen_key);
    move || {
        screen_key().map(|key| {
            let room = live.room.get_value();
            // The frame says it is a preview, so the people panel counts only real screens.
            let preview = preview_link(&room, &key);
            let link = room_link(&room, &key);
            view! {
                <section class="screen-preview" data-testid="screen-preview">
                    <h2>{i18n.t(T::ScreenPreview)}</h2>
                    <div class="preview-frame" node_ref=frame>
                        <iframe src=preview title=i18n.t(T::ScreenPreview) tabindex="-1"
                            style:transform=move || format!("scale({:.4})", scale.get())></iframe>
                    </div>
                    <a class="small-link" href=link target="_blank" rel="noopener" data-testid="open-screen">{i18n.t(T::OpenScreen)}</a>
                </section>
            }
        })
    }
}
