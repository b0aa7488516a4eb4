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

mod clean;
mod tokens;
mod tree;
mod render;
mod blocks;
mod inline;
mod lines;
#[cfg(test)]
mod tests;

use clean::*;
use tokens::*;
use tree::*;
use render::*;
use blocks::*;
use inline::*;
use lines::*;

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
