//! Properties of the migrations themselves.

use std::collections::BTreeSet;
use std::path::Path;

fn names(dir: &str) -> BTreeSet<String> {
    std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect()
}

#[test]
fn both_trees_have_the_same_migrations() {
    let sqlite = names("migrations/sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("migrations/postgres"));
    for m in &sqlite {
        for f in ["up.sql", "down.sql"] {
            for tree in ["sqlite", "postgres"] {
                let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("migrations/{tree}/{m}/{f}"));
                assert!(p.exists(), "{}", p.display());
            }
        }
    }
}

/// Every foreign key column is the first column of some index (or of the primary key), so that
/// joins and cascading checks never scan a table.
#[actix_web::test]
async fn every_foreign_key_is_indexed() {
    use diesel::prelude::*;
    use diesel::sql_types::{Integer, Text};

    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }
    #[derive(QueryableByName)]
    struct Fk {
        #[diesel(sql_type = Text)]
        from: String,
    }
    #[derive(QueryableByName)]
    struct IndexCol {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Integer)]
        seqno: i32,
    }
    #[derive(QueryableByName)]
    struct Idx {
        #[diesel(sql_type = Text)]
        name: String,
    }
    #[derive(QueryableByName)]
    struct PkCol {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Integer)]
        pk: i32,
    }

    let app = crate::support::TestApp::sqlite().await;
    let mut conn = app.state.db.conn().unwrap();
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '__diesel_schema_migrations'",
    )
    .load(&mut *conn)
    .unwrap();
    let mut missing = Vec::new();
    for t in tables {
        let fks: Vec<Fk> = diesel::sql_query(format!("SELECT \"from\" FROM pragma_foreign_key_list('{}')", t.name))
            .load(&mut *conn)
            .unwrap();
        let mut leading: BTreeSet<String> = BTreeSet::new();
        let pk: Vec<PkCol> = diesel::sql_query(format!("SELECT name, pk FROM pragma_table_info('{}')", t.name))
            .load(&mut *conn)
            .unwrap();
        if let Some(first) = pk.iter().find(|c| c.pk == 1) {
            leading.insert(first.name.clone());
        }
        let idx: Vec<Idx> =
            diesel::sql_query(format!("SELECT name FROM pragma_index_list('{}')", t.name)).load(&mut *conn).unwrap();
        for i in idx {
            let cols: Vec<IndexCol> =
                diesel::sql_query(format!("SELECT name, seqno FROM pragma_index_info('{}')", i.name))
                    .load(&mut *conn)
                    .unwrap();
            if let Some(c) = cols.iter().find(|c| c.seqno == 0) {
                leading.insert(c.name.clone());
            }
        }
        for fk in fks {
            if !leading.contains(&fk.from) {
                missing.push(format!("{}.{}", t.name, fk.from));
            }
        }
    }
    assert!(missing.is_empty(), "foreign keys without an index: {missing:?}");
}
