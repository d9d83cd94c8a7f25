//! Reading an intake sheet's bytes as a spreadsheet saves them: UTF-8 or Excel's
//! Windows-1252, and CSV read strictly, so a stray double quote refuses the file.

/// The text encodings an intake sheet may be saved in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 ("CSV UTF-8"), with or without a byte-order mark.
    Utf8,
    /// Windows-1252, the encoding of Excel's "CSV (Comma delimited)" on Western systems.
    #[value(name = "windows-1252")]
    Windows1252,
}

/// Decodes the file's bytes: UTF-8 (a byte-order mark dropped), or Windows-1252, which
/// Excel's "CSV (Comma delimited)" writes, when asked for or when the bytes are not UTF-8.
/// Returns the text and, when it was read as Windows-1252 unasked, a note saying so.
pub(crate) fn decode(
    bytes: &[u8],
    encoding: Option<Encoding>,
) -> Result<(String, Option<&'static str>), String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(
            "the file is UTF-16 text (Excel's \"Unicode Text\"); save the sheet as \
                    \"CSV UTF-8 (Comma delimited)\""
                .into(),
        );
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let windows_1252 = |bytes: &[u8]| {
        encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    };
    match (encoding, std::str::from_utf8(bytes)) {
        (Some(Encoding::Windows1252), _) => Ok((windows_1252(bytes), None)),
        (_, Ok(text)) => Ok((text.to_owned(), None)),
        (Some(Encoding::Utf8), Err(e)) => Err(format!(
            "the file is not UTF-8 text (byte {}); save it as \"CSV UTF-8\", or pass \
             --encoding windows-1252 for Excel's \"CSV (Comma delimited)\"",
            e.valid_up_to()
        )),
        (None, Err(_)) => Ok((
            windows_1252(bytes),
            Some(
                "the file is not UTF-8, so it was read as Windows-1252 (Excel's \"CSV (Comma \
                 delimited)\"); if accented names look wrong in the case files, save the sheet \
                 as \"CSV UTF-8\" or pass --encoding",
            ),
        )),
    }
}

/// A record of the CSV file: its row as the spreadsheet numbers it, and its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// The spreadsheet's row number: the header is row 1, a cell over several lines is
    /// one row.
    pub row: u64,
    /// The cells, line breaks inside them as `\n`.
    pub cells: Vec<String>,
}

/// A place in the file where the CSV is not strictly quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvProblem {
    /// The spreadsheet row.
    pub row: u64,
    /// The 0-based cell index.
    pub cell: usize,
    /// What is wrong.
    pub message: &'static str,
}

/// Reads CSV text strictly (RFC 4180): a cell is either quoted from its first character
/// to a closing quote right before a comma or a line break, or holds no double quote at
/// all. Line breaks are CRLF, LF or CR. Every place that breaks the rule is returned; the
/// records are only to be used when there is none.
pub(crate) fn parse_csv(text: &str) -> (Vec<Record>, Vec<CsvProblem>) {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let (mut cells, mut cell) = (Vec::new(), String::new());
    let mut row = 1;
    let (mut at_start, mut quoted, mut closed) = (true, false, false);
    let mut opened_at = (0, 0);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => {
                    quoted = false;
                    closed = true;
                }
                '\r' => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    cell.push('\n');
                }
                c => cell.push(c),
            }
            continue;
        }
        match c {
            ',' => {
                cells.push(std::mem::take(&mut cell));
                (at_start, closed) = (true, false);
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                cells.push(std::mem::take(&mut cell));
                records.push(Record {
                    row,
                    cells: std::mem::take(&mut cells),
                });
                row += 1;
                (at_start, closed) = (true, false);
            }
            '"' if at_start => {
                quoted = true;
                at_start = false;
                opened_at = (row, cells.len());
            }
            c => {
                if closed {
                    problems.push(CsvProblem {
                        row,
                        cell: cells.len(),
                        message: "text after the closing double quote of a quoted cell",
                    });
                    closed = false;
                } else if c == '"' {
                    problems.push(CsvProblem {
                        row,
                        cell: cells.len(),
                        message: "a double quote inside a cell that does not start with one",
                    });
                }
                at_start = false;
                cell.push(c);
            }
        }
    }
    if quoted {
        problems.push(CsvProblem {
            row: opened_at.0,
            cell: opened_at.1,
            message: "a double quote opens a cell that no double quote closes",
        });
    } else if !at_start || !cells.is_empty() || !cell.is_empty() || closed {
        cells.push(cell);
        records.push(Record { row, cells });
    }
    (records, problems)
}

/// Returns the number of lines of a text, a final line without a line break counted.
pub(super) fn count_lines(text: &str) -> usize {
    let breaks =
        text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
    breaks + usize::from(!text.is_empty() && !text.ends_with(['\n', '\r']))
}
