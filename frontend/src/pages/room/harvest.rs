//! The harvest (*oogst*): everything the session produced on one page, to print as a PDF or take
//! home as Markdown, CSV or JSON. The facilitator can open it at any time; participants from the close.

use super::actions::{ActionsPanel, ReflectionList, Signals};
use super::insights::InsightCards;
use super::steps::AmbitionCircles;
use crate::boards::results::{DriveResults, PillarResults};
use crate::boards::{drives::DrivesBoard, pillars::PillarsBoard};
use crate::export;
use crate::i18n::{T, use_i18n};
use crate::live::use_live;
use crate::my_sessions::HARVEST_FLAG;
use crate::pages::session_actions::{copy_session, delete_session, kept_until};
use koersbord_shared::Phase;
use koersbord_shared::room::Command;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Whether this browser shows the harvest instead of the current step.
#[derive(Clone, Copy)]
pub struct HarvestOpen(pub RwSignal<bool>);

#[component]
pub fn Harvest() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let open = expect_context::<HarvestOpen>().0;
    let title = move || live.with_state(|s| s.setup.title.clone());
    let file = move |ext: &str| {
        let base: String = title()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let base = base.trim_matches('-').to_owned();
        format!(
            "oogst-{}.{ext}",
            if base.is_empty() {
                live.room.get_value()
            } else {
                base
            }
        )
    };
    let download = move |kind: &'static str| {
        let lang = i18n.lang();
        let Some((name, mime, body)) = live.state.with_untracked(|s| {
            s.as_ref().map(|s| match kind {
                "md" => (
                    file("md"),
                    "text/markdown;charset=utf-8",
                    export::markdown(s, lang),
                ),
                "actions" => (
                    file("acties.csv").replace(".acties.csv", "-acties.csv"),
                    "text/csv;charset=utf-8",
                    export::actions_csv(s, lang),
                ),
                "dots" => (
                    file("stippen.csv").replace(".stippen.csv", "-stippen.csv"),
                    "text/csv;charset=utf-8",
                    export::dots_csv(s, lang),
                ),
                "review" => (
                    file("terugblik.csv").replace(".terugblik.csv", "-terugblik.csv"),
                    "text/csv;charset=utf-8",
                    crate::export_follow_up::reviews_csv(s, lang),
                ),
                _ => (file("json"), "application/json", export::json(s)),
            })
        }) else {
            return;
        };
        save_file(&name, mime, &body);
    };
    view! {
        <article class="harvest" data-testid="harvest">
            <header class="harvest-head">
                <div>
                    <h1>{i18n.t(T::Harvest)} " · " <span data-testid="harvest-title">{title}</span></h1>
                    <p class="muted">{i18n.t(T::HarvestIntro)}</p>
                </div>
                <div class="row no-print exports">
                    <button class="primary" data-testid="harvest-print" on:click=move |_| { let _ = window().print(); }>{i18n.t(T::Print)}</button>
                    <button class="secondary" data-testid="harvest-md" on:click=move |_| download("md")>{i18n.t(T::DownloadMarkdown)}</button>
                    <button class="secondary" data-testid="harvest-actions-csv" on:click=move |_| download("actions")>{i18n.t(T::DownloadActionsCsv)}</button>
                    <button class="secondary" data-testid="harvest-dots-csv" on:click=move |_| download("dots")>{i18n.t(T::DownloadDotsCsv)}</button>
                    {move || live.with_state(|s| s.follow_up.is_some()).then(|| view! {
                        <button class="secondary" data-testid="harvest-review-csv" on:click=move |_| download("review")>{i18n.t(T::DownloadReviewCsv)}</button>
                    })}
                    <button class="secondary" data-testid="harvest-json" on:click=move |_| download("json")>{i18n.t(T::DownloadJson)}</button>
                    <button class="link-button" data-testid="harvest-close" on:click=move |_| open.set(false)>{i18n.t(T::BackToBoard)}</button>
                </div>
            </header>
            <AmbitionCircles/>
            <div class="harvest-grid">
                <DriveResults/>
                <Signals/>
            </div>
            <PillarResults/>
            <ActionsPanelReadOnly/>
            <super::route::RouteSection/>
            <InsightCards/>
            <ReflectionList/>
            <SessionCare/>
            <section class="harvest-boards">
                <h2>{i18n.t(T::Boards)}</h2>
                // A picture of both boards as they ended: shown, not touched.
                <div class="board-pictures" inert>
                    <DrivesBoard/>
                    <PillarsBoard/>
                </div>
            </section>
            {crate::ui::footer()}
        </article>
    }
}

/// Whether the link asked to open on the harvest (`#k=...&oogst`, from Mijn sessies).
pub fn asked_for() -> bool {
    window().location().hash().is_ok_and(|h| {
        h.trim_start_matches('#')
            .split('&')
            .any(|p| p == HARVEST_FLAG)
    })
}

/// How long the session is kept, and for the facilitator: a copy, or deleting it.
#[component]
fn SessionCare() -> impl IntoView {
    let live = use_live();
    let (room, key) = (live.room.get_value(), live.key.get_value());
    let setup = Signal::derive(move || live.with_state(|s| s.setup.clone()));
    let title = Signal::derive(move || setup.with(|s| s.title.clone()));
    // Only the facilitator's key may copy or delete; others see how long it is kept.
    let tools = untrack(|| live.is_facilitator()).then(|| {
        view! {
            <div class="row no-print">
                {copy_session(setup)}
                {crate::pages::follow_up::make_follow_up(room.clone(), key.clone(), title.get_untracked())}
                {delete_session(room.clone(), key.clone(), title, || {})}
            </div>
        }
    });
    view! {
        <section class="session-care" data-testid="session-care">
            {kept_until(room.clone(), key.clone())}
            {tools}
            {withdraw()}
        </section>
    }
}

/// A participant takes their name and reflection out, after the close (asked twice).
fn withdraw() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let shown = move || {
        live.you.get().is_some()
            && live.with_state(|s| {
                s.phase == Phase::Close
                    && live
                        .you
                        .get()
                        .is_some_and(|me| s.participants.get(&me).is_some_and(|p| !p.anonymous))
            })
    };
    let confirm = move |_| {
        let _ = live.command(Command::Anonymise);
        asking.set(false);
    };
    view! {
        <div class="no-print" hidden=move || !shown()>
            <button class="secondary" data-testid="anonymise" hidden=move || asking.get() on:click=move |_| asking.set(true)>
                {i18n.t(T::AnonymiseMe)}
            </button>
            <div class="confirm-delete" hidden=move || !asking.get()>
                <p>{i18n.t(T::AnonymiseExplain)}</p>
                <div class="row">
                    <button class="danger-solid" data-testid="anonymise-confirm" on:click=confirm>{i18n.t(T::AnonymiseConfirm)}</button>
                    <button class="secondary" on:click=move |_| asking.set(false)>{i18n.t(T::Cancel)}</button>
                </div>
            </div>
        </div>
    }
}

/// The actions, for reading: the harvest is a record, so no form.
#[component]
fn ActionsPanelReadOnly() -> impl IntoView {
    view! { <div class="read-only"><ActionsPanel/></div> }
}

/// Offers `body` as a file download, made in the browser: the data never travels again.
fn save_file(name: &str, mime: &str, body: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(body));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = document()
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Opens the harvest; the facilitator has it at hand all session, participants at the close.
#[component]
pub fn HarvestButton() -> impl IntoView {
    let i18n = use_i18n();
    let open = expect_context::<HarvestOpen>().0;
    view! {
        <button class="secondary harvest-button" data-testid="open-harvest" on:click=move |_| open.set(!open.get())>
            {move || if open.get() { i18n.tr(T::BackToBoard) } else { i18n.tr(T::OpenHarvest) }}
        </button>
    }
}
