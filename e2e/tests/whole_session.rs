//! From insight to action: one whole session, from creating it on the start page to the close, with
//! a full table (four people per side, two of them in a browser of their own, six over the
//! protocol), dots on both boards, the facilitator's insight cards, actions by the facilitator and
//! by participants, closing reflections. Then the harvest is held against what was done: every
//! tally, signal, median, gap and weak pillar, every insight, action and reflection, on the
//! facilitator's, a participant's and the shared screen's harvest; the exports (Markdown, both
//! CSVs, JSON) and a printed PDF; and the harvest again after the server restarted.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::dots::{drag_drive, drag_pillar, key_drive, key_pillar};
use koersbord_e2e::downloads::{self, Download};
use koersbord_e2e::fantoccini::key::Key;
use koersbord_e2e::fantoccini::wd::PrintConfiguration;
use koersbord_e2e::page::{
    attr, click, focus, join, own_id, press, select_value, set_value, tid, type_into, wait_attr,
    wait_phase, wait_text_content,
};
use koersbord_e2e::remote::{Remote, send_commands};
use koersbord_e2e::{Browser, DragOptions, Locator, TIMEOUT, Viewport, run};
use koersbord_shared::room::{ActionDraft, Command, InsightId, Need, RoomState};
use koersbord_shared::{Drive, ParticipantId, Phase, Pillar, Side, Strength, Zone};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::time::{Duration, Instant};

const TITLE: &str = "Wondzorg × directie";
const AMBITION: &str = "Samen leren we wondzorg dichter bij huis te brengen";
const GOALS: [&str; 2] = [
    "Elk team heeft een wondzorgexpert",
    "Kennis wordt maandelijks gedeeld",
];

/// Everyone at the table, in joining order (so `id` = position + 1). Anna and Bram have a browser.
const PEOPLE: [(&str, Side); 8] = [
    ("Anna", Side::Network),
    ("Bram", Side::Management),
    ("Carla", Side::Network),
    ("Daan", Side::Network),
    ("Eef", Side::Network),
    ("Fenna", Side::Management),
    ("Gijs", Side::Management),
    ("Hidde", Side::Management),
];
const ANNA: u32 = 1;
const BRAM: u32 = 2;

fn name(id: u32) -> &'static str {
    PEOPLE[id as usize - 1].0
}

fn side(id: u32) -> Side {
    PEOPLE[id as usize - 1].1
}

fn side_key(side: Side) -> &'static str {
    match side {
        Side::Network => "network",
        Side::Management => "management",
    }
}

/// Drive dots placed over the protocol: (participant, drive, zone). Hidde first calls
/// Saamhorigheid necessary and then only important: he must not end up among the signals.
const REMOTE_DRIVES: [(u32, Drive, Zone); 13] = [
    (3, Drive::Meaning, Zone::Necessary),
    (3, Drive::CareQuality, Zone::Important),
    (3, Drive::ResultOrientation, Zone::Neutral),
    (4, Drive::Meaning, Zone::Important),
    (4, Drive::Togetherness, Zone::Neutral),
    (4, Drive::Impact, Zone::Necessary),
    (5, Drive::TeamDevelopment, Zone::Important),
    (6, Drive::Autonomy, Zone::Necessary),
    (6, Drive::Meaning, Zone::Neutral),
    (7, Drive::CareQuality, Zone::Necessary),
    (8, Drive::Togetherness, Zone::Necessary),
    (8, Drive::Togetherness, Zone::Important),
    (8, Drive::Sustainability, Zone::Important),
];

/// Pillar strengths placed over the protocol: (participant, pillar, strength).
const REMOTE_PILLARS: [(u32, Pillar, u8); 17] = [
    (3, Pillar::Time, 10),
    (3, Pillar::KnowledgeSharing, 35),
    (3, Pillar::Communication, 60),
    (4, Pillar::Time, 30),
    (4, Pillar::KnowledgeSharing, 45),
    (4, Pillar::Resources, 80),
    (5, Pillar::Structure, 55),
    (5, Pillar::Autonomy, 75),
    (6, Pillar::Time, 25),
    (6, Pillar::KnowledgeSharing, 15),
    (6, Pillar::Capacity, 30),
    (6, Pillar::Communication, 50),
    (7, Pillar::KnowledgeSharing, 40),
    (7, Pillar::Resources, 65),
    (7, Pillar::Collaboration, 85),
    (8, Pillar::Autonomy, 90),
    (8, Pillar::Structure, 20),
];

const INSIGHT_DRIVES: &str = "Zingeving en autonomie drijven beide kanten";
const INSIGHT_PILLARS: &str = "Tijd voor leren ontbreekt in de roosters";
const ACTION_FACILITATOR: &str = "Leertijd inroosteren voor elke wondzorgexpert";
const ACTION_BRAM: &str = "Ik plan elk kwartaal een leeruur met mijn team";
const ACTION_CARLA: &str = "Ik deel elke maand een casus in het leernetwerk";
const REFLECTIONS: [(u32, &str); 4] = [
    (ANNA, "Helder en energiek; ik weet wat ik ga doen."),
    (BRAM, "Goed gesprek, graag over drie maanden een vervolg."),
    (4, "Fijn dat iedereen aan het woord kwam."),
    (7, "Wie bewaakt de acties?"),
];

/// What the session should hold when it closes, written down as it happens.
#[derive(Default)]
struct Expected {
    /// (participant, drive) → zone.
    drives: BTreeMap<(u32, Drive), Zone>,
    /// (participant, pillar) → strength.
    pillars: BTreeMap<(u32, Pillar), u8>,
}

/// A median as the product prints it: whole numbers plainly, halves with one decimal.
fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// (median, min, max) of `values`, or `None` when empty.
fn spread(values: &[u8]) -> Option<(f64, u8, u8)> {
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    let median = match n {
        0 => return None,
        _ if n % 2 == 1 => f64::from(v[n / 2]),
        _ => (f64::from(v[n / 2 - 1]) + f64::from(v[n / 2])) / 2.0,
    };
    Some((median, v[0], v[n - 1]))
}

impl Expected {
    fn pillar_values(&self, pillar: Pillar, side_filter: Option<Side>) -> Vec<u8> {
        self.pillars
            .iter()
            .filter(|((id, p), _)| *p == pillar && side_filter.is_none_or(|s| side(*id) == s))
            .map(|(_, v)| *v)
            .collect()
    }

    fn count(&self, drive: Drive, zone: Zone, s: Side) -> u32 {
        self.drives
            .iter()
            .filter(|((id, d), z)| *d == drive && **z == zone && side(*id) == s)
            .count() as u32
    }

    /// Who called `drive` necessary, in joining order.
    fn necessary(&self, drive: Drive) -> Vec<&'static str> {
        self.drives
            .iter()
            .filter(|((_, d), z)| *d == drive && **z == Zone::Necessary)
            .map(|((id, _), _)| name(*id))
            .collect()
    }

    fn gap(&self, pillar: Pillar) -> Option<f64> {
        let n = spread(&self.pillar_values(pillar, Some(Side::Network)))?;
        let m = spread(&self.pillar_values(pillar, Some(Side::Management)))?;
        Some(n.0 - m.0)
    }

    /// The weakest pillars: every pillar whose overall median is at most the third lowest.
    fn weak(&self) -> Vec<Pillar> {
        let medians: Vec<(Pillar, f64)> = Pillar::ALL
            .into_iter()
            .filter_map(|p| spread(&self.pillar_values(p, None)).map(|s| (p, s.0)))
            .collect();
        let mut sorted: Vec<f64> = medians.iter().map(|(_, m)| *m).collect();
        sorted.sort_by(f64::total_cmp);
        let cut = sorted[2.min(sorted.len() - 1)];
        medians
            .into_iter()
            .filter(|(_, m)| *m <= cut)
            .map(|(p, _)| p)
            .collect()
    }

    /// The harvest page's facts as they should read.
    fn facts(&self) -> Facts {
        let mut f = Facts {
            title: TITLE.into(),
            ambition: AMBITION.into(),
            goals: GOALS.map(str::to_owned).to_vec(),
            ..Facts::default()
        };
        let weak = self.weak();
        for drive in Drive::ALL {
            let d = drive.index();
            for zone in Zone::ALL {
                f.tallies.insert(
                    format!("{d}-{}", zone.index()),
                    [
                        Some(self.count(drive, zone, Side::Network)),
                        Some(self.count(drive, zone, Side::Management)),
                    ],
                );
            }
            let names = self.necessary(drive);
            if !names.is_empty() {
                f.signals.insert(
                    d.to_string(),
                    format!("! Noodzakelijk voor: {}", names.join(", ")),
                );
                f.signal_items.insert(
                    d.to_string(),
                    format!("{} · {}", drive.dutch(), names.join(", ")),
                );
            }
        }
        for pillar in Pillar::ALL {
            let p = pillar.index();
            for s in Side::ALL {
                let text = match spread(&self.pillar_values(pillar, Some(s))) {
                    Some((median, min, max)) => format!("{} ({min}–{max})", number(median)),
                    None => "–".into(),
                };
                f.medians.insert(format!("{p}-{}", side_key(s)), text);
            }
            let gap = match self.gap(pillar) {
                Some(g) => format!("{}{}", if g > 0.0 { "+" } else { "" }, number(g)),
                None => "–".into(),
            };
            f.gaps.insert(p.to_string(), gap);
            f.weak
                .insert(p.to_string(), weak.contains(&pillar).to_string());
        }
        f.insights = insights()
            .into_iter()
            .map(|(id, text, tag, _)| (id.to_string(), [Some(text.into()), Some(tag.into())]))
            .collect();
        f.actions = actions()
            .into_iter()
            .map(|a| {
                (
                    a.id.to_string(),
                    [
                        Some(a.what.into()),
                        Some(a.who.into()),
                        Some(a.due.unwrap_or("geen datum").into()),
                        a.tag.map(str::to_owned),
                    ],
                )
            })
            .collect();
        f.reflections = REFLECTIONS
            .iter()
            .map(|(id, text)| (id.to_string(), format!("{}: {text}", name(*id))))
            .collect();
        f
    }
}

/// The insight cards: (id, text, the tag naming what it is about, the step it was written in).
fn insights() -> [(u32, &'static str, &'static str, &'static str); 2] {
    [
        (1, INSIGHT_DRIVES, "Zingeving", "Drijfveren"),
        (2, INSIGHT_PILLARS, "Tijd", "Innoveren & Samen leren"),
    ]
}

struct ExpectedAction {
    id: u32,
    what: &'static str,
    who: &'static str,
    owners: Vec<u32>,
    other: &'static str,
    due: Option<&'static str>,
    tag: Option<&'static str>,
    answers: Option<Need>,
    author: Option<u32>,
}

fn actions() -> [ExpectedAction; 3] {
    [
        ExpectedAction {
            id: 1,
            what: ACTION_FACILITATOR,
            who: "Anna, Fenna, HR-adviseur",
            owners: vec![ANNA, 6],
            other: "HR-adviseur",
            due: Some("2026-03-15"),
            tag: Some("“Tijd voor leren ontbreekt in de roosters”"),
            answers: Some(Need::Insight(InsightId(2))),
            author: None,
        },
        ExpectedAction {
            id: 2,
            what: ACTION_BRAM,
            who: "Bram",
            owners: vec![BRAM],
            other: "",
            due: Some("2026-04-01"),
            tag: Some("Autonomie"),
            answers: Some(Need::Drive(Drive::Autonomy)),
            author: Some(BRAM),
        },
        ExpectedAction {
            id: 3,
            what: ACTION_CARLA,
            who: "Carla",
            owners: vec![3],
            other: "",
            due: None,
            tag: None,
            answers: None,
            author: Some(3),
        },
    ]
}

/// What a harvest page shows, read in one go (see [`HARVEST_FACTS`]).
#[derive(Debug, Default, Deserialize, PartialEq)]
struct Facts {
    title: String,
    ambition: String,
    goals: Vec<String>,
    /// "drive-zone" → [network, management].
    tallies: BTreeMap<String, [Option<u32>; 2]>,
    /// drive → the signal's text in the drive results.
    signals: BTreeMap<String, String>,
    /// drive → the line in the list of signals.
    signal_items: BTreeMap<String, String>,
    /// "pillar-side" → "median (min–max)".
    medians: BTreeMap<String, String>,
    gaps: BTreeMap<String, String>,
    /// pillar → "true" / "false".
    weak: BTreeMap<String, String>,
    /// id → [text, tag].
    insights: BTreeMap<String, [Option<String>; 2]>,
    /// id → [what, who, due, tag].
    actions: BTreeMap<String, [Option<String>; 4]>,
    /// participant → "Name: text".
    reflections: BTreeMap<String, String>,
    /// How many placed dots the pictures of the boards show: [drives, pillars].
    #[serde(default)]
    pictures: [u32; 2],
}

/// Reads the harvest page into [`Facts`].
const HARVEST_FACTS: &str = r#"
    const root = document.querySelector('[data-testid="harvest"]');
    if (!root) throw new Error('no harvest on this page');
    const text = (el) => el ? el.textContent.trim() : null;
    const pick = (re, f) => {
        const out = {};
        for (const el of root.querySelectorAll('[data-testid]')) {
            const m = el.dataset.testid.match(re);
            if (m) out[m[1]] = f(el);
        }
        return out;
    };
    const pictures = root.querySelector('.board-pictures');
    if (!pictures) throw new Error('no board pictures');
    const drives = [...pictures.querySelectorAll(
        '[data-testid="drives-board"] [data-testid^="dot-"], [data-testid="drives-board"] [data-testid^="own-dot-"]')]
        .filter((el) => ['1', '2', '3'].includes(el.dataset.slot)).length;
    const pillars = [...pictures.querySelectorAll(
        '[data-testid="pillars-board"] [data-testid^="dot-"], [data-testid="pillars-board"] [data-testid^="own-dot-"]')]
        .filter((el) => (el.dataset.strength ?? '') !== '').length;
    return {
        title: text(root.querySelector('[data-testid="harvest-title"]')),
        ambition: text(root.querySelector('[data-testid="ambition"] p')),
        goals: [text(root.querySelector('[data-testid="goal-1"] p')),
                text(root.querySelector('[data-testid="goal-2"] p'))],
        tallies: pick(/^tally-(\d+-\d+)$/, (el) => ['network', 'management'].map((s) => {
            const n = Number(el.querySelector(`.tally[data-side="${s}"]`)?.textContent);
            return Number.isFinite(n) ? n : null;
        })),
        signals: pick(/^signal-(\d+)$/, text),
        signal_items: pick(/^signal-item-(\d+)$/, text),
        medians: pick(/^median-(\d+-\w+)$/, text),
        gaps: pick(/^gap-(\d+)$/, text),
        weak: pick(/^pillar-result-(\d+)$/, (el) => el.dataset.weak),
        insights: pick(/^insight-(\d+)$/, (el) =>
            [text(el.querySelector('.insight-text')), text(el.querySelector('.tag'))]),
        actions: pick(/^action-(\d+)$/, (el) => [
            text(el.querySelector('.action-what')), text(el.querySelector('.who')),
            text(el.querySelector('.due')), text(el.querySelector('.tag'))]),
        reflections: pick(/^reflection-(\d+)$/, text),
        pictures: [drives, pillars],
    };
"#;

/// Compares one part of the facts, naming it and both values when they differ.
fn same<T: PartialEq + Debug>(errors: &mut Vec<String>, what: &str, got: &T, want: &T) {
    if got != want {
        errors.push(format!("{what}:\n     got {got:?}\n    want {want:?}"));
    }
}

/// Waits until `browser`'s harvest shows exactly `want`; fails listing every difference.
async fn check_harvest(browser: &Browser, want: &Facts) -> Result<()> {
    browser.wait_for(&tid("harvest")).await?;
    let started = Instant::now();
    let last = loop {
        let got: Facts = serde_json::from_value(browser.js(HARVEST_FACTS).await?)
            .with_context(|| format!("{}: reading the harvest", browser.label()))?;
        let mut errors = Vec::new();
        same(&mut errors, "title", &got.title, &want.title);
        same(&mut errors, "ambition", &got.ambition, &want.ambition);
        same(&mut errors, "goals", &got.goals, &want.goals);
        same(&mut errors, "tallies", &got.tallies, &want.tallies);
        same(
            &mut errors,
            "signals in the drive results",
            &got.signals,
            &want.signals,
        );
        same(
            &mut errors,
            "the list of signals",
            &got.signal_items,
            &want.signal_items,
        );
        same(&mut errors, "medians", &got.medians, &want.medians);
        same(&mut errors, "gaps", &got.gaps, &want.gaps);
        same(&mut errors, "weak pillars", &got.weak, &want.weak);
        same(&mut errors, "insights", &got.insights, &want.insights);
        same(&mut errors, "actions", &got.actions, &want.actions);
        same(
            &mut errors,
            "reflections",
            &got.reflections,
            &want.reflections,
        );
        same(
            &mut errors,
            "dots in the board pictures",
            &got.pictures,
            &want.pictures,
        );
        if errors.is_empty() {
            return Ok(());
        }
        if started.elapsed() > TIMEOUT {
            break errors;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    anyhow::bail!(
        "{}: the harvest differs from what was done:\n  {}",
        browser.label(),
        last.join("\n  ")
    )
}

/// The room link shown in the input `testid` on the start page, as a path on this server.
async fn link_path(browser: &Browser, base: &str, testid: &str) -> Result<String> {
    let url = browser
        .find_css(&tid(testid))
        .await?
        .prop("value")
        .await?
        .with_context(|| format!("no value in {testid}"))?;
    let path = url
        .strip_prefix(base)
        .with_context(|| format!("{testid} is not on this server: {url}"))?;
    Ok(path.to_string())
}

/// `/r/{room}#k={key}` → (room, key).
fn room_and_key(path: &str) -> Result<(String, String)> {
    let rest = path.strip_prefix("/r/").context("not a room link")?;
    let (room, key) = rest.split_once("#k=").context("no key in the link")?;
    Ok((room.to_string(), key.to_string()))
}

/// How many dots `id` has placed on the board of the current step, as the facilitator's people
/// list counts them.
async fn wait_placed(facilitator: &Browser, id: u32, n: usize) -> Result<()> {
    facilitator
        .wait_for_text(&tid(&format!("placed-{id}")), &format!("{n}/8"))
        .await?;
    Ok(())
}

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

#[test]
fn a_whole_session_from_create_to_close_and_its_harvest() -> Result<()> {
    run(
        "a_whole_session_from_create_to_close_and_its_harvest",
        |h| async move {
            let started = Instant::now();
            // The facilitator prepares the session on the start page.
            let facilitator = h.browser("facilitator", Viewport::DESKTOP).await?;
            facilitator.goto("/").await?;
            type_into(&facilitator, &tid("create-title"), TITLE).await?;
            type_into(&facilitator, &tid("create-ambition"), AMBITION).await?;
            type_into(&facilitator, &tid("create-goal-1"), GOALS[0]).await?;
            type_into(&facilitator, &tid("create-goal-2"), GOALS[1]).await?;
            click(&facilitator, &tid("create-submit")).await?;
            facilitator.wait_for(&tid("created")).await?;
            let facilitator_link = link_path(&facilitator, h.base(), "link-facilitator").await?;
            let join_link = link_path(&facilitator, h.base(), "link-join").await?;
            let screen_link = link_path(&facilitator, h.base(), "link-screen").await?;
            let (room, join_key) = room_and_key(&join_link)?;
            let (_, facilitator_key) = room_and_key(&facilitator_link)?;
            facilitator.goto(&facilitator_link).await?;
            facilitator.wait_for(&tid("facilitator-panel")).await?;
            let screen = h.browser("screen", Viewport::SCREEN).await?;
            screen.goto(&screen_link).await?;
            wait_attr(&screen, &tid("room"), "data-role", "screen").await?;

            // Anna (laptop, mouse) and Bram (phone, finger and keyboard) join in their browsers;
            // six more over the protocol, from the shared screen's page.
            let anna = h.browser("anna", Viewport::DESKTOP).await?;
            ensure!(join(&anna, &join_link, "Anna", "network").await? == ANNA);
            let bram = h.browser("bram-phone", Viewport::PHONE).await?;
            ensure!(join(&bram, &join_link, "Bram", "management").await? == BRAM);
            let mut remotes: BTreeMap<u32, Remote> = BTreeMap::new();
            for (i, (who, s)) in PEOPLE.iter().enumerate().skip(2) {
                let remote = Remote::join(&screen, &room, &join_key, who, *s).await?;
                ensure!(
                    remote.id as usize == i + 1,
                    "{who} got id {} in joining order {}",
                    remote.id,
                    i + 1
                );
                remotes.insert(remote.id, remote);
            }
            facilitator
                .wait_for_text(&tid("side-network"), "4/4")
                .await?;
            facilitator
                .wait_for_text(&tid("side-management"), "4/4")
                .await?;
            let everyone = [&facilitator, &screen, &anna, &bram];

            // Step 1, Ambitie, then step 2, Drijfveren.
            click(&facilitator, &tid("next-step")).await?;
            wait_phase(&everyone, "ambition").await?;
            screen.wait_for_text(&tid("ambition"), AMBITION).await?;
            click(&facilitator, &tid("next-step")).await?;
            wait_phase(&everyone, "drives").await?;

            let mut expected = Expected::default();
            let mouse = DragOptions::default();
            let finger = DragOptions {
                steps: 12,
                ..DragOptions::touch()
            };
            // Anna by mouse: Zingeving noodzakelijk, Impact belangrijk, Duurzaamheid neutraal.
            for (drive, zone) in [
                (Drive::Meaning, Zone::Necessary),
                (Drive::Impact, Zone::Important),
                (Drive::Sustainability, Zone::Neutral),
            ] {
                let slot = zone.index() as u8 + 1;
                drag_drive(&anna, drive.index(), slot, mouse).await?;
                wait_attr(
                    &anna,
                    &tid(&format!("own-dot-d{}", drive.index())),
                    "data-slot",
                    &slot.to_string(),
                )
                .await?;
                expected.drives.insert((ANNA, drive), zone);
            }
            // Bram by finger: Zingeving belangrijk; by keyboard: Autonomie noodzakelijk.
            drag_drive(&bram, Drive::Meaning.index(), 2, finger).await?;
            wait_attr(&bram, &tid("own-dot-d0"), "data-slot", "2").await?;
            expected
                .drives
                .insert((BRAM, Drive::Meaning), Zone::Important);
            key_drive(&bram, Drive::Autonomy.index(), 1).await?;
            wait_attr(&bram, &tid("own-dot-d2"), "data-slot", "1").await?;
            expected
                .drives
                .insert((BRAM, Drive::Autonomy), Zone::Necessary);
            // The other six over the protocol.
            for (id, drive, zone) in REMOTE_DRIVES {
                remotes[&id]
                    .commands(
                        &screen,
                        &[Command::PlaceDrive {
                            drive,
                            zone: Some(zone),
                        }],
                    )
                    .await?;
                expected.drives.insert((id, drive), zone);
            }
            // The facilitator writes an insight card about a drive.
            type_into(&facilitator, &tid("insight-text"), INSIGHT_DRIVES).await?;
            select_value(&facilitator, &tid("insight-about"), "drive:0").await?;
            click(&facilitator, &tid("insight-add")).await?;
            for browser in everyone {
                wait_text_content(browser, &tid("insight-text-1"), INSIGHT_DRIVES).await?;
            }
            for id in 1..=8u32 {
                let n = expected.drives.keys().filter(|(who, _)| *who == id).count();
                wait_placed(&facilitator, id, n).await?;
            }

            // Step 3, Innoveren & Samen leren.
            click(&facilitator, &tid("next-step")).await?;
            wait_phase(&everyone, "pillars").await?;
            // Anna by mouse: Tijd near the rim, Communicatie towards the core; where exactly they
            // land is read back from her screen.
            drag_pillar(&anna, ANNA, Pillar::Time.index(), 0.85, mouse).await?;
            drag_pillar(&anna, ANNA, Pillar::Communication.index(), 0.4, mouse).await?;
            // Bram by keyboard, in steps of 5 from 50: Tijd 20, Samenwerking 70, Capaciteit 40.
            for (pillar, ups, value) in [
                (Pillar::Time, -6, 20u8),
                (Pillar::Collaboration, 4, 70),
                (Pillar::Capacity, -2, 40),
            ] {
                key_pillar(&bram, pillar.index(), ups).await?;
                wait_attr(
                    &bram,
                    &tid(&format!("own-dot-{BRAM}-p{}", pillar.index())),
                    "data-strength",
                    &value.to_string(),
                )
                .await?;
                expected.pillars.insert((BRAM, pillar), value);
            }
            for (id, pillar, value) in REMOTE_PILLARS {
                let strength = Strength::new(value).context("a strength")?;
                remotes[&id]
                    .commands(
                        &screen,
                        &[Command::PlacePillar {
                            pillar,
                            strength: Some(strength),
                        }],
                    )
                    .await?;
                expected.pillars.insert((id, pillar), value);
            }
            type_into(&facilitator, &tid("insight-text"), INSIGHT_PILLARS).await?;
            select_value(&facilitator, &tid("insight-about"), "pillar:4").await?;
            click(&facilitator, &tid("insight-add")).await?;
            for browser in everyone {
                wait_text_content(browser, &tid("insight-text-2"), INSIGHT_PILLARS).await?;
            }
            // Anna's two strengths, once the facilitator has them too.
            for pillar in [Pillar::Time, Pillar::Communication] {
                let own = tid(&format!("own-dot-{ANNA}-p{}", pillar.index()));
                let value = koersbord_e2e::wait_some(
                    &format!("Anna's {} to be placed", pillar.dutch()),
                    TIMEOUT,
                    || async {
                        let v = attr(&anna, &own, "data-strength")
                            .await?
                            .unwrap_or_default();
                        let theirs = attr(
                            &facilitator,
                            &tid(&format!("dot-{ANNA}-p{}", pillar.index())),
                            "data-strength",
                        )
                        .await
                        .ok()
                        .flatten();
                        Ok((!v.is_empty() && theirs.as_deref() == Some(v.as_str()))
                            .then(|| v.parse::<u8>().ok())
                            .flatten())
                    },
                )
                .await?;
                expected.pillars.insert((ANNA, pillar), value);
            }
            ensure!(
                expected.pillars[&(ANNA, Pillar::Time)] <= 35
                    && expected.pillars[&(ANNA, Pillar::Communication)] >= 55,
                "Anna's drops landed far from where she let go: {:?}",
                expected.pillars
            );
            for id in 1..=8u32 {
                let n = expected
                    .pillars
                    .keys()
                    .filter(|(who, _)| *who == id)
                    .count();
                wait_placed(&facilitator, id, n).await?;
            }
            println!("pillar strengths: {:?}", expected.pillars);

            // Step 4, Inzicht naar Actie: everyone sees the signals, the weak pillars, the
            // insights and the actions.
            click(&facilitator, &tid("next-step")).await?;
            wait_phase(&everyone, "actions").await?;
            let facts = expected.facts();
            let weak: Vec<String> = expected
                .weak()
                .iter()
                .map(|p| format!("weak-{}", p.index()))
                .collect();
            let signal_items: Vec<String> = facts
                .signal_items
                .keys()
                .map(|d| format!("signal-item-{d}"))
                .collect();
            for browser in everyone {
                for css in ["signals", "weak-pillars", "insights", "actions-panel"] {
                    browser.wait_for(&tid(css)).await?;
                }
                let shown = browser
                    .js(r#"return {
                        weak: [...document.querySelectorAll('[data-testid="weak-pillars"] [data-testid^="weak-"]')].map(e => e.dataset.testid),
                        signals: [...document.querySelectorAll('[data-testid="signals"] [data-testid^="signal-item-"]')].map(e => e.dataset.testid),
                    }"#)
                    .await?;
                ensure!(
                    shown["weak"] == json!(weak) && shown["signals"] == json!(signal_items),
                    "{} shows {shown}; want weak {weak:?}, signals {signal_items:?}",
                    browser.label()
                );
            }
            for (d, line) in &facts.signal_items {
                wait_text_content(&screen, &tid(&format!("signal-item-{d}")), line).await?;
            }
            // Before the close, the harvest is the facilitator's only.
            ensure!(
                anna.find_all(Locator::Css(&tid("open-harvest")))
                    .await?
                    .is_empty(),
                "a participant can open the harvest before the close"
            );

            // The facilitator's action: two participants and someone else, a date, and the
            // insight it answers.
            let [first, bram_action, carla_action] = actions();
            type_into(&facilitator, &tid("action-what"), first.what).await?;
            click(&facilitator, &tid(&format!("action-owner-{ANNA}"))).await?;
            click(&facilitator, &tid("action-owner-6")).await?;
            type_into(&facilitator, &tid("action-other"), first.other).await?;
            set_value(
                &facilitator,
                &tid("action-due"),
                first.due.context("a date")?,
            )
            .await?;
            select_value(&facilitator, &tid("action-answers"), "insight:2").await?;
            click(&facilitator, &tid("action-submit")).await?;
            for browser in everyone {
                wait_text_content(browser, &tid("action-what-1"), first.what).await?;
            }
            // Bram's own contribution: the form names him already.
            bram.wait_for(&tid("action-form")).await?;
            for id in 1..=8u32 {
                let checked = bram
                    .find_css(&tid(&format!("action-owner-{id}")))
                    .await?
                    .prop("checked")
                    .await?;
                ensure!(
                    (checked.as_deref() == Some("true")) == (id == BRAM),
                    "Bram's form ticks participant {id}: {checked:?}"
                );
            }
            type_into(&bram, &tid("action-what"), bram_action.what).await?;
            set_value(
                &bram,
                &tid("action-due"),
                bram_action.due.context("a date")?,
            )
            .await?;
            select_value(&bram, &tid("action-answers"), "drive:2").await?;
            // Enter in the text field sends the form. (A tap on the button would do too, but on
            // this phone the page is wider than the screen, see the test below, and WebDriver's
            // emulated tap then lands beside the button.)
            focus(&bram, &tid("action-what")).await?;
            press(&bram, &[Key::Enter]).await?;
            // Carla's, over the protocol, without a date.
            remotes[&3]
                .commands(
                    &screen,
                    &[Command::AddAction {
                        action: ActionDraft {
                            what: carla_action.what.into(),
                            owners: vec![ParticipantId(3)],
                            other_owner: String::new(),
                            due: None,
                            answers: None,
                        },
                    }],
                )
                .await?;
            for browser in everyone {
                wait_text_content(browser, &tid("action-what-2"), bram_action.what).await?;
                wait_text_content(browser, &tid("action-what-3"), carla_action.what).await?;
            }

            // The close: reflections from two browsers and two over the protocol.
            click(&facilitator, &tid("next-step")).await?;
            wait_phase(&everyone, "close").await?;
            type_into(&anna, &tid("reflection-text"), REFLECTIONS[0].1).await?;
            click(&anna, &tid("reflection-save")).await?;
            type_into(&bram, &tid("reflection-text"), REFLECTIONS[1].1).await?;
            focus(&bram, &tid("reflection-save")).await?;
            press(&bram, &[Key::Enter]).await?;
            for (id, text) in &REFLECTIONS[2..] {
                remotes[id]
                    .commands(
                        &screen,
                        &[Command::SetReflection {
                            text: (*text).into(),
                        }],
                    )
                    .await?;
            }
            for (id, text) in REFLECTIONS {
                let line = format!("{}: {text}", name(id));
                wait_text_content(&screen, &tid(&format!("reflection-{id}")), &line).await?;
            }
            println!("session done after {:?}", started.elapsed());

            // The harvest, for the facilitator, for Anna from her own link, and on the shared
            // screen: every figure and text as it was done.
            let mut want = expected.facts();
            let drive_dots = expected.drives.len() as u32;
            let pillar_dots = expected.pillars.len() as u32;
            want.pictures = [drive_dots, pillar_dots];
            click(&facilitator, &tid("open-harvest")).await?;
            check_harvest(&facilitator, &want).await?;
            anna.goto("/").await?;
            anna.goto(&join_link).await?;
            wait_phase(&[&anna], "close").await?;
            ensure!(
                own_id(&anna, "Anna").await? == ANNA,
                "Anna came back as someone else"
            );
            click(&anna, &tid("open-harvest")).await?;
            check_harvest(&anna, &want).await?;
            click(&screen, &tid("open-harvest")).await?;
            check_harvest(&screen, &want).await?;

            // Exports, caught in the facilitator's page.
            downloads::capture(&facilitator).await?;
            for button in [
                "harvest-md",
                "harvest-actions-csv",
                "harvest-dots-csv",
                "harvest-json",
            ] {
                click(&facilitator, &tid(button)).await?;
            }
            let files = downloads::caught(&facilitator).await?;
            let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
            ensure!(
                names
                    == [
                        "oogst-wondzorg---directie.md",
                        "oogst-wondzorg---directie-acties.csv",
                        "oogst-wondzorg---directie-stippen.csv",
                        "oogst-wondzorg---directie.json",
                    ],
                "downloads: {names:?}"
            );
            let [md, actions_csv, dots_csv, json_file] = &files[..] else {
                anyhow::bail!("four downloads expected");
            };
            check_markdown(md, &expected)?;
            check_actions_csv(actions_csv)?;
            check_dots_csv(dots_csv, &expected)?;
            let exported = check_json(json_file, &expected)?;
            // The JSON is the state the server holds, as a fresh facilitator connection gets it.
            let welcome = send_commands(&facilitator, &room, &facilitator_key, None, &[]).await?;
            let on_server: RoomState = serde_json::from_value(welcome.state)?;
            ensure!(
                exported == on_server,
                "the exported JSON differs from the server's state:\n{exported:#?}\n---\n{on_server:#?}"
            );

            // The print button opens the browser's print dialog.
            facilitator
                .js("window.__e2ePrinted = 0; window.print = () => { window.__e2ePrinted += 1; };")
                .await?;
            click(&facilitator, &tid("harvest-print")).await?;
            ensure!(
                facilitator.js("return window.__e2ePrinted").await? == json!(1),
                "the print button did not call window.print"
            );

            // A past session stays readable: after a restart the facilitator's link, opened
            // anew, shows the same harvest.
            h.restart_server().await?;
            let later = h.browser("facilitator-later", Viewport::DESKTOP).await?;
            later.goto(&facilitator_link).await?;
            later.wait_for(&tid("facilitator-panel")).await?;
            wait_phase(&[&later], "close").await?;
            click(&later, &tid("open-harvest")).await?;
            check_harvest(&later, &want).await?;

            // That harvest printed to PDF (A4, as "Opslaan als PDF" would) holds the ambition,
            // every action and insight, the whole drive results table, and no buttons.
            let pdf = later.print(PrintConfiguration::default()).await?;
            check_pdf(&pdf, &expected)
                .with_context(|| format!("the PDF is in {}", save_pdf(&pdf).display()))?;
            println!(
                "whole session with harvest checks took {:?}",
                started.elapsed()
            );
            Ok(())
        },
    )
}

/// Keeps a printed PDF beside the failure screenshots.
fn save_pdf(pdf: &[u8]) -> std::path::PathBuf {
    let dir = koersbord_e2e::paths::screenshot_dir();
    let file = dir.join("a_whole_session_from_create_to_close_and_its_harvest.pdf");
    let _ = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, pdf));
    file
}

fn check_pdf(pdf: &[u8], expected: &Expected) -> Result<()> {
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
    needles.push("Uitkomsten Noodzakelijk Belangrijk Neutraal Zingeving".to_string());
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

fn check_markdown(file: &Download, expected: &Expected) -> Result<()> {
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
        let cell = |s: Side| match spread(&expected.pillar_values(pillar, Some(s))) {
            Some((median, min, max)) => format!("{median} ({min}–{max})"),
            None => "–".into(),
        };
        let gap = expected
            .gap(pillar)
            .map(|g| format!("{g:+}"))
            .unwrap_or_else(|| "–".into());
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
    for (_, text, _, step) in insights() {
        needles.push(format!("- {text} _({step})_"));
    }
    for a in actions() {
        needles.push(format!(
            "- **{}**: {} · {}",
            a.who,
            a.what,
            a.due.unwrap_or("geen datum")
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

fn check_actions_csv(file: &Download) -> Result<()> {
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

fn check_dots_csv(file: &Download, expected: &Expected) -> Result<()> {
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

fn check_json(file: &Download, expected: &Expected) -> Result<RoomState> {
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

/// Every element that reaches past the right edge of the screen while its parent does not: where
/// a page that scrolls sideways starts.
const STICKING_OUT: &str = r#"
    const edge = visualViewport.width + 1;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        const parent = el.parentElement?.getBoundingClientRect();
        if (r.right > edge && parent && parent.right <= edge) {
            out.push(`${el.tagName.toLowerCase()}[data-testid=${el.dataset.testid ?? ''}] ${Math.round(r.width)}px wide`);
        }
    }
    return {
        screen: visualViewport.width,
        layout: innerWidth,
        page: document.documentElement.scrollWidth,
        out,
    };
"#;

/// On a phone, Inzicht naar Actie fits the screen once an insight card exists (the "Antwoord op"
/// choice then lists the insight's text).
#[test]
fn inzicht_naar_actie_fits_a_phone() -> Result<()> {
    run("inzicht_naar_actie_fits_a_phone", |h| async move {
        let session = h.create_session(TITLE, AMBITION, GOALS).await?;
        let phone = h.browser("phone", Viewport::PHONE).await?;
        let link = koersbord_shared::protocol::room_link(&session.room, &session.join_key);
        join(&phone, &link, "Bram", "management").await?;
        let steps = [
            Command::GoToPhase {
                phase: Phase::Drives,
            },
            Command::AddInsight {
                text: INSIGHT_DRIVES.into(),
                about: Some(Need::Drive(Drive::Meaning)),
            },
            Command::GoToPhase {
                phase: Phase::Actions,
            },
        ];
        let out = send_commands(
            &phone,
            &session.room,
            &session.facilitator_key,
            None,
            &steps,
        )
        .await?;
        ensure!(
            out.replies.iter().all(|r| r["type"] == "ack"),
            "the facilitator's commands: {:?}",
            out.replies
        );
        wait_phase(&[&phone], "actions").await?;
        phone.wait_for(&tid("action-form")).await?;
        wait_text_content(&phone, &tid("insight-text-1"), INSIGHT_DRIVES).await?;
        let seen = phone.js(STICKING_OUT).await?;
        ensure!(
            seen["page"] == seen["screen"] && seen["layout"] == seen["screen"],
            "on a {} px wide phone the page is {} px wide (layout viewport {} px) and scrolls \
             sideways; sticking out: {}",
            seen["screen"],
            seen["page"],
            seen["layout"],
            seen["out"]
        );
        Ok(())
    })
}
