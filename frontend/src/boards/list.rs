//! The boards as lists ("lijstweergave"): per drive or pillar, per side, who put their dot where.
//! The same facts as the drawing, from the same view of the room (a hidden board hides the same
//! dots here), for a screen reader, a magnifier, or anyone who reads better than they look.

use super::dot::side_class;
use super::pillar_keys::value_text;
use crate::i18n::{Lang, T, side_name, use_i18n, zone_name};
use crate::live::{Live, use_live};
use crate::media::use_narrow;
use crate::storage;
use koersbord_shared::protocol::Role;
use koersbord_shared::room::{Participant, RoomState};
use koersbord_shared::{Board, Drive, Pillar, Side, Zone};
use leptos::prelude::*;

/// Whether the boards are shown as lists, for the whole page (both boards follow one choice).
#[derive(Clone, Copy)]
pub struct ListView(pub RwSignal<bool>);

impl ListView {
    pub fn remembered() -> ListView {
        ListView(RwSignal::new(storage::list_view()))
    }
}

fn own_choice() -> RwSignal<bool> {
    use_context::<ListView>()
        .map(|l| l.0)
        .unwrap_or_else(|| RwSignal::new(false))
}

/// Whether `board` is drawn as a list here: the reader's own choice, or on the shared screen
/// (where no one touches anything) the facilitator's.
pub fn use_list_view(board: Board) -> Signal<bool> {
    let live = use_live();
    let own = own_choice();
    Signal::derive(move || {
        if live.role.get() == Some(Role::Screen) {
            live.state
                .with(|s| s.as_ref().is_some_and(|s| s.board(board).listed))
        } else {
            own.get()
        }
    })
}

/// The switch between the drawing and the list; one label, its state in `aria-pressed`.
#[component]
pub fn ListSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let on = own_choice();
    let flip = move |_| {
        let next = !on.get_untracked();
        on.set(next);
        storage::set_list_view(next);
    };
    move || {
        (live.role.get() != Some(Role::Screen)).then(|| {
            view! {
                <button type="button" class="list-switch secondary" aria-pressed=move || on.get().to_string()
                    data-testid="list-switch" on:click=flip>
                    {i18n.t(T::ListView)}
                </button>
            }
        })
    }
}

/// Whether this viewer can know where `p`'s dots are on `board`: a hidden board shows a
/// participant only their own, so for others "not placed" would be a guess.
fn known(live: &Live, s: &RoomState, p: &Participant, board: Board) -> bool {
    s.board(board).revealed || live.is_facilitator() || live.you.get() == Some(p.id)
}

/// One person's entry: their dot's shape and letters, name, and where it lies.
fn entry(live: Live, p: &Participant, testid: String, place: String) -> impl IntoView + use<> {
    let id = p.id;
    view! {
        <li data-testid=testid>
            <span class=format!("dot dot-{}", side_class(p.side)) aria-hidden="true">{move || live.initial_of(id)}</span>
            <span><bdi>{p.name.clone()}</bdi> ": " {place}</span>
        </li>
    }
}

/// One drive or pillar in the list: its index and name, and per side who put their dot where.
struct Row {
    name: &'static str,
    sides: Vec<(Side, Vec<AnyView>)>,
}

/// The rows of a list: for each item, per side, every person whose place is known.
fn rows<I: Copy>(
    live: Live,
    lang: Lang,
    board: Board,
    items: &[I],
    label: impl Fn(I) -> (usize, &'static str),
    place: impl Fn(&Participant, I) -> Option<String>,
) -> Vec<Row> {
    live.state.with(|s| {
        let Some(s) = s else { return Vec::new() };
        items
            .iter()
            .map(|item| {
                let (index, name) = label(*item);
                let sides = Side::ALL
                    .into_iter()
                    .map(|side| {
                        let people = s
                            .side(side)
                            .filter(|p| known(&live, s, p, board))
                            .map(|p| {
                                let at = place(p, *item)
                                    .unwrap_or_else(|| T::ListNotPlaced.get(lang).to_owned());
                                let key = match board {
                                    Board::Drives => format!("list-{}-d{index}", p.id.0),
                                    Board::Pillars => format!("list-{}-p{index}", p.id.0),
                                };
                                entry(live, p, key, at).into_any()
                            })
                            .collect();
                        (side, people)
                    })
                    .collect();
                Row { name, sides }
            })
            .collect()
    })
}

/// The list as a table on a laptop or a screen, and on a phone as one column: per item a heading
/// and per side its people (a three-column table would scroll sideways at 320 px).
fn list_view(board: Board, rows: Vec<Row>, lang: Lang, narrow: bool) -> AnyView {
    let (first, testid) = match board {
        Board::Drives => (T::DriveColumn, "drives-list"),
        Board::Pillars => (T::PillarColumn, "pillars-list"),
    };
    if narrow {
        return view! {
            <div class="board-list stacked" data-testid=testid>
                {rows.into_iter().map(|row| view! {
                    <section class="board-list-item">
                        <h3 lang="nl">{row.name}</h3>
                        {row.sides.into_iter().map(|(side, people)| view! {
                            <p class=format!("board-list-side side-{}", side_class(side))>{side_name(side, lang)}</p>
                            <ul>{people}</ul>
                        }).collect_view()}
                    </section>
                }).collect_view()}
            </div>
        }
        .into_any();
    }
    view! {
        <table class="board-list" data-testid=testid>
            <thead><tr>
                <th scope="col">{first.get(lang)}</th>
                {Side::ALL.into_iter().map(|side| view! { <th scope="col">{side_name(side, lang)}</th> }).collect_view()}
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| view! {
                    <tr>
                        <th scope="row" lang="nl">{row.name}</th>
                        {row.sides.into_iter().map(|(side, people)| view! {
                            <td class=format!("side-{}", side_class(side))><ul>{people}</ul></td>
                        }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn DrivesList() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let narrow = use_narrow();
    move || {
        let lang = i18n.lang();
        let rows = rows(
            live,
            lang,
            Board::Drives,
            &Drive::ALL,
            |d: Drive| (d.index(), d.dutch()),
            |p, d| {
                p.drives
                    .get(&d)
                    .map(|z: &Zone| zone_name(*z, lang).to_owned())
            },
        );
        list_view(Board::Drives, rows, lang, narrow.get())
    }
}

#[component]
pub fn PillarsList() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let narrow = use_narrow();
    move || {
        let lang = i18n.lang();
        // The screen is read from the back of the room: the number alone, as on its results.
        let screen = live.role.get() == Some(Role::Screen);
        let rows = rows(
            live,
            lang,
            Board::Pillars,
            &Pillar::ALL,
            |p: Pillar| (p.index(), p.dutch()),
            |p, pillar| {
                p.pillars.get(&pillar).map(|s| {
                    if screen {
                        s.value().to_string()
                    } else {
                        value_text(Some(*s), lang)
                    }
                })
            },
        );
        list_view(Board::Pillars, rows, lang, narrow.get())
    }
}
