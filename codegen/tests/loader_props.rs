//! Property tests of the model loader and the whole pipeline behind it: arbitrary bytes, and
//! the corpus's valid base model with arbitrary JSON put at arbitrary places, always end in
//! a value (a crate or errors), never a panic.

use proptest::prelude::*;
use serde_json::Value;
use smithygen::{generate, workspace_crate_options, Options};

fn options() -> Options {
    Options { service: None, crate_options: workspace_crate_options(), customizations: None }
}

fn base() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad-models/dangling-member-target.json");
    let text = std::fs::read_to_string(path).expect("base").replace("ex.bad#Nowhere", "smithy.api#String");
    serde_json::from_str(&text).expect("JSON")
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::String),
        proptest::sample::select(vec!["ex.bad#GetThing", "ex.bad#Svc", "smithy.api#String", "ex.bad#GetThingOutput", "structure", "list", "POST", "/x/{Id}"])
            .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(
                (proptest::sample::select(vec!["type", "target", "members", "traits", "member", "input", "smithy.api#http", "smithy.api#httpLabel", "smithy.api#required", "uri", "method", "code", "mixins", "x"]), inner),
                0..4
            )
            .prop_map(|entries| Value::Object(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

/// Every place in `value` (JSON pointers), objects and arrays included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_is_an_error_not_a_panic(text in prop_oneof![".{0,200}", "\\{\"smithy\": ?\"2.0\", ?\"shapes\": ?\\{[ -~]{0,80}"]) {
        prop_assert!(generate(&text, &options()).is_err());
    }

    #[test]
    fn arbitrary_json_anywhere_in_a_valid_model_never_panics(choice in any::<prop::sample::Index>(), value in json(), add in any::<bool>()) {
        let mut model = base();
        let mut places = Vec::new();
        pointers(&model, String::new(), &mut places);
        let place = choice.get(&places).clone();
        if add {
            // A new key (or element) under the chosen place, when it is an object or array.
            match model.pointer_mut(&place) {
                Some(Value::Object(map)) => { map.insert("added".into(), value); }
                Some(Value::Array(items)) => items.push(value),
                Some(slot) => *slot = value,
                None => {}
            }
        } else if let Some(slot) = model.pointer_mut(&place) {
            *slot = value;
        }
        // Either outcome is fine; reaching it without a panic is the property.
        let _ = generate(&model.to_string(), &options());
    }
}
