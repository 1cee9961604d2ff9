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
