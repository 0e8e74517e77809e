//! What a facilitator does with a whole session: delete it (after a confirmation that names it)
//! or start a new one with the same title, ambition and goals; and how long the server keeps it.
//! Plain functions rather than components: the client's size budget is tight.

use crate::i18n::{T, long_date, use_i18n};
use crate::my_sessions;
use crate::pages::start::create_session;
use crate::session_api;
use crate::ui::go_to;
use koersbord_shared::protocol::{CreateSession, SessionCreated, room_link};
use koersbord_shared::room::Setup;
use koersbord_shared::sessions::SessionKept;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// "Verwijderen…", then a confirmation that names the session; `deleted` runs once it is gone.
pub fn delete_session(
    room: String,
    facilitator_key: String,
    title: Signal<String>,
    deleted: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<T>);
    let confirm = move |_| {
        let (room, key, deleted) = (room.clone(), facilitator_key.clone(), deleted.clone());
        busy.set(true);
        spawn_local(async move {
            match session_api::delete_session(&room, &key).await {
                Ok(()) => {
                    my_sessions::forget(&room);
                    deleted();
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let named = move || {
        let t = title.get();
        if t.trim().is_empty() {
            i18n.tr(T::UntitledSession).to_owned()
        } else {
            t
        }
    };
    let ask = view! {
        <div class="confirm-delete" role="alertdialog" data-testid="confirm-delete">
            <p><strong>{i18n.t(T::DeleteAsk)} " “" {named} "”?"</strong></p>
            <p class="muted">{i18n.t(T::DeleteExplain)}</p>
            <div class="row">
                <button class="danger-solid" data-testid="delete-confirm" disabled=move || busy.get() on:click=confirm>
                    {i18n.t(T::DeleteConfirm)}
                </button>
                <button class="secondary" data-testid="delete-cancel" on:click=move |_| asking.set(false)>
                    {i18n.t(T::Cancel)}
                </button>
            </div>
        </div>
    };
    view! {
        <div class="session-delete">
            <button class="danger-outline" data-testid="delete-session" hidden=move || asking.get() on:click=move |_| asking.set(true)>
                {i18n.t(T::DeleteSession)}
            </button>
            <div hidden=move || !asking.get()>{ask}</div>
            {move || error.get().map(|k| view! { <p class="error" role="alert">{i18n.t(k)}</p> })}
        </div>
    }
}

/// "Nieuwe sessie met dezelfde ambitie": new keys, same texts; this browser then leads the copy.
pub fn copy_session(setup: Signal<Setup>) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<T>);
    let copy = move |_| {
        let Setup {
            title,
            ambition,
            goals,
        } = setup.get_untracked();
        busy.set(true);
        spawn_local(async move {
            let body = CreateSession {
                title: title.clone(),
                ambition,
                goals,
            };
            match create_session(body).await {
                Ok(s) => lead_created(&s, &title),
                Err(_) => error.set(Some(T::SomethingWentWrong)),
            }
            busy.set(false);
        });
    };
    view! {
        <button class="secondary" data-testid="copy-session" disabled=move || busy.get() on:click=copy>
            {i18n.t(T::CopySession)}
        </button>
        {move || error.get().map(|k| view! { <p class="error" role="alert">{i18n.t(k)}</p> })}
    }
}

/// "Deze sessie wordt bewaard tot 1 maart 2027": the retention as this server applies it.
pub fn kept_until(room: String, key: String) -> impl IntoView {
    let i18n = use_i18n();
    let kept = RwSignal::new(None::<SessionKept>);
    spawn_local(async move { kept.set(session_api::session_kept(&room, &key).await) });
    move || {
        let lang = i18n.lang();
        kept.get().map(|k| {
            let text = match k.kept_until_ms {
                Some(until) => format!(
                    "{} {}. {}",
                    T::KeptUntil.get(lang),
                    long_date(&session_api::iso_date(until as f64), lang),
                    T::KeptWhy.get(lang)
                ),
                None => T::KeptForever.get(lang).to_owned(),
            };
            view! { <p class="kept-until" data-testid="kept-until">{text}</p> }
        })
    }
}

/// A session just made in this browser (a copy or a follow-up): kept in Mijn sessies, then led
/// from here.
pub fn lead_created(s: &SessionCreated, title: &str) {
    my_sessions::remember_created(s, title);
    go_to(&room_link(&s.room, &s.facilitator_key));
}
