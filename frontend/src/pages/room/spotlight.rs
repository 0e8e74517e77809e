//! The spotlight: the facilitator picks one drive, pillar or insight card; the shared screen then
//! shows it large, with who placed what there per side, while the room talks about it.

use crate::boards::dot::side_class;
use crate::i18n::{T, drive_about, need_label, pillar_about, side_name, use_i18n, zone_name};
use crate::live::use_live;
use koersbord_shared::room::{Command, Need, Participant, RoomState, Spotlight};
use koersbord_shared::stats;
use koersbord_shared::{Drive, Phase, Pillar, Side, Zone};
use leptos::prelude::*;

/// The value of a spotlight in the facilitator's list, and back.
fn key(on: Spotlight) -> String {
    match on {
        Spotlight::Drive(d) => format!("d{}", d.index()),
        Spotlight::Pillar(p) => format!("p{}", p.index()),
        Spotlight::Insight(i) => format!("i{}", i.0),
    }
}

fn from_key(state: &RoomState, key: &str) -> Option<Spotlight> {
    let (kind, n) = key.split_at(1.min(key.len()));
    let n: usize = n.parse().ok()?;
    match kind {
        "d" => Drive::ALL.get(n).copied().map(Spotlight::Drive),
        "p" => Pillar::ALL.get(n).copied().map(Spotlight::Pillar),
        "i" => state
            .insights
            .keys()
            .find(|id| id.0 as usize == n)
            .map(|id| Spotlight::Insight(*id)),
        _ => None,
    }
}

/// The facilitator's control: a list of what can be lit now (the rules are the room's: a board's
/// items from its step on, every insight card), and one button to end it.
#[component]
pub fn SpotlightControl() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let state = Memo::new(move |_| {
        live.state.with(|s| {
            s.as_ref().map(|s| {
                (
                    s.phase,
                    s.spotlight,
                    s.insights.values().cloned().collect::<Vec<_>>(),
                )
            })
        })
    });
    let set = move |on: Option<Spotlight>| {
        let _ = live.command(Command::SetSpotlight { on });
    };
    let pick = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let on = live
            .state
            .with_untracked(|s| s.as_ref().and_then(|s| from_key(s, &value)));
        set(on);
    };
    move || {
        let (phase, current, insights) = state.get()?;
        (phase >= Phase::Drives).then(|| {
            let selected = current.map(key).unwrap_or_default();
            let option = move |on: Spotlight, label: String| {
                let value = key(on);
                let lang = (!matches!(on, Spotlight::Insight(_))).then_some("nl");
                view! { <option value=value.clone() selected=value == selected lang=lang>{label}</option> }
            };
            let drives = Drive::ALL.map(|d| option(Spotlight::Drive(d), d.dutch().to_owned()));
            let pillars = (phase >= Phase::Pillars)
                .then(|| Pillar::ALL.map(|p| option(Spotlight::Pillar(p), p.dutch().to_owned())));
            let cards = live.state.with_untracked(|s| {
                s.as_ref().map(|s| {
                    insights
                        .iter()
                        .map(|c| option(Spotlight::Insight(c.id), need_label(Need::Insight(c.id), s, i18n.lang())))
                        .collect_view()
                })
            });
            view! {
                <section class="spotlight-control" data-testid="spotlight-control">
                    <label>{i18n.t(T::Spotlight)}
                        <select data-testid="spotlight-pick" on:change=pick aria-description=i18n.t(T::SpotlightPick)>
                            <option value="" selected=current.is_none()>{i18n.t(T::SpotlightNothing)}</option>
                            <optgroup label=i18n.t(T::SpotlightDrives)>{drives.into_iter().collect_view()}</optgroup>
                            {pillars.map(|p| view! { <optgroup label=i18n.t(T::SpotlightPillars)>{p.into_iter().collect_view()}</optgroup> })}
                            {(!insights.is_empty()).then(|| view! { <optgroup label=i18n.t(T::SpotlightInsights)>{cards}</optgroup> })}
                        </select>
                    </label>
                    {current.map(|_| view! {
                        <button class="primary" data-testid="spotlight-off" on:click=move |_| set(None)>{i18n.t(T::SpotlightOff)}</button>
                    })}
                </section>
            }
        })
    }
}

/// One person as a chip: their dot's shape and letter, their name, and for a pillar their
/// strength as a number and a bar (weak on the left, strong on the right, as the sliders).
fn person_chip(p: &Participant, strength: Option<u8>) -> impl IntoView + use<> {
    let live = use_live();
    let id = p.id;
    view! {
        <li class=format!("chip side-{}", side_class(p.side))>
            <span class=format!("dot dot-{}", side_class(p.side)) aria-hidden="true">{move || live.initial_of(id)}</span>
            <bdi>{p.name.clone()}</bdi>
            {strength.map(|v| view! {
                <span class="chip-bar" aria-hidden="true"><span style:width=format!("{v}%")></span></span>
                <span class="chip-value">{v}</span>
            })}
        </li>
    }
}

/// What the shared screen shows while something is in the spotlight.
#[component]
pub fn SpotlightStage(on: Spotlight) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let body = move || {
        live.state.with(|s| {
            let s = s.as_ref()?;
            Some(match on {
                Spotlight::Drive(drive) => drive_view(s, drive, i18n.lang()).into_any(),
                Spotlight::Pillar(pillar) => pillar_view(s, pillar, i18n.lang()).into_any(),
                Spotlight::Insight(id) => {
                    let card = s.insights.get(&id)?;
                    let about = card
                        .about
                        .map(|n| (need_label(n, s, i18n.lang()), crate::i18n::need_lang(n)));
                    view! {
                        <div class="spot-insight">
                            <p class="spot-insight-text">{card.text.clone()}</p>
                            {about.map(|(a, lang)| view! { <p class="tag" lang=lang>{a}</p> })}
                        </div>
                    }
                    .into_any()
                }
            })
        })
    };
    let title_lang = (!matches!(on, Spotlight::Insight(_))).then_some("nl");
    let (title, about) = match on {
        Spotlight::Drive(d) => (d.dutch().to_owned(), Some(drive_about(d, i18n.lang()))),
        Spotlight::Pillar(p) => (p.dutch().to_owned(), Some(pillar_about(p, i18n.lang()))),
        Spotlight::Insight(_) => (i18n.tr(T::Insights).to_owned(), None),
    };
    view! {
        <div class="screen-step screen-spotlight" data-testid="spotlight" data-on=key(on)>
            <header class="spot-head">
                <h1 lang=title_lang>{title}</h1>
                {about.map(|a| view! { <p class="about">{a}</p> })}
            </header>
            {body}
        </div>
    }
}

fn drive_view(s: &RoomState, drive: Drive, lang: crate::i18n::Lang) -> impl IntoView + use<> {
    let summary = stats::drives(s).into_iter().find(|d| d.drive == drive);
    let names = |ids: &[koersbord_shared::ParticipantId]| {
        ids.iter()
            .filter_map(|id| s.participants.get(id).map(|p| p.name.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let signal = summary
        .filter(|d| d.is_signal())
        .map(|d| format!("! {}: {}", T::SignalFrom.get(lang), names(&d.necessary_by)));
    let in_zone = |zone: Option<Zone>| {
        s.participants
            .values()
            .filter(|p| p.drives.get(&drive).copied() == zone)
            .cloned()
            .collect::<Vec<_>>()
    };
    let columns = Zone::ALL.map(|zone| {
        let people = in_zone(Some(zone));
        view! {
            <section class=format!("spot-zone zone-{}", zone.index()) data-testid=format!("spot-zone-{}", zone.index())>
                <h2>{zone_name(zone, lang)} <span class="count">{people.len()}</span></h2>
                <ul class="chips">{people.iter().map(|p| person_chip(p, None)).collect_view()}</ul>
            </section>
        }
    });
    let waiting = in_zone(None);
    view! {
        {signal.map(|text| view! { <p class="spot-signal" data-testid="spot-signal">{text}</p> })}
        <div class="spot-zones">{columns.into_iter().collect_view()}</div>
        {(!waiting.is_empty()).then(|| view! {
            <p class="spot-waiting">{T::NotPlacedYet.get(lang)} ": "
                {waiting.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ")}</p>
        })}
    }
}

fn pillar_view(s: &RoomState, pillar: Pillar, lang: crate::i18n::Lang) -> impl IntoView + use<> {
    let summary = stats::pillars(s).into_iter().find(|p| p.pillar == pillar);
    let sides = Side::ALL.map(|side| {
        let mut people: Vec<(Participant, u8)> = s
            .side(side)
            .filter_map(|p| p.pillars.get(&pillar).map(|v| (p.clone(), v.value())))
            .collect();
        // Strongest first, as the core is the strong end of the board.
        people.sort_by_key(|(_, v)| std::cmp::Reverse(*v));
        let median = summary
            .as_ref()
            .and_then(|sum| sum.by_side.get(&side))
            .map(|spread| format!("{} {}", T::Median.get(lang), spread.median.round()));
        view! {
            <section class=format!("spot-side side-{}", side_class(side)) data-testid=format!("spot-side-{}", side_class(side))>
                <h2>{side_name(side, lang)} {median.map(|m| view! { <span class="count">{m}</span> })}</h2>
                <ul class="chips">
                    {if people.is_empty() {
                        view! { <li class="muted">{T::NobodyHere.get(lang)}</li> }.into_any()
                    } else {
                        people.iter().map(|(p, v)| person_chip(p, Some(*v))).collect_view().into_any()
                    }}
                </ul>
            </section>
        }
    });
    let weak = summary
        .as_ref()
        .filter(|p| p.weak)
        .map(|_| T::AmongWeakest.get(lang));
    view! {
        {weak.map(|w| view! { <p class="spot-signal">"! " {w}</p> })}
        <div class="spot-sides">{sides.into_iter().collect_view()}</div>
    }
}
