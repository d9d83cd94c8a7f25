//! Renders fixture cases to PDF and checks what a reader of the packet sees.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use appealpack::checklist;
use appealpack::load::Loaded;
use appealpack::model::case::Case;
use appealpack::model::evidence::EvidenceLibrary;
use appealpack::model::organisation::Organisation;
use appealpack::packet::{self, PacketData};
use appealpack::render::{self, Renderer};

use crate::common::{assert_has, collapse, pages, root};

fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(|| Renderer::new(&root().join("templates")).unwrap())
}

fn library() -> &'static EvidenceLibrary {
    static LIBRARY: OnceLock<EvidenceLibrary> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        EvidenceLibrary::from_file(&root().join("templates/evidence.yaml")).unwrap()
    })
}

fn organisation() -> Organisation {
    Organisation::from_file(&root().join("appealpack.yaml")).unwrap()
}

/// Builds the packet data of a case text whose files live in `case_dir`, as `build` does:
/// the check stage, then the one preparation step, with deadlines counted from the
/// packet's date.
fn packet_data(case_dir: &Path, text: &str) -> PacketData {
    let path = case_dir.join("case.yaml");
    let case = Case::parse(&path, text).unwrap();
    let today = case.prepared_on;
    let loaded = Loaded {
        path,
        file: "case.yaml".into(),
        id: Some(case.id.clone()),
        case: Ok(case),
        links: Default::default(),
    };
    let checked = checklist::check_case(loaded, today, library(), None);
    packet::prepare(&checked, library(), &organisation()).expect("the case loaded")
}

/// Reads a fixture case: `ready` is a case with its files, `draft` one full of hostile text.
fn fixture(name: &str) -> (PathBuf, String) {
    let file = match name {
        "ready" => "cases/KET-2026-0101/case.yaml",
        "draft" => "cases/drafts/KET-2026-0102.yaml",
        _ => panic!("no fixture {name}"),
    };
    let file = common::fixture(file);
    let text = std::fs::read_to_string(&file).unwrap();
    (file.parent().unwrap().to_path_buf(), text)
}

fn render_pdf(data: &PacketData) -> Vec<u8> {
    match renderer().render(data) {
        Ok(rendered) => {
            assert!(
                rendered.warnings.is_empty(),
                "warnings: {:#?}",
                rendered.warnings
            );
            rendered.pdf
        }
        Err(error) => panic!("{error}"),
    }
}

#[test]
fn ready_packet_shows_what_a_reader_needs() {
    let (dir, text) = fixture("ready");
    let data = packet_data(&dir, &text);
    assert!(
        data.blockers.is_empty(),
        "unexpected blockers: {:?}",
        data.blockers
    );
    assert_eq!(data.enclosures.len(), 3);
    assert_eq!(data.enclosures[0].pages, 2);
    assert_eq!(data.enclosures[0].path, "/case/enclosure-0.pdf");
    assert_eq!(data.enclosures[1].path, "/case/enclosure-1.png");
    // The appointment of representative comes last.
    assert_eq!(data.enclosures[2].title, "Appointment of representative");
    assert_eq!(data.enclosures[2].path, "/case/enclosure-2.pdf");
    assert_eq!(
        data.letter.signed.as_ref().unwrap().path,
        "/case/letter.pdf"
    );

    let pdf = render_pdf(&data);
    // The treatment history table, row by row: each row's cells in order, before the
    // next row's.
    let text = collapse(&common::pdf_pages(&pdf).join(" "));
    // The table follows the timeline, which names the treatments too.
    let table = text
        .find("Started Ended Weeks Outcome")
        .unwrap_or_else(|| panic!("no treatment table in:\n{text}"));
    let text = &text[table..];
    for row in [
        [
            "Sertraline",
            "Antidepressant",
            "200 mg daily",
            "2023-01-10",
            "2023-04-04",
            "12",
        ],
        [
            "Venlafaxine XR",
            "Antidepressant",
            "225 mg daily",
            "2023-05-01",
            "2023-07-24",
            "12",
        ],
        [
            "Aripiprazole",
            "Augmentation",
            "5 mg daily",
            "2023-08-01",
            "2023-10-30",
            "12",
        ],
        [
            "Cognitive behavioural",
            "Psychotherapy",
            "—",
            "2022-09-01",
            "2023-06-01",
            "39",
        ],
    ] {
        let mut at = text
            .find(row[0])
            .unwrap_or_else(|| panic!("no row {row:?} in:\n{text}"));
        for cell in &row[1..] {
            let found = text[at..].find(cell);
            let next = found.filter(|&i| i < 200);
            at +=
                next.unwrap_or_else(|| panic!("{cell:?} does not follow in row {row:?}:\n{text}"));
        }
    }
    let pages = pages(&pdf);
    let all = pages.join("\n");
    for needle in [
        "Inadequate",
        "Partial response",
        "Stopped: side",
        "Stopped after a partial response.",
    ] {
        assert_has(&all, needle);
    }
    for (i, page) in pages.iter().enumerate() {
        for needle in [
            "Morgan Ellis",
            "Member ID NWH448812",
            "Plan reference NWH-DEN-77120",
        ] {
            assert!(
                page.contains(needle),
                "page {} lacks {needle:?}:\n{page}",
                i + 1
            );
        }
        let number = format!("Page {} of {}", i + 1, pages.len());
        assert!(
            page.contains(&number),
            "page {} lacks {number:?}:\n{page}",
            i + 1
        );
        assert!(
            !page.contains("DRAFT"),
            "a ready packet is marked DRAFT on page {}",
            i + 1
        );
    }
    for needle in [
        "F33.2",
        "Major depressive disorder, recurrent, severe",
        "Northwind Health Plan",
        "Riverbend Treatment Access Project",
        "C-2026-88412",
        // Every cited reference.
        "Murrough JW, Iosifescu DV, Chang LC, et al.",
        "Anand A, Mathew SJ, Sanacora G, et al. Ketamine versus ECT",
        "McIntyre RS, Rosenblat JD, Nemeroff CB, et al.",
        "Sanacora G, Frye MA, McDonald W, et al.",
        // The attached PDF's own text, the signed letter's, and the enclosure titles.
        "Fixture notice page one",
        "Fixture notice page two",
        "Signed fixture letter from Dr Rivera",
        "I, Morgan Ellis, appoint Riverbend Treatment Access Project",
        "Denial notice",
        "Insurance card",
        // The letter answers an investigational denial.
        "non-competitive antagonist of the NMDA glutamate receptor",
        "S-enantiomer of ketamine",
        "March 2019",
        "off-label",
        "Mental Health Parity and Addiction Equity Act",
        "peer-to-peer",
        "claim file",
        "Policy BH-212",
        "PHQ-9 22 of 27",
        "CPT 96365, CPT 96366 and HCPCS J3490",
        "November 20, 2026",
        "April 3, 2027",
    ] {
        assert_has(&all, needle);
    }
    assert!(!all.contains("GLP-1"), "the packet repeats the GLP-1 error");
    assert!(
        !all.contains("INTERNAL NOTE"),
        "internal notes were printed"
    );
    // The cover sheet lists the contents and the page count, and the fax number.
    assert_has(&pages[0], "Fax: (555) 010-2041");
    assert_has(&pages[0], "Contents");
    assert_has(&pages[0], "Treatment history");
    assert_has(&pages[0], &format!("Pages {}", pages.len()));
}

#[test]
fn draft_packet_is_marked_on_every_page_and_prints_case_data_literally() {
    let (dir, text) = fixture("draft");
    let data = packet_data(&dir, &text);
    assert!(data.draft);
    let pdf = render_pdf(&data);
    let pages = pages(&pdf);
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("DRAFT"),
            "page {} is not marked DRAFT:\n{page}",
            i + 1
        );
    }
    let all = pages.join("\n");
    for needle in [
        r#"#read("/etc/passwd") $x$ ] * _ @ref <label> \ Quinn"#,
        "M#1$]",
        "REF-#1",
        "Plan #emph[x] Health",
        "IV ketamine #set page(width: 1cm)",
        "Fluoxetine #strong[x]",
        "Two #trials",
        "Fluoxetine $40$ *b* <b>",
        r#"Literal text: #read("/etc/passwd") and code and $x$ and ] and @ref and <label> and \ end."#,
        r#"Statement #eval("1+1") $y$"#,
        r#"Extra citation #link("https://example.org")"#,
        "Finding with $math$",
        // The missing items are listed on the cover.
        "no letter of medical necessity",
        "is not a valid NPI",
        // Urgent: expedited review in the first paragraph of the letter.
        "URGENT: expedited review requested",
        "This appeal is urgent.",
        "within 72 hours",
    ] {
        assert_has(&all, needle);
    }
    assert!(!all.contains("root:"), "a file outside the case was read");
    assert!(!all.contains("GLP-1"));
}

#[test]
fn pdf_metadata_names_the_case_only() {
    let (dir, text) = fixture("ready");
    let pdf = render_pdf(&packet_data(&dir, &text));
    let (info, xmp) = common::pdf_metadata(&pdf);
    assert!(info.contains("Title: KET-2026-0101"), "{info}");
    for private in ["Morgan", "Ellis", "NWH448812", "Northwind"] {
        assert!(
            !info.contains(private),
            "{private} in the PDF metadata:\n{info}"
        );
    }
    assert!(
        info.contains("CreationDate: D:20261120"),
        "no creation date from prepared_on:\n{info}"
    );
    assert!(xmp.contains("2026-11-20T00:00:00"), "{xmp}");
    for private in ["Morgan", "Ellis", "NWH448812", "Northwind"] {
        assert!(
            !xmp.contains(private),
            "{private} in the XMP metadata:\n{xmp}"
        );
    }
}

#[test]
fn same_input_gives_identical_bytes() {
    let (dir, text) = fixture("ready");
    let data = packet_data(&dir, &text);
    let first = render_pdf(&data);
    render::evict_cache();
    let second = render_pdf(&packet_data(&dir, &text));
    assert!(first == second, "two renders of the same case differ");
    let (dir, text) = fixture("draft");
    let other = render_pdf(&packet_data(&dir, &text));
    assert!(first != other);
}

#[test]
fn letter_is_shaped_by_reason_and_stage() {
    let (dir, text) = fixture("ready");
    let reason = "reason: experimental-investigational";
    let cases = [
        (
            text.replace(reason, "reason: not-medically-necessary"),
            vec![
                "Reason: not medically necessary",
                "Treatments tried",
                "Antidepressants:",
            ],
        ),
        (
            text.replace(reason, "reason: not-a-covered-benefit"),
            vec!["not a covered benefit", "copy of the plan document"],
        ),
        (
            text.replace(reason, "reason: missing-information"),
            vec!["This packet now encloses", "the treatment history"],
        ),
        (
            text.replace(reason, "reason: out-of-network"),
            vec!["network-gap exception"],
        ),
        (
            text.replace("stage: internal-appeal", "stage: prior-authorization"),
            vec![
                "Request for prior authorization",
                "we ask Northwind Health Plan to authorize",
            ],
        ),
        (
            text.replace("stage: internal-appeal", "stage: second-level-appeal"),
            vec!["Second-level internal appeal"],
        ),
        (
            text.replace("reason_text:", "urgent: true\n  reason_text:"),
            vec![
                "This appeal is urgent.",
                "An expedited external review can run at the same time",
            ],
        ),
    ];
    for (text, needles) in cases {
        let data = packet_data(&dir, &text);
        let all = pages(&render_pdf(&data)).join("\n");
        for needle in needles {
            assert_has(&all, needle);
        }
        // A network or missing-records denial turns on no medical judgment to talk over.
        let judgment = !text.contains("reason: missing-information")
            && !text.contains("reason: out-of-network");
        if judgment {
            assert_has(&all, "peer-to-peer");
        } else {
            assert!(!all.contains("peer-to-peer"), "{all}");
            assert_has(&all, "decided by someone who was not involved");
        }
        assert_has(&all, "claim file");
        assert!(!all.contains("GLP-1"));
    }
}

#[test]
fn esketamine_is_cited_only_for_depression() {
    let (dir, text) = fixture("draft");
    let text = text.replace(
        "reason: not-medically-necessary",
        "reason: experimental-investigational",
    );
    let all = pages(&render_pdf(&packet_data(&dir, &text))).join("\n");
    assert_has(
        &all,
        "its use for post-traumatic stress disorder is off-label",
    );
    assert_has(
        &all,
        "non-competitive antagonist of the NMDA glutamate receptor",
    );
    assert!(!all.contains("Esketamine"), "esketamine cited for PTSD");
}

#[test]
fn an_unreadable_attachment_is_a_blocker_not_a_failure() {
    let (source, text) = fixture("ready");
    let dir = tempfile::tempdir().unwrap();
    for file in ["signed-lmn.pdf", "insurance-card.png"] {
        std::fs::copy(source.join(file), dir.path().join(file)).unwrap();
    }
    std::fs::write(dir.path().join("denial-notice.pdf"), b"%PDF-1.4\nbroken").unwrap();
    let data = packet_data(dir.path(), &text);
    assert!(data.draft);
    assert!(
        data.blockers
            .iter()
            .any(|b| b.contains("attachments[0].file cannot be enclosed")),
        "{:?}",
        data.blockers
    );
    assert_eq!(data.enclosures.len(), 1);
    assert_eq!(data.enclosures[0].path, "/case/enclosure-0.png");
    let all = pages(&render_pdf(&data)).join("\n");
    assert_has(&all, "DRAFT");
    assert_has(&all, "Insurance card");
}

#[test]
fn a_damaged_image_is_a_blocker_not_a_failure() {
    let (source, text) = fixture("ready");
    let dir = tempfile::tempdir().unwrap();
    for file in ["signed-lmn.pdf", "denial-notice.pdf"] {
        std::fs::copy(source.join(file), dir.path().join(file)).unwrap();
    }
    // The PNG signature passes the type check; the rest cannot be decoded.
    std::fs::write(
        dir.path().join("insurance-card.png"),
        b"\x89PNG\r\n\x1a\nnot really an image",
    )
    .unwrap();
    let data = packet_data(dir.path(), &text);
    assert!(data.draft);
    assert!(
        data.blockers
            .iter()
            .any(|b| b
                .contains("attachments[1].file cannot be enclosed: cannot be read as an image")),
        "{:?}",
        data.blockers
    );
    let all = pages(&render_pdf(&data)).join("\n");
    assert_has(&all, "DRAFT");
    assert_has(&all, "Denial notice");
}

/// Writes a templates folder holding only `packet.typ` with the given text.
fn templates(packet: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("packet.typ"), packet).unwrap();
    dir
}

fn render_error(packet: &str) -> String {
    let dir = templates(packet);
    let renderer = Renderer::new(dir.path()).unwrap();
    let (case_dir, text) = fixture("ready");
    match renderer.render(&packet_data(&case_dir, &text)) {
        Ok(_) => panic!("rendered despite {packet:?}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn templates_cannot_reach_outside_their_folder() {
    let error = render_error(r#"#read("/etc/passwd")"#);
    assert!(error.contains("file not found"), "{error}");
    let error = render_error(r#"#read("../../etc/passwd")"#);
    assert!(error.contains("escape the project root"), "{error}");
    let error = render_error(r#"#import "@preview/cetz:0.3.0": canvas"#);
    assert!(error.contains("works offline"), "{error}");
}

#[test]
fn template_errors_name_file_line_and_column() {
    let error = render_error("#let data = json(\"/case/data.json\")\n\n#(1 + \"a\")\n");
    assert!(error.contains("packet.typ:3:"), "{error}");
    assert!(error.contains("cannot add integer and string"), "{error}");

    let dir = templates("#let x = (\n");
    let error = Renderer::new(dir.path()).err().expect("a syntax error");
    let error = format!("{error:#}");
    assert!(error.contains("packet.typ:1:"), "{error}");

    // An empty folder overrides nothing: the built-in set is served whole.
    let empty = tempfile::tempdir().unwrap();
    assert!(Renderer::new(empty.path()).is_ok());
}

#[test]
fn template_warnings_come_back_separately() {
    let dir = templates("#set text(font: \"No Such Font\")\nHello");
    let renderer = Renderer::new(dir.path()).unwrap();
    let (case_dir, text) = fixture("ready");
    let rendered = renderer.render(&packet_data(&case_dir, &text)).unwrap();
    assert!(rendered.pdf.starts_with(b"%PDF-"));
    assert!(
        rendered
            .warnings
            .iter()
            .any(|w| w.contains("unknown font family")),
        "{:?}",
        rendered.warnings
    );
}

#[test]
fn today_is_the_packet_date() {
    let dir = templates("#datetime.today().display()");
    let renderer = Renderer::new(dir.path()).unwrap();
    let (case_dir, text) = fixture("ready");
    let pdf = renderer.render(&packet_data(&case_dir, &text)).unwrap().pdf;
    assert_eq!(pages(&pdf).join(""), "2026-11-20");
}

#[test]
fn cases_render_in_parallel_with_one_renderer() {
    fn shareable<T: Send + Sync>(_: &T) {}
    shareable(renderer());
    use rayon::prelude::*;
    let inputs: Vec<_> = ["ready", "draft", "ready", "draft"]
        .iter()
        .map(|n| fixture(n))
        .collect();
    let pdfs: Vec<Vec<u8>> = inputs
        .par_iter()
        .map(|(dir, text)| render_pdf(&packet_data(dir, text)))
        .collect();
    assert!(pdfs[0] == pdfs[2] && pdfs[1] == pdfs[3]);
}

#[test]
fn an_over_long_text_is_left_out_of_the_packet_and_blocks_it() {
    let (dir, text) = fixture("draft");
    let long = "word ".repeat(20 * 1024);
    // The fixture's own summary becomes internal notes; the long one takes its place.
    let text = text.replacen("clinical_summary:", "notes:", 1);
    let text = format!("{text}\nclinical_summary: {long}\n");
    let data = packet_data(&dir, &text);
    assert!(
        data.blockers
            .iter()
            .any(|b| b.starts_with("clinical_summary is longer than 64 KiB")),
        "{:?}",
        data.blockers
    );
    let all = pages(&render_pdf(&data)).join("\n");
    assert_has(&all, "Left out: longer than 64 KiB");
}

#[test]
fn each_program_gets_its_own_letter() {
    let (dir, text) = fixture("ready");
    let plan = |plan: &str, stage: &str| {
        text.replace("plan_type: aca-marketplace", &format!("plan_type: {plan}"))
            .replace("stage: internal-appeal", &format!("stage: {stage}"))
            .replace("reason_text:", "urgent: true\n  reason_text:")
    };
    // (plan, stage, what the letter must say, what it must not)
    let programs: [(&str, &str, &[&str], &[&str]); 7] = [
        (
            "aca-marketplace",
            "internal-appeal",
            &[
                "Internal appeal",
                "42 U.S.C. 300gg-26",
                "free of charge",
                "2560.503-1(h)(2)(iii)",
                "within 72 hours (29 CFR 2560.503-1(i)(2)(i))",
                "run at the same time",
            ],
            &["29 U.S.C. 1185a"],
        ),
        (
            "employer-self-funded",
            "second-level-appeal",
            &[
                "Second-level internal appeal",
                "(29 U.S.C. 1185a)",
                "2560.503-1(h)(3)(ii)",
            ],
            &["300gg-26"],
        ),
        (
            "medicare",
            "internal-appeal",
            &[
                "Request for redetermination",
                "request a redetermination of",
                "initial determination",
                "decide as quickly as it can",
            ],
            &[
                "72 hours",
                "Parity",
                "free of charge",
                "run at the same time",
            ],
        ),
        (
            "medicare-advantage",
            "internal-appeal",
            &[
                "Request for reconsideration",
                "organization determination",
                "within 72 hours (42 CFR 422.590(e))",
            ],
            &["Parity", "free of charge", "run at the same time"],
        ),
        (
            "medicaid-managed-care",
            "internal-appeal",
            &[
                "Appeal",
                "Medicaid parity rules (42 CFR part 438, subpart K)",
                "42 CFR 438.406(b)(5)",
                "within 72 hours (42 CFR 438.408(b)(3))",
            ],
            &["1185a", "run at the same time"],
        ),
        (
            "medicaid-managed-care",
            "external-review",
            &[
                "Request for a State fair hearing",
                "request a State fair hearing of",
            ],
            &["independent review organization"],
        ),
        (
            "aca-marketplace",
            "external-review",
            &[
                "Request for external review",
                "an external review by an independent review organization",
            ],
            &["State fair hearing"],
        ),
    ];
    for (plan_type, stage, present, absent) in programs {
        let all = pages(&render_pdf(&packet_data(&dir, &plan(plan_type, stage)))).join("\n");
        for needle in present {
            assert!(
                all.contains(needle),
                "{plan_type} {stage}: {needle:?} missing"
            );
        }
        for needle in absent {
            assert!(
                !all.contains(needle),
                "{plan_type} {stage}: {needle:?} printed"
            );
        }
    }
}

#[test]
fn a_patient_who_files_signs_in_the_first_person() {
    let (dir, text) = fixture("ready");
    let text = format!("{text}filed_by: patient\n");
    let all = pages(&render_pdf(&packet_data(&dir, &text))).join("\n");
    assert_has(&all, "I appeal");
    assert_has(&all, "which helped me prepare it");
    assert!(
        !all.contains("On behalf of Morgan Ellis"),
        "the organisation speaks for the patient"
    );
    assert!(!all.contains("as appointed representative"));
}

#[test]
fn esketamine_is_not_named_for_bipolar_depression() {
    let (dir, text) = fixture("ready");
    let bipolar = text.replace("code: F33.2", "code: F31.4");
    let all = pages(&render_pdf(&packet_data(&dir, &bipolar))).join("\n");
    assert!(
        !all.contains("Esketamine"),
        "esketamine named for bipolar depression"
    );
    assert_has(
        &all,
        "non-competitive antagonist of the NMDA glutamate receptor",
    );
}

/// Finds the page that holds a needle.
fn page_with<'a>(pages: &'a [String], needle: &str) -> &'a str {
    pages
        .iter()
        .find(|p| p.contains(needle))
        .unwrap_or_else(|| panic!("no page has {needle:?}:\n{}", pages.join("\n---\n")))
}

#[test]
fn charts_draw_the_scores_and_the_treatments() {
    let (dir, text) = fixture("ready");
    let text = text.replace(
        "  - { instrument: PHQ-9, score: 22, date: 2026-10-15 }\n",
        "  - { instrument: PHQ-9, score: 24, date: 2026-02-02 }\n  \
         - { instrument: PHQ-9, score: 17, date: 2026-06-01 }\n  \
         - { instrument: PHQ-9, score: 22, date: 2026-10-15 }\n  \
         - { instrument: MADRS, score: 38, date: 2026-05-04 }\n",
    );
    let data = packet_data(&dir, &text);
    let trend = data.trend.as_ref().expect("a trend");
    assert_eq!(trend.panels.len(), 2);
    let pdf = render_pdf(&data);
    let pages = pages(&pdf);
    let clinical = page_with(&pages, "Rating-scale scores");
    for needle in [
        // Each panel's y axis: the instrument and its scale.
        "PHQ-9 score (0–27)",
        "MADRS score (0–60)",
        // The shared time axis, every other month.
        "Mar 2026 May 2026 Jul 2026 Sep 2026 Nov 2026",
        // PHQ-9's published bands, and the dashed lines.
        "mild",
        "moderately",
        "severe",
        "denial",
        "request",
        "Kroenke, Spitzer and Williams, J Gen Intern Med 2001",
        // Each score by its marker.
        "24",
        "17",
    ] {
        assert_has(clinical, needle);
    }
    // MADRS has no published bands here; only PHQ-9's source is cited.
    assert!(!clinical.contains("GAD-7 bands"), "{clinical}");
    // Each panel is a figure whose alt text states the scores in words.
    let raw = String::from_utf8_lossy(&pdf);
    for alt in [
        "/Alt(PHQ-9 scores from 2026-02-02 to 2026-10-15: 24, 17, 22 (of 27); severity bands at 5, 10, 15 and 20",
        "/Alt(MADRS scores from 2026-05-04 to 2026-10-15: 38, 34 (of 60). Dashed lines mark the denial (2026-10-01) and the request (2026-11-20).)",
        "/Alt(Timeline of 4 prior treatments from 2022 to 2023, by kind. Psychotherapy: Cognitive behavioural therapy (2022-09-01 to 2023-06-01, inadequate response).",
    ] {
        assert!(raw.contains(alt), "no {alt:?} in the PDF");
    }
    // The chart comes before the score table, which stays as it was.
    let all = pages.join(" ");
    let chart = all.find("PHQ-9 score (0–27)").unwrap();
    let table = all.find("Instrument Score Date").expect("the score table");
    assert!(chart < table, "{all}");
    assert_has(&all[table..], "PHQ-9 24 of 27 2026-02-02");

    // The timeline heads the treatment history: kinds on the left, names by their bars,
    // years along the bottom, the legend under it, then the table.
    let history = page_with(&pages, "Treatment history Treatments");
    let table = history
        .find("Started Ended Weeks Outcome")
        .expect("the treatment table");
    let timeline = &history[..table];
    for needle in [
        "Antidepressant",
        "Psychotherapy",
        "Augmentation",
        "Sertraline",
        "Venlafaxine XR",
        "Aripiprazole",
        "Cognitive behavioural therapy",
        "2022",
        "2023",
        "Inadequate response",
        "Partial response",
        "Stopped: side effects",
    ] {
        assert_has(timeline, needle);
    }
    // The two antidepressants are in consecutive rows, under one label.
    assert_eq!(timeline.matches("Antidepressant").count(), 1, "{timeline}");
}

#[test]
fn one_score_per_instrument_draws_no_trend() {
    let (dir, text) = fixture("ready");
    let data = packet_data(&dir, &text);
    assert!(data.trend.is_none());
    let pages = pages(&render_pdf(&data));
    let clinical = page_with(&pages, "Rating-scale scores");
    for absent in [
        "score (0–27)",
        "score (0–60)",
        "mild",
        "moderately",
        "denial",
        "Dashed lines",
        "Oct 2026",
        "Kroenke",
    ] {
        assert!(
            !clinical.contains(absent),
            "{absent:?} without a trend:\n{clinical}"
        );
    }
    // The score table is all there is.
    assert_has(clinical, "PHQ-9 22 of 27 2026-10-15");
}
