//! Legally signed credential PDFs [PAdES baseline B-B]: a school installs the certificate a
//! licensed certification authority issued it (PKCS#12); from then on its credential PDFs carry
//! a CMS signature by that certificate over the whole file, which ordinary PDF readers check.

pub mod cms;
pub mod http;
pub mod pdf;
pub mod pkcs12;
pub mod rules;
pub mod seal;
pub mod store;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use der::Decode;
use serde::{Deserialize, Serialize};
use x509_cert::Certificate;

use crate::db::ids::InstitutionId;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::settings::Settings;
use pkcs12::{Key, Material};

/// What the seal keeps: the PKCS#8 key and the chain, base64.
#[derive(Serialize, Deserialize)]
struct Sealed {
    key: String,
    chain: Vec<String>,
}

fn purpose(institution: InstitutionId) -> String {
    format!("signing-certificate:{institution}")
}

/// `m` sealed for `institution` with the server's key.
pub fn seal_material(key: &[u8; 32], institution: InstitutionId, m: &Material) -> Option<String> {
    let s = Sealed { key: STANDARD.encode(&m.key), chain: m.chain.iter().map(|c| STANDARD.encode(c)).collect() };
    seal::seal(key, &purpose(institution), &serde_json::to_vec(&s).ok()?)
}

fn open_material(key: &[u8; 32], institution: InstitutionId, sealed: &str) -> Option<Material> {
    let s: Sealed = serde_json::from_slice(&seal::open(key, &purpose(institution), sealed)?).ok()?;
    let chain = s.chain.iter().map(|c| STANDARD.decode(c).ok()).collect::<Option<Vec<_>>>()?;
    Some(Material { key: STANDARD.decode(&s.key).ok()?, chain })
}

/// A school's certificate ready to sign.
pub struct Signer {
    key: Key,
    chain: Vec<Certificate>,
    /// The holder's name, as the signature shows it.
    name: String,
}

impl Signer {
    /// The certificate `institution` has installed, opened, when it may sign at `now`: none is
    /// installed, or it has expired (the PDF then goes out unsigned, as before any was installed).
    pub fn of(
        conn: &mut DbConn,
        settings: &Settings,
        institution: InstitutionId,
        now: DateTime<Utc>,
    ) -> Result<Option<Signer>, ApiError> {
        let Some(row) = store::find(conn, institution)? else { return Ok(None) };
        if now > row.not_after.and_utc() || now < row.not_before.and_utc() {
            tracing::warn!(%institution, not_after = %row.not_after, "signing certificate not valid now: PDF unsigned");
            return Ok(None);
        }
        let unsealed = settings.certificates.sealing_key.get().and_then(|k| open_material(k, institution, &row.sealed));
        let m = unsealed.ok_or_else(|| {
            ApiError::Internal("the signing certificate cannot be unsealed: check certificates.sealing_key".into())
        })?;
        let key = pkcs12::key_of(&m.key).ok_or_else(|| ApiError::Internal("sealed signing key unreadable".into()))?;
        let chain = m
            .chain
            .iter()
            .map(|c| Certificate::from_der(c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ApiError::Internal("sealed certificate unreadable".into()))?;
        Ok(Some(Signer { key, chain, name: common_name(&row.subject) }))
    }

    /// `pdf` with this certificate's PAdES signature, made at `at`.
    pub fn sign(&self, pdf: &[u8], at: DateTime<Utc>) -> Result<Vec<u8>, ApiError> {
        pdf::sign(pdf, at, (&self.name, "Cấp văn bằng, chứng chỉ"), |digest| {
            cms::sign_detached(&self.key, &self.chain, digest)
        })
        .map_err(ApiError::Internal)
    }
}

/// `pdf` signed when there is a signer, else as it is.
pub fn signed(pdf: Vec<u8>, signer: Option<&Signer>, at: DateTime<Utc>) -> Result<Vec<u8>, ApiError> {
    match signer {
        Some(s) => s.sign(&pdf, at),
        None => Ok(pdf),
    }
}

/// The `CN` of an RFC 4514 name, else the whole name.
fn common_name(subject: &str) -> String {
    subject
        .split(',')
        .find_map(|part| part.trim().strip_prefix("CN="))
        .map_or_else(|| subject.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_name_of_a_subject() {
        assert_eq!(super::common_name("CN=Trường Chính trị tỉnh,O=Tỉnh ủy,C=VN"), "Trường Chính trị tỉnh");
        assert_eq!(super::common_name("O=Tỉnh ủy"), "O=Tỉnh ủy");
    }
}
