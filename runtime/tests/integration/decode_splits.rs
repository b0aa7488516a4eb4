//! Property tests of the stream decoders: any split of a byte sequence into parts (inside
//! multi-byte UTF-8 characters, between `\r` and `\n`, inside JSON strings and numbers)
//! decodes to the same items as the whole sequence, and those items are the ones an
//! independent reading of the whole text gives.

use proptest::prelude::*;
use smithygen_runtime::decode::{decode_all, DecodeError, Decoder, JsonDecoder, LineDecoder, SseDecoder};
use std::collections::VecDeque;

/// `bytes` cut at `cuts` (positions, any order, repeats allowed: empty parts too).
fn split<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut parts = Vec::new();
    let mut start = 0;
    for c in cuts {
        parts.push(&bytes[start..c]);
        start = c;
    }
    parts.push(&bytes[start..]);
    parts
}

fn in_parts<D: Decoder>(mut decoder: D, parts: &[&[u8]]) -> Result<Vec<D::Item>, DecodeError> {
    let mut items = VecDeque::new();
    for p in parts {
        decoder.feed(p, &mut items)?;
    }
    decoder.finish(&mut items)?;
    Ok(items.into())
}

/// Text of lines with multi-byte characters and both terminators.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof!["[a-z ]{0,6}", Just("é".to_string()), Just("漢字".to_string()), Just("🦀".to_string()), Just("\n".to_string()), Just("\r\n".to_string()), Just(":".to_string())], 0..40)
        .prop_map(|p| p.concat())
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (-1e6f64..1e6).prop_map(serde_json::Value::from),
        "[a-z\"\\\\{}\\[\\] é🦀]{0,8}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-z\"{}]{0,4}", inner, 0..4).prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn lines_are_the_same_for_any_split(text in text(), cuts in proptest::collection::vec(any::<usize>(), 0..12)) {
        let bytes = text.as_bytes();
        let whole = decode_all(LineDecoder::default(), bytes).unwrap();
        // An independent reading: `str::lines` (also `\n` or `\r\n`, no last empty line).
        let expected: Vec<String> = text.lines().map(str::to_string).collect();
        prop_assert_eq!(&whole, &expected);
        prop_assert_eq!(in_parts(LineDecoder::default(), &split(bytes, &cuts)).unwrap(), whole);
    }

    #[test]
    fn sse_events_are_the_same_for_any_split(
        events in proptest::collection::vec(("[a-z]{0,3}", proptest::collection::vec(text().prop_map(|t| t.replace(['\r', '\n'], "")), 1..3)), 0..6),
        bare_cr in any::<bool>(),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let eol = if bare_cr { "\r" } else { "\r\n" };
        let mut stream = String::new();
        for (name, data) in &events {
            if !name.is_empty() {
                stream += &format!("event: {name}{eol}");
            }
            for line in data {
                stream += &format!("data: {line}{eol}");
            }
            stream += eol;
        }
        let bytes = stream.as_bytes();
        let whole = decode_all(SseDecoder::default(), bytes).unwrap();
        let got: Vec<(Option<String>, String)> = whole.iter().map(|e| (e.event.clone(), e.data.clone())).collect();
        let expected: Vec<(Option<String>, String)> =
            events.iter().map(|(name, data)| ((!name.is_empty()).then(|| name.clone()), data.join("\n"))).collect();
        prop_assert_eq!(got, expected);
        prop_assert_eq!(in_parts(SseDecoder::default(), &split(bytes, &cuts)).unwrap(), whole);
    }

    #[test]
    fn json_values_are_the_same_for_any_split(
        values in proptest::collection::vec(json_value(), 0..6),
        separators in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("\n"), Just("\r\n\t")], 6),
        pretty in any::<bool>(),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let mut stream = String::new();
        // Each value as serde_json reads its own text alone (floats need not round-trip).
        let mut expected = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let text = if pretty { serde_json::to_string_pretty(v).unwrap() } else { v.to_string() };
            expected.push(serde_json::from_str::<serde_json::Value>(&text).unwrap());
            stream += &text;
            // Two numbers or literals in a row need a separator to be two values.
            stream += if separators[i].is_empty() && !(v.is_object() || v.is_array() || v.is_string()) { " " } else { separators[i] };
        }
        let bytes = stream.as_bytes();
        let whole = decode_all(JsonDecoder::default(), bytes).unwrap();
        prop_assert_eq!(&whole, &expected);
        prop_assert_eq!(in_parts(JsonDecoder::default(), &split(bytes, &cuts)).unwrap(), whole);
    }

    #[test]
    fn errors_are_the_same_for_any_split(text in text(), cuts in proptest::collection::vec(any::<usize>(), 0..12)) {
        // Lines over a small limit and values that are not JSON fail whatever the split.
        let bytes = text.as_bytes();
        let whole = decode_all(LineDecoder::with_max_len(8), bytes).map_err(|e| e.to_string());
        let parts = in_parts(LineDecoder::with_max_len(8), &split(bytes, &cuts)).map_err(|e| e.to_string());
        prop_assert_eq!(whole.is_err(), parts.is_err());
        if let (Ok(whole), Ok(parts)) = (&whole, &parts) {
            prop_assert_eq!(whole, parts);
        }
        let json_whole = decode_all(JsonDecoder::with_max_len(16), bytes).map_err(|e| e.to_string());
        let json_parts = in_parts(JsonDecoder::with_max_len(16), &split(bytes, &cuts)).map_err(|e| e.to_string());
        prop_assert_eq!(json_whole.is_err(), json_parts.is_err());
    }
}
