//! The JSON documents: a credential as an `OpenBadgeCredential` and an institution's DID document.

use chrono::NaiveDateTime;
use serde_json::{json, Value};

use super::proof;
use crate::certificates::facts::{key_bytes, Facts};
use crate::certificates::model::{Certificate, SigningKey};
use crate::db::ids::ProgramId;

pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
pub const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// An XML Schema date-time in UTC, whole seconds.
pub fn instant(t: NaiveDateTime) -> String {
    t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The verification method of `key` in the issuer's DID document.
pub fn method_of(did: &str, key: &SigningKey) -> String {
    format!("{did}#{}", key.id)
}

/// What a credential document is made from.
pub struct Issued<'a> {
    pub cert: &'a Certificate,
    pub facts: &'a Facts,
    pub program_id: ProgramId,
    /// The issuer's `did:web`.
    pub did: &'a str,
    pub base_url: &'a str,
    /// `credentialStatus`, when the issuer keeps a status list.
    pub status: Option<Value>,
}

/// The unsigned `OpenBadgeCredential` of a credential: the facts the paper shows, the holder as
/// the subject (name and date of birth), the program as the achievement.
pub fn credential(x: &Issued) -> Value {
    let f = x.facts;
    let base = x.base_url.trim_end_matches('/');
    let diploma = x.cert.kind == crate::programs::model::Credential::Diploma;
    let mut doc = json!({
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": format!("{base}/api/v1/verify/{}/credential", x.cert.verification_code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("{} {}", if diploma { "Bằng tốt nghiệp" } else { "Giấy chứng nhận" }, f.program),
        "issuer": {"id": x.did, "type": ["Profile"], "name": f.issuer},
        "validFrom": instant(x.cert.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": f.holder,
            "birthDate": f.date_of_birth.to_string(),
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": f.holder}],
            "activityStartDate": format!("{}T00:00:00Z", f.starts_on),
            "activityEndDate": format!("{}T00:00:00Z", f.ends_on),
            "achievement": {
                "id": format!("{base}/api/v1/programs/{}", x.program_id),
                "type": ["Achievement"],
                "achievementType": if diploma { "Diploma" } else { "Certificate" },
                "name": f.program,
                "description": format!("Chương trình {} lý luận chính trị, hệ {}; lớp {}.", f.level, f.mode, f.cohort),
                "criteria": {"narrative": "Hoàn thành chương trình và đủ điều kiện tốt nghiệp theo quy định."},
                "fieldOfStudy": "Lý luận chính trị",
                "inLanguage": "vi",
            },
            "level": f.level,
            "studyMode": f.mode,
            "cohort": f.cohort,
            "classification": f.classification,
            "serialNumber": f.serial,
            "registerNumber": f.register_no,
            "issuedOn": f.issued_on.to_string(),
            "signer": {"name": f.signer_name, "title": f.signer_title},
        },
    });
    if let Some(s) = &x.status {
        doc["credentialStatus"] = s.clone();
    }
    doc
}

/// The credential signed with `key`, the proof created at the moment of issue.
pub fn signed(x: &Issued, key: &SigningKey) -> Option<Value> {
    sign_with(&credential(x), x.did, key, &instant(x.cert.issued_at))
}

/// `doc` with an `eddsa-jcs-2022` proof by the issuer `did`'s `key`, created at `created`.
pub fn sign_with(doc: &Value, did: &str, key: &SigningKey, created: &str) -> Option<Value> {
    let seed = key_bytes(&key.secret_key)?;
    Some(proof::sign(doc, &proof::options(&method_of(did, key), created), &seed))
}

/// The DID document of an institution: every key, oldest first, as a Multikey; the key in use
/// and the retired ones all serve `assertionMethod`, so what each signed still verifies.
pub fn did_document(did: &str, keys: &[SigningKey]) -> Value {
    let methods: Vec<Value> = keys
        .iter()
        .filter_map(|k| {
            let public = key_bytes(&k.public_key)?;
            Some(json!({"id": method_of(did, k), "type": "Multikey", "controller": did,
                "publicKeyMultibase": proof::multikey(&public)}))
        })
        .collect();
    let ids: Vec<Value> = methods.iter().map(|m| m["id"].clone()).collect();
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    })
}
