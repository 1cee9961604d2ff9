//! Pure checks on people records: every problem of a learner or lecturer row, named by its API
//! field, so that create, update and import report the same way.

use chrono::{Datelike, NaiveDate};

use super::model::{Learner, Lecturer, PartyStatus};
use crate::problem::ProblemItem;
use crate::text::looks_like_email;

struct Check(Vec<ProblemItem>);

impl Check {
    fn bad(&mut self, ok: bool, field: &str, msg: &str) {
        if !ok {
            self.0.push(ProblemItem::field(field, msg));
        }
    }
    fn text(&mut self, v: &Option<String>, field: &str, max: usize) {
        self.bad(
            v.as_ref().is_none_or(|s| s.chars().count() <= max),
            field,
            &format!("must be at most {max} characters"),
        );
    }
    fn contact(&mut self, email: &Option<String>, phone: &Option<String>, national_id: &Option<String>) {
        self.bad(
            email.as_deref().is_none_or(|e| looks_like_email(e) && e.len() <= 254),
            "email",
            "is not an e-mail address",
        );
        self.bad(
            phone.as_deref().is_none_or(|s| {
                (6..=20).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit() || "+ .-()".contains(c))
            }),
            "phone",
            "must be a phone number of 6 to 20 characters",
        );
        self.bad(
            national_id
                .as_deref()
                .is_none_or(|s| (s.len() == 9 || s.len() == 12) && s.chars().all(|c| c.is_ascii_digit())),
            "national_id",
            "must be 9 or 12 digits (CMND or CCCD)",
        );
    }
    fn name(&mut self, full: &str) {
        self.bad(!full.is_empty() && full.chars().count() <= 120, "full_name", "must be 1 to 120 characters");
        self.bad(
            !full.chars().any(|c| c.is_ascii_digit() || "@#$%^&*<>{}[]|\\/".contains(c)),
            "full_name",
            "may not contain digits or symbols",
        );
    }
}

/// Every problem of a learner record as of `today`.
pub fn learner_problems(l: &Learner, today: NaiveDate) -> Vec<ProblemItem> {
    let mut c = Check(Vec::new());
    c.name(&l.full_name);
    let age = today.year() - l.date_of_birth.year();
    c.bad(l.date_of_birth < today && (15..=100).contains(&age), "date_of_birth", "must give an age between 15 and 100");
    for (v, f) in [
        (&l.ethnicity, "ethnicity"),
        (&l.hometown, "hometown"),
        (&l.workplace, "workplace"),
        (&l.position, "position"),
        (&l.sending_unit, "sending_unit"),
        (&l.prior_llct_credential, "prior_llct_credential"),
        (&l.succession_post, "succession_post"),
    ] {
        c.text(v, f, 200);
    }
    for (d, f) in [(l.committee_member_since, "committee_member_since"), (l.succession_since, "succession_since")] {
        c.bad(
            d.is_none_or(|d| d > l.date_of_birth && d <= today),
            f,
            "must be after the date of birth and not in the future",
        );
    }
    c.bad(
        l.succession_since.is_none() || l.succession_post.is_some(),
        "succession_since",
        "needs the post of the succession plan (succession_post)",
    );
    c.contact(&l.email, &l.phone, &l.national_id);
    match l.party_status {
        PartyStatus::None => {
            c.bad(
                l.party_admission_date.is_none() && l.party_official_date.is_none(),
                "party_status",
                "is none, so party dates must be empty",
            );
        }
        PartyStatus::Probationary => {
            c.bad(l.party_official_date.is_none(), "party_official_date", "must be empty for a probationary member");
        }
        PartyStatus::Full => {}
    }
    if let Some(d) = l.party_admission_date {
        c.bad(
            d > l.date_of_birth && d <= today,
            "party_admission_date",
            "must be after the date of birth and not in the future",
        );
    }
    if let Some(d) = l.party_official_date {
        c.bad(
            d <= today && l.party_admission_date.is_none_or(|a| d >= a),
            "party_official_date",
            "must be on or after the admission date and not in the future",
        );
    }
    if let Some(y) = l.prior_llct_year {
        c.bad((1950..=today.year()).contains(&y), "prior_llct_year", "must be a year between 1950 and this year");
    }
    let ratings = &l.performance_ratings.0;
    let mut years: Vec<i32> = ratings.iter().map(|r| r.year).collect();
    years.sort_unstable();
    years.dedup();
    c.bad(years.len() == ratings.len(), "performance_ratings", "has two ratings for one year");
    c.bad(
        ratings.iter().all(|r| (1990..=today.year()).contains(&r.year)),
        "performance_ratings",
        "years must be between 1990 and this year",
    );
    c.0
}

/// Every problem of a lecturer record as of `today`.
pub fn lecturer_problems(l: &Lecturer, today: NaiveDate) -> Vec<ProblemItem> {
    let mut c = Check(Vec::new());
    c.name(&l.full_name);
    if let Some(d) = l.date_of_birth {
        let age = today.year() - d.year();
        c.bad(d < today && (18..=100).contains(&age), "date_of_birth", "must give an age between 18 and 100");
    }
    for (v, f) in [
        (&l.academic_title, "academic_title"),
        (&l.rate_category, "rate_category"),
        (&l.workplace, "workplace"),
        (&l.position, "position"),
    ] {
        c.text(v, f, 200);
    }
    c.contact(&l.email, &l.phone, &l.national_id);
    c.bad(l.subjects.0.len() <= 100, "subjects", "may list at most 100 subjects");
    c.bad(
        l.subjects.0.iter().all(|s| !s.trim().is_empty() && s.chars().count() <= 100),
        "subjects",
        "each subject must be 1 to 100 characters",
    );
    c.bad(
        l.probation_year.is_none_or(|y| (1990..=2100).contains(&y)),
        "probation_year",
        "must be between 1990 and 2100",
    );
    c.bad(
        l.norm_adjustment_pct.is_none_or(|p| (-15..=15).contains(&p)),
        "norm_adjustment_pct",
        "must be between -15 and 15",
    );
    for (d, f) in [
        (l.degree_on, "degree_on"),
        (l.llct_level_on, "llct_level_on"),
        (l.teaching_certificate_on, "teaching_certificate_on"),
    ] {
        c.bad(d.is_none_or(|d| d <= today), f, "is in the future");
    }
    c.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::model::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub fn learner() -> Learner {
        let t = d(2026, 1, 1).and_hms_opt(0, 0, 0).unwrap();
        Learner {
            id: crate::db::ids::LearnerId::new(),
            institution_id: crate::db::ids::InstitutionId::new(),
            user_id: None,
            full_name: "Nguyễn Văn An".into(),
            family_name: "Nguyễn".into(),
            middle_name: "Văn".into(),
            given_name: "An".into(),
            name_key: "nguyen van an".into(),
            sort_key: String::new(),
            date_of_birth: d(1985, 5, 1),
            gender: Gender::Male,
            ethnicity: Some("Kinh".into()),
            hometown: None,
            national_id: Some("001085012345".into()),
            workplace: None,
            position: None,
            sending_unit: None,
            education_level: EducationLevel::University,
            party_status: PartyStatus::Full,
            party_admission_date: Some(d(2010, 3, 1)),
            party_official_date: Some(d(2011, 3, 1)),
            mass_org_member: false,
            local_official: true,
            prior_llct_level: LlctLevel::Elementary,
            prior_llct_year: Some(2015),
            prior_llct_credential: None,
            performance_ratings: Ratings(vec![Rating { year: 2024, grade: RatingGrade::Good }]),
            email: None,
            phone: Some("0912 345 678".into()),
            version: 1,
            created_at: t,
            updated_at: t,
            committee_member_since: None,
            succession_post: None,
            succession_since: None,
        }
    }

    fn fields(l: &Learner) -> Vec<String> {
        learner_problems(l, d(2026, 11, 28)).into_iter().filter_map(|p| p.field).collect()
    }

    #[test]
    fn a_valid_learner_has_no_problems() {
        assert!(fields(&learner()).is_empty(), "{:?}", fields(&learner()));
    }

    #[test]
    fn each_problem_is_named() {
        let mut l = learner();
        l.date_of_birth = d(2020, 1, 1);
        l.national_id = Some("12345".into());
        l.party_official_date = Some(d(2009, 1, 1));
        l.prior_llct_year = Some(2030);
        l.performance_ratings.0.push(Rating { year: 2024, grade: RatingGrade::Excellent });
        l.email = Some("not an email".into());
        assert_eq!(
            fields(&l),
            vec![
                "date_of_birth",
                "email",
                "national_id",
                "party_admission_date",
                "party_official_date",
                "prior_llct_year",
                "performance_ratings"
            ]
        );
        let mut l = learner();
        l.party_status = PartyStatus::None;
        assert_eq!(fields(&l), vec!["party_status"]);
        let mut l = learner();
        l.party_status = PartyStatus::Probationary;
        assert_eq!(fields(&l), vec!["party_official_date"]);
    }
}
