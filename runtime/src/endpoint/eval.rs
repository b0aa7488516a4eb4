//! The interpreter: evaluates a parsed rule set against parameter values.

use super::error::{ResolveError, ResolveErrorKind};
use super::functions;
use super::params::{Parameter, Params};
use super::parse::{
    AttrPath, Call, Condition, EndpointDef, Expr, Func, PathPart, Rule, RuleKind, RuleSetDef,
    Template, TemplatePart,
};
use super::partition::Partitions;
use super::value::Value;
use aws_smithy_types::endpoint::Endpoint;
use std::collections::BTreeMap;

/// Evaluation state for one resolution.
pub(crate) struct Scope<'a> {
    /// Bound parameters (caller values and defaults), in declaration order: a rule set declares
    /// a few dozen at most, so a list searched in order costs no more than a map, and spares a
    /// client binary a `BTreeMap<&str, Value>` instantiation of its own.
    params: Vec<(&'a str, Value)>,
    /// Variables assigned by conditions, innermost last.
    vars: Vec<(&'a str, Value)>,
    partitions: Option<&'a Partitions>,
}

impl<'a> Scope<'a> {
    /// Binds `params` (caller values, else defaults) to the declared
    /// `parameters`: the starting scope of both the rule-set interpreter and
    /// the BDD walker.
    pub(crate) fn bind(
        parameters: &'a [Parameter],
        params: &Params,
        partitions: Option<&'a Partitions>,
    ) -> Result<Scope<'a>, ResolveError> {
        let mut bound = Vec::with_capacity(parameters.len());
        for p in parameters {
            let value = params.get(&p.name).or(p.default.as_ref());
            match value {
                Some(v) if !p.param_type.accepts(v) => {
                    return Err(ResolveError::new(
                        ResolveErrorKind::InvalidParameterType,
                        format!(
                            "endpoint parameter `{}` must be a {}, but was given a {}",
                            p.name,
                            p.param_type,
                            v.type_name()
                        ),
                    ));
                }
                Some(v) => {
                    bound.push((p.name.as_str(), v.clone()));
                }
                None if p.required => {
                    return Err(ResolveError::new(
                        ResolveErrorKind::MissingRequiredParameter,
                        format!(
                            "endpoint parameter `{}` is required but was not set",
                            p.name
                        ),
                    ));
                }
                None => {}
            }
        }
        Ok(Scope {
            params: bound,
            vars: Vec::new(),
            partitions,
        })
    }

    fn lookup(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .or_else(|| self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v))
    }
}

/// Resolves an endpoint.
pub(crate) fn resolve(
    def: &RuleSetDef,
    params: &Params,
    partitions: Option<&Partitions>,
) -> Result<Endpoint, ResolveError> {
    let mut scope = Scope::bind(&def.parameters, params, partitions)?;
    match eval_rules(&def.rules, &mut scope)? {
        Some(endpoint) => Ok(endpoint),
        None => Err(ResolveError::new(
            ResolveErrorKind::NoRuleMatched,
            "no endpoint rule matched the given parameters (rules exhausted)",
        )),
    }
}

/// First matching rule of `rules`: `Ok(None)` when none matched.
fn eval_rules<'a>(
    rules: &'a [Rule],
    scope: &mut Scope<'a>,
) -> Result<Option<Endpoint>, ResolveError> {
    for rule in rules {
        let mark = scope.vars.len();
        let outcome = eval_rule(rule, scope);
        scope.vars.truncate(mark);
        if let Some(endpoint) = outcome? {
            return Ok(Some(endpoint));
        }
    }
    Ok(None)
}

/// Evaluates one rule: `Ok(None)` when its conditions do not hold.
pub(crate) fn eval_rule<'a>(
    rule: &'a Rule,
    scope: &mut Scope<'a>,
) -> Result<Option<Endpoint>, ResolveError> {
    if !eval_conditions(&rule.conditions, scope)? {
        return Ok(None);
    }
    match &rule.kind {
        RuleKind::Endpoint(ep) => build_endpoint(ep, rule, scope).map(Some),
        RuleKind::Error(message) => {
            let message = match eval(message, scope)? {
                Some(Value::String(s)) => s,
                Some(other) => other.to_string(),
                None => {
                    return Err(ResolveError::evaluation(format!(
                        "the error message of the error rule at {} evaluated to no value",
                        rule.path
                    )))
                }
            };
            Err(ResolveError::new(ResolveErrorKind::RuleError, message))
        }
        RuleKind::Tree(rules) => match eval_rules(rules, scope)? {
            Some(endpoint) => Ok(Some(endpoint)),
            None => Err(ResolveError::new(
                ResolveErrorKind::NoRuleMatched,
                format!("no endpoint rule matched the given parameters (rules under the tree rule at {} exhausted)", rule.path),
            )),
        },
    }
}

/// Whether all conditions hold; assigns variables along the way.
fn eval_conditions<'a>(
    conditions: &'a [Condition],
    scope: &mut Scope<'a>,
) -> Result<bool, ResolveError> {
    for condition in conditions {
        if !eval_condition(condition, scope)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether one condition holds: its call gives a value other than `false`.
/// When it holds, the value is bound to the condition's `assign` name.
pub(crate) fn eval_condition<'a>(
    condition: &'a Condition,
    scope: &mut Scope<'a>,
) -> Result<bool, ResolveError> {
    match eval_call(&condition.call, scope)? {
        None | Some(Value::Bool(false)) => Ok(false),
        Some(v) => {
            if let Some(name) = &condition.assign {
                scope.vars.push((name.as_str(), v));
            }
            Ok(true)
        }
    }
}

fn build_endpoint(
    ep: &EndpointDef,
    rule: &Rule,
    scope: &Scope<'_>,
) -> Result<Endpoint, ResolveError> {
    let url = match eval(&ep.url, scope)? {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::String(_)) => {
            return Err(ResolveError::evaluation(format!(
                "the endpoint url of the rule at {} evaluated to an empty string",
                rule.path
            )))
        }
        Some(other) => {
            return Err(ResolveError::evaluation(format!(
                "the endpoint url of the rule at {} evaluated to a {}, not a string",
                rule.path,
                other.type_name()
            )))
        }
        None => {
            return Err(ResolveError::evaluation(format!(
                "the endpoint url of the rule at {} evaluated to no value",
                rule.path
            )))
        }
    };
    let mut builder = Endpoint::builder().url(url);
    for (name, values) in &ep.headers {
        for value in values {
            match eval(value, scope)? {
                Some(Value::String(s)) => builder = builder.header(name.clone(), s),
                other => {
                    return Err(ResolveError::evaluation(format!(
                        "header `{name}` of the endpoint at {} evaluated to {}, not a string",
                        rule.path,
                        describe(other.as_ref())
                    )))
                }
            }
        }
    }
    for (name, value) in &ep.properties {
        match eval(value, scope)? {
            Some(v) => builder = builder.property(name.clone(), v.to_document()),
            None => {
                return Err(ResolveError::evaluation(format!(
                    "property `{name}` of the endpoint at {} evaluated to no value",
                    rule.path
                )))
            }
        }
    }
    Ok(builder.build())
}

fn describe(v: Option<&Value>) -> String {
    match v {
        Some(v) => format!("a {}", v.type_name()),
        None => "no value".to_owned(),
    }
}

fn eval(expr: &Expr, scope: &Scope<'_>) -> Result<Option<Value>, ResolveError> {
    Ok(Some(match expr {
        Expr::Str(t) => Value::String(render(t, scope)?),
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Int(i) => Value::Integer(*i),
        Expr::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match eval(item, scope)? {
                    Some(v) => out.push(v),
                    None => {
                        return Err(ResolveError::evaluation(
                            "an array element evaluated to no value",
                        ))
                    }
                }
            }
            Value::Array(out)
        }
        Expr::Record(fields) => {
            let mut out = BTreeMap::new();
            for (k, v) in fields {
                match eval(v, scope)? {
                    Some(v) => {
                        out.insert(k.clone(), v);
                    }
                    None => {
                        return Err(ResolveError::evaluation(format!(
                            "record field `{k}` evaluated to no value"
                        )))
                    }
                }
            }
            Value::Record(out)
        }
        Expr::Ref(name) => return Ok(scope.lookup(name).cloned()),
        Expr::Call(call) => return eval_call(call, scope),
    }))
}

fn render(t: &Template, scope: &Scope<'_>) -> Result<String, ResolveError> {
    let mut out = String::new();
    for part in &t.parts {
        match part {
            TemplatePart::Lit(s) => out.push_str(s),
            TemplatePart::Var { name, path } => {
                let value = match path {
                    None => scope.lookup(name).cloned(),
                    Some(p) => match scope.lookup(name) {
                        Some(v) => get_attr(v, p, "template")?,
                        None => None,
                    },
                };
                let placeholder = || match path {
                    Some(p) => format!("{{{name}#{}}}", p.text),
                    None => format!("{{{name}}}"),
                };
                match value {
                    Some(Value::String(s)) => out.push_str(&s),
                    Some(v @ (Value::Bool(_) | Value::Integer(_))) => out.push_str(&v.to_string()),
                    Some(other) => {
                        return Err(ResolveError::evaluation(format!(
                        "template placeholder `{}` is a {}, which cannot be written into a string",
                        placeholder(),
                        other.type_name()
                    )))
                    }
                    None => {
                        return Err(ResolveError::evaluation(format!(
                            "template placeholder `{}` refers to a value that is not set",
                            placeholder()
                        )))
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Follows a `getAttr` path. Missing keys and out-of-range indexes give `None`.
fn get_attr(value: &Value, path: &AttrPath, context: &str) -> Result<Option<Value>, ResolveError> {
    let mut current = value;
    for part in &path.parts {
        let next = match (part, current) {
            (PathPart::Key(k), Value::Record(fields)) => fields.get(k),
            (PathPart::Index(i), Value::Array(items)) => {
                let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
                let idx = if *i < 0 { len + i } else { *i };
                usize::try_from(idx).ok().and_then(|idx| items.get(idx))
            }
            (PathPart::Key(k), other) => {
                return Err(ResolveError::evaluation(format!(
                    "{context}: getAttr path `{}` reads field `{k}` of a {}",
                    path.text,
                    other.type_name()
                )))
            }
            (PathPart::Index(i), other) => {
                return Err(ResolveError::evaluation(format!(
                    "{context}: getAttr path `{}` reads index [{i}] of a {}",
                    path.text,
                    other.type_name()
                )))
            }
        };
        match next {
            Some(v) => current = v,
            None => return Ok(None),
        }
    }
    Ok(Some(current.clone()))
}

fn type_error(call: &Call, index: usize, expected: &str, got: &Value) -> ResolveError {
    ResolveError::evaluation(format!(
        "argument {} of `{}` at {} must be a {expected}, but was a {}",
        index + 1,
        call.func.name(),
        call.path,
        got.type_name()
    ))
}

fn want_str<'v>(
    call: &Call,
    vals: &'v [Option<Value>],
    i: usize,
) -> Result<Option<&'v str>, ResolveError> {
    match vals.get(i) {
        Some(Some(Value::String(s))) => Ok(Some(s)),
        Some(Some(other)) => Err(type_error(call, i, "string", other)),
        _ => Ok(None),
    }
}

fn want_bool(call: &Call, vals: &[Option<Value>], i: usize) -> Result<Option<bool>, ResolveError> {
    match vals.get(i) {
        Some(Some(Value::Bool(b))) => Ok(Some(*b)),
        Some(Some(other)) => Err(type_error(call, i, "boolean", other)),
        _ => Ok(None),
    }
}

fn want_int(call: &Call, vals: &[Option<Value>], i: usize) -> Result<Option<i64>, ResolveError> {
    match vals.get(i) {
        Some(Some(Value::Integer(n))) => Ok(Some(*n)),
        Some(Some(other)) => Err(type_error(call, i, "integer", other)),
        _ => Ok(None),
    }
}

/// Evaluates a function call. Functions other than `isSet`, `coalesce` and
/// `ite` give no value when any argument has no value.
fn eval_call(call: &Call, scope: &Scope<'_>) -> Result<Option<Value>, ResolveError> {
    // Functions that look at optionality or evaluate lazily.
    match &call.func {
        Func::IsSet => {
            let v = eval_arg(call, 0, scope)?;
            return Ok(Some(Value::Bool(v.is_some())));
        }
        Func::Coalesce => {
            for arg in &call.args {
                if let Some(v) = eval(arg, scope)? {
                    return Ok(Some(v));
                }
            }
            return Ok(None);
        }
        Func::Ite => {
            let cond = eval_arg(call, 0, scope)?;
            let branch = match cond {
                Some(Value::Bool(true)) => 1,
                Some(Value::Bool(false)) => 2,
                Some(other) => return Err(type_error(call, 0, "boolean", &other)),
                None => {
                    return Err(ResolveError::evaluation(format!(
                        "the condition of `ite` at {} evaluated to no value",
                        call.path
                    )))
                }
            };
            return eval_arg(call, branch, scope);
        }
        Func::GetAttr(path) => {
            return match eval_arg(call, 0, scope)? {
                Some(v) => get_attr(&v, path, &format!("`getAttr` at {}", call.path)),
                None => Ok(None),
            };
        }
        _ => {}
    }
    let vals = call
        .args
        .iter()
        .map(|a| eval(a, scope))
        .collect::<Result<Vec<_>, _>>()?;
    let c = call;
    Ok(match &call.func {
        Func::Not => want_bool(c, &vals, 0)?.map(|b| Value::Bool(!b)),
        Func::BooleanEquals => match (want_bool(c, &vals, 0)?, want_bool(c, &vals, 1)?) {
            (Some(a), Some(b)) => Some(Value::Bool(a == b)),
            _ => None,
        },
        Func::StringEquals => match (want_str(c, &vals, 0)?, want_str(c, &vals, 1)?) {
            (Some(a), Some(b)) => Some(Value::Bool(a == b)),
            _ => None,
        },
        Func::Substring => match (
            want_str(c, &vals, 0)?,
            want_int(c, &vals, 1)?,
            want_int(c, &vals, 2)?,
            want_bool(c, &vals, 3)?,
        ) {
            (Some(s), Some(start), Some(stop), Some(rev)) => {
                functions::substring(s, start, stop, rev).map(Value::String)
            }
            _ => None,
        },
        Func::UriEncode => want_str(c, &vals, 0)?.map(|s| Value::String(functions::uri_encode(s))),
        Func::ParseUrl => want_str(c, &vals, 0)?
            .and_then(functions::parse_url)
            .map(|u| u.to_value()),
        Func::IsValidHostLabel => match (want_str(c, &vals, 0)?, want_bool(c, &vals, 1)?) {
            (Some(s), Some(sub)) => Some(Value::Bool(functions::is_valid_host_label(s, sub))),
            _ => None,
        },
        Func::AwsPartition => match want_str(c, &vals, 0)? {
            Some(region) => {
                let partitions = match scope.partitions {
                    Some(p) => p,
                    None => Partitions::embedded().map_err(|e| {
                        ResolveError::evaluation(format!("`aws.partition` at {}: {e}", call.path))
                    })?,
                };
                partitions.lookup(region)
            }
            None => None,
        },
        Func::AwsParseArn => want_str(c, &vals, 0)?
            .and_then(functions::parse_arn)
            .map(|a| a.to_value()),
        Func::AwsIsVirtualHostableS3Bucket => {
            match (want_str(c, &vals, 0)?, want_bool(c, &vals, 1)?) {
                (Some(s), Some(sub)) => Some(Value::Bool(
                    functions::is_virtual_hostable_s3_bucket(s, sub),
                )),
                _ => None,
            }
        }
        Func::Split => match (
            want_str(c, &vals, 0)?,
            want_str(c, &vals, 1)?,
            want_int(c, &vals, 2)?,
        ) {
            (Some(s), Some(d), Some(limit)) => match functions::split(s, d, limit) {
                Some(parts) => Some(Value::Array(parts.into_iter().map(Value::String).collect())),
                None => {
                    return Err(ResolveError::evaluation(format!(
                        "`split` at {} needs a non-empty delimiter and a non-negative limit",
                        call.path
                    )))
                }
            },
            _ => None,
        },
        // Handled above.
        Func::IsSet | Func::Coalesce | Func::Ite | Func::GetAttr(_) => None,
    })
}

fn eval_arg(call: &Call, i: usize, scope: &Scope<'_>) -> Result<Option<Value>, ResolveError> {
    match call.args.get(i) {
        Some(arg) => eval(arg, scope),
        None => Err(ResolveError::evaluation(format!(
            "`{}` at {} is missing argument {}",
            call.func.name(),
            call.path,
            i + 1
        ))),
    }
}
