//! Token buckets: per connection (messages, drag relays) and per client address (join-code guesses,
//! session creation). Time is passed in, so the arithmetic is tested without waiting.

use dashmap::DashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Holds up to `burst` tokens and refills `rate` tokens per second; each message takes one.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(rate: f64, burst: f64, now: Instant) -> TokenBucket {
        TokenBucket {
            rate,
            burst,
            tokens: burst,
            last: now,
        }
    }

    /// Takes a token if one is there.
    pub fn try_take(&mut self, now: Instant) -> bool {
        self.take_or_wait(now).is_ok()
    }

    /// Takes a token if one is there, or tells how long until the next one.
    pub fn take_or_wait(&mut self, now: Instant) -> Result<(), Duration> {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - self.tokens) / self.rate;
            Err(Duration::try_from_secs_f64(wait).unwrap_or(Duration::MAX))
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.last = now;
    }

    /// Whether the bucket would be full at `now`: such an entry carries no memory worth keeping.
    fn is_full_at(&self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens + elapsed * self.rate >= self.burst
    }
}

/// One bucket per client address (see `client_addr::key`), for guessable or costly endpoints.
pub struct IpLimiter {
    per_sec: f64,
    burst: f64,
    buckets: DashMap<IpAddr, TokenBucket>,
}

/// Above this many remembered addresses, full buckets are forgotten so the map cannot grow forever.
const PRUNE_ABOVE: usize = 10_000;

impl IpLimiter {
    /// `per_min` a minute, and as many in a burst.
    pub fn per_minute(per_min: f64) -> IpLimiter {
        IpLimiter::new(per_min / 60.0, per_min)
    }

    /// `per_hour` an hour on average, `burst` at once.
    pub fn per_hour(per_hour: f64, burst: f64) -> IpLimiter {
        IpLimiter::new(per_hour / 3600.0, burst)
    }

    fn new(per_sec: f64, burst: f64) -> IpLimiter {
        IpLimiter {
            per_sec,
            burst: burst.max(1.0),
            buckets: DashMap::new(),
        }
    }

    /// Takes one from `ip`'s budget, or tells how long until it has one again.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.buckets.len() > PRUNE_ABOVE {
            self.buckets.retain(|_, b| !b.is_full_at(now));
        }
        self.buckets
            .entry(ip)
            .or_insert_with(|| TokenBucket::new(self.per_sec, self.burst, now))
            .take_or_wait(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_its_rate() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 5.0, t0);
        assert_eq!((0..10).filter(|_| b.try_take(t0)).count(), 5);
        // A tenth of a second at 10 per second earns one more.
        let t1 = t0 + Duration::from_millis(100);
        assert!(b.try_take(t1));
        assert!(!b.try_take(t1));
        // A long pause refills only up to the burst.
        let t2 = t1 + Duration::from_secs(60);
        assert_eq!((0..10).filter(|_| b.try_take(t2)).count(), 5);
    }

    #[test]
    fn addresses_have_separate_budgets() {
        let t0 = Instant::now();
        let limiter = IpLimiter::per_minute(3.0);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert_eq!((0..5).filter(|_| limiter.check(a, t0).is_ok()).count(), 3);
        assert!(limiter.check(b, t0).is_ok());
        assert!(limiter.check(a, t0 + Duration::from_secs(20)).is_ok());
        assert!(limiter.check(a, t0 + Duration::from_secs(20)).is_err());
    }

    #[test]
    fn a_refusal_says_when_the_next_token_comes() {
        let t0 = Instant::now();
        let limiter = IpLimiter::per_hour(20.0, 2.0);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(limiter.check(a, t0).is_ok());
        assert!(limiter.check(a, t0).is_ok());
        // 20 an hour: one every three minutes.
        let about = |wait: Duration, secs: f64| (wait.as_secs_f64() - secs).abs() < 0.01;
        assert!(about(limiter.check(a, t0).unwrap_err(), 180.0));
        let later = t0 + Duration::from_secs(60);
        assert!(about(limiter.check(a, later).unwrap_err(), 120.0));
        assert!(limiter.check(a, t0 + Duration::from_secs(181)).is_ok());
    }
}
