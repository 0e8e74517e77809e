//! The boards' outcomes, computed by `koersbord_shared::stats` from the room as this viewer may see
//! it: per drive the dots per zone and side, with every "noodzakelijk" named as a signal; per pillar
//! each side's median and spread, the gap between the sides and the weakest pillars marked.

use super::dot::side_class;
use crate::i18n::{Lang, T, decimal, phase_name, side_name, signed, use_i18n, zone_name};
use crate::live::use_live;
use koersbord_shared::stats::{self, Spread};
use koersbord_shared::{Phase, Side, Zone};
use leptos::prelude::*;

#[component]
pub fn DriveResults() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let summary = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().map(stats::drives).unwrap_or_default())
    });
    let name_of = move |id| {
        live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.participants.get(&id))
                .map(|p| p.name.clone())
                .unwrap_or_default()
        })
    };
    view! {
        // A region one can tab to: a wide table may scroll sideways in a narrow column (2.1.1).
        <section class="results drive-results" data-testid="drive-results" tabindex="0" aria-labelledby="drive-results-title">
            <h2 id="drive-results-title">{i18n.t(T::Results)} " · " {move || phase_name(Phase::Drives, i18n.lang())}</h2>
            <table>
                <thead><tr>
                    <th></th>
                    {Zone::ALL.into_iter().map(|z| view! { <th>{move || zone_name(z, i18n.lang())}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {move || summary.get().into_iter().map(|d| {
                        let signal = (!d.necessary_by.is_empty()).then(|| {
                            let names = d.necessary_by.iter().map(|id| name_of(*id)).collect::<Vec<_>>().join(", ");
                            view! { <span class="signal" data-testid=format!("signal-{}", d.drive.index())>"! " {i18n.t(T::SignalFrom)} ": " <bdi>{names}</bdi></span> }
                        });
                        view! {
                            <tr class:signalled=d.is_signal() data-testid=format!("drive-result-{}", d.drive.index())>
                                <th scope="row"><span lang="nl">{d.drive.dutch()}</span> {signal}</th>
                                {Zone::ALL.into_iter().map(|z| view! {
                                    // The label heads the cell where a phone stacks the table.
                                    <td data-testid=format!("tally-{}-{}", d.drive.index(), z.index()) data-label=move || zone_name(z, i18n.lang())>
                                        {Side::ALL.into_iter().map(|side| view! {
                                            <span class=format!("tally tally-{}", side_class(side)) title=move || side_name(side, i18n.lang())
                                                data-side=side_class(side)>{d.count(side, z)}</span>
                                        }).collect_view()}
                                    </td>
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

fn spread_text(s: Option<&Spread>, lang: Lang) -> String {
    match s {
        Some(s) => format!("{} ({}–{})", decimal(s.median, lang), s.min, s.max),
        None => "–".into(),
    }
}

#[component]
pub fn PillarResults() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let summary = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().map(stats::pillars).unwrap_or_default())
    });
    view! {
        // A region one can tab to: a wide table may scroll sideways in a narrow column (2.1.1).
        <section class="results pillar-results" data-testid="pillar-results" tabindex="0" aria-labelledby="pillar-results-title">
            <h2 id="pillar-results-title">{i18n.t(T::Results)} " · " {move || phase_name(Phase::Pillars, i18n.lang())}</h2>
            <p class="muted">{i18n.t(T::WeakestNote)}</p>
            <table>
                <thead><tr>
                    <th></th>
                    {Side::ALL.into_iter().map(|side| view! {
                        <th><span class=format!("dot dot-{} dot-sample", side_class(side)) aria-hidden="true"></span>
                            " " {move || side_name(side, i18n.lang())}<br/><small>{i18n.t(T::MedianRange)}</small></th>
                    }).collect_view()}
                    <th>{i18n.t(T::Gap)}</th>
                </tr></thead>
                <tbody>
                    {move || { let lang = i18n.lang(); summary.get().into_iter().map(|p| view! {
                        <tr class:weak=p.weak data-testid=format!("pillar-result-{}", p.pillar.index()) data-weak=p.weak.to_string()>
                            <th scope="row"><span lang="nl">{p.pillar.dutch()}</span>
                                {p.weak.then(|| view! { <span class="weak-mark">" · " {i18n.t(T::WeakPillar)}</span> })}</th>
                            {Side::ALL.into_iter().map(|side| view! {
                                <td data-testid=format!("median-{}-{}", p.pillar.index(), side_class(side)) data-label=move || side_name(side, i18n.lang())>{spread_text(p.by_side.get(&side), lang)}</td>
                            }).collect_view()}
                            <td data-testid=format!("gap-{}", p.pillar.index()) data-label=i18n.t(T::Gap)>{p.gap.map(|g| signed(g, lang)).unwrap_or_else(|| "–".into())}</td>
                        </tr>
                    }).collect_view() }}
                </tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spread_is_its_median_with_the_range() {
        assert_eq!(
            spread_text(Spread::of(&[10, 20]).as_ref(), Lang::Nl),
            "15 (10–20)"
        );
        assert_eq!(
            spread_text(Spread::of(&[10, 15]).as_ref(), Lang::Nl),
            "12,5 (10–15)"
        );
        assert_eq!(spread_text(None, Lang::En), "–");
    }
}
