//! Pure decisions about accounts.

use super::dto::UpdateUser;
use super::model::User;
use crate::auth::{Role, UserStatus};
use crate::problem::ProblemItem;

/// Whether `caller` may give an account the role `target`.
pub fn can_grant(caller: Role, target: Role) -> bool {
    match caller {
        Role::SystemAdmin => true,
        Role::InstitutionAdmin => target != Role::SystemAdmin,
        Role::Lecturer | Role::Learner | Role::Inspector | Role::UnitOfficer => false,
    }
}

/// A unit officer speaks for one sending unit; no other role has one.
pub fn unit_problem(role: Role, has_unit: bool) -> Option<ProblemItem> {
    match (role == Role::UnitOfficer, has_unit) {
        (true, false) => Some(ProblemItem::field("sending_unit_id", "is required for a unit_officer")),
        (false, true) => Some(ProblemItem::field("sending_unit_id", "is only for a unit_officer")),
        _ => None,
    }
}

/// A system administrator belongs to no institution; every other role belongs to one.
pub fn institution_problem(role: Role, has_institution: bool) -> Option<ProblemItem> {
    match (role == Role::SystemAdmin, has_institution) {
        (true, true) => Some(ProblemItem::field("institution_id", "must be null for a system_admin")),
        (false, false) => Some(ProblemItem::field("institution_id", "is required for this role")),
        _ => None,
    }
}

/// Why an administrator's change of their own account is refused: nobody changes their own
/// role, institution or status (another administrator must).
pub fn own_account_refusals(cur: &User, patch: &UpdateUser, own: bool) -> Vec<ProblemItem> {
    let changes = patch.role.is_some_and(|r| r != cur.role)
        || patch.institution_id.is_some_and(|i| i != cur.institution_id)
        || patch.status.is_some_and(|s| s != cur.status);
    if own && changes {
        vec![ProblemItem::rule(
            "own_account",
            "You cannot change your own role, institution or status; ask another administrator.",
        )]
    } else {
        Vec::new()
    }
}

/// The account with the change applied (a new password already hashed), and whether its
/// sessions end: a new password, or the account disabled.
pub fn updated(cur: &User, patch: UpdateUser, new_hash: Option<String>) -> (User, bool) {
    let mut row = cur.clone();
    row.role = patch.role.unwrap_or(cur.role);
    row.institution_id = patch.institution_id.unwrap_or(cur.institution_id);
    row.email = patch.email.unwrap_or_else(|| cur.email.clone());
    row.full_name = patch.full_name.unwrap_or_else(|| cur.full_name.clone());
    row.status = patch.status.unwrap_or(cur.status);
    row.sending_unit_id = patch.sending_unit_id.unwrap_or(cur.sending_unit_id);
    let sign_out = new_hash.is_some() || (row.status == UserStatus::Disabled && cur.status != UserStatus::Disabled);
    if let Some(h) = new_hash {
        row.password_hash = h;
    }
    (row, sign_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants() {
        assert!(can_grant(Role::SystemAdmin, Role::SystemAdmin));
        assert!(!can_grant(Role::InstitutionAdmin, Role::SystemAdmin));
        assert!(can_grant(Role::InstitutionAdmin, Role::Lecturer));
        assert!(!can_grant(Role::Lecturer, Role::Learner));
    }

    #[test]
    fn institution_by_role() {
        assert!(institution_problem(Role::SystemAdmin, true).is_some());
        assert!(institution_problem(Role::SystemAdmin, false).is_none());
        assert!(institution_problem(Role::Learner, false).is_some());
        assert!(institution_problem(Role::Learner, true).is_none());
        assert!(institution_problem(Role::Inspector, false).is_some());
    }

    #[test]
    fn unit_by_role() {
        // (role, has a unit) → refused
        for (role, has, refused) in [
            (Role::UnitOfficer, false, true),
            (Role::UnitOfficer, true, false),
            (Role::Inspector, true, true),
            (Role::Learner, true, true),
            (Role::Learner, false, false),
        ] {
            assert_eq!(unit_problem(role, has).is_some(), refused, "{role:?} {has}");
        }
    }

    #[test]
    fn changing_an_account() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let cur = User {
            id: crate::db::ids::UserId::new(),
            email: "a@x.vn".into(),
            password_hash: "old".into(),
            full_name: "Trần Văn A".into(),
            role: Role::InstitutionAdmin,
            institution_id: Some(crate::db::ids::InstitutionId::new()),
            status: UserStatus::Active,
            last_login_at: None,
            version: 3,
            created_at: t,
            updated_at: t,
            sending_unit_id: None,
        };
        let none = UpdateUser {
            email: None,
            full_name: None,
            role: None,
            institution_id: None,
            status: None,
            password: None,
            sending_unit_id: None,
        };
        let role = UpdateUser { role: Some(Role::Lecturer), ..none.clone() };
        let same_role = UpdateUser { role: Some(Role::InstitutionAdmin), ..none.clone() };
        let moved = UpdateUser { institution_id: Some(None), ..none.clone() };
        let off = UpdateUser { status: Some(UserStatus::Disabled), ..none.clone() };
        let name = UpdateUser { full_name: Some("Trần Văn B".into()), ..none.clone() };
        // (change, on one's own account) → refused
        for (patch, own, refused) in [
            (&role, true, true),
            (&moved, true, true),
            (&off, true, true),
            (&same_role, true, false),
            (&name, true, false),
            (&role, false, false),
            (&off, false, false),
        ] {
            assert_eq!(!own_account_refusals(&cur, patch, own).is_empty(), refused, "{patch:?} own={own}");
        }
        // (change, new hash) → (signs out, what changed)
        let (row, out) = updated(&cur, name, None);
        assert_eq!(
            (out, row.full_name.as_str(), row.email.as_str(), row.role),
            (false, "Trần Văn B", "a@x.vn", cur.role)
        );
        let (row, out) = updated(&cur, off.clone(), None);
        assert_eq!((out, row.status), (true, UserStatus::Disabled));
        let disabled = User { status: UserStatus::Disabled, ..cur.clone() };
        assert!(!updated(&disabled, off, None).1, "disabling a disabled account ends nothing new");
        let (row, out) = updated(&cur, none.clone(), Some("new".into()));
        assert_eq!((out, row.password_hash.as_str()), (true, "new"));
        let (row, _) = updated(&cur, moved, None);
        assert_eq!(row.institution_id, None);
    }
}
