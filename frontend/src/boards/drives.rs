//! The Drijfveren board: one row per drive, a tray and three zones across. Every dot is drawn at an
//! absolute place in its row, so a dot glides from zone to zone, follows a live drag on every screen,
//! and keeps keyboard focus while it moves.

use super::dot::{dot_class, initial};
use super::{DragSender, Grab, Via, fraction_in};
use crate::i18n::{T, drive_about, use_i18n, zone_name};
use crate::live::{Live, use_live};
use koersbord_shared::room::Command;
use koersbord_shared::{DotRef, Drive, ParticipantId, Side, Zone};
use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Where a dot of a drive can be: in the tray (`None`) or in a zone.
pub type Slot = Option<Zone>;

const SLOTS: [Slot; 4] = [
    None,
    Some(Zone::Necessary),
    Some(Zone::Important),
    Some(Zone::Neutral),
];

fn slot_index(slot: Slot) -> usize {
    slot.map_or(0, |z| z.index() + 1)
}

/// The slot under a point at `x` across the row's track; `None` when the point is off the track.
pub fn slot_at(x: f32, y: f32) -> Option<Slot> {
    let on_track = (0.0..1.0).contains(&x) && (-0.25..1.25).contains(&y);
    on_track.then(|| SLOTS[((x * 4.0) as usize).min(3)])
}

/// Where participant number `k` (0..8, in joining order) sits inside a slot: two rows of four, so
/// eight dots in one zone never cover each other.
pub fn slot_position(slot: Slot, k: usize) -> (f32, f32) {
    let cell = slot_index(slot) as f32;
    let (col, row) = ((k % 4) as f32, (k / 4 % 2) as f32);
    // Columns at 20–80% of the cell, so even a dot at the end stays clearly inside its zone.
    ((cell + 0.2 + col * 0.2) / 4.0, 0.3 + 0.4 * row)
}

/// The centre of a slot, where one's own dot rests in the tray or is carried by keyboard.
fn slot_centre(slot: Slot) -> (f32, f32) {
    ((slot_index(slot) as f32 + 0.5) / 4.0, 0.5)
}

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
    view! {
        <section class="board drives-board" class:locked=locked class:viewing=move || !placing() data-testid="drives-board">
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
            {Drive::ALL.into_iter().map(|drive| view! { <DriveRow drive grab sender/> }).collect_view()}
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
fn DriveRow(drive: Drive, grab: RwSignal<Option<Grab>>, sender: DragSender) -> impl IntoView {
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
                <span class="drive-name">{drive.dutch()}</span>
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
                    view! {
                        <div class=format!("cell slot-{}", slot_index(slot)) data-testid=format!("cell-{}-{}", drive.index(), slot_index(slot))
                            data-slot=slot.map(|z| format!("{z:?}").to_lowercase()).unwrap_or_else(|| "tray".into())
                            on:click=put></div>
                    }
                }).collect_view()}
                <For each=move || ids.get() key=|id| *id let:id>
                    {
                        let d = Memo::new(move |_| dots.with(|v| v.iter().find(|x| x.id == id).cloned()));
                        if live.you.get_untracked() == Some(id) {
                            view! { <OwnDot drive d grab sender track/> }.into_any()
                        } else {
                            view! { <OtherDot dot d/> }.into_any()
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

fn place(x: f32, y: f32) -> (String, String) {
    (format!("{:.2}%", x * 100.0), format!("{:.2}%", y * 100.0))
}

/// Someone else's dot: at rest in its zone, or following their live drag.
#[component]
fn OtherDot(dot: DotRef, d: Memo<Option<RowDot>>) -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let id = move || d.with(|d| d.as_ref().map(|d| d.id));
    let rest = move || {
        d.with(|d| {
            d.as_ref()
                .and_then(|d| d.slot.map(|s| slot_position(s, d.k)))
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
    view! {
        <span class=dot_class(side) class:dragging=move || dragged().is_some() class:absent=move || pos().is_none()
            style:left=move || pos().map(|(x, y)| place(x, y).0) style:top=move || pos().map(|(x, y)| place(x, y).1)
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
            None => slot_centre(None),
            placed => slot_position(placed, k()),
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
        let (x, y) = fraction_in(&r, ev.client_x(), ev.client_y());
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
        let (x, y) = fraction_in(&r, ev.client_x(), ev.client_y());
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
                let (x, y) = slot_centre(slot());
                grab.set(Some(Grab {
                    dot,
                    x,
                    y,
                    via: Via::Keyboard,
                }));
            }
            ("ArrowRight" | "ArrowLeft", Some(g)) => {
                let i =
                    slot_index(target_of(g)) as i32 + if ev.key() == "ArrowRight" { 1 } else { -1 };
                let (x, y) = slot_centre(SLOTS[i.clamp(0, 3) as usize]);
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
            style:left=move || place(pos().0, pos().1).0 style:top=move || place(pos().0, pos().1).1
            aria-label=label title=label
            data-testid=format!("own-dot-{}", dot_key(dot)) data-slot=move || slot_index(slot())
            on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_cancel
            on:keydown=on_key on:blur=on_blur>
            {move || d.with(|d| d.as_ref().map(|d| initial(&d.name)))}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_track_splits_into_tray_and_three_zones() {
        assert_eq!(slot_at(0.1, 0.5), Some(None));
        assert_eq!(slot_at(0.3, 0.5), Some(Some(Zone::Necessary)));
        assert_eq!(slot_at(0.6, 0.5), Some(Some(Zone::Important)));
        assert_eq!(slot_at(0.99, 0.5), Some(Some(Zone::Neutral)));
        assert_eq!(slot_at(1.01, 0.5), None);
        assert_eq!(slot_at(0.5, 3.0), None);
    }

    #[test]
    fn dots_keep_clear_of_the_zone_edges() {
        for slot in SLOTS {
            for k in 0..8 {
                let (x, _) = slot_position(slot, k);
                let within = x * 4.0 - slot_index(slot) as f32;
                assert!(
                    (0.19..=0.81).contains(&within),
                    "slot {slot:?} k {k}: {within}"
                );
            }
        }
    }

    #[test]
    fn each_slot_position_lies_inside_its_own_zone() {
        for slot in SLOTS {
            for k in 0..8 {
                let (x, y) = slot_position(slot, k);
                assert_eq!(slot_at(x, y), Some(slot), "slot {slot:?} k {k}");
            }
        }
    }
}
