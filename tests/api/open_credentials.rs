//! Open digital credentials: a credential as a W3C Verifiable Credential / Open Badges 3.0
//! `OpenBadgeCredential` with an `eddsa-jcs-2022` proof, the issuer's `did:web` document with
//! every key (a rotated one too), and the proof checked by a separate implementation.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::certificates::{closed_class, signer};
use crate::db_test;
use crate::support::TestApp;

/// The proof checked by `tests/vc_verify.py` (Python: `rfc8785`, `cryptography`, `base58`) when
/// `LLCT_TEST_PYTHON` names an interpreter that has them (CI does); `None` when it is not set.
fn python_verifies(credential: &Value, did: &Value) -> Option<bool> {
    let (c, d) = (serde_json::to_vec(credential).unwrap(), serde_json::to_vec(did).unwrap());
    let (ok, text) = crate::support::python_check("vc_verify.py", &[("credential.json", &c), ("did.json", &d)])?;
    assert!(ok || text.contains("NOT verified"), "the checker failed: {text}");
    Some(ok)
}

fn key_of(did: &Value, method: &str) -> [u8; 32] {
    let vm = did["verificationMethod"].as_array().unwrap().iter().find(|m| m["id"] == method).unwrap();
    llct::certificates::vc::proof::from_multikey(vm["publicKeyMultibase"].as_str().unwrap()).unwrap()
}

db_test!(a_credential_verifies_as_an_open_badge_through_the_issuer_s_did);
async fn a_credential_verifies_as_an_open_badge_through_the_issuer_s_did(app: TestApp) {
    let school = app.institution("TTCT-KB", "commune_center", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let k = closed_class(&app, &school, &admin, "SC-VC", &["Nguyễn Thị Lan", "Trần Văn Bình"], &[]).await;
    let issued = app.post(&format!("/api/v1/cohorts/{}/certificates", k.cohort), &admin, signer()).await;
    assert_eq!(issued.status, 200, "{}", issued.text);
    let code = issued.body["issued"][0]["verification_code"].as_str().unwrap().to_string();
    let id = issued.body["issued"][0]["id"].as_str().unwrap().to_string();

    // Anyone with the code gets the credential, as VC 2.0 registers it.
    let r = app.call(Method::GET, &format!("/api/v1/verify/{code}/credential"), None, None).await;
    assert_eq!((r.status, r.header("content-type").as_deref()), (200, Some("application/vc")), "{}", r.text);
    let vc: Value = serde_json::from_slice(&r.bytes).unwrap();
    let first = r.bytes.clone();
    assert_eq!(vc["type"], json!(["VerifiableCredential", "OpenBadgeCredential"]));
    assert_eq!(vc["@context"][0], "https://www.w3.org/ns/credentials/v2");
    let subject = &vc["credentialSubject"];
    assert_eq!(subject["achievement"]["type"], json!(["Achievement"]));
    let holder = subject["name"].as_str().unwrap();
    assert!(["Nguyễn Thị Lan", "Trần Văn Bình"].contains(&holder), "{}", r.text);
    assert_eq!(subject["serialNumber"], issued.body["issued"][0]["serial"]);
    assert_eq!(vc["proof"]["cryptosuite"], "eddsa-jcs-2022");
    assert_eq!(vc["proof"]["proofPurpose"], "assertionMethod");
    // The same credential is the same bytes every time; the draft media type when asked for.
    let again = app
        .call_with(
            Method::GET,
            &format!("/api/v1/verify/{code}/credential"),
            None,
            None,
            &[("accept", "application/vc+ld+json")],
        )
        .await;
    assert_eq!(again.header("content-type").as_deref(), Some("application/vc+ld+json"));
    assert_eq!(again.bytes, r.bytes);

    // The issuer is a did:web under the public address; its document lists the key.
    let did_id = vc["issuer"]["id"].as_str().unwrap().to_string();
    assert!(did_id.starts_with("did:web:") && did_id.ends_with(":institutions:TTCT-KB"), "{did_id}");
    let did = app.call(Method::GET, "/institutions/TTCT-KB/did.json", None, None).await;
    assert_eq!(did.status, 200, "{}", did.text);
    let did: Value = serde_json::from_slice(&did.bytes).unwrap();
    assert_eq!(did["id"], json!(did_id));
    let method = vc["proof"]["verificationMethod"].as_str().unwrap().to_string();
    assert!(did["assertionMethod"].as_array().unwrap().contains(&json!(method)));
    let key = key_of(&did, &method);
    assert!(llct::certificates::vc::proof::verify(&vc, &key));
    let mut changed = vc.clone();
    changed["credentialSubject"]["name"] = json!("Nguyễn Thị Lam");
    assert!(!llct::certificates::vc::proof::verify(&changed, &key));
    if let Some(ok) = python_verifies(&vc, &did) {
        assert!(ok, "the independent checker refused the proof");
        assert_eq!(python_verifies(&changed, &did), Some(false), "the independent checker took a changed credential");
    } else {
        println!("LLCT_TEST_PYTHON is not set: the independent check did not run");
    }

    // A new key signs from now on; the old one stays listed and the old credential verifies.
    let r = app.post(&format!("/api/v1/institutions/{school}/signing-keys/rotate"), &app.root, json!(null)).await;
    assert!(r.status == 200 || r.status == 201, "{}", r.text);
    let did2: Value =
        serde_json::from_slice(&app.call(Method::GET, "/institutions/TTCT-KB/did.json", None, None).await.bytes)
            .unwrap();
    assert_eq!(did2["verificationMethod"].as_array().unwrap().len(), 2, "{did2}");
    assert!(llct::certificates::vc::proof::verify(&vc, &key_of(&did2, &method)));

    // Revocation offline: the credential names its entry in the issuer's status list, which is
    // signed by the issuer's key in use and flips when the credential is revoked.
    let status = &vc["credentialStatus"];
    assert_eq!(
        (status["type"].as_str(), status["statusPurpose"].as_str()),
        (Some("BitstringStatusListEntry"), Some("revocation"))
    );
    let list_path = status["statusListCredential"].as_str().unwrap().replace("http://127.0.0.1:8080", "");
    let position: i64 = status["statusListIndex"].as_str().unwrap().parse().unwrap();
    let list = read_list(&app, &list_path).await;
    assert_eq!(list["type"], json!(["VerifiableCredential", "BitstringStatusListCredential"]));
    let bits = list["credentialSubject"]["encodedList"].as_str().unwrap().to_string();
    assert_eq!(llct::certificates::vc::status::is_set(&bits, position), Some(false));
    let r = app.post(&format!("/api/v1/certificates/{id}/revoke"), &admin, json!({"reason": "Cấp nhầm người"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let list = read_list(&app, &list_path).await;
    let bits = list["credentialSubject"]["encodedList"].as_str().unwrap().to_string();
    assert_eq!(llct::certificates::vc::status::is_set(&bits, position), Some(true), "revoked reads as revoked");
    assert_eq!(llct::certificates::vc::status::is_set(&bits, position + 1), Some(false), "the other stays valid");
    let list_key = key_of(&did2, list["proof"]["verificationMethod"].as_str().unwrap());
    assert!(llct::certificates::vc::proof::verify(&list, &list_key));
    if let Some(ok) = python_verifies(&list, &did2) {
        assert!(ok, "the independent checker refused the status list's proof");
    }
    app.call(Method::GET, "/api/v1/status-lists/TTCT-KB/1", None, None).await.assert_problem(404, "not-found");

    // The school's admins download it beside the PDF; another province's get 404.
    let mine = app.call(Method::GET, &format!("/api/v1/certificates/{id}/credential"), Some(&admin), None).await;
    assert_eq!(mine.bytes, r_bytes(&app, &code).await);
    assert_eq!(mine.bytes, first, "revocation changes the list, not the credential");
    let other = app.institution("TCU", "provincial_school", None).await;
    let (_, stranger) = app.user("institution_admin", Some(&other)).await;
    app.get(&format!("/api/v1/certificates/{id}/credential"), &stranger).await.assert_problem(404, "not-found");
    app.call(Method::GET, "/api/v1/verify/NOSUCHCODE/credential", None, None).await.assert_problem(404, "not-found");
    app.call(Method::GET, "/institutions/NOSUCH/did.json", None, None).await.assert_problem(404, "not-found");
}

async fn r_bytes(app: &TestApp, code: &str) -> Vec<u8> {
    app.call(Method::GET, &format!("/api/v1/verify/{code}/credential"), None, None).await.bytes
}

async fn read_list(app: &TestApp, path: &str) -> Value {
    let r = app.call(Method::GET, path, None, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    serde_json::from_slice(&r.bytes).unwrap()
}
