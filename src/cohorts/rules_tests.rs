//! Table tests of the class rules: one row per edge.
use super::*;
use crate::people::model::{Rating, Ratings};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn learner() -> Learner {
    let t = d(2026, 1, 1).and_hms_opt(0, 0, 0).unwrap();
    let mut l = crate::people::dto::blank_learner(crate::db::ids::InstitutionId::new(), t);
    l.full_name = "Nguyễn Văn An".into();
    l.date_of_birth = d(1990, 6, 15);
    l.gender = Gender::Male;
    l.education_level = EducationLevel::University;
    l.party_status = PartyStatus::Full;
    l.prior_llct_level = LlctLevel::Elementary;
    l.performance_ratings = Ratings(vec![
        Rating { year: 2025, grade: RatingGrade::Good },
        Rating { year: 2024, grade: RatingGrade::Excellent },
    ]);
    l
}

fn codes(l: &Learner, level: Level, mode: Mode, rules: &EligibilityRules, overlapping: &[String]) -> Vec<String> {
    let facts = ClassFacts {
        level,
        mode,
        rules,
        starts_on: d(2026, 3, 1),
        overlapping,
        held: LlctLevel::None,
        evidenced: LlctLevel::None,
        evidence_required: false,
        audience: None,
    };
    eligibility(l, &facts).into_iter().filter_map(|p| p.code).collect()
}

#[test]
fn a_level_held_by_credential_counts_as_declared() {
    let mut l = learner();
    l.prior_llct_level = LlctLevel::None;
    let with = |held| -> Vec<String> {
        let facts = ClassFacts {
            level: Level::Intermediate,
            mode: Mode::InService,
            rules: &EligibilityRules::qd350(),
            starts_on: d(2026, 3, 1),
            overlapping: &[],
            held,
            evidenced: held,
            evidence_required: false,
            audience: None,
        };
        eligibility(&l, &facts).into_iter().filter_map(|p| p.code).collect()
    };
    // (credential issued here, nothing declared) → refusals for intermediate
    for (held, want) in [
        (LlctLevel::None, vec!["prerequisite_level"]),
        (LlctLevel::Elementary, vec![]),
        (LlctLevel::Intermediate, vec!["already_holds_level"]),
        (LlctLevel::Advanced, vec!["already_holds_level"]),
    ] {
        assert_eq!(with(held), want, "{held:?}");
    }
    // (program level) → what its credential gives; a refresher course gives no level
    for (level, gives) in [
        (Level::Refresher, LlctLevel::None),
        (Level::Elementary, LlctLevel::Elementary),
        (Level::Intermediate, LlctLevel::Intermediate),
        (Level::Advanced, LlctLevel::Advanced),
    ] {
        assert_eq!(level_given(level), gives);
    }
    assert_eq!(higher(LlctLevel::Intermediate, LlctLevel::Elementary), LlctLevel::Intermediate);
    let (a, b) = (CertificateId::new(), CertificateId::new());
    let cert = |l, id| (l, id, format!("S-{id}"));
    let show = |h: LevelHeld| (h.level, h.evidence, h.certificate_id);
    // (declared, issued here) → (level held, evidence, credential)
    for (declared, issued, want) in [
        (LlctLevel::None, vec![], (LlctLevel::None, Evidence::None, None)),
        (LlctLevel::Elementary, vec![], (LlctLevel::Elementary, Evidence::Declared, None)),
        (LlctLevel::None, vec![cert(Level::Elementary, a)], (LlctLevel::Elementary, Evidence::Issued, Some(a))),
        (LlctLevel::Elementary, vec![cert(Level::Elementary, a)], (LlctLevel::Elementary, Evidence::Issued, Some(a))),
        (
            LlctLevel::None,
            vec![cert(Level::Elementary, a), cert(Level::Intermediate, b)],
            (LlctLevel::Intermediate, Evidence::Issued, Some(b)),
        ),
        (
            LlctLevel::Intermediate,
            vec![cert(Level::Elementary, a)],
            (LlctLevel::Intermediate, Evidence::Declared, None),
        ),
        (LlctLevel::None, vec![cert(Level::Refresher, a)], (LlctLevel::None, Evidence::None, None)),
    ] {
        assert_eq!(show(level_held(declared, &issued, &[])), want, "{declared:?} {issued:?}");
    }
    assert_eq!(higher(LlctLevel::None, LlctLevel::Elementary), LlctLevel::Elementary);
}

#[test]
fn a_copied_record_counts_and_evidence_can_be_asked_for() {
    let (c, r) = (CertificateId::new(), CredentialRecordId::new());
    let issued = |l| vec![(l, c, "GCN-1".to_string())];
    let recorded = |l| vec![(l, r, "SC-2014-1".to_string())];
    let show = |h: LevelHeld| (h.level, h.evidence, h.certificate_id.is_some(), h.record_id.is_some());
    use Evidence::{Declared, Issued, Recorded};
    // (declared, issued here, copied) → (level, evidence, credential?, record?)
    for (declared, i, rec, want) in [
        (LlctLevel::None, vec![], recorded(LlctLevel::Elementary), (LlctLevel::Elementary, Recorded, false, true)),
        (
            LlctLevel::Elementary,
            vec![],
            recorded(LlctLevel::Elementary),
            (LlctLevel::Elementary, Recorded, false, true),
        ),
        (
            LlctLevel::Intermediate,
            vec![],
            recorded(LlctLevel::Elementary),
            (LlctLevel::Intermediate, Declared, false, false),
        ),
        (
            LlctLevel::None,
            issued(Level::Elementary),
            recorded(LlctLevel::Elementary),
            (LlctLevel::Elementary, Issued, true, false),
        ),
        (
            LlctLevel::None,
            issued(Level::Elementary),
            recorded(LlctLevel::Intermediate),
            (LlctLevel::Intermediate, Recorded, false, true),
        ),
        (
            LlctLevel::None,
            issued(Level::Intermediate),
            recorded(LlctLevel::Elementary),
            (LlctLevel::Intermediate, Issued, true, false),
        ),
    ] {
        assert_eq!(show(level_held(declared, &i, &rec)), want, "{declared:?} {i:?} {rec:?}");
    }
    // (declared, evidenced, evidence asked for) → refusal for an intermediate class
    let mut l = learner();
    for (declared, evidenced, asked, want) in [
        (LlctLevel::Elementary, LlctLevel::None, false, None),
        (LlctLevel::Elementary, LlctLevel::None, true, Some("prerequisite_not_evidenced")),
        (LlctLevel::None, LlctLevel::None, true, Some("prerequisite_level")),
        (LlctLevel::None, LlctLevel::Elementary, true, None),
        (LlctLevel::Elementary, LlctLevel::Elementary, true, None),
    ] {
        l.prior_llct_level = declared;
        let facts = ClassFacts {
            level: Level::Intermediate,
            mode: Mode::FullTime,
            rules: &EligibilityRules::qd350(),
            starts_on: d(2026, 3, 1),
            overlapping: &[],
            held: evidenced,
            evidenced,
            evidence_required: asked,
            audience: None,
        };
        let codes: Vec<String> = eligibility(&l, &facts).into_iter().filter_map(|p| p.code).collect();
        assert_eq!(codes.first().map(String::as_str), want, "{declared:?} {evidenced:?} {asked}");
        assert!(codes.len() <= 1, "{codes:?}");
    }
    assert!(needs_evidence(&[Level::Intermediate], Level::Intermediate));
    assert!(!needs_evidence(&[Level::Intermediate], Level::Advanced));
}

#[test]
fn refresher_courses_for_new_members_and_for_people_not_yet_members() {
    let set = EligibilityRules::qd350();
    let run = |status: PartyStatus, admitted: Option<NaiveDate>, audience: Option<Audience>| {
        let mut l = learner();
        l.party_status = status;
        l.party_admission_date = admitted;
        let facts = ClassFacts {
            level: Level::Refresher,
            mode: Mode::FullTime,
            rules: &set,
            starts_on: d(2026, 3, 1),
            overlapping: &[],
            held: LlctLevel::None,
            evidenced: LlctLevel::None,
            evidence_required: false,
            audience,
        };
        eligibility(&l, &facts).into_iter().filter_map(|p| p.code).collect::<Vec<_>>()
    };
    use PartyStatus::{Full, Probationary};
    let (new, prospective) = (Some(Audience::NewPartyMembers), Some(Audience::ProspectiveMembers));
    // (party status, admitted, audience) → refusals; the probation is 12 months
    type Row = (PartyStatus, Option<NaiveDate>, Option<Audience>, &'static [&'static str]);
    let table: [Row; 8] = [
        (Probationary, Some(d(2025, 9, 1)), new, &[]),
        (Probationary, Some(d(2025, 3, 1)), new, &[]),
        (Probationary, Some(d(2025, 2, 28)), new, &["probation_over"]),
        (Probationary, None, new, &[]),
        (Full, Some(d(2015, 3, 1)), new, &["new_party_member"]),
        (PartyStatus::None, None, new, &["new_party_member"]),
        (PartyStatus::None, None, prospective, &[]),
        (Probationary, Some(d(2025, 9, 1)), prospective, &["already_party_member"]),
    ];
    for (i, (status, admitted, audience, want)) in table.into_iter().enumerate() {
        assert_eq!(run(status, admitted, audience), want, "row {i}");
    }
    assert!(run(Full, None, None).is_empty());
}

#[test]
fn an_eligible_intermediate_learner() {
    assert!(codes(&learner(), Level::Intermediate, Mode::InService, &EligibilityRules::qd350(), &[]).is_empty());
}

#[test]
fn each_intermediate_rule_alone() {
    let run = |f: &dyn Fn(&mut Learner)| {
        let mut l = learner();
        f(&mut l);
        codes(&l, Level::Intermediate, Mode::InService, &EligibilityRules::qd350(), &[])
    };
    assert_eq!(run(&|l| l.party_status = PartyStatus::None), vec!["party_membership"]);
    assert!(run(&|l| l.party_status = PartyStatus::Probationary).is_empty());
    assert_eq!(run(&|l| l.education_level = EducationLevel::UpperSecondary), vec!["education"]);
    assert_eq!(run(&|l| l.performance_ratings.0.pop().map(|_| ()).unwrap()), vec!["performance_rating"]);
    assert_eq!(run(&|l| l.prior_llct_level = LlctLevel::None), vec!["prerequisite_level"]);
    assert_eq!(run(&|l| l.prior_llct_level = LlctLevel::Intermediate), vec!["already_holds_level"]);
    // Age edges: a man of 30 at the start is old enough, of 29 is not; women from 28.
    assert!(run(&|l| l.date_of_birth = d(1996, 3, 1)).is_empty());
    assert_eq!(run(&|l| l.date_of_birth = d(1996, 3, 2)), vec!["in_service_age"]);
    assert!(run(&|l| {
        l.gender = Gender::Female;
        l.date_of_birth = d(1998, 3, 1)
    })
    .is_empty());
}

#[test]
fn the_old_regulation_keeps_its_ages() {
    let mut l = learner();
    l.date_of_birth = d(1993, 1, 1); // 33 at the start
    assert!(codes(&l, Level::Intermediate, Mode::InService, &EligibilityRules::qd350(), &[]).is_empty());
    assert_eq!(codes(&l, Level::Intermediate, Mode::InService, &EligibilityRules::qd57(), &[]), vec!["in_service_age"]);
    assert!(codes(&l, Level::Intermediate, Mode::FullTime, &EligibilityRules::qd57(), &[]).is_empty());
}

#[test]
fn several_rules_at_once() {
    let mut l = learner();
    l.party_status = PartyStatus::Probationary;
    l.education_level = EducationLevel::College;
    l.prior_llct_level = LlctLevel::Elementary;
    let c = codes(&l, Level::Advanced, Mode::InService, &EligibilityRules::qd350(), &["TC-01".to_string()]);
    assert_eq!(
        c,
        vec!["full_party_membership", "education", "prerequisite_level", "in_service_age", "overlapping_class"]
    );
}

#[test]
fn elementary_membership() {
    let mut l = learner();
    l.party_status = PartyStatus::None;
    l.prior_llct_level = LlctLevel::None;
    assert_eq!(codes(&l, Level::Elementary, Mode::FullTime, &EligibilityRules::qd350(), &[]), vec!["membership"]);
    l.mass_org_member = true;
    assert!(codes(&l, Level::Elementary, Mode::FullTime, &EligibilityRules::qd350(), &[]).is_empty());
}

#[test]
fn lifecycle() {
    use CohortStatus::*;
    assert_eq!(transition(Planned, Action::OpenEnrolment), Ok(Enrolling));
    assert_eq!(transition(Enrolling, Action::Start), Ok(InProgress));
    assert_eq!(transition(InProgress, Action::Close), Ok(Closed));
    assert_eq!(transition(InProgress, Action::Cancel), Ok(Cancelled));
    assert!(transition(Closed, Action::Cancel).is_err());
    assert!(transition(Cancelled, Action::Start).is_err());
    assert!(transition(Planned, Action::Close).is_err());
    assert!(transition(InProgress, Action::OpenEnrolment).is_err());
}

#[test]
fn enrolment_requests_and_overrides() {
    let l = crate::db::ids::LearnerId::new();
    let o = |rule: &str, reason: &str| OverrideIn { rule: rule.into(), reason: reason.into() };
    let one = |overrides| EnrolLearner { learner_id: l, overrides };
    let fields =
        |list: &[EnrolLearner]| -> Vec<String> { enrol_problems(list).into_iter().filter_map(|p| p.field).collect() };
    // (request) → fields refused
    for (list, want) in [
        (vec![], vec!["learners"]),
        (vec![one(vec![])], vec![]),
        (vec![one(vec![]), one(vec![])], vec!["learners[1].learner_id"]),
        (vec![one(vec![o("age", "  ")])], vec!["learners[0].overrides[0].reason"]),
        (vec![one(vec![o("age", "duyệt đặc cách")])], vec![]),
    ] {
        assert_eq!(fields(&list), want, "{list:?}");
    }
    assert_eq!(fields(&vec![one(vec![]); 1001]).first().map(String::as_str), Some("learners"));

    let failed: Vec<ProblemItem> = ["age", "overlap"].iter().map(|c| ProblemItem::rule(*c, *c)).collect();
    // (overrides sent) → (codes still refused, rules overridden)
    for (sent, refused, kept) in [
        (vec![], vec!["age", "overlap"], vec![]),
        (vec![o("age", " lý do ")], vec!["overlap"], vec![("age", "lý do")]),
        (vec![o("age", "a"), o("overlap", "b")], vec![], vec![("age", "a"), ("overlap", "b")]),
        // An override of a rule that passed is not recorded.
        (vec![o("party_member", "c")], vec!["age", "overlap"], vec![]),
    ] {
        let (r, k) = apply_overrides("learners[2]", "Lê Thị B", &failed, &sent);
        assert_eq!(r.iter().filter_map(|p| p.code.as_deref()).collect::<Vec<_>>(), refused);
        assert!(r.iter().all(|p| p.field.as_deref() == Some("learners[2]") && p.message.starts_with("Lê Thị B: ")));
        let k: Vec<(&str, &str)> = k.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(k, kept);
    }
}

#[test]
fn a_lecturer_qualified_for_a_module() {
    let subjects = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    // (subjects, module code, title) → qualified
    for (have, code, title, want) in [
        (subjects(&["TC1"]), "TC1", "Triết học Mác - Lênin", true),
        (subjects(&["tc1"]), "TC1", "Triết học Mác - Lênin", true),
        (subjects(&["triết học mác - lênin"]), "TC1", "Triết học Mác - Lênin", true),
        (subjects(&["TC2"]), "TC1", "Triết học Mác - Lênin", false),
        (subjects(&["Kinh tế chính trị"]), "TC1", "Triết học Mác - Lênin", false),
        (subjects(&[]), "TC1", "Triết học Mác - Lênin", false),
    ] {
        assert_eq!(qualified(&have, code, title), want, "{have:?} {code}");
    }
}

#[test]
fn a_lecturer_up_to_the_standard_of_the_level_taught() {
    use crate::people::model::Degree;
    let base = || {
        let mut l = crate::people::lecturer_dto::blank_lecturer(
            crate::db::ids::InstitutionId::new(),
            d(2026, 1, 1).and_hms_opt(0, 0, 0).unwrap(),
        );
        l.degree = Some(Degree::Master);
        l.llct_level = LlctLevel::Intermediate;
        l.teaching_certificate_on = Some(d(2015, 6, 1));
        l
    };
    let codes = |edit: fn(&mut crate::people::model::Lecturer), level: Level| {
        let mut l = base();
        edit(&mut l);
        standard_refusals(&l, level).into_iter().filter_map(|p| p.code).collect::<Vec<_>>()
    };
    type Edit = fn(&mut crate::people::model::Lecturer);
    // (change, level taught) → standards broken
    let table: [(Edit, Level, &[&str]); 8] = [
        (|_| {}, Level::Intermediate, &[]),
        (|_| {}, Level::Elementary, &[]),
        (|_| {}, Level::Refresher, &[]),
        (|_| {}, Level::Advanced, &["lecturer_llct_level"]),
        (|l| l.llct_level = LlctLevel::Advanced, Level::Advanced, &[]),
        (|l| l.degree = None, Level::Elementary, &["lecturer_degree"]),
        (|l| l.teaching_certificate_on = None, Level::Elementary, &["teaching_certificate"]),
        (|l| l.llct_level = LlctLevel::None, Level::Elementary, &["lecturer_llct_level"]),
    ];
    for (i, (edit, level, want)) in table.into_iter().enumerate() {
        assert_eq!(codes(edit, level), want, "row {i}");
    }
}

#[test]
fn a_class_takes_enrolments_until_it_closes() {
    use CohortStatus::*;
    for (status, takes) in
        [(Planned, true), (Enrolling, true), (InProgress, true), (Closing, false), (Closed, false), (Cancelled, false)]
    {
        assert_eq!(accepts_enrolment(status), takes, "{status}");
        match not_enrolling(status) {
            None => assert!(takes, "{status}"),
            Some(why) => assert!(!takes && why.contains(status.as_str()), "{status}: {why}"),
        }
    }
}
