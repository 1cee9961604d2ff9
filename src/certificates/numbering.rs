//! Serial [số hiệu] and register numbers [số vào sổ]: one unbroken sequence per institution per
//! year, taken inside the issuing transaction.

use diesel::prelude::*;

use crate::db::dialect::lock_keys;
use crate::db::ids::InstitutionId;
use crate::db::schema::credential_counters as cc;
use crate::db::DbConn;

const PLACEHOLDERS: [&str; 4] = ["kind", "year", "number", "institution"];

/// Whether `pattern` is usable: known placeholders only, and the number among them.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    let mut has_number = false;
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').ok_or("an unclosed `{`")? + open;
        let inner = &rest[open + 1..close];
        let (name, width) = inner.split_once(':').unwrap_or((inner, ""));
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!("unknown placeholder {{{inner}}}"));
        }
        if !width.is_empty() && (name != "number" || !width.starts_with('0') || width.parse::<u8>().is_err()) {
            return Err(format!("bad width in {{{inner}}}; write e.g. {{number:06}}"));
        }
        has_number |= name == "number";
        rest = &rest[close + 1..];
    }
    if has_number {
        Ok(())
    } else {
        Err("must contain {number}".into())
    }
}

/// Writes `pattern` out; a checked pattern is assumed (see [`check_pattern`]).
pub fn render(pattern: &str, kind: &str, year: i32, number: i32, institution: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|c| c + open) else { break };
        let inner = &rest[open + 1..close];
        let (name, width) = inner.split_once(':').unwrap_or((inner, ""));
        match name {
            "kind" => out.push_str(kind),
            "year" => out.push_str(&year.to_string()),
            "institution" => out.push_str(institution),
            "number" => {
                let w: usize = width.parse().unwrap_or(0);
                out.push_str(&format!("{number:0w$}"));
            }
            _ => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The next number of `institution` in `year`. Holds the counter until the transaction ends (a
/// row lock on PostgreSQL, the single writer on SQLite), so concurrent issuers queue and a
/// rolled-back issue returns its number: the sequence never has a gap.
pub fn next_number(tx: &mut DbConn, institution: InstitutionId, year: i32) -> QueryResult<i32> {
    reserve(tx, institution, year, 1)
}

/// Takes `n` consecutive numbers at once and returns the first; same guarantees as
/// [`next_number`].
pub fn reserve(tx: &mut DbConn, institution: InstitutionId, year: i32, n: i32) -> QueryResult<i32> {
    lock_keys(tx, &[format!("credential-counter:{institution}:{year}")])?;
    let bumped = diesel::update(cc::table.find((institution, year)))
        .set(cc::last_number.eq(cc::last_number + n))
        .returning(cc::last_number)
        .get_result::<i32>(tx)
        .optional()?;
    match bumped {
        Some(last) => Ok(last - n + 1),
        None => {
            diesel::insert_into(cc::table)
                .values((cc::institution_id.eq(institution), cc::year.eq(year), cc::last_number.eq(n)))
                .execute(tx)?;
            Ok(1)
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_render_and_are_checked() {
        assert_eq!(render("{kind}-{year}-{number:06}", "GCN", 2026, 123, "X"), "GCN-2026-000123");
        assert_eq!(render("{number}/{year}", "GCN", 2026, 7, "X"), "7/2026");
        assert_eq!(render("{institution}/{number:04}", "BTN", 2026, 12345, "TCT"), "TCT/12345");
        assert!(check_pattern("{kind}-{year}-{number:06}").is_ok());
        assert!(check_pattern("{kind}-{year}").is_err());
        assert!(check_pattern("{number}-{nope}").is_err());
        assert!(check_pattern("{number:x}").is_err());
        assert!(check_pattern("{year:06}-{number}").is_err());
        assert!(check_pattern("{number").is_err());
    }
}
