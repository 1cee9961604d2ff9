//! Hand-written SQL that PostgreSQL keeps prepared.
//!
//! Diesel never caches the statement of a `sql_query`, so PostgreSQL plans it again on every
//! run (milliseconds for a join of several tables). A [`Statement`] is cached like a query built
//! with the DSL, keyed by its text: after five runs on a connection PostgreSQL settles on a
//! generic plan and only executes it. Each `?` in the text becomes a bound parameter in the
//! backend's own notation (`$n` on PostgreSQL, `?` on SQLite), so one text serves both. A
//! statement whose best plan depends on its values is left unprepared, to be planned on each
//! run ([`Statement::planned_each_run`]).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Date, HasSqlType, Text, Timestamp, Untyped};
use diesel::{QueryResult, RunQueryDsl};

/// A value for one parameter.
#[derive(Debug, Clone)]
pub enum Bind {
    Text(String),
    Int(i64),
    At(NaiveDateTime),
    Day(NaiveDate),
}

impl From<&str> for Bind {
    fn from(v: &str) -> Bind {
        Bind::Text(v.to_string())
    }
}

impl From<String> for Bind {
    fn from(v: String) -> Bind {
        Bind::Text(v)
    }
}

/// SQL text in pieces with one bound value between each two.
#[derive(Debug, Clone)]
pub struct Statement {
    pieces: Vec<String>,
    binds: Vec<Bind>,
    planned_each_run: bool,
}

impl Default for Statement {
    fn default() -> Statement {
        Statement { pieces: vec![String::new()], binds: Vec::new(), planned_each_run: false }
    }
}

impl Statement {
    pub fn new(sql: &str, values: impl IntoIterator<Item = Bind>) -> Statement {
        let mut s = Statement::default();
        s.push(sql, values);
        s
    }

    /// Not kept prepared: PostgreSQL plans it for its values on every run, as it does a
    /// `sql_query`.
    pub fn planned_each_run(mut self) -> Statement {
        self.planned_each_run = true;
        self
    }

    /// Appends `sql`, each `?` in it standing for the next of `values`.
    pub fn push(&mut self, sql: &str, values: impl IntoIterator<Item = Bind>) -> &mut Statement {
        let mut values = values.into_iter();
        for (i, part) in sql.split('?').enumerate() {
            if i > 0 {
                self.binds.push(values.next().expect("a value for each `?`"));
                self.pieces.push(String::new());
            }
            self.pieces.last_mut().expect("a piece").push_str(part);
        }
        debug_assert!(values.next().is_none(), "a `?` for each value");
        self
    }

    /// Appends `column IN (?, …)` over `values`, or a condition that is never true when there
    /// are none.
    pub fn any<T: ToString>(&mut self, column: &str, values: &[T]) -> &mut Statement {
        if values.is_empty() {
            return self.push("1 = 0", []);
        }
        let marks = vec!["?"; values.len()].join(", ");
        self.push(&format!("{column} IN ({marks})"), values.iter().map(|v| Bind::Text(v.to_string())))
    }
}

impl<DB> QueryFragment<DB> for Statement
where
    DB: Backend + HasSqlType<Text> + HasSqlType<BigInt> + HasSqlType<Timestamp> + HasSqlType<Date>,
    String: ToSql<Text, DB>,
    i64: ToSql<BigInt, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
    NaiveDate: ToSql<Date, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if self.planned_each_run {
            out.unsafe_to_cache_prepared();
        }
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                match &self.binds[i - 1] {
                    Bind::Text(v) => out.push_bind_param::<Text, _>(v)?,
                    Bind::Int(v) => out.push_bind_param::<BigInt, _>(v)?,
                    Bind::At(v) => out.push_bind_param::<Timestamp, _>(v)?,
                    Bind::Day(v) => out.push_bind_param::<Date, _>(v)?,
                }
            }
            out.push_sql(piece);
        }
        Ok(())
    }
}

/// No static id: the statement cache keys it by its text and parameter types (unless it is
/// planned on each run).
impl QueryId for Statement {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Statement {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Statement {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_question_mark_takes_the_next_value() {
        let mut s = Statement::new("SELECT ? AS a, ? AS b", [Bind::from("x"), Bind::Int(2)]);
        s.push(" WHERE ", []).any("id", &["p", "q"]);
        assert_eq!(s.pieces, ["SELECT ", " AS a, ", " AS b WHERE id IN (", ", ", ")"]);
        assert_eq!(s.binds.len(), 4);
        assert!(matches!(&s.binds[2], Bind::Text(p) if p == "p"));
        let none: [&str; 0] = [];
        let mut t = Statement::default();
        t.any("id", &none);
        assert_eq!(t.pieces, vec!["1 = 0".to_string()]);
    }
}
