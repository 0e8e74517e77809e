//! The harvest as files people take home: Markdown for reading and sharing, CSV for a spreadsheet
//! (actions; dots), JSON of the whole session. Pure functions of the room's state and a language.

use crate::i18n::{Lang, T, decimal, need_label, side_name, signed, zone_name};
use koersbord_shared::room::{Action, Need, RoomState};
use koersbord_shared::stats::{self, Spread};
use koersbord_shared::{Phase, Zone};
use std::fmt::Write;

/// The field separator a spreadsheet in this language expects: Dutch spreadsheets split on `;`
/// (the comma is their decimal mark), English ones on `,`.
pub fn separator(lang: Lang) -> char {
    match lang {
        Lang::Nl => ';',
        Lang::En => ',',
    }
}

/// One CSV field, quoted when it must be (RFC 4180). A leading `=`, `+`, `-` or `@` is defused so a
/// spreadsheet never runs someone's text as a formula.
pub fn csv_field(value: &str, sep: char) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([sep, '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

pub(crate) fn csv_row(fields: &[String], sep: char) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f, sep))
        .collect::<Vec<_>>()
        .join(&sep.to_string());
    line.push_str("\r\n");
    line
}

fn owners(state: &RoomState, action: &Action) -> String {
    let mut names: Vec<String> = action
        .owners
        .iter()
        .filter_map(|o| state.name_of(*o).map(str::to_owned))
        .collect();
    if !action.other_owner.is_empty() {
        names.push(action.other_owner.clone());
    }
    names.join(", ")
}

fn need_text(state: &RoomState, action: &Action, lang: Lang) -> String {
    action
        .answers
        .map(|n| need_label(n, state, lang))
        .unwrap_or_default()
}

pub fn actions_csv(state: &RoomState, lang: Lang) -> String {
    let sep = separator(lang);
    let header = [T::ActionWhat, T::ActionWho, T::ActionDue, T::ActionAnswers]
        .map(|k| k.get(lang).to_owned());
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_row(&header, sep));
    for a in state.actions.values() {
        out.push_str(&csv_row(
            &[
                a.what.clone(),
                owners(state, a),
                a.due.clone().unwrap_or_default(),
                need_text(state, a, lang),
            ],
            sep,
        ));
    }
    out
}

pub fn dots_csv(state: &RoomState, lang: Lang) -> String {
    let sep = separator(lang);
    let header = match lang {
        Lang::Nl => ["Naam", "Kant", "Bord", "Onderdeel", "Plek"],
        Lang::En => ["Name", "Side", "Board", "Item", "Place"],
    }
    .map(str::to_owned);
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_row(&header, sep));
    for p in state.participants.values() {
        for (drive, zone) in &p.drives {
            let row = [
                p.name.clone(),
                side_name(p.side, lang).into(),
                crate::i18n::phase_name(Phase::Drives, lang).into(),
                drive.dutch().into(),
                zone_name(*zone, lang).into(),
            ];
            out.push_str(&csv_row(&row, sep));
        }
        for (pillar, strength) in &p.pillars {
            let row = [
                p.name.clone(),
                side_name(p.side, lang).into(),
                crate::i18n::phase_name(Phase::Pillars, lang).into(),
                pillar.dutch().into(),
                strength.value().to_string(),
            ];
            out.push_str(&csv_row(&row, sep));
        }
    }
    out
}

/// The state itself, and for a follow-up the comparison beside it (`comparison`), computed.
pub fn json(state: &RoomState) -> String {
    let mut value = serde_json::to_value(state).expect("a room state always serialises");
    if let (Some(comparison), Some(map)) = (
        crate::export_follow_up::comparison(state),
        value.as_object_mut(),
    ) {
        map.insert("comparison".into(), comparison);
    }
    serde_json::to_string_pretty(&value).expect("a room state always serialises")
}

fn spread(s: Option<&Spread>, lang: Lang) -> String {
    s.map(|s| format!("{} ({}–{})", decimal(s.median, lang), s.min, s.max))
        .unwrap_or_else(|| "–".into())
}

/// Markdown text, escaped where people's words could be read as markup.
pub(crate) fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out.replace('\n', "  \n")
}

pub fn markdown(state: &RoomState, lang: Lang) -> String {
    let mut o = String::new();
    let title = if state.setup.title.is_empty() {
        T::Harvest.get(lang).to_owned()
    } else {
        format!("{} · {}", T::Harvest.get(lang), state.setup.title)
    };
    let _ = writeln!(o, "# {}\n", md(&title));
    let _ = writeln!(
        o,
        "## {}\n\n{}\n",
        T::Ambition.get(lang),
        md(&state.setup.ambition)
    );
    let _ = writeln!(o, "## {}\n", T::Goals.get(lang));
    for (i, g) in state.setup.goals.iter().enumerate() {
        let _ = writeln!(o, "{}. {}", i + 1, md(g));
    }
    let _ = writeln!(o, "\n## {}\n", T::Participants.get(lang));
    for p in state.participants.values() {
        let _ = writeln!(o, "- {} ({})", md(&p.name), side_name(p.side, lang));
    }

    let _ = writeln!(o, "\n## {}\n", crate::i18n::phase_name(Phase::Drives, lang));
    let sides = koersbord_shared::Side::ALL;
    let _ = write!(o, "| |");
    for z in Zone::ALL {
        let _ = write!(
            o,
            " {} ({} / {}) |",
            zone_name(z, lang),
            side_name(sides[0], lang),
            side_name(sides[1], lang)
        );
    }
    let _ = writeln!(o, "\n|---|---|---|---|");
    for d in stats::drives(state) {
        let _ = write!(
            o,
            "| {}{} |",
            d.drive.dutch(),
            if d.is_signal() { " (!)" } else { "" }
        );
        for z in Zone::ALL {
            let _ = write!(o, " {} / {} |", d.count(sides[0], z), d.count(sides[1], z));
        }
        let _ = writeln!(o);
    }
    let signals: Vec<_> = stats::drives(state)
        .into_iter()
        .filter(|d| d.is_signal())
        .collect();
    if !signals.is_empty() {
        let _ = writeln!(o, "\n**{}**\n", T::Signals.get(lang));
        for d in signals {
            let names: Vec<String> = d
                .necessary_by
                .iter()
                .filter_map(|id| state.participants.get(id).map(|p| md(&p.name)))
                .collect();
            let _ = writeln!(o, "- {}: {}", d.drive.dutch(), names.join(", "));
        }
    }

    let _ = writeln!(
        o,
        "\n## {}\n",
        crate::i18n::phase_name(Phase::Pillars, lang)
    );
    let _ = writeln!(
        o,
        "| | {} | {} | {} |\n|---|---|---|---|",
        side_name(sides[0], lang),
        side_name(sides[1], lang),
        T::Gap.get(lang)
    );
    for p in stats::pillars(state) {
        let gap = p.gap.map(|g| signed(g, lang)).unwrap_or_else(|| "–".into());
        let weak = if p.weak {
            format!(" ({})", T::WeakPillar.get(lang))
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "| {}{} | {} | {} | {} |",
            p.pillar.dutch(),
            weak,
            spread(p.by_side.get(&sides[0]), lang),
            spread(p.by_side.get(&sides[1]), lang),
            gap
        );
    }

    o.push_str(&crate::export_follow_up::markdown(state, lang));
    let _ = writeln!(o, "\n## {}\n", T::Insights.get(lang));
    // What an insight is about and what an action answers, as the harvest shows them.
    let about = |need: Option<Need>, key: T| {
        need.map(|n| format!(" · {}: {}", key.get(lang), md(&need_label(n, state, lang))))
            .unwrap_or_default()
    };
    for i in state.insights.values() {
        let _ = writeln!(
            o,
            "- {} _({})_{}",
            md(&i.text),
            crate::i18n::phase_name(i.phase, lang),
            about(i.about, T::About)
        );
    }
    let _ = writeln!(o, "\n## {}\n", T::Actions.get(lang));
    for a in state.actions.values() {
        let due = a.due.as_deref().map_or_else(
            || T::NoDate.get(lang).to_owned(),
            |d| crate::i18n::long_date(d, lang),
        );
        let _ = writeln!(
            o,
            "- **{}**: {} · {}{}",
            md(&owners(state, a)),
            md(&a.what),
            due,
            about(a.answers, T::ActionAnswers)
        );
    }
    let _ = writeln!(o, "\n## {}\n", T::Reflections.get(lang));
    for (id, text) in &state.reflections {
        let name = state.name_of(*id).unwrap_or("");
        let _ = writeln!(o, "- **{}**: {}", md(name), md(text));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use koersbord_shared::room::{ActionDraft, Actor, Command, Setup, handle};
    use koersbord_shared::{Drive, Pillar, Side, Strength};

    fn session() -> RoomState {
        let mut s = RoomState::new(Setup {
            title: "Wondzorg".into(),
            ambition: "Samen *leren*".into(),
            goals: ["G1".into(), "G2".into()],
        });
        for (name, side) in [("Anna", Side::Network), ("Dewi; de Boer", Side::Management)] {
            handle(
                &mut s,
                Actor::Guest,
                &Command::Join {
                    name: name.into(),
                    side,
                },
                0,
            )
            .unwrap();
        }
        let f = Actor::Facilitator;
        let a = koersbord_shared::ParticipantId(1);
        handle(
            &mut s,
            f,
            &Command::GoToPhase {
                phase: Phase::Drives,
            },
            0,
        )
        .unwrap();
        handle(
            &mut s,
            Actor::Participant(a),
            &Command::PlaceDrive {
                drive: Drive::Impact,
                zone: Some(Zone::Necessary),
            },
            0,
        )
        .unwrap();
        handle(
            &mut s,
            f,
            &Command::GoToPhase {
                phase: Phase::Pillars,
            },
            0,
        )
        .unwrap();
        handle(
            &mut s,
            Actor::Participant(a),
            &Command::PlacePillar {
                pillar: Pillar::Time,
                strength: Strength::new(20),
            },
            0,
        )
        .unwrap();
        handle(
            &mut s,
            f,
            &Command::AddInsight {
                text: "Tijd is schaars".into(),
                about: None,
            },
            0,
        )
        .unwrap();
        let action = ActionDraft {
            what: "=Leertijd \"inroosteren\"".into(),
            owners: vec![a],
            other_owner: "HR".into(),
            due: Some("2027-03-01".into()),
            answers: None,
        };
        handle(&mut s, f, &Command::AddAction { action }, 0).unwrap();
        s
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain", ';'), "plain");
        assert_eq!(csv_field("a;b", ';'), "\"a;b\"");
        assert_eq!(csv_field("a,b", ';'), "a,b");
        assert_eq!(csv_field("say \"hi\"", ','), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=1+1", ','), "'=1+1");
        assert_eq!(csv_field("two\nlines", ','), "\"two\nlines\"");
    }

    #[test]
    fn the_actions_csv_has_one_row_per_action_with_owners_and_date() {
        let csv = actions_csv(&session(), Lang::Nl);
        let lines: Vec<&str> = csv
            .trim_start_matches('\u{feff}')
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], "Wat gaan we doen?;Wie;Uiterlijk;Antwoord op");
        assert_eq!(
            lines[1],
            "\"'=Leertijd \"\"inroosteren\"\"\";Anna, HR;2027-03-01;"
        );
        assert!(actions_csv(&session(), Lang::En).contains("What will be done?,Who,By,Answers"));
    }

    #[test]
    fn the_dots_csv_lists_every_dot() {
        let csv = dots_csv(&session(), Lang::En);
        assert!(
            csv.contains("Anna,Learning network,Drives,Impact,Necessary"),
            "{csv}"
        );
        assert!(
            csv.contains("Anna,Learning network,Innovating & learning together,Tijd,20"),
            "{csv}"
        );
        assert_eq!(csv.matches("\r\n").count(), 3);
    }

    #[test]
    fn the_markdown_holds_every_part_and_escapes_peoples_words() {
        let md = markdown(&session(), Lang::Nl);
        for needle in [
            "# Oogst · Wondzorg",
            "Samen \\*leren\\*",
            "1. G1",
            "2. G2",
            "Anna (Leernetwerk)",
            "| Impact (!) |",
            "- Impact: Anna",
            "| Tijd (zwak) | 20 (20–20) | – | – |",
            "- Tijd is schaars",
            "**Anna, HR**",
            "1 maart 2027",
        ] {
            assert!(md.contains(needle), "missing {needle:?} in\n{md}");
        }
        assert!(
            !md.contains("2027-03-01"),
            "a person reads the date the Dutch way:\n{md}"
        );
    }

    #[test]
    fn the_json_is_the_whole_state() {
        let s = session();
        let back: RoomState = serde_json::from_str(&json(&s)).unwrap();
        assert_eq!(back, s);
    }
}
