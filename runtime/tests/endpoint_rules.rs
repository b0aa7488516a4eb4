//! Endpoint rules engine tests.
//!
//! * `upstream_model_endpoint_tests` runs every `smithy.rules#endpointTests`
//!   case of every model in `shared/models/upstream` against that model's
//!   `smithy.rules#endpointRuleSet` and the embedded `partitions.json`; every
//!   case, including those that expect an error, must pass.
//! * The rest exercise the engine on small hand-written rule sets: rule kinds,
//!   scoping, templates, parameters, every library function, error reporting
//!   for malformed rule sets, and the `ResolveEndpoint` integration.

use aws_smithy_runtime_api::client::endpoint::{
    EndpointResolverParams, ResolveEndpoint, SharedEndpointResolver,
};
use aws_smithy_types::endpoint::Endpoint;
use aws_smithy_types::{Document, Number};
use serde_json::{json, Value as Json};
use smithygen_runtime::endpoint::{
    EndpointResolver, ParameterType, Params, Partitions, ResolveErrorKind, RuleSet, Value,
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

fn models_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/models/upstream"
    ))
}

fn params_from_json(params: Option<&Json>) -> Result<Params, String> {
    let mut out = Params::new();
    let Some(params) = params else { return Ok(out) };
    let obj = params.as_object().ok_or("`params` is not an object")?;
    for (name, v) in obj {
        let value = match v {
            Json::String(s) => Value::from(s.as_str()),
            Json::Bool(b) => Value::from(*b),
            Json::Array(items) => Value::from(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect::<Option<Vec<String>>>()
                    .ok_or_else(|| format!("param `{name}` is an array of non-strings"))?,
            ),
            other => return Err(format!("param `{name}` has unsupported value {other}")),
        };
        out.set(name.clone(), value);
    }
    Ok(out)
}

/// Checks one case; `Err` explains the mismatch.
fn check_case(rs: &RuleSet, params: &Params, expect: &Json) -> Result<(), String> {
    let result = rs.resolve(params);
    if let Some(expected) = expect.get("error") {
        let expected = expected.as_str().ok_or("`expect.error` is not a string")?;
        return match result {
            Err(e) if e.to_string() == expected => Ok(()),
            Err(e) => Err(format!(
                "expected error {expected:?}, got error {:?}",
                e.to_string()
            )),
            Ok(ep) => Err(format!(
                "expected error {expected:?}, got endpoint {}",
                ep.url()
            )),
        };
    }
    let expected = expect
        .get("endpoint")
        .ok_or("`expect` has neither `endpoint` nor `error`")?;
    let ep = result.map_err(|e| format!("expected an endpoint, got error {:?}", e.to_string()))?;
    let mut problems = Vec::new();
    let expected_url = expected
        .get("url")
        .and_then(Json::as_str)
        .unwrap_or_default();
    if ep.url() != expected_url {
        problems.push(format!(
            "url: expected {expected_url:?}, got {:?}",
            ep.url()
        ));
    }
    let expected_headers: BTreeMap<String, Vec<String>> = match expected.get("headers") {
        Some(h) => {
            serde_json::from_value(h.clone()).map_err(|e| format!("bad expected headers: {e}"))?
        }
        None => BTreeMap::new(),
    };
    let actual_headers = headers_of(&ep);
    if actual_headers != expected_headers {
        problems.push(format!(
            "headers: expected {expected_headers:?}, got {actual_headers:?}"
        ));
    }
    let expected_props = expected
        .get("properties")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let actual_props = properties_of(&ep);
    if actual_props != expected_props {
        problems.push(format!(
            "properties: expected {expected_props}, got {actual_props}"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[derive(Default)]
struct Tally {
    cases: usize,
    error_cases: usize,
    passed: usize,
    /// One line per failing case: `model / case documentation: problem`.
    failures: Vec<String>,
}

fn run_model(path: &Path, tally: &mut Tally) {
    let model_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            tally
                .failures
                .push(format!("{model_name}: cannot read: {e}"));
            return;
        }
    };
    let model: Json = match serde_json::from_str(&text) {
        Ok(m) => m,
        Err(e) => {
            tally.failures.push(format!("{model_name}: not JSON: {e}"));
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
        let cases = traits
            .get("smithy.rules#endpointTests")
            .and_then(|t| t.get("testCases"))
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        let (mut n, mut n_err, mut n_ok) = (0, 0, 0);
        for (i, case) in cases.iter().enumerate() {
            n += 1;
            let doc = case
                .get("documentation")
                .and_then(Json::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("test case #{i}"));
            let Some(expect) = case.get("expect") else {
                tally
                    .failures
                    .push(format!("{model_name} / {doc}: no `expect`"));
                continue;
            };
            if expect.get("error").is_some() {
                n_err += 1;
            }
            let params = match params_from_json(case.get("params")) {
                Ok(p) => p,
                Err(e) => {
                    tally.failures.push(format!("{model_name} / {doc}: {e}"));
                    continue;
                }
            };
            match check_case(&rs, &params, expect) {
                Ok(()) => n_ok += 1,
                Err(problem) => tally
                    .failures
                    .push(format!("{model_name} / {doc}: {problem}")),
            }
        }
        println!(
            "{model_name} ({shape_id}): {n} cases ({n_err} expect errors): {n_ok} passed, {} failed",
            n - n_ok
        );
        tally.cases += n;
        tally.error_cases += n_err;
        tally.passed += n_ok;
    }
}

#[test]
fn upstream_model_endpoint_tests() {
    let dir = models_dir();
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(_) => {
            println!(
                "notice: {} is absent; skipping upstream endpoint tests",
                dir.display()
            );
            return;
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut tally = Tally::default();
    for f in &files {
        run_model(f, &mut tally);
    }
    println!(
        "endpoint tests: {} models, {} cases ({} expect errors): {} passed, {} failed",
        files.len(),
        tally.cases,
        tally.error_cases,
        tally.passed,
        tally.failures.len()
    );
    for f in &tally.failures {
        println!("  FAIL {f}");
    }
    assert!(
        tally.cases > 0,
        "{} holds no `smithy.rules#endpointTests` cases",
        dir.display()
    );
    assert!(
        tally.failures.is_empty(),
        "{} endpoint test case(s) failed:\n{}",
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
        "aws-iso-b sc2s.sgov.gov api.aws.scloud true false us-isob-east-1"
    );
    assert_eq!(
        run("partition", "eusc-de-east-1"),
        "aws-eusc amazonaws.eu api.amazonwebservices.eu true false eusc-de-east-1"
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
