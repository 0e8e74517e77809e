//! "Vervolgsessie maken" (at the close, in the harvest and in Mijn sessies) and the series the
//! Terugblik and the route read (the HTTP calls are in `session_api`). Plain functions, like
//! `session_actions`: the client's size budget is tight.

#[cfg(feature = "full")]
use super::session_actions::lead_created;
use crate::i18n::{T, use_i18n};
#[cfg(feature = "full")]
use crate::session_api::create_follow_up;
use crate::session_api::series;
use koersbord_shared::sessions::Series;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The series of a session, fetched once and then held: what the Terugblik and the route show
/// of sessions that are gone or later.
pub fn series_signal(room: String, key: String) -> RwSignal<Option<Series>> {
    let found = RwSignal::new(None);
    spawn_local(async move { found.set(series(&room, &key).await) });
    found
}

/// The button, with what it does in words; this browser then leads the follow-up.
#[cfg(feature = "full")]
pub fn make_follow_up(room: String, facilitator_key: String, title: String) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<T>);
    let make = move |_| {
        let (room, key, title) = (room.clone(), facilitator_key.clone(), title.clone());
        busy.set(true);
        spawn_local(async move {
            match create_follow_up(&room, &key).await {
                Ok(s) => lead_created(&s, &title),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="follow-up-make no-print">
            <button class="secondary" data-testid="make-follow-up" disabled=move || busy.get() on:click=make>
                {i18n.t(T::FollowUpMake)}
            </button>
            <p class="muted">{i18n.t(T::FollowUpExplain)}</p>
            {move || error.get().map(|k| view! { <p class="error" role="alert" data-testid="follow-up-error">{i18n.t(k)}</p> })}
        </div>
    }
}
