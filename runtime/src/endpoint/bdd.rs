//! The `smithy.rules#endpointBdd` trait: endpoint rules compiled into a binary
//! decision diagram, parsed, validated and walked.
//!
//! A BDD holds the same decisions as the rule set, but every distinct
//! condition appears once in a flat `conditions` list and the rules become a
//! DAG of nodes `[conditionIndex, highRef, lowRef]`. Resolution walks from
//! `root` to a result, so a condition shared by many rules is evaluated at
//! most once per resolution (the walker also memoises, so even a diagram that
//! tests a condition twice on one path does not evaluate it twice).
//!
//! Reference encoding (Smithy rules engine specification, "BDD node structure"
//! and "Reference encoding"):
//!
//! | reference | meaning |
//! |---|---|
//! | `0` | invalid |
//! | `1`, `-1` | TRUE / FALSE terminal: no rule matched |
//! | `2, 3, ...` | node `nodes[ref - 1]` |
//! | `-2, -3, ...` | the same node, complemented: high and low swap |
//! | `100_000_000 + i` | result `i`; result 0 is the implicit "no match", result `i >= 1` is `results[i - 1]` of the trait |
//!
//! Node 0 is always the terminal `[-1, 1, -1]` and is never referenced.

use super::error::{ResolveError, ResolveErrorKind, RuleSetError};
use super::eval::{eval_condition, eval_rule, Scope};
use super::params::Parameter;
use super::parse::{self, number_text, Condition, Rule, RuleKind};
use super::partition::Partitions;
use super::Params;
use aws_smithy_types::endpoint::Endpoint;
use serde_json::Value as Json;

/// References at or above this value name results (`RESULT_OFFSET + index`).
const RESULT_OFFSET: i32 = 100_000_000;

/// One decoded node: which condition it tests and where each outcome leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    /// Index into `conditions`; validated to be in range (never negative).
    pub(crate) condition: i32,
    pub(crate) high: i32,
    pub(crate) low: i32,
}

/// A parsed and validated `endpointBdd` trait.
#[derive(Debug)]
pub(crate) struct BddDef {
    pub(crate) version: String,
    pub(crate) parameters: Vec<Parameter>,
    pub(crate) conditions: Vec<Condition>,
    /// The trait's `results`; result reference `i >= 1` names `results[i - 1]`.
    pub(crate) results: Vec<Rule>,
    pub(crate) root: i32,
    pub(crate) nodes: Vec<Node>,
}

/// Where a reference leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    /// A node index and whether the edge is complemented.
    Node { index: usize, complemented: bool },
    /// The implicit "no match" result (terminals and result 0).
    NoMatch,
    /// `results[index]` of the trait.
    Result(usize),
}

/// Decodes a reference; `None` when it is malformed (0, or a complemented result).
fn decode_ref(reference: i32) -> Option<Target> {
    match reference {
        0 => None,
        1 | -1 | RESULT_OFFSET => Some(Target::NoMatch),
        r if r > RESULT_OFFSET => Some(Target::Result((r - RESULT_OFFSET - 1) as usize)),
        r if r <= -RESULT_OFFSET => None,
        r => Some(Target::Node {
            index: (r.unsigned_abs() - 1) as usize,
            complemented: r < 0,
        }),
    }
}

/// Parses the JSON of an `endpointBdd` trait and validates it completely, so
/// that resolution can index without checks and always terminates.
pub(crate) fn parse_bdd(doc: &Json) -> Result<BddDef, RuleSetError> {
    let obj = doc
        .as_object()
        .ok_or_else(|| RuleSetError::new("$", "an endpointBdd must be a JSON object"))?;
    let (version, parameters) = parse::parse_version_and_parameters(obj)?;
    if !version_at_least_1_1(&version) {
        return Err(RuleSetError::new(
            "$.version",
            format!("an endpointBdd needs rules-engine version 1.1 or later, got `{version}`"),
        ));
    }

    // A condition may refer to the parameters and to any variable another
    // condition assigns: the diagram decides the order, so the parse-time
    // scope is all of them, and an unassigned variable is simply unset.
    let raw_conditions = array(obj, "conditions")?;
    let mut scope: Vec<String> = parameters.iter().map(|p| p.name.clone()).collect();
    scope.extend(
        raw_conditions
            .iter()
            .filter_map(|c| c.get("assign").and_then(Json::as_str))
            .map(str::to_owned),
    );
    let conditions = raw_conditions
        .iter()
        .enumerate()
        .map(|(i, c)| parse::parse_condition(c, &format!("$.conditions[{i}]"), &scope))
        .collect::<Result<Vec<_>, _>>()?;

    let results = array(obj, "results")?
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let path = format!("$.results[{i}]");
            let rule = parse::parse_rule(r, &path, &mut scope.clone())?;
            if !rule.conditions.is_empty() {
                return Err(RuleSetError::new(
                    format!("{path}.conditions"),
                    "a BDD result must not have conditions (the diagram decides which result applies)",
                ));
            }
            if matches!(rule.kind, RuleKind::Tree(_)) {
                return Err(RuleSetError::new(
                    format!("{path}.type"),
                    "a BDD result must be an endpoint or error rule, not a tree rule",
                ));
            }
            Ok(rule)
        })
        .collect::<Result<Vec<_>, _>>()?;

    let root = integer(obj, "root")?;
    let node_count = integer(obj, "nodeCount")?;
    let encoded = match obj.get("nodes") {
        Some(Json::String(s)) => s,
        Some(_) => return Err(RuleSetError::new("$.nodes", "expected a base64 string")),
        None => return Err(RuleSetError::new("$.nodes", "missing required property")),
    };
    let nodes = decode_nodes(encoded, node_count)?;
    let def = BddDef {
        version,
        parameters,
        conditions,
        results,
        root,
        nodes,
    };
    validate(&def)?;
    Ok(def)
}

fn version_at_least_1_1(version: &str) -> bool {
    let mut parts = version.split('.').map(str::parse::<u32>);
    match (parts.next(), parts.next()) {
        (Some(Ok(major)), Some(Ok(minor))) => (major, minor) >= (1, 1),
        (Some(Ok(major)), None) => major > 1,
        _ => false,
    }
}

fn array<'a>(
    obj: &'a serde_json::Map<String, Json>,
    key: &str,
) -> Result<&'a Vec<Json>, RuleSetError> {
    match obj.get(key) {
        Some(Json::Array(a)) => Ok(a),
        Some(_) => Err(RuleSetError::new(format!("$.{key}"), "expected an array")),
        None => Err(RuleSetError::new(
            format!("$.{key}"),
            "missing required property",
        )),
    }
}

fn integer(obj: &serde_json::Map<String, Json>, key: &str) -> Result<i32, RuleSetError> {
    match obj.get(key) {
        Some(Json::Number(n)) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| {
                RuleSetError::new(format!("$.{key}"), format!("{} is not a 32-bit integer", number_text(n)))
            }),
        Some(_) => Err(RuleSetError::new(format!("$.{key}"), "expected an integer")),
        None => Err(RuleSetError::new(
            format!("$.{key}"),
            "missing required property",
        )),
    }
}

/// Decodes `nodes`: base64 of consecutive big-endian `i32` triples.
fn decode_nodes(encoded: &str, node_count: i32) -> Result<Vec<Node>, RuleSetError> {
    let bytes = aws_smithy_types::base64::decode(encoded)
        .map_err(|e| RuleSetError::new("$.nodes", format!("not valid base64: {e}")))?;
    if bytes.len() % 12 != 0 {
        return Err(RuleSetError::new(
            "$.nodes",
            format!(
                "decodes to {} bytes, which is not a whole number of 12-byte nodes",
                bytes.len()
            ),
        ));
    }
    let decoded = bytes.len() / 12;
    if usize::try_from(node_count).ok() != Some(decoded) {
        return Err(RuleSetError::new(
            "$.nodeCount",
            format!("is {node_count}, but `nodes` holds {decoded} node(s)"),
        ));
    }
    let int = |chunk: &[u8]| i32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    bytes
        .chunks_exact(12)
        .enumerate()
        .map(|(i, chunk)| {
            let condition = int(&chunk[0..4]);
            let node = Node {
                condition,
                high: int(&chunk[4..8]),
                low: int(&chunk[8..12]),
            };
            // Node 0 is the terminal [-1, 1, -1]; keep its condition as-is for the check below.
            if i == 0 {
                return if (condition, node.high, node.low) == (-1, 1, -1) {
                    Ok(node)
                } else {
                    Err(RuleSetError::new(
                        "$.nodes",
                        format!(
                            "node 0 must be the terminal [-1, 1, -1], got [{condition}, {}, {}]",
                            node.high, node.low
                        ),
                    ))
                };
            }
            Ok(node)
        })
        .collect()
}

/// Checks every index the walker will use, and that the diagram has no cycle.
fn validate(def: &BddDef) -> Result<(), RuleSetError> {
    let check_ref = |reference: i32, what: &str, path: &str| -> Result<(), RuleSetError> {
        let problem = match decode_ref(reference) {
            None => Some(format!("{what} {reference} is not a valid reference")),
            Some(Target::Node { index: 0, .. }) => Some(format!("{what} {reference} names node 0, the terminal placeholder, which must not be referenced")),
            Some(Target::Node { index, .. }) if index >= def.nodes.len() => Some(format!(
                "{what} {reference} names node {index}, but there are only {} nodes",
                def.nodes.len()
            )),
            Some(Target::Result(index)) if index >= def.results.len() => Some(format!(
                "{what} {reference} names result {}, but there are only {} results (plus the implicit no-match result 0)",
                index + 1,
                def.results.len()
            )),
            _ => None,
        };
        match problem {
            Some(message) => Err(RuleSetError::new(path, message)),
            None => Ok(()),
        }
    };
    if def.root < 0 && decode_ref(def.root) != Some(Target::NoMatch) {
        return Err(RuleSetError::new(
            "$.root",
            format!("the root reference {} must not be complemented", def.root),
        ));
    }
    check_ref(def.root, "the root reference", "$.root")?;
    for (i, node) in def.nodes.iter().enumerate().skip(1) {
        let path = format!("$.nodes[{i}]");
        if usize::try_from(node.condition).map_or(true, |c| c >= def.conditions.len()) {
            return Err(RuleSetError::new(
                &path,
                format!(
                    "node {i} tests condition {}, but the conditions are numbered 0 to {}",
                    node.condition,
                    def.conditions.len() as i64 - 1
                ),
            ));
        }
        check_ref(node.high, &format!("node {i}'s high reference"), &path)?;
        check_ref(node.low, &format!("node {i}'s low reference"), &path)?;
    }
    check_acyclic(def)
}

/// Depth-first search from the root: a node reachable from itself would make
/// the walk loop forever.
fn check_acyclic(def: &BddDef) -> Result<(), RuleSetError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::New; def.nodes.len()];
    let child = |reference: i32| match decode_ref(reference) {
        Some(Target::Node { index, .. }) => Some(index),
        _ => None,
    };
    let Some(root) = child(def.root) else {
        return Ok(());
    };
    // (node, next child to visit: 0 = high, 1 = low, 2 = finished)
    let mut stack = vec![(root, 0u8)];
    marks[root] = Mark::OnPath;
    while let Some((node, step)) = stack.pop() {
        if step == 2 {
            marks[node] = Mark::Done;
            continue;
        }
        stack.push((node, step + 1));
        let n = def.nodes[node];
        let Some(next) = child(if step == 0 { n.high } else { n.low }) else {
            continue;
        };
        match marks[next] {
            Mark::OnPath => {
                return Err(RuleSetError::new(
                    format!("$.nodes[{node}]"),
                    format!("node {node} leads back to node {next}: the diagram has a cycle"),
                ))
            }
            Mark::Done => {}
            Mark::New => {
                marks[next] = Mark::OnPath;
                stack.push((next, 0));
            }
        }
    }
    Ok(())
}

/// What one resolution did: how often each condition was evaluated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BddTrace {
    /// Per condition index, how many times it was evaluated (0 or 1).
    pub evaluations: Vec<u32>,
    /// How many nodes the walk visited.
    pub nodes_visited: usize,
}

/// Resolves an endpoint by walking the diagram from the root.
pub(crate) fn resolve(
    def: &BddDef,
    params: &Params,
    partitions: Option<&Partitions>,
    trace: &mut BddTrace,
) -> Result<Endpoint, ResolveError> {
    let mut scope = Scope::bind(&def.parameters, params, partitions)?;
    // Memo of condition outcomes: each condition is evaluated at most once per
    // resolution, and its variable (if it assigns one) stays bound for the rest
    // of the walk, where later conditions and the result may read it.
    let mut outcomes: Vec<Option<bool>> = vec![None; def.conditions.len()];
    trace.evaluations = vec![0; def.conditions.len()];
    trace.nodes_visited = 0;
    let mut reference = def.root;
    loop {
        // Validated at parse time: every reference decodes and is in range.
        match decode_ref(reference) {
            Some(Target::Node {
                index,
                complemented,
            }) => {
                trace.nodes_visited += 1;
                let node = def.nodes[index];
                let condition = node.condition as usize;
                let holds = match outcomes[condition] {
                    Some(known) => known,
                    None => {
                        trace.evaluations[condition] += 1;
                        let holds = eval_condition(&def.conditions[condition], &mut scope)?;
                        outcomes[condition] = Some(holds);
                        holds
                    }
                };
                reference = if holds != complemented {
                    node.high
                } else {
                    node.low
                };
            }
            Some(Target::Result(index)) => {
                let rule = &def.results[index];
                return match eval_rule(rule, &mut scope)? {
                    Some(endpoint) => Ok(endpoint),
                    // Unreachable for validated results (no conditions, no tree).
                    None => Err(no_match()),
                };
            }
            Some(Target::NoMatch) | None => return Err(no_match()),
        }
    }
}

fn no_match() -> ResolveError {
    ResolveError::new(
        ResolveErrorKind::NoRuleMatched,
        "no endpoint rule matched the given parameters (the decision diagram reached its no-match result)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_decode_per_the_specification() {
        assert_eq!(decode_ref(0), None);
        assert_eq!(decode_ref(1), Some(Target::NoMatch));
        assert_eq!(decode_ref(-1), Some(Target::NoMatch));
        assert_eq!(
            decode_ref(2),
            Some(Target::Node {
                index: 1,
                complemented: false
            })
        );
        assert_eq!(
            decode_ref(-5),
            Some(Target::Node {
                index: 4,
                complemented: true
            })
        );
        assert_eq!(decode_ref(100_000_000), Some(Target::NoMatch));
        assert_eq!(decode_ref(100_000_001), Some(Target::Result(0)));
        assert_eq!(decode_ref(100_000_013), Some(Target::Result(12)));
        assert_eq!(decode_ref(-100_000_001), None);
    }

    #[test]
    fn versions() {
        assert!(version_at_least_1_1("1.1"));
        assert!(version_at_least_1_1("1.10"));
        assert!(version_at_least_1_1("2.0"));
        assert!(!version_at_least_1_1("1.0"));
        assert!(!version_at_least_1_1("x"));
    }
}
