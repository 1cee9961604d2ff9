//! Credentials from before the service: a register book imported, its records verified, and
//! eligibility that counts them (and, where an institution asks for it, only them).

use actix_web::http::Method;
use chrono::{Datelike, Duration, Utc};
use serde_json::{json, Value};

use crate::db_test;
use crate::support::TestApp;

const HEADER: &str = "Mã học viên,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Trình độ học vấn,Trình độ LLCT,Chương trình,Xếp loại,Số hiệu,Số vào sổ,Ngày cấp,Mã cơ sở cấp,Cơ sở cấp\n";
const ABOLISHED: &str = "Trung tâm Bồi dưỡng chính trị huyện Kim Bảng";
const REGISTER: &str = "Sổ gốc cấp giấy chứng nhận sơ cấp 2012–2016";

struct Setup {
    school: String,
    admin: String,
    /// A learner already recorded (with an account) whom the file names by name and birth date.
    duc: String,
    duc_token: String,
}

async fn setup(app: &TestApp) -> Setup {
    let school = app.institution("TCT-HN", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let (uid, duc_token) = app.user("learner", Some(&school)).await;
    let r = app
        .post(
            "/api/v1/learners",
            &admin,
            json!({"full_name": "Phạm Văn Đức", "date_of_birth": "1979-08-20", "gender": "male",
            "education_level": "university", "party_status": "full", "party_admission_date": "2005-03-01",
            "party_official_date": "2006-03-01", "institution_id": school, "user_id": uid,
            "performance_ratings": ratings()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    Setup { duc: r.id(), school, admin, duc_token }
}

/// "Good" ratings for the two years before a class that starts in ten days.
fn ratings() -> Value {
    let year = (Utc::now().date_naive() + Duration::days(10)).year();
    json!([{"year": year - 1, "grade": "good"}, {"year": year - 2, "grade": "excellent"}])
}

async fn import(app: &TestApp, token: &str, query: &str, csv: &str) -> crate::support::Resp {
    app.call_raw(
        Method::POST,
        &format!("/api/v1/credentials/import?{query}"),
        Some(token),
        "text/csv",
        csv.as_bytes().to_vec(),
    )
    .await
}

fn register_query() -> String {
    format!("register={}", urlencoding(REGISTER))
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// An intermediate class of the school's own program, full-time, opening in ten days.
async fn intermediate_class(app: &TestApp, s: &Setup) -> String {
    let r = app
        .post(
            "/api/v1/programs",
            &s.admin,
            json!({"code": "TC-2026", "title": "Trung cấp lý luận chính trị", "level": "intermediate",
            "edition": "2026", "credential": "diploma", "rules": {"field_study_required": false, "graduation_essay": false,
            "graduation_subjects": [{"code": "TN1", "title": "Tổng hợp"}]}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let program = r.id();
    let r = app
        .post(
            &format!("/api/v1/programs/{program}/modules"),
            &s.admin,
            json!({"code": "M1", "title": "Học phần một", "hours": 30}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app.post(&format!("/api/v1/programs/{program}/publish"), &s.admin, json!(null)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let starts = Utc::now().date_naive() + Duration::days(10);
    let r = app
        .post(
            "/api/v1/cohorts",
            &s.admin,
            json!({"program_id": program, "institution_id": s.school, "code": "TC-K1", "mode": "full_time", "capacity": 40,
            "starts_on": starts.to_string(), "ends_on": (starts + Duration::days(120)).to_string()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.id()
}

/// The paper credentials the summary of `year` counts.
async fn recorded(app: &TestApp, token: &str, year: i32) -> Value {
    let r = app.get(&format!("/api/v1/reports/summary?year={year}"), token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["totals"]["cohorts"], 0, "{}", r.text);
    r.body["recorded"].clone()
}

fn codes(refusals: &Value) -> Vec<String> {
    refusals.as_array().unwrap().iter().filter_map(|e| e["code"].as_str().map(String::from)).collect()
}

db_test!(a_register_book_comes_in_verifies_and_counts_for_eligibility);
async fn a_register_book_comes_in_verifies_and_counts_for_eligibility(app: TestApp) {
    let s = setup(&app).await;
    let q = register_query();
    // The template names every column in Vietnamese.
    let t = app.get("/api/v1/credentials/import/template", &s.admin).await;
    assert_eq!(t.status, 200, "{}", t.text);
    assert!(t.text.contains("Số hiệu") && t.text.contains("Cơ sở cấp"), "{}", t.text);

    // Every problem of a bad file at once, each on its row and column; nothing written.
    let future = (Utc::now().date_naive() + Duration::days(3)).format("%d/%m/%Y");
    let bad = format!(
        "{HEADER},Lê Thị Hồng,02/02/1985,Nữ,,Đại học,Sơ cấp,Sơ cấp LLCT,,S-1,1/2014,30/06/2014,,{ABOLISHED}\n\
         ,Lê Thị Hồng,02/02/1985,Nữ,,Đại học,Trung cấp,Trung cấp LLCT,,S-1,2/2014,30/06/2014,,{ABOLISHED}\n\
         ,Đỗ Văn Hải,05/05/1975,Nam,,Đại học,Sơ cấp,Sơ cấp LLCT,,S-3,3/2014,{future},,{ABOLISHED}\n\
         ,Đỗ Văn Hải,05/05/1975,Nam,,Đại học,Bồi dưỡng,Sơ cấp LLCT,,S-4,4/2014,30/06/2014,,{ABOLISHED}\n\
         ,Đỗ Văn Hải,05/05/1975,Nam,,Đại học,Sơ cấp,Sơ cấp LLCT,,S-5,5/2014,30/06/2014,,\n\
         ,Đỗ Văn Hải,05/05/1975,Nam,,Đại học,Sơ cấp,Sơ cấp LLCT,,S-6,6/2014,30/06/2014,KHONG-CO,\n\
         ,Mai Văn Tâm,05/05/1975,,,Đại học,Sơ cấp,Sơ cấp LLCT,,S-7,7/2014,30/06/2014,,{ABOLISHED}\n"
    );
    let r = import(&app, &s.admin, &q, &bad).await;
    assert_eq!(r.status, 400, "{}", r.text);
    let mut fields = r.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "rows[3].serial",
            "rows[4].issued_on",
            "rows[5].level",
            "rows[6].issuer_id",
            "rows[7].issuer_id",
            "rows[8].gender"
        ],
        "{}",
        r.text
    );
    let none = app.get("/api/v1/credentials/records", &s.admin).await;
    assert_eq!(none.body["items"].as_array().unwrap().len(), 0, "{}", none.text);

    // The good file: Đức is found by name and date of birth; Lan is new, once for both rows.
    let good = format!(
        "{HEADER},Phạm Văn Đức,20/08/1979,,,,Sơ cấp,Sơ cấp lý luận chính trị,Khá,SC-2014-0012,112/2014,30/06/2014,,{ABOLISHED}\n\
         ,Nguyễn Thị Lan,15/03/1988,Nữ,035188001234,Đại học,Sơ cấp,Sơ cấp lý luận chính trị,Giỏi,SC-2015-0040,40/2015,20/05/2015,,{ABOLISHED}\n\
         ,Nguyễn Thị Lan,15/03/1988,Nữ,035188001234,Đại học,Trung cấp,Trung cấp lý luận chính trị,Khá,TC-2019-0007,7/2019,10/12/2019,TCT-HN,\n"
    );
    let dry = import(&app, &s.admin, &format!("{q}&dry_run=true"), &good).await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(
        (dry.body["recorded"].as_i64(), dry.body["learners_created"].as_i64()),
        (Some(0), Some(1)),
        "{}",
        dry.text
    );
    let r = import(&app, &s.admin, &q, &good).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (
            r.body["rows"].as_i64(),
            r.body["recorded"].as_i64(),
            r.body["learners_matched"].as_i64(),
            r.body["learners_created"].as_i64()
        ),
        (Some(3), Some(3), Some(1), Some(1)),
        "{}",
        r.text
    );
    // Again: every serial is taken by its issuer, however the abolished issuer's name is spelt.
    let again =
        import(&app, &s.admin, &q, &good.replace(ABOLISHED, "trung tam boi duong chinh tri huyen KIM BANG")).await;
    assert_eq!(again.status, 400, "{}", again.text);
    assert_eq!(again.error_fields(), vec!["rows[2].serial", "rows[3].serial", "rows[4].serial"], "{}", again.text);

    // Found by serial, and verified publicly as a copy, not as a paper signed at issue.
    let found = app.get("/api/v1/credentials/records?serial=SC-2014-0012", &s.admin).await;
    assert_eq!(found.status, 200, "{}", found.text);
    let rec = &found.body["items"][0];
    assert_eq!((rec["learner_id"].as_str(), rec["issuer_id"].as_str()), (Some(s.duc.as_str()), None), "{}", found.text);
    let code = rec["verification_code"].as_str().unwrap().to_string();
    let v = app.call(Method::GET, &format!("/api/v1/verify/{code}"), None, None).await;
    assert_eq!(v.status, 200, "{}", v.text);
    assert_eq!(v.body["status"], "recorded", "{}", v.text);
    assert!(v.body["facts"].is_null() && v.body["signature"].is_null(), "{}", v.text);
    let copied = &v.body["record"];
    assert_eq!(
        (
            copied["holder"].as_str(),
            copied["register"].as_str(),
            copied["issuer"].as_str(),
            copied["recorded_by"].as_str()
        ),
        (Some("Phạm Văn Đức"), Some(REGISTER), Some(ABOLISHED), Some("Trần Văn Bình")),
        "{}",
        v.text
    );
    let page = app.call_with(Method::GET, &format!("/verify/{code}"), None, None, &[("Accept", "text/html")]).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("sổ gốc") && page.text.contains("Phạm Văn Đức"), "{}", page.text);
    // Issued by an institution of the service: its name as the issuer.
    let by_school = app.get("/api/v1/credentials/records?serial=TC-2019-0007", &s.admin).await;
    assert_eq!(by_school.body["items"][0]["issuer_id"].as_str(), Some(s.school.as_str()), "{}", by_school.text);

    // The holder reads their own records, nobody else's; another province reads none.
    let own = app.get("/api/v1/credentials/records", &s.duc_token).await;
    assert_eq!(own.status, 200, "{}", own.text);
    let serials: Vec<&str> =
        own.body["items"].as_array().unwrap().iter().map(|x| x["serial"].as_str().unwrap()).collect();
    assert_eq!(serials, vec!["SC-2014-0012"], "{}", own.text);
    let other = app.institution("TCT-NB", "provincial_school", None).await;
    let (_, stranger) = app.user("institution_admin", Some(&other)).await;
    let id = rec["id"].as_str().unwrap();
    app.get(&format!("/api/v1/credentials/records/{id}"), &stranger).await.assert_problem(404, "not-found");
    app.get("/api/v1/credentials/records?year=1899", &s.admin).await.assert_problem(400, "validation");
    let theirs = app.get("/api/v1/credentials/records", &stranger).await;
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 0, "{}", theirs.text);
    let r = import(&app, &stranger, &format!("{q}&institution_id={}", s.school), &good).await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["institution_id"], "{}", r.text);
    let (_, lecturer) = app.user("lecturer", Some(&s.school)).await;
    import(&app, &lecturer, &q, &good).await.assert_problem(403, "forbidden");
    app.get("/api/v1/credentials/records", &lecturer).await.assert_problem(403, "forbidden");

    // The transcript shows the copied paper.
    let t = app.get(&format!("/api/v1/learners/{}/transcript", s.duc), &s.admin).await;
    assert_eq!(t.status, 200, "{}", t.text);
    assert_eq!(t.body["recorded_credentials"][0]["serial"], "SC-2014-0012", "{}", t.text);

    // The summary of 2014 counts the copied elementary paper in its year, beside no class.
    assert_eq!(
        recorded(&app, &s.admin, 2014).await,
        json!([{"institution_id": s.school, "institution_name": "Cơ sở TCT-HN", "level": "elementary", "own": 1, "including_children": 1}])
    );
    assert_eq!(recorded(&app, &s.admin, 2019).await[0]["level"], "intermediate");
    assert_eq!(recorded(&app, &s.admin, 2016).await, json!([]));
    let csv = app.get("/api/v1/reports/summary?year=2015&format=csv", &s.admin).await;
    assert!(csv.text.contains("Ghi từ sổ gốc") && csv.text.contains("Sơ cấp"), "{}", csv.text);

    // Eligibility: Đức declared nothing, yet his copied elementary paper is the prerequisite.
    let cohort = intermediate_class(&app, &s).await;
    let e = app.get(&format!("/api/v1/learners/{}/eligibility?cohort_id={cohort}", s.duc), &s.admin).await;
    assert_eq!(e.status, 200, "{}", e.text);
    assert_eq!(e.body["eligible"], true, "{}", e.text);
    assert_eq!(e.body["level_held"]["evidence"], "recorded", "{}", e.text);
    assert_eq!(e.body["level_held"]["record_id"].as_str(), Some(id), "{}", e.text);
    // Hoa only declares her elementary level: enough until the school asks for evidence.
    let r = app
        .post(
            "/api/v1/learners",
            &s.admin,
            json!({"full_name": "Vũ Thị Hoa", "date_of_birth": "1984-01-09", "gender": "female",
            "education_level": "university", "party_status": "full", "party_admission_date": "2008-03-01",
            "party_official_date": "2009-03-01", "institution_id": s.school, "prior_llct_level": "elementary",
            "performance_ratings": ratings()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let hoa = r.id();
    let path = |l: &str| format!("/api/v1/learners/{l}/eligibility?cohort_id={cohort}");
    let e = app.get(&path(&hoa), &s.admin).await;
    assert_eq!(
        (e.body["eligible"].as_bool(), e.body["level_held"]["evidence"].as_str()),
        (Some(true), Some("declared")),
        "{}",
        e.text
    );
    let r = app
        .patch(&format!("/api/v1/institutions/{}", s.school), &s.admin, json!({"evidence_required": ["intermediate"]}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["evidence_required"], json!(["intermediate"]), "{}", r.text);
    let e = app.get(&path(&hoa), &s.admin).await;
    assert_eq!(codes(&e.body["refusals"]), vec!["prerequisite_not_evidenced"], "{}", e.text);
    let enrol = format!("/api/v1/cohorts/{cohort}/enrollments");
    let r = app.post(&enrol, &s.admin, json!({"learner_id": hoa})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(codes(&r.body["errors"]), vec!["prerequisite_not_evidenced"], "{}", r.text);
    let r = app.post(&enrol, &s.admin, json!({"learner_id": s.duc})).await;
    assert_eq!(r.status, 201, "{}", r.text);
}

db_test!(a_two_thousand_row_register_in_one_request);
async fn a_two_thousand_row_register_in_one_request(app: TestApp) {
    let s = setup(&app).await;
    let mut csv = String::from(HEADER);
    const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
    const GIVEN: [&str; 10] = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Nga"];
    for i in 0..2000 {
        csv.push_str(&format!(
            ",{} Văn {} {},{:02}/{:02}/{},Nam,,Đại học,Sơ cấp,Sơ cấp lý luận chính trị,Khá,SC-{:05},{}/20{:02},30/06/20{:02},,{ABOLISHED}\n",
            FAMILY[i % 8],
            GIVEN[(i / 8) % 10],
            GIVEN[(i / 80) % 10],
            1 + i % 28,
            1 + i % 12,
            1960 + i % 35,
            i,
            i,
            10 + i % 12,
            10 + i % 12,
        ));
    }
    let started = std::time::Instant::now();
    let r = import(&app, &s.admin, &register_query(), &csv).await;
    let took = started.elapsed();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.body["recorded"].as_i64(), r.body["learners_created"].as_i64()),
        (Some(2000), Some(2000)),
        "{}",
        r.text
    );
    eprintln!("2,000-row register imported in {} ms", took.as_millis());
    let found = app.get("/api/v1/credentials/records?serial=SC-01234", &s.admin).await;
    let code = found.body["items"][0]["verification_code"].as_str().unwrap().to_string();
    let v = app.call(Method::GET, &format!("/api/v1/verify/{code}"), None, None).await;
    assert_eq!((v.status, v.body["status"].as_str()), (200, Some("recorded")), "{}", v.text);
    let import_id = r.body["import_id"].as_str().unwrap();
    let page = app.get(&format!("/api/v1/credentials/records?import_id={import_id}&limit=500"), &s.admin).await;
    assert_eq!(page.body["items"].as_array().unwrap().len(), 500, "{}", page.text);
    assert!(page.body["next_cursor"].is_string(), "{}", page.text);
    // The XLSX template imports as it is: its example row is a valid record.
    let t = app.get("/api/v1/credentials/import/template?format=xlsx", &s.admin).await;
    assert_eq!((t.status, &t.bytes[..2]), (200, &b"PK"[..]));
    let r = app
        .call_raw(
            Method::POST,
            &format!("/api/v1/credentials/import?{}", register_query()),
            Some(&s.admin),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            t.bytes,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["recorded"], 1, "{}", r.text);
}
