//! A closed class's results are the ones kept at close-out, and every later change that moves a
//! result rewrites them in its own transaction: what a closed class shows always equals what
//! its records give, without recomputing on every read.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::certificates::closed_class;
use crate::db_test;
use crate::support::TestApp;
use llct::results::service::LearnerResult;

/// (as kept and read, as computed from the records now) for class `cohort`.
async fn kept_and_computed(app: &TestApp, cohort: &str) -> (Vec<LearnerResult>, Vec<LearnerResult>) {
    let id: llct::db::ids::CohortId = cohort.parse().unwrap();
    let tz = app.state.settings.tz();
    app.state
        .db
        .read(move |tx| {
            let c = llct::cohorts::store::find(tx, id)?.unwrap();
            let read = llct::results::service::for_cohort(tx, &c, tz, None)?;
            let fresh = llct::results::service::computed(tx, &c, tz, None)?;
            Ok((read, fresh))
        })
        .await
        .unwrap()
}

/// The summary report, read from the per-class counts kept with the results, says of the
/// school's one class what its results list (the kept rows, learner by learner) says.
async fn summary_agrees(app: &TestApp, admin: &str, school: &str, cohort: &str) {
    let k = app.get(&format!("/api/v1/cohorts/{cohort}"), admin).await;
    let year = &k.body["starts_on"].as_str().unwrap()[..4];
    let s = app.get(&format!("/api/v1/reports/summary?year={year}&institution_id={school}"), admin).await;
    assert_eq!(s.status, 200, "{}", s.text);
    let r = app.get(&format!("/api/v1/cohorts/{cohort}/results"), admin).await;
    let rows = r.body.as_array().unwrap();
    let count = |o: &str| rows.iter().filter(|x| x["outcome"] == o).count();
    let (mut by_class, mut failed_on) = (std::collections::BTreeMap::new(), std::collections::BTreeMap::new());
    for x in rows {
        if x["outcome"] == "graduated" {
            *by_class.entry(x["classification"].as_str().unwrap_or("none").to_string()).or_insert(0) += 1;
        }
        if x["outcome"] == "failed" {
            for on in x["failed_on"].as_array().unwrap() {
                *failed_on.entry(on.as_str().unwrap().to_string()).or_insert(0) += 1;
            }
        }
    }
    let t = &s.body["totals"];
    assert_eq!(
        (&t["graduated"], &t["failed"], &t["pending"]),
        (&json!(count("graduated")), &json!(count("failed")), &json!(count("pending"))),
        "{}",
        s.text
    );
    assert_eq!(t["by_classification"], json!(by_class), "{}", s.text);
    assert_eq!(t["failed_on"], json!(failed_on), "{}", s.text);
}

fn row<'a>(body: &'a Value, learner: &str) -> Option<&'a Value> {
    body.as_array().unwrap().iter().find(|r| r["learner_id"] == learner)
}

db_test!(closed_results_are_kept_and_follow_later_changes);
async fn closed_results_are_kept_and_follow_later_changes(app: TestApp) {
    let school = app.institution("TKR", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let k = closed_class(&app, &school, &admin, "KR-01", &["Lê Văn An", "Trần Thị Bình"], &["Phạm Văn Chi"]).await;
    let (an, binh, chi) = (&k.learners[0], &k.learners[1], &k.learners[2]);
    let path = format!("/api/v1/cohorts/{}/results", k.cohort);
    let r = app.get(&path, &admin).await;
    let outcomes: Vec<&str> = r.body.as_array().unwrap().iter().map(|x| x["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, vec!["graduated", "graduated", "pending"], "{}", r.text);
    let (kept, fresh) = kept_and_computed(&app, &k.cohort).await;
    assert_eq!(kept, fresh);
    summary_agrees(&app, &admin, &school, &k.cohort).await;
    // A learner's own results read the same kept row.
    let mine = app.get("/api/v1/me/results", &an.1).await;
    assert_eq!(mine.body[0]["outcome"], "graduated", "{}", mine.text);
    assert_eq!(mine.body[0]["average"], row(&r.body, &an.0).unwrap()["average"], "{}", mine.text);

    // An appeal resolved after closing rewrites the kept result.
    let exams = app.get(&format!("/api/v1/cohorts/{}/exams", k.cohort), &admin).await;
    let graduation = exams.body.as_array().unwrap().iter().find(|e| e["kind"] == "graduation").unwrap().clone();
    let exam = graduation["id"].as_str().unwrap();
    let appeal =
        app.post(&format!("/api/v1/exams/{exam}/appeals"), &an.1, json!({"reason": "Đề nghị phúc khảo"})).await;
    assert_eq!(appeal.status, 201, "{}", appeal.text);
    let r = app
        .post(
            &format!("/api/v1/appeals/{}/resolve", appeal.id()),
            &admin,
            json!({"new_grade": 10.0, "resolution": "Chấm sót câu 2"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.get(&path, &admin).await;
    assert_eq!(row(&r.body, &an.0).unwrap()["graduation"][0]["grade"], 10.0, "{}", r.text);
    let (kept, fresh) = kept_and_computed(&app, &k.cohort).await;
    assert_eq!(kept, fresh);
    summary_agrees(&app, &admin, &school, &k.cohort).await;

    // So does a conduct record that blocks graduation…
    let weak = json!({"political": "tot", "discipline": "yeu", "class_rules": "kha", "comment": "Vi phạm nội quy"});
    let conduct = format!("/api/v1/cohorts/{}/conduct/{}", k.cohort, binh.0);
    let r = app.call(Method::PUT, &conduct, Some(&admin), Some(weak)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.get(&path, &admin).await;
    let b = row(&r.body, &binh.0).unwrap();
    assert_eq!(b["outcome"], "failed", "{b}");
    assert!(b["reasons"].as_array().unwrap().iter().any(|x| x["code"] == "conduct"), "{b}");
    summary_agrees(&app, &admin, &school, &k.cohort).await;
    // …and a withdrawal.
    let list = app.get(&format!("/api/v1/cohorts/{}/enrollments", k.cohort), &admin).await;
    let e = list.body["items"].as_array().unwrap().iter().find(|e| e["learner_id"] == chi.0.as_str()).unwrap().clone();
    let r = app
        .patch(
            &format!("/api/v1/enrollments/{}", e["id"].as_str().unwrap()),
            &admin,
            json!({"status": "withdrawn", "withdraw_reason": "Chuyển công tác"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.get(&path, &admin).await;
    assert!(row(&r.body, &chi.0).is_none(), "{}", r.text);
    let (kept, fresh) = kept_and_computed(&app, &k.cohort).await;
    assert_eq!(kept, fresh);
    summary_agrees(&app, &admin, &school, &k.cohort).await;

    // What is read is what was kept: grades changed behind the service's back (no route does
    // this) leave the closed class's results as they were until a change goes through a route.
    let cohort: llct::db::ids::CohortId = k.cohort.parse().unwrap();
    app.state
        .db
        .write(move |tx| {
            use diesel::prelude::*;
            use llct::db::schema::{exams as ex, grades as g};
            let ids = ex::table.filter(ex::cohort_id.eq(cohort)).select(ex::id);
            Ok(diesel::update(g::table.filter(g::exam_id.eq_any(ids))).set(g::value_tenths.eq(Some(10))).execute(tx)?)
        })
        .await
        .unwrap();
    let before = r.body.clone();
    let r = app.get(&path, &admin).await;
    assert_eq!(r.body, before);
    let (kept, fresh) = kept_and_computed(&app, &k.cohort).await;
    assert_ne!(kept, fresh, "the read must not recompute");
    // A learner's new name shows at once: names are not kept, only results.
    let r = app.get(&format!("/api/v1/learners/{}", an.0), &admin).await;
    let version = r.body["version"].as_i64().unwrap();
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/learners/{}", an.0),
            Some(&admin),
            Some(json!({"full_name": "Lê Văn Ân"})),
            &[("if-match", &format!("\"{version}\""))],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.get(&path, &admin).await;
    assert_eq!(row(&r.body, &an.0).unwrap()["learner_name"], "Lê Văn Ân", "{}", r.text);

    // Rows kept by an older version (no whole result) are recomputed on read, and the close-out
    // completes them.
    app.state
        .db
        .write(move |tx| {
            use diesel::prelude::*;
            use llct::db::schema::result_snapshots as rs;
            let none: Option<String> = None;
            Ok(diesel::update(rs::table.filter(rs::cohort_id.eq(cohort))).set(rs::result.eq(none)).execute(tx)?)
        })
        .await
        .unwrap();
    let (kept, fresh) = kept_and_computed(&app, &k.cohort).await;
    assert_eq!(kept, fresh);
    let r = app.post("/api/v1/jobs/close-out/run", &app.root, json!(null)).await;
    assert_eq!(r.body["counts"]["results_completed"], 1, "{}", r.text);
    let r = app.post("/api/v1/jobs/close-out/run", &app.root, json!(null)).await;
    assert!(r.body["counts"]["results_completed"].is_null(), "{}", r.text);
}
