//! Pure decisions about accounts.

use crate::auth::Role;
use crate::problem::ProblemItem;

/// Whether `caller` may give an account the role `target`.
pub fn can_grant(caller: Role, target: Role) -> bool {
    match caller {
        Role::SystemAdmin => true,
        Role::InstitutionAdmin => target != Role::SystemAdmin,
        Role::Lecturer | Role::Learner => false,
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
    }
}
