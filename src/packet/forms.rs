//! The forms a case needs signed besides the letter: the appointment of representative
//! that the organisation files with, made from the case and the program's rule.

use serde::Serialize;

use crate::checklist;
use crate::law::{Appointment, Program};
use crate::model::case::Case;

use super::{long_date, plain};

/// The appointment of representative for the patient and the organisation's signatory to
/// sign, where the plan needs one the case does not name.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorizationData {
    /// The program's rule: its citation, elements, and the form that may be used instead.
    #[serde(flatten)]
    pub appointment: Appointment,
    /// What the appointment covers, in one sentence.
    pub scope: String,
}

/// Returns the appointment to sign, or `None` where the checklist does not ask for one.
pub(crate) fn authorization(case: &Case) -> Option<AuthorizationData> {
    if !checklist::needs_authorization(case) {
        return None;
    }
    let program = case.insurer.plan_type.map_or(Program::Other, Program::of);
    let denial = case.denial.as_ref();
    let mut notice = Vec::new();
    if let Some(date) = denial.and_then(|d| d.date) {
        notice.push(format!("dated {}", long_date(date)));
    }
    if let Some(reference) = denial.and_then(|d| d.reference.as_ref().or(d.claim_number.as_ref())) {
        notice.push(format!("reference {reference}"));
    }
    let notice = if notice.is_empty() {
        String::new()
    } else {
        format!(" (the notice {})", notice.join(", "))
    };
    let scope = format!(
        "the appeal of {}'s denial of {}{notice}, at this level and at every later level of \
         appeal of that denial, including an external review, until I revoke it in writing",
        plain(case.insurer.name.trim()),
        plain(case.request.treatment.trim()),
    );
    Some(AuthorizationData {
        appointment: program.appointment(),
        scope,
    })
}
