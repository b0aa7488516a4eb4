//! Endpoint rules engine: evaluates a Smithy `endpointRuleSet` at run time.
//!
//! Generated clients embed their model's `smithy.rules#endpointRuleSet` trait
//! as JSON text, load it once with [`RuleSet::from_json`], and resolve
//! endpoints from [`Params`] either directly with [`RuleSet::resolve`] or
//! through the orchestrator with [`EndpointResolver`].
//!
//! Supported: endpoint, error and tree rules; conditions with `assign`;
//! references, template strings (`{Region}`, `{PartitionResult#dnsSuffix}`,
//! `{{`/`}}` escapes); endpoint `url`, `headers` and `properties`; parameters
//! of type `string`, `boolean` and `stringArray` with `default` and
//! `required`; and the library functions `isSet`, `not`, `booleanEquals`,
//! `stringEquals`, `getAttr`, `substring`, `uriEncode`, `parseURL`,
//! `isValidHostLabel`, `coalesce`, `ite`, `split`, `aws.partition`,
//! `aws.parseArn` and `aws.isVirtualHostableS3Bucket`.
//!
//! ```
//! use smithygen_runtime::endpoint::{Params, RuleSet};
//!
//! let rules = RuleSet::from_json(r#"{
//!   "version": "1.0",
//!   "parameters": {"Region": {"type": "string", "required": true}},
//!   "rules": [{
//!     "type": "endpoint",
//!     "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}],
//!     "endpoint": {"url": "https://svc.{Region}.{p#dnsSuffix}"}
//!   }]
//! }"#)?;
//! let endpoint = rules.resolve(Params::new().set("Region", "cn-north-1"))?;
//! assert_eq!(endpoint.url(), "https://svc.cn-north-1.amazonaws.com.cn");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod error;
mod eval;
pub mod functions;
mod params;
mod parse;
pub mod partition;
mod value;

pub use error::{ResolveError, ResolveErrorKind, RuleSetError};
pub use params::{Deprecated, Parameter, ParameterType, Params};
pub use partition::Partitions;
pub use value::Value;

use aws_smithy_runtime_api::client::endpoint::{
    error::ResolveEndpointError, EndpointFuture, EndpointResolverParams, ResolveEndpoint,
};
use aws_smithy_types::endpoint::Endpoint;
use std::fmt;
use std::sync::Arc;

/// A parsed endpoint rule set. Parse once; cloning is cheap (shared inside).
#[derive(Clone)]
pub struct RuleSet {
    def: Arc<parse::RuleSetDef>,
    partitions: Option<Arc<Partitions>>,
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleSet")
            .field("version", &self.def.version)
            .field("parameters", &self.def.parameters)
            .field("rules", &self.def.rules.len())
            .field("custom_partitions", &self.partitions.is_some())
            .finish()
    }
}

impl RuleSet {
    /// Parses the JSON text of an `endpointRuleSet` trait.
    ///
    /// The text is treated as untrusted: malformed documents, unknown rule
    /// types or functions, wrong argument counts, bad templates and references
    /// to undeclared names are reported as a [`RuleSetError`] naming the JSON
    /// path of the problem.
    pub fn from_json(json: &str) -> Result<RuleSet, RuleSetError> {
        let doc: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| RuleSetError::new("$", format!("not valid JSON: {e}")))?;
        Self::from_json_value(&doc)
    }

    /// Like [`from_json`](Self::from_json), from an already parsed JSON value.
    pub fn from_json_value(doc: &serde_json::Value) -> Result<RuleSet, RuleSetError> {
        Ok(RuleSet {
            def: Arc::new(parse::parse_rule_set(doc)?),
            partitions: None,
        })
    }

    /// Uses `partitions` for `aws.partition` instead of the embedded AWS
    /// partition data (e.g. for custom or test partitions).
    pub fn with_partitions(mut self, partitions: Arc<Partitions>) -> RuleSet {
        self.partitions = Some(partitions);
        self
    }

    /// The rules-engine version the rule set declares (e.g. `1.0`).
    pub fn version(&self) -> &str {
        &self.def.version
    }

    /// The declared parameters, in document order: name, type, built-in,
    /// default, required, documentation, deprecation.
    pub fn parameters(&self) -> &[Parameter] {
        &self.def.parameters
    }

    /// The declared parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.def.parameters.iter().find(|p| p.name() == name)
    }

    /// Resolves the endpoint for `params`.
    ///
    /// Unset parameters take their defaults; a required parameter with neither
    /// value nor default, or a value of the wrong type, is an error naming the
    /// parameter. When an error rule matches, the error's `Display` is the
    /// rule's message exactly.
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, ResolveError> {
        eval::resolve(&self.def, params, self.partitions.as_deref())
    }
}

/// Resolves endpoints for the orchestrator: implements
/// [`ResolveEndpoint`] by reading [`Params`] from the
/// [`EndpointResolverParams`] and evaluating the rule set.
#[derive(Clone, Debug)]
pub struct EndpointResolver {
    rule_set: RuleSet,
}

impl EndpointResolver {
    /// A resolver evaluating `rule_set`.
    pub fn new(rule_set: RuleSet) -> Self {
        Self { rule_set }
    }

    /// The rule set this resolver evaluates.
    pub fn rule_set(&self) -> &RuleSet {
        &self.rule_set
    }
}

impl ResolveEndpoint for EndpointResolver {
    fn resolve_endpoint<'a>(&'a self, params: &'a EndpointResolverParams) -> EndpointFuture<'a> {
        let result = match params.get::<Params>() {
            Some(p) => self.rule_set.resolve(p).map_err(Into::into),
            None => Err(ResolveEndpointError::message(
                "endpoint resolver parameters are not smithygen_runtime::endpoint::Params",
            )
            .into()),
        };
        EndpointFuture::ready(result)
    }
}
