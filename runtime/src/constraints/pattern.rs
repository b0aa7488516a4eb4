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
pub struct Pattern(Engine);

enum Engine {
    Regex(regex::Regex),
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
            #[cfg(feature = "fancy-regex")]
            Engine::Fancy(re) => re.is_match(value).unwrap_or(false),
        }
    }

    /// The compiled text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Engine::Regex(re) => re.as_str(),
            #[cfg(feature = "fancy-regex")]
            Engine::Fancy(re) => re.as_str(),
        }
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let engine = match &self.0 {
            Engine::Regex(_) => "regex",
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
    #[should_panic(expected = "checked to compile")]
    fn a_broken_pattern_is_a_generator_bug() {
        Pattern::regex("(");
    }
}
