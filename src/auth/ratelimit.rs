//! In-process rate limits (GCRA, via `governor`) keyed by what is being protected: login attempts
//! per e-mail and client address, and per client address alone.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::error::ApiError;

pub struct Keyed<K: Hash + Eq + Clone> {
    limiter: RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>,
}

impl<K: Hash + Eq + Clone> Keyed<K> {
    pub fn per_minute(n: u32) -> Keyed<K> {
        let n = NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
        Keyed { limiter: RateLimiter::keyed(Quota::per_minute(n)) }
    }

    /// Takes one attempt for `key`, or answers 429 with the seconds until the next is allowed.
    pub fn check(&self, key: K) -> Result<(), ApiError> {
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::RateLimited { retry_after_secs: wait.as_secs().max(1) }
        })
    }
}

/// Limits on `POST /auth/login`.
pub struct LoginLimits {
    per_account: Keyed<(String, IpAddr)>,
    per_client: Keyed<IpAddr>,
}

impl LoginLimits {
    pub fn new(per_account_per_minute: u32, per_client_per_minute: u32) -> LoginLimits {
        LoginLimits {
            per_account: Keyed::per_minute(per_account_per_minute),
            per_client: Keyed::per_minute(per_client_per_minute),
        }
    }

    pub fn check(&self, email: &str, client: IpAddr) -> Result<(), ApiError> {
        self.per_client.check(client)?;
        self.per_account.check((email.to_string(), client))
    }
}

/// The address a request came from (unspecified when unknown).
pub fn client_ip(req: &actix_web::HttpRequest) -> std::net::IpAddr {
    req.peer_addr().map(|a| a.ip()).unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}
