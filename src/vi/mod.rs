//! Vietnamese for the messages the service writes in English: field messages of validation
//! problems, rule messages and details. Fixed messages by table, the common shapes with numbers
//! and field names by pattern; a message neither knows is kept as written.

mod table;

use table::{FIXED, SHAPES};

/// Names of things in messages such as "no such institution in your scope".
fn thing(en: &str) -> Option<&'static str> {
    Some(match en {
        "institution" => "cơ sở đào tạo",
        "lecturer" => "giảng viên",
        "learner" => "học viên",
        "program" => "chương trình",
        "module" => "học phần",
        "class" => "lớp",
        "user" => "tài khoản",
        "account" => "tài khoản",
        "session" => "buổi học",
        "exam" => "kỳ thi",
        _ => return None,
    })
}

/// What happened to one part of a result ("no grade yet", "7.5 is below the pass mark" …).
const REASONS: &[(&str, &str)] = &[
    ("no grade yet.", "chưa có điểm."),
    ("no graded report yet.", "chưa có bài thu hoạch được chấm."),
    ("the exam was missed; a retake is still possible.", "vắng thi; vẫn còn được thi lại."),
    ("the exam was missed and no retake is left.", "vắng thi và đã hết lượt thi lại."),
    ("the report's grade {} is below the pass mark.", "{0} điểm, dưới mức đạt."),
    ("{} is below the pass mark.", "{0} điểm, dưới mức đạt."),
    ("{} is below the pass mark; a retake is still possible.", "{0} điểm, dưới mức đạt; vẫn còn được thi lại."),
    (
        "{} is below the pass mark and no retake is left; repeat the module with a later class.",
        "{0} điểm, dưới mức đạt và đã hết lượt thi lại; phải học lại học phần với lớp sau.",
    ),
];

/// An LLCT level named in a message.
fn level(en: &str) -> &str {
    match en {
        "refresher" => "bồi dưỡng",
        "elementary" => "sơ cấp",
        "intermediate" => "trung cấp",
        "advanced" => "cao cấp",
        other => other,
    }
}

/// An education level in the words of an English message.
fn education(en: &str) -> &str {
    match en {
        "primary" => "tiểu học",
        "lower-secondary" => "trung học cơ sở",
        "upper-secondary" => "trung học phổ thông",
        "vocational" => "trung cấp chuyên nghiệp",
        "college" => "cao đẳng",
        "university" => "đại học",
        "master's" => "thạc sĩ",
        "doctoral" => "tiến sĩ",
        other => other,
    }
}

/// A status as the API spells it (`closed`, `in_progress` …), put in a Vietnamese message.
fn status(code: &str) -> &str {
    match code {
        "planned" => "dự kiến",
        "enrolling" => "đang ghi danh",
        "in_progress" => "đang học",
        "closing" => "đang kết thúc",
        "closed" => "đã kết thúc",
        "cancelled" => "đã hủy",
        "draft" => "nháp",
        "published" => "đã công bố",
        "retired" => "đã ngừng sử dụng",
        "sealed" => "đã niêm phong",
        "locked" => "đã khóa",
        other => other,
    }
}

/// What an import cell should have held ("gender (Nam / Nữ)" → "giới tính (Nam / Nữ)").
fn what(en: &str) -> String {
    const WHATS: &[(&str, &str)] = &[
        ("gender", "giới tính"),
        ("education level", "trình độ học vấn"),
        ("party status", "tình trạng đảng viên"),
        ("LLCT level", "trình độ lý luận chính trị"),
        ("lecturer kind", "loại giảng viên"),
        ("rank", "ngạch"),
        ("degree", "trình độ chuyên môn"),
        ("yes/no value", "giá trị có/không"),
    ];
    WHATS
        .iter()
        .find(|(e, _)| en.starts_with(e) && (en.len() == e.len() || en[e.len()..].starts_with(' ')))
        .map(|(e, v)| format!("{v}{}", &en[e.len()..]))
        .unwrap_or_else(|| en.to_string())
}

/// The values of `m` where `shape` has `{}`, if `m` has that shape (each value as short as it
/// can be, the last running to the shape's closing text).
fn values<'a>(shape: &str, m: &'a str) -> Option<Vec<&'a str>> {
    let mut parts = shape.split("{}");
    let mut rest = m.strip_prefix(parts.next()?)?;
    let parts: Vec<&str> = parts.collect();
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let at = if i + 1 == parts.len() {
            rest.strip_suffix(part).map(str::len)?
        } else {
            rest.find(part).filter(|_| !part.is_empty())?
        };
        out.push(&rest[..at]);
        rest = &rest[at + part.len()..];
    }
    Some(out)
}

/// `"must be at most 120 characters"` → `"tối đa 120 ký tự"`, and the like.
fn pattern(m: &str) -> Option<String> {
    if let Some(x) = values("no such {} in your scope", m) {
        return thing(x[0]).map(|t| format!("không có {t} này trong phạm vi của bạn"));
    }
    if let Some(x) = values("no such {}", m) {
        return thing(x[0]).map(|t| format!("không có {t} này"));
    }
    // "{header}: «{value}» {message}" of an import cell: the message after the value.
    if let Some((cell, m)) = m.split_once("» ") {
        if cell.contains(": «") {
            return Some(format!("{cell}» {}", message(m)));
        }
    }
    // A result's reasons: "{module or part}: {what happened}".
    if let Some((part, what)) = m.split_once(": ") {
        if let Some(what) = by_shape(REASONS, what) {
            let part = match part.strip_prefix("Graduation ") {
                Some(code) => format!("Thi tốt nghiệp {code}"),
                None if part == "Field study" => "Nghiên cứu thực tế".to_string(),
                None => part.to_string(),
            };
            return Some(format!("{part}: {what}"));
        }
    }
    if let Some(x) = values("is not a known {}", m) {
        return Some(format!("không phải là {} đã biết", what(x[0])));
    }
    if let Some(x) = values("The learner already holds the {} level.", m) {
        return Some(format!("Học viên đã có trình độ {}.", level(x[0])));
    }
    if let Some(x) = values("{} needs {} education or above.", m) {
        let title = match x[0] {
            "Elementary" => "Sơ cấp",
            "Intermediate" => "Trung cấp",
            "Advanced" => "Cao cấp",
            other => other,
        };
        return Some(format!("{title} cần trình độ {} trở lên.", education(x[1])));
    }
    if let Some(x) = values("An institution of tier {} may not run {} classes.", m) {
        return Some(format!("Cơ sở cấp {} không được mở lớp {}.", x[0], level(x[1])));
    }
    by_shape(SHAPES, m)
}

/// The Vietnamese of `m` by the first shape of `table` it has, its values put in place.
fn by_shape(table: &[(&str, &str)], m: &str) -> Option<String> {
    table.iter().find_map(|(en, vi)| {
        let found = values(en, m)?;
        Some(found.iter().enumerate().fold(vi.to_string(), |out, (i, v)| {
            // A value told as a state ("trạng thái {0}") is a status code: in Vietnamese too.
            out.replace(&format!("trạng thái {{{i}}}"), &format!("trạng thái {}", status(v)))
                .replace(&format!("{{{i}}}"), v)
        }))
    })
}

/// The Vietnamese of several messages (a result's reasons), one after another.
pub fn messages(en: &[String]) -> String {
    en.iter().map(|m| message(m)).collect::<Vec<_>>().join("; ")
}

/// The Vietnamese of an English message, or the message itself when it has none.
pub fn message(en: &str) -> String {
    FIXED
        .iter()
        .find(|(e, _)| *e == en)
        .map(|(_, v)| (*v).to_string())
        .or_else(|| pattern(en))
        .unwrap_or_else(|| en.to_string())
}

#[cfg(test)]
mod tests {
    use super::message;

    #[test]
    fn fixed_messages_and_shapes_with_numbers() {
        assert_eq!(message("is required"), "là bắt buộc");
        assert_eq!(message("must be at most 120 characters"), "tối đa 120 ký tự");
        assert_eq!(message("must be between 1 and 500"), "phải nằm trong khoảng 1 đến 500");
        assert_eq!(message("no such institution in your scope"), "không có cơ sở đào tạo này trong phạm vi của bạn");
        assert_eq!(message("must be on or after starts_on"), "phải cùng ngày hoặc sau starts_on");
        assert_eq!(message("no such spaceship"), "no such spaceship");
        assert_eq!(message("something new"), "something new");
        assert_eq!(
            message("Ngày sinh: «31/02/1990» is not a date (dd/mm/yyyy)"),
            "Ngày sinh: «31/02/1990» không phải là ngày (dd/mm/yyyy)"
        );
        assert_eq!(
            message("Giới tính: «k» is not a known gender (Nam / Nữ)"),
            "Giới tính: «k» không phải là giới tính (Nam / Nữ) đã biết"
        );
        assert_eq!(
            message("At 07:30 01/12/2026–09:00 the place is taken by another session (08:00 01/12/2026–10:00)."),
            "Lúc 07:30 01/12/2026–09:00 địa điểm đã có một buổi khác (08:00 01/12/2026–10:00)."
        );
        assert_eq!(message("The learner already holds the intermediate level."), "Học viên đã có trình độ trung cấp.");
        assert_eq!(
            message("The class is closed; it takes no enrolments."),
            "Lớp đang ở trạng thái đã kết thúc; không nhận ghi danh."
        );
        assert_eq!(
            message("Intermediate needs upper-secondary education or above."),
            "Trung cấp cần trình độ trung học phổ thông trở lên."
        );
        assert_eq!(
            message("Elementary needs lower-secondary education or above."),
            "Sơ cấp cần trình độ trung học cơ sở trở lên."
        );
        // A status code is put in Vietnamese where the message tells a state, nowhere else.
        assert_eq!(message("must be at most closed characters"), "tối đa closed ký tự");
        assert_eq!(
            message("The exam is sealed; it must be planned first."),
            "Kỳ thi đang ở trạng thái đã niêm phong; trước hết phải ở trạng thái dự kiến."
        );
    }

    /// Every message a handler writes for people, as written in the source (placeholders filled
    /// with a sample value), has its Vietnamese: a new English message fails here until it does.
    #[test]
    fn every_message_in_the_source_has_its_vietnamese() {
        let call = regex::Regex::new(
            r"(?:ProblemItem::(?:field|rule)|ApiError::(?:field|refused|conflict|BadRequest|Unauthorized)|\.check|\.add|\bfail|\b(?:fail|pending)\.push)\(",
        )
        .unwrap();
        let placeholder = regex::Regex::new(r"\{[^{}]*\}").unwrap();
        let mut files = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        let mut missing = Vec::new();
        let mut seen = 0;
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let name = path.display().to_string();
            if !name.ends_with(".rs") || name.contains("/vi/") || name.contains("/demo/") || name.ends_with("cli.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for m in call.find_iter(&text) {
                for written in literals_of_call(&text[m.end()..]) {
                    // Field names and codes (no space) are not messages; Vietnamese is already there.
                    let words = placeholder.replace_all(&written, "");
                    let words = words.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count();
                    if words < 2 || (!written.is_ascii() && !written.contains('«')) {
                        continue;
                    }
                    seen += 1;
                    let sample = placeholder.replace_all(&written, "1").into_owned();
                    if message(&sample) == sample {
                        missing.push(format!("{name}: {written}"));
                    }
                }
            }
        }
        assert!(seen > 100, "the scan found only {seen} messages");
        assert!(missing.is_empty(), "messages without Vietnamese:\n{}", missing.join("\n"));
    }

    /// The string literals among a call's arguments (`rest` starts after its opening parenthesis).
    fn literals_of_call(rest: &str) -> Vec<String> {
        let (mut depth, mut out, mut chars) = (0, Vec::new(), rest.chars());
        while let Some(c) = chars.next() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => depth -= 1,
                ';' => break,
                '"' => {
                    let mut lit = String::new();
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => lit.extend(chars.next()),
                            '"' => break,
                            c => lit.push(c),
                        }
                    }
                    out.push(lit);
                }
                _ => {}
            }
        }
        out
    }
}
