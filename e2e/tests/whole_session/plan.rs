//! The session as planned: who takes part, which dots they place, the insight cards, actions and
//! reflections.

use koersbord_shared::room::{InsightId, Need};
use koersbord_shared::{Drive, Pillar, Side, Zone};

pub const TITLE: &str = "Wondzorg × directie";
pub const AMBITION: &str = "Samen leren we wondzorg dichter bij huis te brengen";
pub const GOALS: [&str; 2] = [
    "Elk team heeft een wondzorgexpert",
    "Kennis wordt maandelijks gedeeld",
];

/// Everyone at the table, in joining order (so `id` = position + 1). Anna and Bram have a browser.
pub const PEOPLE: [(&str, Side); 8] = [
    ("Anna", Side::Network),
    ("Bram", Side::Management),
    ("Carla", Side::Network),
    ("Daan", Side::Network),
    ("Eef", Side::Network),
    ("Fenna", Side::Management),
    ("Gijs", Side::Management),
    ("Hidde", Side::Management),
];
pub const ANNA: u32 = 1;
pub const BRAM: u32 = 2;

pub fn name(id: u32) -> &'static str {
    PEOPLE[id as usize - 1].0
}

pub fn side(id: u32) -> Side {
    PEOPLE[id as usize - 1].1
}

pub fn side_key(side: Side) -> &'static str {
    match side {
        Side::Network => "network",
        Side::Management => "management",
    }
}

/// Drive dots placed over the protocol: (participant, drive, zone). Hidde first calls
/// Saamhorigheid necessary and then only important: he must not end up among the signals.
pub const REMOTE_DRIVES: [(u32, Drive, Zone); 13] = [
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
pub const REMOTE_PILLARS: [(u32, Pillar, u8); 17] = [
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

pub const INSIGHT_DRIVES: &str = "Zingeving en autonomie drijven beide kanten";
pub const INSIGHT_PILLARS: &str = "Tijd voor leren ontbreekt in de roosters";
pub const ACTION_FACILITATOR: &str = "Leertijd inroosteren voor elke wondzorgexpert";
pub const ACTION_BRAM: &str = "Ik plan elk kwartaal een leeruur met mijn team";
pub const ACTION_CARLA: &str = "Ik deel elke maand een casus in het leernetwerk";
pub const REFLECTIONS: [(u32, &str); 4] = [
    (ANNA, "Helder en energiek; ik weet wat ik ga doen."),
    (BRAM, "Goed gesprek, graag over drie maanden een vervolg."),
    (4, "Fijn dat iedereen aan het woord kwam."),
    (7, "Wie bewaakt de acties?"),
];

/// The insight cards: (id, text, the tag naming what it is about, the step it was written in).
pub fn insights() -> [(u32, &'static str, &'static str, &'static str); 2] {
    [
        (1, INSIGHT_DRIVES, "Zingeving", "Drijfveren"),
        (2, INSIGHT_PILLARS, "Tijd", "Innoveren & Samen leren"),
    ]
}

/// An action as it should come out: what the form or command said and how the harvest names it.
pub struct ExpectedAction {
    pub id: u32,
    pub what: &'static str,
    /// The owners as the harvest lists them.
    pub who: &'static str,
    pub owners: Vec<u32>,
    pub other: &'static str,
    pub due: Option<&'static str>,
    /// The date as a person reads it (harvest, Markdown).
    pub due_text: Option<&'static str>,
    /// What the harvest shows it answers.
    pub tag: Option<&'static str>,
    pub answers: Option<Need>,
    pub author: Option<u32>,
}

pub fn actions() -> [ExpectedAction; 3] {
    [
        ExpectedAction {
            id: 1,
            what: ACTION_FACILITATOR,
            who: "Anna, Fenna, HR-adviseur",
            owners: vec![ANNA, 6],
            other: "HR-adviseur",
            due: Some("2026-03-15"),
            due_text: Some("15 maart 2026"),
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
            due_text: Some("1 april 2026"),
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
            due_text: None,
            tag: None,
            answers: None,
            author: Some(3),
        },
    ]
}
