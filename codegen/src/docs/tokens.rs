//! Tokenizing: text, start tags and end tags of known HTML tags, entities decoded.

use super::*;

/// HTML tag names treated as markup; any other `<name>` is literal text.
#[rustfmt::skip]
pub(super) const KNOWN_TAGS: &[&str] = &[
    "a", "abbr", "address", "article", "aside", "b", "big", "blockquote", "body", "br",
    "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "font", "footer", "fullname", "h1", "h2", "h3", "h4",
    "h5", "h6", "head", "header", "hr", "html", "i", "img", "important", "ins", "kbd", "li",
    "main", "mark", "nav", "note", "ol", "p", "pre", "q", "s", "samp", "script", "section",
    "small", "span", "strike", "strong", "style", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "title", "tr", "tt", "u", "ul", "var", "wbr",
];

#[derive(Debug)]
pub(super) enum Token {
    Text(String),
    Start {
        tag: &'static str,
        href: Option<String>,
        self_closing: bool,
    },
    End(&'static str),
}

/// Splits cleaned input into decoded text and known tags.
pub(super) fn tokenize(input: &str) -> Vec<Token> {
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

pub(super) fn flush_text(raw: &mut String, tokens: &mut Vec<Token>) {
    if !raw.is_empty() {
        tokens.push(Token::Text(decode_entities(raw)));
        raw.clear();
    }
}

/// Parses the markup at the start of `s` (which starts with `<`).
///
/// Returns the token (none for comments and declarations) and the length consumed, or
/// `None` when the `<` is literal text.
pub(super) fn parse_markup(s: &str) -> Option<(Option<Token>, usize)> {
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
pub(super) fn parse_tag(s: &str) -> Option<(Token, usize)> {
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
pub(super) fn parse_attributes(s: &str, mut i: usize) -> Option<(Option<String>, bool, usize)> {
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
pub(super) fn parse_attribute_value(s: &str, i: usize) -> Option<(Option<&str>, usize)> {
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
pub(super) fn decode_entities(s: &str) -> String {
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
pub(super) fn parse_entity(s: &str) -> Option<(char, usize)> {
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

pub(super) fn named_entity(name: &str) -> Option<char> {
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
