//! The `report` command: the outcomes of a period, for a board or a funder, written as
//! `report-PERIOD.md` and `report-PERIOD.pdf` (the same Typst engine as the packets, with
//! `templates/report.typ`). The cases are checked as `check` checks them; the counting is
//! [`PeriodReport`]'s, which names cases by id only.

use anyhow::{Context as _, Result, bail};

use super::check::check_all;
use super::{Exit, load_library};
use crate::cli::ReportArgs;
use crate::fsutil;
use crate::model::fields::Date;
use crate::model::organisation::Organisation;
use crate::outcome::Summary;
use crate::render::{self, Renderer, templates};
use crate::report::{Period, PeriodReport};

/// Runs `report`.
pub fn run(args: &ReportArgs) -> Result<Exit> {
    let today = args.today.unwrap_or_else(Date::today);
    let period = period(args, today)?;
    let source = templates::Source::choose(args.templates.as_deref());
    let library = load_library(&source)?;
    let organisation = Organisation::from_file(&args.config)?;
    let renderer = Renderer::from_source(&source)?;
    let outcomes = check_all(&args.cases, today, &library, Some(&organisation))?;
    let summary = Summary::new(today, outcomes);
    let report = PeriodReport::new(&summary, &period, &organisation.name);

    fsutil::create_dir_all(&args.output)?;
    let stem = format!("report-{}", period.name);
    let markdown = args.output.join(format!("{stem}.md"));
    fsutil::write_atomic(&markdown, report.markdown().as_bytes())?;
    let rendered = renderer
        .render_report(&report.to_json(), today)
        .with_context(|| {
            format!(
                "the templates {} have no {}: `appealpack templates export NEW-FOLDER` writes \
                 the current ones",
                source.describe(),
                render::REPORT
            )
        })?
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let pdf = args.output.join(format!("{stem}.pdf"));
    fsutil::write_atomic(&pdf, &rendered.pdf)?;
    super::print(&format!(
        "{} appeals decided in {}; wrote {} and {}\n",
        report.decided,
        period.name,
        markdown.display(),
        pdf.display()
    ))?;
    Ok(Exit::Ok)
}

/// Works out the period from `--quarter`, or `--from` and `--to` (default: today).
fn period(args: &ReportArgs, today: Date) -> Result<Period> {
    if let Some(quarter) = args.quarter {
        let (from, to) = quarter.days();
        return Ok(Period {
            from: Some(from),
            to,
            name: format!("{}-Q{}", quarter.year, quarter.number),
        });
    }
    let to = args.to.unwrap_or(today);
    if let Some(from) = args.from.filter(|from| *from > to) {
        bail!("--from {from} is after --to {to}: the period would be empty");
    }
    let name = match args.from {
        Some(from) => format!("{from}-to-{to}"),
        None => format!("to-{to}"),
    };
    Ok(Period {
        from: args.from,
        to,
        name,
    })
}
