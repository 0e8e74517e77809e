//! One polite live region per room page: what a screen reader user would otherwise miss because
//! it changes elsewhere on the page. Step changes, time up, one's own placement saved, the board
//! switches, people joining or leaving; others' placements summarised every few seconds (an
//! eight-person room must not chatter), or one by one when asked for. Also keeps keyboard focus
//! on the page when what had it disappears.

use super::Now;
use crate::i18n::{Lang, T, phase_name, use_i18n, zone_name};
use crate::live::use_live;
use koersbord_shared::room::{Command, RoomState};
use koersbord_shared::{Board, DotRef, ParticipantId, Phase, Zone};
use leptos::prelude::*;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;

/// Others' placements are gathered this long before they are said as one sentence.
const SUMMARY_MS: u64 = 8_000;

/// What the region compares between two states of the room.
#[derive(Clone, PartialEq)]
struct Seen {
    phase: Phase,
    /// The step's number as the trail shows it (Terugblik counts only in a follow-up).
    step: usize,
    boards: [(bool, bool, bool); 2],
    people: BTreeMap<ParticipantId, String>,
    /// Where each placed dot lies, in words.
    dots: BTreeMap<(ParticipantId, DotRef), String>,
}

fn seen(s: &RoomState) -> Seen {
    let board = |b: Board| {
        let c = s.board(b);
        (c.locked, c.revealed, c.results_shown)
    };
    Seen {
        phase: s.phase,
        step: s.steps().position(|p| p == s.phase).unwrap_or(0),
        boards: [board(Board::Drives), board(Board::Pillars)],
        people: s
            .participants
            .values()
            .map(|p| (p.id, p.name.clone()))
            .collect(),
        dots: s
            .participants
            .values()
            .flat_map(|p| {
                let drives = p
                    .drives
                    .iter()
                    .map(move |(d, z)| ((p.id, DotRef::Drive(*d)), format!("{z:?}")));
                let pillars = p
                    .pillars
                    .iter()
                    .map(move |(q, v)| ((p.id, DotRef::Pillar(*q)), v.value().to_string()));
                drives.chain(pillars)
            })
            .collect(),
    }
}

/// "Anna: Zingeving, noodzakelijk" for a dot someone else just put down.
fn placed_text(now: &Seen, who: ParticipantId, dot: DotRef, lang: Lang) -> String {
    let name = now.people.get(&who).cloned().unwrap_or_default();
    let (what, place) = match dot {
        DotRef::Drive(d) => {
            let zone = now
                .dots
                .get(&(who, dot))
                .and_then(|z| Zone::ALL.into_iter().find(|x| format!("{x:?}") == *z));
            (
                d.dutch(),
                zone.map(|z| zone_name(z, lang).to_owned())
                    .unwrap_or_default(),
            )
        }
        DotRef::Pillar(p) => (
            p.dutch(),
            now.dots.get(&(who, dot)).cloned().unwrap_or_default(),
        ),
    };
    format!("{name}: {what}, {place}")
}

/// The sentences for what changed from `before` to `now`, and the dots others placed.
fn changes(
    before: &Seen,
    now: &Seen,
    me: Option<ParticipantId>,
    lang: Lang,
) -> (Vec<String>, Vec<(ParticipantId, DotRef)>) {
    let mut said = Vec::new();
    if now.phase != before.phase {
        let n = now.step;
        said.push(format!(
            "{} {n}: {}",
            T::SayStep.get(lang),
            phase_name(now.phase, lang)
        ));
    }
    for (i, board) in Board::ALL.into_iter().enumerate() {
        let (b, n) = (before.boards[i], now.boards[i]);
        let name = phase_name(board.phase(), lang);
        for (was, is, on, off) in [
            (b.0, n.0, T::SayLocked, T::SayUnlocked),
            (b.1, n.1, T::SayRevealed, T::SayHidden),
            (b.2, n.2, T::SayResultsOn, T::SayResultsOff),
        ] {
            if was != is {
                said.push(format!(
                    "{name} {}",
                    if is { on.get(lang) } else { off.get(lang) }
                ));
            }
        }
    }
    for (id, name) in &now.people {
        if !before.people.contains_key(id) && Some(*id) != me {
            said.push(format!("{name} {}", T::SayJoined.get(lang)));
        }
    }
    for (id, name) in &before.people {
        if !now.people.contains_key(id) && Some(*id) != me {
            said.push(format!("{name} {}", T::SayLeft.get(lang)));
        }
    }
    // New or moved, by people who were already here (a join is said on its own).
    let others = now
        .dots
        .iter()
        .filter(|((id, dot), place)| {
            Some(*id) != me
                && before.people.contains_key(id)
                && before.dots.get(&(*id, *dot)) != Some(place)
        })
        .map(|(key, _)| *key)
        .collect();
    (said, others)
}

fn saved_text(command: &Command, lang: Lang) -> Option<String> {
    let (what, place) = match command {
        Command::PlaceDrive { drive, zone } => (
            drive.dutch().to_owned(),
            zone.map_or(T::SayTray.get(lang).to_owned(), |z| {
                zone_name(z, lang).to_owned()
            }),
        ),
        Command::PlacePillar { pillar, strength } => (
            pillar.dutch().to_owned(),
            strength.map_or(T::SayTray.get(lang).to_owned(), |s| s.value().to_string()),
        ),
        _ => return None,
    };
    Some(format!("{what}: {place}, {}", T::SaySaved.get(lang)))
}

#[component]
pub fn Announcer() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let now = expect_context::<Now>().0;
    let text = RwSignal::new(String::new());
    let every_dot = RwSignal::new(false);
    let last = StoredValue::new(None::<Seen>);
    let pending_others = StoredValue::new(0usize);
    // Timers may fire after this part of the page was drawn anew (its signals gone): hence
    // `try_`, which then does nothing.
    let say = move |line: String| {
        // Emptied first, so the same words said twice are announced twice.
        text.try_set(String::new());
        set_timeout(
            move || {
                text.try_set(line);
            },
            std::time::Duration::from_millis(60),
        );
    };

    Effect::new(move |_| {
        let Some(current) = live.state.with(|s| s.as_ref().map(seen)) else {
            return;
        };
        let me = live.you.get_untracked();
        let lang = i18n.lang();
        if let Some(before) = last.get_value() {
            let (lines, others) = changes(&before, &current, me, lang);
            if current.phase != before.phase {
                keep_focus_on_the_step();
            }
            let mut lines = lines;
            if !others.is_empty() {
                if every_dot.get_untracked() {
                    lines.extend(
                        others
                            .iter()
                            .map(|(who, dot)| placed_text(&current, *who, *dot, lang)),
                    );
                } else {
                    let others = others.len();
                    // Gathered, and said once the room has been busy for a while.
                    let first = pending_others.get_value() == 0;
                    pending_others.update_value(|n| *n += others);
                    if first {
                        set_timeout(
                            move || {
                                let n = pending_others.try_get_value().unwrap_or(0);
                                pending_others.try_set_value(0);
                                let lang = i18n.0.try_get_untracked().unwrap_or(Lang::Nl);
                                if n > 0 {
                                    say(format!("{n} {}", T::SayOthersPlaced.get(lang)));
                                }
                            },
                            std::time::Duration::from_millis(SUMMARY_MS),
                        );
                    }
                }
            }
            if !lines.is_empty() {
                say(lines.join(". "));
            }
        }
        last.set_value(Some(current));
    });

    Effect::new(move |_| {
        if let Some((_, command)) = live.confirmed.get()
            && let Some(line) = saved_text(&command, i18n.lang())
        {
            say(line);
        }
    });

    // Time up, once per run of the clock.
    let told = StoredValue::new(false);
    Effect::new(move |_| {
        let timer = live.state.with(|s| s.as_ref().map(|s| s.timer));
        let up =
            timer.is_some_and(|t| t.is_running() && t.remaining_at(now.get().max(0.0) as u64) <= 0);
        if up && !told.get_value() {
            say(i18n.tr(T::TimeUp).to_owned());
        }
        told.set_value(up);
    });

    // What had focus was removed (a board that left with its step, a button that went away) or
    // disabled: focus goes to the step's heading instead of being lost to the page.
    let on_focusout = window_event_listener(leptos::ev::focusout, move |ev| {
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        set_timeout(
            move || {
                let lost = document()
                    .active_element()
                    .is_none_or(|a| a == document().body().map(Into::into).unwrap_or(a.clone()));
                let gone = !target.is_connected() || target.matches(":disabled").unwrap_or(false);
                if lost && gone {
                    keep_focus_on_the_step();
                }
            },
            std::time::Duration::from_millis(0),
        );
    });
    on_cleanup(move || on_focusout.remove());

    view! {
        <div class="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">{move || text.get()}</div>
        <label class="every-dot" data-testid="every-dot-label">
            <input type="checkbox" data-testid="every-dot" prop:checked=move || every_dot.get()
                on:change=move |ev| every_dot.set(event_target_checked(&ev))/>
            {i18n.t(T::SayEveryDot)}
        </label>
    }
}

/// Puts keyboard focus on the current step's heading, if focus is nowhere in particular, without
/// scrolling the page.
fn keep_focus_on_the_step() {
    set_timeout(
        || {
            let nowhere = document()
                .active_element()
                .is_none_or(|a| Some(&a) == document().body().map(Into::into).as_ref());
            if !nowhere {
                return;
            }
            if let Some(heading) = document()
                .query_selector("[data-testid=step-name]")
                .ok()
                .flatten()
                .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = heading.focus_with_options(&options);
            }
        },
        std::time::Duration::from_millis(30),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use koersbord_shared::room::{Participant, Setup};
    use koersbord_shared::{Drive, Side};

    fn room() -> RoomState {
        let mut s = RoomState::new(Setup::default());
        for (id, name, side) in [(1, "Anna", Side::Network), (2, "Bram", Side::Management)] {
            let p = Participant::new(ParticipantId(id), name.into(), side);
            s.participants.insert(p.id, p);
        }
        s.phase = Phase::Drives;
        s
    }

    #[test]
    fn a_step_a_switch_and_a_newcomer_are_said() {
        let before = room();
        let mut now = before.clone();
        now.phase = Phase::Pillars;
        now.pillars_board.locked = true;
        let p = Participant::new(ParticipantId(3), "Carla".into(), Side::Network);
        now.participants.insert(p.id, p);
        let (said, others) = changes(
            &seen(&before),
            &seen(&now),
            Some(ParticipantId(1)),
            Lang::Nl,
        );
        assert_eq!(
            said,
            [
                "Stap 3: Innoveren & Samen leren",
                "Innoveren & Samen leren is vastgezet",
                "Carla doet mee"
            ]
        );
        assert!(others.is_empty());
    }

    #[test]
    fn others_dots_are_gathered_and_ones_own_are_not() {
        let before = room();
        let mut now = before.clone();
        for id in [1, 2] {
            let p = now.participants.get_mut(&ParticipantId(id)).unwrap();
            p.drives.insert(Drive::ALL[0], Zone::Necessary);
        }
        let (said, others) = changes(
            &seen(&before),
            &seen(&now),
            Some(ParticipantId(1)),
            Lang::Nl,
        );
        assert!(said.is_empty(), "{said:?}");
        assert_eq!(others, [(ParticipantId(2), DotRef::Drive(Drive::ALL[0]))]);
        assert_eq!(
            placed_text(&seen(&now), ParticipantId(2), others[0].1, Lang::Nl),
            "Bram: Zingeving, Noodzakelijk"
        );
        // A dot dropped where it lay says nothing new.
        let (_, again) = changes(&seen(&now), &seen(&now), Some(ParticipantId(1)), Lang::Nl);
        assert!(again.is_empty());
    }

    #[test]
    fn a_saved_placement_says_where() {
        let drive = Command::PlaceDrive {
            drive: Drive::ALL[0],
            zone: Some(Zone::Important),
        };
        assert_eq!(
            saved_text(&drive, Lang::Nl).as_deref(),
            Some("Zingeving: Belangrijk, opgeslagen")
        );
        let back = Command::PlaceDrive {
            drive: Drive::ALL[0],
            zone: None,
        };
        assert_eq!(
            saved_text(&back, Lang::En).as_deref(),
            Some("Zingeving: back among the dots to place, saved")
        );
    }
}
