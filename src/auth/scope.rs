//! The institutions a caller's rows may belong to: computed once per caller from the
//! institution tree, passed into every query over rows that belong to an institution.

use diesel::prelude::*;

use crate::db::ids::InstitutionId;
use crate::db::schema::institutions as i;
use crate::db::DbConn;
use crate::error::ApiError;

/// The institutions a caller's rows may belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every institution (system administrators).
    All,
    /// An institution and all below it.
    Within(Vec<InstitutionId>),
}

impl Scope {
    pub fn contains(&self, id: InstitutionId) -> bool {
        match self {
            Scope::All => true,
            Scope::Within(ids) => ids.contains(&id),
        }
    }

    /// `Ok` when `id` is in scope, otherwise the 404 an out-of-scope row gets.
    pub fn check(&self, id: InstitutionId) -> Result<(), ApiError> {
        if self.contains(id) {
            Ok(())
        } else {
            Err(ApiError::not_found())
        }
    }
}

/// An institution and every institution below it, by the materialised path (`/a/b/` is below `/a/`).
pub fn subtree_ids(conn: &mut DbConn, path: &str) -> QueryResult<Vec<InstitutionId>> {
    i::table.filter(i::path.like(format!("{path}%"))).select(i::id).load(conn)
}

/// Narrows a boxed query to the rows whose `$column` (an institution id) lies in `$scope`; a
/// system-wide scope adds no filter. Every list over institution-owned rows goes through it.
#[macro_export]
macro_rules! within_scope {
    ($query:expr, $scope:expr, $column:expr) => {
        match $scope {
            $crate::auth::Scope::All => $query,
            $crate::auth::Scope::Within(ids) => $query.filter($column.eq_any(ids.clone())),
        }
    };
}
