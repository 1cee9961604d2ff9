//! `llct demo-data --scale province`: a province as it would stand after three years on the
//! system — a provincial school and ten centres, the national catalogue, lecturers of every kind
//! with accounts, about 50,000 enrolments (elementary classes at the centres, intermediate ones at
//! the school, many intermediate learners coming back from the centres), every session with its
//! roll call (several million marks), field study, exams with published grades, classes past their
//! end closed by the real close-out (results kept, credentials issued and signed), and the classes
//! running today with learner accounts for trying `/me/schedule`.
//!
//! Rows go in with batched inserts, one transaction per class, so memory stays flat and a kill
//! leaves whole classes. The timetable has no clashes: each class has its own pair of lecturers
//! and its own hall among the classes running at the same time.

use std::time::Instant;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::rows::*;
use super::setup::setup;
use crate::attendance::model::{Attendance, AttendanceStatus};
use crate::auth::Role;
use crate::cohorts::model::*;
use crate::db::ids::*;
use crate::db::schema::{
    assignments as asg, attendance as at, cohorts as co, enrollments as en, exams as ex, field_reports as fr,
    field_trips as ft, grades as gr, sessions as se, users as us,
};
use crate::db::{now, write_tx, Db, DbConn};
use crate::error::ApiError;
use crate::exams::model::{Exam, ExamForm, ExamKind, ExamStatus, Grade, GradeStatus, Presence};
use crate::programs::model::{Assessment, Level, ProgramModule};
use crate::settings::Settings;
use crate::timetable::model::{Session, SessionStatus};

pub(super) const CENTRES: [&str; 10] =
    ["Kim Bảng", "Thanh Liêm", "Lý Nhân", "Bình Lục", "Duy Tiên", "Phủ Lý", "Ý Yên", "Vụ Bản", "Nghĩa Hưng", "Hải Hậu"];

/// How big a province to make.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub centres: usize,
    /// Years of classes up to today.
    pub years: usize,
    pub elementary_per_centre_year: usize,
    pub intermediate_per_year: usize,
    pub class_size: usize,
}

impl Size {
    /// About 50,000 enrolments over three years.
    pub const PROVINCE: Size =
        Size { centres: 10, years: 3, elementary_per_centre_year: 20, intermediate_per_year: 40, class_size: 70 };
}

/// What a province run made.
#[derive(Debug, Default)]
pub struct Made {
    pub institutions: usize,
    pub lecturers: usize,
    pub learners: usize,
    pub accounts: usize,
    pub cohorts: usize,
    pub enrollments: usize,
    pub sessions: usize,
    pub marks: usize,
    pub grades: usize,
    pub closed: usize,
    pub certificates: usize,
    pub build_secs: f64,
    pub close_secs: f64,
    pub admin_email: String,
    pub admin_password: String,
    /// One learner and one lecturer of a class running today (same password).
    pub learner_email: Option<String>,
    pub lecturer_email: Option<String>,
}

pub fn run(settings: Settings, db: Db, seed: u64, password: Option<String>, size: Size) -> Result<Made, String> {
    let started = Instant::now();
    crate::cli::migrate_now(&db)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let password = password.unwrap_or_else(|| format!("demo-{}", &crate::auth::tokens::generate()[5..21]));
    let email = format!("demo-{seed}@llct.local");
    crate::cli::create_admin(&settings, &db, &email, "Quản trị dữ liệu mẫu", &password)?;
    let hash = crate::auth::password::Passwords::new(&settings.auth).hash(&password)?;
    let mut made = Made { admin_email: email, admin_password: password, ..Made::default() };
    let fail = |e: ApiError| e.to_string();
    let mut conn = db.conn().map_err(fail)?;
    let t = now();
    let today = chrono::Utc::now().with_timezone(&settings.tz()).date_naive();

    // The catalogue, the institutions with an administrator each, the plan of classes, and
    // lecturers with accounts: a pair for each class an institution runs at the same time.
    let (places, elementary, intermediate, mut plans) =
        write_tx(&mut conn, |tx| setup(tx, seed, size, today, t, &hash, &mut rng)).map_err(fail)?;
    made.institutions = places.len();
    made.lecturers = places.iter().map(|p| p.lecturers.len()).sum();
    made.accounts = places.len() + made.lecturers;
    let modules = |conn: &mut DbConn, p: ProgramId| -> Result<Vec<ProgramModule>, String> {
        crate::programs::store::modules(conn, p).map_err(|e| e.to_string())
    };
    let elementary_modules = modules(&mut conn, elementary)?;
    let intermediate_modules = modules(&mut conn, intermediate)?;
    let intermediate_program = crate::programs::store::get(&mut conn, intermediate).map_err(fail)?;
    plans.sort_by_key(|p| p.starts);
    // Elementary graduates who may come back for the intermediate course.
    let mut returning: Vec<LearnerId> = Vec::new();
    let statuses =
        [AttendanceStatus::Present, AttendanceStatus::Late, AttendanceStatus::Excused, AttendanceStatus::Absent];
    let tz = settings.tz();
    let to_utc = |d: NaiveDate, h: u32, m: u32| -> NaiveDateTime {
        let local = d.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default());
        local.and_local_timezone(tz).single().map(|x| x.naive_utc()).unwrap_or(local)
    };
    let now_utc = chrono::Utc::now().naive_utc();
    for plan in &plans {
        let place = &places[plan.place];
        let inst = place.inst.id;
        let (program, mods) = match plan.level {
            Level::Intermediate => (intermediate, &intermediate_modules),
            _ => (elementary, &elementary_modules),
        };
        let lect = [place.lecturers[2 * plan.slot], place.lecturers[2 * plan.slot + 1]];
        let hall = format!("Hội trường {} – {}", plan.slot + 1, place.inst.name);
        let per_module: Vec<usize> = mods.iter().map(|m| (m.hours.max(1) as usize).div_ceil(4)).collect();
        let days = half_days(plan.starts, per_module.iter().sum());
        let last = days.last().map(|d| d.0).unwrap_or(plan.starts);
        let ends = last + Duration::days(7);
        let grad_day = last + Duration::days(3);
        let n = write_tx(&mut conn, |tx| -> Result<(usize, usize, usize, usize), ApiError> {
            // Learners: new ones from the units the centre serves; intermediate classes take
            // back elementary graduates first.
            let mut people: Vec<LearnerId> = Vec::new();
            let mut fresh = Vec::new();
            if plan.level == Level::Intermediate {
                while people.len() < size.class_size * 2 / 5 && !returning.is_empty() {
                    let i = rng.random_range(0..returning.len());
                    people.push(returning.swap_remove(i));
                }
            }
            let area = if plan.place == 0 {
                CENTRES[rng.random_range(0..size.centres.max(1))]
            } else {
                CENTRES[plan.place - 1]
            };
            while people.len() + fresh.len() < size.class_size {
                let unit = match rng.random_range(0..4) {
                    0 => format!("UBND xã {area}"),
                    1 => format!("Đảng ủy xã {area}"),
                    2 => format!("Hội Nông dân xã {area}"),
                    _ => format!("Trường THCS {area}"),
                };
                fresh.push(learner_row(&mut rng, inst, &unit, t));
            }
            // Today's classes: their learners get accounts to look at their schedule.
            let running = plan.starts <= today && today <= ends;
            let mut accounts = Vec::new();
            let mut sample = None;
            if running {
                for (i, l) in fresh.iter_mut().enumerate() {
                    let u = user_row(
                        format!("hv-{}-{}-{i}-{seed}@llct.local", plan.place, plan.code.to_lowercase()),
                        &l.full_name,
                        Role::Learner,
                        inst,
                        &hash,
                        t,
                    );
                    l.user_id = Some(u.id);
                    sample.get_or_insert_with(|| u.email.clone());
                    accounts.push(u);
                }
                crate::insert_rows!(tx, us, &accounts);
            }
            crate::people::store::insert_learners(tx, &fresh)?;
            people.extend(fresh.iter().map(|l| l.id));
            let status = if plan.starts > today { CohortStatus::Enrolling } else { CohortStatus::InProgress };
            let cohort = Cohort {
                id: CohortId::new(),
                institution_id: inst,
                program_id: program,
                code: plan.code.clone(),
                title: match plan.level {
                    Level::Intermediate => format!("Trung cấp lý luận chính trị {}", plan.code),
                    _ => format!("Sơ cấp lý luận chính trị {}", plan.code),
                },
                mode: Mode::InService,
                starts_on: plan.starts,
                ends_on: ends,
                capacity: (size.class_size + 10) as i32,
                enrolled_count: people.len() as i32,
                venue_institution_id: None,
                location: Some(hall.clone()),
                head_teacher_id: Some(lect[0].0),
                regulation: if plan.starts >= NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default() {
                    "qd350-2025".to_string()
                } else {
                    "qd57-2022".to_string()
                },
                status,
                cancel_reason: None,
                version: 1,
                created_at: t,
                updated_at: t,
            };
            crate::per_backend!(tx, |c| diesel::insert_into(co::table).values(&cohort).execute(c))?;
            let enrolments: Vec<Enrollment> = people
                .iter()
                .map(|l| Enrollment {
                    id: EnrollmentId::new(),
                    cohort_id: cohort.id,
                    learner_id: *l,
                    institution_id: inst,
                    status: EnrollmentStatus::Enrolled,
                    enrolled_on: plan.starts - Duration::days(14),
                    withdrawn_on: None,
                    withdraw_reason: None,
                    overrides: Overrides::default(),
                    version: 1,
                    created_at: t,
                    updated_at: t,
                })
                .collect();
            crate::insert_rows!(tx, en, &enrolments);
            let assignments: Vec<Assignment> = mods
                .iter()
                .enumerate()
                .map(|(i, m)| Assignment {
                    id: AssignmentId::new(),
                    cohort_id: cohort.id,
                    module_id: m.id,
                    lecturer_id: lect[i % 2].0,
                    institution_id: inst,
                    role: AssignmentRole::Lead,
                    planned_hours: m.hours,
                    created_at: t,
                    overrides: Default::default(),
                })
                .collect();
            crate::insert_rows!(tx, asg, &assignments);
            // Sessions module by module, roll calls for those held, an exam after each module.
            let (mut sessions, mut marks, mut exams, mut grades) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let mut next = 0;
            for (i, m) in mods.iter().enumerate() {
                let (lecturer, lecturer_user) = lect[i % 2];
                for _ in 0..per_module[i] {
                    let (d, morning) = days[next];
                    next += 1;
                    let (h, e) = if morning { ((7, 30), (11, 30)) } else { ((13, 30), (17, 0)) };
                    let s = Session {
                        id: SessionId::new(),
                        cohort_id: cohort.id,
                        module_id: m.id,
                        lecturer_id: lecturer,
                        institution_id: inst,
                        starts_at: to_utc(d, h.0, h.1),
                        ends_at: to_utc(d, e.0, e.1),
                        place: hall.clone(),
                        place_key: crate::text::fold(&hall),
                        status: SessionStatus::Scheduled,
                        note: None,
                        version: 1,
                        created_at: t,
                        updated_at: t,
                    };
                    if s.ends_at < now_utc {
                        for l in &people {
                            let x: f64 = rng.random();
                            let st = if x < 0.9 {
                                0
                            } else if x < 0.94 {
                                1
                            } else if x < 0.97 {
                                2
                            } else {
                                3
                            };
                            marks.push(Attendance {
                                id: AttendanceId::new(),
                                session_id: s.id,
                                learner_id: *l,
                                cohort_id: cohort.id,
                                institution_id: inst,
                                status: statuses[st],
                                minutes_late: (st == 1).then_some(15),
                                note: None,
                                recorded_by: lecturer_user,
                                created_at: s.ends_at,
                                updated_at: s.ends_at,
                            });
                        }
                    }
                    sessions.push(s);
                }
                let held = days[next - 1].0 + Duration::days(1);
                let form = match m.assessment {
                    Assessment::None => continue,
                    Assessment::Written => ExamForm::Written,
                    Assessment::Oral => ExamForm::Oral,
                    Assessment::Essay => ExamForm::Essay,
                };
                exams.push((m.id, None, held, form, lecturer));
            }
            // The graduation subjects (intermediate) or the graduation paper (elementary).
            let subjects: Vec<String> = match plan.level {
                Level::Intermediate => {
                    intermediate_program.rules.graduation_subjects.iter().map(|s| s.code.clone()).collect()
                }
                _ => vec!["essay".to_string()],
            };
            for code in subjects {
                exams.push((mods[0].id, Some(code), grad_day, ExamForm::Written, lect[0].0));
            }
            let mut exam_rows = Vec::new();
            for (module, subject, held, form, grader) in exams {
                if held >= today {
                    continue;
                }
                let e = Exam {
                    id: ExamId::new(),
                    cohort_id: cohort.id,
                    institution_id: inst,
                    kind: if subject.is_some() { ExamKind::Graduation } else { ExamKind::Module },
                    module_id: if subject.is_some() { None } else { Some(module) },
                    title: match &subject {
                        Some(s) => format!("Thi tốt nghiệp {s}"),
                        None => "Thi kết thúc học phần".into(),
                    },
                    subject_code: subject,
                    retake_of_id: None,
                    held_on: held,
                    place: Some(hall.clone()),
                    form,
                    blind: true,
                    double_marking: false,
                    grading_deadline: held + Duration::days(10),
                    status: ExamStatus::Published,
                    sealed_at: Some(to_utc(held, 7, 0)),
                    published_at: Some(to_utc(held + Duration::days(5), 9, 0)),
                    locked_at: None,
                    version: 3,
                    created_at: t,
                    updated_at: t,
                    start_time: Some("07:30".into()),
                    duration_minutes: Some(if form == ExamForm::Written { 180 } else { 90 }),
                    drawn_by: None,
                    drawn_at: None,
                    rooms: Default::default(),
                };
                let mut codes: Vec<u32> = (100_000..999_999).step_by(9973).take(people.len()).collect();
                codes.shuffle(&mut rng);
                for (l, code) in people.iter().zip(codes) {
                    let absent = rng.random_bool(0.002);
                    let v = if rng.random_bool(0.004) { rng.random_range(20..50) } else { rng.random_range(55..=98) };
                    grades.push(Grade {
                        id: GradeId::new(),
                        exam_id: e.id,
                        learner_id: *l,
                        institution_id: inst,
                        code: code.to_string(),
                        presence: if absent { Presence::Absent } else { Presence::Sat },
                        value_tenths: (!absent).then_some(v),
                        first_tenths: (!absent).then_some(v),
                        first_by: Some(grader),
                        second_tenths: None,
                        second_by: None,
                        third_tenths: None,
                        third_by: None,
                        status: GradeStatus::Published,
                        version: 2,
                        created_at: t,
                        updated_at: t,
                    });
                }
                exam_rows.push(e);
            }
            crate::insert_rows!(tx, se, &sessions);
            crate::insert_rows!(tx, at, &marks);
            crate::insert_rows!(tx, ex, &exam_rows);
            crate::insert_rows!(tx, gr, &grades);
            // Field study for the intermediate course, graded.
            if plan.level == Level::Intermediate && grad_day < today {
                let trip = FieldTripId::new();
                crate::per_backend!(tx, |c| diesel::insert_into(ft::table)
                    .values((
                        ft::id.eq(trip),
                        ft::cohort_id.eq(cohort.id),
                        ft::institution_id.eq(inst),
                        ft::destination.eq(format!("Xã {area}")),
                        ft::starts_on.eq(last - Duration::days(10)),
                        ft::ends_on.eq(last - Duration::days(8)),
                        ft::leader.eq("Trần Văn Bình"),
                        ft::report_due_on.eq(last),
                        ft::description.eq(None::<String>),
                        ft::version.eq(1i64),
                        ft::created_at.eq(t),
                        ft::updated_at.eq(t),
                    ))
                    .execute(c))?;
                let reports: Vec<_> = people
                    .iter()
                    .map(|l| {
                        (
                            fr::id.eq(ReportId::new()),
                            fr::field_trip_id.eq(trip),
                            fr::learner_id.eq(*l),
                            fr::institution_id.eq(inst),
                            fr::body.eq(Some("Báo cáo thực tế tại địa phương.".to_string())),
                            fr::submitted_at.eq(Some(to_utc(last, 9, 0))),
                            fr::late.eq(false),
                            fr::grade_tenths.eq(Some(rng.random_range(60..=95))),
                            fr::graded_by.eq(Some(lect[0].1)),
                            fr::graded_at.eq(Some(to_utc(last + Duration::days(2), 9, 0))),
                            fr::version.eq(2i64),
                            fr::created_at.eq(t),
                            fr::updated_at.eq(t),
                        )
                    })
                    .collect();
                crate::insert_rows!(tx, fr, &reports);
            }
            if plan.level == Level::Elementary && ends < today {
                returning.extend(people.iter().filter(|_| rng.random_bool(0.1)));
            }
            // The first class running today gives the learner and lecturer to try it as.
            if let (Some(learner), None) = (sample, &made.learner_email) {
                made.learner_email = Some(learner);
                made.lecturer_email = us::table.find(lect[0].1).select(us::email).first::<String>(tx).optional()?;
            }
            made.accounts += accounts.len();
            made.learners += fresh.len();
            Ok((people.len(), sessions.len(), marks.len(), grades.len()))
        })
        .map_err(fail)?;
        made.cohorts += 1;
        made.enrollments += n.0;
        made.sessions += n.1;
        made.marks += n.2;
        made.grades += n.3;
    }
    // Fresh statistics after the bulk load, or the planner still thinks the tables are small.
    diesel::sql_query("ANALYZE").execute(&mut *conn).map_err(|e| e.to_string())?;
    made.build_secs = started.elapsed().as_secs_f64();

    // Classes past their end: the real close-out (locks grades, keeps results, issues and signs
    // credentials), one transaction each.
    let closing = Instant::now();
    let due: Vec<CohortId> = co::table
        .filter(co::status.eq(CohortStatus::InProgress))
        .filter(co::ends_on.lt(today))
        .order((co::ends_on, co::id))
        .select(co::id)
        .load(&mut *conn)
        .map_err(|e| e.to_string())?;
    for id in due {
        let (_, done) =
            write_tx(&mut conn, |tx| crate::jobs::closeout::close_one(tx, &settings, id, None, today)).map_err(fail)?;
        made.closed += 1;
        made.certificates += done.certificates;
    }
    // The close-out rewrote every grade it locked: on PostgreSQL reclaim those row versions and
    // mark the pages all-visible now, as autovacuum would in time, so the data set starts out
    // as a running service's would be.
    if matches!(&*conn, crate::db::DbConn::Pg(_)) {
        diesel::sql_query("VACUUM ANALYZE").execute(&mut *conn).map_err(|e| e.to_string())?;
    }
    made.close_secs = closing.elapsed().as_secs_f64();
    Ok(made)
}
