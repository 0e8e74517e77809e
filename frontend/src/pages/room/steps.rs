//! The parts of each step that are not a dot board: the welcome, the ambition with its two goals,
//! and the last two steps.

use crate::i18n::{T, phase_about, phase_name, use_i18n};
use crate::live::use_live;
#[cfg(feature = "full")]
use crate::ui::{QrCode, absolute};
use koersbord_shared::Phase;
#[cfg(feature = "full")]
use koersbord_shared::protocol::join_link;
use leptos::prelude::*;

/// The step's name and what it is about, for everyone.
#[component]
pub fn StepIntro(phase: Phase) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="step-intro" data-testid="step-intro">
            // Focusable by script only: focus lands here when a step change removes what had it.
            <h1 data-testid="step-name" tabindex="-1">{move || phase_name(phase, i18n.lang())}</h1>
            <p class="about">{move || phase_about(phase, i18n.lang())}</p>
        </div>
    }
}

/// Before the start: how to get in, large enough to read from the back of the room.
#[component]
pub fn Lobby() -> impl IntoView {
    // The invitation is sent to the facilitator and the screen, never to a participant.
    #[cfg(feature = "full")]
    let live = use_live();
    #[cfg(feature = "full")]
    let invite = move || {
        live.invite.get().map(|invite| view! { <Invite room=live.room.get_value() join_key=invite.join_key join_code=invite.join_code/> })
    };
    #[cfg(not(feature = "full"))]
    let invite = ();
    view! {
        <StepIntro phase=Phase::Lobby/>
        <div class="lobby">
            {invite}
            <AmbitionCircles/>
        </div>
    }
}

#[cfg(feature = "full")]
#[component]
pub fn Invite(room: String, join_key: String, join_code: String) -> impl IntoView {
    let i18n = use_i18n();
    let link = absolute(&join_link(&room, &join_key));
    let site = absolute("");
    view! {
        <section class="invite card" data-testid="invite">
            <h2>{i18n.t(T::InviteHeading)}</h2>
            <QrCode data=link.clone() label=link/>
            <p class="muted">{i18n.t(T::InviteHowTo)}</p>
            <p class="site">{site}</p>
            <p class="join-code big" data-testid="join-code">{join_code}</p>
        </section>
    }
}

#[component]
pub fn AmbitionStep() -> impl IntoView {
    view! {
        <StepIntro phase=Phase::Ambition/>
        <AmbitionCircles/>
    }
}

/// The ambition in the middle and the two goals beside it, as the paper board's circles.
#[component]
pub fn AmbitionCircles() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let setup = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().map(|s| s.setup.clone()).unwrap_or_default())
    });
    view! {
        <div class="circles" data-testid="ambition-circles">
            <div class="circle goal" data-testid="goal-1">
                <span class="circle-label">{i18n.t(T::Goal)} " 1"</span>
                <p>{move || setup.get().goals[0].clone()}</p>
            </div>
            <div class="circle ambition" data-testid="ambition">
                <span class="circle-label">{i18n.t(T::Ambition)}</span>
                <p>{move || {
                    let text = setup.get().ambition;
                    if text.is_empty() { i18n.tr(T::NoAmbitionYet).to_owned() } else { text }
                }}</p>
            </div>
            <div class="circle goal" data-testid="goal-2">
                <span class="circle-label">{i18n.t(T::Goal)} " 2"</span>
                <p>{move || setup.get().goals[1].clone()}</p>
            </div>
        </div>
    }
}
