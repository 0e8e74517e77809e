//! What a follow-up adds to the harvest's files: the Terugblik (each earlier action with its
//! status and note) in Markdown and as its own CSV, and the comparison with the earlier session in
//! Markdown and in the JSON. Nothing for a first session. Pure functions, like `export`.

use crate::export::{csv_row, md, separator};
use crate::i18n::{Lang, T, long_date, phase_name, side_name};
use crate::pages::room::{arrow_name, median_text, signal_name, status_name};
use koersbord_shared::compare::{self, MOVE_THRESHOLD};
use koersbord_shared::room::RoomState;
use koersbord_shared::{Phase, Side};
use std::fmt::Write;

/// The comparison as JSON: `{"threshold", "drives", "pillars"}`, for a follow-up only.
pub fn comparison(state: &RoomState) -> Option<serde_json::Value> {
    let f = state.follow_up.as_ref()?;
    Some(serde_json::json!({
        "earlier": f.earlier.room,
        "threshold": MOVE_THRESHOLD,
        "drives": compare::drives(&f.earlier, state),
        "pillars": compare::pillars(&f.earlier, state),
    }))
}

/// The Terugblik as CSV: what, who, by when, status, note, carried.
pub fn reviews_csv(state: &RoomState, lang: Lang) -> String {
    let sep = separator(lang);
    let header = [
        T::ActionWhat,
        T::ActionWho,
        T::ActionDue,
        T::ReviewStatus,
        T::ReviewNote,
        T::CarriedColumn,
    ]
    .map(|k| k.get(lang).to_owned());
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_row(&header, sep));
    let Some(f) = &state.follow_up else {
        return out;
    };
    for a in &f.earlier.actions {
        let review = f.reviews.get(&a.id);
        out.push_str(&csv_row(
            &[
                a.what.clone(),
                a.owners.join(", "),
                a.due.clone().unwrap_or_default(),
                status_name(review.map(|r| r.status), lang).to_owned(),
                review.map(|r| r.note.clone()).unwrap_or_default(),
                if f.carried.contains(&a.id) { "1" } else { "" }.to_owned(),
            ],
            sep,
        ));
    }
    out
}

/// The Markdown sections of a follow-up: Terugblik, then what moved on both boards.
pub fn markdown(state: &RoomState, lang: Lang) -> String {
    let mut o = String::new();
    let Some(f) = &state.follow_up else {
        return o;
    };
    // Named with its subject: the reflections at the close are also headed "Terugblik".
    let _ = writeln!(
        o,
        "\n## {}: {}\n",
        phase_name(Phase::Review, lang),
        T::ReviewHeading.get(lang)
    );
    let _ = writeln!(o, "{} {}\n", T::FollowUpOf.get(lang), md(&f.earlier.title));
    for a in &f.earlier.actions {
        let review = f.reviews.get(&a.id);
        let due = a
            .due
            .as_deref()
            .map(|d| format!(" · {}", long_date(d, lang)))
            .unwrap_or_default();
        let note = review
            .filter(|r| !r.note.is_empty())
            .map(|r| format!(" ({})", md(&r.note)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "- {} · {}{}: **{}**{}",
            md(&a.what),
            md(&a.owners.join(", ")),
            due,
            status_name(review.map(|r| r.status), lang),
            note
        );
    }
    let sides = Side::ALL;
    let _ = writeln!(
        o,
        "\n## {} · {}\n",
        T::ComparisonHeading.get(lang),
        phase_name(Phase::Drives, lang)
    );
    let _ = writeln!(
        o,
        "| | {a} {t} | {a} {n} | {b} {t} | {b} {n} | |\n|---|---|---|---|---|---|",
        a = side_name(sides[0], lang),
        b = side_name(sides[1], lang),
        t = T::Then.get(lang),
        n = T::Now.get(lang)
    );
    for m in compare::drives(&f.earlier, state) {
        let c = |x: &koersbord_shared::stats::ZoneCounts| format!("{} / {} / {}", x[0], x[1], x[2]);
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            m.drive.dutch(),
            c(&m.then[&sides[0]]),
            c(&m.now[&sides[0]]),
            c(&m.then[&sides[1]]),
            c(&m.now[&sides[1]]),
            signal_name(m.signal, lang)
        );
    }
    let _ = writeln!(
        o,
        "\n## {} · {}\n",
        T::ComparisonHeading.get(lang),
        phase_name(Phase::Pillars, lang)
    );
    let _ = writeln!(
        o,
        "| | {a} {t} | {a} {n} | | {b} {t} | {b} {n} | |\n|---|---|---|---|---|---|---|",
        a = side_name(sides[0], lang),
        b = side_name(sides[1], lang),
        t = T::Then.get(lang),
        n = T::Now.get(lang)
    );
    for p in compare::pillars(&f.earlier, state) {
        let _ = write!(o, "| {} |", p.pillar.dutch());
        for side in sides {
            let m = p.by_side[&side];
            let _ = write!(
                o,
                " {} | {} | {} |",
                median_text(m.then, lang),
                median_text(m.now, lang),
                arrow_name(m.arrow, lang)
            );
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "\n{}", T::threshold(lang));
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use koersbord_shared::room::{
        ActionDraft, ActionId, Actor, Command, ReviewStatus, RoomState, Setup, follow_up_of, handle,
    };
    use koersbord_shared::{Phase, Side};

    fn follow_up() -> RoomState {
        let mut first = RoomState::new(Setup {
            title: "Start".into(),
            ..Setup::default()
        });
        let join = Command::Join {
            name: "Anna".into(),
            side: Side::Network,
        };
        handle(&mut first, Actor::Guest, &join, 0).unwrap();
        handle(
            &mut first,
            Actor::Facilitator,
            &Command::GoToPhase {
                phase: Phase::Close,
            },
            0,
        )
        .unwrap();
        let action = ActionDraft {
            what: "Tijd; vrijmaken".into(),
            owners: vec![koersbord_shared::ParticipantId(1)],
            other_owner: String::new(),
            due: Some("2027-03-01".into()),
            answers: None,
        };
        handle(
            &mut first,
            Actor::Facilitator,
            &Command::AddAction { action },
            0,
        )
        .unwrap();
        let mut s = RoomState::following(Setup::default(), Some(follow_up_of(&first, "r1", 0)));
        let review = Command::SetReview {
            action: ActionId(1),
            status: ReviewStatus::InProgress,
            note: "half".into(),
        };
        handle(&mut s, Actor::Facilitator, &review, 0).unwrap();
        s
    }

    #[test]
    fn a_follow_ups_files_carry_the_statuses_and_the_comparison() {
        let s = follow_up();
        let csv = reviews_csv(&s, Lang::Nl);
        assert!(
            csv.contains("\"Tijd; vrijmaken\";Anna;2027-03-01;Bezig;half;\r\n"),
            "{csv}"
        );
        let text = markdown(&s, Lang::Nl);
        assert!(
            text.contains("## Terugblik: Afspraken van vorige keer"),
            "{text}"
        );
        assert!(text.contains("1 maart 2027: **Bezig** (half)"), "{text}");
        assert!(text.contains("| Zingeving | 0 / 0 / 0 |"), "{text}");
        assert!(text.contains("minstens 10 punten"), "{text}");
        let json = comparison(&s).unwrap();
        assert_eq!(json["threshold"], 10.0);
        assert_eq!(json["drives"].as_array().unwrap().len(), 8);
        assert!(comparison(&RoomState::new(Setup::default())).is_none());
        assert_eq!(markdown(&RoomState::new(Setup::default()), Lang::Nl), "");
    }
}
