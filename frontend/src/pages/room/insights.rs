//! Insight cards: the facilitator writes them while the group talks; everyone sees them.

use super::need::NeedSelect;
use crate::i18n::need_label as label;
use crate::i18n::{T, use_i18n};
use crate::live::use_live;
use koersbord_shared::Phase;
use koersbord_shared::limits;
use koersbord_shared::room::{Command, Insight, InsightId, Need};
use leptos::prelude::*;

#[component]
pub fn InsightCards() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let insights = Memo::new(move |_| {
        live.with_state(|s| s.insights.values().rev().cloned().collect::<Vec<_>>())
    });
    view! {
        <section class="insights" data-testid="insights">
            <h2>{i18n.t(T::Insights)}</h2>
            {move || live.is_facilitator().then(|| view! { <InsightForm/> })}
            <ul class="cards">
                {move || {
                    let list = insights.get();
                    if list.is_empty() {
                        view! { <li class="muted">{i18n.t(T::NoInsightsYet)}</li> }.into_any()
                    } else {
                        list.into_iter().map(|insight| view! { <InsightCard insight/> }).collect_view().into_any()
                    }
                }}
            </ul>
        </section>
    }
}

#[component]
fn InsightForm() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let about = RwSignal::new(None::<Need>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if live
            .command(Command::AddInsight {
                text: text.get(),
                about: about.get(),
            })
            .is_ok()
        {
            text.set(String::new());
            about.set(None);
        }
    };
    view! {
        <form class="stack insight-form" on:submit=submit>
            <textarea data-testid="insight-text" rows="2" maxlength=limits::INSIGHT required
                placeholder=i18n.t(T::InsightPlaceholder) aria-label=i18n.t(T::InsightPlaceholder) bind:value=text></textarea>
            <div class="row">
                <label class="inline">{i18n.t(T::About)} <NeedSelect value=about with_insights=false testid="insight-about"/></label>
                <button type="submit" class="primary small" data-testid="insight-add">{i18n.t(T::AddInsight)}</button>
            </div>
        </form>
    }
}

#[component]
fn InsightCard(insight: Insight) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let text = RwSignal::new(insight.text.clone());
    let about = RwSignal::new(insight.about);
    let id: InsightId = insight.id;
    let about_label = move || {
        insight.about.and_then(|need| {
            live.state
                .with(|s| s.as_ref().map(|s| label(need, s, i18n.lang())))
        })
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if live
            .command(Command::EditInsight {
                id,
                text: text.get(),
                about: about.get(),
            })
            .is_ok()
        {
            editing.set(false);
        }
    };
    let remove = move |_| {
        let _ = live.command(Command::RemoveInsight { id });
    };
    let body = insight.text.clone();
    view! {
        <li class="card insight" class:from-drives=insight.phase == Phase::Drives class:from-pillars=insight.phase == Phase::Pillars
            data-testid=format!("insight-{}", id.0)>
            {move || if editing.get() {
                view! {
                    <form class="stack" on:submit=save>
                        <textarea rows="2" maxlength=limits::INSIGHT data-testid=format!("insight-edit-{}", id.0) bind:value=text></textarea>
                        <NeedSelect value=about with_insights=false testid=format!("insight-edit-about-{}", id.0)/>
                        <div class="row">
                            <button type="submit" class="primary small" data-testid=format!("insight-save-{}", id.0)>{i18n.t(T::Save)}</button>
                            <button type="button" class="secondary small" on:click=move |_| editing.set(false)>{i18n.t(T::Cancel)}</button>
                        </div>
                    </form>
                }.into_any()
            } else {
                let body = body.clone();
                view! {
                    <p class="insight-text" data-testid=format!("insight-text-{}", id.0)>{body}</p>
                    {move || about_label().map(|l| view! { <span class="tag" lang=insight.about.and_then(crate::i18n::need_lang)>{l}</span> })}
                    {move || live.is_facilitator().then(|| view! {
                        <div class="row card-tools">
                            <button class="link-button small" data-testid=format!("insight-edit-button-{}", id.0) on:click=move |_| editing.set(true)>{i18n.t(T::Edit)}</button>
                            <button class="link-button small danger" data-testid=format!("insight-remove-{}", id.0) on:click=remove>{i18n.t(T::Remove)}</button>
                        </div>
                    })}
                }.into_any()
            }}
        </li>
    }
}
