//! Pure timetable decisions: overlaps, and recurring series in local time.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use crate::text::fold;

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
}
