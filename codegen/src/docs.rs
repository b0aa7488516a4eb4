//! Converts Smithy `@documentation` text into Markdown that is safe inside `///` rustdoc comments.
//!
//! AWS models write documentation in a small HTML subset; models written in the Smithy IDL
//! write CommonMark-like plain text. [`html_to_markdown`] accepts both and never fails or
//! panics, whatever the input. The conversion is a small hand-written pipeline:
//!
//! 1. **clean**: drop control characters and Unicode bidirectional overrides (rustc rejects
//!    bare CR in doc comments and denies bidi code points in comments), normalise line ends;
//! 2. **tokenize**: split into text, start tags and end tags. Only known HTML tag names are
//!    tags; anything else that looks like a tag (`<region>`, `<NAME>`, `a < b`) stays text.
//!    Entities (`&lt;`, `&#39;`, `&#x2014;`, ...) are decoded;
//! 3. **build a tree**, forgiving like a browser: unclosed tags close at the end, stray end
//!    tags are ignored, `<li>`/`<dt>`/`<dd>`/`<p>` close their open siblings, nesting is
//!    capped so hostile input cannot exhaust the stack;
//! 4. **render** to blocks (paragraphs, lists, fenced code) and then to lines.
//!
//! Rendering rules:
//!
//! * `<p>`, `<div>` and other block tags become paragraphs separated by one blank line; a blank
//!   line in plain text also separates paragraphs. Whitespace is collapsed, lines carry no
//!   trailing spaces.
//! * `<b>`/`<strong>` become `**bold**`, `<i>`/`<em>` become `*italic*`.
//! * `<code>` becomes a code span whose content is kept verbatim (only line breaks become
//!   spaces); the backtick fence is one longer than any backtick run that would end it early.
//!   Backtick-delimited code spans already present in plain text are kept as code spans.
//! * `<pre>` becomes a fenced code block tagged `text`, so rustdoc never compiles it as a test.
//! * `<a href="...">text</a>` becomes `[text](href)`; the href is kept as written (relative
//!   or odd ones too), except that characters that would end the destination early are
//!   percent-encoded, destinations with spaces or unbalanced parentheses use `<...>`, and a
//!   relative href that rustdoc would take for an intra-doc link (`GetObject`, `a.b#c#d`) is
//!   written as the same URL with a `./` prefix. A scheme URL rustdoc would misread
//!   (`tel:123`) follows the link text as an autolink instead. An `<a>` without `href` is
//!   plain text. Bare `http(s)://` URLs in text become autolinks (`<https://...>`) so
//!   rustdoc's `bare_urls` lint stays quiet.
//! * `<ul>`/`<ol>`/`<li>` become (nested) Markdown lists, tight when every item is a single
//!   paragraph; `<dl>` becomes a bullet list of `**term**: definition` items.
//! * `<note>` and `<important>` become paragraphs prefixed `**Note:**` / `**Important:**`.
//! * `<br/>` starts a new paragraph; `<fullname>` is dropped with its content.
//! * In text, Markdown punctuation is backslash-escaped: `\`, `` ` ``, `*`, `[`, `]`, `<`,
//!   `>`, `~`, `_` that could start emphasis, `&` that would read as an entity, and block
//!   markers (`#`, `-`, `+`, `1.`) at the start of a paragraph. So rustdoc sees neither HTML
//!   nor intra-doc links, and the text renders as written.

use std::mem;

/// Deepest element nesting kept; deeper start tags are ignored (their text is kept).
const MAX_DEPTH: usize = 64;

/// Converts a Smithy documentation string (HTML subset or plain text) to rustdoc Markdown.
///
/// The result has no leading or trailing blank lines, no trailing spaces and no line breaks
/// other than `\n`; an input without any visible text yields an empty string. Each output
/// line can be emitted as one `///` comment line.
pub fn html_to_markdown(html: &str) -> String {
    let tree = build_tree(tokenize(&clean(html)));
    let blocks = render_blocks(&tree, Ctx::default());
    blocks_to_lines(&blocks)
        .iter()
        .map(|line| line.trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

// ------------------------------------------------------------------ cleaning

/// Normalises line ends and removes characters that are unsafe in Rust comments.
fn clean(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        out.extend(clean_char(c));
    }
    out
}

/// Maps one character to what may appear in the output: line separators become `\n`,
/// other control characters and bidirectional overrides are dropped.
fn clean_char(c: char) -> Option<char> {
    match c {
        '\n' | '\t' => Some(c),
        '\r' | '\u{2028}' | '\u{2029}' => Some('\n'),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
        c if c.is_control() => c.is_whitespace().then_some(' '),
        c => Some(c),
    }
}

// ------------------------------------------------------------------ tokens

/// HTML tag names treated as markup; any other `<name>` is literal text.
#[rustfmt::skip]
const KNOWN_TAGS: &[&str] = &[
    "a", "abbr", "address", "article", "aside", "b", "big", "blockquote", "body", "br",
    "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "font", "footer", "fullname", "h1", "h2", "h3", "h4",
    "h5", "h6", "head", "header", "hr", "html", "i", "img", "important", "ins", "kbd", "li",
    "main", "mark", "nav", "note", "ol", "p", "pre", "q", "s", "samp", "script", "section",
    "small", "span", "strike", "strong", "style", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "title", "tr", "tt", "u", "ul", "var", "wbr",
];

#[derive(Debug)]
enum Token {
    Text(String),
    Start {
        tag: &'static str,
        href: Option<String>,
        self_closing: bool,
    },
    End(&'static str),
}

/// Splits cleaned input into decoded text and known tags.
fn tokenize(input: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut text = String::new();
    let mut rest = input;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let markup = &rest[lt..];
        match parse_markup(markup) {
            Some((token, len)) => {
                flush_text(&mut text, &mut tokens);
                tokens.extend(token);
                rest = &markup[len..];
            }
            None => {
                text.push('<');
                rest = &markup[1..];
            }
        }
    }
    text.push_str(rest);
    flush_text(&mut text, &mut tokens);
    tokens
}

fn flush_text(raw: &mut String, tokens: &mut Vec<Token>) {
    if !raw.is_empty() {
        tokens.push(Token::Text(decode_entities(raw)));
        raw.clear();
    }
}

/// Parses the markup at the start of `s` (which starts with `<`).
///
/// Returns the token (none for comments and declarations) and the length consumed, or
/// `None` when the `<` is literal text.
fn parse_markup(s: &str) -> Option<(Option<Token>, usize)> {
    if let Some(body) = s.strip_prefix("<!--") {
        let end = body.find("-->")?;
        return Some((None, 4 + end + 3));
    }
    if let Some(body) = s.strip_prefix("<![CDATA[") {
        let end = body.find("]]>")?;
        return Some((Some(Token::Text(body[..end].to_string())), 9 + end + 3));
    }
    let bytes = s.as_bytes();
    if matches!(bytes.get(1), Some(b'!' | b'?'))
        && bytes.get(2).is_some_and(u8::is_ascii_alphabetic)
    {
        let end = s.find('>')?;
        return Some((None, end + 1));
    }
    parse_tag(s).map(|(token, len)| (Some(token), len))
}

/// Parses `<name ...>`, `<name .../>` or `</name>` for a known tag name.
fn parse_tag(s: &str) -> Option<(Token, usize)> {
    let bytes = s.as_bytes();
    let closing = bytes.get(1) == Some(&b'/');
    let name_start = if closing { 2 } else { 1 };
    let name_len = bytes
        .get(name_start..)?
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    let name_end = name_start + name_len;
    if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
        return None;
    }
    if !matches!(bytes.get(name_end), Some(b) if b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
    {
        return None;
    }
    let name = &s[name_start..name_end];
    let tag = KNOWN_TAGS
        .iter()
        .find(|t| t.eq_ignore_ascii_case(name))
        .copied()?;
    let (href, self_closing, len) = parse_attributes(s, name_end)?;
    let token = if closing {
        Token::End(tag)
    } else {
        Token::Start {
            tag,
            href,
            self_closing,
        }
    };
    Some((token, len))
}

/// Reads attributes from byte `i` up to the closing `>`; keeps only `href`.
///
/// Returns the decoded href, whether the tag ended with `/>`, and the end offset.
fn parse_attributes(s: &str, mut i: usize) -> Option<(Option<String>, bool, usize)> {
    let b = s.as_bytes();
    let mut href = None;
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match *b.get(i)? {
            b'>' => return Some((href, false, i + 1)),
            b'/' if b.get(i + 1) == Some(&b'>') => return Some((href, true, i + 2)),
            b'/' => i += 1,
            b'<' => return None,
            _ => {
                let name_start = i;
                while b.get(i).is_some_and(|c| {
                    !c.is_ascii_whitespace() && !matches!(c, b'=' | b'>' | b'/' | b'<')
                }) {
                    i += 1;
                }
                let name = &s[name_start..i];
                let (value, end) = parse_attribute_value(s, i)?;
                i = end;
                if name.eq_ignore_ascii_case("href") {
                    href = value.map(decode_entities);
                }
            }
        }
    }
}

/// Parses an optional `= value` after an attribute name ending at byte `i`.
fn parse_attribute_value(s: &str, i: usize) -> Option<(Option<&str>, usize)> {
    let b = s.as_bytes();
    let mut j = i;
    while b.get(j).is_some_and(u8::is_ascii_whitespace) {
        j += 1;
    }
    if b.get(j) != Some(&b'=') {
        return Some((None, i));
    }
    j += 1;
    while b.get(j).is_some_and(u8::is_ascii_whitespace) {
        j += 1;
    }
    match b.get(j) {
        Some(&quote @ (b'"' | b'\'')) => {
            let end = j + 1 + s[j + 1..].find(quote as char)?;
            Some((Some(&s[j + 1..end]), end + 1))
        }
        _ => {
            let start = j;
            while b
                .get(j)
                .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>')
            {
                j += 1;
            }
            Some((Some(&s[start..j]), j))
        }
    }
}

/// Decodes HTML character references; unknown or malformed ones stay literal.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match parse_entity(rest) {
            Some((c, len)) => {
                out.extend(clean_char(c));
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses one character reference at the start of `s` (which starts with `&`).
fn parse_entity(s: &str) -> Option<(char, usize)> {
    let semi = 1 + s[1..].char_indices().take(33).find(|(_, c)| *c == ';')?.0;
    let body = &s[1..semi];
    let c = match body.strip_prefix('#') {
        Some(num) => {
            let (digits, radix) = match num.strip_prefix(['x', 'X']) {
                Some(hex) => (hex, 16),
                None => (num, 10),
            };
            if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                return None;
            }
            u32::from_str_radix(digits, radix)
                .ok()
                .and_then(char::from_u32)
                .filter(|c| *c != '\0')
                .unwrap_or('\u{FFFD}')
        }
        None => named_entity(body)?,
    };
    Some((c, semi + 1))
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "hellip" => '\u{2026}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201C}',
        "rdquo" => '\u{201D}',
        "laquo" => '\u{AB}',
        "raquo" => '\u{BB}',
        "bull" => '\u{2022}',
        "middot" => '\u{B7}',
        "copy" => '\u{A9}',
        "reg" => '\u{AE}',
        "trade" => '\u{2122}',
        "times" => '\u{D7}',
        "deg" => '\u{B0}',
        "plusmn" => '\u{B1}',
        "sect" => '\u{A7}',
        "para" => '\u{B6}',
        _ => return None,
    })
}

// ------------------------------------------------------------------ tree

#[derive(Debug)]
enum Node {
    Text(String),
    Element(Element),
}

#[derive(Debug)]
struct Element {
    tag: &'static str,
    href: Option<String>,
    children: Vec<Node>,
}

/// Tags that never have content.
fn is_void(tag: &str) -> bool {
    matches!(tag, "br" | "hr" | "img" | "wbr" | "col")
}

/// Tags dropped together with their content.
fn is_dropped(tag: &str) -> bool {
    matches!(tag, "fullname" | "head" | "title" | "script" | "style")
}

/// Tags that start a new block (paragraph, list, code block, ...).
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "aside"
            | "header"
            | "footer"
            | "main"
            | "nav"
            | "address"
            | "blockquote"
            | "center"
            | "figure"
            | "figcaption"
            | "caption"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "html"
            | "body"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "note"
            | "important"
            | "pre"
            | "hr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
    )
}

/// Builds a forgiving element tree from tokens.
fn build_tree(tokens: Vec<Token>) -> Vec<Node> {
    let mut builder = TreeBuilder::default();
    for token in tokens {
        match token {
            Token::Text(text) => builder.text(text),
            Token::Start {
                tag,
                href,
                self_closing,
            } => builder.start(tag, href, self_closing),
            Token::End(tag) => builder.end(tag),
        }
    }
    builder.close_to(0);
    builder.root
}

#[derive(Default)]
struct TreeBuilder {
    root: Vec<Node>,
    open: Vec<Element>,
}

impl TreeBuilder {
    /// Children list of the innermost open element.
    fn current(&mut self) -> &mut Vec<Node> {
        match self.open.last_mut() {
            Some(element) => &mut element.children,
            None => &mut self.root,
        }
    }

    fn text(&mut self, text: String) {
        let children = self.current();
        match children.last_mut() {
            Some(Node::Text(previous)) => previous.push_str(&text),
            _ => children.push(Node::Text(text)),
        }
    }

    fn start(&mut self, tag: &'static str, href: Option<String>, self_closing: bool) {
        self.close_implied_by(tag);
        let element = Element {
            tag,
            href,
            children: Vec::new(),
        };
        if self_closing || is_void(tag) {
            self.current().push(Node::Element(element));
        } else if self.open.len() < MAX_DEPTH {
            self.open.push(element);
        }
    }

    fn end(&mut self, tag: &'static str) {
        if tag == "br" {
            self.start(tag, None, true);
        } else if let Some(index) = self.open.iter().rposition(|e| e.tag == tag) {
            self.close_to(index);
        }
    }

    /// Closes an open sibling that `tag` implicitly ends (`<li>` ends an open `<li>` of the
    /// same list, `<dt>`/`<dd>` end each other, `<p>` ends an open `<p>`).
    fn close_implied_by(&mut self, tag: &str) {
        let (targets, boundary): (&[&str], fn(&str) -> bool) = match tag {
            "li" => (&["li"], |t| matches!(t, "ul" | "ol")),
            "dt" | "dd" => (&["dt", "dd"], |t| t == "dl"),
            "p" => (&["p"], |t| is_block(t) && t != "p"),
            _ => return,
        };
        for index in (0..self.open.len()).rev() {
            let open = self.open[index].tag;
            if targets.contains(&open) {
                self.close_to(index);
                return;
            }
            if boundary(open) {
                return;
            }
        }
    }

    /// Closes open elements until only `depth` remain open.
    fn close_to(&mut self, depth: usize) {
        while self.open.len() > depth {
            if let Some(element) = self.open.pop() {
                self.current().push(Node::Element(element));
            }
        }
    }
}

// ------------------------------------------------------------------ rendering

/// Inline formatting already in force, so it is not nested or repeated.
#[derive(Clone, Copy, Default)]
struct Ctx {
    in_link: bool,
    bold: bool,
    italic: bool,
}

#[derive(Debug)]
enum Block {
    /// One paragraph of inline Markdown, without line breaks.
    Para(String),
    /// Verbatim text for a fenced code block.
    Code(String),
    List {
        ordered: bool,
        items: Vec<Vec<Block>>,
    },
}

/// Collects inline Markdown, collapsing whitespace between pieces.
///
/// At block level (`flat == false`) paragraph breaks start new paragraphs; inside inline
/// elements (`flat == true`) they become spaces.
struct Inline {
    flat: bool,
    paragraphs: Vec<String>,
    current: String,
    pending_space: bool,
    leading_space: bool,
}

/// Rendered content of an inline element plus whether whitespace surrounded it.
struct Flat {
    leading: bool,
    text: String,
    trailing: bool,
}

impl Inline {
    fn new(flat: bool) -> Self {
        Inline {
            flat,
            paragraphs: Vec::new(),
            current: String::new(),
            pending_space: false,
            leading_space: false,
        }
    }

    fn space(&mut self) {
        if self.current.is_empty() {
            self.leading_space = true;
        } else {
            self.pending_space = true;
        }
    }

    fn push(&mut self, piece: &str) {
        if piece.is_empty() {
            return;
        }
        // Adjacent code spans would fuse into one backtick run; keep them apart.
        let fuse = self.current.ends_with('`') && piece.starts_with('`');
        if mem::take(&mut self.pending_space) || fuse {
            self.current.push(' ');
        }
        self.current.push_str(piece);
    }

    fn paragraph_break(&mut self) {
        if self.flat {
            self.space();
            return;
        }
        if !self.current.is_empty() {
            self.paragraphs.push(mem::take(&mut self.current));
        }
        self.pending_space = false;
    }

    fn into_paragraphs(mut self) -> Vec<String> {
        self.paragraph_break();
        self.paragraphs
    }

    fn into_flat(self) -> Flat {
        Flat {
            leading: self.leading_space,
            text: self.current,
            trailing: self.pending_space,
        }
    }

    /// Pushes `flat` wrapped by `wrap`, keeping the whitespace that surrounded it outside.
    fn push_wrapped(&mut self, flat: Flat, wrap: impl FnOnce(&str) -> String) {
        if flat.leading {
            self.space();
        }
        if !flat.text.is_empty() {
            self.push(&wrap(&flat.text));
            if flat.trailing {
                self.space();
            }
        }
    }
}

/// Renders a sequence of nodes at block level.
fn render_blocks<'a>(nodes: impl IntoIterator<Item = &'a Node>, ctx: Ctx) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut inline = Inline::new(false);
    for node in nodes {
        match node {
            Node::Element(element) if is_block(element.tag) => {
                flush_paragraphs(&mut inline, &mut blocks);
                render_block_element(element, ctx, &mut blocks);
            }
            other => render_inline(other, ctx, &mut inline),
        }
    }
    flush_paragraphs(&mut inline, &mut blocks);
    blocks
}

fn flush_paragraphs(inline: &mut Inline, blocks: &mut Vec<Block>) {
    let done = mem::replace(inline, Inline::new(false));
    blocks.extend(done.into_paragraphs().into_iter().map(Block::Para));
}

fn render_block_element(element: &Element, ctx: Ctx, out: &mut Vec<Block>) {
    match element.tag {
        "ul" => push_list(element, false, ctx, out),
        "ol" => push_list(element, true, ctx, out),
        "dl" => push_definition_list(element, ctx, out),
        "pre" => out.extend(code_block(element)),
        "note" => push_admonition(element, "Note", ctx, out),
        "important" => push_admonition(element, "Important", ctx, out),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dt" => out.extend(bold_paragraph(element, ctx)),
        "hr" => {}
        _ => out.extend(render_blocks(&element.children, ctx)),
    }
}

/// Renders a node into running inline text.
fn render_inline(node: &Node, ctx: Ctx, inline: &mut Inline) {
    let element = match node {
        Node::Text(text) => return push_text(text, ctx, inline),
        Node::Element(element) => element,
    };
    match element.tag {
        tag if is_dropped(tag) => {}
        "br" | "hr" => inline.paragraph_break(),
        "b" | "strong" if !ctx.bold => {
            let flat = render_flat(&element.children, Ctx { bold: true, ..ctx });
            inline.push_wrapped(flat, |text| format!("**{text}**"));
        }
        "i" | "em" | "cite" | "var" | "dfn" if !ctx.italic => {
            let flat = render_flat(
                &element.children,
                Ctx {
                    italic: true,
                    ..ctx
                },
            );
            inline.push_wrapped(flat, |text| format!("*{text}*"));
        }
        "code" | "tt" | "kbd" | "samp" | "pre" => {
            let mut raw = String::new();
            collect_text(&element.children, &mut raw);
            push_code(&raw, inline);
        }
        "a" => push_link(element, ctx, inline),
        tag if is_block(tag) => {
            inline.paragraph_break();
            render_children_inline(element, ctx, inline);
            inline.paragraph_break();
        }
        _ => render_children_inline(element, ctx, inline),
    }
}

fn render_children_inline(element: &Element, ctx: Ctx, inline: &mut Inline) {
    for child in &element.children {
        render_inline(child, ctx, inline);
    }
}

/// Renders nodes as one line of inline Markdown.
fn render_flat(nodes: &[Node], ctx: Ctx) -> Flat {
    let mut inline = Inline::new(true);
    for node in nodes {
        render_inline(node, ctx, &mut inline);
    }
    inline.into_flat()
}

/// Concatenates the raw text below `nodes` (for code), with line breaks for `<br>` and blocks.
fn collect_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Element(element) if element.tag == "br" => out.push('\n'),
            Node::Element(element) if is_dropped(element.tag) => {}
            Node::Element(element) if is_block(element.tag) => {
                out.push('\n');
                collect_text(&element.children, out);
                out.push('\n');
            }
            Node::Element(element) => collect_text(&element.children, out),
        }
    }
}

// ------------------------------------------------------------------ blocks

fn push_list(element: &Element, ordered: bool, ctx: Ctx, out: &mut Vec<Block>) {
    let mut items = Vec::new();
    let mut stray: Vec<&Node> = Vec::new();
    for child in &element.children {
        match child {
            Node::Element(li) if li.tag == "li" => {
                items.push(render_blocks(mem::take(&mut stray), ctx));
                items.push(render_blocks(&li.children, ctx));
            }
            other => stray.push(other),
        }
    }
    items.push(render_blocks(stray, ctx));
    items.retain(|item| !item.is_empty());
    if !items.is_empty() {
        out.push(Block::List { ordered, items });
    }
}

/// One `<dl>` entry: the term paragraph and the definitions attached to it.
struct DefinitionItem {
    blocks: Vec<Block>,
    /// True while the item holds only its term, so the first definition can join it.
    bare_term: bool,
}

fn push_definition_list(element: &Element, ctx: Ctx, out: &mut Vec<Block>) {
    let mut items: Vec<DefinitionItem> = Vec::new();
    for child in &element.children {
        match child {
            Node::Element(dt) if dt.tag == "dt" => {
                let term: Vec<Block> = bold_paragraph(dt, ctx).into_iter().collect();
                let bare_term = !term.is_empty();
                items.push(DefinitionItem {
                    blocks: term,
                    bare_term,
                });
            }
            Node::Element(dd) if dd.tag == "dd" => {
                attach_definition(&mut items, render_blocks(&dd.children, ctx))
            }
            other => attach_definition(&mut items, render_blocks([other], ctx)),
        }
    }
    let items: Vec<Vec<Block>> = items
        .into_iter()
        .map(|item| item.blocks)
        .filter(|blocks| !blocks.is_empty())
        .collect();
    if !items.is_empty() {
        out.push(Block::List {
            ordered: false,
            items,
        });
    }
}

/// Appends definition blocks to the last entry, joining the first paragraph to a bare term.
fn attach_definition(items: &mut Vec<DefinitionItem>, mut blocks: Vec<Block>) {
    if blocks.is_empty() {
        return;
    }
    let Some(item) = items.last_mut() else {
        items.push(DefinitionItem {
            blocks,
            bare_term: false,
        });
        return;
    };
    if mem::take(&mut item.bare_term) {
        if let (Some(Block::Para(term)), Block::Para(first)) = (item.blocks.last_mut(), &blocks[0])
        {
            let separator = if term.ends_with(":**") { " " } else { ": " };
            *term = format!("{term}{separator}{first}");
            blocks.remove(0);
        }
    }
    item.blocks.extend(blocks);
}

/// Renders a heading or term as a bold paragraph.
fn bold_paragraph(element: &Element, ctx: Ctx) -> Option<Block> {
    let flat = render_flat(&element.children, Ctx { bold: true, ..ctx });
    (!flat.text.is_empty()).then(|| Block::Para(format!("**{}**", flat.text)))
}

fn push_admonition(element: &Element, label: &str, ctx: Ctx, out: &mut Vec<Block>) {
    let mut blocks = render_blocks(&element.children, ctx);
    match blocks.first_mut() {
        None => return,
        Some(Block::Para(first)) => *first = format!("**{label}:** {first}"),
        Some(_) => blocks.insert(0, Block::Para(format!("**{label}:**"))),
    }
    out.extend(blocks);
}

/// Turns `<pre>` content into a code block: blank edge lines removed, common indent removed.
fn code_block(element: &Element) -> Option<Block> {
    let mut raw = String::new();
    collect_text(&element.children, &mut raw);
    let lines: Vec<&str> = raw.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|line| !line.is_empty())?;
    let last = lines.iter().rposition(|line| !line.is_empty())?;
    let body = &lines[first..=last];
    let indent = body
        .iter()
        .filter(|line| !line.is_empty())
        .map(|line| &line[..line.len() - line.trim_start().len()])
        .reduce(common_prefix)
        .unwrap_or("");
    let text: Vec<&str> = body
        .iter()
        .map(|line| line.strip_prefix(indent).unwrap_or(line))
        .collect();
    Some(Block::Code(text.join("\n")))
}

fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let end = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((index, _), _)| index);
    &a[..end]
}

// ------------------------------------------------------------------ inline pieces

/// Pushes text, splitting paragraphs at blank lines and keeping backtick code spans.
fn push_text(text: &str, ctx: Ctx, inline: &mut Inline) {
    for (index, chunk) in split_at_blank_lines(text).into_iter().enumerate() {
        if index > 0 {
            inline.paragraph_break();
        }
        let mut rest = chunk;
        while let Some(span) = find_code_span(rest) {
            push_plain(&rest[..span.open], ctx, inline);
            push_code(&rest[span.content_start..span.content_end], inline);
            rest = &rest[span.end..];
        }
        push_plain(rest, ctx, inline);
    }
}

/// Splits text where a line contains only whitespace.
fn split_at_blank_lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            let mut j = i + 1;
            while matches!(bytes.get(j), Some(b' ' | b'\t')) {
                j += 1;
            }
            if bytes.get(j) == Some(&b'\n') {
                parts.push(&text[start..i]);
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

/// Byte offsets of a backtick code span in plain text.
struct CodeSpan {
    open: usize,
    content_start: usize,
    content_end: usize,
    end: usize,
}

/// Finds the first backtick run that is closed by a later run of the same length.
fn find_code_span(s: &str) -> Option<CodeSpan> {
    let mut from = 0;
    while let Some((open, len)) = next_backtick_run(s, from) {
        let mut search = open + len;
        while let Some((close, close_len)) = next_backtick_run(s, search) {
            if close_len == len {
                return Some(CodeSpan {
                    open,
                    content_start: open + len,
                    content_end: close,
                    end: close + len,
                });
            }
            search = close + close_len;
        }
        from = open + len;
    }
    None
}

fn next_backtick_run(s: &str, from: usize) -> Option<(usize, usize)> {
    let start = from + s.get(from..)?.find('`')?;
    let len = s[start..].bytes().take_while(|b| *b == b'`').count();
    Some((start, len))
}

/// Pushes plain text word by word, escaping Markdown and autolinking bare URLs.
fn push_plain(text: &str, ctx: Ctx, inline: &mut Inline) {
    if text.starts_with(char::is_whitespace) {
        inline.space();
    }
    for (index, word) in text.split_whitespace().enumerate() {
        if index > 0 {
            inline.space();
        }
        inline.push(&escape_word(word, ctx));
    }
    if text.ends_with(char::is_whitespace) {
        inline.space();
    }
}

fn escape_word(word: &str, ctx: Ctx) -> String {
    if !ctx.in_link {
        if let Some((before, url, after)) = split_url(word) {
            return format!("{}<{url}>{}", escape_text(before), escape_text(after));
        }
    }
    escape_text(word)
}

/// Finds an `http://` or `https://` URL inside a word, without trailing punctuation.
fn split_url(word: &str) -> Option<(&str, &str, &str)> {
    let lower = word.to_ascii_lowercase();
    let start = [lower.find("https://"), lower.find("http://")]
        .into_iter()
        .flatten()
        .min()?;
    let candidate = &word[start..];
    let end = candidate
        .find(['<', '>', '"', '`'])
        .unwrap_or(candidate.len());
    let mut url = &candidate[..end];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '*', '_', '~']);
        let trimmed = match trimmed.chars().last() {
            Some(')') if trimmed.matches('(').count() < trimmed.matches(')').count() => {
                &trimmed[..trimmed.len() - 1]
            }
            _ => trimmed,
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    if url
        .find("://")
        .is_some_and(|scheme_end| scheme_end + 3 == url.len())
    {
        return None;
    }
    Some((&word[..start], url, &word[start + url.len()..]))
}

/// Backslash-escapes characters that Markdown or rustdoc would interpret.
fn escape_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (index, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '~' => true,
            '_' => {
                !(index > 0
                    && chars[index - 1].is_alphanumeric()
                    && chars
                        .get(index + 1)
                        .is_some_and(|next| next.is_alphanumeric()))
            }
            '&' => looks_like_entity(&chars[index + 1..]),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether the characters after an `&` would form a character reference (`#?[0-9A-Za-z]+;`).
fn looks_like_entity(after: &[char]) -> bool {
    let body = after.strip_prefix(&['#']).unwrap_or(after);
    let len = body
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    len > 0 && body.get(len) == Some(&';')
}

/// Pushes a code span for `raw`; whitespace around the content stays outside the span.
fn push_code(raw: &str, inline: &mut Inline) {
    let content = collapse_line_breaks(raw);
    let trimmed = content.trim_matches(' ');
    if content.starts_with(' ') {
        inline.space();
    }
    if !trimmed.is_empty() {
        inline.push(&code_span(trimmed));
        if content.ends_with(' ') {
            inline.space();
        }
    }
}

/// Replaces each whitespace run that contains anything but plain spaces by one space.
fn collapse_line_breaks(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut run = String::new();
    for c in raw.chars().chain(std::iter::once('\0')) {
        if c.is_whitespace() {
            run.push(c);
            continue;
        }
        if run.chars().all(|w| w == ' ') {
            out.push_str(&run);
        } else {
            out.push(' ');
        }
        run.clear();
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

/// Wraps `content` in a code span whose fence no backtick run inside can close.
fn code_span(content: &str) -> String {
    let runs = backtick_run_lengths(content);
    let n = (1..).find(|n| !runs.contains(n)).unwrap_or(1);
    let fence = "`".repeat(n);
    let pad = if content.starts_with('`') || content.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{content}{pad}{fence}")
}

fn backtick_run_lengths(text: &str) -> Vec<usize> {
    let mut runs = Vec::new();
    let mut from = 0;
    while let Some((start, len)) = next_backtick_run(text, from) {
        runs.push(len);
        from = start + len;
    }
    runs
}

fn push_link(element: &Element, ctx: Ctx, inline: &mut Inline) {
    let href = element.href.as_deref().map_or("", str::trim);
    if href.is_empty() || ctx.in_link {
        render_children_inline(element, ctx, inline);
        return;
    }
    if rustdoc_may_resolve(href) && has_scheme(href) {
        // `[text](tel:123)` would be read as an intra-doc link: show the URL after the text.
        let url = autolink(href).unwrap_or_else(|| code_span(href));
        render_children_inline(element, ctx, inline);
        inline.space();
        inline.push(&format!("({url})"));
        return;
    }
    let destination = match rustdoc_may_resolve(href) {
        // `foo` and `./foo` are the same relative URL, but rustdoc leaves the latter alone.
        true => link_destination(&format!("./{href}")),
        false => link_destination(href),
    };
    let mut flat = render_flat(
        &element.children,
        Ctx {
            in_link: true,
            ..ctx
        },
    );
    if flat.text.is_empty() {
        flat.text = escape_text(href);
    }
    inline.push_wrapped(flat, |text| format!("[{text}]({destination})"));
}

/// Whether rustdoc would try to resolve `href` as an intra-doc link (`Foo`, `a.b#c#d`,
/// `tel:1`) and warn. It leaves alone destinations that contain `/` or start with `#`, and
/// those with a `.` or `?` but no `#`.
fn rustdoc_may_resolve(href: &str) -> bool {
    !href.contains('/')
        && !href.starts_with('#')
        && (href.contains('#') || !href.contains(['.', '?']))
}

/// Whether `href` starts with a URI scheme such as `mailto:`.
fn has_scheme(href: &str) -> bool {
    match href.split_once(':') {
        Some((scheme, _)) => {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        }
        None => false,
    }
}

/// `<url>` when CommonMark accepts `url` as an autolink (scheme of 2 to 32 characters, no
/// spaces or angle brackets).
fn autolink(url: &str) -> Option<String> {
    let scheme_len = url.find(':')?;
    let valid = (2..=32).contains(&scheme_len)
        && has_scheme(url)
        && !url.contains(|c: char| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
    valid.then(|| format!("<{url}>"))
}

/// Makes an href usable as a Markdown link destination while keeping it recognisable.
fn link_destination(href: &str) -> String {
    let mut destination = String::with_capacity(href.len());
    for c in href.chars() {
        match c {
            '<' => destination.push_str("%3C"),
            '>' => destination.push_str("%3E"),
            '\\' => destination.push_str("%5C"),
            '`' => destination.push_str("%60"),
            c if c.is_whitespace() && c != ' ' => destination.push_str("%20"),
            c => destination.push(c),
        }
    }
    let balanced = parentheses_balanced(&destination);
    if destination.contains(' ') || !balanced {
        format!("<{destination}>")
    } else {
        destination
    }
}

fn parentheses_balanced(text: &str) -> bool {
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return false,
            ')' => depth -= 1,
            _ => {}
        }
    }
    depth == 0
}

// ------------------------------------------------------------------ lines

/// Lays out blocks separated by one blank line.
fn blocks_to_lines(blocks: &[Block]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut previous_list: Option<bool> = None;
    let mut alternate = false;
    for block in blocks {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        // Two adjacent lists of one kind would merge; alternate their markers.
        alternate = match block {
            Block::List { ordered, .. } if previous_list == Some(*ordered) => !alternate,
            _ => false,
        };
        previous_list = match block {
            Block::List { ordered, .. } => Some(*ordered),
            _ => None,
        };
        lines.extend(block_lines(block, alternate));
    }
    lines
}

fn block_lines(block: &Block, alternate: bool) -> Vec<String> {
    match block {
        Block::Para(text) => vec![escape_line_start(text)],
        Block::Code(text) => {
            let longest = backtick_run_lengths(text).into_iter().max().unwrap_or(0);
            let fence = "`".repeat(longest.max(2) + 1);
            let mut lines = vec![format!("{fence}text")];
            lines.extend(text.lines().map(str::to_string));
            lines.push(fence);
            lines
        }
        Block::List { ordered, items } => list_lines(*ordered, items, alternate),
    }
}

fn list_lines(ordered: bool, items: &[Vec<Block>], alternate: bool) -> Vec<String> {
    let tight = items.iter().all(|item| is_tight_item(item));
    let mut lines = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let marker = match (ordered, alternate) {
            (true, false) => format!("{}.", index + 1),
            (true, true) => format!("{})", index + 1),
            (false, false) => "-".to_string(),
            (false, true) => "*".to_string(),
        };
        let indent = " ".repeat(marker.len() + 1);
        let body = if tight {
            item.iter()
                .flat_map(|block| block_lines(block, false))
                .collect()
        } else {
            if index > 0 {
                lines.push(String::new());
            }
            blocks_to_lines(item)
        };
        for (line_index, line) in body.into_iter().enumerate() {
            lines.push(match line_index {
                0 => format!("{marker} {line}"),
                _ if line.is_empty() => line,
                _ => format!("{indent}{line}"),
            });
        }
    }
    lines
}

/// A list can be tight when each item is one paragraph, optionally followed by a sub-list.
fn is_tight_item(item: &[Block]) -> bool {
    matches!(
        item,
        [Block::Para(_)] | [Block::List { .. }] | [Block::Para(_), Block::List { .. }]
    )
}

/// Escapes a paragraph start that Markdown would read as a heading, list item or rule.
fn escape_line_start(text: &str) -> String {
    if text.starts_with(['#', '-', '+', '=']) {
        return format!("\\{text}");
    }
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let marker = matches!(text.as_bytes().get(digits), Some(b'.' | b')'));
    let then_space = text
        .as_bytes()
        .get(digits + 1)
        .is_none_or(u8::is_ascii_whitespace);
    if (1..=9).contains(&digits) && marker && then_space {
        return format!("{}\\{}", &text[..digits], &text[digits..]);
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::html_to_markdown as md;

    use std::path::Path;

    use serde_json::Value;

    #[track_caller]
    fn check(html: &str, expected: &str) {
        let out = md(html);
        assert_eq!(out, expected, "input: {html:?}");
        if let Err(problem) = validate(&out) {
            panic!("{problem} in output {out:?} of {html:?}");
        }
    }

    #[test]
    fn plain_text_and_whitespace() {
        check("", "");
        check("   \n\t ", "");
        check("Hello   world\n   again ", "Hello world again");
        check(
            "First paragraph\nstill first.\n\n  Second.",
            "First paragraph still first.\n\nSecond.",
        );
        check("non\u{a0}breaking&nbsp;space&nbsp;", "non breaking space");
        check("a\r\nb\rc", "a b c");
    }

    #[test]
    fn paragraphs() {
        check("<p>One</p><p>Two</p>", "One\n\nTwo");
        check("<p>One<p>Two", "One\n\nTwo");
        check("<p> </p><p>Only</p><p></p>", "Only");
        check(
            "Loose text<p>then a paragraph</p>after",
            "Loose text\n\nthen a paragraph\n\nafter",
        );
        check("<div><p>nested</p></div>", "nested");
        check("<P CLASS=\"x\">Upper case</P>", "Upper case");
    }

    #[test]
    fn inline_formatting() {
        check(
            "<p>a <b>bold</b> and <strong>strong</strong></p>",
            "a **bold** and **strong**",
        );
        check(
            "<p>a <i>italic</i> and <em>em</em></p>",
            "a *italic* and *em*",
        );
        check("<p>x<b> spaced </b>y</p>", "x **spaced** y");
        check(
            "<b><b>twice</b></b> <i><em>twice</em></i>",
            "**twice** *twice*",
        );
        check("<b><i>both</i></b>", "***both***");
        check("<b></b>empty", "empty");
        check("<span>plain</span> <u>under</u>", "plain under");
    }

    #[test]
    fn code_spans() {
        check("<p>Use <code>FooBar</code>.</p>", "Use `FooBar`.");
        check("<code>a`b</code>", "``a`b``");
        check("<code>`tick</code>", "`` `tick ``");
        check("<code>a``b`c</code>", "```a``b`c```");
        check("<code>&lt;T&gt; [x] *y* \\z</code>", "`<T> [x] *y* \\z`");
        check("<code>two  spaces</code>", "`two  spaces`");
        check("<code>line\n     break</code>", "`line break`");
        check("see<code> padded </code>here", "see `padded` here");
        check("<code><i>not</i> italic</code>", "`not italic`");
        check("<code></code>", "");
    }

    #[test]
    fn backtick_code_spans_in_plain_text() {
        check("use `foo_bar` here", "use `foo_bar` here");
        check("the ``a`b`` value", "the ``a`b`` value");
        check("a lone ` backtick", "a lone \\` backtick");
        check("`<NAME>` stays", "`<NAME>` stays");
    }

    #[test]
    fn links() {
        check(
            "<a href=\"https://example.com/a_b\">the docs</a>",
            "[the docs](https://example.com/a_b)",
        );
        check(
            "see <a href='API_Foo.html'>Foo</a>.",
            "see [Foo](API_Foo.html).",
        );
        check("<a href=\"#anchor\">here</a>", "[here](#anchor)");
        check("<a href=\"a b.html\">spaces</a>", "[spaces](<a b.html>)");
        check(
            "<a href=\"https://x.y/(a\">paren</a>",
            "[paren](<https://x.y/(a>)",
        );
        check(
            "<a href=\"https://x.y/f(a)\">ok</a>",
            "[ok](https://x.y/f(a))",
        );
        check(
            "<a href=\"https://x.y/?q=<b>&amp;r=1\">enc</a>",
            "[enc](https://x.y/?q=%3Cb%3E&r=1)",
        );
        check(
            "<a href=\"https://x.y\"><code>Code</code> text</a>",
            "[`Code` text](https://x.y)",
        );
        check("<a href=\"https://x.y\"></a>", "[https://x.y](https://x.y)");
        check("<a href=\"https://x.y\">[1]</a>", "[\\[1\\]](https://x.y)");
        check(
            "<a href=\"https://x.y\">https://x.y</a>",
            "[https://x.y](https://x.y)",
        );
        check(
            "<a href=\"https://a\">outer <a href=\"https://b\">inner</a></a>",
            "[outer inner](https://a)",
        );
    }

    #[test]
    fn links_rustdoc_would_take_for_intra_doc_links() {
        check(
            "<a href=\"GetObject\">GetObject</a>",
            "[GetObject](./GetObject)",
        );
        check("<a href=\"Foo#bar\">anchor</a>", "[anchor](./Foo#bar)");
        check("<a href=\"a b\">space</a>", "[space](<./a b>)");
        check("<a href=\"?q=1\">query</a>", "[query](?q=1)");
        check("<a href=\"tel:123\">call</a>", "call (<tel:123>)");
        check("<a href=\"x:y\">odd</a>", "odd (`x:y`)");
        check(
            "<a href=\"mailto:me@example.com\">mail</a>",
            "[mail](mailto:me@example.com)",
        );
        check(
            "<a href=\"a.b#c#d\">two anchors</a>",
            "[two anchors](./a.b#c#d)",
        );
        check(
            "<a href=\"tel:1\">see https://x.y</a>",
            "see <https://x.y> (<tel:1>)",
        );
    }

    #[test]
    fn anchors_without_href_are_plain_text() {
        check(
            "see <a>GetObject</a> and <a name=\"x\">Put</a>",
            "see GetObject and Put",
        );
        check("<a href=\"\">empty</a>", "empty");
    }

    #[test]
    fn bare_urls_become_autolinks() {
        check("See https://example.com/x.", "See <https://example.com/x>.");
        check(
            "(https://example.com/a_(b)) and http://h",
            "(<https://example.com/a_(b)>) and <http://h>",
        );
        check("not a url: https://", "not a url: https://");
    }

    #[test]
    fn lists() {
        check("<ul><li>one</li><li>two</li></ul>", "- one\n- two");
        check("<ol><li>one</li><li>two</li></ol>", "1. one\n2. two");
        check(
            "<ul><li><p>one</p></li><li><p>two</p></li></ul>",
            "- one\n- two",
        );
        check(
            "<ul><li>a<ul><li>a1</li><li>a2</li></ul></li><li>b</li></ul>",
            "- a\n  - a1\n  - a2\n- b",
        );
        check(
            "<ol><li><p>first</p><p>more</p></li><li>second</li></ol>",
            "1. first\n\n   more\n\n2. second",
        );
        check("<ul><li>unclosed<li>items</ul>", "- unclosed\n- items");
        check("<ul>stray<li>item</li></ul>", "- stray\n- item");
        check("<ul><li></li><li> </li></ul>", "");
        check(
            "<p>intro</p><ul><li>x</li></ul><p>outro</p>",
            "intro\n\n- x\n\noutro",
        );
        check("<ul><li>a</li></ul><ul><li>b</li></ul>", "- a\n\n* b");
        check(
            "<ul><li>- dash</li><li>1. num</li></ul>",
            "- \\- dash\n- 1\\. num",
        );
        check("<ol><li>1</li><li>2</li><li>3</li><li>4</li><li>5</li><li>6</li><li>7</li><li>8</li><li>9</li><li>ten<p>more</p></li></ol>",
            "1. 1\n\n2. 2\n\n3. 3\n\n4. 4\n\n5. 5\n\n6. 6\n\n7. 7\n\n8. 8\n\n9. 9\n\n10. ten\n\n    more");
    }

    #[test]
    fn notes_and_important() {
        check("<note><p>Careful.</p></note>", "**Note:** Careful.");
        check(
            "<important>Read <b>this</b>.</important>",
            "**Important:** Read **this**.",
        );
        check(
            "<p>Text</p><note><p>One</p><p>Two</p></note>",
            "Text\n\n**Note:** One\n\nTwo",
        );
        check("<note><ul><li>x</li></ul></note>", "**Note:**\n\n- x");
        check("<note> </note>", "");
    }

    #[test]
    fn line_breaks() {
        check(
            "one<br/>two<br>three</br>four",
            "one\n\ntwo\n\nthree\n\nfour",
        );
        check("<b>one<br/>two</b>", "**one two**");
    }

    #[test]
    fn definition_lists() {
        check(
            "<dl><dt>Term</dt><dd><p>Meaning.</p></dd><dt>Other</dt><dd>More.</dd></dl>",
            "- **Term**: Meaning.\n- **Other**: More.",
        );
        check("<dl><dt>Label:</dt><dd>x</dd></dl>", "- **Label:** x");
        check(
            "<dl><dt>T<dd>unclosed<dt>U<dd>too</dl>",
            "- **T**: unclosed\n- **U**: too",
        );
        check(
            "<dl><dt>Only term</dt><dd>a</dd><dd>b</dd></dl>",
            "- **Only term**: a\n\n  b",
        );
        check("<dl><dd>no term</dd></dl>", "- no term");
    }

    #[test]
    fn preformatted_blocks() {
        check(
            "<p>Example:</p><pre><code>\n    {\n      \"a\": [1]\n    }\n</code></pre>",
            "Example:\n\n```text\n{\n  \"a\": [1]\n}\n```",
        );
        check("<pre>has ``` fence</pre>", "````text\nhas ``` fence\n````");
        check(
            "<ul><li><pre>x\n y</pre></li></ul>",
            "- ```text\n  x\n   y\n  ```",
        );
        check("<pre>  </pre>", "");
        check("<b><pre>a\nb</pre></b>", "**`a b`**");
    }

    #[test]
    fn fullname_and_other_dropped_tags() {
        check("<fullname>Amazon Foo</fullname><p>Body</p>", "Body");
        check("<p>a<!-- comment -->b</p>", "ab");
        check("<!DOCTYPE html><title>T</title>x", "x");
        check("<![CDATA[<raw> & stuff]]>", "\\<raw\\> & stuff");
        check("<h2>Heading</h2>text", "**Heading**\n\ntext");
        check("<table><tr><td>a</td><td>b</td></tr></table>", "a\n\nb");
    }

    #[test]
    fn entities() {
        check(
            "&lt;tag&gt; &amp; &quot;q&quot; &#39;s&#39; &apos;",
            "\\<tag\\> & \"q\" 's' '",
        );
        check(
            "&#x41;&#66;&#X43; &mdash; &hellip;",
            "ABC \u{2014} \u{2026}",
        );
        check(
            "&unknown; &#xZZ; &#; & alone &#0; &#1114112;",
            "\\&unknown; \\&#xZZ; &#; & alone \u{FFFD} \u{FFFD}",
        );
        check("&amp;lt; stays", "\\&lt; stays");
        check("AT&T", "AT&T");
    }

    #[test]
    fn escaping_in_text() {
        check("a [b] c", "a \\[b\\] c");
        check("x < y > z", "x \\< y \\> z");
        check(
            "*stars* and ~tilde~ and back\\slash",
            "\\*stars\\* and \\~tilde\\~ and back\\\\slash",
        );
        check(
            "snake_case _leading trailing_ __dunder__",
            "snake_case \\_leading trailing\\_ \\_\\_dunder\\_\\_",
        );
        check("# not a heading", "\\# not a heading");
        check("- not a list", "\\- not a list");
        check("+ not a list", "\\+ not a list");
        check("2019. A year", "2019\\. A year");
        check("1) one", "1\\) one");
        check("3.75 MB", "3.75 MB");
        check("7.", "7\\.");
        check("> not a quote", "\\> not a quote");
    }

    #[test]
    fn unknown_and_stray_tags_are_text_or_ignored() {
        check("use <region> and <NAME>", "use \\<region\\> and \\<NAME\\>");
        check("a <b>bold", "a **bold**");
        check("</b>text</p></ul>", "text");
        check(
            "<p>unclosed <i>italic <code>code",
            "unclosed *italic `code`*",
        );
        check("a <b c", "a \\<b c");
        check(
            "email <someone@example.com>",
            "email \\<someone@example.com\\>",
        );
        check("<p class=\"a>b\">quoted gt</p>", "quoted gt");
        check("1 <p 2", "1 \\<p 2");
    }

    #[test]
    fn unsafe_characters_are_removed() {
        check("bidi \u{202E}override\u{2066} gone", "bidi override gone");
        check("nul\u{0}and\u{7}bell", "nulandbell");
        check("<pre>a\r\nb\rc</pre>", "```text\na\nb\nc\n```");
        check("&#x202E;x&#13;y", "x y");
    }

    #[test]
    fn hand_written_sample_snapshot() {
        let sample = concat!(
            "<fullname>Example Service</fullname>",
            "<p>The <b>Example</b> service stores <i>widgets</i>. Use <code>PutWidget</code> to add one ",
            "(see <a href=\"https://example.com/docs/put_widget.html\">PutWidget docs</a> or <a>GetWidget</a>).</p>",
            "<note><p>Widget names are case-sensitive: <code>a`b</code> and <code>A`B</code> differ.</p></note>",
            "<p>Names must match <code>[a-z]+</code>; values like <region> are placeholders.</p>",
            "<ul><li><p>Small &amp; cheap</p></li><li><p>Large:</p><ol><li>fast</li><li>faster</li></ol></li></ul>",
            "<dl><dt>Ready</dt><dd><p>Can be used.</p></dd><dt>Broken</dt><dd><p>Cannot.</p><p>Retry later.</p></dd></dl>",
            "<important>Deleting a widget is permanent.</important>",
            "<pre><code>aws example put-widget \\\n    --name demo</code></pre>",
            "Bare link: https://example.com/widgets.",
        );
        let out = md(sample);
        validate(&out).unwrap();
        insta::assert_snapshot!(out);
    }

    #[test]
    fn garbage_never_panics_and_stays_valid() {
        let alphabet: Vec<char> =
            "<>/=\"' &;#x0123abcpliuodtnre`[]*_\\\n\t!-?CDATA\u{e9}\u{202e}\u{0}"
                .chars()
                .collect();
        let tags = [
            "<p>",
            "</p>",
            "<ul>",
            "<li>",
            "</li>",
            "<a href=\"",
            "</a>",
            "<code>",
            "</code>",
            "<pre>",
            "</pre>",
            "<dl>",
            "<dt>",
            "<dd>",
            "<note>",
            "<b>",
            "</i>",
            "<br/>",
            "&lt;",
            "&#",
            "<!--",
            "<![CDATA[",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let len = (next() % 120) as usize;
            let mut input = String::new();
            for _ in 0..len {
                let r = next();
                if r % 4 == 0 {
                    input.push_str(tags[(r / 4 % tags.len() as u64) as usize]);
                } else {
                    input.push(alphabet[(r / 4 % alphabet.len() as u64) as usize]);
                }
            }
            let out = md(&input);
            if let Err(problem) = validate(&out) {
                panic!("{problem} in output {out:?} of {input:?}");
            }
        }
        let deep = "<b><i><ul><li>".repeat(10_000) + "deep";
        assert!(md(&deep).contains("deep"));
        let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        validate(&md(&String::from_utf8_lossy(&bytes))).unwrap();
    }

    // ------------------------------------------------------------------ real documentation

    /// Every `smithy.api#documentation` string found in the JSON.
    fn collect_docs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("smithy.api#documentation", Value::String(doc)) => out.push(doc.clone()),
                        _ => collect_docs(child, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| collect_docs(item, out)),
            _ => {}
        }
    }

    fn real_docs() -> Vec<String> {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "../models",
            "../../shared/models/upstream",
            "../../shared/conformance",
        ] {
            let Ok(entries) = std::fs::read_dir(manifest.join(dir)) else {
                eprintln!("notice: {dir} not found; its documentation is not checked");
                continue;
            };
            files.extend(
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "json")),
            );
        }
        let mut docs = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let json: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            collect_docs(&json, &mut docs);
        }
        docs
    }

    /// Alphanumeric words of at least three characters.
    fn words(text: &str) -> impl Iterator<Item = &str> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
    }

    #[test]
    fn real_documentation_converts_to_safe_markdown() {
        let docs = real_docs();
        assert!(
            docs.len() >= 10 || docs.is_empty(),
            "too few docs: {}",
            docs.len()
        );
        let fullname = regex::Regex::new(r"(?s)<fullname>.*?</fullname>").unwrap();
        let tag_or_entity = regex::Regex::new(r"<[^>]*>|&#?[0-9A-Za-z]+;").unwrap();
        for doc in &docs {
            let out = md(doc);
            if let Err(problem) = validate(&out) {
                panic!("{problem} in output:\n{out}\n\nof input:\n{doc}");
            }
            let visible = tag_or_entity
                .replace_all(&fullname.replace_all(doc, " "), " ")
                .to_string();
            let out_words: std::collections::HashSet<&str> = words(&out).collect();
            for word in words(&visible) {
                assert!(
                    out_words.contains(word),
                    "word {word:?} lost in output:\n{out}\n\nof input:\n{doc}"
                );
            }
        }
    }

    // ------------------------------------------------------------------ output checker

    /// Checks the safety properties of generated Markdown: no trailing spaces, no stray blank
    /// lines, fences closed, and on every other line: backticks balanced, `<` only as an
    /// autolink, no bare `>`, `[` and `]` only as inline link syntax.
    fn validate(out: &str) -> Result<(), String> {
        if out.starts_with('\n') || out.ends_with('\n') {
            return Err("leading or trailing blank line".into());
        }
        if out.contains('\r') {
            return Err("carriage return".into());
        }
        let mut fence: Option<String> = None;
        let mut blank_run = 0;
        for line in out.lines() {
            if line.ends_with(char::is_whitespace) {
                return Err(format!("trailing whitespace on {line:?}"));
            }
            let content = strip_list_markers(line);
            let run: String = content.chars().take_while(|c| *c == '`').collect();
            match &fence {
                Some(open) if content == open => fence = None,
                Some(_) => continue,
                None if run.len() >= 3 && content[run.len()..] == *"text" => fence = Some(run),
                None => check_inline(content)?,
            }
            blank_run = if line.is_empty() { blank_run + 1 } else { 0 };
            if blank_run > 1 {
                return Err("two blank lines in a row".into());
            }
        }
        match fence {
            Some(_) => Err("unclosed code fence".into()),
            None => Ok(()),
        }
    }

    /// The line without indentation and list markers (`- `, `* `, `1. `, `1) `), nested or not.
    fn strip_list_markers(line: &str) -> &str {
        let mut rest = line.trim_start();
        loop {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let marker_len = match rest.as_bytes() {
                [b'-' | b'*', b' ', ..] => 2,
                bytes
                    if digits > 0
                        && matches!(bytes.get(digits..digits + 2), Some([b'.' | b')', b' '])) =>
                {
                    digits + 2
                }
                _ => return rest,
            };
            rest = &rest[marker_len..];
        }
    }

    fn check_inline(line: &str) -> Result<(), String> {
        let chars: Vec<char> = line.chars().collect();
        let mut depth = 0usize;
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '\\' => i += 1,
                '`' => {
                    let n = chars[i..].iter().take_while(|c| **c == '`').count();
                    i = skip_code_span(&chars, i, n)
                        .ok_or_else(|| format!("unbalanced backticks in {line:?}"))?;
                    continue;
                }
                '<' => {
                    let end = chars[i..]
                        .iter()
                        .position(|c| *c == '>')
                        .ok_or_else(|| format!("bare < in {line:?}"))?;
                    let inner: String = chars[i + 1..i + end].iter().collect();
                    let is_autolink = inner.split_once(':').is_some_and(|(scheme, _)| {
                        (2..=32).contains(&scheme.len())
                            && scheme
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
                    }) && !inner.contains(char::is_whitespace);
                    if !is_autolink {
                        return Err(format!("HTML-like <{inner}> in {line:?}"));
                    }
                    i += end;
                }
                '>' => return Err(format!("bare > in {line:?}")),
                '[' => depth += 1,
                ']' => {
                    if depth == 0 || chars.get(i + 1) != Some(&'(') {
                        return Err(format!("unescaped ] in {line:?}"));
                    }
                    depth -= 1;
                    i = skip_destination(&chars, i + 1)
                        .ok_or_else(|| format!("bad link destination in {line:?}"))?;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        if depth > 0 {
            return Err(format!("unescaped [ in {line:?}"));
        }
        Ok(())
    }

    /// Index after the code span opened by `n` backticks at `start`, if it is closed.
    fn skip_code_span(chars: &[char], start: usize, n: usize) -> Option<usize> {
        let mut i = start + n;
        while i < chars.len() {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            if run == n {
                return Some(i + n);
            }
            i += run.max(1);
        }
        None
    }

    /// Index after a `(destination)` starting at `open`.
    fn skip_destination(chars: &[char], open: usize) -> Option<usize> {
        if chars.get(open + 1) == Some(&'<') {
            let close = open + 1 + chars[open + 1..].iter().position(|c| *c == '>')?;
            return (chars.get(close + 1) == Some(&')')).then_some(close + 2);
        }
        let mut depth = 0usize;
        for (offset, c) in chars[open..].iter().enumerate() {
            match c {
                '(' => depth += 1,
                ')' if depth == 1 => return Some(open + offset + 1),
                ')' => depth -= 1,
                ' ' => return None,
                _ => {}
            }
        }
        None
    }
}
