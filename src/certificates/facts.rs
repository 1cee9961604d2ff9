//! What the paper shows, in one canonical form that the issuer signs and anyone can check.
//!
//! The canonical form is the JSON object below with its keys in alphabetical order, no
//! whitespace, strings NFC-normalised UTF-8 as serde_json writes them. The signature is
//! Ed25519 over those bytes; the public keys are published at `/api/v1/verify/keys`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The facts printed on a credential. Field order is alphabetical: it is the canonical order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// The classification as printed (e.g. `Khá`), if the program classifies.
    pub classification: Option<String>,
    /// The class: code and title.
    pub cohort: String,
    pub date_of_birth: NaiveDate,
    pub ends_on: NaiveDate,
    /// The holder's full name.
    pub holder: String,
    pub issued_on: NaiveDate,
    /// The issuing institution's name as printed.
    pub issuer: String,
    /// `certificate` [giấy chứng nhận] or `diploma` [bằng tốt nghiệp].
    pub kind: String,
    pub level: String,
    pub mode: String,
    pub program: String,
    pub register_no: String,
    pub serial: String,
    pub signer_name: String,
    pub signer_title: String,
    pub starts_on: NaiveDate,
}

impl Facts {
    /// The exact bytes that are signed.
    pub fn canonical(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn parse(stored: &str) -> Option<Facts> {
        serde_json::from_str(stored).ok()
    }
}

/// A fresh Ed25519 key pair as (public, secret), both base64.
pub fn new_key_pair() -> (String, String) {
    let secret: [u8; 32] = rand::random();
    let key = SigningKey::from_bytes(&secret);
    (B64.encode(key.verifying_key().to_bytes()), B64.encode(secret))
}

/// The 32 bytes of a stored base64 key (public or secret); `None` if unreadable.
pub fn key_bytes(b64: &str) -> Option<[u8; 32]> {
    B64.decode(b64).ok()?.try_into().ok()
}

/// Signs `text` with a base64 secret key; `None` if the stored key is unreadable.
pub fn sign(secret_b64: &str, text: &str) -> Option<String> {
    Some(B64.encode(SigningKey::from_bytes(&key_bytes(secret_b64)?).sign(text.as_bytes()).to_bytes()))
}

/// Checks a base64 signature over `text` with a base64 public key.
pub fn verify(public_b64: &str, text: &str, signature_b64: &str) -> bool {
    let Some(key) = key_bytes(public_b64).and_then(|b| VerifyingKey::from_bytes(&b).ok()) else {
        return false;
    };
    let Some(sig) = B64.decode(signature_b64).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
        return false;
    };
    key.verify(text.as_bytes(), &Signature::from_bytes(&sig)).is_ok()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> Facts {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        Facts {
            classification: Some("Khá".into()),
            cohort: "SC-01 Sơ cấp khóa 1".into(),
            date_of_birth: d(1990, 2, 3),
            ends_on: d(2026, 6, 30),
            holder: "Nguyễn Thị Ánh Tuyết".into(),
            issued_on: d(2026, 7, 1),
            issuer: "Trung tâm Chính trị xã Yên Lạc".into(),
            kind: "certificate".into(),
            level: "elementary".into(),
            mode: "in_service".into(),
            program: "Sơ cấp lý luận chính trị".into(),
            register_no: "1/2026".into(),
            serial: "GCN-2026-000001".into(),
            signer_name: "Trần Văn Bình".into(),
            signer_title: "Giám đốc".into(),
            starts_on: d(2026, 3, 1),
        }
    }

    #[test]
    fn canonical_form_is_sorted_and_compact() {
        let text = sample().canonical();
        assert!(text.starts_with("{\"classification\":\"Khá\",\"cohort\":"));
        assert!(!text.contains(": ") && !text.contains('\n'));
        let keys: Vec<String> = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text)
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(Facts::parse(&text), Some(sample()));
    }

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let (public, secret) = new_key_pair();
        let text = sample().canonical();
        let sig = sign(&secret, &text).unwrap();
        assert!(verify(&public, &text, &sig));
        let mut changed = sample();
        changed.holder = "Nguyễn Thị Ánh Tuyêt".into();
        assert!(!verify(&public, &changed.canonical(), &sig));
        let (other, _) = new_key_pair();
        assert!(!verify(&other, &text, &sig));
        assert!(!verify(&public, &text, "not base64"));
    }
}
