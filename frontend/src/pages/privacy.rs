//! The privacy page: what is stored, where, who sees it, how long, how to have it removed. The
//! organisation's name, contact and retention come from the server (`GET /api/info`), so each
//! organisation adapts it with settings rather than by editing text.

use crate::i18n::{T, use_i18n};
use crate::session_api;
use crate::ui::{LanguageSwitch, footer};
use koersbord_shared::sessions::ServerInfo;
use leptos::prelude::*;
use leptos::task::spawn_local;

pub fn privacy_page() -> impl IntoView {
    let i18n = use_i18n();
    let info = RwSignal::new(ServerInfo::default());
    spawn_local(async move {
        if let Some(i) = session_api::server_info().await {
            info.set(i);
        }
    });
    let org = move || {
        let name = info.with(|i| i.org_name.clone());
        if name.is_empty() {
            i18n.tr(T::PrivacyTheOrg).to_owned()
        } else {
            name
        }
    };
    let section = move |h: T, p: T| {
        view! { <h2>{i18n.t(h)}</h2><p>{i18n.t(p)}</p> }
    };
    let days = move || match info.with(|i| i.retention_days) {
        0 => i18n.tr(T::PrivacyForever).to_owned(),
        d => format!("{} {d}.", i18n.tr(T::PrivacyDays)),
    };
    let contact = move || info.with(|i| i.privacy_contact.clone());
    view! {
        <header class="topbar">
            <a class="brand" href="/">{i18n.t(T::AppName)}</a>
            <LanguageSwitch/>
        </header>
        <main class="page narrow privacy" data-testid="privacy">
            <h1>{i18n.t(T::Privacy)}</h1>
            <p>{i18n.t(T::PrivacyIntro)} " " <strong data-testid="privacy-org">{org}</strong> "."</p>
            {section(T::PrivacyStoredH, T::PrivacyStored)}
            {section(T::PrivacyLocalH, T::PrivacyLocal)}
            {section(T::PrivacyWhoH, T::PrivacyWho)}
            <h2>{i18n.t(T::PrivacyHowLongH)}</h2>
            <p data-testid="privacy-days">{days}</p>
            <h2>{i18n.t(T::PrivacyRemoveH)}</h2>
            <p>{i18n.t(T::PrivacyRemove)} " " <strong data-testid="privacy-contact">{move || { let c = contact(); if c.is_empty() { org() } else { c } }}</strong></p>
        </main>
        {footer()}
    }
}
