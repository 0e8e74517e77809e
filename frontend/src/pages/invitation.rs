//! Two pages to print before the day, opened from the facilitator's link: the invitation for
//! participants (`#k=...&uitnodiging`: title, when, ambition and goals, the join link and code
//! with a large QR, a short explanation) and the facilitator's own links (`#k=...&links`), marked
//! secret. The planned date and time are set here, as a room command (`set_planned`).

use crate::i18n::{T, long_date, use_i18n};
use crate::live::{Live, use_live};
use crate::my_sessions;
use crate::ui::{QrCode, absolute};
use koersbord_shared::protocol::{join_link, room_link};
use koersbord_shared::room::{Command, Planned};
use leptos::prelude::*;

pub const INVITATION_FLAG: &str = "uitnodiging";
pub const LINKS_FLAG: &str = "links";

/// Which of the two pages the link asks for, if any.
pub fn asked_for() -> Option<&'static str> {
    let hash = window().location().hash().unwrap_or_default();
    let mut flags = hash.trim_start_matches('#').split('&');
    flags.find_map(|f| [INVITATION_FLAG, LINKS_FLAG].into_iter().find(|&k| k == f))
}

/// The page the flag names, for the facilitator.
pub fn page(flag: &str) -> AnyView {
    if flag == LINKS_FLAG {
        secret_links().into_any()
    } else {
        invitation().into_any()
    }
}

fn when(live: Live, lang: crate::i18n::Lang) -> Option<String> {
    live.state.with(|s| {
        let p = s.as_ref()?.planned.as_ref()?;
        let date = long_date(&p.date, lang);
        Some(match &p.time {
            Some(t) => format!("{date}, {t}"),
            None => date,
        })
    })
}

fn invitation() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let setup = move || live.with_state(|s| s.setup.clone());
    let invite = move || live.invite.get();
    let join = Signal::derive(move || {
        invite()
            .map(|i| absolute(&join_link(&live.room.get_value(), &i.join_key)))
            .unwrap_or_default()
    });
    view! {
        <article class="invitation page narrow" data-testid="invitation">
            <h1>{move || setup().title}</h1>
            <p class="invitation-when" data-testid="invitation-when">{move || when(live, i18n.lang())}</p>
            <h2>{i18n.t(T::FieldAmbition)}</h2>
            <p class="pre">{move || setup().ambition}</p>
            <h2>{i18n.t(T::Goals)}</h2>
            <ul>{move || setup().goals.into_iter().filter(|g| !g.trim().is_empty()).map(|g| view! { <li class="pre">{g}</li> }).collect_view()}</ul>
            <p>{i18n.t(T::InvitationHow)}</p>
            <div class="invitation-join">
                <QrCode data=join/>
                <div>
                    <p class="link-label">{i18n.t(T::JoinCode)}</p>
                    <p class="join-code" data-testid="invitation-code">{move || invite().map(|i| i.join_code)}</p>
                    <p class="link-label">{i18n.t(T::LinkJoin)}</p>
                    <p class="invitation-link" data-testid="invitation-link">{join}</p>
                </div>
            </div>
            {plan_form(live)}
            <button class="primary no-print" data-testid="invitation-print" on:click=move |_| { let _ = window().print(); }>{i18n.t(T::Print)}</button>
        </article>
    }
}

/// The planned date and time, editable until the day (not printed).
fn plan_form(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let current = live
        .state
        .with_untracked(|s| s.as_ref().and_then(|s| s.planned.clone()));
    let date = RwSignal::new(current.as_ref().map(|p| p.date.clone()).unwrap_or_default());
    let time = RwSignal::new(current.and_then(|p| p.time).unwrap_or_default());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (d, t) = (date.get(), time.get());
        let planned = (!d.is_empty()).then(|| Planned {
            date: d,
            time: (!t.is_empty()).then_some(t),
        });
        let _ = live.command(Command::SetPlanned { planned });
    };
    view! {
        <form class="row no-print plan-form" on:submit=save>
            <label>{i18n.t(T::PlannedDate)}<input type="date" data-testid="planned-date" bind:value=date/></label>
            <label>{i18n.t(T::PlannedTime)}<input type="time" data-testid="planned-time" bind:value=time/></label>
            <button type="submit" class="secondary" data-testid="planned-save">{i18n.t(T::Save)}</button>
        </form>
    }
}

fn secret_links() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let room = live.room.get_value();
    let lead = absolute(&room_link(&room, &live.key.get_value()));
    // The screen's key is known only where the session was created (Mijn sessies keeps it).
    let screen = my_sessions::load()
        .into_iter()
        .find(|r| r.room == room)
        .and_then(|r| r.screen_link())
        .map(|l| absolute(&l));
    let join = move || {
        live.invite.get().map(|i| {
            (
                absolute(&join_link(&live.room.get_value(), &i.join_key)),
                i.join_code,
            )
        })
    };
    let row = |label: T, value: String, testid: &'static str| {
        view! { <p class="link-label">{i18n.t(label)}</p><p class="invitation-link" data-testid=testid>{value}</p> }
    };
    view! {
        <article class="secret-links page narrow" data-testid="secret-links">
            <h1>{move || live.with_state(|s| s.setup.title.clone())}</h1>
            <p class="secret-mark"><strong>{i18n.t(T::SecretLinks)}</strong></p>
            {row(T::LinkFacilitator, lead, "secret-lead")}
            {screen.map(|s| row(T::LinkScreen, s, "secret-screen"))}
            {move || join().map(|(link, code)| view! {
                <p class="link-label">{i18n.t(T::LinkJoin)}</p><p class="invitation-link">{link}</p>
                <p class="link-label">{i18n.t(T::JoinCode)}</p><p class="join-code">{code}</p>
            })}
            <button class="primary no-print" on:click=move |_| { let _ = window().print(); }>{i18n.t(T::Print)}</button>
        </article>
    }
}
