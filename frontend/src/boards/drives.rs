//! The Drijfveren board: one row per drive, a tray and three zones across. Every dot is drawn at an
//! absolute place in its row, so a dot glides from zone to zone, follows a live drag on every screen,
//! and keeps keyboard focus while it moves. To a screen reader it is a table: a row per drive, a
//! column per zone, and each cell says whose dots lie in it.

use super::drive_dots::{OtherDot, OwnDot, PutInMenu};
use super::drive_layout::{Layout, SLOTS, Slot, slot_index};
use super::list::{DrivesList, ListSwitch, use_list_view};
use super::{DragSender, Grab};
use crate::i18n::{Lang, T, drive_about, phase_name, side_name, use_i18n, zone_name};
use crate::live::{Live, use_live};
use crate::media::use_narrow;
use koersbord_shared::room::Command;
use koersbord_shared::{Board, DotRef, Drive, ParticipantId, Phase, Side};
use leptos::prelude::*;

#[component]
pub fn DrivesBoard() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let grab = RwSignal::new(None::<Grab>);
    let sender = DragSender::new(live);
    // The drive whose "zet in" choice is open, if any: one at a time on the board.
    let menu = RwSignal::new(None::<Drive>);
    let as_list = use_list_view(Board::Drives);
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
    let table = move || {
        view! {
            // A table, not an ARIA grid: a screen reader's own table keys move between the cells,
            // and the arrows stay free to carry one's own dot (docs/ACCESSIBILITY.md).
            <div class="drive-table" role="table" aria-label=move || phase_name(Phase::Drives, i18n.lang())
                aria-describedby="drives-hint">
                <div class="zone-heads" role="row">
                    <span role="columnheader"><span class="sr-only">{i18n.t(T::DriveColumn)}</span></span>
                    {SLOTS.into_iter().map(|slot| view! {
                        // The tray is a column only for someone who has dots to place.
                        <span class=format!("zone-head slot-{}", slot_index(slot)) role="columnheader"
                            aria-hidden=move || (slot.is_none() && !placing()).then_some("true")>
                            {move || slot.map(|z| zone_name(z, i18n.lang())).unwrap_or_else(|| if placing() { i18n.tr(T::Tray) } else { "" })}
                        </span>
                    }).collect_view()}
                </div>
                {Drive::ALL.into_iter().map(|drive| view! { <DriveRow drive grab sender layout menu/> }).collect_view()}
            </div>
        }
    };
    view! {
        <section class="board drives-board" class:locked=locked class:viewing=move || !placing()
            class:stacked=move || layout.get() == Layout::Stacked data-testid="drives-board">
            <div class="board-top">
                <p class="hint" id="drives-hint">{move || if locked.get() { i18n.tr(T::Locked) } else if placing() { i18n.tr(T::DragHint) } else { i18n.tr(T::WatchOnly) }}
                    // Arrow keys mean nothing on a phone: said only where there is a fine pointer.
                    {move || (placing() && !locked.get()).then(|| view! { " " <span class="keys-hint">{i18n.t(T::KeysHint)}</span> })}
                </p>
                <ListSwitch/>
            </div>
            {move || hidden.get().then(|| view! { <p class="hint hidden-note" data-testid="hidden-note">{i18n.t(T::Hidden)}</p> })}
            {move || if as_list.get() { view! { <DrivesList/> }.into_any() } else { table().into_any() }}
        </section>
    }
}

/// One dot to draw in a row: whose, which side, and which slot it rests in (if placed).
#[derive(Clone, Debug, PartialEq)]
pub struct RowDot {
    pub id: ParticipantId,
    pub k: usize,
    pub side: Side,
    pub name: String,
    pub slot: Option<Slot>,
}

#[component]
fn DriveRow(
    drive: Drive,
    grab: RwSignal<Option<Grab>>,
    sender: DragSender,
    layout: Signal<Layout>,
    menu: RwSignal<Option<Drive>>,
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
    let others = Memo::new(move |_| {
        let me = live.you.get();
        dots.with(|v| {
            v.iter()
                .map(|d| d.id)
                .filter(|id| Some(*id) != me)
                .collect::<Vec<_>>()
        })
    });
    let own = Memo::new(move |_| {
        let me = live.you.get()?;
        dots.with(|v| v.iter().find(|d| d.id == me).cloned())
    });
    // Only whether there is an own dot decides if it is drawn; its moves must not redraw it.
    let has_own = Memo::new(move |_| own.with(Option::is_some));

    view! {
        <div class="drive-row" role="row" data-testid=format!("drive-{}", drive.index()) data-drive=drive.index()>
            <div class="drive-label" role="rowheader">
                <span class="drive-name" lang="nl">{drive.dutch()}</span>
                <span class="drive-about">{move || drive_about(drive, i18n.lang())}</span>
            </div>
            <div class="track" role="none" node_ref=track>
                {SLOTS.into_iter().map(|slot| {
                    // No one has to drag: a click or a tap on a zone puts one's own dot there (a
                    // drag's release goes to the dot it captured, not here).
                    let put = move |_| {
                        if live.you.get_untracked().is_some() {
                            menu.set(None);
                            let _ = live.command(Command::PlaceDrive { drive, zone: slot });
                        }
                    };
                    // Stacked on a phone, each band carries its zone's full name.
                    let name = move || slot.map(|z| zone_name(z, i18n.lang())).unwrap_or_else(|| {
                        if live.you.get().is_some() { i18n.tr(T::Tray) } else { "" }
                    });
                    let summary = move || slot.map(|z| dots.with(|v| cell_summary(v, Some(z), i18n.lang())));
                    view! {
                        <div class=format!("cell slot-{}", slot_index(slot)) role="cell"
                            aria-hidden=move || (slot.is_none() && live.you.get().is_none()).then_some("true")
                            data-testid=format!("cell-{}-{}", drive.index(), slot_index(slot))
                            data-slot=slot.map(|z| format!("{z:?}").to_lowercase()).unwrap_or_else(|| "tray".into())
                            on:click=put>
                            <span class="cell-name" aria-hidden="true">{name}</span>
                            <span class="sr-only" data-testid=format!("cell-says-{}-{}", drive.index(), slot_index(slot))>{summary}</span>
                            // One's own dot lives in the tray's cell wherever it is drawn (its
                            // place is relative to the track), so it is a control inside the table;
                            // its name says where it lies.
                            {slot.is_none().then_some(move || has_own.get().then(|| view! {
                                <OwnDot drive d=own grab sender track layout menu/>
                            }))}
                            {slot.is_none().then_some(move || (menu.get() == Some(drive)).then(|| view! { <PutInMenu drive menu/> }))}
                        </div>
                    }
                }).collect_view()}
                <For each=move || others.get() key=|id| *id let:id>
                    {
                        let d = Memo::new(move |_| dots.with(|v| v.iter().find(|x| x.id == id).cloned()));
                        view! { <OtherDot dot d layout/> }
                    }
                </For>
            </div>
        </div>
    }
}

/// What a zone's cell says to a screen reader: per side how many dots lie there and whose.
pub(super) fn cell_summary(dots: &[RowDot], zone: Slot, lang: Lang) -> String {
    let parts: Vec<String> = Side::ALL
        .into_iter()
        .filter_map(|side| {
            let names: Vec<&str> = dots
                .iter()
                .filter(|d| d.side == side && d.slot == Some(zone))
                .map(|d| d.name.as_str())
                .collect();
            (!names.is_empty()).then(|| {
                format!(
                    "{}: {} ({})",
                    side_name(side, lang),
                    names.len(),
                    names.join(", ")
                )
            })
        })
        .collect();
    if parts.is_empty() {
        T::CellEmpty.get(lang).to_owned()
    } else {
        parts.join("; ")
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
