//! Terugblik, the first step of a follow-up: each earlier action with what, who and by when, and
//! its status. The facilitator sets any status and carries the open actions into today's; an owner
//! sets their own on the phone; the projector shows the list large. Rules: `room::follow_up`.

use super::steps::StepIntro;
use crate::i18n::{Lang, T, long_date, use_i18n};
use crate::live::use_live;
use crate::pages::follow_up::series_signal;
use crate::session_api::iso_date;
use koersbord_shared::room::follow_up::owns;
use koersbord_shared::room::{ActionId, Command, PastAction, Review, ReviewStatus};
use koersbord_shared::{Phase, limits};
use leptos::prelude::*;

pub fn status_name(status: Option<ReviewStatus>, lang: Lang) -> &'static str {
    match status {
        None => T::ReviewNotYet.get(lang),
        Some(ReviewStatus::Done) => T::StatusDone.get(lang),
        Some(ReviewStatus::InProgress) => T::StatusInProgress.get(lang),
        Some(ReviewStatus::NotStarted) => T::StatusNotStarted.get(lang),
        Some(ReviewStatus::Dropped) => T::StatusDropped.get(lang),
    }
}

/// The wire name, for `data-status` and styling.
pub fn status_code(status: Option<ReviewStatus>) -> &'static str {
    match status {
        None => "open",
        Some(ReviewStatus::Done) => "done",
        Some(ReviewStatus::InProgress) => "in_progress",
        Some(ReviewStatus::NotStarted) => "not_started",
        Some(ReviewStatus::Dropped) => "dropped",
    }
}

/// "Wat · wie · 1 maart 2027", as every list of earlier actions writes it.
pub fn action_line(a: &PastAction, lang: Lang) -> String {
    let mut parts = vec![a.owners.join(", ")];
    if let Some(due) = &a.due {
        parts.push(long_date(due, lang));
    }
    parts.join(" · ")
}

#[component]
pub fn ReviewStep() -> impl IntoView {
    view! {
        <StepIntro phase=Phase::Review/>
        <EarlierSession/>
        <ReviewList/>
    }
}

/// Which session this one follows, with its date, and whether it has been deleted since.
#[component]
pub fn EarlierSession() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let series = series_signal(live.room.get_value(), live.key.get_value());
    let earlier = move || {
        live.with_state(|s| {
            s.follow_up.as_ref().map(|f| {
                (
                    f.earlier.title.clone(),
                    f.earlier.held_ms,
                    f.earlier.room.clone(),
                )
            })
        })
    };
    move || {
        earlier().map(|(title, held, room)| {
            let gone = series.with(|s| {
                s.as_ref()
                    .is_some_and(|s| s.earlier.iter().any(|e| e.room == room && e.gone))
            });
            let date = long_date(&iso_date(held as f64), i18n.lang());
            view! {
                <p class="earlier-session" data-testid="earlier-session">
                    {i18n.t(T::FollowUpOf)} " " <strong><bdi>{title}</bdi></strong> " · " {date}
                </p>
                {gone.then(|| view! { <p class="notice" data-testid="earlier-gone">{i18n.t(T::EarlierGone)}</p> })}
            }
        })
    }
}

#[component]
fn ReviewList() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let actions = Memo::new(move |_| {
        live.with_state(|s| {
            s.follow_up
                .as_ref()
                .map(|f| {
                    f.earlier
                        .actions
                        .iter()
                        .map(|a| {
                            (
                                a.clone(),
                                f.reviews.get(&a.id).cloned(),
                                f.carried.contains(&a.id),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    // Who may change which: the facilitator all of them, an owner theirs during Terugblik.
    let may_set = move |a: &PastAction| {
        live.is_facilitator()
            || live.with_state(|s| {
                s.phase == Phase::Review && live.you.get().is_some_and(|me| owns(s, me, a))
            })
    };
    // One note per earlier action (the copy never changes), made once, outside the list that
    // redraws on every review: a note being typed survives someone else's change elsewhere. A
    // note someone else set comes in when it differs from the last one seen.
    let notes: Vec<(ActionId, RwSignal<String>, StoredValue<String>)> = actions
        .get_untracked()
        .iter()
        .map(|(a, r, _)| {
            let note = r.as_ref().map(|r| r.note.clone()).unwrap_or_default();
            (a.id, RwSignal::new(note.clone()), StoredValue::new(note))
        })
        .collect();
    let note_of = move |id: ActionId, server: &str| {
        let (_, typed, seen) = notes.iter().find(|(n, ..)| *n == id).copied()?;
        if seen.with_value(|s| s != server) {
            seen.set_value(server.to_owned());
            typed.set(server.to_owned());
        }
        Some(typed)
    };
    let to_carry =
        move || live.with_state(|s| s.follow_up.as_ref().map_or(0, |f| f.to_carry().count()));
    view! {
        <section class="review card" data-testid="review">
            <h2>{i18n.t(T::ReviewHeading)}</h2>
            {move || actions.with(Vec::is_empty).then(|| view! {
                <p class="muted" data-testid="review-empty">{i18n.t(T::ReviewEmpty)}</p>
            })}
            <ol class="review-list">
                {move || actions.get().into_iter().map(|(a, r, c)| {
                    let server = r.as_ref().map(|r| r.note.clone()).unwrap_or_default();
                    let note = note_of(a.id, &server).unwrap_or_else(|| RwSignal::new(server));
                    let editable = may_set(&a);
                    review_item(a, r, c, editable, note)
                }).collect_view()}
            </ol>
            {move || live.is_facilitator().then(|| {
                let n = to_carry();
                view! {
                    <div class="row carry no-print">
                        <button class="primary" data-testid="carry-open" disabled=n == 0
                            on:click=move |_| { let _ = live.command(Command::CarryOpenActions); }>
                            {i18n.t(T::CarryOpen)} {(n > 0).then(|| format!(" ({n})"))}
                        </button>
                        {(n == 0).then(|| view! { <span class="muted">{i18n.t(T::CarryNone)}</span> })}
                    </div>
                }
            })}
        </section>
    }
}

fn review_item(
    a: PastAction,
    review: Option<Review>,
    carried: bool,
    editable: bool,
    note: RwSignal<String>,
) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let status = review.as_ref().map(|r| r.status);
    let id: ActionId = a.id;
    let set = move |status: ReviewStatus| {
        let _ = live.command(Command::SetReview {
            action: id,
            status,
            note: note.get_untracked(),
        });
    };
    let line = {
        let a = a.clone();
        move || action_line(&a, i18n.lang())
    };
    let controls = editable.then(|| {
        view! {
            <div class="review-controls" role="group" aria-label=move || i18n.tr(T::ReviewStatus)>
                {ReviewStatus::ALL.into_iter().map(|s| view! {
                    <button class="secondary status-choice" data-testid=format!("review-{}-{}", id.0, status_code(Some(s)))
                        aria-pressed=(status == Some(s)).to_string() on:click=move |_| set(s)>
                        {move || status_name(Some(s), i18n.lang())}
                    </button>
                }).collect_view()}
                <label class="review-note">{i18n.t(T::ReviewNote)}
                    <input data-testid=format!("review-note-{}", id.0) maxlength=limits::REVIEW_NOTE bind:value=note
                        on:change=move |_| { if let Some(s) = status { set(s) } }/>
                </label>
            </div>
        }
    });
    let shown_note = review.map(|r| r.note).filter(|n| !n.is_empty());
    view! {
        <li class="review-item" data-testid="review-item" data-action=id.0 data-status=status_code(status)>
            <div class="review-what">
                <strong><bdi>{a.what.clone()}</bdi></strong>
                <span class="muted"><bdi>{line}</bdi></span>
            </div>
            <span class=format!("status-badge status-{}", status_code(status)) data-testid="review-status">
                {move || status_name(status, i18n.lang())}
                {carried.then(|| view! { " · " {i18n.t(T::CarriedMark)} })}
            </span>
            {(!editable).then(|| shown_note.clone().map(|n| view! { <p class="review-shown-note"><bdi>{n}</bdi></p> }))}
            {controls}
        </li>
    }
}
