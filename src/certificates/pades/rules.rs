//! Which school certificates may sign credentials: decided from the certificate's facts alone.

use chrono::{DateTime, Utc};

/// What a certificate says about itself that decides whether it may sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFacts {
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// Key usage allows digital signatures (or content commitment, non-repudiation); a
    /// certificate without the key usage extension allows every use.
    pub signing_usage: bool,
    /// The private key is RSA or ECDSA P-256, the kinds the service signs with.
    pub key_supported: bool,
    /// The private key belongs to the certificate (their public keys are the same).
    pub key_matches: bool,
}

/// Every reason `facts` may not sign at `now`, each a stable code with its message.
pub fn problems(facts: &CertFacts, now: DateTime<Utc>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if now > facts.not_after {
        out.push((
            "certificate_expired",
            format!("The certificate expired on {}.", facts.not_after.format("%Y-%m-%d")),
        ));
    }
    if now < facts.not_before {
        out.push((
            "certificate_not_yet_valid",
            format!("The certificate is valid only from {}.", facts.not_before.format("%Y-%m-%d")),
        ));
    }
    if !facts.signing_usage {
        out.push(("no_signing_key_usage", "The certificate's key usage does not allow digital signatures.".into()));
    }
    if !facts.key_supported {
        out.push(("unsupported_key", "The key must be RSA or ECDSA P-256.".into()));
    } else if !facts.key_matches {
        out.push(("key_mismatch", "The private key does not belong to the certificate.".into()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn problems_table() {
        let at = |y| Utc.with_ymd_and_hms(y, 6, 1, 0, 0, 0).unwrap();
        let good = CertFacts {
            not_before: at(2025),
            not_after: at(2028),
            signing_usage: true,
            key_supported: true,
            key_matches: true,
        };
        let codes = |f: &CertFacts, now| problems(f, now).into_iter().map(|(c, _)| c).collect::<Vec<_>>();
        let cases: Vec<(CertFacts, DateTime<Utc>, Vec<&str>)> = vec![
            (good.clone(), at(2026), vec![]),
            (good.clone(), at(2029), vec!["certificate_expired"]),
            (good.clone(), at(2024), vec!["certificate_not_yet_valid"]),
            (CertFacts { signing_usage: false, ..good.clone() }, at(2026), vec!["no_signing_key_usage"]),
            (CertFacts { key_supported: false, key_matches: false, ..good.clone() }, at(2026), vec!["unsupported_key"]),
            (CertFacts { key_matches: false, ..good.clone() }, at(2026), vec!["key_mismatch"]),
            (
                CertFacts { signing_usage: false, ..good.clone() },
                at(2030),
                vec!["certificate_expired", "no_signing_key_usage"],
            ),
        ];
        for (facts, now, want) in cases {
            assert_eq!(codes(&facts, now), want, "{facts:?} at {now}");
        }
    }
}
