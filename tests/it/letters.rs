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
    fn walk(dir: &std::path::Path, id: &str) -> Option<std::path::PathBuf> {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if let Some(found) = walk(&path, id) {
                    return Some(found);
                }
            } else if path.extension().is_some_and(|e| e == "yaml")
                && std::fs::read_to_string(&path)
                    .unwrap()
                    .contains(&format!("\nid: {id}\n"))
            {
                return Some(path);
            }
        }
        None
    }
    let file = walk(&crate::common::root().join("cases"), id).expect("the case's file");
    serde_yaml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

/// The reviewer summary's page.
fn summary_page(id: &str) -> String {
    collapse(&pages_of(&built().join(id).join("packet.pdf"))[1])
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
        let summary = joined(&summary_page(&id));
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
        let mut reasons: Vec<&str> = denial["reason"].as_str().into_iter().collect();
        for r in denial["reasons"].as_sequence().into_iter().flatten() {
            reasons.push(r.as_str().unwrap());
        }
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
