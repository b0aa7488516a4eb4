//! The rules interpreter's entry points: a rule set or BDD parsed from its JSON text, and the
//! orchestrator's resolver over either.

use super::{bdd, eval, parse, BddTrace, Params, Parameter, Partitions, ResolveError, RuleSetError};
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
        // `from_slice`, as the body readers parse: one copy of serde_json's reader in a client
        // binary instead of a second one for `&str` (~8 KiB).
        let doc: serde_json::Value = serde_json::from_slice(json.as_bytes())
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

/// A parsed `smithy.rules#endpointBdd` trait: the endpoint rules as a binary
/// decision diagram. Parse once; cloning is cheap (shared inside).
///
/// Parsing validates the whole diagram (base64, node count, every condition
/// index and reference in range, no cycles), so resolution cannot index out
/// of bounds or loop.
///
/// ```
/// use smithygen_runtime::endpoint::{Bdd, Params};
///
/// // One node (index 1, reference 2) testing condition 0: isSet(Region).
/// // High leads to result 1 (reference 100000001), low to result 2.
/// let bdd = Bdd::from_json(r#"{
///   "version": "1.1",
///   "parameters": {"Region": {"type": "string"}},
///   "conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]}],
///   "results": [
///     {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://svc.{Region}.example"}},
///     {"type": "error", "conditions": [], "error": "Region is required"}
///   ],
///   "root": 2,
///   "nodeCount": 2,
///   "nodes": "/////wAAAAH/////AAAAAAX14QEF9eEC"
/// }"#)?;
/// let endpoint = bdd.resolve(Params::new().set("Region", "eu-west-1"))?;
/// assert_eq!(endpoint.url(), "https://svc.eu-west-1.example");
/// assert_eq!(bdd.resolve(&Params::new()).unwrap_err().to_string(), "Region is required");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Bdd {
    def: Arc<bdd::BddDef>,
    partitions: Option<Arc<Partitions>>,
}

impl fmt::Debug for Bdd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bdd")
            .field("version", &self.def.version)
            .field("parameters", &self.def.parameters)
            .field("conditions", &self.def.conditions.len())
            .field("results", &self.def.results.len())
            .field("nodes", &self.def.nodes.len())
            .field("custom_partitions", &self.partitions.is_some())
            .finish()
    }
}

impl Bdd {
    /// Parses and validates the JSON text of an `endpointBdd` trait. Errors
    /// name the JSON path (e.g. `$.nodes`, `$.results[3].endpoint.url`).
    pub fn from_json(json: &str) -> Result<Bdd, RuleSetError> {
        // `from_slice`, as the body readers parse: one copy of serde_json's reader in a client
        // binary instead of a second one for `&str` (~8 KiB).
        let doc: serde_json::Value = serde_json::from_slice(json.as_bytes())
            .map_err(|e| RuleSetError::new("$", format!("not valid JSON: {e}")))?;
        Self::from_json_value(&doc)
    }

    /// Like [`from_json`](Self::from_json), from an already parsed JSON value.
    pub fn from_json_value(doc: &serde_json::Value) -> Result<Bdd, RuleSetError> {
        Ok(Bdd {
            def: Arc::new(bdd::parse_bdd(doc)?),
            partitions: None,
        })
    }

    /// Uses `partitions` for `aws.partition` instead of the embedded data.
    pub fn with_partitions(mut self, partitions: Arc<Partitions>) -> Bdd {
        self.partitions = Some(partitions);
        self
    }

    /// The rules-engine version the trait declares (1.1 or later).
    pub fn version(&self) -> &str {
        &self.def.version
    }

    /// The declared parameters, in document order.
    pub fn parameters(&self) -> &[Parameter] {
        &self.def.parameters
    }

    /// How many conditions the diagram tests.
    pub fn condition_count(&self) -> usize {
        self.def.conditions.len()
    }

    /// Resolves the endpoint for `params`; same contract as [`RuleSet::resolve`].
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, ResolveError> {
        self.resolve_traced(params).0
    }

    /// Like [`resolve`](Self::resolve), also reporting which conditions were
    /// evaluated and how often (for tests and diagnostics).
    pub fn resolve_traced(&self, params: &Params) -> (Result<Endpoint, ResolveError>, BddTrace) {
        let mut trace = BddTrace::default();
        let result = bdd::resolve(&self.def, params, self.partitions.as_deref(), &mut trace);
        (result, trace)
    }
}

/// The endpoint rules a client resolves with: the BDD when the model has one,
/// else the rule set.
#[derive(Clone, Debug)]
pub enum EndpointRules {
    /// `smithy.rules#endpointRuleSet`, run by the rule-tree interpreter.
    RuleSet(RuleSet),
    /// `smithy.rules#endpointBdd`, walked as a decision diagram.
    Bdd(Bdd),
}

impl EndpointRules {
    /// The declared parameters.
    pub fn parameters(&self) -> &[Parameter] {
        match self {
            EndpointRules::RuleSet(r) => r.parameters(),
            EndpointRules::Bdd(b) => b.parameters(),
        }
    }

    /// Resolves the endpoint for `params`.
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, ResolveError> {
        match self {
            EndpointRules::RuleSet(r) => r.resolve(params),
            EndpointRules::Bdd(b) => b.resolve(params),
        }
    }

    /// Whether these are the BDD rules.
    pub fn is_bdd(&self) -> bool {
        matches!(self, EndpointRules::Bdd(_))
    }
}

impl From<RuleSet> for EndpointRules {
    fn from(rules: RuleSet) -> Self {
        EndpointRules::RuleSet(rules)
    }
}

impl From<Bdd> for EndpointRules {
    fn from(bdd: Bdd) -> Self {
        EndpointRules::Bdd(bdd)
    }
}

/// Resolves endpoints for the orchestrator: implements
/// [`ResolveEndpoint`] by reading [`Params`] from the
/// [`EndpointResolverParams`] and evaluating the rules (rule set or BDD).
#[derive(Clone, Debug)]
pub struct EndpointResolver {
    rules: EndpointRules,
}

impl EndpointResolver {
    /// A resolver evaluating `rules` (a [`RuleSet`], a [`Bdd`] or [`EndpointRules`]).
    pub fn new(rules: impl Into<EndpointRules>) -> Self {
        Self {
            rules: rules.into(),
        }
    }

    /// The rules this resolver evaluates.
    pub fn rules(&self) -> &EndpointRules {
        &self.rules
    }
}

impl ResolveEndpoint for EndpointResolver {
    fn resolve_endpoint<'a>(&'a self, params: &'a EndpointResolverParams) -> EndpointFuture<'a> {
        let result = match params.get::<Params>() {
            Some(p) => self.rules.resolve(p).map_err(Into::into),
            None => Err(ResolveEndpointError::message(
                "endpoint resolver parameters are not smithygen_runtime::endpoint::Params",
            )
            .into()),
        };
        EndpointFuture::ready(result)
    }
}
