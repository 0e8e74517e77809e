//! Inzicht naar Actie and the close: the context side by side (ambition, goals, signals, weak
//! pillars with prompts, insights), the actions with who, what, by when and why, and each
//! participant's closing words.

use super::insights::InsightCards;
use super::need::NeedSelect;
use super::steps::{AmbitionCircles, StepIntro};
use crate::i18n::need_label as label;
use crate::i18n::{T, long_date, pillar_prompts, use_i18n};
use crate::live::use_live;
use koersbord_shared::room::{Action, ActionDraft, ActionId, Command, Need};
use koersbord_shared::{Phase, limits, stats};
use leptos::prelude::*;

#[component]
pub fn ActionsStep() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <StepIntro phase=Phase::Actions/>
        <div class="questions">
            <p class="central-question">{i18n.t(T::CentralQuestion)}</p>
            <p class="your-question">{i18n.t(T::YourQuestion)}</p>
        </div>
        <div class="actions-grid">
            <div class="context">
                <AmbitionCircles/>
                <Signals/>
                <WeakPillars/>
            </div>
            <InsightCards/>
            <ActionsPanel/>
        </div>
    }
}

#[component]
pub fn CloseStep() -> impl IntoView {
    let live = use_live();
    view! {
        <StepIntro phase=Phase::Close/>
        <div class="close-grid">
            <ActionsPanel/>
            <div class="stack">
                <super::harvest::HarvestButton/>
                {move || live.you.get().map(|_| view! { <ReflectionForm/> })}
                <ReflectionList/>
            </div>
        </div>
    }
}

/// Every drive someone called necessary, with who did.
#[component]
pub fn Signals() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let signals = Memo::new(move |_| {
        live.state.with(|s| {
            let Some(s) = s else { return Vec::new() };
            stats::drives(s)
                .into_iter()
                .filter(|d| d.is_signal())
                .map(|d| {
                    let names: Vec<String> = d
                        .necessary_by
                        .iter()
                        .filter_map(|id| s.participants.get(id).map(|p| p.name.clone()))
                        .collect();
                    (d.drive, names.join(", "))
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="signals card" data-testid="signals">
            <h2>{i18n.t(T::Signals)}</h2>
            <ul>
                {move || signals.get().into_iter().map(|(drive, names)| view! {
                    <li data-testid=format!("signal-item-{}", drive.index())><strong>{drive.dutch()}</strong> " · " <bdi>{names}</bdi></li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The weakest pillars, each with two questions to start strengthening it.
#[component]
pub fn WeakPillars() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let weak = Memo::new(move |_| {
        live.with_state(|s| {
            stats::pillars(s)
                .into_iter()
                .filter(|p| p.weak)
                .map(|p| p.pillar)
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="weak-pillars card" data-testid="weak-pillars">
            <h2>{i18n.t(T::WeakPillars)}</h2>
            {move || weak.get().into_iter().map(|pillar| view! {
                <div class="weak-pillar" data-testid=format!("weak-{}", pillar.index())>
                    <h3 lang="nl">{pillar.dutch()}</h3>
                    <ul>{move || pillar_prompts(pillar, i18n.lang()).into_iter().map(|q| view! { <li>{q}</li> }).collect_view()}</ul>
                </div>
            }).collect_view()}
        </section>
    }
}

/// The list of actions, and the form to add or change one.
#[component]
pub fn ActionsPanel() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let editing = RwSignal::new(None::<ActionId>);
    let form = ActionFields::new();
    let actions =
        Memo::new(move |_| live.with_state(|s| s.actions.values().cloned().collect::<Vec<_>>()));
    let may_write = move || {
        live.is_facilitator()
            || (live.you.get().is_some()
                && live.state.with(|s| {
                    s.as_ref()
                        .is_some_and(|s| matches!(s.phase, Phase::Actions | Phase::Close))
                }))
    };
    view! {
        <section class="actions-panel" data-testid="actions-panel">
            <h2>{i18n.t(T::Actions)}</h2>
            {move || may_write().then(|| view! { <ActionForm form editing/> })}
            {move || {
                let list = actions.get();
                if list.is_empty() {
                    // Not as item 1 of a numbered list.
                    view! { <p class="muted" data-testid="no-actions">{i18n.t(T::NoActionsYet)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="action-list">
                            {list.into_iter().map(|action| view! { <ActionItem action form editing/> }).collect_view()}
                        </ol>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// The form's fields, shared by the form and the "edit" buttons that fill it.
#[derive(Clone, Copy)]
struct ActionFields {
    what: RwSignal<String>,
    owners: RwSignal<Vec<koersbord_shared::ParticipantId>>,
    other: RwSignal<String>,
    due: RwSignal<String>,
    answers: RwSignal<Option<Need>>,
}

impl ActionFields {
    fn new() -> ActionFields {
        ActionFields {
            what: RwSignal::new(String::new()),
            owners: RwSignal::new(Vec::new()),
            other: RwSignal::new(String::new()),
            due: RwSignal::new(String::new()),
            answers: RwSignal::new(None),
        }
    }

    fn fill(&self, a: &Action) {
        self.what.set(a.what.clone());
        self.owners.set(a.owners.clone());
        self.other.set(a.other_owner.clone());
        self.due.set(a.due.clone().unwrap_or_default());
        self.answers.set(a.answers);
    }

    fn clear(&self) {
        self.what.set(String::new());
        self.owners.set(Vec::new());
        self.other.set(String::new());
        self.due.set(String::new());
        self.answers.set(None);
    }

    fn draft(&self) -> ActionDraft {
        let due = self.due.get();
        ActionDraft {
            what: self.what.get(),
            owners: self.owners.get(),
            other_owner: self.other.get(),
            due: (!due.is_empty()).then_some(due),
            answers: self.answers.get(),
        }
    }
}

#[component]
fn ActionForm(form: ActionFields, editing: RwSignal<Option<ActionId>>) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    // A participant's contribution names themselves; start with that ticked.
    Effect::new(move |_| {
        if let Some(me) = live.you.get()
            && editing.get().is_none()
            && form.owners.with_untracked(|o| o.is_empty())
        {
            form.owners.set(vec![me]);
        }
    });
    let people = move || {
        live.with_state(|s| {
            s.participants
                .values()
                .map(|p| (p.id, p.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let action = form.draft();
        let sent = match editing.get() {
            Some(id) => live.command(Command::EditAction { id, action }),
            None => live.command(Command::AddAction { action }),
        };
        if sent.is_ok() {
            editing.set(None);
            form.clear();
            if let Some(me) = live.you.get_untracked() {
                form.owners.set(vec![me]);
            }
        }
    };
    view! {
        <form class="stack action-form card" on:submit=submit data-testid="action-form">
            <label>{i18n.t(T::ActionWhat)}
                <input data-testid="action-what" maxlength=limits::ACTION required bind:value=form.what/>
            </label>
            <fieldset class="owners">
                <legend>{i18n.t(T::ActionWho)}</legend>
                {move || people().into_iter().map(|(id, name)| {
                    let checked = move || form.owners.with(|o| o.contains(&id));
                    let toggle = move |_| form.owners.update(|o| if let Some(i) = o.iter().position(|x| *x == id) { o.remove(i); } else { o.push(id); });
                    view! {
                        <label class="check"><input type="checkbox" data-testid=format!("action-owner-{}", id.0) prop:checked=checked on:change=toggle/> {name}</label>
                    }
                }).collect_view()}
            </fieldset>
            <label>{i18n.t(T::ActionOther)}<input data-testid="action-other" maxlength=limits::NAME bind:value=form.other/></label>
            <div class="row">
                <label>{i18n.t(T::ActionDue)}<input type="date" data-testid="action-due" bind:value=form.due/></label>
                <label>{i18n.t(T::ActionAnswers)}<NeedSelect value=form.answers with_insights=true testid="action-answers"/></label>
            </div>
            <div class="row">
                <button type="submit" class="primary" data-testid="action-submit">
                    {move || match (editing.get(), live.is_facilitator()) {
                        (Some(_), _) => i18n.tr(T::Save),
                        (None, true) => i18n.tr(T::AddAction),
                        (None, false) => i18n.tr(T::MyContribution),
                    }}
                </button>
                {move || editing.get().map(|_| view! {
                    <button type="button" class="secondary" on:click=move |_| { editing.set(None); form.clear(); }>{i18n.t(T::Cancel)}</button>
                })}
            </div>
        </form>
    }
}

#[component]
fn ActionItem(
    action: Action,
    form: ActionFields,
    editing: RwSignal<Option<ActionId>>,
) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let id = action.id;
    let may_change = move || {
        live.is_facilitator() || (action.author.is_some() && live.you.get() == action.author)
    };
    let who = {
        let owners = action.owners.clone();
        let other = action.other_owner.clone();
        move || {
            live.state.with(|s| {
                let mut names: Vec<String> = owners
                    .iter()
                    .filter_map(|o| s.as_ref().and_then(|s| s.name_of(*o)).map(str::to_owned))
                    .collect();
                if !other.is_empty() {
                    names.push(other.clone());
                }
                names.join(", ")
            })
        }
    };
    let answers = move || {
        action.answers.and_then(|n| {
            live.state
                .with(|s| s.as_ref().map(|s| label(n, s, i18n.lang())))
        })
    };
    let edit = {
        let action = action.clone();
        move |_| {
            form.fill(&action);
            editing.set(Some(id));
        }
    };
    let remove = move |_| {
        let _ = live.command(Command::RemoveAction { id });
    };
    let due = action.due.clone();
    view! {
        <li class="action" data-testid=format!("action-{}", id.0)>
            <p class="action-what" data-testid=format!("action-what-{}", id.0)>{action.what.clone()}</p>
            <p class="action-meta">
                <span class="who" data-testid=format!("action-who-{}", id.0)><bdi>{who}</bdi></span>
                " · "
                <span class="due" data-testid=format!("action-due-{}", id.0)>{move || due.as_deref().map(|d| long_date(d, i18n.lang())).unwrap_or_else(|| i18n.tr(T::NoDate).to_owned())}</span>
                {move || answers().map(|a| view! { " · " <span class="tag" lang=action.answers.and_then(crate::i18n::need_lang)>{a}</span> })}
            </p>
            {move || may_change().then(|| view! {
                <div class="row card-tools">
                    <button class="link-button small" data-testid=format!("action-edit-{}", id.0) on:click=edit.clone()>{i18n.t(T::Edit)}</button>
                    <button class="link-button small danger" data-testid=format!("action-remove-{}", id.0) on:click=remove>{i18n.t(T::Remove)}</button>
                </div>
            })}
        </li>
    }
}

#[component]
fn ReflectionForm() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let text = RwSignal::new(
        live.you
            .get_untracked()
            .and_then(|me| {
                live.state
                    .with_untracked(|s| s.as_ref().and_then(|s| s.reflections.get(&me).cloned()))
            })
            .unwrap_or_default(),
    );
    let saved = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(
            live.command(Command::SetReflection { text: text.get() })
                .is_ok(),
        );
    };
    view! {
        <form class="stack card reflection-form" on:submit=submit data-testid="reflection-form">
            <label>{i18n.t(T::ReflectionPrompt)}
                <textarea rows="3" maxlength=limits::REFLECTION data-testid="reflection-text" bind:value=text on:input=move |_| saved.set(false)></textarea>
            </label>
            <button type="submit" class="primary" data-testid="reflection-save">
                {move || if saved.get() { i18n.tr(T::Saved) } else { i18n.tr(T::SaveReflection) }}
            </button>
        </form>
    }
}

#[component]
pub fn ReflectionList() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let items = Memo::new(move |_| {
        live.state.with(|s| {
            let Some(s) = s else { return Vec::new() };
            s.reflections
                .iter()
                .map(|(id, text)| {
                    (
                        id.0,
                        s.name_of(*id).map(str::to_owned).unwrap_or_default(),
                        text.clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="reflections card" data-testid="reflections">
            <h2>{i18n.t(T::Reflections)}</h2>
            <ul>
                {move || items.get().into_iter().map(|(id, name, text)| view! {
                    <li data-testid=format!("reflection-{id}")><strong><bdi>{name}</bdi></strong> ": " {text}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}
