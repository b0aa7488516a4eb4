//! Output: `--query` (JMESPath), then `--output json|text|table|yaml|yaml-stream`, by the
//! AWS CLI's formatting rules.

use crate::config::{Globals, OutputFormat};
use crate::error::CliError;
use crate::spec::OperationSpec;
use serde_json::Value;
use std::io::Write;

/// Applies `--query` and prints the output in the chosen format (nothing for an empty output).
pub fn print(output: &Value, g: &Globals, op: &OperationSpec) -> Result<(), CliError> {
    let value = match &g.query {
        Some(q) => query(output, q)?,
        None => output.clone(),
    };
    let empty = value.as_object().is_some_and(|m| m.is_empty()) && g.query.is_none();
    if empty {
        return Ok(());
    }
    let text = render(&value, g.output, op.name, g.color)?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| CliError::client(format!("writing the output: {e}")))
}

/// Evaluates a JMESPath expression (the `jmespath` crate) on the output.
pub fn query(value: &Value, expression: &str) -> Result<Value, CliError> {
    let expr = jmespath::compile(expression).map_err(|e| CliError::param(format!("Bad value for --query {expression}: {e}")))?;
    let data = jmespath::Variable::from_json(&value.to_string()).map_err(|e| CliError::client(format!("--query: {e}")))?;
    let result = expr.search(data).map_err(|e| CliError::param(format!("Bad value for --query {expression}: {e}")))?;
    serde_json::to_value(&*result).map_err(|e| CliError::client(format!("--query: {e}")))
}

/// Prints a skeleton: JSON for `input`/`output`, YAML for `yaml-input`.
pub fn print_skeleton(skeleton: &Value, which: &str) -> Result<(), CliError> {
    let text = if which == "yaml-input" { yaml(skeleton)? } else { json(skeleton) };
    print!("{text}");
    Ok(())
}

/// The output in one format, ending with a newline.
pub fn render(value: &Value, format: OutputFormat, title: &str, color: bool) -> Result<String, CliError> {
    Ok(match format {
        OutputFormat::Json => json(value),
        OutputFormat::Yaml => yaml(value)?,
        OutputFormat::YamlStream => format!("---\n{}", yaml(value)?),
        OutputFormat::Text => text(value),
        OutputFormat::Table => table(value, title, color),
    })
}

fn json(value: &Value) -> String {
    // The AWS CLI indents JSON by four spaces.
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, serde_json::ser::PrettyFormatter::with_indent(b"    "));
    serde::Serialize::serialize(value, &mut ser).expect("a JSON value always serializes");
    let mut s = String::from_utf8(buf).expect("JSON is UTF-8");
    s.push('\n');
    s
}

fn yaml(value: &Value) -> Result<String, CliError> {
    serde_yaml_ng::to_string(value).map_err(|e| CliError::client(format!("YAML output: {e}")))
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// `--output text`, by the AWS CLI's rules: an object's scalars on one tab-separated line in key
/// order, then its lists and objects, each row prefixed with its key in upper case; lists of
/// objects share one set of columns.
pub fn text(value: &Value) -> String {
    let mut out = String::new();
    text_item(value, None, None, &mut out);
    out
}

fn text_item(v: &Value, id: Option<&str>, keys: Option<&[String]>, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut scalars = Vec::new();
            let mut nested = Vec::new();
            match keys {
                Some(keys) => {
                    for k in keys {
                        scalars.push(scalar(map.get(k).unwrap_or(&Value::Null)));
                    }
                    let mut rest: Vec<_> = map.iter().filter(|(k, _)| !keys.contains(k)).collect();
                    rest.sort_by(|a, b| a.0.cmp(b.0));
                    nested = rest;
                }
                None => {
                    let mut all: Vec<_> = map.iter().collect();
                    all.sort_by(|a, b| a.0.cmp(b.0));
                    for (k, v) in all {
                        if is_scalar(v) {
                            scalars.push(scalar(v));
                        } else {
                            nested.push((k, v));
                        }
                    }
                }
            }
            if !scalars.is_empty() {
                if let Some(id) = id {
                    scalars.insert(0, id.to_uppercase());
                }
                out.push_str(&scalars.join("\t"));
                out.push('\n');
            }
            for (k, v) in nested {
                text_item(v, Some(k), None, out);
            }
        }
        Value::Array(items) => {
            if items.is_empty() {
                return;
            }
            if items.iter().any(|i| i.is_object()) {
                let mut keys: Vec<String> = items
                    .iter()
                    .filter_map(|i| i.as_object())
                    .flat_map(|m| m.iter().filter(|(_, v)| is_scalar(v)).map(|(k, _)| k.clone()))
                    .collect();
                keys.sort();
                keys.dedup();
                for item in items {
                    text_item(item, id, Some(&keys), out);
                }
            } else if items.iter().any(|i| i.is_array()) {
                let scalars: Vec<&Value> = items.iter().filter(|i| is_scalar(i)).collect();
                if !scalars.is_empty() {
                    scalar_row(&scalars, id, out);
                }
                for item in items.iter().filter(|i| !is_scalar(i)) {
                    text_item(item, id, None, out);
                }
            } else {
                scalar_row(&items.iter().collect::<Vec<_>>(), id, out);
            }
        }
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar_row(items: &[&Value], id: Option<&str>, out: &mut String) {
    match id {
        Some(id) => {
            for item in items {
                out.push_str(&format!("{}\t{}\n", id.to_uppercase(), scalar(item)));
            }
        }
        None => {
            out.push_str(&items.iter().map(|i| scalar(i)).collect::<Vec<_>>().join("\t"));
            out.push('\n');
        }
    }
}

/// `--output table`: the AWS CLI's boxed table — a title row, then for an object a header row of
/// its scalar keys and a row of values (a list of objects: one row each), nested values as
/// sub-tables titled with their key.
pub fn table(value: &Value, title: &str, color: bool) -> String {
    let mut sections = Vec::new();
    table_section(value, title, &mut sections);
    let width = sections.iter().map(Section::min_width).max().unwrap_or(0).max(title.len() + 4);
    let mut out = String::new();
    let rule = format!("{}\n", "-".repeat(width));
    out.push_str(&rule);
    for (i, s) in sections.iter().enumerate() {
        s.render(width, color, &mut out);
        if i + 1 == sections.len() {
            out.push_str(&format!("+{}+\n", "-".repeat(width - 2)));
        }
    }
    out
}

struct Section {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Section {
    fn col_widths(&self) -> Vec<usize> {
        let n = self.headers.len().max(self.rows.iter().map(Vec::len).max().unwrap_or(0));
        (0..n)
            .map(|c| {
                let h = self.headers.get(c).map(|h| h.chars().count()).unwrap_or(0);
                let r = self.rows.iter().filter_map(|r| r.get(c)).map(|v| v.chars().count()).max().unwrap_or(0);
                h.max(r) + 2
            })
            .collect()
    }

    fn min_width(&self) -> usize {
        let cols = self.col_widths();
        (cols.iter().sum::<usize>() + cols.len() + 1).max(self.title.chars().count() + 4)
    }

    fn render(&self, width: usize, color: bool, out: &mut String) {
        let paint = |s: String, code: &str| if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s };
        out.push_str(&format!("|{}|\n", paint(center(&self.title, width - 2), "1")));
        if self.rows.is_empty() {
            return;
        }
        let mut cols = self.col_widths();
        // Spread the spare width over the columns, as the AWS CLI does.
        let used = cols.iter().sum::<usize>() + cols.len() + 1;
        let spare = width.saturating_sub(used);
        let n = cols.len();
        for (i, c) in cols.iter_mut().enumerate() {
            *c += spare / n + usize::from(i < spare % n);
        }
        let sep: String = format!("+{}+\n", cols.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("+"));
        out.push_str(&sep);
        if !self.headers.is_empty() {
            let cells: Vec<String> = self.headers.iter().zip(&cols).map(|(h, w)| paint(center(h, *w), "1")).collect();
            out.push_str(&format!("|{}|\n", cells.join("|")));
            out.push_str(&sep);
        }
        for row in &self.rows {
            let cells: Vec<String> = cols.iter().enumerate().map(|(i, w)| {
                let v = row.get(i).cloned().unwrap_or_default();
                format!("  {v}{}", " ".repeat(w.saturating_sub(v.chars().count() + 2)))
            }).collect();
            out.push_str(&format!("|{}|\n", cells.join("|")));
        }
    }
}

fn center(s: &str, width: usize) -> String {
    let len = s.chars().count();
    let left = width.saturating_sub(len) / 2;
    let right = width.saturating_sub(len + left);
    format!("{}{s}{}", " ".repeat(left), " ".repeat(right))
}

fn table_section(value: &Value, title: &str, out: &mut Vec<Section>) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().filter(|k| is_scalar(&map[*k])).collect();
            keys.sort();
            let row: Vec<String> = keys.iter().map(|k| scalar(&map[*k])).collect();
            out.push(Section {
                title: title.into(),
                headers: keys.iter().map(|k| k.to_string()).collect(),
                rows: if row.is_empty() { vec![] } else { vec![row] },
            });
            let mut nested: Vec<_> = map.iter().filter(|(_, v)| !is_scalar(v)).collect();
            nested.sort_by(|a, b| a.0.cmp(b.0));
            for (k, v) in nested {
                table_section(v, k, out);
            }
        }
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
            let mut keys: Vec<String> = items.iter().flat_map(|i| i.as_object().into_iter().flatten().filter(|(_, v)| is_scalar(v)).map(|(k, _)| k.clone())).collect();
            keys.sort();
            keys.dedup();
            let rows = items.iter().map(|i| keys.iter().map(|k| scalar(i.get(k).unwrap_or(&Value::Null))).collect()).collect();
            out.push(Section { title: title.into(), headers: keys, rows });
        }
        Value::Array(items) => {
            out.push(Section { title: title.into(), headers: vec![], rows: items.iter().filter(|v| is_scalar(v)).map(|v| vec![scalar(v)]).collect() });
            for item in items.iter().filter(|v| !is_scalar(v)) {
                table_section(item, title, out);
            }
        }
        other => out.push(Section { title: title.into(), headers: vec![], rows: vec![vec![scalar(other)]] }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_follows_the_aws_cli_rules() {
        let v = json!({"B": "two", "A": 1, "L": [{"X": 1, "Y": "a"}, {"X": 2}], "S": ["p", "q"]});
        assert_eq!(text(&v), "1\ttwo\nL\t1\ta\nL\t2\tNone\nS\tp\nS\tq\n");
        assert_eq!(text(&json!("plain")), "plain\n");
    }

    #[test]
    fn table_is_boxed_with_a_title() {
        let t = table(&json!({"ContentType": "application/json", "InvokedProductionVariant": "v1"}), "InvokeEndpoint", false);
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[1].starts_with('|') && lines[1].contains("InvokeEndpoint"), "{t}");
        assert!(t.contains("ContentType") && t.contains("application/json") && t.contains("| "), "{t}");
        assert!(lines.iter().all(|l| l.chars().count() == lines[0].chars().count()), "rows have one width:\n{t}");
    }
}
