//! PDF attachments, judged before anything parses them in full.
//!
//! hayro (which Typst uses to embed PDF pages) does its work in `Pdf::new`: it rebuilds a
//! damaged cross-reference table without saying so, walks the page tree recursively and
//! inflates object streams, all without limits. So [`check`] first scans the raw bytes
//! once, front to back and without recursion: it refuses a truncated file, counts page
//! tree nodes, bounds nesting, and inflates every Flate stream through a capped reader
//! (keeping none of it, but the object streams it must look into). Only a file within
//! those limits is handed to hayro, and one hayro had to repair is refused too: a
//! repaired letter can come out as a blank page.

use std::io::Read;
use std::sync::Arc;

use hayro_syntax::{LoadPdfError, Pdf, PdfVersion};

/// The most pages one PDF may have.
pub(crate) const MAX_PAGES: usize = 500;
/// The most page-tree nodes one PDF may have; it bounds hayro's recursive walk (a tree
/// 10,000 levels deep took 6.5 GB and overflowed the stack).
pub(crate) const MAX_PAGE_TREE_NODES: usize = 500;
/// The deepest nesting of arrays and dictionaries.
pub(crate) const MAX_NESTING: usize = 256;
/// The most one compressed stream may inflate to.
pub(crate) const MAX_STREAM_BYTES: u64 = 128 << 20;
/// The most all of one PDF's compressed streams may inflate to.
pub(crate) const MAX_INFLATED_BYTES: u64 = 512 << 20;

/// Checks a PDF and returns its page count, or says which limit it breaks and what to do.
pub(crate) fn check(bytes: Arc<Vec<u8>>) -> Result<usize, String> {
    if let Some(why) = truncation(&bytes) {
        return Err(format!(
            "the PDF is damaged or truncated ({why}); enclose a complete copy"
        ));
    }
    prescan(&bytes)?;
    let pdf = Pdf::new(bytes).map_err(|e| match e {
        LoadPdfError::Decryption(_) => {
            "the PDF is encrypted; enclose an unprotected copy".to_owned()
        }
        LoadPdfError::Invalid => "the PDF cannot be read (damaged or not a PDF)".to_owned(),
    })?;
    if was_repaired(&pdf) {
        return Err(
            "the PDF is damaged (its cross-reference table had to be rebuilt, so pages may \
             come out blank); enclose a complete copy"
                .into(),
        );
    }
    if pdf.version() > PdfVersion::Pdf17 {
        return Err(
            "the PDF is version 2.0 (set inside a compressed object), which a packet (PDF \
             1.7) cannot embed; save it as PDF 1.7: in Adobe Acrobat, File > Save As Other \
             > Optimized PDF, compatible with Acrobat 8 and later, or print it to a new PDF \
             (Microsoft Print to PDF; on a Mac, Print > Save as PDF)"
                .into(),
        );
    }
    match pdf.pages().len() {
        0 => Err("the PDF has no pages".into()),
        pages if pages > MAX_PAGES => Err(format!(
            "the PDF has {pages} pages, more than {MAX_PAGES}; enclose the pages that matter \
             or split it"
        )),
        pages => Ok(pages),
    }
}

/// Relabels a PDF 2.0 file as PDF 1.7, the packet's version, which is all the embedding
/// library needs to copy its pages.
///
/// PDF 2.0 (ISO 32000-2) keeps 1.7's syntax and objects; what it adds, a 1.7 reader
/// ignores, as readers must ignore keys they do not know. Its one incompatible change
/// that matters here, AES-256 encryption, is refused as encrypted anyway. The version is
/// in the header and may be overridden by the catalog's `/Version`, which is relabelled
/// where it is written in plain text (same length, so no offset moves); one inside a
/// compressed object stays 2.0 and [`check`] refuses the file, saying how to save it.
pub(crate) fn relabel_2_0(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.starts_with(b"%PDF-2.0") {
        bytes[5..8].copy_from_slice(b"1.7");
    }
    for key in [&b"/Version /2.0"[..], b"/Version/2.0"] {
        let mut from = 0;
        while let Some(at) = find(&bytes[from..], key) {
            let end = from + at + key.len();
            bytes[end - 3..end].copy_from_slice(b"1.7");
            from = end;
        }
    }
    bytes
}

/// Finds the signs of a truncated file the way hayro looks for its cross-reference table
/// (the last `startxref`), plus the `%%EOF` hayro never checks.
fn truncation(b: &[u8]) -> Option<&'static str> {
    if rfind(&b[b.len().saturating_sub(1024)..], b"%%EOF").is_none() {
        return Some("it does not end with %%EOF");
    }
    let Some(at) = rfind(b, b"startxref") else {
        return Some("it has no startxref");
    };
    let mut i = at + b"startxref".len();
    let offset = match next_token(b, &mut i) {
        Some(Token::Int(n)) => usize::try_from(n).ok().filter(|&o| o < at),
        _ => None,
    };
    let Some(mut start) = offset else {
        return Some("its startxref offset is invalid");
    };
    while start < b.len() && is_space(b[start]) {
        start += 1;
    }
    let mut j = start;
    let object = matches!(
        (next_token(b, &mut j), next_token(b, &mut j), next_token(b, &mut j)),
        (Some(Token::Int(_)), Some(Token::Int(_)), Some(Token::Word(w))) if w == b"obj"
    );
    (!b[start..].starts_with(b"xref") && !object)
        .then_some("its startxref points to no cross-reference data")
}

/// Returns whether hayro rebuilt the cross-reference table.
///
/// hayro-syntax 0.7 has no public flag for it, but `XRef`'s derived `Debug` prints its
/// private `repaired` field (and prints the file's strings as byte arrays, so a file
/// cannot fake the text). Repair can happen lazily on any object read, so every object is
/// read first. hayro-syntax is pinned in Cargo.toml, and a test with a damaged fixture
/// fails if an update changes this.
fn was_repaired(pdf: &Pdf) -> bool {
    use std::fmt::Write;
    /// Searches the Debug text as it is written, without holding all of it.
    struct Search {
        tail: String,
        found: bool,
    }
    impl Write for Search {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.tail.push_str(s);
            self.found |= self.tail.contains("repaired: true");
            let keep = self.tail.len().saturating_sub(16);
            let cut = (keep..=self.tail.len())
                .find(|&i| self.tail.is_char_boundary(i))
                .unwrap_or(0);
            self.tail.drain(..cut);
            Ok(())
        }
    }
    let _ = pdf.objects().into_iter().count();
    let mut search = Search {
        tail: String::new(),
        found: false,
    };
    let _ = write!(search, "{:?}", pdf.xref());
    search.found
}

/// A token of PDF syntax, as far as the scan needs to tell them apart.
#[derive(Debug, PartialEq)]
enum Token {
    Name(Vec<u8>),
    Int(i64),
    Word(Vec<u8>),
    Open,
    Close,
    Other,
}

fn is_space(c: u8) -> bool {
    matches!(c, 0 | 9 | 10 | 12 | 13 | 32)
}

fn is_delimiter(c: u8) -> bool {
    b"()<>[]{}/%".contains(&c)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Reads the next token at `*i`, or `None` at the end; never recurses.
fn next_token(b: &[u8], i: &mut usize) -> Option<Token> {
    while *i < b.len() {
        match b[*i] {
            c if is_space(c) => *i += 1,
            b'%' => {
                while *i < b.len() && !matches!(b[*i], b'\r' | b'\n') {
                    *i += 1;
                }
            }
            _ => break,
        }
    }
    let start = *i;
    let c = *b.get(*i)?;
    *i += 1;
    Some(match c {
        b'(' => {
            // A literal string: balanced parentheses, backslash escapes.
            let mut depth = 1usize;
            while *i < b.len() && depth > 0 {
                match b[*i] {
                    b'\\' => *i += 1,
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
                *i += 1;
            }
            Token::Other
        }
        b'<' if b.get(*i) == Some(&b'<') => {
            *i += 1;
            Token::Open
        }
        b'<' => {
            while *i < b.len() && b[*i] != b'>' {
                *i += 1;
            }
            *i += 1;
            Token::Other
        }
        b'>' if b.get(*i) == Some(&b'>') => {
            *i += 1;
            Token::Close
        }
        b'[' => Token::Open,
        b']' => Token::Close,
        b'/' => {
            let mut name = Vec::new();
            while *i < b.len() && !is_space(b[*i]) && !is_delimiter(b[*i]) {
                let hex = |k: usize| b.get(k).and_then(|h| char::from(*h).to_digit(16));
                match (b[*i], hex(*i + 1), hex(*i + 2)) {
                    (b'#', Some(high), Some(low)) => {
                        name.push((high * 16 + low) as u8);
                        *i += 3;
                    }
                    (c, ..) => {
                        name.push(c);
                        *i += 1;
                    }
                }
            }
            Token::Name(name)
        }
        _ if is_delimiter(c) => Token::Other,
        _ => {
            while *i < b.len() && !is_space(b[*i]) && !is_delimiter(b[*i]) {
                *i += 1;
            }
            let word = &b[start..*i];
            match std::str::from_utf8(word).ok().and_then(|s| s.parse().ok()) {
                Some(n) => Token::Int(n),
                None => Token::Word(word.to_vec()),
            }
        }
    })
}

/// Counts what a zlib (or, without a zlib header, raw deflate) stream inflates to, up to
/// `cap + 1` bytes; like hayro, output before an error counts. `keep` receives the output.
fn inflated_len(data: &[u8], cap: u64, keep: Option<&mut Vec<u8>>) -> u64 {
    fn run(reader: impl Read, cap: u64, mut keep: Option<&mut Vec<u8>>) -> u64 {
        let mut reader = reader.take(cap + 1);
        let mut buffer = vec![0u8; 64 * 1024];
        let mut total = 0u64;
        loop {
            match reader.read(&mut buffer) {
                Ok(0) | Err(_) => return total,
                Ok(n) => {
                    total += n as u64;
                    if let Some(kept) = keep.as_deref_mut() {
                        kept.extend_from_slice(&buffer[..n]);
                    }
                }
            }
        }
    }
    let zlib = data.len() >= 2
        && data[0] & 0x0f == 8
        && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0;
    if zlib {
        run(flate2::read::ZlibDecoder::new(data), cap, keep)
    } else {
        run(flate2::read::DeflateDecoder::new(data), cap, keep)
    }
}

/// What the scan has counted so far.
#[derive(Default)]
struct Counts {
    page_tree_nodes: usize,
    inflated: u64,
}

/// Scans raw PDF bytes for the limits; refuses what breaks one.
fn prescan(bytes: &[u8]) -> Result<(), String> {
    scan(bytes, &mut Counts::default(), false)
}

/// Scans `b`; `nested` is true inside an object stream, which holds no streams.
fn scan(b: &[u8], counts: &mut Counts, nested: bool) -> Result<(), String> {
    let mut i = 0;
    let mut previous: [Option<Token>; 3] = [None, None, None];
    let mut object_type: Vec<u8> = Vec::new();
    let mut filters: Vec<Vec<u8>> = Vec::new();
    let mut length: Option<u64> = None;
    let mut in_filter = false;
    let mut depth = 0usize;
    while let Some(token) = next_token(b, &mut i) {
        let is_type = |t: &Option<Token>| matches!(t, Some(Token::Name(n)) if n == b"Type");
        match &token {
            Token::Name(n) if is_type(&previous[2]) => {
                if n == b"Pages" {
                    counts.page_tree_nodes += 1;
                }
                object_type = n.clone();
            }
            // `/Type 5 0 R`: the type is elsewhere, so count it as a page-tree node.
            Token::Word(w) if w == b"R" && is_type(&previous[0]) => counts.page_tree_nodes += 1,
            Token::Int(n) if matches!(&previous[2], Some(Token::Name(k)) if k == b"Length") => {
                length = u64::try_from(*n).ok();
            }
            Token::Word(w) if w == b"obj" => {
                object_type.clear();
                filters.clear();
                length = None;
                depth = 0;
            }
            _ => {}
        }
        if counts.page_tree_nodes > MAX_PAGE_TREE_NODES {
            return Err(format!(
                "the PDF's page tree has more than {MAX_PAGE_TREE_NODES} nodes (a damaged or \
                 hostile file); print it to a new PDF"
            ));
        }
        match token {
            Token::Open => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(format!(
                        "the PDF nests its objects more than {MAX_NESTING} deep (a damaged \
                         or hostile file); print it to a new PDF"
                    ));
                }
            }
            Token::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
        match &token {
            Token::Name(n) if n == b"Filter" => {
                filters.clear();
                in_filter = true;
            }
            Token::Name(n) if in_filter => filters.push(n.clone()),
            Token::Open if in_filter && filters.is_empty() => {}
            _ => in_filter = false,
        }
        if matches!(&token, Token::Word(w) if w == b"stream") && !nested {
            let mut start = i;
            if b.get(start) == Some(&b'\r') {
                start += 1;
            }
            if b.get(start) == Some(&b'\n') {
                start += 1;
            }
            let end = length
                .and_then(|l| start.checked_add(usize::try_from(l).ok()?))
                .filter(|&e| {
                    e <= b.len() && find(&b[e..b.len().min(e + 32)], b"endstream").is_some()
                })
                .or_else(|| find(&b[start..], b"endstream").map(|k| start + k))
                .unwrap_or(b.len());
            let data = &b[start..end];
            let object_stream = object_type == b"ObjStm";
            match filters.first().map(Vec::as_slice) {
                None if object_stream => scan(data, counts, true)?,
                None => {}
                Some(b"FlateDecode" | b"Fl") => {
                    let mut kept = Vec::new();
                    let n =
                        inflated_len(data, MAX_STREAM_BYTES, object_stream.then_some(&mut kept));
                    counts.inflated += n;
                    if n > MAX_STREAM_BYTES || counts.inflated > MAX_INFLATED_BYTES {
                        return Err(format!(
                            "the PDF's compressed streams expand to more than {} (a damaged \
                             or hostile file); print it to a new PDF or split it",
                            crate::fsutil::size(if n > MAX_STREAM_BYTES {
                                MAX_STREAM_BYTES
                            } else {
                                MAX_INFLATED_BYTES
                            })
                        ));
                    }
                    if object_stream {
                        scan(&kept, counts, true)?;
                    }
                }
                // Image codecs: embedded raw, never decoded while loading.
                Some(
                    b"DCTDecode" | b"DCT" | b"JPXDecode" | b"JBIG2Decode" | b"CCITTFaxDecode"
                    | b"CCF",
                ) if !object_stream => {}
                Some(_) => {
                    return Err(
                        "the PDF uses a stream encoding appealpack cannot check; print it to \
                         a new PDF"
                            .into(),
                    );
                }
            }
            i = end + b"endstream".len().min(b.len() - end);
            object_type.clear();
            filters.clear();
            length = None;
        }
        previous = [previous[1].take(), previous[2].take(), Some(token)];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a PDF of the given object bodies (object 1 is the catalog), with a correct
    /// cross-reference table.
    fn pdf(objects: &[String]) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    fn page(parent: usize) -> String {
        format!("<< /Type /Page /Parent {parent} 0 R /MediaBox [0 0 612 792] >>")
    }

    fn check_bytes(bytes: Vec<u8>) -> Result<usize, String> {
        check(Arc::new(bytes))
    }

    #[test]
    fn a_well_formed_pdf_passes_with_its_page_count() {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>".to_owned(),
            page(2),
            page(2),
        ];
        assert_eq!(check_bytes(pdf(&objects)), Ok(2));
    }

    #[test]
    fn a_deep_page_tree_is_refused_before_hayro_walks_it() {
        let depth = 10_000;
        let mut objects = vec!["<< /Type /Catalog /Pages 2 0 R >>".to_owned()];
        for level in 0..depth {
            let id = level + 2;
            objects.push(format!(
                "<< /Type /Pages /Kids [{} 0 R] /Count 1 >>",
                id + 1
            ));
        }
        objects.push(page(depth + 1));
        let error = check_bytes(pdf(&objects)).unwrap_err();
        assert!(
            error.contains("page tree has more than 500 nodes"),
            "{error}"
        );
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let nested = format!(
            "<< /Type /Catalog /Pages 2 0 R /X {} >>",
            "[".repeat(1_000_000)
        );
        let objects = [nested, "<< /Type /Pages /Kids [] /Count 0 >>".to_owned()];
        let error = check_bytes(pdf(&objects)).unwrap_err();
        assert!(
            error.contains("nests its objects more than 256 deep"),
            "{error}"
        );
    }

    #[test]
    fn a_compression_bomb_is_refused_without_inflating_it() {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..200 {
            encoder.write_all(&zeros).unwrap();
        }
        let bomb = encoder.finish().unwrap();
        assert!(bomb.len() < 1 << 20, "the bomb is small: {}", bomb.len());
        let mut bytes = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n".to_vec();
        bytes.extend_from_slice(
            format!(
                "2 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n",
                bomb.len()
            )
            .as_bytes(),
        );
        bytes.extend_from_slice(&bomb);
        bytes.extend_from_slice(b"\nendstream\nendobj\nstartxref\n9\n%%EOF\n");
        let error = check_bytes(bytes).unwrap_err();
        assert!(error.contains("expand to more than 128 MiB"), "{error}");
    }

    #[test]
    fn one_page_repeated_ten_thousand_times_is_refused() {
        let kids = "3 0 R ".repeat(10_000);
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            format!("<< /Type /Pages /Kids [{kids}] /Count 10000 >>"),
            page(2),
        ];
        let error = check_bytes(pdf(&objects)).unwrap_err();
        assert!(error.contains("10000 pages, more than 500"), "{error}");
    }

    #[test]
    fn a_pdf_2_0_is_enclosed_as_1_7() {
        let objects = [
            "<< /Type /Catalog /Version /2.0 /Pages 2 0 R >>".to_owned(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
            page(2),
        ];
        let mut bytes = pdf(&objects);
        bytes[5..8].copy_from_slice(b"2.0");
        let error = check_bytes(bytes.clone()).unwrap_err();
        assert!(error.contains("save it as PDF 1.7"), "{error}");
        let relabelled = relabel_2_0(bytes.clone());
        assert_eq!(relabelled.len(), bytes.len());
        assert!(relabelled.starts_with(b"%PDF-1.7"));
        assert_eq!(check_bytes(relabelled), Ok(1));
    }

    #[test]
    fn truncated_and_repaired_files_are_refused() {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
            page(2),
        ];
        let good = pdf(&objects);
        let error = check_bytes(good[..good.len() - 20].to_vec()).unwrap_err();
        assert!(error.contains("damaged or truncated"), "{error}");
        // One wrong offset in the cross-reference table: hayro repairs it silently.
        let text = String::from_utf8(good.clone()).unwrap();
        let entry = text.lines().find(|l| l.ends_with(" 00000 n ")).unwrap();
        let wrong = text.replacen(entry, "0000000003 00000 n ", 1);
        let error = check_bytes(wrong.into_bytes()).unwrap_err();
        assert!(error.contains("had to be rebuilt"), "{error}");
        assert_eq!(check_bytes(good), Ok(1));
    }
}
