//! A PDF given a signature field whose value is a PAdES signature over every byte of the file
//! except the signature itself (`/ByteRange`), `/SubFilter /ETSI.CAdES.detached`.

use chrono::{DateTime, Utc};
use printpdf::lopdf::{dictionary, Dictionary, Document, Object, StringFormat};
use sha2::{Digest, Sha256};

/// Bytes kept for the DER signature (a chain of a few certificates fits many times over).
const RESERVED: usize = 16_384;
/// Written where the byte range goes, then replaced by the real one padded to the same width.
const RANGE: [i64; 4] = [0, 1_111_111_111, 2_222_222_222, 3_333_333_333];

/// A text string as PDF writes one: UTF-16BE after its byte order mark.
fn text(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Adds an invisible signature field on the first page holding a signature dictionary whose
/// `/Contents` is still empty; the document written out.
fn prepared(pdf: &[u8], at: DateTime<Utc>, signer: &str, reason: &str) -> Result<Vec<u8>, String> {
    let fail = |e: printpdf::lopdf::Error| format!("PDF signature field: {e}");
    let mut doc = Document::load_mem(pdf).map_err(fail)?;
    let page = *doc.get_pages().values().next().ok_or("a PDF without pages")?;
    let sig = doc.add_object(dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "ByteRange" => RANGE.iter().map(|&n| Object::Integer(n)).collect::<Vec<_>>(),
        "Contents" => Object::String(vec![0; RESERVED], StringFormat::Hexadecimal),
        "M" => Object::string_literal(at.format("D:%Y%m%d%H%M%S+00'00'").to_string()),
        "Name" => text(signer),
        "Reason" => text(reason),
    });
    let field = doc.add_object(dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => text("Chữ ký số"),
        "V" => sig,
        "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()],
        "F" => 132,
        "P" => page,
    });
    let page = doc.get_object_mut(page).and_then(Object::as_dict_mut).map_err(fail)?;
    match page.get_mut(b"Annots") {
        Ok(Object::Array(a)) => a.push(field.into()),
        _ => page.set("Annots", vec![Object::from(field)]),
    }
    let root = doc.trailer.get(b"Root").and_then(Object::as_reference).map_err(fail)?;
    let catalog = doc.get_object_mut(root).and_then(Object::as_dict_mut).map_err(fail)?;
    let mut form = Dictionary::new();
    form.set("Fields", vec![Object::from(field)]);
    form.set("SigFlags", 3);
    catalog.set("AcroForm", form);
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| format!("PDF written: {e}"))?;
    Ok(out)
}

/// `pdf` signed: `sign` gets the SHA-256 digest of the signed byte range and answers the DER
/// CMS signature put into `/Contents`.
pub fn sign(
    pdf: &[u8],
    at: DateTime<Utc>,
    (signer, reason): (&str, &str),
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, String> {
    let mut out = prepared(pdf, at, signer, reason)?;
    let placeholder = format!("[{} {} {} {}]", RANGE[0], RANGE[1], RANGE[2], RANGE[3]);
    let range_at = find(&out, placeholder.as_bytes()).ok_or("byte range placeholder not written")?;
    let hole = [b"<".as_slice(), &vec![b'0'; RESERVED * 2], b">"].concat();
    let start = find(&out, &hole).ok_or("signature placeholder not written")?;
    let end = start + hole.len();
    let range = format!("[0 {start} {end} {}]", out.len() - end);
    if range.len() > placeholder.len() {
        return Err("byte range too long".into());
    }
    out[range_at..range_at + placeholder.len()]
        .copy_from_slice(format!("{range:<w$}", w = placeholder.len()).as_bytes());
    let mut hasher = Sha256::new();
    hasher.update(&out[..start]);
    hasher.update(&out[end..]);
    let signature = sign(&hasher.finalize())?;
    if signature.len() > RESERVED {
        return Err(format!("a signature of {} bytes does not fit", signature.len()));
    }
    let hex: String = signature.iter().map(|b| format!("{b:02X}")).collect();
    out[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}
