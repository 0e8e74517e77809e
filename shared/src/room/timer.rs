//! The step timer. The server owns the clock: the timer stores an absolute end time in the server's
//! milliseconds, and every client corrects for its own offset from the server.

use serde::{Deserialize, Serialize};

/// No timer runs longer than this; keeps arithmetic far from overflow and typos from absurd values.
pub const MAX_TIMER_MS: u64 = 4 * 60 * 60 * 1000;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    /// The step's time box; a reset returns to it.
    pub budget_ms: u64,
    /// Time left while paused. Meaningless while running.
    pub remaining_ms: u64,
    /// Server time at which a running timer reaches zero; `None` while paused.
    pub ends_at_ms: Option<u64>,
}

impl Timer {
    pub fn new(budget_ms: u64) -> Timer {
        let budget_ms = budget_ms.min(MAX_TIMER_MS);
        Timer {
            budget_ms,
            remaining_ms: budget_ms,
            ends_at_ms: None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.ends_at_ms.is_some()
    }

    /// Milliseconds left at server time `now_ms`; negative once the time is up (overtime).
    pub fn remaining_at(&self, now_ms: u64) -> i64 {
        match self.ends_at_ms {
            Some(end) => end as i64 - now_ms as i64,
            None => self.remaining_ms as i64,
        }
    }

    pub fn started(self, now_ms: u64) -> Timer {
        match self.ends_at_ms {
            Some(_) => self,
            None => Timer {
                ends_at_ms: Some(now_ms.saturating_add(self.remaining_ms)),
                ..self
            },
        }
    }

    pub fn paused(self, now_ms: u64) -> Timer {
        match self.ends_at_ms {
            Some(end) => Timer {
                remaining_ms: end.saturating_sub(now_ms),
                ends_at_ms: None,
                ..self
            },
            None => self,
        }
    }

    /// Adds (or with a negative delta removes) time. Never goes below zero left, nor above the cap.
    pub fn adjusted(self, delta_ms: i64, now_ms: u64) -> Timer {
        let left = self.remaining_at(now_ms).max(0);
        let left = left.saturating_add(delta_ms).clamp(0, MAX_TIMER_MS as i64) as u64;
        match self.ends_at_ms {
            Some(_) => Timer {
                ends_at_ms: Some(now_ms.saturating_add(left)),
                ..self
            },
            None => Timer {
                remaining_ms: left,
                ..self
            },
        }
    }

    pub fn reset(self) -> Timer {
        Timer::new(self.budget_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    #[test]
    fn a_new_timer_is_paused_at_its_budget() {
        let t = Timer::new(10 * MIN);
        assert!(!t.is_running());
        assert_eq!(t.remaining_at(123), (10 * MIN) as i64);
    }

    #[test]
    fn start_pause_resume_keeps_the_time_left() {
        let t = Timer::new(10 * MIN).started(1_000);
        assert_eq!(t.ends_at_ms, Some(1_000 + 10 * MIN));
        assert_eq!(t.remaining_at(1_000 + MIN), (9 * MIN) as i64);
        let p = t.paused(1_000 + MIN);
        assert_eq!(p.remaining_at(999_999_999), (9 * MIN) as i64);
        let r = p.started(5 * MIN);
        assert_eq!(r.ends_at_ms, Some(14 * MIN));
    }

    #[test]
    fn starting_a_running_timer_or_pausing_a_paused_one_changes_nothing() {
        let t = Timer::new(MIN).started(0);
        assert_eq!(t.started(500), t);
        let p = Timer::new(MIN);
        assert_eq!(p.paused(500), p);
    }

    #[test]
    fn overtime_is_negative() {
        let t = Timer::new(MIN).started(0);
        assert_eq!(t.remaining_at(MIN + 5_000), -5_000);
        assert_eq!(t.paused(MIN + 5_000).remaining_ms, 0);
    }

    #[test]
    fn adjusting_adds_and_removes_without_going_below_zero() {
        let t = Timer::new(2 * MIN);
        assert_eq!(t.adjusted(MIN as i64, 0).remaining_ms, 3 * MIN);
        assert_eq!(t.adjusted(-5 * MIN as i64, 0).remaining_ms, 0);
        let running = Timer::new(2 * MIN).started(0);
        assert_eq!(
            running.adjusted(MIN as i64, 30_000).ends_at_ms,
            Some(3 * MIN)
        );
        assert_eq!(
            running.adjusted(-(10 * MIN as i64), 30_000).ends_at_ms,
            Some(30_000)
        );
        assert_eq!(t.adjusted(i64::MAX, 0).remaining_ms, MAX_TIMER_MS);
    }

    #[test]
    fn adjusting_in_overtime_counts_from_zero() {
        let t = Timer::new(MIN).started(0);
        assert_eq!(t.adjusted(MIN as i64, 2 * MIN).ends_at_ms, Some(3 * MIN));
    }

    #[test]
    fn reset_returns_to_the_budget_and_pauses() {
        let t = Timer::new(MIN)
            .started(0)
            .adjusted(5 * MIN as i64, 10)
            .reset();
        assert_eq!(t, Timer::new(MIN));
    }
}
