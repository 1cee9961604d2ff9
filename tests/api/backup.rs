//! Backups of the embedded database under load, and restores.

use std::collections::BTreeSet;
use std::path::Path;

use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use serde_json::json;

use crate::support::{db::TestDb, TestApp};

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

fn institution_ids(file: &Path) -> BTreeSet<String> {
    let mut c = SqliteConnection::establish(file.to_str().unwrap()).unwrap();
    diesel::sql_query("SELECT id FROM institutions").load::<Id>(&mut c).unwrap().into_iter().map(|r| r.id).collect()
}

#[actix_web::test]
async fn backup_under_writes_then_restore_identically() {
    let app = TestApp::sqlite().await;
    for i in 0..5 {
        app.institution(&format!("B{i}"), "commune_center", None).await;
    }
    let dir = tempfile::tempdir().unwrap();
    // A name with a quote and Vietnamese letters: the path is bound, not spliced into SQL.
    let file = dir.path().join("sao lưu 'tối' llct.db");
    // Writers keep creating institutions while the backup runs.
    let db = app.state.db.clone();
    let f = file.clone();
    let writes = async {
        for i in 0..40 {
            let r = app
                .post(
                    "/api/v1/institutions",
                    &app.root,
                    json!({"code": format!("W{i}"), "name": "Trung tâm", "tier": "commune_center"}),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.text);
        }
    };
    let backup = async move { actix_web::web::block(move || llct::backup::backup(&db, &f)).await.unwrap() };
    let ((), result) = futures_util::join!(writes, backup);
    result.unwrap();
    let in_backup = institution_ids(&file);
    assert!(in_backup.len() >= 5 && in_backup.len() <= 45, "{}", in_backup.len());
    // The backup is a consistent snapshot: every row in it exists in the live database.
    let live_url = app.state.settings.database.url.clone();
    let live = Path::new(llct::db::sqlite_path(&live_url)).to_path_buf();
    let live_ids = institution_ids(&live);
    assert!(in_backup.is_subset(&live_ids));
    assert_eq!(live_ids.len(), 45);
    assert!(llct::backup::backup(&app.state.db, &file).unwrap_err().contains("already exists"));

    // Restored elsewhere, it holds exactly what the backup held.
    let elsewhere = dir.path().join("restored/llct.db");
    llct::backup::restore(&format!("sqlite://{}", elsewhere.display()), &file, false).unwrap();
    assert_eq!(institution_ids(&elsewhere), in_backup);
    // Over a database with newer data it refuses unless forced.
    let err = llct::backup::restore(&live_url, &file, false).unwrap_err();
    assert!(err.contains("newer") && err.contains("--force"), "{err}");
    let not_a_db = dir.path().join("notes.txt");
    std::fs::write(&not_a_db, "không phải cơ sở dữ liệu").unwrap();
    assert!(llct::backup::restore(&format!("sqlite://{}", elsewhere.display()), &not_a_db, true).is_err());
    assert_eq!(institution_ids(&elsewhere), in_backup, "a failed restore leaves the database as it was");
}

#[actix_web::test]
async fn postgres_installations_are_pointed_to_pg_dump() {
    let Some(db) = TestDb::postgres() else { return };
    let app = TestApp::start(db, &[]).await;
    let err = llct::backup::backup(&app.state.db, Path::new("/tmp/never-written.db")).unwrap_err();
    assert!(err.contains("pg_dump") && err.contains("pg_restore"), "{err}");
}
