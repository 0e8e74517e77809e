//! The vocabulary of the method: sides, drives, pillars, zones, phases and the limits the method sets.
//!
//! Names in code are English; the Dutch names are terms of the method and live in [`Drive::dutch`] and
//! friends, so every screen spells them the same way.

use serde::{Deserialize, Serialize};
use std::fmt;

/// At most this many participants per side: the method keeps the group small so everyone speaks.
pub const MAX_PER_SIDE: usize = 4;
/// At most this many participants in all.
pub const MAX_PARTICIPANTS: usize = 2 * MAX_PER_SIDE;

/// Which of the two groups at the table a participant speaks for. Each side has its own dot colour.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// *Leernetwerk*: the learning network.
    Network,
    /// *Management*.
    Management,
}

impl Side {
    pub const ALL: [Side; 2] = [Side::Network, Side::Management];

    pub fn dutch(self) -> &'static str {
        match self {
            Side::Network => "Leernetwerk",
            Side::Management => "Management",
        }
    }
}

/// A participant within one room. Small and sequential: rooms hold at most a handful of people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ParticipantId(pub u32);

/// Reads an id as a number, or as a number in a string: JSON map keys are always strings, and
/// inside a tagged message serde hands them over as such.
pub(crate) fn id_from_number_or_string<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<u32, D::Error> {
    struct Id;
    impl serde::de::Visitor<'_> for Id {
        type Value = u32;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an id (a number, or a number in a string)")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u32, E> {
            u32::try_from(v).map_err(E::custom)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u32, E> {
            u32::try_from(v).map_err(E::custom)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<u32, E> {
            v.parse().map_err(E::custom)
        }
    }
    d.deserialize_any(Id)
}

/// Declares `Deserialize` for a `u32` id newtype that may be a JSON map key.
macro_rules! id_deserialize {
    ($($id:ident),+) => {
        $(impl<'de> serde::Deserialize<'de> for $id {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::domain::id_from_number_or_string(d).map($id)
            }
        })+
    };
}
pub(crate) use id_deserialize;

id_deserialize!(ParticipantId);

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.0)
    }
}

/// Declares a fixed, ordered set of method terms with their Dutch names.
macro_rules! method_terms {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $dutch:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every term, in the method's order.
            pub const ALL: [$name; [$($name::$variant),+].len()] = [$($name::$variant),+];

            /// The method's own (Dutch) name for this term.
            pub fn dutch(self) -> &'static str {
                match self {
                    $($name::$variant => $dutch),+
                }
            }

            /// Position in the method's order, from 0.
            pub fn index(self) -> usize {
                self as usize
            }
        }
    };
}

method_terms! {
    /// The eight drives of step 2 (*Drijfveren*): what motivates people to realise the ambition.
    Drive {
        Meaning => "Zingeving",
        Togetherness => "Saamhorigheid",
        Autonomy => "Autonomie",
        CareQuality => "Kwaliteit van zorg",
        ResultOrientation => "Resultaatgerichtheid",
        Impact => "Impact",
        TeamDevelopment => "Teamontwikkeling",
        Sustainability => "Duurzaamheid",
    }
}

method_terms! {
    /// The eight pillars of step 3 (*Innoveren & Samen leren*): conditions for learning and innovating.
    Pillar {
        Communication => "Communicatie",
        Collaboration => "Samenwerking",
        Capacity => "Capaciteit",
        Resources => "Middelen",
        Time => "Tijd",
        Autonomy => "Autonomie",
        KnowledgeSharing => "Kennisdeling",
        Structure => "Structuur",
    }
}

method_terms! {
    /// How much a drive matters for realising the ambition. Order: strongest first.
    Zone {
        Necessary => "Noodzakelijk",
        Important => "Belangrijk",
        Neutral => "Neutraal",
    }
}

method_terms! {
    /// The steps of the conversation, in order. `Lobby` is before the meeting starts.
    Phase {
        Lobby => "Voorbereiding",
        /// Only in a follow-up: the earlier session's actions are reviewed (`room::follow_up`).
        Review => "Terugblik",
        Ambition => "Ambitie",
        Drives => "Drijfveren",
        Pillars => "Innoveren & Samen leren",
        Actions => "Inzicht naar Actie",
        Close => "Afsluiting",
    }
}

impl Phase {
    /// The method's time box for this step, in minutes; `None` where the method sets none.
    pub fn default_minutes(self) -> Option<u32> {
        match self {
            Phase::Review => Some(15),
            Phase::Ambition => Some(10),
            Phase::Drives => Some(20),
            Phase::Pillars => Some(30),
            Phase::Actions => Some(30),
            Phase::Lobby | Phase::Close => None,
        }
    }

    pub fn default_ms(self) -> u64 {
        u64::from(self.default_minutes().unwrap_or(0)) * 60_000
    }

    pub fn next(self) -> Option<Phase> {
        Phase::ALL.get(self.index() + 1).copied()
    }

    pub fn prev(self) -> Option<Phase> {
        self.index().checked_sub(1).map(|i| Phase::ALL[i])
    }

    /// The board on which dots are placed during this step, if any.
    pub fn board(self) -> Option<Board> {
        match self {
            Phase::Drives => Some(Board::Drives),
            Phase::Pillars => Some(Board::Pillars),
            _ => None,
        }
    }
}

/// The two dot boards.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Board {
    Drives,
    Pillars,
}

impl Board {
    pub const ALL: [Board; 2] = [Board::Drives, Board::Pillars];

    /// The step during which this board takes dots.
    pub fn phase(self) -> Phase {
        match self {
            Board::Drives => Phase::Drives,
            Board::Pillars => Phase::Pillars,
        }
    }
}

/// How strongly a pillar is developed in the organisation today: 0 is weak (the rim of the radial
/// board), 100 is strong (the core). Kept as a number so statistics never depend on pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Strength(u8);

impl Strength {
    pub const WEAKEST: Strength = Strength(0);
    pub const STRONGEST: Strength = Strength(100);

    pub fn new(value: u8) -> Option<Strength> {
        (value <= 100).then_some(Strength(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// Distance from the core as a fraction of the board's radius: 0.0 at the core, 1.0 at the rim.
    pub fn radius_fraction(self) -> f64 {
        1.0 - f64::from(self.0) / 100.0
    }

    /// The strength for a point at `fraction` of the radius from the core, clamped to the board.
    pub fn from_radius_fraction(fraction: f64) -> Strength {
        let clamped = if fraction.is_nan() {
            1.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        Strength((100.0 - clamped * 100.0).round() as u8)
    }
}

impl TryFrom<u8> for Strength {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Strength::new(value).ok_or_else(|| format!("strength {value} is above 100"))
    }
}

impl From<Strength> for u8 {
    fn from(s: Strength) -> u8 {
        s.0
    }
}

/// One dot a participant owns: one per drive and one per pillar.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "item", rename_all = "snake_case")]
pub enum DotRef {
    Drive(Drive),
    Pillar(Pillar),
}

impl DotRef {
    pub fn board(self) -> Board {
        match self {
            DotRef::Drive(_) => Board::Drives,
            DotRef::Pillar(_) => Board::Pillars,
        }
    }
}

/// Limits on free text, in characters. Shared so the client can warn before the server refuses.
pub mod limits {
    pub const NAME: usize = 40;
    pub const TITLE: usize = 120;
    pub const AMBITION: usize = 600;
    pub const GOAL: usize = 300;
    pub const INSIGHT: usize = 280;
    pub const ACTION: usize = 200;
    pub const REFLECTION: usize = 500;
    /// A short note on how an earlier action went (Terugblik).
    pub const REVIEW_NOTE: usize = 140;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_method_has_eight_drives_and_eight_pillars_in_its_order() {
        assert_eq!(Drive::ALL.len(), 8);
        assert_eq!(Pillar::ALL.len(), 8);
        assert_eq!(Drive::ALL[0].dutch(), "Zingeving");
        assert_eq!(Drive::ALL[7].dutch(), "Duurzaamheid");
        assert_eq!(Pillar::ALL[0].dutch(), "Communicatie");
        assert_eq!(Pillar::ALL[7].dutch(), "Structuur");
        for (i, d) in Drive::ALL.iter().enumerate() {
            assert_eq!(d.index(), i);
        }
    }

    #[test]
    fn phases_follow_the_method_with_its_time_boxes() {
        let minutes: Vec<_> = Phase::ALL.iter().map(|p| p.default_minutes()).collect();
        assert_eq!(
            minutes,
            [None, Some(15), Some(10), Some(20), Some(30), Some(30), None]
        );
        assert_eq!(Phase::Lobby.prev(), None);
        assert_eq!(Phase::Close.next(), None);
        assert_eq!(Phase::Drives.next(), Some(Phase::Pillars));
        assert_eq!(Phase::Drives.prev(), Some(Phase::Ambition));
        assert_eq!(Phase::Pillars.board(), Some(Board::Pillars));
        assert_eq!(Board::Drives.phase(), Phase::Drives);
    }

    #[test]
    fn caps_are_four_per_side_and_eight_in_all() {
        assert_eq!(MAX_PER_SIDE, 4);
        assert_eq!(MAX_PARTICIPANTS, 8);
    }

    #[test]
    fn strength_rejects_values_above_one_hundred() {
        assert!(Strength::new(100).is_some());
        assert!(Strength::new(101).is_none());
        assert!(serde_json::from_str::<Strength>("101").is_err());
        assert_eq!(serde_json::from_str::<Strength>("42").unwrap().value(), 42);
    }

    #[test]
    fn strength_maps_core_to_strong_and_rim_to_weak() {
        assert_eq!(Strength::from_radius_fraction(0.0), Strength::STRONGEST);
        assert_eq!(Strength::from_radius_fraction(1.0), Strength::WEAKEST);
        assert_eq!(Strength::from_radius_fraction(7.0), Strength::WEAKEST);
        assert_eq!(Strength::from_radius_fraction(f64::NAN), Strength::WEAKEST);
        assert_eq!(Strength::new(25).unwrap().radius_fraction(), 0.75);
    }

    #[test]
    fn wire_names_are_snake_case() {
        assert_eq!(
            serde_json::to_string(&Side::Network).unwrap(),
            "\"network\""
        );
        assert_eq!(
            serde_json::to_string(&Drive::CareQuality).unwrap(),
            "\"care_quality\""
        );
        assert_eq!(
            serde_json::to_string(&DotRef::Pillar(Pillar::KnowledgeSharing)).unwrap(),
            r#"{"kind":"pillar","item":"knowledge_sharing"}"#
        );
    }
}
