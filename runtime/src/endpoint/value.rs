//! Run-time values of the rules engine.

use aws_smithy_types::Document;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// A value seen by the rules engine: a parameter value, a literal, or the
/// result of a function.
///
/// "No value" (an unset parameter, a function returning an empty optional) is
/// modelled as `Option<Value>::None` by the engine, never as a variant here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A string.
    String(String),
    /// A boolean.
    Bool(bool),
    /// An integer (used by `substring`, `split` and integer literals).
    Integer(i64),
    /// An array, e.g. a `stringArray` parameter or `aws.parseArn`'s `resourceId`.
    Array(Vec<Value>),
    /// A record (object) with named fields, e.g. the result of `parseURL`.
    Record(BTreeMap<String, Value>),
}

impl Value {
    /// The string inside, if this is a [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean inside, if this is a [`Value::Bool`].
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer inside, if this is a [`Value::Integer`].
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The elements, if this is a [`Value::Array`].
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The fields, if this is a [`Value::Record`].
    pub fn as_record(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Record(r) => Some(r),
            _ => None,
        }
    }

    /// A short name of this value's type, used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Integer(_) => "integer",
            Value::Array(_) => "array",
            Value::Record(_) => "record",
        }
    }

    /// Converts this value into a Smithy [`Document`] (used for endpoint properties).
    pub fn to_document(&self) -> Document {
        match self {
            Value::String(s) => Document::String(s.clone()),
            Value::Bool(b) => Document::Bool(*b),
            Value::Integer(i) => Document::from(*i),
            Value::Array(items) => Document::Array(items.iter().map(Value::to_document).collect()),
            Value::Record(fields) => Document::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_document()))
                    .collect::<HashMap<_, _>>(),
            ),
        }
    }

    /// Converts a JSON value into a rules-engine value. `null` and non-integer
    /// numbers have no rules-engine equivalent and give `None`.
    pub fn from_json(json: &crate::protocol::json::Value) -> Option<Value> {
        use crate::protocol::json::Value as Json;
        Some(match json {
            Json::String(s) => Value::String(s.clone()),
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(_) => Value::Integer(json.as_i64()?),
            Json::Array(items) => Value::Array(
                items
                    .iter()
                    .map(Value::from_json)
                    .collect::<Option<Vec<_>>>()?,
            ),
            // Collected into a map: a repeated key keeps its last value.
            Json::Object(fields) => Value::Record(
                fields
                    .iter()
                    .map(|(k, v)| Some((k.clone(), Value::from_json(v)?)))
                    .collect::<Option<BTreeMap<_, _>>>()?,
            ),
            Json::Null => return None,
        })
    }
}

impl fmt::Display for Value {
    /// Strings print bare; everything else prints in a JSON-like form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => f.write_str(s),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Value::Record(fields) => {
                f.write_str("{")?;
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::String(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::String(value)
    }
}

impl From<&String> for Value {
    fn from(value: &String) -> Self {
        Value::String(value.clone())
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Integer(value)
    }
}

impl From<Vec<String>> for Value {
    fn from(value: Vec<String>) -> Self {
        Value::Array(value.into_iter().map(Value::String).collect())
    }
}

impl From<Vec<&str>> for Value {
    fn from(value: Vec<&str>) -> Self {
        Value::Array(value.into_iter().map(Value::from).collect())
    }
}

impl From<&[&str]> for Value {
    fn from(value: &[&str]) -> Self {
        Value::Array(value.iter().copied().map(Value::from).collect())
    }
}

impl From<Vec<Value>> for Value {
    fn from(value: Vec<Value>) -> Self {
        Value::Array(value)
    }
}

impl From<BTreeMap<String, Value>> for Value {
    fn from(value: BTreeMap<String, Value>) -> Self {
        Value::Record(value)
    }
}
