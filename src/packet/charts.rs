//! The charts' data: the rating-scale trend and the treatment timeline, laid out on a day
//! axis (days since 1970-01-01) so that `templates/charts.typ` only scales and draws.
//!
//! Everything here is a pure function of the case: which instruments get a panel, the
//! axis ranges and their ticks, the severity bands where a published cut-off exists, the
//! rows of the timeline, and each chart's alt text, written from the same numbers.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::model::case::{Case, Instrument, Outcome, PriorTreatment};
use crate::model::fields::Date;

use super::plain;

/// The most labelled ticks on a trend panel's time axis (panels are half a page wide).
const MAX_MONTH_TICKS: usize = 5;

/// The most labelled years on the timeline's axis (it is a page wide).
const MAX_YEAR_LABELS: usize = 13;

/// The most treatments the timeline draws, a row each: more would not fit one page, and
/// the table under it lists them all.
const MAX_TIMELINE_ROWS: usize = 30;

/// The rating-scale trend: one panel per instrument with two or more scores on different
/// days, all on one time axis so the panels can be compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendData {
    /// The first day of the time axis (days since 1970-01-01).
    pub start: i64,
    /// The last day of the time axis.
    pub end: i64,
    /// The labelled ticks of the time axis: month starts ("Oct 2025"), or the first and
    /// last days where the range holds fewer than two month starts.
    pub ticks: Vec<TickData>,
    /// The dashed vertical lines: the denial and the request (the packet's date), each
    /// where it falls in or near the scores' range.
    pub markers: Vec<TickData>,
    /// One panel per instrument, in the order the case first lists them.
    pub panels: Vec<PanelData>,
}

/// A labelled day on a time axis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TickData {
    /// The day (days since 1970-01-01).
    pub day: i64,
    /// Its label.
    pub label: String,
}

/// One instrument's panel of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PanelData {
    /// The instrument, e.g. PHQ-9.
    pub instrument: &'static str,
    /// The scale's maximum: the top of the panel's y axis (its bottom is 0).
    pub max: u32,
    /// The labelled scores of the y axis.
    pub y_ticks: Vec<u32>,
    /// The scores, oldest first.
    pub points: Vec<PointData>,
    /// The severity bands, where the instrument has published cut-offs; lowest first.
    pub bands: Vec<BandData>,
    /// The panel in words, for screen readers.
    pub alt: String,
}

/// One score on a trend panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointData {
    /// The day it was taken (days since 1970-01-01).
    pub day: i64,
    /// The score.
    pub score: u32,
}

/// A severity band: scores from `from` up to (not including) `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BandData {
    /// The band's lowest score, its published cut-off.
    pub from: u32,
    /// The next band's cut-off, or the scale's maximum for the top band.
    pub to: u32,
    /// The band's published name, e.g. "moderately severe".
    pub label: &'static str,
}

/// The treatment timeline: one bar per prior treatment, grouped by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineData {
    /// The first day of the axis: January 1 of the first treatment's year.
    pub start: i64,
    /// The last day of the axis: January 1 after the last treatment's end.
    pub end: i64,
    /// The days of the year ticks (January 1 of every year, or every few years).
    pub ticks: Vec<i64>,
    /// The year labels: mid-year when every year is ticked, else on the ticks.
    pub labels: Vec<TickData>,
    /// The kinds, in the order their first treatment started, each with its treatments.
    pub groups: Vec<GroupData>,
    /// The outcomes drawn, for the legend, in a fixed order.
    pub legend: Vec<LegendData>,
    /// The timeline in words, for screen readers.
    pub alt: String,
}

/// The treatments of one kind, in consecutive rows of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupData {
    /// The kind in plain words.
    pub kind: &'static str,
    /// Its treatments, oldest first.
    pub bars: Vec<BarData>,
}

/// One treatment's bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BarData {
    /// The treatment's name.
    pub name: String,
    /// The day it started (days since 1970-01-01).
    pub start: i64,
    /// The day it ended, or the packet's date while it has no end.
    pub end: i64,
    /// The outcome, serialised as written in case files (`inadequate-response`...), for
    /// the fill.
    pub outcome: Outcome,
    /// Whether it has no end date, or is ongoing: the bar has a dashed border.
    pub open: bool,
}

/// One entry of the timeline's legend: an outcome's swatch, or the dashed border of a
/// treatment with no end date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegendData {
    /// The outcome whose fill the swatch shows, or none for the dashed border alone.
    pub outcome: Option<Outcome>,
    /// Whether the swatch's border is dashed, as an ongoing treatment's bar is.
    pub dashed: bool,
    /// What the legend says.
    pub label: &'static str,
}

/// Returns a date's day number: days since 1970-01-01.
pub(crate) fn day_number(date: Date) -> i64 {
    (date.0 - epoch()).num_days()
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date")
}

fn date_of(day: i64) -> NaiveDate {
    epoch() + chrono::Days::new(day.max(0) as u64)
}

fn first_of_month(year: i32, month: u32) -> i64 {
    let date = NaiveDate::from_ymd_opt(year, month, 1).expect("a valid month");
    (date - epoch()).num_days()
}

/// Returns an instrument's published severity cut-offs with their band names, or none.
///
/// PHQ-9: Kroenke K, Spitzer RL, Williams JB. The PHQ-9: validity of a brief depression
/// severity measure. J Gen Intern Med 2001;16(9):606-613.
/// GAD-7: Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing
/// generalized anxiety disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097.
pub(crate) fn cut_offs(instrument: Instrument) -> &'static [(u32, &'static str)] {
    match instrument {
        Instrument::Phq9 => &[
            (5, "mild"),
            (10, "moderate"),
            (15, "moderately severe"),
            (20, "severe"),
        ],
        Instrument::Gad7 => &[(5, "mild"), (10, "moderate"), (15, "severe")],
        _ => &[],
    }
}

/// Returns the trend of a case's scores, or `None` when no instrument has scores on two
/// different days.
pub(crate) fn trend(case: &Case) -> Option<TrendData> {
    let series: Vec<(Instrument, Vec<PointData>)> = case
        .scores_by_instrument()
        .into_iter()
        .map(|(instrument, scores)| {
            let points: Vec<PointData> = scores
                .iter()
                .map(|s| PointData {
                    day: day_number(s.date),
                    score: s.score,
                })
                .collect();
            (instrument, points)
        })
        .filter(|(_, points)| points.first().map(|p| p.day) != points.last().map(|p| p.day))
        .collect();
    let first = series.iter().map(|(_, p)| p[0].day).min()?;
    let last = series
        .iter()
        .filter_map(|(_, p)| p.last())
        .map(|p| p.day)
        .max()?;
    // A marker is drawn when it falls within a quarter of the scores' span (and at least
    // 45 days) of them; the axis is widened to hold it.
    let near = ((last - first) / 4).max(45);
    let mut markers: Vec<TickData> = Vec::new();
    let denial = case.denial.as_ref().and_then(|d| d.date).map(day_number);
    let request = day_number(case.prepared_on);
    for (day, label) in [(denial, "denial"), (Some(request), "request")] {
        let Some(day) = day.filter(|d| (first - near..=last + near).contains(d)) else {
            continue;
        };
        match markers.iter_mut().find(|m| m.day == day) {
            Some(same) => same.label = format!("{} and {label}", same.label),
            None => markers.push(TickData {
                day,
                label: label.to_owned(),
            }),
        }
    }
    let start = markers.iter().map(|m| m.day).fold(first, i64::min);
    let end = markers.iter().map(|m| m.day).fold(last, i64::max);
    let panels = series
        .into_iter()
        .map(|(instrument, points)| panel(instrument, points, &markers))
        .collect();
    Some(TrendData {
        start,
        end,
        ticks: month_ticks(start, end),
        markers,
        panels,
    })
}

fn panel(instrument: Instrument, points: Vec<PointData>, markers: &[TickData]) -> PanelData {
    let max = instrument.max_score();
    let cuts = cut_offs(instrument);
    let bands: Vec<BandData> = cuts
        .iter()
        .enumerate()
        .map(|(i, &(from, label))| BandData {
            from,
            to: cuts.get(i + 1).map_or(max, |c| c.0),
            label,
        })
        .collect();
    let step = [5, 10, 20, 25, 50]
        .into_iter()
        .find(|s| max / s <= 6)
        .unwrap_or(100);
    let y_ticks = (0..=max).step_by(step as usize).collect();
    let alt = panel_alt(instrument.as_str(), max, &points, &bands, markers);
    PanelData {
        instrument: instrument.as_str(),
        max,
        y_ticks,
        points,
        bands,
        alt,
    }
}

/// Writes a trend panel in words: "PHQ-9 scores from 2025-10-01 to 2026-11-10: 24, 22,
/// 23 (of 27); severity bands at 5, 10, 15 and 20 (mild, moderate, moderately severe,
/// severe). Dashed lines mark the denial (2026-11-16) and the request (2026-11-23)."
fn panel_alt(
    instrument: &str,
    max: u32,
    points: &[PointData],
    bands: &[BandData],
    markers: &[TickData],
) -> String {
    let iso = |day: i64| date_of(day).format("%Y-%m-%d").to_string();
    let scores: Vec<String> = points.iter().map(|p| p.score.to_string()).collect();
    let mut alt = format!(
        "{instrument} scores from {} to {}: {} (of {max})",
        iso(points[0].day),
        iso(points[points.len() - 1].day),
        scores.join(", "),
    );
    if !bands.is_empty() {
        let cuts: Vec<String> = bands.iter().map(|b| b.from.to_string()).collect();
        let names: Vec<&str> = bands.iter().map(|b| b.label).collect();
        alt.push_str(&format!(
            "; severity bands at {} ({})",
            words(&cuts),
            names.join(", ")
        ));
    }
    alt.push('.');
    if !markers.is_empty() {
        let marks: Vec<String> = markers
            .iter()
            .map(|m| format!("the {} ({})", m.label, iso(m.day)))
            .collect();
        let verb = if markers.len() == 1 { "marks" } else { "mark" };
        let lines = if markers.len() == 1 {
            "A dashed line"
        } else {
            "Dashed lines"
        };
        alt.push_str(&format!(" {lines} {verb} {}.", words(&marks)));
    }
    alt
}

/// Joins words as "a, b and c".
fn words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Returns the labelled month starts between two days: every month, or every 2, 3, 6 or
/// 12 months, the first step that keeps to [`MAX_MONTH_TICKS`]; where fewer than two
/// month starts fall in the range, its first and last days instead.
fn month_ticks(start: i64, end: i64) -> Vec<TickData> {
    let (from, to) = (date_of(start), date_of(end));
    let months = |step: i32| -> Vec<(i32, u32)> {
        let mut out = Vec::new();
        let (mut year, mut month) = (from.year(), from.month());
        loop {
            let day = first_of_month(year, month);
            if day > end {
                break;
            }
            let index = year * 12 + month as i32 - 1;
            if day >= start && index % step == 0 {
                out.push((year, month));
            }
            (year, month) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
        }
        out
    };
    for step in [1, 2, 3, 6, 12, 24, 60, 120] {
        let found = months(step);
        if found.len() > MAX_MONTH_TICKS {
            continue;
        }
        if found.len() < 2 {
            break;
        }
        return found
            .into_iter()
            .map(|(year, month)| {
                let day = first_of_month(year, month);
                let label = if step >= 12 {
                    year.to_string()
                } else {
                    date_of(day).format("%b %Y").to_string()
                };
                TickData { day, label }
            })
            .collect();
    }
    [(start, from), (end, to)]
        .into_iter()
        .map(|(day, date)| TickData {
            day,
            label: date.format("%b %-d, %Y").to_string(),
        })
        .collect()
}

/// The outcomes in the legend's order, then the dashed border of a treatment with no
/// end date (no outcome), with what the legend says.
const LEGEND: &[(Option<Outcome>, &str)] = &[
    (Some(Outcome::InadequateResponse), "Inadequate response"),
    (Some(Outcome::PartialResponse), "Partial response"),
    (Some(Outcome::SideEffects), "Stopped: side effects"),
    (Some(Outcome::Contraindicated), "Contraindicated"),
    (Some(Outcome::Ongoing), "Ongoing"),
    (None, "No end date (drawn to the packet’s date)"),
];

/// Returns the timeline of a case's prior treatments (given oldest first), or `None`
/// when there are none, or more than [`MAX_TIMELINE_ROWS`]. A treatment with no end is
/// drawn to the packet's date.
pub(crate) fn timeline(treatments: &[&PriorTreatment], today: Date) -> Option<TimelineData> {
    // A trial known only by its length has no place on a day axis; the table lists it.
    let treatments: Vec<&PriorTreatment> = treatments
        .iter()
        .copied()
        .filter(|t| t.started.is_some())
        .collect();
    if treatments.is_empty() || treatments.len() > MAX_TIMELINE_ROWS {
        return None;
    }
    let today = day_number(today);
    let mut kinds: Vec<(&'static str, Vec<&PriorTreatment>)> = Vec::new();
    for &t in &treatments {
        let kind = t.kind.title();
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, list)) => list.push(t),
            None => kinds.push((kind, vec![t])),
        }
    }
    let groups: Vec<GroupData> = kinds
        .iter()
        .map(|(kind, list)| GroupData {
            kind,
            bars: list
                .iter()
                .map(|t| {
                    let start = t.started.map_or(today, day_number);
                    BarData {
                        name: plain(&t.name),
                        start,
                        end: t.ended.map_or(today, day_number).max(start),
                        outcome: t.outcome,
                        open: t.ended.is_none() || t.outcome == Outcome::Ongoing,
                    }
                })
                .collect(),
        })
        .collect();
    let alt_groups: Vec<String> = kinds
        .iter()
        .map(|(kind, list)| {
            let bars: Vec<String> = list
                .iter()
                .map(|t| {
                    let started = t.started.map(|d| d.to_string()).unwrap_or_default();
                    let span = match t.ended {
                        Some(ended) => format!("{started} to {ended}"),
                        None => format!("from {started}, no end date"),
                    };
                    let outcome = t.outcome.title().to_lowercase();
                    format!("{} ({span}, {outcome})", t.name.trim())
                })
                .collect();
            format!("{kind}: {}", bars.join("; "))
        })
        .collect();
    let first_year = date_of(groups.iter().flat_map(|g| &g.bars).map(|b| b.start).min()?).year();
    let last_year = date_of(groups.iter().flat_map(|g| &g.bars).map(|b| b.end).max()?).year();
    let start = first_of_month(first_year, 1);
    let end = first_of_month(last_year + 1, 1);
    let years = (last_year + 1 - first_year) as usize;
    let step = [1, 2, 5, 10, 20]
        .into_iter()
        .find(|s| years / s < MAX_YEAR_LABELS)
        .unwrap_or(50) as i32;
    let tick_years: Vec<i32> = (first_year..=last_year + 1)
        .filter(|y| y % step == 0 || step == 1)
        .collect();
    let ticks = tick_years.iter().map(|y| first_of_month(*y, 1)).collect();
    let labels = if step == 1 {
        (first_year..=last_year)
            .map(|y| TickData {
                day: first_of_month(y, 7),
                label: y.to_string(),
            })
            .collect()
    } else {
        tick_years
            .iter()
            .map(|y| TickData {
                day: first_of_month(*y, 1),
                label: y.to_string(),
            })
            .collect()
    };
    let bars = || groups.iter().flat_map(|g| &g.bars);
    let legend = LEGEND
        .iter()
        .filter(|(outcome, _)| match outcome {
            None => bars().any(|b| b.open && b.outcome != Outcome::Ongoing),
            Some(outcome) => bars().any(|b| b.outcome == *outcome),
        })
        .map(|&(outcome, label)| LegendData {
            outcome,
            dashed: outcome == Some(Outcome::Ongoing),
            label,
        })
        .collect();
    let count = treatments.len();
    let alt = format!(
        "Timeline of {count} prior treatment{} from {first_year} to {last_year}, by kind. {}.",
        if count == 1 { "" } else { "s" },
        alt_groups.join(". ")
    );
    Some(TimelineData {
        start,
        end,
        ticks,
        labels,
        groups,
        legend,
        alt,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A case with the given scores and prior treatments, denied 2026-10-01, prepared
    /// 2026-11-20.
    fn case(scores: &str, treatments: &str) -> Case {
        let text = format!(
            "id: KET-T-1\nstage: internal-appeal\nprepared_on: 2026-11-20\n\
             patient: {{ name: Ann Example }}\ninsurer: {{ name: Example Health }}\n\
             provider: {{ name: Dr Pat Lee }}\nrequest: {{ treatment: IV ketamine }}\n\
             denial: {{ date: 2026-10-01 }}\nscores:\n{scores}\nprior_treatments:\n{treatments}\n"
        );
        Case::parse(Path::new("case.yaml"), &text).unwrap()
    }

    fn day(text: &str) -> i64 {
        day_number(Date::parse(text).unwrap())
    }

    const SCORES: &str = "  - { instrument: MADRS, score: 34, date: 2026-10-15 }\n\
        \x20 - { instrument: PHQ-9, score: 24, date: 2025-10-01 }\n\
        \x20 - { instrument: PHQ-9, score: 18, date: 2026-01-07 }\n\
        \x20 - { instrument: GAD-7, score: 12, date: 2026-01-07 }\n\
        \x20 - { instrument: PHQ-9, score: 23, date: 2026-11-10 }\n\
        \x20 - { instrument: MADRS, score: 38, date: 2026-07-01 }\n";

    #[test]
    fn day_numbers_count_from_1970() {
        assert_eq!(day("1970-01-01"), 0);
        assert_eq!(day("1970-02-01"), 31);
        assert_eq!(day("2026-11-20") - day("2026-10-01"), 50);
    }

    #[test]
    fn the_trend_has_a_panel_per_instrument_scored_on_two_days() {
        let trend = trend(&case(SCORES, "  []")).unwrap();
        // GAD-7 has one score: no panel. The case's order of first mention is kept.
        let names: Vec<&str> = trend.panels.iter().map(|p| p.instrument).collect();
        assert_eq!(names, ["MADRS", "PHQ-9"]);
        let phq = &trend.panels[1];
        assert_eq!(phq.max, 27);
        assert_eq!(phq.y_ticks, [0, 5, 10, 15, 20, 25]);
        let scores: Vec<u32> = phq.points.iter().map(|p| p.score).collect();
        assert_eq!(scores, [24, 18, 23], "oldest first");
        assert_eq!(phq.points[0].day, day("2025-10-01"));
        let bands: Vec<(u32, u32, &str)> =
            phq.bands.iter().map(|b| (b.from, b.to, b.label)).collect();
        assert_eq!(
            bands,
            [
                (5, 10, "mild"),
                (10, 15, "moderate"),
                (15, 20, "moderately severe"),
                (20, 27, "severe")
            ]
        );
        let madrs = &trend.panels[0];
        assert!(madrs.bands.is_empty(), "MADRS has no bands here");
        assert_eq!(madrs.y_ticks, [0, 10, 20, 30, 40, 50, 60]);
        // Both markers fall near the scores: the axis runs from the first score to the
        // packet's date.
        let markers: Vec<(i64, &str)> = trend
            .markers
            .iter()
            .map(|m| (m.day, m.label.as_str()))
            .collect();
        assert_eq!(
            markers,
            [
                (day("2026-10-01"), "denial"),
                (day("2026-11-20"), "request")
            ]
        );
        assert_eq!(
            (trend.start, trend.end),
            (day("2025-10-01"), day("2026-11-20"))
        );
        let ticks: Vec<&str> = trend.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            ticks,
            ["Oct 2025", "Jan 2026", "Apr 2026", "Jul 2026", "Oct 2026"]
        );
        assert_eq!(trend.ticks[1].day, day("2026-01-01"));
    }

    #[test]
    fn the_alt_text_states_the_numbers() {
        let trend = trend(&case(SCORES, "  []")).unwrap();
        assert_eq!(
            trend.panels[1].alt,
            "PHQ-9 scores from 2025-10-01 to 2026-11-10: 24, 18, 23 (of 27); severity bands \
             at 5, 10, 15 and 20 (mild, moderate, moderately severe, severe). Dashed lines \
             mark the denial (2026-10-01) and the request (2026-11-20)."
        );
        assert_eq!(
            trend.panels[0].alt,
            "MADRS scores from 2026-07-01 to 2026-10-15: 38, 34 (of 60). Dashed lines mark \
             the denial (2026-10-01) and the request (2026-11-20)."
        );
    }

    #[test]
    fn gad7_has_its_published_bands() {
        let scores = "  - { instrument: GAD-7, score: 16, date: 2026-01-07 }\n\
            \x20 - { instrument: GAD-7, score: 11, date: 2026-03-07 }\n";
        let trend = trend(&case(scores, "  []")).unwrap();
        let bands: Vec<(u32, u32, &str)> = trend.panels[0]
            .bands
            .iter()
            .map(|b| (b.from, b.to, b.label))
            .collect();
        assert_eq!(
            bands,
            [(5, 10, "mild"), (10, 15, "moderate"), (15, 21, "severe")]
        );
        // The denial and the request are months away: no markers, and the axis is the
        // scores' own; two month starts are labelled.
        assert!(trend.markers.is_empty());
        let ticks: Vec<&str> = trend.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(ticks, ["Feb 2026", "Mar 2026"]);
        assert!(trend.panels[0].alt.ends_with("(mild, moderate, severe)."));
    }

    #[test]
    fn no_trend_without_two_days_of_one_instrument() {
        let one_each = "  - { instrument: PHQ-9, score: 22, date: 2026-10-15 }\n\
            \x20 - { instrument: MADRS, score: 34, date: 2026-10-15 }\n";
        assert_eq!(trend(&case(one_each, "  []")), None);
        let same_day = "  - { instrument: PHQ-9, score: 22, date: 2026-10-15 }\n\
            \x20 - { instrument: PHQ-9, score: 21, date: 2026-10-15 }\n";
        assert_eq!(trend(&case(same_day, "  []")), None);
        assert_eq!(trend(&case("  []", "  []")), None);
    }

    #[test]
    fn a_short_range_is_labelled_by_its_ends() {
        let scores = "  - { instrument: QIDS, score: 20, date: 2026-10-10 }\n\
            \x20 - { instrument: QIDS, score: 18, date: 2026-10-24 }\n";
        let trend = trend(&case(scores, "  []")).unwrap();
        // The denial (9 days before) is near, the request (27 days after) too: the axis
        // holds them and its two month starts.
        assert_eq!(trend.markers.len(), 2);
        let ticks: Vec<&str> = trend.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(ticks, ["Oct 2026", "Nov 2026"]);
        assert!(trend.panels[0].bands.is_empty());
        // Two weeks in March, far from the denial: no month start, so the ends.
        let scores = "  - { instrument: QIDS, score: 20, date: 2026-03-05 }\n\
            \x20 - { instrument: QIDS, score: 18, date: 2026-03-19 }\n";
        let trend = super::trend(&case(scores, "  []")).unwrap();
        assert!(trend.markers.is_empty());
        let ticks: Vec<&str> = trend.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(ticks, ["Mar 5, 2026", "Mar 19, 2026"]);
    }

    #[test]
    fn the_timeline_groups_treatments_by_kind() {
        let treatments = "  - { name: CBT, kind: psychotherapy, started: 2016-03-01, ended: 2016-09-01, outcome: partial-response }\n\
            \x20 - { name: Sertraline, kind: antidepressant, started: 2018-02-05, ended: 2018-06-20, outcome: inadequate-response }\n\
            \x20 - { name: Aripiprazole, kind: augmentation, started: 2025-02-01, ended: 2025-03-20, outcome: side-effects }\n\
            \x20 - { name: Bupropion XL, kind: antidepressant, started: 2025-01-12, outcome: ongoing }\n";
        let case = case("  []", treatments);
        let mut list: Vec<&PriorTreatment> = case.prior_treatments.iter().collect();
        list.sort_by_key(|t| t.started);
        let timeline = timeline(&list, case.prepared_on).unwrap();
        let rows: Vec<(&str, Vec<&str>)> = timeline
            .groups
            .iter()
            .map(|g| (g.kind, g.bars.iter().map(|b| b.name.as_str()).collect()))
            .collect();
        assert_eq!(
            rows,
            [
                ("Psychotherapy", vec!["CBT"]),
                ("Antidepressant", vec!["Sertraline", "Bupropion XL"]),
                ("Augmentation", vec!["Aripiprazole"]),
            ]
        );
        let bupropion = &timeline.groups[1].bars[1];
        assert!(bupropion.open);
        assert_eq!(
            bupropion.end,
            day("2026-11-20"),
            "drawn to the packet's date"
        );
        assert_eq!(
            (timeline.start, timeline.end),
            (day("2016-01-01"), day("2027-01-01"))
        );
        // Eleven years, each labelled mid-year.
        let labels: Vec<&str> = timeline.labels.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels.len(), 11);
        assert_eq!((labels[0], labels[10]), ("2016", "2026"));
        assert_eq!(timeline.labels[0].day, day("2016-07-01"));
        assert_eq!(timeline.ticks.len(), 12);
        let legend: Vec<Option<Outcome>> = timeline.legend.iter().map(|l| l.outcome).collect();
        assert_eq!(
            legend,
            [
                Some(Outcome::InadequateResponse),
                Some(Outcome::PartialResponse),
                Some(Outcome::SideEffects),
                Some(Outcome::Ongoing)
            ]
        );
        assert!(timeline.legend[3].dashed && !timeline.legend[0].dashed);
        assert_eq!(
            timeline.alt,
            "Timeline of 4 prior treatments from 2016 to 2026, by kind. Psychotherapy: CBT \
             (2016-03-01 to 2016-09-01, partial response). Antidepressant: Sertraline \
             (2018-02-05 to 2018-06-20, inadequate response); Bupropion XL (from \
             2025-01-12, no end date, ongoing). Augmentation: Aripiprazole (2025-02-01 to \
             2025-03-20, stopped: side effects)."
        );
    }

    #[test]
    fn a_long_timeline_ticks_every_few_years() {
        let treatments = "  - { name: A, kind: antidepressant, started: 2001-03-01, ended: 2001-09-01, outcome: partial-response }\n\
            \x20 - { name: B, kind: other, started: 2025-02-01, outcome: inadequate-response }\n";
        let case = case("  []", treatments);
        let list: Vec<&PriorTreatment> = case.prior_treatments.iter().collect();
        let timeline = timeline(&list, case.prepared_on).unwrap();
        let labels: Vec<&str> = timeline.labels.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["2005", "2010", "2015", "2020", "2025"]);
        assert_eq!(timeline.ticks.len(), 5);
        let legend: Vec<Option<Outcome>> = timeline.legend.iter().map(|l| l.outcome).collect();
        assert_eq!(
            legend,
            [
                Some(Outcome::InadequateResponse),
                Some(Outcome::PartialResponse),
                None
            ]
        );
        assert_eq!(super::timeline(&[], case.prepared_on), None);
        let many = vec![list[0]; MAX_TIMELINE_ROWS + 1];
        assert_eq!(super::timeline(&many, case.prepared_on), None);
        assert!(super::timeline(&many[1..], case.prepared_on).is_some());
    }
}
