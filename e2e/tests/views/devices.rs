//! A whole session on the devices people bring: a participant's phone (390 or 320 px wide, by
//! touch) and the facilitator's laptop (1366×768, leading by mouse), with seven more people over
//! the protocol. Every step is checked on both by `reach`.

use super::reach::{check_laptop, check_phone, settle};
use anyhow::{Result, ensure};
use koersbord_e2e::page::{click, join, tid, type_into, wait_attr, wait_phase};
use koersbord_e2e::remote::{Remote, send_commands};
use koersbord_e2e::{Browser, Harness, TIMEOUT, Viewport, wait_until};
use koersbord_shared::protocol::room_link;
use koersbord_shared::room::{ActionDraft, Command, Need};
use koersbord_shared::{Drive, ParticipantId, Pillar, Side, Strength, Zone};

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

async fn wait_count(page: &Browser, what: &str, css: &str, want: u64) -> Result<()> {
    let script = format!("return document.querySelectorAll('{css}').length");
    wait_until(what, TIMEOUT, || async {
        Ok(page.js(&script).await?.as_u64() == Some(want))
    })
    .await
}

pub async fn walk(h: Harness, phone_size: Viewport, check_the_laptop: bool) -> Result<()> {
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
    let anna = join(&phone, &room_link(&s.room, &s.join_key), "Anna", "network").await?;
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
        let places: Vec<Command> = Pillar::ALL
            .into_iter()
            .enumerate()
            .map(|(k, pillar)| Command::PlacePillar {
                pillar,
                strength: Strength::new(((i * 13 + k * 29) % 101) as u8),
            })
            .collect();
        p.commands(&laptop, &places).await?;
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
