//! Endpoint rules engine tests.
//!
//! * `model_endpoint_tests` runs every `smithy.rules#endpointTests` case of
//!   every model in `models/` and `shared/models/upstream` against that
//!   model's `smithy.rules#endpointRuleSet` and, when present, its
//!   `smithy.rules#endpointBdd` (the two must agree), with the embedded
//!   `partitions.json`; every case must pass, and the cases matched by
//!   `codegen/endpoint-stale-cases.json` must resolve instead of failing.
//! * `bdd_*` tests: BDD parse errors, and at most one evaluation per condition.
//! * The rest exercise the engine on small hand-written rule sets: rule kinds,
//!   scoping, templates, parameters, every library function, error reporting
//!   for malformed rule sets, and the `ResolveEndpoint` integration.

use aws_smithy_runtime_api::client::endpoint::{
    EndpointResolverParams, ResolveEndpoint, SharedEndpointResolver,
};
use aws_smithy_types::endpoint::Endpoint;
use aws_smithy_types::{Document, Number};
use serde_json::{json, Value as Json};
use smithygen_runtime::endpoint::testing::{self, Stale};
use smithygen_runtime::endpoint::{
    Bdd, EndpointResolver, ParameterType, Params, Partitions, ResolveErrorKind, RuleSet, Value,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn document_to_json(doc: &Document) -> Json {
    match doc {
        Document::Object(map) => Json::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), document_to_json(v)))
                .collect(),
        ),
        Document::Array(items) => Json::Array(items.iter().map(document_to_json).collect()),
        Document::Number(Number::PosInt(n)) => json!(n),
        Document::Number(Number::NegInt(n)) => json!(n),
        Document::Number(Number::Float(n)) => json!(n),
        Document::String(s) => Json::String(s.clone()),
        Document::Bool(b) => Json::Bool(*b),
        Document::Null => Json::Null,
    }
}

fn headers_of(endpoint: &Endpoint) -> BTreeMap<String, Vec<String>> {
    endpoint
        .headers()
        .map(|(k, vs)| (k.to_owned(), vs.map(str::to_owned).collect()))
        .collect()
}

fn properties_of(endpoint: &Endpoint) -> Json {
    Json::Object(
        endpoint
            .properties()
            .iter()
            .map(|(k, v)| (k.to_string(), document_to_json(v)))
            .collect(),
    )
}

fn rules(json: Json) -> RuleSet {
    match RuleSet::from_json(&json.to_string()) {
        Ok(r) => r,
        Err(e) => panic!("rule set should load: {e}"),
    }
}

fn url_of(rs: &RuleSet, params: &Params) -> String {
    match rs.resolve(params) {
        Ok(e) => e.url().to_owned(),
        Err(e) => panic!("expected an endpoint, got error: {e}"),
    }
}

fn err_of(rs: &RuleSet, params: &Params) -> String {
    match rs.resolve(params) {
        Ok(e) => panic!("expected an error, got endpoint {}", e.url()),
        Err(e) => e.to_string(),
    }
}

fn load_err(json: Json) -> (String, String) {
    match RuleSet::from_json(&json.to_string()) {
        Ok(_) => panic!("rule set should be rejected"),
        Err(e) => (e.path().to_owned(), e.message().to_owned()),
    }
}

// ---------------------------------------------------------------------------
// Upstream model endpoint tests
// ---------------------------------------------------------------------------

/// The folders whose models' endpoint tests run here: AWS's published models
/// (`shared/models/upstream`) and the project's own (`models/`).
fn model_dirs() -> [PathBuf; 2] {
    [
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/models/upstream"
        )),
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../models")),
    ]
}

/// The generator's reviewed list of stale endpoint cases (one list for the
/// whole project; `codegen` applies it to generated crates).
fn stale_list() -> Vec<Json> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../codegen/endpoint-stale-cases.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    doc["cases"].as_array().cloned().unwrap_or_default()
}

/// The reason of the stale-list entry matching `case` by content: each of the
/// entry's params equal in the case, and the same expected error.
fn stale_reason(list: &[Json], case: &Json) -> Option<&'static str> {
    list.iter()
        .find(|entry| {
            let params_match = entry["params"]
                .as_object()
                .is_some_and(|ps| ps.iter().all(|(k, v)| case["params"].get(k) == Some(v)));
            params_match && case["expect"].get("error") == Some(&entry["error"])
        })
        .and_then(|entry| entry["reason"].as_str())
        .map(|r| &*Box::leak(r.to_owned().into_boxed_str()))
}

#[derive(Default)]
struct Tally {
    cases: usize,
    stale: usize,
    /// Cases also run through a BDD (and compared with the rule set).
    bdd_cases: usize,
    /// One line per failing case: `model / case documentation: problem`.
    failures: Vec<String>,
}

fn run_model(path: &Path, stale: &[Json], tally: &mut Tally) {
    let model_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let model: Json = match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => {
            tally.failures.push(format!("{model_name}: {e}"));
            return;
        }
    };
    let Some(shapes) = model.get("shapes").and_then(Json::as_object) else {
        return;
    };
    for (shape_id, shape) in shapes {
        let Some(traits) = shape.get("traits") else {
            continue;
        };
        let Some(rule_set_json) = traits.get("smithy.rules#endpointRuleSet") else {
            continue;
        };
        let rs = match RuleSet::from_json_value(rule_set_json) {
            Ok(rs) => rs,
            Err(e) => {
                tally.failures.push(format!(
                    "{model_name} ({shape_id}): rule set does not load: {e}"
                ));
                continue;
            }
        };
        let bdd = match traits
            .get("smithy.rules#endpointBdd")
            .map(Bdd::from_json_value)
        {
            None => None,
            Some(Ok(bdd)) => Some(bdd),
            Some(Err(e)) => {
                tally
                    .failures
                    .push(format!("{model_name} ({shape_id}): BDD does not load: {e}"));
                continue;
            }
        };
        let cases = traits
            .get("smithy.rules#endpointTests")
            .and_then(|t| t.get("testCases"))
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        let stale: Vec<Stale> = cases
            .iter()
            .enumerate()
            .filter_map(|(index, case)| {
                Some(Stale {
                    index,
                    documentation: Box::leak(
                        case["documentation"].as_str()?.to_owned().into_boxed_str(),
                    ),
                    reason: stale_reason(stale, case)?,
                })
            })
            .collect();
        let report = testing::run_cases(&rs, bdd.as_ref(), &cases, &stale);
        println!(
            "{model_name} ({shape_id}): {} cases ({} stale), {}: {} problem(s)",
            report.cases,
            report.stale,
            if report.with_bdd {
                "rule set and BDD"
            } else {
                "rule set only"
            },
            report.failures.len()
        );
        tally.cases += report.cases;
        tally.stale += report.stale;
        if report.with_bdd {
            tally.bdd_cases += report.cases;
        }
        tally.failures.extend(
            report
                .failures
                .into_iter()
                .map(|f| format!("{model_name} / {f}")),
        );
    }
}

/// Every endpoint test case of every model passes, through the rule set and
/// (where the model has one) the BDD, the two agreeing; the cases the
/// reviewed stale list matches resolve to an endpoint instead of their stale
/// error.
#[test]
fn model_endpoint_tests() {
    let stale = stale_list();
    let mut files: Vec<PathBuf> = model_dirs()
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut tally = Tally::default();
    for f in &files {
        run_model(f, &stale, &mut tally);
    }
    println!(
        "endpoint tests: {} models, {} cases ({} stale, {} also through a BDD), {} problem(s)",
        files.len(),
        tally.cases,
        tally.stale,
        tally.bdd_cases,
        tally.failures.len()
    );
    assert!(
        tally.cases > 0,
        "no model holds `smithy.rules#endpointTests` cases"
    );
    // models/ has SageMaker Runtime, which carries both traits.
    assert!(
        tally.bdd_cases > 0,
        "no model carries `smithy.rules#endpointBdd`"
    );
    assert!(
        tally.failures.is_empty(),
        "{} endpoint test problem(s):\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Engine semantics on hand-written rule sets
// ---------------------------------------------------------------------------

/// A rule set shaped like the AWS regional ones.
fn regional_rules() -> RuleSet {
    rules(json!({
        "version": "1.0",
        "parameters": {
            "Region": {"builtIn": "AWS::Region", "required": false, "documentation": "r", "type": "String"},
            "UseFIPS": {"builtIn": "AWS::UseFIPS", "required": true, "default": false, "documentation": "f", "type": "Boolean"},
            "Endpoint": {"builtIn": "SDK::Endpoint", "required": false, "documentation": "e", "type": "String"}
        },
        "rules": [
            {
                "conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}],
                "rules": [
                    {"conditions": [{"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
                     "error": "Invalid Configuration: FIPS and custom endpoint are not supported", "type": "error"},
                    {"conditions": [], "endpoint": {"url": {"ref": "Endpoint"}, "properties": {}, "headers": {}}, "type": "endpoint"}
                ],
                "type": "tree"
            },
            {
                "conditions": [
                    {"fn": "isSet", "argv": [{"ref": "Region"}]},
                    {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "PartitionResult"}
                ],
                "rules": [
                    {"conditions": [
                        {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]},
                        {"fn": "booleanEquals", "argv": [true, {"fn": "getAttr", "argv": [{"ref": "PartitionResult"}, "supportsFIPS"]}]}
                     ],
                     "endpoint": {
                        "url": "https://svc-fips.{Region}.{PartitionResult#dnsSuffix}",
                        "properties": {"authSchemes": [{"name": "sigv4", "signingName": "svc", "signingRegion": "{Region}", "disableDoubleEncoding": true}]},
                        "headers": {"x-partition": ["{PartitionResult#name}", "static"]}
                     },
                     "type": "endpoint"},
                    {"conditions": [], "endpoint": {"url": "https://svc.{Region}.{PartitionResult#dnsSuffix}"}, "type": "endpoint"}
                ],
                "type": "tree"
            },
            {"conditions": [], "error": "Invalid Configuration: Missing Region", "type": "error"}
        ]
    }))
}

#[test]
fn regional_endpoints_resolve() {
    let rs = regional_rules();
    assert_eq!(
        url_of(&rs, &Params::new().with("Region", "us-west-2")),
        "https://svc.us-west-2.amazonaws.com"
    );
    assert_eq!(
        url_of(&rs, &Params::new().with("Region", "cn-north-1")),
        "https://svc.cn-north-1.amazonaws.com.cn"
    );
    assert_eq!(
        url_of(&rs, &Params::new().with("Region", "mars-west-1")),
        "https://svc.mars-west-1.amazonaws.com",
        "unknown regions fall back to the aws partition"
    );
    let ep = rs.resolve(
        &Params::new()
            .with("Region", "us-gov-west-1")
            .with("UseFIPS", true),
    );
    let ep = match ep {
        Ok(ep) => ep,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(ep.url(), "https://svc-fips.us-gov-west-1.amazonaws.com");
    assert_eq!(
        properties_of(&ep),
        json!({"authSchemes": [{"name": "sigv4", "signingName": "svc", "signingRegion": "us-gov-west-1", "disableDoubleEncoding": true}]})
    );
    let mut expected_headers = BTreeMap::new();
    expected_headers.insert(
        "x-partition".to_owned(),
        vec!["aws-us-gov".to_owned(), "static".to_owned()],
    );
    assert_eq!(headers_of(&ep), expected_headers);
}

#[test]
fn error_rules_and_custom_endpoint() {
    let rs = regional_rules();
    assert_eq!(
        err_of(&rs, &Params::new()),
        "Invalid Configuration: Missing Region"
    );
    let p = Params::new()
        .with("Region", "us-east-1")
        .with("Endpoint", "https://example.com");
    assert_eq!(url_of(&rs, &p), "https://example.com");
    let err = rs.resolve(&p.clone().with("UseFIPS", true)).err();
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ResolveErrorKind::RuleError)
    );
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("Invalid Configuration: FIPS and custom endpoint are not supported")
    );
}

#[test]
fn parameters_are_described() {
    let rs = regional_rules();
    assert_eq!(rs.version(), "1.0");
    let names: Vec<&str> = rs.parameters().iter().map(|p| p.name()).collect();
    assert_eq!(names, ["Region", "UseFIPS", "Endpoint"]);
    let fips = rs.parameter("UseFIPS");
    assert_eq!(fips.map(|p| p.param_type()), Some(ParameterType::Boolean));
    assert_eq!(fips.and_then(|p| p.built_in()), Some("AWS::UseFIPS"));
    assert_eq!(
        fips.and_then(|p| p.default_value()),
        Some(&Value::Bool(false))
    );
    assert_eq!(fips.map(|p| p.is_required()), Some(true));
    assert_eq!(fips.and_then(|p| p.documentation()), Some("f"));
    assert_eq!(rs.parameter("Region").map(|p| p.is_required()), Some(false));
}

#[test]
fn required_defaults_and_types() {
    let rs = rules(json!({
        "version": "1.0",
        "parameters": {
            "Bucket": {"type": "string", "required": true},
            "Flag": {"type": "boolean", "required": true, "default": true},
            "Names": {"type": "stringArray", "required": true, "default": ["a", "b"]}
        },
        "rules": [{"type": "endpoint", "conditions": [
            {"fn": "getAttr", "argv": [{"ref": "Names"}, "[1]"], "assign": "second"}
        ], "endpoint": {"url": "https://{Bucket}.{Flag}.{second}.example.com"}}]
    }));
    let err = rs.resolve(&Params::new()).err();
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ResolveErrorKind::MissingRequiredParameter)
    );
    assert!(err.is_some_and(|e| e.to_string().contains("`Bucket`")));
    assert_eq!(
        url_of(&rs, &Params::new().with("Bucket", "b1")),
        "https://b1.true.b.example.com"
    );
    let p = Params::new()
        .with("Bucket", "b1")
        .with("Flag", false)
        .with("Names", vec!["x", "y", "z"]);
    assert_eq!(url_of(&rs, &p), "https://b1.false.y.example.com");
    let err = rs.resolve(&Params::new().with("Bucket", true)).err();
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ResolveErrorKind::InvalidParameterType)
    );
    assert!(err.is_some_and(|e| e.to_string().contains("`Bucket` must be a string")));
    // Undeclared names are ignored.
    assert_eq!(
        url_of(&rs, &Params::new().with("Bucket", "b").with("Other", 1i64)),
        "https://b.true.b.example.com"
    );
}

#[test]
fn assigned_variables_are_scoped_to_their_rule() {
    let rs = rules(json!({
        "version": "1.0",
        "parameters": {"Input": {"type": "string", "required": true}},
        "rules": [
            {"type": "tree", "conditions": [{"fn": "parseURL", "argv": [{"ref": "Input"}], "assign": "url"}], "rules": [
                {"type": "endpoint", "conditions": [
                    {"fn": "getAttr", "argv": [{"ref": "url"}, "isIp"], "assign": "ip"},
                    {"fn": "booleanEquals", "argv": [{"ref": "ip"}, true]}
                ], "endpoint": {"url": "{url#scheme}://{url#authority}{url#normalizedPath}ip"}},
                {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://{url#authority}/path-is{url#path}"}}
            ]},
            {"type": "error", "conditions": [], "error": "not a url: {Input}"}
        ]
    }));
    let p = |s: &str| Params::new().with("Input", s);
    assert_eq!(
        url_of(&rs, &p("http://192.168.1.1:1234/foo/")),
        "http://192.168.1.1:1234/foo/ip"
    );
    assert_eq!(url_of(&rs, &p("https://[fe80::1]")), "https://[fe80::1]/ip");
    assert_eq!(
        url_of(&rs, &p("https://authority.com/custom-path")),
        "https://authority.com/path-is/custom-path"
    );
    assert_eq!(
        url_of(&rs, &p("https://authority.com")),
        "https://authority.com/path-is"
    );
    assert_eq!(
        err_of(&rs, &p("https://example.com/path?query1=foo")),
        "not a url: https://example.com/path?query1=foo"
    );
    assert_eq!(
        err_of(&rs, &p("acbd://example.com")),
        "not a url: acbd://example.com"
    );
}

#[test]
fn variables_do_not_leak_between_sibling_rules() {
    // `x` assigned in the first rule is not visible to the second: rejected at load.
    let (path, msg) = load_err(json!({
        "version": "1.0",
        "parameters": {"A": {"type": "string"}},
        "rules": [
            {"type": "error", "conditions": [{"fn": "isSet", "argv": [{"ref": "A"}], "assign": "x"}, {"fn": "not", "argv": [true]}], "error": "e"},
            {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://{x}"}}
        ]
    }));
    assert_eq!(path, "$.rules[1].endpoint.url");
    assert!(msg.contains("`x`"), "{msg}");
}

#[test]
fn failed_conditions_unbind_variables_at_run_time() {
    let rs = rules(json!({
        "version": "1.0",
        "parameters": {"A": {"type": "string", "required": true}},
        "rules": [
            {"type": "endpoint", "conditions": [
                {"fn": "substring", "argv": [{"ref": "A"}, 0, 2, false], "assign": "v"},
                {"fn": "stringEquals", "argv": [{"ref": "v"}, "zz"]}
            ], "endpoint": {"url": "https://first/{v}"}},
            {"type": "endpoint", "conditions": [
                {"fn": "substring", "argv": [{"ref": "A"}, 0, 3, true], "assign": "v"}
            ], "endpoint": {"url": "https://second/{v}"}}
        ]
    }));
    assert_eq!(
        url_of(&rs, &Params::new().with("A", "zzabc")),
        "https://first/zz"
    );
    assert_eq!(
        url_of(&rs, &Params::new().with("A", "xyabc")),
        "https://second/abc"
    );
    let err = rs.resolve(&Params::new().with("A", "ab")).err();
    assert_eq!(err.map(|e| e.kind()), Some(ResolveErrorKind::NoRuleMatched));
}

#[test]
fn exhausted_tree_rule_is_an_error() {
    let rs = rules(json!({
        "version": "1.0",
        "parameters": {"A": {"type": "boolean", "required": true, "default": true}},
        "rules": [
            {"type": "tree", "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "A"}, true]}], "rules": [
                {"type": "endpoint", "conditions": [{"fn": "not", "argv": [{"ref": "A"}]}], "endpoint": {"url": "https://never"}}
            ]},
            {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://fallback"}}
        ]
    }));
    let err = rs.resolve(&Params::new()).err();
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ResolveErrorKind::NoRuleMatched)
    );
    assert!(err.is_some_and(|e| e.to_string().contains("$.rules[0]")));
    assert_eq!(
        url_of(&rs, &Params::new().with("A", false)),
        "https://fallback"
    );
}

#[test]
fn templates_escape_braces_and_render_nested_attributes() {
    let rs = rules(json!({
        "version": "1.0",
        "parameters": {"Arn": {"type": "string", "required": true}},
        "rules": [
            {"type": "endpoint", "conditions": [{"fn": "aws.parseArn", "argv": [{"ref": "Arn"}], "assign": "arn"}],
             "endpoint": {
                "url": "https://{arn#service}.{arn#region}.example.com/{arn#resourceId[1]}",
                "properties": {"literal": "{{not a template}}", "account": "{arn#accountId}", "list": ["{arn#resourceId[0]}", true, 7]}
             }},
            {"type": "error", "conditions": [], "error": "Invalid ARN: `{Arn}` was not a valid ARN"}
        ]
    }));
    let ep = rs
        .resolve(&Params::new().with("Arn", "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap"));
    let ep = match ep {
        Ok(ep) => ep,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(ep.url(), "https://s3.us-west-2.example.com/my-ap");
    assert_eq!(
        properties_of(&ep),
        json!({"literal": "{not a template}", "account": "123456789012", "list": ["accesspoint", true, 7]})
    );
    assert_eq!(
        err_of(&rs, &Params::new().with("Arn", "nope")),
        "Invalid ARN: `nope` was not a valid ARN"
    );
    // Index past the end: getAttr gives no value, which a template cannot render.
    let err = rs
        .resolve(&Params::new().with("Arn", "arn:aws:s3:::bucket"))
        .err();
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ResolveErrorKind::Evaluation)
    );
    assert!(err.is_some_and(|e| e.to_string().contains("{arn#resourceId[1]}")));
}

#[test]
fn library_functions_through_rules() {
    // One rule per function; `Case` selects it and the error message reports the result.
    let rs = rules(json!({
        "version": "1.1",
        "parameters": {
            "Case": {"type": "string", "required": true},
            "Input": {"type": "string", "required": true, "default": ""},
            "Flag": {"type": "boolean"}
        },
        "rules": [
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "uriEncode"]},
                {"fn": "uriEncode", "argv": ["{Input}"], "assign": "out"}], "error": "`{out}`"},
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "substring"]},
                {"fn": "substring", "argv": ["{Input}", 1, 3, false], "assign": "out"}], "error": "`{out}`"},
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "substringReverse"]},
                {"fn": "substring", "argv": ["{Input}", 0, 4, true], "assign": "out"}], "error": "`{out}`"},
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "hostLabel"]},
                {"fn": "isValidHostLabel", "argv": [{"ref": "Input"}, false]}], "error": "valid"},
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "hostLabelSub"]},
                {"fn": "isValidHostLabel", "argv": [{"ref": "Input"}, true]}], "error": "valid"},
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "bucket"]},
                {"fn": "aws.isVirtualHostableS3Bucket", "argv": [{"ref": "Input"}, false]}], "error": "valid"},
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "bucketSub"]},
                {"fn": "aws.isVirtualHostableS3Bucket", "argv": [{"ref": "Input"}, true]}], "error": "valid"},
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "partition"]},
                {"fn": "aws.partition", "argv": [{"ref": "Input"}], "assign": "p"}],
                "error": "{p#name} {p#dnsSuffix} {p#dualStackDnsSuffix} {p#supportsFIPS} {p#supportsDualStack} {p#implicitGlobalRegion}"},
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "split"]},
                {"fn": "split", "argv": [{"ref": "Input"}, "--", 0], "assign": "parts"},
                {"fn": "getAttr", "argv": [{"ref": "parts"}, "[-1]"], "assign": "last"}], "error": "{last} of {parts#[0]}"},
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "coalesce"]},
                {"fn": "coalesce", "argv": [{"ref": "Flag"}, true], "assign": "out"}], "error": "{out}"},
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "coalesceFalse"]},
                {"fn": "booleanEquals", "argv": [{"fn": "coalesce", "argv": [{"ref": "Flag"}, true]}, false]}], "error": "first non-empty is false"},
            {"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Case"}, "ite"]},
                {"fn": "ite", "argv": [{"fn": "coalesce", "argv": [{"ref": "Flag"}, false]}, "-fips", ""], "assign": "suffix"}],
                "error": "svc{suffix}"},
            {"type": "error", "conditions": [], "error": "no match"}
        ]
    }));
    let run = |case: &str, input: &str| {
        err_of(&rs, &Params::new().with("Case", case).with("Input", input))
    };
    assert_eq!(run("uriEncode", "a b/c:d~"), "`a%20b%2Fc%3Ad~`");
    assert_eq!(run("substring", "defg"), "`ef`");
    assert_eq!(run("substring", "ab"), "no match");
    assert_eq!(run("substring", "d\u{e9}fg"), "no match");
    assert_eq!(run("substringReverse", "abcdefg"), "`defg`");
    assert_eq!(run("hostLabel", "us-east-1"), "valid");
    assert_eq!(run("hostLabel", "a.b"), "no match");
    assert_eq!(run("hostLabelSub", "a.b"), "valid");
    assert_eq!(run("hostLabelSub", "a..b"), "no match");
    assert_eq!(run("bucket", "my-bucket"), "valid");
    assert_eq!(run("bucket", "my.bucket"), "no match");
    assert_eq!(run("bucketSub", "my.bucket"), "valid");
    assert_eq!(run("bucketSub", "10.0.0.1"), "no match");
    assert_eq!(
        run("partition", "us-isob-east-1"),
        "aws-iso-b sc2s.sgov.gov api.aws.scloud true true us-isob-east-1"
    );
    assert_eq!(
        run("partition", "eusc-de-east-1"),
        "aws-eusc amazonaws.eu api.amazonwebservices.eu true true eusc-de-east-1"
    );
    assert_eq!(
        run("partition", "xx-unknown-1"),
        "aws amazonaws.com api.aws true true us-east-1"
    );
    assert_eq!(run("split", "my--s3--bucket--abcd-ab1--x-s3"), "x-s3 of my");
    assert_eq!(run("coalesce", ""), "true");
    let with_flag =
        |case: &str, flag: bool| err_of(&rs, &Params::new().with("Case", case).with("Flag", flag));
    // A `false` result fails its condition like any other; compare it instead.
    assert_eq!(with_flag("coalesce", false), "no match");
    assert_eq!(
        with_flag("coalesceFalse", false),
        "first non-empty is false"
    );
    assert_eq!(run("coalesceFalse", ""), "no match");
    assert_eq!(run("ite", ""), "svc");
    assert_eq!(with_flag("ite", true), "svc-fips");
}

#[test]
fn custom_partitions_replace_the_embedded_data() {
    let custom = Partitions::from_json(
        r#"{"partitions":[{"id":"aws","regionRegex":"^moon-\\d$","regions":{},
        "outputs":{"name":"aws","dnsSuffix":"moon.example","dualStackDnsSuffix":"ds.moon.example","supportsFIPS":false,"supportsDualStack":false}}]}"#,
    );
    let custom = match custom {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let rs = regional_rules().with_partitions(Arc::new(custom));
    assert_eq!(
        url_of(&rs, &Params::new().with("Region", "moon-1")),
        "https://svc.moon-1.moon.example"
    );
    assert_eq!(
        url_of(
            &rs,
            &Params::new().with("Region", "moon-1").with("UseFIPS", true)
        ),
        "https://svc.moon-1.moon.example",
        "FIPS rule skipped: partition does not support FIPS"
    );
}

// ---------------------------------------------------------------------------
// Malformed rule sets
// ---------------------------------------------------------------------------

#[test]
fn malformed_rule_sets_name_the_path() {
    let base = |rules: Json| json!({"version": "1.0", "parameters": {"R": {"type": "string"}}, "rules": rules});
    let cases = [
        (json!([]), "$", "object"),
        (
            json!({"parameters": {}, "rules": []}),
            "$.version",
            "missing",
        ),
        (
            json!({"version": "1.0", "parameters": {"R": {"type": "int"}}, "rules": []}),
            "$.parameters.R.type",
            "unknown parameter type",
        ),
        (
            json!({"version": "1.0", "parameters": {"R": {"type": "boolean", "default": "yes"}}, "rules": []}),
            "$.parameters.R.default",
            "boolean",
        ),
        (
            base(json!([{"type": "nope", "conditions": []}])),
            "$.rules[0].type",
            "unknown rule type",
        ),
        (
            base(json!([{"conditions": []}])),
            "$.rules[0].type",
            "missing",
        ),
        (
            base(json!([{"type": "endpoint", "conditions": []}])),
            "$.rules[0].endpoint",
            "endpoint",
        ),
        (
            base(
                json!([{"type": "endpoint", "conditions": [{"fn": "frobnicate", "argv": []}], "endpoint": {"url": "https://x"}}]),
            ),
            "$.rules[0].conditions[0].fn",
            "unknown function `frobnicate`",
        ),
        (
            base(
                json!([{"type": "endpoint", "conditions": [{"fn": "isSet", "argv": []}], "endpoint": {"url": "https://x"}}]),
            ),
            "$.rules[0].conditions[0].argv",
            "takes 1",
        ),
        (
            base(
                json!([{"type": "endpoint", "conditions": [{"fn": "isSet", "argv": [{"ref": "Nope"}]}], "endpoint": {"url": "https://x"}}]),
            ),
            "$.rules[0].conditions[0].argv[0].ref",
            "`Nope`",
        ),
        (
            base(
                json!([{"type": "tree", "conditions": [], "rules": [{"type": "error", "conditions": [], "error": "bad {R"}]}]),
            ),
            "$.rules[0].rules[0].error",
            "unclosed",
        ),
        (
            base(
                json!([{"type": "endpoint", "conditions": [{"fn": "getAttr", "argv": [{"ref": "R"}, {"ref": "R"}]}], "endpoint": {"url": "https://x"}}]),
            ),
            "$.rules[0].conditions[0].argv[1]",
            "literal string",
        ),
        (
            base(
                json!([{"type": "endpoint", "conditions": [{"fn": "getAttr", "argv": [{"ref": "R"}, "a[x]"]}], "endpoint": {"url": "https://x"}}]),
            ),
            "$.rules[0].conditions[0].argv[1]",
            "not an integer",
        ),
        (
            base(
                json!([{"type": "endpoint", "conditions": [], "endpoint": {"url": "https://x", "headers": {"h": "v"}}}]),
            ),
            "$.rules[0].endpoint.headers.h",
            "array",
        ),
        (
            base(json!([{"type": "endpoint", "conditions": [], "endpoint": {"url": null}}])),
            "$.rules[0].endpoint.url",
            "null",
        ),
        (
            base(
                json!([{"type": "endpoint", "conditions": [{"fn": "isSet", "argv": [1.5]}], "endpoint": {"url": "https://x"}}]),
            ),
            "$.rules[0].conditions[0].argv[0]",
            "not an integer",
        ),
    ];
    for (doc, path, needle) in cases {
        let (p, m) = load_err(doc.clone());
        assert_eq!(p, path, "for {doc}: message {m}");
        assert!(
            m.contains(needle),
            "for {doc}: expected {needle:?} in {m:?}"
        );
    }
    let err = RuleSet::from_json("{not json").err();
    assert!(err.is_some_and(|e| e.path() == "$" && e.to_string().contains("not valid JSON")));
}

#[test]
fn untrusted_input_never_panics() {
    // Truncations and byte flips of a real rule set either load or give an error.
    let text = json!({
        "version": "1.0",
        "parameters": {"Region": {"type": "string", "required": true}},
        "rules": [{"type": "tree", "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}], "rules": [
            {"type": "endpoint", "conditions": [{"fn": "substring", "argv": ["{Region}", 0, 2, false], "assign": "s"}],
             "endpoint": {"url": "https://{s}.{p#dnsSuffix}", "headers": {"h": ["{p#name}"]}, "properties": {"a": [{"b": "{Region}"}]}}},
            {"type": "error", "conditions": [], "error": "x {Region}"}
        ]}]
    })
    .to_string();
    let bytes = text.as_bytes();
    for cut in 0..bytes.len() {
        let _ = RuleSet::from_json(&String::from_utf8_lossy(&bytes[..cut]));
    }
    for i in 0..bytes.len() {
        for replacement in [b'{', b'}', b'"', b'[', b'0', b'#'] {
            let mut b = bytes.to_vec();
            b[i] = replacement;
            if let Ok(rs) = RuleSet::from_json(&String::from_utf8_lossy(&b)) {
                let _ = rs.resolve(&Params::new().with("Region", "us-east-1"));
                let _ = rs.resolve(&Params::new().with("Region", ""));
                let _ = rs.resolve(&Params::new());
            }
        }
    }
    // Deep nesting is rejected by the JSON reader's depth limit instead of overflowing the stack.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(RuleSet::from_json(&deep).is_err());
}

#[test]
fn empty_url_is_an_error_not_a_panic() {
    let rs = rules(json!({
        "version": "1.0",
        "parameters": {"E": {"type": "string", "required": true}},
        "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": "{E}"}}]
    }));
    let err = rs.resolve(&Params::new().with("E", "")).err();
    assert_eq!(err.map(|e| e.kind()), Some(ResolveErrorKind::Evaluation));
}

// ---------------------------------------------------------------------------
// Orchestrator integration
// ---------------------------------------------------------------------------

#[tokio::test]
async fn resolves_through_the_resolve_endpoint_trait() {
    let resolver = EndpointResolver::new(regional_rules());
    let shared = SharedEndpointResolver::new(resolver.clone());

    let params = EndpointResolverParams::new(Params::new().with("Region", "eu-west-1"));
    let endpoint = resolver.resolve_endpoint(&params).await;
    assert_eq!(
        endpoint.ok().map(|e| e.url().to_owned()).as_deref(),
        Some("https://svc.eu-west-1.amazonaws.com")
    );

    let endpoint = shared.resolve_endpoint(&params).await;
    assert_eq!(
        endpoint.ok().map(|e| e.url().to_owned()).as_deref(),
        Some("https://svc.eu-west-1.amazonaws.com")
    );

    let missing = EndpointResolverParams::new(Params::new());
    let err = resolver.resolve_endpoint(&missing).await.err();
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("Invalid Configuration: Missing Region")
    );

    let wrong_type = EndpointResolverParams::new("not params");
    assert!(resolver.resolve_endpoint(&wrong_type).await.is_err());
}

// ---------------------------------------------------------------------------
// BDD (`smithy.rules#endpointBdd`)
// ---------------------------------------------------------------------------

/// Base64 of `nodes` as the trait encodes them: big-endian i32 triples.
fn encode_nodes(nodes: &[[i32; 3]]) -> String {
    let bytes: Vec<u8> = nodes
        .iter()
        .flatten()
        .flat_map(|n| n.to_be_bytes())
        .collect();
    aws_smithy_types::base64::encode(bytes)
}

/// A small BDD over `Region` and `UseFIPS`: two conditions, three results.
/// With [`GOOD_NODES`]: node 1 (ref 2) tests isSet(Region), high -> node 2,
/// low -> result 2 (error); node 2 (ref 3) tests UseFIPS, high -> result 1
/// (the `-fips` host), low -> result 3.
fn bdd_doc(nodes: &[[i32; 3]], root: i32) -> Json {
    json!({
        "version": "1.1",
        "parameters": {
            "Region": {"type": "string"},
            "UseFIPS": {"type": "boolean", "required": true, "default": false}
        },
        "conditions": [
            {"fn": "isSet", "argv": [{"ref": "Region"}]},
            {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}
        ],
        "results": [
            {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://svc-fips.{Region}.example"}},
            {"type": "error", "conditions": [], "error": "Region is required"},
            {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://svc.{Region}.example"}}
        ],
        "root": root,
        "nodeCount": nodes.len(),
        "nodes": encode_nodes(nodes)
    })
}

const GOOD_NODES: [[i32; 3]; 3] = [
    [-1, 1, -1],
    [0, 3, 100_000_002],
    [1, 100_000_001, 100_000_003],
];

fn bdd_err(doc: Json) -> (String, String) {
    match Bdd::from_json_value(&doc) {
        Ok(b) => panic!("expected a BDD error, parsed {b:?}"),
        Err(e) => (e.path().to_owned(), e.message().to_owned()),
    }
}

#[test]
fn bdd_resolves_with_complement_edges() {
    let bdd = Bdd::from_json_value(&bdd_doc(&GOOD_NODES, 2)).expect("valid BDD");
    let url = |p: &Params| bdd.resolve(p).map(|e| e.url().to_owned());
    assert_eq!(
        url(&Params::new().with("Region", "eu-west-1")).as_deref(),
        Ok("https://svc.eu-west-1.example")
    );
    assert_eq!(
        url(&Params::new()
            .with("Region", "eu-west-1")
            .with("UseFIPS", true))
        .as_deref(),
        Ok("https://svc-fips.eu-west-1.example")
    );
    assert_eq!(
        bdd.resolve(&Params::new())
            .map_err(|e| e.to_string())
            .err()
            .as_deref(),
        Some("Region is required")
    );
    // The same diagram with node 2 reached through a complemented edge (-3)
    // and its branches swapped means the same thing.
    let complemented = [
        [-1, 1, -1],
        [0, -3, 100_000_002],
        [1, 100_000_003, 100_000_001],
    ];
    let bdd2 = Bdd::from_json_value(&bdd_doc(&complemented, 2)).expect("valid BDD");
    for fips in [false, true] {
        let p = Params::new()
            .with("Region", "eu-west-1")
            .with("UseFIPS", fips);
        assert_eq!(
            bdd2.resolve(&p).map(|e| e.url().to_owned()),
            bdd.resolve(&p).map(|e| e.url().to_owned()),
            "UseFIPS={fips}"
        );
    }
    // Reaching a terminal or result 0 is the "no match" outcome.
    let no_match =
        Bdd::from_json_value(&bdd_doc(&[[-1, 1, -1], [0, 1, 100_000_000]], 2)).expect("valid BDD");
    for p in [Params::new(), Params::new().with("Region", "x")] {
        assert_eq!(
            no_match.resolve(&p).map_err(|e| e.kind()).err(),
            Some(ResolveErrorKind::NoRuleMatched)
        );
    }
}

#[test]
fn bdd_parse_errors_name_the_problem() {
    let cases: Vec<(Json, &str, &str)> = vec![
        (
            {
                let mut d = bdd_doc(&GOOD_NODES, 2);
                d["nodes"] = json!("not base64!");
                d
            },
            "$.nodes",
            "not valid base64",
        ),
        (
            {
                let mut d = bdd_doc(&GOOD_NODES, 2);
                d["nodes"] = json!(aws_smithy_types::base64::encode([0u8; 13]));
                d
            },
            "$.nodes",
            "not a whole number of 12-byte nodes",
        ),
        (
            {
                let mut d = bdd_doc(&GOOD_NODES, 2);
                d["nodeCount"] = json!(4);
                d
            },
            "$.nodeCount",
            "is 4, but `nodes` holds 3 node(s)",
        ),
        (
            bdd_doc(&[[-1, 1, -1], [2, 100_000_001, -1]], 2),
            "$.nodes[1]",
            "node 1 tests condition 2, but the conditions are numbered 0 to 1",
        ),
        (
            bdd_doc(&[[-1, 1, -1], [-4, 100_000_001, -1]], 2),
            "$.nodes[1]",
            "node 1 tests condition -4",
        ),
        (
            bdd_doc(&[[-1, 1, -1], [0, 5, -1]], 2),
            "$.nodes[1]",
            "node 1's high reference 5 names node 4, but there are only 2 nodes",
        ),
        (
            bdd_doc(&[[-1, 1, -1], [0, 1, 100_000_004]], 2),
            "$.nodes[1]",
            "node 1's low reference 100000004 names result 4, but there are only 3 results",
        ),
        (
            bdd_doc(&[[-1, 1, -1], [0, 0, -1]], 2),
            "$.nodes[1]",
            "node 1's high reference 0 is not a valid reference",
        ),
        (
            bdd_doc(&[[-1, 1, -1], [0, -100_000_001, -1]], 2),
            "$.nodes[1]",
            "is not a valid reference",
        ),
        (
            bdd_doc(&GOOD_NODES, 9),
            "$.root",
            "the root reference 9 names node 8",
        ),
        (
            bdd_doc(&GOOD_NODES, -2),
            "$.root",
            "must not be complemented",
        ),
        (
            bdd_doc(&[[0, 1, -1], [0, 1, -1]], 2),
            "$.nodes",
            "node 0 must be the terminal [-1, 1, -1]",
        ),
        (
            bdd_doc(&[[-1, 1, -1], [0, 3, -1], [1, 2, -1]], 2),
            "$.nodes[2]",
            "the diagram has a cycle",
        ),
        (
            {
                let mut d = bdd_doc(&GOOD_NODES, 2);
                d["results"][1]["conditions"] =
                    json!([{"fn": "isSet", "argv": [{"ref": "Region"}]}]);
                d
            },
            "$.results[1].conditions",
            "must not have conditions",
        ),
        (
            {
                let mut d = bdd_doc(&GOOD_NODES, 2);
                d["conditions"][1]["argv"][0] = json!({"ref": "Nope"});
                d
            },
            "$.conditions[1].argv[0].ref",
            "reference to `Nope`",
        ),
        (
            {
                let mut d = bdd_doc(&GOOD_NODES, 2);
                d["version"] = json!("1.0");
                d
            },
            "$.version",
            "version 1.1 or later",
        ),
    ];
    for (doc, path, message) in cases {
        let (got_path, got_message) = bdd_err(doc);
        assert_eq!(got_path, path, "{got_message}");
        assert!(
            got_message.contains(message),
            "at {got_path}: expected {message:?} in {got_message:?}"
        );
    }
}

/// Each condition is evaluated at most once per resolution, even when the
/// diagram tests it on two nodes of one path; variables a condition assigns
/// stay bound for the rest of the walk.
#[test]
fn bdd_evaluates_each_condition_at_most_once() {
    // Node 1 tests aws.partition(Region) (assigning `p`); node 2 tests it again,
    // then node 3 reads `p`. A walker without memo would call aws.partition twice.
    let doc = json!({
        "version": "1.1",
        "parameters": {"Region": {"type": "string", "required": true}},
        "conditions": [
            {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"},
            {"fn": "stringEquals", "argv": [{"fn": "getAttr", "argv": [{"ref": "p"}, "name"]}, "aws-cn"]}
        ],
        "results": [
            {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://svc.{Region}.{p#dnsSuffix}"}},
            {"type": "error", "conditions": [], "error": "not China"}
        ],
        "root": 2,
        "nodeCount": 4,
        "nodes": encode_nodes(&[[-1, 1, -1], [0, 3, -1], [0, 4, -1], [1, 100_000_001, 100_000_002]])
    });
    let bdd = Bdd::from_json_value(&doc).expect("valid BDD");
    let (result, trace) = bdd.resolve_traced(&Params::new().with("Region", "cn-north-1"));
    assert_eq!(
        result.map(|e| e.url().to_owned()).as_deref(),
        Ok("https://svc.cn-north-1.amazonaws.com.cn")
    );
    assert_eq!(trace.nodes_visited, 3);
    assert_eq!(trace.evaluations, vec![1, 1]);

    // And on real models: every case of every model with a BDD, counted.
    let mut resolutions = 0;
    for dir in model_dirs() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(model) = serde_json::from_str::<Json>(&text) else {
                continue;
            };
            let shapes = model["shapes"].as_object().cloned().unwrap_or_default();
            for (id, shape) in shapes {
                let traits = &shape["traits"];
                let Some(bdd) = traits.get("smithy.rules#endpointBdd") else {
                    continue;
                };
                let bdd = Bdd::from_json_value(bdd).unwrap_or_else(|e| panic!("{id}: {e}"));
                let cases = traits["smithy.rules#endpointTests"]["testCases"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                for case in cases {
                    let params = testing::params_from_json(case.get("params")).expect("params");
                    let (_, trace) = bdd.resolve_traced(&params);
                    assert_eq!(trace.evaluations.len(), bdd.condition_count());
                    assert!(
                        trace.evaluations.iter().all(|n| *n <= 1),
                        "{id} / {}: evaluations per condition {:?}",
                        case["documentation"],
                        trace.evaluations
                    );
                    let evaluated: u32 = trace.evaluations.iter().sum();
                    assert!(evaluated as usize <= trace.nodes_visited);
                    resolutions += 1;
                }
            }
        }
    }
    assert!(
        resolutions > 0,
        "no model with an endpointBdd and test cases found"
    );
}
