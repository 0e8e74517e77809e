//! How much one connection may send. Generous for people (60 drags a second plus commands), but a
//! runaway or hostile client is slowed down, and closed if it keeps going.

use crate::config::Tuning;
use crate::ratelimit::TokenBucket;
use std::time::Instant;

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
    dropped_in_a_row: u64,
    /// Dropped messages in a row after which the connection is closed: five bursts' worth.
    close_after: u64,
}

impl Budget {
    pub fn new(tuning: &Tuning, now: Instant) -> Budget {
        Budget {
            messages: TokenBucket::new(tuning.messages_per_sec, tuning.messages_burst, now),
            drags: TokenBucket::new(tuning.drags_per_sec, tuning.drags_burst, now),
            dropped_in_a_row: 0,
            close_after: (5.0 * tuning.messages_burst) as u64,
        }
    }

    /// Every incoming message passes here first.
    pub fn admit(&mut self, now: Instant) -> Verdict {
        if self.messages.try_take(now) {
            self.dropped_in_a_row = 0;
            return Verdict::Pass;
        }
        self.dropped_in_a_row += 1;
        if self.dropped_in_a_row > self.close_after {
            Verdict::Close
        } else {
            Verdict::Drop {
                warn: self.dropped_in_a_row == 1,
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
        // Had it paused, it would have been welcome again.
        let mut b = Budget::new(&tuning, t0);
        for _ in 0..5 {
            b.admit(t0);
        }
        assert_eq!(b.admit(t0 + Duration::from_millis(100)), Verdict::Pass);
        assert_eq!(
            b.admit(t0 + Duration::from_millis(100)),
            Verdict::Drop { warn: true }
        );
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
