//! The CMS SignedData of a PAdES baseline B-B signature: detached, over the SHA-256 digest of
//! the PDF's byte range, with the content type, message digest and ESS signing-certificate-v2
//! signed attributes and the whole chain embedded.

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Encode, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::{GeneralName, GeneralNames};
use x509_cert::serial_number::SerialNumber;
use x509_cert::Certificate;

use super::pkcs12::Key;

/// ESS `IssuerSerial` (RFC 5035).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct IssuerSerial {
    issuer: GeneralNames,
    serial_number: SerialNumber,
}

/// ESS `ESSCertIDv2`; the hash algorithm is left out, meaning SHA-256 (its DER default).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    issuer_serial: Option<IssuerSerial>,
}

/// ESS `SigningCertificateV2`, without policies.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn fail(e: impl std::fmt::Display) -> String {
    format!("CMS signature: {e}")
}

/// The signed attribute that binds the signature to the signer's certificate.
fn signing_certificate(cert: &Certificate) -> Result<Attribute, String> {
    let id = EssCertIdV2 {
        hash_algorithm: None,
        cert_hash: OctetString::new(Sha256::digest(cert.to_der().map_err(fail)?).to_vec()).map_err(fail)?,
        issuer_serial: Some(IssuerSerial {
            issuer: vec![GeneralName::DirectoryName(cert.tbs_certificate.issuer.clone())],
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
    };
    let value = Any::encode_from(&SigningCertificateV2 { certs: vec![id] }).map_err(fail)?;
    Ok(Attribute {
        oid: const_oid::db::rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2,
        values: SetOfVec::try_from(vec![value]).map_err(fail)?,
    })
}

/// The DER `ContentInfo` signing `digest` (SHA-256 of the signed bytes) with `key`, whose
/// certificate is `chain[0]`.
pub fn sign_detached(key: &Key, chain: &[Certificate], digest: &[u8]) -> Result<Vec<u8>, String> {
    let leaf = chain.first().ok_or("no signer certificate")?;
    let content = EncapsulatedContentInfo { econtent_type: const_oid::db::rfc5911::ID_DATA, econtent: None };
    let sha256 = AlgorithmIdentifierOwned { oid: const_oid::db::rfc5912::ID_SHA_256, parameters: None };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: leaf.tbs_certificate.issuer.clone(),
        serial_number: leaf.tbs_certificate.serial_number.clone(),
    });
    let attribute = signing_certificate(leaf)?;
    let mut signed = SignedDataBuilder::new(&content);
    signed.add_digest_algorithm(sha256.clone()).map_err(fail)?;
    for c in chain {
        signed.add_certificate(CertificateChoices::Certificate(c.clone())).map_err(fail)?;
    }
    match key {
        Key::Rsa(k) => {
            let k = k.as_ref();
            let mut info = SignerInfoBuilder::new(k, sid, sha256, &content, Some(digest)).map_err(fail)?;
            info.add_signed_attribute(attribute).map_err(fail)?;
            signed
                .add_signer_info::<rsa::pkcs1v15::SigningKey<Sha256>, rsa::pkcs1v15::Signature>(info)
                .map_err(fail)?;
        }
        Key::P256(k) => {
            let mut info = SignerInfoBuilder::new(k, sid, sha256, &content, Some(digest)).map_err(fail)?;
            info.add_signed_attribute(attribute).map_err(fail)?;
            signed.add_signer_info::<p256::ecdsa::SigningKey, p256::ecdsa::DerSignature>(info).map_err(fail)?;
        }
    }
    signed.build().map_err(fail)?.to_der().map_err(fail)
}
