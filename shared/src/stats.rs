//! What the dots say, computed from the room's state: the drives tallied per side with every
//! "noodzakelijk" kept as a signal, and the pillars' strength per side with the gap between them.
//! The method's rule: not the majority but the motivation. A single "necessary" is never averaged
//! away, so signals list people, not percentages.

use crate::domain::{Drive, ParticipantId, Pillar, Side, Zone};
use crate::room::RoomState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many dots of one side lie in each zone of one drive, in the order of `Zone::ALL`.
pub type ZoneCounts = [u32; 3];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriveSummary {
    pub drive: Drive,
    pub counts: BTreeMap<Side, ZoneCounts>,
    /// Everyone who called this drive necessary: each one is a signal to talk about.
    pub necessary_by: Vec<ParticipantId>,
}

impl DriveSummary {
    pub fn count(&self, side: Side, zone: Zone) -> u32 {
        self.counts.get(&side).map_or(0, |c| c[zone.index()])
    }

    pub fn is_signal(&self) -> bool {
        !self.necessary_by.is_empty()
    }
}

pub fn drives(state: &RoomState) -> Vec<DriveSummary> {
    Drive::ALL
        .iter()
        .map(|&drive| {
            let mut counts: BTreeMap<Side, ZoneCounts> =
                Side::ALL.iter().map(|&s| (s, [0; 3])).collect();
            let mut necessary_by = Vec::new();
            for p in state.participants.values() {
                if let Some(zone) = p.drives.get(&drive) {
                    counts.entry(p.side).or_default()[zone.index()] += 1;
                    if *zone == Zone::Necessary {
                        necessary_by.push(p.id);
                    }
                }
            }
            DriveSummary {
                drive,
                counts,
                necessary_by,
            }
        })
        .collect()
}

/// The spread of one side's ratings of one pillar.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub count: usize,
    pub median: f64,
    pub min: u8,
    pub max: u8,
}

impl Spread {
    /// `None` for no ratings. The median of an even count is the mean of the middle two.
    pub fn of(values: &[u8]) -> Option<Spread> {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let (&min, &max) = (sorted.first()?, sorted.last()?);
        let mid = sorted.len() / 2;
        let median = if sorted.len() % 2 == 1 {
            f64::from(sorted[mid])
        } else {
            (f64::from(sorted[mid - 1]) + f64::from(sorted[mid])) / 2.0
        };
        Some(Spread {
            count: sorted.len(),
            median,
            min,
            max,
        })
    }

    pub fn range(&self) -> u8 {
        self.max - self.min
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PillarSummary {
    pub pillar: Pillar,
    pub by_side: BTreeMap<Side, Spread>,
    /// Both sides together.
    pub overall: Option<Spread>,
    /// Network's median minus management's, when both rated it: positive means the network sees
    /// the pillar as stronger than management does.
    pub gap: Option<f64>,
    /// Among the weakest pillars of this session: the ones to explore first.
    pub weak: bool,
}

/// How many pillars are marked weakest (more when tied).
pub const WEAKEST_COUNT: usize = 3;

pub fn pillars(state: &RoomState) -> Vec<PillarSummary> {
    let mut out: Vec<PillarSummary> = Pillar::ALL
        .iter()
        .map(|&pillar| {
            let values = |side: Option<Side>| -> Vec<u8> {
                state
                    .participants
                    .values()
                    .filter(|p| side.is_none_or(|s| p.side == s))
                    .filter_map(|p| p.pillars.get(&pillar).map(|s| s.value()))
                    .collect()
            };
            let by_side: BTreeMap<Side, Spread> = Side::ALL
                .iter()
                .filter_map(|&s| Spread::of(&values(Some(s))).map(|sp| (s, sp)))
                .collect();
            let gap = match (by_side.get(&Side::Network), by_side.get(&Side::Management)) {
                (Some(n), Some(m)) => Some(n.median - m.median),
                _ => None,
            };
            PillarSummary {
                pillar,
                overall: Spread::of(&values(None)),
                by_side,
                gap,
                weak: false,
            }
        })
        .collect();

    let mut medians: Vec<f64> = out
        .iter()
        .filter_map(|p| p.overall.map(|o| o.median))
        .collect();
    medians.sort_by(f64::total_cmp);
    if let Some(&cut) = medians.get(WEAKEST_COUNT.min(medians.len()).saturating_sub(1)) {
        for p in &mut out {
            p.weak = p.overall.is_some_and(|o| o.median <= cut);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Strength;
    use crate::room::{Participant, Setup};
    use proptest::prelude::*;

    fn person(state: &mut RoomState, id: u32, side: Side) -> &mut Participant {
        state
            .participants
            .entry(ParticipantId(id))
            .or_insert_with(|| Participant::new(ParticipantId(id), format!("p{id}"), side))
    }

    #[test]
    fn drives_are_tallied_per_side_and_zone() {
        let mut s = RoomState::new(Setup::default());
        person(&mut s, 1, Side::Network)
            .drives
            .insert(Drive::Impact, Zone::Important);
        person(&mut s, 2, Side::Network)
            .drives
            .insert(Drive::Impact, Zone::Important);
        person(&mut s, 3, Side::Management)
            .drives
            .insert(Drive::Impact, Zone::Neutral);
        let impact = &drives(&s)[Drive::Impact.index()];
        assert_eq!(impact.count(Side::Network, Zone::Important), 2);
        assert_eq!(impact.count(Side::Management, Zone::Neutral), 1);
        assert_eq!(impact.count(Side::Management, Zone::Important), 0);
        assert!(!impact.is_signal());
    }

    #[test]
    fn a_single_necessary_is_a_signal_whatever_the_majority() {
        let mut s = RoomState::new(Setup::default());
        for id in 1..=7 {
            person(&mut s, id, Side::ALL[id as usize % 2])
                .drives
                .insert(Drive::Autonomy, Zone::Neutral);
        }
        person(&mut s, 8, Side::Management)
            .drives
            .insert(Drive::Autonomy, Zone::Necessary);
        let autonomy = &drives(&s)[Drive::Autonomy.index()];
        assert!(autonomy.is_signal());
        assert_eq!(autonomy.necessary_by, vec![ParticipantId(8)]);
    }

    #[test]
    fn medians_spreads_and_the_gap_between_sides() {
        let mut s = RoomState::new(Setup::default());
        for (id, side, v) in [
            (1, Side::Network, 80),
            (2, Side::Network, 60),
            (3, Side::Management, 20),
            (4, Side::Management, 30),
            (5, Side::Management, 10),
        ] {
            person(&mut s, id, side)
                .pillars
                .insert(Pillar::Time, Strength::new(v).unwrap());
        }
        let time = &pillars(&s)[Pillar::Time.index()];
        assert_eq!(
            time.by_side[&Side::Network],
            Spread {
                count: 2,
                median: 70.0,
                min: 60,
                max: 80
            }
        );
        assert_eq!(
            time.by_side[&Side::Management],
            Spread {
                count: 3,
                median: 20.0,
                min: 10,
                max: 30
            }
        );
        assert_eq!(time.gap, Some(50.0));
        assert_eq!(time.overall.unwrap().median, 30.0);
    }

    #[test]
    fn no_ratings_no_numbers() {
        let s = RoomState::new(Setup::default());
        for p in pillars(&s) {
            assert!(p.by_side.is_empty() && p.overall.is_none() && p.gap.is_none() && !p.weak);
        }
    }

    #[test]
    fn the_three_weakest_pillars_are_marked() {
        let mut s = RoomState::new(Setup::default());
        for (i, pillar) in Pillar::ALL.iter().enumerate() {
            person(&mut s, 1, Side::Network)
                .pillars
                .insert(*pillar, Strength::new(10 * i as u8 + 5).unwrap());
        }
        let weak: Vec<Pillar> = pillars(&s)
            .iter()
            .filter(|p| p.weak)
            .map(|p| p.pillar)
            .collect();
        assert_eq!(
            weak,
            vec![
                Pillar::Communication,
                Pillar::Collaboration,
                Pillar::Capacity
            ]
        );
    }

    #[test]
    fn ties_at_the_cut_are_all_weak() {
        let mut s = RoomState::new(Setup::default());
        for pillar in Pillar::ALL {
            person(&mut s, 1, Side::Network)
                .pillars
                .insert(pillar, Strength::new(40).unwrap());
        }
        assert!(pillars(&s).iter().all(|p| p.weak));
    }

    proptest! {
        #[test]
        fn the_median_lies_between_min_and_max_and_ignores_order(mut values in prop::collection::vec(0u8..=100, 1..9)) {
            let a = Spread::of(&values).unwrap();
            prop_assert!(f64::from(a.min) <= a.median && a.median <= f64::from(a.max));
            prop_assert_eq!(a.count, values.len());
            values.reverse();
            prop_assert_eq!(Spread::of(&values), Some(a));
        }

        #[test]
        fn half_the_values_lie_on_each_side_of_the_median(values in prop::collection::vec(0u8..=100, 1..9)) {
            let m = Spread::of(&values).unwrap().median;
            let below = values.iter().filter(|v| f64::from(**v) <= m).count();
            let above = values.iter().filter(|v| f64::from(**v) >= m).count();
            prop_assert!(2 * below >= values.len() && 2 * above >= values.len());
        }

        #[test]
        fn tallies_count_every_placed_dot_once(zones in prop::collection::vec(prop::option::of(0usize..3), 8)) {
            let mut s = RoomState::new(Setup::default());
            for (i, z) in zones.iter().enumerate() {
                let p = person(&mut s, i as u32 + 1, Side::ALL[i % 2]);
                if let Some(z) = z {
                    p.drives.insert(Drive::Meaning, Zone::ALL[*z]);
                }
            }
            let meaning = &drives(&s)[0];
            let total: u32 = meaning.counts.values().flat_map(|c| c.iter()).sum();
            prop_assert_eq!(total as usize, zones.iter().flatten().count());
            prop_assert_eq!(meaning.necessary_by.len(), zones.iter().flatten().filter(|z| **z == 0).count());
        }

        #[test]
        fn the_gap_is_the_difference_of_the_side_medians(n in prop::collection::vec(0u8..=100, 1..5), m in prop::collection::vec(0u8..=100, 1..5)) {
            let mut s = RoomState::new(Setup::default());
            for (i, v) in n.iter().enumerate() {
                person(&mut s, i as u32 + 1, Side::Network).pillars.insert(Pillar::Time, Strength::new(*v).unwrap());
            }
            for (i, v) in m.iter().enumerate() {
                person(&mut s, i as u32 + 10, Side::Management).pillars.insert(Pillar::Time, Strength::new(*v).unwrap());
            }
            let time = &pillars(&s)[Pillar::Time.index()];
            let expected = Spread::of(&n).unwrap().median - Spread::of(&m).unwrap().median;
            prop_assert_eq!(time.gap, Some(expected));
            prop_assert!(time.weak, "the only rated pillar is among the weakest");
        }
    }
}
