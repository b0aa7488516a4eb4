//! Inline pieces: escaped text, code spans, links and autolinks.

use super::*;

/// Pushes text, splitting paragraphs at blank lines and keeping backtick code spans.
pub(super) fn push_text(text: &str, ctx: Ctx, inline: &mut Inline) {
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
pub(super) fn split_at_blank_lines(text: &str) -> Vec<&str> {
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
pub(super) struct CodeSpan {
    pub(super) open: usize,
    pub(super) content_start: usize,
    pub(super) content_end: usize,
    pub(super) end: usize,
}

/// Finds the first backtick run that is closed by a later run of the same length.
pub(super) fn find_code_span(s: &str) -> Option<CodeSpan> {
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

pub(super) fn next_backtick_run(s: &str, from: usize) -> Option<(usize, usize)> {
    let start = from + s.get(from..)?.find('`')?;
    let len = s[start..].bytes().take_while(|b| *b == b'`').count();
    Some((start, len))
}

/// Pushes plain text word by word, escaping Markdown and autolinking bare URLs.
pub(super) fn push_plain(text: &str, ctx: Ctx, inline: &mut Inline) {
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

pub(super) fn escape_word(word: &str, ctx: Ctx) -> String {
    if !ctx.in_link {
        if let Some((before, url, after)) = split_url(word) {
            return format!("{}<{url}>{}", escape_text(before), escape_text(after));
        }
    }
    escape_text(word)
}

/// Finds an `http://` or `https://` URL inside a word, without trailing punctuation.
pub(super) fn split_url(word: &str) -> Option<(&str, &str, &str)> {
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
pub(super) fn escape_text(text: &str) -> String {
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
pub(super) fn looks_like_entity(after: &[char]) -> bool {
    let body = after.strip_prefix(&['#']).unwrap_or(after);
    let len = body
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    len > 0 && body.get(len) == Some(&';')
}

/// Pushes a code span for `raw`; whitespace around the content stays outside the span.
pub(super) fn push_code(raw: &str, inline: &mut Inline) {
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
pub(super) fn collapse_line_breaks(raw: &str) -> String {
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
pub(super) fn code_span(content: &str) -> String {
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

pub(super) fn backtick_run_lengths(text: &str) -> Vec<usize> {
    let mut runs = Vec::new();
    let mut from = 0;
    while let Some((start, len)) = next_backtick_run(text, from) {
        runs.push(len);
        from = start + len;
    }
    runs
}

pub(super) fn push_link(element: &Element, ctx: Ctx, inline: &mut Inline) {
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
pub(super) fn rustdoc_may_resolve(href: &str) -> bool {
    !href.contains('/')
        && !href.starts_with('#')
        && (href.contains('#') || !href.contains(['.', '?']))
}

/// Whether `href` starts with a URI scheme such as `mailto:`.
pub(super) fn has_scheme(href: &str) -> bool {
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
pub(super) fn autolink(url: &str) -> Option<String> {
    let scheme_len = url.find(':')?;
    let valid = (2..=32).contains(&scheme_len)
        && has_scheme(url)
        && !url.contains(|c: char| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
    valid.then(|| format!("<{url}>"))
}

/// Makes an href usable as a Markdown link destination while keeping it recognisable.
pub(super) fn link_destination(href: &str) -> String {
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

pub(super) fn parentheses_balanced(text: &str) -> bool {
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
