//! Every route × every role × scope position, with the expected status. A route in the OpenAPI
//! document without a row here fails the test, so new routes must state who may call them.

use std::collections::BTreeSet;

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::db_test;
use crate::support::{TestApp, PASSWORD};

/// Columns: anonymous, learner of A, lecturer of A, admin of A, admin of B (another tree), system
/// admin, inspector of A, inspector of B.
const WHO: [&str; 8] =
    ["anonymous", "learner", "lecturer", "admin_a", "admin_b", "system_admin", "inspector_a", "inspector_b"];

/// Placeholders in `Row::path`, each replaced by a real id of the set-up data.
const PLACEHOLDERS: [&str; 48] = [
    "{lst}",
    "{icode}",
    "{nom}",
    "{ins}",
    "{n}",
    "{tps}",
    "{tpa}",
    "{tp}",
    "{rs}",
    "{cr}",
    "{lm1}",
    "{lm2}",
    "{sud}",
    "{su}",
    "{un}",
    "{job}",
    "{msg}",
    "{kc}",
    "{ce2}",
    "{ce}",
    "{code}",
    "{victim}",
    "{apl}",
    "{ex2}",
    "{ex}",
    "{gr}",
    "{ft}",
    "{pp}",
    "{mp}",
    "{c2}",
    "{c}",
    "{en}",
    "{as2}",
    "{se}",
    "{sd}",
    "{cal}",
    "{la}",
    "{le}",
    "{a_child}",
    "{a}",
    "{learner}",
    "{slug}",
    "{np}",
    "{pa}",
    "{pb}",
    "{pc}",
    "{ma}",
    "{md}",
];

struct Row {
    method: Method,
    /// `{a}` = institution A, `{a_child}` = a child of A, `{learner}` = a learner account of A.
    path: &'static str,
    /// A JSON body; a JSON string is sent as it is, as a CSV file.
    body: Option<fn(usize) -> Value>,
    expect: [u16; 8],
    /// What the unit officer of `{su}` (a unit at A's child) gets: `None` is a refusal that tells
    /// nothing (403 or 404), as for every route but the few a unit officer uses.
    officer: Option<u16>,
}

impl Row {
    fn officer(mut self, status: u16) -> Row {
        self.officer = Some(status);
        self
    }
}

/// A distinct, valid Vietnamese name for request `n`.
fn person(n: usize) -> String {
    const GIVEN: [&str; 12] = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Lan", "Mai", "Nam", "Sơn", "Yến"];
    format!("Nguyễn {} {}", ["Văn", "Thị", "Hữu", "Minh"][n % 4], GIVEN[n % 12])
}

/// A date of birth that differs for every request.
fn dob(n: usize) -> String {
    format!("{:02}/{:02}/{}", 1 + n % 28, 1 + n % 12, 1950 + n % 40)
}

fn dob_iso(n: usize) -> String {
    format!("{}-{:02}-{:02}", 1950 + n % 40, 1 + n % 12, 1 + n % 28)
}

fn rows() -> Vec<Row> {
    use Method as M;
    let r = |method: Method, path, body: Option<fn(usize) -> Value>, expect: [u16; 8]| {
        // A route that answers every signed-in role alike (public ones, the caller's own
        // account) answers the unit officer so too.
        let officer = expect[1..].iter().all(|s| *s == expect[1]).then_some(expect[1]);
        Row { method, path, body, expect, officer }
    };
    vec![
        // Anyone may try to sign in (a wrong password: the rate limit counts every attempt).
        r(
            M::POST,
            "/api/v1/auth/login",
            Some(|n| json!({"email": format!("nobody{n}@llct.test"), "password": PASSWORD})),
            [401; 8],
        ),
        r(M::GET, "/api/v1/me", None, [401, 200, 200, 200, 200, 200, 200, 200]),
        r(M::GET, "/api/v1/institutions/tiers", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(M::GET, "/api/v1/institutions", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(
            M::POST,
            "/api/v1/institutions",
            Some(
                |n| json!({"code": format!("NEW{n}"), "name": "Trung tâm mới", "tier": "commune_center", "parent_id": "{a}"}),
            ),
            [401, 403, 403, 201, 400, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/institutions/{a}", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/institutions/{a_child}",
            Some(|n| json!({"short_name": format!("TT {n}")})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        // Merges: institutions by system administrators only (a dry run here, so nothing moves).
        r(
            M::POST,
            "/api/v1/institutions/{a_child}/merge-into/{a}?dry_run=true",
            None,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/users", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(
            M::POST,
            "/api/v1/users",
            Some(
                |n| json!({"email": format!("new{n}@llct.test"), "password": PASSWORD, "full_name": "Phạm Thu Hà", "role": "learner", "institution_id": "{a}"}),
            ),
            [401, 403, 403, 201, 400, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/users/{learner}", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/users/{learner}",
            Some(|n| json!({"full_name": format!("Phạm Thu Hà {n}")})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/programs", None, [401, 200, 200, 200, 200, 200, 200, 200]),
        r(
            M::POST,
            "/api/v1/programs",
            Some(
                |n| json!({"code": format!("P{n}"), "title": "Bồi dưỡng nghị quyết", "level": "refresher", "edition": "2026", "owner_institution_id": "{a}"}),
            ),
            [401, 403, 403, 201, 400, 201, 403, 403],
        ),
        r(M::POST, "/api/v1/programs/catalogue", None, [401, 403, 403, 403, 403, 200, 403, 403]),
        r(M::GET, "/api/v1/programs/{pa}", None, [401, 200, 200, 200, 200, 200, 200, 200]),
        r(
            M::PATCH,
            "/api/v1/programs/{pa}",
            Some(|n| json!({"title": format!("Chương trình {n}")})),
            [401, 403, 403, 200, 403, 200, 403, 403],
        ),
        // The second publish finds it published already.
        r(M::POST, "/api/v1/programs/{pb}/publish", None, [401, 403, 403, 200, 403, 422, 403, 403]),
        r(M::POST, "/api/v1/programs/{pc}/retire", None, [401, 403, 403, 200, 403, 422, 403, 403]),
        r(
            M::POST,
            "/api/v1/programs/{np}/versions",
            Some(|n| json!({"edition": format!("V{n}")})),
            [401, 403, 403, 201, 201, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/programs/{pa}/modules", None, [401, 200, 200, 200, 200, 200, 200, 200]),
        r(
            M::POST,
            "/api/v1/programs/{pa}/modules",
            Some(|n| json!({"code": format!("M{n}"), "title": "Học phần", "hours": 4})),
            [401, 403, 403, 201, 403, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/modules/{ma}", None, [401, 200, 200, 200, 200, 200, 200, 200]),
        r(M::PATCH, "/api/v1/modules/{ma}", Some(|n| json!({"hours": n})), [401, 403, 403, 200, 403, 200, 403, 403]),
        // Once admin A deleted it, the module is gone for those who come after.
        r(M::DELETE, "/api/v1/modules/{md}", None, [401, 403, 403, 204, 404, 404, 403, 403]),
        r(M::GET, "/api/v1/settings/tier-levels", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(
            M::PUT,
            "/api/v1/settings/tier-levels",
            Some(
                |_| json!([{"tier": "academy", "level": "refresher"}, {"tier": "provincial_school", "level": "refresher"}, {"tier": "provincial_school", "level": "intermediate"}]),
            ),
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/learners", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(
            M::POST,
            "/api/v1/learners",
            Some(|n| {
                json!({"full_name": person(n), "date_of_birth": dob_iso(n), "gender": "male",
            "education_level": "university", "institution_id": "{a}"})
            }),
            [401, 403, 403, 201, 400, 201, 403, 403],
        ),
        r(
            M::POST,
            "/api/v1/learners/import?institution_id={a}",
            Some(|n| {
                json!(format!("Họ và tên,Ngày sinh,Giới tính,Trình độ học vấn\n{},{},Nam,Đại học\n", person(n), dob(n)))
            }),
            [401, 403, 403, 200, 400, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/learners/import/template", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        // Rule sets: administrators read them; system administrators add and change them (a
        // changed title only here, on the set added for the matrix).
        r(M::GET, "/api/v1/rule-sets", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(
            M::POST,
            "/api/v1/rule-sets",
            Some(|n| {
                let mut rules = serde_json::to_value(llct::cohorts::rule_sets::EligibilityRules::qd350()).unwrap();
                rules["intermediate"]["in_service_min_age_women"] = json!(27);
                json!({"code": format!("qd-m{n}"), "title": "Quy định thử", "effective_from": format!("2030-01-{:02}", 1 + n % 28), "rules": rules})
            }),
            [401, 403, 403, 403, 403, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/rule-sets/{rs}", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(
            M::PATCH,
            "/api/v1/rule-sets/{rs}",
            Some(|n| json!({"title": format!("Quy định thử {n}")})),
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        // {la} is the learner record linked to the learner's account: they read and correct it.
        r(M::GET, "/api/v1/learners/{la}", None, [401, 200, 404, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/learners/{la}",
            Some(|n| json!({"phone": format!("09123456{:02}", n % 100)})),
            [401, 200, 404, 200, 404, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/lecturers", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(
            M::POST,
            "/api/v1/lecturers",
            Some(|n| json!({"full_name": person(n), "kind": "visiting", "institution_id": "{a}"})),
            [401, 403, 403, 201, 400, 201, 403, 403],
        ),
        r(
            M::POST,
            "/api/v1/lecturers/import?institution_id={a}",
            Some(|n| json!(format!("Họ và tên,Loại giảng viên,Ngày sinh\n{},Kiêm chức,{}\n", person(n), dob(n)))),
            [401, 403, 403, 200, 400, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/lecturers/import/template", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        // {le} is the lecturer record linked to the lecturer's account.
        r(M::GET, "/api/v1/lecturers/{le}", None, [401, 404, 200, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/lecturers/{le}",
            Some(|n| json!({"phone": format!("09876543{:02}", n % 100)})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        r(M::POST, "/api/v1/users/{victim}/sign-out", None, [401, 403, 403, 204, 404, 204, 403, 403]),
        r(M::GET, "/api/v1/audit", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(M::GET, "/healthz", None, [200; 8]),
        r(M::GET, "/readyz", None, [200; 8]),
        r(M::GET, "/metrics", None, [200; 8]),
        r(M::GET, "/api/v1/openapi.json", None, [200; 8]),
        r(M::GET, "/api/v1/problems", None, [200; 8]),
        r(M::GET, "/api/v1/problems/{slug}", None, [200; 8]),
        r(M::GET, "/api/v1/cohorts", None, [401, 200, 200, 200, 200, 200, 200, 200]),
        r(
            M::POST,
            "/api/v1/cohorts",
            Some(|n| {
                json!({"program_id": "{pp}", "code": format!("C{n}"), "mode": "full_time", "starts_on": "2026-01-05",
            "ends_on": "2026-02-05", "capacity": 10, "institution_id": "{a}"})
            }),
            [401, 403, 403, 201, 400, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/cohorts/{c}", None, [401, 200, 200, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/cohorts/{c}",
            Some(|n| json!({"title": format!("Lớp bồi dưỡng {n}")})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        // Admin A enrols the learner; the system administrator then finds them enrolled.
        r(
            M::POST,
            "/api/v1/cohorts/{c}/enrollments",
            Some(|_| json!({"learner_id": "{lr}"})),
            [401, 403, 403, 201, 404, 422, 403, 403],
        ),
        r(M::GET, "/api/v1/cohorts/{c}/enrollments", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/enrollments/{en}",
            Some(|n| json!({"enrolled_on": format!("2026-01-{:02}", 5 + n % 20)})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/learners/{la}/eligibility?cohort_id={c}", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(
            M::POST,
            "/api/v1/cohorts/{c}/assignments",
            Some(|_| json!({"module_id": "{mp}", "lecturer_id": "{le2}"})),
            [401, 403, 403, 201, 404, 409, 403, 403],
        ),
        r(M::GET, "/api/v1/cohorts/{c}/assignments", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(M::DELETE, "/api/v1/assignments/{as2}", None, [401, 403, 403, 204, 404, 404, 403, 403]),
        r(
            M::POST,
            "/api/v1/cohorts/{c}/sessions",
            Some(|n| {
                json!({"module_id": "{mp}", "lecturer_id": "{le}", "place": format!("Phòng {n}"),
            "starts_at": format!("2026-01-{:02}T07:00:00+07:00", 6 + n % 25), "ends_at": format!("2026-01-{:02}T07:45:00+07:00", 6 + n % 25)})
            }),
            [401, 403, 403, 201, 404, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/cohorts/{c}/sessions", None, [401, 200, 200, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/sessions/{se}",
            Some(|n| json!({"note": format!("Ghi chú {n}")})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        r(M::POST, "/api/v1/sessions/{sd}/cancel", None, [401, 403, 403, 200, 404, 200, 403, 403]),
        r(M::DELETE, "/api/v1/sessions/{sd}", None, [401, 403, 403, 204, 404, 404, 403, 403]),
        r(M::GET, "/api/v1/me/schedule?from=2026-01-01&to=2026-02-28", None, [401, 200, 200, 403, 403, 403, 403, 403]),
        r(
            M::GET,
            "/api/v1/schedule?cohort_id={c}&from=2026-01-01&to=2026-02-28",
            None,
            [401, 403, 403, 200, 404, 200, 200, 404],
        ),
        r(M::GET, "/api/v1/calendar/{cal}.ics", None, [200; 8]),
        r(M::POST, "/api/v1/me/calendar-token", None, [401, 200, 200, 403, 403, 403, 403, 403]),
        // The session is months old: its lecturer's window has closed; administrators give a reason.
        r(
            M::PUT,
            "/api/v1/sessions/{se}/attendance",
            Some(|_| json!({"entries": [{"learner_id": "{la}", "status": "present"}], "reason": "Sổ giấy"})),
            [401, 403, 422, 200, 404, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/sessions/{se}/attendance", None, [401, 403, 200, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/sessions/{se}/attendance/changes", None, [401, 403, 200, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/cohorts/{c}/attendance-summary", None, [401, 403, 200, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/me/attendance", None, [401, 200, 403, 403, 403, 403, 403, 403]),
        r(
            M::POST,
            "/api/v1/cohorts/{c}/makeups",
            Some(|_| json!({"learner_id": "{la}", "module_id": "{mp}", "hours": 1, "reason": "Học bù"})),
            [401, 403, 403, 201, 404, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/cohorts/{c}/makeups", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(
            M::POST,
            "/api/v1/cohorts/{c}/field-trips",
            Some(|n| {
                json!({"destination": format!("Xã số {n}"), "starts_on": "2026-01-20", "ends_on": "2026-01-22",
            "leader": "Trưởng đoàn", "report_due_on": "2026-01-30"})
            }),
            [401, 403, 403, 201, 404, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/cohorts/{c}/field-trips", None, [401, 200, 200, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/field-trips/{ft}", None, [401, 200, 200, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/field-trips/{ft}",
            Some(|n| json!({"leader": format!("Trưởng đoàn {n}")})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        r(
            M::PUT,
            "/api/v1/field-trips/{ft}/reports/me",
            Some(|n| json!({"text": format!("Bài thu hoạch lần {n}")})),
            [401, 200, 403, 403, 403, 403, 403, 403],
        ),
        r(M::GET, "/api/v1/field-trips/{ft}/reports", None, [401, 403, 200, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/field-trips/{ft}/reports/{la}", None, [401, 200, 200, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/field-trips/{ft}/reports/{la}/file", None, [401, 200, 200, 200, 404, 200, 200, 404]),
        r(
            M::PUT,
            "/api/v1/field-trips/{ft}/reports/{la}/grade",
            Some(|_| json!({"grade": 8.0})),
            [401, 403, 200, 200, 404, 200, 403, 403],
        ),
        r(
            M::POST,
            "/api/v1/cohorts/{c}/exams",
            Some(|_| {
                json!({"kind": "module", "module_id": "{mp}", "held_on": "2026-02-01", "grading_deadline": "2099-12-31",
            "graders": ["{le}"]})
            }),
            [401, 403, 403, 201, 404, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/cohorts/{c}/exams", None, [401, 200, 200, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/exams/{ex}", None, [401, 200, 200, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/exams/{ex}",
            Some(|n| json!({"place": format!("Phòng thi {n}")})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/exams/{ex}/candidates", None, [401, 403, 200, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/exams/{ex}/room-list", None, [401, 403, 200, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/exams/{ex}/score-sheet", None, [401, 403, 200, 200, 404, 200, 200, 404]),
        r(M::POST, "/api/v1/exams/{ex2}/seal", None, [401, 403, 403, 200, 404, 409, 403, 403]),
        // Only a graduation exam draws its subject: the module exam here is refused (422).
        r(M::POST, "/api/v1/exams/{ex2}/draw", None, [401, 403, 403, 422, 404, 422, 403, 403]),
        // Only the exam's graders enter marks.
        r(
            M::PUT,
            "/api/v1/exams/{ex}/grades",
            Some(|_| json!({"entries": [{"learner_id": "{la}", "grade": 7}]})),
            [401, 403, 200, 422, 404, 422, 403, 403],
        ),
        r(M::GET, "/api/v1/exams/{ex}/grades", None, [401, 403, 200, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/grades/{gr}/history", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(M::POST, "/api/v1/exams/{ex}/publish", None, [401, 403, 403, 200, 404, 409, 403, 403]),
        r(M::POST, "/api/v1/exams/{ex}/lock", None, [401, 403, 403, 200, 404, 409, 403, 403]),
        // After publication the learner may appeal once; resolving is for administrators.
        r(
            M::POST,
            "/api/v1/exams/{ex}/appeals",
            Some(|_| json!({"reason": "Đề nghị phúc khảo"})),
            [401, 201, 403, 403, 403, 403, 403, 403],
        ),
        r(M::GET, "/api/v1/exams/{ex}/appeals", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(
            M::POST,
            "/api/v1/appeals/{apl}/resolve",
            Some(|_| json!({"resolution": "Giữ nguyên điểm"})),
            [401, 403, 403, 200, 404, 409, 403, 403],
        ),
        r(M::GET, "/api/v1/cohorts/{c}/results", None, [401, 403, 200, 200, 404, 200, 200, 404]),
        // Conduct: administrators of the class (the lecturer here is not its head teacher).
        r(
            M::PUT,
            "/api/v1/cohorts/{c}/conduct/{la}",
            Some(|_| json!({"political": "tot", "discipline": "kha", "class_rules": "tot"})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/cohorts/{c}/conduct", None, [401, 403, 200, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/learners/{la}/personal-data", None, [401, 200, 404, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/learners/{la}/transcript", None, [401, 200, 404, 200, 404, 200, 200, 404]),
        // Once admin A merged the two records, the removed one is gone for those who come after.
        r(M::POST, "/api/v1/learners/{lm1}/merge-into/{lm2}", None, [401, 403, 403, 200, 404, 404, 403, 403]),
        r(M::GET, "/api/v1/me/results", None, [401, 200, 403, 403, 403, 403, 403, 403]),
        // Credentials of a closed class of A; the learner column holds none of them.
        r(
            M::POST,
            "/api/v1/cohorts/{kc}/certificates",
            Some(|_| json!({"signer_name": "Trần Văn Bình", "signer_title": "Giám đốc"})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/cohorts/{kc}/certificates/pdf", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(
            M::POST,
            "/api/v1/cohorts/{kc}/graduation-decision",
            Some(
                |_| json!({"number": "1/QĐ", "decided_on": "2026-11-20", "signer_name": "Trần Văn Bình", "signer_title": "Hiệu trưởng"}),
            ),
            [401, 403, 403, 201, 404, 409, 403, 403],
        ),
        r(M::GET, "/api/v1/cohorts/{kc}/graduation-decision", None, [401, 404, 404, 200, 404, 200, 200, 404]),
        // A list of what the caller may see: for a unit officer, whose scope holds no institution,
        // nothing (their people's credentials come in the unit's report).
        r(M::GET, "/api/v1/certificates", None, [401, 200, 403, 200, 200, 200, 200, 200]).officer(200),
        r(M::GET, "/api/v1/me/certificates", None, [401, 200, 403, 403, 403, 403, 403, 403]),
        r(M::GET, "/api/v1/register-book", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(M::GET, "/api/v1/certificates/{ce}", None, [401, 404, 403, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/certificates/{ce}/pdf", None, [401, 404, 403, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/certificates/{ce}/credential", None, [401, 404, 403, 200, 404, 200, 200, 404]),
        r(
            M::POST,
            "/api/v1/certificates/{ce}/revoke",
            Some(|_| json!({"reason": "Thu hồi"})),
            [401, 403, 403, 200, 404, 409, 403, 403],
        ),
        r(
            M::POST,
            "/api/v1/certificates/{ce2}/reissue",
            Some(|_| json!({"cause": "damaged", "reason": "Rách"})),
            [401, 403, 403, 201, 404, 409, 403, 403],
        ),
        r(M::POST, "/api/v1/institutions/{a}/signing-keys/rotate", None, [401, 403, 403, 201, 404, 201, 403, 403]),
        r(
            M::PUT,
            "/api/v1/institutions/{a}/signing-certificate",
            Some(|_| json!({})),
            [401, 403, 403, 403, 404, 400, 403, 404],
        ),
        r(M::GET, "/api/v1/institutions/{a}/signing-certificate", None, [401, 403, 403, 404, 404, 404, 403, 404]),
        // Credentials copied from register books: administrators bring them in; holders read theirs.
        r(
            M::POST,
            "/api/v1/credentials/import?institution_id={a}&register=S%E1%BB%95%20g%E1%BB%91c",
            Some(|n| {
                json!(format!(
                    "Họ và tên,Ngày sinh,Giới tính,Trình độ học vấn,Trình độ LLCT,Chương trình,Số hiệu,Số vào sổ,Ngày cấp,Cơ sở cấp\n\
                     {},{},Nam,Đại học,Sơ cấp,Sơ cấp LLCT,AZ-{n},{n}/2010,30/06/2010,Trung tâm cũ\n",
                    person(n),
                    dob(n)
                ))
            }),
            [401, 403, 403, 200, 400, 200, 403, 403],
        ),
        r(M::GET, "/api/v1/credentials/import/template", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        // A list of what the caller may see: for a unit officer, whose scope holds no institution,
        // nothing (their people's credentials come in the unit's report).
        r(M::GET, "/api/v1/credentials/records", None, [401, 200, 403, 200, 200, 200, 200, 200]).officer(200),
        r(M::GET, "/api/v1/credentials/records/{cr}", None, [401, 404, 403, 200, 404, 200, 200, 404]),
        // Messages: everyone reads their own; administrators the outbox of their scope.
        r(M::GET, "/api/v1/me/notifications", None, [401, 200, 200, 200, 200, 200, 200, 200]),
        r(M::GET, "/api/v1/notifications", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(M::POST, "/api/v1/notifications/{msg}/resend", None, [401, 403, 403, 200, 404, 200, 403, 403]),
        r(M::GET, "/api/v1/me/notification-settings", None, [401, 200, 200, 200, 200, 200, 200, 200]),
        r(
            M::PUT,
            "/api/v1/me/notification-settings",
            Some(|_| json!({"opt_out": ["exam_reminder"]})),
            [401, 200, 200, 200, 200, 200, 200, 200],
        ),
        // Sending units: administrators in scope; unit reports for the class's staff.
        r(M::GET, "/api/v1/sending-units", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(
            M::POST,
            "/api/v1/sending-units",
            Some(|n| json!({"institution_id": "{a}", "name": format!("Đơn vị {n}"), "email": "dv@llct.test"})),
            [401, 403, 403, 201, 400, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/sending-units/{su}", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/sending-units/{su}",
            Some(|n| json!({"contact_name": format!("Cán bộ {n}")})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        r(M::DELETE, "/api/v1/sending-units/{sud}", None, [401, 403, 403, 204, 404, 404, 403, 403]),
        // Neither the learner nor the lecturer of A is in class {kc}: it does not exist for them.
        // The officer of the unit that sent {kc}'s learner reads its report, and only its own.
        r(M::GET, "/api/v1/cohorts/{kc}/unit-reports", None, [401, 404, 404, 200, 404, 200, 200, 404]).officer(200),
        r(M::GET, "/api/v1/cohorts/{kc}/unit-reports/{un}", None, [401, 404, 404, 200, 404, 200, 200, 404]).officer(200),
        r(M::GET, "/api/v1/reports/summary", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(
            M::GET,
            "/api/v1/reports/lecturer-workload?from=2026-01-01&to=2026-12-31",
            None,
            [401, 403, 403, 200, 200, 200, 200, 200],
        ),
        // Training plans: the institution's administrators draft and submit, those above approve,
        // inspectors read.
        r(M::GET, "/api/v1/training-plans", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(
            M::POST,
            "/api/v1/training-plans",
            Some(
                |n| json!({"institution_id": "{a}", "year": 2000 + n % 90, "lines": [{"level": "elementary", "mode": "in_service", "classes": 2, "trainee_turns": 120}]}),
            ),
            [401, 403, 403, 201, 400, 201, 403, 403],
        ),
        r(M::GET, "/api/v1/training-plans/{tp}", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/training-plans/{tp}",
            Some(|n| json!({"note": format!("Điều chỉnh {n}")})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        r(M::POST, "/api/v1/training-plans/{tps}/submit", None, [401, 403, 403, 200, 404, 409, 403, 403]),
        r(M::POST, "/api/v1/training-plans/{tpa}/approve", None, [401, 403, 403, 200, 404, 409, 403, 403]),
        r(
            M::GET,
            "/api/v1/reports/yearly?from=2026-01-01&to=2026-12-31",
            None,
            [401, 403, 403, 200, 200, 200, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/reports/plan-vs-actual?from=2026-01-01&to=2026-12-31",
            None,
            [401, 403, 403, 200, 200, 200, 200, 200],
        ),
        // Inspections: inspectors record them, the inspected institution answers.
        r(M::GET, "/api/v1/inspections", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(
            M::POST,
            "/api/v1/inspections",
            Some(|n| {
                json!({"institution_id": "{a}", "kind": "inspection", "title": format!("Kiểm tra {n}"), "held_on": "2026-03-02",
                "period_from": "2025-01-01", "period_to": "2025-12-31", "team": [{"name": "Nguyễn Văn Hùng", "head": true}]})
            }),
            [401, 403, 403, 403, 403, 201, 201, 400],
        ),
        r(M::GET, "/api/v1/inspections/{ins}", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(M::GET, "/api/v1/inspections/{ins}/pdf", None, [401, 403, 403, 200, 404, 200, 200, 404]),
        r(
            M::PATCH,
            "/api/v1/inspections/{ins}",
            Some(|n| json!({"findings": format!("Kết luận {n}")})),
            [401, 403, 403, 403, 403, 200, 200, 404],
        ),
        r(
            M::PATCH,
            "/api/v1/inspections/{ins}/recommendations/{n}",
            Some(|n| json!({"response": format!("Đã khắc phục {n}"), "status": "done"})),
            [401, 403, 403, 200, 404, 200, 403, 403],
        ),
        // Nominations: units' lists sent to A's class, decided by A's administrators.
        r(M::GET, "/api/v1/nominations", None, [401, 403, 403, 200, 200, 200, 200, 200]).officer(200),
        r(M::GET, "/api/v1/nominations/template", None, [401, 403, 403, 200, 200, 200, 200, 200]).officer(200),
        r(
            M::POST,
            "/api/v1/nominations",
            Some(|n| {
                json!({"sending_unit_id": "{su}", "decision_no": format!("{n}/QĐ-UBND"), "decision_on": "2026-01-02", "cohort_id": "{c}",
                "people": [{"person": {"full_name": person(n), "date_of_birth": "1981-02-03", "gender": "female", "education_level": "university"}}]})
            }),
            [401, 403, 403, 201, 400, 201, 403, 403],
        )
        .officer(201),
        // {nom} was sent for the officer's unit.
        r(M::GET, "/api/v1/nominations/{nom}", None, [401, 403, 403, 200, 404, 200, 200, 404]).officer(200),
        r(
            M::POST,
            "/api/v1/nominations/{nom}/decide",
            Some(|_| json!({"decisions": [{"person": 1, "decision": "reject", "reasons": ["Chưa đủ điều kiện"]}]})),
            [401, 403, 403, 200, 404, 400, 403, 403],
        ),
        // Jobs act on every institution: only system administrators run them.
        r(M::GET, "/api/v1/jobs", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(M::GET, "/api/v1/jobs/{job}/runs", None, [401, 403, 403, 200, 200, 200, 200, 200]),
        r(M::POST, "/api/v1/jobs/{job}/run", None, [401, 403, 403, 403, 403, 200, 403, 403]),
        // Public verification needs no account.
        r(M::GET, "/api/v1/verify/keys", None, [200; 8]),
        r(M::GET, "/api/v1/verify/{code}", None, [200; 8]),
        r(M::GET, "/api/v1/verify/{code}/credential", None, [200; 8]),
        r(M::GET, "/institutions/{icode}/did.json", None, [200; 8]),
        r(M::GET, "/api/v1/status-lists/{icode}/{lst}", None, [200; 8]),
        r(M::GET, "/verify/{code}", None, [200; 8]),
        // The lifecycle, last for the class: each step done once by admin A, then refused.
        r(M::POST, "/api/v1/cohorts/{c}/open", None, [401, 403, 403, 200, 404, 409, 403, 403]),
        r(M::POST, "/api/v1/cohorts/{c}/start", None, [401, 403, 403, 200, 404, 409, 403, 403]),
        r(M::POST, "/api/v1/cohorts/{c}/close", None, [401, 403, 403, 200, 404, 409, 403, 403]),
        r(
            M::POST,
            "/api/v1/cohorts/{c2}/cancel",
            Some(|_| json!({"reason": "Không đủ học viên"})),
            [401, 403, 403, 200, 404, 409, 403, 403],
        ),
        // Each caller changes their own password (a wrong current one: nothing changes).
        r(
            M::POST,
            "/api/v1/me/password",
            Some(|_| json!({"current_password": "không đúng", "new_password": "một mật khẩu khác hẳn"})),
            [401, 422, 422, 422, 422, 422, 422, 422],
        ),
        // Last: it ends each caller's session.
        r(M::POST, "/api/v1/auth/logout", None, [401, 204, 204, 204, 204, 204, 204, 204]),
    ]
}

db_test!(every_route_every_role);
async fn every_route_every_role(app: TestApp) {
    let a = app.institution("A", "provincial_school", None).await;
    let a_child = app.institution("A1", "commune_center", Some(&a)).await;
    let b = app.institution("B", "provincial_school", None).await;
    let (learner, learner_token) = app.user("learner", Some(&a)).await;
    let (lecturer, lecturer_token) = app.user("lecturer", Some(&a)).await;
    let (_, admin_a) = app.user("institution_admin", Some(&a)).await;
    let (_, admin_b) = app.user("institution_admin", Some(&b)).await;
    let (_, inspector_a) = app.user("inspector", Some(&a)).await;
    let (_, inspector_b) = app.user("inspector", Some(&b)).await;
    let tokens = [
        None,
        Some(learner_token),
        Some(lecturer_token),
        Some(admin_a),
        Some(admin_b),
        Some(app.root.clone()),
        Some(inspector_a),
        Some(inspector_b),
    ];
    let app = &app;
    let program = |owner: Option<&str>, code: &str| {
        let body = json!({"code": code, "title": "Chương trình thử", "level": "refresher", "edition": "2026", "owner_institution_id": owner});
        async move { app.post("/api/v1/programs", &app.root, body).await.id() }
    };
    let module = |program: String, code: &'static str| async move {
        app.post(
            &format!("/api/v1/programs/{program}/modules"),
            &app.root,
            json!({"code": code, "title": "Bài", "hours": 4}),
        )
        .await
        .id()
    };
    let np = program(None, "NP").await;
    let pa = program(Some(&a), "PA").await;
    let pb = program(Some(&a), "PB").await;
    let pc = program(Some(&a), "PC").await;
    let ma = module(pa.clone(), "MA").await;
    let md = module(pa.clone(), "MD").await;
    module(pb.clone(), "MB").await;
    module(pc.clone(), "MC").await;
    assert_eq!(app.post(&format!("/api/v1/programs/{pc}/publish"), &app.root, json!(null)).await.status, 200);
    let la = app
        .post(
            "/api/v1/learners",
            &app.root,
            json!({"full_name": "Phạm Thị Huyền", "date_of_birth": "1990-06-01", "gender": "female",
            "education_level": "university", "institution_id": a, "user_id": learner}),
        )
        .await
        .id();
    let le = app
        .post("/api/v1/lecturers", &app.root, json!({"full_name": "Hoàng Văn Thái", "kind": "full_time", "institution_id": a, "user_id": lecturer, "subjects": ["MP"]}))
        .await
        .id();
    // A published program of A with one module, two classes of it, the learner enrolled in one,
    // the lecturer assigned and a few sessions.
    let pp = program(Some(&a), "PP").await;
    let mp = app
        .post(&format!("/api/v1/programs/{pp}/modules"), &app.root, json!({"code": "MP", "title": "Bài", "hours": 4}))
        .await
        .id();
    assert_eq!(app.post(&format!("/api/v1/programs/{pp}/publish"), &app.root, json!(null)).await.status, 200);
    let cohort = |code: &'static str| {
        let body = json!({"program_id": pp, "code": code, "mode": "full_time", "starts_on": "2026-01-05", "ends_on": "2026-02-05", "capacity": 10, "institution_id": a});
        async move { app.post("/api/v1/cohorts", &app.root, body).await.id() }
    };
    let c = cohort("CA").await;
    let c2 = cohort("CB").await;
    let lr = app
        .post("/api/v1/learners", &app.root, json!({"full_name": "Lương Văn Tài", "date_of_birth": "1991-01-01", "gender": "male", "education_level": "college", "institution_id": a}))
        .await
        .id();
    let enrolled = app
        .post(
            &format!("/api/v1/cohorts/{c}/enrollments"),
            &app.root,
            json!({"learner_id": la, "enrolled_on": "2026-01-05"}),
        )
        .await;
    let en = enrolled.body["items"][0]["id"].as_str().unwrap().to_string();
    let le2 = app
        .post(
            "/api/v1/lecturers",
            &app.root,
            json!({"full_name": "Kiều Văn Minh", "kind": "visiting", "institution_id": a, "subjects": ["MP"]}),
        )
        .await
        .id();
    let le3 = app
        .post(
            "/api/v1/lecturers",
            &app.root,
            json!({"full_name": "Tạ Thị Hương", "kind": "visiting", "institution_id": a, "subjects": ["MP"]}),
        )
        .await
        .id();
    assert_eq!(
        app.post(&format!("/api/v1/cohorts/{c}/assignments"), &app.root, json!({"module_id": mp, "lecturer_id": le}))
            .await
            .status,
        201
    );
    let as2 = app
        .post(&format!("/api/v1/cohorts/{c}/assignments"), &app.root, json!({"module_id": mp, "lecturer_id": le3}))
        .await
        .id();
    let sessions = app
        .post(&format!("/api/v1/cohorts/{c}/sessions"), &app.root, json!({"module_id": mp, "lecturer_id": le, "place": "Hội trường",
            "series": {"from": "2026-02-02", "to": "2026-02-03", "weekdays": [1, 2], "start_time": "13:30", "end_time": "17:00"}}))
        .await;
    let se = sessions.body["items"][0]["id"].as_str().unwrap().to_string();
    let sd = sessions.body["items"][1]["id"].as_str().unwrap().to_string();
    let cal_url =
        app.call(Method::POST, "/api/v1/me/calendar-token", Some(tokens[1].as_deref().unwrap()), None).await.body
            ["calendar_url"]
            .as_str()
            .unwrap()
            .to_string();
    let cal = cal_url.rsplit('/').next().unwrap().trim_end_matches(".ics").to_string();
    let ft = app
        .post(
            &format!("/api/v1/cohorts/{c}/field-trips"),
            &app.root,
            json!({"destination": "Xã Tam Chúc", "starts_on": "2026-01-20", "ends_on": "2026-01-22",
            "leader": "Trưởng đoàn", "report_due_on": "2026-01-30"}),
        )
        .await
        .id();
    let pdf = app
        .call_with_bytes(
            Method::PUT,
            &format!("/api/v1/field-trips/{ft}/reports/me"),
            tokens[1].as_deref().unwrap(),
            "application/pdf",
            b"%PDF-1.4 x".to_vec(),
            &[],
        )
        .await;
    assert_eq!(pdf.status, 200, "{}", pdf.text);
    let exam = |sealed: bool| {
        let body = json!({"kind": "module", "module_id": mp, "held_on": "2026-02-01", "grading_deadline": "2099-12-31", "graders": [le]});
        let path = format!("/api/v1/cohorts/{c}/exams");
        async move {
            let id = app.post(&path, &app.root, body).await.id();
            if sealed {
                assert_eq!(app.post(&format!("/api/v1/exams/{id}/seal"), &app.root, json!(null)).await.status, 200);
            }
            id
        }
    };
    let ex = exam(true).await;
    let ex2 = exam(false).await;
    // A third exam, marked and published, with the learner's appeal waiting.
    let ex3 = exam(true).await;
    let marked = app
        .call(
            Method::PUT,
            &format!("/api/v1/exams/{ex3}/grades"),
            tokens[2].as_deref(),
            Some(json!({"entries": [{"learner_id": la, "grade": 6}]})),
        )
        .await;
    assert_eq!(marked.status, 200, "{}", marked.text);
    assert_eq!(app.post(&format!("/api/v1/exams/{ex3}/publish"), &app.root, json!(null)).await.status, 200);
    let apl = app
        .post(
            &format!("/api/v1/exams/{ex3}/appeals"),
            tokens[1].as_deref().unwrap(),
            json!({"reason": "Xin phúc khảo"}),
        )
        .await
        .id();
    let gr =
        app.get(&format!("/api/v1/exams/{ex}/grades"), &app.root).await.body[0]["id"].as_str().unwrap().to_string();
    let (victim, _) = app.user("learner", Some(&a)).await;
    let closed = crate::certificates::closed_class(
        app,
        &a,
        tokens[3].as_deref().unwrap(),
        "CERT",
        &["Lê Thị Hoa", "Trần Văn Khoa"],
        &[],
    )
    .await;
    let kc = closed.cohort;
    let un = "UBND-A".to_string();
    let r =
        app.patch(&format!("/api/v1/learners/{}", closed.learners[0].0), &app.root, json!({"sending_unit": un})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let unit = |name: &'static str| {
        let body = json!({"institution_id": a_child, "name": name});
        async move { app.post("/api/v1/sending-units", &app.root, body).await.id() }
    };
    // The unit that sent the closed class's learner, with its organisation officer.
    let (su, sud) = (unit("UBND-A").await, unit("Sở Nội vụ").await);
    let body = json!({"email": "tochuc@llct.test", "password": PASSWORD, "full_name": "Bùi Thị Thu",
        "role": "unit_officer", "institution_id": a_child, "sending_unit_id": su});
    let made = app.post("/api/v1/users", &app.root, body).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let officer = app.login("tochuc@llct.test", PASSWORD).await;
    let record = |name: &'static str| {
        let body = json!({"full_name": name, "date_of_birth": "1985-03-04", "gender": "male", "education_level": "university", "institution_id": a});
        async move { app.post("/api/v1/learners", &app.root, body).await.id() }
    };
    let (lm1, lm2) = (record("Vũ Văn Hai").await, record("Vũ Văn Ba").await);
    let issued =
        app.post(&format!("/api/v1/cohorts/{kc}/certificates"), &app.root, crate::certificates::signer()).await;
    let cert = |i: usize, f: &str| issued.body["issued"][i][f].as_str().unwrap().to_string();
    let (ce, ce2, code) = (cert(0, "id"), cert(1, "id"), cert(0, "verification_code"));
    let msg = app.get("/api/v1/notifications", &app.root).await.body["items"][0]["id"].as_str().unwrap().to_string();
    let job = "housekeeping".to_string();
    let copied = app
        .call_raw(
            Method::POST,
            &format!("/api/v1/credentials/import?institution_id={a}&register=S%E1%BB%95"),
            Some(&app.root),
            "text/csv",
            "Họ và tên,Ngày sinh,Giới tính,Trình độ học vấn,Trình độ LLCT,Chương trình,Số hiệu,Số vào sổ,Ngày cấp,Cơ sở cấp\n\
             Đào Văn Cũ,01/01/1970,Nam,Đại học,Sơ cấp,Sơ cấp LLCT,OLD-1,1/2000,30/06/2000,Trung tâm cũ\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(copied.status, 200, "{}", copied.text);
    let cr = app.get("/api/v1/credentials/records?serial=OLD-1", &app.root).await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rs = app.get("/api/v1/rule-sets", &app.root).await.body[1]["id"].as_str().unwrap().to_string();
    let plan = |inst: &str, year: i32| {
        let body = json!({"institution_id": inst, "year": year, "lines": [{"level": "elementary", "mode": "in_service", "classes": 2, "trainee_turns": 120}]});
        async move { app.post("/api/v1/training-plans", &app.root, body).await.id() }
    };
    let (tp, tps, tpa) = (plan(&a, 2095).await, plan(&a, 2096).await, plan(&a_child, 2097).await);
    assert_eq!(app.post(&format!("/api/v1/training-plans/{tpa}/submit"), &app.root, json!(null)).await.status, 200);
    let inspected = app
        .post(
            "/api/v1/inspections",
            tokens[6].as_deref().unwrap(),
            json!({"institution_id": a, "kind": "supervision", "title": "Giám sát công tác đào tạo", "held_on": "2026-03-02",
                "period_from": "2025-01-01", "period_to": "2025-12-31", "team": [{"name": "Nguyễn Văn Hùng", "head": true}],
                "findings": "Rút ngắn thời gian học.", "recommendations": [{"text": "Bảo đảm đủ thời lượng", "due_on": "2026-06-30"}]}),
        )
        .await;
    assert_eq!(inspected.status, 201, "{}", inspected.text);
    let (ins, first) = (inspected.id(), "1".to_string());
    let nominated = app
        .post(
            "/api/v1/nominations",
            &app.root,
            json!({"sending_unit_id": su, "decision_no": "1/QĐ-UBND", "decision_on": "2026-01-02", "cohort_id": c,
                "people": [{"person": {"full_name": "Lương Văn Tám", "date_of_birth": "1980-08-08", "gender": "male", "education_level": "university"}}]}),
        )
        .await;
    assert_eq!(nominated.status, 201, "{}", nominated.text);
    let nom = nominated.id();
    let (icode, lst) = ("A".to_string(), "0".to_string());
    let ids = [
        ("{lst}", &lst),
        ("{icode}", &icode),
        ("{nom}", &nom),
        ("{ins}", &ins),
        ("{n}", &first),
        ("{tps}", &tps),
        ("{tpa}", &tpa),
        ("{tp}", &tp),
        ("{rs}", &rs),
        ("{cr}", &cr),
        ("{lm1}", &lm1),
        ("{lm2}", &lm2),
        ("{sud}", &sud),
        ("{su}", &su),
        ("{un}", &un),
        ("{job}", &job),
        ("{msg}", &msg),
        ("{kc}", &kc),
        ("{ce2}", &ce2),
        ("{ce}", &ce),
        ("{code}", &code),
        ("{victim}", &victim),
        ("{apl}", &apl),
        ("{ex2}", &ex2),
        ("{ex}", &ex),
        ("{gr}", &gr),
        ("{ft}", &ft),
        ("{pp}", &pp),
        ("{mp}", &mp),
        ("{c2}", &c2),
        ("{c}", &c),
        ("{lr}", &lr),
        ("{en}", &en),
        ("{le2}", &le2),
        ("{as2}", &as2),
        ("{se}", &se),
        ("{sd}", &sd),
        ("{cal}", &cal),
        ("{la}", &la),
        ("{le}", &le),
        ("{a_child}", &a_child),
        ("{a}", &a),
        ("{learner}", &learner),
        ("{np}", &np),
        ("{pa}", &pa),
        ("{pb}", &pb),
        ("{pc}", &pc),
        ("{ma}", &ma),
        ("{md}", &md),
    ];
    let fill = |s: &str| {
        let mut s = s.replace("{slug}", "conflict");
        for (k, v) in &ids {
            s = s.replace(k, v);
        }
        s
    };

    let mut failures = Vec::new();
    let mut n = 0;
    let everyone: Vec<Option<String>> = tokens.iter().cloned().chain([Some(officer)]).collect();
    for row in rows() {
        for (who, token) in everyone.iter().enumerate() {
            n += 1;
            let body: Option<Value> = row.body.map(|b| serde_json::from_str(&fill(&b(n).to_string())).unwrap());
            let r = match body {
                Some(Value::String(csv)) => {
                    app.call_raw(row.method.clone(), &fill(row.path), token.as_deref(), "text/csv", csv.into_bytes())
                        .await
                }
                body => app.call(row.method.clone(), &fill(row.path), token.as_deref(), body).await,
            };
            let (expected, fits) = match (row.expect.get(who), row.officer) {
                (Some(e), _) => (e.to_string(), r.status == *e),
                (None, Some(e)) => (e.to_string(), r.status == e),
                (None, None) => ("403 or 404".to_string(), matches!(r.status, 403 | 404)),
            };
            if !fits {
                let name = WHO.get(who).copied().unwrap_or("unit_officer");
                failures.push(format!(
                    "{} {} as {name}: {} (expected {expected}) {}",
                    row.method, row.path, r.status, r.text
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_documented_route_has_a_row() {
    let covered: BTreeSet<(String, String)> =
        rows().iter().map(|r| (r.method.to_string(), r.path.to_string())).collect();
    let spec = serde_json::to_value(llct::app::openapi()).unwrap();
    let mut missing = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let m = method.to_uppercase();
            let normalised = path
                .replace("{id}", "{x}")
                .replace("{calendar_token}", "{x}")
                .replace("{learner_id}", "{x}")
                .replace("{code}", "{x}")
                .replace("{name}", "{x}")
                .replace("{unit}", "{x}")
                .replace("{target}", "{x}")
                .replace("{institution_code}", "{x}")
                .replace("{list}", "{x}")
                .replace("{n}", "{x}");
            let has = covered.iter().any(|(cm, cp)| {
                let mut cp = cp.split('?').next().unwrap_or_default().to_string();
                for k in PLACEHOLDERS {
                    cp = cp.replace(k, "{x}");
                }
                cm == &m && cp == normalised.replace("{slug}", "{x}")
            });
            if !has {
                missing.push(format!("{m} {path}"));
            }
        }
    }
    assert!(missing.is_empty(), "routes without an authorisation row: {missing:?}");
}
