//! The `build` command: check every case, render its packet, write the reports.

use anyhow::Result;

use crate::app::{self, Exit};
use crate::cli::BuildArgs;
use crate::report::Summary;

/// Runs `build`.
pub fn build(args: &BuildArgs) -> Result<Exit> {
    let (today, checked) = app::check_cases(&args.common)?;
    let summary = Summary::new(today, checked.into_iter().map(|c| c.outcome).collect());
    Ok(app::exit_for(&summary, args.common.strict))
}
