//! A whole session on the devices people bring: a participant's phone (390 or 320 px wide, by
//! touch) and the facilitator's laptop (1366×768, leading by mouse), with seven more people over
//! the protocol. Every step is checked on both by `reach`.

use super::reach::{check_laptop, check_phone, settle};
use anyhow::{Result, ensure};
use koersbord_e2e::page::{click, join, tid, type_into, wait_attr, wait_count, wait_phase};
use koersbord_e2e::remote::{Remote, send_commands};
use koersbord_e2e::{Browser, Harness, Viewport};
use koersbord_shared::protocol::{join_link, room_link};
use koersbord_shared::room::{ActionDraft, Command, Need};
use koersbord_shared::{Drive, ParticipantId, Pillar, Side, Zone};

const OTHERS: [(&str, Side); 7] = [
    ("Bram", Side::Management),
    ("Carla", Side::Network),
    ("Daan", Side::Network),
    ("Eef", Side::Network),
    ("Fenna", Side::Management),
    ("Gijs", Side::Management),
    ("Hidde", Side::Management),
];

pub const LAPTOP: Viewport = Viewport {
    width: 1366,
    height: 768,
    touch: false,
    pixel_ratio: 1.0,
};

async fn next_step(laptop: &Browser, phone: &Browser, phase: &str) -> Result<()> {
    click(laptop, &tid("next-step")).await?;
    wait_phase(&[laptop, phone], phase).await
}

/// `english`: the phone and the laptop switch to English.
pub async fn walk(
    h: Harness,
    phone_size: Viewport,
    check_the_laptop: bool,
    english: bool,
) -> Result<()> {
    let s = h
        .create_session(
            "Wondzorg dichter bij huis",
            "Samen leren we wondzorg dichter bij huis te brengen, met de mensen die het doen",
            [
                "Elk team heeft een wondzorgexpert",
                "Kennis wordt maandelijks gedeeld",
            ],
        )
        .await?;
    let laptop = h.browser("laptop", LAPTOP).await?;
    laptop.goto(&room_link(&s.room, &s.facilitator_key)).await?;
    let label = format!("phone-{}", phone_size.width);
    let phone = h.browser(&label, phone_size).await?;
    let anna = join(&phone, &join_link(&s.room, &s.join_key), "Anna", "network").await?;
    if english {
        for page in [&phone, &laptop] {
            click(page, &tid("lang-switch")).await?;
            page.wait_for("html[lang=en]").await?;
        }
    }
    let mut others = Vec::new();
    for (name, side) in OTHERS {
        others.push(Remote::join(&laptop, &s.room, &s.join_key, name, side).await?);
    }
    wait_count(&laptop, "eight people", ".facilitator .person", 8).await?;
    let laptop_check = |step: &'static str| {
        let laptop = &laptop;
        async move {
            if check_the_laptop {
                check_laptop(laptop, step).await?;
            }
            Ok::<_, anyhow::Error>(())
        }
    };
    check_phone(&phone, "lobby").await?;
    laptop_check("lobby").await?;

    next_step(&laptop, &phone, "ambition").await?;
    // On a phone the ambition comes before the goals.
    let order = phone
        .js("const y = (id) => document.querySelector(`[data-testid=${id}]`).getBoundingClientRect().top;
             return y('ambition') < y('goal-1') && y('goal-1') < y('goal-2')")
        .await?;
    ensure!(order == true, "the ambition is not first on the phone");
    check_phone(&phone, "ambition").await?;
    laptop_check("ambition").await?;

    next_step(&laptop, &phone, "drives").await?;
    for (i, p) in others.iter().enumerate() {
        let places: Vec<Command> = Drive::ALL
            .into_iter()
            .enumerate()
            // Everyone in one zone for the first drive: eight dots that must not overlap.
            .map(|(d, drive)| Command::PlaceDrive {
                drive,
                zone: Some(if d == 0 {
                    Zone::Necessary
                } else {
                    Zone::ALL[(i + d) % 3]
                }),
            })
            .collect();
        p.commands(&laptop, &places).await?;
    }
    click(&phone, &tid("cell-0-1")).await?;
    wait_attr(&phone, &tid("own-dot-d0"), "data-confirmed", "true").await?;
    wait_attr(&phone, &tid("own-dot-d0"), "data-slot", "1").await?;
    wait_count(&laptop, "64 - 7 drive dots", ".track .dot:not(.absent)", 57).await?;
    settle(&phone).await?;
    no_two_dots_overlap(&phone, "[data-testid=drive-0] .track .dot").await?;
    check_phone(&phone, "drives").await?;
    management_dots_stand_out(&phone).await?;
    laptop_check("drives").await?;
    type_into(
        &laptop,
        &tid("quick-insight-text"),
        "Zingeving drijft iedereen",
    )
    .await?;
    click(&laptop, &tid("quick-insight-add")).await?;
    wait_count(
        &phone,
        "the insight on the phone",
        "[data-testid=insights] li.insight",
        1,
    )
    .await?;
    click(&laptop, &tid("toggle-results")).await?;
    phone.wait_for(&tid("drive-results")).await?;
    check_phone(&phone, "drives-results").await?;
    laptop_check("drives-results").await?;

    next_step(&laptop, &phone, "pillars").await?;
    for (i, p) in others.iter().enumerate() {
        p.commands(&laptop, &super::spread_pillars(i)).await?;
    }
    wait_count(&laptop, "56 pillar dots", ".radial-dot", 56).await?;
    check_phone(&phone, "pillars").await?;
    laptop_check("pillars").await?;
    click(&laptop, &tid("toggle-results")).await?;
    phone.wait_for(&tid("pillar-results")).await?;
    check_phone(&phone, "pillars-results").await?;
    laptop_check("pillars-results").await?;

    next_step(&laptop, &phone, "actions").await?;
    let actions: Vec<Command> = [
        (
            "Een wondzorgexpert per team aanwijzen",
            vec![anna, others[0].id],
            Some("2027-03-01"),
        ),
        (
            "Maandelijks kennisuur plannen",
            vec![others[1].id],
            Some("2027-02-15"),
        ),
        ("Tijd voor leren in de roosters", vec![others[5].id], None),
    ]
    .into_iter()
    .map(|(what, owners, due)| Command::AddAction {
        action: ActionDraft {
            what: what.into(),
            owners: owners.into_iter().map(ParticipantId).collect(),
            other_owner: String::new(),
            due: due.map(str::to_owned),
            answers: Some(Need::Pillar(Pillar::Time)),
        },
    })
    .collect();
    let out = send_commands(&laptop, &s.room, &s.facilitator_key, None, &actions).await?;
    ensure!(
        out.replies.iter().all(|r| r["type"] == "ack"),
        "{:?}",
        out.replies
    );
    wait_count(
        &phone,
        "three actions",
        "[data-testid=actions-panel] li.action",
        3,
    )
    .await?;
    // The phone's own action form is on the first screen of the step, not under everything else.
    let form_top = phone
        .js("return document.querySelector('[data-testid=action-form]').getBoundingClientRect().top")
        .await?;
    ensure!(
        form_top.as_f64().unwrap_or(f64::MAX) < f64::from(phone_size.height) * 1.5,
        "the action form is {form_top} px down the phone"
    );
    check_phone(&phone, "actions").await?;
    laptop_check("actions").await?;

    next_step(&laptop, &phone, "close").await?;
    others[1]
        .commands(
            &laptop,
            &[Command::SetReflection {
                text: "Goed gesprek, helder wat we gaan doen".into(),
            }],
        )
        .await?;
    check_phone(&phone, "close").await?;
    laptop_check("close").await?;
    Ok(())
}

/// No two of the dots matching `css` cover each other.
async fn no_two_dots_overlap(page: &Browser, css: &str) -> Result<()> {
    let script = format!(
        "const r = [...document.querySelectorAll('{css}')].map((e) => e.getBoundingClientRect())
            .filter((b) => b.width > 0);
         const hits = [];
         for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {{
            const a = r[i], b = r[j];
            if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) hits.push([i, j]);
         }}
         return [r.length, hits]"
    );
    let v = page.js(&script).await?;
    ensure!(
        v[0] == 8 && v[1] == serde_json::json!([]),
        "dots in one zone: {v}"
    );
    Ok(())
}

/// WCAG 1.4.11: a management dot's edge against the zone it lies in, computed from the page, is
/// at least 3:1 (the orange itself is too light for that).
async fn management_dots_stand_out(page: &Browser) -> Result<()> {
    let ratios = page
        .js(r#"
            const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
            const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255;
                return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
            const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
            return [...document.querySelectorAll('.track .dot.dot-management')].map((dot) => {
                const r = dot.getBoundingClientRect();
                const cell = document.elementsFromPoint(r.left + r.width / 2, r.top + r.height / 2)
                    .find((e) => e.classList.contains('cell'));
                return cell ? ratio(getComputedStyle(dot).borderTopColor, getComputedStyle(cell).backgroundColor) : 99;
            });
        "#)
        .await?;
    let ratios: Vec<f64> = serde_json::from_value(ratios)?;
    ensure!(!ratios.is_empty(), "no management dots to measure");
    let worst = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    ensure!(
        worst >= 3.0,
        "a management dot's edge is {worst:.2}:1 against its zone"
    );
    Ok(())
}
