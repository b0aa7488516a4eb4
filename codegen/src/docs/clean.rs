//! Cleaning: control characters and bidirectional overrides dropped, line ends normalised.

/// Normalises line ends and removes characters that are unsafe in Rust comments.
pub(super) fn clean(input: &str) -> String {
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
pub(super) fn clean_char(c: char) -> Option<char> {
    match c {
        '\n' | '\t' => Some(c),
        '\r' | '\u{2028}' | '\u{2029}' => Some('\n'),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
        c if c.is_control() => c.is_whitespace().then_some(' '),
        c => Some(c),
    }
}
