//! The dots on the Drijfveren board: someone else's (drawn, not a control: the cells say who is
//! where) and one's own (a control: dragged, carried by keys, or tapped for the "zet in" choice).

use super::dot::dot_class;
use super::drive_layout::{
    Layout, SLOTS, Slot, from_screen, slot_at, slot_centre, slot_index, slot_position, to_screen,
};
use super::drives::RowDot;
use super::{DragSender, Grab, Via, fraction_in};
use crate::i18n::{T, use_i18n, zone_name};
use crate::live::use_live;
use koersbord_shared::room::Command;
use koersbord_shared::{DotRef, Drive, Side};
use leptos::ev::{KeyboardEvent, MouseEvent, PointerEvent};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// CSS `left` and `top` for a point of the shared frame, drawn in `layout`.
fn place(layout: Layout, at: (f32, f32)) -> (String, String) {
    let (x, y) = to_screen(layout, at);
    (format!("{:.2}%", x * 100.0), format!("{:.2}%", y * 100.0))
}

/// Someone else's dot: at rest in its zone, or following their live drag.
#[component]
pub(super) fn OtherDot(
    dot: DotRef,
    d: Memo<Option<RowDot>>,
    layout: Signal<Layout>,
) -> impl IntoView {
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
    // Not a control and not a tab stop: the cell it lies in says whose it is (and the list view).
    // The mouse's tooltip stays.
    view! {
        <span class=dot_class(side) class:dragging=move || dragged().is_some() class:absent=move || pos().is_none()
            style:left=move || pos().map(|p| place(layout.get(), p).0) style:top=move || pos().map(|p| place(layout.get(), p).1)
            title=title aria-hidden="true" data-testid=testid
            data-slot=move || slot().map(|s| slot_index(s).to_string()).unwrap_or_default()>
            {move || id().map(|id| live.initial_of(id))}
        </span>
    }
}

pub fn dot_key(dot: DotRef) -> String {
    match dot {
        DotRef::Drive(d) => format!("d{}", d.index()),
        DotRef::Pillar(p) => format!("p{}", p.index()),
    }
}

/// How far (in CSS pixels) a press may wander and still count as a tap.
const TAP_SLOP: i32 = 8;

/// Our own dot: dragged by pointer (mouse, touch, pen), carried by keyboard, or tapped (clicked,
/// or activated by switch access) to open its "zet in" choice.
#[component]
pub(super) fn OwnDot(
    drive: Drive,
    d: Memo<Option<RowDot>>,
    grab: RwSignal<Option<Grab>>,
    sender: DragSender,
    track: NodeRef<leptos::html::Div>,
    layout: Signal<Layout>,
    menu: RwSignal<Option<Drive>>,
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

    // Where a press began, and whether it travelled: a press that stayed put is a tap.
    let press = StoredValue::new(None::<(i32, i32)>);
    let travelled = StoredValue::new(false);
    let on_down = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        press.set_value(Some((ev.client_x(), ev.client_y())));
        travelled.set_value(false);
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
        if let Some((x0, y0)) = press.get_value()
            && (ev.client_x() - x0).abs().max((ev.client_y() - y0).abs()) > TAP_SLOP
        {
            travelled.set_value(true);
        }
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
    // A tap (and a switch's "select", which arrives as a click) opens the choice; the click
    // after a drag does not. It must not reach the tray's cell around the dot either.
    let on_click = move |ev: MouseEvent| {
        ev.stop_propagation();
        if !travelled.get_value() {
            menu.update(|m| *m = if *m == Some(drive) { None } else { Some(drive) });
        }
        travelled.set_value(false);
    };
    let on_key = move |ev: KeyboardEvent| {
        let carried = mine().filter(|g| g.via == Via::Keyboard);
        let target_of = |g: Grab| slot_at(g.x, g.y).unwrap_or_else(slot);
        let opens_menu = matches!(ev.key().as_str(), "m" | "M" | "ContextMenu")
            || (ev.key() == "F10" && ev.shift_key());
        if opens_menu && carried.is_none() {
            menu.set(Some(drive));
            ev.prevent_default();
            return;
        }
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
            T::DotTapHint.get(lang),
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
            aria-expanded=move || (menu.get() == Some(drive)).to_string()
            on:click=on_click on:keydown=on_key on:blur=on_blur>
            {move || d.with(|d| d.as_ref().map(|d| d.id)).map(|id| live.initial_of(id))}
        </button>
    }
}

/// The "zet in" choice for one's own dot: a button per place, big enough for a thumb, reachable by
/// Tab and by switch access. Focus starts on where the dot lies now and returns to the dot after.
#[component]
pub(super) fn PutInMenu(drive: Drive, menu: RwSignal<Option<Drive>>) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let dot = DotRef::Drive(drive);
    let current = move || match live.latest_pending(dot) {
        Some(Command::PlaceDrive { zone, .. }) => zone,
        _ => live.you.get().and_then(|me| {
            live.state.with(|s| {
                s.as_ref()
                    .and_then(|s| s.participants.get(&me))
                    .and_then(|p| p.drives.get(&drive).copied())
            })
        }),
    };
    let back_to_dot = move || {
        menu.set(None);
        let selector = format!("[data-testid=own-dot-{}]", dot_key(dot));
        if let Some(el) = document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    };
    let strip = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let here = strip
            .get()
            .and_then(|div| div.query_selector("[aria-pressed=true]").ok().flatten());
        if let Some(button) = here.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = button.focus();
        }
    });
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            back_to_dot();
        }
    };
    view! {
        // Clicks stay here: the tray's cell around it would put the dot back.
        <div class="put-in" role="group" aria-labelledby=format!("put-in-title-{}", drive.index())
            data-testid=format!("put-in-{}", drive.index()) node_ref=strip
            on:click=|ev: MouseEvent| ev.stop_propagation() on:pointerdown=|ev: PointerEvent| ev.stop_propagation()
            on:keydown=on_key>
            <span class="put-in-title" id=format!("put-in-title-{}", drive.index())>
                {i18n.t(T::PutIn)} " " <span lang="nl">{drive.dutch()}</span>
            </span>
            {SLOTS.into_iter().map(|slot| {
                // Stopped here, not only on the strip: the strip is gone once a place is chosen,
                // and the delegated click would go on to the tray's cell.
                let choose = move |ev: MouseEvent| {
                    ev.stop_propagation();
                    if slot != current() {
                        let _ = live.command(Command::PlaceDrive { drive, zone: slot });
                    }
                    back_to_dot();
                };
                let name = move || slot.map(|z| zone_name(z, i18n.lang())).unwrap_or_else(|| i18n.tr(T::Tray));
                view! {
                    <button type="button" class=format!("put-in-choice slot-{}", slot_index(slot))
                        aria-pressed=move || (current() == slot).to_string()
                        data-testid=format!("put-in-{}-{}", drive.index(), slot_index(slot))
                        on:click=choose>{name}</button>
                }
            }).collect_view()}
            <button type="button" class="put-in-close secondary" on:click=move |ev: MouseEvent| { ev.stop_propagation(); back_to_dot() }>{i18n.t(T::Dismiss)}</button>
        </div>
    }
}
