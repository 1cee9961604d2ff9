//! Merging institutions (dry run, the move, read-only history, credentials that still verify,
//! scopes) and merging the two records of one person that such a merge brings together.

use std::collections::BTreeSet;

use chrono::Utc;
use serde_json::{json, Value};

use crate::certificates::{closed_class, signer};
use crate::db_test;
use crate::support::TestApp;

async fn issue(app: &TestApp, admin: &str, cohort: &str) -> Vec<Value> {
    let r = app.post(&format!("/api/v1/cohorts/{cohort}/certificates"), admin, signer()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["issued"].as_array().unwrap().clone()
}

async fn count(app: &TestApp, path: &str, token: &str) -> usize {
    let r = app.get(path, token).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    r.body["items"].as_array().unwrap().len()
}

async fn ids(app: &TestApp, path: &str, token: &str) -> BTreeSet<String> {
    let r = app.get(path, token).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    r.body["items"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_string()).collect()
}

db_test!(merging_an_institution_keeps_every_record_and_credential);
async fn merging_an_institution_keeps_every_record_and_credential(app: TestApp) {
    let year = Utc::now().date_naive().format("%Y").to_string();
    let a = app.institution("TCT-A", "provincial_school", None).await;
    let b = app.institution("TCT-B", "provincial_school", None).await;
    let b1 = app.institution("TTCT-B1", "commune_center", Some(&b)).await;
    let c = app.institution("TCT-C", "provincial_school", None).await;
    let (_, admin_a) = app.user("institution_admin", Some(&a)).await;
    let (_, admin_b) = app.user("institution_admin", Some(&b)).await;
    let (_, admin_b1) = app.user("institution_admin", Some(&b1)).await;
    let (_, admin_c) = app.user("institution_admin", Some(&c)).await;
    // The same class code at both; the same person (name and birth date) recorded at both.
    let ka = closed_class(&app, &a, &admin_a, "SC-01", &["Trần Văn Bình"], &[]).await;
    let kb = closed_class(&app, &b, &admin_b, "SC-01", &["Trần Văn Bình", "Lê Thị Yến"], &[]).await;
    let ca = issue(&app, &admin_a, &ka.cohort).await;
    let cb = issue(&app, &admin_b, &kb.cohort).await;
    assert_eq!(cb[0]["serial"], format!("GCN-{year}-000001"));
    let papers: Vec<(String, String)> = ca
        .iter()
        .chain(&cb)
        .map(|x| {
            (x["verification_code"].as_str().unwrap().to_string(), x["facts"]["issuer"].as_str().unwrap().to_string())
        })
        .collect();
    let all_certificates = ids(&app, "/api/v1/certificates?limit=500", &app.root).await;
    let all_learners = ids(&app, "/api/v1/learners?limit=500", &app.root).await;
    let b_learners = ids(&app, "/api/v1/learners?limit=500", &admin_b).await;
    assert_eq!(b_learners.len(), 2);

    // Who may merge, and into what.
    let path = format!("/api/v1/institutions/{b}/merge-into/{a}");
    app.post(&path, &admin_a, json!(null)).await.assert_problem(403, "forbidden");
    app.post(&format!("/api/v1/institutions/{b}/merge-into/{b}"), &app.root, json!(null))
        .await
        .assert_problem(422, "refused");
    app.post(&format!("/api/v1/institutions/{b}/merge-into/{b1}"), &app.root, json!(null))
        .await
        .assert_problem(422, "refused");
    app.post(&format!("/api/v1/institutions/{b}/merge-into/{}", uuid::Uuid::now_v7()), &app.root, json!(null))
        .await
        .assert_problem(404, "not-found");
    app.post(&format!("{path}?dry_run=maybe"), &app.root, json!(null)).await.assert_problem(400, "bad-request");

    // The dry run reports and changes nothing.
    let dry = app.post(&format!("{path}?dry_run=true"), &app.root, json!(null)).await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(dry.body["dry_run"], true);
    let moves = &dry.body["moves"];
    assert_eq!(
        (
            moves["children"].as_i64(),
            moves["cohorts"].as_i64(),
            moves["learners"].as_i64(),
            moves["certificates"].as_i64()
        ),
        (Some(1), Some(1), Some(2), Some(2)),
        "{moves}"
    );
    assert!(moves["users"].as_i64().unwrap() >= 4, "{moves}");
    // The class code and the school's own program code clash; the moved ones get the school's code.
    let renames: Vec<(&str, &str, &str)> = dry.body["renames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["kind"].as_str().unwrap(), r["code"].as_str().unwrap(), r["becomes"].as_str().unwrap()))
        .collect();
    assert_eq!(renames, vec![("cohort", "SC-01", "SC-01 (TCT-B)"), ("program", "P-SC-01", "P-SC-01 (TCT-B)")]);
    assert_eq!(dry.body["renames"][0]["id"], json!(kb.cohort));
    let dups = dry.body["duplicate_people"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{}", dry.text);
    assert_eq!(
        (dups[0]["learner_id"].as_str(), dups[0]["target_learner_id"].as_str(), dups[0]["full_name"].as_str()),
        (Some(kb.learners[0].0.as_str()), Some(ka.learners[0].0.as_str()), Some("Trần Văn Bình"))
    );
    assert_eq!(app.get(&format!("/api/v1/institutions/{b}"), &app.root).await.body["status"], "active");
    assert_eq!(ids(&app, "/api/v1/learners?limit=500", &admin_b).await, b_learners);
    assert_eq!(count(&app, "/api/v1/learners?limit=500", &admin_a).await, 1);

    // The merge.
    let r = app.post(&path, &app.root, json!(null)).await;
    assert_eq!((r.status, r.body["dry_run"].as_bool()), (200, Some(false)), "{}", r.text);
    let merged = app.get(&format!("/api/v1/institutions/{b}"), &app.root).await;
    assert_eq!((merged.body["status"].as_str(), merged.body["parent_id"].as_str()), (Some("merged"), Some(a.as_str())));
    assert_eq!(merged.body["name"], "Cơ sở TCT-B", "it keeps its name");
    assert_eq!(app.get(&format!("/api/v1/institutions/{b1}"), &app.root).await.body["parent_id"], json!(a));
    // Read-only: no changes, no new records, no second merge.
    app.patch(&format!("/api/v1/institutions/{b}"), &app.root, json!({"short_name": "B"}))
        .await
        .assert_problem(422, "refused");
    let r = app
        .post(
            "/api/v1/learners",
            &app.root,
            json!({"full_name": "Đỗ Văn Dũng", "date_of_birth": "1990-01-01", "gender": "male",
            "education_level": "university", "institution_id": b}),
        )
        .await;
    r.assert_problem(422, "refused");
    app.post(&path, &app.root, json!(null)).await.assert_problem(422, "refused");

    // The merged school's credentials still verify as Verifiable Credentials through its own
    // did:web document, which keeps its keys.
    let code = cb[0]["verification_code"].as_str().unwrap();
    let vc = app.call(actix_web::http::Method::GET, &format!("/api/v1/verify/{code}/credential"), None, None).await;
    let vc: Value = serde_json::from_slice(&vc.bytes).unwrap();
    assert!(vc["issuer"]["id"].as_str().unwrap().ends_with(":institutions:TCT-B"), "{vc}");
    let did = app.call(actix_web::http::Method::GET, "/institutions/TCT-B/did.json", None, None).await;
    assert_eq!(did.status, 200, "{}", did.text);
    let did: Value = serde_json::from_slice(&did.bytes).unwrap();
    let method = vc["proof"]["verificationMethod"].clone();
    let vm = did["verificationMethod"].as_array().unwrap().iter().find(|m| m["id"] == method).unwrap();
    let key = llct::certificates::vc::proof::from_multikey(vm["publicKeyMultibase"].as_str().unwrap()).unwrap();
    assert!(llct::certificates::vc::proof::verify(&vc, &key));

    // Everything is still there, now in the target's scope; the other tree sees none of it.
    assert_eq!(ids(&app, "/api/v1/certificates?limit=500", &app.root).await, all_certificates);
    assert_eq!(ids(&app, "/api/v1/learners?limit=500", &app.root).await, all_learners);
    assert_eq!(count(&app, "/api/v1/learners?limit=500", &admin_a).await, 3);
    assert_eq!(count(&app, "/api/v1/certificates?limit=500", &admin_a).await, 3);
    assert_eq!(count(&app, "/api/v1/learners?limit=500", &admin_c).await, 0);
    let cohort = app.get(&format!("/api/v1/cohorts/{}", kb.cohort), &admin_a).await;
    assert_eq!(
        (cohort.body["code"].as_str(), cohort.body["institution_id"].as_str()),
        (Some("SC-01 (TCT-B)"), Some(a.as_str()))
    );
    assert_eq!(cohort.body["venue_institution_id"], json!(b), "where the class was held stays known");
    // The merged school's register book stays readable to the target's administrators.
    let book = app.get(&format!("/api/v1/register-book?institution_id={b}"), &admin_a).await;
    assert_eq!(book.status, 200, "{}", book.text);
    assert_eq!(book.body["items"].as_array().unwrap().len(), 2, "{}", book.text);
    // The merged school's administrator now works for the target and sees what its administrators
    // see; the centre's administrator still sees only the centre.
    assert_eq!(count(&app, "/api/v1/learners?limit=500", &admin_b).await, 3);
    assert_eq!(count(&app, "/api/v1/learners?limit=500", &admin_b1).await, 0);
    app.get(&format!("/api/v1/learners/{}", ka.learners[0].0), &admin_b1).await.assert_problem(404, "not-found");

    // Every credential verifies, shows the issuer printed on it, and names the custodian if asked.
    for (code, issuer) in &papers {
        let v = app.get(&format!("/api/v1/verify/{code}"), "").await;
        assert_eq!((v.status, v.body["status"].as_str()), (200, Some("valid")), "{}", v.text);
        assert_eq!(v.body["facts"]["issuer"].as_str(), Some(issuer.as_str()));
        assert!(v.body.get("custodian").is_none());
        let v = app.get(&format!("/api/v1/verify/{code}?custodian=true"), "").await;
        assert_eq!(v.body["custodian"]["institution_id"], json!(a), "{}", v.text);
        assert_eq!(v.body["custodian"]["issuer_merged"].as_bool(), Some(issuer == "Cơ sở TCT-B"));
    }
    // Numbering continues at the target only.
    let k2 = closed_class(&app, &a, &admin_a, "SC-02", &["Phạm Văn Cư"], &[]).await;
    assert_eq!(issue(&app, &admin_a, &k2.cohort).await[0]["serial"], format!("GCN-{year}-000002"));

    // The person recorded twice becomes one record with both classes and both credentials.
    let (b_binh, a_binh, yen) = (&kb.learners[0].0, &ka.learners[0].0, &kb.learners[1].0);
    let r = app.post(&format!("/api/v1/learners/{b_binh}/merge-into/{a_binh}"), &admin_c, json!(null)).await;
    r.assert_problem(404, "not-found");
    let r = app.post(&format!("/api/v1/learners/{b_binh}/merge-into/{a_binh}"), &admin_a, json!(null)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (
            r.body["moved"]["enrollments"].as_u64(),
            r.body["moved"]["certificates"].as_u64(),
            r.body["moved"]["grades"].as_u64()
        ),
        (Some(1), Some(1), Some(2)),
        "{}",
        r.text
    );
    app.get(&format!("/api/v1/learners/{b_binh}"), &admin_a).await.assert_problem(404, "not-found");
    let t = app.get(&format!("/api/v1/learners/{a_binh}/transcript"), &admin_a).await;
    assert_eq!(t.status, 200, "{}", t.text);
    let text = t.text.clone();
    for x in ca.iter().chain(&cb[..1]) {
        assert!(text.contains(x["serial"].as_str().unwrap()), "{text}");
    }
    assert!(text.contains("\"SC-01 – ") && text.contains("\"SC-01 (TCT-B) – "), "{text}");
    // Two records in one class cannot be combined.
    let r = app.post(&format!("/api/v1/learners/{yen}/merge-into/{a_binh}"), &admin_a, json!(null)).await;
    r.assert_problem(422, "refused");
    assert_eq!(r.body["errors"][0]["code"], "same_class", "{}", r.text);
    // The credentials of the merged record still verify.
    for (code, _) in &papers {
        assert_eq!(app.get(&format!("/api/v1/verify/{code}"), "").await.body["status"], "valid");
    }
    assert_eq!(count(&app, "/api/v1/learners?limit=500", &admin_a).await, 3);
}
