use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{User, UserStatus};
use crate::auth::password;
use crate::auth::Role;
use crate::db::ids::{InstitutionId, SendingUnitId, UserId};
use crate::error::{ApiError, Problems};
use crate::http::extract::nullable;
use crate::text::{clean, looks_like_email};

/// A new account.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[schema(example = "lan.nguyen@truongchinhtri.vn")]
    pub email: Option<String>,
    pub password: Option<String>,
    #[schema(example = "Nguyễn Thị Lan")]
    pub full_name: Option<String>,
    pub role: Option<Role>,
    /// Required for every role but `system_admin`.
    pub institution_id: Option<InstitutionId>,
    /// The registered sending unit (of `institution_id`) a `unit_officer` speaks for; required for
    /// that role and refused for every other.
    pub sending_unit_id: Option<SendingUnitId>,
}

crate::max_lengths!("CreateUser": "full_name" => 120);

crate::required_fields!("CreateUser": "email", "password", "full_name", "role");

/// Changes to an account; absent fields stay as they are. A new `password` (an administrator's
/// reset) or `status: disabled` signs the user out everywhere.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<InstitutionId>)]
    pub institution_id: Option<Option<InstitutionId>>,
    pub status: Option<UserStatus>,
    pub password: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<SendingUnitId>)]
    pub sending_unit_id: Option<Option<SendingUnitId>>,
}

crate::max_lengths!("UpdateUser": "full_name" => 120);

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: UserId,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub institution_id: Option<InstitutionId>,
    pub sending_unit_id: Option<SendingUnitId>,
    pub status: UserStatus,
    pub last_login_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserOut {
    fn from(u: User) -> UserOut {
        UserOut {
            id: u.id,
            email: u.email,
            full_name: u.full_name,
            role: u.role,
            institution_id: u.institution_id,
            sending_unit_id: u.sending_unit_id,
            status: u.status,
            last_login_at: u.last_login_at.map(|t| t.and_utc()),
            version: u.version,
            created_at: u.created_at.and_utc(),
            updated_at: u.updated_at.and_utc(),
        }
    }
}

/// Filters of `GET /users`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub updated_since: Option<DateTime<FixedOffset>>,
    pub role: Option<Role>,
    pub institution_id: Option<InstitutionId>,
    pub status: Option<UserStatus>,
}

/// E-mail addresses are compared and stored lower-case.
pub fn normalise_email(s: &str) -> String {
    s.trim().to_lowercase()
}

fn check_email(email: &str, p: &mut Problems) {
    p.check(looks_like_email(email) && email.len() <= 254, "email", "is not an e-mail address");
}

fn check_name(name: &str, p: &mut Problems) {
    p.check(!name.is_empty() && name.chars().count() <= 120, "full_name", "must be 1 to 120 characters");
}

fn check_password(pw: &str, min_len: usize, p: &mut Problems) {
    for m in password::problems(pw, min_len) {
        p.add("password", m);
    }
}

pub struct NewUserFields {
    pub email: String,
    pub password: String,
    pub full_name: String,
    pub role: Role,
    pub institution_id: Option<InstitutionId>,
    pub sending_unit_id: Option<SendingUnitId>,
}

impl CreateUser {
    pub fn check(self, min_password: usize) -> Result<NewUserFields, ApiError> {
        let mut p = Problems::new();
        let email = self.email.as_deref().map(normalise_email).unwrap_or_default();
        let full_name = self.full_name.as_deref().map(clean).unwrap_or_default();
        match &self.email {
            None => p.add("email", "is required"),
            Some(_) => check_email(&email, &mut p),
        }
        match &self.password {
            None => p.add("password", "is required"),
            Some(pw) => check_password(pw, min_password, &mut p),
        }
        match &self.full_name {
            None => p.add("full_name", "is required"),
            Some(_) => check_name(&full_name, &mut p),
        }
        match self.role {
            None => p.add("role", "is required"),
            Some(role) => {
                p.0.extend(super::rules::institution_problem(role, self.institution_id.is_some()));
                p.0.extend(super::rules::unit_problem(role, self.sending_unit_id.is_some()));
            }
        }
        p.finish(NewUserFields {
            email,
            password: self.password.unwrap_or_default(),
            full_name,
            role: self.role.unwrap_or(Role::Learner),
            institution_id: self.institution_id,
            sending_unit_id: self.sending_unit_id,
        })
    }
}

impl UpdateUser {
    /// Cleans and checks the fields that do not need the database.
    pub fn check(mut self, min_password: usize) -> Result<UpdateUser, ApiError> {
        let mut p = Problems::new();
        if let Some(e) = &self.email {
            let e = normalise_email(e);
            check_email(&e, &mut p);
            self.email = Some(e);
        }
        if let Some(n) = &self.full_name {
            let n = clean(n);
            check_name(&n, &mut p);
            self.full_name = Some(n);
        }
        if let Some(pw) = &self.password {
            check_password(pw, min_password, &mut p);
        }
        p.finish(self)
    }
}
