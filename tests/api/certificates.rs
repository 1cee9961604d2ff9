//! Credentials: issuing with unbroken numbering, the register book, signed public verification,
//! revocation, reissue, PDFs with the Vietnamese name and a QR code to the verification page.

use std::collections::HashSet;

use actix_web::http::Method;
use base64::Engine;
use chrono::{Duration, Utc};
use ed25519_dalek::Verifier;
use serde_json::{json, Value};

use crate::db_test;
use crate::support::TestApp;

/// A class that has ended and been closed: everyone in `passing` graduated (one exam, marked
/// 8), everyone in `failing` missed the exam.
pub struct ClosedClass {
    pub cohort: String,
    /// (learner id, learner's token, name), passing learners first.
    pub learners: Vec<(String, String, String)>,
}

pub async fn closed_class(
    app: &TestApp,
    school: &str,
    admin: &str,
    code: &str,
    passing: &[&str],
    failing: &[&str],
) -> ClosedClass {
    let k = ended_class(app, school, admin, code, passing, failing).await;
    let r = app.post(&format!("/api/v1/cohorts/{}/close", k.cohort), admin, json!(null)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    k
}

/// Like [`closed_class`], but left in progress after its end date, for the close-out to find.
pub async fn ended_class(
    app: &TestApp,
    school: &str,
    admin: &str,
    code: &str,
    passing: &[&str],
    failing: &[&str],
) -> ClosedClass {
    ended_class_with(app, school, admin, code, passing, failing, json!({})).await
}

/// Like [`ended_class`], with more program rules.
pub async fn ended_class_with(
    app: &TestApp,
    school: &str,
    admin: &str,
    code: &str,
    passing: &[&str],
    failing: &[&str],
    rules: Value,
) -> ClosedClass {
    let mut learners = Vec::new();
    for (i, name) in passing.iter().chain(failing).enumerate() {
        let (uid, token) = app.user("learner", Some(school)).await;
        let r = app
            .post(
                "/api/v1/learners",
                admin,
                json!({"full_name": name, "date_of_birth": format!("198{}-0{}-1{}", i % 10, 1 + i % 9, i % 10),
                "gender": "female", "education_level": "university", "party_status": "probationary",
                "party_admission_date": "2025-05-01", "institution_id": school, "user_id": uid}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        learners.push((r.id(), token, name.to_string()));
    }
    let people: Vec<(String, bool)> =
        learners.iter().enumerate().map(|(i, (id, ..))| (id.clone(), i < passing.len())).collect();
    let spec = ClassSpec { code, level: "elementary", rules, ended_days_ago: 1 };
    let cohort = class_with(app, school, admin, &spec, &people).await;
    ClosedClass { cohort, learners }
}

/// A class to run for [`class_with`].
pub struct ClassSpec<'a> {
    pub code: &'a str,
    pub level: &'a str,
    /// Program rules beyond the fixture's own.
    pub rules: Value,
    /// The class ended this many days ago (it lasted 40 days).
    pub ended_days_ago: i64,
}

/// Runs a class of `spec.level` at `school` for recorded learners `(id, passes)`: its own program
/// with one module and a graduation subject, enrolment (overriding whatever eligibility rule a
/// learner fails, with a reason), both exams marked 8 for those who pass and absent for the
/// others, published. Left in progress after its end date; returns the class id.
pub async fn class_with(
    app: &TestApp,
    school: &str,
    admin: &str,
    spec: &ClassSpec<'_>,
    people: &[(String, bool)],
) -> String {
    let code = spec.code;
    let mut all_rules = json!({"field_study_required": false, "graduation_essay": false, "graduation_subjects": [{"code": "TN1", "title": "Tổng hợp"}]});
    for (k, v) in spec.rules.as_object().unwrap() {
        all_rules[k] = v.clone();
    }
    let today = Utc::now().date_naive();
    let credential = if spec.level == "intermediate" { "diploma" } else { "certificate" };
    let title = match spec.level {
        "elementary" => "Sơ cấp lý luận chính trị".to_string(),
        _ => format!("Chương trình {code}"),
    };
    let r = app
        .post(
            "/api/v1/programs",
            admin,
            json!({"code": format!("P-{code}"), "title": title, "level": spec.level,
            "edition": "2026", "credential": credential, "rules": all_rules}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let program = r.id();
    let module = app
        .post(
            &format!("/api/v1/programs/{program}/modules"),
            admin,
            json!({"code": "M1", "title": "Học phần một", "hours": 30}),
        )
        .await
        .id();
    let r = app.post(&format!("/api/v1/programs/{program}/publish"), admin, json!(null)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ends = today - Duration::days(spec.ended_days_ago);
    let r = app
        .post(
            "/api/v1/cohorts",
            admin,
            json!({"program_id": program, "institution_id": school, "code": code, "title": "Sơ cấp khóa 1", "mode": "in_service", "capacity": 50,
            "starts_on": (ends - Duration::days(39)).to_string(), "ends_on": ends.to_string()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let cohort = r.id();
    for (id, _) in people {
        let path = format!("/api/v1/cohorts/{cohort}/enrollments");
        let r = app.post(&path, admin, json!({"learner_id": id})).await;
        if r.status == 422 {
            let overrides: Vec<Value> = r.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| json!({"rule": e["code"], "reason": "Hồ sơ giấy đã được xét"}))
                .collect();
            let r = app.post(&path, admin, json!({"learner_id": id, "overrides": overrides})).await;
            assert_eq!(r.status, 201, "{}", r.text);
        } else {
            assert_eq!(r.status, 201, "{}", r.text);
        }
    }
    let (luid, grader) = app.user("lecturer", Some(school)).await;
    let lecturer = app
        .post(
            "/api/v1/lecturers",
            admin,
            json!({"full_name": "Ngô Văn Chấm", "kind": "full_time", "institution_id": school, "user_id": luid}),
        )
        .await
        .id();
    let r = app.post(&format!("/api/v1/cohorts/{cohort}/start"), admin, json!(null)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    for exam in [json!({"kind": "module", "module_id": module}), json!({"kind": "graduation", "subject_code": "TN1"})] {
        let mut body = exam;
        body["graders"] = json!([lecturer]);
        body["held_on"] = json!((ends - Duration::days(2)).to_string());
        body["grading_deadline"] = json!((today + Duration::days(5)).to_string());
        let r = app.post(&format!("/api/v1/cohorts/{cohort}/exams"), admin, body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let exam = r.id();
        let r = app.post(&format!("/api/v1/exams/{exam}/seal"), admin, json!(null)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let entries: Vec<Value> = people
            .iter()
            .map(|(id, passes)| {
                if *passes {
                    json!({"learner_id": id, "grade": 8})
                } else {
                    json!({"learner_id": id, "presence": "absent"})
                }
            })
            .collect();
        let path = format!("/api/v1/exams/{exam}/grades");
        let r = app.call(Method::PUT, &path, Some(&grader), Some(json!({"entries": entries}))).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let r = app.post(&format!("/api/v1/exams/{exam}/publish"), admin, json!(null)).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    cohort
}

pub fn signer() -> Value {
    json!({"signer_name": "Trần Văn Bình", "signer_title": "Giám đốc"})
}

fn serials(r: &crate::support::Resp) -> Vec<String> {
    r.body["issued"].as_array().unwrap().iter().map(|c| c["serial"].as_str().unwrap().to_string()).collect()
}

db_test!(issuing_numbers_a_class_once_in_list_order);
async fn issuing_numbers_a_class_once_in_list_order(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let year = Utc::now().date_naive().format("%Y").to_string();
    // Listed in Vietnamese order (given name first): Bình, Yến, Ánh sorts as "Anh" → Ánh, Bình, Yến.
    let k = closed_class(
        &app,
        &school,
        &admin,
        "SC-01",
        &["Trần Văn Bình", "Lê Thị Yến", "Nguyễn Thị Ánh"],
        &["Phạm Văn Cư"],
    )
    .await;
    let path = format!("/api/v1/cohorts/{}/certificates", k.cohort);
    let r = app.post(&path, &admin, json!({"signer_name": " ", "signer_title": ""})).await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["signer_name", "signer_title"]);
    let (_, lecturer) = app.user("lecturer", Some(&school)).await;
    app.post(&path, &lecturer, signer()).await.assert_problem(403, "forbidden");
    let other = app.institution("TCU", "provincial_school", None).await;
    let (_, other_admin) = app.user("institution_admin", Some(&other)).await;
    app.post(&path, &other_admin, signer()).await.assert_problem(404, "not-found");

    // With no body the issuing institution's signer signs; with none set, 422 names what is missing.
    let r = app.call(Method::POST, &path, Some(&admin), None).await;
    r.assert_problem(422, "refused");
    assert_eq!(r.error_fields(), vec!["signer_name", "signer_title"], "{}", r.text);
    assert_eq!(r.body["errors"][0]["code"], "signer_missing");
    let r = app.patch(&format!("/api/v1/institutions/{school}"), &admin, json!({"signer_name": "Trần Văn Bình"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.call(Method::POST, &path, Some(&admin), None).await;
    assert_eq!(r.error_fields(), vec!["signer_title"], "{}", r.text);
    let r = app.call(Method::POST, &path, Some(&admin), Some(json!({"signer_title": "Giám đốc"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(serials(&r), (1..=3).map(|n| format!("GCN-{year}-{n:06}")).collect::<Vec<_>>());
    let holders: Vec<&str> =
        r.body["issued"].as_array().unwrap().iter().map(|c| c["facts"]["holder"].as_str().unwrap()).collect();
    assert_eq!(holders, vec!["Nguyễn Thị Ánh", "Trần Văn Bình", "Lê Thị Yến"]);
    assert_eq!((r.body["already_issued"].as_u64(), r.body["not_graduated"].as_u64()), (Some(0), Some(1)));
    let first = &r.body["issued"][0];
    assert_eq!(first["register_no"], format!("1/{year}"));
    assert_eq!(
        (first["facts"]["kind"].as_str(), first["facts"]["level"].as_str()),
        (Some("Giấy chứng nhận"), Some("Sơ cấp"))
    );
    assert_eq!(first["facts"]["signer_name"], "Trần Văn Bình");
    let code = first["verification_code"].as_str().unwrap();
    assert_eq!(code.len(), 20);
    assert!(!code.contains(&year));
    // Repeating issues nothing new.
    let again = app.post(&path, &admin, signer()).await;
    assert_eq!(
        (again.status, serials(&again).len(), again.body["already_issued"].as_u64()),
        (200, 0, Some(3)),
        "{}",
        again.text
    );

    // The next class of the school continues the sequence; another school starts its own; a paper
    // dated next year starts next year's sequence.
    let k2 = closed_class(&app, &school, &admin, "SC-02", &["Đỗ Văn Dũng"], &[]).await;
    let r = app.post(&format!("/api/v1/cohorts/{}/certificates", k2.cohort), &admin, signer()).await;
    assert_eq!(serials(&r), vec![format!("GCN-{year}-000004")]);
    let k3 = closed_class(&app, &other, &other_admin, "SC-03", &["Hà Thị Giang"], &[]).await;
    let r = app.post(&format!("/api/v1/cohorts/{}/certificates", k3.cohort), &other_admin, signer()).await;
    assert_eq!(serials(&r), vec![format!("GCN-{year}-000001")]);
    let next: i32 = year.parse::<i32>().unwrap() + 1;
    let k4 = closed_class(&app, &school, &admin, "SC-04", &["Vũ Văn Hải"], &[]).await;
    let r = app
        .post(
            &format!("/api/v1/cohorts/{}/certificates", k4.cohort),
            &admin,
            json!({"signer_name": "Trần Văn Bình", "signer_title": "Giám đốc", "issued_on": format!("{next}-01-05")}),
        )
        .await;
    assert_eq!(serials(&r), vec![format!("GCN-{next}-000001")]);

    // A class still running cannot be issued for.
    let running =
        app.post("/api/v1/cohorts", &admin, json!({"program_id": first["facts"]["program"], "code": "X"})).await;
    assert_eq!(running.status, 400);
    // Lists: scoped for admins, own for learners, none for lecturers.
    let list = app.get("/api/v1/certificates?limit=2", &admin).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2, "{}", list.text);
    let page2 = app
        .get(&format!("/api/v1/certificates?limit=10&cursor={}", list.body["next_cursor"].as_str().unwrap()), &admin)
        .await;
    assert_eq!(page2.body["items"].as_array().unwrap().len(), 3, "{}", page2.text);
    assert_eq!(app.get("/api/v1/certificates", &other_admin).await.body["items"].as_array().unwrap().len(), 1);
    app.get("/api/v1/certificates", &lecturer).await.assert_problem(403, "forbidden");
    let (ref who, ref token, _) = k.learners[0];
    let mine = app.get("/api/v1/certificates", token).await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine.body["items"][0]["learner_id"], who.as_str());
    assert_eq!(app.get("/api/v1/me/certificates", token).await.body.as_array().unwrap().len(), 1);
    let failed_learner = &k.learners[3].1;
    assert_eq!(app.get("/api/v1/me/certificates", failed_learner).await.body.as_array().unwrap().len(), 0);
    let csv = app.get(&format!("/api/v1/certificates?cohort_id={}&format=csv", k.cohort), &admin).await;
    assert!(csv.text.contains(&format!("GCN-{year}-000002")) && csv.text.contains("Trần Văn Bình"), "{}", csv.text);

    // The register book: one line per issue, in order; exportable; nothing can delete a credential.
    let book = app.get(&format!("/api/v1/register-book?cohort_id={}", k.cohort), &admin).await;
    let lines = book.body["items"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "{}", book.text);
    assert!(lines.iter().all(|l| l["event"] == "issued"));
    let xlsx = app.get("/api/v1/register-book?format=xlsx", &admin).await;
    assert_eq!((xlsx.status, &xlsx.bytes[..2]), (200, &b"PK"[..]));
    let id = first["id"].as_str().unwrap();
    let del = app.call(Method::DELETE, &format!("/api/v1/certificates/{id}"), Some(&app.root), None).await;
    assert!(matches!(del.status, 404 | 405), "{}", del.text);
    assert_eq!(app.get(&format!("/api/v1/certificates/{id}"), &admin).await.status, 200);
}

db_test!(concurrent_issuing_gives_one_unbroken_set);
async fn concurrent_issuing_gives_one_unbroken_set(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let names = ["Lê Văn An", "Trần Thị Bảo", "Phạm Văn Cư", "Đỗ Thị Dung", "Vũ Văn Em", "Hồ Thị Phương"];
    let a = closed_class(&app, &school, &admin, "SC-A", &names[..3], &[]).await;
    let b = closed_class(&app, &school, &admin, "SC-B", &names[3..], &[]).await;
    let pa = format!("/api/v1/cohorts/{}/certificates", a.cohort);
    let pb = format!("/api/v1/cohorts/{}/certificates", b.cohort);
    // Twice for the same class and once for another, all at once.
    let (r1, r2, r3) = futures_util::join!(
        app.post(&pa, &admin, signer()),
        app.post(&pa, &admin, signer()),
        app.post(&pb, &admin, signer())
    );
    for r in [&r1, &r2, &r3] {
        assert_eq!(r.status, 200, "{}", r.text);
    }
    assert_eq!(serials(&r1).len() + serials(&r2).len(), 3, "{} / {}", r1.text, r2.text);
    let list = app.get("/api/v1/certificates?limit=100", &admin).await;
    let numbers: Vec<i64> =
        list.body["items"].as_array().unwrap().iter().map(|c| c["number"].as_i64().unwrap()).collect();
    let set: HashSet<i64> = numbers.iter().copied().collect();
    assert_eq!(numbers.len(), 6, "{}", list.text);
    assert_eq!(set, (1..=6).collect::<HashSet<i64>>());
}

/// The canonical form a verifier computes from the published facts: keys sorted, no whitespace.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> =
                keys.iter().map(|k| format!("{}:{}", Value::String((*k).clone()), canonical(&m[*k]))).collect();
            format!("{{{}}}", parts.join(","))
        }
        other => other.to_string(),
    }
}

fn check_signature(keys: &Value, verification: &Value) -> bool {
    let key_id = &verification["signature"]["key_id"];
    let key = keys.as_array().unwrap().iter().find(|k| &k["key_id"] == key_id).expect("published key");
    let b64 = base64::engine::general_purpose::STANDARD;
    let public: [u8; 32] = b64.decode(key["public_key"].as_str().unwrap()).unwrap().try_into().unwrap();
    let sig: [u8; 64] = b64.decode(verification["signature"]["value"].as_str().unwrap()).unwrap().try_into().unwrap();
    let key = ed25519_dalek::VerifyingKey::from_bytes(&public).unwrap();
    key.verify(canonical(&verification["facts"]).as_bytes(), &ed25519_dalek::Signature::from_bytes(&sig)).is_ok()
}

db_test!(verification_revocation_and_reissue);
async fn verification_revocation_and_reissue(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let k = closed_class(&app, &school, &admin, "SC-01", &["Nguyễn Thị Ánh Tuyết", "Trần Văn Bình", "Lê Thị Yến"], &[])
        .await;
    let issued = app.post(&format!("/api/v1/cohorts/{}/certificates", k.cohort), &admin, signer()).await;
    // In list order: Bình, Tuyết, Yến.
    let certs: Vec<Value> = issued.body["issued"].as_array().unwrap().clone();
    let holders: Vec<&str> = certs.iter().map(|c| c["facts"]["holder"].as_str().unwrap()).collect();
    assert_eq!(holders, vec!["Trần Văn Bình", "Nguyễn Thị Ánh Tuyết", "Lê Thị Yến"]);
    let code = certs[1]["verification_code"].as_str().unwrap();
    assert_eq!(certs[1]["verify_url"], format!("http://127.0.0.1:8080/verify/{code}"));

    // Anyone can check it, without signing in, and check the signature with the published key.
    let keys = app.call(Method::GET, "/api/v1/verify/keys", None, None).await;
    assert_eq!(keys.status, 200, "{}", keys.text);
    assert!(keys.text.contains("Ed25519") && !keys.text.contains("secret"));
    let v = app.call(Method::GET, &format!("/api/v1/verify/{code}"), None, None).await;
    assert_eq!((v.status, v.body["status"].as_str()), (200, Some("valid")), "{}", v.text);
    assert_eq!(v.body["facts"]["holder"], "Nguyễn Thị Ánh Tuyết");
    assert_eq!(v.body["signature"]["signed_text"].as_str().unwrap(), canonical(&v.body["facts"]));
    assert!(check_signature(&keys.body, &v.body));
    // Changing any printed fact breaks the signature.
    for field in v.body["facts"].as_object().unwrap().keys() {
        let mut forged = v.body.clone();
        forged["facts"][field] = json!("Giả mạo");
        assert!(!check_signature(&keys.body, &forged), "{field}");
    }
    // Only what the paper shows: no ids, no national id, no reason codes.
    assert!(v.body.get("learner_id").is_none() && !v.text.contains(&k.learners[0].0));
    let tuyet = certs[1].clone();
    // A phone gets a page; JSON on request; unknown codes are 404 either way.
    let page = app.call_with(Method::GET, &format!("/verify/{code}"), None, None, &[("accept", "text/html")]).await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    assert!(page.text.contains("Nguyễn Thị Ánh Tuyết") && page.text.contains("hợp lệ"), "{}", page.text);
    let json_page =
        app.call_with(Method::GET, &format!("/verify/{code}"), None, None, &[("accept", "application/json")]).await;
    assert_eq!(json_page.body["status"], "valid");
    let missing =
        app.call_with(Method::GET, "/verify/AAAAAAAAAAAAAAAAAAAA", None, None, &[("accept", "text/html")]).await;
    assert_eq!(missing.status, 404);
    assert!(missing.text.contains("Không có văn bằng nào mang mã này"), "{}", missing.text);
    app.call(Method::GET, "/api/v1/verify/AAAAAAAAAAAAAAAAAAAA", None, None).await.assert_problem(404, "not-found");
    app.call(Method::GET, "/api/v1/verify/%3Cscript%3E", None, None).await.assert_problem(404, "not-found");

    // Revoke: reason required, the record stays, verification says revoked, no second revoke or reissue.
    let id0 = tuyet["id"].as_str().unwrap();
    let revoke = format!("/api/v1/certificates/{id0}/revoke");
    app.post(&revoke, &admin, json!({"reason": ""})).await.assert_problem(400, "validation");
    let (_, learner_token, _) = &k.learners[0];
    app.post(&revoke, learner_token, json!({"reason": "x"})).await.assert_problem(403, "forbidden");
    let r = app.post(&revoke, &admin, json!({"reason": "Khai man hồ sơ"})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("revoked")), "{}", r.text);
    app.post(&revoke, &admin, json!({"reason": "again"})).await.assert_problem(409, "conflict");
    app.post(&format!("/api/v1/certificates/{id0}/reissue"), &admin, json!({"cause": "damaged", "reason": "x"}))
        .await
        .assert_problem(409, "conflict");
    let v = app.call(Method::GET, &format!("/api/v1/verify/{code}"), None, None).await;
    assert_eq!(v.body["status"], "revoked");
    assert!(v.body["revoked_at"].is_string());
    let page = app.call_with(Method::GET, &format!("/verify/{code}"), None, None, &[("accept", "text/html")]).await;
    assert!(page.text.contains("thu hồi"), "{}", page.text);

    // Reissue for damage: a new number pointing at the old, which says replaced.
    let id1 = certs[0]["id"].as_str().unwrap();
    let r = app
        .post(&format!("/api/v1/certificates/{id1}/reissue"), &admin, json!({"cause": "damaged", "reason": "Rách"}))
        .await;
    assert_eq!((r.status, r.body["outcome"].as_str()), (201, Some("reissued")), "{}", r.text);
    let new = r.body["certificate"].clone();
    assert_eq!(new["replaces_id"], id1);
    assert_eq!(new["number"], 4);
    assert_eq!(new["facts"]["holder"], "Trần Văn Bình");
    let old = app
        .call(Method::GET, &format!("/api/v1/verify/{}", certs[0]["verification_code"].as_str().unwrap()), None, None)
        .await;
    assert_eq!(old.body["status"], "replaced");
    assert_eq!(old.body["replaced_by"]["serial"], new["serial"]);
    let fresh = app
        .call(Method::GET, &format!("/api/v1/verify/{}", new["verification_code"].as_str().unwrap()), None, None)
        .await;
    assert_eq!(
        (fresh.body["status"].as_str(), fresh.body["replaces"]["serial"].as_str()),
        (Some("valid"), certs[0]["serial"].as_str())
    );
    assert!(check_signature(&keys.body, &fresh.body));
    app.post(&format!("/api/v1/certificates/{id1}/reissue"), &admin, json!({"cause": "damaged", "reason": "again"}))
        .await
        .assert_problem(409, "conflict");

    // A lost paper: a certified copy from the register, same number, logged.
    let id2 = certs[2]["id"].as_str().unwrap();
    let r = app
        .post(&format!("/api/v1/certificates/{id2}/reissue"), &admin, json!({"cause": "lost", "reason": "Mất"}))
        .await;
    assert_eq!((r.status, r.body["outcome"].as_str()), (200, Some("copy")), "{}", r.text);
    assert_eq!(r.body["certificate"]["serial"], certs[2]["serial"]);

    // A correction of the issuer's error takes the corrected learner record.
    let learner2 = &k.learners[2].0;
    let cur = app.get(&format!("/api/v1/learners/{learner2}"), &admin).await;
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/learners/{learner2}"),
            Some(&admin),
            Some(json!({"full_name": "Lê Thị Hải Yến"})),
            &[("if-match", cur.header("etag").unwrap().as_str())],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app
        .post(
            &format!("/api/v1/certificates/{id2}/reissue"),
            &admin,
            json!({"cause": "correction", "reason": "Sai tên"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["certificate"]["facts"]["holder"].as_str()),
        (201, Some("Lê Thị Hải Yến")),
        "{}",
        r.text
    );

    // The register book holds every event in order.
    let book = app.get(&format!("/api/v1/register-book?cohort_id={}", k.cohort), &admin).await;
    let events: Vec<&str> =
        book.body["items"].as_array().unwrap().iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        vec!["issued", "issued", "issued", "revoked", "reissued", "replaced", "copy_issued", "reissued", "replaced"],
        "{}",
        book.text
    );

    // Key rotation: new papers are signed with the new key, old ones still verify with the old.
    let r = app.post(&format!("/api/v1/institutions/{school}/signing-keys/rotate"), &admin, json!(null)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let keys = app.call(Method::GET, "/api/v1/verify/keys", None, None).await;
    assert_eq!(keys.body.as_array().unwrap().len(), 2);
    assert!(check_signature(&keys.body, &fresh.body));
    let (_, other_admin) =
        app.user("institution_admin", Some(&app.institution("TCU", "provincial_school", None).await)).await;
    app.post(&format!("/api/v1/institutions/{school}/signing-keys/rotate"), &other_admin, json!(null))
        .await
        .assert_problem(404, "not-found");
}

/// The text of a PDF's first page, one line per text run, decoded through each font's
/// ToUnicode map the way a PDF reader copies text out.
pub fn pdf_text(pdf: &[u8]) -> String {
    use printpdf::lopdf::{content::Content, Document, Object};
    let doc = Document::load_mem(pdf).expect("a PDF");
    let page = *doc.get_pages().values().next().unwrap();
    let mut maps = std::collections::HashMap::new();
    // printpdf names each font resource after its BaseFont.
    for font in doc.objects.values().filter_map(|o| o.as_dict().ok()) {
        if font.get(b"Subtype").and_then(|o| o.as_name()).ok() != Some(&b"Type0"[..]) {
            continue;
        }
        let name = font.get(b"BaseFont").and_then(|o| o.as_name()).unwrap().to_vec();
        let mut map = std::collections::HashMap::new();
        let stream = font
            .get(b"ToUnicode")
            .and_then(|o| o.as_reference())
            .and_then(|r| doc.get_object(r))
            .and_then(|o| o.as_stream());
        if let Ok(stream) = stream {
            let data = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
            for line in String::from_utf8_lossy(&data).lines() {
                let hex: Vec<&str> = line.split(['<', '>']).filter(|p| !p.trim().is_empty()).collect();
                if let [gid, uni] = hex[..] {
                    if let (Ok(g), Ok(u)) = (u32::from_str_radix(gid, 16), u32::from_str_radix(uni, 16)) {
                        map.insert(g, char::from_u32(u).unwrap_or('?'));
                    }
                }
            }
        }
        maps.insert(name, map);
    }
    let content = Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
    let (mut font, mut out) = (Vec::new(), String::new());
    for op in content.operations {
        match op.operator.as_str() {
            "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
            "Tj" | "TJ" => {
                let strings: Vec<&Object> = match &op.operands[0] {
                    Object::Array(a) => a.iter().collect(),
                    o => vec![o],
                };
                for s in strings {
                    if let Object::String(bytes, _) = s {
                        for pair in bytes.chunks(2) {
                            let g = u32::from(pair[0]) << 8 | u32::from(*pair.get(1).unwrap_or(&0));
                            out.push(maps.get(&font).and_then(|m| m.get(&g)).copied().unwrap_or('?'));
                        }
                    }
                }
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}

/// Checks that every font embedded in `pdf` is a subset whose glyphs all keep their outlines, and
/// that each letter of `text` is still read back through the ToUnicode maps.
fn assert_embedded_fonts_draw(pdf: &[u8], text: &str) {
    use printpdf::lopdf::Document;
    let doc = Document::load_mem(pdf).expect("a PDF");
    let mut programs = 0;
    for stream in doc.objects.values().filter_map(|o| o.as_stream().ok()) {
        let is_font = stream.dict.get(b"Length1").is_ok();
        if !is_font {
            continue;
        }
        programs += 1;
        let data = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        assert!(data.len() < 60_000, "an embedded font program of {} bytes is not a subset", data.len());
        let face = ttf_parser::Face::parse(&data, 0).expect("a TrueType font program");
        let n = face.number_of_glyphs();
        assert!(n < 200, "{n} glyphs embedded");
        // Only the space has no outline: the subset kept each letter's drawing.
        let blank = (0..n).filter(|&g| face.glyph_bounding_box(ttf_parser::GlyphId(g)).is_none()).count();
        assert!(blank <= 1, "{blank} of {n} embedded glyphs have no outline");
    }
    assert!(programs >= 1, "no embedded font program");
    let decoded = pdf_text(pdf);
    for ch in text.chars().filter(|c| !c.is_whitespace()) {
        assert!(decoded.contains(ch), "{ch:?} is not drawn");
    }
}

/// Rebuilds the QR code drawn on the first page from the PDF's filled rectangles and decodes it.
fn decode_qr(pdf: &[u8]) -> String {
    use printpdf::lopdf::{content::Content, Document, Object};
    let doc = Document::load_mem(pdf).expect("a PDF");
    let page = *doc.get_pages().values().next().unwrap();
    let content = Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
    let num = |o: &Object| match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => panic!("not a number"),
    };
    // The QR code's squares are the small filled rectangles; each is followed by a fill.
    let ops = &content.operations;
    let mut rects = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        if op.operator == "re" && ops.get(i + 1).is_some_and(|n| n.operator == "f") {
            let v: Vec<f64> = op.operands.iter().map(num).collect();
            rects.push((v[0], v[1], v[2], v[3].abs()));
        }
    }
    let module = rects.iter().map(|r| r.3).fold(f64::MAX, f64::min);
    let x0 = rects.iter().map(|r| r.0).fold(f64::MAX, f64::min);
    let top = rects.iter().map(|r| r.1 + r.3).fold(f64::MIN, f64::max);
    let n = ((rects.iter().map(|r| r.0 + r.2).fold(f64::MIN, f64::max) - x0) / module).round() as usize;
    let scale = 4;
    let size = (n + 8) * scale;
    let mut grid = vec![255u8; size * size];
    for (x, y, w, h) in rects {
        let col = ((x - x0) / module).round() as usize;
        let row = ((top - (y + h)) / module).round() as usize;
        let cols = (w / module).round() as usize;
        for c in col..col + cols {
            for dy in 0..scale {
                for dx in 0..scale {
                    grid[((row + 4) * scale + dy) * size + (c + 4) * scale + dx] = 0;
                }
            }
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| grid[y * size + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    grids[0].decode().expect("a readable QR code").1
}

db_test!(printable_pdfs_carry_the_name_and_a_working_qr_code);
async fn printable_pdfs_carry_the_name_and_a_working_qr_code(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let k = closed_class(&app, &school, &admin, "SC-01", &["Nguyễn Thị Ánh Tuyết", "Hoàng Đức Việt"], &[]).await;
    let issued = app.post(&format!("/api/v1/cohorts/{}/certificates", k.cohort), &admin, signer()).await;
    let mine = issued.body["issued"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["learner_id"] == k.learners[0].0.as_str())
        .unwrap()
        .clone();
    let id = mine["id"].as_str().unwrap();
    let (_, token, _) = &k.learners[0];
    let pdf = app.call(Method::GET, &format!("/api/v1/certificates/{id}/pdf"), Some(token), None).await;
    assert_eq!(pdf.status, 200, "{}", pdf.text);
    assert_eq!(pdf.header("content-type").as_deref(), Some("application/pdf"));
    if let Ok(dir) = std::env::var("LLCT_PDF_OUT") {
        std::fs::write(format!("{dir}/certificate-{}.pdf", app.backend), &pdf.bytes).unwrap();
    }
    let text = pdf_text(&pdf.bytes);
    for needle in [
        "Nguyễn Thị Ánh Tuyết",
        "GIẤY CHỨNG NHẬN",
        "Trần Văn Bình",
        mine["serial"].as_str().unwrap(),
        "Sơ cấp lý luận chính trị",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
    assert_eq!(decode_qr(&pdf.bytes), mine["verify_url"].as_str().unwrap());
    // Only the glyphs used are embedded, and each of them still has its outline.
    assert!(pdf.bytes.len() < 100_000, "a credential's PDF is {} bytes", pdf.bytes.len());
    assert_embedded_fonts_draw(&pdf.bytes, "Nguyễn Thị Ánh Tuyết GIẤY CHỨNG NHẬN");
    // Another learner cannot fetch it; a lecturer may not; the holder may not print a copy.
    let (_, other_token, _) = &k.learners[1];
    app.call(Method::GET, &format!("/api/v1/certificates/{id}/pdf"), Some(other_token), None)
        .await
        .assert_problem(404, "not-found");
    app.call(Method::GET, &format!("/api/v1/certificates/{id}"), Some(other_token), None)
        .await
        .assert_problem(404, "not-found");
    let (_, lecturer) = app.user("lecturer", Some(&school)).await;
    app.call(Method::GET, &format!("/api/v1/certificates/{id}/pdf"), Some(&lecturer), None)
        .await
        .assert_problem(403, "forbidden");
    app.call(Method::GET, &format!("/api/v1/certificates/{id}/pdf?copy=true"), Some(token), None)
        .await
        .assert_problem(403, "forbidden");
    let copy = app.call(Method::GET, &format!("/api/v1/certificates/{id}/pdf?copy=true"), Some(&admin), None).await;
    let text = pdf_text(&copy.bytes);
    assert!(text.contains("BẢN SAO TỪ SỔ GỐC"), "{text}");
    // The whole class as one document, a page per credential.
    let all =
        app.call(Method::GET, &format!("/api/v1/cohorts/{}/certificates/pdf", k.cohort), Some(&admin), None).await;
    assert_eq!(all.status, 200);
    let doc = printpdf::lopdf::Document::load_mem(&all.bytes).unwrap();
    assert_eq!(doc.get_pages().len(), 2);
}

db_test!(public_verification_is_rate_limited, [("LLCT__CERTIFICATES__VERIFY_PER_MINUTE_PER_CLIENT", "3")]);
async fn public_verification_is_rate_limited(app: TestApp) {
    for _ in 0..3 {
        assert_eq!(app.call(Method::GET, "/api/v1/verify/AAAAAAAAAAAAAAAAAAAA", None, None).await.status, 404);
    }
    let r = app.call(Method::GET, "/verify/AAAAAAAAAAAAAAAAAAAA", None, None).await;
    r.assert_problem(429, "rate-limited");
    assert!(r.header("retry-after").is_some());
}

db_test!(the_graduation_council_decides_when_the_program_says_so);
async fn the_graduation_council_decides_when_the_program_says_so(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let rules = json!({"council_confirmation": true});
    let k =
        ended_class_with(&app, &school, &admin, "SC-01", &["Lê Văn An", "Trần Thị Bảo"], &["Phạm Văn Cư"], rules).await;
    let decision = format!("/api/v1/cohorts/{}/graduation-decision", k.cohort);
    let body = |overrides: Value| json!({"number": "125/QĐ-TCT", "decided_on": "2026-11-20", "signer_name": "Trần Văn Bình", "signer_title": "Hiệu trưởng", "overrides": overrides});
    // Not before the class closes; not by a lecturer; every field problem at once.
    app.post(&decision, &admin, body(json!([]))).await.assert_problem(409, "conflict");
    let r = app.post(&format!("/api/v1/cohorts/{}/close", k.cohort), &admin, json!(null)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (_, lecturer) = app.user("lecturer", Some(&school)).await;
    app.post(&decision, &lecturer, body(json!([]))).await.assert_problem(403, "forbidden");
    let r = app
        .post(
            &decision,
            &admin,
            json!({"number": "", "decided_on": "2026-11-20", "signer_name": "", "signer_title": "x",
        "overrides": [{"learner_id": k.learners[0].0, "outcome": "failed", "reason": " "}]}),
        )
        .await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["number", "signer_name", "overrides[0].reason"]);
    // Credentials wait for the council.
    let issue = format!("/api/v1/cohorts/{}/certificates", k.cohort);
    let r = app.post(&issue, &admin, signer()).await;
    r.assert_problem(422, "refused");
    assert_eq!(r.body["errors"][0]["code"], "graduation_decision_required");
    // A stranger to the class cannot be ruled on.
    let stranger =
        crate::cohorts::learner(&app, &admin, crate::cohorts::eligible("Ngô Thị Hạnh", "1980-01-01", &school)).await;
    let r = app
        .post(&decision, &admin, body(json!([{"learner_id": stranger, "outcome": "graduated", "reason": "x"}])))
        .await;
    r.assert_problem(422, "refused");
    // The council fails one graduate and passes the one who missed the exam, with reasons.
    let overrides = json!([
        {"learner_id": k.learners[0].0, "outcome": "failed", "reason": "Vi phạm quy chế thi"},
        {"learner_id": k.learners[2].0, "outcome": "graduated", "reason": "Ốm có giấy xác nhận, hội đồng xét đặc cách"}
    ]);
    let r = app.post(&decision, &admin, body(overrides.clone())).await;
    assert_eq!(r.status, 201, "{}", r.text);
    app.post(&decision, &admin, body(overrides)).await.assert_problem(409, "conflict");
    assert_eq!(app.get(&decision, &admin).await.body["number"], "125/QĐ-TCT");
    let r = app.post(&issue, &admin, signer()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut holders: Vec<&str> =
        r.body["issued"].as_array().unwrap().iter().map(|c| c["facts"]["holder"].as_str().unwrap()).collect();
    holders.sort();
    assert_eq!(holders, vec!["Phạm Văn Cư", "Trần Thị Bảo"]);
}

db_test!(a_transcript_answers_what_a_person_studied);
async fn a_transcript_answers_what_a_person_studied(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let k = closed_class(&app, &school, &admin, "SC-01", &["Nguyễn Thị Ánh Tuyết"], &["Trần Văn Bình"]).await;
    let issued = app.post(&format!("/api/v1/cohorts/{}/certificates", k.cohort), &admin, signer()).await;
    let serial = issued.body["issued"][0]["serial"].as_str().unwrap().to_string();
    let (ref id, ref token, _) = k.learners[0];
    let path = format!("/api/v1/learners/{id}/transcript");
    for who in [&admin, token] {
        let t = app.get(&path, who).await;
        assert_eq!((t.status, t.body["full_name"].as_str()), (200, Some("Nguyễn Thị Ánh Tuyết")), "{}", t.text);
        let class = &t.body["classes"][0];
        assert_eq!(
            (
                class["outcome"].as_str(),
                class["classification"].as_str(),
                class["average"].as_f64(),
                class["cohort_status"].as_str()
            ),
            (Some("graduated"), Some("gioi"), Some(8.0), Some("closed")),
            "{class}"
        );
        assert_eq!(class["modules"][0]["grade"], 8.0);
        assert_eq!(t.body["credentials"][0]["serial"], serial.as_str());
        assert_eq!(t.body["credentials"][0]["status"], "valid");
    }
    // Conduct as the head teacher recorded it: ratings, comment, and a measure with its date and reason.
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/cohorts/{}/conduct/{}", k.cohort, k.learners[1].0),
            Some(&admin),
            Some(json!({"political": "tot", "discipline": "trung_binh", "class_rules": "kha",
                "comment": "Cần đi học đúng giờ", "measure": "reprimand", "measure_on": "2026-11-20",
                "measure_reason": "Bỏ ba buổi học không phép"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The one who missed the exam, no credential: the reprimand recorded after closing moves
    // the kept result from pending to failed (conduct blocks graduation).
    let other = app.get(&format!("/api/v1/learners/{}/transcript", k.learners[1].0), &admin).await;
    let conduct = &other.body["classes"][0]["conduct"];
    assert_eq!(
        (
            conduct["comment"].as_str(),
            conduct["measure"].as_str(),
            conduct["measure_on"].as_str(),
            conduct["measure_reason"].as_str()
        ),
        (Some("Cần đi học đúng giờ"), Some("reprimand"), Some("2026-11-20"), Some("Bỏ ba buổi học không phép")),
        "{conduct}"
    );
    assert_eq!(
        (other.body["classes"][0]["outcome"].as_str(), other.body["credentials"].as_array().unwrap().len()),
        (Some("failed"), 0)
    );
    // Nobody else's, and nobody outside the school.
    app.get(&path, &k.learners[1].1).await.assert_problem(404, "not-found");
    let (_, stranger) =
        app.user("institution_admin", Some(&app.institution("TCU", "provincial_school", None).await)).await;
    app.get(&path, &stranger).await.assert_problem(404, "not-found");
    let xlsx = app.get(&format!("{path}?format=xlsx"), &admin).await;
    assert_eq!((xlsx.status, &xlsx.bytes[..2]), (200, &b"PK"[..]));
    let csv = app.get(&format!("{path}?format=csv"), &admin).await;
    assert!(csv.text.contains(&serial) && csv.text.contains("SC-01"), "{}", csv.text);
    // The printable transcript: the name, the institution's header and every credential number.
    let pdf = app.get(&format!("{path}?format=pdf"), token).await;
    assert_eq!(pdf.header("content-type").as_deref(), Some("application/pdf"));
    let text = pdf_text(&pdf.bytes);
    for needle in ["Họ và tên: Nguyễn Thị Ánh Tuyết", "CƠ SỞ TCT", "KẾT QUẢ HỌC TẬP", serial.as_str(), "Tốt nghiệp"]
    {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
    app.get(&format!("{path}?format=doc"), &admin).await.assert_problem(400, "bad-request");
    // Finding the person from the number on their paper, or by name without accents.
    let found = app.get(&format!("/api/v1/learners?credential_serial={serial}"), &admin).await;
    let ids: Vec<&str> = found.body["items"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![id.as_str()], "{}", found.text);
    let none = app.get("/api/v1/learners?credential_serial=GCN-1999-000001", &admin).await;
    assert_eq!(none.body["items"].as_array().unwrap().len(), 0);
    let by_name = app.get("/api/v1/learners?q=nguyen%20thi%20anh%20tuyet", &admin).await;
    assert_eq!(by_name.body["items"][0]["id"], id.as_str());
}

db_test!(a_transcript_spans_institutions_and_levels);
async fn a_transcript_spans_institutions_and_levels(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let centre = app.institution("TTCT-KB", "commune_center", Some(&school)).await;
    let (_, admin_s) = app.user("institution_admin", Some(&school)).await;
    let (_, admin_c) = app.user("institution_admin", Some(&centre)).await;
    let (uid, token) = app.user("learner", Some(&centre)).await;
    let r = app
        .post(
            "/api/v1/learners",
            &admin_c,
            json!({"full_name": "Hoàng Thị Ngọc Ánh", "date_of_birth": "1988-04-12", "gender": "female",
            "education_level": "university", "party_status": "full", "party_admission_date": "2012-05-01",
            "party_official_date": "2013-05-01", "institution_id": centre, "user_id": uid}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let person = vec![(r.id(), true)];
    // Elementary at the commune centre three years ago, intermediate at the provincial school last
    // year, a refresher course there this month.
    let mut serials: Vec<String> = Vec::new();
    for (code, level, days, at, admin) in [
        ("SC-2023", "elementary", 1100, &centre, &admin_c),
        ("TC-2025", "intermediate", 300, &school, &admin_s),
        ("BD-2026", "refresher", 2, &school, &admin_s),
    ] {
        let spec = ClassSpec { code, level, rules: json!({}), ended_days_ago: days };
        let cohort = class_with(&app, at, admin, &spec, &person).await;
        if level == "intermediate" {
            // The elementary certificate issued here is the prerequisite: nobody declared it on
            // the learner record, and no rule about it had to be overridden.
            let list = app.get(&format!("/api/v1/cohorts/{cohort}/enrollments"), admin).await;
            let overridden: Vec<&str> = list.body["items"][0]["overrides"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|o| o["rule"].as_str())
                .collect();
            assert!(!overridden.contains(&"prerequisite_level"), "{}", list.text);
            // The eligibility answer names the certificate it counted.
            let e = app.get(&format!("/api/v1/learners/{}/eligibility?cohort_id={cohort}", person[0].0), admin).await;
            assert_eq!(e.status, 200, "{}", e.text);
            let held = &e.body["level_held"];
            assert_eq!(
                (held["level"].as_str(), held["evidence"].as_str()),
                (Some("elementary"), Some("issued")),
                "{}",
                e.text
            );
            assert_eq!(held["serial"].as_str(), Some(serials[0].as_str()), "{}", e.text);
        }
        let r = app.post(&format!("/api/v1/cohorts/{cohort}/close"), admin, json!(null)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let issued = app.post(&format!("/api/v1/cohorts/{cohort}/certificates"), admin, signer()).await;
        assert_eq!(issued.status, 200, "{}", issued.text);
        serials.push(issued.body["issued"][0]["serial"].as_str().unwrap().to_string());
    }
    assert!(serials[1].starts_with("B"), "an intermediate course gives a diploma: {serials:?}");
    let path = format!("/api/v1/learners/{}/transcript", person[0].0);
    let t = app.get(&path, &admin_s).await;
    assert_eq!(t.status, 200, "{}", t.text);
    let classes: Vec<(&str, &str, &str)> = t.body["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["level"].as_str().unwrap(), c["institution"].as_str().unwrap(), c["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        classes,
        vec![
            ("elementary", "Cơ sở TTCT-KB", "graduated"),
            ("intermediate", "Cơ sở TCT", "graduated"),
            ("refresher", "Cơ sở TCT", "graduated")
        ],
        "{}",
        t.text
    );
    let listed: Vec<&str> =
        t.body["credentials"].as_array().unwrap().iter().map(|c| c["serial"].as_str().unwrap()).collect();
    assert_eq!(listed, serials.iter().map(String::as_str).collect::<Vec<_>>());
    // The centre's administrator sees the classes of the centre only.
    let t = app.get(&path, &admin_c).await;
    assert_eq!(t.body["classes"].as_array().unwrap().len(), 1, "{}", t.text);
    assert_eq!(t.body["classes"][0]["level"], "elementary");
    // The person's own printable transcript: their name and every credential number.
    let pdf = app.get(&format!("{path}?format=pdf"), &token).await;
    assert_eq!(pdf.status, 200);
    let text = pdf_text(&pdf.bytes);
    assert!(text.contains("Hoàng Thị Ngọc Ánh"), "{text}");
    for s in &serials {
        assert!(text.contains(s.as_str()), "{s} not in {text}");
    }
}
