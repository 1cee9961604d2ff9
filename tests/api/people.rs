use actix_web::http::Method;
use serde_json::{json, Value};

use crate::db_test;
use crate::support::{Resp, TestApp};

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
    "Lý",
];
const MIDDLE: &[&str] = &["Văn", "Thị", "Hữu", "Đức", "Thanh", "Minh", "Ngọc", "Quang", "Xuân", "Thu"];
const GIVEN: &[&str] = &[
    "An", "Anh", "Ánh", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Long", "Mai",
    "Nam", "Ngân", "Oanh", "Phúc", "Quỳnh", "Sơn", "Tâm", "Thảo", "Uyên", "Ưng", "Vân", "Yến",
];

/// A deterministic, realistic Vietnamese name for person `i`.
fn name(i: usize) -> String {
    format!("{} {} {}", FAMILY[i % FAMILY.len()], MIDDLE[(i / 7) % MIDDLE.len()], GIVEN[(i / 3) % GIVEN.len()])
}

fn learner(full_name: &str, dob: &str, institution: &str) -> Value {
    json!({"full_name": full_name, "date_of_birth": dob, "gender": "female", "education_level": "university",
           "institution_id": institution, "party_status": "full", "party_admission_date": "2012-05-10",
           "party_official_date": "2013-05-10", "prior_llct_level": "elementary"})
}

/// The names on every page of a list, following its cursors as the system administrator.
async fn walk(app: &TestApp, first: &str) -> Vec<String> {
    let (mut names, mut path) = (Vec::new(), first.to_string());
    loop {
        let r = app.get(&path, &app.root).await;
        names.extend(names_of(&r));
        match r.body["next_cursor"].as_str() {
            Some(c) => path = format!("{first}&cursor={c}"),
            None => return names,
        }
    }
}

pub fn names_of(r: &Resp) -> Vec<String> {
    r.body["items"].as_array().unwrap().iter().map(|x| x["full_name"].as_str().unwrap().to_string()).collect()
}

db_test!(learner_records);
async fn learner_records(app: TestApp) {
    let a = app.institution("A", "provincial_school", None).await;
    let a1 = app.institution("A1", "commune_center", Some(&a)).await;
    let b = app.institution("B", "provincial_school", None).await;
    let (_, admin_a) = app.user("institution_admin", Some(&a)).await;
    let (_, admin_b) = app.user("institution_admin", Some(&b)).await;

    // NFC on the way in, unchanged on the way out, split into family, middle and given names.
    let r = app
        .post("/api/v1/learners", &admin_a, learner("  Nguye\u{0302}\u{0303}n  Thị Minh Khai ", "1985-04-12", &a1))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    assert_eq!(r.body["full_name"], "Nguyễn Thị Minh Khai");
    assert_eq!(
        (r.body["family_name"].as_str(), r.body["middle_name"].as_str(), r.body["given_name"].as_str()),
        (Some("Nguyễn"), Some("Thị Minh"), Some("Khai"))
    );

    // The same person again, anywhere in the tree: 409 pointing at the record.
    let dup = app.post("/api/v1/learners", &admin_a, learner("Nguyễn Thị Minh Khai", "1985-04-12", &a)).await;
    dup.assert_problem(409, "conflict");
    assert_eq!(dup.body["existing"], format!("/api/v1/learners/{id}"));
    // A namesake born another day is another person; so is the same person in another tree.
    assert_eq!(
        app.post("/api/v1/learners", &admin_a, learner("Nguyễn Thị Minh Khai", "1990-01-01", &a)).await.status,
        201
    );
    assert_eq!(
        app.post("/api/v1/learners", &admin_b, learner("Nguyễn Thị Minh Khai", "1985-04-12", &b)).await.status,
        201
    );

    // Every field problem at once.
    let r = app
        .post("/api/v1/learners", &admin_a, json!({"full_name": "Lê 123", "date_of_birth": "2020-01-01", "national_id": "12", "email": "x",
            "party_status": "none", "party_admission_date": "2010-01-01", "gender": "male", "education_level": "university"}))
        .await;
    r.assert_problem(400, "validation");
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(
        f,
        vec!["date_of_birth", "email", "full_name", "national_id", "party_admission_date", "party_status"],
        "{}",
        r.text
    );
    let r = app.post("/api/v1/learners", &admin_a, json!({})).await;
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(f, vec!["date_of_birth", "education_level", "full_name", "gender"]);

    // One centre never sees another's learners.
    app.get(&format!("/api/v1/learners/{id}"), &admin_b).await.assert_problem(404, "not-found");
    app.patch(&format!("/api/v1/learners/{id}"), &admin_b, json!({"position": "x"}))
        .await
        .assert_problem(404, "not-found");
    let list_b = app.get("/api/v1/learners", &admin_b).await;
    assert_eq!(list_b.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(list_b.body["items"][0]["institution_id"], b.as_str());
    // Lists carry no personal data unless asked.
    assert!(list_b.body["items"][0].get("date_of_birth").is_none());
    let personal = app.get("/api/v1/learners?include_personal=true", &admin_b).await;
    assert_eq!(personal.body["items"][0]["date_of_birth"], "1985-04-12");

    // A linked account reads and corrects its own record, within limits.
    let (uid, learner_token) = app.user("learner", Some(&a1)).await;
    let r = app.patch(&format!("/api/v1/learners/{id}"), &admin_a, json!({"user_id": uid})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let me = app.get("/api/v1/me", &learner_token).await;
    assert_eq!(me.body["learner_id"], id.as_str());
    assert_eq!(app.get(&format!("/api/v1/learners/{id}"), &learner_token).await.status, 200);
    let r = app
        .patch(
            &format!("/api/v1/learners/{id}"),
            &learner_token,
            json!({"phone": "0912345678", "workplace": "UBND xã Kim Bình"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["workplace"], "UBND xã Kim Bình");
    let r = app
        .patch(
            &format!("/api/v1/learners/{id}"),
            &learner_token,
            json!({"full_name": "Tên Khác", "user_id": null, "prior_llct_level": "advanced"}),
        )
        .await;
    r.assert_problem(422, "refused");
    assert_eq!(r.errors_count(), 3);
    app.get("/api/v1/learners", &learner_token).await.assert_problem(403, "forbidden");
    let other = app.post("/api/v1/learners", &admin_a, learner("Trần Văn Bình", "1980-02-02", &a)).await.id();
    app.get(&format!("/api/v1/learners/{other}"), &learner_token).await.assert_problem(404, "not-found");
    // Someone else's record is not there for a learner, whatever the body: neither fields they
    // may not change nor a body that does not parse tell them it exists.
    for body in [json!({"full_name": "Tên Khác"}), json!({"phone": 5}), json!({"phone": "0912"})] {
        app.patch(&format!("/api/v1/learners/{other}"), &learner_token, body).await.assert_problem(404, "not-found");
    }
    // An account of the wrong role cannot be linked.
    let (lect, _) = app.user("lecturer", Some(&a)).await;
    let r = app.patch(&format!("/api/v1/learners/{other}"), &admin_a, json!({"user_id": lect})).await;
    assert_eq!(r.error_fields(), vec!["user_id"], "{}", r.text);
}

db_test!(search_and_vietnamese_order);
async fn search_and_vietnamese_order(app: TestApp) {
    let a = app.institution("A", "provincial_school", None).await;
    for (n, dob) in [
        ("Trần Văn Bình", "1980-01-01"),
        ("Nguyễn Văn An", "1981-01-01"),
        ("Lê Thị An", "1982-01-01"),
        ("Đỗ Văn An", "1983-01-01"),
        ("Phạm Anh", "1984-01-01"),
        ("Đặng Thị Ánh", "1985-01-01"),
        ("Vũ Đức Ân", "1986-01-01"),
        ("Hoàng Văn Ăn", "1987-01-01"),
        ("Bùi Thị Đào", "1988-01-01"),
        ("Ngô Văn Dũng", "1989-01-01"),
    ] {
        assert_eq!(app.post("/api/v1/learners", &app.root, learner(n, dob, &a)).await.status, 201);
    }
    let all = app.get("/api/v1/learners", &app.root).await;
    assert_eq!(
        names_of(&all),
        // Given names letter by letter, ă and â after a: An, Anh, Ánh, Ăn, Ân — as in a dictionary.
        vec![
            "Lê Thị An",
            "Đỗ Văn An",
            "Nguyễn Văn An",
            "Phạm Anh",
            "Đặng Thị Ánh",
            "Hoàng Văn Ăn",
            "Vũ Đức Ân",
            "Trần Văn Bình",
            "Ngô Văn Dũng",
            "Bùi Thị Đào"
        ]
    );
    // The same order across small pages.
    assert_eq!(walk(&app, "/api/v1/learners?limit=3").await, names_of(&all));

    let find = |q: &'static str| {
        let app = &app;
        async move { names_of(&app.get(&format!("/api/v1/learners?q={q}"), &app.root).await) }
    };
    assert_eq!(find("nguyen%20van%20an").await, vec!["Nguyễn Văn An"]);
    assert_eq!(find("NGUYEN").await, vec!["Nguyễn Văn An"]);
    assert_eq!(find("dao").await, vec!["Bùi Thị Đào"]);
    assert_eq!(find("%C4%90%E1%BA%B7ng").await, vec!["Đặng Thị Ánh"], "Đặng typed with accents");
    assert_eq!(find("van%20an").await, vec!["Đỗ Văn An", "Nguyễn Văn An", "Hoàng Văn Ăn"]);
    // A search pages like the list, a person at a time, in the same order.
    assert_eq!(
        walk(&app, "/api/v1/learners?q=van&limit=1").await,
        vec!["Đỗ Văn An", "Nguyễn Văn An", "Hoàng Văn Ăn", "Trần Văn Bình", "Ngô Văn Dũng"]
    );
    // LIKE's wildcards are not wildcards here: "_n" is the word "n", not "an" or "ăn".
    assert_eq!(find("_n").await, vec!["Nguyễn Văn An", "Ngô Văn Dũng"]);
    assert_eq!(find("%25%20dao").await, vec!["Bùi Thị Đào"]);
    assert!(find("zz").await.is_empty());
    // Export: sorted, with a byte-order mark, Vietnamese intact.
    let csv = app.get("/api/v1/learners?format=csv&include_personal=true", &app.root).await;
    assert!(csv.text.starts_with('\u{FEFF}'));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert!(lines[0].contains("Họ và tên") && lines[0].contains("Ngày sinh"));
    assert!(lines[1].starts_with("Lê Thị An,01/01/1982,Nữ"), "{}", lines[1]);
    assert!(lines[10].starts_with("Bùi Thị Đào"), "{}", lines[10]);
    let xlsx = app.call(Method::GET, "/api/v1/learners?format=xlsx", Some(&app.root), None).await;
    assert_eq!(xlsx.status, 200);
    let names = xlsx_first_column(xlsx_bytes(&app, "/api/v1/learners?format=xlsx").await);
    assert_eq!(names[1..], names_of(&all)[..]);
    // A new name is found by its words, the old one no longer.
    let dung = app.get("/api/v1/learners?q=ngo%20van%20dung", &app.root).await.body["items"][0]["id"].clone();
    let r = app
        .patch(
            &format!("/api/v1/learners/{}", dung.as_str().unwrap()),
            &app.root,
            json!({"full_name": "Ngô Thị Dương"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(find("dung").await.is_empty());
    assert_eq!(find("duong%20ngo").await, vec!["Ngô Thị Dương"]);
    assert_eq!(find("thi").await, vec!["Lê Thị An", "Đặng Thị Ánh", "Ngô Thị Dương", "Bùi Thị Đào"]);
}

async fn xlsx_bytes(app: &TestApp, path: &str) -> Vec<u8> {
    let mut res =
        app.srv.get(path).insert_header(("authorization", format!("Bearer {}", app.root))).send().await.unwrap();
    res.body().limit(64 << 20).await.unwrap().to_vec()
}

fn xlsx_first_column(bytes: Vec<u8>) -> Vec<String> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    range.rows().map(|r| r[0].to_string()).collect()
}

pub fn csv_file(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

pub const HEADERS: [&str; 7] =
    ["Họ và tên", "Ngày sinh", "Giới tính", "Trình độ học vấn", "Đảng viên", "Ngày vào Đảng", "Số CCCD"];

pub fn row(i: usize) -> Vec<String> {
    vec![
        name(i),
        format!("{:02}/{:02}/{}", 1 + i % 28, 1 + (i / 28) % 12, 1960 + i % 40),
        if i % 2 == 0 { "Nam" } else { "Nữ" }.into(),
        "Đại học".into(),
        "Chính thức".into(),
        "10/05/2012".into(),
        format!("{:012}", 1_000_000 + i),
    ]
}

/// Sends raw bytes over a new connection and returns what the server answers.
fn raw_exchange(app: &TestApp, request: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(app.srv.addr()).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut buf = vec![0u8; 16384];
    let mut out = Vec::new();
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if String::from_utf8_lossy(&out).contains("}") {
            break;
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

pub async fn import(app: &TestApp, token: &str, query: &str, content_type: &str, body: Vec<u8>) -> Resp {
    app.call_raw(Method::POST, &format!("/api/v1/learners/import{query}"), Some(token), content_type, body).await
}

async fn count(app: &TestApp) -> usize {
    let r = app.get("/api/v1/learners?format=csv", &app.root).await;
    r.text.lines().count() - 1
}

db_test!(import_all_or_nothing);
async fn import_all_or_nothing(app: TestApp) {
    let a = app.institution("A", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&a)).await;
    let q = format!("?institution_id={a}");

    // Thousands of valid rows: a dry run writes nothing, the real run writes them all.
    let mut rows = vec![HEADERS.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    rows.extend((0..3000).map(row));
    let file = csv_file(&rows);
    let r = import(&app, &admin, &format!("{q}&dry_run=true"), "text/csv", file.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!((r.body["rows"].as_u64(), r.body["created"].as_u64()), (Some(3000), Some(0)));
    assert_eq!(count(&app).await, 0);
    let r = import(&app, &admin, &q, "text/csv", file).await;
    assert_eq!(r.body["created"], 3000, "{}", r.text);
    assert_eq!(count(&app).await, 3000);

    // Errors on several rows: nothing written, every error named by row and column.
    let mut bad = vec![HEADERS.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    bad.extend((5000..5010).map(row));
    bad[3][1] = "31/02/1990".into();
    bad[5][2] = "Không rõ".into();
    bad[7][0] = String::new();
    bad[8] = bad[2].clone();
    bad[9] = row(42);
    let r = import(&app, &admin, &q, "text/csv", csv_file(&bad)).await;
    r.assert_problem(400, "validation");
    let fields = r.error_fields();
    assert!(fields.contains(&"rows[4].date_of_birth".to_string()), "{fields:?}");
    assert!(fields.contains(&"rows[6].gender".to_string()), "{fields:?}");
    assert!(fields.contains(&"rows[8].full_name".to_string()), "{fields:?}");
    assert!(r.text.contains("trùng họ tên và ngày sinh với dòng 3"), "{}", r.text);
    assert!(r.text.contains("trùng số định danh với dòng 3"), "{}", r.text);
    assert!(r.text.contains("đã có trong hệ thống: /api/v1/learners/"), "{}", r.text);
    assert!(r.text.contains("Ngày sinh: «31/02/1990» không phải là ngày (dd/mm/yyyy)"), "{}", r.text);
    assert!(r.text.contains("Giới tính: «Không rõ» không phải là giới tính (Nam / Nữ) đã biết"), "{}", r.text);
    assert_eq!(count(&app).await, 3000);

    // Wrong headers are reported before any row.
    let r = import(&app, &admin, &q, "text/csv", "Tên,Tuổi\nAn,30\n".as_bytes().to_vec()).await;
    r.assert_problem(400, "validation");
    assert!(r.text.contains("cột «Tên» không có trong mẫu") && r.text.contains("thiếu cột «Họ và tên»"), "{}", r.text);

    // A semicolon-separated file with a byte-order mark, as spreadsheet programs save it.
    let semi = "\u{FEFF}Họ và tên;Ngày sinh;Giới tính;Trình độ học vấn\nĐinh Thị Ngọc Ánh;02/03/1991;Nữ;Thạc sĩ\n";
    let r = import(&app, &admin, &q, "text/csv", semi.as_bytes().to_vec()).await;
    assert_eq!(r.body["created"], 1, "{}", r.text);
    let found = app.get("/api/v1/learners?q=dinh%20thi%20ngoc%20anh", &admin).await;
    assert_eq!(names_of(&found), vec!["Đinh Thị Ngọc Ánh"]);

    // Too large: refused from its Content-Length, before the body is read.
    let head = raw_exchange(&app, &format!("POST /api/v1/learners/import{q} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\r\nHọ và tên\n", 5 << 20));
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(head.contains("application/problem+json") && head.contains("payload-too-large"), "{head}");
    // Another institution's admin cannot import into A.
    let b = app.institution("B", "provincial_school", None).await;
    let (_, admin_b) = app.user("institution_admin", Some(&b)).await;
    let r = import(&app, &admin_b, &q, "text/csv", csv_file(&rows[..2])).await;
    assert_eq!(r.error_fields(), vec!["institution_id"]);
}

db_test!(import_xlsx_with_vietnamese_text);
async fn import_xlsx_with_vietnamese_text(app: TestApp) {
    let a = app.institution("A", "commune_center", None).await;
    // The template comes with Vietnamese headers and an example row; fill it in a spreadsheet.
    let t = app.get("/api/v1/learners/import/template?format=csv", &app.root).await;
    assert!(t.text.starts_with("\u{FEFF}Họ và tên,Ngày sinh,Giới tính"), "{}", t.text);
    assert!(t.text.contains("Cấp ủy viên từ ngày,Chức danh quy hoạch,Quy hoạch từ ngày"), "{}", t.text);

    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in
        ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Trình độ học vấn", "Đơn vị cử đi học", "Trình độ LLCT"]
            .iter()
            .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(1979, 8, 19).unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    ws.write_string(1, 0, "Lò Thị Xuân").unwrap();
    ws.write_datetime_with_format(1, 1, &date, &fmt).unwrap();
    ws.write_string(1, 2, "Nữ").unwrap();
    ws.write_string(1, 3, "Thái").unwrap();
    ws.write_string(1, 4, "Cao đẳng").unwrap();
    ws.write_string(1, 5, "Đảng ủy xã Mường Phăng").unwrap();
    ws.write_string(1, 6, "Sơ cấp").unwrap();
    for (c, v) in
        ["Hà Văn Thưởng", "05/11/1983", "Nam", "Mường", "Đại học", "UBND xã Mường Phăng", ""].iter().enumerate()
    {
        ws.write_string(2, c as u16, *v).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let r = import(
        &app,
        &app.root,
        &format!("?institution_id={a}"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["created"], 2);
    let all = app.get("/api/v1/learners?include_personal=true", &app.root).await;
    assert_eq!(names_of(&all), vec!["Hà Văn Thưởng", "Lò Thị Xuân"]);
    let xuan = &all.body["items"][1];
    assert_eq!(xuan["date_of_birth"], "1979-08-19");
    assert_eq!(xuan["sending_unit"], "Đảng ủy xã Mường Phăng");
    assert_eq!(xuan["prior_llct_level"], "elementary");
}

db_test!(a_scoped_search_reads_past_other_institutions_people);
/// A name shared by many people elsewhere: an institution's administrator still gets all of
/// theirs, in order, though the word index hands the search other institutions' people first.
async fn a_scoped_search_reads_past_other_institutions_people(app: TestApp) {
    let a = app.institution("A", "provincial_school", None).await;
    let b = app.institution("B", "provincial_school", None).await;
    let (_, admin_a) = app.user("institution_admin", Some(&a)).await;
    let families = ["An", "Bạch", "Cao", "Chu", "Dương", "Đàm", "Giang", "Hà", "Kiều", "La", "Mai", "Ngô"];
    let middles = ["Thị", "Văn", "Ngọc", "Minh", "Hồng", "Thu", "Đức", "Kim", "Bảo", "Quang"];
    let mut rows = vec![HEADERS.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for i in 0..1200 {
        let mut r = row(i);
        r[0] = format!("{} {} Lan", families[i % families.len()], middles[(i / families.len()) % middles.len()]);
        rows.push(r);
    }
    let r = import(&app, &app.root, &format!("?institution_id={b}"), "text/csv", csv_file(&rows)).await;
    assert_eq!(r.body["created"], 1200, "{}", r.text);
    for (n, dob) in [("Vũ Thị Lan", "1980-01-01"), ("Bùi Văn Lan", "1981-01-01"), ("Đỗ Thị Lan", "1982-01-01")]
    {
        assert_eq!(app.post("/api/v1/learners", &admin_a, learner(n, dob, &a)).await.status, 201);
    }
    // Given name, then middle, then family name.
    let mine = vec!["Đỗ Thị Lan", "Vũ Thị Lan", "Bùi Văn Lan"];
    assert_eq!(names_of(&app.get("/api/v1/learners?q=lan", &admin_a).await), mine);
    let first = app.get("/api/v1/learners?q=lan&limit=2", &admin_a).await;
    assert_eq!(names_of(&first), mine[..2]);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/api/v1/learners?q=lan&limit=2&cursor={cursor}"), &admin_a).await;
    assert_eq!(names_of(&rest), mine[2..]);
    assert!(rest.body["next_cursor"].is_null(), "{}", rest.text);
    // The system administrator sees all 1,203, a page of 100 at a time.
    let all = app.get("/api/v1/learners?q=lan&limit=100", &app.root).await;
    assert_eq!(names_of(&all).len(), 100);
    assert!(names_of(&all).iter().all(|n| n.ends_with(" Lan")));
}
