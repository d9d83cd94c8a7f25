//! Reads every bundled packet back as a medical reviewer meets it: the reviewer summary on
//! page 2 and on one page, an exhibit (Bates) number on every page, enclosures included,
//! and the cover, contents and letter citing those numbers.

use crate::common::{built, case_dirs, collapse, pages_of};

#[test]
fn every_page_carries_its_exhibit_number() {
    for (id, dir) in case_dirs() {
        let pages = pages_of(&dir.join("packet.pdf"));
        assert!(pages.len() >= 4, "{id}: {} pages", pages.len());
        for (i, page) in pages.iter().enumerate() {
            let number = format!("{id}-{:04}", i + 1);
            assert!(
                page.contains(&number),
                "{id}: page {} lacks {number}:\n{page}",
                i + 1
            );
        }
    }
}

/// The text of each page of a PDF, its whitespace collapsed.
fn collapsed_pages(pdf: &std::path::Path) -> Vec<String> {
    pages_of(pdf).iter().map(|p| collapse(p)).collect()
}

#[test]
fn the_reviewer_summary_is_page_two_and_fits_it() {
    for (id, dir) in case_dirs() {
        let pages = collapsed_pages(&dir.join("packet.pdf"));
        let summary = &pages[1];
        assert!(
            summary.contains("Reviewer summary"),
            "{id}: page 2 is\n{summary}"
        );
        // Its last part is on the same page, and the letter starts on the next.
        assert!(
            summary.contains("Where to find it"),
            "{id}: the summary runs over:\n{summary}"
        );
        for heading in ["Asked", "Diagnosis", "Trials", "Scores"] {
            assert!(summary.contains(heading), "{id}: no {heading}");
        }
        let next = &pages[2];
        assert!(
            next.contains("Dear reviewer") || next.contains("Dear "),
            "{id}: page 3 is not the letter:\n{next}"
        );
        assert_eq!(
            pages
                .iter()
                .filter(|p| p.contains("Where to find it"))
                .count(),
            1,
            "{id}: one summary page"
        );
    }
}

#[test]
fn the_cover_and_the_letter_cite_exhibit_numbers() {
    for (id, dir) in case_dirs() {
        let pages = pages_of(&dir.join("packet.pdf"));
        let cover = collapse(&pages[0]);
        let total = pages.len();
        assert!(
            cover.contains(&format!("exhibits {id}-0001 to -{total:04}")),
            "{id}: {cover}"
        );
        assert!(
            cover.contains("Reviewer summary") && cover.contains(&format!("{id}-0002")),
            "{id}: the contents cite the summary's exhibit"
        );
    }
    // The letter and the enclosures list point to the pages where the parts are.
    let pages = pages_of(&built().join("KET-2026-0107/packet.pdf"));
    let page_of = |needle: &str| {
        pages
            .iter()
            .position(|p| collapse(p).contains(needle))
            .unwrap_or_else(|| panic!("no page has {needle}"))
            + 1
    };
    // pdf-extract spaces text around parentheses unevenly: compare without spaces.
    let text = collapse(&pages.join("\n")).replace(' ', "");
    let history = page_of("has tried before the treatment requested");
    assert!(
        text.contains(&format!("treatmenthistory(KET-2026-0107-{history:04}")),
        "{text}"
    );
    let evidence = page_of("Published research on ketamine");
    assert!(
        text.contains(&format!("Theevidencelist(KET-2026-0107-{evidence:04}")),
        "{text}"
    );
    let appointment = page_of("I, Alejandro Ruiz-Fenwick, appoint");
    assert!(
        text.contains(&format!(
            "Appointmentofrepresentative(1page),KET-2026-0107-{appointment:04}"
        )),
        "{text}"
    );
    // A part over two pages or more is cited as a range: the letter, from page 3.
    let last = page_of("Please direct any question");
    assert!(last > 3, "the letter is one page");
    assert!(
        text.contains(&format!("KET-2026-0107-0003to-{last:04}")),
        "{text}"
    );
}

/// The entries of a cover's contents: each title and the first exhibit page it cites.
fn contents_entries(cover: &str, id: &str) -> Vec<(String, usize)> {
    let (_, contents) = cover
        .split_once("Contents")
        .unwrap_or_else(|| panic!("{id}: no contents on the cover:\n{cover}"));
    // The footer's exhibit number is not an entry.
    let mut rest = contents.split(" Page 1 of ").next().unwrap_or(contents);
    let prefix = format!("{id}-");
    let mut entries = Vec::new();
    while let Some(at) = rest.find(&prefix) {
        let title = rest[..at].trim_end_matches(['.', ' ']).trim();
        let digits = at + prefix.len();
        let page = rest[digits..digits + 4]
            .parse()
            .unwrap_or_else(|_| panic!("{id}: no page number in {rest}"));
        let mut end = digits + 4;
        if rest[end..].starts_with(" to -") {
            end += " to -0000".len();
        }
        entries.push((title.to_owned(), page));
        rest = &rest[end..];
    }
    entries
}

#[test]
fn the_contents_list_every_part_at_the_page_where_it_starts() {
    for (id, dir) in case_dirs() {
        let pages = collapsed_pages(&dir.join("packet.pdf"));
        let entries = contents_entries(&pages[0], &id);
        let titles: Vec<&str> = entries.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            titles[..4],
            [
                "Reviewer summary",
                if titles[1] == "Request letter" {
                    "Request letter"
                } else {
                    "Appeal letter"
                },
                "Letter of medical necessity",
                "Treatment history"
            ],
            "{id}: {titles:?}"
        );
        let mut last = 0;
        for (title, page) in &entries {
            assert!(*page >= last, "{id}: {title} at {page}, before {last}");
            last = *page;
            let text = pages
                .get(page - 1)
                .unwrap_or_else(|| panic!("{id}: {title} cites page {page}"));
            assert!(
                text.contains(title.as_str()),
                "{id}: page {page} lacks {title}:\n{text}"
            );
        }
        // Every bundled case has a clinical summary or evidence, or encloses files.
        assert!(entries.len() >= 5, "{id}: {titles:?}");
    }
}

/// The pages (1-based) that the link annotations of a PDF's first page lead to.
fn cover_link_targets(pdf: &[u8]) -> Vec<usize> {
    use lopdf::{Document, Object};
    let doc = Document::load_mem(pdf).expect("a PDF lopdf can read");
    let pages = doc.get_pages();
    let number_of = |id: lopdf::ObjectId| {
        pages
            .iter()
            .find(|(_, p)| **p == id)
            .map(|(n, _)| *n as usize)
    };
    let cover = doc.get_dictionary(pages[&1]).unwrap();
    let annots = match cover.get(b"Annots") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(r)) => doc.get_object(*r).unwrap().as_array().unwrap().clone(),
        _ => Vec::new(),
    };
    let mut targets = Vec::new();
    for annot in annots {
        let annot = doc.dereference(&annot).unwrap().1.as_dict().unwrap();
        let dest = match annot.get(b"A") {
            Ok(action) => doc
                .dereference(action)
                .unwrap()
                .1
                .as_dict()
                .unwrap()
                .get(b"D")
                .ok()
                .cloned(),
            Err(_) => annot.get(b"Dest").ok().cloned(),
        };
        if let Some(Object::Array(dest)) = dest.map(|d| doc.dereference(&d).unwrap().1.clone())
            && let Some(Object::Reference(page)) = dest.first()
        {
            targets.extend(number_of(*page));
        }
    }
    targets
}

#[test]
fn each_contents_entry_links_to_its_first_page() {
    for (id, dir) in case_dirs() {
        let pdf = std::fs::read(dir.join("packet.pdf")).unwrap();
        let cover = collapse(&pages_of(&dir.join("packet.pdf"))[0]);
        // A line of text may carry several link areas (one per run): compare the pages.
        let cited: std::collections::BTreeSet<usize> = contents_entries(&cover, &id)
            .iter()
            .map(|(_, p)| *p)
            .collect();
        let linked: std::collections::BTreeSet<usize> =
            cover_link_targets(&pdf).into_iter().collect();
        assert_eq!(
            linked, cited,
            "{id}: the links lead to other pages than the contents cite"
        );
    }
}
