//! Endpoint rules: what generated resolvers call, and the rules interpreter.
//!
//! Generated clients resolve endpoints with code the generator lowers from their model's rule
//! set; that code calls the library functions of [`rules`] on [`Value`]s, with the partition
//! data of [`partition`]. Everything below, the interpreter, is behind the feature
//! `rules-interpreter` (on by default; generated clients turn it off): services described by
//! hand, the generator's parser of rule sets ([`parse`]) and the endpoint tests ([`testing`]).
//!
//! The interpreter takes a `smithy.rules#endpointRuleSet` trait as JSON text,
//! loaded once with [`RuleSet::from_json`], and resolves
//! endpoints from [`Params`] either directly with [`RuleSet::resolve`] or
//! through the orchestrator with [`EndpointResolver`].
//!
//! Models that also carry `smithy.rules#endpointBdd` (the same rules compiled
//! into a binary decision diagram) are resolved through [`Bdd`] instead: it
//! evaluates each condition at most once per resolution. [`EndpointRules`] is
//! whichever of the two a service described by hand uses. The rule-set interpreter stays for
//! models without a BDD, and [`testing`] runs a model's endpoint tests through
//! both and checks they agree.
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

#[cfg(feature = "rules-interpreter")]
mod bdd;
mod error;
#[cfg(feature = "rules-interpreter")]
mod eval;
pub mod functions;
mod params;
/// The syntax tree of a rule set, as the interpreter runs it and the generator lowers it.
#[cfg(feature = "rules-interpreter")]
#[doc(hidden)]
#[allow(missing_docs)]
pub mod parse;
pub mod rules;
pub mod partition;
#[cfg(feature = "rules-interpreter")]
pub mod testing;
mod typed;
mod value;

#[cfg(feature = "rules-interpreter")]
pub use bdd::BddTrace;
pub use error::{ResolveError, ResolveErrorKind, RuleSetError};
pub use params::{Deprecated, Parameter, ParameterType, Params};
pub use partition::Partitions;
pub use typed::{InvalidParams, TypedResolver};
pub use value::Value;

#[cfg(feature = "rules-interpreter")]
mod interpreter;
#[cfg(feature = "rules-interpreter")]
pub use interpreter::*;
