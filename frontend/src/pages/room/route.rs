//! "De route tot nu toe" in the harvest of a session in a series: every session's date with its
//! actions and their last status, and per pillar a small chart of each side's median over the
//! sessions, drawn as inline SVG so it prints as it shows. The data is this session's own copy
//! (`room::route`), so a deleted earlier session still appears, marked as deleted.

use super::comparison::median_text;
use super::review::{action_line, status_code, status_name};
use crate::boards::dot::side_class;
use crate::i18n::{Lang, T, long_date, side_name, use_i18n};
use crate::live::use_live;
use crate::pages::follow_up::series_signal;
use crate::session_api::iso_date;
use koersbord_shared::compare::summary_medians;
use koersbord_shared::room::{SessionSummary, route};
use koersbord_shared::{Pillar, Side};
use leptos::prelude::*;

const W: f64 = 180.0;
const H: f64 = 64.0;
const PAD: f64 = 8.0;

/// The points of one side's line: x spreads the sessions evenly, y runs 100 (top) to 0.
pub fn points(medians: &[Option<f64>]) -> Vec<(f64, f64)> {
    let n = medians.len().max(2) - 1;
    medians
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            m.map(|m| {
                let x = PAD + (W - 2.0 * PAD) * i as f64 / n as f64;
                let y = PAD + (H - 2.0 * PAD) * (1.0 - m / 100.0);
                (x, y)
            })
        })
        .collect()
}

fn chart(pillar: Pillar, route: &[SessionSummary], lang: Lang) -> impl IntoView + use<> {
    let lines: Vec<(Side, Vec<Option<f64>>)> = Side::ALL
        .iter()
        .map(|&side| {
            let values = route
                .iter()
                .map(|s| summary_medians(s, pillar).get(&side).copied())
                .collect();
            (side, values)
        })
        .collect();
    let label = lines
        .iter()
        .map(|(side, v)| {
            let values: Vec<String> = v.iter().map(|m| median_text(*m, lang)).collect();
            format!("{}: {}", side.dutch(), values.join(" → "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let i = pillar.index();
    view! {
        <figure class="route-chart" data-testid=format!("route-chart-{i}") data-values=label.clone()>
            <figcaption lang="nl">{pillar.dutch()}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") width=W height=H role="img" aria-label=format!("{}: {label}", pillar.dutch())>
                <line x1=PAD y1=H / 2.0 x2=W - PAD y2=H / 2.0 class="route-mid"/>
                {lines.into_iter().map(|(side, values)| {
                    let pts = points(&values);
                    let path = pts.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
                    let class = format!("route-line line-{}", side_class(side));
                    view! {
                        <polyline points=path class=class.clone() fill="none"/>
                        {pts.into_iter().map(|(x, y)| view! { <circle cx=x cy=y r="3.5" class=class.clone()/> }).collect_view()}
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

#[component]
pub fn RouteSection() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let room = live.room.get_value();
    let series = series_signal(room.clone(), live.key.get_value());
    move || {
        let series = series.get()?;
        let lang = i18n.lang();
        let (stops, follows) =
            live.with_state(|s| (route(s, &room, series.held_ms), s.follow_up.is_some()));
        if !follows && series.later.is_empty() {
            return None;
        }
        let gone = |r: &str| series.earlier.iter().any(|e| e.room == r && e.gone);
        let sessions = stops
            .iter()
            .map(|stop| {
                let this = stop.room == room;
                let mark = if this {
                    Some(T::ThisSession.get(lang))
                } else if gone(&stop.room) {
                    Some(T::RouteGone.get(lang))
                } else {
                    None
                };
                let actions = stop
                    .actions
                    .iter()
                    .map(|a| {
                        let status = a.review.as_ref().map(|r| r.status);
                        let note = a.review.as_ref().map(|r| r.note.clone()).filter(|n| !n.is_empty());
                        view! {
                            <li data-testid="route-action" data-status=status_code(status)>
                                <bdi>{a.what.clone()}</bdi> <span class="muted">" · " <bdi>{action_line(a, lang)}</bdi></span>
                                {(!this).then(|| view! {
                                    " " <span class=format!("status-badge status-{}", status_code(status))>{status_name(status, lang)}</span>
                                })}
                                {note.map(|n| view! { " " <em><bdi>{n}</bdi></em> })}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <li class="route-stop" data-testid="route-session" data-room=stop.room.clone()>
                        <h3>{long_date(&iso_date(stop.held_ms as f64), lang)} " · " <bdi>{stop.title.clone()}</bdi>
                            {mark.map(|m| view! { " " <small class="muted">"(" {m} ")"</small> })}</h3>
                        <ul class="route-actions">{actions}</ul>
                    </li>
                }
            })
            .collect_view();
        let later = (!series.later.is_empty()).then(|| {
            view! {
                <h3>{T::RouteLater.get(lang)}</h3>
                <ul data-testid="route-later">
                    {series.later.iter().map(|e| view! {
                        <li>{long_date(&iso_date(e.held_ms as f64), lang)} " · " <bdi>{e.title.clone()}</bdi></li>
                    }).collect_view()}
                </ul>
            }
        });
        let charts = (stops.len() > 1).then(|| {
            view! {
                <h3>{T::RouteMedians.get(lang)}</h3>
                <p class="route-legend">
                    {Side::ALL.into_iter().map(|side| view! {
                        <span class=format!("legend legend-{}", side_class(side))>{side_name(side, lang)}</span>
                    }).collect_view()}
                </p>
                <div class="route-charts">{Pillar::ALL.into_iter().map(|p| chart(p, &stops, lang)).collect_view()}</div>
            }
        });
        Some(view! {
            <section class="route card" data-testid="route">
                <h2>{T::RouteHeading.get(lang)}</h2>
                <p class="muted">{T::RouteIntro.get(lang)}</p>
                <ol class="route-sessions">{sessions}</ol>
                {later}
                {charts}
            </section>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_run_from_weak_at_the_bottom_to_strong_at_the_top_across_the_sessions() {
        let pts = points(&[Some(0.0), None, Some(100.0)]);
        assert_eq!(pts, vec![(PAD, H - PAD), (W - PAD, PAD)]);
        assert_eq!(points(&[Some(50.0)]), vec![(PAD, H / 2.0)]);
    }
}
