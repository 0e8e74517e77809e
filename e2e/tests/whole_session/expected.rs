//! What the session should hold when it closes, and what a harvest page should show of it.

use crate::plan::{AMBITION, GOALS, REFLECTIONS, TITLE, actions, insights, name, side, side_key};
use koersbord_e2e::results::{gap_text, median_text, spread, weakest};
use koersbord_shared::{Drive, Pillar, Side, Zone};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What the session should hold when it closes, written down as it happens.
#[derive(Default)]
pub struct Expected {
    /// (participant, drive) → zone.
    pub drives: BTreeMap<(u32, Drive), Zone>,
    /// (participant, pillar) → strength.
    pub pillars: BTreeMap<(u32, Pillar), u8>,
}

impl Expected {
    pub fn pillar_values(&self, pillar: Pillar, side_filter: Option<Side>) -> Vec<u8> {
        self.pillars
            .iter()
            .filter(|((id, p), _)| *p == pillar && side_filter.is_none_or(|s| side(*id) == s))
            .map(|(_, v)| *v)
            .collect()
    }

    pub fn count(&self, drive: Drive, zone: Zone, s: Side) -> u32 {
        self.drives
            .iter()
            .filter(|((id, d), z)| *d == drive && **z == zone && side(*id) == s)
            .count() as u32
    }

    /// Who called `drive` necessary, in joining order.
    pub fn necessary(&self, drive: Drive) -> Vec<&'static str> {
        self.drives
            .iter()
            .filter(|((_, d), z)| *d == drive && **z == Zone::Necessary)
            .map(|((id, _), _)| name(*id))
            .collect()
    }

    pub fn gap(&self, pillar: Pillar) -> Option<f64> {
        let n = spread(&self.pillar_values(pillar, Some(Side::Network)))?;
        let m = spread(&self.pillar_values(pillar, Some(Side::Management)))?;
        Some(n.0 - m.0)
    }

    /// The weakest pillars: every pillar whose overall median is at most the third lowest.
    pub fn weak(&self) -> Vec<Pillar> {
        let medians: Vec<(Pillar, f64)> = Pillar::ALL
            .into_iter()
            .filter_map(|p| spread(&self.pillar_values(p, None)).map(|s| (p, s.0)))
            .collect();
        weakest(&medians)
    }

    /// The harvest page's facts as they should read.
    pub fn facts(&self) -> Facts {
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
                    format!("! Noodzakelijk volgens: {}", names.join(", ")),
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
                let text = median_text(&self.pillar_values(pillar, Some(s)));
                f.medians.insert(format!("{p}-{}", side_key(s)), text);
            }
            f.gaps.insert(p.to_string(), gap_text(self.gap(pillar)));
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
                        Some(a.due_text.unwrap_or("geen datum").into()),
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

/// What a harvest page shows, read in one go (see [`HARVEST_FACTS`]).
#[derive(Debug, Default, Deserialize, PartialEq)]
pub struct Facts {
    pub title: String,
    pub ambition: String,
    pub goals: Vec<String>,
    /// "drive-zone" → [network, management].
    pub tallies: BTreeMap<String, [Option<u32>; 2]>,
    /// drive → the signal's text in the drive results.
    pub signals: BTreeMap<String, String>,
    /// drive → the line in the list of signals.
    pub signal_items: BTreeMap<String, String>,
    /// "pillar-side" → "median (min–max)".
    pub medians: BTreeMap<String, String>,
    pub gaps: BTreeMap<String, String>,
    /// pillar → "true" / "false".
    pub weak: BTreeMap<String, String>,
    /// id → [text, tag].
    pub insights: BTreeMap<String, [Option<String>; 2]>,
    /// id → [what, who, due, tag].
    pub actions: BTreeMap<String, [Option<String>; 4]>,
    /// participant → "Name: text".
    pub reflections: BTreeMap<String, String>,
    /// How many placed dots the pictures of the boards show: [drives, pillars].
    #[serde(default)]
    pub pictures: [u32; 2],
}
