//! The time the service goes by: now in UTC, and today's date in the configured zone (ages,
//! roll-call days and default dates are local). One [`Clock`] lives on the application state;
//! tests may fix it to a date.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// The UTC instant of local midnight starting `day` in `tz`.
pub fn local_midnight(tz: Tz, day: NaiveDate) -> chrono::NaiveDateTime {
    use chrono::TimeZone;
    tz.from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|t| t.naive_utc())
        .unwrap_or_else(|| day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

#[derive(Debug, Clone)]
pub struct Clock {
    tz: Tz,
    fixed: Option<DateTime<Utc>>,
}

impl Clock {
    /// The system clock, with dates in `tz`.
    pub fn system(tz: Tz) -> Clock {
        Clock { tz, fixed: None }
    }

    /// A clock that always reads `at` (for tests and replays).
    pub fn fixed(tz: Tz, at: DateTime<Utc>) -> Clock {
        Clock { tz, fixed: Some(at) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.unwrap_or_else(Utc::now)
    }

    /// Today in the configured zone.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.tz).date_naive()
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_is_local() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        // 18:30 UTC on 31 December is 01:30 on 1 January in Hà Nội.
        let c = Clock::fixed(tz, Utc.with_ymd_and_hms(2025, 12, 31, 18, 30, 0).unwrap());
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let c = Clock::fixed(tz, Utc.with_ymd_and_hms(2025, 12, 31, 16, 59, 0).unwrap());
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2025, 12, 31).unwrap());
    }
}
