//! What the load recorded, and the figures drawn from it: how long clients were away when a hub
//! died.

use koersbord_shared::{Drive, ParticipantId, Zone};
use std::time::Duration;
use tokio::time::Instant;

/// A drive dot dropped in a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    pub drive: Drive,
    pub zone: Zone,
}

impl Placement {
    /// The `n`th drop of a participant: the 8 drives in turn, each in a zone other than its last,
    /// so no acked drop is ever a no-op (which would be acked without an event) and a command
    /// applied twice out of order would show as an extra event.
    pub fn nth(n: u64) -> Placement {
        let drive = Drive::ALL[(n % Drive::ALL.len() as u64) as usize];
        let zone = Zone::ALL[((n / Drive::ALL.len() as u64) % Zone::ALL.len() as u64) as usize];
        Placement { drive, zone }
    }
}

#[derive(Clone, Debug)]
pub struct Acked {
    pub op: String,
    pub placement: Placement,
    pub seq: u64,
}

/// One connection from welcome to its end.
#[derive(Clone, Debug)]
pub struct Session {
    pub hub: String,
    pub welcomed: Instant,
    pub ended: Option<Instant>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Screen,
    Participant(ParticipantId),
}

#[derive(Clone, Debug)]
pub struct ClientReport {
    pub room: String,
    pub role: Role,
    pub acked: Vec<Acked>,
    /// The command still unanswered when the client gave up draining: it may or may not be in.
    pub pending: Option<Placement>,
    pub sessions: Vec<Session>,
    pub rejected: Vec<String>,
    pub errors: Vec<String>,
    pub elsewhere: u32,
}

/// The clients a hub's death (or pause) at `at` cut off, and how soon they were welcomed again.
#[derive(Clone, Debug, Default)]
pub struct Recovery {
    /// Clients connected to the hub at `at`.
    pub hit: usize,
    /// Of those, how many were welcomed again (anywhere) before the run ended.
    pub back: usize,
    /// The longest time from `at` to such a welcome.
    pub max: Duration,
    /// Every such time, shortest first.
    pub times: Vec<Duration>,
}

impl Recovery {
    /// The time by which `q` (0..=1) of the clients that came back were back.
    pub fn quantile(&self, q: f64) -> Duration {
        let Some(last) = self.times.len().checked_sub(1) else {
            return Duration::ZERO;
        };
        self.times[((last as f64) * q).round() as usize]
    }
}

/// For the clients of `hub` (`None`: of every hub, as when the proxy restarts).
pub fn recovery(reports: &[ClientReport], hub: Option<&str>, at: Instant) -> Recovery {
    let mut r = Recovery::default();
    for report in reports {
        let s = &report.sessions;
        let Some(k) = s.iter().position(|s| {
            hub.is_none_or(|h| s.hub == h) && s.welcomed <= at && s.ended.is_none_or(|e| e >= at)
        }) else {
            continue;
        };
        r.hit += 1;
        if let Some(next) = s.get(k + 1) {
            r.back += 1;
            let took = next.welcomed.saturating_duration_since(at);
            r.max = r.max.max(took);
            r.times.push(took);
        }
    }
    r.times.sort();
    r
}
