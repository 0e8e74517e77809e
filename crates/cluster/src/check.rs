//! The checks after a run, read straight from PostgreSQL: every acked drop is in the room's log
//! exactly once and in order, the log has no gaps, and no room was ever written by two hubs.

use crate::report::{ClientReport, Placement, Role};
use anyhow::Result;
use koersbord_shared::ParticipantId;
use koersbord_shared::room::Event;
use sqlx::postgres::PgPoolOptions;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// What the checks found; each list holds one line per problem.
#[derive(Debug, Default)]
pub struct Verdict {
    pub rooms: usize,
    pub events: usize,
    pub acked: usize,
    /// Drops still unanswered when the run ended (may or may not be in the log: both are fine).
    pub pending: usize,
    /// Acked drops missing, doubled or out of order in the log.
    pub exactly_once: Vec<String>,
    /// Seqs not running 1..n.
    pub seqs: Vec<String>,
    /// Events without a token, tokens going down, tokens without a hub in `lease_log`.
    pub fencing: Vec<String>,
    /// Rejections and errors the clients met (none are expected).
    pub clients: Vec<String>,
    /// Per room, the runs of its log: (token, hub, events).
    pub owners: BTreeMap<String, Vec<(Option<i64>, String, usize)>>,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.exactly_once.is_empty()
            && self.seqs.is_empty()
            && self.fencing.is_empty()
            && self.clients.is_empty()
    }

    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} rooms, {} events, {} acked drops, {} pending at the end\n",
            self.rooms, self.events, self.acked, self.pending
        );
        for (name, problems) in [
            ("exactly once", &self.exactly_once),
            ("seqs 1..n", &self.seqs),
            ("fencing", &self.fencing),
            ("clients", &self.clients),
        ] {
            let verdict = if problems.is_empty() { "ok" } else { "FAILED" };
            let _ = writeln!(out, "  {name}: {verdict} ({} problems)", problems.len());
            for p in problems.iter().take(5) {
                let _ = writeln!(out, "    {p}");
            }
        }
        for (room, runs) in &self.owners {
            let runs: Vec<String> = runs
                .iter()
                .map(|(t, hub, n)| format!("{}:{hub}×{n}", t.map_or("-".into(), |t| t.to_string())))
                .collect();
            let _ = writeln!(out, "  {room}: {}", runs.join(" "));
        }
        out
    }
}

pub async fn check(database_url: &str, reports: &[ClientReport]) -> Result<Verdict> {
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(database_url)
        .await?;
    let mut v = Verdict::default();
    let mut by_room: BTreeMap<&str, Vec<&ClientReport>> = BTreeMap::new();
    for r in reports {
        by_room.entry(&r.room).or_default().push(r);
        v.acked += r.acked.len();
        v.pending += usize::from(r.pending.is_some());
        for e in r.rejected.iter().chain(&r.errors) {
            v.clients.push(format!("{} {:?}: {e}", r.room, r.role));
        }
    }
    for (room, clients) in by_room {
        v.rooms += 1;
        let rows: Vec<(i64, String, Option<i64>)> =
            sqlx::query_as("SELECT seq, event, token FROM events WHERE room = $1 ORDER BY seq")
                .bind(room)
                .fetch_all(&pool)
                .await?;
        let hubs: HashMap<i64, String> =
            sqlx::query_as("SELECT token, hub FROM lease_log WHERE room = $1")
                .bind(room)
                .fetch_all(&pool)
                .await?
                .into_iter()
                .collect();
        v.events += rows.len();
        check_seqs(room, &rows, &mut v);
        check_fencing(room, &rows, &hubs, &mut v);
        let events: BTreeMap<u64, Event> = rows
            .iter()
            .filter_map(|(seq, json, _)| Some((*seq as u64, serde_json::from_str(json).ok()?)))
            .collect();
        for c in clients {
            if let Role::Participant(id) = c.role {
                check_drops(room, id, c, &events, &mut v);
            }
        }
    }
    Ok(v)
}

fn check_seqs(room: &str, rows: &[(i64, String, Option<i64>)], v: &mut Verdict) {
    for (k, (seq, _, _)) in rows.iter().enumerate() {
        if *seq != k as i64 + 1 {
            v.seqs
                .push(format!("{room}: event {} has seq {seq}", k + 1));
            return;
        }
    }
}

/// A room's tokens never go down along its log, so each token's events are one contiguous run
/// (two hubs' writes never interleave), and each token was claimed by exactly one hub.
fn check_fencing(
    room: &str,
    rows: &[(i64, String, Option<i64>)],
    hubs: &HashMap<i64, String>,
    v: &mut Verdict,
) {
    let unfenced = rows.iter().filter(|r| r.2.is_none()).count();
    if unfenced > 0 {
        v.fencing.push(format!(
            "{room}: {unfenced} of {} events written without a fencing token",
            rows.len()
        ));
    }
    let runs = v.owners.entry(room.to_owned()).or_default();
    let mut last: Option<i64> = None;
    for (seq, _, token) in rows {
        if let (Some(t), Some(l)) = (token, last)
            && *t < l
        {
            v.fencing.push(format!(
                "{room}: seq {seq} written with token {t} after token {l}"
            ));
        }
        if let Some(t) = token {
            last = Some(*t);
            if !hubs.contains_key(t) {
                v.fencing
                    .push(format!("{room}: seq {seq}'s token {t} is not in lease_log"));
            }
        }
        let hub = token
            .and_then(|t| hubs.get(&t).cloned())
            .unwrap_or("?".into());
        match runs.last_mut() {
            Some((t, _, n)) if t == token => *n += 1,
            _ => runs.push((*token, hub, 1)),
        }
    }
}

/// The participant's drops in the log, in order, are exactly its acked ones (and perhaps the one
/// still unanswered at the end), each at the seq its ack named.
fn check_drops(
    room: &str,
    id: ParticipantId,
    c: &ClientReport,
    events: &BTreeMap<u64, Event>,
    v: &mut Verdict,
) {
    let logged: Vec<(u64, Placement)> = events
        .iter()
        .filter_map(|(seq, e)| match e {
            Event::DrivePlaced {
                by,
                drive,
                zone: Some(zone),
            } if *by == id => Some((
                *seq,
                Placement {
                    drive: *drive,
                    zone: *zone,
                },
            )),
            _ => None,
        })
        .collect();
    for a in &c.acked {
        if !logged.contains(&(a.seq, a.placement)) {
            v.exactly_once.push(format!(
                "{room} p{}: op {} acked at seq {} is not that drop in the log ({:?})",
                id.0,
                a.op,
                a.seq,
                events.get(&a.seq)
            ));
        }
    }
    let want: Vec<Placement> = c.acked.iter().map(|a| a.placement).collect();
    let got: Vec<Placement> = logged.iter().map(|l| l.1).collect();
    let with_pending = c.pending.map(|p| [want.clone(), vec![p]].concat());
    if got != want && Some(&got) != with_pending.as_ref() {
        v.exactly_once.push(format!(
            "{room} p{}: {} drops in the log, {} acked{}",
            id.0,
            got.len(),
            want.len(),
            if c.pending.is_some() {
                " (+1 pending)"
            } else {
                ""
            }
        ));
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
