//! Password hashing with Argon2id; cost from the settings, parameters kept in each hash so old
//! hashes still verify after the cost changes.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::settings::AuthSettings;

#[derive(Clone)]
pub struct Passwords {
    params: Params,
    /// A hash of nothing in particular, verified when the e-mail is unknown so that a login for
    /// an unknown address takes as long as one with a wrong password.
    dummy: String,
}

impl Passwords {
    pub fn new(s: &AuthSettings) -> Passwords {
        let params = Params::new(s.argon2_memory_kib, s.argon2_iterations, 1, None).unwrap_or_default();
        let mut p = Passwords { params, dummy: String::new() };
        p.dummy = p.hash("llct-timing-equaliser").unwrap_or_default();
        p
    }

    fn argon(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    pub fn hash(&self, password: &str) -> Result<String, String> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
    }

    /// True when `password` matches `hash`; a missing hash still costs one verification.
    pub fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let stored = hash.unwrap_or(&self.dummy);
        let ok = PasswordHash::new(stored)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        ok && hash.is_some()
    }
}

/// Every reason a new password is refused (empty when acceptable).
pub fn problems(password: &str, min_len: usize) -> Vec<String> {
    let mut out = Vec::new();
    if password.chars().count() < min_len {
        out.push(format!("must be at least {min_len} characters"));
    }
    if password.chars().count() > 256 {
        out.push("must be at most 256 characters".into());
    }
    let lower = password.to_lowercase();
    if COMMON.iter().any(|c| *c == lower) {
        out.push("is too common".into());
    }
    out
}

/// Passwords people pick first; refused whatever the length rule.
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789a",
    "123456789abc",
    "1234567890a",
    "password123",
    "password1234",
    "matkhau123",
    "matkhau1234",
    "qwertyuiop",
    "qwerty12345",
    "abc1234567",
    "admin12345",
    "admin@1234",
    "administrator",
    "1111111111",
    "0000000000",
    "iloveyou123",
    "vietnam1234",
    "hochiminh123",
    "truongchinhtri",
    "a1234567890",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> Passwords {
        Passwords::new(&AuthSettings {
            token_ttl_hours: 1,
            login_attempts_per_minute: 5,
            login_attempts_per_minute_per_client: 30,
            argon2_memory_kib: 64,
            argon2_iterations: 1,
            min_password_length: 10,
            caller_cache_secs: 0,
        })
    }

    #[test]
    fn hash_then_verify() {
        let p = fast();
        let h = p.hash("mật khẩu dài đủ").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(p.verify("mật khẩu dài đủ", Some(&h)));
        assert!(!p.verify("mật khẩu sai", Some(&h)));
        assert!(!p.verify("anything", None));
    }

    #[test]
    fn policy() {
        assert!(problems("short", 10).iter().any(|m| m.contains("at least")));
        assert!(problems("Password123", 10).iter().any(|m| m.contains("common")));
        assert!(problems("một câu dài dễ nhớ", 10).is_empty());
    }
}
