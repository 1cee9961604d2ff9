//! Pure timetable decisions: overlaps, and recurring series in local time.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use super::dto::CreateSessions;
use crate::problem::ProblemItem;
use crate::text::{clean, fold};

/// Two intervals overlap when each starts before the other ends: touching ends do not clash.
pub fn overlaps(a: (NaiveDateTime, NaiveDateTime), b: (NaiveDateTime, NaiveDateTime)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// The key under which two spellings of one place clash: case, accents and spaces ignored.
pub fn place_key(place: &str) -> String {
    fold(place).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The (start, end) in UTC of every session of a weekly series: each of `weekdays` (1 = Monday …
/// 7 = Sunday) from `from` to `to`, between local `start` and `end` in `tz`.
pub fn expand_series(
    tz: chrono_tz::Tz,
    from: NaiveDate,
    to: NaiveDate,
    weekdays: &[u32],
    start: NaiveTime,
    end: NaiveTime,
) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        if weekdays.contains(&day.weekday().number_from_monday()) {
            let s = tz.from_local_datetime(&day.and_time(start)).earliest();
            let e = tz.from_local_datetime(&day.and_time(end)).earliest();
            if let (Some(s), Some(e)) = (s, e) {
                out.push((s.naive_utc(), e.naive_utc()));
            }
        }
        match day.succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    out
}

/// Most sessions one weekly series may give.
pub const MAX_SERIES: usize = 400;

/// A list of (start, end) in UTC.
pub type Intervals = Vec<(NaiveDateTime, NaiveDateTime)>;

/// The sessions a request asks for and their cleaned place, or every problem with it at once:
/// module, lecturer and a place of 1 to 200 characters, and either one session of at most 12
/// hours or a weekly series (days 1–7, within a year, giving 1 to 400 sessions).
pub fn requested_sessions(b: &CreateSessions, tz: chrono_tz::Tz) -> Result<(Intervals, String), Vec<ProblemItem>> {
    let mut p = Vec::new();
    let mut check = |ok: bool, field: &str, message: String| {
        if !ok {
            p.push(ProblemItem::field(field, message));
        }
    };
    check(b.module_id.is_some(), "module_id", "is required".into());
    check(b.lecturer_id.is_some(), "lecturer_id", "is required".into());
    let place = b.place.as_deref().map(clean).unwrap_or_default();
    check(!place.is_empty() && place.chars().count() <= 200, "place", "must be 1 to 200 characters".into());
    let intervals = match (&b.series, b.starts_at, b.ends_at) {
        (Some(s), None, None) => {
            let days_ok = !s.weekdays.is_empty() && s.weekdays.iter().all(|d| (1..=7).contains(d));
            check(days_ok, "series.weekdays", "must list days 1 (Monday) to 7 (Sunday)".into());
            let span_ok = s.from <= s.to && (s.to - s.from).num_days() <= 366;
            check(span_ok, "series.to", "must be on or after from, within a year".into());
            let times_ok = s.start_time < s.end_time;
            check(times_ok, "series.end_time", "must be after start_time".into());
            if days_ok && span_ok && times_ok {
                let v = expand_series(tz, s.from, s.to, &s.weekdays, s.start_time, s.end_time);
                check(!v.is_empty(), "series", "gives no session".into());
                check(v.len() <= MAX_SERIES, "series", format!("gives more than {MAX_SERIES} sessions"));
                v
            } else {
                Vec::new()
            }
        }
        (None, Some(a), Some(z)) => {
            check(z > a, "ends_at", "must be after starts_at".into());
            check((z - a).num_hours() <= 12, "ends_at", "a session lasts at most 12 hours".into());
            vec![(a.naive_utc(), z.naive_utc())]
        }
        _ => {
            check(false, "starts_at", "give starts_at and ends_at, or a series".into());
            Vec::new()
        }
    };
    if p.is_empty() {
        Ok((intervals, place))
    } else {
        Err(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn touching_is_not_overlapping() {
        assert!(!overlaps((t(7, 0), t(9, 0)), (t(9, 0), t(11, 0))));
        assert!(overlaps((t(7, 0), t(9, 1)), (t(9, 0), t(11, 0))));
        assert!(overlaps((t(7, 0), t(11, 0)), (t(8, 0), t(9, 0))));
        assert!(overlaps((t(8, 0), t(9, 0)), (t(7, 0), t(11, 0))));
        assert!(!overlaps((t(11, 0), t(12, 0)), (t(7, 0), t(11, 0))));
    }

    #[test]
    fn places_fold() {
        assert_eq!(place_key("  Phòng   201 "), place_key("phong 201"));
        assert_eq!(place_key("Hội trường A"), "hoi truong a");
    }

    #[test]
    fn weekday_mornings_for_three_weeks_in_local_time() {
        let from = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(); // a Monday
        let to = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap();
        let s = expand_series(
            chrono_tz::Asia::Ho_Chi_Minh,
            from,
            to,
            &[1, 2, 3, 4, 5],
            NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
            NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
        );
        assert_eq!(s.len(), 15);
        // 07:30 in Hà Nội is 00:30 UTC.
        assert_eq!(s[0].0, from.and_hms_opt(0, 30, 0).unwrap());
        assert_eq!(s[0].1, from.and_hms_opt(4, 0, 0).unwrap());
        assert!(s.iter().all(|(a, _)| a.weekday().number_from_monday() <= 5));
    }

    #[test]
    fn what_a_request_for_sessions_may_ask() {
        use super::super::dto::Series;
        use chrono::{DateTime, FixedOffset};
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let at = |s: &str| Some(DateTime::<FixedOffset>::parse_from_rfc3339(s).unwrap());
        let one = CreateSessions {
            module_id: Some(crate::db::ids::ModuleId::new()),
            lecturer_id: Some(crate::db::ids::LecturerId::new()),
            place: Some("  Phòng   201 ".into()),
            note: None,
            starts_at: at("2026-03-02T07:30:00+07:00"),
            ends_at: at("2026-03-02T11:00:00+07:00"),
            series: None,
        };
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let h = |hh| NaiveTime::from_hms_opt(hh, 0, 0).unwrap();
        let weekly = |from, to, weekdays: Vec<u32>, start, end| CreateSessions {
            starts_at: None,
            ends_at: None,
            series: Some(Series { from, to, weekdays, start_time: start, end_time: end }),
            ..one.clone()
        };
        let fields = |b: &CreateSessions| -> Vec<String> {
            requested_sessions(b, tz).err().unwrap_or_default().into_iter().filter_map(|p| p.field).collect()
        };
        // (request) → fields refused
        for (b, want) in [
            (one.clone(), vec![]),
            (
                CreateSessions { module_id: None, lecturer_id: None, place: Some(" ".into()), ..one.clone() },
                vec!["module_id", "lecturer_id", "place"],
            ),
            (CreateSessions { ends_at: at("2026-03-02T07:00:00+07:00"), ..one.clone() }, vec!["ends_at"]),
            (CreateSessions { ends_at: at("2026-03-02T20:31:00+07:00"), ..one.clone() }, vec!["ends_at"]),
            (CreateSessions { ends_at: None, ..one.clone() }, vec!["starts_at"]),
            (weekly(d(3, 2), d(3, 31), vec![1, 3], h(7), h(11)), vec![]),
            (weekly(d(3, 2), d(3, 31), vec![0, 8], h(11), h(7)), vec!["series.weekdays", "series.end_time"]),
            (weekly(d(3, 2), d(3, 1), vec![1], h(7), h(11)), vec!["series.to"]),
            // Only Sundays in a week from Monday to Saturday.
            (weekly(d(3, 2), d(3, 7), vec![7], h(7), h(11)), vec!["series"]),
        ] {
            assert_eq!(fields(&b), want, "{b:?}");
        }
        let (v, place) = requested_sessions(&weekly(d(3, 2), d(3, 31), vec![1, 3], h(7), h(11)), tz).unwrap();
        assert_eq!((v.len(), place.as_str()), (9, "Phòng 201"));
        assert_eq!(v[0].0, t(0, 0)); // 07:00 in Hà Nội is midnight UTC
    }
}
