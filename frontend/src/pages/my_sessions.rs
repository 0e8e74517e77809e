//! *Mijn sessies* on the start page: what this browser created or led, with links to lead it, to
//! the shared screen and to the harvest. Kept in this browser only (`crate::my_sessions`).
//! Plain functions and one unkeyed list rather than components: the client's size budget is tight.

use crate::i18n::{I18n, T, long_date, phase_name, use_i18n};
use crate::my_sessions::{self, Remembered};
use crate::pages::invitation::{INVITATION_FLAG, LINKS_FLAG};
use crate::pages::session_actions::delete_session;
use crate::session_api::iso_date;
use leptos::prelude::*;

pub fn my_sessions() -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(my_sessions::load());
    // Most visitors type a code and never prepare a session: they see nothing of this.
    move || {
        let entries = list.get();
        (!entries.is_empty()).then(|| {
            view! {
                <section class="card my-sessions" data-testid="my-sessions">
                    <h2>{i18n.t(T::MySessions)}</h2>
                    <p class="muted">{i18n.t(T::MySessionsIntro)}</p>
                    <ul class="session-list">
                        {entries.into_iter().map(|e| entry(i18n, e, list)).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}

fn entry(i18n: I18n, e: Remembered, list: RwSignal<Vec<Remembered>>) -> impl IntoView {
    let room = e.room.clone();
    let drop_entry = move |room: &str| {
        my_sessions::forget(room);
        list.update(|l| l.retain(|r| r.room != room));
    };
    let seen = iso_date(e.seen_ms);
    let (phase, people) = (e.phase, e.participants);
    let details = move || {
        let lang = i18n.lang();
        let mut parts = vec![format!(
            "{} {}",
            T::LastOpened.get(lang),
            long_date(&seen, lang)
        )];
        if let Some(phase) = phase {
            parts.push(format!(
                "{}: {}",
                T::StepReached.get(lang),
                phase_name(phase, lang)
            ));
        }
        if let Some(n) = people {
            parts.push(format!("{n} {}", T::ParticipantsCount.get(lang)));
        }
        parts.join(" · ")
    };
    let title = e.title.clone();
    let shown = title.clone();
    let (forget_room, deleted_room) = (room.clone(), room.clone());
    view! {
        <li class="session-entry" data-testid="my-session" data-room=room.clone()>
            <div>
                <h3>{move || if shown.trim().is_empty() { i18n.tr(T::UntitledSession).to_owned() } else { shown.clone() }}</h3>
                <p class="muted">{details}</p>
            </div>
            <div class="row session-links">
                <a class="button primary" data-testid="my-session-lead" href=e.lead_link()>{i18n.t(T::Lead)}</a>
                {e.screen_link().map(|href| view! {
                    <a class="button secondary" data-testid="my-session-screen" href=href target="_blank">{i18n.t(T::SharedScreen)}</a>
                })}
                <a class="button secondary" data-testid="my-session-harvest" href=e.harvest_link()>{i18n.t(T::Harvest)}</a>
                <a class="button secondary" data-testid="my-session-invitation" href=format!("{}&{}", e.lead_link(), INVITATION_FLAG)>{i18n.t(T::Invitation)}</a>
                <a class="button secondary" data-testid="my-session-links" href=format!("{}&{}", e.lead_link(), LINKS_FLAG)>{i18n.t(T::SecretLinksButton)}</a>
                <button class="link-button" data-testid="my-session-forget" on:click=move |_| drop_entry(&forget_room)>
                    {i18n.t(T::ForgetSession)}
                </button>
            </div>
            {crate::pages::follow_up::make_follow_up(room.clone(), e.facilitator_key.clone(), title.clone())}
            {delete_session(room.clone(), e.facilitator_key, Signal::stored(title), move || drop_entry(&deleted_room))}
        </li>
    }
}
