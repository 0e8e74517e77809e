//! What moved between an earlier session and its follow-up: per drive the tally per side then and
//! now, with the signals ("noodzakelijk") that appeared or went; per pillar the median per side then
//! and now, with an arrow. Counts are shown as counts, never as shares: the group is small and may
//! be a different size each time, which the record's participant counts make visible.

use crate::domain::{Drive, Pillar, Side, Zone};
use crate::room::{RoomState, SessionSummary};
use crate::stats::{self, Spread, ZoneCounts};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A median must move at least this many points (of 0–100) to count as stronger or weaker: less
/// is within how precisely a dot is put down, and would draw arrows out of noise.
pub const MOVE_THRESHOLD: f64 = 10.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrow {
    Stronger,
    Weaker,
    Same,
}

/// The arrow from `then` to `now`; `None` when either side is missing (no ratings then or now).
pub fn arrow(then: Option<f64>, now: Option<f64>) -> Option<Arrow> {
    let delta = now? - then?;
    Some(if delta >= MOVE_THRESHOLD {
        Arrow::Stronger
    } else if delta <= -MOVE_THRESHOLD {
        Arrow::Weaker
    } else {
        Arrow::Same
    })
}

/// Whether a drive was a signal (someone called it necessary) then and now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalChange {
    Appeared,
    Gone,
    Kept,
    None,
}

impl SignalChange {
    pub fn of(then: bool, now: bool) -> SignalChange {
        match (then, now) {
            (false, true) => SignalChange::Appeared,
            (true, false) => SignalChange::Gone,
            (true, true) => SignalChange::Kept,
            (false, false) => SignalChange::None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriveMove {
    pub drive: Drive,
    /// Per side, the dots in each zone (order of `Zone::ALL`); every side is present, zeros when
    /// nobody of it rated the drive.
    pub then: BTreeMap<Side, ZoneCounts>,
    pub now: BTreeMap<Side, ZoneCounts>,
    pub signal: SignalChange,
}

impl DriveMove {
    /// How many called it necessary, then and now, over both sides.
    pub fn necessary(&self) -> (u32, u32) {
        let n =
            |c: &BTreeMap<Side, ZoneCounts>| c.values().map(|z| z[Zone::Necessary.index()]).sum();
        (n(&self.then), n(&self.now))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SideMove {
    pub then: Option<f64>,
    pub now: Option<f64>,
    pub arrow: Option<Arrow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PillarMove {
    pub pillar: Pillar,
    /// Both sides, always: a side that rated it neither then nor now has two `None`s.
    pub by_side: BTreeMap<Side, SideMove>,
}

fn all_sides(counts: Option<&BTreeMap<Side, ZoneCounts>>) -> BTreeMap<Side, ZoneCounts> {
    Side::ALL
        .iter()
        .map(|&s| (s, counts.and_then(|c| c.get(&s)).copied().unwrap_or([0; 3])))
        .collect()
}

/// Every drive in the method's order, `earlier` beside `now`.
pub fn drives(earlier: &SessionSummary, now: &RoomState) -> Vec<DriveMove> {
    stats::drives(now)
        .into_iter()
        .map(|d| {
            let then = all_sides(earlier.drives.get(&d.drive));
            let now = all_sides(Some(&d.counts));
            let necessary =
                |c: &BTreeMap<Side, ZoneCounts>| c.values().any(|z| z[Zone::Necessary.index()] > 0);
            DriveMove {
                drive: d.drive,
                signal: SignalChange::of(necessary(&then), necessary(&now)),
                then,
                now,
            }
        })
        .collect()
}

/// The median per side of one pillar in a record; absent for a side without ratings.
pub fn summary_medians(record: &SessionSummary, pillar: Pillar) -> BTreeMap<Side, f64> {
    record
        .pillars
        .get(&pillar)
        .into_iter()
        .flatten()
        .filter_map(|(&side, values)| Spread::of(values).map(|s| (side, s.median)))
        .collect()
}

/// Every pillar in the method's order, `earlier`'s medians beside `now`'s.
pub fn pillars(earlier: &SessionSummary, now: &RoomState) -> Vec<PillarMove> {
    stats::pillars(now)
        .into_iter()
        .map(|p| {
            let then = summary_medians(earlier, p.pillar);
            let by_side = Side::ALL
                .iter()
                .map(|&side| {
                    let then = then.get(&side).copied();
                    let now = p.by_side.get(&side).map(|s| s.median);
                    (
                        side,
                        SideMove {
                            then,
                            now,
                            arrow: arrow(then, now),
                        },
                    )
                })
                .collect();
            PillarMove {
                pillar: p.pillar,
                by_side,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
