//! AWS partition data for the `aws.partition` function.
//!
//! The data lives in `partitions.json` next to this file (a verbatim copy of
//! AWS's published `partitions.json`; see [`EMBEDDED_PARTITIONS_JSON`] for
//! which version); update it by replacing that file.

use super::error::RuleSetError;
use super::value::Value;
use crate::protocol::json::{self, Value as Json};
use regex_lite::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The embedded partition document (AWS's partition data).
///
/// Source: the data the official AWS SDK for Rust embeds,
/// `aws-sdk-sagemakerruntime` 1.123.0 `src/endpoint_lib.rs`
/// (`DEFAULT_PARTITION_RESOLVER`), pretty-printed. It has all eight
/// partitions (aws, aws-cn, aws-eusc, aws-iso, aws-iso-b, aws-iso-e,
/// aws-iso-f, aws-us-gov), every one FIPS and dual-stack capable. Models
/// published before aws-iso and aws-iso-b gained dual-stack still carry
/// endpoint test cases expecting a dual-stack error there; those are listed,
/// with the reason, in `codegen/endpoint-stale-cases.json`. Update by
/// replacing the file, then run `cargo test -p smithygen-runtime --test
/// endpoint_rules` and `cargo xtask upstream-check`.
pub const EMBEDDED_PARTITIONS_JSON: &str = include_str!("partitions.json");

/// One partition: its id, which regions belong to it, and its outputs.
#[derive(Clone, Debug)]
pub struct Partition {
    id: String,
    region_regex: Regex,
    /// Region name -> region-specific output overrides (without `description`), in document
    /// order (the object's keys are unique). A list rather than a map: one lookup per endpoint
    /// resolution (whose results are cached per parameter set), and no `BTreeMap` instantiation
    /// of its own in every client binary.
    regions: Vec<(String, BTreeMap<String, Value>)>,
    outputs: BTreeMap<String, Value>,
}

impl Partition {
    /// The partition id, e.g. `aws-cn`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The regular expression matching region names of this partition.
    pub fn region_regex(&self) -> &str {
        self.region_regex.as_str()
    }

    /// Names of the regions listed for this partition.
    pub fn regions(&self) -> impl Iterator<Item = &str> {
        self.regions.iter().map(|(name, _)| name.as_str())
    }

    /// The partition outputs (`name`, `dnsSuffix`, `dualStackDnsSuffix`,
    /// `supportsFIPS`, `supportsDualStack`, `implicitGlobalRegion`, ...).
    pub fn outputs(&self) -> &BTreeMap<String, Value> {
        &self.outputs
    }
}

/// A set of partitions, as read from a `partitions.json` document.
#[derive(Clone, Debug)]
pub struct Partitions {
    partitions: Vec<Partition>,
}

impl Partitions {
    /// Parses a `partitions.json` document (`{"partitions": [{"id", "regionRegex",
    /// "regions", "outputs"}, ...]}`).
    pub fn from_json(json: &str) -> Result<Partitions, RuleSetError> {
        // The runtime's own JSON reader (aws-smithy-json's tokenizer, as the bodies are read):
        // a client compiles no JSON library for its partitions.
        let doc = json::parse(json.as_bytes()).map_err(|e| {
            RuleSetError::new("$", format!("partitions document is not valid JSON: {e}"))
        })?;
        let list = match doc.get("partitions") {
            Some(Json::Array(list)) => Some(list),
            _ => None,
        };
        let list = list
            .ok_or_else(|| RuleSetError::new("$.partitions", "expected an array of partitions"))?;
        let mut partitions = Vec::with_capacity(list.len());
        for (i, p) in list.iter().enumerate() {
            partitions.push(parse_partition(p, &format!("$.partitions[{i}]"))?);
        }
        Ok(Partitions { partitions })
    }

    /// The embedded AWS partitions, parsed once per process.
    pub fn embedded() -> Result<&'static Partitions, RuleSetError> {
        static EMBEDDED: OnceLock<Result<Partitions, RuleSetError>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| Partitions::from_json(EMBEDDED_PARTITIONS_JSON))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// All partitions, in document order.
    pub fn partitions(&self) -> &[Partition] {
        &self.partitions
    }

    /// Finds the partition of `region`: a partition listing the region by name,
    /// else the first whose `regionRegex` matches, else the `aws` partition.
    /// Returns the partition and the region-specific overrides, if any.
    pub fn find(&self, region: &str) -> Option<(&Partition, Option<&BTreeMap<String, Value>>)> {
        if let Some(found) = self
            .partitions
            .iter()
            .find_map(|p| p.regions.iter().find(|(name, _)| name == region).map(|(_, overrides)| (p, Some(overrides))))
        {
            return Some(found);
        }
        if let Some(p) = self
            .partitions
            .iter()
            .find(|p| p.region_regex.is_match(region))
        {
            return Some((p, None));
        }
        self.partitions
            .iter()
            .find(|p| p.id == "aws")
            .map(|p| (p, None))
    }

    /// `aws.partition`: the outputs record of the partition of `region`
    /// (region-level overrides applied), or `None` when there is no match and
    /// no `aws` partition.
    pub fn lookup(&self, region: &str) -> Option<Value> {
        let (partition, overrides) = self.find(region)?;
        let mut outputs = partition.outputs.clone();
        if let Some(overrides) = overrides {
            outputs.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Some(Value::Record(outputs))
    }
}

fn parse_partition(p: &Json, path: &str) -> Result<Partition, RuleSetError> {
    if !matches!(p, Json::Object(_)) {
        return Err(RuleSetError::new(path, "expected a partition object"));
    }
    // `get` takes a repeated key's last value, as a JSON object map does.
    let obj = p;
    let id = obj
        .get("id")
        .and_then(Json::as_str)
        .ok_or_else(|| RuleSetError::new(format!("{path}.id"), "expected a string"))?
        .to_owned();
    let regex_src = obj
        .get("regionRegex")
        .and_then(Json::as_str)
        .ok_or_else(|| RuleSetError::new(format!("{path}.regionRegex"), "expected a string"))?;
    let region_regex = compile_region_regex(regex_src).map_err(|e| {
        RuleSetError::new(
            format!("{path}.regionRegex"),
            format!("invalid regular expression: {e}"),
        )
    })?;
    let outputs = match obj.get("outputs") {
        Some(Json::Object(o)) => record_of(o, &format!("{path}.outputs"))?,
        _ => {
            return Err(RuleSetError::new(
                format!("{path}.outputs"),
                "expected an object",
            ))
        }
    };
    for key in ["name", "dnsSuffix", "dualStackDnsSuffix"] {
        if outputs.get(key).and_then(Value::as_str).is_none() {
            return Err(RuleSetError::new(
                format!("{path}.outputs.{key}"),
                "expected a string",
            ));
        }
    }
    for key in ["supportsFIPS", "supportsDualStack"] {
        if outputs.get(key).and_then(Value::as_bool).is_none() {
            return Err(RuleSetError::new(
                format!("{path}.outputs.{key}"),
                "expected a boolean",
            ));
        }
    }
    let mut regions = Vec::new();
    match obj.get("regions") {
        Some(Json::Object(rs)) => {
            for (name, region) in rs {
                let rpath = format!("{path}.regions.{name}");
                let mut overrides = match region {
                    Json::Object(o) => record_of(o, &rpath)?,
                    _ => return Err(RuleSetError::new(rpath, "expected an object")),
                };
                overrides.remove("description");
                // A repeated region name: the last one counts, in the place of the first (as
                // an object map reads it).
                match regions.iter_mut().find(|(seen, _): &&mut (String, _)| seen == name) {
                    Some(seen) => seen.1 = overrides,
                    None => regions.push((name.clone(), overrides)),
                }
            }
        }
        None => {}
        Some(_) => {
            return Err(RuleSetError::new(
                format!("{path}.regions"),
                "expected an object",
            ))
        }
    }
    Ok(Partition {
        id,
        region_regex,
        regions,
        outputs,
    })
}

fn record_of(
    o: &json::Map,
    path: &str,
) -> Result<BTreeMap<String, Value>, RuleSetError> {
    o.iter()
        .map(|(k, v)| {
            Value::from_json(v).map(|v| (k.clone(), v)).ok_or_else(|| {
                RuleSetError::new(
                    format!("{path}.{k}"),
                    "null and fractional numbers are not supported",
                )
            })
        })
        .collect()
}

/// Region regexes come from Java, where `\w` and `\d` are ASCII-only: so are regex-lite's
/// classes (it has no Unicode classes), which matches them as the official SDK crates do.
fn compile_region_regex(src: &str) -> Result<Regex, regex_lite::Error> {
    Regex::new(src)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partitions() -> &'static Partitions {
        match Partitions::embedded() {
            Ok(p) => p,
            Err(e) => panic!("embedded partitions.json must load: {e}"),
        }
    }

    fn field(v: &Option<Value>, key: &str) -> Option<Value> {
        v.as_ref()
            .and_then(Value::as_record)
            .and_then(|r| r.get(key))
            .cloned()
    }

    #[test]
    fn embedded_has_all_partitions() {
        let ids: Vec<&str> = partitions()
            .partitions()
            .iter()
            .map(Partition::id)
            .collect();
        for id in [
            "aws",
            "aws-cn",
            "aws-us-gov",
            "aws-iso",
            "aws-iso-b",
            "aws-iso-e",
            "aws-iso-f",
            "aws-eusc",
        ] {
            assert!(ids.contains(&id), "missing partition {id}; have {ids:?}");
        }
        for p in partitions().partitions() {
            for key in [
                "name",
                "dnsSuffix",
                "dualStackDnsSuffix",
                "supportsFIPS",
                "supportsDualStack",
                "implicitGlobalRegion",
            ] {
                assert!(p.outputs().contains_key(key), "{} lacks {key}", p.id());
            }
        }
    }

    #[test]
    fn exact_region_match() {
        let v = partitions().lookup("us-east-1");
        assert_eq!(field(&v, "name"), Some(Value::from("aws")));
        assert_eq!(field(&v, "dnsSuffix"), Some(Value::from("amazonaws.com")));
        assert_eq!(
            field(&v, "dualStackDnsSuffix"),
            Some(Value::from("api.aws"))
        );
        assert_eq!(field(&v, "supportsFIPS"), Some(Value::Bool(true)));
        assert_eq!(
            field(&v, "implicitGlobalRegion"),
            Some(Value::from("us-east-1"))
        );
        assert_eq!(field(&v, "description"), None);
        let v = partitions().lookup("cn-north-1");
        assert_eq!(field(&v, "name"), Some(Value::from("aws-cn")));
        assert_eq!(
            field(&v, "dnsSuffix"),
            Some(Value::from("amazonaws.com.cn"))
        );
        let v = partitions().lookup("aws-us-gov-global");
        assert_eq!(field(&v, "name"), Some(Value::from("aws-us-gov")));
        let v = partitions().lookup("us-iso-east-1");
        assert_eq!(field(&v, "dnsSuffix"), Some(Value::from("c2s.ic.gov")));
        let v = partitions().lookup("eusc-de-east-1");
        assert_eq!(field(&v, "dnsSuffix"), Some(Value::from("amazonaws.eu")));
    }

    #[test]
    fn regex_match() {
        let cases = [
            ("us-west-99", "aws"),
            ("mx-central-9", "aws"),
            ("cn-south-7", "aws-cn"),
            ("us-gov-central-5", "aws-us-gov"),
            ("us-iso-north-3", "aws-iso"),
            ("us-isob-north-3", "aws-iso-b"),
            ("eu-isoe-north-3", "aws-iso-e"),
            ("us-isof-north-3", "aws-iso-f"),
            ("eusc-de-west-2", "aws-eusc"),
        ];
        for (region, expected) in cases {
            assert_eq!(
                field(&partitions().lookup(region), "name"),
                Some(Value::from(expected)),
                "{region}"
            );
        }
    }

    #[test]
    fn unknown_region_falls_back_to_aws() {
        for region in [
            "mars-east-1",
            "",
            "us-east-1-extra",
            "not a region",
            "us-\u{0661}-1",
        ] {
            assert_eq!(
                field(&partitions().lookup(region), "name"),
                Some(Value::from("aws")),
                "{region:?}"
            );
        }
    }

    #[test]
    fn region_overrides_apply() {
        let json = r#"{"partitions":[{"id":"aws","regionRegex":"^x-\\d$","regions":{"x-1":{"description":"d","dnsSuffix":"override.example"}},
            "outputs":{"name":"aws","dnsSuffix":"a.example","dualStackDnsSuffix":"b.example","supportsFIPS":true,"supportsDualStack":false}}]}"#;
        let p = Partitions::from_json(json).map_err(|e| e.to_string());
        let p = match p {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            field(&p.lookup("x-1"), "dnsSuffix"),
            Some(Value::from("override.example"))
        );
        assert_eq!(
            field(&p.lookup("x-2"), "dnsSuffix"),
            Some(Value::from("a.example"))
        );
    }

    #[test]
    fn no_aws_partition_means_no_match() {
        let json = r#"{"partitions":[{"id":"other","regionRegex":"^o-\\d$","regions":{},
            "outputs":{"name":"other","dnsSuffix":"a","dualStackDnsSuffix":"b","supportsFIPS":true,"supportsDualStack":false}}]}"#;
        let p = Partitions::from_json(json).ok();
        assert!(p.as_ref().is_some_and(|p| p.lookup("o-1").is_some()));
        assert!(p.as_ref().is_some_and(|p| p.lookup("x-1").is_none()));
    }

    #[test]
    fn bad_documents_name_the_path() {
        let err = Partitions::from_json(
            r#"{"partitions":[{"id":"aws","regionRegex":"(","outputs":{}}]}"#,
        )
        .err();
        assert_eq!(
            err.as_ref().map(RuleSetError::path),
            Some("$.partitions[0].regionRegex")
        );
        let err = Partitions::from_json(
            r#"{"partitions":[{"id":"aws","regionRegex":"x","outputs":{"name":"aws"}}]}"#,
        )
        .err();
        assert_eq!(
            err.as_ref().map(RuleSetError::path),
            Some("$.partitions[0].outputs.dnsSuffix")
        );
        let err = Partitions::from_json("[]").err();
        assert_eq!(err.as_ref().map(RuleSetError::path), Some("$.partitions"));
    }

    /// Every partition and region of the shipped data reads as serde_json reads it (the reader
    /// the partitions were parsed with before the runtime's own): ids, region regexes, outputs,
    /// and each region's overrides, in document order.
    #[test]
    fn embedded_data_reads_as_serde_json_reads_it() {
        fn value(v: &serde_json::Value) -> Value {
            match v {
                serde_json::Value::String(s) => Value::String(s.clone()),
                serde_json::Value::Bool(b) => Value::Bool(*b),
                serde_json::Value::Number(n) => Value::Integer(n.as_i64().expect("integers only")),
                serde_json::Value::Array(items) => Value::Array(items.iter().map(value).collect()),
                serde_json::Value::Object(o) => Value::Record(record(o)),
                serde_json::Value::Null => panic!("no nulls in the partitions data"),
            }
        }
        fn record(o: &serde_json::Map<String, serde_json::Value>) -> BTreeMap<String, Value> {
            o.iter().map(|(k, v)| (k.clone(), value(v))).collect()
        }
        let doc: serde_json::Value = serde_json::from_str(EMBEDDED_PARTITIONS_JSON).expect("valid JSON");
        let expected = doc["partitions"].as_array().expect("a list");
        let ours = partitions().partitions();
        assert_eq!(ours.len(), expected.len());
        let mut regions = 0;
        for (p, e) in ours.iter().zip(expected) {
            assert_eq!(p.id(), e["id"].as_str().expect("id"));
            assert_eq!(p.region_regex(), e["regionRegex"].as_str().expect("regex"));
            assert_eq!(p.outputs(), &record(e["outputs"].as_object().expect("outputs")), "{}", p.id());
            let expected_regions: Vec<(String, BTreeMap<String, Value>)> = e["regions"]
                .as_object()
                .expect("regions")
                .iter()
                .map(|(name, o)| {
                    let mut overrides = record(o.as_object().expect("a region object"));
                    overrides.remove("description");
                    (name.clone(), overrides)
                })
                .collect();
            assert_eq!(p.regions, expected_regions, "{}", p.id());
            regions += p.regions.len();
            for (name, _) in &p.regions {
                assert_eq!(partitions().find(name).map(|(found, _)| found.id()), Some(p.id()), "{name}");
            }
        }
        assert!(regions >= 50, "only {regions} regions read"); // the shipped data lists 53
    }

    #[test]
    fn a_repeated_region_keeps_its_last_overrides() {
        let json = r#"{"partitions":[{"id":"aws","regionRegex":"^x-\\d$","regions":{"x-1":{"dnsSuffix":"first"},"x-2":{},"x-1":{"dnsSuffix":"last"}},
            "outputs":{"name":"aws","dnsSuffix":"a.example","dualStackDnsSuffix":"b.example","supportsFIPS":true,"supportsDualStack":false}}]}"#;
        let p = Partitions::from_json(json).expect("loads");
        assert_eq!(p.partitions()[0].regions().collect::<Vec<_>>(), ["x-1", "x-2"]);
        assert_eq!(field(&p.lookup("x-1"), "dnsSuffix"), Some(Value::from("last")));
    }

    #[test]
    fn invalid_json_is_an_error_at_the_root() {
        for bad in ["", "{", r#"{"partitions": [}"#, r#"{"partitions": []} x"#] {
            let err = Partitions::from_json(bad).err();
            assert_eq!(err.as_ref().map(RuleSetError::path), Some("$"), "{bad:?}");
        }
    }
}
