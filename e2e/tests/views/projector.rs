//! The shared screen through a whole session with eight people, every dot placed, insight cards,
//! results, actions and reflections: each step checked by `fit::check`, the lobby's QR and code
//! measured too.

use super::fit::check;
use anyhow::{Result, ensure};
use koersbord_e2e::page::{wait_count, wait_phase};
use koersbord_e2e::remote::{Remote, send_commands};
use koersbord_e2e::{Browser, Harness, Viewport};
use koersbord_shared::protocol::{SessionCreated, room_link};
use koersbord_shared::room::{ActionDraft, Command, InsightId, Need, Spotlight};
use koersbord_shared::{Board, Drive, ParticipantId, Phase, Pillar, Side, Zone};

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

const INSIGHTS: [&str; 4] = [
    "Zingeving drijft iedereen, maar het team voelt weinig ruimte",
    "Impact zien we pas als we het zichtbaar maken",
    "Tijd om te leren ontbreekt op de werkvloer",
    "Kennis blijft hangen in één team",
];

/// The facilitator's commands, sent from the screen's page over the protocol.
async fn lead(screen: &Browser, s: &SessionCreated, commands: &[Command]) -> Result<()> {
    let out = send_commands(screen, &s.room, &s.facilitator_key, None, commands).await?;
    ensure!(
        out.replies.iter().all(|r| r["type"] == "ack"),
        "the facilitator's commands: {:?}",
        out.replies
    );
    Ok(())
}

async fn go(screen: &Browser, s: &SessionCreated, phase: Phase) -> Result<()> {
    lead(screen, s, &[Command::GoToPhase { phase }]).await?;
    let name = format!("{phase:?}").to_lowercase();
    wait_phase(&[screen], &name).await
}

pub async fn walk(h: Harness, width: u32, height: u32) -> Result<()> {
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
    let viewport = Viewport {
        width,
        height,
        touch: false,
        pixel_ratio: 1.0,
    };
    let screen = h.browser(&format!("{width}x{height}"), viewport).await?;
    screen.goto(&room_link(&s.room, &s.screen_key)).await?;
    screen.wait_for("[data-testid=join-code]").await?;

    let mut people = Vec::new();
    for (name, side) in PEOPLE {
        people.push(Remote::join(&screen, &s.room, &s.join_key, name, side).await?);
    }
    wait_count(
        &screen,
        "everyone on the screen",
        "[data-testid=joined] li",
        8,
    )
    .await?;
    check(&screen, "lobby", width).await?;
    let lobby = screen
        .js(
            "const qr = document.querySelector('[data-testid=qr]').getBoundingClientRect();
             const code = document.querySelector('[data-testid=join-code]');
             return [qr.height, parseFloat(getComputedStyle(code).fontSize), innerHeight]",
        )
        .await?;
    let (qr, code, h_px) = (
        lobby[0].as_f64().unwrap_or(0.0),
        lobby[1].as_f64().unwrap_or(0.0),
        lobby[2].as_f64().unwrap_or(1.0),
    );
    ensure!(qr >= 0.4 * h_px, "the QR is {qr} px of {h_px}");
    ensure!(
        code >= 80.0 * f64::from(width) / 1920.0,
        "the code is {code} px"
    );

    go(&screen, &s, Phase::Ambition).await?;
    check(&screen, "ambition", width).await?;

    go(&screen, &s, Phase::Drives).await?;
    for (i, p) in people.iter().enumerate() {
        let places: Vec<Command> = Drive::ALL
            .into_iter()
            .enumerate()
            .map(|(d, drive)| Command::PlaceDrive {
                drive,
                zone: Some(Zone::ALL[(i + d * (i % 3 + 1)) % 3]),
            })
            .collect();
        p.commands(&screen, &places).await?;
    }
    wait_count(&screen, "64 drive dots", ".track .dot:not(.absent)", 64).await?;
    check(&screen, "drives", width).await?;
    let cards: Vec<Command> = INSIGHTS
        .iter()
        .map(|text| Command::AddInsight {
            text: (*text).into(),
            about: None,
        })
        .collect();
    lead(&screen, &s, &cards).await?;
    wait_count(
        &screen,
        "the newest insights",
        "[data-testid=insight-rail] li",
        3,
    )
    .await?;
    check(&screen, "drives-insights", width).await?;
    // The spotlight: one drive with everyone's name where they put it, then an insight card.
    let spot = |on| Command::SetSpotlight { on };
    lead(&screen, &s, &[spot(Some(Spotlight::Drive(Drive::ALL[1])))]).await?;
    wait_count(
        &screen,
        "eight names in the spotlight",
        "[data-testid^=spot-zone] .chip",
        8,
    )
    .await?;
    check(&screen, "spotlight-drive", width).await?;
    lead(&screen, &s, &[spot(Some(Spotlight::Insight(InsightId(1))))]).await?;
    wait_count(
        &screen,
        "the card in the spotlight",
        "[data-testid=spotlight][data-on=i1]",
        1,
    )
    .await?;
    check(&screen, "spotlight-insight", width).await?;
    lead(&screen, &s, &[spot(None)]).await?;
    wait_count(&screen, "the board again", "[data-testid=screen-board]", 1).await?;
    let show = |board| Command::SetResultsShown { board, shown: true };
    lead(&screen, &s, &[show(Board::Drives)]).await?;
    screen.wait_for("[data-testid=drive-results]").await?;
    check(&screen, "drives-results", width).await?;

    go(&screen, &s, Phase::Pillars).await?;
    for (i, p) in people.iter().enumerate() {
        p.commands(&screen, &super::spread_pillars(i)).await?;
    }
    wait_count(&screen, "64 pillar dots", ".radial-dot", 64).await?;
    check(&screen, "pillars", width).await?;
    lead(&screen, &s, &cards[2..]).await?;
    wait_count(
        &screen,
        "pillar insights",
        "[data-testid=insight-rail] li",
        2,
    )
    .await?;
    check(&screen, "pillars-insights", width).await?;
    lead(&screen, &s, &[spot(Some(Spotlight::Pillar(Pillar::Time)))]).await?;
    wait_count(
        &screen,
        "eight strengths in the spotlight",
        "[data-testid^=spot-side] .chip",
        8,
    )
    .await?;
    check(&screen, "spotlight-pillar", width).await?;
    lead(&screen, &s, &[spot(None)]).await?;
    lead(&screen, &s, &[show(Board::Pillars)]).await?;
    screen.wait_for("[data-testid=pillar-results]").await?;
    check(&screen, "pillars-results", width).await?;

    go(&screen, &s, Phase::Actions).await?;
    let actions: Vec<Command> = [
        (
            "Een wondzorgexpert per team aanwijzen",
            vec![1, 2],
            Some("2027-03-01"),
        ),
        ("Maandelijks kennisuur plannen", vec![3], Some("2027-02-15")),
        ("Tijd voor leren in de roosters", vec![6, 7], None),
        (
            "Resultaten zichtbaar maken op de afdeling",
            vec![4],
            Some("2027-04-01"),
        ),
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
    lead(&screen, &s, &actions).await?;
    wait_count(
        &screen,
        "four actions",
        "[data-testid=actions-panel] li.action",
        4,
    )
    .await?;
    check(&screen, "actions", width).await?;

    go(&screen, &s, Phase::Close).await?;
    for (p, text) in people.iter().take(5).zip([
        "Goed gesprek, helder wat we gaan doen",
        "Ik neem de roosters mee",
        "Fijn dat management luisterde",
        "Nog open: wie betaalt de scholing?",
        "Energie!",
    ]) {
        p.commands(&screen, &[Command::SetReflection { text: text.into() }])
            .await?;
    }
    wait_count(
        &screen,
        "five reflections",
        "[data-testid=reflections] li",
        5,
    )
    .await?;
    check(&screen, "close", width).await?;
    Ok(())
}
