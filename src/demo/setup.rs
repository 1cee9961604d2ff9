//! The province's frame: the national catalogue, the school and its centres with an
//! administrator each, the plan of their classes, and lecturers with accounts.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;

use super::province::{Size, CENTRES};
use super::rows::*;
use crate::auth::Role;
use crate::db::ids::*;
use crate::db::schema::{institutions as ins, lecturers as lt, programs as pr, users as us};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::institutions::model::Institution;
use crate::people::model::*;
use crate::programs::model::{Level, ProgramModule};

pub(super) struct Place {
    pub inst: Institution,
    /// Lecturers (id, user id): a pair for each class that may run at the same time.
    pub lecturers: Vec<(LecturerId, UserId)>,
}

/// Writes the frame of the province; its places, the national elementary and intermediate
/// programs, and the classes to build.
pub(super) fn setup(
    tx: &mut DbConn,
    seed: u64,
    size: Size,
    today: NaiveDate,
    t: NaiveDateTime,
    hash: &str,
    rng: &mut StdRng,
) -> Result<(Vec<Place>, ProgramId, ProgramId, Vec<Plan>), ApiError> {
    crate::programs::catalogue::load(tx, t)?;
    let national = |tx: &mut DbConn, level: Level| -> Result<ProgramId, ApiError> {
        Ok(pr::table
            .filter(pr::owner_key.eq(crate::programs::model::owner_key(None)))
            .filter(pr::level.eq(level))
            .filter(pr::status.eq(crate::programs::model::ProgramStatus::Published))
            .order(pr::code.asc())
            .select(pr::id)
            .first(tx)?)
    };
    let (elementary, intermediate) = (national(tx, Level::Elementary)?, national(tx, Level::Intermediate)?);
    // A class lasts its half-days (ten a week) and a week for the exams.
    let days_long = |mods: &[ProgramModule]| (half_days_of(mods) as i64) * 7 / 10 + 10;
    let el = days_long(&crate::programs::store::modules(tx, elementary)?);
    let im = days_long(&crate::programs::store::modules(tx, intermediate)?);
    let school =
        institution(None, &format!("TCT-NB-{seed}"), "Trường Chính trị tỉnh Ninh Bình", "provincial_school", t);
    let mut insts = vec![school.clone()];
    let (mut plans, s0) = plan_for(0, Level::Intermediate, size.intermediate_per_year, size.years, today, im);
    let mut slots = vec![s0];
    for (i, name) in CENTRES.iter().take(size.centres).enumerate() {
        insts.push(institution(
            Some(&school),
            &format!("TTCT-{:02}-{seed}", i + 1),
            &format!("Trung tâm Chính trị {name}"),
            "commune_center",
            t,
        ));
        let (p, s) = plan_for(i + 1, Level::Elementary, size.elementary_per_centre_year, size.years, today, el);
        plans.extend(p);
        slots.push(s);
    }
    crate::insert_rows!(tx, ins, &insts);
    let mut users = Vec::new();
    let mut lecturers = Vec::new();
    let mut places = Vec::new();
    for (p, inst) in insts.iter().enumerate() {
        users.push(user_row(
            format!("admin{p}-{seed}@llct.local"),
            "Cán bộ quản lý đào tạo",
            Role::InstitutionAdmin,
            inst.id,
            hash,
            t,
        ));
        let mut mine = Vec::new();
        for k in 0..2 * slots[p] {
            let (full, gender) = person(rng);
            let u = user_row(format!("gv{p}-{k}-{seed}@llct.local"), &full, Role::Lecturer, inst.id, hash, t);
            let kind = [LecturerKind::FullTime, LecturerKind::Concurrent, LecturerKind::Visiting][k % 3];
            let mut lecturer = Lecturer {
                id: LecturerId::new(),
                institution_id: inst.id,
                user_id: Some(u.id),
                name_key: String::new(),
                sort_key: String::new(),
                full_name: String::new(),
                family_name: String::new(),
                middle_name: String::new(),
                given_name: String::new(),
                date_of_birth: None,
                gender: Some(gender),
                national_id: None,
                kind,
                rank: LecturerRank::Lecturer,
                academic_title: None,
                subjects: Subjects(Vec::new()),
                rate_category: None,
                workplace: None,
                position: None,
                email: Some(u.email.clone()),
                phone: None,
                version: 1,
                created_at: t,
                updated_at: t,
                degree: Some(crate::people::model::Degree::Bachelor),
                degree_on: None,
                llct_level: crate::people::model::LlctLevel::Advanced,
                llct_level_on: None,
                teaching_certificate_on: None,
                probation_year: None,
                norm_adjustment_pct: None,
            };
            lecturer.set_name(&full);
            mine.push((lecturer.id, u.id));
            lecturers.push(lecturer);
            users.push(u);
        }
        places.push(Place { inst: inst.clone(), lecturers: mine });
    }
    crate::insert_rows!(tx, us, &users);
    crate::insert_rows!(tx, lt, &lecturers);
    Ok((places, elementary, intermediate, plans))
}
