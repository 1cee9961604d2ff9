//! W3C Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite: the document and the proof
//! options canonicalised with RFC 8785 (JCS), each hashed with SHA-256, the proof options' hash
//! first, and the 64 bytes signed with Ed25519; keys and signatures in base58btc multibase.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";

/// The multicodec prefix of an Ed25519 public key.
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

/// An Ed25519 public key as a Multikey `publicKeyMultibase` (`z6Mk…`).
pub fn multikey(public: &[u8; 32]) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(public);
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The raw key of a `publicKeyMultibase`, if it is an Ed25519 Multikey.
pub fn from_multikey(s: &str) -> Option<[u8; 32]> {
    let bytes = bs58::decode(s.strip_prefix('z')?).into_vec().ok()?;
    bytes.strip_prefix(&ED25519_PUB)?.try_into().ok()
}

fn canonical(v: &Value) -> Vec<u8> {
    serde_json_canonicalizer::to_vec(v).unwrap_or_default()
}

/// SHA-256 of the canonical proof configuration, then of the canonical document.
fn hash_data(proof_config: &Value, document: &Value) -> Vec<u8> {
    let mut out = Sha256::digest(canonical(proof_config)).to_vec();
    out.extend_from_slice(&Sha256::digest(canonical(document)));
    out
}

/// The proof options of a new proof: `created` an XML Schema date-time (whole seconds, `Z`).
pub fn options(verification_method: &str, created: &str) -> Value {
    json!({
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    })
}

/// `document` (without a `proof`) with a proof made from `options` with the secret key `seed`.
/// The proof carries the document's `@context`, as the cryptosuite advises.
pub fn sign(document: &Value, options: &Value, seed: &[u8; 32]) -> Value {
    let mut proof = options.clone();
    if let Some(ctx) = document.get("@context") {
        proof["@context"] = ctx.clone();
    }
    let signature = SigningKey::from_bytes(seed).sign(&hash_data(&proof, document));
    proof["proofValue"] = Value::String(format!("z{}", bs58::encode(signature.to_bytes()).into_string()));
    let mut signed = document.clone();
    signed["proof"] = proof;
    signed
}

/// Whether `secured`'s proof is an `eddsa-jcs-2022` proof by `public` over the rest of it.
pub fn verify(secured: &Value, public: &[u8; 32]) -> bool {
    let Some(mut document) = secured.as_object().cloned() else { return false };
    let Some(Value::Object(mut options)) = document.remove("proof") else { return false };
    let Some(Value::String(value)) = options.remove("proofValue") else { return false };
    if options.get("type") != Some(&json!("DataIntegrityProof"))
        || options.get("cryptosuite") != Some(&json!(CRYPTOSUITE))
    {
        return false;
    }
    if let Some(ctx) = options.get("@context") {
        let list = |v: &Value| v.as_array().cloned().unwrap_or_else(|| vec![v.clone()]);
        let (theirs, ours) = (list(ctx), document.get("@context").map(list).unwrap_or_default());
        if !ours.starts_with(&theirs) {
            return false;
        }
        document.insert("@context".into(), ctx.clone());
    }
    let Some(sig) = value.strip_prefix('z').and_then(|v| bs58::decode(v).into_vec().ok()) else { return false };
    let Ok(sig) = <[u8; 64]>::try_from(sig) else { return false };
    let Ok(key) = VerifyingKey::from_bytes(public) else { return false };
    key.verify(&hash_data(&Value::Object(options), &Value::Object(document)), &Signature::from_bytes(&sig)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! vector {
        ($name:literal) => {
            include_str!(concat!("../../../tests/vectors/eddsa-jcs-2022/", $name))
        };
    }

    fn key_pair() -> ([u8; 32], [u8; 32]) {
        let k: Value = serde_json::from_str(vector!("keyPair.json")).unwrap();
        let public = from_multikey(k["publicKeyMultibase"].as_str().unwrap()).unwrap();
        let secret = bs58::decode(&k["privateKeyMultibase"].as_str().unwrap()[1..]).into_vec().unwrap();
        assert_eq!(&secret[..2], &[0x80, 0x26], "an Ed25519 secret multikey");
        (public, secret[2..].try_into().unwrap())
    }

    /// The W3C vectors, byte for byte: canonical forms, the hash data, the signature, the proof
    /// value and the signed credential.
    #[test]
    fn the_w3c_vectors_are_reproduced() {
        let (public, seed) = key_pair();
        let k: Value = serde_json::from_str(vector!("keyPair.json")).unwrap();
        assert_eq!(multikey(&public), k["publicKeyMultibase"].as_str().unwrap());
        assert_eq!(SigningKey::from_bytes(&seed).verifying_key().to_bytes(), public);
        let unsigned: Value = serde_json::from_str(vector!("unsigned.json")).unwrap();
        let config: Value = serde_json::from_str(vector!("proofConfigJCS.json")).unwrap();
        assert_eq!(String::from_utf8(canonical(&unsigned)).unwrap(), vector!("canonDocJCS.txt"));
        assert_eq!(String::from_utf8(canonical(&config)).unwrap(), vector!("proofCanonJCS.txt"));
        assert_eq!(hex(&hash_data(&config, &unsigned)), vector!("combinedHashJCS.txt"));
        let mut opts = config.clone();
        opts.as_object_mut().unwrap().remove("@context");
        let signed = sign(&unsigned, &opts, &seed);
        let expected: Value = serde_json::from_str(vector!("signedJCS.json")).unwrap();
        assert_eq!(signed, expected);
        let value = signed["proof"]["proofValue"].as_str().unwrap();
        assert_eq!(value, vector!("sigBTC58JCS.txt"));
        assert_eq!(hex(&bs58::decode(&value[1..]).into_vec().unwrap()), vector!("sigHexJCS.txt"));
        assert!(verify(&expected, &public));
    }

    #[test]
    fn a_changed_document_or_proof_does_not_verify() {
        let (public, _) = key_pair();
        let signed: Value = serde_json::from_str(vector!("signedJCS.json")).unwrap();
        let mut changed = signed.clone();
        changed["name"] = json!("Alumni Credential!");
        assert!(!verify(&changed, &public));
        let mut changed = signed.clone();
        changed["proof"]["created"] = json!("2023-02-24T23:36:39Z");
        assert!(!verify(&changed, &public));
        let mut changed = signed.clone();
        changed["@context"] = json!(["https://www.w3.org/ns/credentials/v2"]);
        assert!(!verify(&changed, &public), "the document's context must start with the proof's");
        let mut changed = signed.clone();
        changed["proof"]["cryptosuite"] = json!("eddsa-rdfc-2022");
        assert!(!verify(&changed, &public));
        assert!(!verify(&json!("text"), &public));
        let other = SigningKey::from_bytes(&[7; 32]).verifying_key().to_bytes();
        assert!(!verify(&signed, &other));
    }

    #[test]
    fn multikeys_round_trip_and_refuse_other_kinds() {
        let (public, _) = key_pair();
        assert_eq!(from_multikey(&multikey(&public)), Some(public));
        assert!(multikey(&public).starts_with("z6Mk"));
        assert_eq!(from_multikey("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"), None);
        assert_eq!(from_multikey("not-multibase"), None);
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
}
