//! "Vervolgsessie maken" (at the close, in the harvest and in Mijn sessies) and the series lookup
//! the Terugblik and the route read. Plain functions, like `session_actions`: the client's size
//! budget is tight.

use crate::i18n::{T, use_i18n};
use crate::my_sessions;
use crate::ui::go_to;
use gloo_net::http::Request;
use koersbord_shared::protocol::{SessionCreated, room_link};
use koersbord_shared::sessions::Series;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// `POST /api/sessions/{room}/follow-up` with the facilitator's key; the refusal as a text key.
pub async fn create_follow_up(room: &str, facilitator_key: &str) -> Result<SessionCreated, T> {
    let response = Request::post(&format!("/api/sessions/{room}/follow-up"))
        .header("Authorization", &bearer(facilitator_key))
        .send()
        .await
        .map_err(|_| T::SomethingWentWrong)?;
    match response.status() {
        201 => response.json().await.map_err(|_| T::SomethingWentWrong),
        401 | 403 => Err(T::ErrBadKey),
        404 => Err(T::ErrUnknownRoom),
        409 => Err(T::FollowUpNotFinished),
        429 => Err(T::TooManySessions),
        _ => Err(T::SomethingWentWrong),
    }
}

/// `GET /api/sessions/{room}/series` with any of the session's keys.
pub async fn series(room: &str, key: &str) -> Option<Series> {
    let response = Request::get(&format!("/api/sessions/{room}/series"))
        .header("Authorization", &bearer(key))
        .send()
        .await
        .ok()?;
    if response.status() != 200 {
        return None;
    }
    response.json().await.ok()
}

/// The series of a session, fetched once and then held: what the Terugblik and the route show
/// of sessions that are gone or later.
pub fn series_signal(room: String, key: String) -> RwSignal<Option<Series>> {
    let found = RwSignal::new(None);
    spawn_local(async move { found.set(series(&room, &key).await) });
    found
}

/// The button, with what it does in words; this browser then leads the follow-up.
pub fn make_follow_up(room: String, facilitator_key: String, title: String) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<T>);
    let make = move |_| {
        let (room, key, title) = (room.clone(), facilitator_key.clone(), title.clone());
        busy.set(true);
        spawn_local(async move {
            match create_follow_up(&room, &key).await {
                Ok(s) => {
                    my_sessions::remember_created(
                        &s.room,
                        &s.facilitator_key,
                        &s.screen_key,
                        &title,
                    );
                    go_to(&room_link(&s.room, &s.facilitator_key));
                }
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
