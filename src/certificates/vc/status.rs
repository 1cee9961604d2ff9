//! Revocation offline: each issuer's credentials numbered 0, 1, 2 … in a W3C Bitstring Status
//! List (131,072 entries per list, GZIP, base64url multibase), served as a
//! `BitstringStatusListCredential` signed like the credentials. A bit is set when its credential
//! is revoked or replaced; the list is read from the credentials themselves, so it changes in the
//! same transaction as the revocation or reissue.

use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use super::document::VC_CONTEXT;

/// Entries per list: the specification's minimum, 16 KB uncompressed.
pub const LIST_SIZE: i64 = 131_072;

pub fn list_url(base_url: &str, code: &str, list: i64) -> String {
    format!("{}/api/v1/status-lists/{code}/{list}", base_url.trim_end_matches('/'))
}

/// The `credentialStatus` of the credential at `index` of its issuer's lists.
pub fn entry(base_url: &str, code: &str, index: i64) -> Value {
    let url = list_url(base_url, code, index / LIST_SIZE);
    json!({
        "id": format!("{url}#{}", index % LIST_SIZE),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": (index % LIST_SIZE).to_string(),
        "statusListCredential": url,
    })
}

/// The `encodedList` with the bits at `set` (positions within the list) on: the most significant
/// bit of the first byte is position 0.
pub fn encoded(set: &[i64]) -> String {
    let mut bits = vec![0u8; (LIST_SIZE / 8) as usize];
    for &i in set.iter().filter(|i| (0..LIST_SIZE).contains(*i)) {
        bits[(i / 8) as usize] |= 0x80 >> (i % 8);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = gz.write_all(&bits);
    format!("u{}", URL_SAFE_NO_PAD.encode(gz.finish().unwrap_or_default()))
}

/// The status at `position` of an `encodedList`; `None` if the list cannot be read.
pub fn is_set(encoded_list: &str, position: i64) -> Option<bool> {
    let gz = URL_SAFE_NO_PAD.decode(encoded_list.strip_prefix('u')?).ok()?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut bits).ok()?;
    let byte = bits.get(usize::try_from(position / 8).ok()?)?;
    Some(byte & (0x80 >> (position % 8)) != 0)
}

/// The unsigned list credential.
pub fn list_credential(url: &str, did: &str, encoded_list: String, valid_from: &str) -> Value {
    json!({
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": did},
        "validFrom": valid_from,
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_set_from_the_left_and_read_back() {
        let list = encoded(&[0, 9, 94567, LIST_SIZE - 1, LIST_SIZE, -1]);
        for (i, on) in [(0, true), (1, false), (9, true), (94566, false), (94567, true), (LIST_SIZE - 1, true)] {
            assert_eq!(is_set(&list, i), Some(on), "{i}");
        }
        assert_eq!(is_set(&list, LIST_SIZE), None);
        assert!(list.len() < 200, "a nearly empty list compresses: {}", list.len());
    }

    /// The specification's example list (all valid), and one made by another implementation
    /// (Python's zlib) with entry 94567 set.
    #[test]
    fn lists_from_elsewhere_read_right() {
        let spec = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";
        assert_eq!(is_set(spec, 0), Some(false));
        assert_eq!(is_set(spec, LIST_SIZE - 1), Some(false));
        let python = "uH4sIAAAAAAACA-3QAQ0AAAwCIO1f2hz_IAIJAAAAAAAAAAAAAADfVAEAAADAOQNQdb5gAEAAAA";
        assert_eq!(
            (is_set(python, 94567), is_set(python, 94566), is_set(python, 94568)),
            (Some(true), Some(false), Some(false))
        );
        assert_eq!(is_set("not a list", 0), None);
    }

    #[test]
    fn an_entry_names_its_list_and_position() {
        let e = entry("https://llct.hanam.gov.vn/", "TCT", LIST_SIZE + 5);
        assert_eq!(e["statusListCredential"], "https://llct.hanam.gov.vn/api/v1/status-lists/TCT/1");
        assert_eq!(e["statusListIndex"], "5");
        assert_eq!(e["id"], "https://llct.hanam.gov.vn/api/v1/status-lists/TCT/1#5");
    }
}
