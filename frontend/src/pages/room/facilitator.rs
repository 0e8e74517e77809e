//! The facilitator's controls: steps, timer, the boards' switches, guidance and the session's content.

use super::harvest::HarvestButton;
use super::people::PeopleList;
use super::rail::{QuickInsight, ScreenPreview};
use super::spotlight::SpotlightControl;
use super::steps::Invite;
use super::timer::TimerControls;
use crate::i18n::{T, field_of, phase_guidance, phase_name, rejection_text, use_i18n};
use crate::live::{Notice, use_live};
use koersbord_shared::room::Command;
use koersbord_shared::{Phase, limits};
use leptos::prelude::*;

#[component]
pub fn FacilitatorPanel() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let phase = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().map(|s| s.phase).unwrap_or(Phase::Lobby))
    });
    // Terugblik only in a follow-up: the state knows which steps this session has.
    let next = move || live.with_state(|s| s.next_phase());
    let prev = move || live.with_state(|s| s.prev_phase());
    let go = move |target: Option<Phase>| {
        if let Some(phase) = target {
            let _ = live.command(Command::GoToPhase { phase });
        }
    };
    view! {
        <aside class="side-panel facilitator" data-testid="facilitator-panel">
            <section class="step-nav">
                <button class="secondary" data-testid="prev-step" disabled=move || prev().is_none()
                    on:click=move |_| go(prev())>"← " {i18n.t(T::PrevStep)}</button>
                <button class="primary" data-testid="next-step" disabled=move || next().is_none()
                    on:click=move |_| go(next())>
                    <span>{i18n.t(T::NextStep)} " →"</span>
                    <span class="next-name">{move || next().map(|p| phase_name(p, i18n.lang()))}</span>
                </button>
            </section>
            // What is needed while leading comes first, so it is in reach without scrolling.
            <TimerControls/>
            <PeopleList/>
            <QuickInsight/>
            <BoardSwitches/>
            <super::comparison::ComparisonSwitch/>
            <SpotlightControl/>
            <ScreenPreview/>
            <HarvestButton/>
            {move || (phase.get() == Phase::Close).then(|| crate::pages::follow_up::make_follow_up(
                live.room.get_value(), live.key.get_value(), live.with_state(|s| s.setup.title.clone())))}
            <section class="guidance">
                <h2>{i18n.t(T::Guidance)}</h2>
                <ul>{move || phase_guidance(phase.get(), i18n.lang()).iter().map(|line| view! { <li>{*line}</li> }).collect_view()}</ul>
            </section>
            {move || live.invite.get().map(|inv| view! { <details class="invite-details"><summary>{i18n.t(T::InviteHeading)}</summary>
                <Invite room=live.room.get_value() join_key=inv.join_key join_code=inv.join_code/></details> })}
            <SetupEditor/>
        </aside>
    }
}

/// Lock and hide/reveal for the board of the current step.
#[component]
fn BoardSwitches() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let control = Memo::new(move |_| {
        live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.phase.board().map(|b| (b, *s.board(b))))
        })
    });
    move || {
        control.get().map(|(board, c)| {
            let lock = move |_| {
                let _ = live.command(Command::SetLocked { board, locked: !c.locked });
            };
            let reveal = move |_| {
                let _ = live.command(Command::SetRevealed { board, revealed: !c.revealed });
            };
            let results = move |_| {
                let _ = live.command(Command::SetResultsShown { board, shown: !c.results_shown });
            };
            let listed = move |_| {
                let _ = live.command(Command::SetListed { board, listed: !c.listed });
            };
            view! {
                <section class="board-switches">
                    <button class="secondary" data-testid="toggle-lock" aria-pressed=c.locked.to_string() on:click=lock>
                        {if c.locked { i18n.t(T::Unlock) } else { i18n.t(T::Lock) }}
                    </button>
                    <button class="secondary" data-testid="toggle-reveal" aria-pressed=(!c.revealed).to_string() on:click=reveal>
                        {if c.revealed { i18n.t(T::Hide) } else { i18n.t(T::Reveal) }}
                    </button>
                    <button class="secondary" data-testid="toggle-results" aria-pressed=c.results_shown.to_string() on:click=results>
                        {if c.results_shown { i18n.t(T::HideResults) } else { i18n.t(T::ShowResults) }}
                    </button>
                    <button class="secondary" data-testid="toggle-listed" aria-pressed=c.listed.to_string() on:click=listed>
                        {i18n.t(T::ListOnScreen)}
                    </button>
                </section>
            }
        })
    }
}

/// The title, ambition and goals stay editable by the facilitator throughout.
#[component]
fn SetupEditor() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let title = RwSignal::new(String::new());
    let ambition = RwSignal::new(String::new());
    let goal1 = RwSignal::new(String::new());
    let goal2 = RwSignal::new(String::new());
    let start = move |_| {
        if let Some(setup) = live
            .state
            .with_untracked(|s| s.as_ref().map(|s| s.setup.clone()))
        {
            title.set(setup.title);
            ambition.set(setup.ambition);
            let [g1, g2] = setup.goals;
            goal1.set(g1);
            goal2.set(g2);
            open.set(true);
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cmd = Command::EditSetup {
            title: title.get(),
            ambition: ambition.get(),
            goals: [goal1.get(), goal2.get()],
        };
        if live.command(cmd).is_ok() {
            open.set(false);
        }
    };
    let error = move || match live.notice.get() {
        Some((_, Notice::Rejected(r))) if field_of(&r).is_some() => {
            Some(rejection_text(&r, i18n.lang()))
        }
        _ => None,
    };
    view! {
        <section class="setup-editor">
            {move || if open.get() {
                view! {
                    <form class="stack" on:submit=save data-testid="setup-form">
                        <label>{i18n.t(T::FieldTitle)}<input data-testid="setup-title" maxlength=limits::TITLE bind:value=title/></label>
                        <label>{i18n.t(T::FieldAmbition)}<textarea data-testid="setup-ambition" rows="3" maxlength=limits::AMBITION bind:value=ambition></textarea></label>
                        <label>{i18n.t(T::FieldGoal1)}<textarea data-testid="setup-goal-1" rows="2" maxlength=limits::GOAL bind:value=goal1></textarea></label>
                        <label>{i18n.t(T::FieldGoal2)}<textarea data-testid="setup-goal-2" rows="2" maxlength=limits::GOAL bind:value=goal2></textarea></label>
                        <span class="error">{error}</span>
                        <div class="row">
                            <button type="submit" class="primary" data-testid="setup-save">{i18n.t(T::Save)}</button>
                            <button type="button" class="secondary" on:click=move |_| open.set(false)>{i18n.t(T::Cancel)}</button>
                        </div>
                    </form>
                }.into_any()
            } else {
                view! { <button class="link-button" data-testid="edit-setup" on:click=start>{i18n.t(T::EditSetup)}</button> }.into_any()
            }}
        </section>
    }
}
