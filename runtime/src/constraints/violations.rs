//! Constraint violations found in an operation's input, and their two wordings.
//!
//! Generated validators walk the typed input, [`Violations::enter`] each member, list index
//! or map key, and call the `check_*` methods, which record a [`Violation`] at the current
//! path. The result is worded either as the Smithy framework `ValidationException`
//! (`Violations::framework_response`, feature `server`: `server::rejection`, so that this
//! module, shared with the client, does not import the server), as AWS services word their own
//! validation errors ([`Violations::aws_message`]), or for a client error that names each
//! member, constraint and length ([`Violation::client_message`]).

use std::collections::HashSet;
use std::hash::Hash;

/// One step of the path to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A structure or union member, by its model name.
    Member(&'static str),
    /// A list element (zero-based).
    Index(usize),
    /// A map value, by key.
    Key(String),
}

/// The constraint a value failed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Constraint {
    /// `@required`: the member is missing or null.
    Required,
    /// `@length`: characters of a string, bytes of a blob, entries of a list or map.
    Length {
        /// The length found.
        actual: usize,
        /// The minimum, inclusive.
        min: Option<u64>,
        /// The maximum, inclusive.
        max: Option<u64>,
    },
    /// `@range`, with bounds as written in the model.
    Range {
        /// The minimum, inclusive.
        min: Option<&'static str>,
        /// The maximum, inclusive.
        max: Option<&'static str>,
        /// Whether the value is below the minimum (else above the maximum).
        below: bool,
    },
    /// `@pattern`, as written in the model.
    Pattern(&'static str),
    /// An enum value outside the modeled set.
    Enum(&'static [&'static str]),
    /// `@uniqueItems`: a list holds equal items.
    UniqueItems,
}

/// A constraint a value failed, where, and the value when it may be shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Where the value is, from the input's top.
    pub path: Vec<Step>,
    /// What it failed.
    pub constraint: Constraint,
    /// The value as text, when it is a scalar and not `@sensitive`.
    pub value: Option<String>,
    /// The value's length, for strings (Unicode scalar values), blobs (bytes), lists and maps
    /// (entries); shown even for a `@sensitive` value, whose text never is.
    pub length: Option<usize>,
}

impl Violation {
    /// `/member/0/key`: the path as the framework `ValidationException` writes it.
    pub fn framework_path(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            out.push('/');
            match step {
                Step::Member(m) => out.push_str(m),
                Step::Index(i) => out.push_str(&i.to_string()),
                Step::Key(k) => out.push_str(k),
            }
        }
        out
    }

    /// `member.list.1.member.key`: the path as AWS services write it (members in lower camel
    /// case, list elements one-based followed by `.member`, map values by key).
    pub fn aws_path(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for step in &self.path {
            match step {
                Step::Member(m) => parts.push(lower_camel(m)),
                Step::Index(i) => {
                    parts.push((i + 1).to_string());
                    parts.push("member".into());
                }
                Step::Key(k) => parts.push(k.clone()),
            }
        }
        parts.join(".")
    }

    /// The framework wording: `Value with length 1 at '/a' failed to satisfy constraint: ...`.
    pub fn framework_message(&self) -> String {
        let at = match &self.constraint {
            Constraint::Length { actual, .. } => format!("Value with length {actual} at"),
            _ => "Value at".to_string(),
        };
        format!("{at} '{}' failed to satisfy constraint: {}", self.framework_path(), self.framework_rule())
    }

    /// The AWS wording: `Value 'x' at 'endpointName' failed to satisfy constraint: ...`;
    /// `Value null at` for missing members, `Value at` when the value is not shown.
    pub fn aws_message(&self) -> String {
        let value = match (&self.constraint, &self.value) {
            (Constraint::Required, _) => "Value null".to_string(),
            (_, Some(v)) => format!("Value '{v}'"),
            (_, None) => "Value".to_string(),
        };
        format!("{value} at '{}' failed to satisfy constraint: {}", self.aws_path(), self.aws_rule())
    }

    /// `Tags[2].Key`: the path with members by model name, list elements zero-based and map
    /// values by key, as the client's error names the member.
    pub fn member_path(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Member(m) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(m);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
                Step::Key(k) => out.push_str(&format!("[{k:?}]")),
            }
        }
        out
    }

    /// The client's wording: `` `EndpointName` (length 70, value 'a..'): Member must have length
    /// less than or equal to 63 ``. The value is shown only when it may be (not `@sensitive`),
    /// and cut to its first 64 characters; the length always, when the value has one.
    pub fn client_message(&self) -> String {
        const SHOWN: usize = 64;
        let mut facts = Vec::new();
        if let Some(length) = self.length {
            facts.push(format!("length {length}"));
        }
        match (&self.constraint, &self.value) {
            (Constraint::Required, _) => facts.push("missing".to_string()),
            (_, Some(v)) if v.chars().count() > SHOWN => {
                facts.push(format!("value '{}...'", v.chars().take(SHOWN).collect::<String>()))
            }
            (_, Some(v)) => facts.push(format!("value '{v}'")),
            (_, None) => {}
        }
        format!("`{}` ({}): {}", self.member_path(), facts.join(", "), self.aws_rule())
    }

    fn framework_rule(&self) -> String {
        match &self.constraint {
            Constraint::Required => "Member must not be null".into(),
            Constraint::Length { min, max, .. } => match (min, max) {
                (Some(a), Some(b)) => format!("Member must have length between {a} and {b}, inclusive"),
                (Some(a), None) => format!("Member must have length greater than or equal to {a}"),
                (None, Some(b)) => format!("Member must have length less than or equal to {b}"),
                (None, None) => "Member must have a valid length".into(),
            },
            Constraint::Range { min, max, .. } => match (min, max) {
                (Some(a), Some(b)) => format!("Member must be between {a} and {b}, inclusive"),
                (Some(a), None) => format!("Member must be greater than or equal to {a}"),
                (None, Some(b)) => format!("Member must be less than or equal to {b}"),
                (None, None) => "Member must be in range".into(),
            },
            Constraint::Pattern(p) => format!("Member must satisfy regular expression pattern: {p}"),
            Constraint::Enum(values) => format!("Member must satisfy enum value set: [{}]", values.join(", ")),
            Constraint::UniqueItems => "Member must have unique values".into(),
        }
    }

    fn aws_rule(&self) -> String {
        match &self.constraint {
            // AWS names the bound that was crossed.
            Constraint::Length { actual, min, max } => match (min, max) {
                (Some(a), _) if (*actual as u64) < *a => format!("Member must have length greater than or equal to {a}"),
                (_, Some(b)) => format!("Member must have length less than or equal to {b}"),
                _ => self.framework_rule(),
            },
            Constraint::Range { min, max, below } => match (min, max) {
                (Some(a), _) if *below => format!("Member must have value greater than or equal to {a}"),
                (_, Some(b)) => format!("Member must have value less than or equal to {b}"),
                _ => self.framework_rule(),
            },
            _ => self.framework_rule(),
        }
    }
}

fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The violations found so far and where the validator is.
#[derive(Debug, Default)]
pub struct Violations {
    path: Vec<(Step, bool)>,
    found: Vec<Violation>,
}

impl Violations {
    /// No violations, at the top of the input.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The violations found, in the order found.
    pub fn violations(&self) -> &[Violation] {
        &self.found
    }

    /// Steps into a member; `sensitive` hides its value (and everything below) from messages.
    pub fn enter(&mut self, member: &'static str, sensitive: bool) {
        self.path.push((Step::Member(member), sensitive));
    }

    /// Steps into a list element.
    pub fn enter_index(&mut self, index: usize) {
        self.path.push((Step::Index(index), false));
    }

    /// Steps into a map value.
    pub fn enter_key(&mut self, key: &str) {
        self.path.push((Step::Key(key.to_string()), false));
    }

    /// Steps back out of the last [`enter`](Self::enter), `enter_index` or `enter_key`.
    pub fn leave(&mut self) {
        self.path.pop();
    }

    fn sensitive(&self) -> bool {
        self.path.iter().any(|(_, s)| *s)
    }

    /// Records a violation at the current path; `value` is dropped when sensitive, `length`
    /// (of the value, when it has one) is kept.
    pub fn push(&mut self, constraint: Constraint, value: Option<String>, length: Option<usize>) {
        let value = if self.sensitive() { None } else { value };
        let path = self.path.iter().map(|(s, _)| s.clone()).collect();
        self.found.push(Violation { path, constraint, value, length });
    }

    /// `@required` member missing.
    pub fn missing(&mut self) {
        self.push(Constraint::Required, None, None);
    }

    /// `@length` of a string: Unicode scalar values.
    pub fn check_string_length(&mut self, value: &str, min: Option<u64>, max: Option<u64>) {
        let actual = value.chars().count();
        if out_of(actual, min, max) {
            self.push(Constraint::Length { actual, min, max }, Some(value.to_string()), Some(actual));
        }
    }

    /// `@length` of a blob (bytes), list or map (entries): the value is never shown.
    pub fn check_length(&mut self, actual: usize, min: Option<u64>, max: Option<u64>) {
        if out_of(actual, min, max) {
            self.push(Constraint::Length { actual, min, max }, None, Some(actual));
        }
    }

    /// `@range` of an integer type. Bounds are given both as numbers and as model text.
    pub fn check_range_int(
        &mut self,
        value: i64,
        min: Option<(i64, &'static str)>,
        max: Option<(i64, &'static str)>,
    ) {
        let below = min.is_some_and(|(m, _)| value < m);
        if below || max.is_some_and(|(m, _)| value > m) {
            self.push(Constraint::Range { min: min.map(|m| m.1), max: max.map(|m| m.1), below }, Some(value.to_string()), None);
        }
    }

    /// `@range` of a float, double or big number (compared as `f64`); NaN fails any bound.
    pub fn check_range_float(
        &mut self,
        value: f64,
        min: Option<(f64, &'static str)>,
        max: Option<(f64, &'static str)>,
    ) {
        let below = min.is_some_and(|(m, _)| value.is_nan() || value < m);
        let above = max.is_some_and(|(m, _)| value.is_nan() || value > m);
        if below || above {
            self.push(Constraint::Range { min: min.map(|m| m.1), max: max.map(|m| m.1), below }, Some(value.to_string()), None);
        }
    }

    /// `@pattern`: `matched` is the compiled pattern's verdict, `pattern` the model's text.
    pub fn check_pattern(&mut self, value: &str, matched: bool, pattern: &'static str) {
        if !matched {
            self.push(Constraint::Pattern(pattern), Some(value.to_string()), Some(value.chars().count()));
        }
    }

    /// Enum membership of a string enum's wire value: `allowed` are accepted, `shown` (the
    /// values not marked `@internal`) are listed in the message.
    pub fn check_enum(&mut self, value: &str, allowed: &[&str], shown: &'static [&'static str]) {
        if !allowed.contains(&value) {
            self.push(Constraint::Enum(shown), Some(value.to_string()), Some(value.chars().count()));
        }
    }

    /// Enum membership of an intEnum's value; `texts` lists the allowed values for messages.
    pub fn check_int_enum(&mut self, value: i32, allowed: &[i32], texts: &'static [&'static str]) {
        if !allowed.contains(&value) {
            self.push(Constraint::Enum(texts), Some(value.to_string()), None);
        }
    }

    /// `@uniqueItems` for items that hash (strings, integers, booleans, blobs, enums, ...).
    pub fn check_unique_hashed<T: Hash + Eq>(&mut self, items: impl IntoIterator<Item = T>) {
        let mut seen = HashSet::new();
        if !items.into_iter().all(|i| seen.insert(i)) {
            self.push(Constraint::UniqueItems, None, None);
        }
    }

    /// `@uniqueItems` for items that only compare (structures, unions, nested lists).
    pub fn check_unique<T: PartialEq>(&mut self, items: &[T]) {
        let dup = items.iter().enumerate().any(|(i, a)| items[..i].contains(a));
        if dup {
            self.push(Constraint::UniqueItems, None, Some(items.len()));
        }
    }

    /// `N validation error(s) detected. <first>; <second>` in the framework wording.
    pub fn framework_message(&self) -> String {
        summary(&self.found, ". ", Violation::framework_message)
    }

    /// `N validation error(s) detected: <first>; <second>` in the AWS wording.
    pub fn aws_message(&self) -> String {
        summary(&self.found, ": ", Violation::aws_message)
    }

    /// The violations, as the client's error words them: `N validation error(s) detected:
    /// <first>; <second>` in [`Violation::client_message`]'s wording.
    pub fn client_message(&self) -> String {
        summary(&self.found, ": ", Violation::client_message)
    }

    /// Takes the violations found, leaving none.
    pub fn into_violations(self) -> Vec<Violation> {
        self.found
    }
}

fn out_of(actual: usize, min: Option<u64>, max: Option<u64>) -> bool {
    let actual = actual as u64;
    min.is_some_and(|m| actual < m) || max.is_some_and(|m| actual > m)
}

fn summary(found: &[Violation], sep: &str, word: fn(&Violation) -> String) -> String {
    let n = found.len();
    let plural = if n == 1 { "" } else { "s" };
    let parts: Vec<String> = found.iter().map(word).collect();
    format!("{n} validation error{plural} detected{sep}{}", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framework_wording_matches_the_protocol_tests() {
        let mut v = Violations::new();
        v.enter("string", false);
        v.check_string_length("👍", Some(2), Some(8));
        v.leave();
        assert_eq!(
            v.framework_message(),
            "1 validation error detected. Value with length 1 at '/string' failed to satisfy constraint: Member must have length between 2 and 8, inclusive"
        );
        let mut v = Violations::new();
        v.enter("list", false);
        v.enter_index(0);
        v.check_enum("XYZ", &["abc", "def", "ghi", "jkl"], &["abc", "def", "jkl"]);
        assert_eq!(
            v.violations()[0].framework_message(),
            "Value at '/list/0' failed to satisfy constraint: Member must satisfy enum value set: [abc, def, jkl]"
        );
    }

    #[test]
    fn aws_wording_names_the_crossed_bound_and_hides_sensitive_values() {
        let mut v = Violations::new();
        v.enter("EndpointName", false);
        v.check_pattern("bad_name", false, "^[a-zA-Z0-9](-*[a-zA-Z0-9])*$");
        v.check_string_length(&"x".repeat(64), Some(0), Some(63));
        v.leave();
        v.enter("CustomAttributes", true);
        v.check_pattern("secret\u{7f}", false, "^\\p{ASCII}*$");
        v.leave();
        v.enter("RequestTTLSeconds", false);
        v.check_range_int(5, Some((60, "60")), Some((21600, "21600")));
        v.leave();
        v.enter("InputLocation", false);
        v.missing();
        v.leave();
        let m = v.aws_message();
        assert!(m.starts_with("5 validation errors detected: Value 'bad_name' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*$; "), "{m}");
        assert!(m.contains("at 'endpointName' failed to satisfy constraint: Member must have length less than or equal to 63"), "{m}");
        assert!(m.contains("; Value at 'customAttributes' failed"), "{m}");
        assert!(m.contains("Value '5' at 'requestTTLSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"), "{m}");
        assert!(m.ends_with("Value null at 'inputLocation' failed to satisfy constraint: Member must not be null"), "{m}");
    }

    #[test]
    fn client_wording_names_member_constraint_and_length_never_a_sensitive_value() {
        let mut v = Violations::new();
        v.enter("EndpointName", false);
        v.check_string_length(&"e".repeat(70), Some(1), Some(63));
        v.leave();
        v.enter("CustomAttributes", true);
        v.check_pattern("top-secret\u{7f}", false, "\\p{ASCII}*");
        v.leave();
        v.enter("Tags", false);
        v.enter_index(2);
        v.enter("Key", false);
        v.missing();
        v.leave();
        v.leave();
        v.leave();
        let m = v.client_message();
        assert!(m.starts_with("3 validation errors detected: `EndpointName` (length 70, value 'eeee"), "{m}");
        assert!(m.contains("...'): Member must have length less than or equal to 63; "), "{m}");
        assert!(m.contains("`CustomAttributes` (length 11): Member must satisfy regular expression pattern: \\p{ASCII}*; "), "{m}");
        assert!(!m.contains("top-secret"), "{m}");
        assert!(m.ends_with("`Tags[2].Key` (missing): Member must not be null"), "{m}");
    }

    #[cfg(feature = "server")]
    #[test]
    fn unique_items_and_paths() {
        use serde_json::Value;
        let mut v = Violations::new();
        v.enter("Tags", false);
        v.check_unique_hashed(["a", "b", "a"]);
        v.enter_index(2);
        v.enter("Key", false);
        v.missing();
        assert_eq!(v.violations()[0].constraint, Constraint::UniqueItems);
        assert_eq!(v.violations()[1].aws_path(), "tags.3.member.key");
        assert_eq!(v.violations()[1].framework_path(), "/Tags/2/Key");
        let resp = v.framework_response();
        assert_eq!(resp.status(), 400);
        assert_eq!(resp.headers()["x-amzn-errortype"], "ValidationException");
        let body: Value = serde_json::from_slice(resp.body()).unwrap();
        assert_eq!(body["fieldList"][1]["path"], "/Tags/2/Key");
        assert!(body["message"].as_str().unwrap().starts_with("2 validation errors detected. "));
    }
}
