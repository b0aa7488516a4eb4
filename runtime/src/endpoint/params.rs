//! Parameter declarations of a rule set and the values a caller supplies.

use super::value::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The declared type of a rule-set parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParameterType {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `stringArray`
    StringArray,
}

impl ParameterType {
    /// Parses the `type` field of a parameter (case-insensitive).
    pub fn parse(s: &str) -> Option<ParameterType> {
        match s.to_ascii_lowercase().as_str() {
            "string" => Some(ParameterType::String),
            "boolean" => Some(ParameterType::Boolean),
            "stringarray" => Some(ParameterType::StringArray),
            _ => None,
        }
    }

    /// Whether `value` has this type.
    pub fn accepts(self, value: &Value) -> bool {
        match (self, value) {
            (ParameterType::String, Value::String(_)) => true,
            (ParameterType::Boolean, Value::Bool(_)) => true,
            (ParameterType::StringArray, Value::Array(items)) => {
                items.iter().all(|v| matches!(v, Value::String(_)))
            }
            _ => false,
        }
    }
}

impl fmt::Display for ParameterType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParameterType::String => "string",
            ParameterType::Boolean => "boolean",
            ParameterType::StringArray => "stringArray",
        })
    }
}

/// The `deprecated` object of a parameter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deprecated {
    /// Optional explanation and recourse.
    pub message: Option<String>,
    /// Optional date the parameter was deprecated.
    pub since: Option<String>,
}

/// A parameter declared by a rule set.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub(crate) name: String,
    pub(crate) param_type: ParameterType,
    pub(crate) built_in: Option<String>,
    pub(crate) default: Option<Value>,
    pub(crate) required: bool,
    pub(crate) documentation: Option<String>,
    pub(crate) deprecated: Option<Deprecated>,
}

impl Parameter {
    /// The parameter name, e.g. `Region`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The declared type.
    pub fn param_type(&self) -> ParameterType {
        self.param_type
    }

    /// The built-in this parameter is bound to, e.g. `AWS::Region`.
    pub fn built_in(&self) -> Option<&str> {
        self.built_in.as_deref()
    }

    /// The value used when the caller leaves the parameter unset.
    pub fn default_value(&self) -> Option<&Value> {
        self.default.as_ref()
    }

    /// Whether resolution fails when the parameter has neither value nor default.
    pub fn is_required(&self) -> bool {
        self.required
    }

    /// The parameter's documentation.
    pub fn documentation(&self) -> Option<&str> {
        self.documentation.as_deref()
    }

    /// The deprecation notice, if the parameter is deprecated.
    pub fn deprecated(&self) -> Option<&Deprecated> {
        self.deprecated.as_ref()
    }
}

/// Parameter values for one endpoint resolution, by parameter name.
///
/// Unset parameters take their rule-set default; names the rule set does not
/// declare are ignored.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    values: BTreeMap<String, Value>,
}

impl Params {
    /// No values set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`, replacing any earlier value.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Value>) -> &mut Self {
        self.values.insert(name.into(), value.into());
        self
    }

    /// Like [`set`](Self::set), by value, for chaining.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set(name, value);
        self
    }

    /// Sets `name` when `value` is `Some`, otherwise unsets it.
    pub fn set_opt(
        &mut self,
        name: impl Into<String>,
        value: Option<impl Into<Value>>,
    ) -> &mut Self {
        let name = name.into();
        match value {
            Some(v) => {
                self.values.insert(name, v.into());
            }
            None => {
                self.values.remove(&name);
            }
        }
        self
    }

    /// Unsets `name`, returning its previous value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.values.remove(name)
    }

    /// The value set for `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// The string value set for `name`.
    pub fn string(&self, name: &str) -> Option<String> {
        self.get(name).and_then(Value::as_str).map(str::to_string)
    }

    /// The boolean value set for `name`.
    pub fn boolean(&self, name: &str) -> Option<bool> {
        self.get(name).and_then(Value::as_bool)
    }

    /// The string array set for `name` (`None` if any item is not a string).
    pub fn string_array(&self, name: &str) -> Option<Vec<String>> {
        self.get(name)?
            .as_array()?
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// All values set, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut p = Params::new();
        for (k, v) in iter {
            p.set(k, v);
        }
        p
    }
}
