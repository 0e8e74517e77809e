//! What moved: in a follow-up, the earlier session's results beside this one's, computed by
//! `koersbord_shared::compare`. The facilitator switches it on per board; it shows only once
//! nobody is placing (`RoomState::shows_comparison`), so it never anchors a rating.

use crate::boards::dot::side_class;
use crate::i18n::{Lang, T, decimal, side_name, use_i18n, zone_name};
use crate::live::use_live;
use koersbord_shared::compare::{self, Arrow, SignalChange};
use koersbord_shared::room::Command;
use koersbord_shared::stats::ZoneCounts;
use koersbord_shared::{Board, Side, Zone};
use leptos::prelude::*;

/// A median as people read it ([`decimal`]); "–" for none.
pub fn median_text(v: Option<f64>, lang: Lang) -> String {
    v.map_or_else(|| "–".into(), |v| decimal(v, lang))
}

/// Dots per zone in the order Noodzakelijk / Belangrijk / Neutraal.
pub fn counts_text(c: &ZoneCounts) -> String {
    format!("{} / {} / {}", c[0], c[1], c[2])
}

pub fn arrow_glyph(a: Option<Arrow>) -> &'static str {
    match a {
        Some(Arrow::Stronger) => "↑",
        Some(Arrow::Weaker) => "↓",
        Some(Arrow::Same) => "=",
        None => "",
    }
}

pub fn arrow_name(a: Option<Arrow>, lang: Lang) -> &'static str {
    match a {
        Some(Arrow::Stronger) => T::Stronger.get(lang),
        Some(Arrow::Weaker) => T::Weaker.get(lang),
        Some(Arrow::Same) => T::Same.get(lang),
        None => "",
    }
}

pub fn signal_name(s: SignalChange, lang: Lang) -> &'static str {
    match s {
        SignalChange::Appeared => T::SignalAppeared.get(lang),
        SignalChange::Gone => T::SignalGone.get(lang),
        SignalChange::Kept => T::SignalKept.get(lang),
        SignalChange::None => "",
    }
}

/// Whether the comparison shows on `board` for everyone now.
fn showing(board: Board) -> impl Fn() -> bool + Copy {
    let live = use_live();
    move || live.with_state(|s| s.shows_comparison(board))
}

/// "deelnemers toen / nu: Leernetwerk 2 / 3 · Management 1 / 2".
fn people_line() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    move || {
        let lang = i18n.lang();
        let parts = live.with_state(|s| {
            let Some(f) = &s.follow_up else {
                return Vec::new();
            };
            Side::ALL
                .iter()
                .map(|&side| {
                    let then = f.earlier.participants.get(&side).copied().unwrap_or(0);
                    format!("{} {then} / {}", side_name(side, lang), s.side_count(side))
                })
                .collect()
        });
        view! { <p class="muted" data-testid="cmp-people">{T::PeopleThenNow.get(lang)} ": " {parts.join(" · ")}</p> }
    }
}

#[component]
pub fn DriveComparison() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let shown = showing(Board::Drives);
    let moves = Memo::new(move |_| {
        live.with_state(|s| {
            s.follow_up
                .as_ref()
                .map(|f| compare::drives(&f.earlier, s))
                .unwrap_or_default()
        })
    });
    move || {
        shown().then(|| {
            let zones = Zone::ALL.map(|z| zone_name(z, i18n.lang())).join(" / ");
            view! {
                <section class="results comparison" data-testid="drive-comparison">
                    <h2>{i18n.t(T::ComparisonHeading)}</h2>
                    {people_line()}
                    <table>
                        <thead><tr>
                            <th></th>
                            {Side::ALL.into_iter().map(|side| view! {
                                <th colspan="2">{move || side_name(side, i18n.lang())}<br/><small>{zones.clone()}</small></th>
                            }).collect_view()}
                            <th></th>
                        </tr><tr>
                            <th></th>
                            {Side::ALL.into_iter().map(|_| view! { <th>{i18n.t(T::Then)}</th><th>{i18n.t(T::Now)}</th> }).collect_view()}
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {moves.get().into_iter().map(|m| {
                                let i = m.drive.index();
                                view! {
                                    <tr data-testid=format!("cmp-drive-{i}") data-signal=format!("{:?}", m.signal).to_lowercase()>
                                        <th scope="row"><span lang="nl">{m.drive.dutch()}</span></th>
                                        {Side::ALL.into_iter().map(|side| {
                                            let c = side_class(side);
                                            view! {
                                                <td data-testid=format!("cmp-drive-{i}-{c}-then")>{counts_text(&m.then[&side])}</td>
                                                <td data-testid=format!("cmp-drive-{i}-{c}-now")>{counts_text(&m.now[&side])}</td>
                                            }
                                        }).collect_view()}
                                        <td class="signal-change">{move || signal_name(m.signal, i18n.lang())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }
        })
    }
}

#[component]
pub fn PillarComparison() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let shown = showing(Board::Pillars);
    let moves = Memo::new(move |_| {
        live.with_state(|s| {
            s.follow_up
                .as_ref()
                .map(|f| compare::pillars(&f.earlier, s))
                .unwrap_or_default()
        })
    });
    move || {
        shown().then(|| view! {
            <section class="results comparison" data-testid="pillar-comparison">
                <h2>{i18n.t(T::ComparisonHeading)}</h2>
                {people_line()}
                <table>
                    <thead><tr>
                        <th></th>
                        {Side::ALL.into_iter().map(|side| view! {
                            <th colspan="3">{move || side_name(side, i18n.lang())}</th>
                        }).collect_view()}
                    </tr><tr>
                        <th></th>
                        {Side::ALL.into_iter().map(|_| view! { <th>{i18n.t(T::Then)}</th><th>{i18n.t(T::Now)}</th><th></th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {moves.get().into_iter().map(|p| {
                            let i = p.pillar.index();
                            view! {
                                <tr data-testid=format!("cmp-pillar-{i}")>
                                    <th scope="row"><span lang="nl">{p.pillar.dutch()}</span></th>
                                    {Side::ALL.into_iter().map(|side| {
                                        let m = p.by_side[&side];
                                        let c = side_class(side);
                                        view! {
                                            <td data-testid=format!("cmp-pillar-{i}-{c}-then")>{move || median_text(m.then, i18n.lang())}</td>
                                            <td data-testid=format!("cmp-pillar-{i}-{c}-now")>{move || median_text(m.now, i18n.lang())}</td>
                                            <td class="arrow" data-testid=format!("cmp-pillar-{i}-{c}-arrow")
                                                data-arrow=m.arrow.map(|a| format!("{a:?}").to_lowercase()).unwrap_or_default()>
                                                <span aria-hidden="true">{arrow_glyph(m.arrow)}</span> " "
                                                <small>{move || arrow_name(m.arrow, i18n.lang())}</small>
                                            </td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="muted" data-testid="cmp-threshold">{move || T::threshold(i18n.lang())}</p>
            </section>
        })
    }
}

/// The facilitator's switch for the board of this step, in a follow-up only; says why it waits.
#[component]
pub fn ComparisonSwitch() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let control = Memo::new(move |_| {
        live.with_state(|s| {
            let board = s.phase.board().filter(|_| s.follow_up.is_some());
            board.map(|b| (b, s.board(b).comparison_shown, s.shows_comparison(b)))
        })
    });
    move || {
        control.get().map(|(board, on, showing)| {
            let toggle = move |_| {
                let _ = live.command(Command::SetComparisonShown { board, shown: !on });
            };
            view! {
                <section class="comparison-switch">
                    <button class="secondary" data-testid="toggle-comparison" aria-pressed=on.to_string() on:click=toggle>
                        {if on { i18n.t(T::HideComparison) } else { i18n.t(T::ShowComparison) }}
                    </button>
                    {(on && !showing).then(|| view! { <p class="muted" data-testid="comparison-waits">{i18n.t(T::ComparisonWaits)}</p> })}
                </section>
            }
        })
    }
}
