//! Builds the bundled cases and reads their letters back as a reviewer would: possessives,
//! dates, spelling, billing codes, the pre-service clock, the sign-off and the length of
//! the letter for signature.

use crate::common::{built, case_dirs, collapse, pages_of};

/// The text of a case's packet, whitespace collapsed.
fn packet(id: &str) -> String {
    collapse(&pages_of(&built().join(id).join("packet.pdf")).join("\n"))
}

/// The appeal (or request) letter's prose, from the salutation to the close.
fn letter_prose(text: &str) -> &str {
    let start = text
        .find("Dear reviewer")
        .expect("the letter has a salutation");
    let end = text[start..]
        .find("Sincerely,")
        .expect("the letter has a close");
    &text[start..start + end]
}

/// The evidence page's text, where the packet has one.
fn evidence_page(text: &str) -> &str {
    let Some(start) = text.find("Published research on ketamine") else {
        return "";
    };
    let end = text[start..]
        .find("Enclosures")
        .map_or(text.len(), |e| start + e);
    &text[start..end]
}

/// Whether the text holds an ISO date (four digits, dash, two, dash, two).
fn iso_date(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let shape = |w: &[u8]| {
        w.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
    };
    bytes.windows(10).position(shape).map(|i| &text[i..i + 10])
}

/// The words written as "Administrators’s": an s-ending word followed by an apostrophe s.
fn s_apostrophe_s(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for i in 1..chars.len().saturating_sub(1) {
        let apostrophe = matches!(chars[i], '’' | '\'');
        let after = chars.get(i + 2).is_none_or(|c| !c.is_alphanumeric());
        if apostrophe && matches!(chars[i - 1], 's' | 'S') && chars[i + 1] == 's' && after {
            let from = i.saturating_sub(30);
            found.push(chars[from..(i + 2).min(chars.len())].iter().collect());
        }
    }
    found
}

/// British spellings the templates, the evidence library and the bundled cases once used.
const BRITISH: &[&str] = &[
    "anaesthetic",
    "hospitalisation",
    "behaviour",
    "centre",
    "programme",
    "jeopardise",
    "randomised",
    "authorise",
    "review organisation",
    "counselling",
];

#[test]
fn possessives_of_names_ending_in_s_take_an_apostrophe_only() {
    for (id, dir) in case_dirs() {
        let mut texts = vec![packet(&id)];
        let letter = dir.join("letter-for-signature.pdf");
        if letter.is_file() {
            texts.push(collapse(&pages_of(&letter).join("\n")));
        }
        for text in texts {
            let found = s_apostrophe_s(&text);
            assert!(found.is_empty(), "{id}: {found:?}");
        }
    }
    // The plan named in the bundled self-funded case ends in s.
    assert!(packet("KET-2026-0101").contains("Meridian Benefit Administrators’ adverse benefit"));
}

#[test]
fn letter_prose_writes_dates_out_and_spells_the_us_way() {
    for (id, dir) in case_dirs() {
        let text = packet(&id);
        let prose = letter_prose(&text);
        assert_eq!(
            iso_date(prose),
            None,
            "{id}: an ISO date in the letter:\n{prose}"
        );
        let letter = dir.join("letter-for-signature.pdf");
        let for_signature = if letter.is_file() {
            collapse(&pages_of(&letter).join("\n"))
        } else {
            String::new()
        };
        assert_eq!(
            iso_date(&for_signature),
            None,
            "{id}: an ISO date in the letter for signature"
        );
        for part in [prose, evidence_page(&text), &for_signature] {
            let lower = part.to_lowercase();
            for word in BRITISH {
                assert!(!lower.contains(word), "{id}: {word:?} in:\n{part}");
            }
        }
    }
}

#[test]
fn billing_codes_are_labelled_and_references_are_short_in_the_letter() {
    for (id, _) in case_dirs() {
        let text = packet(&id);
        let prose = letter_prose(&text);
        let at = prose
            .find("bills it under")
            .unwrap_or_else(|| panic!("{id}: no codes sentence"));
        let sentence = &prose[at..at + prose[at..].find('.').unwrap()];
        assert!(sentence.contains("CPT 96365"), "{id}: {sentence}");
        assert!(sentence.contains("HCPCS J3490"), "{id}: {sentence}");
        // Every code in the sentence follows its code set's name.
        for word in sentence.split([' ', ',']).filter(|w| w.len() == 5) {
            if word.chars().skip(1).all(|c| c.is_ascii_digit()) {
                let labelled = format!("CPT {word}");
                let hcpcs = format!("HCPCS {word}");
                assert!(
                    sentence.contains(&labelled) || sentence.contains(&hcpcs),
                    "{id}: {word} unlabelled in {sentence}"
                );
            }
        }
        assert!(
            !prose.contains("doi:"),
            "{id}: a full reference in the letter"
        );
    }
    let prose = packet("KET-2026-0101");
    let prose = letter_prose(&prose);
    assert!(prose.contains("(Anand et al., 2023)"), "{prose}");
    let evidence = packet("KET-2026-0101");
    assert!(evidence_page(&evidence).contains("doi:10.1056/NEJMoa2302399"));
}

#[test]
fn pre_service_appeals_are_named_with_their_clock() {
    // (case, words the letter must hold): an employer plan, Medicaid managed care,
    // Medicare Advantage, an urgent second-level employer appeal, and a Medicaid fair
    // hearing whose State sets the time.
    let cases: &[(&str, &[&str])] = &[
        (
            "KET-2026-0101",
            &[
                "This is a pre-service appeal",
                // One level of appeal (insurer.appeal_levels: 1): the tracker's 30 days.
                "has 30 days to decide it",
                "(29 CFR 2560.503-1(i)(2)(ii))",
            ],
        ),
        (
            "KET-2026-0106",
            &[
                "This is a pre-service appeal",
                "has 30 days to decide it",
                "(42 CFR 438.408(b)(2))",
            ],
        ),
        (
            "KET-2026-0104",
            &[
                "This is a pre-service appeal",
                "has 30 days to decide it",
                "(42 CFR 422.590(a))",
            ],
        ),
        (
            "KET-2026-0107",
            &[
                "This is a pre-service appeal",
                "within 72 hours",
                "(29 CFR 2560.503-1(i)(2)(i))",
            ],
        ),
        (
            "KET-2026-0108",
            &[
                "This is a pre-service appeal",
                "has 30 days to decide it",
                "(42 CFR 438.408(b)(2))",
            ],
        ),
    ];
    for (id, words) in cases {
        let text = packet(id);
        let prose = letter_prose(&text);
        for word in *words {
            assert!(prose.contains(word), "{id}: {word:?} not in:\n{prose}");
        }
    }
    // Care already given (dates of service), and an external review, are not pre-service.
    for id in ["KET-2026-0105", "KET-2026-0103"] {
        assert!(!packet(id).contains("pre-service appeal"), "{id}");
    }
}

#[test]
fn each_letter_is_addressed_where_its_level_is_filed() {
    // New York's external appeal goes to the state regulator, not to the plan.
    let ny = packet("KET-2026-0102");
    assert!(
        ny.contains("New York State Department of Financial Services"),
        "{ny}"
    );
    assert!(ny.contains("File with"), "{ny}");
    assert!(ny.contains("147.136(c)"), "{ny}");
    // A plan's own appeal is addressed to the plan, with no line of its own.
    assert!(!packet("KET-2026-0104").contains("File with"));
    // The federal external review of a self-funded plan is filed with the plan.
    let federal = packet("KET-2026-0110");
    assert!(
        federal.contains("federal external review process"),
        "{federal}"
    );
}

#[test]
fn the_close_stays_with_the_signature_and_treatments_are_oldest_first() {
    for (id, dir) in case_dirs() {
        let pages = pages_of(&dir.join("packet.pdf"));
        let page = pages
            .iter()
            .map(|p| collapse(p))
            .find(|p| p.contains("Please direct any question"))
            .unwrap_or_else(|| panic!("{id}: no closing paragraph"));
        let after = &page[page.find("Please direct any question").unwrap()..];
        assert!(
            after.contains("Sincerely,"),
            "{id}: the close is split:\n{page}"
        );
    }
    // Typed out of order in the case file; printed oldest first.
    let text = packet("KET-2026-0101");
    // The table, after the timeline (which groups the treatments by kind).
    let history = &text[text.rfind("Treatment history").unwrap()..];
    let history = &history[history.find("Started Ended Weeks Outcome").unwrap()..];
    let order = [
        "Escitalopram",
        "Sertraline",
        "Cognitive behavioral",
        "Venlafaxine",
        "Bupropion",
        "Aripiprazole",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|t| {
            history
                .find(t)
                .unwrap_or_else(|| panic!("{t} not in {history}"))
        })
        .collect();
    assert!(at.is_sorted(), "{order:?} at {at:?}:\n{history}");
}

#[test]
fn letters_for_signature_keep_their_sign_off_and_fit_two_pages() {
    let mut seen = 0;
    for (id, dir) in case_dirs() {
        let letter = dir.join("letter-for-signature.pdf");
        if !letter.is_file() {
            continue;
        }
        seen += 1;
        let doc = lopdf::Document::load(&letter).unwrap();
        let pages = doc.get_pages().len();
        assert!(
            pages <= 2,
            "{id}: the letter for signature has {pages} pages"
        );
    }
    assert!(seen >= 5, "only {seen} letters for signature");
    // The bundled draft ends "Sincerely,\nGrace H. Whitlock, PMHNP-BC\n...": one line each,
    // in the letter for signature and in the packet. (pdf-extract runs the first break
    // together, "Sincerely,Grace"; a soft break would print as a space instead.)
    for pdf in ["letter-for-signature.pdf", "packet.pdf"] {
        let text = pages_of(&built().join("KET-2026-0109").join(pdf)).join("\n");
        assert!(text.contains("Sincerely,"), "{pdf}:\n{text}");
        assert!(
            !text.contains("Sincerely, Grace"),
            "{pdf}: the sign-off ran together:\n{text}"
        );
        assert!(
            text.contains("Grace H. Whitlock, PMHNP-BC\nWestbrook University Health Center"),
            "{pdf}: the sign-off ran together:\n{text}"
        );
    }
}

#[test]
fn every_appeal_letter_fits_three_pages() {
    for (id, dir) in case_dirs() {
        // Every trial named in its group, the definition of treatment resistance and why
        // not esketamine take a page more than a letter that counted trials; each further
        // reason the notice gives is answered in a section of its own.
        let reasons = case_yaml(&id)["denial"]["reasons"]
            .as_sequence()
            .map_or(0, Vec::len);
        let allowed = 3 + reasons.saturating_sub(1);
        let pages = pages_of(&dir.join("packet.pdf"));
        let first = pages.iter().position(|p| p.contains("Dear reviewer"));
        let last = pages
            .iter()
            .position(|p| collapse(p).contains("Please direct any question"));
        let (Some(first), Some(last)) = (first, last) else {
            panic!("{id}: no letter found");
        };
        assert!(
            last >= first && last - first < allowed,
            "{id}: the letter runs from page {} to {}",
            first + 1,
            last + 1
        );
    }
}

#[test]
fn a_drafts_list_of_what_is_missing_stays_on_its_cover() {
    let summary = std::fs::read_to_string(built().join("summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let mut drafts = 0;
    for case in summary["cases"].as_array().unwrap() {
        if case["status"] != "needs-work" {
            continue;
        }
        drafts += 1;
        let id = case["id"].as_str().unwrap();
        let pages = pages_of(&built().join(id).join("packet.pdf"));
        let cover = collapse(&pages[0]);
        let listed = case["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "blocker" || f["severity"] == "warning");
        for finding in listed {
            // The first words of each finding, which no line break of the cover splits.
            let message = finding["message"].as_str().unwrap();
            let start: Vec<&str> = message.split_whitespace().take(4).collect();
            let start = start.join(" ");
            assert!(
                cover.contains(&start),
                "{id}: {start:?} is not on the cover"
            );
        }
    }
    assert!(drafts >= 5, "only {drafts} bundled drafts");
}

/// The bundled case file of a built case, as YAML.
fn case_yaml(id: &str) -> serde_yaml::Value {
    case_files()
        .into_iter()
        .find(|(found, _)| found == id)
        .expect("the case's file")
        .1
}

/// The reasons a case file's denial gives, `reason` and `reasons` together, as written.
fn reasons_of(denial: &serde_yaml::Value) -> Vec<&str> {
    let mut reasons: Vec<&str> = denial["reason"].as_str().into_iter().collect();
    for r in denial["reasons"].as_sequence().into_iter().flatten() {
        reasons.push(r.as_str().unwrap());
    }
    reasons
}

/// Text as compared: whitespace collapsed and soft hyphens of a wrapped word joined.
fn joined(text: &str) -> String {
    collapse(text).replace("- ", "-").replace("-", "")
}

#[test]
fn every_recorded_trial_is_named_in_the_letter_and_the_summary() {
    let mut bipolar = false;
    for (id, _) in case_dirs() {
        let case = case_yaml(&id);
        let text = packet(&id);
        let prose = joined(letter_prose(&text));
        let summary = joined(&reviewer_summary(&id));
        let trials = case["prior_treatments"]
            .as_sequence()
            .cloned()
            .unwrap_or_default();
        for trial in &trials {
            let name = joined(trial["name"].as_str().unwrap());
            assert!(
                prose.contains(&name),
                "{id}: {name} not in the letter:\n{prose}"
            );
            assert!(
                summary.contains(&name),
                "{id}: {name} not in the summary:\n{summary}"
            );
            if let Some(dose) = trial["dose"].as_str() {
                assert!(
                    prose.contains(&joined(dose)),
                    "{id}: {dose} not in the letter"
                );
            }
        }
        // The bipolar case's mood stabilizers and antipsychotics are named, not counted away.
        if trials.iter().any(|t| t["kind"] == "mood-stabilizer") {
            bipolar = true;
            for group in ["Mood stabilizers", "Augmentation and antipsychotics"] {
                assert!(prose.contains(&joined(group)), "{id}: no {group}");
            }
        }
        assert!(!prose.contains("tried 1 antidepressant"), "{id}");
    }
    assert!(bipolar, "a bundled case is bipolar");
}

#[test]
fn each_denial_reason_is_answered_in_its_own_section() {
    let heading = |reason: &str| match reason {
        "experimental-investigational" => "Reason: experimental or investigational",
        "not-medically-necessary" => "Reason: not medically necessary",
        "step-therapy" => "Reason: other treatments to be tried first",
        "not-a-covered-benefit" => "Reason: not a covered benefit",
        "missing-information" => "Reason: information missing",
        "out-of-network" => "Reason: provider out of network",
        _ => "Reason given in the notice",
    };
    let mut several = false;
    for (id, _) in case_dirs() {
        let case = case_yaml(&id);
        let denial = &case["denial"];
        let reasons = reasons_of(denial);
        several |= reasons.len() > 1;
        let text = packet(&id);
        let prose = letter_prose(&text);
        for reason in &reasons {
            assert!(
                prose.contains(heading(reason)),
                "{id}: no section for {reason}:\n{prose}"
            );
        }
        if !denial["missing"].is_null() {
            for item in denial["missing"].as_sequence().unwrap() {
                let record = item["record"].as_str().unwrap();
                assert!(
                    collapse(prose).contains(record),
                    "{id}: {record} not answered"
                );
            }
        }
        // The plan's recorded criteria or policy is never called unknown.
        if !case["insurer"]["clinical_policy"].is_null() || !case["insurer"]["criteria"].is_null() {
            assert!(
                !prose.contains("have not been told which criteria"),
                "{id}: the plan's criteria are recorded"
            );
        }
    }
    assert!(several, "a bundled case gives two reasons");
}

#[test]
fn a_depressive_case_states_the_definition_of_treatment_resistance_it_meets() {
    for (id, _) in case_dirs() {
        let case = case_yaml(&id);
        let unipolar = case["diagnoses"].as_sequence().unwrap().iter().any(|d| {
            d["code"]
                .as_str()
                .is_some_and(|c| c.starts_with("F32") || c.starts_with("F33"))
        });
        let text = packet(&id);
        let prose = letter_prose(&text);
        if unipolar {
            assert!(
                prose.contains("meets the definition of treatment-resistant depression")
                    && prose.contains(
                        "failure of two or more antidepressants of adequate dose and duration"
                    ),
                "{id}: no definition of treatment resistance:\n{prose}"
            );
        } else {
            assert!(
                !prose.contains("definition of treatment-resistant depression"),
                "{id}"
            );
        }
    }
}

#[test]
fn a_plan_that_covers_esketamine_is_answered() {
    let prose = packet("KET-2026-0107");
    let prose = letter_prose(&prose);
    assert!(prose.contains("Why not esketamine or ECT"), "{prose}");
    assert!(
        prose.contains("Esketamine was tried: Esketamine nasal spray (Spravato)"),
        "{prose}"
    );
    // The earlier episode's sertraline is history; the 36-session TMS course is named.
    assert!(
        prose.contains("Earlier episodes (history, not counted)"),
        "{prose}"
    );
    assert!(prose.contains("36 sessions over 6 weeks"), "{prose}");
    let whitcombe = packet("KET-2026-0101");
    assert!(letter_prose(&whitcombe).contains("Esketamine is not appropriate (contraindicated)"));
}

/// Every bundled case file, parsed, by id.
fn case_files() -> Vec<(String, serde_yaml::Value)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, serde_yaml::Value)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                let value: serde_yaml::Value =
                    serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                let id = value["id"].as_str().unwrap().to_owned();
                out.push((id, value));
            }
        }
    }
    let mut out = Vec::new();
    walk(&crate::common::root().join("cases"), &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The conditions the evidence library's references studied, in the words a letter claims
/// them, by key: read from templates/evidence.yaml as a user would.
fn studied_words(key: &str) -> Vec<&'static str> {
    let library: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(crate::common::root().join("templates/evidence.yaml")).unwrap(),
    )
    .unwrap();
    let Some(conditions) = library[key]["conditions"].as_sequence() else {
        return Vec::new();
    };
    conditions
        .iter()
        .map(|c| match c.as_str().unwrap() {
            "treatment-resistant-depression" => "treatment-resistant major depression",
            "major-depression" => "major depression",
            "treatment-resistant-bipolar-depression" => "treatment-resistant bipolar depression",
            "chronic-ptsd" => "chronic post-traumatic stress disorder",
            "mood-disorders" => "mood disorders",
            other => panic!("unknown studied condition {other}"),
        })
        .collect()
}

/// The conditions a text claims ketamine's evidence for: what follows each claim phrase,
/// up to the end of its clause, split at "," and " and ".
fn claimed_conditions(text: &str) -> Vec<String> {
    let mut claimed = Vec::new();
    for phrase in ["support ketamine for ", " on ketamine for "] {
        for (at, _) in text.match_indices(phrase) {
            let rest = &text[at + phrase.len()..];
            let end = rest.find(['.', ';']).unwrap_or(rest.len());
            // pdf-extract keeps a line-end hyphen's break: "treatment- resistant".
            let clause = rest[..end].replace("- ", "-");
            for part in clause.split(", ").flat_map(|p| p.split(" and ")) {
                claimed.push(part.trim().to_owned());
            }
        }
    }
    claimed
}

/// The reviewer summary page of a built case, whitespace collapsed.
fn reviewer_summary(id: &str) -> String {
    let pages = pages_of(&built().join(id).join("packet.pdf"));
    collapse(&pages[1])
}

#[test]
fn no_condition_is_claimed_that_no_cited_reference_studied() {
    let mut claims = 0;
    for (id, case) in case_files() {
        if !built().join(&id).join("packet.pdf").is_file() {
            continue;
        }
        let cited: Vec<&'static str> = case["evidence"]
            .as_sequence()
            .map(|keys| {
                keys.iter()
                    .flat_map(|k| studied_words(k.as_str().unwrap()))
                    .collect()
            })
            .unwrap_or_default();
        let text = packet(&id);
        for source in [letter_prose(&text).to_owned(), reviewer_summary(&id)] {
            for condition in claimed_conditions(&source) {
                claims += 1;
                assert!(
                    cited.contains(&condition.as_str()),
                    "{id}: claims {condition:?}, which no cited reference studied ({cited:?}):\n{source}"
                );
            }
        }
    }
    assert!(claims >= 5, "only {claims} claims read");
    // The PTSD case claims what its PTSD trials studied; the anxiety case claims nothing.
    assert!(
        reviewer_summary("KET-2026-0106")
            .contains("support ketamine for chronic post-traumatic stress disorder"),
        "{}",
        reviewer_summary("KET-2026-0106")
    );
    let anxiety = packet("KET-2026-0108");
    assert!(claimed_conditions(&anxiety).is_empty(), "{anxiety}");
}

/// The author-year citations a text makes, as (first author's surname, year): "(Anand et
/// al., 2023)", "(Zanos and Gould, Mol Psychiatry, 2018)", "(Feder 2014; Murrough 2013)".
/// Dates ("(October 1, 2026)") and rules ("(42 CFR 438.410(a))") are not citations.
fn citations(text: &str) -> Vec<(String, String)> {
    const MONTHS: &[&str] = &[
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut found = Vec::new();
    for (open, _) in text.match_indices('(') {
        let inner = &text[open + 1..];
        let Some(close) = inner.find([')', '(']) else {
            continue;
        };
        if inner.as_bytes()[close] == b'(' {
            continue;
        }
        for segment in inner[..close].split(';') {
            let words: Vec<&str> = segment.split_whitespace().collect();
            let Some(first) = words.first() else { continue };
            let surname = first.trim_end_matches(',');
            let name_like = surname.chars().next().is_some_and(char::is_uppercase)
                && surname
                    .chars()
                    .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
                && surname.chars().any(char::is_lowercase);
            let year = words
                .last()
                .map(|w| w.trim_end_matches(['.', ',']))
                .filter(|y| {
                    y.len() == 4
                        && (y.starts_with("19") || y.starts_with("20"))
                        && y.chars().all(|c| c.is_ascii_digit())
                });
            if let Some(year) = year
                && name_like
                && words.len() <= 8
                && !MONTHS.contains(&surname)
            {
                found.push((surname.to_owned(), year.to_owned()));
            }
        }
    }
    found
}

#[test]
fn every_citation_in_a_letter_is_on_the_evidence_page() {
    assert_eq!(
        citations(
            "the trials (Anand et al., 2023) and (Zanos and Gould, Mol Psychiatry, 2018); scores (PHQ-9 22 of 27 (October 1, 2026)) under (42 CFR 438.410(a)) (Feder 2014; Murrough 2013)."
        ),
        [
            ("Anand".into(), "2023".into()),
            ("Zanos".into(), "2018".into()),
            ("Feder".into(), "2014".into()),
            ("Murrough".into(), "2013".into())
        ]
    );
    let mut seen = 0;
    for (id, _) in case_dirs() {
        let text = packet(&id);
        let evidence = evidence_page(&text);
        // The appeal letter and the letter of medical necessity, up to the evidence page.
        let letters = &text[text.find("Dear reviewer").unwrap()..];
        let letters = letters
            .find("Published research on ketamine")
            .map_or(letters, |end| &letters[..end]);
        for (surname, year) in citations(letters) {
            seen += 1;
            assert!(
                evidence.contains(&format!("{surname} "))
                    && evidence.contains(&format!(". {year};")),
                "{id}: ({surname}, {year}) is cited but not on the evidence page:\n{evidence}"
            );
        }
    }
    assert!(seen >= 5, "only {seen} citations read");
}

#[test]
fn an_urgent_letter_states_who_determined_the_urgency_and_the_rule() {
    let mut urgent = 0;
    for (id, case) in case_files() {
        if case["denial"]["urgent"].as_bool() != Some(true) {
            continue;
        }
        urgent += 1;
        let by = case["denial"]["urgency_determined_by"].as_str().unwrap();
        let text = packet(&id);
        let prose = letter_prose(&text);
        assert!(
            prose.contains(&format!("{by}, the treating physician, determined on")),
            "{id}: no urgency determination in:\n{prose}"
        );
        if case["insurer"]["plan_type"].as_str() == Some("employer-fully-insured") {
            assert!(
                prose.contains("which under 29 CFR 2560.503-1(m)(1)(ii) requires the plan"),
                "{id}:\n{prose}"
            );
        }
    }
    assert!(urgent >= 1, "no urgent bundled case");
}

#[test]
fn no_name_is_repeated_in_full_after_its_first_use() {
    for (id, case) in case_files() {
        if !built().join(&id).join("packet.pdf").is_file() {
            continue;
        }
        let name = case["patient"]["name"].as_str().unwrap();
        let text = packet(&id);
        let prose = letter_prose(&text);
        // The running header of every page names the patient; the prose, once.
        let uses =
            prose.matches(name).count() - prose.matches(&format!("{name} · Member ID")).count();
        assert!(uses <= 1, "{id}: {name} {uses} times in:\n{prose}");
        // After it, the patient is called as the case asks ("Ms. Dorsey").
        if let Some(salutation) = case["patient"]["salutation"].as_str() {
            assert!(
                prose.contains(&format!("{salutation} has tried")),
                "{id}: not called {salutation}:\n{prose}"
            );
        }
        // Titles are written once: never "Dr. ... MD".
        let provider = case["provider"]["name"].as_str().unwrap();
        assert!(
            !text.contains(&format!("Dr. {provider}, ")),
            "{id}: a doubled title"
        );
    }
}

#[test]
fn a_drafts_sign_off_keeps_its_lines_and_names_the_provider_once() {
    // KET-2026-0108's draft is typed with a blank line after "Sincerely," and signs with
    // the provider's name and NPI.
    let pages = pages_of(&built().join("KET-2026-0108").join("packet.pdf"));
    let text = pages.join("\n");
    let draft = text.find("This letter is not yet signed").expect("a draft");
    let at = draft + text[draft..].find("Sincerely,").expect("the draft's close");
    let after = &text[at..];
    // Hard breaks: pdf-extract prints them as nothing or a newline; a soft break, which
    // would run the lines into one, as a space.
    assert!(after.contains("Nadia R. Sorensen, PMHNP-BC"), "{after}");
    for ran_together in ["Sincerely, Nadia", "PMHNP-BC NPI"] {
        assert!(
            !after.contains(ran_together),
            "the sign-off ran together:\n{after}"
        );
    }
    // The draft for signature, from its notice to the next part.
    let lmn = &text[text.find("This letter is not yet signed").expect("a draft")..];
    let lmn = &lmn[..lmn.find("Treatment history").unwrap_or(lmn.len())];
    let npi = after
        .split_whitespace()
        .find(|w| w.len() == 10 && w.chars().all(|c| c.is_ascii_digit()))
        .expect("the NPI in the sign-off");
    assert_eq!(lmn.matches(npi).count(), 1, "the NPI twice:\n{lmn}");
}

#[test]
fn a_denial_without_medical_judgment_asks_for_no_peer_to_peer() {
    let mut seen = 0;
    for (id, case) in case_files() {
        let denial = &case["denial"];
        let reasons = reasons_of(denial);
        let judgment = reasons.is_empty()
            || reasons
                .iter()
                .any(|r| !matches!(*r, "out-of-network" | "missing-information"));
        if judgment || !built().join(&id).join("packet.pdf").is_file() {
            continue;
        }
        seen += 1;
        let text = packet(&id);
        let prose = letter_prose(&text);
        assert!(!prose.contains("peer-to-peer"), "{id}:\n{prose}");
        assert!(
            collapse(prose)
                .contains("decided by someone who was not involved in the first decision"),
            "{id}:\n{prose}"
        );
    }
    assert!(seen >= 1, "no bundled network or missing-records denial");
}

#[test]
fn external_review_letters_are_written_for_an_independent_reviewer() {
    for id in ["KET-2026-0102", "KET-2026-0103", "KET-2026-0110"] {
        let text = packet(id);
        let prose = letter_prose(&text);
        // An independent review organization holds no peer-to-peer conversation.
        assert!(!prose.contains("peer-to-peer"), "{id}:\n{prose}");
        assert!(prose.contains("independent reviewer in psychiatry"), "{id}");
        // Nor does it hold the claim file, which is the plan's to give.
        assert!(!prose.contains("the claim file"), "{id}:\n{prose}");
    }
    // A contract-exclusion denial argues why it is eligible for external review.
    let exclusion = packet("KET-2026-0103");
    let prose = letter_prose(&exclusion);
    assert!(
        prose.contains("This denial is eligible for external review")
            && prose.contains("(45 CFR 147.136(d)(1); 29 CFR 2590.715-2719(d)(1))"),
        "{prose}"
    );
}

#[test]
fn the_strongest_evidence_named_first_studied_the_condition_the_letter_argues() {
    let mut read = 0;
    for (id, _) in case_files() {
        if !built().join(&id).join("packet.pdf").is_file() {
            continue;
        }
        let text = packet(&id);
        let prose = letter_prose(&text);
        let Some(at) = prose.find("The strongest, by design and size, in brief:") else {
            continue;
        };
        let claimed = claimed_conditions(prose);
        let Some((surname, year)) = citations(&prose[at..]).into_iter().next() else {
            continue;
        };
        // A mood-disorder consensus, however strong, is not the first word on PTSD.
        let key = format!("{}-{year}", surname.to_lowercase());
        let studied = studied_words(&key);
        assert!(
            claimed.iter().any(|c| studied.contains(&c.as_str())),
            "{id}: the strongest reference named first ({key}, {studied:?}) studied none of \
             {claimed:?}"
        );
        read += 1;
    }
    assert!(read >= 3, "only {read} letters read");
    let ptsd = packet("KET-2026-0106");
    let prose = letter_prose(&ptsd);
    let feder = prose
        .find("(Feder et al., 2014)")
        .expect("Feder 2014 is cited");
    let sanacora = prose
        .find("(Sanacora et al., 2017)")
        .expect("Sanacora 2017 is cited");
    assert!(feder < sanacora, "{prose}");
}

/// The places a text writes a doctor's title twice: "Dr. Paul Engstrom, MD".
fn doctor_titled_twice(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("Dr. ") {
        let rest = &text[at..];
        // The name runs to its comma; a name is a few words, not a sentence.
        let Some(comma) = rest.find(", ").filter(|c| *c < 40) else {
            continue;
        };
        let after = &rest[comma + 2..];
        if ["MD", "M.D.", "DO", "D.O."].iter().any(|t| {
            after.starts_with(t) && !after[t.len()..].starts_with(|c: char| c.is_alphanumeric())
        }) {
            found.push(rest[..comma + 4].to_owned());
        }
    }
    found
}

#[test]
fn no_packet_writes_a_doctors_title_twice() {
    assert_eq!(
        doctor_titled_twice("by Dr. Paul Engstrom, MD (psychiatry); Dr. Lindahl, the MD"),
        ["Dr. Paul Engstrom, MD"]
    );
    assert!(doctor_titled_twice("Paul Engstrom, MD; Dr. Okonjo, a psychiatrist, DOes").is_empty());
    for (id, _) in case_files() {
        if !built().join(&id).join("packet.pdf").is_file() {
            continue;
        }
        let found = doctor_titled_twice(&packet(&id));
        assert!(found.is_empty(), "{id}: {found:?}");
    }
}

/// Reads a count as a response criterion writes it: "six", "the four", "12".
fn count_word(word: &str) -> Option<u64> {
    const WORDS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    word.parse()
        .ok()
        .or_else(|| WORDS.iter().position(|w| *w == word).map(|i| i as u64 + 1))
}

#[test]
fn a_response_criterion_counts_no_more_infusions_than_are_requested() {
    let mut read = 0;
    for (id, case) in case_files() {
        let (Some(criterion), Some(sessions)) = (
            case["safety"]["response_criterion"].as_str(),
            case["request"]["sessions"].as_u64(),
        ) else {
            continue;
        };
        // "Continue past six infusions": the count is the word before "infusions".
        let words: Vec<&str> = criterion.split_whitespace().collect();
        let Some(count) = words
            .windows(2)
            .find(|w| w[1] == "infusions")
            .and_then(|w| count_word(w[0]))
        else {
            continue;
        };
        read += 1;
        assert!(
            count <= sessions,
            "{id}: the response criterion counts {count} infusions of {sessions} requested: \
             {criterion}"
        );
    }
    assert!(read >= 5, "only {read} criteria read");
}

#[test]
fn a_trial_stopped_for_side_effects_is_not_passed_off_as_adequate() {
    let mut read = 0;
    for (id, case) in case_files() {
        if !built().join(&id).join("packet.pdf").is_file() {
            continue;
        }
        let text = packet(&id);
        let prose = letter_prose(&text);
        let Some(at) = prose.find("adequate dose and duration. In the current episode, ") else {
            continue;
        };
        let sentence = &prose[at..];
        let sentence = &sentence[..sentence[45..].find('.').map_or(sentence.len(), |e| e + 45)];
        let intolerant = case["prior_treatments"]
            .as_sequence()
            .into_iter()
            .flatten()
            .any(|t| {
                t["kind"] == "antidepressant"
                    && t["outcome"] == "side-effects"
                    && t["current_episode"].as_bool() != Some(false)
            });
        read += 1;
        assert_eq!(
            sentence.contains("stopped for side effects"),
            intolerant,
            "{id}: {sentence}"
        );
    }
    assert!(read >= 5, "only {read} definitions read");
}

#[test]
fn the_summary_never_calls_enclosed_a_record_the_letter_says_will_follow() {
    let mut read = 0;
    for (id, _) in case_files() {
        if !built().join(&id).join("packet.pdf").is_file() {
            continue;
        }
        let text = packet(&id);
        if !letter_prose(&text).contains("not yet enclosed; it will follow") {
            continue;
        }
        read += 1;
        let summary = reviewer_summary(&id);
        assert!(!summary.contains("is enclosed now"), "{id}: {summary}");
        assert!(
            summary.contains("not yet enclosed and will follow"),
            "{id}: {summary}"
        );
    }
    assert!(read >= 1, "no letter with a record to follow");
}
