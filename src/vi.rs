//! Vietnamese for the messages the service writes in English: field messages of validation
//! problems, rule messages and details. Fixed messages by table, the common shapes with numbers
//! and field names by pattern; a message neither knows is kept as written.

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

const FIXED: &[(&str, &str)] = &[
    ("is required", "là bắt buộc"),
    ("must not be empty", "không được để trống"),
    ("is not an e-mail address", "không phải là địa chỉ thư điện tử"),
    ("appears twice", "xuất hiện hai lần"),
    ("must be 1 or more", "phải từ 1 trở lên"),
    ("must be an object", "phải là một đối tượng JSON"),
    ("name at least one learner", "hãy nêu ít nhất một học viên"),
    ("name at least one grader", "hãy nêu ít nhất một người chấm"),
    ("lists a lecturer twice", "có một giảng viên được nêu hai lần"),
    ("must differ from the current password", "phải khác mật khẩu hiện tại"),
    ("is not a cursor this service gave", "không phải là con trỏ trang do dịch vụ này cấp"),
    ("is not a known tier", "không phải là cấp cơ sở đã biết"),
    (
        "is not a known tier; see GET /api/v1/institutions/tiers",
        "không phải là cấp cơ sở đã biết; xem GET /api/v1/institutions/tiers",
    ),
    ("is not enrolled in this class", "không có tên trong lớp này"),
    ("not a module of this class's program", "không phải học phần của chương trình lớp này"),
    ("must name a module exam of this class", "phải là một kỳ thi học phần của lớp này"),
    ("may not be below the number already enrolled", "không được thấp hơn số học viên đã ghi danh"),
    ("is required for a candidate who sat", "là bắt buộc với thí sinh có dự thi"),
    ("an absent or excused candidate has no grade", "thí sinh vắng thi hoặc được miễn không có điểm"),
    ("double marking needs at least two graders", "chấm hai vòng cần ít nhất hai người chấm"),
    ("gives no session", "không tạo ra buổi học nào"),
    ("give starts_at and ends_at, or a series", "hãy cho starts_at và ends_at, hoặc một chuỗi buổi học"),
    ("give either code or learner_id", "hãy cho code hoặc learner_id, không cả hai"),
    ("at most 1000 learners in one request", "tối đa 1000 học viên trong một yêu cầu"),
    (
        "not a graduation subject of the program (or `essay` for the paper)",
        "không phải môn thi tốt nghiệp của chương trình (hoặc `essay` cho bài tiểu luận)",
    ),
    (
        "a disciplinary measure needs measure_on and measure_reason",
        "hình thức kỷ luật cần measure_on và measure_reason",
    ),
    ("only with a disciplinary measure", "chỉ dùng khi có hình thức kỷ luật"),
    ("must be at least 8 characters", "phải có ít nhất 8 ký tự"),
    ("is too common", "quá phổ biến, dễ đoán"),
    ("No such resource.", "Không có tài nguyên này."),
    ("A merged institution is read-only.", "Cơ sở đã sáp nhập chỉ còn để tra cứu."),
    (
        "A merged institution is read-only; record new data at the institution it was merged into.",
        "Cơ sở đã sáp nhập chỉ còn để tra cứu; hãy ghi dữ liệu mới ở cơ sở đã tiếp nhận.",
    ),
    ("An institution cannot be merged into itself.", "Không thể sáp nhập một cơ sở vào chính nó."),
    (
        "An institution cannot be merged into one of the institutions below it.",
        "Không thể sáp nhập một cơ sở vào cơ sở trực thuộc nó.",
    ),
    ("A record cannot be merged into itself.", "Không thể hợp nhất một hồ sơ với chính nó."),
    ("A record with the same unique value already exists.", "Đã có bản ghi mang cùng giá trị duy nhất này."),
    ("The record refers to, or is referred to by, another record.", "Bản ghi đang liên kết với bản ghi khác."),
    ("A merged institution takes no new children.", "Cơ sở đã sáp nhập không nhận thêm đơn vị trực thuộc."),
];

/// `"must be at most 120 characters"` → `"tối đa 120 ký tự"`, and the like.
fn pattern(m: &str) -> Option<String> {
    let between = |s: &str, a: &str, b: &str| -> Option<String> {
        s.strip_prefix(a).and_then(|r| r.strip_suffix(b)).map(str::to_string)
    };
    if let Some(n) = between(m, "must be at most ", " characters") {
        return Some(format!("tối đa {n} ký tự"));
    }
    if let Some(n) = between(m, "must be at least ", " characters") {
        return Some(format!("phải có ít nhất {n} ký tự"));
    }
    if let Some(n) = between(m, "must be 1 to ", " characters") {
        return Some(format!("phải có từ 1 đến {n} ký tự"));
    }
    if let Some(rest) = between(m, "must be 1 to ", " letters, digits, '-', '_' or '.'") {
        return Some(format!("phải có từ 1 đến {rest} chữ cái, chữ số, '-', '_' hoặc '.'"));
    }
    if let Some(rest) = between(m, "must be 1 to ", " letters, digits, '-', '_', '.' or '/'") {
        return Some(format!("phải có từ 1 đến {rest} chữ cái, chữ số, '-', '_', '.' hoặc '/'"));
    }
    if let Some(r) = m.strip_prefix("must be between ") {
        if let Some((a, b)) = r.split_once(" and ") {
            return Some(format!("phải nằm trong khoảng {a} đến {b}"));
        }
    }
    if let Some(n) = between(m, "must list 1 to ", " learners") {
        return Some(format!("phải nêu từ 1 đến {n} học viên"));
    }
    if let Some(n) = between(m, "must list 1 to ", " marks") {
        return Some(format!("phải nêu từ 1 đến {n} điểm"));
    }
    if let Some(x) = m.strip_prefix("must be on or after ") {
        return Some(format!("phải cùng ngày hoặc sau {x}"));
    }
    if let Some(x) = m.strip_prefix("must be after ") {
        return Some(format!("phải sau {x}"));
    }
    if let Some(x) = between(m, "no such ", " in your scope") {
        return thing(&x).map(|t| format!("không có {t} này trong phạm vi của bạn"));
    }
    if let Some(x) = m.strip_prefix("no such ") {
        return thing(x).map(|t| format!("không có {t} này"));
    }
    if let Some(x) = m.strip_prefix("same name and date of birth as row ") {
        return Some(format!("trùng họ tên và ngày sinh với dòng {x}"));
    }
    if let Some(x) = m.strip_prefix("same national id as row ") {
        return Some(format!("trùng số định danh với dòng {x}"));
    }
    if let Some(x) = m.strip_prefix("already recorded as ") {
        return Some(format!("đã có trong hệ thống: {x}"));
    }
    if let Some(x) = m.strip_prefix("The JSON body does not fit this endpoint: ") {
        return Some(format!("Nội dung JSON không khớp với yêu cầu này: {x}"));
    }
    if let Some(x) = m.strip_prefix("The institution already has a sending unit named ") {
        return Some(format!("Cơ sở đã có đơn vị cử đi học tên {}", x.trim_end_matches('.')) + ".");
    }
    if let Some(x) = between(m, "Both records are enrolled in class ", ".") {
        return Some(format!("Cả hai hồ sơ đều có tên trong lớp {x}."));
    }
    None
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
    }
}
