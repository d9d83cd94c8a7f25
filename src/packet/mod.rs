//! The data an appeal packet is rendered from: everything the templates need, ready to print.
//!
//! [`prepare`] builds [`PacketData`] from a checked case by a pure function; it reaches the
//! Typst templates only as JSON data (`/case/data.json`), never as Typst source. Dates are
//! preformatted, Markdown fields are converted to [`Document`] trees, evidence keys are
//! resolved to full references, and enclosures carry their virtual paths and page counts.
//!
//! `data.rs` holds the types, `argument.rs` the argument in words, `words.rs` how names,
//! dates, amounts and codes are written.

pub mod charts;
pub mod forms;
pub mod markdown;
pub mod trials;

mod argument;
mod data;
mod words;

use crate::attachments::{Enclosure, Role};
use crate::checklist::{self, CheckedCase, Condition, Deadline, Finding, Severity};
use crate::law::{self, FilingBody, Program, deadline, decision};
use crate::model::case::{Case, DenialReason, ExtraEvidence, FiledBy, MAX_MARKDOWN_BYTES, Stage};
use crate::model::evidence::{EvidenceLibrary, Reference};
use crate::model::fields::Code;
use crate::model::organisation::Organisation;

use markdown::Document;

use argument::*;
pub use data::*;
pub(crate) use words::*;

/// Prepares the packet data of a checked case, or `None` for a case that did not load.
///
/// This is the one step from the check stage to a packet: `build`, the render tests and
/// the benchmark all call it.
pub fn prepare(
    checked: &CheckedCase,
    library: &EvidenceLibrary,
    organisation: &Organisation,
) -> Option<PacketData> {
    let case = checked.case()?;
    injected_panic(&case.id);
    // A case over its budget for all its files has no packet: it is refused whole.
    if checked.over_budget.is_some() {
        return None;
    }
    Some(PacketData::new(
        case,
        &checked.findings,
        checked.deadline.as_ref(),
        library,
        organisation,
        &checked.enclosures,
    ))
}

/// Panics while preparing the case named by `APPEALPACK_TEST_PANIC`, in debug builds only,
/// so the tests can show that a panic in one case leaves the batch standing.
fn injected_panic(id: &str) {
    if cfg!(debug_assertions) && std::env::var_os("APPEALPACK_TEST_PANIC").is_some_and(|v| v == id)
    {
        panic!("injected panic while preparing a packet (APPEALPACK_TEST_PANIC)");
    }
}

/// Works out what the law of a case's program lets its letter say.
fn program_data(case: &Case) -> ProgramData {
    let program = case.insurer.plan_type.map(Program::of);
    let level = law::level_of(case).ok().flatten().map(|(_, level)| level);
    let urgent = case.denial.as_ref().is_some_and(|d| d.urgent);
    let post_service = !case.request.dates_of_service.is_empty();
    let expedited = level
        .and_then(|l| l.expedited_for(post_service))
        .filter(|_| urgent);
    let internal = matches!(case.stage, Stage::InternalAppeal | Stage::SecondLevelAppeal);
    let external = case.stage == Stage::ExternalReview;
    let gives = |reason| case.denial.as_ref().is_some_and(|d| d.gives(reason));
    // Original Medicare decides claims for care already given: it has no pre-service appeal.
    let pre_service = internal && !post_service && program != Some(Program::OriginalMedicare);
    let asks = level.map_or("this appeal", |l| l.asks);
    let opening = match case.stage {
        Stage::PriorAuthorization => "authorize",
        Stage::ExternalReview
            if level.is_some_and(|l| l.filed_with == FilingBody::ExternalReview) =>
        {
            "external"
        }
        Stage::SecondLevelAppeal if asks == "this appeal" => "second-level",
        _ if asks == "this appeal" => "appeal",
        _ => "request",
    };
    let filing = law::filing(case);
    let insurer = &case.insurer;
    let addressee = match &filing {
        Some(f) if !f.plan => AddresseeData {
            name: None,
            address: text(insurer.filing_address.as_deref()),
            fax: None,
        },
        _ => AddresseeData {
            name: Some(plain(&insurer.name)),
            address: text(
                insurer
                    .filing_address
                    .as_deref()
                    .or(insurer.appeals_address.as_deref()),
            ),
            fax: text(insurer.appeals_fax.as_deref()).filter(|_| insurer.filing_address.is_none()),
        },
    };
    // The plan's own level needs no line of its own: the addressee names the plan.
    let file_with =
        filing
            .filter(|f| f.body != "the plan")
            .map(|f| match f.body.strip_prefix("the plan") {
                Some(rest) => format!("{}{rest}", plain(insurer.name.trim())),
                None => f.body.to_owned(),
            });
    let mut statements = Vec::new();
    if let Some(routes) = program
        .and_then(Program::no_external_review)
        .filter(|_| internal)
    {
        let mut words = routes.to_owned();
        words[..1].make_ascii_uppercase();
        statements.push(format!("{words}."));
    }
    let continuation = deadline::continuation_deadline(case, case.prepared_on).and_then(|d| {
        let rule = program?.continuation(case.stage)?;
        statements.push(rule.asks.to_owned());
        Some(ContinuationData {
            date: long_date(d.date),
            days_left: d.days_left,
            basis: d.basis,
            risk: format!("{} ({})", rule.recovery, rule.risk),
        })
    });
    ProgramData {
        filed_by: match case.filed_by {
            FiledBy::Organisation => "organisation",
            FiledBy::Patient => "patient",
        },
        subject: match (case.stage, level) {
            (Stage::PriorAuthorization, _) => "Request for prior authorization",
            (_, Some(level)) => level.subject,
            (stage, None) => stage.title(),
        },
        asks,
        opening,
        file_with,
        decision_term: program.map_or("decision", |p| p.decision_term(case.stage)),
        addressee,
        expedited: expedited.map(|c| ClockData {
            time: c.time,
            cite: c.cite,
        }),
        pre_service,
        pre_service_clock: decision::clock(case)
            .ok()
            .filter(|_| pre_service)
            .map(|c| ClockData {
                time: c.time,
                cite: c.cite,
            }),
        concurrent_external: program
            .and_then(Program::concurrent_external_review)
            .filter(|_| urgent && internal && expedited.is_some()),
        parity: program.and_then(|p| {
            let cite = p.parity()?;
            Some(match p {
                Program::MedicaidManagedCare => format!("the Medicaid parity rules ({cite})"),
                _ => format!("the Mental Health Parity and Addiction Equity Act ({cite})"),
            })
        }),
        claim_file: program
            .and_then(Program::claim_file)
            .map(|(cite, free)| ClaimFileData { cite, free }),
        reviewer_rule: program.and_then(Program::reviewer_rule),
        statements,
        urgency_rule: program
            .and_then(Program::urgency_rule)
            .filter(|_| urgent)
            .map(|(cite, effect)| RuleData { cite, effect }),
        exclusion_eligibility: program
            .and_then(Program::exclusion_eligibility)
            .filter(|_| external && gives(DenialReason::NotACoveredBenefit)),
        certification: program
            .and_then(Program::investigational_certification)
            .filter(|_| external && gives(DenialReason::ExperimentalInvestigational)),
        continuation,
    }
}

impl PacketData {
    /// Builds the packet data of a case from its findings, deadline and enclosures.
    pub fn new(
        case: &Case,
        findings: &[Finding],
        deadline: Option<&Deadline>,
        library: &EvidenceLibrary,
        org: &Organisation,
        enclosures: &[Enclosure],
    ) -> PacketData {
        let messages = |severity: Severity| -> Vec<String> {
            findings
                .iter()
                .filter(|f| f.severity == severity)
                .map(|f| f.message.clone())
                .collect()
        };
        let blockers = messages(Severity::Blocker);
        let denial = case.denial.as_ref();
        let reference = denial
            .and_then(|d| d.reference.as_ref().or(d.claim_number.as_ref()))
            .map(|c| c.to_string())
            .filter(|r| !r.is_empty());
        let mut conditions = Conditions::default();
        for code in case.diagnosis_codes() {
            match checklist::condition(code) {
                Some(Condition::Depression) => {
                    conditions.depression = true;
                    conditions.unipolar = true;
                }
                Some(Condition::BipolarDepression) => conditions.depression = true,
                Some(Condition::Anxiety) => conditions.anxiety = true,
                Some(Condition::Ptsd) => conditions.ptsd = true,
                None => {}
            }
        }
        let letter = case.letter_of_medical_necessity.clone().unwrap_or_default();
        let names_provider = letter
            .draft
            .as_deref()
            .is_some_and(|d| sign_off_names_provider(d, &case.provider));
        let signed = enclosures.iter().find(|e| e.role == Role::Letter).cloned();
        let draft = if signed.is_none() {
            markdown_field(letter.draft.as_deref().map(keep_sign_off_breaks).as_deref())
        } else {
            None
        };
        let mut evidence: Vec<EvidenceData> = case
            .evidence
            .iter()
            .filter_map(|key| library.get(key))
            .map(evidence_data)
            .collect();
        evidence.extend(case.extra_evidence.iter().map(extra_evidence_data));
        let fit = checklist::evidence_fit(case, library);
        let scope = evidence_scope(case, library, &fit);
        let treatments = prior_treatments(case);
        let cites = |key: &str| case.evidence.iter().any(|k| k == key);
        // The letter cites esketamine's approval where it argues the evidence for major
        // depression; the plan's reply "use esketamine" then needs its answer.
        let cites_esketamine = conditions.unipolar
            && denial.is_some_and(|d| d.gives(DenialReason::ExperimentalInvestigational));
        let p = &case.patient;
        let i = &case.insurer;
        let v = &case.provider;
        PacketData {
            version: crate::VERSION,
            id: case.id.clone(),
            stage: case.stage,
            prepared_on: long_date(case.prepared_on),
            date: case.prepared_on,
            draft: !blockers.is_empty(),
            // Only a draft prints its warnings; a ready packet's data leaves them out, since
            // some count days from today and would change the packet's key every day.
            warnings: if blockers.is_empty() {
                Vec::new()
            } else {
                messages(Severity::Warning)
            },
            blockers,
            urgent: denial.is_some_and(|d| d.urgent),
            deadline: deadline.map(|d| DeadlineData {
                date: long_date(d.date),
                basis: d.basis.clone(),
            }),
            organisation: org.clone(),
            patient: PatientData {
                name: plain(&p.name),
                possessive: plain(&possessive(p.name.trim())),
                short: plain(&short_name(p)),
                short_possessive: plain(&possessive(&short_name(p))),
                date_of_birth: p.date_of_birth.map(long_date),
                member_id: code(p.member_id.as_ref()),
                address: text(p.address.as_deref()),
                phone: text(p.phone.as_deref()),
                email: text(p.email.as_deref()),
            },
            insurer: InsurerData {
                name: plain(&i.name),
                possessive: plain(&possessive(i.name.trim())),
                plan_name: text(i.plan_name.as_deref()),
                plan_type: i.plan_type.map(|t| t.as_str()),
                group_number: code(i.group_number.as_ref()),
                appeals_address: text(i.appeals_address.as_deref()),
                appeals_fax: text(i.appeals_fax.as_deref()),
                clinical_policy: markdown_field(i.clinical_policy.as_deref()),
                criteria: i
                    .criteria
                    .iter()
                    .map(|c| CriterionData {
                        criterion: plain(&c.criterion),
                        how_met: plain(&c.how_met),
                    })
                    .collect(),
            },
            provider: ProviderData {
                name: plain(&v.name),
                display: plain(&provider_display(&v.name, v.credentials.as_deref())),
                credentials: text(v.credentials.as_deref()),
                specialty: text(v.specialty.as_deref()),
                npi: code(v.npi.as_ref()),
                practice: text(v.practice.as_deref()),
                address: text(v.address.as_deref()),
                phone: text(v.phone.as_deref()),
            },
            conditions,
            diagnoses: case
                .diagnoses
                .iter()
                .map(|d| DiagnosisData {
                    code: d.code.to_string(),
                    description: plain(&d.description),
                    since: d.since.map(long_date),
                })
                .collect(),
            request: RequestData {
                treatment: plain(&case.request.treatment),
                codes: case
                    .request
                    .codes
                    .iter()
                    .map(|c| code_label(c.as_str()))
                    .collect(),
                sessions: case.request.sessions,
                schedule: text(case.request.schedule.as_deref()),
                dates_of_service: case
                    .request
                    .dates_of_service
                    .iter()
                    .map(|d| long_date(*d))
                    .collect(),
                cost_per_session: case.request.cost_per_session.map(dollars),
                facility: text(case.request.facility.as_deref()),
            },
            prior_treatments: treatments
                .iter()
                .map(|t| TreatmentData {
                    name: plain(&t.name),
                    kind: t.kind.title(),
                    kind_id: t.kind,
                    kind_words: kind_words(t.kind),
                    dose: text(t.dose.as_deref()),
                    started: t.started.map(|d| d.to_string()),
                    ended: t.ended.map(|d| d.to_string()),
                    weeks: t.weeks(),
                    outcome: t.outcome.title(),
                    notes: markdown_field(t.notes.as_deref()),
                })
                .collect(),
            trials: trials::trials(case, conditions.unipolar, cites),
            alternatives: trials::alternatives(case, cites_esketamine),
            denial: denial.map(|d| DenialData {
                date: d.date.map(long_date),
                received: d.received.map(long_date),
                reference: code(d.reference.as_ref()),
                claim_number: code(d.claim_number.as_ref()),
                reasons: d.all_reasons().iter().map(|r| r.as_str()).collect(),
                medical_judgment: d.turns_on_medical_judgment(),
                missing: d
                    .missing
                    .iter()
                    .map(|m| MissingData {
                        record: plain(&m.record),
                        enclosure: m.answered_by.as_deref().and_then(|file| {
                            enclosures
                                .iter()
                                .filter(|e| e.role == Role::Attachment)
                                .position(|e| e.file.ends_with(file.trim()))
                        }),
                    })
                    .collect(),
                reason_text: text(d.reason_text.as_deref()),
            }),
            reference,
            letter: LetterData {
                names_provider: names_provider && draft.is_some(),
                signed,
                draft,
            },
            clinical_summary: markdown_field(case.clinical_summary.as_deref()),
            scores: case
                .scores
                .iter()
                .map(|s| ScoreData {
                    instrument: s.instrument.as_str(),
                    score: s.score,
                    max: s.instrument.max_score(),
                    date: s.date.to_string(),
                    written: long_date(s.date),
                })
                .collect(),
            trend: charts::trend(case),
            timeline: charts::timeline(&treatments, case.prepared_on),
            patient_statement: markdown_field(case.patient_statement.as_deref()),
            testimonials: case
                .testimonials
                .iter()
                .map(|t| TestimonialData {
                    author: plain(&t.author),
                    relation: plain(&t.relation),
                    text: markdown_text(&t.text),
                })
                .collect(),
            evidence,
            reviewer: reviewer_data(case, library, conditions, &scope),
            urgency: denial.filter(|d| d.urgent).and_then(|d| {
                Some(UrgencyData {
                    by: text(d.urgency_determined_by.as_deref())?,
                    on: d.urgency_determined_on.map(long_date),
                })
            }),
            safety: case.safety.as_ref().and_then(|s| {
                let data = SafetyData {
                    monitoring: text(s.monitoring.as_deref()),
                    screening: text(s.screening.as_deref()),
                    response_criterion: text(s.response_criterion.as_deref()),
                };
                let given = data.monitoring.is_some()
                    || data.screening.is_some()
                    || data.response_criterion.is_some();
                given.then_some(data)
            }),
            physician_certification: case.physician_certification.map(long_date),
            evidence_scope: scope,
            reviewer_specialty: case
                .peer_review
                .as_ref()
                .and_then(|r| text(r.reviewer_specialty.as_deref()))
                .unwrap_or_else(|| "psychiatry".into()),
            contacts: contacts_data(case),
            enclosures: enclosures
                .iter()
                .filter(|e| e.role == Role::Attachment)
                .cloned()
                .collect(),
            program: program_data(case),
            authorization: forms::authorization(case),
        }
    }

    /// Serialises the data to the JSON the templates read.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("packet data serialises to JSON")
    }

    /// Returns every enclosed file, the signed letter first.
    pub fn files(&self) -> impl Iterator<Item = &Enclosure> {
        self.letter.signed.iter().chain(&self.enclosures)
    }
}

/// Returns a library reference as printed.
fn evidence_data(r: &Reference) -> EvidenceData {
    EvidenceData {
        key: Some(r.key.clone()),
        citation: r.citation(),
        short: Some(r.short()),
        finding: Some(r.finding.clone()),
    }
}

/// Returns a citation the library does not hold, as printed.
fn extra_evidence_data(e: &ExtraEvidence) -> EvidenceData {
    EvidenceData {
        key: None,
        citation: plain(&e.citation),
        short: None,
        finding: text(e.finding.as_deref()),
    }
}

/// Returns a trimmed text field, or `None` when it is missing or blank.
fn text(value: Option<&str>) -> Option<String> {
    value.map(plain).filter(|v| !v.is_empty())
}

/// Returns a text field trimmed, with its over-long words made breakable.
fn plain(value: &str) -> String {
    markdown::breakable(value.trim()).into_owned()
}

/// Returns a code as text, or `None` when it is missing or blank.
fn code(value: Option<&Code>) -> Option<String> {
    text(value.map(|c| c.as_str()))
}

/// Converts a Markdown field, or returns `None` when it is missing or blank.
fn markdown_field(value: Option<&str>) -> Option<Document> {
    value.filter(|v| !v.trim().is_empty()).map(markdown_text)
}

/// Converts Markdown text, or, over the limit, a note that it was left out (the
/// `text-length` rule reports it), so no field can take the packet's time and memory.
fn markdown_text(text: &str) -> Document {
    if text.len() > MAX_MARKDOWN_BYTES {
        return markdown::markdown(&format!(
            "*(Left out: longer than {} KiB. See the enclosed record.)*",
            MAX_MARKDOWN_BYTES / 1024
        ));
    }
    markdown::markdown(text)
}

/// Returns a case's prior treatments oldest first, whatever order they were typed in; the
/// sort is stable so treatments started the same day keep the case file's order.
fn prior_treatments(case: &Case) -> Vec<&crate::model::case::PriorTreatment> {
    let mut treatments: Vec<_> = case.prior_treatments.iter().collect();
    treatments.sort_by_key(|t| t.started);
    treatments
}

/// Returns the contact log as the packet prints it, oldest first (the order of the file
/// among contacts of the same day), or nothing when the case does not enclose it.
fn contacts_data(case: &Case) -> Vec<ContactData> {
    if !case.enclose_contacts {
        return Vec::new();
    }
    let mut contacts: Vec<_> = case.contacts.iter().collect();
    contacts.sort_by_key(|c| c.date);
    contacts
        .into_iter()
        .map(|c| {
            let kind = c.kind.as_str().replace('-', " ");
            ContactData {
                date: long_date(c.date),
                with: c.with.title(),
                how: c.how.title(),
                kind: kind[..1].to_uppercase() + &kind[1..],
                reference: c.reference.as_ref().map(|r| plain(r.as_str())),
                note: c.note.as_deref().map(plain),
            }
        })
        .collect()
}
