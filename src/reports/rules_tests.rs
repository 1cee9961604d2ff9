//! Table tests of the report rules: norms, workload, periods and roll-ups.
use super::*;
use chrono::NaiveDate;

fn ids() -> (InstitutionId, InstitutionId, InstitutionId) {
    (InstitutionId::new(), InstitutionId::new(), InstitutionId::new())
}

fn facts(kind: LecturerKind, rank: LecturerRank) -> LecturerFacts {
    LecturerFacts {
        id: LecturerId::new(),
        full_name: "Nguyễn Văn A".into(),
        institution_id: InstitutionId::new(),
        kind,
        rank,
        probation_year: None,
        adjustment_pct: None,
    }
}

#[test]
fn norms_by_kind_rank_probation_and_adjustment() {
    use LecturerKind::*;
    use LecturerRank::*;
    let n = Norms::default();
    // (kind, rank, probation year, adjustment) → the norm in 2026
    let table = [
        (FullTime, Lecturer, None, None, Some(270)),
        (FullTime, PrincipalLecturer, None, None, Some(290)),
        (FullTime, SeniorLecturer, None, None, Some(310)),
        (Concurrent, SeniorLecturer, None, None, None),
        (Visiting, Lecturer, None, None, None),
        (FullTime, Lecturer, Some(2026), None, Some(90)),
        (FullTime, Lecturer, Some(2025), None, Some(270)),
        (FullTime, Lecturer, None, Some(15), Some(311)),
        (FullTime, Lecturer, None, Some(-15), Some(230)),
        (FullTime, SeniorLecturer, None, Some(40), Some(357)),
        (FullTime, Lecturer, Some(2026), Some(10), Some(99)),
    ];
    for (kind, rank, probation, adj, want) in table {
        let l = LecturerFacts { probation_year: probation, adjustment_pct: adj, ..facts(kind, rank) };
        assert_eq!(norm(&l, 2026, &n), want, "{kind:?} {rank:?} {probation:?} {adj:?}");
    }
    let other = Norms { lecturer: 280, ..n };
    assert_eq!(norm(&facts(FullTime, Lecturer), 2026, &other), Some(280));
}

#[test]
fn workload_counts_periods_against_the_norm_pro_rata() {
    let at = |h: u32, m: u32| NaiveDate::from_ymd_opt(2025, 3, 3).unwrap().and_hms_opt(h, m, 0).unwrap();
    let who = facts(LecturerKind::FullTime, LecturerRank::Lecturer);
    let l = who.id;
    // 7:30–11:15 is 5 periods; 13:30–15:00 is 2.
    let taught = [(l, at(7, 30), at(11, 15)), (l, at(13, 30), at(15, 0))];
    let n = Norms::default();
    let none = OtherWork::default();
    let rows = workload(&taught, &none, vec![who.clone()], (73, 2025), &n);
    assert_eq!(rows[0].sessions, 2);
    assert_eq!((rows[0].periods, rows[0].standard_hours), (7.0, 7.0));
    assert_eq!(rows[0].norm_for_period, Some(54.0)); // 270 × 73 / 365
    assert_eq!(rows[0].percent_of_norm, Some(13.0));
    // 20 papers at 0.25 and 3 reports at 0.5 add 6.5 standard hours to the 7 periods.
    let other = OtherWork { papers: [(l, 20)].into(), reports: [(l, 3)].into(), ..OtherWork::default() };
    let rows = workload(&taught, &other, vec![who.clone()], (73, 2025), &n);
    assert_eq!((rows[0].papers_marked, rows[0].reports_graded, rows[0].standard_hours), (20, 3, 13.5));
    assert_eq!(rows[0].percent_of_norm, Some(25.0));
    let weighed = Norms { paper_hours: 0.5, report_hours: 0.0, ..n };
    assert_eq!(workload(&taught, &other, vec![who.clone()], (73, 2025), &weighed)[0].standard_hours, 17.0);
    // Two days of field study guided add 6 more at 3 a day, 8 at 4.
    let guided = OtherWork { field_days: [(l, 2)].into(), ..other };
    let rows = workload(&taught, &guided, vec![who.clone()], (73, 2025), &n);
    assert_eq!((rows[0].field_study_days, rows[0].standard_hours), (2, 19.5));
    let four = Norms { field_day_hours: 4.0, ..n };
    assert_eq!(workload(&taught, &guided, vec![who.clone()], (73, 2025), &four)[0].standard_hours, 21.5);
    // Three sittings invigilated at 0.5 each.
    let watched = OtherWork { sittings: [(l, 3)].into(), ..guided };
    let rows = workload(&taught, &watched, vec![who.clone()], (73, 2025), &n);
    assert_eq!((rows[0].sittings_invigilated, rows[0].standard_hours), (3, 21.0));
    let everyone: Vec<LecturerId> = watched.lecturers().collect();
    assert!(!everyone.is_empty() && everyone.iter().all(|x| *x == l));
    let visiting = LecturerFacts { kind: LecturerKind::Visiting, ..who.clone() };
    let rows = workload(&taught, &none, vec![visiting], (73, 2025), &n);
    assert_eq!((rows[0].annual_norm, rows[0].norm_for_period, rows[0].percent_of_norm), (None, None, None));
    let rows = workload(&[], &none, vec![who], (0, 2025), &n);
    assert_eq!((rows[0].sessions, rows[0].periods, rows[0].percent_of_norm), (0, 0.0, None));
}

#[test]
fn a_summary_rolls_classes_up_the_tree() {
    let (prov, dist, other) = ids();
    let insts = vec![
        (prov, "Tỉnh".to_string(), "/p/".to_string()),
        (dist, "Huyện".to_string(), "/p/d/".to_string()),
        (other, "Khác".to_string(), "/o/".to_string()),
    ];
    let (a, b, c) = (CohortId::new(), CohortId::new(), CohortId::new());
    let facts = YearFacts {
        cohorts: vec![
            (a, prov, ProgramId::new(), Level::Elementary, Mode::FullTime, CohortStatus::Closed),
            (b, dist, ProgramId::new(), Level::Elementary, Mode::FullTime, CohortStatus::InProgress),
            (c, dist, ProgramId::new(), Level::Intermediate, Mode::InService, CohortStatus::Closed),
        ],
        enrolled: vec![(a, "enrolled".into(), 10), (a, "withdrawn".into(), 1), (b, "enrolled".into(), 5)],
        outcomes: vec![
            (a, "graduated".into(), Some("kha".into()), 7),
            (a, "graduated".into(), None, 1),
            (a, "failed".into(), None, 2),
            (c, "pending".into(), None, 3),
        ],
        failures: vec![(a, "attendance".into(), 1), (a, "exam".into(), 2)],
    };
    let rows = summarise(&insts, &per_class(facts));
    let row = |i: InstitutionId, l: Level| rows.iter().find(|r| r.institution_id == i && r.level == l).unwrap();
    let p = row(prov, Level::Elementary);
    assert_eq!((p.own.cohorts, p.own.closed_cohorts, p.own.trainee_turns, p.own.withdrawn), (1, 1, 10, 1));
    assert_eq!((p.own.graduated, p.own.failed), (8, 2));
    assert_eq!(p.own.by_classification.get("kha"), Some(&7));
    assert_eq!(p.own.by_classification.get("none"), Some(&1));
    assert_eq!(p.own.failed_on.get("exam"), Some(&2));
    assert_eq!(p.own.failed_on.get("attendance"), Some(&1));
    assert_eq!((p.including_children.cohorts, p.including_children.trainee_turns), (2, 15));
    // The province has an intermediate row only through its district.
    let pi = row(prov, Level::Intermediate);
    assert_eq!((pi.own.cohorts, pi.including_children.cohorts, pi.including_children.pending), (0, 1, 3));
    let d = row(dist, Level::Elementary);
    assert_eq!(d.own, d.including_children);
    assert_eq!(d.own.trainee_turns, 5);
    // An institution without classes has no rows; rows follow the order given.
    assert!(rows.iter().all(|r| r.institution_id != other));
    assert_eq!(rows.iter().map(|r| r.institution_id).collect::<Vec<_>>(), vec![prov, prov, dist, dist]);
}

#[test]
fn categories_on_the_first_day() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let start = d(2026, 3, 2);
    let none = LearnerFacts::default();
    // (learner, categories on 2 March 2026)
    let rows: Vec<(LearnerFacts, Vec<Category>)> = vec![
        (none.clone(), vec![]),
        (LearnerFacts { female: true, ..none.clone() }, vec![Category::Female]),
        (
            LearnerFacts { committee_member_since: Some(d(2020, 1, 1)), ..none.clone() },
            vec![Category::PartyCommitteeMember],
        ),
        (LearnerFacts { committee_member_since: Some(d(2026, 6, 1)), ..none.clone() }, vec![]),
        (LearnerFacts { succession_post: Some("Phó Bí thư".into()), ..none.clone() }, vec![Category::SuccessionPlan]),
        (
            LearnerFacts {
                succession_post: Some("Phó Bí thư".into()),
                succession_since: Some(d(2026, 4, 1)),
                ..none.clone()
            },
            vec![],
        ),
        (LearnerFacts { party_admission_date: Some(d(2025, 6, 1)), ..none.clone() }, vec![Category::NewPartyMember]),
        (LearnerFacts { party_admission_date: Some(d(2024, 6, 1)), ..none.clone() }, vec![]),
        (
            LearnerFacts { party_admission_date: Some(d(2024, 6, 1)), probationary: true, ..none.clone() },
            vec![Category::NewPartyMember],
        ),
        (LearnerFacts { ethnicity: Some("Tày".into()), ..none.clone() }, vec![Category::EthnicMinority]),
        (LearnerFacts { ethnicity: Some(" KINH ".into()), ..none.clone() }, vec![]),
        (LearnerFacts { ethnicity: Some("".into()), ..none.clone() }, vec![]),
    ];
    for (l, want) in rows {
        assert_eq!(categories(&l, start), want, "{l:?}");
    }
}

#[test]
fn the_period_asked() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let (jan, jun) = (Some(d(2026, 1, 1)), Some(d(2026, 6, 30)));
    type Row = (Option<i32>, Option<NaiveDate>, Option<NaiveDate>, Result<(NaiveDate, NaiveDate), &'static str>);
    let rows: [Row; 8] = [
        (None, None, None, Ok((d(2026, 1, 1), d(2026, 12, 31)))),
        (Some(2025), None, None, Ok((d(2025, 1, 1), d(2025, 12, 31)))),
        (None, jan, jun, Ok((d(2026, 1, 1), d(2026, 6, 30)))),
        (Some(2025), jan, jun, Err("year")),
        (Some(20), None, None, Err("year")),
        (None, jan, None, Err("to")),
        (None, None, jun, Err("from")),
        (None, jun, jan, Err("to")),
    ];
    for (year, from, to, want) in rows {
        let got = period(year, from, to, 2026).map_err(|p| p[0].field.clone().unwrap_or_default());
        assert_eq!(got, want.map_err(str::to_string), "{year:?} {from:?} {to:?}");
    }
}

#[test]
fn field_days_count_only_within_the_period() {
    let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    // (study from, to) within (period from, to) → days
    let table = [
        ((d(3, 2), d(3, 5)), (d(1, 1), d(12, 31)), 4),
        ((d(3, 2), d(3, 2)), (d(1, 1), d(12, 31)), 1),
        ((d(3, 2), d(3, 5)), (d(3, 4), d(12, 31)), 2),
        ((d(3, 2), d(3, 5)), (d(1, 1), d(3, 2)), 1),
        ((d(3, 2), d(3, 5)), (d(3, 6), d(12, 31)), 0),
        ((d(3, 2), d(3, 5)), (d(1, 1), d(3, 1)), 0),
        ((d(2, 27), d(3, 2)), (d(3, 1), d(3, 1)), 1),
    ];
    for ((a, b), (from, to), want) in table {
        assert_eq!(days_within(a, b, from, to), want, "{a} {b} in {from} {to}");
    }
}
