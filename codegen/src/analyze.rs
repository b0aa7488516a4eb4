//! Analysis of the lowered IR, before any emitter runs: every `@pattern` is translated (and its
//! engine chosen) here, once, so that emitters only render decisions already made.

use crate::ir::{Constraints, PatternCheck, Service, Type};
use std::collections::BTreeMap;

/// Translates every `@pattern` of the service into [`Service::patterns`]. A pattern without a
/// translation is left unchecked by the server (with the reason) rather than failing the crate.
pub fn patterns(svc: &mut Service) {
    let mut found: Vec<(String, String)> = Vec::new();
    let members = svc
        .structures
        .values()
        .flat_map(|s| s.members.iter().map(move |m| (s.id.as_str(), m)))
        .chain(svc.unions.values().filter(|u| !u.streaming).flat_map(|u| u.members.iter().map(move |m| (u.id.as_str(), m))));
    for (owner, m) in members {
        let at = member_location(owner, &m.name, &m.target);
        collect_in(&m.constraints, &m.ty, &at, &mut found);
    }
    let mut patterns = BTreeMap::new();
    let mut number = 0;
    for (at, text) in found {
        if patterns.contains_key(&text) {
            continue;
        }
        let check = match crate::pattern::translate(&text) {
            Ok(rust) if always_matches(&rust) => PatternCheck::AlwaysMatches,
            Ok(rust) => {
                number += 1;
                PatternCheck::Checked { name: format!("PATTERN_{}", number - 1), number: number - 1, engine: rust.engine, text: rust.text }
            }
            Err(why) => PatternCheck::Unchecked { reason: format!("{at}: {why}") },
        };
        patterns.insert(text, check);
    }
    svc.patterns = patterns;
}

/// Whether a translated pattern matches every string: a `@pattern` matches when it is found
/// anywhere in the value, so one without anchors or other look-around that matches the empty
/// string matches at the start of any value (`.*`, `[^x]*`, `(a|)`).
fn always_matches(rust: &crate::pattern::Translated) -> bool {
    if rust.engine != crate::pattern::Engine::Regex {
        return false;
    }
    let Ok(hir) = regex_syntax::Parser::new().parse(&rust.text) else {
        return false;
    };
    let properties = hir.properties();
    properties.look_set().is_empty() && properties.minimum_len() == Some(0)
}

/// Location text for a member: `ns#Shape$Member` as in the model (a synthesized operation
/// input/output loses its `@module` suffix), and the member's target.
fn member_location(owner: &str, member: &str, target: &str) -> String {
    let owner = owner.split('@').next().unwrap_or(owner);
    format!("{owner}${member} (target {target})")
}

fn collect_in(c: &Constraints, ty: &Type, at: &str, out: &mut Vec<(String, String)>) {
    if let Some(p) = &c.pattern {
        out.push((at.to_string(), p.clone()));
    }
    match ty {
        Type::List(col) => collect_in(&col.item_constraints, &col.item, &format!("{at} (list member)"), out),
        Type::Map(col) => {
            if let Some(p) = &col.key_constraints.pattern {
                out.push((format!("{at} (map key)"), p.clone()));
            }
            collect_in(&col.item_constraints, &col.item, &format!("{at} (map value)"), out);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::always_matches;
    use crate::pattern::translate;

    #[test]
    fn only_patterns_no_value_can_fail_are_left_out() {
        for java in [".*", "[^\\n]*", "(a|)", "x*"] {
            assert!(always_matches(&translate(java).unwrap()), "{java}");
        }
        // Anchors, a required character, a Java `$` (before a final line terminator only) or
        // look-around can each refuse a value.
        for java in ["^.*$", "^\\p{ASCII}*$", ".+", "a", "\\b", "(?!x).*", "^[a-z]*"] {
            assert!(!always_matches(&translate(java).unwrap()), "{java}");
        }
    }
}
