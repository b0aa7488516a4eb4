//! Reads a rule-set JSON document into the syntax tree the interpreter runs.
//!
//! The document is untrusted: every shape is checked, and every problem is
//! reported with the JSON path where it was found. References are checked
//! against the parameters and the variables assigned in scope, function
//! names and argument counts against the library, and `getAttr` paths and
//! templates are parsed ahead of time.

use super::error::RuleSetError;
use super::params::{Deprecated, Parameter, ParameterType};
use super::value::Value;
use serde_json::{Map, Value as Json};

/// A parsed rule set.
#[derive(Debug)]
pub struct RuleSetDef {
    pub version: String,
    pub parameters: Vec<Parameter>,
    pub rules: Vec<Rule>,
}

#[derive(Debug)]
pub struct Rule {
    pub path: String,
    pub conditions: Vec<Condition>,
    pub kind: RuleKind,
}

#[derive(Debug)]
pub enum RuleKind {
    Endpoint(EndpointDef),
    Error(Expr),
    Tree(Vec<Rule>),
}

#[derive(Debug)]
pub struct EndpointDef {
    pub url: Expr,
    pub headers: Vec<(String, Vec<Expr>)>,
    pub properties: Vec<(String, Expr)>,
}

#[derive(Debug)]
pub struct Condition {
    pub call: Call,
    pub assign: Option<String>,
}

#[derive(Debug)]
pub enum Expr {
    Str(Template),
    Bool(bool),
    Int(i64),
    Array(Vec<Expr>),
    /// Only in endpoint properties.
    Record(Vec<(String, Expr)>),
    Ref(String),
    Call(Box<Call>),
}

#[derive(Debug)]
pub struct Call {
    pub func: Func,
    pub args: Vec<Expr>,
    /// JSON path of the function object, for error messages.
    pub path: String,
}

/// Library functions. `GetAttr` carries its pre-parsed path; its only
/// argument in `Call::args` is the target.
#[derive(Debug)]
pub enum Func {
    IsSet,
    Not,
    BooleanEquals,
    StringEquals,
    GetAttr(AttrPath),
    Substring,
    UriEncode,
    ParseUrl,
    IsValidHostLabel,
    AwsPartition,
    AwsParseArn,
    AwsIsVirtualHostableS3Bucket,
    Coalesce,
    Ite,
    Split,
}

impl Func {
    pub fn name(&self) -> &'static str {
        match self {
            Func::IsSet => "isSet",
            Func::Not => "not",
            Func::BooleanEquals => "booleanEquals",
            Func::StringEquals => "stringEquals",
            Func::GetAttr(_) => "getAttr",
            Func::Substring => "substring",
            Func::UriEncode => "uriEncode",
            Func::ParseUrl => "parseURL",
            Func::IsValidHostLabel => "isValidHostLabel",
            Func::AwsPartition => "aws.partition",
            Func::AwsParseArn => "aws.parseArn",
            Func::AwsIsVirtualHostableS3Bucket => "aws.isVirtualHostableS3Bucket",
            Func::Coalesce => "coalesce",
            Func::Ite => "ite",
            Func::Split => "split",
        }
    }
}

/// A parsed `getAttr` path such as `resourceId[0]` or `a.b`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    pub text: String,
    pub parts: Vec<PathPart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Key(String),
    Index(i64),
}

/// A string literal with `{name}` / `{name#path}` placeholders.
#[derive(Debug)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
}

#[derive(Debug)]
pub enum TemplatePart {
    Lit(String),
    Var {
        name: String,
        path: Option<AttrPath>,
    },
}

/// Parses the rule-set document.
pub fn parse_rule_set(doc: &Json) -> Result<RuleSetDef, RuleSetError> {
    let obj = doc
        .as_object()
        .ok_or_else(|| RuleSetError::new("$", "a rule set must be a JSON object"))?;
    let (version, parameters) = parse_version_and_parameters(obj)?;
    let mut scope: Vec<String> = parameters.iter().map(|p| p.name.clone()).collect();
    let rules = match obj.get("rules") {
        Some(Json::Array(rs)) => parse_rules(rs, "$.rules", &mut scope)?,
        Some(_) => return Err(RuleSetError::new("$.rules", "expected an array of rules")),
        None => return Err(RuleSetError::new("$.rules", "missing required property")),
    };
    Ok(RuleSetDef {
        version,
        parameters,
        rules,
    })
}

/// The `version` and `parameters` properties, which the rule set and the BDD
/// (`smithy.rules#endpointBdd`) share.
pub fn parse_version_and_parameters(
    obj: &Map<String, Json>,
) -> Result<(String, Vec<Parameter>), RuleSetError> {
    let version = match obj.get("version") {
        Some(Json::String(s)) => s.clone(),
        Some(_) => return Err(RuleSetError::new("$.version", "expected a string")),
        None => return Err(RuleSetError::new("$.version", "missing required property")),
    };
    let parameters = match obj.get("parameters") {
        Some(Json::Object(ps)) => ps
            .iter()
            .map(|(name, p)| parse_parameter(name, p, &format!("$.parameters.{name}")))
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(RuleSetError::new("$.parameters", "expected an object")),
        None => {
            return Err(RuleSetError::new(
                "$.parameters",
                "missing required property",
            ))
        }
    };
    Ok((version, parameters))
}

fn opt_string(
    obj: &Map<String, Json>,
    key: &str,
    path: &str,
) -> Result<Option<String>, RuleSetError> {
    match obj.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(RuleSetError::new(
            format!("{path}.{key}"),
            "expected a string",
        )),
    }
}

fn parse_parameter(name: &str, p: &Json, path: &str) -> Result<Parameter, RuleSetError> {
    if !is_identifier(name) {
        return Err(RuleSetError::new(
            path,
            format!("invalid parameter name `{name}`"),
        ));
    }
    let obj = p
        .as_object()
        .ok_or_else(|| RuleSetError::new(path, "expected a parameter object"))?;
    let type_name = match obj.get("type") {
        Some(Json::String(s)) => s,
        Some(_) => {
            return Err(RuleSetError::new(
                format!("{path}.type"),
                "expected a string",
            ))
        }
        None => {
            return Err(RuleSetError::new(
                format!("{path}.type"),
                "missing required property",
            ))
        }
    };
    let param_type = ParameterType::parse(type_name).ok_or_else(|| {
        RuleSetError::new(
            format!("{path}.type"),
            format!(
                "unknown parameter type `{type_name}` (expected string, boolean or stringArray)"
            ),
        )
    })?;
    let required = match obj.get("required") {
        None | Some(Json::Null) => false,
        Some(Json::Bool(b)) => *b,
        Some(_) => {
            return Err(RuleSetError::new(
                format!("{path}.required"),
                "expected a boolean",
            ))
        }
    };
    let default = match obj.get("default") {
        None | Some(Json::Null) => None,
        Some(d) => {
            let v = value_of(d)
                .filter(|v| param_type.accepts(v))
                .ok_or_else(|| {
                    RuleSetError::new(
                        format!("{path}.default"),
                        format!("default must be a {param_type}"),
                    )
                })?;
            Some(v)
        }
    };
    let deprecated = match obj.get("deprecated") {
        None | Some(Json::Null) => None,
        Some(Json::Object(d)) => {
            let dpath = format!("{path}.deprecated");
            Some(Deprecated {
                message: opt_string(d, "message", &dpath)?,
                since: opt_string(d, "since", &dpath)?,
            })
        }
        Some(_) => {
            return Err(RuleSetError::new(
                format!("{path}.deprecated"),
                "expected an object",
            ))
        }
    };
    Ok(Parameter {
        name: name.to_owned(),
        param_type,
        built_in: opt_string(obj, "builtIn", path)?,
        default,
        required,
        documentation: opt_string(obj, "documentation", path)?,
        deprecated,
    })
}

fn parse_rules(
    rules: &[Json],
    path: &str,
    scope: &mut Vec<String>,
) -> Result<Vec<Rule>, RuleSetError> {
    rules
        .iter()
        .enumerate()
        .map(|(i, r)| parse_rule(r, &format!("{path}[{i}]"), scope))
        .collect()
}

/// Parses one rule; variables it assigns are in scope only inside it.
pub fn parse_rule(
    rule: &Json,
    path: &str,
    scope: &mut Vec<String>,
) -> Result<Rule, RuleSetError> {
    let obj = rule
        .as_object()
        .ok_or_else(|| RuleSetError::new(path, "expected a rule object"))?;
    let mark = scope.len();
    let result = parse_rule_body(obj, path, scope);
    scope.truncate(mark);
    result
}

fn parse_rule_body(
    obj: &Map<String, Json>,
    path: &str,
    scope: &mut Vec<String>,
) -> Result<Rule, RuleSetError> {
    let mut conditions = Vec::new();
    match obj.get("conditions") {
        None | Some(Json::Null) => {}
        Some(Json::Array(cs)) => {
            for (i, c) in cs.iter().enumerate() {
                let condition = parse_condition(c, &format!("{path}.conditions[{i}]"), scope)?;
                if let Some(name) = &condition.assign {
                    scope.push(name.clone());
                }
                conditions.push(condition);
            }
        }
        Some(_) => {
            return Err(RuleSetError::new(
                format!("{path}.conditions"),
                "expected an array",
            ))
        }
    }
    let kind = match obj.get("type").and_then(Json::as_str) {
        Some("endpoint") => {
            let epath = format!("{path}.endpoint");
            let ep = obj
                .get("endpoint")
                .and_then(Json::as_object)
                .ok_or_else(|| {
                    RuleSetError::new(&epath, "an endpoint rule needs an `endpoint` object")
                })?;
            RuleKind::Endpoint(parse_endpoint(ep, &epath, scope)?)
        }
        Some("error") => {
            let epath = format!("{path}.error");
            let e = obj.get("error").ok_or_else(|| {
                RuleSetError::new(&epath, "an error rule needs an `error` message")
            })?;
            RuleKind::Error(parse_expr(e, &epath, scope)?)
        }
        Some("tree") => {
            let rpath = format!("{path}.rules");
            let rs = obj
                .get("rules")
                .and_then(Json::as_array)
                .ok_or_else(|| RuleSetError::new(&rpath, "a tree rule needs a `rules` array"))?;
            RuleKind::Tree(parse_rules(rs, &rpath, scope)?)
        }
        Some(other) => {
            return Err(RuleSetError::new(
                format!("{path}.type"),
                format!("unknown rule type `{other}` (expected endpoint, error or tree)"),
            ))
        }
        None => {
            return Err(RuleSetError::new(
                format!("{path}.type"),
                "missing rule type",
            ))
        }
    };
    Ok(Rule {
        path: path.to_owned(),
        conditions,
        kind,
    })
}

/// Parses one condition object: a function call and an optional `assign`.
/// The caller brings the assigned name into scope.
pub fn parse_condition(
    c: &Json,
    path: &str,
    scope: &[String],
) -> Result<Condition, RuleSetError> {
    let cobj = c.as_object().ok_or_else(|| {
        RuleSetError::new(path, "expected a condition object with `fn` and `argv`")
    })?;
    let call = parse_call(cobj, path, scope)?;
    let assign = match cobj.get("assign") {
        None | Some(Json::Null) => None,
        Some(Json::String(name)) if is_identifier(name) => Some(name.clone()),
        Some(_) => {
            return Err(RuleSetError::new(
                format!("{path}.assign"),
                "expected a variable name",
            ));
        }
    };
    Ok(Condition { call, assign })
}

fn parse_endpoint(
    ep: &Map<String, Json>,
    path: &str,
    scope: &[String],
) -> Result<EndpointDef, RuleSetError> {
    let url = ep
        .get("url")
        .ok_or_else(|| RuleSetError::new(format!("{path}.url"), "missing required property"))?;
    let url = parse_expr(url, &format!("{path}.url"), scope)?;
    let mut headers = Vec::new();
    match ep.get("headers") {
        None | Some(Json::Null) => {}
        Some(Json::Object(hs)) => {
            for (name, values) in hs {
                let hpath = format!("{path}.headers.{name}");
                let values = values.as_array().ok_or_else(|| {
                    RuleSetError::new(&hpath, "expected an array of header values")
                })?;
                let values = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| parse_expr(v, &format!("{hpath}[{i}]"), scope))
                    .collect::<Result<Vec<_>, _>>()?;
                headers.push((name.clone(), values));
            }
        }
        Some(_) => {
            return Err(RuleSetError::new(
                format!("{path}.headers"),
                "expected an object",
            ))
        }
    }
    let mut properties = Vec::new();
    match ep.get("properties") {
        None | Some(Json::Null) => {}
        Some(Json::Object(ps)) => {
            for (name, v) in ps {
                properties.push((
                    name.clone(),
                    parse_property(v, &format!("{path}.properties.{name}"), scope)?,
                ));
            }
        }
        Some(_) => {
            return Err(RuleSetError::new(
                format!("{path}.properties"),
                "expected an object",
            ))
        }
    }
    Ok(EndpointDef {
        url,
        headers,
        properties,
    })
}

/// Property values are literals: objects are records, never references or calls.
fn parse_property(v: &Json, path: &str, scope: &[String]) -> Result<Expr, RuleSetError> {
    match v {
        Json::Object(fields) => Ok(Expr::Record(
            fields
                .iter()
                .map(|(k, v)| Ok((k.clone(), parse_property(v, &format!("{path}.{k}"), scope)?)))
                .collect::<Result<Vec<_>, RuleSetError>>()?,
        )),
        Json::Array(items) => Ok(Expr::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| parse_property(v, &format!("{path}[{i}]"), scope))
                .collect::<Result<Vec<_>, _>>()?,
        )),
        other => parse_expr(other, path, scope),
    }
}

fn parse_expr(v: &Json, path: &str, scope: &[String]) -> Result<Expr, RuleSetError> {
    match v {
        Json::String(s) => Ok(Expr::Str(parse_template(s, path, scope)?)),
        Json::Bool(b) => Ok(Expr::Bool(*b)),
        Json::Number(n) => n
            .as_i64()
            .map(Expr::Int)
            .ok_or_else(|| RuleSetError::new(path, format!("number {} is not an integer", number_text(n)))),
        Json::Array(items) => Ok(Expr::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| parse_expr(v, &format!("{path}[{i}]"), scope))
                .collect::<Result<Vec<_>, _>>()?,
        )),
        Json::Object(obj) => {
            if let Some(r) = obj.get("ref") {
                let name = r
                    .as_str()
                    .ok_or_else(|| RuleSetError::new(format!("{path}.ref"), "expected a string"))?;
                check_in_scope(name, &format!("{path}.ref"), scope)?;
                Ok(Expr::Ref(name.to_owned()))
            } else if obj.contains_key("fn") {
                Ok(Expr::Call(Box::new(parse_call(obj, path, scope)?)))
            } else {
                Err(RuleSetError::new(
                    path,
                    "expected a reference (`ref`) or a function call (`fn`)",
                ))
            }
        }
        Json::Null => Err(RuleSetError::new(path, "null is not a valid expression")),
    }
}

fn check_in_scope(name: &str, path: &str, scope: &[String]) -> Result<(), RuleSetError> {
    if scope.iter().any(|s| s == name) {
        Ok(())
    } else {
        Err(RuleSetError::new(
            path,
            format!("reference to `{name}`, which is neither a parameter nor a variable assigned in scope"),
        ))
    }
}

fn parse_call(obj: &Map<String, Json>, path: &str, scope: &[String]) -> Result<Call, RuleSetError> {
    let name = match obj.get("fn") {
        Some(Json::String(s)) => s.as_str(),
        Some(_) => {
            return Err(RuleSetError::new(
                format!("{path}.fn"),
                "expected a function name",
            ))
        }
        None => {
            return Err(RuleSetError::new(
                format!("{path}.fn"),
                "missing function name",
            ))
        }
    };
    let argv_path = format!("{path}.argv");
    let argv = match obj.get("argv") {
        Some(Json::Array(a)) => a,
        Some(_) => {
            return Err(RuleSetError::new(
                &argv_path,
                "expected an array of arguments",
            ))
        }
        None => return Err(RuleSetError::new(&argv_path, "missing function arguments")),
    };
    let (func, arity): (Func, std::ops::RangeInclusive<usize>) = match name {
        "isSet" => (Func::IsSet, 1..=1),
        "not" => (Func::Not, 1..=1),
        "booleanEquals" => (Func::BooleanEquals, 2..=2),
        "stringEquals" => (Func::StringEquals, 2..=2),
        "getAttr" => {
            if argv.len() != 2 {
                return Err(RuleSetError::new(
                    &argv_path,
                    format!("`getAttr` takes 2 arguments, got {}", argv.len()),
                ));
            }
            let ppath = format!("{argv_path}[1]");
            let text = argv[1].as_str().ok_or_else(|| {
                RuleSetError::new(&ppath, "the `getAttr` path must be a literal string")
            })?;
            let attr = parse_attr_path(text).map_err(|m| RuleSetError::new(&ppath, m))?;
            let target = parse_expr(&argv[0], &format!("{argv_path}[0]"), scope)?;
            return Ok(Call {
                func: Func::GetAttr(attr),
                args: vec![target],
                path: path.to_owned(),
            });
        }
        "substring" => (Func::Substring, 4..=4),
        "uriEncode" => (Func::UriEncode, 1..=1),
        "parseURL" => (Func::ParseUrl, 1..=1),
        "isValidHostLabel" => (Func::IsValidHostLabel, 2..=2),
        "aws.partition" => (Func::AwsPartition, 1..=1),
        "aws.parseArn" => (Func::AwsParseArn, 1..=1),
        "aws.isVirtualHostableS3Bucket" => (Func::AwsIsVirtualHostableS3Bucket, 2..=2),
        "coalesce" => (Func::Coalesce, 2..=usize::MAX),
        "ite" => (Func::Ite, 3..=3),
        "split" => (Func::Split, 3..=3),
        other => {
            return Err(RuleSetError::new(
                format!("{path}.fn"),
                format!("unknown function `{other}`"),
            ))
        }
    };
    if !arity.contains(&argv.len()) {
        let expected = if *arity.end() == usize::MAX {
            format!("at least {}", arity.start())
        } else {
            arity.start().to_string()
        };
        return Err(RuleSetError::new(
            &argv_path,
            format!("`{name}` takes {expected} argument(s), got {}", argv.len()),
        ));
    }
    let args = argv
        .iter()
        .enumerate()
        .map(|(i, a)| parse_expr(a, &format!("{argv_path}[{i}]"), scope))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Call {
        func,
        args,
        path: path.to_owned(),
    })
}

/// Parses a template string: `{name}` and `{name#path}` are placeholders,
/// `{{` and `}}` are literal braces.
fn parse_template(s: &str, path: &str, scope: &[String]) -> Result<Template, RuleSetError> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(['{', '}']) {
        lit.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if rest[i..].starts_with("{{") {
            lit.push('{');
            rest = &rest[i + 2..];
        } else if rest[i..].starts_with("}}") {
            lit.push('}');
            rest = &rest[i + 2..];
        } else if rest[i..].starts_with('}') {
            // A lone closing brace is literal text.
            lit.push('}');
            rest = after;
        } else {
            let close = after.find('}').ok_or_else(|| {
                RuleSetError::new(path, format!("unclosed `{{` in template string {s:?}"))
            })?;
            let inner = &after[..close];
            let (name, attr) =
                match inner.split_once('#') {
                    Some((name, p)) => (
                        name,
                        Some(parse_attr_path(p).map_err(|m| {
                            RuleSetError::new(path, format!("in template {s:?}: {m}"))
                        })?),
                    ),
                    None => (inner, None),
                };
            if !is_identifier(name) {
                return Err(RuleSetError::new(
                    path,
                    format!("invalid placeholder `{{{inner}}}` in template string {s:?}"),
                ));
            }
            check_in_scope(name, path, scope)?;
            if !lit.is_empty() {
                parts.push(TemplatePart::Lit(std::mem::take(&mut lit)));
            }
            parts.push(TemplatePart::Var {
                name: name.to_owned(),
                path: attr,
            });
            rest = &after[close + 1..];
        }
    }
    lit.push_str(rest);
    if !lit.is_empty() || parts.is_empty() {
        parts.push(TemplatePart::Lit(lit));
    }
    Ok(Template { parts })
}

/// Parses a `getAttr` path: keys separated by `.`, each optionally followed
/// by `[index]` (a negative index counts from the end).
pub fn parse_attr_path(text: &str) -> Result<AttrPath, String> {
    let mut parts = Vec::new();
    if text.is_empty() {
        return Err("empty getAttr path".to_owned());
    }
    for segment in text.split('.') {
        let (key, mut rest) = match segment.find('[') {
            Some(i) => segment.split_at(i),
            None => (segment, ""),
        };
        if !key.is_empty() {
            parts.push(PathPart::Key(key.to_owned()));
        } else if rest.is_empty() {
            return Err(format!("empty segment in getAttr path `{text}`"));
        }
        while !rest.is_empty() {
            let inner = rest
                .strip_prefix('[')
                .and_then(|r| r.split_once(']'))
                .ok_or_else(|| format!("malformed index in getAttr path `{text}`"))?;
            let index = inner.0.parse::<i64>().map_err(|_| {
                format!(
                    "index `{}` in getAttr path `{text}` is not an integer",
                    inner.0
                )
            })?;
            parts.push(PathPart::Index(index));
            rest = inner.1;
        }
    }
    Ok(AttrPath {
        text: text.to_owned(),
        parts,
    })
}

/// Parameter and variable names: a letter, then letters, digits and `_`.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A JSON number as the error messages spell it.
pub(crate) fn number_text(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (_, Some(u), _) => u.to_string(),
        (_, _, Some(f)) => format!("{f:?}"),
        _ => "a number".to_string(),
    }
}

/// A parameter's `default` as a rules-engine value: as [`Value::from_json`], for the tree the
/// interpreter's parser reads (serde_json's). `null` and non-integer numbers give `None`.
fn value_of(json: &Json) -> Option<Value> {
    Some(match json {
        Json::String(s) => Value::String(s.clone()),
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Integer(n.as_i64()?),
        Json::Array(items) => Value::Array(items.iter().map(value_of).collect::<Option<Vec<_>>>()?),
        Json::Object(fields) => Value::Record(
            fields.iter().map(|(k, v)| Some((k.clone(), value_of(v)?))).collect::<Option<std::collections::BTreeMap<_, _>>>()?,
        ),
        Json::Null => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_paths() {
        let p = |s: &str| parse_attr_path(s).map(|p| p.parts);
        assert_eq!(p("scheme"), Ok(vec![PathPart::Key("scheme".into())]));
        assert_eq!(
            p("resourceId[2]"),
            Ok(vec![PathPart::Key("resourceId".into()), PathPart::Index(2)])
        );
        assert_eq!(p("[-1]"), Ok(vec![PathPart::Index(-1)]));
        assert_eq!(
            p("a.b[0][1]"),
            Ok(vec![
                PathPart::Key("a".into()),
                PathPart::Key("b".into()),
                PathPart::Index(0),
                PathPart::Index(1)
            ])
        );
        assert!(p("").is_err());
        assert!(p("a..b").is_err());
        assert!(p("a[").is_err());
        assert!(p("a[x]").is_err());
        assert!(p("a[1]b").is_err());
    }

    #[test]
    fn templates() {
        let scope = vec!["Region".to_owned(), "p".to_owned()];
        let t = parse_template("https://{Region}.{p#dnsSuffix}/{{x}}", "$", &scope);
        let parts = t.map(|t| t.parts.len());
        assert_eq!(parts, Ok(5));
        assert!(parse_template("{Nope}", "$", &scope).is_err());
        assert!(parse_template("{Region", "$", &scope).is_err());
        assert!(parse_template("{}", "$", &scope).is_err());
        assert!(parse_template("a}b", "$", &scope).is_ok());
    }
}
