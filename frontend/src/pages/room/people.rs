//! Who is in the session: joining with a name and a side, and the list per side with who is
//! connected right now.

use crate::boards::dot::side_class;
use crate::connection::Status;
use crate::i18n::{T, field_of, rejection_text, side_name, use_i18n};
use crate::live::{Notice, use_live};
use koersbord_shared::protocol::Role;
use koersbord_shared::room::{Command, Participant};
use koersbord_shared::{Board, MAX_PER_SIDE, Side, limits};
use leptos::prelude::*;

#[component]
pub fn JoinForm() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let side = RwSignal::new(None::<Side>);
    let full = move |s: Side| {
        live.state
            .with(|st| st.as_ref().is_some_and(|st| st.side_is_full(s)))
    };
    let name_error = move || match live.notice.get() {
        Some((_, Notice::Rejected(r))) if field_of(&r).is_some() => {
            Some(rejection_text(&r, i18n.lang()))
        }
        _ => None,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(side) = side.get() {
            let _ = live.command(Command::Join {
                name: name.get(),
                side,
            });
        }
    };
    let title = move || live.with_state(|s| s.setup.title.clone());
    view! {
        <section class="card join" data-testid="join-form">
            <h1>{i18n.t(T::JoinHeading)}</h1>
            <p class="muted">{title}</p>
            <form on:submit=submit class="stack">
                <label>{i18n.t(T::YourName)}
                    <input data-testid="join-name" autocomplete="given-name" maxlength=limits::NAME required bind:value=name/>
                </label>
                <span class="error">{name_error}</span>
                <fieldset class="side-choice">
                    <legend>{i18n.t(T::YouSpeakFor)}</legend>
                    {Side::ALL.into_iter().map(|s| view! {
                        <button type="button" class=format!("side-option side-{}", side_class(s))
                            data-testid=format!("join-side-{}", side_class(s))
                            aria-pressed=move || (side.get() == Some(s)).to_string()
                            disabled=move || full(s)
                            on:click=move |_| side.set(Some(s))>
                            <span class=format!("dot dot-{} dot-sample", side_class(s)) aria-hidden="true"></span>
                            <span>{move || side_name(s, i18n.lang())}</span>
                            {move || full(s).then(|| view! { <span class="badge">{i18n.t(T::SideFullShort)}</span> })}
                        </button>
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="primary" data-testid="join-submit"
                    disabled=move || side.get().is_none() || name.get().trim().is_empty()>{i18n.t(T::Join)}</button>
            </form>
        </section>
    }
}

/// The participants per side, with who is online and, during a board step, how far each is.
#[component]
pub fn PeopleList() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let presence = live.presence;
    let board = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.phase.board()))
    });
    let is_facilitator = move || live.role.get() == Some(Role::Facilitator);

    let row = move |p: Participant| {
        let id = p.id;
        // Green only for someone the server hears from now; while our own line is down, we know
        // nothing about anyone, so nobody is shown as connected.
        let online = move || {
            live.status.get() == Status::Open && presence.with(|pr| pr.participants.contains(&id))
        };
        let counts = (p.placed(Board::Drives), p.placed(Board::Pillars));
        let placed = move || {
            board.get().map(|b| match b {
                Board::Drives => counts.0,
                Board::Pillars => counts.1,
            })
        };
        let remove = move |_| {
            let _ = live.command(Command::RemoveParticipant { id });
        };
        let initial = p
            .name
            .chars()
            .next()
            .unwrap_or('?')
            .to_uppercase()
            .to_string();
        view! {
            <li class="person" class:online=online data-testid=format!("person-{}", id.0)>
                <span class=format!("dot dot-{}", side_class(p.side)) aria-hidden="true">{initial}</span>
                <span class="person-name"><bdi>{p.name.clone()}</bdi>
                    {move || (live.you.get() == Some(id)).then(|| view! { <span class="muted">" (" {i18n.t(T::You)} ")"</span> })}
                </span>
                <span class="presence-mark" data-testid=format!("online-{}", id.0) data-online=move || online().to_string()
                    title=move || if online() { i18n.tr(T::Online) } else { i18n.tr(T::Offline) }>
                    <span class="sr-only">{move || if online() { i18n.tr(T::Online) } else { i18n.tr(T::Offline) }}</span>
                </span>
                {move || placed().filter(|_| is_facilitator()).map(|n| view! {
                    <span class="progress" class:complete=n == 8 data-testid=format!("placed-{}", id.0)>{n} "/8"</span>
                })}
                {move || is_facilitator().then(|| view! {
                    <button class="link-button small danger" data-testid=format!("remove-{}", id.0) on:click=remove>{i18n.t(T::Remove)}</button>
                })}
            </li>
        }
    };

    view! {
        <section class="people" data-testid="people">
            <h2>{i18n.t(T::Participants)}</h2>
            {Side::ALL.into_iter().map(|side| {
                let members = move || live.with_state(|s| s.side(side).cloned().collect::<Vec<_>>());
                view! {
                    <div class=format!("side-group side-{}", side_class(side)) data-testid=format!("side-{}", side_class(side))>
                        <h3>
                            <span class=format!("dot dot-{} dot-sample", side_class(side)) aria-hidden="true"></span>
                            {move || side_name(side, i18n.lang())}
                            <span class="count">{move || members().len()} "/" {MAX_PER_SIDE}</span>
                        </h3>
                        <ul>
                            {move || {
                                let list = members();
                                if list.is_empty() {
                                    view! { <li class="muted">{i18n.t(T::NobodyYet)}</li> }.into_any()
                                } else {
                                    list.into_iter().map(row).collect_view().into_any()
                                }
                            }}
                        </ul>
                    </div>
                }
            }).collect_view()}
            <p class="others muted">
                {i18n.t(T::Facilitator)} ": " {move || presence.with(|p| p.facilitators)}
                " · " {i18n.t(T::SharedScreen)} ": " {move || presence.with(|p| p.screens)}
            </p>
        </section>
    }
}
