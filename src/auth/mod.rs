//! Who is calling and what they may do.
//!
//! Authentication is the [`Caller`] extractor (bearer token hash → user, role and institution
//! scope, in one read). Authorisation is data: [`Role::allows`] is the one role → permission
//! table, and [`Scope`] is passed into every query over rows that belong to an institution, so
//! rows outside it look missing (404) and lists cannot leak.

pub mod cache;
pub mod password;
pub mod ratelimit;
pub mod scope;
pub mod store;
pub mod tokens;

pub use scope::Scope;

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};

use crate::db::ids::{InstitutionId, TokenId, UserId};
use crate::error::ApiError;
use crate::AppState;

crate::text_enum! {
    /// A disabled account cannot sign in and its tokens are revoked.
    pub enum UserStatus {
        Active => "active",
        Disabled => "disabled",
    }
}

crate::text_enum! {
    /// A user's role. `institution_admin` [cán bộ quản lý đào tạo] is scoped to one institution
    /// and everything below it; `system_admin` runs the whole installation.
    pub enum Role {
        SystemAdmin => "system_admin",
        InstitutionAdmin => "institution_admin",
        Lecturer => "lecturer",
        Learner => "learner",
    }
}

/// What a role may do; checked at the top of every handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read institutions in scope.
    ReadInstitutions,
    /// Create and change institutions in scope (root institutions: system admins only).
    ManageInstitutions,
    /// Create, read and change user accounts in scope.
    ManageUsers,
    /// Read programs and modules (every signed-in user).
    ReadPrograms,
    /// Write programs: national ones (system administrators) or their institutions' own.
    ManagePrograms,
    /// Installation-wide settings such as the tier × level table.
    ManageSettings,
    /// Create, read, change and import learners and lecturers in scope.
    ManagePeople,
    /// Open and run classes: enrolments, assignments, timetable.
    ManageCohorts,
    /// Issue, revoke and reissue credentials; read the register book; rotate signing keys.
    IssueCredentials,
    /// Take the roll of the sessions one teaches, or of any session of a class one runs.
    TakeRoll,
    /// Enter grades (exams one grades, field study reports) and record conduct, in the classes
    /// one teaches or runs.
    EnterGrades,
}

impl Role {
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match self {
            SystemAdmin => true,
            // Listed one by one: a new permission is granted to nobody until it is added here.
            InstitutionAdmin => match p {
                ReadInstitutions | ManageInstitutions | ManageUsers | ReadPrograms | ManagePrograms | ManagePeople
                | ManageCohorts | IssueCredentials | TakeRoll | EnterGrades => true,
                ManageSettings => false,
            },
            Lecturer => matches!(p, ReadPrograms | TakeRoll | EnterGrades),
            Learner => matches!(p, ReadPrograms),
        }
    }

    pub fn is_admin(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::InstitutionAdmin)
    }
}

/// The signed-in user behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: UserId,
    pub token_id: TokenId,
    pub role: Role,
    pub institution_id: Option<InstitutionId>,
    pub scope: Scope,
}

impl Caller {
    /// 403 unless the caller's role allows `p`.
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.role.allows(p) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("state missing".into()))?;
            let token = token?;
            let hash = tokens::hash(&token);
            let writes = state.db.writes_committed();
            let caller = match state.callers.get(&hash, writes) {
                Some(caller) => caller,
                None => {
                    let key = hash.clone();
                    let (caller, expires_at) = state
                        .db
                        .read(move |conn| store::caller_by_token(conn, &key, crate::db::now()))
                        .await?
                        .ok_or(ApiError::Unauthorized("The token is unknown, expired or revoked."))?;
                    state.callers.put(hash, &caller, writes, expires_at);
                    caller
                }
            };
            // The audit trail of this request names whoever signed it.
            req.extensions_mut().insert(caller.clone());
            Ok(caller)
        })
    }
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthorized("Sign in and send `Authorization: Bearer <token>`."))?;
    let value = value.to_str().map_err(|_| ApiError::Unauthorized("The Authorization header is not readable."))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim().to_string())
        }
        _ => Err(ApiError::Unauthorized("The Authorization header must be `Bearer <token>`.")),
    }
}

#[cfg(test)]
mod tests {
    use super::Permission::*;
    use super::Role::{self, *};

    #[test]
    fn the_role_table() {
        // (permission, system admin, institution admin, lecturer, learner)
        for (p, want) in [
            (ReadInstitutions, [true, true, false, false]),
            (ManageInstitutions, [true, true, false, false]),
            (ManageUsers, [true, true, false, false]),
            (ReadPrograms, [true, true, true, true]),
            (ManagePrograms, [true, true, false, false]),
            (ManageSettings, [true, false, false, false]),
            (ManagePeople, [true, true, false, false]),
            (ManageCohorts, [true, true, false, false]),
            (IssueCredentials, [true, true, false, false]),
            (TakeRoll, [true, true, true, false]),
            (EnterGrades, [true, true, true, false]),
        ] {
            let got: Vec<bool> = [SystemAdmin, InstitutionAdmin, Lecturer, Learner].map(|r: Role| r.allows(p)).to_vec();
            assert_eq!(got, want, "{p:?}");
        }
    }
}
