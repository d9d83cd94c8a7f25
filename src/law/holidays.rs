//! Federal holidays, for the rule that moves a last filing day off a weekend or holiday.
//!
//! The holidays are those of 5 U.S.C. 6103(a), Juneteenth included from 2021. A holiday
//! on a Saturday is observed on the Friday before (5 U.S.C. 6103(b)), one on a Sunday on
//! the Monday after (Executive Order 11582); the observed day counts as the holiday, as
//! OPM lists it, and the holiday itself then falls on a weekend anyway. Days an executive
//! order closes offices (2025-12-24, say) are not federal holidays and do not count. No
//! maintained crate fits (bdays is lightly kept and panics on bad dates), so the eleven
//! rules are here, tested against OPM's lists.

use chrono::{Datelike, NaiveDate, Weekday};

/// Returns the federal holidays of a year, each on its observed day, in date order.
pub(crate) fn observed(year: i32) -> Vec<NaiveDate> {
    let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day).expect("a valid date");
    let nth = |month, weekday, n| {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, n).expect("a valid date")
    };
    let last_monday_of_may = (25..=31)
        .rev()
        .map(|day| fixed(5, day))
        .find(|d| d.weekday() == Weekday::Mon)
        .expect("May has a last Monday");
    let mut days = vec![
        observed_day(fixed(1, 1)),   // New Year's Day
        nth(1, Weekday::Mon, 3),     // Birthday of Martin Luther King, Jr.
        nth(2, Weekday::Mon, 3),     // Washington's Birthday
        last_monday_of_may,          // Memorial Day
        observed_day(fixed(7, 4)),   // Independence Day
        nth(9, Weekday::Mon, 1),     // Labor Day
        nth(10, Weekday::Mon, 2),    // Columbus Day
        observed_day(fixed(11, 11)), // Veterans Day
        nth(11, Weekday::Thu, 4),    // Thanksgiving Day
        observed_day(fixed(12, 25)), // Christmas Day
    ];
    if year >= 2021 {
        days.push(observed_day(fixed(6, 19))); // Juneteenth National Independence Day
    }
    days.sort();
    days
}

/// Moves a holiday on a Saturday to the Friday before and one on a Sunday to the Monday
/// after.
fn observed_day(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day.pred_opt().expect("a valid date"),
        Weekday::Sun => day.succ_opt().expect("a valid date"),
        _ => day,
    }
}

/// Returns whether a day is a Saturday, a Sunday, a federal holiday or its observed day.
pub(crate) fn is_closed(day: NaiveDate) -> bool {
    if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        return true;
    }
    // A holiday on January 1 of next year can be observed on December 31 of this one.
    [day.year(), day.year() + 1]
        .iter()
        .any(|&year| observed(year).contains(&day))
}

/// Returns the day itself, or the next day that is not a Saturday, Sunday or holiday.
pub(crate) fn next_open(mut day: NaiveDate) -> NaiveDate {
    while is_closed(day) {
        day = day.succ_opt().expect("a valid date");
    }
    day
}

/// Returns whether a day is a Saturday, a Sunday or a federal holiday on its own date:
/// the strict reading, in which the Friday or Monday a weekend holiday is observed on
/// stays an open day.
pub(crate) fn is_closed_strict(day: NaiveDate) -> bool {
    let fixed_date = |d: NaiveDate| {
        matches!((d.month(), d.day()), (1, 1) | (7, 4) | (11, 11) | (12, 25))
            || (d.year() >= 2021 && (d.month(), d.day()) == (6, 19))
    };
    let shifted = match day.weekday() {
        Weekday::Fri => day.succ_opt().is_some_and(fixed_date),
        Weekday::Mon => day.pred_opt().is_some_and(fixed_date),
        _ => false,
    };
    is_closed(day) && !shifted
}

/// Returns the day itself, or the next day that is open by the strict reading.
pub(crate) fn next_open_strict(mut day: NaiveDate) -> NaiveDate {
    while is_closed_strict(day) {
        day = day.succ_opt().expect("a valid date");
    }
    day
}

/// Returns the day `n` working days after `day` (no Saturday, Sunday or federal holiday
/// counts), for clocks the regulations give in working days.
pub(crate) fn working_days_after(mut day: NaiveDate, n: u32) -> NaiveDate {
    for _ in 0..n {
        day = next_open(day.succ_opt().expect("a valid date"));
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(list: &[&str]) -> Vec<NaiveDate> {
        list.iter()
            .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap())
            .collect()
    }

    #[test]
    fn the_observed_holidays_match_opm_2025_to_2028() {
        // OPM, "Federal Holidays" (opm.gov/policy-data-oversight/pay-leave/federal-holidays).
        let opm: [(i32, &[&str]); 4] = [
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-01-20",
                    "2025-02-17",
                    "2025-05-26",
                    "2025-06-19",
                    "2025-07-04",
                    "2025-09-01",
                    "2025-10-13",
                    "2025-11-11",
                    "2025-11-27",
                    "2025-12-25",
                ],
            ),
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-01-19",
                    "2026-02-16",
                    "2026-05-25",
                    "2026-06-19",
                    "2026-07-03",
                    "2026-09-07",
                    "2026-10-12",
                    "2026-11-11",
                    "2026-11-26",
                    "2026-12-25",
                ],
            ),
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-01-18",
                    "2027-02-15",
                    "2027-05-31",
                    "2027-06-18",
                    "2027-07-05",
                    "2027-09-06",
                    "2027-10-11",
                    "2027-11-11",
                    "2027-11-25",
                    "2027-12-24",
                    "2027-12-31",
                ],
            ),
            // New Year's Day 2028 is a Saturday: OPM lists it observed on December 31, 2027.
            (
                2028,
                &[
                    "2028-01-17",
                    "2028-02-21",
                    "2028-05-29",
                    "2028-06-19",
                    "2028-07-04",
                    "2028-09-04",
                    "2028-10-09",
                    "2028-11-10",
                    "2028-11-23",
                    "2028-12-25",
                ],
            ),
        ];
        for (year, list) in opm {
            let closed: Vec<NaiveDate> = NaiveDate::from_ymd_opt(year, 1, 1)
                .unwrap()
                .iter_days()
                .take_while(|d| d.year() == year)
                .filter(|d| d.weekday().num_days_from_monday() < 5 && is_closed(*d))
                .collect();
            assert_eq!(closed, dates(list), "{year}");
        }
        assert!(is_closed(NaiveDate::from_ymd_opt(2027, 12, 31).unwrap()));
    }

    #[test]
    fn the_strict_reading_keeps_an_observed_day_open() {
        // Independence Day 2026 is a Saturday, observed on Friday, July 3.
        let friday = NaiveDate::from_ymd_opt(2026, 7, 3).unwrap();
        assert!(is_closed(friday));
        assert!(!is_closed_strict(friday));
        assert_eq!(next_open_strict(friday), friday);
        // Thanksgiving is a holiday on its own date in both readings.
        let thanksgiving = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert!(is_closed_strict(thanksgiving));
        // Three working days after Wednesday, November 25, 2026: Friday 27, Monday 30,
        // Tuesday, December 1 (Thanksgiving and the weekend do not count).
        let wednesday = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(
            working_days_after(wednesday, 3),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
    }

    #[test]
    fn a_closed_day_moves_to_the_next_open_one() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        // Saturday, then Sunday, then Monday: Monday.
        assert_eq!(next_open(day("2026-02-28")), day("2026-03-02"));
        // Friday, July 3, 2026 is Independence Day observed: the next open day is Monday.
        assert_eq!(next_open(day("2026-07-03")), day("2026-07-06"));
        // Thanksgiving 2026, then the Friday after, which is open.
        assert_eq!(next_open(day("2026-11-26")), day("2026-11-27"));
        assert_eq!(next_open(day("2026-11-30")), day("2026-11-30"));
    }
}
