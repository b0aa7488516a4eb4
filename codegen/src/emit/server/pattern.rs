//! `@pattern` regular expressions: from the Java syntax AWS models are written in to the
//! `regex` crate, without changing what they match.
//!
//! AWS services validate patterns with `java.util.regex`, so models use Java-only classes
//! (`\p{Print}`, `\p{javaLowerCase}`) and rely on Java meanings where the `regex` crate
//! differs (`\s`, `\d`, `\w` are ASCII in Java and Unicode in Rust; `.` excludes every line
//! terminator in Java; `$` also matches before a final line terminator). Each such construct
//! is rewritten to an equivalent through [`TABLE`] and the rules in [`translate`]; anything
//! without an exact equivalent (lookaround, backreferences, possessive quantifiers, inline
//! flags, ...) is an error that names the construct, and the server then leaves that pattern
//! unchecked (see `validate`). The result must then compile with `regex`.

/// Java `\p{Name}` classes and their exact `regex` equivalents, as Java defines them (POSIX
/// classes are US-ASCII only in Java unless `UNICODE_CHARACTER_CLASS` is set, which models
/// cannot set). Unicode general categories (`\p{L}`, `\p{Lu}`, ...) mean the same in both
/// and pass through unchanged; see `unicode_category`.
pub const TABLE: &[(&str, &str)] = &[
    // POSIX character classes (US-ASCII only).
    ("Lower", "[a-z]"),
    ("Upper", "[A-Z]"),
    ("ASCII", r"[\x00-\x7F]"),
    ("Alpha", "[a-zA-Z]"),
    ("Digit", "[0-9]"),
    ("Alnum", "[a-zA-Z0-9]"),
    ("Punct", r##"[!-/:-@\[-`{-~]"##),
    ("Graph", r"[\x21-\x7E]"),
    ("Print", r"[\x20-\x7E]"),
    ("Blank", r"[ \t]"),
    ("Cntrl", r"[\x00-\x1F\x7F]"),
    ("XDigit", "[0-9a-fA-F]"),
    ("Space", r"[ \t\n\x0B\f\r]"),
    // java.lang.Character classes (Unicode).
    ("javaLowerCase", r"\p{Lowercase}"),
    ("javaUpperCase", r"\p{Uppercase}"),
    ("javaWhitespace", r"[\t\n\x0B\f\r\x1C-\x1F\p{Zs}\p{Zl}\p{Zp}--[\x{A0}\x{2007}\x{202F}]]"),
    ("javaMirrored", r"\p{Bidi_Mirrored}"),
    ("javaDigit", r"\p{Nd}"),
    ("javaLetter", r"\p{L}"),
    ("javaLetterOrDigit", r"[\p{L}\p{Nd}]"),
    ("javaAlphabetic", r"\p{Alphabetic}"),
    ("javaIdeographic", r"\p{Ideographic}"),
    ("javaTitleCase", r"\p{Lt}"),
    ("javaSpaceChar", r"\p{Z}"),
    ("javaISOControl", r"[\x00-\x1F\x7F-\x{9F}]"),
    ("javaDefined", r"\P{Cn}"),
    // Unicode binary properties with the `Is` prefix.
    ("IsAlphabetic", r"\p{Alphabetic}"),
    ("IsIdeographic", r"\p{Ideographic}"),
    ("IsLetter", r"\p{L}"),
    ("IsLowercase", r"\p{Lowercase}"),
    ("IsUppercase", r"\p{Uppercase}"),
    ("IsTitlecase", r"\p{Lt}"),
    ("IsPunctuation", r"\p{P}"),
    ("IsControl", r"\p{Cc}"),
    ("IsWhite_Space", r"\p{White_Space}"),
    ("IsWhiteSpace", r"\p{White_Space}"),
    ("IsDigit", r"\p{Nd}"),
    ("IsHex_Digit", r"\p{Hex_Digit}"),
    ("IsJoin_Control", r"\p{Join_Control}"),
    ("IsAssigned", r"\P{Cn}"),
];

/// Java's predefined classes that differ from `regex`'s Unicode-aware ones.
const SHORTHANDS: &[(char, &str)] = &[
    ('d', "[0-9]"),
    ('D', "[^0-9]"),
    ('w', "[a-zA-Z0-9_]"),
    ('W', "[^a-zA-Z0-9_]"),
    ('s', r"[ \t\n\x0B\f\r]"),
    ('S', r"[^ \t\n\x0B\f\r]"),
];

/// Java's `.` without `DOTALL`: anything but a line terminator.
const DOT: &str = r"[^\n\r\x{85}\x{2028}\x{2029}]";
/// Java's `$` (and `\Z`) without `MULTILINE`: the end, or before a final line terminator.
/// Written as an optional terminator then the end, which is exact where nothing but group
/// ends and alternatives follow (checked in [`translate`]).
const END: &str = r"(?:\r\n|[\n\r\x{85}\x{2028}\x{2029}])?\z";

/// Unicode general categories: the same sets in Java and in `regex`.
fn unicode_category(name: &str) -> bool {
    const CATEGORIES: &[&str] = &[
        "L", "Lu", "Ll", "Lt", "Lm", "Lo", "LC", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps",
        "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Co", "Cs", "Cn",
    ];
    CATEGORIES.contains(&name)
}

/// The `regex` equivalent of Java's `\p{name}` (or `\P{name}` when `negated`).
fn property(name: &str, negated: bool) -> Result<String, String> {
    let positive = if let Some((_, rust)) = TABLE.iter().find(|(java, _)| *java == name) {
        rust.to_string()
    } else if unicode_category(name) {
        format!(r"\p{{{name}}}")
    } else if let Some(cat) = name.strip_prefix("Is").filter(|c| unicode_category(c)) {
        format!(r"\p{{{cat}}}")
    } else if let Some(script) = name.strip_prefix("Is").or_else(|| name.strip_prefix("script=")).or_else(|| name.strip_prefix("sc=")) {
        // Scripts mean the same in both; `regex` rejects names it does not know.
        if script.is_empty() || !script.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(r"`\p{{{name}}}` is not a Java character class"));
        }
        format!(r"\p{{Script={script}}}")
    } else {
        return Err(format!(
            r"`\p{{{name}}}` has no translation (known: POSIX classes such as \p{{Print}}, java.lang.Character classes such as \p{{javaLowerCase}}, Unicode categories such as \p{{Lu}} and scripts such as \p{{IsLatin}})"
        ));
    };
    if !negated {
        return Ok(positive);
    }
    Ok(match positive.strip_prefix(r"\p") {
        Some(rest) => format!(r"\P{rest}"),
        None => match positive.strip_prefix(r"\P") {
            Some(rest) => format!(r"\p{rest}"),
            None => format!("[^{positive}]"),
        },
    })
}

/// Rewrites a Java pattern for the `regex` crate and checks that it compiles.
/// The error says what cannot be translated, or why `regex` rejects the result.
pub fn translate(java: &str) -> Result<String, String> {
    let out = rewrite(java)?;
    regex::Regex::new(&out).map_err(|e| format!("translated to `{out}`, which the regex crate rejects: {e}"))?;
    Ok(out)
}

fn rewrite(java: &str) -> Result<String, String> {
    let chars: Vec<char> = java.chars().collect();
    let mut out = String::new();
    let mut class_depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&e) = chars.get(i + 1) else {
                    return Err("ends with a lone backslash".into());
                };
                i += 2;
                match e {
                    'p' | 'P' => {
                        let (name, next) = if chars.get(i) == Some(&'{') {
                            let end = chars[i..].iter().position(|c| *c == '}').ok_or("`\\p{` is not closed")?;
                            (chars[i + 1..i + end].iter().collect::<String>(), i + end + 1)
                        } else {
                            let one = chars.get(i).ok_or("`\\p` needs a class name")?;
                            (one.to_string(), i + 1)
                        };
                        i = next;
                        out.push_str(&property(&name, e == 'P')?);
                    }
                    'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                        let (_, class) = SHORTHANDS.iter().find(|(k, _)| *k == e).expect("listed above");
                        out.push_str(class);
                    }
                    'A' | 'z' => {
                        if class_depth > 0 {
                            return Err(format!("`\\{e}` inside a character class"));
                        }
                        out.push('\\');
                        out.push(e);
                    }
                    'Z' => {
                        if class_depth > 0 {
                            return Err("`\\Z` inside a character class".into());
                        }
                        check_end_position(&chars, i, "\\Z")?;
                        out.push_str(END);
                    }
                    'b' | 'B' if class_depth == 0 => {
                        // Java's word boundary uses its ASCII `\w`.
                        out.push_str(if e == 'b' { r"(?-u:\b)" } else { r"(?-u:\B)" });
                    }
                    't' | 'n' | 'r' | 'f' => {
                        out.push('\\');
                        out.push(e);
                    }
                    'a' => out.push_str(r"\x07"),
                    'e' => out.push_str(r"\x1B"),
                    'x' => {
                        // `\xhh` or `\x{h...h}`: the same in both.
                        let len = if chars.get(i) == Some(&'{') {
                            chars[i..].iter().position(|c| *c == '}').ok_or("`\\x{` is not closed")? + 1
                        } else {
                            2
                        };
                        let digits: String = chars.get(i..i + len).ok_or("`\\x` needs two hex digits")?.iter().collect();
                        i += len;
                        out.push_str("\\x");
                        out.push_str(&digits);
                    }
                    'u' => {
                        let hex: String = chars.get(i..i + 4).ok_or("`\\u` needs four hex digits")?.iter().collect();
                        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                            return Err(format!("`\\u{hex}` needs four hex digits"));
                        }
                        i += 4;
                        out.push_str(&format!(r"\x{{{hex}}}"));
                    }
                    '0' => {
                        let digits: String = chars[i..].iter().take(3).take_while(|c| ('0'..='7').contains(*c)).collect();
                        if digits.is_empty() {
                            return Err("`\\0` needs octal digits".into());
                        }
                        let value = u32::from_str_radix(&digits, 8).map_err(|e| e.to_string())?;
                        if value > 0o377 {
                            return Err(format!("octal escape `\\0{digits}` is out of range"));
                        }
                        i += digits.len();
                        out.push_str(&format!(r"\x{{{value:X}}}"));
                    }
                    e if e.is_ascii_alphanumeric() => {
                        return Err(format!(
                            "`\\{e}` has no exact translation (backreferences, \\Q..\\E, \\G, \\R, \\X, \\h, \\v, \\c and \\k are not supported)"
                        ));
                    }
                    e => {
                        // An escaped symbol is that symbol.
                        out.push_str(&escape_literal(e));
                    }
                }
                continue;
            }
            '[' => {
                if class_depth > 0 && chars.get(i + 1) == Some(&':') {
                    // `regex` reads `[:alpha:]` as an ASCII class; Java reads the characters.
                    return Err("`[:` inside a character class means a POSIX class to the regex crate but literal characters to Java; write `\\[:` or use \\p{...}".into());
                }
                class_depth += 1;
                out.push('[');
                // `[]...]` and `[^]...]`: Java reads a leading `]` literally, as does `regex`.
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                i += 1;
                continue;
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
            }
            '-' | '~' if class_depth > 0 && chars.get(i + 1) == Some(&c) => {
                return Err(format!("`{c}{c}` inside a character class is a set operation to the regex crate but literal characters to Java; escape one of them"));
            }
            '.' if class_depth == 0 => out.push_str(DOT),
            '$' if class_depth == 0 => {
                check_end_position(&chars, i + 1, "$")?;
                out.push_str(END);
            }
            '(' if class_depth == 0 && chars.get(i + 1) == Some(&'?') => {
                let rest: String = chars[i + 2..].iter().take(3).collect();
                if rest.starts_with(':') {
                    out.push_str("(?:");
                    i += 3;
                    continue;
                }
                if rest.starts_with('<') && !rest.starts_with("<=") && !rest.starts_with("<!") {
                    // A named group: the same in both.
                    out.push_str("(?<");
                    i += 3;
                    continue;
                }
                return Err(format!(
                    "`(?{}` has no exact translation (lookaround, atomic groups and inline flags are not supported)",
                    rest.chars().take(2).collect::<String>()
                ));
            }
            '*' | '+' | '?' | '}' if class_depth == 0 && chars.get(i + 1) == Some(&'+') => {
                return Err(format!("possessive quantifier `{c}+` has no equivalent in the regex crate"));
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if class_depth > 0 {
        return Err("a character class is not closed".into());
    }
    Ok(out)
}

/// `$` and `\Z` translate exactly only where nothing but `)` and then `|` or the end of the
/// whole pattern follows (the group depth returns to zero).
fn check_end_position(chars: &[char], from: usize, what: &str) -> Result<(), String> {
    let mut depth: isize = chars[..from].iter().fold(0, |d, c| match c {
        '(' => d + 1,
        ')' => d - 1,
        _ => d,
    });
    let mut i = from;
    while i < chars.len() && chars[i] == ')' {
        depth -= 1;
        i += 1;
    }
    let ok = i == chars.len() || (chars[i] == '|' && depth <= 0) || chars[i] == '$';
    if ok {
        Ok(())
    } else {
        Err(format!("`{what}` followed by more pattern has no exact translation (Java's `{what}` also matches before a final line terminator)"))
    }
}

/// A literal character, escaped where `regex` needs it.
fn escape_literal(c: char) -> String {
    const META: &str = r"\.+*?()|[]{}^$#&-~";
    if META.contains(c) {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(java: &str, text: &str) -> bool {
        regex::Regex::new(&translate(java).unwrap()).unwrap().is_match(text)
    }

    #[test]
    fn every_table_entry_compiles_and_negates() {
        for (java, _) in TABLE {
            translate(&format!(r"^\p{{{java}}}+$")).unwrap();
            translate(&format!(r"^\P{{{java}}}+$")).unwrap();
            translate(&format!(r"^[a\p{{{java}}}]+$")).unwrap();
        }
    }

    #[test]
    fn posix_classes_are_ascii_as_in_java() {
        assert!(matches(r"^\p{Print}*$", "Hello, world! ~"));
        assert!(!matches(r"^\p{Print}*$", "tab\there"));
        assert!(!matches(r"^\p{Print}*$", "café"));
        assert!(matches(r"^\p{Alpha}+$", "abcXYZ"));
        assert!(!matches(r"^\p{Alpha}+$", "é"));
        assert!(matches(r"^\p{Punct}+$", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"));
        assert!(!matches(r"^\p{Punct}+$", "a"));
        assert!(matches(r"^\p{ASCII}*$", "\u{0}\u{7f}"));
        assert!(!matches(r"^\p{ASCII}*$", "\u{80}"));
        assert!(matches(r"^\p{XDigit}+$", "09afAF"));
        assert!(!matches(r"^\p{XDigit}+$", "g"));
        assert!(matches(r"^\P{Digit}+$", "abc"));
        assert!(!matches(r"^[^\p{Lower}]+$", "aB"));
        assert!(matches(r"^\p{javaLowerCase}+$", "éa"));
        assert!(matches(r"^\p{Lu}\p{IsLatin}$", "Ab"));
        assert!(matches(r"^\p{javaWhitespace}$", "\u{2003}"));
        assert!(!matches(r"^\p{javaWhitespace}$", "\u{a0}"));
    }

    #[test]
    fn java_shorthands_dot_and_end_keep_their_java_meaning() {
        assert!(!matches(r"^\d$", "٣")); // Arabic-Indic digit: not \d in Java
        assert!(!matches(r"^\w$", "é"));
        assert!(!matches(r"^\s$", "\u{2003}"));
        assert!(matches(r"^\S*$", "é"));
        assert!(!matches(r"^.$", "\r"));
        assert!(!matches(r"^a.b$", "a\u{2028}b"));
        assert!(matches(r"^abc$", "abc\n"));
        assert!(!matches(r"^abc$", "abc\nx"));
        assert!(matches(r"^\A\S[\p{Print}]*\z$", "model-a.tar.gz"));
        assert!(!matches(r"^\A\S[\p{Print}]*\z$", " leading"));
        assert!(matches("^[a-zA-Z0-9\\s._:/=+@-]*$", "a b\t.c"));
        assert!(matches("^[\\s\\S]*$", "anything\n at all"));
    }

    #[test]
    fn aws_model_patterns_translate() {
        for p in [
            r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*$",
            r"^(NEW_SESSION)$|^[a-zA-Z0-9](-*[a-zA-Z0-9])*$",
            r"^(https|s3)://([^/]+)/?(.*)$",
            r"^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$",
            r"^[a-zA-Z_\.\-/0-9:]+$",
            r"(^arn:aws:widgets:[a-z0-9-]+:[0-9]{12}:endpoint/[a-zA-Z0-9-]+$)|(x)$",
            r"^([0-9]+)+$",
            ".*",
        ] {
            translate(p).unwrap_or_else(|e| panic!("{p}: {e}"));
        }
        assert!(matches(r"^[a-zA-Z0-9-:.]+$", "a-b:c.d"));
        assert!(matches(r"^(NEW_SESSION)$|^[a-zA-Z0-9](-*[a-zA-Z0-9])*$", "NEW_SESSION"));
        assert!(!matches(r"^(NEW_SESSION)$|^[a-zA-Z0-9](-*[a-zA-Z0-9])*$", "NEW_SESSIONx_"));
    }

    #[test]
    fn constructs_without_an_equivalent_are_errors_naming_them() {
        for (p, needle) in [
            (r"^\p{InGreek}$", r"\p{InGreek}"),
            (r"^(?=a)b$", "(?="),
            (r"^(a)\1$", r"\1"),
            (r"^a*+$", "possessive"),
            (r"^\Qa.b\E$", r"\Q"),
            (r"^(?s).$", "(?s"),
            ("^[a--b]$", "--"),
            ("^[[:alpha:]]$", "[:"),
            ("^a$b", "`$`"),
            ("^[abc", "not closed"),
            (r"^\p{Bogus}$", r"\p{Bogus}"),
        ] {
            let e = translate(p).unwrap_err();
            assert!(e.contains(needle), "{p}: {e}");
        }
    }
}
