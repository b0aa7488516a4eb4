//! `@pattern` regular expressions: from the Java syntax AWS models are written in to a Rust
//! engine, without changing what they match.
//!
//! AWS services validate patterns with `java.util.regex`, so models use Java-only classes
//! (`\p{Print}`, `\p{javaLowerCase}`) and rely on Java meanings where Rust engines differ
//! (`\s`, `\d`, `\w` are ASCII in Java and Unicode in Rust; `.` excludes every line terminator
//! in Java; `$` also matches before a final line terminator; `(?i)` folds ASCII only). A
//! pattern is parsed with Java's rules into a small tree (inline flags are resolved while
//! parsing, as Java does) and rendered for one of two engines, chosen here at generation time:
//!
//! - [`Engine::Regex`], the `regex` crate (linear time), whenever it can express the pattern;
//! - [`Engine::Fancy`], `fancy-regex`, for lookaround, atomic groups, possessive quantifiers,
//!   backreferences, and the anchors that need lookaround (`$` before more pattern, `(?m)`
//!   `^`/`$`, `\b`). It hands every part without those to `regex`.
//! - [`Engine::Counted`], for a whole pattern `^C{m,n}$` whose single-character atom `C` (a
//!   large class, or `.`) repeated `n` times makes a program past [`SIZE_LIMIT`]
//!   (`^[^\p{C}]{1,2048}$`, `^.{1,100000}$`): `regex` checks `C*` and the value's code points
//!   are counted, as Java counts them (a supplementary character is one match of a class).
//!
//! Java properties go through one table, [`TABLE`]. Deliberate differences, all about text a
//! Rust `&str` cannot hold or Java-version details:
//!
//! - Strings are matched by code point. A surrogate pair in the pattern (`\uD83D\uDE00`,
//!   `[\uD800\uDC00-\uDBFF\uDFFF]`) means the supplementary code points, as in Java; a lone
//!   surrogate matches nothing (a `&str` holds none), so no match starts or ends inside a pair.
//! - Unicode properties follow the `regex` crate's Unicode version, newer than some JDKs'
//!   (Java 17 knows Unicode 13): code points assigned since then differ.
//! - `\b`/`\B` have Java 17's meaning (a word character is a letter, a decimal digit or `_`);
//!   Java 19 changed `\b` to ASCII. A non-spacing mark after a word character is not treated
//!   as a word character (Java 17 does).
//!
//! What has no translation is an error naming the construct: unknown Unicode blocks,
//! `\X`, `\N{...}`, the inline flag `U`, a backreference inside `(?i)`, and Java properties
//! whose meaning under `(?i)` is Java-specific (`\p{Lower}` inside `(?i)`).

mod unicode_blocks;

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, HirKind};

/// The engine a translated pattern runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Engine {
    /// The `regex` crate: linear time, no lookaround.
    Regex,
    /// `fancy-regex`: lookaround, atomic groups, backreferences; delegates the rest to `regex`.
    Fancy,
    /// A whole pattern `^C{min,max}$` (or `\A...\z`) of one character atom `C`: `text` is
    /// `\A(?:C)*\z` on `regex`, and the value's length in code points must be within
    /// `min..=max`. With `final_terminator` (Java's `$` ends the pattern) the value may end in
    /// one line terminator that `$` looks past (`\r\n`, `\n`, `\r`, `\u0085`, `\u2028`,
    /// `\u2029`), which is then not counted unless `C` matches it too (Java backtracks to
    /// whichever split matches). Chosen only when the repetition's program is too large.
    Counted {
        /// The fewest matches of `C`.
        min: u32,
        /// The most, when bounded.
        max: Option<u32>,
        /// Whether the pattern ends in Java's `$` (not `\z`).
        final_terminator: bool,
    },
}

/// A `@pattern` ready for the server: the engine and the text it compiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    /// Which engine compiles [`Translated::text`].
    pub engine: Engine,
    /// The pattern in that engine's syntax, with the Java meaning.
    pub text: String,
}

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
    // `java.util.regex`'s own short name for the same class (Directory Service's
    // `RadiusSharedSecret` uses it).
    ("LD", r"[\p{L}\p{Nd}]"),
    ("javaAlphabetic", r"\p{Alphabetic}"),
    ("javaIdeographic", r"\p{Ideographic}"),
    ("javaTitleCase", r"\p{Lt}"),
    ("javaSpaceChar", r"\p{Z}"),
    ("javaISOControl", r"[\x00-\x1F\x7F-\x{9F}]"),
    ("javaDefined", r"\P{Cn}"),
    // Every code point (`java.util.regex`'s own `all`).
    ("all", r"[\x{0}-\x{10FFFF}]"),
];

/// Java's Unicode properties with the `Is` prefix (`\p{IsWhite_Space}`), matched without regard
/// to case as Java matches them (`IsWhitespace`, `IsALPHABETIC`), as `java.util.regex`'s
/// `CharPredicates` defines them (its `java.lang.Character` predicates).
pub const IS_PROPERTIES: &[(&str, &str)] = &[
    ("ALPHABETIC", r"\p{Alphabetic}"),
    ("ASSIGNED", r"\P{Cn}"),
    ("CONTROL", r"\p{Cc}"),
    // `Character.isDigit` or the ASCII and fullwidth letters a-f, A-F (not Unicode's Hex_Digit).
    ("HEXDIGIT", r"[\p{Nd}a-fA-F\x{FF21}-\x{FF26}\x{FF41}-\x{FF46}]"),
    ("HEX_DIGIT", r"[\p{Nd}a-fA-F\x{FF21}-\x{FF26}\x{FF41}-\x{FF46}]"),
    ("IDEOGRAPHIC", r"\p{Ideographic}"),
    ("JOINCONTROL", r"\p{Join_Control}"),
    ("JOIN_CONTROL", r"\p{Join_Control}"),
    ("LETTER", r"\p{L}"),
    ("LOWERCASE", r"\p{Lowercase}"),
    ("NONCHARACTERCODEPOINT", r"\p{Noncharacter_Code_Point}"),
    ("NONCHARACTER_CODE_POINT", r"\p{Noncharacter_Code_Point}"),
    ("TITLECASE", r"\p{Lt}"),
    ("PUNCTUATION", r"\p{P}"),
    ("UPPERCASE", r"\p{Uppercase}"),
    ("WHITESPACE", r"\p{White_Space}"),
    ("WHITE_SPACE", r"\p{White_Space}"),
    ("WORD", r"[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]"),
    ("DIGIT", r"\p{Nd}"),
];

/// Java's predefined classes (`\d`, `\s`, `\w` are ASCII in Java, Unicode in `regex`; `\h`
/// and `\v` are Java's horizontal and vertical whitespace).
const SHORTHANDS: &[(char, &str)] = &[
    ('d', "[0-9]"),
    ('D', "[^0-9]"),
    ('w', "[a-zA-Z0-9_]"),
    ('W', "[^a-zA-Z0-9_]"),
    ('s', r"[ \t\n\x0B\f\r]"),
    ('S', r"[^ \t\n\x0B\f\r]"),
    ('h', r"[ \t\x{A0}\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]"),
    ('H', r"[^ \t\x{A0}\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]"),
    ('v', r"[\n\x0B\f\r\x{85}\x{2028}\x{2029}]"),
    ('V', r"[^\n\x0B\f\r\x{85}\x{2028}\x{2029}]"),
];

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
    // `\p{IsX}`: a Unicode property (any case), then the names `\p{X}` takes, then a script.
    let is_property = name.strip_prefix("Is").and_then(|rest| {
        let upper = rest.to_ascii_uppercase();
        IS_PROPERTIES.iter().find(|(java, _)| *java == upper).or_else(|| TABLE.iter().find(|(java, _)| *java == rest))
    });
    // The POSIX names mean their Unicode forms after `Is` (`\p{IsPrint}` is not `\p{Print}`).
    const UNICODE_POSIX: &[&str] = &["ALPHA", "LOWER", "UPPER", "SPACE", "PUNCT", "XDIGIT", "ALNUM", "CNTRL", "BLANK", "GRAPH", "PRINT"];
    if name.strip_prefix("Is").is_some_and(|rest| UNICODE_POSIX.contains(&rest.to_ascii_uppercase().as_str())) {
        return Err(format!(r"`\p{{{name}}}` (a POSIX class in its Unicode form) has no translation"));
    }
    let positive = if let Some((_, rust)) = is_property {
        rust.to_string()
    } else if let Some((_, rust)) = TABLE.iter().find(|(java, _)| *java == name) {
        rust.to_string()
    } else if unicode_category(name) {
        format!(r"\p{{{name}}}")
    } else if let Some(cat) = name.strip_prefix("Is").filter(|c| unicode_category(c)) {
        format!(r"\p{{{cat}}}")
    } else if let Some(block) = name.strip_prefix("In").or_else(|| name.strip_prefix("blk=")).or_else(|| name.strip_prefix("block=")) {
        let (first, last) = unicode_blocks::find(block)
            .ok_or_else(|| format!(r"`\p{{{name}}}` names no Unicode block Java knows"))?;
        if (0xD800..=0xDFFF).contains(&first) {
            // The surrogate blocks: no valid string holds a lone surrogate (see NOTHING).
            NOTHING.to_string()
        } else {
            format!(r"[\x{{{first:X}}}-\x{{{last:X}}}]")
        }
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

/// Java's `.` without `DOTALL`: anything but a line terminator.
const DOT: &str = r"[^\n\r\x{85}\x{2028}\x{2029}]";
/// A class that matches nothing (a lone surrogate, an emptied class).
const NOTHING: &str = r"[^\x{0}-\x{10FFFF}]";
/// Java's word characters for `\b` (Java 17: `Character.isLetterOrDigit(c) || c == '_'`).
const WORD: &str = r"[\p{L}\p{Nd}_]";

/// Translates a Java pattern, choosing the engine, and checks that the result compiles.
/// The error names what cannot be translated, or why the engine rejects the result.
pub fn translate(java: &str) -> Result<Translated, String> {
    let mut p = Parser { c: unquote(java), i: 0, flags: Flags::default(), groups: 0 };
    let node = p.alternation()?;
    if p.i < p.c.len() {
        return Err("unmatched `)`".into());
    }
    let mut r = Renderer { fancy: false };
    let mut text = String::new();
    r.node(&node, true, &mut text);
    if r.fancy {
        compile_fancy(&text).map_err(|e| format!("translated to `{text}`, which fancy-regex rejects: {e}"))?;
        return Ok(Translated { engine: Engine::Fancy, text });
    }
    match compile_regex(&text) {
        Ok(_) => Ok(Translated { engine: Engine::Regex, text }),
        Err(regex::Error::CompiledTooBig(_)) if counted(&node).is_some() => {
            let (atom, min, max, final_terminator) = counted(&node).ok_or("checked above")?;
            let mut one = String::new();
            r.node(atom, false, &mut one);
            let text = format!(r"\A(?:{one})*\z");
            compile_regex(&text).map_err(|e| format!("translated to `{text}` (counted), which the regex crate rejects: {e}"))?;
            Ok(Translated { engine: Engine::Counted { min, max, final_terminator }, text })
        }
        Err(e) => Err(format!("translated to `{text}`, which the regex crate rejects: {e}")),
    }
}

/// A whole pattern `^C{min,max}$` of one single-character atom, as [`Engine::Counted`] checks
/// it: the atom, the bounds, and whether it ends in Java's `$`. `^` and `$` without `(?m)`
/// (`(?d)`'s `$`, which looks past `\n` only, is left to the other engines), or `\A`, `\z`;
/// a possessive repetition is left out too (it gives no characters back to `$`).
fn counted(node: &Node) -> Option<(&Node, u32, Option<u32>, bool)> {
    let Node::Concat(items) = node else { return None };
    let [start, Node::Repeat(atom, min, max, Greed::Greedy | Greed::Lazy), end] = items.as_slice() else { return None };
    let anchored = match start {
        Node::Caret(f) => !f.m,
        Node::StartInput => true,
        _ => false,
    };
    let final_terminator = match end {
        Node::Dollar(f) if !f.m && !f.d => true,
        Node::EndInput => false,
        _ => return None,
    };
    let one_character = matches!(**atom, Node::Lit(..) | Node::Class(_) | Node::Dot(_));
    (anchored && one_character).then_some((&**atom, *min, *max, final_terminator))
}

/// The compiled-program size limit patterns are built with, as `smithygen_runtime`'s `Pattern`
/// builds them: 64 MiB instead of the `regex` crate's default 10 MiB, which a large Unicode
/// class under a bounded repetition (`[\p{L}\p{M}...]{1,1024}`) exceeds. The work per match
/// stays linear; the memory is spent once per pattern, on first use.
pub const SIZE_LIMIT: usize = 64 << 20;

/// A `regex` pattern as the runtime compiles it (with [`SIZE_LIMIT`]).
pub fn compile_regex(text: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(text).size_limit(SIZE_LIMIT).build()
}

/// A `fancy-regex` pattern as the runtime compiles it (its `regex` parts with [`SIZE_LIMIT`]).
pub fn compile_fancy(text: &str) -> Result<fancy_regex::Regex, fancy_regex::Error> {
    fancy_regex::RegexBuilder::new(text).delegate_size_limit(SIZE_LIMIT).build()
}

/// Java's first step: `\Q...\E` becomes the quoted characters, each escaped (an unclosed
/// `\Q` quotes to the end).
fn unquote(java: &str) -> Vec<char> {
    let c: Vec<char> = java.chars().collect();
    let mut out = Vec::with_capacity(c.len());
    let mut i = 0;
    while i < c.len() {
        if c[i] == '\\' && i + 1 < c.len() {
            if c[i + 1] == 'Q' {
                i += 2;
                while i < c.len() && !(c[i] == '\\' && c.get(i + 1) == Some(&'E')) {
                    if !c[i].is_ascii_alphanumeric() {
                        out.push('\\');
                    }
                    out.push(c[i]);
                    i += 1;
                }
                i += 2;
                continue;
            }
            out.extend([c[i], c[i + 1]]);
            i += 2;
            continue;
        }
        out.push(c[i]);
        i += 1;
    }
    out
}

/// Java's match flags that inline modifiers set (`(?i)`, `(?-s:...)`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Flags {
    /// `i`: CASE_INSENSITIVE (ASCII only unless `u`).
    i: bool,
    /// `u`: UNICODE_CASE.
    u: bool,
    /// `s`: DOTALL.
    s: bool,
    /// `m`: MULTILINE.
    m: bool,
    /// `x`: COMMENTS.
    x: bool,
    /// `d`: UNIX_LINES.
    d: bool,
}

/// How letters compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Exact,
    /// `(?i)`: ASCII letters only.
    Ascii,
    /// `(?iu)`: Unicode simple case folding.
    Unicode,
}

impl Flags {
    fn case(self) -> Case {
        match (self.i, self.u) {
            (false, _) => Case::Exact,
            (true, false) => Case::Ascii,
            (true, true) => Case::Unicode,
        }
    }
}

/// A parsed Java pattern; flags already applied to the nodes they affect.
#[derive(Debug)]
enum Node {
    Empty,
    Lit(char, Case),
    /// A lone surrogate: matches nothing in a `&str`.
    Nothing,
    /// A character class, already rendered (classes never need `fancy-regex`).
    Class(String),
    Dot(Flags),
    Caret(Flags),
    Dollar(Flags),
    StartInput,
    EndInput,
    Boundary(bool),
    LineBreak,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Group(GroupKind, Box<Node>),
    Repeat(Box<Node>, u32, Option<u32>, Greed),
    Backref(String),
}

#[derive(Debug)]
enum GroupKind {
    Capture(Option<String>),
    NonCapture,
    Ahead { negated: bool },
    Behind { negated: bool },
    Atomic,
}

#[derive(Debug, Clone, Copy)]
enum Greed {
    Greedy,
    Lazy,
    Possessive,
}

/// An escape: one code point (maybe a surrogate) or a class such as `\d` or `\p{L}`.
enum Esc {
    Char(u32),
    Class(String),
}

/// A class member: a code point range, a predefined class, or a nested class.
enum Item {
    Range(u32, u32),
    Prop(String),
    Nested(String),
}

struct Parser {
    c: Vec<char>,
    i: usize,
    flags: Flags,
    groups: u32,
}

type Parsed<T> = Result<T, String>;

impl Parser {
    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.i += 1;
        c
    }

    /// `(?x)`: whitespace and `#` comments are skipped, in classes too (as Java does).
    fn skip_comments(&mut self) {
        if !self.flags.x {
            return;
        }
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r') {
                self.i += 1;
            } else if c == '#' {
                while let Some(c) = self.next() {
                    if c == '\n' || (!self.flags.d && matches!(c, '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')) {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    fn alternation(&mut self) -> Parsed<Node> {
        let mut alts = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.i += 1;
            alts.push(self.sequence()?);
        }
        Ok(if alts.len() == 1 { alts.pop().unwrap_or(Node::Empty) } else { Node::Alt(alts) })
    }

    fn sequence(&mut self) -> Parsed<Node> {
        let mut items = Vec::new();
        loop {
            self.skip_comments();
            let Some(c) = self.peek() else { break };
            let atom = match c {
                '|' | ')' => break,
                '(' => {
                    self.i += 1;
                    match self.group()? {
                        Some(node) => node,
                        None => continue,
                    }
                }
                '[' => {
                    self.i += 1;
                    Node::Class(self.class()?)
                }
                '.' => {
                    self.i += 1;
                    Node::Dot(self.flags)
                }
                '^' => {
                    self.i += 1;
                    Node::Caret(self.flags)
                }
                '$' => {
                    self.i += 1;
                    Node::Dollar(self.flags)
                }
                '\\' => {
                    self.i += 1;
                    self.escape()?
                }
                '*' | '+' | '?' => return Err(format!("dangling `{c}`: nothing to repeat (Java rejects it)")),
                '{' => return Err("`{` that starts no repetition (Java rejects it as an illegal repetition)".into()),
                c => {
                    self.i += 1;
                    Node::Lit(c, self.flags.case())
                }
            };
            items.push(self.quantifier(atom)?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    fn number(&mut self) -> Parsed<Option<u32>> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if start == self.i {
            return Ok(None);
        }
        let digits: String = self.c[start..self.i].iter().collect();
        digits.parse().map(Some).map_err(|_| format!("repetition count `{digits}` is too large"))
    }

    fn quantifier(&mut self, atom: Node) -> Parsed<Node> {
        let Some((min, max, greed)) = self.repetition()? else {
            return Ok(atom);
        };
        // Java parses a `{n,m}` right after a quantifier (`a{11}{0,1011}`, `a*{2}`) and
        // ignores it: it repeats nothing. `*`, `+` or `?` there dangle, as after it.
        loop {
            self.skip_comments();
            if self.peek() != Some('{') {
                break;
            }
            self.repetition()?;
        }
        Ok(match atom {
            // A quantified lookaround (`(?!\.)+`) is zero-width: Java's loop stops after one
            // empty iteration, so it means the lookaround when at least one is required, and
            // nothing (it always succeeds, with zero iterations) otherwise.
            Node::Group(GroupKind::Ahead { .. } | GroupKind::Behind { .. }, _) if min >= 1 => atom,
            Node::Group(GroupKind::Ahead { .. } | GroupKind::Behind { .. }, _) => Node::Empty,
            atom => Node::Repeat(Box::new(atom), min, max, greed),
        })
    }

    /// A quantifier with its lazy (`?`) or possessive (`+`) suffix, if one comes next.
    fn repetition(&mut self) -> Parsed<Option<(u32, Option<u32>, Greed)>> {
        self.skip_comments();
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.i += 1;
                let min = self.number()?.ok_or("`{` without a count (Java rejects it as an illegal repetition)")?;
                let max = if self.peek() == Some(',') {
                    self.i += 1;
                    self.number()?
                } else {
                    Some(min)
                };
                if self.peek() != Some('}') {
                    return Err("unclosed repetition `{...` (Java rejects it)".into());
                }
                if max.is_some_and(|max| max < min) {
                    return Err(format!("repetition `{{{min},{}}}` has its maximum below its minimum (Java rejects it)", max.unwrap_or_default()));
                }
                (min, max)
            }
            _ => return Ok(None),
        };
        self.i += 1;
        let greed = match self.peek() {
            Some('?') => Greed::Lazy,
            Some('+') => Greed::Possessive,
            _ => Greed::Greedy,
        };
        if !matches!(greed, Greed::Greedy) {
            self.i += 1;
        }
        Ok(Some((min, max, greed)))
    }

    /// After `(`: a group, or `None` for a flags-only `(?i)` (which lasts to the end of the
    /// enclosing group, across its alternatives, as in Java).
    fn group(&mut self) -> Parsed<Option<Node>> {
        let saved = self.flags;
        let kind = if self.peek() == Some('?') {
            self.i += 1;
            match self.next() {
                Some(':') => GroupKind::NonCapture,
                Some('=') => GroupKind::Ahead { negated: false },
                Some('!') => GroupKind::Ahead { negated: true },
                Some('>') => GroupKind::Atomic,
                Some('<') => match self.peek() {
                    Some('=') => {
                        self.i += 1;
                        GroupKind::Behind { negated: false }
                    }
                    Some('!') => {
                        self.i += 1;
                        GroupKind::Behind { negated: true }
                    }
                    _ => {
                        let name = self.group_name()?;
                        self.groups += 1;
                        GroupKind::Capture(Some(name))
                    }
                },
                _ => {
                    self.i -= 1;
                    self.inline_flags()?;
                    match self.next() {
                        Some(')') => return Ok(None),
                        Some(':') => GroupKind::NonCapture,
                        _ => return Err("unknown inline modifier after `(?` (Java rejects it)".into()),
                    }
                }
            }
        } else {
            self.groups += 1;
            GroupKind::Capture(None)
        };
        let inner = self.alternation()?;
        if self.next() != Some(')') {
            return Err("a group is not closed (`(` without `)`)".into());
        }
        self.flags = saved;
        Ok(Some(Node::Group(kind, Box::new(inner))))
    }

    /// A group name up to and including `>`: a letter, then letters and digits (Java's rule).
    fn group_name(&mut self) -> Parsed<String> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            self.i += 1;
        }
        let name: String = self.c[start..self.i].iter().collect();
        if self.next() != Some('>') || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(format!("bad group name `{name}` (Java wants a letter, then letters and digits, then `>`)"));
        }
        Ok(name)
    }

    fn inline_flags(&mut self) -> Parsed<()> {
        let mut on = true;
        while let Some(c) = self.peek() {
            match c {
                'i' => self.flags.i = on,
                'u' => self.flags.u = on,
                's' => self.flags.s = on,
                'm' => self.flags.m = on,
                'x' => self.flags.x = on,
                'd' => self.flags.d = on,
                '-' => on = false,
                'U' => {
                    return Err("inline flag `U` (UNICODE_CHARACTER_CLASS) has no translation: it makes \\w, \\d, \\s, \\b and the POSIX classes Unicode".into())
                }
                _ => break,
            }
            self.i += 1;
        }
        Ok(())
    }

    /// After `\` outside a class.
    fn escape(&mut self) -> Parsed<Node> {
        let Some(e) = self.peek() else {
            return Err("ends with a lone backslash".into());
        };
        let simple = match e {
            'A' | 'G' => Some(Node::StartInput),
            'z' => Some(Node::EndInput),
            'Z' => Some(Node::Dollar(Flags { m: false, ..self.flags })),
            'R' => Some(Node::LineBreak),
            'b' | 'B' => {
                if self.c.get(self.i + 1) == Some(&'{') {
                    return Err("`\\b{g}` (grapheme cluster boundary) has no translation".into());
                }
                Some(Node::Boundary(e == 'b'))
            }
            'X' => return Err("`\\X` (grapheme cluster) has no translation".into()),
            _ => None,
        };
        if let Some(node) = simple {
            self.i += 1;
            return Ok(node);
        }
        if e.is_ascii_digit() && e != '0' || e == 'k' {
            if self.flags.i {
                return Err("a backreference inside `(?i)` has no translation (Java compares it case-insensitively)".into());
            }
            self.i += 1;
            if e == 'k' {
                if self.next() != Some('<') {
                    return Err("`\\k` needs a group name in `<...>`".into());
                }
                return Ok(Node::Backref(format!("k<{}>", self.group_name()?)));
            }
            // Java: more digits belong to the number while such a group exists.
            let mut n = e.to_digit(10).unwrap_or_default();
            while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                let longer = n * 10 + d;
                if longer > self.groups {
                    break;
                }
                n = longer;
                self.i += 1;
            }
            return Ok(Node::Backref(n.to_string()));
        }
        match self.char_escape()? {
            Esc::Char(c) => Ok(char::from_u32(c).map_or(Node::Nothing, |c| Node::Lit(c, self.flags.case()))),
            Esc::Class(text) => {
                check_case_closed(&text, self.flags.case())?;
                Ok(Node::Class(text))
            }
        }
    }

    /// After `\`: an escape that means a code point or a class, in or out of a class.
    fn char_escape(&mut self) -> Parsed<Esc> {
        let e = self.next().ok_or("ends with a lone backslash")?;
        let c = match e {
            'p' | 'P' => {
                let name = if self.peek() == Some('{') {
                    let end = self.c[self.i..].iter().position(|c| *c == '}').ok_or("`\\p{` is not closed")?;
                    let name: String = self.c[self.i + 1..self.i + end].iter().collect();
                    self.i += end + 1;
                    name
                } else {
                    self.next().ok_or("`\\p` needs a class name")?.to_string()
                };
                return property(&name, e == 'P').map(Esc::Class);
            }
            'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'h' | 'H' | 'v' | 'V' => {
                let (_, class) = SHORTHANDS.iter().find(|(k, _)| *k == e).ok_or("listed in SHORTHANDS")?;
                return Ok(Esc::Class(class.to_string()));
            }
            't' => 0x09,
            'n' => 0x0A,
            'r' => 0x0D,
            'f' => 0x0C,
            'a' => 0x07,
            'e' => 0x1B,
            'c' => self.next().ok_or("`\\c` needs a character")? as u32 ^ 64,
            '0' => {
                let digit = |p: &Self, k: usize| p.c.get(p.i + k).and_then(|c| c.to_digit(8));
                let (n, len) = match (digit(self, 0), digit(self, 1), digit(self, 2)) {
                    (Some(a), Some(b), Some(c)) if a <= 3 => (a * 64 + b * 8 + c, 3),
                    (Some(a), Some(b), _) => (a * 8 + b, 2),
                    (Some(a), None, _) => (a, 1),
                    (None, ..) => return Err("`\\0` needs an octal digit (Java rejects it)".into()),
                };
                self.i += len;
                n
            }
            'x' => {
                let digits: String = if self.peek() == Some('{') {
                    let end = self.c[self.i..].iter().position(|c| *c == '}').ok_or("`\\x{` is not closed")?;
                    let d = self.c[self.i + 1..self.i + end].iter().collect();
                    self.i += end + 1;
                    d
                } else {
                    let d = self.c.get(self.i..self.i + 2).ok_or("`\\x` needs two hex digits")?.iter().collect();
                    self.i += 2;
                    d
                };
                match u32::from_str_radix(&digits, 16) {
                    Ok(n) if n <= 0x10FFFF && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit()) => n,
                    _ => return Err(format!("`\\x` with `{digits}` is not a code point (Java rejects it)")),
                }
            }
            'u' => {
                let high = self.four_hex()?;
                if (0xD800..0xDC00).contains(&high) && self.c.get(self.i..self.i + 2) == Some(&['\\', 'u']) {
                    let at = self.i;
                    self.i += 2;
                    match self.four_hex() {
                        Ok(low) if (0xDC00..0xE000).contains(&low) => return Ok(Esc::Char(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))),
                        _ => self.i = at,
                    }
                }
                high
            }
            'N' => return Err("`\\N{...}` (a character by name) has no translation".into()),
            'Q' | 'E' => return Err(format!("`\\{e}` out of place (Java rejects it)")),
            e if e.is_ascii_alphanumeric() => return Err(format!("`\\{e}` is not a Java escape here (Java rejects it)")),
            e => e as u32,
        };
        Ok(Esc::Char(c))
    }

    fn four_hex(&mut self) -> Parsed<u32> {
        let hex: String = self.c.get(self.i..self.i + 4).ok_or("`\\u` needs four hex digits")?.iter().collect();
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!("`\\u{hex}` needs four hex digits"));
        }
        self.i += 4;
        u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())
    }

    /// After `[`: a class with Java's rules (nested classes are unions, `&&` intersects, a
    /// leading `^` negates the whole class), rendered for `regex`.
    fn class(&mut self) -> Parsed<String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.i += 1;
        }
        let case = self.flags.case();
        let mut operands: Vec<Vec<Item>> = vec![Vec::new()];
        let mut first = true;
        loop {
            self.skip_comments();
            let c = self.peek().ok_or("a character class is not closed")?;
            match c {
                ']' if !first => {
                    self.i += 1;
                    break;
                }
                '[' => {
                    self.i += 1;
                    let nested = self.class()?;
                    operands.last_mut().ok_or("no operand")?.push(Item::Nested(nested));
                }
                '&' if self.c.get(self.i + 1) == Some(&'&') => {
                    self.i += 2;
                    operands.push(Vec::new());
                }
                _ => self.class_range(operands.last_mut().ok_or("no operand")?)?,
            }
            first = false;
        }
        let mut out = String::from(if negated { "[^" } else { "[" });
        for (k, items) in operands.iter().enumerate() {
            if k > 0 {
                out.push_str("&&");
            }
            if items.is_empty() {
                return Err("an empty operand of `&&` in a character class (Java rejects or misreads it)".into());
            }
            let mut ranges = Vec::new();
            for item in items {
                match item {
                    Item::Range(lo, hi) => ranges.push((*lo, *hi)),
                    Item::Prop(text) => {
                        check_case_closed(text, case)?;
                        out.push_str(text);
                    }
                    Item::Nested(text) => out.push_str(text),
                }
            }
            let set = fold(
                &ClassUnicode::new(ranges.into_iter().flat_map(|(lo, hi)| without_surrogates(lo, hi)).map(|(lo, hi)| ClassUnicodeRange::new(lo, hi))),
                case,
            );
            for r in set.iter() {
                push_class_char(&mut out, r.start());
                if r.end() > r.start() {
                    out.push('-');
                    push_class_char(&mut out, r.end());
                }
            }
            if items.iter().all(|i| matches!(i, Item::Range(..))) && set.ranges().is_empty() {
                out.push_str(NOTHING);
            }
        }
        out.push(']');
        Ok(out)
    }

    /// One member: `a`, `a-z`, `\x{..}-\u....`, `\d`, `\p{L}`.
    fn class_range(&mut self, items: &mut Vec<Item>) -> Parsed<()> {
        let lo = match self.class_atom()? {
            Esc::Class(text) => {
                items.push(Item::Prop(text));
                return Ok(());
            }
            Esc::Char(c) => c,
        };
        self.skip_comments();
        if self.peek() == Some('-') && !matches!(self.c.get(self.i + 1), Some('[' | ']') | None) {
            self.i += 1;
            self.skip_comments();
            let hi = match self.class_atom()? {
                Esc::Char(c) => c,
                Esc::Class(_) => return Err("a range in a character class ends in a class such as `\\d` (Java rejects it)".into()),
            };
            if hi < lo {
                return Err(format!("character range `{lo:X}-{hi:X}` is backwards (Java rejects it)"));
            }
            items.push(Item::Range(lo, hi));
        } else {
            items.push(Item::Range(lo, lo));
        }
        Ok(())
    }

    fn class_atom(&mut self) -> Parsed<Esc> {
        match self.next().ok_or("a character class is not closed")? {
            '\\' => self.char_escape(),
            c => Ok(Esc::Char(c as u32)),
        }
    }
}

/// The parts of `lo..=hi` that are Unicode scalar values (surrogates match nothing in a `&str`).
fn without_surrogates(lo: u32, hi: u32) -> Vec<(char, char)> {
    [(lo, hi.min(0xD7FF)), (lo.max(0xE000), hi)].into_iter().filter(|(a, b)| a <= b).filter_map(|(a, b)| Some((char::from_u32(a)?, char::from_u32(b)?))).collect()
}

/// A set and its case variants: ASCII letters under `(?i)`, simple case folding under `(?iu)`.
fn fold(set: &ClassUnicode, case: Case) -> ClassUnicode {
    let mut out = set.clone();
    match case {
        Case::Exact => {}
        Case::Unicode => out.case_fold_simple(),
        Case::Ascii => {
            let mut extra = Vec::new();
            for r in set.iter() {
                for (a, b, to) in [('a', 'z', 'A'), ('A', 'Z', 'a')] {
                    let (lo, hi) = (r.start().max(a), r.end().min(b));
                    if lo <= hi {
                        let shift = |c: char| char::from_u32(c as u32 - a as u32 + to as u32).unwrap_or(c);
                        extra.push(ClassUnicodeRange::new(shift(lo), shift(hi)));
                    }
                }
            }
            out.union(&ClassUnicode::new(extra));
        }
    }
    out
}

/// A predefined class inside `(?i)` must mean the same with and without case variants: Java
/// gives some (`\p{Lower}`, `\p{Lu}`) a meaning of their own there.
fn check_case_closed(text: &str, case: Case) -> Result<(), String> {
    if case == Case::Exact {
        return Ok(());
    }
    let hir = regex_syntax::Parser::new().parse(text).map_err(|e| format!("class `{text}`: {e}"))?;
    let HirKind::Class(Class::Unicode(set)) = hir.kind() else {
        return Err(format!("class `{text}` is not a set of code points"));
    };
    if fold(set, case) == *set {
        Ok(())
    } else {
        Err(format!("the class `{text}` inside `(?i)` has a Java-specific meaning (case variants of a property); write both cases out instead"))
    }
}

/// A code point inside a rendered class.
fn push_class_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || (c.is_ascii_graphic() && !r"\[]^&~-".contains(c)) || c == ' ' {
        out.push(c);
    } else if r"\[]^&~-".contains(c) {
        out.push('\\');
        out.push(c);
    } else {
        out.push_str(&format!(r"\x{{{:X}}}", c as u32));
    }
}

/// A literal code point outside a class.
fn push_literal(out: &mut String, c: char) {
    if r"\.+*?()|[]{}^$".contains(c) {
        out.push('\\');
        out.push(c);
    } else if c.is_ascii_alphanumeric() || (c.is_ascii_graphic() && !"#&~".contains(c)) || c == ' ' {
        out.push(c);
    } else {
        out.push_str(&format!(r"\x{{{:X}}}", c as u32));
    }
}

/// Renders the tree, noting whether `fancy-regex` is needed.
struct Renderer {
    fancy: bool,
}

impl Renderer {
    fn fancy(&mut self, out: &mut String, text: &str) {
        self.fancy = true;
        out.push_str(text);
    }

    /// `at_end`: nothing that consumes input can follow (only group ends, alternatives, the
    /// end of the pattern or of a lookahead), so `$` may consume the terminator it looks at.
    fn node(&mut self, node: &Node, at_end: bool, out: &mut String) {
        match node {
            Node::Empty => {}
            Node::Nothing => out.push_str(NOTHING),
            Node::Lit(c, case) => match case {
                Case::Ascii if c.is_ascii_alphabetic() => {
                    out.push('[');
                    out.push(c.to_ascii_uppercase());
                    out.push(c.to_ascii_lowercase());
                    out.push(']');
                }
                Case::Unicode => {
                    out.push_str("(?i:");
                    push_literal(out, *c);
                    out.push(')');
                }
                _ => push_literal(out, *c),
            },
            Node::Class(text) => out.push_str(text),
            Node::Dot(f) => out.push_str(if f.s {
                "(?s:.)"
            } else if f.d {
                r"[^\n]"
            } else {
                DOT
            }),
            Node::Caret(f) => match (f.m, f.d) {
                (false, _) => out.push('^'),
                (true, true) => self.fancy(out, r"(?:\A|(?<=\n))(?!\z)"),
                (true, false) => self.fancy(out, r"(?:\A|(?<=[\n\x{85}\x{2028}\x{2029}])|(?<=\r)(?!\n))(?!\z)"),
            },
            // Java's `$`: the end, or before a final line terminator (not between `\r` and
            // `\n`); with `(?m)` before any line terminator; with `(?d)` only `\n` counts.
            Node::Dollar(f) => match (f.m, f.d, at_end) {
                (false, false, true) => out.push_str(r"(?:(?mR:$)\r?\n?|[\x{85}\x{2028}\x{2029}])\z"),
                (false, false, false) => self.fancy(out, r"(?:\z|(?=\r\n\z|[\r\x{85}\x{2028}\x{2029}]\z)|(?<!\r)(?=\n\z))"),
                (false, true, true) => out.push_str(r"\n?\z"),
                (false, true, false) => self.fancy(out, r"(?=\n?\z)"),
                (true, true, _) => out.push_str("(?m:$)"),
                (true, false, _) => self.fancy(out, r"(?:\z|(?=[\r\x{85}\x{2028}\x{2029}])|(?<!\r)(?=\n))"),
            },
            Node::StartInput => out.push_str(r"\A"),
            Node::EndInput => out.push_str(r"\z"),
            Node::Boundary(yes) => {
                let text = if *yes {
                    format!("(?:(?<={WORD})(?!{WORD})|(?<!{WORD})(?={WORD}))")
                } else {
                    format!("(?:(?<={WORD})(?={WORD})|(?<!{WORD})(?!{WORD}))")
                };
                self.fancy(out, &text);
            }
            // Java 17's `\R` may give back the `\n` of `\r\n` (`\R\n` matches "\r\n").
            Node::LineBreak => out.push_str(r"(?:\r\n|[\n\x0B\f\r\x{85}\x{2028}\x{2029}])"),
            Node::Concat(items) => {
                for (k, item) in items.iter().enumerate() {
                    self.node(item, at_end && k + 1 == items.len(), out);
                }
            }
            Node::Alt(alts) => {
                for (k, alt) in alts.iter().enumerate() {
                    if k > 0 {
                        out.push('|');
                    }
                    self.node(alt, at_end, out);
                }
            }
            Node::Group(kind, inner) => {
                let (open, inner_end) = match kind {
                    GroupKind::Capture(None) => ("(".to_string(), at_end),
                    GroupKind::Capture(Some(name)) => (format!("(?<{name}>"), at_end),
                    GroupKind::NonCapture => ("(?:".to_string(), at_end),
                    GroupKind::Ahead { negated } => (if *negated { "(?!" } else { "(?=" }.to_string(), true),
                    GroupKind::Behind { negated } => (if *negated { "(?<!" } else { "(?<=" }.to_string(), false),
                    GroupKind::Atomic => ("(?>".to_string(), at_end),
                };
                if !matches!(kind, GroupKind::Capture(_) | GroupKind::NonCapture) {
                    self.fancy = true;
                }
                out.push_str(&open);
                self.node(inner, inner_end, out);
                out.push(')');
            }
            Node::Repeat(atom, min, max, greed) => {
                let possessive = matches!(greed, Greed::Possessive);
                if possessive {
                    self.fancy(out, "(?>");
                }
                let wrap = !matches!(**atom, Node::Lit(..) | Node::Class(_) | Node::Dot(_) | Node::Group(..) | Node::Nothing);
                if wrap {
                    out.push_str("(?:");
                }
                self.node(atom, at_end && *max == Some(1), out);
                if wrap {
                    out.push(')');
                }
                match (min, max) {
                    (0, None) => out.push('*'),
                    (1, None) => out.push('+'),
                    (0, Some(1)) => out.push('?'),
                    (n, None) => out.push_str(&format!("{{{n},}}")),
                    (n, Some(m)) if n == m => out.push_str(&format!("{{{n}}}")),
                    (n, Some(m)) => out.push_str(&format!("{{{n},{m}}}")),
                }
                if matches!(greed, Greed::Lazy) {
                    out.push('?');
                }
                if possessive {
                    out.push(')');
                }
            }
            Node::Backref(r) => self.fancy(out, &format!(r"(?:\{r})")),
        }
    }
}

/// Strings built from a Java pattern's own parts (its literals, members of its classes, its
/// repetitions at and near their bounds, each alternative), `count` of them from a fixed seed:
/// likely matches, for tests that compare verdicts with Java's. Lookaround and
/// backreferences are skipped, so some samples do not match; that is fine for their use.
pub fn samples(java: &str, seed: u64, count: usize) -> Vec<String> {
    let mut p = Parser { c: unquote(java), i: 0, flags: Flags::default(), groups: 0 };
    let Ok(node) = p.alternation() else { return Vec::new() };
    let mut rng = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..count)
        .map(|_| {
            let mut out = String::new();
            sample(&node, &mut rng, &mut out);
            out
        })
        .collect()
}

fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    *state >> 33
}

fn sample(node: &Node, rng: &mut u64, out: &mut String) {
    let mut pick = |n: usize| (next_random(rng) as usize) % n.max(1);
    match node {
        Node::Lit(c, case) => out.push(if *case != Case::Exact && pick(2) == 0 { c.to_ascii_uppercase() } else { *c }),
        Node::Class(text) => {
            if let Ok(hir) = regex_syntax::Parser::new().parse(text) {
                if let HirKind::Class(Class::Unicode(set)) = hir.kind() {
                    if let Some(r) = set.ranges().get(pick(set.ranges().len())) {
                        let (lo, hi) = (r.start() as u32, r.end() as u32);
                        let at = [lo, hi, lo + (hi - lo) / 2][pick(3)];
                        out.extend(char::from_u32(at));
                    }
                }
            }
        }
        Node::Dot(_) => out.push(['a', 'Z', '.', 'é', '-'][pick(5)]),
        Node::LineBreak => out.push('\n'),
        Node::Concat(items) => items.iter().for_each(|n| sample(n, rng, out)),
        Node::Alt(alts) => {
            let k = pick(alts.len());
            sample(&alts[k], rng, out);
        }
        Node::Group(GroupKind::Capture(_) | GroupKind::NonCapture | GroupKind::Atomic, inner) => sample(inner, rng, out),
        Node::Repeat(atom, min, max, _) => {
            let top = max.unwrap_or(min + 3).min(min + 3);
            let n = min + pick((top - min + 1) as usize) as u32;
            for _ in 0..n {
                sample(atom, rng, out);
            }
        }
        _ => {}
    }
}

/// The runtime's `Pattern` for a translation, as generated validators construct it: tests
/// check the engine that runs, not a copy of it.
#[cfg(test)]
pub(crate) fn runtime_pattern(t: &Translated) -> smithygen_runtime::constraints::Pattern {
    use smithygen_runtime::constraints::Pattern;
    match t.engine {
        Engine::Regex => Pattern::regex(&t.text),
        Engine::Fancy => Pattern::fancy(&t.text),
        Engine::Counted { min, max, final_terminator } => Pattern::counted(&t.text, min, max, final_terminator),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verdict of the runtime's `Pattern`, built as generated validators build it.
    fn matches(java: &str, text: &str) -> bool {
        runtime_pattern(&translate(java).unwrap_or_else(|e| panic!("{java}: {e}"))).is_match(text)
    }

    #[test]
    fn every_table_entry_compiles_and_negates() {
        for (java, _) in TABLE {
            translate(&format!(r"^\p{{{java}}}+$")).unwrap();
            translate(&format!(r"^\P{{{java}}}+$")).unwrap();
            translate(&format!(r"^[a\p{{{java}}}]+$")).unwrap();
        }
        for (java, _) in IS_PROPERTIES {
            translate(&format!(r"^\p{{Is{java}}}+$")).unwrap();
            translate(&format!(r"^\P{{Is{}}}+$", java.to_lowercase())).unwrap();
        }
    }

    #[test]
    fn the_engine_is_regex_unless_a_construct_needs_fancy_regex() {
        for (p, engine) in [
            (r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*$", Engine::Regex),
            (r"^\A\S[\p{Print}]*\z$", Engine::Regex),
            (r"^(NEW_SESSION)$|^[a-z]+$", Engine::Regex),
            (r"(?i)abc\R", Engine::Regex),
            (r"^(?!.*\..*\.)[a-zA-Z0-9][a-zA-Z0-9-_\.]*$", Engine::Fancy),
            (r"^a$b", Engine::Fancy),
            (r"^a*+$", Engine::Fancy),
            (r"(a)\1", Engine::Fancy),
            (r"(?m)^a", Engine::Fancy),
        ] {
            assert_eq!(translate(p).unwrap().engine, engine, "{p}");
        }
    }

    #[test]
    fn lookahead_and_anchor_patterns_keep_their_java_meaning() {
        let filename = r"^(?!.*\..*\.)[a-zA-Z0-9][a-zA-Z0-9-_\.]*$";
        assert!(matches(filename, "result.json"));
        assert!(!matches(filename, "a..b"));
        assert!(!matches(filename, "a.b.c"));
        let extension = r"^(?!s3:|https:)[a-zA-Z0-9!_.*'()/-]+$";
        assert!(matches(extension, "run-1/out"));
        assert!(!matches(extension, "s3://x"));
        let id = r"^\A\S[\p{Print}]*\z$";
        assert!(matches(id, "user-42"));
        assert!(!matches(id, " leading"));
        assert!(!matches(id, "x\n"));
    }

    #[test]
    fn dollar_is_javas_dollar() {
        assert!(matches(r"^abc$", "abc\r\n"));
        assert!(!matches(r"\r$", "\r\n"));
        assert!(!matches(r"^abc$", "abc\nx"));
        assert!(matches(r"a$\n", "a\n"));
        assert!(matches(r"(?m)a$", "a\u{2028}b"));
    }

    #[test]
    fn case_folding_is_ascii_unless_u() {
        assert!(matches(r"(?i)k", "K"));
        assert!(!matches(r"(?i)k", "\u{212A}"));
        assert!(matches(r"(?iu)k", "\u{212A}"));
        assert!(matches(r"a(?i)b|c", "C"));
    }

    #[test]
    fn surrogates_and_classes() {
        assert!(matches(r"^[\uD800\uDC00-\uDBFF\uDFFF]$", "😀"));
        assert!(matches(r"^\uD83D\uDE00$", "😀"));
        assert!(!matches(r"\uD800", "😀"));
        assert!(matches(r"^[a-z&&[^aeiou]]+$", "bcd"));
        assert!(!matches(r"^[a-z&&[^aeiou]]+$", "abc"));
        assert!(matches(r"^\Qa.b\E$", "a.b"));
        assert!(!matches(r"^\Qa.b\E$", "axb"));
    }

    #[test]
    fn a_large_class_under_a_bounded_repetition_compiles_past_the_default_size_limit() {
        let t = translate(r"^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]{1,1024}$").expect("translates");
        assert!(regex::Regex::new(&t.text).is_err(), "the regex crate's default limit is exceeded");
        assert!(compile_regex(&t.text).expect("compiles with SIZE_LIMIT").is_match("héllo, wörld 1!"));
    }

    #[test]
    fn a_counted_class_past_the_size_limit_is_checked_by_counting_code_points() {
        for (java, atom, max) in [(r"^[^\p{C}]{1,2048}$", r"[^\p{C}]", 2048), (r"^.{1,100000}$", DOT, 100_000)] {
            let t = translate(java).expect("translates");
            assert_eq!(t.engine, Engine::Counted { min: 1, max: Some(max), final_terminator: true }, "{java}");
            assert_eq!(t.text, format!(r"\A(?:{atom})*\z"));
            let n = max as usize;
            assert!(matches(java, "a") && matches(java, &"a".repeat(n)) && !matches(java, &"a".repeat(n + 1)) && !matches(java, ""));
            assert!(matches(java, &"😀".repeat(n)) && !matches(java, &"😀".repeat(n + 1)), "a supplementary character counts once");
            assert!(matches(java, &format!("{}\n", "a".repeat(n))) && matches(java, "a\r\n") && !matches(java, "a\n\n"));
            assert!(!matches(java, "a\u{1}b") || java.starts_with("^."), "a control character is outside [^\\p{{C}}]");
        }
        assert!(!matches(r"^.{1,100000}$", "a\nb") && matches(r"^.{1,100000}$", "a\u{1}b"));
        assert!(matches(r"^[^\p{C}]{1,2048}$", "a\u{2028}") && !matches(r"^[^\p{C}]{1,2048}$", "a\u{2028}b\n\n"));
        assert!(matches(r"\A[^\p{C}]{2,2048}\z", "ab") && !matches(r"\A[^\p{C}]{2,2048}\z", "ab\n"));
        // Only that whole shape: a possessive repetition, `(?d)` or more pattern keep the
        // engine's error.
        for java in [r"^[^\p{C}]{1,2048}+$", r"^x[^\p{C}]{1,2048}$", r"^(?d)[^\p{C}]{1,2048}$"] {
            let e = translate(java).expect_err(java);
            assert!(!e.contains("(counted)"), "{java}: {e}");
        }
    }

    #[test]
    fn stacked_quantifiers_and_quantified_lookarounds_have_javas_meaning() {
        assert!(matches("^a{2}{3}$", "aa") && !matches("^a{2}{3}$", "aaaaaa"));
        assert!(matches("^(?!\\.)+a$", "a") && !matches("^(?!\\.)+a$", ".a"));
        assert!(matches("^x(?!\\.)*\\.$", "x."));
        assert!(matches(r"^\p{IsWhitespace}\p{all}$", "\u{2003}\n"));
        assert!(translate(r"\p{IsPrint}").is_err(), "Unicode POSIX forms have no translation");
        assert!(translate("a{2}*").is_err() && translate("a{2}{x}").is_err());
    }

    #[test]
    fn constructs_without_an_equivalent_are_errors_naming_them() {
        for (p, needle) in [
            (r"^\p{InKlingon}$", r"\p{InKlingon}"),
            (r"^\X$", r"\X"),
            (r"(?U)\w", "`U`"),
            (r"(?i)(a)\1", "backreference"),
            (r"(?i)\p{Lower}", r"inside `(?i)`"),
            ("^[abc", "not closed"),
            (r"^\p{Bogus}$", r"\p{Bogus}"),
            ("a{2", "repetition"),
        ] {
            let e = translate(p).unwrap_err();
            assert!(e.contains(needle), "{p}: {e}");
        }
    }
}
