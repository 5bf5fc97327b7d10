//! Exponential backoff with jitter, for resending what a sink did not take.

use std::time::Duration;

/// Delays of `base * 2^n`, capped, each drawn uniformly from its upper half ("equal jitter":
/// retries from many sandboxes spread out, yet never retry at once).
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    next: Duration,
    cap: Duration,
}

impl Backoff {
    pub(crate) fn new(base: Duration, cap: Duration) -> Backoff {
        Backoff { next: base, cap }
    }

    /// The delay before the next attempt.
    pub(crate) fn next_delay(&mut self) -> Duration {
        let ceiling = self.next.min(self.cap);
        self.next = self.next.saturating_mul(2);
        let half = ceiling / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_are_jittered_and_capped() {
        let mut backoff = Backoff::new(Duration::from_millis(10), Duration::from_millis(100));
        let delays: Vec<Duration> = (0..8).map(|_| backoff.next_delay()).collect();
        assert!(delays[0] >= Duration::from_millis(5) && delays[0] <= Duration::from_millis(10));
        assert!(delays[2] >= Duration::from_millis(20) && delays[2] <= Duration::from_millis(40));
        for delay in &delays[4..] {
            assert!(*delay >= Duration::from_millis(50) && *delay <= Duration::from_millis(100));
        }
    }
}
