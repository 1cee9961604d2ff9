//! `llct demo-data` builds a realistic, deterministic sample through the real API.

use diesel::{QueryableByName, RunQueryDsl};

use crate::support::{db::TestDb, test_env};

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    full_name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn names(db: &llct::db::Db) -> Vec<String> {
    let mut c = db.conn().unwrap();
    diesel::sql_query("SELECT full_name FROM learners ORDER BY sort_key, full_name")
        .load::<Name>(&mut *c)
        .unwrap()
        .into_iter()
        .map(|n| n.full_name)
        .collect()
}

fn count(db: &llct::db::Db, sql: &str) -> i64 {
    let mut c = db.conn().unwrap();
    diesel::sql_query(sql).get_result::<Count>(&mut *c).unwrap().n
}

fn run(test_db: &TestDb) -> (llct::db::Db, llct::demo::Made) {
    let settings = llct::settings::Settings::load_from(&test_env(&test_db.url)).unwrap();
    let db = llct::db::Db::connect(&settings.database).unwrap();
    let made = llct::demo::run(settings, db.clone(), 7, 30).unwrap();
    (db, made)
}

#[test]
fn demo_data_is_realistic_and_deterministic() {
    let mut dbs = vec![TestDb::sqlite(), TestDb::sqlite()];
    dbs.extend(TestDb::postgres());
    let (first, made) = run(&dbs[0]);
    assert_eq!((made.institutions, made.learners, made.cohorts), (4, 90, 3));
    assert!(made.marks > 0 && made.grades > 0 && made.sessions > 0);
    assert_eq!(count(&first, "SELECT COUNT(*) AS n FROM enrollments"), 90);
    assert_eq!(count(&first, "SELECT COUNT(*) AS n FROM attendance") as usize, made.marks);
    assert!(count(&first, "SELECT COUNT(*) AS n FROM grades WHERE status = 'published'") > 0);
    assert!(count(&first, "SELECT COUNT(*) AS n FROM audit_log") > 10, "the sample went through the audited API");
    let expected = names(&first);
    assert!(expected.iter().any(|n| n.contains('ễ')
        || n.contains('ơ')
        || n.contains('ư')
        || n.contains('đ')
        || n.contains('Đ')));
    for other in &dbs[1..] {
        let (db, _) = run(other);
        assert_eq!(names(&db), expected, "the same seed gives the same people");
    }
}

/// The province generator at a small size: every count adds up, no lecturer or hall is booked
/// twice at once, closed classes have their results and credentials, and a learner of a class
/// running today signs in and sees their timetable.
#[test]
fn a_small_province_adds_up_without_clashes() {
    use llct::demo::province::{run, Size};
    let mut dbs = vec![TestDb::sqlite()];
    dbs.extend(TestDb::postgres());
    for test_db in dbs {
        let settings = llct::settings::Settings::load_from(&test_env(&test_db.url)).unwrap();
        let db = llct::db::Db::connect(&settings.database).unwrap();
        let size =
            Size { centres: 2, years: 2, elementary_per_centre_year: 8, intermediate_per_year: 6, class_size: 8 };
        let password = "mật khẩu dữ liệu mẫu";
        let made = run(settings, db.clone(), 5, Some(password.into()), size).unwrap();
        assert_eq!((made.institutions, made.cohorts, made.enrollments), (3, 44, 352), "{made:?}");
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM enrollments"), 352);
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM attendance") as usize, made.marks);
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM grades") as usize, made.grades);
        let clashes = |on: &str| {
            count(
                &db,
                &format!(
                    "SELECT COUNT(*) AS n FROM sessions a JOIN sessions b ON a.{on} = b.{on} AND a.id < b.id \
                     AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
                ),
            )
        };
        assert_eq!((clashes("lecturer_id"), clashes("place_key")), (0, 0));
        let closed = count(&db, "SELECT COUNT(*) AS n FROM cohorts WHERE status = 'closed'");
        assert_eq!(closed as usize, made.closed);
        assert!(closed > 30 && made.certificates > 0, "{made:?}");
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM result_snapshots"),
            count(&db, "SELECT COUNT(*) AS n FROM enrollments e JOIN cohorts c ON c.id = e.cohort_id WHERE c.status = 'closed'")
        );
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM certificates"),
            count(&db, "SELECT COUNT(*) AS n FROM result_snapshots WHERE outcome = 'graduated'")
        );
        // Intermediate learners include people who graduated from a centre's elementary class.
        assert!(
            count(
                &db,
                "SELECT COUNT(DISTINCT e.learner_id) AS n FROM enrollments e JOIN cohorts c ON c.id = e.cohort_id \
                 WHERE c.code LIKE 'TC-%' AND e.learner_id IN (SELECT e2.learner_id FROM enrollments e2 \
                 JOIN cohorts c2 ON c2.id = e2.cohort_id WHERE c2.code LIKE 'SC-%')"
            ) > 0
        );
        let learner = made.learner_email.clone().expect("a class runs today");
        actix_web::rt::System::new().block_on(async move {
            let app = crate::support::TestApp::start(test_db, &[]).await;
            let token = app.login(&learner, password).await;
            let today = chrono::Utc::now().date_naive();
            let r = app
                .get(&format!("/api/v1/me/schedule?from={}&to={}", today - chrono::Duration::days(7), today), &token)
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            assert!(!r.body.as_array().map(|a| a.is_empty()).unwrap_or(true), "{}", r.text);
        });
    }
}
