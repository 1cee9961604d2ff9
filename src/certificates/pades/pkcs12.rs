//! A school's PKCS#12 file read: its private key, its certificate chain (the signer first) and
//! the facts that decide whether it may sign.

use chrono::{DateTime, Utc};
use der::{Decode, Encode};
use sha2::Sha256;
use spki::EncodePublicKey;
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};
use x509_cert::Certificate;

use super::rules::CertFacts;

/// The key a credential PDF is signed with.
pub enum Key {
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>),
    P256(p256::ecdsa::SigningKey),
}

/// What a PKCS#12 file holds, decrypted.
pub struct Material {
    /// The private key, PKCS#8 DER.
    pub key: Vec<u8>,
    /// The certificates, DER, the signer's first and then its issuers.
    pub chain: Vec<Vec<u8>>,
}

/// Why a file could not be read, as a stable code and its message.
pub type Unreadable = (&'static str, &'static str);

/// Decrypts `file` with `password`.
pub fn read(file: &[u8], password: &str) -> Result<Material, Unreadable> {
    use p12_keystore::error::Error as E;
    let store =
        p12_keystore::KeyStore::from_pkcs12(file, password, p12_keystore::Pkcs12ImportPolicy::Strict).map_err(|e| {
            match e {
                E::MacError(_) | E::Pkcs5Error(_) | E::UnpadError => {
                    ("pkcs12_password", "The password does not open this PKCS#12 file.")
                }
                _ => ("not_pkcs12", "The file is not a PKCS#12 (.p12, .pfx) file this service can read."),
            }
        })?;
    let (_, chain) =
        store.private_key_chain().ok_or(("no_private_key", "The file holds no private key with its certificate."))?;
    let certs: Vec<Vec<u8>> = chain.certs().iter().map(|c| c.as_der().to_vec()).collect();
    if certs.is_empty() {
        return Err(("no_private_key", "The file holds no private key with its certificate."));
    }
    Ok(Material { key: chain.key().as_der().to_vec(), chain: certs })
}

/// The signing key in `pkcs8`, if it is one of the kinds the service signs with.
pub fn key_of(pkcs8: &[u8]) -> Option<Key> {
    use p256::pkcs8::DecodePrivateKey;
    if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(pkcs8) {
        return Some(Key::Rsa(Box::new(rsa::pkcs1v15::SigningKey::<Sha256>::new(k))));
    }
    p256::ecdsa::SigningKey::from_pkcs8_der(pkcs8).ok().map(Key::P256)
}

fn public_der(key: &Key) -> Option<Vec<u8>> {
    match key {
        Key::Rsa(k) => rsa::RsaPublicKey::from(k.as_ref().as_ref()).to_public_key_der().ok(),
        Key::P256(k) => k.verifying_key().to_public_key_der().ok(),
    }
    .map(|d| d.as_bytes().to_vec())
}

fn instant(t: x509_cert::time::Time) -> DateTime<Utc> {
    let d = t.to_unix_duration();
    DateTime::from_timestamp(i64::try_from(d.as_secs()).unwrap_or(i64::MAX), 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The signer's certificate and what it says about signing with `key`.
pub fn facts_of(m: &Material) -> Result<(Certificate, CertFacts), Unreadable> {
    let leaf = Certificate::from_der(&m.chain[0]).map_err(|_| ("not_pkcs12", "The certificate cannot be read."))?;
    let tbs = &leaf.tbs_certificate;
    let usage = match tbs.get::<KeyUsage>() {
        Ok(Some((_, ku))) => ku.0.contains(KeyUsages::DigitalSignature) || ku.0.contains(KeyUsages::NonRepudiation),
        Ok(None) => true,
        Err(_) => false,
    };
    let key = key_of(&m.key);
    let spki = tbs.subject_public_key_info.to_der().ok();
    let facts = CertFacts {
        not_before: instant(tbs.validity.not_before),
        not_after: instant(tbs.validity.not_after),
        signing_usage: usage,
        key_supported: key.is_some(),
        key_matches: key.as_ref().and_then(public_der).is_some_and(|k| Some(k) == spki),
    };
    Ok((leaf, facts))
}
