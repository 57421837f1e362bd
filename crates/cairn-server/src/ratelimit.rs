//! A sliding-window limiter in memory: at most N events per key within a window. Used for sign-in
//! attempts per username and per client address; lock-out in the registry is the durable part.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct RateLimiter {
    max: u32,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Records one event for `key`; false when the key is over its limit (the event still counts).
    pub fn allow(&self, key: &str) -> bool {
        self.allow_at(key, Instant::now())
    }

    pub fn allow_at(&self, key: &str, now: Instant) -> bool {
        let Ok(mut hits) = self.hits.lock() else {
            return false;
        };
        // Keep the map small: forget keys whose window has passed.
        if hits.len() > 10_000 {
            let window = self.window;
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let q = hits.entry(key.to_owned()).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        q.push_back(now);
        q.len() <= self.max as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_within_the_window_and_forgets_after() {
        let l = RateLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(l.allow_at("a", t0));
        assert!(l.allow_at("a", t0));
        assert!(l.allow_at("a", t0));
        assert!(!l.allow_at("a", t0));
        assert!(l.allow_at("b", t0), "keys are independent");
        assert!(l.allow_at("a", t0 + Duration::from_secs(61)));
    }
}
