//! Bounded backoff, and reading `Retry-After` as seconds, an HTTP date, or Zoom's ISO timestamp.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use reqwest::header::HeaderMap;

/// How hard to try again.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the error goes to the user.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff with ±20% jitter for attempt `n` (1 = the first retry).
    pub fn backoff(&self, n: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(n.saturating_sub(1)));
        let capped = exp.min(self.max_delay);
        let jitter = rand::rng().random_range(0.8..1.2);
        capped.mul_f64(jitter)
    }
}

/// When the server says to come back: `Retry-After` as delta-seconds, an HTTP date, or an ISO
/// 8601 timestamp (Zoom's form); `None` when absent or unreadable.
pub fn retry_at(headers: &HeaderMap, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        // A year at most: a huge value must not overflow the clock.
        let secs = i64::try_from(secs.min(366 * 24 * 3600)).ok()?;
        return now.checked_add_signed(chrono::Duration::try_seconds(secs)?);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t.with_timezone(&Utc));
    }
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use reqwest::header::{HeaderValue, RETRY_AFTER};

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn retry_after_in_all_three_forms() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        assert_eq!(
            retry_at(&headers("5"), now),
            Some(now + chrono::Duration::seconds(5))
        );
        assert_eq!(
            retry_at(&headers("2026-11-27T00:00:00Z"), now),
            Some(Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).unwrap())
        );
        assert_eq!(
            retry_at(&headers("Fri, 27 Nov 2026 00:00:00 GMT"), now),
            Some(Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).unwrap())
        );
        assert_eq!(retry_at(&headers("soon"), now), None);
        // Absurd values are capped, never a panic.
        for huge in [
            "9223372036854775807",
            "18446744073709551615",
            "99999999999999999999",
        ] {
            let at = retry_at(&headers(huge), now);
            assert!(
                at.is_none_or(|t| t <= now + chrono::Duration::days(366)),
                "{huge}"
            );
        }
        assert_eq!(retry_at(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default();
        assert!(policy.backoff(1) <= Duration::from_millis(300));
        assert!(policy.backoff(2) >= Duration::from_millis(400));
        assert!(policy.backoff(10) <= Duration::from_millis(4800));
    }
}
