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
    ("The session was cancelled; it has no roll.", "Buổi học đã bị hủy; không có điểm danh."),
    ("The roll can be taken once the session has started.", "Chỉ điểm danh được khi buổi học đã bắt đầu."),
    (
        "The lecturer's window for this roll has closed: an administrator may correct it, giving a reason.",
        "Đã hết thời hạn giảng viên điểm danh buổi này: quản trị viên có thể sửa, kèm lý do.",
    ),
    ("was not enrolled in the class on the session's date", "chưa có tên trong lớp vào ngày của buổi học"),
    ("must be more than 0 and at most 500", "phải lớn hơn 0 và không quá 500"),
    ("The current password is not right.", "Mật khẩu hiện tại không đúng."),
    ("No such route.", "Không có đường dẫn này."),
    ("Sign in first.", "Hãy đăng nhập trước."),
    ("Wrong e-mail or password.", "Sai thư điện tử hoặc mật khẩu."),
    ("The token is unknown, expired or revoked.", "Mã đăng nhập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."),
    ("Sign in and send `Authorization: Bearer <token>`.", "Hãy đăng nhập và gửi tiêu đề `Authorization: Bearer <token>`."),
    ("The Authorization header must be `Bearer <token>`.", "Tiêu đề Authorization phải có dạng `Bearer <token>`."),
    ("The request could not be read.", "Không đọc được yêu cầu."),
    ("A CSV file must be UTF-8 text.", "Tệp CSV phải là văn bản UTF-8."),
    ("only for late arrivals", "chỉ dùng cho trường hợp đi muộn"),
    ("must be 0 to 600", "phải từ 0 đến 600"),
    ("The Authorization header is not readable.", "Không đọc được tiêu đề Authorization."),
    ("The class's graduation decision is already recorded.", "Quyết định công nhận tốt nghiệp của lớp đã được ghi."),
    ("The learner is not in this class.", "Học viên không có tên trong lớp này."),
    ("No graduation decision is recorded for this class.", "Lớp chưa có quyết định công nhận tốt nghiệp."),
    ("The class has no valid credentials yet.", "Lớp chưa có văn bằng, chứng chỉ nào còn hiệu lực."),
    (
        "The program needs the graduation council's decision before credentials are issued.",
        "Chương trình cần quyết định của hội đồng xét tốt nghiệp trước khi cấp văn bằng, chứng chỉ.",
    ),
    ("The credential has been revoked.", "Văn bằng, chứng chỉ đã bị thu hồi."),
    ("The credential has been replaced by a reissue.", "Văn bằng, chứng chỉ đã được thay bằng bản cấp lại."),
    (
        "This lecturer is already assigned to this module of the class.",
        "Giảng viên này đã được phân công dạy học phần này của lớp.",
    ),
    (
        "Sessions are scheduled for this lecturer and module; move or cancel them first.",
        "Đã có buổi học xếp cho giảng viên và học phần này; hãy dời hoặc hủy các buổi đó trước.",
    ),
    ("To enrol again, POST to the class's enrollments.", "Để ghi danh lại, hãy POST vào danh sách ghi danh của lớp."),
    ("is required to withdraw", "là bắt buộc khi rút tên khỏi lớp"),
    ("give cohort_id, or program_id with mode and starts_on", "hãy cho cohort_id, hoặc program_id cùng mode và starts_on"),
    ("is required to cancel a class", "là bắt buộc khi hủy lớp"),
    ("Elementary needs lower-secondary education or above.", "Sơ cấp cần trình độ trung học cơ sở trở lên."),
    (
        "Elementary is for party members, mass-organisation members or local officials.",
        "Sơ cấp dành cho đảng viên, đoàn viên, hội viên các đoàn thể hoặc cán bộ cơ sở.",
    ),
    (
        "Intermediate is for party members (probationary members allowed).",
        "Trung cấp dành cho đảng viên (kể cả đảng viên dự bị).",
    ),
    (
        "Intermediate needs a college degree or above (upper-secondary for some ethnic-minority officials, by override).",
        "Trung cấp cần trình độ cao đẳng trở lên (trung học phổ thông với một số cán bộ người dân tộc thiểu số, khi được miễn trừ).",
    ),
    ("Intermediate needs the elementary level first.", "Trung cấp cần có trình độ sơ cấp trước."),
    ("Advanced is for full party members.", "Cao cấp dành cho đảng viên chính thức."),
    ("Advanced needs a university degree.", "Cao cấp cần trình độ đại học."),
    ("Advanced needs the intermediate level first.", "Cao cấp cần có trình độ trung cấp trước."),
    ("Conduct rated yếu in class.", "Rèn luyện xếp loại yếu trong lớp."),
    ("Grades can be appealed once they are published.", "Chỉ phúc khảo được khi điểm đã công bố."),
    ("An appeal of this grade is already waiting.", "Đã có đơn phúc khảo điểm này đang chờ xử lý."),
    ("The appeal is already resolved.", "Đơn phúc khảo đã được giải quyết."),
    ("The exam's grades are published; it no longer changes.", "Điểm của kỳ thi đã công bố; kỳ thi không thay đổi được nữa."),
    ("Withdrawn from the class.", "Đã rút tên khỏi lớp."),
    ("Has not sat the first exam of this module.", "Chưa dự thi lần đầu học phần này."),
    ("Already passed this module.", "Đã đạt học phần này."),
    ("Only the exam's graders enter marks.", "Chỉ người chấm của kỳ thi được nhập điểm."),
    ("The grading deadline has passed; an administrator may extend it.", "Đã quá hạn chấm; quản trị viên có thể gia hạn."),
    ("This exam is marked blind: use the candidate code.", "Kỳ thi chấm theo số phách: hãy dùng số phách."),
    ("No such candidate in this exam.", "Không có thí sinh này trong kỳ thi."),
    ("Someone changed this script at the same moment; send it again.", "Bài này vừa được người khác sửa cùng lúc; hãy gửi lại."),
    ("The report has been graded; it can no longer change.", "Bài thu hoạch đã được chấm; không sửa được nữa."),
    ("The learner has not submitted a report.", "Học viên chưa nộp bài thu hoạch."),
    (
        "If-Match must be `*` or a list of entity tags like \"3\".",
        "If-Match phải là `*` hoặc danh sách thẻ thực thể, ví dụ \"3\".",
    ),
    (
        "Idempotency-Key must be 1 to 200 visible ASCII characters.",
        "Idempotency-Key phải có từ 1 đến 200 ký tự ASCII nhìn thấy được.",
    ),
    (
        "This Idempotency-Key was used for a different request; use a new key.",
        "Idempotency-Key này đã dùng cho một yêu cầu khác; hãy dùng khóa mới.",
    ),
    ("Unsupported content type.", "Kiểu nội dung không được hỗ trợ."),
    (
        "Send the body as JSON with Content-Type: application/json.",
        "Hãy gửi nội dung dạng JSON với Content-Type: application/json.",
    ),
    ("The body could not be read.", "Không đọc được nội dung yêu cầu."),
    (
        "The roll of this session has been taken; cancel it instead of removing it.",
        "Buổi học này đã được điểm danh; hãy hủy buổi học thay vì xóa.",
    ),
    ("The body must be a JSON object, not null.", "Nội dung yêu cầu phải là một đối tượng JSON, không phải null."),
    (
        "give it here or set it on the issuing institution",
        "hãy ghi ở đây hoặc khai báo cho cơ sở cấp văn bằng",
    ),
    ("must be 1 to 120 characters", "phải có từ 1 đến 120 ký tự"),
    (
        "An institution cannot be moved under itself or one of its descendants.",
        "Không thể chuyển một cơ sở vào dưới chính nó hoặc cơ sở trực thuộc nó.",
    ),
    ("The file is not a readable XLSX workbook.", "Tệp không phải là sổ tính XLSX đọc được."),
    ("The workbook has no sheet.", "Sổ tính không có trang nào."),
    ("The first sheet of the workbook cannot be read.", "Không đọc được trang đầu của sổ tính."),
    ("The file is empty: it needs a header row.", "Tệp trống: cần có dòng tiêu đề."),
    (
        "This person is already recorded in the institution tree (same national id, or same name and date of birth).",
        "Người này đã có trong hệ thống các cơ sở (trùng số định danh, hoặc trùng họ tên và ngày sinh).",
    ),
    (
        "This lecturer is already recorded in the institution tree (same national id, or same name and date of birth).",
        "Giảng viên này đã có trong hệ thống các cơ sở (trùng số định danh, hoặc trùng họ tên và ngày sinh).",
    ),
    ("Another program of this owner has this code and edition.", "Một chương trình khác của đơn vị này đã có mã và phiên bản này."),
    ("A program needs at least one module.", "Chương trình cần ít nhất một học phần."),
    ("Every assessed module needs its hours.", "Mỗi học phần có đánh giá cần có số tiết."),
    ("Set graduation subjects or a graduation paper.", "Hãy đặt các môn thi tốt nghiệp hoặc bài tiểu luận tốt nghiệp."),
    ("The rule settings are invalid; correct them first.", "Thiết lập quy định không hợp lệ; hãy sửa trước."),
    ("The program is a draft; publish it first.", "Chương trình còn là bản nháp; hãy ban hành trước."),
    ("The program is retired; use its newer edition.", "Chương trình đã ngừng áp dụng; hãy dùng phiên bản mới hơn."),
    ("Assign the lecturer to this module of the class first.", "Hãy phân công giảng viên dạy học phần này của lớp trước."),
    ("The change clashes; nothing was changed.", "Thay đổi bị trùng lịch; chưa có gì được thay đổi."),
    ("A cancelled session cannot change; schedule a new one.", "Buổi học đã hủy không thay đổi được; hãy xếp buổi mới."),
    ("must list days 1 (Monday) to 7 (Sunday)", "phải nêu các ngày từ 1 (thứ Hai) đến 7 (Chủ nhật)"),
    ("must be on or after from, within a year", "phải cùng ngày hoặc sau from, trong vòng một năm"),
    ("must be on or after from, within ten years", "phải cùng ngày hoặc sau from, trong vòng mười năm"),
    ("must be on or after from, at most 366 days later", "phải cùng ngày hoặc sau from, muộn nhất 366 ngày"),
    ("a session lasts at most 12 hours", "một buổi học dài tối đa 12 giờ"),
    ("give exactly one of cohort_id, lecturer_id or place", "hãy cho đúng một trong cohort_id, lecturer_id hoặc place"),
    ("you may not grant this role", "bạn không được cấp vai trò này"),
    ("An account with this e-mail address already exists.", "Đã có tài khoản với địa chỉ thư điện tử này."),
    (
        "You cannot change your own role, institution or status; ask another administrator.",
        "Bạn không thể tự đổi vai trò, cơ sở hay trạng thái của mình; hãy nhờ quản trị viên khác.",
    ),
    ("must be null for a system_admin", "phải để trống với system_admin"),
    ("is required for this role", "là bắt buộc với vai trò này"),
    ("only your own messages are listed here", "ở đây chỉ liệt kê thư của bạn"),
    ("results of a class cannot be turned off", "không thể tắt thông báo kết quả của lớp"),
    ("only an administrator may change this", "chỉ quản trị viên được thay đổi mục này"),
    ("is required: only system administrators create root institutions", "là bắt buộc: chỉ quản trị viên hệ thống được tạo cơ sở gốc"),
    ("only system administrators make root institutions", "chỉ quản trị viên hệ thống được tạo cơ sở gốc"),
    ("you may not create programs for this owner", "bạn không được tạo chương trình cho đơn vị này"),
    ("you may not own programs for this institution", "bạn không được đặt chương trình thuộc cơ sở này"),
    ("must be a phone number of at most 20 characters", "phải là số điện thoại tối đa 20 ký tự"),
    ("is out of range", "nằm ngoài phạm vi cho phép"),
    ("is not a date (dd/mm/yyyy)", "không phải là ngày (dd/mm/yyyy)"),
    ("is not a year", "không phải là năm"),
];

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

/// What an import cell should have held ("gender (Nam / Nữ)" → "giới tính (Nam / Nữ)").
fn what(en: &str) -> String {
    const WHATS: &[(&str, &str)] = &[
        ("gender", "giới tính"),
        ("education level", "trình độ học vấn"),
        ("party status", "tình trạng đảng viên"),
        ("LLCT level", "trình độ lý luận chính trị"),
        ("lecturer kind", "loại giảng viên"),
        ("rank", "ngạch"),
        ("yes/no value", "giá trị có/không"),
    ];
    WHATS
        .iter()
        .find(|(e, _)| en.starts_with(e) && (en.len() == e.len() || en[e.len()..].starts_with(' ')))
        .map(|(e, v)| format!("{v}{}", &en[e.len()..]))
        .unwrap_or_else(|| en.to_string())
}

/// Messages with values in them: the English shape with `{}` where a value stands, and the
/// Vietnamese with `{0}`, `{1}` … in their place. Tried in order, so a longer shape comes before
/// a shorter one it would also match.
const SHAPES: &[(&str, &str)] = &[
    ("must be at most {} characters", "tối đa {0} ký tự"),
    ("must be at least {} characters", "phải có ít nhất {0} ký tự"),
    ("must be 1 to {} characters", "phải có từ 1 đến {0} ký tự"),
    ("must be 1 to {} letters, digits, '-', '_' or '.'", "phải có từ 1 đến {0} chữ cái, chữ số, '-', '_' hoặc '.'"),
    (
        "must be 1 to {} letters, digits, '-', '_', '.' or '/'",
        "phải có từ 1 đến {0} chữ cái, chữ số, '-', '_', '.' hoặc '/'",
    ),
    ("must be between {} and {}", "phải nằm trong khoảng {0} đến {1}"),
    ("must list 1 to {} learners", "phải nêu từ 1 đến {0} học viên"),
    ("must list 1 to {} marks", "phải nêu từ 1 đến {0} điểm"),
    ("must be on or after {}", "phải cùng ngày hoặc sau {0}"),
    ("must be after {}", "phải sau {0}"),
    ("same name and date of birth as row {}", "trùng họ tên và ngày sinh với dòng {0}"),
    ("same national id as row {}", "trùng số định danh với dòng {0}"),
    ("already recorded as {}", "đã có trong hệ thống: {0}"),
    ("The JSON body does not fit this endpoint: {}", "Nội dung JSON không khớp với yêu cầu này: {0}"),
    ("The institution already has a sending unit named {}.", "Cơ sở đã có đơn vị cử đi học tên {0}."),
    ("missing column «{}» ({})", "thiếu cột «{0}» ({1})"),
    ("unknown column «{}»", "cột «{0}» không có trong mẫu"),
    ("column «{}» appears twice", "cột «{0}» xuất hiện hai lần"),
    ("A file may hold at most {} rows; split it.", "Một tệp chứa tối đa {0} dòng; hãy chia nhỏ."),
    ("The CSV file cannot be read: {}.", "Không đọc được tệp CSV: {0}."),
    ("A query parameter is invalid: {}.", "Một tham số truy vấn không hợp lệ: {0}."),
    ("The body is not valid JSON: {}.", "Nội dung không phải JSON hợp lệ: {0}."),
    (
        "Needs a rating of 'hoàn thành tốt nhiệm vụ' or better for {}.",
        "Cần được xếp loại 'hoàn thành tốt nhiệm vụ' trở lên năm {0}.",
    ),
    (
        "In-service intermediate classes are for women aged {}+ and men aged {}+ ({} at the start).",
        "Lớp trung cấp không tập trung dành cho nữ từ {0} tuổi và nam từ {1} tuổi ({2} tuổi khi khai giảng).",
    ),
    (
        "In-service advanced classes are for women aged {}+ and men aged {}+ ({} at the start).",
        "Lớp cao cấp không tập trung dành cho nữ từ {0} tuổi và nam từ {1} tuổi ({2} tuổi khi khai giảng).",
    ),
    ("Already enrolled in a class at the same time: {}.", "Đã có tên trong một lớp học cùng thời gian: {0}."),
    ("Disciplinary measure in class: {}.", "Bị kỷ luật trong lớp: {0}."),
    (
        "Missed {}% of the module's time; the limit is {}%. Make up the hours to sit the exam.",
        "Vắng {0}% thời gian học phần; giới hạn là {1}%. Hãy học bù để được dự thi.",
    ),
    (
        "Missed {}% of the program's time; the limit is {}%: cannot graduate with the class.",
        "Vắng {0}% thời gian chương trình; giới hạn là {1}%: không được xét tốt nghiệp cùng lớp.",
    ),
    ("Appeals may be filed within {} days of publication.", "Đơn phúc khảo nộp trong vòng {0} ngày kể từ khi công bố điểm."),
    (
        "Has used the {} retake(s) allowed; repeat the module with a later class.",
        "Đã dùng hết {0} lần thi lại được phép; hãy học lại học phần với lớp sau.",
    ),
    (
        "Marks are entered while the exam is sealed; it is {}.",
        "Chỉ nhập điểm khi bài thi đã niêm phong; kỳ thi đang ở trạng thái {0}.",
    ),
    ("The exam is {}; it must be {} first.", "Kỳ thi đang ở trạng thái {0}; trước hết phải ở trạng thái {1}."),
    ("The exam is {}.", "Kỳ thi đang ở trạng thái {0}."),
    ("{} (code {}) has no final grade yet.", "{0} (số phách {1}) chưa có điểm cuối cùng."),
    ("The class is {}; it takes no enrolments.", "Lớp đang ở trạng thái {0}; không nhận ghi danh."),
    ("The class is {}; it can no longer change.", "Lớp đang ở trạng thái {0}; không thay đổi được nữa."),
    ("The class is {}; its timetable is closed.", "Lớp đang ở trạng thái {0}; thời khóa biểu đã khóa."),
    (
        "The class is {}; the council decides once it is closing or closed.",
        "Lớp đang ở trạng thái {0}; hội đồng chỉ xét khi lớp đang kết thúc hoặc đã kết thúc.",
    ),
    (
        "The class is {}; credentials are issued once it is closing or closed.",
        "Lớp đang ở trạng thái {0}; văn bằng, chứng chỉ chỉ được cấp khi lớp đang kết thúc hoặc đã kết thúc.",
    ),
    ("The class is {}.", "Lớp đang ở trạng thái {0}."),
    ("The class has {} seat(s) left for {} learner(s).", "Lớp còn {0} chỗ, không đủ cho {1} học viên."),
    ("The institution already has a class {}.", "Cơ sở đã có lớp {0}."),
    ("{} is already enrolled.", "{0} đã có tên trong lớp."),
    ("{} does not list {} among their subjects.", "{0} không có {1} trong các môn giảng dạy."),
    ("The code {} is already used by another institution.", "Mã {0} đã được một cơ sở khác sử dụng."),
    ("No job named {}.", "Không có tác vụ tên {0}."),
    (
        "The program is {}: it and its modules are frozen. Start a new edition with POST /api/v1/programs/{}/versions.",
        "Chương trình đang ở trạng thái {0}: chương trình và các học phần đã cố định. Hãy tạo phiên bản mới bằng POST /api/v1/programs/{1}/versions.",
    ),
    ("The program is {}, not a draft.", "Chương trình đang ở trạng thái {0}, không phải bản nháp."),
    (
        "Only a published program can be retired; this one is {}.",
        "Chỉ chương trình đã ban hành mới ngừng áp dụng được; chương trình này đang ở trạng thái {0}.",
    ),
    ("Program {} edition {} already exists for this owner.", "Chương trình {0} phiên bản {1} đã có ở đơn vị này."),
    ("The program already has a module {}.", "Chương trình đã có học phần {0}."),
    ("Sessions {} and {} of the request overlap.", "Buổi {0} và buổi {1} trong yêu cầu trùng giờ nhau."),
    ("{} is outside the class's dates.", "{0} nằm ngoài thời gian của lớp."),
    ("At {} the lecturer teaches another session ({}).", "Lúc {0} giảng viên đã dạy một buổi khác ({1})."),
    ("At {} the class has another session ({}).", "Lúc {0} lớp đã có một buổi khác ({1})."),
    ("At {} the place is taken by another session ({}).", "Lúc {0} địa điểm đã có một buổi khác ({1})."),
    ("gives more than {} sessions", "tạo ra hơn {0} buổi học"),
    ("the account must have the role {}", "tài khoản phải có vai trò {0}"),
    ("Both records are enrolled in class {}.", "Cả hai hồ sơ đều có tên trong lớp {0}."),
];

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
    if let Some(x) = values("An institution of tier {} may not run {} classes.", m) {
        return Some(format!("Cơ sở cấp {} không được mở lớp {}.", x[0], level(x[1])));
    }
    by_shape(SHAPES, m)
}

/// The Vietnamese of `m` by the first shape of `table` it has, its values put in place.
fn by_shape(table: &[(&str, &str)], m: &str) -> Option<String> {
    table.iter().find_map(|(en, vi)| {
        let found = values(en, m)?;
        Some(found.iter().enumerate().fold(vi.to_string(), |out, (i, v)| out.replace(&format!("{{{i}}}"), v)))
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
            "Lớp đang ở trạng thái closed; không nhận ghi danh."
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
            if !name.ends_with(".rs") || name.ends_with("vi.rs") || name.contains("/demo/") || name.ends_with("cli.rs")
            {
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
