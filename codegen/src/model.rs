//! Load: the Smithy 2.0 JSON AST, parsed with serde into plain data.
//!
//! Nothing here interprets traits; it only checks that the document has the
//! shape the JSON AST specification describes and names the offending JSON path
//! when it does not.

use crate::error::{Error, Result};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A shape id such as `com.example#Shape` or `com.example#Shape$member`.
pub type ShapeId = String;

/// Traits attached to a shape or member, keyed by absolute trait shape id.
pub type Traits = BTreeMap<String, Value>;

/// A whole model: version, metadata and shapes in a deterministic order.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// The `smithy` IDL version, `2.0` or `2`.
    pub version: String,
    /// Free-form model metadata.
    pub metadata: Map<String, Value>,
    /// Every shape, keyed by absolute shape id (BTreeMap: deterministic output).
    pub shapes: BTreeMap<ShapeId, Shape>,
}

/// A reference to another shape: `{"target": "ns#Name"}`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ShapeRef {
    /// Absolute id of the referenced shape.
    pub target: ShapeId,
}

/// A member of an aggregate shape.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Absolute id of the member's target shape.
    pub target: ShapeId,
    /// Traits applied to the member itself.
    #[serde(default)]
    pub traits: Traits,
}

/// One shape of the model, by its `type`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Shape {
    /// Simple shapes carry only traits (and mixins).
    Blob(Simple),
    /// `boolean`.
    Boolean(Simple),
    /// `string`.
    String(Simple),
    /// `byte`.
    Byte(Simple),
    /// `short`.
    Short(Simple),
    /// `integer`.
    Integer(Simple),
    /// `long`.
    Long(Simple),
    /// `float`.
    Float(Simple),
    /// `double`.
    Double(Simple),
    /// `bigInteger`.
    BigInteger(Simple),
    /// `bigDecimal`.
    BigDecimal(Simple),
    /// `timestamp`.
    Timestamp(Simple),
    /// `document`.
    Document(Simple),
    /// `enum`: string values as members targeting `smithy.api#Unit`.
    Enum(Aggregate),
    /// `intEnum`: integer values as members targeting `smithy.api#Unit`.
    IntEnum(Aggregate),
    /// `list` with one `member`.
    List(ListShape),
    /// `set` (IDL 1.0 spelling of a unique list).
    Set(ListShape),
    /// `map` with `key` and `value`.
    Map(MapShape),
    /// `structure`.
    Structure(Aggregate),
    /// `union`.
    Union(Aggregate),
    /// `service`.
    Service(ServiceShape),
    /// `operation`.
    Operation(OperationShape),
    /// `resource`.
    Resource(ResourceShape),
    /// `apply`: traits to merge onto another shape or member.
    Apply(ApplyShape),
}

/// Body of a simple shape.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Simple {
    /// Shape traits.
    #[serde(default)]
    pub traits: Traits,
    /// Mixins applied to the shape.
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

/// Body of a structure, union, enum or intEnum.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    /// Members in model order.
    #[serde(default)]
    pub members: indexmap_like::OrderedMembers,
    /// Shape traits.
    #[serde(default)]
    pub traits: Traits,
    /// Mixins applied to the shape.
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

/// Body of a list or set.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ListShape {
    /// The element member.
    pub member: Member,
    /// Shape traits.
    #[serde(default)]
    pub traits: Traits,
    /// Mixins applied to the shape.
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

/// Body of a map.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MapShape {
    /// The key member (targets a string).
    pub key: Member,
    /// The value member.
    pub value: Member,
    /// Shape traits.
    #[serde(default)]
    pub traits: Traits,
    /// Mixins applied to the shape.
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

/// Body of a service.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceShape {
    /// The service version string.
    #[serde(default)]
    pub version: String,
    /// Operations bound directly to the service.
    #[serde(default)]
    pub operations: Vec<ShapeRef>,
    /// Resources bound to the service.
    #[serde(default)]
    pub resources: Vec<ShapeRef>,
    /// Errors every operation of the service can return.
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    /// Shape renames that disambiguate names within the closure.
    #[serde(default)]
    pub rename: BTreeMap<ShapeId, String>,
    /// Shape traits.
    #[serde(default)]
    pub traits: Traits,
    /// Mixins applied to the shape.
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

/// Body of an operation.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OperationShape {
    /// Input structure (absent means `smithy.api#Unit`).
    pub input: Option<ShapeRef>,
    /// Output structure (absent means `smithy.api#Unit`).
    pub output: Option<ShapeRef>,
    /// Modeled errors.
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    /// Shape traits.
    #[serde(default)]
    pub traits: Traits,
    /// Mixins applied to the shape.
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

/// Body of a resource; only what binds operations matters to code generation.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourceShape {
    /// Identifier names and their targets.
    #[serde(default)]
    pub identifiers: BTreeMap<String, ShapeRef>,
    /// Property names and their targets.
    #[serde(default)]
    pub properties: BTreeMap<String, ShapeRef>,
    /// Lifecycle operation `create`.
    pub create: Option<ShapeRef>,
    /// Lifecycle operation `put`.
    pub put: Option<ShapeRef>,
    /// Lifecycle operation `read`.
    pub read: Option<ShapeRef>,
    /// Lifecycle operation `update`.
    pub update: Option<ShapeRef>,
    /// Lifecycle operation `delete`.
    pub delete: Option<ShapeRef>,
    /// Lifecycle operation `list`.
    pub list: Option<ShapeRef>,
    /// Instance operations.
    #[serde(default)]
    pub operations: Vec<ShapeRef>,
    /// Collection operations.
    #[serde(default)]
    pub collection_operations: Vec<ShapeRef>,
    /// Child resources.
    #[serde(default)]
    pub resources: Vec<ShapeRef>,
    /// Shape traits.
    #[serde(default)]
    pub traits: Traits,
    /// Mixins applied to the shape.
    #[serde(default)]
    pub mixins: Vec<ShapeRef>,
}

impl ResourceShape {
    /// Every operation the resource binds, lifecycle first, in a fixed order.
    pub fn bound_operations(&self) -> impl Iterator<Item = &ShapeRef> {
        [&self.create, &self.put, &self.read, &self.update, &self.delete, &self.list]
            .into_iter()
            .flatten()
            .chain(self.operations.iter())
            .chain(self.collection_operations.iter())
    }
}

/// Body of an `apply` statement.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApplyShape {
    /// Traits to merge onto the target.
    #[serde(default)]
    pub traits: Traits,
    /// Always empty: `apply` takes no mixins (kept so every shape body has the field).
    #[serde(skip)]
    pub mixins: Vec<ShapeRef>,
}

/// Members kept in model order: the JSON AST object order is meaningful
/// (it is the order of fields in generated structs and of enum variants).
pub mod indexmap_like {
    use super::Member;
    use serde::de::{Deserializer, MapAccess, Visitor};
    use serde::Deserialize;
    use std::fmt;

    /// An insertion-ordered list of `(member name, member)` pairs.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct OrderedMembers(pub Vec<(String, Member)>);

    impl OrderedMembers {
        /// Looks a member up by name.
        pub fn get(&self, name: &str) -> Option<&Member> {
            self.0.iter().find(|(n, _)| n == name).map(|(_, m)| m)
        }
        /// Looks a member up by name, mutably.
        pub fn get_mut(&mut self, name: &str) -> Option<&mut Member> {
            self.0.iter_mut().find(|(n, _)| n == name).map(|(_, m)| m)
        }
        /// Iterates members in model order.
        pub fn iter(&self) -> impl Iterator<Item = (&String, &Member)> {
            self.0.iter().map(|(n, m)| (n, m))
        }
    }

    impl<'de> Deserialize<'de> for OrderedMembers {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = OrderedMembers;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an object of members")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let mut out = Vec::new();
                    while let Some((k, v)) = map.next_entry::<String, Member>()? {
                        if out.iter().any(|(n, _): &(String, Member)| n.eq_ignore_ascii_case(&k)) {
                            return Err(serde::de::Error::custom(format!(
                                "member `{k}` is defined twice (member names are case-insensitively unique)"
                            )));
                        }
                        out.push((k, v));
                    }
                    Ok(OrderedMembers(out))
                }
            }
            d.deserialize_map(V)
        }
    }
}

/// Evaluates `$e` with `$body` bound to the shape's body, whatever its type: every
/// body has `traits` and `mixins`, so accessors need one arm each, not one per type.
macro_rules! on_body {
    ($shape:expr, $body:ident => $e:expr) => {
        match $shape {
            Shape::Blob($body) => $e,
            Shape::Boolean($body) => $e,
            Shape::String($body) => $e,
            Shape::Byte($body) => $e,
            Shape::Short($body) => $e,
            Shape::Integer($body) => $e,
            Shape::Long($body) => $e,
            Shape::Float($body) => $e,
            Shape::Double($body) => $e,
            Shape::BigInteger($body) => $e,
            Shape::BigDecimal($body) => $e,
            Shape::Timestamp($body) => $e,
            Shape::Document($body) => $e,
            Shape::Enum($body) => $e,
            Shape::IntEnum($body) => $e,
            Shape::List($body) => $e,
            Shape::Set($body) => $e,
            Shape::Map($body) => $e,
            Shape::Structure($body) => $e,
            Shape::Union($body) => $e,
            Shape::Service($body) => $e,
            Shape::Operation($body) => $e,
            Shape::Resource($body) => $e,
            Shape::Apply($body) => $e,
        }
    };
}

impl Shape {
    /// The shape's `type` as written in the JSON AST.
    pub fn type_name(&self) -> &'static str {
        match self {
            Shape::Blob(_) => "blob",
            Shape::Boolean(_) => "boolean",
            Shape::String(_) => "string",
            Shape::Byte(_) => "byte",
            Shape::Short(_) => "short",
            Shape::Integer(_) => "integer",
            Shape::Long(_) => "long",
            Shape::Float(_) => "float",
            Shape::Double(_) => "double",
            Shape::BigInteger(_) => "bigInteger",
            Shape::BigDecimal(_) => "bigDecimal",
            Shape::Timestamp(_) => "timestamp",
            Shape::Document(_) => "document",
            Shape::Enum(_) => "enum",
            Shape::IntEnum(_) => "intEnum",
            Shape::List(_) => "list",
            Shape::Set(_) => "set",
            Shape::Map(_) => "map",
            Shape::Structure(_) => "structure",
            Shape::Union(_) => "union",
            Shape::Service(_) => "service",
            Shape::Operation(_) => "operation",
            Shape::Resource(_) => "resource",
            Shape::Apply(_) => "apply",
        }
    }

    /// The shape's traits.
    pub fn traits(&self) -> &Traits {
        on_body!(self, body => &body.traits)
    }

    /// The shape's traits, mutably.
    pub fn traits_mut(&mut self) -> &mut Traits {
        on_body!(self, body => &mut body.traits)
    }

    /// The mixins the shape names.
    pub fn mixins(&self) -> &[ShapeRef] {
        on_body!(self, body => &body.mixins)
    }

    /// The mixins the shape names, mutably.
    pub fn mixins_mut(&mut self) -> &mut Vec<ShapeRef> {
        on_body!(self, body => &mut body.mixins)
    }

    /// Named members, for shapes that have them (aggregates, lists, maps).
    pub fn members(&self) -> Vec<(&str, &Member)> {
        match self {
            Shape::Enum(a) | Shape::IntEnum(a) | Shape::Structure(a) | Shape::Union(a) => {
                a.members.iter().map(|(n, m)| (n.as_str(), m)).collect()
            }
            Shape::List(l) | Shape::Set(l) => vec![("member", &l.member)],
            Shape::Map(m) => vec![("key", &m.key), ("value", &m.value)],
            _ => Vec::new(),
        }
    }

    /// A named member, mutably.
    pub fn member_mut(&mut self, name: &str) -> Option<&mut Member> {
        match self {
            Shape::Enum(a) | Shape::IntEnum(a) | Shape::Structure(a) | Shape::Union(a) => {
                a.members.get_mut(name)
            }
            Shape::List(l) | Shape::Set(l) if name == "member" => Some(&mut l.member),
            Shape::Map(m) => match name {
                "key" => Some(&mut m.key),
                "value" => Some(&mut m.value),
                _ => None,
            },
            _ => None,
        }
    }
}

impl Model {
    /// Parses a JSON AST document. Errors name the JSON path of the problem.
    pub fn from_json(text: &str) -> Result<Model> {
        let root: StrictValue = serde_json::from_str(text)
            .map_err(|e| Error::at("$", format!("not valid JSON: {e}")))?;
        Self::from_value(root.0)
    }

    /// Parses an already decoded JSON AST document.
    pub fn from_value(root: Value) -> Result<Model> {
        let Value::Object(mut root) = root else {
            return Err(Error::at("$", "the model must be a JSON object"));
        };
        let version = match root.remove("smithy") {
            Some(Value::String(v)) => v,
            Some(_) => return Err(Error::at("$.smithy", "must be a string such as \"2.0\"")),
            None => return Err(Error::at("$.smithy", "missing: a JSON AST model starts with \"smithy\": \"2.0\"")),
        };
        if !(version == "2.0" || version == "2" || version.starts_with("1.")) {
            return Err(Error::at("$.smithy", format!("unsupported IDL version `{version}`; expected 2.0")));
        }
        let metadata = match root.remove("metadata") {
            None => Map::new(),
            Some(Value::Object(m)) => m,
            Some(_) => return Err(Error::at("$.metadata", "must be an object")),
        };
        let shapes_value = match root.remove("shapes") {
            None => Map::new(),
            Some(Value::Object(m)) => m,
            Some(_) => return Err(Error::at("$.shapes", "must be an object keyed by shape id")),
        };
        if let Some(key) = root.keys().next() {
            return Err(Error::at(format!("$.{key}"), "unknown top-level property"));
        }
        let mut shapes = BTreeMap::new();
        for (id, value) in shapes_value {
            let path = format!("$.shapes[\"{id}\"]");
            let shape: Shape = serde_json::from_value(value)
                .map_err(|e| Error::at(&path, format!("invalid shape: {e}")))?;
            shapes.insert(id, shape);
        }
        Ok(Model { version, metadata, shapes })
    }

    /// Merges another model's shapes into this one (used for the prelude).
    pub fn merge_missing(&mut self, other: Model) {
        for (id, shape) in other.shapes {
            self.shapes.entry(id).or_insert(shape);
        }
    }
}

/// A JSON value whose objects have no repeated keys: `serde_json::Value` keeps the last of
/// two equal keys silently, which would hide a shape, member or trait defined twice.
struct StrictValue(Value);

impl<'de> serde::Deserialize<'de> for StrictValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("the key \"{key}\" appears twice in one object")));
            }
            let StrictValue(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// The name part of a shape id (`Name` of `ns#Name`), without the `@<module>` suffix of a
/// synthesized operation input or output.
pub fn local_name(id: &str) -> &str {
    let name = id.split_once('#').map(|(_, n)| n).unwrap_or(id);
    name.split('@').next().unwrap_or(name)
}
