//! Who is in the session: joining with a name and a side, and the list per side with who is
//! connected right now.

use crate::boards::dot::side_class;
use crate::connection::Status;
use crate::i18n::{T, field_of, rejection_text, side_name, use_i18n};
use crate::live::{Notice, use_live};
use koersbord_shared::ParticipantId;
use koersbord_shared::protocol::Role;
use koersbord_shared::room::{Command, Participant};
use koersbord_shared::{Board, MAX_PER_SIDE, Side, limits};
use leptos::prelude::*;
use std::collections::HashMap;

use super::Now;

/// How long a removal can still be undone before it is sent.
const UNDO_MS: f64 = 10_000.0;

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
            {move || live.removed.get().then(|| view! { <p class="notice" role="alert" data-testid="removed-notice">{i18n.t(T::RemovedYou)}</p> })}
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
    // Kept here, not in the rows: a row is drawn anew with every change in the room.
    let asking = RwSignal::new(None::<ParticipantId>);
    let removing = RwSignal::new(HashMap::<ParticipantId, f64>::new());
    let now = expect_context::<Now>().0;

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
        let confirm = move |_| {
            asking.set(None);
            removing.update(|r| {
                r.insert(id, now.get_untracked() + UNDO_MS);
            });
            // Sent only when the time to undo is over, and only if nobody undid it.
            set_timeout(
                move || {
                    if removing.try_update(|r| r.remove(&id)).flatten().is_some() {
                        let _ = live.command(Command::RemoveParticipant { id });
                    }
                },
                std::time::Duration::from_millis(UNDO_MS as u64),
            );
        };
        let undo = move |_| {
            removing.update(|r| {
                r.remove(&id);
            });
        };
        let seconds_left = move || {
            removing.with(|r| r.get(&id).copied()).map(|deadline| {
                ((deadline - now.get()) / 1000.0)
                    .ceil()
                    .clamp(1.0, UNDO_MS / 1000.0) as u32
            })
        };
        let name = p.name.clone();
        let name_for_label = StoredValue::new(p.name.clone());
        view! {
            <li class="person" class:online=online class:leaving=move || seconds_left().is_some() data-testid=format!("person-{}", id.0)>
                <span class=format!("dot dot-{}", side_class(p.side)) aria-hidden="true">{move || live.initial_of(id)}</span>
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
                {move || (is_facilitator() && seconds_left().is_none() && asking.get() != Some(id)).then(|| view! {
                    <button class="remove-person" data-testid=format!("remove-{}", id.0)
                        title=move || format!("{} {}", i18n.tr(T::Remove), name_for_label.get_value())
                        aria-label=move || format!("{} {}", i18n.tr(T::Remove), name_for_label.get_value())
                        on:click=move |_| asking.set(Some(id))>"×"</button>
                })}
            </li>
            {move || (asking.get() == Some(id)).then(|| view! {
                <li class="person-ask" role="group" data-testid=format!("remove-ask-{}", id.0)>
                    <span><bdi>{name.clone()}</bdi> " " {i18n.t(T::RemoveAsk)}</span>
                    <button class="small danger" data-testid=format!("remove-yes-{}", id.0) on:click=confirm>{i18n.t(T::RemoveYes)}</button>
                    <button class="small secondary" data-testid=format!("remove-no-{}", id.0) on:click=move |_| asking.set(None)>{i18n.t(T::Cancel)}</button>
                </li>
            })}
            {move || seconds_left().map(|n| view! {
                <li class="person-ask" role="status" data-testid=format!("removing-{}", id.0)>
                    <span>{i18n.t(T::RemovingIn)} " " {n} " s"</span>
                    <button class="small primary" data-testid=format!("undo-remove-{}", id.0) on:click=undo>{i18n.t(T::Undo)}</button>
                </li>
            })}
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
            // Who else is connected matters to the one who leads, not to the room.
            {move || is_facilitator().then(|| view! {
                <p class="others muted" data-testid="others-connected">
                    {i18n.t(T::Facilitator)} ": " {move || presence.with(|p| p.facilitators)}
                    " · " {i18n.t(T::SharedScreen)} ": " {move || presence.with(|p| p.screens)}
                </p>
            })}
        </section>
    }
}
