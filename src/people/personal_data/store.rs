//! Everything held about a learner, read in one transaction.

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;

use super::dto::*;
use crate::auth::{Caller, Permission};
use crate::db::ids::*;
use crate::db::schema::{
    appeals as ap, attendance as at, cohorts as c, conduct as cd, enrollments as e, exams as x, field_reports as fr,
    field_trips as ft, grades as g, sessions as s,
};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::people::dto::LearnerOut;

/// All data held about a learner the caller may read (404 otherwise); a learner reading their
/// own sees only published grades.
pub fn personal_data(tx: &mut DbConn, caller: &Caller, id: LearnerId) -> Result<PersonalData, ApiError> {
    let admin = caller.may(Permission::ManagePeople);
    let learner = crate::people::store::readable_learner(tx, caller, id)?;
    let account = match learner.user_id {
        Some(uid) => crate::users::store::find(tx, uid)?.map(|a| AccountData {
            email: a.email,
            role: a.role,
            status: a.status,
            last_login_at: a.last_login_at.map(|t| t.and_utc()),
        }),
        None => None,
    };
    let enrollments = e::table
        .inner_join(c::table)
        .filter(e::learner_id.eq(id))
        .order(e::enrolled_on.asc())
        .select((c::code, e::status, e::enrolled_on, e::withdrawn_on, e::withdraw_reason))
        .load::<(String, _, NaiveDate, Option<NaiveDate>, Option<String>)>(tx)?
        .into_iter()
        .map(|(cohort_code, status, enrolled_on, withdrawn_on, withdraw_reason)| EnrollmentData {
            cohort_code,
            status,
            enrolled_on,
            withdrawn_on,
            withdraw_reason,
        })
        .collect();
    let attendance = at::table
        .inner_join(s::table)
        .filter(at::learner_id.eq(id))
        .order(s::starts_at.asc())
        .select((s::starts_at, at::status, at::note))
        .load::<(chrono::NaiveDateTime, _, Option<String>)>(tx)?
        .into_iter()
        .map(|(t, status, note)| AttendanceData { session_starts_at: t.and_utc(), status, note })
        .collect();
    let mut gq = g::table.inner_join(x::table).filter(g::learner_id.eq(id)).into_boxed();
    if !admin {
        gq = gq.filter(g::status.ne(crate::exams::model::GradeStatus::Draft));
    }
    let grades = gq
        .order(x::held_on.asc())
        .select((x::title, x::held_on, g::presence, g::value_tenths, g::status))
        .load::<(String, NaiveDate, _, Option<i32>, _)>(tx)?
        .into_iter()
        .map(|(exam, held_on, presence, v, status)| GradeData {
            exam,
            held_on,
            presence,
            grade: v.map(crate::exams::rules::mark),
            status,
        })
        .collect();
    let field_reports = fr::table
        .inner_join(ft::table)
        .filter(fr::learner_id.eq(id))
        .select((ft::destination, fr::submitted_at, fr::body, fr::file_name, fr::grade_tenths))
        .load::<(String, Option<chrono::NaiveDateTime>, Option<String>, Option<String>, Option<i32>)>(tx)?
        .into_iter()
        .map(|(destination, sub, text, file_name, g)| ReportData {
            destination,
            submitted_at: sub.map(|t| t.and_utc()),
            text,
            file_name,
            grade: g.map(crate::exams::rules::mark),
        })
        .collect();
    let appeals = ap::table
        .filter(ap::learner_id.eq(id))
        .order(ap::filed_at.asc())
        .select((ap::reason, ap::status, ap::resolution, ap::filed_at))
        .load::<(String, String, Option<String>, chrono::NaiveDateTime)>(tx)?
        .into_iter()
        .map(|(reason, status, resolution, t)| AppealData { reason, status, resolution, filed_at: t.and_utc() })
        .collect();
    let conduct = cd::table
        .inner_join(c::table.on(c::id.eq(cd::cohort_id)))
        .filter(cd::learner_id.eq(id))
        .select((c::code, cd::political, cd::discipline, cd::class_rules, cd::comment, cd::measure, cd::measure_reason))
        .load::<(String, _, _, _, Option<String>, Option<crate::conduct::Measure>, Option<String>)>(tx)?
        .into_iter()
        .map(|(cohort_code, political, discipline, class_rules, comment, measure, measure_reason)| ConductData {
            cohort_code,
            political,
            discipline,
            class_rules,
            comment,
            measure,
            measure_reason,
        })
        .collect();
    Ok(PersonalData {
        learner: LearnerOut::from(learner),
        account,
        enrollments,
        attendance,
        grades,
        field_reports,
        appeals,
        conduct,
        generated_at: Utc::now(),
    })
}
