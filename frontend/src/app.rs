use crate::i18n::{I18n, Lang, T};
use crate::pages::room::RoomPage;
#[cfg(feature = "full")]
use crate::pages::start::StartPage;
use crate::route::Route;
use crate::storage;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let lang = storage::language()
        .and_then(|c| Lang::from_code(&c))
        .unwrap_or(Lang::Nl);
    let i18n = I18n(RwSignal::new(lang));
    provide_context(i18n);
    provide_context(crate::media::Narrow::watch());
    // Keep <html lang> true for screen readers and hyphenation.
    Effect::new(move |_| {
        let code = i18n.lang().code();
        if let Some(el) = document().document_element() {
            let _ = el.set_attribute("lang", code);
        }
    });

    match Route::current() {
        #[cfg(feature = "full")]
        Route::Start => view! { <StartPage/> {crate::ui::footer()} }.into_any(),
        #[cfg(feature = "full")]
        Route::Privacy => crate::pages::privacy::privacy_page().into_any(),
        Route::Room {
            room,
            key: Some(key),
        } => view! { <RoomPage room key/> }.into_any(),
        // (The participant's client loads only on a join link: any other page is the full one's.)
        _ => view! {
            <main class="page narrow">
                <h1>{i18n.t(T::AppName)}</h1>
                <p class="notice" data-testid="broken-link">{i18n.t(T::LinkBroken)}</p>
                <p><a href="/">{i18n.t(T::HaveCode)}</a></p>
            </main>
            {crate::ui::footer()}
        }
        .into_any(),
    }
}
