//! `Pattern`: a model's `@pattern`, compiled once for the engine the generator chose.

use std::fmt;

/// The compiled-program size limit: 64 MiB instead of the `regex` crate's default 10 MiB, which
/// a large Unicode class under a bounded repetition exceeds (the generator checks each pattern
/// compiles with the same limit, `smithygen::pattern::SIZE_LIMIT`).
pub const SIZE_LIMIT: usize = 64 << 20;

/// A `@pattern` translated from Java's syntax at generation time, on the `regex` crate
/// (linear time) or, for lookaround, atomic groups and backreferences, on `fancy-regex`
/// (feature `fancy-regex`, enabled by generated crates only when a pattern needs it).
/// Like Smithy's `@pattern`, a match anywhere in the value counts (it is not anchored).
/// A whole pattern `^C{m,n}$` whose repetition would compile to a program past `SIZE_LIMIT`
/// is a [`Pattern::counted`]: `C*` on `regex` and a count of code points.
pub struct Pattern(Engine);

enum Engine {
    Regex(regex::Regex),
    Counted { each: regex::Regex, min: u32, max: Option<u32>, final_terminator: bool },
    #[cfg(feature = "fancy-regex")]
    Fancy(fancy_regex::Regex),
}

impl Pattern {
    /// A pattern for the `regex` crate. Panics with the pattern when it does not compile:
    /// the generator compiled it already, so that is a bug in the generator.
    pub fn regex(text: &str) -> Self {
        match regex::RegexBuilder::new(text).size_limit(SIZE_LIMIT).build() {
            Ok(re) => Pattern(Engine::Regex(re)),
            Err(e) => panic!("pattern `{text}` was checked to compile with regex at generation time: {e}"),
        }
    }

    /// Java's `^C{min,max}$` for one character atom `C`, given `text`, `\A(?:C)*\z` (the
    /// generator's `Engine::Counted`): a value matches when it is `min..=max` matches of `C`,
    /// counted in code points as Java counts matches of a class (a supplementary character is
    /// one). With `final_terminator` (the pattern ends in Java's `$`, not `\z`) the value may
    /// also end in one line terminator `$` looks past (`\r\n`, `\n`, `\r`, U+0085, U+2028,
    /// U+2029), left out of the count. Panics as [`Pattern::regex`] does.
    pub fn counted(text: &str, min: u32, max: Option<u32>, final_terminator: bool) -> Self {
        match regex::RegexBuilder::new(text).size_limit(SIZE_LIMIT).build() {
            Ok(each) => Pattern(Engine::Counted { each, min, max, final_terminator }),
            Err(e) => panic!("pattern `{text}` was checked to compile with regex at generation time: {e}"),
        }
    }

    /// A pattern for `fancy-regex`. Panics as [`Pattern::regex`] does.
    #[cfg(feature = "fancy-regex")]
    pub fn fancy(text: &str) -> Self {
        match fancy_regex::RegexBuilder::new(text).delegate_size_limit(SIZE_LIMIT).build() {
            Ok(re) => Pattern(Engine::Fancy(re)),
            Err(e) => panic!("pattern `{text}` was checked to compile with fancy-regex at generation time: {e}"),
        }
    }

    /// Whether the pattern matches anywhere in `value`. A `fancy-regex` search that gives up
    /// (its backtracking limit, one million steps) counts as no match: the value is rejected
    /// rather than let through unchecked, and the work per request stays bounded.
    pub fn is_match(&self, value: &str) -> bool {
        match &self.0 {
            Engine::Regex(re) => re.is_match(value),
            Engine::Counted { each, min, max, final_terminator } => {
                let fits = |s: &str| {
                    let n = s.chars().count();
                    n >= *min as usize && max.is_none_or(|max| n <= max as usize) && each.is_match(s)
                };
                fits(value) || (*final_terminator && without_final_terminator(value).is_some_and(fits))
            }
            #[cfg(feature = "fancy-regex")]
            Engine::Fancy(re) => re.is_match(value).unwrap_or(false),
        }
    }

    /// The compiled text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Engine::Regex(re) | Engine::Counted { each: re, .. } => re.as_str(),
            #[cfg(feature = "fancy-regex")]
            Engine::Fancy(re) => re.as_str(),
        }
    }
}

/// `value` before the line terminator Java's `$` (without `MULTILINE`) may stand in front of
/// at the end: `\r\n` as one, never between its `\r` and `\n`.
fn without_final_terminator(value: &str) -> Option<&str> {
    if let Some(rest) = value.strip_suffix("\r\n") {
        return Some(rest);
    }
    value.strip_suffix(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let engine = match &self.0 {
            Engine::Regex(_) => "regex",
            Engine::Counted { .. } => "regex, counted",
            #[cfg(feature = "fancy-regex")]
            Engine::Fancy(_) => "fancy-regex",
        };
        f.debug_struct("Pattern").field("engine", &engine).field("text", &self.as_str()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_patterns_match_anywhere() {
        let p = Pattern::regex("[0-9]+");
        assert!(p.is_match("ab12"));
        assert!(!p.is_match("abc"));
        assert!(format!("{p:?}").contains("regex"));
    }

    #[cfg(feature = "fancy-regex")]
    #[test]
    fn fancy_patterns_have_lookaround() {
        let p = Pattern::fancy(r"^(?!s3:)[a-z0-9:/]+\z");
        assert!(p.is_match("run1/out"));
        assert!(!p.is_match("s3://x"));
        assert_eq!(p.as_str(), r"^(?!s3:)[a-z0-9:/]+\z");
    }

    #[cfg(feature = "fancy-regex")]
    #[test]
    fn a_search_that_gives_up_rejects() {
        let p = Pattern::fancy(r"^(?=x?)(a+)+\1b");
        assert!(!p.is_match(&"a".repeat(64)));
    }

    #[test]
    fn counted_patterns_count_code_points_and_look_past_a_final_terminator() {
        // `^[^\p{C}]{1,3}$` as the generator's counted form.
        let p = Pattern::counted(r"\A(?:[^\p{C}])*\z", 1, Some(3), true);
        assert!(p.is_match("abc") && p.is_match("a") && !p.is_match("") && !p.is_match("abcd"));
        assert!(p.is_match("😀😀😀"), "a supplementary character is one match");
        assert!(!p.is_match("a\u{7}b"), "a control character is outside the class");
        assert!(p.is_match("abc\n") && p.is_match("abc\r\n") && !p.is_match("abc\n\n") && !p.is_match("\n"));
        // U+2028 is in the class and a terminator `$` looks past: counted or not, as fits.
        assert!(p.is_match("ab\u{2028}") && p.is_match("abc\u{2028}") && !p.is_match("abcd\u{2028}"));
        let z = Pattern::counted(r"\A(?:[^\p{C}])*\z", 0, None, false);
        assert!(z.is_match("") && z.is_match(&"x".repeat(100_000)) && !z.is_match("x\n"));
        assert!(format!("{p:?}").contains("counted"));
    }

    #[test]
    #[should_panic(expected = "checked to compile")]
    fn a_broken_pattern_is_a_generator_bug() {
        Pattern::regex("(");
    }
}
