//! Markdown (pulldown-cmark) to a document tree that the Typst templates render.
//!
//! Case fields written in Markdown (statements, summaries, testimonials, a letter draft)
//! never reach Typst as source: [`markdown`] turns them into a [`Document`], which is
//! serialised to JSON and walked by `templates/markdown.typ`, so every string in it is
//! shown as text and nothing in it is evaluated.
//!
//! # The JSON tree
//!
//! Nodes are objects tagged by `"t"`; children are in `"c"`, strings in `"text"`.
//!
//! ```text
//! document  {"blocks": [block], "notes": [{"n": 1, "label": "a", "c": [block]}]}
//!
//! block     {"t": "para",    "c": [inline]}
//!           {"t": "plain",   "c": [inline]}            text of a tight list item
//!           {"t": "heading", "level": 1..=6, "c": [inline]}
//!           {"t": "quote",   "c": [block]}
//!           {"t": "list",    "start": null | 3, "tight": true,
//!                            "items": [{"task": null | true | false, "c": [block]}]}
//!           {"t": "code",    "lang": null | "rust", "text": "verbatim\n"}
//!           {"t": "html",    "text": "<div>"}           raw HTML, shown literally
//!           {"t": "table",   "align": ["none" | "left" | "center" | "right"],
//!                            "head": [cell], "rows": [[cell]]}   cell = [inline]
//!           {"t": "rule"}
//!
//! inline    {"t": "text",    "text": "..."}
//!           {"t": "code",    "text": "..."}
//!           {"t": "emph" | "strong" | "strike", "c": [inline]}
//!           {"t": "link",    "url": "...", "live": true, "show_url": true, "c": [inline]}
//!           {"t": "image",   "url": "...", "c": [inline]}   alt text; never loaded
//!           {"t": "note_ref", "n": 1}
//!           {"t": "html",    "text": "<span>"}          raw HTML, shown literally
//!           {"t": "soft"} | {"t": "hard"}
//! ```
//!
//! A link is `live` (to be made clickable) only for `http`, `https` and `mailto` URLs;
//! `show_url` is false when the link text already is the URL. Footnotes become endnotes:
//! `note_ref` carries the number of an entry of `notes`, numbered in order of first
//! reference, with unreferenced definitions appended so no text is lost. Table rows are
//! padded to the same number of cells as `align`. Nesting deeper than a fixed limit is
//! flattened into the enclosing container, so the template's recursion stays bounded.

use std::collections::HashMap;
use std::mem::discriminant;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// Deepest nesting of containers kept in the tree; deeper ones are flattened.
const MAX_DEPTH: usize = 8;

/// A Markdown text as a tree of blocks, with its footnotes gathered as numbered endnotes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The document's blocks, in order.
    pub blocks: Vec<Block>,
    /// The footnote definitions, ordered by number.
    pub notes: Vec<Note>,
}

/// A footnote definition, rendered as an endnote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The number that references to this note show.
    pub n: u32,
    /// The label the Markdown used for it.
    pub label: String,
    /// The note's blocks.
    pub c: Vec<Block>,
}

/// A block-level node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph.
    Para {
        /// The paragraph's inlines.
        c: Vec<Inline>,
    },
    /// Text without paragraph spacing, as in the items of a tight list.
    Plain {
        /// The text's inlines.
        c: Vec<Inline>,
    },
    /// A heading; the level is the Markdown one (1 to 6), demoted by the template.
    Heading {
        /// The Markdown heading level.
        level: u8,
        /// The heading's inlines.
        c: Vec<Inline>,
    },
    /// A block quote.
    Quote {
        /// The quoted blocks.
        c: Vec<Block>,
    },
    /// A bulleted list (`start` is null) or a numbered one starting at `start`.
    List {
        /// The first number of a numbered list.
        start: Option<u64>,
        /// Whether no item holds a paragraph, so items are set close together.
        tight: bool,
        /// The list's items.
        items: Vec<Item>,
    },
    /// A code block, shown verbatim.
    Code {
        /// The first word of a fenced block's info string.
        lang: Option<String>,
        /// The code, verbatim.
        text: String,
    },
    /// A raw HTML block, shown as literal text.
    Html {
        /// The HTML, verbatim.
        text: String,
    },
    /// A table whose rows all have one cell per column.
    Table {
        /// The alignment of each column.
        align: Vec<Align>,
        /// The header row's cells.
        head: Vec<Vec<Inline>>,
        /// The body rows' cells.
        rows: Vec<Vec<Vec<Inline>>>,
    },
    /// A thematic break.
    Rule,
}

/// A list item, possibly a task with a check box.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Whether a task item is checked; null for an ordinary item.
    pub task: Option<bool>,
    /// The item's blocks.
    pub c: Vec<Block>,
}

/// The alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    /// No alignment given.
    None,
    /// Left-aligned.
    Left,
    /// Centred.
    Center,
    /// Right-aligned.
    Right,
}

/// An inline node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text.
    Text {
        /// The text.
        text: String,
    },
    /// An inline code span, shown verbatim.
    Code {
        /// The code.
        text: String,
    },
    /// Emphasis.
    Emph {
        /// The emphasised inlines.
        c: Vec<Inline>,
    },
    /// Strong emphasis.
    Strong {
        /// The strong inlines.
        c: Vec<Inline>,
    },
    /// Struck-through text.
    Strike {
        /// The struck inlines.
        c: Vec<Inline>,
    },
    /// A link; only `live` ones may become clickable.
    Link {
        /// The destination, as written (`mailto:` added to e-mail autolinks).
        url: String,
        /// Whether the URL is http, https or mailto and may become a link.
        live: bool,
        /// Whether the URL should be printed after the text.
        show_url: bool,
        /// The link text.
        c: Vec<Inline>,
    },
    /// An image, shown as its alt text and URL; the file is never loaded.
    Image {
        /// The image source, as written.
        url: String,
        /// The alt text.
        c: Vec<Inline>,
    },
    /// A footnote reference, pointing at the note numbered `n`.
    NoteRef {
        /// The note's number.
        n: u32,
    },
    /// Raw inline HTML, shown as literal text.
    Html {
        /// The HTML, verbatim.
        text: String,
    },
    /// A soft line break, shown as a space.
    Soft,
    /// A hard line break.
    Hard,
}

/// Converts Markdown (CommonMark with tables, footnotes, strikethrough and task lists) into a document tree.
pub fn markdown(text: &str) -> Document {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    from_events(Parser::new_ext(text, options).collect())
}

/// Converts a sequence of events, balanced or not, into a document tree.
fn from_events(events: Vec<Event<'_>>) -> Document {
    let mut converter = Converter::new(&events);
    for event in events {
        converter.event(event);
    }
    let mut document = converter.finish();
    for block in &mut document.blocks {
        break_block(block);
    }
    for note in &mut document.notes {
        note.c.iter_mut().for_each(break_block);
    }
    document
}

/// The longest URL made clickable; PDF viewers and Typst's export choke on longer ones,
/// which are shown as text.
const MAX_LIVE_URL: usize = 2048;

/// The longest run of characters without a break opportunity a packet prints as it is.
const LONG_WORD: usize = 40;

/// Lets a word longer than [`LONG_WORD`] characters break across lines, with a
/// zero-width space every 20 characters, so that no text is clipped off the page.
pub(crate) fn breakable(text: &str) -> std::borrow::Cow<'_, str> {
    let mut run = 0;
    if !text.chars().any(|c| {
        run = if c.is_whitespace() { 0 } else { run + 1 };
        run > LONG_WORD
    }) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 10);
    let mut word: Vec<char> = Vec::new();
    let flush = |word: &mut Vec<char>, out: &mut String| {
        if word.len() > LONG_WORD {
            for (i, chunk) in word.chunks(20).enumerate() {
                if i > 0 {
                    out.push('\u{200B}');
                }
                out.extend(chunk);
            }
        } else {
            out.extend(word.iter());
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out.into()
}

/// Applies [`breakable`] to every text of a block.
fn break_block(block: &mut Block) {
    match block {
        Block::Para { c } | Block::Plain { c } | Block::Heading { c, .. } => break_inlines(c),
        Block::Quote { c } => c.iter_mut().for_each(break_block),
        Block::List { items, .. } => items
            .iter_mut()
            .for_each(|item| item.c.iter_mut().for_each(break_block)),
        Block::Code { text, .. } | Block::Html { text } => break_text(text),
        Block::Table { head, rows, .. } => {
            head.iter_mut().for_each(|cell| break_inlines(cell));
            rows.iter_mut()
                .flatten()
                .for_each(|cell| break_inlines(cell));
        }
        Block::Rule => {}
    }
}

/// Applies [`breakable`] to every text of some inlines.
fn break_inlines(inlines: &mut [Inline]) {
    for inline in inlines {
        match inline {
            Inline::Text { text } | Inline::Code { text } | Inline::Html { text } => {
                break_text(text)
            }
            Inline::Emph { c }
            | Inline::Strong { c }
            | Inline::Strike { c }
            | Inline::Link { c, .. }
            | Inline::Image { c, .. } => break_inlines(c),
            Inline::NoteRef { .. } | Inline::Soft | Inline::Hard => {}
        }
    }
}

fn break_text(text: &mut String) {
    if let std::borrow::Cow::Owned(broken) = breakable(text) {
        *text = broken;
    }
}

/// What a frame holds, which decides what can be put into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Blocks,
    Items,
    Rows,
    Cells,
    Inlines,
    Verbatim,
}

/// What is about to be put into the innermost frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Block,
    Item,
    Row,
    Cell,
    Inline,
}

/// The kind of a styled span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    Emph,
    Strong,
    Strike,
}

/// An open container on the converter's stack.
#[derive(Debug)]
enum Frame {
    Quote(Vec<Block>),
    Item(Item),
    Note {
        slot: usize,
        c: Vec<Block>,
    },
    List {
        start: Option<u64>,
        items: Vec<Item>,
    },
    Para(Vec<Inline>),
    Plain(Vec<Inline>),
    Heading {
        level: u8,
        c: Vec<Inline>,
    },
    Code {
        lang: Option<String>,
        text: String,
    },
    Html(String),
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Row {
        head: bool,
        cells: Vec<Vec<Inline>>,
    },
    Cell(Vec<Inline>),
    Span(Span, Vec<Inline>),
    Link {
        url: String,
        live: bool,
        c: Vec<Inline>,
    },
    Image {
        url: String,
        c: Vec<Inline>,
    },
    /// A container dropped (too deep, or unsupported) whose content goes to its parent.
    Flat(TagEnd),
}

impl Frame {
    /// Returns what the frame holds, or `None` for a flattened frame.
    fn role(&self) -> Option<Role> {
        Some(match self {
            Frame::Quote(_) | Frame::Item(_) | Frame::Note { .. } => Role::Blocks,
            Frame::List { .. } => Role::Items,
            Frame::Table { .. } => Role::Rows,
            Frame::Row { .. } => Role::Cells,
            Frame::Code { .. } | Frame::Html(_) => Role::Verbatim,
            Frame::Flat(_) => return None,
            _ => Role::Inlines,
        })
    }

    /// Returns the end tag that closes the frame, or `None` for one opened implicitly.
    fn end(&self) -> Option<TagEnd> {
        Some(match self {
            Frame::Quote(_) => TagEnd::BlockQuote(None),
            Frame::Item(_) => TagEnd::Item,
            Frame::Note { .. } => TagEnd::FootnoteDefinition,
            Frame::List { start, .. } => TagEnd::List(start.is_some()),
            Frame::Para(_) => TagEnd::Paragraph,
            Frame::Plain(_) => return None,
            Frame::Heading { .. } => TagEnd::Heading(pulldown_cmark::HeadingLevel::H1),
            Frame::Code { .. } => TagEnd::CodeBlock,
            Frame::Html(_) => TagEnd::HtmlBlock,
            Frame::Table { .. } => TagEnd::Table,
            Frame::Row { head: true, .. } => TagEnd::TableHead,
            Frame::Row { head: false, .. } => TagEnd::TableRow,
            Frame::Cell(_) => TagEnd::TableCell,
            Frame::Span(Span::Emph, _) => TagEnd::Emphasis,
            Frame::Span(Span::Strong, _) => TagEnd::Strong,
            Frame::Span(Span::Strike, _) => TagEnd::Strikethrough,
            Frame::Link { .. } => TagEnd::Link,
            Frame::Image { .. } => TagEnd::Image,
            Frame::Flat(end) => *end,
        })
    }

    /// Returns whether the end tag closes this frame (payloads of the tag are ignored).
    fn closed_by(&self, end: &TagEnd) -> bool {
        self.end()
            .is_some_and(|own| discriminant(&own) == discriminant(end))
    }

    /// Returns whether the frame nests without bound and so counts against the depth limit.
    fn nests(start: &Tag<'_>) -> bool {
        matches!(
            start,
            Tag::BlockQuote(_)
                | Tag::List(_)
                | Tag::Item
                | Tag::FootnoteDefinition(_)
                | Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
        )
    }
}

/// A closed frame, ready to be put into its parent.
enum Node {
    Block(Block),
    Item(Item),
    Row { head: bool, cells: Vec<Vec<Inline>> },
    Cell(Vec<Inline>),
    Inline(Inline),
    Note { slot: usize, c: Vec<Block> },
    Nothing,
}

/// What to do to make room for a node in the innermost frame.
enum Step {
    Accept,
    Open(Frame),
    Close,
}

/// A footnote definition found by the pre-scan, filled in as the conversion meets it.
struct Slot {
    label: String,
    n: Option<u32>,
    c: Vec<Block>,
}

/// The event-to-tree converter: a stack of open containers over the finished root blocks.
struct Converter {
    root: Vec<Block>,
    stack: Vec<Frame>,
    slots: Vec<Slot>,
    /// The first slot of each footnote label, keyed by the label in lower case.
    labels: HashMap<String, usize>,
    /// The number of footnote definitions met so far.
    definitions_seen: usize,
    /// The number of notes numbered so far.
    numbered: u32,
}

impl Converter {
    /// Creates a converter that knows every footnote definition of the events in advance.
    fn new(events: &[Event<'_>]) -> Converter {
        let mut slots = Vec::new();
        let mut labels = HashMap::new();
        for event in events {
            if let Event::Start(Tag::FootnoteDefinition(label)) = event {
                labels.entry(fold(label)).or_insert(slots.len());
                slots.push(Slot {
                    label: label.to_string(),
                    n: None,
                    c: Vec::new(),
                });
            }
        }
        Converter {
            root: Vec::new(),
            stack: Vec::new(),
            slots,
            labels,
            definitions_seen: 0,
            numbered: 0,
        }
    }

    /// Dispatches one event to the method that handles it.
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(end),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => self.inline(Inline::Code {
                text: code.to_string(),
            }),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&format!("${math}$")),
            Event::Html(html) => self.html(&html),
            Event::InlineHtml(html) => self.inline(Inline::Html {
                text: html.to_string(),
            }),
            Event::FootnoteReference(label) => self.footnote_reference(&label),
            Event::SoftBreak => self.inline(Inline::Soft),
            Event::HardBreak => self.inline(Inline::Hard),
            Event::Rule => self.block(Block::Rule),
            Event::TaskListMarker(checked) => self.task(checked),
        }
    }

    /// Opens the container that a start tag begins.
    fn start(&mut self, tag: Tag<'_>) {
        let depth = self
            .stack
            .iter()
            .filter(|frame| frame.role().is_some())
            .count();
        let in_list = matches!(
            self.host().map(|i| &self.stack[i]),
            Some(Frame::List { .. })
        );
        let room = if matches!(tag, Tag::Item) && in_list {
            1
        } else {
            2
        };
        if Frame::nests(&tag) && depth + room > MAX_DEPTH {
            let block = matches!(
                tag,
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_)
            );
            if block && !in_list {
                self.make_room(Want::Block);
            }
            self.stack.push(Frame::Flat(tag.to_end()));
            return;
        }
        let (want, frame) = match tag {
            Tag::Paragraph => (Want::Block, Frame::Para(Vec::new())),
            Tag::Heading { level, .. } => (
                Want::Block,
                Frame::Heading {
                    level: level as u8,
                    c: Vec::new(),
                },
            ),
            Tag::BlockQuote(_) => (Want::Block, Frame::Quote(Vec::new())),
            Tag::CodeBlock(kind) => (
                Want::Block,
                Frame::Code {
                    lang: lang(&kind),
                    text: String::new(),
                },
            ),
            Tag::HtmlBlock => (Want::Block, Frame::Html(String::new())),
            Tag::List(start) => (
                Want::Block,
                Frame::List {
                    start,
                    items: Vec::new(),
                },
            ),
            Tag::Item => (Want::Item, Frame::Item(Item::default())),
            Tag::FootnoteDefinition(_) => {
                let slot = self.definitions_seen;
                self.definitions_seen += 1;
                (
                    Want::Block,
                    Frame::Note {
                        slot,
                        c: Vec::new(),
                    },
                )
            }
            Tag::Table(alignments) => {
                let align = alignments.iter().map(|a| align(*a)).collect();
                (
                    Want::Block,
                    Frame::Table {
                        align,
                        head: Vec::new(),
                        rows: Vec::new(),
                    },
                )
            }
            Tag::TableHead => (
                Want::Row,
                Frame::Row {
                    head: true,
                    cells: Vec::new(),
                },
            ),
            Tag::TableRow => (
                Want::Row,
                Frame::Row {
                    head: false,
                    cells: Vec::new(),
                },
            ),
            Tag::TableCell => (Want::Cell, Frame::Cell(Vec::new())),
            Tag::Emphasis => (Want::Inline, Frame::Span(Span::Emph, Vec::new())),
            Tag::Strong => (Want::Inline, Frame::Span(Span::Strong, Vec::new())),
            Tag::Strikethrough => (Want::Inline, Frame::Span(Span::Strike, Vec::new())),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                let url = if link_type == LinkType::Email && !has_scheme(&dest_url, "mailto:") {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                let live = is_live(&url);
                (
                    Want::Inline,
                    Frame::Link {
                        url,
                        live,
                        c: Vec::new(),
                    },
                )
            }
            Tag::Image { dest_url, .. } => (
                Want::Inline,
                Frame::Image {
                    url: dest_url.to_string(),
                    c: Vec::new(),
                },
            ),
            other => {
                self.stack.push(Frame::Flat(other.to_end()));
                return;
            }
        };
        self.make_room(want);
        self.stack.push(frame);
    }

    /// Closes the innermost open container that the end tag ends, and any opened inside it.
    fn end(&mut self, end: TagEnd) {
        if let Some(index) = self.stack.iter().rposition(|frame| frame.closed_by(&end)) {
            for _ in index..self.stack.len() {
                self.close_top();
            }
        }
    }

    /// Adds text, verbatim inside a code or HTML block and as an inline elsewhere.
    fn text(&mut self, text: &str) {
        match self.stack.last_mut() {
            Some(Frame::Code { text: code, .. }) => code.push_str(text),
            Some(Frame::Html(html)) => html.push_str(text),
            _ => self.inline(Inline::Text {
                text: text.to_string(),
            }),
        }
    }

    /// Adds raw HTML, verbatim inside an HTML block and as inline HTML elsewhere.
    fn html(&mut self, html: &str) {
        match self.stack.last_mut() {
            Some(Frame::Html(block)) => block.push_str(html),
            Some(Frame::Code { text, .. }) => text.push_str(html),
            _ => self.inline(Inline::Html {
                text: html.to_string(),
            }),
        }
    }

    /// Adds a reference to a defined footnote, or its source text when no definition exists.
    fn footnote_reference(&mut self, label: &str) {
        let Some(&slot) = self.labels.get(&fold(label)) else {
            self.text(&format!("[^{label}]"));
            return;
        };
        let n = match self.slots[slot].n {
            Some(n) => n,
            None => {
                self.numbered += 1;
                self.slots[slot].n = Some(self.numbered);
                self.numbered
            }
        };
        self.inline(Inline::NoteRef { n });
    }

    /// Marks the innermost list item as a task, or prints the box when there is no item.
    fn task(&mut self, checked: bool) {
        let item = self.stack.iter_mut().rev().find_map(|frame| match frame {
            Frame::Item(item) if item.task.is_none() && item.c.is_empty() => Some(item),
            _ => None,
        });
        match item {
            Some(item) => item.task = Some(checked),
            None => self.text(if checked { "[x] " } else { "[ ] " }),
        }
    }

    /// Puts an inline node into the innermost frame, opening a plain block if needed.
    fn inline(&mut self, inline: Inline) {
        self.attach(Node::Inline(inline));
    }

    /// Puts a block node into the innermost frame, closing inline frames if needed.
    fn block(&mut self, block: Block) {
        self.attach(Node::Block(block));
    }

    /// Returns the index of the innermost frame that is not flattened.
    fn host(&self) -> Option<usize> {
        self.stack.iter().rposition(|frame| frame.role().is_some())
    }

    /// Opens or closes frames until the innermost one can take the wanted kind of node.
    fn make_room(&mut self, want: Want) {
        loop {
            let host = self.host();
            let role = host
                .and_then(|i| self.stack[i].role())
                .unwrap_or(Role::Blocks);
            let step = match (role, want) {
                (Role::Blocks, Want::Block)
                | (Role::Items, Want::Item)
                | (Role::Rows, Want::Row)
                | (Role::Cells, Want::Cell)
                | (Role::Inlines, Want::Inline) => Step::Accept,
                (Role::Blocks, Want::Inline) => Step::Open(Frame::Plain(Vec::new())),
                (Role::Blocks, Want::Item) => Step::Open(Frame::List {
                    start: None,
                    items: Vec::new(),
                }),
                (Role::Blocks, Want::Row | Want::Cell) => Step::Open(Frame::Table {
                    align: Vec::new(),
                    head: Vec::new(),
                    rows: Vec::new(),
                }),
                (Role::Rows, Want::Cell) => Step::Open(Frame::Row {
                    head: false,
                    cells: Vec::new(),
                }),
                _ => Step::Close,
            };
            match step {
                Step::Accept => return,
                Step::Open(frame) => self.stack.push(frame),
                Step::Close => match host {
                    Some(index) => {
                        for _ in index..self.stack.len() {
                            self.close_top();
                        }
                    }
                    None => return,
                },
            }
        }
    }

    /// Puts a finished node into the innermost frame that can take it.
    fn attach(&mut self, node: Node) {
        let want = match &node {
            Node::Block(_) => Want::Block,
            Node::Item(_) => Want::Item,
            Node::Row { .. } => Want::Row,
            Node::Cell(_) => Want::Cell,
            Node::Inline(_) => Want::Inline,
            Node::Note { slot, c } => {
                if let Some(target) = self.slots.get_mut(*slot) {
                    target.c.extend(c.iter().cloned());
                }
                return;
            }
            Node::Nothing => return,
        };
        self.make_room(want);
        let host = self.host().map(|i| &mut self.stack[i]);
        match (host, node) {
            (None, Node::Block(block)) => self.root.push(block),
            (
                Some(Frame::Quote(c) | Frame::Item(Item { c, .. }) | Frame::Note { c, .. }),
                Node::Block(block),
            ) => c.push(block),
            (Some(Frame::List { items, .. }), Node::Item(item)) => items.push(item),
            (
                Some(Frame::Table { head, rows, .. }),
                Node::Row {
                    head: is_head,
                    cells,
                },
            ) => {
                if is_head && head.is_empty() {
                    *head = cells;
                } else {
                    rows.push(cells);
                }
            }
            (Some(Frame::Row { cells, .. }), Node::Cell(cell)) => cells.push(cell),
            (Some(frame), Node::Inline(inline)) => {
                if let Some(c) = frame.inlines_mut() {
                    push_inline(c, inline);
                }
            }
            _ => {}
        }
    }

    /// Pops the innermost frame and puts what it made into its parent.
    fn close_top(&mut self) {
        if let Some(frame) = self.stack.pop() {
            let node = finish_frame(frame);
            self.attach(node);
        }
    }

    /// Closes every open frame and assembles the document with its notes.
    fn finish(mut self) -> Document {
        while !self.stack.is_empty() {
            self.close_top();
        }
        let mut numbered = self.numbered;
        let mut notes: Vec<Note> = Vec::with_capacity(self.slots.len());
        for slot in self.slots {
            let n = slot.n.unwrap_or_else(|| {
                numbered += 1;
                numbered
            });
            notes.push(Note {
                n,
                label: slot.label,
                c: slot.c,
            });
        }
        notes.sort_by_key(|note| note.n);
        Document {
            blocks: self.root,
            notes,
        }
    }
}

impl Frame {
    /// Returns the inline children of a frame that holds inlines.
    fn inlines_mut(&mut self) -> Option<&mut Vec<Inline>> {
        match self {
            Frame::Para(c)
            | Frame::Plain(c)
            | Frame::Heading { c, .. }
            | Frame::Cell(c)
            | Frame::Span(_, c)
            | Frame::Link { c, .. }
            | Frame::Image { c, .. } => Some(c),
            _ => None,
        }
    }
}

/// Turns a closed frame into the node it stands for.
fn finish_frame(frame: Frame) -> Node {
    match frame {
        Frame::Quote(c) => Node::Block(Block::Quote { c }),
        Frame::Item(item) => Node::Item(item),
        Frame::Note { slot, c } => Node::Note { slot, c },
        Frame::List { start, items } => {
            let tight = !items
                .iter()
                .flat_map(|item| &item.c)
                .any(|b| matches!(b, Block::Para { .. }));
            Node::Block(Block::List {
                start,
                tight,
                items,
            })
        }
        Frame::Para(c) => Node::Block(Block::Para { c }),
        Frame::Plain(c) => Node::Block(Block::Plain { c }),
        Frame::Heading { level, c } => Node::Block(Block::Heading { level, c }),
        Frame::Code { lang, text } => Node::Block(Block::Code { lang, text }),
        Frame::Html(text) => Node::Block(Block::Html { text }),
        Frame::Table { align, head, rows } => finish_table(align, head, rows),
        Frame::Row { head, cells } => Node::Row { head, cells },
        Frame::Cell(c) => Node::Cell(c),
        Frame::Span(Span::Emph, c) => Node::Inline(Inline::Emph { c }),
        Frame::Span(Span::Strong, c) => Node::Inline(Inline::Strong { c }),
        Frame::Span(Span::Strike, c) => Node::Inline(Inline::Strike { c }),
        Frame::Link { url, live, c } => Node::Inline(finish_link(url, live, c)),
        Frame::Image { url, c } => Node::Inline(Inline::Image { url, c }),
        Frame::Flat(_) => Node::Nothing,
    }
}

/// Makes a table's rows as wide as its widest row, or drops a table without columns.
fn finish_table(
    mut align: Vec<Align>,
    mut head: Vec<Vec<Inline>>,
    mut rows: Vec<Vec<Vec<Inline>>>,
) -> Node {
    let columns = rows
        .iter()
        .map(Vec::len)
        .chain([align.len(), head.len()])
        .max()
        .unwrap_or(0);
    if columns == 0 {
        return Node::Nothing;
    }
    align.resize(columns, Align::None);
    if !head.is_empty() {
        head.resize(columns, Vec::new());
    }
    for row in &mut rows {
        row.resize(columns, Vec::new());
    }
    Node::Block(Block::Table { align, head, rows })
}

/// Finishes a link, giving it its URL as text when it has none and deciding whether to print the URL.
fn finish_link(url: String, live: bool, mut c: Vec<Inline>) -> Inline {
    let mut text = String::new();
    plain_text(&c, &mut text);
    let text = text.trim();
    let bare = url.strip_prefix("mailto:").unwrap_or(&url);
    let show_url = !url.is_empty() && !text.is_empty() && text != url && text != bare;
    if text.is_empty() && !url.is_empty() {
        c.push(Inline::Text {
            text: bare.to_string(),
        });
    }
    Inline::Link {
        url,
        live,
        show_url,
        c,
    }
}

/// Appends the visible text of inlines to `out`.
fn plain_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } | Inline::Code { text } | Inline::Html { text } => {
                out.push_str(text)
            }
            Inline::Emph { c }
            | Inline::Strong { c }
            | Inline::Strike { c }
            | Inline::Link { c, .. } => plain_text(c, out),
            Inline::Image { c, .. } => plain_text(c, out),
            Inline::NoteRef { n } => out.push_str(&n.to_string()),
            Inline::Soft | Inline::Hard => out.push(' '),
        }
    }
}

/// Appends an inline, merging adjacent text.
fn push_inline(c: &mut Vec<Inline>, inline: Inline) {
    if let (Some(Inline::Text { text: last }), Inline::Text { text }) = (c.last_mut(), &inline) {
        last.push_str(text);
    } else {
        c.push(inline);
    }
}

/// Returns the language of a fenced code block, the first word of its info string.
fn lang(kind: &CodeBlockKind<'_>) -> Option<String> {
    match kind {
        CodeBlockKind::Fenced(info) => info.split_whitespace().next().map(str::to_string),
        CodeBlockKind::Indented => None,
    }
}

/// Maps a pulldown-cmark column alignment to the tree's.
fn align(alignment: Alignment) -> Align {
    match alignment {
        Alignment::None => Align::None,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

/// Returns whether a URL may become a clickable link: http, https or mailto, without control characters.
pub(crate) fn is_live(url: &str) -> bool {
    url.len() <= MAX_LIVE_URL
        && ["http://", "https://", "mailto:"]
            .iter()
            .any(|scheme| has_scheme(url, scheme) && url.len() > scheme.len())
        && !url.chars().any(char::is_control)
}

/// Returns whether a URL starts with the scheme prefix, ignoring ASCII case.
fn has_scheme(url: &str, scheme: &str) -> bool {
    url.get(..scheme.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
}

/// Folds a footnote label for case-insensitive matching.
fn fold(label: &str) -> String {
    label.to_lowercase()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_long_words_get_break_hints() {
        assert_eq!(
            breakable("short words stay as they are"),
            "short words stay as they are"
        );
        let word = "x".repeat(45);
        let broken = breakable(&format!("a {word} b")).into_owned();
        assert_eq!(broken.matches('\u{200B}').count(), 2);
        assert_eq!(broken.replace('\u{200B}', ""), format!("a {word} b"));
        assert!(!is_live(&format!(
            "https://example.org/{}",
            "x".repeat(MAX_LIVE_URL)
        )));
    }

    use super::*;
    use pulldown_cmark::{CowStr, HeadingLevel};

    fn text(s: &str) -> Inline {
        Inline::Text {
            text: s.to_string(),
        }
    }

    fn para(c: Vec<Inline>) -> Block {
        Block::Para { c }
    }

    fn plain(c: Vec<Inline>) -> Block {
        Block::Plain { c }
    }

    fn blocks(md: &str) -> Vec<Block> {
        markdown(md).blocks
    }

    #[test]
    fn paragraphs_and_soft_breaks() {
        assert_eq!(
            blocks("one\ntwo\n\nthree"),
            vec![
                para(vec![text("one"), Inline::Soft, text("two")]),
                para(vec![text("three")])
            ]
        );
    }

    #[test]
    fn hard_breaks() {
        assert_eq!(
            blocks("a  \nb"),
            vec![para(vec![text("a"), Inline::Hard, text("b")])]
        );
        assert_eq!(
            blocks("a\\\nb"),
            vec![para(vec![text("a"), Inline::Hard, text("b")])]
        );
    }

    #[test]
    fn emphasis_strong_and_strikethrough() {
        assert_eq!(
            blocks("*a* **b** ~~c~~"),
            vec![para(vec![
                Inline::Emph { c: vec![text("a")] },
                text(" "),
                Inline::Strong { c: vec![text("b")] },
                text(" "),
                Inline::Strike { c: vec![text("c")] },
            ])]
        );
    }

    #[test]
    fn headings_keep_their_level() {
        assert_eq!(
            blocks("# One\n\n### Three"),
            vec![
                Block::Heading {
                    level: 1,
                    c: vec![text("One")]
                },
                Block::Heading {
                    level: 3,
                    c: vec![text("Three")]
                },
            ]
        );
    }

    #[test]
    fn bulleted_and_nested_lists() {
        let expected = vec![Block::List {
            start: None,
            tight: true,
            items: vec![
                Item {
                    task: None,
                    c: vec![
                        plain(vec![text("a")]),
                        Block::List {
                            start: None,
                            tight: true,
                            items: vec![Item {
                                task: None,
                                c: vec![plain(vec![text("b")])],
                            }],
                        },
                    ],
                },
                Item {
                    task: None,
                    c: vec![plain(vec![text("c")])],
                },
            ],
        }];
        assert_eq!(blocks("- a\n  - b\n- c"), expected);
    }

    #[test]
    fn ordered_lists_keep_their_start() {
        assert_eq!(
            blocks("3. x\n4. y"),
            vec![Block::List {
                start: Some(3),
                tight: true,
                items: vec![
                    Item {
                        task: None,
                        c: vec![plain(vec![text("x")])]
                    },
                    Item {
                        task: None,
                        c: vec![plain(vec![text("y")])]
                    },
                ],
            }]
        );
    }

    #[test]
    fn loose_lists_hold_paragraphs() {
        assert_eq!(
            blocks("- a\n\n- b"),
            vec![Block::List {
                start: None,
                tight: false,
                items: vec![
                    Item {
                        task: None,
                        c: vec![para(vec![text("a")])]
                    },
                    Item {
                        task: None,
                        c: vec![para(vec![text("b")])]
                    },
                ],
            }]
        );
    }

    #[test]
    fn task_lists() {
        assert_eq!(
            blocks("- [x] done\n- [ ] todo\n- plain"),
            vec![Block::List {
                start: None,
                tight: true,
                items: vec![
                    Item {
                        task: Some(true),
                        c: vec![plain(vec![text("done")])]
                    },
                    Item {
                        task: Some(false),
                        c: vec![plain(vec![text("todo")])]
                    },
                    Item {
                        task: None,
                        c: vec![plain(vec![text("plain")])]
                    },
                ],
            }]
        );
    }

    #[test]
    fn block_quotes() {
        assert_eq!(
            blocks("> a\n>\n> > b"),
            vec![Block::Quote {
                c: vec![
                    para(vec![text("a")]),
                    Block::Quote {
                        c: vec![para(vec![text("b")])]
                    }
                ]
            }]
        );
    }

    #[test]
    fn code_is_verbatim() {
        assert_eq!(
            blocks(
                "`#x` and\n\n```typ extra\n#read(\"/etc/passwd\") $x$\n```\n\n    indented *x*\n"
            ),
            vec![
                para(vec![Inline::Code { text: "#x".into() }, text(" and")]),
                Block::Code {
                    lang: Some("typ".into()),
                    text: "#read(\"/etc/passwd\") $x$\n".into()
                },
                Block::Code {
                    lang: None,
                    text: "indented *x*\n".into()
                },
            ]
        );
    }

    #[test]
    fn links_are_live_only_for_safe_schemes() {
        let link = |url: &str, live, show_url, c| Inline::Link {
            url: url.into(),
            live,
            show_url,
            c,
        };
        assert_eq!(
            blocks(
                "[a](https://x.org) [b](javascript:alert(1)) [c](file:///etc/passwd) <http://y.org> <me@z.org> [d](MAILTO:q@r.s) [](http://e.org)"
            ),
            vec![para(vec![
                link("https://x.org", true, true, vec![text("a")]),
                text(" "),
                link("javascript:alert(1)", false, true, vec![text("b")]),
                text(" "),
                link("file:///etc/passwd", false, true, vec![text("c")]),
                text(" "),
                link("http://y.org", true, false, vec![text("http://y.org")]),
                text(" "),
                link("mailto:me@z.org", true, false, vec![text("me@z.org")]),
                text(" "),
                link("MAILTO:q@r.s", true, true, vec![text("d")]),
                text(" "),
                link("http://e.org", true, false, vec![text("http://e.org")]),
            ])]
        );
    }

    #[test]
    fn liveness_of_urls() {
        assert!(is_live("https://example.org/a?b=c"));
        assert!(is_live("HTTP://example.org"));
        assert!(is_live("mailto:a@b.c"));
        assert!(!is_live("https://"));
        assert!(!is_live("ftp://example.org"));
        assert!(!is_live("/relative"));
        assert!(!is_live("data:text/html,x"));
        assert!(!is_live("http://a\nb"));
        assert!(!is_live(""));
    }

    #[test]
    fn images_keep_alt_text_and_url() {
        assert_eq!(
            blocks("![a *b*](/etc/passwd \"t\")"),
            vec![para(vec![Inline::Image {
                url: "/etc/passwd".into(),
                c: vec![text("a "), Inline::Emph { c: vec![text("b")] }],
            }])]
        );
    }

    #[test]
    fn tables_keep_alignment_and_pad_rows() {
        assert_eq!(
            blocks("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 |\n"),
            vec![Block::Table {
                align: vec![Align::Left, Align::Center, Align::Right],
                head: vec![vec![text("a")], vec![text("b")], vec![text("c")]],
                rows: vec![vec![vec![text("1")], vec![text("2")], vec![]]],
            }]
        );
    }

    #[test]
    fn footnotes_become_numbered_endnotes() {
        let doc = markdown("x[^b] y[^a] z[^B]\n\n[^a]: A.\n[^b]: B.\n[^c]: C.\n");
        assert_eq!(
            doc.blocks,
            vec![para(vec![
                text("x"),
                Inline::NoteRef { n: 1 },
                text(" y"),
                Inline::NoteRef { n: 2 },
                text(" z"),
                Inline::NoteRef { n: 1 },
            ])]
        );
        assert_eq!(
            doc.notes,
            vec![
                Note {
                    n: 1,
                    label: "b".into(),
                    c: vec![para(vec![text("B.")])]
                },
                Note {
                    n: 2,
                    label: "a".into(),
                    c: vec![para(vec![text("A.")])]
                },
                Note {
                    n: 3,
                    label: "c".into(),
                    c: vec![para(vec![text("C.")])]
                },
            ]
        );
    }

    #[test]
    fn undefined_footnotes_print_as_text() {
        assert_eq!(blocks("x[^nope]"), vec![para(vec![text("x[^nope]")])]);
    }

    #[test]
    fn rules() {
        assert_eq!(
            blocks("a\n\n---\n\nb"),
            vec![para(vec![text("a")]), Block::Rule, para(vec![text("b")])]
        );
    }

    #[test]
    fn raw_html_is_kept_as_text() {
        assert_eq!(
            blocks("<div>\n*x*\n</div>\n\na <b>c</b>"),
            vec![
                Block::Html {
                    text: "<div>\n*x*\n</div>\n".into()
                },
                para(vec![
                    text("a "),
                    Inline::Html { text: "<b>".into() },
                    text("c"),
                    Inline::Html {
                        text: "</b>".into()
                    },
                ]),
            ]
        );
    }

    #[test]
    fn typst_syntax_stays_text() {
        let source = "#read(\"/etc/passwd\") $x$ ] @ref <label> \\\\ #set page(width: 1pt)";
        assert_eq!(
            blocks(source),
            vec![para(vec![
                text("#read(\"/etc/passwd\") $x$ ] @ref "),
                Inline::Html {
                    text: "<label>".into()
                },
                text(" \\ #set page(width: 1pt)")
            ])]
        );
    }

    #[test]
    fn json_shape() {
        let doc = markdown("# T\n\n- [x] *a* [l](https://x.org)\n\n> q[^1]\n\n[^1]: n\n");
        let json = serde_json::to_value(&doc).unwrap();
        let expected = serde_json::json!({
            "blocks": [
                {"t": "heading", "level": 1, "c": [{"t": "text", "text": "T"}]},
                {"t": "list", "start": null, "tight": true, "items": [
                    {"task": true, "c": [{"t": "plain", "c": [
                        {"t": "emph", "c": [{"t": "text", "text": "a"}]},
                        {"t": "text", "text": " "},
                        {"t": "link", "url": "https://x.org", "live": true, "show_url": true,
                         "c": [{"t": "text", "text": "l"}]}
                    ]}]}
                ]},
                {"t": "quote", "c": [{"t": "para", "c": [
                    {"t": "text", "text": "q"}, {"t": "note_ref", "n": 1}
                ]}]}
            ],
            "notes": [{"n": 1, "label": "1", "c": [{"t": "para", "c": [{"t": "text", "text": "n"}]}]}]
        });
        assert_eq!(json, expected);
    }

    #[test]
    fn deep_nesting_is_flattened_without_losing_text() {
        let source = format!("{}deep", "> ".repeat(500));
        let doc = markdown(&source);
        let json = serde_json::to_string(&doc).unwrap();
        assert!(json.contains("deep"));
        fn depth(block: &Block) -> usize {
            match block {
                Block::Quote { c } => 1 + c.iter().map(depth).max().unwrap_or(0),
                _ => 1,
            }
        }
        assert!(doc.blocks.iter().map(depth).max().unwrap_or(0) <= MAX_DEPTH);

        let list = (0..300)
            .map(|i| format!("{}- l{i}\n", "  ".repeat(i)))
            .collect::<String>();
        let json = serde_json::to_string(&markdown(&list)).unwrap();
        assert!(json.contains("\"l0\"") && json.contains("\"l299\""));

        let emphasis = format!("{}x{}", "*a ".repeat(200), " a*".repeat(200));
        let json = serde_json::to_string(&markdown(&emphasis)).unwrap();
        assert!(json.contains('x'));
    }

    #[test]
    fn unbalanced_events_do_not_panic_and_keep_text() {
        let start_item = || Event::Start(Tag::Item);
        let sequences: Vec<Vec<Event<'static>>> = vec![
            vec![Event::End(TagEnd::Paragraph), Event::Text("zq".into())],
            vec![start_item(), Event::Text("zq".into())],
            vec![
                Event::Start(Tag::TableCell),
                Event::Text("zq".into()),
                Event::End(TagEnd::Table),
            ],
            vec![
                Event::Start(Tag::Emphasis),
                Event::Start(Tag::Paragraph),
                Event::Text("zq".into()),
            ],
            vec![
                Event::Start(Tag::Paragraph),
                Event::Start(Tag::List(None)),
                Event::Text("zq".into()),
            ],
            vec![
                Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)),
                Event::Start(Tag::Strong),
                Event::Text("zq".into()),
            ],
            vec![
                Event::Start(Tag::TableRow),
                Event::Start(Tag::TableHead),
                Event::Text("zq".into()),
                Event::End(TagEnd::TableRow),
            ],
            vec![
                Event::TaskListMarker(true),
                Event::Text("zq".into()),
                Event::Start(Tag::DefinitionList),
                Event::Rule,
            ],
            vec![
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    id: None,
                    classes: vec![],
                    attrs: vec![],
                }),
                Event::Start(Tag::BlockQuote(None)),
                Event::Text("zq".into()),
                Event::End(TagEnd::Heading(HeadingLevel::H2)),
            ],
            vec![
                Event::Start(Tag::FootnoteDefinition(CowStr::from("x"))),
                Event::FootnoteReference("x".into()),
                Event::Text("zq".into()),
            ],
            vec![
                Event::Start(Tag::Table(vec![])),
                Event::End(TagEnd::Table),
                Event::Text("zq".into()),
            ],
            vec![
                Event::Html("<p>".into()),
                Event::Start(Tag::HtmlBlock),
                Event::Text("zq".into()),
                Event::End(TagEnd::Item),
            ],
        ];
        for events in sequences {
            let doc = from_events(events.clone());
            let json = serde_json::to_string(&doc).unwrap();
            assert!(json.contains("zq"), "lost text for {events:?}: {json}");
        }
    }
}
