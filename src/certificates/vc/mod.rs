//! Credentials any verifier reads: each credential as a W3C Verifiable Credential 2.0 /
//! Open Badges 3.0 `OpenBadgeCredential` with an `eddsa-jcs-2022` proof by the issuing
//! institution's key, and each institution's `did:web` document listing every key it ever signed
//! with (retired ones too, so old credentials keep verifying).
//!
//! A credential's document is built from the facts signed at issue and signed with the key that
//! signed them, `created` at the moment of issue: Ed25519 being deterministic, the same
//! credential is the same bytes on every request.

pub mod document;
pub mod http;
pub mod proof;
pub mod status;

pub use http::{api_routes, root_routes};

/// The `did:web` identifier of the institution with `code` under the service's public address:
/// `https://host:8443/llct` gives `did:web:host%3A8443:llct:institutions:{code}`, which resolves
/// to `https://host:8443/llct/institutions/{code}/did.json`.
pub fn did_of(public_base_url: &str, code: &str) -> String {
    let rest = public_base_url.split_once("://").map(|(_, r)| r).unwrap_or(public_base_url).trim_end_matches('/');
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut parts = vec![host.replace(':', "%3A")];
    parts.extend(path.split('/').filter(|s| !s.is_empty()).map(str::to_string));
    parts.extend(["institutions".to_string(), code.to_string()]);
    format!("did:web:{}", parts.join(":"))
}

#[cfg(test)]
mod tests {
    use super::did_of;

    #[test]
    fn did_web_names_follow_the_public_address() {
        for (base, did) in [
            ("https://llct.hanam.gov.vn", "did:web:llct.hanam.gov.vn:institutions:TCT"),
            ("https://llct.hanam.gov.vn/", "did:web:llct.hanam.gov.vn:institutions:TCT"),
            ("http://127.0.0.1:8080", "did:web:127.0.0.1%3A8080:institutions:TCT"),
            ("https://tinh.vn/dao-tao/llct", "did:web:tinh.vn:dao-tao:llct:institutions:TCT"),
        ] {
            assert_eq!(did_of(base, "TCT"), did, "{base}");
        }
    }
}
