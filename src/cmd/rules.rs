//! The `rules` command: the checklist as a Markdown table.

use crate::checklist::RULES;

/// Returns the checklist as a Markdown table.
pub(crate) fn rules_table() -> String {
    let mut table =
        String::from("| id | severity | checklist item | checks |\n|---|---|---|---|\n");
    for rule in RULES {
        table.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            rule.id,
            rule.severity.as_str(),
            rule.item,
            rule.checks
        ));
    }
    table.push_str(
        "\nFiling windows, decision clocks and the rights a letter states, per program and \
         level: README, \"Appeal law by program\" (src/law/).\n",
    );
    table
}
