//! The shared screen (role `screen`: a projector or TV), read from two to six metres away and
//! never touched or scrolled. One fixed stage per step, arranged to fit it whole; no controls, no
//! talk about roles; type sized from the screen's width (`screen.css`).

use super::actions::{ActionsPanel, ReflectionList, Signals, WeakPillars};
use super::steps::{AmbitionCircles, Invite, StepIntro};
use crate::boards::dot::side_class;
use crate::boards::results::{DriveResults, PillarResults};
use crate::boards::{drives::DrivesBoard, pillars::PillarsBoard};
use crate::i18n::{T, side_name, use_i18n};
use crate::live::use_live;
use koersbord_shared::room::Insight;
use koersbord_shared::{Board, MAX_PER_SIDE, Phase, Side};
use leptos::prelude::*;

/// How many insight cards a rail shows, the newest: as many as stay readable beside a board, and
/// fewer in Inzicht naar Actie, where they share a column with the signals and weak pillars.
const RAIL_INSIGHTS: usize = 3;
const ACTIONS_INSIGHTS: usize = 2;

#[component]
pub fn ScreenStage() -> impl IntoView {
    let live = use_live();
    let phase = Memo::new(move |_| live.state.with(|s| s.as_ref().map(|s| s.phase)));
    let shown = move |board: Board| {
        live.state
            .with(|s| s.as_ref().is_some_and(|s| s.board(board).results_shown))
    };
    let spotlight = Memo::new(move |_| live.state.with(|s| s.as_ref().and_then(|s| s.spotlight)));
    move || match phase.get() {
        // The spotlight takes the whole stage while it is on.
        Some(_) if spotlight.get().is_some() => spotlight
            .get()
            .map(|on| view! { <super::spotlight::SpotlightStage on/> })
            .into_any(),
        Some(Phase::Lobby) => view! { <ScreenLobby/> }.into_any(),
        Some(Phase::Review) => view! {
            <div class="screen-step screen-review"><super::review::ReviewStep/></div>
        }
        .into_any(),
        Some(Phase::Ambition) => view! {
            <div class="screen-step screen-ambition">
                <StepIntro phase=Phase::Ambition/>
                <AmbitionCircles/>
            </div>
        }
        .into_any(),
        // With the results shown they take the board's place: the board's dots are the same
        // facts, and the table beside a full board would be too small to read.
        Some(Phase::Drives) => view! {
            <div class="screen-step screen-board" data-testid="screen-board">
                {move || if live.with_state(|s| s.shows_comparison(Board::Drives)) {
                    view! { <super::comparison::DriveComparison/> }.into_any()
                } else if shown(Board::Drives) {
                    view! { <DriveResults/> }.into_any()
                } else {
                    view! { <DrivesBoard/> }.into_any()
                }}
                <aside class="rail"><InsightRail phase=Phase::Drives/></aside>
            </div>
        }
        .into_any(),
        Some(Phase::Pillars) => view! {
            <div class="screen-step screen-board screen-pillars" data-testid="screen-board">
                {move || if live.with_state(|s| s.shows_comparison(Board::Pillars)) {
                    view! { <super::comparison::PillarComparison/> }.into_any()
                } else if shown(Board::Pillars) {
                    view! { <PillarResults/> }.into_any()
                } else {
                    view! { <PillarsBoard/> }.into_any()
                }}
                <aside class="rail"><InsightRail phase=Phase::Pillars/></aside>
            </div>
        }
        .into_any(),
        Some(Phase::Actions) => view! {
            <div class="screen-step screen-actions">
                <AmbitionCircles/>
                <div class="screen-column">
                    <Signals/>
                    <WeakPillars/>
                    <InsightRail phase=Phase::Actions/>
                </div>
                <ActionsPanel/>
            </div>
        }
        .into_any(),
        Some(Phase::Close) => view! {
            <div class="screen-step screen-close">
                <ActionsPanel/>
                <ReflectionList/>
            </div>
        }
        .into_any(),
        None => ().into_any(),
    }
}

/// Before the start: the way in as large as the screen allows, the ambition and goals, and who
/// has joined, per side, as it happens.
#[component]
fn ScreenLobby() -> impl IntoView {
    let live = use_live();
    view! {
        <div class="screen-step screen-lobby">
            {move || live.invite.get().map(|invite| view! {
                <Invite room=live.room.get_value() join_key=invite.join_key join_code=invite.join_code/>
            })}
            <div class="screen-column">
                <AmbitionCircles/>
                <Joined/>
            </div>
        </div>
    }
}

/// Who is in, per side: a dot and a name each, and how many places are left.
#[component]
fn Joined() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    view! {
        <section class="joined" data-testid="joined">
            {Side::ALL.into_iter().map(|side| {
                let names = move || live.with_state(|s| s.side(side).map(|p| (p.id, p.name.clone())).collect::<Vec<_>>());
                view! {
                    <div class=format!("joined-side side-{}", side_class(side)) data-testid=format!("joined-{}", side_class(side))>
                        <h2>{move || side_name(side, i18n.lang())} " " <span class="count">{move || names().len()} "/" {MAX_PER_SIDE}</span></h2>
                        <ul>
                            {move || names().into_iter().map(|(id, name)| view! {
                                <li class="person" data-testid=format!("person-{}", id.0)>
                                    <span class=format!("dot dot-{}", side_class(side)) aria-hidden="true">{move || live.initial_of(id)}</span>
                                    <span class="person-name"><bdi>{name}</bdi></span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}

/// The newest insight cards, written in `phase` (all of them in Inzicht naar Actie), as a rail.
#[component]
fn InsightRail(phase: Phase) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let newest = Memo::new(move |_| {
        live.with_state(|s| {
            s.insights
                .values()
                .rev()
                .filter(|i| phase == Phase::Actions || i.phase == phase)
                .take(if phase == Phase::Actions {
                    ACTIONS_INSIGHTS
                } else {
                    RAIL_INSIGHTS
                })
                .cloned()
                .collect::<Vec<Insight>>()
        })
    });
    // No cards, no rail: the board takes the whole stage.
    move || {
        let list = newest.get();
        (!list.is_empty()).then(|| view! {
            <section class="insights insight-rail" data-testid="insight-rail">
                <h2>{i18n.t(T::Insights)}</h2>
                <ul class="cards">
                    {list.into_iter().map(|insight| view! {
                        <li class="card insight" data-testid=format!("rail-insight-{}", insight.id.0)>
                            <p class="insight-text" data-testid=format!("insight-text-{}", insight.id.0)>{insight.text}</p>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}
