//! The front door: people in the room type their code here; a facilitator prepares a session.

use crate::i18n::{T, field_of, rejection_text, use_i18n};
use crate::my_sessions;
use crate::pages::my_sessions::my_sessions;
use crate::ui::{CopyButton, LanguageSwitch, QrCode, absolute, go_to};
use gloo_net::http::Request;
use koersbord_shared::limits;
use koersbord_shared::protocol::{
    CreateSession, JoinCodeFound, JoinCodeLookup, SessionCreated, join_link, room_link,
};
use koersbord_shared::room::{Rejection, TextField};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn StartPage() -> impl IntoView {
    let i18n = use_i18n();
    let created = RwSignal::new(None::<SessionCreated>);
    view! {
        <header class="topbar">
            <span class="brand">{i18n.t(T::AppName)}</span>
            <LanguageSwitch/>
        </header>
        <main class="page start">
            // The page's one heading: what the board is for (the brand is in the top bar).
            <h1 class="tagline">{i18n.t(T::Tagline)}</h1>
            <div class="start-grid">
                <div class="stack">
                    <CodeEntry/>
                    {my_sessions()}
                </div>
                {move || match created.get() {
                    None => view! { <CreateForm created/> }.into_any(),
                    Some(session) => view! { <Created session/> }.into_any(),
                }}
            </div>
        </main>
    }
}

/// Participants in the room type the short code shown on the shared screen.
#[component]
fn CodeEntry() -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<T>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = code.get();
        spawn_local(async move {
            match lookup_code(typed).await {
                Ok(found) => go_to(&join_link(&found.room, &found.join_key)),
                Err(key) => error.set(Some(key)),
            }
        });
    };
    view! {
        <section class="card code-entry">
            <h2>{i18n.t(T::HaveCode)}</h2>
            <form on:submit=submit>
                <input class="code-input" data-testid="code-input" autocomplete="off" autocapitalize="characters"
                    spellcheck="false" maxlength="12" placeholder=i18n.t(T::CodePlaceholder) aria-label=i18n.t(T::JoinCode)
                    bind:value=code/>
                <button type="submit" class="primary" data-testid="code-submit">{i18n.t(T::JoinWithCode)}</button>
            </form>
            {move || error.get().map(|k| view! { <p class="error" role="alert" data-testid="code-error">{i18n.t(k)}</p> })}
        </section>
    }
}

async fn lookup_code(code: String) -> Result<JoinCodeFound, T> {
    let request = Request::post("/api/join-code")
        .json(&JoinCodeLookup { code })
        .map_err(|_| T::SomethingWentWrong)?;
    let response = request.send().await.map_err(|_| T::SomethingWentWrong)?;
    match response.status() {
        200 => response.json().await.map_err(|_| T::SomethingWentWrong),
        404 => Err(T::UnknownCode),
        429 => Err(T::TooManyTries),
        _ => Err(T::SomethingWentWrong),
    }
}

#[component]
fn CreateForm(created: RwSignal<Option<SessionCreated>>) -> impl IntoView {
    let i18n = use_i18n();
    let title = RwSignal::new(String::new());
    let ambition = RwSignal::new(String::new());
    let goal1 = RwSignal::new(String::new());
    let goal2 = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Result<Rejection, T>>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        problem.set(None);
        let body = CreateSession {
            title: title.get(),
            ambition: ambition.get(),
            goals: [goal1.get(), goal2.get()],
        };
        let title = body.title.clone();
        spawn_local(async move {
            match create_session(body).await {
                Ok(session) => {
                    // Found again under Mijn sessies, even if this tab closes before a link is kept.
                    my_sessions::remember_created(&session, title.trim());
                    created.set(Some(session));
                }
                Err(p) => problem.set(Some(p)),
            }
            busy.set(false);
        });
    };
    let field_error = move |field: TextField| {
        move || match problem.get() {
            Some(Ok(reason)) if field_of(&reason) == Some(field) => {
                Some(rejection_text(&reason, i18n.lang()))
            }
            _ => None,
        }
    };
    let goal_error = field_error(TextField::Goal);
    view! {
        <section class="card create">
            <h2>{i18n.t(T::StartHeading)}</h2>
            <p class="muted">{i18n.t(T::StartIntro)}</p>
            <form on:submit=submit class="stack">
                <label>{i18n.t(T::FieldTitle)}
                    <input data-testid="create-title" maxlength=limits::TITLE placeholder=i18n.t(T::FieldTitleHint) bind:value=title/>
                </label>
                <span class="error">{field_error(TextField::Title)}</span>
                <label>{i18n.t(T::FieldAmbition)}
                    <textarea data-testid="create-ambition" rows="3" maxlength=limits::AMBITION bind:value=ambition></textarea>
                </label>
                <span class="error">{field_error(TextField::Ambition)}</span>
                <label>{i18n.t(T::FieldGoal1)}
                    <textarea data-testid="create-goal-1" rows="2" maxlength=limits::GOAL bind:value=goal1></textarea>
                </label>
                <label>{i18n.t(T::FieldGoal2)}
                    <textarea data-testid="create-goal-2" rows="2" maxlength=limits::GOAL bind:value=goal2></textarea>
                </label>
                <span class="error">{goal_error}</span>
                <button type="submit" class="primary" data-testid="create-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.tr(T::Creating) } else { i18n.tr(T::CreateSession) }}
                </button>
                {move || match problem.get() {
                    Some(Err(key)) => Some(view! { <p class="error" role="alert">{i18n.t(key)}</p> }),
                    _ => None,
                }}
            </form>
        </section>
    }
}

pub(crate) async fn create_session(
    body: CreateSession,
) -> Result<SessionCreated, Result<Rejection, T>> {
    let failed = || Err(T::SomethingWentWrong);
    let request = Request::post("/api/sessions")
        .json(&body)
        .map_err(|_| failed())?;
    let response = request.send().await.map_err(|_| failed())?;
    match response.status() {
        200 | 201 => response.json().await.map_err(|_| failed()),
        400 => Err(response
            .json::<Rejection>()
            .await
            .map_err(|_| T::SomethingWentWrong)),
        429 => Err(Err(T::TooManySessions)),
        413 => Err(Err(T::TooMuchText)),
        _ => Err(failed()),
    }
}

#[component]
fn Created(session: SessionCreated) -> impl IntoView {
    let i18n = use_i18n();
    let facilitator = absolute(&room_link(&session.room, &session.facilitator_key));
    let join = absolute(&join_link(&session.room, &session.join_key));
    let screen = absolute(&room_link(&session.room, &session.screen_key));
    let open = {
        let link = facilitator.clone();
        move |_| go_to(&link)
    };
    let link_row = move |label: T, url: String, testid: &'static str| {
        view! {
            <div class="link-row">
                <span class="link-label">{i18n.t(label)}</span>
                <input readonly class="link" data-testid=testid value=url.clone()/>
                <CopyButton text=url testid=format!("{testid}-copy")/>
            </div>
        }
    };
    view! {
        <section class="card created" data-testid="created">
            <h2>{i18n.t(T::CreatedHeading)}</h2>
            <p class="muted">{i18n.t(T::CreatedIntro)}</p>
            {link_row(T::LinkFacilitator, facilitator, "link-facilitator")}
            {link_row(T::LinkJoin, join.clone(), "link-join")}
            {link_row(T::LinkScreen, screen, "link-screen")}
            <div class="invite-inline">
                <QrCode data=join/>
                <div>
                    <span class="link-label">{i18n.t(T::JoinCode)}</span>
                    <p class="join-code" data-testid="created-code">{session.join_code.clone()}</p>
                </div>
            </div>
            <button class="primary" data-testid="open-facilitator" on:click=open>{i18n.t(T::OpenAsFacilitator)}</button>
        </section>
    }
}
