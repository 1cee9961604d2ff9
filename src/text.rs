//! Text as people type it: Vietnamese names NFC-normalised, white space tidied, and an
//! accent-free folded form for search computed in Rust so both databases behave the same.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFC, trimmed, inner runs of white space collapsed to one space.
pub fn clean(s: &str) -> String {
    s.nfc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lower-case, without diacritics, đ → d: `"Nguyễn Văn Đức"` → `"nguyen van duc"`.
pub fn fold(s: &str) -> String {
    clean(s)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A rough e-mail check: one `@`, something either side, a dot in the domain, no spaces.
pub fn looks_like_email(s: &str) -> bool {
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        _ => false,
    }
}

/// Lower-case hexadecimal of `bytes` (token and request fingerprints).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_makes_nfc_and_tidies_space() {
        let decomposed = "Nguye\u{0302}\u{0303}n  Va\u{0306}n   An ";
        assert_eq!(clean(decomposed), "Nguyễn Văn An");
        assert_eq!(clean(decomposed).chars().count(), 13);
    }

    #[test]
    fn fold_removes_marks_and_d_stroke() {
        assert_eq!(fold("Nguyễn Văn Đức"), "nguyen van duc");
        assert_eq!(fold("ĐẶNG THỊ Ánh"), "dang thi anh");
        assert_eq!(fold("Trường Chính trị"), "truong chinh tri");
    }

    #[test]
    fn email_shapes() {
        assert!(looks_like_email("a.b@truong.edu.vn"));
        for bad in ["", "a", "a@b", "@b.vn", "a@.vn", "a b@c.vn", "a@b@c.vn", "a@b.vn."] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
