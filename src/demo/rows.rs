//! The rows of the demonstration province: people with Vietnamese names, accounts,
//! institutions, and the plan of its classes over the years.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use rand::rngs::StdRng;
use rand::Rng;

use super::{FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M};
use crate::auth::Role;
use crate::db::ids::*;
use crate::institutions::model::{Institution, InstitutionStatus};
use crate::people::model::*;
use crate::programs::model::{Level, ProgramModule};
use crate::users::model::{User, UserStatus};

/// A Vietnamese name drawn at random: family, middle and given name of one gender.
pub(super) fn person(rng: &mut StdRng) -> (String, Gender) {
    let (middle, given, gender): (&[&str], &[&str], Gender) =
        if rng.random_bool(0.45) { (&MIDDLE_F, &GIVEN_F, Gender::Female) } else { (&MIDDLE_M, &GIVEN_M, Gender::Male) };
    let pick = |rng: &mut StdRng, words: &[&str]| words[rng.random_range(0..words.len())].to_string();
    let n = format!("{} {} {}", pick(rng, &FAMILY), pick(rng, middle), pick(rng, given));
    (n, gender)
}

pub(super) fn learner_row(rng: &mut StdRng, inst: InstitutionId, unit: &str, t: NaiveDateTime) -> Learner {
    let (full, gender) = person(rng);
    let dob =
        NaiveDate::from_ymd_opt(rng.random_range(1968..=2000), rng.random_range(1..=12), rng.random_range(1..=28))
            .unwrap_or_default();
    let mut l = Learner {
        id: LearnerId::new(),
        institution_id: inst,
        user_id: None,
        name_key: String::new(),
        sort_key: String::new(),
        full_name: String::new(),
        family_name: String::new(),
        middle_name: String::new(),
        given_name: String::new(),
        date_of_birth: dob,
        gender,
        ethnicity: Some("Kinh".into()),
        hometown: None,
        national_id: Some(format!("0{:011}", rng.random_range(0..100_000_000_000u64))),
        workplace: Some(unit.to_string()),
        position: Some(["Chuyên viên", "Phó trưởng phòng", "Cán bộ", "Bí thư chi bộ"][rng.random_range(0..4)].into()),
        sending_unit: Some(unit.to_string()),
        education_level: [EducationLevel::University, EducationLevel::College, EducationLevel::Master]
            [rng.random_range(0..3)],
        party_status: PartyStatus::Full,
        party_admission_date: NaiveDate::from_ymd_opt(rng.random_range(2000..=2020), 5, 19),
        party_official_date: None,
        mass_org_member: true,
        local_official: rng.random_bool(0.3),
        prior_llct_level: LlctLevel::None,
        prior_llct_year: None,
        prior_llct_credential: None,
        performance_ratings: Ratings(Vec::new()),
        email: None,
        phone: Some(format!("09{:08}", rng.random_range(0..100_000_000u32))),
        version: 1,
        created_at: t,
        updated_at: t,
        // Every tenth or so sits on a party committee, as many again are in the succession plan.
        committee_member_since: (dob.day() <= 3).then(|| NaiveDate::from_ymd_opt(2020, 10, 15)).flatten(),
        succession_post: (4..=6).contains(&dob.day()).then(|| "Phó Chủ tịch Ủy ban nhân dân xã".to_string()),
        succession_since: (4..=6).contains(&dob.day()).then(|| NaiveDate::from_ymd_opt(2021, 3, 1)).flatten(),
    };
    l.set_name(&full);
    l
}

pub(super) fn user_row(
    email: String,
    name: &str,
    role: Role,
    inst: InstitutionId,
    hash: &str,
    t: NaiveDateTime,
) -> User {
    User {
        id: UserId::new(),
        email,
        password_hash: hash.to_string(),
        full_name: name.to_string(),
        role,
        institution_id: Some(inst),
        status: UserStatus::Active,
        last_login_at: None,
        version: 1,
        created_at: t,
        updated_at: t,
        sending_unit_id: None,
    }
}

pub(super) fn institution(
    parent: Option<&Institution>,
    code: &str,
    name: &str,
    tier: &str,
    t: NaiveDateTime,
) -> Institution {
    let id = InstitutionId::new();
    Institution {
        id,
        parent_id: parent.map(|p| p.id),
        path: crate::institutions::rules::child_path(parent.map(|p| p.path.as_str()), &id.to_string()),
        code: code.to_string(),
        name: name.to_string(),
        short_name: None,
        tier: tier.to_string(),
        province: Some("Ninh Bình".into()),
        address: None,
        email: None,
        phone: None,
        status: InstitutionStatus::Active,
        version: 1,
        created_at: t,
        updated_at: t,
        signer_name: Some("Trần Văn Bình".into()),
        signer_title: Some(if tier == "provincial_school" { "Hiệu trưởng" } else { "Giám đốc" }.into()),
        evidence_required: Default::default(),
    }
}

/// The weekday teaching half-days from `start`: (date, morning?) pairs.
pub(super) fn half_days(start: NaiveDate, n: usize) -> Vec<(NaiveDate, bool)> {
    let mut out = Vec::with_capacity(n);
    let mut d = start;
    while out.len() < n {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            out.push((d, true));
            if out.len() < n {
                out.push((d, false));
            }
        }
        d += Duration::days(1);
    }
    out
}

/// One class to build.
pub(super) struct Plan {
    pub place: usize,
    pub slot: usize,
    pub code: String,
    pub level: Level,
    pub starts: NaiveDate,
}

/// Half-days of teaching a program takes (a session is half a day, four hours at most).
pub(super) fn half_days_of(mods: &[ProgramModule]) -> usize {
    mods.iter().map(|m| (m.hours.max(1) as usize).div_ceil(4)).sum()
}

/// The classes of one institution: `per_year` a year for `years` years, the newest starting three
/// weeks before `today`, at even intervals; `slots` classes may run at once without sharing a
/// hall or lecturers, since a class ends before the one `slots` later starts.
pub(super) fn plan_for(
    place: usize,
    level: Level,
    per_year: usize,
    years: usize,
    today: NaiveDate,
    days_long: i64,
) -> (Vec<Plan>, usize) {
    let spacing = (365 / per_year.max(1)) as i64;
    let slots = (days_long / spacing) as usize + 2;
    let n = per_year * years;
    let mut starts: Vec<NaiveDate> = (0..n).map(|k| today - Duration::days(21 + k as i64 * spacing)).collect();
    starts.reverse();
    let prefix = if level == Level::Intermediate { "TC" } else { "SC" };
    let mut seq: std::collections::HashMap<i32, usize> = std::collections::HashMap::new();
    let plans = starts
        .into_iter()
        .enumerate()
        .map(|(k, d)| {
            let s = seq.entry(d.year()).or_default();
            *s += 1;
            Plan { place, slot: k % slots, code: format!("{prefix}-{}-{:02}", d.year(), s), level, starts: d }
        })
        .collect();
    (plans, slots)
}
