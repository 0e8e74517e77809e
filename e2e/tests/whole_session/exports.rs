//! The harvest's files held against what was done: Markdown, both CSVs, JSON and a printed PDF.

use crate::expected::Expected;
use crate::plan::{
    AMBITION, GOALS, INSIGHT_DRIVES, INSIGHT_PILLARS, REFLECTIONS, TITLE, actions, insights, name,
    side,
};
use anyhow::{Context, Result, ensure};
use koersbord_e2e::downloads::Download;
use koersbord_e2e::results::{gap_text, median_text};
use koersbord_shared::room::{InsightId, Need, RoomState};
use koersbord_shared::{Drive, Phase, Pillar, Side, Zone};
use std::collections::BTreeMap;

/// The text of a PDF, whitespace folded to single spaces.
fn pdf_text(pdf: &[u8]) -> Result<String> {
    let text = pdf_extract::extract_text_from_mem(pdf).context("reading the printed PDF")?;
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The CSV's rows, without the byte order mark; fails unless it starts with one and every line
/// ends with CRLF.
fn csv_rows(file: &Download) -> Result<Vec<String>> {
    let body = file.text.strip_prefix('\u{feff}').with_context(|| {
        format!(
            "{}: no byte order mark (Excel needs one for UTF-8)",
            file.name
        )
    })?;
    ensure!(
        body.ends_with("\r\n") && !body.replace("\r\n", "").contains('\n'),
        "{}: lines should end in CRLF: {body:?}",
        file.name
    );
    Ok(body
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Keeps a printed PDF beside the failure screenshots.
pub fn save_pdf(pdf: &[u8]) -> std::path::PathBuf {
    let dir = koersbord_e2e::paths::screenshot_dir();
    let file = dir.join("a_whole_session_from_create_to_close_and_its_harvest.pdf");
    let _ = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, pdf));
    file
}

pub fn check_pdf(pdf: &[u8], expected: &Expected) -> Result<()> {
    ensure!(
        pdf.starts_with(b"%PDF"),
        "not a PDF: {:?}",
        &pdf[..pdf.len().min(16)]
    );
    let text = pdf_text(pdf)?;
    let mut needles = vec![
        TITLE.to_string(),
        AMBITION.to_string(),
        GOALS[0].to_string(),
        GOALS[1].to_string(),
        INSIGHT_DRIVES.to_string(),
        INSIGHT_PILLARS.to_string(),
    ];
    for a in actions() {
        needles.push(a.what.to_string());
        needles.push(a.who.to_string());
    }
    for (id, reflection) in REFLECTIONS {
        needles.push(format!("{}: {reflection}", name(id)));
    }
    for drive in Drive::ALL {
        let names = expected.necessary(drive);
        if !names.is_empty() {
            needles.push(format!("{} · {}", drive.dutch(), names.join(", ")));
        }
    }
    // The drive results' heading row, whole: the table must fit the page, not scroll.
    needles.push("Uitkomsten · Drijfveren Noodzakelijk Belangrijk Neutraal Zingeving".to_string());
    needles.push("Uitkomsten · Innoveren & Samen leren".to_string());
    let missing: Vec<&String> = needles
        .iter()
        .filter(|n| !text.contains(n.as_str()))
        .collect();
    ensure!(
        missing.is_empty(),
        "the printed harvest ({} bytes) lacks {missing:#?}; its text:\n{text}",
        pdf.len()
    );
    ensure!(
        !text.contains("Bekijk de oogst") && !text.contains("Volgende stap"),
        "the print shows buttons or the facilitator's panel:\n{text}"
    );
    Ok(())
}

pub fn check_markdown(file: &Download, expected: &Expected) -> Result<()> {
    ensure!(
        file.mime.starts_with("text/markdown"),
        "{}: {}",
        file.name,
        file.mime
    );
    let md = &file.text;
    let mut needles = vec![
        format!("# Oogst · {TITLE}"),
        format!("## Ambitie\n\n{AMBITION}\n"),
        format!("1. {}", GOALS[0]),
        format!("2. {}", GOALS[1]),
    ];
    for id in 1..=8 {
        needles.push(format!("- {} ({})", name(id), side(id).dutch()));
    }
    for drive in Drive::ALL {
        let signal = !expected.necessary(drive).is_empty();
        let mut row = format!("| {}{} |", drive.dutch(), if signal { " (!)" } else { "" });
        for zone in Zone::ALL {
            row.push_str(&format!(
                " {} / {} |",
                expected.count(drive, zone, Side::Network),
                expected.count(drive, zone, Side::Management)
            ));
        }
        needles.push(row);
        if signal {
            needles.push(format!(
                "- {}: {}",
                drive.dutch(),
                expected.necessary(drive).join(", ")
            ));
        }
    }
    let weak = expected.weak();
    for pillar in Pillar::ALL {
        // As on the page: the Markdown is Dutch, so "65,5 (60–71)" and "+15,5".
        let cell = |s: Side| median_text(&expected.pillar_values(pillar, Some(s)));
        let gap = gap_text(expected.gap(pillar));
        needles.push(format!(
            "| {}{} | {} | {} | {gap} |",
            pillar.dutch(),
            if weak.contains(&pillar) {
                " (zwak)"
            } else {
                ""
            },
            cell(Side::Network),
            cell(Side::Management)
        ));
    }
    // Each line whole: what an insight is about and what an action answers are kept.
    for (_, text, about, step) in insights() {
        needles.push(format!("- {text} _({step})_ · Over: {about}\n"));
    }
    for a in actions() {
        needles.push(format!(
            "- **{}**: {} · {}{}\n",
            a.who,
            a.what,
            a.due_text.unwrap_or("geen datum"),
            a.tag
                .map(|t| format!(" · Antwoord op: {t}"))
                .unwrap_or_default()
        ));
    }
    for (id, text) in REFLECTIONS {
        needles.push(format!("- **{}**: {text}", name(id)));
    }
    let missing: Vec<&String> = needles
        .iter()
        .filter(|n| !md.contains(n.as_str()))
        .collect();
    ensure!(
        missing.is_empty(),
        "the Markdown lacks {missing:#?}\n---\n{md}"
    );
    Ok(())
}

pub fn check_actions_csv(file: &Download) -> Result<()> {
    ensure!(
        file.mime.starts_with("text/csv"),
        "{}: {}",
        file.name,
        file.mime
    );
    let rows = csv_rows(file)?;
    let mut want = vec!["Wat gaan we doen?;Wie;Uiterlijk;Antwoord op".to_string()];
    for a in actions() {
        want.push(format!(
            "{};{};{};{}",
            a.what,
            a.who,
            a.due.unwrap_or(""),
            a.tag.unwrap_or("")
        ));
    }
    ensure!(rows == want, "the actions CSV:\n{rows:#?}\nwant\n{want:#?}");
    Ok(())
}

pub fn check_dots_csv(file: &Download, expected: &Expected) -> Result<()> {
    ensure!(
        file.mime.starts_with("text/csv"),
        "{}: {}",
        file.name,
        file.mime
    );
    let mut rows = csv_rows(file)?;
    ensure!(
        rows.first().map(String::as_str) == Some("Naam;Kant;Bord;Onderdeel;Plek"),
        "the dots CSV's header: {:?}",
        rows.first()
    );
    rows.remove(0);
    let mut want: Vec<String> = expected
        .drives
        .iter()
        .map(|((id, drive), zone)| {
            format!(
                "{};{};Drijfveren;{};{}",
                name(*id),
                side(*id).dutch(),
                drive.dutch(),
                zone.dutch()
            )
        })
        .chain(expected.pillars.iter().map(|((id, pillar), v)| {
            format!(
                "{};{};Innoveren & Samen leren;{};{v}",
                name(*id),
                side(*id).dutch(),
                pillar.dutch()
            )
        }))
        .collect();
    rows.sort();
    want.sort();
    ensure!(
        rows == want,
        "the dots CSV ({} rows, {} dots placed):\n{rows:#?}\nwant\n{want:#?}",
        rows.len(),
        want.len()
    );
    Ok(())
}

pub fn check_json(file: &Download, expected: &Expected) -> Result<RoomState> {
    ensure!(
        file.mime == "application/json",
        "{}: {}",
        file.name,
        file.mime
    );
    let state: RoomState = serde_json::from_str(&file.text).context("the JSON export")?;
    ensure!(state.phase == Phase::Close, "phase {:?}", state.phase);
    ensure!(
        state.setup.title == TITLE
            && state.setup.ambition == AMBITION
            && state.setup.goals == GOALS.map(str::to_owned),
        "setup {:?}",
        state.setup
    );
    let people: Vec<(u32, &str, Side)> = state
        .participants
        .values()
        .map(|p| (p.id.0, p.name.as_str(), p.side))
        .collect();
    let want_people: Vec<(u32, &str, Side)> = (1..=8).map(|id| (id, name(id), side(id))).collect();
    ensure!(people == want_people, "participants {people:?}");
    let drives: BTreeMap<(u32, Drive), Zone> = state
        .participants
        .values()
        .flat_map(|p| p.drives.iter().map(move |(d, z)| ((p.id.0, *d), *z)))
        .collect();
    ensure!(drives == expected.drives, "drive dots {drives:?}");
    let pillars: BTreeMap<(u32, Pillar), u8> = state
        .participants
        .values()
        .flat_map(|p| {
            p.pillars
                .iter()
                .map(move |(q, s)| ((p.id.0, *q), s.value()))
        })
        .collect();
    ensure!(pillars == expected.pillars, "pillar dots {pillars:?}");
    let got_insights: Vec<(u32, &str, Phase)> = state
        .insights
        .values()
        .map(|i| (i.id.0, i.text.as_str(), i.phase))
        .collect();
    ensure!(
        got_insights
            == [
                (1, INSIGHT_DRIVES, Phase::Drives),
                (2, INSIGHT_PILLARS, Phase::Pillars)
            ],
        "insights {got_insights:?}"
    );
    ensure!(
        state.insights[&InsightId(1)].about == Some(Need::Drive(Drive::Meaning))
            && state.insights[&InsightId(2)].about == Some(Need::Pillar(Pillar::Time)),
        "what the insights are about: {:?}",
        state.insights
    );
    ensure!(state.actions.len() == 3, "{} actions", state.actions.len());
    for (a, want) in state.actions.values().zip(actions()) {
        let owners: Vec<u32> = a.owners.iter().map(|o| o.0).collect();
        ensure!(
            a.id.0 == want.id
                && a.what == want.what
                && owners == want.owners
                && a.other_owner == want.other
                && a.due.as_deref() == want.due
                && a.answers == want.answers
                && a.author.map(|p| p.0) == want.author,
            "action {a:?}"
        );
    }
    let reflections: Vec<(u32, &str)> = state
        .reflections
        .iter()
        .map(|(id, t)| (id.0, t.as_str()))
        .collect();
    ensure!(reflections == REFLECTIONS, "reflections {reflections:?}");
    Ok(state)
}
