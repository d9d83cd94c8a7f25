//! The outcomes of a period, for a board or a funder (`appealpack report`): appeals decided
//! in the period by outcome and by plan type, insurer, denial reason and level; the median
//! days from sending to decision; the value of the care approved; every rate with its count
//! and Wilson interval, or none below the minimum count; the decided cases by id; and the
//! public benchmarks of [`BENCHMARKS`], said plainly not to be like-for-like.
//!
//! [`PeriodReport`] is made once from a summary and becomes both the Markdown and the JSON
//! data the PDF template (`templates/report.typ`) reads. Cases are named by id only.

use serde::{Deserialize, Serialize};

use super::outcomes::outcomes_of;
use super::rates::{MIN_COUNT, Rate};
use super::*;
use crate::model::fields::Date;

/// The public benchmarks with their sources, one data file to update.
const BENCHMARKS: &str = include_str!("benchmarks.yaml");

/// What the report says of the benchmarks, every time it shows them.
pub(super) const NOT_LIKE_FOR_LIKE: &str = "These public figures are not like-for-like comparisons: \
    they count every kind of service and claim across whole programs, some count claims \
    rather than appeals, and none is limited to ketamine appeals prepared with an advocate's \
    help. They show the landscape, not a target.";

/// A public figure to set the organisation's results beside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Benchmark {
    /// What the figure measures.
    pub measures: String,
    /// The figure, as its source states it.
    pub figure: String,
    /// The year of the data.
    pub year: u16,
    /// Who published it, and where.
    pub source: String,
}

/// Returns the public benchmarks of the data file.
pub(super) fn benchmarks() -> Vec<Benchmark> {
    serde_yaml::from_str(BENCHMARKS).expect("benchmarks.yaml is valid (a test reads it)")
}

/// The days decisions are counted in: from `from` (when given) to `to`, both included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Period {
    /// The first day, or none for every decision up to `to`.
    pub from: Option<Date>,
    /// The last day.
    pub to: Date,
    /// How the period is named: "2026-Q3", or its dates.
    pub name: String,
}

impl Period {
    /// Returns whether a day falls in the period.
    pub(crate) fn contains(&self, day: Date) -> bool {
        self.from.is_none_or(|from| day >= from) && day <= self.to
    }
}

/// A rate as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct RateView {
    /// How many had the property.
    pub count: usize,
    /// How many were counted.
    pub of: usize,
    /// The rate in words, with its count and interval, or "too few to state a rate".
    pub words: String,
}

impl From<Rate> for RateView {
    fn from(rate: Rate) -> RateView {
        RateView {
            count: rate.count,
            of: rate.of,
            words: rate.describe(),
        }
    }
}

/// One group of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Row {
    /// The group, in words.
    pub label: String,
    /// Appeals decided.
    pub decided: usize,
    /// Approved in full.
    pub approved: usize,
    /// Approved in part.
    pub partially: usize,
    /// Denied.
    pub denied: usize,
    /// Approved in full or in part: a rate with its interval, or "too few".
    pub rate: String,
}

/// A breakdown of the decided appeals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Breakdown {
    /// What the groups are (plan type, insurer, denial reason, level).
    pub heading: String,
    /// The groups.
    pub rows: Vec<Row>,
}

/// A decided case, by id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DecidedCase {
    /// The case id.
    pub id: String,
    /// The level decided.
    pub level: String,
    /// The plan type in words.
    pub plan: String,
    /// The decision in words.
    pub outcome: String,
    /// The day of the decision.
    pub decided_on: Date,
    /// Days from sending to the decision, where the sending day is known.
    pub days: Option<i64>,
}

/// The outcomes of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PeriodReport {
    /// The organisation, as on its packets.
    pub organisation: String,
    /// The period's name.
    pub period: String,
    /// The day the report was made.
    pub made_on: Date,
    /// Appeals decided in the period.
    pub decided: usize,
    /// Approved in full.
    pub approved: usize,
    /// Approved in part.
    pub partially: usize,
    /// Denied.
    pub denied: usize,
    /// Appeals sent but not decided by the end of the period.
    pub awaiting: usize,
    /// The fewest decided appeals a rate is stated for.
    pub min_count: usize,
    /// The share approved in full.
    pub in_full: RateView,
    /// The share approved in full or in part.
    pub at_least_in_part: RateView,
    /// By plan type, insurer, denial reason and level.
    pub breakdowns: Vec<Breakdown>,
    /// The median days from sending to decision, over the cases whose sending day is known.
    pub median_days: Option<f64>,
    /// How many decided cases the median is taken over.
    pub timed: usize,
    /// The value of the care approved in full: cost per session times sessions.
    pub value_approved: f64,
    /// How many approvals in full gave a value.
    pub valued: usize,
    /// Approvals whose value is not counted: partial ones, or without cost and sessions.
    pub not_valued: usize,
    /// Every decided case, by decision day.
    pub cases: Vec<DecidedCase>,
    /// The public benchmarks.
    pub benchmarks: Vec<Benchmark>,
    /// What the report says of them.
    pub not_like_for_like: String,
}

impl PeriodReport {
    /// Counts the outcomes of the appeals decided in a period.
    pub(crate) fn new(summary: &Summary, period: &Period, organisation: &str) -> PeriodReport {
        let in_period = |c: &CaseOutcome| c.decision.is_some_and(|d| period.contains(d.date));
        let counted = outcomes_of(summary, in_period);
        let total = &counted.total;
        let breakdowns = counted
            .breakdowns
            .iter()
            .map(|(heading, groups)| Breakdown {
                heading: (*heading).to_owned(),
                rows: groups
                    .iter()
                    .map(|g| Row {
                        label: g.label.clone(),
                        decided: g.decided(),
                        approved: g.approved,
                        partially: g.partially,
                        denied: g.denied,
                        rate: g.at_least_in_part().cell(),
                    })
                    .collect(),
            })
            .collect();
        let mut cases: Vec<DecidedCase> = summary
            .cases
            .iter()
            .filter(|c| in_period(c))
            .filter_map(|c| {
                let decision = c.decision?;
                Some(DecidedCase {
                    id: c.id.clone()?,
                    level: c.stage.map_or("—", |s| s.title()).to_owned(),
                    plan: c.plan_type.map_or("—", plan_words).to_owned(),
                    outcome: decision_words(decision.outcome).to_owned(),
                    decided_on: decision.date,
                    days: c.sent_on.map(|sent| (decision.date.0 - sent.0).num_days()),
                })
            })
            .collect();
        cases.sort_by(|a, b| (a.decided_on, &a.id).cmp(&(b.decided_on, &b.id)));
        let mut days: Vec<i64> = cases.iter().filter_map(|c| c.days).collect();
        days.sort_unstable();
        let approved_in_full = summary.cases.iter().filter(|c| {
            in_period(c)
                && c.decision
                    .is_some_and(|d| d.outcome == crate::model::case::DecisionOutcome::Approved)
        });
        let values: Vec<f64> = approved_in_full.filter_map(|c| c.care_value).collect();
        let awaiting = summary
            .cases
            .iter()
            .filter(|c| c.sent_on.is_some_and(|s| s <= period.to))
            .filter(|c| c.decision.is_none_or(|d| d.date > period.to))
            .count();
        PeriodReport {
            organisation: organisation.to_owned(),
            period: period.name.clone(),
            made_on: summary.today,
            decided: total.decided(),
            approved: total.approved,
            partially: total.partially,
            denied: total.denied,
            awaiting,
            min_count: MIN_COUNT,
            in_full: total.in_full().into(),
            at_least_in_part: total.at_least_in_part().into(),
            breakdowns,
            median_days: median(&days),
            timed: days.len(),
            value_approved: values.iter().sum(),
            valued: values.len(),
            not_valued: total.approved + total.partially - values.len(),
            cases,
            benchmarks: benchmarks(),
            not_like_for_like: NOT_LIKE_FOR_LIKE.to_owned(),
        }
    }

    /// Renders the data the PDF template reads.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("the report serializes")
    }

    /// Renders the report as Markdown.
    pub(crate) fn markdown(&self) -> String {
        let mut out = format!(
            "# Appeal outcomes: {}\n\n{} · made {} by appealpack\n\n",
            md_text(&self.period),
            md_text(&self.organisation),
            self.made_on
        );
        out.push_str(&format!(
            "## Summary\n\n- Appeals decided: {}\n- Approved in full: {}\n- Approved in part: {}\n\
             - Denied: {}\n- Sent and still awaiting a decision at the end of the period: {}\n\
             - Approved in full: {}\n- Approved in full or in part: {}\n",
            self.decided,
            self.approved,
            self.partially,
            self.denied,
            self.awaiting,
            self.in_full.words,
            self.at_least_in_part.words
        ));
        out.push_str(&format!(
            "- Median days from sending to decision: {}\n",
            self.median_words()
        ));
        out.push_str(&format!(
            "- Value of the care approved: {}\n",
            self.value_words()
        ));
        out.push_str(&format!(
            "\nRates are given with their count and a 95% Wilson interval, and only from {} \
             decided appeals up; below that the count alone is given (\"too few to state a \
             rate\").\n",
            self.min_count
        ));
        for breakdown in &self.breakdowns {
            out.push_str(&format!(
                "\n## By {}\n\n| {} | Decided | Approved in full | In part | Denied | In full or in part |\n| --- | --: | --: | --: | --: | --: |\n",
                breakdown.heading.to_lowercase(),
                breakdown.heading
            ));
            for row in &breakdown.rows {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    md_text(&row.label),
                    row.decided,
                    row.approved,
                    row.partially,
                    row.denied,
                    row.rate
                ));
            }
        }
        out.push_str("\n## Decided cases\n\n");
        if self.cases.is_empty() {
            out.push_str("No appeal was decided in the period.\n");
        } else {
            out.push_str("| Case | Level | Plan type | Decision | Decided on | Days from sending |\n| --- | --- | --- | --- | --- | --: |\n");
            for case in &self.cases {
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} | {} |\n",
                    case.id.replace('`', "'"),
                    case.level,
                    case.plan,
                    case.outcome,
                    case.decided_on,
                    case.days.map_or("—".to_owned(), |d| d.to_string())
                ));
            }
        }
        out.push_str(&format!(
            "\n## Public benchmarks\n\n{}\n\n| What it measures | Figure | Year | Source |\n| --- | --- | --- | --- |\n",
            self.not_like_for_like
        ));
        for b in &self.benchmarks {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                md_text(&b.measures),
                md_text(&b.figure),
                b.year,
                md_text(&b.source)
            ));
        }
        out
    }

    /// Describes the median days in words.
    fn median_words(&self) -> String {
        match self.median_days {
            Some(days) => format!(
                "{days} (over {} cases whose sending day is known)",
                self.timed
            ),
            None => "not known (no decided case gives its sending day)".to_owned(),
        }
    }

    /// Describes the value of the care approved in words.
    fn value_words(&self) -> String {
        let mut words = format!(
            "${} over {} approvals in full that give cost per session and sessions",
            dollars(self.value_approved),
            self.valued
        );
        if self.not_valued > 0 {
            words.push_str(&format!(
                "; {} other approvals (in part, or without cost and sessions) are not counted",
                self.not_valued
            ));
        }
        words
    }
}

/// Returns the median of sorted numbers.
fn median(sorted: &[i64]) -> Option<f64> {
    match sorted.len() {
        0 => None,
        n if !n.is_multiple_of(2) => Some(sorted[n / 2] as f64),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0),
    }
}

/// Writes whole dollars with thousands separators: 12,600.
fn dollars(value: f64) -> String {
    let whole = value.round() as i64;
    let digits = whole.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if whole < 0 { format!("-{out}") } else { out }
}

/// Escapes text for a Markdown table cell.
fn md_text(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::case::{DecisionOutcome, Phase, PlanType, Stage};
    use crate::outcome::Decided;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    /// A decided case: id, plan type, outcome, sent on, decided on, value of the care.
    type Fixture<'a> = (
        &'a str,
        PlanType,
        DecisionOutcome,
        &'a str,
        &'a str,
        Option<f64>,
    );

    /// A fixture of decided cases.
    fn summary(decided: &[Fixture]) -> Summary {
        let cases = decided
            .iter()
            .map(|(id, plan, outcome, sent, on, value)| {
                let mut case = CaseOutcome::invalid(format!("{id}.yaml"), String::new());
                case.id = Some((*id).to_owned());
                case.status = Status::Ready;
                case.error = None;
                case.stage = Some(Stage::InternalAppeal);
                case.phase = Some(Phase::Decided);
                case.plan_type = Some(*plan);
                case.insurer = Some("Example Health".into());
                case.sent_on = Some(date(sent));
                case.decision = Some(Decided {
                    outcome: *outcome,
                    date: date(on),
                });
                case.care_value = *value;
                case
            })
            .collect();
        Summary::new(date("2026-10-15"), cases)
    }

    fn quarter() -> Period {
        Period {
            from: Some(date("2026-07-01")),
            to: date("2026-09-30"),
            name: "2026-Q3".into(),
        }
    }

    use DecisionOutcome::{Approved, Denied, PartiallyApproved};
    use PlanType::{EmployerSelfFunded as Erisa, MedicareAdvantage as Ma};

    #[test]
    fn a_few_decided_cases_get_counts_but_no_rate() {
        let summary = summary(&[
            (
                "KET-1",
                Erisa,
                Approved,
                "2026-07-01",
                "2026-07-21",
                Some(2700.0),
            ),
            (
                "KET-2",
                Erisa,
                PartiallyApproved,
                "2026-07-10",
                "2026-08-09",
                Some(1800.0),
            ),
            ("KET-3", Ma, Denied, "2026-08-01", "2026-08-31", None),
            // Decided before the quarter: not counted.
            (
                "KET-4",
                Ma,
                Approved,
                "2026-05-01",
                "2026-06-01",
                Some(900.0),
            ),
        ]);
        let report = PeriodReport::new(&summary, &quarter(), "Example Advocates");
        assert_eq!(
            (
                report.decided,
                report.approved,
                report.partially,
                report.denied
            ),
            (3, 1, 1, 1)
        );
        assert_eq!(
            report.at_least_in_part.words,
            "2 of 3: too few to state a rate (fewer than 10)"
        );
        assert_eq!(report.median_days, Some(30.0));
        assert_eq!(
            (report.value_approved, report.valued, report.not_valued),
            (2700.0, 1, 1)
        );
        let ids: Vec<&str> = report.cases.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["KET-1", "KET-2", "KET-3"]);
        let md = report.markdown();
        assert!(md.contains("# Appeal outcomes: 2026-Q3"), "{md}");
        assert!(
            md.contains("| Employer plan, self-funded | 2 | 1 | 1 | 0 | too few |"),
            "{md}"
        );
        assert!(
            md.contains(
                "| `KET-3` | Internal appeal | Medicare Advantage | denied | 2026-08-31 | 30 |"
            ),
            "{md}"
        );
        assert!(md.contains("$2,700 over 1 approvals in full"), "{md}");
        assert!(md.contains("not like-for-like"), "{md}");
        assert!(!md.contains("KET-4"));
    }

    #[test]
    fn from_the_minimum_count_a_rate_is_stated_with_its_interval() {
        let mut decided = Vec::new();
        let ids: Vec<String> = (1..=12).map(|i| format!("KET-{i}")).collect();
        for (i, id) in ids.iter().enumerate() {
            let outcome = if i < 8 { Approved } else { Denied };
            decided.push((
                id.as_str(),
                Erisa,
                outcome,
                "2026-07-01",
                "2026-08-01",
                Some(100.0),
            ));
        }
        let report = PeriodReport::new(&summary(&decided), &quarter(), "Example Advocates");
        assert_eq!(report.in_full.words, "67% (8 of 12; 95% interval 39-86%)");
        assert_eq!(report.median_days, Some(31.0));
        assert_eq!(report.value_approved, 800.0);
        let md = report.markdown();
        assert!(
            md.contains("| Employer plan, self-funded | 12 | 8 | 0 | 4 | 67% (39-86%) |"),
            "{md}"
        );
    }

    #[test]
    fn every_benchmark_names_its_source_and_year() {
        let benchmarks = benchmarks();
        assert!(benchmarks.len() >= 2);
        for b in &benchmarks {
            assert!(b.source.contains("KFF"), "{b:?}");
            assert!((2019..=2030).contains(&b.year), "{b:?}");
            assert!(!b.measures.is_empty() && !b.figure.is_empty());
        }
    }

    #[test]
    fn medians_and_dollars_read_as_people_write_them() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3, 9, 20]), Some(9.0));
        assert_eq!(median(&[3, 9, 20, 40]), Some(14.5));
        assert_eq!(dollars(1234567.4), "1,234,567");
        assert_eq!(dollars(950.0), "950");
    }
}
