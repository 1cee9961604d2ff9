//! Legally signed credential PDFs: a school installs the PKCS#12 certificate a certification
//! authority issued it (here a test authority made in the test), and its credential PDFs then
//! carry a PAdES signature that an independent reader (pyHanko) validates against that
//! authority, and that fails once one byte of the file changes.

use actix_web::http::Method;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rcgen::{date_time_ymd, BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use serde_json::{json, Value};

use crate::certificates::{closed_class, pdf_text, signer};
use crate::cohorts::codes;
use crate::db_test;
use crate::support::TestApp;

const SEALING_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

/// A test certification authority.
struct Authority {
    pem: String,
    der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
}

impl Authority {
    fn new() -> Authority {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, "CA thử nghiệm");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        p.not_before = date_time_ymd(2020, 1, 1);
        p.not_after = date_time_ymd(2045, 1, 1);
        let key = KeyPair::generate().unwrap();
        let cert = p.self_signed(&key).unwrap();
        Authority { pem: cert.pem(), der: cert.der().to_vec(), issuer: Issuer::new(p, key) }
    }

    /// A school's PKCS#12 file: its key and a certificate with these usages and years of
    /// validity, sealed with `password`.
    fn school(&self, usages: Vec<KeyUsagePurpose>, years: (i32, i32), password: &str) -> Vec<u8> {
        use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, "Trường Chính trị tỉnh Thử nghiệm");
        p.distinguished_name.push(DnType::CountryName, "VN");
        p.key_usages = usages;
        p.use_authority_key_identifier_extension = true;
        p.not_before = date_time_ymd(years.0, 1, 1);
        p.not_after = date_time_ymd(years.1, 1, 1);
        let key = KeyPair::generate().unwrap();
        let cert = p.signed_by(&key, &self.issuer).unwrap();
        let chain = PrivateKeyChain::new(
            b"school".to_vec(),
            PrivateKey::from_der(&key.serialize_der()).unwrap(),
            vec![Certificate::from_der(cert.der()).unwrap(), Certificate::from_der(&self.der).unwrap()],
        );
        let mut store = KeyStore::new();
        store.add_entry("school", KeyStoreEntry::PrivateKeyChain(chain));
        store.writer(password).write().unwrap()
    }
}

fn signing() -> Vec<KeyUsagePurpose> {
    vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment]
}

fn upload(file: &[u8], password: &str) -> Value {
    json!({"pkcs12": STANDARD.encode(file), "password": password})
}

/// pyHanko's verdict on the PDF's signature against `root` (`tests/pades_verify.py`), when
/// `LLCT_TEST_PYTHON` names an interpreter that has it (CI does); `None` when it is not set.
fn reader_accepts(pdf: &[u8], root: &str) -> Option<(bool, String)> {
    crate::support::python_check("pades_verify.py", &[("credential.pdf", pdf), ("ca.pem", root.as_bytes())])
}

fn signed(pdf: &[u8]) -> bool {
    pdf.windows(20).any(|w| w == b"/ETSI.CAdES.detached")
}

db_test!(a_school_s_certificate_signs_its_credential_pdfs, [("LLCT__CERTIFICATES__SEALING_KEY", super::SEALING_KEY)]);
async fn a_school_s_certificate_signs_its_credential_pdfs(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let other = app.institution("TCT2", "provincial_school", None).await;
    let (_, other_admin) = app.user("institution_admin", Some(&other)).await;
    let k = closed_class(&app, &school, &admin, "SC-PA", &["Nguyễn Thị Ánh Tuyết", "Hoàng Đức Việt"], &[]).await;
    let issued = app.post(&format!("/api/v1/cohorts/{}/certificates", k.cohort), &admin, signer()).await;
    assert_eq!(issued.status, 200, "{}", issued.text);
    let id = issued.body["issued"][0]["id"].as_str().unwrap().to_string();
    let pdf_path = format!("/api/v1/certificates/{id}/pdf");
    // Before a certificate is installed, the PDF is as it always was.
    let before = app.call(Method::GET, &pdf_path, Some(&admin), None).await;
    assert_eq!(before.status, 200);
    assert!(!signed(&before.bytes));

    let ca = Authority::new();
    let good = ca.school(signing(), (2025, 2035), "mật khẩu 1");
    let path = format!("/api/v1/institutions/{school}/signing-certificate");
    // Only system administrators install one; another tree does not see the school.
    app.call(Method::PUT, &path, Some(&admin), Some(upload(&good, "mật khẩu 1")))
        .await
        .assert_problem(403, "forbidden");
    app.call(Method::PUT, &path, Some(&other_admin), Some(upload(&good, "mật khẩu 1")))
        .await
        .assert_problem(404, "not-found");
    // Every bad file is refused with its reason, and nothing is kept.
    let bad: Vec<(Vec<u8>, &str, &str)> = vec![
        (good.clone(), "sai", "pkcs12_password"),
        (b"not a certificate at all".to_vec(), "x", "not_pkcs12"),
        (ca.school(signing(), (2020, 2021), "p"), "p", "certificate_expired"),
        (ca.school(vec![KeyUsagePurpose::KeyEncipherment], (2025, 2035), "p"), "p", "no_signing_key_usage"),
    ];
    for (file, password, code) in bad {
        let r = app.call(Method::PUT, &path, Some(&app.root), Some(upload(&file, password))).await;
        r.assert_problem(422, "refused");
        assert_eq!(codes(&r), vec![code.to_string()], "{}", r.text);
    }
    let r = app.call(Method::PUT, &path, Some(&app.root), Some(json!({"pkcs12": "!!", "password": ""}))).await;
    r.assert_problem(400, "validation");
    app.call(Method::GET, &path, Some(&admin), None).await.assert_problem(404, "not-found");

    // Installed: its public facts come back, never the key or the password.
    let r = app.call(Method::PUT, &path, Some(&app.root), Some(upload(&good, "mật khẩu 1"))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["subject"].as_str().unwrap().contains("CN=Trường Chính trị tỉnh Thử nghiệm"), "{}", r.text);
    assert!(r.body["issuer"].as_str().unwrap().contains("CA thử nghiệm"), "{}", r.text);
    assert!(!r.text.contains("mật khẩu") && r.body.get("pkcs12").is_none(), "{}", r.text);
    let shown = app.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!((shown.status, &shown.body["serial"]), (200, &r.body["serial"]), "{}", shown.text);
    app.call(Method::GET, &path, Some(&other_admin), None).await.assert_problem(404, "not-found");
    let (_, learner, _) = &k.learners[0];
    app.call(Method::GET, &path, Some(learner), None).await.assert_problem(403, "forbidden");

    // The holder's PDF is signed, with its text unchanged, and a reader trusts the signature.
    let pdf = app.call(Method::GET, &pdf_path, Some(learner), None).await;
    assert_eq!(pdf.status, 200, "{}", pdf.text);
    assert!(signed(&pdf.bytes));
    assert!(pdf_text(&pdf.bytes).contains("Nguyễn Thị Ánh Tuyết") || pdf_text(&pdf.bytes).contains("Hoàng Đức Việt"));
    if let Some((ok, report)) = reader_accepts(&pdf.bytes, &ca.pem) {
        assert!(ok, "the signed PDF does not validate: {report}");
        assert!(report.contains("\"intact\": true") && report.contains("ENTIRE_FILE"), "{report}");
        // One byte changed in what was signed (a digit of the creation date) and it fails.
        let mut changed = pdf.bytes.to_vec();
        let at = changed.windows(17).position(|w| w == b"/CreationDate(D:2").expect("a creation date") + 16;
        changed[at] = b'3';
        let (ok, report) = reader_accepts(&changed, &ca.pem).unwrap();
        assert!(!ok && report.contains("\"intact\": false"), "a changed PDF still validates: {report}");
        // The certified copy and the class's whole PDF are signed the same way.
        for p in [format!("{pdf_path}?copy=true"), format!("/api/v1/cohorts/{}/certificates/pdf", k.cohort)] {
            let other = app.call(Method::GET, &p, Some(&admin), None).await;
            assert_eq!(other.status, 200, "{p}: {}", other.text);
            let (ok, report) = reader_accepts(&other.bytes, &ca.pem).unwrap();
            assert!(ok, "{p}: {report}");
        }
        // Against another authority the same file is not trusted.
        let (ok, _) = reader_accepts(&pdf.bytes, &Authority::new().pem).unwrap();
        assert!(!ok);
    } else {
        println!("LLCT_TEST_PYTHON is not set: the independent check did not run");
    }
    // Another school's PDFs stay unsigned.
    let k2 = closed_class(&app, &other, &other_admin, "SC-PB", &["Lê Văn Nam"], &[]).await;
    let issued = app.post(&format!("/api/v1/cohorts/{}/certificates", k2.cohort), &other_admin, signer()).await;
    let id2 = issued.body["issued"][0]["id"].as_str().unwrap();
    let unsigned = app.call(Method::GET, &format!("/api/v1/certificates/{id2}/pdf"), Some(&other_admin), None).await;
    assert!(!signed(&unsigned.bytes));
}

db_test!(without_the_server_s_sealing_key_no_certificate_is_kept);
async fn without_the_server_s_sealing_key_no_certificate_is_kept(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let good = Authority::new().school(signing(), (2025, 2035), "p");
    let path = format!("/api/v1/institutions/{school}/signing-certificate");
    let r = app.call(Method::PUT, &path, Some(&app.root), Some(upload(&good, "p"))).await;
    r.assert_problem(409, "conflict");
    assert_eq!(r.body["code"], "sealing_key_missing", "{}", r.text);
    app.call(Method::GET, &path, Some(&app.root), None).await.assert_problem(404, "not-found");
}
