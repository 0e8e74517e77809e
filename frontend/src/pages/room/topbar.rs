//! The strip along the top: session title, where we are in the method, and the time.

use super::timer::TimerDisplay;
use crate::i18n::{phase_name, use_i18n};
use crate::live::use_live;
use crate::ui::LanguageSwitch;
use koersbord_shared::Phase;
use leptos::prelude::*;

#[component]
pub fn TopBar() -> impl IntoView {
    let live = use_live();
    let title = move || live.with_state(|s| s.setup.title.clone());
    view! {
        <header class="topbar">
            <span class="brand">"Koersbord"</span>
            <span class="session-title" data-testid="session-title">{title}</span>
            <StepTrail/>
            <TimerDisplay/>
            <LanguageSwitch/>
        </header>
    }
}

/// The five steps of the method, the current one marked.
#[component]
fn StepTrail() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let current = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().map(|s| s.phase).unwrap_or(Phase::Lobby))
    });
    view! {
        <ol class="trail" data-testid="step-trail" data-phase=move || format!("{:?}", current.get()).to_lowercase()>
            // Terugblik only in a follow-up (`RoomState::steps`).
            {move || live.with_state(|s| s.steps().skip(1).collect::<Vec<_>>()).into_iter().enumerate().map(|(i, phase)| view! {
                <li class:current=move || current.get() == phase class:done=move || phase < current.get()
                    aria-current=move || (current.get() == phase).then_some("step")>
                    <span class="step-no">{i + 1}</span>
                    <span class="step-name">{move || phase_name(phase, i18n.lang())}</span>
                </li>
            }).collect_view()}
        </ol>
    }
}
