//! Opens the dashboard (`index.html`) in a real browser, headless Chromium driven over the
//! DevTools protocol, as a coordinator with 40 cases does: at 1366x768 the page does not
//! scroll sideways and every packet link is on screen; the cards follow the filters and
//! filter when clicked; printed (landscape Letter), every column is on the page.
//!
//! Without a browser the test reports itself skipped in one line and passes, except under
//! CI (`CI` set), where `.ci/run` installs Chromium and a missing browser fails the test.

use std::path::{Path, PathBuf};

use appealpack::outcome::{Status, Summary};
use appealpack::report::{self as formats, Names};
use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::types::PrintToPdfOptions;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

use crate::common;

/// The width of a landscape Letter page inside the print style sheet's 0.4 in margins, in
/// CSS pixels (96 to the inch): 11 in less 0.8 in.
const PRINT_WIDTH: u32 = 979;

/// Returns the browser to drive: `CHROME` if set, else the first Chromium or Chrome on PATH.
fn browser_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROME").map(PathBuf::from) {
        return path.is_file().then_some(path);
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|path| path.is_file())
}

/// A coordinator's 40 cases: the fixture's six statuses, repeated across four owners and
/// three insurers, with long next steps, packets and (the widest table) patient names.
fn forty_cases() -> (Summary, Names) {
    let path = common::root().join("tests/fixtures/formats/summary.json");
    let fixture: Summary = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let owners = ["JA", "MB", "RK", "TS"];
    let insurers = [
        "Example Health Plan of the Southwestern States",
        "Acme Mutual",
        "Northwind Medicare Advantage",
    ];
    let mut cases = Vec::new();
    let mut names = Names::new();
    for i in 0..40 {
        let mut case = fixture.cases[i % fixture.cases.len()].clone();
        let id = format!("KET-2026-{:04}", 100 + i);
        case.file = format!("advocates/{}/{id}/case.yaml", owners[i % 4]);
        if case.id.is_some() {
            case.id = Some(id.clone());
            names.insert(id.clone(), format!("Patient Withaverylongname-{i} Example"));
        }
        case.owner = Some(owners[i % 4].to_owned());
        case.insurer = Some(insurers[i % 3].to_owned());
        if matches!(case.status, Status::Ready | Status::NeedsWork) {
            case.packet = Some(format!("{id}/packet.pdf"));
        }
        case.next_step = Some(format!(
            "file a short appeal by 2026-12-03 to protect the deadline, then send the records \
             as a supplement (29 CFR 2560.503-1(h)(2)(ii) and (iv)); still missing: add the \
             infusion records to attachments ({i})"
        ));
        cases.push(case);
    }
    (Summary::new(fixture.today, cases), names)
}

/// Evaluates a script that returns `JSON.stringify(...)` and parses its result.
fn eval(tab: &Tab, script: &str) -> Value {
    let result = tab.evaluate(script, false).unwrap();
    let text = result.value.and_then(|v| v.as_str().map(str::to_owned));
    serde_json::from_str(&text.unwrap_or_else(|| panic!("no JSON from {script}"))).unwrap()
}

/// Reads the cards' counts by their keys.
const CARDS: &str = "JSON.stringify(Object.fromEntries(Array.from(document.querySelectorAll(\
    '#cards button')).map(b => [b.dataset.card, Number(b.querySelector('b').textContent)])))";

/// Counts the table rows on show.
const SHOWN: &str = "JSON.stringify(Array.from(document.querySelectorAll('#cases tbody tr')).filter(r => !r.hidden).length)";

/// Measures the page: sideways scrolling, the table's box and every packet link's.
const LAYOUT: &str = "JSON.stringify((() => {
    const root = document.documentElement;
    const scroll = document.querySelector('.scroll');
    const table = document.getElementById('cases').getBoundingClientRect();
    const links = Array.from(document.querySelectorAll('#cases tbody tr:not([hidden]) a[href]'));
    const heads = Array.from(document.querySelectorAll('#cases thead th'));
    return {
        inner: window.innerWidth,
        page: root.scrollWidth, client: root.clientWidth,
        inside: scroll.scrollWidth - scroll.clientWidth,
        table_right: table.right,
        links: links.length,
        first_link: links.length ? JSON.stringify(links[0].getBoundingClientRect()) : null,
        links_off: links.filter(a => { const r = a.getBoundingClientRect();
            return r.width === 0 || r.left < 0 || r.right > window.innerWidth || r.right > table.right; }).length,
        heads: heads.map(h => h.textContent.trim()),
        heads_off: heads.filter(h => { const r = h.getBoundingClientRect();
            return r.width < 20 || r.right > table.right + 0.5; }).map(h => h.textContent.trim()),
    };
})())";

#[test]
fn the_dashboard_fits_1366_filters_its_cards_and_prints_every_column() {
    let Some(chrome) = browser_path() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser test: install Chromium (apt-get install chromium) or set CHROME"
        );
        eprintln!(
            "skipped: dashboard browser test (no Chromium found; set CHROME or install chromium)"
        );
        return;
    };
    let (summary, names) = forty_cases();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("index.html");
    std::fs::write(&page, formats::html(&summary, Some(&names))).unwrap();

    let options = LaunchOptions::default_builder()
        .path(Some(chrome))
        .window_size(Some((1366, 768)))
        // CI runs as root, where Chromium's sandbox cannot start.
        .sandbox(false)
        .build()
        .unwrap();
    let browser = Browser::new(options).unwrap();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&file_url(&page))
        .unwrap()
        .wait_until_navigated()
        .unwrap();

    // At 1366x768: no sideways scroll, every packet link on screen.
    let layout = eval(&tab, LAYOUT);
    assert_eq!(layout["inner"], 1366, "{layout}");
    assert!(
        layout["page"].as_f64() <= layout["client"].as_f64(),
        "the page scrolls sideways: {layout}"
    );
    assert_eq!(layout["inside"], 0, "the table scrolls sideways: {layout}");
    let packets = summary.cases.iter().filter(|c| c.packet.is_some()).count();
    assert_eq!(layout["links"], packets, "{layout}");
    assert_eq!(
        layout["links_off"], 0,
        "a packet link is off screen: {layout}"
    );

    // The cards follow a filter, and filter when clicked.
    let all = eval(&tab, CARDS);
    assert_eq!(all["all"], 40, "{all}");
    eval(
        &tab,
        "JSON.stringify((() => { const s = document.getElementById('owner'); s.value = 'JA'; \
         s.dispatchEvent(new Event('change')); return true; })())",
    );
    let ja = eval(&tab, CARDS);
    assert_eq!(ja["all"], 10, "{ja}");
    assert!(
        ja["needs-work"].as_u64() < all["needs-work"].as_u64(),
        "{all} {ja}"
    );
    assert_eq!(eval(&tab, SHOWN), 10);
    tab.find_element("#cards button[data-card='needs-work']")
        .unwrap()
        .click()
        .unwrap();
    assert_eq!(
        eval(&tab, SHOWN),
        ja["needs-work"],
        "the card filters the table"
    );
    eval(
        &tab,
        "JSON.stringify((() => { const o = document.getElementById('owner'); o.value = ''; \
         o.dispatchEvent(new Event('change')); const s = document.getElementById('search'); \
         s.value = 'KET-2026-0101'; s.dispatchEvent(new Event('input')); return true; })())",
    );
    assert_eq!(
        eval(&tab, CARDS)["all"],
        1,
        "the search narrows the cards too"
    );

    // Printed: every column on a landscape Letter page.
    tab.navigate_to(&file_url(&page))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.call_method(Emulation::SetEmulatedMedia {
        media: Some("print".to_owned()),
        features: None,
    })
    .unwrap();
    eval(
        &tab,
        &format!(
            "JSON.stringify((() => {{ document.body.style.width = '{PRINT_WIDTH}px'; return true; }})())"
        ),
    );
    let print = eval(&tab, LAYOUT);
    let heads: Vec<&str> = print["heads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert_eq!(
        heads,
        [
            "Case",
            "Patient",
            "Owner",
            "Insurer",
            "Status",
            "Stage",
            "Deadline",
            "Days left",
            "Next step",
            "Blockers",
            "Packet"
        ]
    );
    assert!(
        print["table_right"].as_f64().unwrap() <= f64::from(PRINT_WIDTH) + 0.5,
        "{print}"
    );
    assert_eq!(print["heads_off"], Value::Array(Vec::new()), "{print}");
    assert_eq!(print["links_off"], 0, "{print}");

    let pdf = tab
        .print_to_pdf(Some(PrintToPdfOptions {
            landscape: Some(true),
            paper_width: Some(11.0),
            paper_height: Some(8.5),
            prefer_css_page_size: Some(true),
            ..PrintToPdfOptions::default()
        }))
        .unwrap();
    let text = common::collapse(&common::pages(&pdf).join("\n"));
    for column in ["NEXT STEP", "BLOCKERS", "PACKET"] {
        assert!(text.contains(column), "the printout lacks {column}: {text}");
    }
    assert!(
        text.contains("Open PDF"),
        "the printout lacks the packet links"
    );
}

/// Returns the `file://` URL of a local file.
fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}
