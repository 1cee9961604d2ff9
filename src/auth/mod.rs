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

use crate::db::ids::{InstitutionId, SendingUnitId, TokenId, UserId};
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
    /// and everything below it; `system_admin` runs the whole installation; an `inspector` [đoàn
    /// kiểm tra, giám sát] reads everything an administrator of its institution reads and writes
    /// only inspections; a `unit_officer` [cán bộ tổ chức] speaks for one sending unit.
    pub enum Role {
        SystemAdmin => "system_admin",
        InstitutionAdmin => "institution_admin",
        Lecturer => "lecturer",
        Learner => "learner",
        Inspector => "inspector",
        UnitOfficer => "unit_officer",
    }
}

/// Whether a request reads or changes: `GET` and `HEAD` read, every other method writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub fn of(method: &actix_web::http::Method) -> Access {
        use actix_web::http::Method;
        if method == Method::GET || method == Method::HEAD {
            Access::Read
        } else {
            Access::Write
        }
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
    /// Record inspections and their findings (inspectors); read them (their subjects too).
    Inspect,
    /// Plan the year's training: draft, submit and approve training plans.
    PlanTraining,
    /// Nominate people for training on behalf of a sending unit.
    Nominate,
    /// Answer the recommendations of an inspection of one's institution.
    AnswerInspections,
}

impl Role {
    /// The one role × permission × access table. An inspector reads what an administrator of its
    /// institution reads and writes nothing but inspections, whatever the permission.
    pub fn allows(self, p: Permission, access: Access) -> bool {
        use Permission::*;
        use Role::*;
        let admin = |p: Permission| match p {
            // Listed one by one: a new permission is granted to nobody until it is added here.
            ReadInstitutions | ManageInstitutions | ManageUsers | ReadPrograms | ManagePrograms | ManagePeople
            | ManageCohorts | IssueCredentials | TakeRoll | EnterGrades | PlanTraining | Nominate
            | AnswerInspections => true,
            ManageSettings | Inspect => false,
        };
        match self {
            SystemAdmin => true,
            InstitutionAdmin => admin(p) || (p == Inspect && access == Access::Read),
            Inspector => match access {
                Access::Read => admin(p) || p == Inspect,
                Access::Write => p == Inspect,
            },
            Lecturer => matches!(p, ReadPrograms | TakeRoll | EnterGrades),
            Learner => matches!(p, ReadPrograms),
            UnitOfficer => matches!(p, ReadPrograms | Nominate),
        }
    }

    pub fn is_admin(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::InstitutionAdmin)
    }

    /// Administrators and inspectors: whoever reads an institution's rows because the institution
    /// is in their scope (inspectors' writes are refused by [`Role::allows`]).
    pub fn oversees(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::InstitutionAdmin | Role::Inspector)
    }
}

/// The signed-in user behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: UserId,
    pub token_id: TokenId,
    pub role: Role,
    pub institution_id: Option<InstitutionId>,
    /// The sending unit a `unit_officer` speaks for.
    pub sending_unit_id: Option<SendingUnitId>,
    pub scope: Scope,
    /// Whether this request reads or writes (from its method).
    pub access: Access,
}

impl Caller {
    /// Whether the caller's role allows `p` for this request.
    pub fn may(&self, p: Permission) -> bool {
        self.role.allows(p, self.access)
    }

    /// 403 unless the caller's role allows `p` for this request.
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.may(p) {
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
        let access = Access::of(req.method());
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
            let caller = Caller { access, ..caller };
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
    use super::Access::{Read, Write};
    use super::Permission::{self, *};
    use super::Role::{self, *};

    const ROLES: [Role; 6] = [SystemAdmin, InstitutionAdmin, Lecturer, Learner, Inspector, UnitOfficer];

    #[test]
    fn the_role_table() {
        // (permission, reads by, writes by) in the order of ROLES:
        // system admin, institution admin, lecturer, learner, inspector, unit officer.
        type Row = (Permission, [bool; 6], [bool; 6]);
        let rows: [Row; 15] = [
            (ReadInstitutions, [true, true, false, false, true, false], [true, true, false, false, false, false]),
            (ManageInstitutions, [true, true, false, false, true, false], [true, true, false, false, false, false]),
            (ManageUsers, [true, true, false, false, true, false], [true, true, false, false, false, false]),
            (ReadPrograms, [true; 6], [true, true, true, true, false, true]),
            (ManagePrograms, [true, true, false, false, true, false], [true, true, false, false, false, false]),
            (ManageSettings, [true, false, false, false, false, false], [true, false, false, false, false, false]),
            (ManagePeople, [true, true, false, false, true, false], [true, true, false, false, false, false]),
            (ManageCohorts, [true, true, false, false, true, false], [true, true, false, false, false, false]),
            (IssueCredentials, [true, true, false, false, true, false], [true, true, false, false, false, false]),
            (TakeRoll, [true, true, true, false, true, false], [true, true, true, false, false, false]),
            (EnterGrades, [true, true, true, false, true, false], [true, true, true, false, false, false]),
            (Inspect, [true, true, false, false, true, false], [true, false, false, false, true, false]),
            (PlanTraining, [true, true, false, false, true, false], [true, true, false, false, false, false]),
            (Nominate, [true, true, false, false, true, true], [true, true, false, false, false, true]),
            (AnswerInspections, [true, true, false, false, true, false], [true, true, false, false, false, false]),
        ];
        for (p, reads, writes) in rows {
            assert_eq!(ROLES.map(|r| r.allows(p, Read)), reads, "{p:?} read");
            assert_eq!(ROLES.map(|r| r.allows(p, Write)), writes, "{p:?} write");
        }
    }

    #[test]
    fn only_administrators_and_inspectors_oversee() {
        assert_eq!(ROLES.map(Role::oversees), [true, true, false, false, true, false]);
    }
}
