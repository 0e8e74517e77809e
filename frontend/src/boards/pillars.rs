//! The Innoveren & Samen leren board: eight pillars as spokes around a core. A dot's distance from
//! the core along its pillar is the rating: near the core is strong, out at the rim is weak. The
//! number (0–100) is what is stored; this module only maps it to and from the drawing.

use super::dot::side_class;
use super::drive_dots::dot_key;
use super::{DragSender, Grab, Via};
use crate::i18n::{Lang, T, pillar_about, side_name, use_i18n};
use crate::live::{Live, use_live};
use crate::media::use_narrow;
use koersbord_shared::room::Command;
use koersbord_shared::{DotRef, ParticipantId, Pillar, Side, Strength};
use leptos::ev::PointerEvent;
use leptos::prelude::*;
use std::f64::consts::{FRAC_PI_2, FRAC_PI_4};

/// Half the drawing's height in board units; the rim has radius 1.
const VIEW: f64 = 1.45;
/// Half the drawing's width: wider than high, so the names beside the spokes fit.
const VIEW_X: f64 = 2.0;
/// The core's radius: strength 100 sits at its edge.
const CORE: f64 = 0.16;
/// Where a dot waits before it is placed: just outside the rim on its own spoke.
const TRAY: f64 = 1.1;
const LABEL: f64 = 1.22;
/// On a phone the drawing is a square as wide as the screen, with each pillar's number at the end
/// of its spoke (its name is beside its slider below): names there would be too small to read.
const PHONE_VIEW: f64 = 1.3;
const PHONE_LABEL: f64 = 1.19;

/// Half the drawing's width and height.
fn half_view(narrow: bool) -> (f64, f64) {
    if narrow {
        (PHONE_VIEW, PHONE_VIEW)
    } else {
        (VIEW_X, VIEW)
    }
}

pub fn direction(pillar: Pillar) -> (f64, f64) {
    let angle = -FRAC_PI_2 + pillar.index() as f64 * FRAC_PI_4;
    (angle.cos(), angle.sin())
}

pub fn radius_of(strength: Strength) -> f64 {
    CORE + (1.0 - CORE) * strength.radius_fraction()
}

/// Where participant number `k` draws their dot for `pillar` at radius `r`: nudged sideways by
/// their order, so equal ratings sit side by side instead of on top of each other.
pub fn point(pillar: Pillar, r: f64, k: usize) -> (f64, f64) {
    let (dx, dy) = direction(pillar);
    let side = (k as f64 - 3.5) * 0.032;
    (dx * r - dy * side, dy * r + dx * side)
}

/// What dropping `pillar`'s dot at board point `(x, y)` means: a strength, back to the tray
/// (`Some(None)`), or nothing at all when the point is far off the board.
pub fn strength_at(pillar: Pillar, x: f64, y: f64) -> Option<Option<Strength>> {
    if x.hypot(y) > 1.4 {
        return None;
    }
    let (dx, dy) = direction(pillar);
    let along = x * dx + y * dy;
    if along > 1.05 {
        return Some(None);
    }
    Some(Some(Strength::from_radius_fraction(
        (along - CORE) / (1.0 - CORE),
    )))
}

/// Board units to the 0..1 square used for drag presence, and back.
pub(super) fn to_unit(x: f64, y: f64) -> (f32, f32) {
    (
        ((x + VIEW) / (2.0 * VIEW)) as f32,
        ((y + VIEW) / (2.0 * VIEW)) as f32,
    )
}

pub(super) fn from_unit(x: f32, y: f32) -> (f64, f64) {
    (
        f64::from(x) * 2.0 * VIEW - VIEW,
        f64::from(y) * 2.0 * VIEW - VIEW,
    )
}

/// The pillar whose spoke points most nearly at `(x, y)`.
pub fn nearest_pillar(x: f64, y: f64) -> Pillar {
    let angle = y.atan2(x) + FRAC_PI_2;
    let step = (angle / FRAC_PI_4).round().rem_euclid(8.0) as usize;
    Pillar::ALL[step]
}

#[derive(Clone, Debug, PartialEq)]
struct PillarDot {
    id: ParticipantId,
    k: usize,
    side: Side,
    name: String,
    pillar: Pillar,
    strength: Option<Strength>,
}

#[component]
pub fn PillarsBoard() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let grab = RwSignal::new(None::<Grab>);
    let sender = DragSender::new(live);
    let svg = NodeRef::<leptos::svg::Svg>::new();
    let locked = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().is_some_and(|s| s.pillars_board.locked))
    });
    let hidden = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().is_some_and(|s| !s.pillars_board.revealed))
    });
    let me = move || live.you.get();
    let narrow = use_narrow();
    let as_list = super::list::use_list_view(koersbord_shared::Board::Pillars);

    let dots = Memo::new(move |_| {
        let me = live.you.get();
        let pending = live.pending.with(|p| {
            let mut mine: Vec<(u64, Pillar, Option<Strength>)> = p
                .iter()
                .filter_map(|(id, c)| match c {
                    Command::PlacePillar { pillar, strength } => Some((*id, *pillar, *strength)),
                    _ => None,
                })
                .collect();
            mine.sort_by_key(|(id, ..)| *id);
            mine
        });
        live.state.with(|s| {
            let Some(s) = s else { return Vec::new() };
            let mut out = Vec::new();
            for (k, p) in s.participants.values().enumerate() {
                for pillar in Pillar::ALL {
                    let mut strength = p.pillars.get(&pillar).copied();
                    if Some(p.id) == me {
                        if let Some((_, _, latest)) =
                            pending.iter().rev().find(|(_, pl, _)| *pl == pillar)
                        {
                            strength = *latest;
                        }
                    } else if strength.is_none()
                        && !live
                            .drags
                            .with(|m| m.contains_key(&(p.id, DotRef::Pillar(pillar))))
                    {
                        // Someone's unplaced dot is drawn only while they move it: a first
                        // placement is seen live too.
                        continue;
                    }
                    out.push(PillarDot {
                        id: p.id,
                        k,
                        side: p.side,
                        name: p.name.clone(),
                        pillar,
                        strength,
                    });
                }
            }
            out
        })
    });
    let keys =
        Memo::new(move |_| dots.with(|v| v.iter().map(|d| (d.id, d.pillar)).collect::<Vec<_>>()));

    // Pointer input on the whole board: a press picks up our own dot of the nearest pillar, so a
    // finger never has to hit a small dot exactly.
    let board_point = move |ev: &PointerEvent| -> Option<(f64, f64)> {
        let rect = svg.get_untracked()?.get_bounding_client_rect();
        let (vx, vy) = half_view(narrow.get_untracked());
        let scale = (rect.width() / (2.0 * vx)).min(rect.height() / (2.0 * vy));
        let cx = rect.left() + rect.width() / 2.0;
        let cy = rect.top() + rect.height() / 2.0;
        Some((
            (f64::from(ev.client_x()) - cx) / scale,
            (f64::from(ev.client_y()) - cy) / scale,
        ))
    };
    let snap = move |pillar: Pillar, x: f64, y: f64| -> Grab {
        let r = match strength_at(pillar, x, y) {
            Some(Some(s)) => radius_of(s),
            _ => x.hypot(y).min(VIEW),
        };
        let (px, py) = point(pillar, r, 0);
        let (ux, uy) = to_unit(px, py);
        Grab {
            dot: DotRef::Pillar(pillar),
            x: ux,
            y: uy,
            via: Via::Pointer,
        }
    };
    let on_down = move |ev: PointerEvent| {
        if me().is_none() || ev.button() != 0 || locked.get_untracked() {
            return;
        }
        let Some((x, y)) = board_point(&ev) else {
            return;
        };
        if x.hypot(y) > 1.25 || x.hypot(y) < CORE / 2.0 {
            return;
        }
        ev.prevent_default();
        if let Some(el) = svg.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        let g = snap(nearest_pillar(x, y), x, y);
        grab.set(Some(g));
        sender.moved(g);
    };
    let on_move = move |ev: PointerEvent| {
        let Some(g) = grab.get_untracked().filter(|g| g.via == Via::Pointer) else {
            return;
        };
        let (Some((x, y)), DotRef::Pillar(pillar)) = (board_point(&ev), g.dot) else {
            return;
        };
        let g = snap(pillar, x, y);
        grab.set(Some(g));
        sender.moved(g);
    };
    let on_up = move |ev: PointerEvent| {
        let Some(g) = grab.get_untracked().filter(|g| g.via == Via::Pointer) else {
            return;
        };
        let DotRef::Pillar(pillar) = g.dot else {
            return;
        };
        let target = board_point(&ev).and_then(|(x, y)| strength_at(pillar, x, y));
        drop_pillar(live, grab, sender, pillar, target);
    };
    let on_cancel = move |_: PointerEvent| {
        if let Some(Grab {
            dot: DotRef::Pillar(pillar),
            ..
        }) = grab.get_untracked()
        {
            drop_pillar(live, grab, sender, pillar, None);
        }
    };

    view! {
        <section class="board pillars-board" class:locked=locked data-testid="pillars-board">
            <div class="board-top">
                <p class="hint">{move || if locked.get() { i18n.tr(T::Locked) } else if me().is_some() { i18n.tr(T::PillarHint) } else { i18n.tr(T::WatchOnly) }}</p>
                <super::list::ListSwitch/>
            </div>
            {move || hidden.get().then(|| view! { <p class="hint hidden-note" data-testid="hidden-note">{i18n.t(T::Hidden)}</p> })}
            {move || as_list.get().then(|| view! { <super::list::PillarsList/> })}
            // To a screen reader the drawing is a group of eight spokes, each an image whose name
            // says whose dots lie on it and how strong (the dots themselves are drawn only).
            <svg class="radial" class:listed=move || as_list.get() role="group"
                aria-label=move || format!("{} · {}", i18n.tr(T::SpotlightPillars), i18n.tr(T::RadialLegend)) class:narrow=move || narrow.get() node_ref=svg
                viewBox=move || { let (vx, vy) = half_view(narrow.get()); format!("{} {} {} {}", -vx, -vy, 2.0 * vx, 2.0 * vy) }
                data-testid="pillars-svg"
                on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_cancel>
                // Stripes for a dot the server has not confirmed yet (see `RadialDot`).
                <defs>
                    <pattern id="unconfirmed-hatch" patternUnits="userSpaceOnUse" width="0.03" height="0.03" patternTransform="rotate(45)">
                        <rect width="0.014" height="0.03" fill="rgba(255,255,255,0.6)"/>
                    </pattern>
                </defs>
                <circle class="rim" cx="0" cy="0" r="1" aria-hidden="true"/>
                <circle class="ring" cx="0" cy="0" r=CORE + (1.0 - CORE) * 0.5/>
                <circle class="core" cx="0" cy="0" r=CORE/>
                <text class="scale core-label" x="0" y="0.02" aria-hidden="true">{i18n.t(T::Core)}</text>
                {Pillar::ALL.into_iter().map(|pillar| {
                    let (dx, dy) = direction(pillar);
                    let anchor = if dx > 0.3 { "start" } else if dx < -0.3 { "end" } else { "middle" };
                    view! {
                        <g class="spoke" data-testid=format!("pillar-{}", pillar.index()) role="img"
                            aria-label=move || dots.with(|v| spoke_summary(v, pillar, i18n.lang()))>
                            <line x1=dx * CORE y1=dy * CORE x2=dx y2=dy/>
                            {move || if narrow.get() {
                                view! {
                                    <g class="pillar-no" transform=format!("translate({:.3} {:.3})", dx * PHONE_LABEL, dy * PHONE_LABEL)>
                                        <circle r="0.085"/>
                                        <text y="0.005">{pillar.index() + 1}</text>
                                    </g>
                                }.into_any()
                            } else {
                                view! { <text class="pillar-name" lang="nl" x=dx * LABEL y=dy * LABEL + 0.03 text-anchor=anchor>{pillar.dutch()}</text> }.into_any()
                            }}
                            <title>{move || format!("{} — {}", pillar.dutch(), pillar_about(pillar, i18n.lang()))}</title>
                        </g>
                    }
                }).collect_view()}
                <text class="scale rim-label" x="0" y=-1.04 aria-hidden="true">{i18n.t(T::Rim)}</text>
                <For each=move || keys.get() key=|k| *k let:key>
                    {
                        let d = Memo::new(move |_| dots.with(|v| v.iter().find(|x| (x.id, x.pillar) == key).cloned()));
                        view! { <RadialDot d grab narrow/> }
                    }
                </For>
            </svg>
            // The scale in words, for the shared screen, where the labels in the drawing are too
            // small to read from the back of the room.
            {move || (!as_list.get()).then(|| view! { <p class="radial-legend">{i18n.t(T::RadialLegend)}</p> })}
            <super::pillar_keys::OwnPillarKeys grab sender/>
        </section>
    }
}

/// What one spoke says to a screen reader: its pillar, and per side each placed dot's strength.
fn spoke_summary(dots: &[PillarDot], pillar: Pillar, lang: Lang) -> String {
    let sides: Vec<String> = Side::ALL
        .into_iter()
        .filter_map(|side| {
            let placed: Vec<String> = dots
                .iter()
                .filter(|d| d.pillar == pillar && d.side == side)
                .filter_map(|d| d.strength.map(|s| format!("{} {}", d.name, s.value())))
                .collect();
            (!placed.is_empty())
                .then(|| format!("{}: {}", side_name(side, lang), placed.join(", ")))
        })
        .collect();
    let about = if sides.is_empty() {
        T::CellEmpty.get(lang).to_owned()
    } else {
        sides.join("; ")
    };
    format!("{}: {about}", pillar.dutch())
}

pub(super) fn drop_pillar(
    live: Live,
    grab: RwSignal<Option<Grab>>,
    sender: DragSender,
    pillar: Pillar,
    target: Option<Option<Strength>>,
) {
    grab.set(None);
    sender.ended(DotRef::Pillar(pillar));
    let current = live.you.get_untracked().and_then(|me| {
        live.state.with_untracked(|s| {
            s.as_ref()
                .and_then(|s| s.participants.get(&me))
                .map(|p| p.pillars.get(&pillar).copied())
        })
    });
    if let Some(target) = target.filter(|t| Some(*t) != current) {
        let _ = live.command(Command::PlacePillar {
            pillar,
            strength: target,
        });
    }
}

/// One dot on the radial board, wherever it is: at rest, in our own hand, or in someone else's drag.
#[component]
fn RadialDot(
    d: Memo<Option<PillarDot>>,
    grab: RwSignal<Option<Grab>>,
    narrow: ReadSignal<bool>,
) -> impl IntoView {
    let live = use_live();
    let Some(first) = d.get_untracked() else {
        return ().into_any();
    };
    let (id, pillar, side, k) = (first.id, first.pillar, first.side, first.k);
    let dot = DotRef::Pillar(pillar);
    let is_me = live.you.get_untracked() == Some(id);
    let strength = move || d.with(|d| d.as_ref().and_then(|d| d.strength));
    let moving = move || {
        if is_me {
            grab.get()
                .filter(|g| g.dot == dot)
                .map(|g| from_unit(g.x, g.y))
        } else {
            live.drags
                .with(|m| m.get(&(id, dot)).map(|(x, y)| from_unit(*x, *y)))
        }
    };
    let pos = move || {
        moving().unwrap_or_else(|| {
            point(
                pillar,
                strength().map_or(TRAY, radius_of),
                if is_me { 0 } else { k },
            )
        })
    };
    let name = first.name.clone();
    // Ours, until the server confirms it: dashed ring and stripes, and the words in its title.
    let unconfirmed = move || is_me && live.unconfirmed(dot);
    let i18n = use_i18n();
    let title = move || {
        let value = strength()
            .map(|s| s.value().to_string())
            .unwrap_or_else(|| "–".into());
        let waiting = if unconfirmed() {
            format!(" ({})", i18n.tr(T::Unconfirmed))
        } else {
            String::new()
        };
        format!("{} · {} · {}{waiting}", name, pillar.dutch(), value)
    };
    // On a phone one's own dot is drawn ≥ 28 px; the whole board is its touch target.
    // Waiting in the tray (outside the rim, by the spoke's number) it stays small.
    let r = move || match (is_me, narrow.get()) {
        (true, true) if strength().is_none() => 0.07,
        (true, true) => 0.14,
        (false, true) => 0.075,
        (true, false) => 0.06,
        (false, false) => 0.05,
    };
    view! {
        <g class=format!("radial-dot dot-{}", side_class(side)) aria-hidden="true" class:own=is_me class:dragging=move || moving().is_some()
            class:in-tray=move || strength().is_none() class:unconfirmed=unconfirmed
            data-confirmed=move || is_me.then(|| (!unconfirmed()).to_string())
            transform=move || { let (x, y) = pos(); format!("translate({x:.4} {y:.4})") }
            data-testid=format!("{}dot-{}-{}", if is_me { "own-" } else { "" }, id.0, dot_key(dot))
            data-strength=move || strength().map(|s| s.value().to_string()).unwrap_or_default()>
            {if side == Side::Management {
                view! { <rect x=move || -r() y=move || -r() width=move || 2.0 * r() height=move || 2.0 * r() rx=move || r() * 0.35/> }.into_any()
            } else {
                view! { <circle r=r/> }.into_any()
            }}
            {move || unconfirmed().then(|| view! {
                <circle class="unconfirmed-hatch" r=r fill="url(#unconfirmed-hatch)"/>
                <circle class="unconfirmed-ring" r=move || r() * 1.45/>
            })}
            <text y="0.02">{move || live.initial_of(id)}</text>
            <title>{title}</title>
        </g>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_is_strong_and_the_rim_is_weak() {
        for pillar in Pillar::ALL {
            let (dx, dy) = direction(pillar);
            assert_eq!(
                strength_at(pillar, dx * CORE, dy * CORE),
                Some(Strength::new(100))
            );
            assert_eq!(strength_at(pillar, dx, dy), Some(Strength::new(0)));
            assert_eq!(
                strength_at(pillar, dx * 1.1, dy * 1.1),
                Some(None),
                "beyond the rim is the tray"
            );
            assert_eq!(
                strength_at(pillar, dx * 2.0, dy * 2.0),
                None,
                "far off the board is no drop"
            );
        }
    }

    #[test]
    fn a_strength_drawn_and_read_back_is_the_same_number() {
        for pillar in Pillar::ALL {
            for v in 0..=100 {
                let s = Strength::new(v).unwrap();
                let (x, y) = point(pillar, radius_of(s), 0);
                assert_eq!(strength_at(pillar, x, y), Some(Some(s)));
            }
        }
    }

    #[test]
    fn each_spoke_is_nearest_to_itself() {
        for pillar in Pillar::ALL {
            let (dx, dy) = direction(pillar);
            assert_eq!(nearest_pillar(dx * 0.6, dy * 0.6), pillar);
        }
        assert_eq!(
            nearest_pillar(0.0, -1.0),
            Pillar::Communication,
            "the first pillar points up"
        );
    }

    #[test]
    fn presence_coordinates_round_trip() {
        let (x, y) = from_unit(to_unit(0.25, -0.75).0, to_unit(0.25, -0.75).1);
        assert!((x - 0.25).abs() < 1e-6 && (y + 0.75).abs() < 1e-6);
    }
}
