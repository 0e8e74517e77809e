//! A live session: the same page for facilitator, participants and the shared screen; what it shows
//! follows the role the server gave this browser's link. The participant's client (without
//! feature `full`) carries a participant's views only: another role's key, or the harvest, loads
//! the full client (`route::to_full_client`).

mod actions;
mod announce;
mod comparison;
#[cfg(feature = "full")]
mod facilitator;
#[cfg_attr(not(feature = "full"), path = "harvest_link.rs")]
mod harvest;
mod insights;
mod need;
mod people;
#[cfg(feature = "full")]
mod rail;
mod review;
#[cfg(feature = "full")]
mod route;
#[cfg(feature = "full")]
mod screen;
#[cfg(feature = "full")]
mod spotlight;
mod steps;
mod timer;
mod topbar;

use crate::boards::results::{DriveResults, PillarResults};
use crate::boards::{drives::DrivesBoard, pillars::PillarsBoard};
use crate::connection::Status;
use crate::i18n::{Lang, T, phase_name, protocol_error_text, rejection_text, use_i18n};
use crate::live::{Live, Notice, use_live};
use koersbord_shared::protocol::{ProtocolError, Role};
use koersbord_shared::{Board, Phase};
use leptos::prelude::*;

pub use comparison::{arrow_name, median_text, signal_name};
pub use review::status_name;

/// The server's clock, ticking a few times a second, for timers.
#[derive(Clone, Copy)]
pub struct Now(pub RwSignal<f64>);

#[component]
pub fn RoomPage(room: String, key: String) -> impl IntoView {
    let live = Live::connect(room, key);
    provide_context(live);
    provide_context(crate::boards::list::ListView::remembered());
    provide_context(harvest::HarvestOpen(RwSignal::new(harvest::asked_for())));
    let now = Now(RwSignal::new(live.server_now()));
    provide_context(now);
    let ticker = gloo_timers::callback::Interval::new(250, move || now.0.set(live.server_now()));
    // Lives as long as the page's reactive owner; dropping it stops the ticking.
    StoredValue::new_local(ticker);

    let i18n = use_i18n();
    let role = live.role;
    // Each page and step has its own title, for tabs and screen readers (2.4.2).
    Effect::new(move |_| {
        let lang = i18n.lang();
        let title = live.state.with(|s| {
            s.as_ref().map(|s| {
                let mut parts = vec![phase_name(s.phase, lang).to_owned()];
                if !s.setup.title.is_empty() {
                    parts.push(s.setup.title.clone());
                }
                parts.push(T::AppName.get(lang).to_owned());
                parts.join(" · ")
            })
        });
        if let Some(title) = title {
            document().set_title(&title);
        }
    });
    let body = move || {
        if let Some(error) = live
            .fatal
            .get()
            .filter(|e| e.is_fatal() && live.status.get() == Status::Refused)
        {
            return view! { <main class="page narrow"><p class="notice" data-testid="fatal">{move || protocol_error_text(&error, i18n.lang())}</p></main> }
                .into_any();
        }
        let Some(role) = role.get() else {
            return view! { <main class="page narrow"><p class="muted" data-testid="connecting">{i18n.t(T::Connecting)}</p></main> }
                .into_any();
        };
        // Only a participant's key belongs on a join link; any other is served by the full client.
        #[cfg(not(feature = "full"))]
        if role != Role::Participant {
            crate::route::to_full_client(&live.room.get_value(), "", true);
            return view! { <main class="page narrow"><p class="muted" data-testid="connecting">{i18n.t(T::Connecting)}</p></main> }
                .into_any();
        }
        if role == Role::Participant && live.you.get().is_none() {
            return view! { <main class="page narrow"><people::JoinForm/></main> }.into_any();
        }
        #[cfg(feature = "full")]
        if role == Role::Facilitator
            && let Some(flag) = crate::pages::invitation::asked_for()
        {
            return crate::pages::invitation::page(flag);
        }
        #[cfg(feature = "full")]
        if role == Role::Screen {
            return view! {
                <div class="room-body"><main class="stage"><screen::ScreenStage/></main></div>
            }
            .into_any();
        }
        view! {
            <div class="room-body">
                // The live region: what a screen reader would otherwise miss (the projector, with
                // no one listening, has none). Inside the stage, so the rail beside it stays put.
                <main class="stage" id="stage" tabindex="-1"><Stage/><footer class="room-footer"><announce::Announcer/>{crate::ui::footer()}</footer></main>
                {facilitator_panel(role)}
                {(role == Role::Participant).then(|| view! { <aside class="side-panel"><people::PeopleList/></aside> })}
            </div>
        }
        .into_any()
    };
    view! {
        <div class="room" class:screen=move || role.get() == Some(Role::Screen) data-testid="room"
            data-role=move || role.get().map(|r| format!("{r:?}").to_lowercase())>
            // Past the header's controls straight to the step (2.4.1).
            // (Not on the projector: no one tabs through it, and it shows no controls.)
            {move || (role.get() != Some(Role::Screen)).then(|| view! {
                <a class="skip-link" href="#stage" data-testid="skip-link">{i18n.t(T::SkipToStage)}</a>
            })}
            <topbar::TopBar/>
            {body}
            <div class="status-dock">
                <Toast/>
                <ConnectionBanner/>
            </div>
        </div>
    }
}

#[cfg(feature = "full")]
fn facilitator_panel(role: Role) -> impl IntoView {
    (role == Role::Facilitator).then(|| view! { <facilitator::FacilitatorPanel/> })
}

#[cfg(not(feature = "full"))]
fn facilitator_panel(_: Role) -> impl IntoView {}

/// What the current step shows on every screen.
#[component]
fn Stage() -> impl IntoView {
    let live = use_live();
    let harvest_open = expect_context::<harvest::HarvestOpen>().0;
    let phase = Memo::new(move |_| live.state.with(|s| s.as_ref().map(|s| s.phase)));
    // The facilitator always sees the outcomes; everyone else when the facilitator shows them.
    let results_visible = move |board: Board| {
        live.is_facilitator()
            || live
                .state
                .with(|s| s.as_ref().is_some_and(|s| s.board(board).results_shown))
    };
    move || match phase.get() {
        Some(_) if harvest_open.get() => view! { <harvest::Harvest/> }.into_any(),
        Some(Phase::Lobby) => view! { <steps::Lobby/> }.into_any(),
        Some(Phase::Review) => view! { <review::ReviewStep/> }.into_any(),
        Some(Phase::Ambition) => view! { <steps::AmbitionStep/> }.into_any(),
        Some(Phase::Drives) => view! {
            <steps::StepIntro phase=Phase::Drives/>
            <DrivesBoard/>
            <Show when=move || results_visible(Board::Drives)><DriveResults/></Show>
            <comparison::DriveComparison/>
            <insights::InsightCards/>
        }
        .into_any(),
        Some(Phase::Pillars) => view! {
            <steps::StepIntro phase=Phase::Pillars/>
            <div class="board-and-results">
                <PillarsBoard/>
                <Show when=move || results_visible(Board::Pillars)><PillarResults/></Show>
            </div>
            <comparison::PillarComparison/>
            <insights::InsightCards/>
        }
        .into_any(),
        Some(Phase::Actions) => view! { <actions::ActionsStep/> }.into_any(),
        Some(Phase::Close) => view! { <actions::CloseStep/> }.into_any(),
        None => ().into_any(),
    }
}

/// Says plainly when the line is down, from the moment the heartbeat gives up until the welcome
/// after the reconnect; docked at the bottom, so it covers none of the board's controls (the page
/// gets room for it below the board). The board stays usable: dots placed meanwhile wait.
#[component]
fn ConnectionBanner() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    // Only a line that was up can be down; the first connect has its own "Verbinden…".
    let down = move || {
        live.state.with(|s| s.is_some())
            && matches!(live.status.get(), Status::Retrying | Status::Connecting)
    };
    move || {
        down().then(|| {
            view! {
                <div class="banner offline" role="status" data-testid="reconnecting">
                    <span class="banner-mark" aria-hidden="true">"!"</span>
                    <p class="banner-text">
                        <strong data-testid="reconnecting-why">{move || i18n.t(why_down(live.fatal.get().as_ref()))}</strong>
                        {move || live.any_unconfirmed().then(|| view! {
                            " " <span data-testid="waiting-dots">{i18n.t(T::DotsWaiting)}</span>
                        })}
                    </p>
                    <button class="banner-retry" data-testid="retry-now" on:click=move |_| live.retry_now()>
                        {i18n.t(T::RetryNow)}
                    </button>
                </div>
            }
        })
    }
}

/// What the banner says while the line is down: the server's reason when it gave one that
/// people can act on or wait out, else that there is no connection.
fn why_down(error: Option<&ProtocolError>) -> T {
    match error {
        Some(ProtocolError::StorageUnavailable) => T::StorageDown,
        Some(ProtocolError::Elsewhere { .. }) => T::MovingServer,
        Some(ProtocolError::ShuttingDown) => T::ErrShuttingDown,
        _ => T::Reconnecting,
    }
}

/// The last refusal or problem. One that says something went back stays until dismissed or for
/// long enough to read calmly; a plain refusal (nothing moved) for a few seconds. `role=alert`
/// has screen readers announce it.
#[component]
fn Toast() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    Effect::new(move |_| {
        if let Some((serial, notice)) = live.notice.get() {
            let ms = if notice.is_lasting() { 12_000 } else { 6_000 };
            set_timeout(
                move || {
                    if live
                        .notice
                        .get_untracked()
                        .is_some_and(|(s, _)| s == serial)
                    {
                        live.notice.set(None);
                    }
                },
                std::time::Duration::from_millis(ms),
            );
        }
    });
    move || {
        live.notice.get().map(|(_, notice)| {
            let lasting = notice.is_lasting();
            let text = move || notice_text(&notice, i18n.lang());
            view! {
                <div class="toast" class:lasting=lasting role="alert" data-testid="toast">
                    <p>{text}</p>
                    <button class="toast-close" data-testid="toast-close" on:click=move |_| live.notice.set(None)>
                        {i18n.t(T::Dismiss)}
                    </button>
                </div>
            }
        })
    }
}

fn notice_text(notice: &Notice, lang: Lang) -> String {
    match notice {
        Notice::Rejected(reason) => rejection_text(reason, lang),
        Notice::PutBack(reason) => {
            format!("{} {}", T::PutBack.get(lang), rejection_text(reason, lang))
        }
        Notice::Offline => T::Disconnected.get(lang).to_owned(),
    }
}
