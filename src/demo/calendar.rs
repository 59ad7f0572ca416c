//! Days and times of the demo history, counted from `today` so that the whole depot is a pure
//! function of the seed and the date: day 0 is today, day -1 yesterday; a time is seconds since
//! today 00:00 UTC. "Now" is today at 14:30 UTC, in the middle of a working afternoon.

use super::DemoError;
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};

pub const DAY: i64 = 86_400;
pub const HOUR: i64 = 3_600;
pub const MINUTE: i64 = 60;
/// Seconds after midnight UTC that count as "now" on `today`.
pub const NOW: i64 = 14 * HOUR + 30 * MINUTE;

#[derive(Debug, Clone, Copy)]
pub struct Calendar {
    today: NaiveDate,
    /// 0 = Monday.
    today_weekday: i64,
}

impl Calendar {
    pub fn new(today: NaiveDate) -> Self {
        Calendar {
            today,
            today_weekday: i64::from(today.weekday().num_days_from_monday()),
        }
    }

    pub fn date(&self, day: i64) -> Result<NaiveDate, DemoError> {
        self.today
            .checked_add_signed(TimeDelta::days(day))
            .ok_or_else(|| DemoError::Date(format!("{} {day:+} days", self.today)))
    }

    pub fn time(&self, t: i64) -> Result<DateTime<Utc>, DemoError> {
        let midnight = self
            .today
            .and_hms_opt(0, 0, 0)
            .ok_or_else(|| DemoError::Date(self.today.to_string()))?
            .and_utc();
        midnight
            .checked_add_signed(TimeDelta::seconds(t))
            .ok_or_else(|| DemoError::Date(format!("{} {t:+} s", self.today)))
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(&self, day: i64) -> i64 {
        (self.today_weekday + day).rem_euclid(7)
    }

    pub fn is_working_day(&self, day: i64) -> bool {
        self.weekday(day) < 5
    }

    /// The nearest working day: Saturday moves back to Friday, Sunday on to Monday, and a day
    /// after today back to the last working day not after today.
    pub fn working_day(&self, day: i64) -> i64 {
        let mut d = match self.weekday(day) {
            5 => day - 1,
            6 => day + 1,
            _ => day,
        };
        while d > 0 || !self.is_working_day(d) {
            d -= 1;
        }
        d
    }

    /// The first working day after `day`.
    pub fn next_working_day(&self, day: i64) -> i64 {
        let mut d = day + 1;
        while !self.is_working_day(d) {
            d += 1;
        }
        d
    }

    /// The Monday of the week `day` is in.
    pub fn monday(&self, day: i64) -> i64 {
        day - self.weekday(day)
    }

    pub fn iso_week(&self, day: i64) -> Result<u32, DemoError> {
        Ok(self.date(day)?.iso_week().week())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_around_a_saturday() {
        // 2026-11-28 is a Saturday.
        let c = Calendar::new(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        assert_eq!(c.weekday(0), 5);
        assert_eq!(c.working_day(0), -1);
        assert_eq!(c.working_day(-6), -5); // Sunday the 22nd moves on to Monday
        assert_eq!(c.working_day(-7), -8);
        assert_eq!(c.next_working_day(-1), 2);
        assert_eq!(c.monday(0), -5);
        assert_eq!(c.iso_week(0).unwrap(), 48);
        assert_eq!(
            c.time(NOW).unwrap().to_rfc3339(),
            "2026-11-28T14:30:00+00:00"
        );
    }
}
