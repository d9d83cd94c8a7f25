//! `deadlines.ics`: an RFC 5545 calendar with one all-day event per filing deadline, per
//! plan decision due date and per follow-up due, each with reminders 14 and 3 days before;
//! and `deadlines-XX.ics`, the same for the cases of one owner, for each advocate to
//! subscribe to their own.
//!
//! A coordinator subscribes to the file, so every build must update the same events
//! rather than add new ones: an event's UID is made from the case id, the kind of date
//! and the stage only, never from the date or the time of the run, and `DTSTAMP` is the
//! day deadlines were counted from, so the same inputs give the same bytes. An event's
//! title names the case id, the owner's initials and the kind of date; a patient's name
//! is added only when the run was given names (`--show-names` or `show_names`).

use chrono::Days;

use super::*;
use crate::model::case::{Phase, Stage};
use crate::model::fields::Date;

/// The longest content line, in octets, before it is folded (RFC 5545 3.1).
const LINE_OCTETS: usize = 75;

/// The reminders of every event, as RFC 5545 durations before its day.
const REMINDERS: [&str; 2] = ["-P14D", "-P3D"];

/// What an event marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The last day to file a level.
    Filing,
    /// The last day for the plan's or reviewer's decision on a sent level.
    Decision,
    /// A deadline that cannot be worked out: a task for today, until the fact is found.
    Unknown,
    /// The contact log's next follow-up.
    FollowUp,
    /// The last day to ask for Medicaid benefits to continue while the appeal is pending.
    Continuation,
}

impl Kind {
    /// Returns the kind as written in UIDs.
    fn as_str(self) -> &'static str {
        match self {
            Kind::Filing => "filing",
            Kind::Decision => "decision",
            Kind::Unknown => "deadline-unknown",
            Kind::FollowUp => "follow-up",
            Kind::Continuation => "continuation",
        }
    }
}

/// One all-day event, before it is written.
#[derive(Debug)]
struct Event {
    uid: String,
    date: Date,
    summary: String,
    description: String,
    reminder: String,
}

/// Renders `deadlines.ics`: an all-day event with two reminders for each filing deadline,
/// each pending decision and each follow-up, sorted by date then UID; names only when given.
pub fn ics(summary: &Summary, names: Option<&Names>) -> String {
    calendar(summary, names, None)
}

/// Renders the calendar of one owner's cases (`deadlines-JA.ics`).
pub(crate) fn owner_ics(summary: &Summary, names: Option<&Names>, owner: &str) -> String {
    calendar(summary, names, Some(owner))
}

/// How an owner's calendar is named: this, the owner's initials, then [`OWNER_SUFFIX`].
const OWNER_PREFIX: &str = "deadlines-";
/// How an owner's calendar's name ends.
const OWNER_SUFFIX: &str = ".ics";

/// Whether a file name is that of an owner's calendar (`deadlines-JA.ics`).
pub(crate) fn is_owner_calendar(name: &str) -> bool {
    name.starts_with(OWNER_PREFIX) && name.ends_with(OWNER_SUFFIX)
}

/// Returns the owners that get a calendar of their own, each with its file name.
pub(crate) fn owner_calendars(summary: &Summary) -> Vec<(String, String)> {
    let mut owners: Vec<(String, String)> = summary
        .cases
        .iter()
        .filter_map(|c| c.owner.as_deref())
        .filter_map(|owner| {
            Some((
                owner.to_owned(),
                format!("{OWNER_PREFIX}{}{OWNER_SUFFIX}", owner_slug(owner)?),
            ))
        })
        .collect();
    owners.sort();
    owners.dedup();
    owners
}

/// Renders a calendar of every case, or of one owner's.
fn calendar(summary: &Summary, names: Option<&Names>, owner: Option<&str>) -> String {
    let mut events: Vec<Event> = summary
        .cases
        .iter()
        .filter(|case| owner.is_none() || case.owner.as_deref() == owner)
        .flat_map(|case| case_events(case, names, summary.today))
        .collect();
    events.sort_by(|a, b| (a.date, &a.uid).cmp(&(b.date, &b.uid)));
    let name = match owner {
        Some(owner) => format!("X-WR-CALNAME:Appeal deadlines · {}", text(owner)),
        None => "X-WR-CALNAME:Appeal deadlines".to_owned(),
    };

    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        &format!(
            "PRODID:-//appealpack//appealpack {}//EN",
            text(&summary.appealpack)
        ),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        &name,
    ] {
        push_line(&mut out, line);
    }
    let stamp = format!("DTSTAMP:{}T000000Z", compact(summary.today));
    for event in &events {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", event.uid));
        push_line(&mut out, &stamp);
        push_line(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", compact(event.date)),
        );
        push_line(
            &mut out,
            &format!("DTEND;VALUE=DATE:{}", compact(next_day(event.date))),
        );
        push_line(&mut out, &format!("SUMMARY:{}", text(&event.summary)));
        push_line(
            &mut out,
            &format!("DESCRIPTION:{}", text(&event.description)),
        );
        push_line(&mut out, "TRANSP:TRANSPARENT");
        for trigger in REMINDERS {
            push_line(&mut out, "BEGIN:VALARM");
            push_line(&mut out, "ACTION:DISPLAY");
            push_line(&mut out, &format!("DESCRIPTION:{}", text(&event.reminder)));
            push_line(&mut out, &format!("TRIGGER:{trigger}"));
            push_line(&mut out, "END:VALARM");
        }
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// Returns a case's events: its filing deadline (or a task for today while it cannot be
/// worked out), the decision due date while no decision has come, and its next follow-up.
/// Cases that are invalid or failed, or have no id, give none.
fn case_events(case: &CaseOutcome, names: Option<&Names>, today: Date) -> Vec<Event> {
    if !matches!(case.status, Status::Ready | Status::NeedsWork) {
        return Vec::new();
    }
    let Some(id) = case.id.as_deref() else {
        return Vec::new();
    };
    let mut who = id.to_owned();
    if let Some(name) = patient(case, names) {
        who.push_str(&format!(" {name}"));
    }
    if let Some(owner) = case.owner.as_deref() {
        who.push_str(&format!(" ({owner})"));
    }
    let who = format!("{who}: ");
    let mut events = Vec::new();
    if let Some(deadline) = &case.deadline {
        // After a denial the deadline is the next level's; before, this level's.
        let stage = match case.phase {
            Some(Phase::Decided) => case.next_level.as_ref().and_then(|n| n.stage),
            _ => case.stage,
        };
        let level = stage.map_or_else(|| "the next level".to_owned(), words);
        let what = format!("file {level}");
        events.push(Event {
            uid: uid(id, Kind::Filing, stage),
            date: deadline.date,
            summary: format!("{who}filing deadline ({level})"),
            description: format!("Filing deadline: {}.", deadline.basis),
            reminder: format!("{who}{what} by {}", deadline.date),
        });
    }
    if let Some(by) = &case.continuation {
        events.push(Event {
            uid: uid(id, Kind::Continuation, case.stage),
            date: by.date,
            summary: format!("{who}last day to ask for benefits to continue"),
            description: format!(
                "Benefits continue while the appeal is pending only if asked for by then: {}. \
                 If the appeal is lost, their cost may be recovered.",
                by.basis
            ),
            reminder: format!("{who}ask for benefits to continue by {}", by.date),
        });
    }
    if let Some(fact) = &case.deadline_unknown {
        events.push(Event {
            uid: uid(id, Kind::Unknown, None),
            date: today,
            summary: format!("{who}{fact}"),
            description: format!(
                "The deadline cannot be worked out until this is known; this task moves to \
                 the day of each build until it is. {fact}."
            ),
            reminder: format!("{who}{fact}"),
        });
    }
    if let Some(due) = case.next_follow_up {
        events.push(Event {
            uid: uid(id, Kind::FollowUp, None),
            date: due,
            summary: format!("{who}follow up (contact log)"),
            description: "A follow-up of the case's contact log is due.".to_owned(),
            reminder: format!("{who}follow up by {due}"),
        });
    }
    let pending = case.decision.is_none() && case.phase != Some(Phase::Decided);
    if let Some(due) = case.decision_due.as_ref().filter(|_| pending) {
        let level = case.stage.map_or_else(|| "the level".to_owned(), words);
        events.push(Event {
            uid: uid(id, Kind::Decision, case.stage),
            date: due.date,
            summary: format!("{who}decision due ({level})"),
            description: format!(
                "Decision due: {}.\nIf no decision by then: {}",
                due.basis, due.if_late
            ),
            reminder: format!("{who}decision due ({level}) by {}", due.date),
        });
    }
    events
}

/// Returns an event's UID, stable across builds: case id, kind and stage, nothing else.
fn uid(id: &str, kind: Kind, stage: Option<Stage>) -> String {
    match stage {
        Some(stage) => format!("{id}.{}.{}@appealpack", kind.as_str(), stage.as_str()),
        None => format!("{id}.{}@appealpack", kind.as_str()),
    }
}

/// Returns a stage in words: `internal appeal`.
fn words(stage: Stage) -> String {
    stage.as_str().replace('-', " ")
}

/// Writes a date as an iCalendar DATE: `20261201`.
fn compact(date: Date) -> String {
    date.0.format("%Y%m%d").to_string()
}

/// Returns the day after a date (an all-day event's exclusive end).
fn next_day(date: Date) -> Date {
    Date(date.0.checked_add_days(Days::new(1)).unwrap_or(date.0))
}

/// Escapes a TEXT value (RFC 5545 3.3.11): backslash, `;`, `,` and newlines; other
/// control characters, which TEXT may not hold, become spaces.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets without splitting a character, and CRLF.
///
/// A fold never leaves whitespace at the end of a line (some readers trim it): the
/// whitespace moves to the start of the next one.
fn push_line(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = LINE_OCTETS;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let trimmed = rest[..cut].trim_end_matches([' ', '\t']).len();
        if trimmed > 0 {
            cut = trimmed;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // A continuation line starts with the space that marks it.
        limit = LINE_OCTETS - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{DecisionDue, NextLevel};
    use crate::model::case::{DecisionOutcome, PlanType};
    use crate::outcome::Decided;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn deadline(on: &str, basis: &str) -> Deadline {
        Deadline {
            date: date(on),
            days_left: 10,
            basis: basis.to_owned(),
        }
    }

    /// A summary with a preparing, an awaiting, a decided, an invalid and a failed case.
    fn summary() -> Summary {
        let mut preparing = CaseOutcome::invalid("a.yaml".into(), String::new());
        preparing.id = Some("KET-1".into());
        preparing.status = Status::NeedsWork;
        preparing.error = None;
        preparing.stage = Some(Stage::InternalAppeal);
        preparing.phase = Some(Phase::Preparing);
        preparing.plan_type = Some(PlanType::EmployerSelfFunded);
        preparing.owner = Some("JA".into());
        preparing.deadline = Some(deadline(
            "2026-12-10",
            "180 days from receipt of the notice (29 CFR 2560.503-1(h)(3)(i); x)",
        ));

        let mut awaiting = preparing.clone();
        awaiting.id = Some("KET-2".into());
        awaiting.file = "b.yaml".into();
        awaiting.status = Status::Ready;
        awaiting.phase = Some(Phase::AwaitingDecision);
        awaiting.owner = Some("MB".into());
        awaiting.deadline = None;
        awaiting.decision_due = Some(DecisionDue {
            date: date("2026-12-01"),
            days_left: 5,
            basis: "30 days from the day it was sent on 2026-11-01 (29 CFR 2560.503-1(i)(2)(ii))"
                .into(),
            if_late: "the patient may go to external review".into(),
        });

        let mut decided = awaiting.clone();
        decided.id = Some("KET-3".into());
        decided.file = "c.yaml".into();
        decided.phase = Some(Phase::Decided);
        decided.decision = Some(Decided {
            outcome: DecisionOutcome::Denied,
            date: date("2026-11-10"),
        });
        decided.next_level = Some(NextLevel {
            stage: Some(Stage::ExternalReview),
            what: "external review".into(),
            deadline: Some(deadline("2027-03-10", "4 months")),
        });
        decided.deadline = Some(deadline("2027-03-10", "4 months"));

        let mut invalid = CaseOutcome::invalid("d.yaml".into(), "bad".into());
        invalid.deadline = Some(deadline("2026-12-02", "x"));
        let mut failed = preparing.clone();
        failed.id = Some("KET-5".into());
        failed.file = "e.yaml".into();
        failed.status = Status::Failed;
        Summary::new(
            date("2026-11-26"),
            vec![failed, decided, invalid, awaiting, preparing],
        )
    }

    fn lines(ics: &str) -> Vec<&str> {
        ics.split("\r\n").collect()
    }

    #[test]
    fn one_event_per_date_sorted_with_stable_uids() {
        let ics = ics(&summary(), None);
        let uids: Vec<&str> = lines(&ics)
            .into_iter()
            .filter_map(|l| l.strip_prefix("UID:"))
            .collect();
        assert_eq!(
            uids,
            [
                "KET-2.decision.internal-appeal@appealpack",
                "KET-1.filing.internal-appeal@appealpack",
                "KET-3.filing.external-review@appealpack",
            ]
        );
        assert!(ics.contains("SUMMARY:KET-1 (JA): filing deadline (internal appeal)\r\n"));
        assert!(ics.contains("SUMMARY:KET-2 (MB): decision due (internal appeal)\r\n"));
        assert!(ics.contains("SUMMARY:KET-3 (MB): filing deadline (external review)\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20261201\r\nDTEND;VALUE=DATE:20261202\r\n"));
        assert!(ics.contains("DTSTAMP:20261126T000000Z\r\n"));
        assert_eq!(ics.matches("BEGIN:VALARM").count(), 6);
        assert_eq!(ics.matches("TRIGGER:-P14D\r\n").count(), 3);
        assert_eq!(ics.matches("TRIGGER:-P3D\r\n").count(), 3);
        assert!(!ics.contains("KET-5"), "failed cases give no events");
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn uids_do_not_move_with_the_date_or_the_day_of_the_run() {
        let first = summary();
        let mut later = summary();
        later.today = date("2026-12-20");
        for case in &mut later.cases {
            if let Some(d) = &mut case.deadline {
                d.date = date("2027-06-01");
            }
        }
        let uids = |s: &Summary| -> Vec<String> {
            let mut uids: Vec<String> = lines(&ics(s, None))
                .into_iter()
                .filter_map(|l| l.strip_prefix("UID:").map(str::to_owned))
                .collect();
            uids.sort();
            uids
        };
        assert_eq!(uids(&first), uids(&later));
        // The events did move: the UIDs stay because they are made without the dates.
        assert_ne!(ics(&first, None), ics(&later, None));
        // The same summary, made again, gives the same bytes: nothing of the run goes in.
        assert_eq!(ics(&first, None), ics(&summary(), None));
    }

    #[test]
    fn names_only_when_given() {
        let names = Names::from([("KET-1".to_owned(), "Ann Example".to_owned())]);
        assert!(!ics(&summary(), None).contains("Ann"));
        let named = ics(&summary(), Some(&names));
        assert!(
            named.contains("SUMMARY:KET-1 Ann Example (JA): filing deadline (internal appeal)\r\n")
        );
    }

    #[test]
    fn text_is_escaped_and_lines_are_folded_at_75_octets() {
        assert_eq!(text("a\\b;c,d\ne\r\nf\u{7}"), "a\\\\b\\;c\\,d\\ne\\nf ");
        let names = Names::from([("KET-1".to_owned(), "Zoë Ñáñez, Jr.; ".repeat(8))]);
        let ics = ics(&summary(), Some(&names));
        for line in lines(&ics) {
            assert!(line.len() <= LINE_OCTETS, "{line:?}");
            assert!(!line.ends_with(' '), "{line:?}");
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("SUMMARY:KET-1 Zoë Ñáñez\\, Jr.\\; Zoë"));
        assert!(
            unfolded.contains("DESCRIPTION:Filing deadline: 180 days from receipt of the notice (29 CFR 2560.503-1(h)(3)(i)\\; x).")
        );
        assert!(unfolded.contains("\\nIf no decision by then: the patient may go"));
    }

    #[test]
    fn each_owner_gets_a_calendar_of_their_own_cases() {
        let mut summary = summary();
        summary.cases[0].next_follow_up = Some(date("2026-12-03"));
        let owners = owner_calendars(&summary);
        assert_eq!(
            owners,
            [
                ("JA".to_owned(), "deadlines-JA.ics".to_owned()),
                ("MB".to_owned(), "deadlines-MB.ics".to_owned())
            ]
        );
        let ja = owner_ics(&summary, None, "JA");
        assert!(ja.contains("X-WR-CALNAME:Appeal deadlines · JA\r\n"));
        assert!(ja.contains("UID:KET-1.filing.internal-appeal@appealpack\r\n"));
        assert!(!ja.contains("KET-2") && !ja.contains("KET-3"), "{ja}");
        let mb = owner_ics(&summary, None, "MB");
        assert_eq!(mb.matches("BEGIN:VEVENT").count(), 2);
        assert!(!mb.contains("KET-1"));
        // A follow-up from the contact log is an event of its own.
        let all = ics(&summary, None);
        let follow_up = summary.cases[0].id.clone().unwrap();
        assert!(all.contains(&format!("SUMMARY:{follow_up} (")), "{all}");
        assert!(all.contains("follow up (contact log)\r\n"), "{all}");
        assert!(all.contains(".follow-up@appealpack"), "{all}");
    }

    #[test]
    fn the_day_to_ask_for_benefits_to_continue_is_an_event() {
        let mut run = summary();
        run.cases[0].continuation = Some(deadline(
            "2026-12-04",
            "continuation of benefits, requested within 10 days of the notice (42 CFR 438.420(a))",
        ));
        let ics = ics(&run, None);
        assert!(ics.contains("UID:KET-1.continuation.internal-appeal@appealpack\r\n"));
        assert!(
            ics.contains("SUMMARY:KET-1 (JA): last day to ask for benefits to continue\r\n"),
            "{ics}"
        );
        assert!(ics.contains("DTSTART;VALUE=DATE:20261204\r\n"));
    }

    #[test]
    fn an_empty_run_is_still_a_calendar() {
        let empty = Summary::new(date("2026-11-26"), Vec::new());
        let ics = ics(&empty, None);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(!ics.contains("VEVENT"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }
}
