//! Working days: public-holiday calendars for France, Belgium, the Netherlands and the UK
//! (England and Wales), computed for any year from fixed dates and Easter, plus one-off dates from
//! a workflow file. Saturdays and Sundays are never working days.

use crate::RegistryError;
use time::{Date, Duration, Month, Weekday};

/// Easter Sunday of the Gregorian calendar (anonymous Gregorian algorithm, "Meeus/Jones/Butcher").
pub fn easter_sunday(year: i32) -> Option<Date> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// The countries with a built-in calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Country {
    /// France (metropolitan; Alsace-Moselle adds Good Friday and 26 December: use extra dates).
    #[serde(rename = "FR")]
    France,
    #[serde(rename = "BE")]
    Belgium,
    #[serde(rename = "NL")]
    Netherlands,
    /// England and Wales (Scotland and Northern Ireland differ).
    #[serde(rename = "GB-EAW")]
    EnglandAndWales,
}

impl Country {
    pub const ALL: [Country; 4] = [
        Country::France,
        Country::Belgium,
        Country::Netherlands,
        Country::EnglandAndWales,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Country::France => "FR",
            Country::Belgium => "BE",
            Country::Netherlands => "NL",
            Country::EnglandAndWales => "GB-EAW",
        }
    }

    pub fn parse(text: &str) -> Result<Self, RegistryError> {
        let t = text.trim().to_ascii_uppercase();
        Ok(match t.as_str() {
            "FR" => Country::France,
            "BE" => Country::Belgium,
            "NL" => Country::Netherlands,
            "GB-EAW" | "UK" | "GB" => Country::EnglandAndWales,
            _ => {
                return Err(RegistryError::invalid(
                    "country",
                    format!("{text:?}: calendars exist for FR, BE, NL and UK (GB-EAW)"),
                ));
            }
        })
    }
}

fn date(year: i32, month: Month, day: u8) -> Option<Date> {
    Date::from_calendar_date(year, month, day).ok()
}

fn weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The first `weekday` of a month, or the last when `last`.
fn nth_weekday(year: i32, month: Month, weekday: Weekday, last: bool) -> Option<Date> {
    if last {
        let mut d = date(year, month.next(), 1)?.previous_day()?;
        if month == Month::December {
            d = date(year, Month::December, 31)?;
        }
        while d.weekday() != weekday {
            d = d.previous_day()?;
        }
        Some(d)
    } else {
        let mut d = date(year, month, 1)?;
        while d.weekday() != weekday {
            d = d.next_day()?;
        }
        Some(d)
    }
}

/// The public holidays of `country` in `year`, sorted, without duplicates.
pub fn holidays(country: Country, year: i32) -> Vec<Date> {
    use Month::*;
    let mut out: Vec<Option<Date>> = Vec::new();
    let easter = easter_sunday(year);
    let from_easter = |days: i64| easter.and_then(|e| e.checked_add(Duration::days(days)));
    match country {
        Country::France => {
            out.extend([
                date(year, January, 1),
                from_easter(1), // Easter Monday
                date(year, May, 1),
                date(year, May, 8),
                from_easter(39), // Ascension
                from_easter(50), // Whit Monday
                date(year, July, 14),
                date(year, August, 15),
                date(year, November, 1),
                date(year, November, 11),
                date(year, December, 25),
            ]);
        }
        Country::Belgium => {
            out.extend([
                date(year, January, 1),
                from_easter(1),
                date(year, May, 1),
                from_easter(39),
                from_easter(50),
                date(year, July, 21),
                date(year, August, 15),
                date(year, November, 1),
                date(year, November, 11),
                date(year, December, 25),
            ]);
        }
        Country::Netherlands => {
            // King's Day moves to the 26th when the 27th is a Sunday. Liberation Day (5 May) is a
            // day off every year for public administrations, which is what referral deadlines
            // count in.
            let kings = date(year, April, 27).and_then(|d| {
                if d.weekday() == Weekday::Sunday {
                    d.previous_day()
                } else {
                    Some(d)
                }
            });
            out.extend([
                date(year, January, 1),
                from_easter(-2), // Good Friday
                from_easter(1),
                kings,
                date(year, May, 5),
                from_easter(39),
                from_easter(50),
                date(year, December, 25),
                date(year, December, 26),
            ]);
        }
        Country::EnglandAndWales => {
            // New Year's Day moves to Monday when on a weekend; Christmas and Boxing Day fall
            // back to the next weekdays (gov.uk bank holidays rules). One-off changes (a royal
            // event, a moved May holiday) go in the workflow's extra dates.
            let new_year = date(year, January, 1).and_then(|d| {
                let mut d = d;
                while weekend(d) {
                    d = d.next_day()?;
                }
                Some(d)
            });
            out.extend([
                new_year,
                from_easter(-2),
                from_easter(1),
                nth_weekday(year, May, Weekday::Monday, false),
                nth_weekday(year, May, Weekday::Monday, true),
                nth_weekday(year, August, Weekday::Monday, true),
            ]);
            let christmas: Vec<Date> = [date(year, December, 25), date(year, December, 26)]
                .into_iter()
                .flatten()
                .collect();
            let on_weekend = christmas.iter().filter(|d| weekend(**d)).count();
            // Only days off are listed: a Christmas on a weekend is replaced by its substitute.
            let mut taken: Vec<Date> = christmas.into_iter().filter(|d| !weekend(*d)).collect();
            let mut next = date(year, December, 27);
            let mut added = 0;
            while added < on_weekend {
                let Some(d) = next else { break };
                if !weekend(d) {
                    taken.push(d);
                    added += 1;
                }
                next = d.next_day();
            }
            out.extend(taken.into_iter().map(Some));
        }
    }
    let mut days: Vec<Date> = out.into_iter().flatten().collect();
    days.sort();
    days.dedup();
    days
}

/// A country's calendar with extra non-working dates (one-off holidays).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub country: Country,
    pub extra: Vec<Date>,
}

impl Calendar {
    pub fn new(country: Country) -> Self {
        Self {
            country,
            extra: Vec::new(),
        }
    }

    pub fn is_holiday(&self, d: Date) -> bool {
        self.extra.contains(&d) || holidays(self.country, d.year()).contains(&d)
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        !weekend(d) && !self.is_holiday(d)
    }

    /// The `n`-th working day after `start` (the start day itself does not count). With `n = 0`,
    /// `start` if it is a working day, else the next one.
    pub fn add_working_days(&self, start: Date, n: u32) -> Option<Date> {
        let mut d = start;
        if n == 0 {
            while !self.is_working_day(d) {
                d = d.next_day()?;
            }
            return Some(d);
        }
        let mut left = n;
        while left > 0 {
            d = d.next_day()?;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        Some(d)
    }

    /// Working days strictly after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            let Some(next) = d.next_day() else { break };
            d = next;
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn easter_known_dates() {
        // Published Easter Sundays, including the extremes of the Gregorian range.
        for (y, d) in [
            (1818, date!(1818 - 03 - 22)),
            (1943, date!(1943 - 04 - 25)),
            (2000, date!(2000 - 04 - 23)),
            (2008, date!(2008 - 03 - 23)),
            (2019, date!(2019 - 04 - 21)),
            (2024, date!(2024 - 03 - 31)),
            (2025, date!(2025 - 04 - 20)),
            (2026, date!(2026 - 04 - 05)),
            (2027, date!(2027 - 03 - 28)),
            (2038, date!(2038 - 04 - 25)),
            (2285, date!(2285 - 03 - 22)),
        ] {
            assert_eq!(easter_sunday(y), Some(d), "{y}");
        }
    }

    #[test]
    fn published_calendars_2026_and_2027() {
        // gov.uk bank holidays, England and Wales.
        assert_eq!(
            holidays(Country::EnglandAndWales, 2026),
            vec![
                date!(2026 - 01 - 01),
                date!(2026 - 04 - 03),
                date!(2026 - 04 - 06),
                date!(2026 - 05 - 04),
                date!(2026 - 05 - 25),
                date!(2026 - 08 - 31),
                date!(2026 - 12 - 25),
                date!(2026 - 12 - 28),
            ]
        );
        let uk27 = holidays(Country::EnglandAndWales, 2027);
        assert!(uk27.contains(&date!(2027 - 12 - 27)) && uk27.contains(&date!(2027 - 12 - 28)));
        assert!(uk27.contains(&date!(2027 - 03 - 26)) && uk27.contains(&date!(2027 - 03 - 29)));
        // 2022: New Year's Day on a Saturday moved to Monday 3 January.
        assert!(holidays(Country::EnglandAndWales, 2022).contains(&date!(2022 - 01 - 03)));
        // France 2026: Easter Monday 6 April, Ascension 14 May, Whit Monday 25 May.
        let fr = holidays(Country::France, 2026);
        assert_eq!(fr.len(), 11);
        for d in [
            date!(2026 - 04 - 06),
            date!(2026 - 05 - 14),
            date!(2026 - 05 - 25),
            date!(2026 - 07 - 14),
        ] {
            assert!(fr.contains(&d), "{d}");
        }
        let be = holidays(Country::Belgium, 2026);
        assert_eq!(be.len(), 10);
        assert!(be.contains(&date!(2026 - 07 - 21)));
        // Netherlands 2025: King's Day on Saturday 26 April because the 27th is a Sunday.
        let nl = holidays(Country::Netherlands, 2025);
        assert!(nl.contains(&date!(2025 - 04 - 26)) && !nl.contains(&date!(2025 - 04 - 27)));
        assert!(nl.contains(&date!(2025 - 04 - 18))); // Good Friday
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let fr = Calendar::new(Country::France);
        // Thursday 30 April 2026 + 5 working days: 1 May (holiday), weekend, 4-7 May, 8 May
        // (holiday), weekend: Monday 11 May.
        assert_eq!(
            fr.add_working_days(date!(2026 - 04 - 30), 5),
            Some(date!(2026 - 05 - 11))
        );
        let uk = Calendar::new(Country::EnglandAndWales);
        // Wednesday 23 December 2026: 24, 29, 30, 31 December, 4 January (1 January holiday).
        assert_eq!(
            uk.add_working_days(date!(2026 - 12 - 23), 5),
            Some(date!(2027 - 01 - 04))
        );
        assert_eq!(
            uk.add_working_days(date!(2026 - 12 - 26), 0),
            Some(date!(2026 - 12 - 29))
        );
        let mut extra = Calendar::new(Country::EnglandAndWales);
        extra.extra.push(date!(2026 - 12 - 24));
        assert_eq!(
            extra.add_working_days(date!(2026 - 12 - 23), 5),
            Some(date!(2027 - 01 - 05))
        );
    }

    proptest! {
        #[test]
        fn easter_is_a_sunday_in_range(year in 1583i32..4000) {
            let e = easter_sunday(year).unwrap();
            prop_assert_eq!(e.weekday(), Weekday::Sunday);
            prop_assert!(e >= date(year, Month::March, 22).unwrap());
            prop_assert!(e <= date(year, Month::April, 25).unwrap());
        }

        #[test]
        fn add_then_count_round_trips(days in 0i64..3000, n in 0u32..60, c in 0usize..4) {
            let cal = Calendar::new(Country::ALL[c]);
            let start = date!(2024 - 01 - 01) + Duration::days(days);
            let end = cal.add_working_days(start, n).unwrap();
            prop_assert!(cal.is_working_day(end));
            if n > 0 {
                prop_assert_eq!(cal.working_days_between(start, end), n);
            }
            // Every holiday is in its year and never a duplicate; UK has eight a year.
            let h = holidays(cal.country, start.year());
            prop_assert!(h.windows(2).all(|w| w[0] < w[1]));
            if cal.country == Country::EnglandAndWales {
                prop_assert_eq!(h.len(), 8);
            }
        }
    }
}
