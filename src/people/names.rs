//! Vietnamese personal names: split into family [họ], middle [tên đệm] and given [tên] names;
//! an accent-free search key; and a sort key that orders people as Vietnamese class lists are
//! printed — by given name, then middle names, then family name, in Vietnamese letter order
//! (a ă â b c d đ e ê … o ô ơ … u ư …) with tones deciding only between otherwise equal names.
//!
//! The sort key is plain ASCII compared bytewise, so SQLite (BINARY) and PostgreSQL (COLLATE "C")
//! order it identically and keyset pagination works on both.

use unicode_normalization::UnicodeNormalization;

use crate::text::{clean, fold};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub full: String,
    pub family: String,
    pub middle: String,
    pub given: String,
}

/// "Nguyễn Thị Minh Khai" → family "Nguyễn", middle "Thị Minh", given "Khai".
pub fn split(full: &str) -> Name {
    let full = clean(full);
    let words: Vec<&str> = full.split(' ').filter(|w| !w.is_empty()).collect();
    let (family, middle, given) = match words.len() {
        0 => (String::new(), String::new(), String::new()),
        1 => (String::new(), String::new(), words[0].to_string()),
        n => (words[0].to_string(), words[1..n - 1].join(" "), words[n - 1].to_string()),
    };
    Name { full, family, middle, given }
}

/// The accent-free, lower-case name for search: "nguyen thi minh khai".
pub fn search_key(full: &str) -> String {
    fold(full)
}

/// Vietnamese alphabet order of base letters; other characters sort after, by code point.
const ALPHABET: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";

/// Tone of a syllable letter in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
fn tone(mark: char) -> Option<u8> {
    match mark {
        '\u{0300}' => Some(1), // huyền
        '\u{0309}' => Some(2), // hỏi
        '\u{0303}' => Some(3), // ngã
        '\u{0301}' => Some(4), // sắc
        '\u{0323}' => Some(5), // nặng
        _ => None,
    }
}

/// (base letter with its own marks such as ă/ơ, tone) of each letter of a word.
fn letters(word: &str) -> Vec<(char, u8)> {
    let mut out: Vec<(char, u8)> = Vec::new();
    for c in word.to_lowercase().nfd() {
        if let Some(t) = tone(c) {
            if let Some(last) = out.last_mut() {
                last.1 = t;
            }
            continue;
        }
        match (c, out.last_mut()) {
            // Marks that make a distinct letter: breve (ă), circumflex (â ê ô), horn (ơ ư).
            ('\u{0306}' | '\u{0302}' | '\u{031B}', Some(last)) => {
                let base: String = [last.0, c].iter().collect::<String>().nfc().collect();
                last.0 = base.chars().next().unwrap_or(last.0);
            }
            (c, _) if unicode_normalization::char::is_combining_mark(c) => {}
            (c, _) => out.push((c, 0)),
        }
    }
    out
}

fn weight(c: char) -> String {
    match ALPHABET.chars().position(|a| a == c) {
        Some(i) => format!("{:02}", i + 10),
        None if c.is_ascii_digit() => format!("0{}", c),
        None => format!("9{:06x}", c as u32),
    }
}

/// The sort key of a full name (see the module documentation).
pub fn sort_key(full: &str) -> String {
    let n = split(full);
    let mut words: Vec<&str> = vec![n.given.as_str()];
    words.extend(n.middle.split(' ').filter(|w| !w.is_empty()));
    words.push(n.family.as_str());
    let words: Vec<Vec<(char, u8)>> = words.iter().map(|w| letters(w)).collect();
    let primary: Vec<String> = words.iter().map(|w| w.iter().map(|(c, _)| weight(*c)).collect::<String>()).collect();
    let tones: String = words.iter().flat_map(|w| w.iter().map(|(_, t)| char::from(b'0' + t))).collect();
    // "0" separates words and ends the primary part: lower than any letter weight.
    format!("{}0!{}", primary.join("0"), tones)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names() {
        let n = split("  Nguyễn   Thị Minh  Khai ");
        assert_eq!((n.family.as_str(), n.middle.as_str(), n.given.as_str()), ("Nguyễn", "Thị Minh", "Khai"));
        assert_eq!(split("Lò Văn Páo").given, "Páo");
        assert_eq!(split("Mai").given, "Mai");
    }

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by_key(|n| sort_key(n));
        v
    }

    #[test]
    fn orders_by_given_then_middle_then_family() {
        assert_eq!(
            sorted(&["Trần Văn Bình", "Nguyễn Văn An", "Lê Thị An", "Phạm Anh", "Đỗ Văn An"]),
            vec!["Lê Thị An", "Đỗ Văn An", "Nguyễn Văn An", "Phạm Anh", "Trần Văn Bình"]
        );
    }

    #[test]
    fn vietnamese_letter_order() {
        // a < ă < â < b … d < đ < e < ê … o < ô < ơ … u < ư
        assert_eq!(sorted(&["X Ân", "X Ăn", "X An", "X Bảo"]), vec!["X An", "X Ăn", "X Ân", "X Bảo"]);
        assert_eq!(sorted(&["X Đức", "X Dũng", "X Em"]), vec!["X Dũng", "X Đức", "X Em"]);
        assert_eq!(sorted(&["X Ơn", "X Ông", "X Oanh"]), vec!["X Oanh", "X Ông", "X Ơn"]);
        assert_eq!(sorted(&["X Ưng", "X Uyên", "X Vân"]), vec!["X Uyên", "X Ưng", "X Vân"]);
    }

    #[test]
    fn tones_only_break_ties_and_prefixes_come_first() {
        // Same letters: ngang, huyền, hỏi, ngã, sắc, nặng.
        assert_eq!(
            sorted(&["X Mạ", "X Má", "X Mã", "X Mả", "X Mà", "X Ma"]),
            vec!["X Ma", "X Mà", "X Mả", "X Mã", "X Má", "X Mạ"]
        );
        // Letters decide before tones, and a shorter name that is a prefix comes first.
        assert_eq!(sorted(&["X Anh", "X Ánh", "X An"]), vec!["X An", "X Anh", "X Ánh"]);
        assert!(sort_key("Nguyễn Văn Ân") > sort_key("Trần Văn An"));
    }

    #[test]
    fn decomposed_and_composed_input_agree() {
        assert_eq!(sort_key("Nguye\u{0302}\u{0303}n Va\u{0306}n An"), sort_key("Nguyễn Văn An"));
        assert_eq!(sort_key("NGUYỄN VĂN AN"), sort_key("Nguyễn Văn An"));
        assert!(sort_key("Nguyễn Văn An").is_ascii());
    }
}
