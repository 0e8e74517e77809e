//! How much one connection may send. Generous for people (60 drags a second plus commands), but a
//! runaway or hostile client is slowed down, and closed if it keeps going.

use crate::config::Tuning;
use crate::ratelimit::TokenBucket;
use std::time::{Duration, Instant};

/// A run of dropped messages ends only when this long passes without a drop. A flood passes a
/// message now and then (each refilled token), so a pass alone does not end the run.
pub const QUIET: Duration = Duration::from_secs(1);

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// Drop the message; `warn` on the first of a run, so the warnings do not flood the client.
    Drop {
        warn: bool,
    },
    /// The client ignored the warning for far too long.
    Close,
}

pub struct Budget {
    messages: TokenBucket,
    drags: TokenBucket,
    /// Messages dropped in the current run.
    dropped_in_a_run: u64,
    last_drop: Option<Instant>,
    /// Dropped messages in one run after which the connection is closed: five bursts' worth.
    close_after: u64,
}

impl Budget {
    pub fn new(tuning: &Tuning, now: Instant) -> Budget {
        Budget {
            messages: TokenBucket::new(tuning.messages_per_sec, tuning.messages_burst, now),
            drags: TokenBucket::new(tuning.drags_per_sec, tuning.drags_burst, now),
            dropped_in_a_run: 0,
            last_drop: None,
            close_after: (5.0 * tuning.messages_burst) as u64,
        }
    }

    /// Every incoming message passes here first.
    pub fn admit(&mut self, now: Instant) -> Verdict {
        if self
            .last_drop
            .is_some_and(|last| now.saturating_duration_since(last) >= QUIET)
        {
            self.dropped_in_a_run = 0;
        }
        if self.messages.try_take(now) {
            return Verdict::Pass;
        }
        self.dropped_in_a_run += 1;
        self.last_drop = Some(now);
        if self.dropped_in_a_run > self.close_after {
            Verdict::Close
        } else {
            Verdict::Drop {
                warn: self.dropped_in_a_run == 1,
            }
        }
    }

    /// Whether a drag update may be relayed now; excess updates are dropped without a word, the
    /// next one carries the newer position anyway.
    pub fn relay_drag(&mut self, now: Instant) -> bool {
        self.drags.try_take(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn over_budget_warns_once_then_drops_then_closes() {
        let tuning = Tuning {
            messages_per_sec: 10.0,
            messages_burst: 2.0,
            ..Tuning::default()
        };
        let t0 = Instant::now();
        let mut b = Budget::new(&tuning, t0);
        assert_eq!(b.admit(t0), Verdict::Pass);
        assert_eq!(b.admit(t0), Verdict::Pass);
        assert_eq!(b.admit(t0), Verdict::Drop { warn: true });
        for _ in 0..9 {
            assert_eq!(b.admit(t0), Verdict::Drop { warn: false });
        }
        assert_eq!(b.admit(t0), Verdict::Close);
        // Had it paused, it would have been welcome again, and a new run starts after a quiet second.
        let mut b = Budget::new(&tuning, t0);
        for _ in 0..5 {
            b.admit(t0);
        }
        let later = t0 + Duration::from_millis(100);
        assert_eq!(b.admit(later), Verdict::Pass);
        assert_eq!(b.admit(later), Verdict::Drop { warn: false });
        let quiet = later + QUIET;
        assert_eq!(b.admit(quiet), Verdict::Pass);
        assert_eq!(b.admit(quiet), Verdict::Pass);
        assert_eq!(b.admit(quiet), Verdict::Drop { warn: true });
    }

    /// The refilled tokens of a sustained flood do not end its run: it is closed all the same.
    #[test]
    fn a_sustained_flood_is_closed_whatever_passes_in_between() {
        let tuning = Tuning {
            messages_per_sec: 10.0,
            messages_burst: 2.0,
            ..Tuning::default()
        };
        for per_sec in [20u64, 100, 1000, 10_000] {
            let t0 = Instant::now();
            let mut b = Budget::new(&tuning, t0);
            let (mut passed, mut warned) = (0, 0);
            let closed_at = (0..per_sec * 10).find_map(|i| {
                let now = t0 + Duration::from_micros(i * 1_000_000 / per_sec);
                match b.admit(now) {
                    Verdict::Pass => passed += 1,
                    Verdict::Drop { warn } => warned += u32::from(warn),
                    Verdict::Close => return Some(now - t0),
                }
                None
            });
            let closed_at = closed_at.unwrap_or_else(|| panic!("{per_sec}/s was never closed"));
            assert_eq!(warned, 1, "{per_sec}/s");
            // 10 dropped allowed: the time to drop 11 at (per_sec - 10) a second, give or take.
            let expected = 11.0 / (per_sec as f64 - 10.0);
            let took = closed_at.as_secs_f64();
            assert!(
                took <= expected * 1.5 + 0.2,
                "{per_sec}/s closed after {took} s, {passed} passed"
            );
        }
    }

    #[test]
    fn a_client_within_the_rate_is_never_dropped() {
        let tuning = Tuning {
            messages_per_sec: 10.0,
            messages_burst: 2.0,
            ..Tuning::default()
        };
        let t0 = Instant::now();
        let mut b = Budget::new(&tuning, t0);
        for i in 0..1000 {
            assert_eq!(b.admit(t0 + Duration::from_millis(i * 110)), Verdict::Pass);
        }
    }

    #[test]
    fn drags_have_their_own_cap() {
        let t0 = Instant::now();
        let mut b = Budget::new(&Tuning::default(), t0);
        let relayed = (0..100).filter(|_| b.relay_drag(t0)).count();
        assert_eq!(relayed, Tuning::default().drags_burst as usize);
        assert!(b.relay_drag(t0 + Duration::from_millis(20)));
    }
}
