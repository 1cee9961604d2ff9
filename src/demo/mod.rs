//! `llct demo-data`: fills an installation with a realistic, deterministic (by `--seed`) piece of
//! a province — a provincial school and three commune centres, the national catalogue, lecturers,
//! learners with Vietnamese names, one elementary class per centre with its timetable, the roll
//! taken for past sessions, and one exam graded and published. It goes through the real API
//! in-process, so every rule and the audit trail apply.

use actix_web::http::Method;
use actix_web::test::{call_service, init_service, TestRequest};
use actix_web::web;
use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::settings::Settings;

pub mod province;
mod rows;
mod setup;
use crate::{cli, db::Db, AppState};

const FAMILY: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
    "Lý",
];
const MIDDLE_M: [&str; 8] = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân", "Công"];
const MIDDLE_F: [&str; 8] = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Kim", "Phương", "Hồng"];
const GIVEN_M: [&str; 16] = [
    "An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tâm",
    "Vinh",
];
const GIVEN_F: [&str; 16] = [
    "Anh", "Ánh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Oanh", "Quỳnh", "Thảo",
    "Yến",
];
const EDUCATION: [&str; 3] = ["Đại học", "Cao đẳng", "Trung học phổ thông"];
const KINDS: [&str; 3] = ["full_time", "concurrent", "visiting"];
const COMMUNES: [(&str, &str); 3] = [
    ("TTCT-KB", "Trung tâm Chính trị xã Kim Bảng"),
    ("TTCT-TL", "Trung tâm Chính trị xã Thanh Liêm"),
    ("TTCT-LN", "Trung tâm Chính trị xã Lý Nhân"),
];

/// What a demo run made.
#[derive(Debug, Default)]
pub struct Made {
    pub institutions: usize,
    pub lecturers: usize,
    pub learners: usize,
    pub cohorts: usize,
    pub sessions: usize,
    pub marks: usize,
    pub grades: usize,
    pub admin_email: String,
    pub admin_password: String,
}

pub fn run(settings: Settings, db: Db, seed: u64, learners_per_centre: usize) -> Result<Made, String> {
    cli::migrate_now(&db)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let password = format!("demo-{}", &crate::auth::tokens::generate()[5..21]);
    let email = format!("demo-{seed}@llct.local");
    cli::create_admin(&settings, &db, &email, "Quản trị dữ liệu mẫu", &password)?;
    let state = web::Data::new(AppState::new(settings, db));
    actix_web::rt::System::new().block_on(async move {
        let app = init_service(crate::app::build_app(state)).await;
        macro_rules! call {
            ($method:expr, $path:expr, $token:expr, $body:expr) => {{
                let path: String = $path;
                let mut req = TestRequest::default().method($method).uri(path.as_str());
                if let Some(t) = $token {
                    req = req.insert_header(("authorization", format!("Bearer {t}")));
                }
                let req = match $body {
                    Some(b) => req.set_json(b),
                    None => req,
                };
                let res = call_service(&app, req.to_request()).await;
                let status = res.status();
                let body = actix_web::body::to_bytes(res.into_body()).await.map_err(|_| "reading a response".to_string())?;
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                if !status.is_success() {
                    return Err(format!("{} {}: {} {}", $method, path, status, v));
                }
                v
            }};
        }
        let mut made = Made { admin_email: email.clone(), admin_password: password.clone(), ..Made::default() };
        let login = call!(Method::POST, "/api/v1/auth/login".to_string(), None::<&str>, Some(json!({"email": email, "password": password})));
        let root = login["access_token"].as_str().unwrap_or_default().to_string();
        let token = Some(root.as_str());
        let id = |v: &Value| v["id"].as_str().unwrap_or_default().to_string();

        let school = id(&call!(Method::POST, "/api/v1/institutions".to_string(), token, Some(json!({"code": format!("TCT-HN-{seed}"), "name": "Trường Chính trị tỉnh Hà Nam", "tier": "provincial_school", "province": "Hà Nam"}))));
        made.institutions += 1;
        call!(Method::POST, "/api/v1/programs/catalogue".to_string(), token, None::<Value>);
        let programs = call!(Method::GET, "/api/v1/programs?national=true&level=elementary".to_string(), token, None::<Value>);
        let elementary = programs["items"][0]["id"].as_str().unwrap_or_default().to_string();
        let modules = call!(Method::GET, format!("/api/v1/programs/{elementary}/modules"), token, None::<Value>);
        let m1 = modules[0]["id"].as_str().unwrap_or_default().to_string();
        let today = Utc::now().date_naive();
        let start = today - Duration::days(42);
        let mut people_seen = std::collections::HashSet::new();

        for (n, (code, name)) in COMMUNES.iter().enumerate() {
            let centre = id(&call!(Method::POST, "/api/v1/institutions".to_string(), token, Some(json!({"code": format!("{code}-{seed}"), "name": name, "tier": "commune_center", "parent_id": school}))));
            made.institutions += 1;
            // A lecturer with an account, who teaches and grades this centre's class.
            let lemail = format!("gv{n}-{seed}@llct.local");
            let user = id(&call!(Method::POST, "/api/v1/users".to_string(), token, Some(json!({"email": lemail, "password": password, "full_name": format!("Giảng viên {}", GIVEN_M[n]), "role": "lecturer", "institution_id": school}))));
            let lecturer = id(&call!(Method::POST, "/api/v1/lecturers".to_string(), token, Some(json!({"full_name": format!("{} {} {}", FAMILY[n + 3], MIDDLE_M[n], GIVEN_M[n + 5]), "kind": KINDS[n % 3], "institution_id": school, "subjects": ["SC01", "SC02", "SC03"], "user_id": user}))));
            made.lecturers += 1;
            // The centre's learners, imported as a spreadsheet would bring them.
            let mut csv = String::from("Họ và tên,Ngày sinh,Giới tính,Trình độ học vấn,Đảng viên,Ngày vào Đảng,Đơn vị cử đi học\n");
            let mut made_here = 0;
            while made_here < learners_per_centre {
                let female = rng.random_bool(0.45);
                let full = if female {
                    format!("{} {} {}", FAMILY[rng.random_range(0..16)], MIDDLE_F[rng.random_range(0..8)], GIVEN_F[rng.random_range(0..16)])
                } else {
                    format!("{} {} {}", FAMILY[rng.random_range(0..16)], MIDDLE_M[rng.random_range(0..8)], GIVEN_M[rng.random_range(0..16)])
                };
                let dob = format!("{:02}/{:02}/{}", rng.random_range(1..=28), rng.random_range(1..=12), rng.random_range(1965..=2000));
                // The same person twice would be refused as a duplicate: draw again.
                if !people_seen.insert((full.clone(), dob.clone())) {
                    continue;
                }
                made_here += 1;
                let (party, since) = if rng.random_bool(0.7) { ("Chính thức", "10/05/2015") } else { ("Dự bị", "03/02/2025") };
                csv.push_str(&format!("{full},{dob},{},{},{party},{since},UBND {name}\n", if female { "Nữ" } else { "Nam" }, EDUCATION[rng.random_range(0..3)]));
            }
            let req = TestRequest::post()
                .uri(&format!("/api/v1/learners/import?institution_id={centre}"))
                .insert_header(("authorization", format!("Bearer {root}")))
                .insert_header(("content-type", "text/csv"))
                .set_payload(csv);
            let res = call_service(&app, req.to_request()).await;
            if !res.status().is_success() {
                let body = actix_web::body::to_bytes(res.into_body()).await.unwrap_or_default();
                return Err(format!("importing learners: {}", String::from_utf8_lossy(&body)));
            }
            made.learners += learners_per_centre;
            let people = call!(Method::GET, format!("/api/v1/learners?institution_id={centre}&limit=500"), token, None::<Value>);
            let ids: Vec<Value> = people["items"].as_array().cloned().unwrap_or_default().iter().map(|l| json!({"learner_id": l["id"]})).collect();

            let cohort = id(&call!(Method::POST, "/api/v1/cohorts".to_string(), token, Some(json!({"program_id": elementary, "institution_id": centre, "code": format!("SC-{}-{seed}", n + 1), "mode": "full_time",
                "starts_on": start.to_string(), "ends_on": (today + Duration::days(30)).to_string(), "capacity": learners_per_centre + 20, "location": name}))));
            made.cohorts += 1;
            call!(Method::POST, format!("/api/v1/cohorts/{cohort}/open"), token, None::<Value>);
            call!(Method::POST, format!("/api/v1/cohorts/{cohort}/enrollments"), token, Some(json!({"learners": ids, "enrolled_on": start.to_string()})));
            call!(Method::POST, format!("/api/v1/cohorts/{cohort}/start"), token, None::<Value>);
            call!(Method::POST, format!("/api/v1/cohorts/{cohort}/assignments"), token, Some(json!({"module_id": m1, "lecturer_id": lecturer})));
            let sessions = call!(Method::POST, format!("/api/v1/cohorts/{cohort}/sessions"), token, Some(json!({"module_id": m1, "lecturer_id": lecturer, "place": format!("Hội trường {name}"),
                "series": {"from": start.to_string(), "to": (today + Duration::days(14)).to_string(), "weekdays": [2, 4], "start_time": "07:30", "end_time": "11:00"}})));
            let now = Utc::now();
            for s in sessions["items"].as_array().cloned().unwrap_or_default() {
                made.sessions += 1;
                let starts: chrono::DateTime<chrono::FixedOffset> = s["starts_at"].as_str().unwrap_or_default().parse().map_err(|_| "a session time".to_string())?;
                if starts > now {
                    continue;
                }
                let entries: Vec<Value> = ids
                    .iter()
                    .map(|l| {
                        let x: f64 = rng.random();
                        let status = if x < 0.9 { "present" } else if x < 0.94 { "late" } else if x < 0.97 { "excused" } else { "absent" };
                        json!({"learner_id": l["learner_id"], "status": status})
                    })
                    .collect();
                made.marks += entries.len();
                let sid = s["id"].as_str().unwrap_or_default();
                call!(Method::PUT, format!("/api/v1/sessions/{sid}/attendance"), token, Some(json!({"entries": entries, "reason": "Nhập từ sổ điểm danh"})));
            }
            // The module exam: sealed, marked by the lecturer, published.
            let exam = id(&call!(Method::POST, format!("/api/v1/cohorts/{cohort}/exams"), token, Some(json!({"kind": "module", "module_id": m1, "held_on": today.to_string(),
                "grading_deadline": (today + Duration::days(7)).to_string(), "graders": [lecturer]}))));
            call!(Method::POST, format!("/api/v1/exams/{exam}/seal"), token, None::<Value>);
            let lt = call!(Method::POST, "/api/v1/auth/login".to_string(), None::<&str>, Some(json!({"email": lemail, "password": password})));
            let lt = lt["access_token"].as_str().unwrap_or_default().to_string();
            let scripts = call!(Method::GET, format!("/api/v1/exams/{exam}/grades"), Some(lt.as_str()), None::<Value>);
            let marks: Vec<Value> = scripts
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|g| json!({"code": g["code"], "grade": f64::from(rng.random_range(40..=100)) / 10.0}))
                .collect();
            if !marks.is_empty() {
                made.grades += marks.len();
                call!(Method::PUT, format!("/api/v1/exams/{exam}/grades"), Some(lt.as_str()), Some(json!({"entries": marks})));
                call!(Method::POST, format!("/api/v1/exams/{exam}/publish"), token, None::<Value>);
            }
        }
        Ok(made)
    })
}
