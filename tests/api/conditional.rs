//! Conditional GETs: every GET answers with a tag and `Cache-Control: private, no-cache`; the
//! same request naming the tag gets 304 and no body until anything changes, and then 200 with a
//! new tag. Tags are the caller's own.

use actix_web::http::Method;

use crate::certificates::closed_class;
use crate::db_test;
use crate::support::{Resp, TestApp};

async fn get(app: &TestApp, path: &str, token: &str, tag: Option<&str>) -> Resp {
    let headers: Vec<(&str, &str)> = tag.map(|t| vec![("if-none-match", t)]).unwrap_or_default();
    app.call_with(Method::GET, path, Some(token), None, &headers).await
}

db_test!(polls_revalidate_until_something_changes);
async fn polls_revalidate_until_something_changes(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let k = closed_class(&app, &school, &admin, "SC-CG", &["Nguyễn Thị Lan", "Trần Văn Bình"], &[]).await;
    let (learner, token, _) = k.learners[0].clone();
    let reads: Vec<(String, String)> = vec![
        (token.clone(), "/api/v1/me/schedule".into()),
        (token.clone(), "/api/v1/me/results".into()),
        (token.clone(), "/api/v1/me/attendance".into()),
        (admin.clone(), "/api/v1/learners?limit=10".into()),
        (admin.clone(), format!("/api/v1/cohorts/{}/results", k.cohort)),
        (admin.clone(), format!("/api/v1/cohorts/{}/results?format=csv", k.cohort)),
        (admin.clone(), format!("/api/v1/learners/{learner}/transcript")),
        (admin.clone(), "/api/v1/reports/summary?year=2026".into()),
    ];
    let mut tags = Vec::new();
    for (who, path) in &reads {
        let first = get(&app, path, who, None).await;
        assert_eq!(first.status, 200, "{path}: {}", first.text);
        assert_eq!(first.header("cache-control").as_deref(), Some("private, no-cache"), "{path}");
        let tag = first.header("etag").unwrap_or_else(|| panic!("{path}: no ETag"));
        let again = get(&app, path, who, Some(&tag)).await;
        assert_eq!(again.status, 304, "{path}: {}", again.text);
        assert!(again.bytes.is_empty(), "{path}: a 304 has no body");
        assert_eq!(again.header("etag").as_deref(), Some(tag.as_str()), "{path}");
        tags.push(tag);
    }
    // The tag is the caller's own: another learner naming it gets their own answer.
    let other = &k.learners[1].1;
    assert_eq!(get(&app, "/api/v1/me/schedule", other, Some(&tags[0])).await.status, 200);
    // A change anywhere, and every next request is answered in full with a new tag.
    app.institution("TCT-2", "provincial_school", None).await;
    for ((who, path), old) in reads.iter().zip(&tags) {
        let r = get(&app, path, who, Some(old)).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert_ne!(r.header("etag").as_deref(), Some(old.as_str()), "{path}");
    }
    // A resource that carries its version keeps that tag, and it revalidates too.
    let path = format!("/api/v1/cohorts/{}", k.cohort);
    let one = get(&app, &path, &admin, None).await;
    let version = one.header("etag").unwrap();
    assert_eq!(version, format!("\"{}\"", one.body["version"]), "{}", one.text);
    assert_eq!(get(&app, &path, &admin, Some(&version)).await.status, 304);
    // `*` is answered only once the handler has found something to answer: a malformed id is
    // still not found.
    get(&app, "/api/v1/cohorts/not-an-id/results", &admin, Some("*")).await.assert_problem(404, "not-found");
    assert_eq!(get(&app, &path, &admin, Some("*")).await.status, 304);
    // Without credentials nothing is answered before the handler: still 401.
    let r = app.call_with(Method::GET, "/api/v1/me/schedule", None, None, &[("if-none-match", "*")]).await;
    r.assert_problem(401, "unauthorized");
}

db_test!(a_restored_database_never_answers_an_old_tag);
async fn a_restored_database_never_answers_an_old_tag(app: TestApp) {
    use diesel::prelude::*;
    use llct::db::schema::data_version as dv;
    app.institution("TRS", "provincial_school", None).await;
    let before = get(&app, "/api/v1/institutions?limit=100", &app.root, None).await;
    let tag = before.header("etag").unwrap();
    let stamp = app.state.db.read(|c| Ok(llct::db::stamp::current(c)?)).await.unwrap();
    // A backup from before comes back: its data differs from what the tag stands for (here a
    // school more) and its stamp is lower (this write raises it by one as it commits).
    app.institution("TRS-2", "provincial_school", None).await;
    app.state.db.write(move |c| Ok(diesel::update(dv::table).set(dv::n.eq(stamp - 2)).execute(c)?)).await.unwrap();
    // The service starts again on it; the first write after the restore must not give the
    // stamp, and so the tag, the client holds for the answer before.
    llct::cli::migrate_now(&app.state.db).unwrap();
    app.institution("TRS-3", "provincial_school", None).await;
    let after = get(&app, "/api/v1/institutions?limit=100", &app.root, Some(&tag)).await;
    assert_eq!(after.status, 200, "an answer given before the restore is not the one after it");
    assert_ne!(after.header("etag"), Some(tag));
}

db_test!(replicas_on_one_database_share_their_tags);
async fn replicas_on_one_database_share_their_tags(app: TestApp) {
    let other = app.replica();
    let path = "/api/v1/institutions?limit=100";
    let first = get(&app, path, &app.root, None).await;
    let tag = first.header("etag").unwrap();
    // The same request to the other replica has the same tag, and revalidates there.
    assert_eq!(get(&other, path, &app.root, Some(&tag)).await.status, 304);
    // A write through one replica: the next request to the other is answered in full at once.
    other.institution("TRP", "provincial_school", None).await;
    let r = get(&app, path, &app.root, Some(&tag)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("TRP"), "{}", r.text);
    let tag = r.header("etag").unwrap();
    assert_eq!(get(&other, path, &app.root, Some(&tag)).await.status, 304);
    app.institution("TRP-2", "provincial_school", None).await;
    let r = get(&other, path, &app.root, Some(&tag)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("TRP-2"), "{}", r.text);
}
