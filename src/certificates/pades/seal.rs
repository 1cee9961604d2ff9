//! What the service must keep but never show (a school's private signing key) is sealed with the
//! server's key from configuration (`certificates.sealing_key`): AES-256-GCM with a fresh nonce per
//! seal and the purpose as associated data, so a sealed value copied to another row does not open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

const NONCE: usize = 12;

/// `plain` sealed for `purpose`, as base64 of the nonce followed by the ciphertext and its tag.
pub fn seal(key: &[u8; 32], purpose: &str, plain: &[u8]) -> Option<String> {
    let nonce: [u8; NONCE] = rand::random();
    let sealed = Aes256Gcm::new(key.into())
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: purpose.as_bytes() })
        .ok()?;
    Some(STANDARD.encode([&nonce[..], &sealed].concat()))
}

/// What `seal` sealed with this key for this purpose; `None` for anything else.
pub fn open(key: &[u8; 32], purpose: &str, sealed: &str) -> Option<Vec<u8>> {
    let bytes = STANDARD.decode(sealed).ok()?;
    if bytes.len() < NONCE {
        return None;
    }
    let (nonce, text) = bytes.split_at(NONCE);
    Aes256Gcm::new(key.into()).decrypt(Nonce::from_slice(nonce), Payload { msg: text, aad: purpose.as_bytes() }).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_only_with_its_key_and_purpose() {
        let key = [7u8; 32];
        let sealed = seal(&key, "a", b"secret").unwrap();
        assert_eq!(open(&key, "a", &sealed).as_deref(), Some(&b"secret"[..]));
        assert_eq!(open(&key, "b", &sealed), None);
        assert_eq!(open(&[8u8; 32], "a", &sealed), None);
        assert_eq!(open(&key, "a", "not base64!"), None);
        assert_eq!(open(&key, "a", ""), None);
        // Two seals of the same text differ (a fresh nonce each time).
        assert_ne!(seal(&key, "a", b"secret").unwrap(), sealed);
    }
}
