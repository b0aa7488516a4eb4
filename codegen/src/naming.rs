//! The one naming authority: maps Smithy shape, member, operation and service names to Rust
//! identifiers and crate names.
//!
//! Every function returns a valid Rust identifier (or, for [`crate_name`], a valid crate name)
//! for any input, including empty, non-ASCII or symbol-only strings.
//!
//! # Word splitting
//!
//! Names are first split into lower-case ASCII words, following the ideas of smithy-rs'
//! `toSnakeCase`, which handles AWS naming better than plain case conversion:
//!
//! * any character that is not an ASCII letter or digit separates words (so `_`, `-`, `.`,
//!   spaces and non-ASCII characters never reach an identifier);
//! * a boundary falls before an upper-case letter that follows a lower-case letter or a digit
//!   (`InvokeEndpoint` → `invoke endpoint`, `S3Key` → `s3 key`, `Ec2Instance` → `ec2 instance`);
//! * in all-lower-case names a boundary falls between a digit and a letter (`s3key` → `s3 key`);
//! * an acronym ends before its last capital when a lower-case letter follows
//!   (`DBProxy` → `db proxy`, `RequestTTLSeconds` → `request ttl seconds`), except for a plural
//!   `s` (`ACLs` → `acls`, not `ac ls`) and a version suffix (`DynamoDBv2` → `dynamo dbv2`);
//! * `IPv4`, `IPv6`, `SigV4`, `MiB`, `GiB`, `KiB` and `TTL` stay whole words whatever their
//!   casing (`IPv6Address` → `ipv6 address`, `SizeInMiB` → `size in mib`).
//!
//! The words are then cased with `heck`: `snake_case` for fields and modules,
//! `UpperCamelCase` for types and variants (so acronyms are not kept upper-case:
//! `IPv6Address` → `Ipv6Address`, `STANDARD_IA` → `StandardIa`), `SCREAMING_SNAKE_CASE`
//! for constants.
//!
//! # Fixes after casing
//!
//! * A name with no letters or digits at all becomes `unnamed` / `Unnamed` / `UNNAMED`.
//! * A name that would start with a digit gets a leading `_` (`1test` → `_1_test`, `_1Test`).
//! * Rust keywords: fields use raw identifiers (`type` → `r#type`); the keywords that cannot be
//!   raw get a trailing `_` (`self` → `self_`, `crate_`, `super_`); modules always use a
//!   trailing `_` (`match_`), so file names stay plain; `Self` as a type or variant becomes
//!   `SelfValue` (and a real `SelfValue` becomes `SelfValue_`, so the two cannot collide).

use heck::{ToShoutySnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of every edition up to 2024 (`gen`), which cannot be plain
/// identifiers. Weak keywords such as `union` are valid identifiers and are not listed.
#[rustfmt::skip]
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers (`r#self` is rejected by rustc).
const NOT_RAW: &[&str] = &["Self", "crate", "self", "super"];

/// Words kept whole even though their casing suggests a boundary (compared lower-case).
const WHOLE_WORDS: &[&str] = &["ipv4", "ipv6", "sigv4", "mib", "gib", "kib", "ttl"];

/// Returns true if `s` is a Rust keyword (strict or reserved, any edition up to 2024) and so
/// cannot be used as a plain identifier.
pub fn is_rust_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Type name (`UpperCamelCase`) for a structure, union, enum or error shape name.
///
/// `InvokeEndpointInput` → `InvokeEndpointInput`, `ACLs` → `Acls`, `Self` → `SelfValue`.
pub fn type_name(smithy_name: &str) -> String {
    upper_camel_identifier(smithy_name)
}

/// Field and accessor name (`snake_case`) for a structure or union member name.
///
/// `RequestTTLSeconds` → `request_ttl_seconds`, `type` → `r#type`, `self` → `self_`.
pub fn field_name(member_name: &str) -> String {
    let name = fix_leading(snake_case(member_name), "unnamed");
    match name.as_str() {
        keyword if NOT_RAW.contains(&keyword) => format!("{keyword}_"),
        keyword if is_rust_keyword(keyword) => format!("r#{keyword}"),
        _ => name,
    }
}

/// Enum or union variant name (`UpperCamelCase`) for an enum member or union member name.
///
/// `STANDARD_IA` → `StandardIa`, `value-with-dash` → `ValueWithDash`, `1test` → `_1Test`.
pub fn variant_name(name: &str) -> String {
    upper_camel_identifier(name)
}

/// Methods every generated structure, builder or fluent builder has; a member
/// whose field name would clash with one gets a `_value` suffix, as smithy-rs does.
const GENERATED_METHODS: &[&str] = &[
    "build", "builder", "send", "send_boxed", "meta", "set_meta", "config_override", "as_input", "customize", "default",
];

/// Field name for a structure member: [`field_name`], then moved out of the way
/// of methods the generator itself emits (`meta` → `meta_value`).
pub fn member_field_name(member_name: &str) -> String {
    let name = field_name(member_name);
    if GENERATED_METHODS.contains(&name.as_str()) {
        format!("{name}_value")
    } else {
        name
    }
}

/// Variant name for an enum or union member: [`variant_name`], with `Unknown`
/// (the variant the generator adds for values of newer models) becoming `UnknownValue`.
pub fn member_variant_name(name: &str) -> String {
    let v = variant_name(name);
    if v == "Unknown" {
        "UnknownValue".to_string()
    } else {
        v
    }
}

/// Module name (`snake_case`) for `crate::operation::<module>`; keywords get a trailing `_`,
/// never `r#`, so the module's file name is plain.
///
/// `InvokeEndpointAsync` → `invoke_endpoint_async`, `Match` → `match_`.
pub fn module_name(operation_name: &str) -> String {
    let name = fix_leading(snake_case(operation_name), "unnamed");
    if is_rust_keyword(&name) {
        format!("{name}_")
    } else {
        name
    }
}

/// Crate name (kebab-case) for an `aws.api#service` `sdkId`.
///
/// Rule: lower-case the ASCII letters and digits, turn every run of other characters
/// (spaces, `_`, `-`, punctuation, non-ASCII) into one `-`, and never split inside a word:
/// `Kinesis Video Media` → `kinesis-video-media`, `ApiGatewayManagementApi` →
/// `apigatewaymanagementapi`. If the result is empty it is `unnamed`; if it starts with a
/// digit or its library name (`-` → `_`) is a keyword or a standard crate (`std`, `core`,
/// `alloc`, `test`, `proc_macro`), it gets the prefix `sdk-`.
pub fn crate_name(sdk_id: &str) -> String {
    let name = sdk_id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-");
    let library = name.replace('-', "_");
    let reserved = is_rust_keyword(&library)
        || matches!(
            library.as_str(),
            "std" | "core" | "alloc" | "test" | "proc_macro"
        );
    if name.is_empty() {
        "unnamed".to_string()
    } else if reserved || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("sdk-{name}")
    } else {
        name
    }
}

/// Constant name (`SCREAMING_SNAKE_CASE`): `maxResults` → `MAX_RESULTS`.
pub fn const_name(name: &str) -> String {
    fix_leading(snake_case(name).to_shouty_snake_case(), "UNNAMED")
}

/// `UpperCamelCase` identifier with the `Self` fix shared by types and variants.
fn upper_camel_identifier(name: &str) -> String {
    let name = fix_leading(snake_case(name).to_upper_camel_case(), "Unnamed");
    match name.as_str() {
        "Self" => "SelfValue".to_string(),
        "SelfValue" => "SelfValue_".to_string(),
        _ => name,
    }
}

/// Replaces an empty name by `fallback` and prefixes `_` to a name starting with a digit.
fn fix_leading(name: String, fallback: &str) -> String {
    if name.is_empty() {
        fallback.to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    }
}

/// Joins the words of `name` with `_`: a lower-case `snake_case` string of ASCII letters and
/// digits (possibly empty or starting with a digit).
fn snake_case(name: &str) -> String {
    split_words(name).join("_")
}

/// Splits a name into lower-case ASCII words (see the module documentation for the rules).
fn split_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let all_lower_case = !chars.iter().any(char::is_ascii_uppercase);
    let mut words = Vec::new();
    let mut word = String::new();
    for (index, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            finish_word(&mut word, &mut words);
            continue;
        }
        if !word.is_empty() && is_boundary(&word, &chars[index..], all_lower_case) {
            finish_word(&mut word, &mut words);
        }
        word.push(c);
    }
    finish_word(&mut word, &mut words);
    words
}

fn finish_word(word: &mut String, words: &mut Vec<String>) {
    if !word.is_empty() {
        words.push(word.to_ascii_lowercase());
        word.clear();
    }
}

/// Whether a word boundary falls between `word` (non-empty) and `rest[0]`.
fn is_boundary(word: &str, rest: &[char], all_lower_case: bool) -> bool {
    let last = word.chars().last().unwrap_or(' ');
    let c = rest[0];
    if !whole_word_in_progress(word, rest) {
        // invokeEndpoint, S3Key
        if c.is_ascii_uppercase() && (last.is_ascii_lowercase() || last.is_ascii_digit()) {
            return true;
        }
        // s3key, in all-lower-case names only
        if all_lower_case && last.is_ascii_digit() && c.is_ascii_lowercase() {
            return true;
        }
    }
    ends_acronym(last, c, rest.get(1).copied(), rest.get(2).copied())
}

/// Whether `word` plus what follows is spelling out one of [`WHOLE_WORDS`] not yet complete.
fn whole_word_in_progress(word: &str, rest: &[char]) -> bool {
    let word = word.to_ascii_lowercase();
    if WHOLE_WORDS.contains(&word.as_str()) {
        return false;
    }
    let ahead: String = rest.iter().take(5).map(char::to_ascii_lowercase).collect();
    let candidate = word + &ahead;
    WHOLE_WORDS.iter().any(|whole| candidate.starts_with(whole))
}

/// `DB[P]roxy`, `IAM[U]ser`: an upper-case run ends before a capital followed by lower case,
/// but not in `AC[L]s` (plural) or `DynamoD[B]v2` (version suffix).
fn ends_acronym(last: char, c: char, peek: Option<char>, double_peek: Option<char>) -> bool {
    if !(last.is_ascii_uppercase() && c.is_ascii_uppercase()) {
        return false;
    }
    let Some(peek) = peek.filter(char::is_ascii_lowercase) else {
        return false;
    };
    let plural = peek == 's' && !double_peek.is_some_and(|d| d.is_ascii_lowercase());
    let version = peek == 'v' && double_peek.is_some_and(|d| d.is_ascii_digit());
    !plural && !version
}

#[cfg(test)]
mod reserved_tests {
    use super::*;

    #[test]
    fn generated_method_names_are_reserved() {
        assert_eq!(member_field_name("Meta"), "meta_value");
        assert_eq!(member_field_name("Build"), "build_value");
        assert_eq!(member_field_name("Body"), "body");
        assert_eq!(member_variant_name("UNKNOWN"), "UnknownValue");
        assert_eq!(member_variant_name("Known"), "Known");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    use serde_json::Value;

    /// Parses as one identifier token (raw identifiers included), as `quote::format_ident!` needs.
    fn assert_ident(what: &str, input: &str, output: &str) {
        let parsed = syn::parse_str::<syn::Ident>(output);
        assert!(
            parsed.is_ok(),
            "{what}({input:?}) = {output:?} is not a valid identifier"
        );
        assert_eq!(
            parsed.unwrap().to_string(),
            output,
            "{what}({input:?}) round trip"
        );
    }

    fn assert_all_valid(input: &str) {
        assert_ident("type_name", input, &type_name(input));
        assert_ident("field_name", input, &field_name(input));
        assert_ident("variant_name", input, &variant_name(input));
        assert_ident("module_name", input, &module_name(input));
        assert_ident("const_name", input, &const_name(input));
        let krate = crate_name(input);
        assert_ident("crate_name (as library)", input, &krate.replace('-', "_"));
        assert!(
            krate.split('-').all(|part| !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "crate_name({input:?}) = {krate:?}"
        );
        assert!(
            !module_name(input).starts_with("r#"),
            "module_name({input:?}) is raw"
        );
    }

    type NamedFn = (&'static str, fn(&str) -> String);

    /// Converting an already converted name changes nothing, so callers may convert twice.
    /// (Holds for real names; not for runs of one-letter words: `a_b` → `AB` → `Ab`.)
    fn assert_idempotent(input: &str) {
        let functions: [NamedFn; 5] = [
            ("type_name", type_name),
            ("variant_name", variant_name),
            ("module_name", module_name),
            ("const_name", const_name),
            ("crate_name", crate_name),
        ];
        for (what, function) in functions {
            let once = function(input);
            assert_eq!(function(&once), once, "{what}({input:?}) is not idempotent");
        }
        let field = field_name(input);
        if !field.starts_with("r#") {
            assert_eq!(
                field_name(&field),
                field,
                "field_name({input:?}) is not idempotent"
            );
        }
    }

    #[test]
    fn field_names() {
        let cases = [
            ("InvokeEndpointAsync", "invoke_endpoint_async"),
            ("ACLs", "acls"),
            ("RequestTTLSeconds", "request_ttl_seconds"),
            ("S3Key", "s3_key"),
            ("s3key", "s3_key"),
            ("Ec2Instance", "ec2_instance"),
            ("IPv6Address", "ipv6_address"),
            ("SizeInMiB", "size_in_mib"),
            ("DBProxy", "db_proxy"),
            ("ARNSupport", "arn_support"),
            ("ARNs", "arns"),
            ("DynamoDBv2", "dynamo_dbv2"),
            ("HTTPSConnection", "https_connection"),
            ("fooBar", "foo_bar"),
            ("EndpointName", "endpoint_name"),
            ("x-amz-meta", "x_amz_meta"),
            ("__leading", "leading"),
            ("trailing_", "trailing"),
            ("1test", "_1_test"),
            ("type", "r#type"),
            ("Type", "r#type"),
            ("match", "r#match"),
            ("gen", "r#gen"),
            ("extern", "r#extern"),
            ("self", "self_"),
            ("Self", "self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            ("union", "union"),
            ("", "unnamed"),
            ("_", "unnamed"),
            ("$%^", "unnamed"),
            ("Größe", "gr_e"),
        ];
        for (input, expected) in cases {
            assert_eq!(field_name(input), expected, "field_name({input:?})");
        }
    }

    #[test]
    fn type_and_variant_names() {
        let types = [
            ("InvokeEndpointInput", "InvokeEndpointInput"),
            ("ACLs", "Acls"),
            ("IPv6Address", "Ipv6Address"),
            ("S3Key", "S3Key"),
            ("ModelError", "ModelError"),
            ("lowerCamel", "LowerCamel"),
            ("Self", "SelfValue"),
            ("SelfValue", "SelfValue_"),
            ("self", "SelfValue"),
            ("Option", "Option"),
            ("", "Unnamed"),
        ];
        for (input, expected) in types {
            assert_eq!(type_name(input), expected, "type_name({input:?})");
        }
        let variants = [
            ("STANDARD_IA", "StandardIa"),
            ("GLACIER", "Glacier"),
            ("value-with-dash", "ValueWithDash"),
            ("1test", "_1Test"),
            ("Self", "SelfValue"),
            ("a1.2xlarge", "A12Xlarge"),
            ("application/json", "ApplicationJson"),
            ("", "Unnamed"),
        ];
        for (input, expected) in variants {
            assert_eq!(variant_name(input), expected, "variant_name({input:?})");
        }
    }

    #[test]
    fn module_crate_and_const_names() {
        let modules = [
            ("InvokeEndpointAsync", "invoke_endpoint_async"),
            ("PostToConnection", "post_to_connection"),
            ("Match", "match_"),
            ("Self", "self_"),
            ("Type", "type_"),
            ("", "unnamed"),
        ];
        for (input, expected) in modules {
            assert_eq!(module_name(input), expected, "module_name({input:?})");
        }
        let crates = [
            ("Kinesis Video Media", "kinesis-video-media"),
            ("Bedrock Runtime", "bedrock-runtime"),
            ("ApiGatewayManagementApi", "apigatewaymanagementapi"),
            ("API Gateway", "api-gateway"),
            ("Rest Json Protocol", "rest-json-protocol"),
            ("JSON RPC 10", "json-rpc-10"),
            ("S3", "s3"),
            ("some_thing  -- else", "some-thing-else"),
            ("IoT 1Click", "iot-1click"),
            ("1Click", "sdk-1click"),
            ("Type", "sdk-type"),
            ("std", "sdk-std"),
            ("", "unnamed"),
        ];
        for (input, expected) in crates {
            assert_eq!(crate_name(input), expected, "crate_name({input:?})");
        }
        let consts = [
            ("maxResults", "MAX_RESULTS"),
            ("RequestTTLSeconds", "REQUEST_TTL_SECONDS"),
            ("1x", "_1_X"),
            ("", "UNNAMED"),
        ];
        for (input, expected) in consts {
            assert_eq!(const_name(input), expected, "const_name({input:?})");
        }
    }

    #[test]
    fn keywords() {
        for keyword in [
            "type", "match", "self", "Self", "super", "crate", "async", "try", "gen", "dyn",
            "yield",
        ] {
            assert!(is_rust_keyword(keyword), "{keyword}");
        }
        for word in ["union", "Type", "SELF", "", "r#type", "foo"] {
            assert!(!is_rust_keyword(word), "{word}");
        }
        for keyword in KEYWORDS {
            assert_all_valid(keyword);
        }
    }

    #[test]
    fn odd_inputs_give_identifiers() {
        let odd = [
            "",
            " ",
            "_",
            "__",
            "-",
            "r#type",
            "r#",
            "#",
            "0",
            "007",
            "1test",
            "ÅngströmÜber",
            "日本語",
            "名前Name",
            "a\u{0}b",
            "\u{202E}evil",
            "foo bar baz",
            "SCREAMING_CASE",
            "a.b.c",
            "$ref",
            "@type",
            "'quoted'",
            "Self",
            "SelfValue",
            "self_",
            "_self",
            "crate",
            "🦀",
            "TTL",
            "ttl",
            "IPv4",
            "ipv6",
            "MiBs",
            "v2",
        ];
        for input in odd {
            assert_all_valid(input);
        }
    }

    // ------------------------------------------------------------------ real models

    fn model_files() -> Vec<PathBuf> {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![
            manifest.join("../models"),
            manifest.join("../../shared/models/upstream"),
            manifest.join("../../shared/conformance"),
        ];
        dirs.retain(|dir| dir.is_dir());
        let mut files: Vec<PathBuf> = dirs
            .iter()
            .filter_map(|dir| std::fs::read_dir(dir).ok())
            .flatten()
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        if !files.iter().any(|f| f.to_string_lossy().contains("shared")) {
            eprintln!("notice: ../../shared models not found; checking repository models only");
        }
        files
    }

    fn shapes(path: &Path) -> Vec<(String, Value)> {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        json.get("shapes")
            .and_then(Value::as_object)
            .map(|shapes| {
                shapes
                    .iter()
                    .map(|(id, shape)| (id.clone(), shape.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn members(shape: &Value) -> Vec<(&str, &Value)> {
        shape
            .get("members")
            .and_then(Value::as_object)
            .map(|members| {
                members
                    .iter()
                    .map(|(name, member)| (name.as_str(), member))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn shape_type(shape: &Value) -> &str {
        shape.get("type").and_then(Value::as_str).unwrap_or("")
    }

    #[test]
    fn every_real_name_gives_identifiers() {
        let mut corpus = BTreeSet::new();
        for file in model_files() {
            for (id, shape) in shapes(&file) {
                corpus.insert(id.rsplit('#').next().unwrap_or(&id).to_string());
                for (name, member) in members(&shape) {
                    corpus.insert(name.to_string());
                    if let Some(value) = member
                        .pointer("/traits/smithy.api#enumValue")
                        .and_then(Value::as_str)
                    {
                        corpus.insert(value.to_string());
                    }
                }
                if let Some(sdk_id) = shape
                    .pointer("/traits/aws.api#service/sdkId")
                    .and_then(Value::as_str)
                {
                    corpus.insert(sdk_id.to_string());
                }
            }
        }
        assert!(corpus.len() > 100, "corpus too small: {}", corpus.len());
        for name in &corpus {
            assert_all_valid(name);
            assert_idempotent(name);
        }
    }

    /// Groups `(group, source name)` pairs by generated name and reports generated names that
    /// two different source names share.
    fn collisions(pairs: impl IntoIterator<Item = (String, String, String)>) -> Vec<String> {
        let mut seen: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        for (group, source, generated) in pairs {
            seen.entry((group, generated)).or_default().insert(source);
        }
        seen.into_iter()
            .filter(|(_, sources)| sources.len() > 1)
            .map(|((group, generated), sources)| format!("{group}: {sources:?} -> {generated}"))
            .collect()
    }

    #[test]
    fn real_models_have_no_name_collisions() {
        let mut pairs = Vec::new();
        for file in model_files() {
            let file_name = file
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            for (id, shape) in shapes(&file) {
                let (namespace, name) = id.split_once('#').unwrap_or(("", &id));
                let kind = shape_type(&shape);
                if matches!(kind, "structure" | "union" | "enum" | "intEnum") {
                    pairs.push((
                        format!("{file_name} {namespace} types"),
                        name.to_string(),
                        type_name(name),
                    ));
                }
                if kind == "operation" {
                    pairs.push((
                        format!("{file_name} {namespace} operations"),
                        name.to_string(),
                        module_name(name),
                    ));
                }
                for (member, _) in members(&shape) {
                    let generated = match kind {
                        "structure" => field_name(member),
                        "union" | "enum" | "intEnum" => variant_name(member),
                        _ => continue,
                    };
                    pairs.push((format!("{file_name} {id}"), member.to_string(), generated));
                }
            }
        }
        let found = collisions(pairs);
        assert!(found.is_empty(), "name collisions:\n{}", found.join("\n"));
    }
}
