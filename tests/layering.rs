//! The one rule of direction, read from the source: each layer imports only the layers below it.
//!
//! 1. foundation — `text`, `vi`, `problem`, `error`, `clock`, `db`, `settings`, `telemetry`: no area, no state;
//! 2. `http` — the machinery every handler shares;
//! 3. `auth`, then `audit`;
//! 4. the areas — any area may use another's model, store, rules or services, never its handlers;
//! 5. the top — `app` (the route table), `cli`, `demo`, `backup` and the crate root.
//!
//! Besides: `rules.rs` files are pure (no actix, no Diesel, no `crate::error`), and handlers write
//! through the request's audit trail (`audit.write(&state.db, …)`), never with `state.db.write`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const FOUNDATION: &[&str] = &["text", "vi", "problem", "error", "clock", "db", "settings", "telemetry"];
const TOP: &[&str] = &["app", "cli", "demo", "backup", "main", "lib"];
/// Names under `crate::` that are macros or re-exports of the crate root, not modules.
const ROOT_ITEMS: &[&str] = &[
    "AppState",
    "inventory",
    "text_enum",
    "json_text",
    "per_backend",
    "required_fields",
    "max_lengths",
    "insert_rows",
    "within_scope",
];

fn layer(module: &str) -> u8 {
    match module {
        m if FOUNDATION.contains(&m) => 1,
        "http" => 2,
        "auth" => 3,
        "audit" => 4,
        m if TOP.contains(&m) => 6,
        _ => 5,
    }
}

/// Where the crate-root items are defined: the state is built from auth and http parts, the
/// document macros are http's, the scope filter auth's, the rest the foundation's.
fn item_layer(item: &str) -> u8 {
    match item {
        "AppState" | "required_fields" | "max_lengths" => 2,
        "within_scope" => 3,
        _ => 1,
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source without comments (doc comments name other modules freely).
fn code(text: &str) -> String {
    text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// `(module, file in it)` for a path under `src/`: `src/exams/http.rs` → `("exams", "http.rs")`.
fn module_of(rel: &Path) -> (String, String) {
    let parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    let top = parts[0].trim_end_matches(".rs").to_string();
    (top, parts.last().cloned().unwrap_or_default())
}

/// Every `crate::a::b` a source names, as (a, b); grouped `use crate::{a, b::c}` included.
fn references(code: &str) -> Vec<(String, String)> {
    let path = regex::Regex::new(r"crate::(\w+)(?:::(\w+))?").unwrap();
    let group = regex::Regex::new(r"use crate::\{([^}]*)\}").unwrap();
    let mut out: Vec<(String, String)> = path
        .captures_iter(code)
        .map(|c| (c[1].to_string(), c.get(2).map(|m| m.as_str().to_string()).unwrap_or_default()))
        .collect();
    for g in group.captures_iter(code) {
        for item in g[1].split(',') {
            let mut seg = item.trim().split("::");
            if let Some(a) = seg.next().filter(|a| !a.is_empty()) {
                out.push((a.to_string(), seg.next().unwrap_or_default().to_string()));
            }
        }
    }
    out
}

fn is_handler_file(name: &str) -> bool {
    name == "http.rs" || name.ends_with("_http.rs")
}

fn violations(src: &Path) -> BTreeSet<String> {
    let mut all = Vec::new();
    files(src, &mut all);
    let mut bad = BTreeSet::new();
    let unaudited = regex::Regex::new(r"\bdb\s*\.write").unwrap();
    for file in all {
        let rel = file.strip_prefix(src).unwrap().to_path_buf();
        let (module, name) = module_of(&rel);
        let text = code(&std::fs::read_to_string(&file).unwrap());
        let shown = rel.display();
        let own = layer(&module);
        for (target, inner) in references(&text) {
            if target == module || target == "{" {
                continue;
            }
            let theirs = if ROOT_ITEMS.contains(&target.as_str()) { item_layer(&target) } else { layer(&target) };
            if theirs > own {
                bad.insert(format!("{shown}: `{module}` (layer {own}) imports `{target}` (layer {theirs})"));
            }
            if own == 5 && theirs == 5 && (inner == "http" || inner.ends_with("_http")) {
                bad.insert(format!("{shown}: imports another area's handlers `{target}::{inner}`"));
            }
        }
        if name == "rules.rs" {
            for word in ["actix", "diesel", "crate::error"] {
                if text.contains(word) {
                    bad.insert(format!("{shown}: a rules file names `{word}`"));
                }
            }
        }
        if is_handler_file(&name) && unaudited.is_match(&text) {
            bad.insert(format!("{shown}: a handler writes without its audit trail (`db.write`)"));
        }
    }
    bad
}

#[test]
fn each_layer_imports_only_those_below() {
    let bad = violations(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        bad.is_empty(),
        "{} upward imports or impure rules:\n{}",
        bad.len(),
        bad.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_scan_sees_an_upward_import() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("db")).unwrap();
    std::fs::create_dir_all(src.join("exams")).unwrap();
    std::fs::write(src.join("db/mod.rs"), "use crate::audit::Context; // an upward import\n").unwrap();
    std::fs::write(src.join("exams/rules.rs"), "use crate::error::ProblemItem;\n").unwrap();
    std::fs::write(src.join("exams/http.rs"), "use crate::cohorts::http::act;\nfn f() { state.db.write(|tx| 1); }\n")
        .unwrap();
    std::fs::write(src.join("settings.rs"), "//! Doc comments may name crate::jobs freely.\n").unwrap();
    let bad = violations(src);
    let all = bad.iter().cloned().collect::<Vec<_>>().join("\n");
    assert!(all.contains("db/mod.rs: `db` (layer 1) imports `audit` (layer 4)"), "{all}");
    assert!(all.contains("exams/rules.rs: a rules file names `crate::error`"), "{all}");
    assert!(all.contains("exams/http.rs: imports another area's handlers `cohorts::http`"), "{all}");
    assert!(all.contains("exams/http.rs: a handler writes without its audit trail"), "{all}");
    assert_eq!(bad.len(), 4, "{all}");
}
