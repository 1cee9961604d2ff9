//! Table tests of the grading and exam rules.

use super::*;
use crate::exams::model::*;

fn grade() -> Grade {
    let t = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    Grade {
        id: crate::db::ids::GradeId::new(),
        exam_id: crate::db::ids::ExamId::new(),
        learner_id: crate::db::ids::LearnerId::new(),
        institution_id: crate::db::ids::InstitutionId::new(),
        code: "123456".into(),
        presence: Presence::Sat,
        value_tenths: None,
        first_tenths: None,
        first_by: None,
        second_tenths: None,
        second_by: None,
        third_tenths: None,
        third_by: None,
        status: GradeStatus::Draft,
        version: 1,
        created_at: t,
        updated_at: t,
    }
}

/// An exam on 1 January 2026, as the test needs it.
fn an_exam(blind: bool, double: bool, status: ExamStatus, published_at: Option<chrono::NaiveDateTime>) -> Exam {
    let t = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    Exam {
        id: crate::db::ids::ExamId::new(),
        cohort_id: crate::db::ids::CohortId::new(),
        institution_id: crate::db::ids::InstitutionId::new(),
        kind: ExamKind::Module,
        module_id: None,
        subject_code: None,
        retake_of_id: None,
        title: String::new(),
        held_on: t.date(),
        place: None,
        form: ExamForm::Written,
        blind,
        double_marking: double,
        grading_deadline: t.date(),
        status,
        sealed_at: None,
        published_at,
        locked_at: None,
        version: 1,
        created_at: t,
        updated_at: t,
        start_time: None,
        duration_minutes: None,
        drawn_by: None,
        drawn_at: None,
        rooms: Default::default(),
    }
}

#[test]
fn marks_have_one_decimal() {
    assert_eq!(tenths(7.5), Ok(75));
    assert_eq!(tenths(10.0), Ok(100));
    assert_eq!(tenths(0.0), Ok(0));
    assert!(tenths(7.25).is_err());
    assert!(tenths(10.1).is_err());
    assert!(tenths(-0.1).is_err());
}

#[test]
fn rounding_half_up() {
    assert_eq!(mean_half_up(75, 80), 78);
    assert_eq!(mean_half_up(49, 50), 50);
    assert_eq!(mean_half_up(70, 70), 70);
    // 4.95, 6.95, 8.95 round up to 5.0, 7.0, 9.0.
    assert_eq!(weighted_half_up(&[(49, 1), (50, 1)]), Some(50));
    assert_eq!(weighted_half_up(&[(69, 1), (70, 1)]), Some(70));
    assert_eq!(weighted_half_up(&[(89, 1), (90, 1)]), Some(90));
    // 4.94 stays 4.9: weights 3 and 2 → (49·3 + 50·2)/5 = 49.4.
    assert_eq!(weighted_half_up(&[(49, 3), (50, 2)]), Some(49));
    // Weighted by hours: 60 periods at 8.0 and 30 at 5.0 → 7.0.
    assert_eq!(weighted_half_up(&[(80, 60), (50, 30)]), Some(70));
    assert_eq!(weighted_half_up(&[]), None);
}

#[test]
fn double_marking_and_escalation() {
    let (a, b, c, d) = (LecturerId::new(), LecturerId::new(), LecturerId::new(), LecturerId::new());
    let mut g = grade();
    apply_mark(&mut g, a, 70, true, 10).unwrap();
    assert_eq!(g.value_tenths, None);
    // The second grader cannot see the first mark before marking.
    assert_eq!(visible_to(&g, b), (None, None, None));
    assert_eq!(visible_to(&g, a), (Some(70), None, None));
    apply_mark(&mut g, b, 80, true, 10).unwrap();
    assert_eq!(g.value_tenths, Some(75));
    assert_eq!(visible_to(&g, a), (Some(70), Some(80), None));
    // A gap over 1.0 goes to a third grader, whose mark counts.
    let mut g = grade();
    apply_mark(&mut g, a, 60, true, 10).unwrap();
    apply_mark(&mut g, b, 75, true, 10).unwrap();
    assert!(needs_third(&g, 10));
    assert_eq!(g.value_tenths, None);
    apply_mark(&mut g, c, 70, true, 10).unwrap();
    assert_eq!(g.value_tenths, Some(70));
    assert!(apply_mark(&mut g, d, 90, true, 10).is_err());
    // A grader correcting their own mark stays in their slot; once the two first marks are
    // within the gap again, their mean counts (6.6 and 7.5 → 7.1).
    apply_mark(&mut g, a, 66, true, 10).unwrap();
    assert_eq!((g.first_tenths, g.value_tenths), (Some(66), Some(71)));
    // Exactly the gap is not escalated.
    let mut g = grade();
    apply_mark(&mut g, a, 60, true, 10).unwrap();
    apply_mark(&mut g, b, 70, true, 10).unwrap();
    assert_eq!(g.value_tenths, Some(65));
    assert!(apply_mark(&mut g, c, 90, true, 10).is_err());
}

#[test]
fn codes_are_distinct() {
    let c = codes(300);
    assert_eq!(c.iter().collect::<HashSet<_>>().len(), 300);
    assert!(c.iter().all(|x| x.len() == 6));
}

fn entry(code: Option<&str>, learner: Option<LearnerId>, grade: Option<f64>, presence: Option<Presence>) -> GradeIn {
    GradeIn { code: code.map(str::to_string), learner_id: learner, grade, presence, reason: None }
}

#[test]
fn grade_entries_are_read_all_at_once() {
    let l = Some(LearnerId::new());
    let fields = |e: Vec<GradeIn>| -> Vec<String> {
        read_marks(&e).err().unwrap_or_default().into_iter().filter_map(|p| p.field).collect()
    };
    // (entries) → fields refused
    for (e, want) in [
        (vec![], vec!["entries"]),
        (vec![entry(Some("1"), None, Some(7.5), None)], vec![]),
        (vec![entry(Some("1"), l, Some(7.5), None)], vec!["entries[0]"]),
        (vec![entry(None, None, Some(7.5), None)], vec!["entries[0]"]),
        (vec![entry(Some("1"), None, Some(7.25), None)], vec!["entries[0].grade"]),
        (vec![entry(Some("1"), None, None, None)], vec!["entries[0].grade"]),
        (vec![entry(Some("1"), None, Some(5.0), Some(Presence::Absent))], vec!["entries[0].grade"]),
        (vec![entry(Some("1"), None, None, Some(Presence::Excused))], vec![]),
        (
            vec![entry(None, None, None, None), entry(Some("2"), None, Some(11.0), None)],
            vec!["entries[0]", "entries[0].grade", "entries[1].grade"],
        ),
    ] {
        assert_eq!(fields(e), want);
    }
    let marks =
        read_marks(&[entry(Some("1"), None, Some(7.5), None), entry(Some("2"), None, None, Some(Presence::Absent))]);
    assert_eq!(
        marks.unwrap(),
        vec![Mark { presence: Presence::Sat, tenths: Some(75) }, Mark { presence: Presence::Absent, tenths: None }]
    );
}

#[test]
fn marks_go_in_while_sealed_and_before_the_deadline() {
    let d = |day: u32| NaiveDate::from_ymd_opt(2026, 6, day).unwrap();
    let codes = |status, today| -> Vec<String> {
        entry_refusals(status, d(10), today).into_iter().filter_map(|p| p.code).collect()
    };
    // (status, today) → refusals
    for (status, today, want) in [
        (ExamStatus::Sealed, d(10), vec![]),
        (ExamStatus::Sealed, d(11), vec!["deadline_passed"]),
        (ExamStatus::Planned, d(1), vec!["not_open"]),
        (ExamStatus::Published, d(11), vec!["not_open", "deadline_passed"]),
    ] {
        assert_eq!(codes(status, today), want, "{status:?} {today}");
    }
}

#[test]
fn a_grade_entry_plan() {
    let (me, other, third) = (LecturerId::new(), LecturerId::new(), LecturerId::new());
    let exam = |blind, double| an_exam(blind, double, ExamStatus::Sealed, None);
    let a = Grade { code: "111111".into(), ..grade() };
    let mut b = Grade { code: "222222".into(), ..grade() };
    apply_mark(&mut b, other, 50, true, 10).unwrap();
    apply_mark(&mut b, third, 55, true, 10).unwrap();
    let grades = vec![a.clone(), b.clone()];
    let sat = |t| Mark { presence: Presence::Sat, tenths: Some(t) };
    let plan = |exam: &Exam, e: &[GradeIn], m: &[Mark]| plan_marks(exam, &grades, e, m, me, 10);
    let codes = |r: Result<Vec<MarkChange>, Vec<ProblemItem>>| -> Vec<String> {
        r.err().unwrap_or_default().into_iter().filter_map(|p| p.code).collect()
    };
    // By code and by learner on an open exam.
    let by_code = entry(Some("111111"), None, Some(7.0), None);
    let changes = plan(&exam(false, false), std::slice::from_ref(&by_code), &[sat(70)]).unwrap();
    assert_eq!((changes.len(), changes[0].1.value_tenths), (1, Some(70)));
    let by_learner = entry(None, Some(a.learner_id), Some(7.0), None);
    assert_eq!(plan(&exam(false, false), std::slice::from_ref(&by_learner), &[sat(70)]).unwrap().len(), 1);
    // (exam, entries) → every refusal
    let unknown = entry(Some("999999"), None, Some(7.0), None);
    let full = entry(Some("222222"), None, Some(9.0), None);
    for (ex, e, want) in [
        (exam(true, false), vec![by_learner.clone()], vec!["blind_marking"]),
        (exam(false, false), vec![unknown.clone(), by_code.clone()], vec!["not_a_candidate"]),
        (exam(false, true), vec![full.clone()], vec!["grader_slot"]),
        (
            exam(true, true),
            vec![by_learner.clone(), unknown, full],
            vec!["blind_marking", "not_a_candidate", "grader_slot"],
        ),
    ] {
        let m = vec![sat(70); e.len()];
        assert_eq!(codes(plan(&ex, &e, &m)), want);
    }
    // An entry that changes nothing is left out.
    let mut marked = a.clone();
    apply_mark(&mut marked, me, 70, false, 10).unwrap();
    let grades = vec![marked];
    assert!(plan_marks(&exam(false, false), &grades, &[by_code], &[sat(70)], me, 10).unwrap().is_empty());
}

#[test]
fn appeals_within_the_window_after_publication() {
    let t = |d: u32, h: u32| chrono::NaiveDate::from_ymd_opt(2026, 6, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
    let exam = |status, published_at| an_exam(false, false, status, published_at);
    let codes =
        |e: &Exam, at| -> Vec<String> { appeal_refusals(e, at, 5).into_iter().filter_map(|p| p.code).collect() };
    // (status, published at, now) → refusals, with a 5-day window
    for (status, published, at, want) in [
        (ExamStatus::Sealed, None, t(2, 8), vec!["not_published"]),
        (ExamStatus::Published, Some(t(2, 8)), t(2, 9), vec![]),
        (ExamStatus::Locked, Some(t(2, 8)), t(7, 8), vec![]),
        (ExamStatus::Published, Some(t(2, 8)), t(7, 9), vec!["window_closed"]),
    ] {
        assert_eq!(codes(&exam(status, published), at), want, "{status:?} {at}");
    }
}

#[test]
fn publishing_needs_every_final_grade() {
    use ExamStatus::*;
    // (status, to) → the status it must have first
    for (status, to, want) in [
        (Sealed, Published, None),
        (Planned, Published, Some(Sealed)),
        (Published, Published, Some(Sealed)),
        (Published, Locked, None),
        (Sealed, Locked, Some(Published)),
        (Locked, Locked, Some(Published)),
    ] {
        assert_eq!(finishes_from(status, to), want, "{status:?} → {to:?}");
    }
    let (a, b) = (LecturerId::new(), LecturerId::new());
    let marked = |first: i32, second: i32| {
        let mut g = grade();
        apply_mark(&mut g, a, first, true, 10).unwrap();
        apply_mark(&mut g, b, second, true, 10).unwrap();
        g
    };
    let absent = Grade { presence: Presence::Absent, ..grade() };
    let single = Grade { value_tenths: Some(70), ..grade() };
    let exam = |double| an_exam(false, double, Sealed, None);
    // (exam, grades) → how many are missing
    for (double, grades, want) in [
        (false, vec![single.clone(), absent.clone()], 0),
        (false, vec![grade(), absent.clone()], 1),
        (true, vec![marked(70, 75)], 0),
        (true, vec![marked(50, 80)], 1),
    ] {
        let named: Vec<(Grade, String)> = grades.into_iter().map(|g| (g, "Lê Văn C".to_string())).collect();
        let missing = missing_grades(&exam(double), &named, 10);
        assert_eq!(missing.len(), want, "double={double}");
        assert!(missing
            .iter()
            .all(|p| p.code.as_deref() == Some("grade_missing") && p.message.starts_with("Lê Văn C")));
    }
}

#[test]
fn a_sitting_has_a_time_of_day_and_a_sensible_length() {
    let fields = |t: Option<&str>, m: Option<i32>| {
        sitting_problems(t, m).into_iter().map(|p| p.field.unwrap_or_default()).collect::<Vec<_>>()
    };
    // (start time, minutes) → fields with a problem
    let table: [(Option<&str>, Option<i32>, &[&str]); 9] = [
        (None, None, &[]),
        (Some("07:30"), Some(180), &[]),
        (Some("00:00"), Some(15), &[]),
        (Some("23:59"), Some(600), &[]),
        (Some("24:00"), None, &["start_time"]),
        (Some("7:30"), None, &["start_time"]),
        (Some("07:30:00"), None, &["start_time"]),
        (None, Some(14), &["duration_minutes"]),
        (None, Some(601), &["duration_minutes"]),
    ];
    for (t, m, want) in table {
        assert_eq!(fields(t, m), want, "{t:?} {m:?}");
    }
}

#[test]
fn a_subject_is_drawn_only_once_among_those_left() {
    let mut grad = an_exam(false, false, ExamStatus::Planned, None);
    grad.kind = ExamKind::Graduation;
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let all = s(&["TN1", "TN2"]);
    assert_eq!(draw_pool(&grad, &all, &[]), Ok(all.clone()));
    assert_eq!(draw_pool(&grad, &all, &s(&["TN1"])), Ok(s(&["TN2"])));
    assert_eq!(draw_pool(&grad, &all, &all), Err(NoDraw::NoSubjects));
    assert_eq!(draw_pool(&grad, &[], &[]), Err(NoDraw::NoSubjects));
    let mut drawn = grad.clone();
    drawn.subject_code = Some("TN2".into());
    assert_eq!(draw_pool(&drawn, &all, &[]), Err(NoDraw::AlreadyDrawn));
    let module = an_exam(false, false, ExamStatus::Planned, None);
    assert_eq!(draw_pool(&module, &all, &[]), Err(NoDraw::NotGraduation));
}

#[test]
fn marks_typed_for_a_grader_need_an_administrator_a_grader_and_the_sheet() {
    use crate::db::ids::LecturerId;
    let (me, other, stranger) = (LecturerId::new(), LecturerId::new(), LecturerId::new());
    let graders = [me, other];
    let code = |r: Result<LecturerId, NotTyped>| match r {
        Ok(g) if g == me => "me".to_string(),
        Ok(g) if g == other => "other".to_string(),
        Ok(_) => "someone".to_string(),
        Err(NotTyped::Forbidden) => "403".to_string(),
        Err(NotTyped::Refused(p)) => p.code.unwrap_or_default(),
        Err(NotTyped::Invalid(p)) => p.field.unwrap_or_default(),
    };
    // (admin, caller grades as, typed for, sheet) → whose marks, or why not
    let long = "x".repeat(101);
    type Row<'a> = (bool, Option<LecturerId>, Option<LecturerId>, Option<&'a str>, &'a str);
    let table: [Row; 8] = [
        (false, Some(me), None, None, "me"),
        (false, Some(me), None, Some("BĐ-1"), "me"),
        (false, None, None, None, "not_a_grader"),
        (false, Some(me), Some(other), Some("BĐ-1"), "403"),
        (true, None, Some(other), Some("BĐ-1"), "other"),
        (true, None, Some(stranger), Some("BĐ-1"), "not_a_grader"),
        (true, None, Some(other), None, "sheet_reference"),
        (true, None, Some(other), Some(long.as_str()), "sheet_reference"),
    ];
    for (i, (admin, grader, for_whom, sheet, want)) in table.into_iter().enumerate() {
        assert_eq!(code(typed_for(admin, grader, for_whom, &graders, sheet)), want, "row {i}");
    }
}

fn room(name: &str, capacity: i32, invigilators: usize) -> Room {
    Room {
        name: name.into(),
        capacity,
        invigilators: (0..invigilators).map(|_| crate::db::ids::LecturerId::new()).collect(),
    }
}

#[test]
fn rooms_are_named_once_with_seats_and_invigilators() {
    let fields =
        |rooms: &[Room]| room_problems(rooms).into_iter().map(|p| p.field.unwrap_or_default()).collect::<Vec<_>>();
    assert!(fields(&[room("Phòng 201", 30, 2), room("Phòng 202", 1, 1)]).is_empty());
    assert_eq!(fields(&[room("Phòng 201", 30, 2), room("phong 201", 30, 2)]), vec!["rooms[1].name"]);
    assert_eq!(fields(&[room(" ", 0, 0)]), vec!["rooms[0].name", "rooms[0].capacity", "rooms[0].invigilators"]);
    assert_eq!(fields(&[room("A", 501, 1)]), vec!["rooms[0].capacity"]);
    let mut twice = room("A", 10, 1);
    twice.invigilators.push(twice.invigilators[0]);
    assert_eq!(fields(&[twice]), vec!["rooms[0].invigilators"]);
    let many: Vec<Room> = (0..51).map(|i| room(&format!("P{i}"), 1, 1)).collect();
    assert_eq!(fields(&many), vec!["rooms"]);
}

#[test]
fn sittings_overlap_at_their_edges_and_without_a_time() {
    // (a start, a minutes, b start, b minutes) → overlap
    let table = [
        (Some("07:30"), 180, Some("10:30"), 90, false),
        (Some("07:30"), 180, Some("10:29"), 90, true),
        (Some("13:00"), 90, Some("07:30"), 180, false),
        (Some("07:30"), 180, Some("08:00"), 30, true),
        (None, 180, Some("13:00"), 90, true),
        (Some("07:30"), 180, None, 90, true),
    ];
    for (a, am, b, bm, want) in table {
        assert_eq!(sittings_overlap((a, Some(am)), (b, Some(bm))), want, "{a:?}+{am} {b:?}+{bm}");
    }
}

#[test]
fn candidates_fill_the_rooms_in_order() {
    let rooms = [room("A", 2, 1), room("B", 3, 1)];
    assert_eq!(seat_rooms(4, &rooms), Ok(vec![0, 0, 1, 1]));
    assert_eq!(seat_rooms(5, &rooms), Ok(vec![0, 0, 1, 1, 1]));
    assert_eq!(seat_rooms(7, &rooms), Err(2));
    assert_eq!(seat_rooms(3, &[]), Ok(vec![0, 0, 0]));
    let mut a = an_exam(false, false, ExamStatus::Planned, None);
    a.start_time = Some("07:30".into());
    a.duration_minutes = Some(180);
    a.rooms = Rooms(vec![room("Phòng 201", 30, 1)]);
    let mut b = an_exam(false, false, ExamStatus::Planned, None);
    b.held_on = a.held_on;
    b.title = "Thi học phần 2".into();
    b.start_time = Some("09:00".into());
    b.duration_minutes = Some(90);
    b.rooms = Rooms(vec![room("phòng 201", 20, 1), room("Phòng 305", 20, 1)]);
    assert_eq!(room_clashes(&a, &[b.clone()]), vec![("Phòng 201".to_string(), "Thi học phần 2".to_string())]);
    b.start_time = Some("10:30".into());
    assert!(room_clashes(&a, &[b]).is_empty());
}
