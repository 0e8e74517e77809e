//! The radial board by keyboard: one button per pillar for one's own dot.

use super::pillars::{drop_pillar, from_unit, point, radius_of, strength_at, to_unit};
use super::{DragSender, Grab, Via};
use crate::i18n::{T, use_i18n};
use crate::live::use_live;
use koersbord_shared::room::Command;
use koersbord_shared::{DotRef, Pillar, Strength};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

/// The keyboard path for the radial board: one button per pillar for our own dot. Enter picks it
/// up, arrows move it towards the core (stronger) or the rim (weaker), Enter puts it down.
#[component]
pub fn OwnPillarKeys(grab: RwSignal<Option<Grab>>, sender: DragSender) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let mine = move |pillar: Pillar| {
        // A drop still waiting for the server shows where it landed, as on the board.
        if let Some(Command::PlacePillar { strength, .. }) =
            live.latest_pending(DotRef::Pillar(pillar))
        {
            return Some(strength);
        }
        let me = live.you.get()?;
        live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.participants.get(&me))
                .map(|p| p.pillars.get(&pillar).copied())
        })
    };
    move || {
        live.you.get().map(|_| {
            view! {
                <div class="pillar-keys" role="group" aria-label=i18n.t(T::PillarHint)>
                    {Pillar::ALL.into_iter().map(|pillar| {
                        let dot = DotRef::Pillar(pillar);
                        let carried = move || grab.get().filter(|g| g.dot == dot && g.via == Via::Keyboard);
                        let carried_strength = move || carried().and_then(|g| {
                            let (x, y) = from_unit(g.x, g.y);
                            strength_at(pillar, x, y).flatten()
                        });
                        let carry = move |s: Strength| {
                            let (x, y) = point(pillar, radius_of(s), 0);
                            let (ux, uy) = to_unit(x, y);
                            let g = Grab { dot, x: ux, y: uy, via: Via::Keyboard };
                            grab.set(Some(g));
                            sender.moved(g);
                        };
                        let on_key = move |ev: KeyboardEvent| {
                            let step: i16 = match ev.key().as_str() {
                                "ArrowUp" | "ArrowRight" => 5,
                                "ArrowDown" | "ArrowLeft" => -5,
                                _ => 0,
                            };
                            match (ev.key().as_str(), carried_strength()) {
                                ("Enter" | " ", None) => carry(mine(pillar).flatten().unwrap_or(Strength::new(50).expect("50 is a strength"))),
                                (_, Some(s)) if step != 0 => {
                                    let next = (i16::from(s.value()) + step).clamp(0, 100) as u8;
                                    carry(Strength::new(next).expect("clamped"));
                                }
                                ("Enter" | " ", Some(s)) => drop_pillar(live, grab, sender, pillar, Some(Some(s))),
                                ("Escape", Some(_)) => drop_pillar(live, grab, sender, pillar, None),
                                _ => return,
                            }
                            ev.prevent_default();
                        };
                        // Blurred while being removed too, after `grab` is gone: see drives.rs.
                        let on_blur = move |_| {
                            let held = grab.try_get_untracked().flatten();
                            if held.is_some_and(|g| g.dot == dot && g.via == Via::Keyboard) {
                                drop_pillar(live, grab, sender, pillar, None);
                            }
                        };
                        let value = move || carried_strength().or_else(|| mine(pillar).flatten()).map(|s| s.value().to_string()).unwrap_or_else(|| "–".into());
                        let unconfirmed = move || live.unconfirmed(dot);
                        let waiting = move || if unconfirmed() { format!(" ({})", i18n.tr(T::Unconfirmed)) } else { String::new() };
                        view! {
                            <button class="pillar-key" class:carried=move || carried().is_some() class:unconfirmed=unconfirmed
                                data-testid=format!("pillar-key-{}", pillar.index())
                                on:keydown=on_key on:blur=on_blur
                                aria-label=move || format!("{}: {}{}", pillar.dutch(), value(), waiting())>
                                <span>{pillar.dutch()}</span>
                                <span class="value">{value}</span>
                            </button>
                        }
                    }).collect_view()}
                </div>
            }
        })
    }
}
