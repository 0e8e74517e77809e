//! The radial board's other way in: one slider per pillar for one's own dot, from weak (left) to
//! strong (right). A native range input, so a tap, a thumb's drag, a mouse, a pen and the keys
//! (arrows, Home, End, Page Up/Down) all work, and a screen reader hears a slider with words. While
//! it moves, the dot moves on the board and on every other screen (drag presence); where it comes
//! to rest is the placement.

use super::pillars::{drop_pillar, point, radius_of, to_unit};
use super::{DragSender, Grab, Via};
use crate::i18n::{T, use_i18n};
use crate::live::use_live;
use koersbord_shared::room::Command;
use koersbord_shared::{DotRef, Pillar, Strength};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Where an unplaced dot's slider starts: the middle, so the keys move it either way.
const START: u8 = 50;

/// The words beside a value: what 100 and 0 mean, not just the number.
pub(super) fn value_text(strength: Option<Strength>, lang: crate::i18n::Lang) -> String {
    match strength {
        None => T::NotPlaced.get(lang).to_owned(),
        Some(s) => {
            let word = match s.value() {
                67..=100 => T::StrongWord,
                34..=66 => T::MiddleWord,
                _ => T::WeakWord,
            };
            format!(
                "{}, {} {}",
                word.get(lang),
                s.value(),
                T::OutOf100.get(lang)
            )
        }
    }
}

#[component]
pub fn OwnPillarKeys(grab: RwSignal<Option<Grab>>, sender: DragSender) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let mine = move |pillar: Pillar| {
        // A drop still waiting for the server shows where it landed, as on the board.
        if let Some(Command::PlacePillar { strength, .. }) =
            live.latest_pending(DotRef::Pillar(pillar))
        {
            return strength;
        }
        let me = live.you.get()?;
        live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.participants.get(&me))
                .and_then(|p| p.pillars.get(&pillar).copied())
        })
    };
    move || {
        live.you.get().map(|_| {
            view! {
                <div class="pillar-keys" role="group" aria-label=i18n.t(T::PillarHint)>
                    <p class="pillar-scale">{i18n.t(T::SliderScale)}</p>
                    {Pillar::ALL.into_iter().map(|pillar| {
                        let dot = DotRef::Pillar(pillar);
                        let moving = move || grab.get().filter(|g| g.dot == dot && g.via == Via::Keyboard);
                        let carried = RwSignal::new(None::<Strength>);
                        let shown = move || carried.get().or_else(|| mine(pillar));
                        let read = |ev: &leptos::ev::Event| {
                            ev.target()
                                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                                .and_then(|input| input.value().parse::<u8>().ok())
                                .and_then(Strength::new)
                        };
                        // Moving: the dot follows on the board here and on every other screen.
                        let on_input = move |ev: leptos::ev::Event| {
                            let Some(s) = read(&ev) else { return };
                            carried.set(Some(s));
                            let (x, y) = point(pillar, radius_of(s), 0);
                            let (ux, uy) = to_unit(x, y);
                            let g = Grab { dot, x: ux, y: uy, via: Via::Keyboard };
                            grab.set(Some(g));
                            sender.moved(g);
                        };
                        // At rest (a tap, the end of a drag, a key): the placement.
                        let on_change = move |ev: leptos::ev::Event| {
                            let target = read(&ev);
                            carried.set(None);
                            drop_pillar(live, grab, sender, pillar, Some(target));
                        };
                        // A tap on an unplaced dot's thumb moves nothing (no `change`) but means
                        // "here". A pointer's release, since a finger's tap on a range gives no click.
                        let on_release = move |_| {
                            if mine(pillar).is_none() && carried.get_untracked().is_none() {
                                drop_pillar(live, grab, sender, pillar, Some(Strength::new(START)));
                            }
                        };
                        let unconfirmed = move || live.unconfirmed(dot);
                        let text = move || {
                            let mut t = value_text(shown(), i18n.lang());
                            if unconfirmed() {
                                t.push_str(&format!(" ({})", i18n.tr(T::Unconfirmed)));
                            }
                            t
                        };
                        let id = format!("pillar-slider-{}", pillar.index());
                        view! {
                            <div class="pillar-key" class:unplaced=move || shown().is_none() class:carried=move || moving().is_some()
                                class:unconfirmed=unconfirmed>
                                <label for=id.clone()>
                                    <span class="pillar-key-name"><span class="pillar-no" aria-hidden="true">{pillar.index() + 1}</span><span lang="nl">{pillar.dutch()}</span></span>
                                    <span class="value" data-testid=format!("pillar-value-{}", pillar.index())>
                                        {move || shown().map(|s| s.value().to_string()).unwrap_or_else(|| "–".into())}
                                    </span>
                                </label>
                                <input type="range" id=id min="0" max="100" step="5"
                                    data-testid=format!("pillar-key-{}", pillar.index())
                                    prop:value=move || shown().map_or(START, |s| s.value()).to_string()
                                    aria-valuetext=text
                                    on:input=on_input on:change=on_change on:pointerup=on_release/>
                            </div>
                        }
                    }).collect_view()}
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_value_says_what_it_means() {
        let s = |v| Strength::new(v);
        assert_eq!(value_text(s(80), Lang::Nl), "sterk ontwikkeld, 80 van 100");
        assert_eq!(value_text(s(50), Lang::Nl), "deels ontwikkeld, 50 van 100");
        assert_eq!(
            value_text(s(10), Lang::En),
            "weakly developed, 10 out of 100"
        );
        assert_eq!(value_text(None, Lang::Nl), "nog niet geplaatst");
    }
}
