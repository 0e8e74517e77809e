//! The Drijfveren board: one row per drive, a tray and three zones across. Every dot is drawn at an
//! absolute place in its row, so a dot glides from zone to zone, follows a live drag on every screen,
//! and keeps keyboard focus while it moves.

use super::dot::{dot_class, initial};
use super::drive_layout::{
    Layout, SLOTS, Slot, from_screen, slot_at, slot_centre, slot_index, slot_position, to_screen,
};
use super::{DragSender, Grab, Via, fraction_in};
use crate::i18n::{T, drive_about, use_i18n, zone_name};
use crate::live::{Live, use_live};
use crate::media::use_narrow;
use koersbord_shared::room::Command;
use koersbord_shared::{DotRef, Drive, ParticipantId, Side};
use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn DrivesBoard() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let grab = RwSignal::new(None::<Grab>);
    let sender = DragSender::new(live);
    let locked = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().is_some_and(|s| s.drives_board.locked))
    });
    let hidden = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().is_some_and(|s| !s.drives_board.revealed))
    });
    let placing = move || live.you.get().is_some();
    let narrow = use_narrow();
    let layout = Signal::derive(move || {
        if narrow.get() {
            Layout::Stacked
        } else {
            Layout::Across
        }
    });
    view! {
        <section class="board drives-board" class:locked=locked class:viewing=move || !placing()
            class:stacked=move || layout.get() == Layout::Stacked data-testid="drives-board">
            <p class="hint">{move || if locked.get() { i18n.tr(T::Locked) } else if placing() { i18n.tr(T::DragHint) } else { i18n.tr(T::WatchOnly) }}
                // Arrow keys mean nothing on a phone: said only where there is a fine pointer.
                {move || (placing() && !locked.get()).then(|| view! { " " <span class="keys-hint">{i18n.t(T::KeysHint)}</span> })}
            </p>
            {move || hidden.get().then(|| view! { <p class="hint hidden-note" data-testid="hidden-note">{i18n.t(T::Hidden)}</p> })}
            <div class="zone-heads" aria-hidden="true">
                <span></span>
                {SLOTS.into_iter().map(|slot| view! {
                    <span class=format!("zone-head slot-{}", slot_index(slot))>
                        {move || slot.map(|z| zone_name(z, i18n.lang())).unwrap_or_else(|| if placing() { i18n.tr(T::Tray) } else { "" })}
                    </span>
                }).collect_view()}
            </div>
            {Drive::ALL.into_iter().map(|drive| view! { <DriveRow drive grab sender layout/> }).collect_view()}
        </section>
    }
}

/// One dot to draw in a row: whose, which side, and which slot it rests in (if placed).
#[derive(Clone, Debug, PartialEq)]
struct RowDot {
    id: ParticipantId,
    k: usize,
    side: Side,
    name: String,
    slot: Option<Slot>,
}

#[component]
fn DriveRow(
    drive: Drive,
    grab: RwSignal<Option<Grab>>,
    sender: DragSender,
    layout: Signal<Layout>,
) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let track = NodeRef::<leptos::html::Div>::new();
    let dot = DotRef::Drive(drive);
    let dots = Memo::new(move |_| {
        let pending = own_pending(&live, drive);
        let me = live.you.get();
        live.state.with(|s| {
            let Some(s) = s else { return Vec::new() };
            s.participants
                .values()
                .enumerate()
                .map(|(k, p)| {
                    let slot = if Some(p.id) == me {
                        // Our own dot always has a place: the tray until placed, and a drop shows
                        // where it landed before the server confirms.
                        Some(pending.unwrap_or_else(|| p.drives.get(&drive).copied()))
                    } else {
                        p.drives.get(&drive).map(|z| Some(*z))
                    };
                    RowDot {
                        id: p.id,
                        k,
                        side: p.side,
                        name: p.name.clone(),
                        slot,
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    let ids = Memo::new(move |_| dots.with(|v| v.iter().map(|d| d.id).collect::<Vec<_>>()));

    view! {
        <div class="drive-row" data-testid=format!("drive-{}", drive.index()) data-drive=drive.index()>
            <div class="drive-label">
                <span class="drive-name" lang="nl">{drive.dutch()}</span>
                <span class="drive-about">{move || drive_about(drive, i18n.lang())}</span>
            </div>
            <div class="track" node_ref=track>
                {SLOTS.into_iter().map(|slot| {
                    // No one has to drag: a click or a tap on a zone puts one's own dot there (a
                    // drag's release goes to the dot it captured, not here).
                    let put = move |_| {
                        if live.you.get_untracked().is_some() {
                            let _ = live.command(Command::PlaceDrive { drive, zone: slot });
                        }
                    };
                    // Stacked on a phone, each band carries its zone's full name.
                    let name = move || slot.map(|z| zone_name(z, i18n.lang())).unwrap_or_else(|| {
                        if live.you.get().is_some() { i18n.tr(T::Tray) } else { "" }
                    });
                    view! {
                        <div class=format!("cell slot-{}", slot_index(slot)) data-testid=format!("cell-{}-{}", drive.index(), slot_index(slot))
                            data-slot=slot.map(|z| format!("{z:?}").to_lowercase()).unwrap_or_else(|| "tray".into())
                            on:click=put>
                            <span class="cell-name" aria-hidden="true">{name}</span>
                        </div>
                    }
                }).collect_view()}
                <For each=move || ids.get() key=|id| *id let:id>
                    {
                        let d = Memo::new(move |_| dots.with(|v| v.iter().find(|x| x.id == id).cloned()));
                        if live.you.get_untracked() == Some(id) {
                            view! { <OwnDot drive d grab sender track layout/> }.into_any()
                        } else {
                            view! { <OtherDot dot d layout/> }.into_any()
                        }
                    }
                </For>
            </div>
        </div>
    }
}

/// The zone of our latest unanswered drop on `drive`, if any.
fn own_pending(live: &Live, drive: Drive) -> Option<Slot> {
    live.pending.with(|p| {
        p.iter()
            .filter_map(|(id, c)| match c {
                Command::PlaceDrive { drive: d, zone } if *d == drive => Some((*id, *zone)),
                _ => None,
            })
            .max_by_key(|(id, _)| *id)
            .map(|(_, zone)| zone)
    })
}

/// CSS `left` and `top` for a point of the shared frame, drawn in `layout`.
fn place(layout: Layout, at: (f32, f32)) -> (String, String) {
    let (x, y) = to_screen(layout, at);
    (format!("{:.2}%", x * 100.0), format!("{:.2}%", y * 100.0))
}

/// Someone else's dot: at rest in its zone, or following their live drag.
#[component]
fn OtherDot(dot: DotRef, d: Memo<Option<RowDot>>, layout: Signal<Layout>) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let id = move || d.with(|d| d.as_ref().map(|d| d.id));
    let rest = move || {
        d.with(|d| {
            d.as_ref()
                .and_then(|d| d.slot.map(|s| slot_position(layout.get(), s, d.k)))
        })
    };
    let dragged = move || id().and_then(|id| live.drags.with(|m| m.get(&(id, dot)).copied()));
    let pos = move || dragged().or_else(rest);
    let slot = move || d.with(|d| d.as_ref().and_then(|d| d.slot));
    let title = move || {
        d.with(|d| {
            d.as_ref().map(|d| {
                let zone = d
                    .slot
                    .flatten()
                    .map(|z| zone_name(z, i18n.lang()))
                    .unwrap_or("");
                format!("{} · {}", d.name, zone)
            })
        })
    };
    let side = d
        .with_untracked(|d| d.as_ref().map(|d| d.side))
        .unwrap_or(Side::Network);
    let testid = format!("dot-{}-{}", id().map(|i| i.0).unwrap_or(0), dot_key(dot));
    // Escape hides the name shown on focus until focus leaves (1.4.13).
    let quiet = RwSignal::new(false);
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            quiet.set(true);
        }
    };
    view! {
        <span class=dot_class(side) class:dragging=move || dragged().is_some() class:absent=move || pos().is_none()
            class:quiet=move || quiet.get() on:keydown=on_key on:blur=move |_| quiet.set(false)
            style:left=move || pos().map(|p| place(layout.get(), p).0) style:top=move || pos().map(|p| place(layout.get(), p).1)
            title=title aria-label=title data-name=title tabindex="0" data-testid=testid
            data-slot=move || slot().map(|s| slot_index(s).to_string()).unwrap_or_default()>
            {move || d.with(|d| d.as_ref().map(|d| initial(&d.name)))}
        </span>
    }
}

pub fn dot_key(dot: DotRef) -> String {
    match dot {
        DotRef::Drive(d) => format!("d{}", d.index()),
        DotRef::Pillar(p) => format!("p{}", p.index()),
    }
}

/// Our own dot: dragged by pointer (mouse, touch, pen) or carried by keyboard.
#[component]
fn OwnDot(
    drive: Drive,
    d: Memo<Option<RowDot>>,
    grab: RwSignal<Option<Grab>>,
    sender: DragSender,
    track: NodeRef<leptos::html::Div>,
    layout: Signal<Layout>,
) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let dot = DotRef::Drive(drive);
    let slot = move || d.with(|d| d.as_ref().and_then(|d| d.slot).flatten());
    let mine = move || grab.get().filter(|g| g.dot == dot);
    let k = move || d.with(|d| d.as_ref().map_or(0, |d| d.k));
    // At rest our dot takes our own place in its zone, like everyone's, so it covers no one; in the
    // tray, where it is alone, it sits in the middle.
    let pos = move || {
        mine().map(|g| (g.x, g.y)).unwrap_or_else(|| match slot() {
            None => slot_centre(layout.get(), None),
            placed => slot_position(layout.get(), placed, k()),
        })
    };

    let rect = move || track.get_untracked().map(|t| t.get_bounding_client_rect());
    let drop_at = move |target: Option<Slot>| {
        grab.set(None);
        sender.ended(dot);
        if let Some(target) = target.filter(|t| *t != slot()) {
            let _ = live.command(Command::PlaceDrive {
                drive,
                zone: target,
            });
        }
    };

    let on_down = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        let (x, y) = pos();
        grab.set(Some(Grab {
            dot,
            x,
            y,
            via: Via::Pointer,
        }));
    };
    let on_move = move |ev: PointerEvent| {
        let (Some(g), Some(r)) = (mine().filter(|g| g.via == Via::Pointer), rect()) else {
            return;
        };
        let (x, y) = from_screen(
            layout.get_untracked(),
            fraction_in(&r, ev.client_x(), ev.client_y()),
        );
        let g = Grab {
            x: x.clamp(-0.05, 1.05),
            y: y.clamp(-1.0, 2.0),
            ..g
        };
        grab.set(Some(g));
        sender.moved(g);
    };
    let on_up = move |ev: PointerEvent| {
        let (Some(_), Some(r)) = (mine().filter(|g| g.via == Via::Pointer), rect()) else {
            return;
        };
        let (x, y) = from_screen(
            layout.get_untracked(),
            fraction_in(&r, ev.client_x(), ev.client_y()),
        );
        drop_at(slot_at(x, y));
    };
    let on_cancel = move |_: PointerEvent| {
        if mine().is_some() {
            drop_at(None);
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        let carried = mine().filter(|g| g.via == Via::Keyboard);
        let target_of = |g: Grab| slot_at(g.x, g.y).unwrap_or_else(slot);
        match (ev.key().as_str(), carried) {
            ("Enter" | " ", None) => {
                let (x, y) = slot_centre(layout.get_untracked(), slot());
                grab.set(Some(Grab {
                    dot,
                    x,
                    y,
                    via: Via::Keyboard,
                }));
            }
            // Across the row on a laptop, down the bands on a phone: both pairs of arrows work.
            ("ArrowRight" | "ArrowLeft" | "ArrowDown" | "ArrowUp", Some(g)) => {
                let step = if matches!(ev.key().as_str(), "ArrowRight" | "ArrowDown") {
                    1
                } else {
                    -1
                };
                let i = slot_index(target_of(g)) as i32 + step;
                let (x, y) = slot_centre(layout.get_untracked(), SLOTS[i.clamp(0, 3) as usize]);
                let g = Grab { x, y, ..g };
                grab.set(Some(g));
                sender.moved(g);
            }
            ("Enter" | " ", Some(g)) => drop_at(Some(target_of(g))),
            ("Escape", Some(_)) => drop_at(None),
            _ => return,
        }
        ev.prevent_default();
    };
    // Chromium also blurs a focused button while it is being removed, after the board's signals
    // are gone: hence `try_`, which reads nothing then.
    let on_blur = move |_| {
        let carried = grab.try_get_untracked().flatten();
        if carried.is_some_and(|g| g.dot == dot && g.via == Via::Keyboard) {
            drop_at(None);
        }
    };
    // Until the server confirms a drop the dot is striped and ringed with dashes, and says so in
    // words: not by colour alone.
    let unconfirmed = move || live.unconfirmed(dot);
    let label = move || {
        let lang = i18n.lang();
        let place = slot()
            .map(|z| zone_name(z, lang))
            .unwrap_or_else(|| T::Tray.get(lang));
        let waiting = if unconfirmed() {
            format!(" ({})", T::Unconfirmed.get(lang))
        } else {
            String::new()
        };
        format!(
            "{}: {place}{waiting}. {} {}",
            drive.dutch(),
            T::DragHint.get(lang),
            T::KeysHint.get(lang)
        )
    };
    let side = d
        .with_untracked(|d| d.as_ref().map(|d| d.side))
        .unwrap_or(Side::Network);
    view! {
        <button class=format!("{} own", dot_class(side)) class:grabbed=move || mine().is_some()
            class:in-tray=move || slot().is_none() class:unconfirmed=unconfirmed
            data-confirmed=move || (!unconfirmed()).to_string()
            style:left=move || place(layout.get(), pos()).0 style:top=move || place(layout.get(), pos()).1
            aria-label=label title=label
            data-testid=format!("own-dot-{}", dot_key(dot)) data-slot=move || slot_index(slot())
            on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_cancel
            on:keydown=on_key on:blur=on_blur>
            {move || d.with(|d| d.as_ref().map(|d| initial(&d.name)))}
        </button>
    }
}
