//! Input: one clap subcommand per operation, and the canonical input JSON collected from
//! `--cli-input-json` / `--cli-input-yaml` and the options (which override them).
//!
//! Canonical input uses the member names of the model as keys; blobs are base64 text and
//! timestamps ISO 8601 text or epoch seconds, whatever form the user gave them in.

use crate::config::BinaryFormat;
use crate::error::CliError;
use crate::spec::{Kind, MemberSpec, OperationSpec};
use aws_smithy_types::base64;
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Map, Value};

pub(crate) fn first_sentence(docs: &str) -> String {
    let para = docs.split("\n\n").next().unwrap_or_default();
    match para.find(". ") {
        Some(i) => para[..=i].to_string(),
        None => para.to_string(),
    }
}

/// Options every operation command has besides its members' (with the global options).
const OPERATION_OPTIONS: &[&str] = &["cli-input-json", "cli-input-yaml", "generate-cli-skeleton", "help", "version"];

/// The option of a member: its kebab-case name, or `<name>-value` when that name is taken by a
/// global option or one every command has (a member named `Output` or `Region`), so no model can
/// make two options share a name.
pub fn option_name(m: &MemberSpec) -> String {
    let taken = |name: &str| OPERATION_OPTIONS.contains(&name) || crate::config::GLOBAL_OPTIONS.contains(&name);
    if taken(m.option) || (matches!(m.kind, Kind::Boolean) && taken(&format!("no-{}", m.option))) {
        format!("{}-value", m.option)
    } else {
        m.option.to_string()
    }
}

/// How to give a value of the kind on the command line, for `--help`.
fn syntax_help(kind: &Kind) -> &'static str {
    match kind {
        Kind::List(item) if !item.is_json() => "Several values, separated by spaces (`--x a b c`), or a JSON list.",
        Kind::List(_) => "Several values, separated by spaces, each a JSON object or shorthand `Key=value,Key2=value2`; or one JSON list.",
        Kind::Structure(_) | Kind::Union(_) => "JSON (`{\"Key\": \"value\"}`) or shorthand `Key=value,Key2=value2` (nested: `Key={A=1}`, lists: `Key=[a,b]`).",
        Kind::Map(_) => "JSON (`{\"key\": \"value\"}`) or shorthand `key1=value1,key2=value2`.",
        Kind::Document => "JSON, any value.",
        Kind::Blob => "`fileb://PATH` (raw bytes), `file://PATH` or inline text, read per `--cli-binary-format`.",
        _ => "",
    }
}

/// Adds the option of member `m` under the clap id `id` (`--x`, or `--x`/`--no-x` for a
/// boolean), its help from the model's docs followed by `note`.
pub(crate) fn member_arg(cmd: Command, m: &'static MemberSpec, id: String, note: &str) -> Command {
    let option = option_name(m);
    let syntax = syntax_help(&m.kind);
    let long_help = format!(
        "{}\n\n({}{}){}{}{}",
        if m.docs.is_empty() { "(no documentation in the model)" } else { m.docs },
        m.kind.type_name(),
        if m.required { ", required" } else { "" },
        if syntax.is_empty() { "" } else { " " },
        syntax,
        note,
    );
    let arg = Arg::new(id.clone()).long(option.clone()).help(first_sentence(m.docs)).long_help(long_help);
    if matches!(m.kind, Kind::Boolean) {
        cmd.arg(arg.action(ArgAction::SetTrue)).arg(
            Arg::new(format!("no-{option}"))
                .long(format!("no-{option}"))
                .action(ArgAction::SetTrue)
                .conflicts_with(id)
                .help(format!("Sets {} to false.", m.name)),
        )
    } else if matches!(m.kind, Kind::List(_)) {
        // The AWS CLI takes a list as several values after one option.
        cmd.arg(arg.value_name(m.kind.type_name()).num_args(1..).action(ArgAction::Append))
    } else {
        cmd.arg(arg.value_name(m.kind.type_name()).action(ArgAction::Set))
    }
}

/// The subcommand of one operation: one option per input member, `--help` from the model (the
/// options of an input event stream are added by the `events` module, which builds on this one).
pub fn operation_command(op: &'static OperationSpec) -> Command {
    operation_command_without(op, &[])
}

/// [`operation_command`] without the options of members named like one in `taken`: options
/// the command line gives another meaning replace the member's, as in the AWS CLI's argument
/// table (ACM's `MaxItems` page size gives way to the pagination option `--max-items`; the page
/// size is then `--page-size`).
pub fn operation_command_without(op: &'static OperationSpec, taken: &[&str]) -> Command {
    let mut cmd = Command::new(op.command).about(first_sentence(op.docs)).long_about(op.docs);
    for m in op.input.iter().filter(|m| !taken.contains(&option_name(m).as_str())) {
        cmd = member_arg(cmd, m, m.name.to_string(), "");
    }
    if op.wait.is_some() {
        cmd = crate::wait::args(cmd);
    }
    if let Some(payload) = op.payload_out {
        cmd = cmd.arg(
            Arg::new("outfile")
                .value_name("outfile")
                .required_unless_present("generate-cli-skeleton")
                .help(format!("File the output's `{payload}` is written to (`-`: standard output).")),
        );
    }
    cmd.arg(
        Arg::new("cli-input-json")
            .long("cli-input-json")
            .value_name("json")
            .conflicts_with("cli-input-yaml")
            .help("Reads the input from JSON text (or file://PATH) in the shape `--generate-cli-skeleton input` prints; options given on the command line override its values."),
    )
    .arg(
        Arg::new("cli-input-yaml")
            .long("cli-input-yaml")
            .value_name("yaml")
            .help("Reads the input from YAML text (or file://PATH) in the shape `--generate-cli-skeleton yaml-input` prints; options given on the command line override its values."),
    )
    .arg(
        Arg::new("generate-cli-skeleton")
            .long("generate-cli-skeleton")
            .value_name("input|yaml-input|output")
            .num_args(0..=1)
            .default_missing_value("input")
            .value_parser(["input", "yaml-input", "output"])
            .help("Prints a sample input (JSON or YAML) or output (JSON) of the operation and exits without calling the service."),
    )
}

/// Reads `file://PATH` as text and `fileb://PATH` as bytes; anything else is the value itself.
pub(crate) fn param_text(value: &str) -> Result<String, CliError> {
    if let Some(path) = value.strip_prefix("file://") {
        std::fs::read_to_string(path).map_err(|e| CliError::param(format!("Error parsing parameter: unable to load paramfile {value}: {e}")))
    } else if let Some(path) = value.strip_prefix("fileb://") {
        let bytes = std::fs::read(path).map_err(|e| CliError::param(format!("Error parsing parameter: unable to load paramfile {value}: {e}")))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    } else {
        Ok(value.to_string())
    }
}

/// A blob given on the command line: raw bytes for `fileb://`, else text read per the binary format.
pub(crate) fn blob_arg(value: &str, format: BinaryFormat, name: &str) -> Result<Value, CliError> {
    if let Some(path) = value.strip_prefix("fileb://") {
        let bytes = std::fs::read(path).map_err(|e| CliError::param(format!("Error parsing parameter '{name}': unable to load paramfile {value}: {e}")))?;
        return Ok(Value::String(base64::encode(bytes)));
    }
    blob_text(&param_text(value)?, format, name)
}

fn blob_text(text: &str, format: BinaryFormat, name: &str) -> Result<Value, CliError> {
    match format {
        BinaryFormat::RawInBase64Out => Ok(Value::String(base64::encode(text.as_bytes()))),
        BinaryFormat::Base64 => {
            let trimmed = text.trim();
            base64::decode(trimmed).map_err(|_| {
                CliError::param(format!(
                    "Invalid base64: \"{}\" (parameter {name}); give base64 text, fileb://PATH for raw bytes, or --cli-binary-format raw-in-base64-out",
                    truncate(trimmed)
                ))
            })?;
            Ok(Value::String(trimmed.to_string()))
        }
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}...", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Parses one option's text (or texts, for a list) into its canonical JSON value.
pub(crate) fn option_value(m: &MemberSpec, texts: &[&String], format: BinaryFormat) -> Result<Value, CliError> {
    let option = format!("--{}", option_name(m));
    let invalid = |why: String| CliError::param(format!("Error parsing parameter '{option}': {why}"));
    let text = texts.first().map(|t| t.as_str()).unwrap_or_default();
    match &m.kind {
        Kind::Blob => blob_arg(text, format, m.name),
        Kind::String | Kind::Enum(_) | Kind::Timestamp => Ok(Value::String(param_text(text)?)),
        Kind::BigNumber => Ok(Value::String(param_text(text)?.trim().to_string())),
        Kind::Integer { .. } | Kind::Float => {
            let text = param_text(text)?;
            let v: Value = serde_json::from_str(text.trim()).map_err(|_| invalid(format!("invalid {} value: '{text}'", m.kind.type_name())))?;
            canonical(&m.kind, v, format, &option)
        }
        Kind::Boolean => Ok(Value::Bool(true)),
        Kind::List(item) => {
            // One JSON list, or one value per item (each JSON or shorthand when the item is a
            // structure, else scalar text).
            let first = param_text(text)?;
            let v = if texts.len() == 1 && first.trim_start().starts_with('[') {
                serde_json::from_str(&first).map_err(|e| invalid(format!("expected a JSON list: {e}")))?
            } else {
                let mut items = Vec::new();
                for t in texts {
                    let t = param_text(t)?;
                    items.push(if item.is_json() { structured(item, &t).map_err(invalid)? } else { scalar(item, &t) });
                }
                Value::Array(items)
            };
            canonical(&m.kind, v, format, &option)
        }
        Kind::Document => {
            let text = param_text(text)?;
            let v: Value = serde_json::from_str(&text).map_err(|e| invalid(format!("expected JSON (document): {e}")))?;
            canonical(&m.kind, v, format, &option)
        }
        _ => {
            let text = param_text(text)?;
            let v = structured(&m.kind, &text).map_err(invalid)?;
            canonical(&m.kind, v, format, &option)
        }
    }
}

/// A structure, union or map given as JSON (text starting with `{`) or in shorthand.
fn structured(kind: &Kind, text: &str) -> Result<Value, String> {
    if text.trim_start().starts_with('{') || text.trim_start().starts_with('[') || matches!(kind, Kind::Document) {
        return serde_json::from_str(text).map_err(|e| format!("expected JSON ({}): {e}", kind.type_name()));
    }
    let v = crate::shorthand::parse(text).map_err(|e| format!("{e}; give JSON or shorthand `Key=value,Key2=value2`"))?;
    Ok(typed(kind, v))
}

/// A scalar given as text, as the kind reads it (numbers and booleans from their text).
fn scalar(kind: &Kind, text: &str) -> Value {
    typed(kind, Value::String(text.to_string()))
}

/// Shorthand gives every scalar as text: numbers and booleans become JSON numbers and booleans
/// where the kind wants them (anything else is left for [`canonical`] to reject with its path).
fn typed(kind: &Kind, v: Value) -> Value {
    match (kind, v) {
        (Kind::Integer { .. } | Kind::Float, Value::String(s)) => match serde_json::from_str::<Value>(s.trim()) {
            Ok(n @ Value::Number(_)) => n,
            _ => Value::String(s),
        },
        (Kind::Boolean, Value::String(s)) => match s.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(s),
        },
        (Kind::List(item), Value::Array(items)) => Value::Array(items.into_iter().map(|v| typed(item, v)).collect()),
        (Kind::List(item), v @ (Value::String(_) | Value::Object(_))) => Value::Array(vec![typed(item, v)]),
        (Kind::Map(item), Value::Object(map)) => Value::Object(map.into_iter().map(|(k, v)| (k, typed(item, v))).collect()),
        (Kind::Structure(s) | Kind::Union(s), Value::Object(map)) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = match s.members.iter().find(|m| m.name == k) {
                        Some(m) => typed(&m.kind, v),
                        None => v,
                    };
                    (k, v)
                })
                .collect(),
        ),
        (Kind::Unit, Value::String(s)) if s.is_empty() => Value::Object(Map::new()),
        (_, v) => v,
    }
}

/// Checks a JSON value against its kind and puts it in canonical form (blobs as base64).
pub fn canonical(kind: &Kind, v: Value, format: BinaryFormat, path: &str) -> Result<Value, CliError> {
    let wrong = |v: &Value| CliError::param(format!("Invalid type for parameter {path}, value: {v}, valid types: {}", kind.type_name()));
    match (kind, v) {
        (_, Value::Null) => Ok(Value::Null),
        (Kind::String | Kind::Enum(_), Value::String(s)) => Ok(Value::String(s)),
        (Kind::Boolean, Value::Bool(b)) => Ok(Value::Bool(b)),
        (Kind::Integer { min, max }, Value::Number(n)) => match n.as_i64() {
            Some(i) if i >= *min && i <= *max => Ok(Value::Number(n)),
            Some(i) => Err(CliError::param(format!("Invalid value for parameter {path}, value: {i}, valid range: {min}-{max}"))),
            None => Err(wrong(&Value::Number(n))),
        },
        (Kind::Float, Value::Number(n)) => Ok(Value::Number(n)),
        // Kept as text so no digit is lost; the client parses it.
        (Kind::BigNumber, Value::Number(n)) => Ok(Value::String(n.to_string())),
        (Kind::BigNumber, Value::String(s)) => Ok(Value::String(s)),
        (Kind::Blob, Value::String(s)) => blob_text(&s, format, path),
        (Kind::Timestamp, v @ (Value::String(_) | Value::Number(_))) => Ok(v),
        (Kind::Document, v) => Ok(v),
        (Kind::Unit, Value::Object(map)) if map.is_empty() => Ok(Value::Object(map)),
        (Kind::List(item), Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| canonical(item, v, format, &format!("{path}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        (Kind::Map(value), Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| canonical(value, v, format, &format!("{path}.{k}")).map(|v| (k, v)))
            .collect::<Result<_, _>>()
            .map(Value::Object),
        (Kind::Structure(s) | Kind::Union(s), Value::Object(map)) => {
            let mut out = Map::new();
            for (k, v) in map {
                let m = s.members.iter().find(|m| m.name == k).ok_or_else(|| unknown(path, &k, s.members))?;
                out.insert(k, canonical(&m.kind, v, format, &format!("{path}.{}", m.name))?);
            }
            if matches!(kind, Kind::Union(_)) && out.len() != 1 {
                return Err(CliError::param(format!("Invalid number of parameters set for tagged union structure {path}. Can only set one of the following keys: {}", names(s.members))));
            }
            Ok(Value::Object(out))
        }
        (_, v) => Err(wrong(&v)),
    }
}

fn names(members: &[MemberSpec]) -> String {
    members.iter().map(|m| m.name).collect::<Vec<_>>().join(", ")
}

fn unknown(path: &str, key: &str, members: &[MemberSpec]) -> CliError {
    CliError::param(format!("Unknown parameter in {path}: \"{key}\", must be one of: {}", names(members)))
}

/// The operation's input: `--cli-input-json`/`--cli-input-yaml` first, then every option given.
/// Missing required members fail with the options to give (exit 2, as a parse failure).
pub fn collect(op: &OperationSpec, m: &ArgMatches, format: BinaryFormat) -> Result<Map<String, Value>, CliError> {
    let mut input = Map::new();
    let document = if let Some(json) = m.get_one::<String>("cli-input-json") {
        let text = param_text(json)?;
        Some(serde_json::from_str::<Value>(&text).map_err(|e| CliError::param(format!("Error parsing parameter 'cli-input-json': Invalid JSON: {e}\nJSON received: {}", truncate(&text))))?)
    } else if let Some(yaml) = m.get_one::<String>("cli-input-yaml") {
        let text = param_text(yaml)?;
        Some(serde_yaml_ng::from_str::<Value>(&text).map_err(|e| CliError::param(format!("Error parsing parameter 'cli-input-yaml': Invalid YAML: {e}")))?)
    } else {
        None
    };
    if let Some(doc) = document {
        let Value::Object(map) = doc else {
            return Err(CliError::param("Error parsing parameter 'cli-input-json': the input must be an object of input members"));
        };
        for (k, v) in map {
            let member = op.input.iter().find(|mm| mm.name == k).ok_or_else(|| unknown("input", &k, op.input))?;
            let v = canonical(&member.kind, v, format, member.name)?;
            if !v.is_null() {
                input.insert(k, v);
            }
        }
    }
    for member in op.input {
        if matches!(member.kind, Kind::Boolean) {
            if crate::flag(m, member.name) {
                input.insert(member.name.into(), Value::Bool(true));
            } else if crate::flag(m, &format!("no-{}", option_name(member))) {
                input.insert(member.name.into(), Value::Bool(false));
            }
        } else if let Some(texts) = m.try_get_many::<String>(member.name).ok().flatten() {
            let texts: Vec<&String> = texts.collect();
            input.insert(member.name.into(), option_value(member, &texts, format)?);
        }
    }
    let missing: Vec<String> = op.input.iter().filter(|mm| mm.required && !input.contains_key(mm.name)).map(|mm| format!("--{}", option_name(mm))).collect();
    if !missing.is_empty() {
        return Err(CliError::usage(format!(
            "usage: {} [options]\n{}: error: the following arguments are required: {}",
            op.command,
            op.command,
            missing.join(", ")
        )));
    }
    Ok(input)
}

fn sample(kind: &Kind, depth: usize) -> Value {
    match kind {
        Kind::String | Kind::Timestamp => Value::String(String::new()),
        Kind::Enum(values) => Value::String(values.join("|")),
        Kind::Blob => Value::Null,
        Kind::Boolean => Value::Bool(true),
        Kind::Integer { .. } => Value::from(0),
        Kind::Float => Value::from(0.0),
        Kind::BigNumber => Value::from(0),
        Kind::Document | Kind::Unit => Value::Object(Map::new()),
        Kind::List(item) => Value::Array(vec![sample(item, depth + 1)]),
        Kind::Map(value) => Value::Object([("KeyName".to_string(), sample(value, depth + 1))].into_iter().collect()),
        Kind::Structure(s) | Kind::Union(s) if depth < 8 => Value::Object(members_sample(s.members, depth + 1)),
        Kind::Structure(_) | Kind::Union(_) => Value::Object(Map::new()),
    }
}

fn members_sample(members: &[MemberSpec], depth: usize) -> Map<String, Value> {
    members.iter().map(|m| (m.name.to_string(), sample(&m.kind, depth))).collect()
}

/// `--generate-cli-skeleton input|yaml-input|output`: a sample of the input (every member) or of
/// the output (the payload blob excepted: it goes to the outfile).
pub fn skeleton(op: &OperationSpec, which: &str) -> Value {
    if which == "output" {
        let members: Vec<_> = op.output.iter().filter(|m| Some(m.name) != op.payload_out).collect();
        Value::Object(members.iter().map(|m| (m.name.to_string(), sample(&m.kind, 1))).collect())
    } else {
        Value::Object(members_sample(op.input, 1))
    }
}

/// An input with every member set to a plausible value (nested structures too, a union's first
/// member, recursion cut after a few levels): what the generated round-trip test sends through the
/// client's builders and back.
pub fn example(op: &OperationSpec) -> Map<String, Value> {
    op.input.iter().filter_map(|m| example_value(&m.kind, 0).map(|v| (m.name.to_string(), v))).collect()
}

/// An example event of the operation's input stream when its events are given as JSON
/// (`{"Event": {...}}`, every member set): what the generated round-trip test sends through the
/// client's event types and back.
pub fn example_event(op: &OperationSpec) -> Option<Value> {
    match op.input_events.as_ref().map(|e| &e.form) {
        Some(crate::spec::EventForm::Json { events }) => example_value(&Kind::Union(events), 0),
        _ => None,
    }
}

fn example_value(kind: &Kind, depth: usize) -> Option<Value> {
    let deep = depth > 3;
    Some(match kind {
        Kind::String => Value::from("example"),
        Kind::Enum(values) => Value::from(values.first().copied().unwrap_or("example")),
        Kind::Boolean => Value::Bool(true),
        Kind::Integer { min, max } => Value::from(1i64.clamp(*min, *max)),
        Kind::Float => Value::from(0.5),
        Kind::BigNumber => Value::from("12345678901234567890123"),
        Kind::Blob => Value::from(base64::encode(b"example")),
        Kind::Timestamp => Value::from("2024-01-02T03:04:05Z"),
        Kind::Document => serde_json::json!({"key": ["value", 1, true, null]}),
        Kind::Unit => Value::Object(Map::new()),
        Kind::List(_) if deep => Value::Array(Vec::new()),
        Kind::List(item) => Value::Array(example_value(item, depth + 1).into_iter().collect()),
        Kind::Map(_) if deep => Value::Object(Map::new()),
        Kind::Map(item) => Value::Object(example_value(item, depth + 1).map(|v| ("key".to_string(), v)).into_iter().collect()),
        Kind::Structure(s) => Value::Object(
            s.members
                .iter()
                // Deep down, only what ends the recursion: required members and scalars (a
                // scalar with a model default comes back from the client set, so it must be).
                .filter(|m| !deep || m.required || !m.kind.is_json())
                .filter_map(|m| example_value(&m.kind, depth + 1).map(|v| (m.name.to_string(), v)))
                .collect(),
        ),
        Kind::Union(s) => {
            // Deep down, a member that does not nest again ends the recursion.
            let member = if deep { s.members.iter().find(|m| !m.kind.is_json()).or(s.members.first()) } else { s.members.first() }?;
            Value::Object([(member.name.to_string(), example_value(&member.kind, depth + 1)?)].into_iter().collect())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Location, StructSpec};

    fn member(name: &'static str, option: &'static str, kind: Kind) -> MemberSpec {
        MemberSpec { name, option, kind, required: false, docs: "", sensitive: false, location: Location::Body }
    }

    #[test]
    fn options_never_take_a_global_name() {
        assert_eq!(option_name(&member("Output", "output", Kind::String)), "output-value");
        assert_eq!(option_name(&member("CliInputJson", "cli-input-json", Kind::String)), "cli-input-json-value");
        // A boolean's `--no-` form is an option too.
        assert_eq!(option_name(&member("VerifySsl", "verify-ssl", Kind::Boolean)), "verify-ssl-value");
        assert_eq!(option_name(&member("EndpointName", "endpoint-name", Kind::String)), "endpoint-name");
    }

    static INNER: StructSpec = StructSpec { members: &[], sensitive: false };
    static SETTINGS: StructSpec = StructSpec {
        members: &[
            MemberSpec { name: "Count", option: "count", kind: Kind::Integer { min: 0, max: 10 }, required: false, docs: "", sensitive: false, location: Location::Body },
            MemberSpec { name: "On", option: "on", kind: Kind::Boolean, required: false, docs: "", sensitive: false, location: Location::Body },
            MemberSpec { name: "Tags", option: "tags", kind: Kind::List(&Kind::String), required: false, docs: "", sensitive: false, location: Location::Body },
            MemberSpec { name: "Seed", option: "seed", kind: Kind::Blob, required: false, docs: "", sensitive: false, location: Location::Body },
            MemberSpec { name: "Inner", option: "inner", kind: Kind::Structure(&INNER), required: false, docs: "", sensitive: false, location: Location::Body },
        ],
        sensitive: false,
    };

    #[test]
    fn shorthand_and_json_give_the_same_typed_value() {
        let kind = Kind::Structure(&SETTINGS);
        let short = structured(&kind, "Count=3,On=true,Tags=a,b,Seed=aGk=,Inner={}").unwrap();
        let json = structured(&kind, r#"{"Count": 3, "On": true, "Tags": ["a", "b"], "Seed": "aGk=", "Inner": {}}"#).unwrap();
        assert_eq!(short, json);
        assert_eq!(canonical(&kind, short, BinaryFormat::Base64, "--settings").unwrap(), json);
        // Out of range, unknown member, wrong type: 252 with the path.
        let e = canonical(&kind, structured(&kind, "Count=11").unwrap(), BinaryFormat::Base64, "--settings").unwrap_err();
        assert!(e.status == crate::ExitStatus::Syntax && e.message.contains("--settings.Count"), "{e}");
        let e = canonical(&kind, structured(&kind, "Nope=1").unwrap(), BinaryFormat::Base64, "--settings").unwrap_err();
        assert!(e.message.contains("Unknown parameter in --settings: \"Nope\""), "{e}");
        let e = canonical(&kind, structured(&kind, "Count=many").unwrap(), BinaryFormat::Base64, "--settings").unwrap_err();
        assert!(e.message.contains("Invalid type for parameter --settings.Count"), "{e}");
    }

    #[test]
    fn unions_take_exactly_one_member() {
        let kind = Kind::Union(&SETTINGS);
        assert!(canonical(&kind, structured(&kind, "Count=1").unwrap(), BinaryFormat::Base64, "u").is_ok());
        let e = canonical(&kind, structured(&kind, "Count=1,On=false").unwrap(), BinaryFormat::Base64, "u").unwrap_err();
        assert!(e.message.contains("tagged union"), "{e}");
    }
}
