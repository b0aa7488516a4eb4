//! The AWS CLI's shorthand syntax for structures and maps: `Key=value,Key2=value2`, nested
//! structures in braces (`Key={A=1,B=2}`), lists in brackets (`Key=[a,b]`) or as a run of values
//! (`Key=a,b,c`), values quoted with `"` or `'` when they hold `,` `=` `[` `]` `{` `}`.
//!
//! Every scalar comes out as JSON text; the input module makes numbers and booleans of them
//! where the member's type wants one.

use serde_json::{Map, Value};

/// Parses shorthand text into a JSON object.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser { chars: text.chars().collect(), pos: 0 };
    let object = p.params(None)?;
    p.skip_ws();
    if p.pos < p.chars.len() {
        return Err(p.error("unexpected text"));
    }
    Ok(Value::Object(object))
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn error(&self, what: &str) -> String {
        let rest: String = self.chars[self.pos.min(self.chars.len())..].iter().take(20).collect();
        format!("shorthand syntax: {what} at character {} (`{rest}`)", self.pos + 1)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// `key=value` pairs separated by commas, up to `close` (or the end).
    fn params(&mut self, close: Option<char>) -> Result<Map<String, Value>, String> {
        let mut object = Map::new();
        loop {
            self.skip_ws();
            if self.peek().is_none() || self.peek() == close {
                return Ok(object);
            }
            let key = self.key()?;
            if !self.eat('=') {
                return Err(self.error("expected `=` after a key"));
            }
            let first = self.value(close)?;
            // `Key=a,b,c`: further values up to the next `key=` make a list.
            let mut run = Vec::new();
            while self.peek_comma_value() {
                self.eat(',');
                run.push(self.value(close)?);
            }
            let value = if run.is_empty() {
                first
            } else {
                run.insert(0, first);
                Value::Array(run)
            };
            object.insert(key, value);
            if !self.eat(',') {
                self.skip_ws();
                if self.peek().is_some() && self.peek() != close {
                    return Err(self.error("expected `,` between parameters"));
                }
            }
        }
    }

    /// Whether a `,` follows that starts another value of the same key rather than a new
    /// `key=` pair.
    fn peek_comma_value(&self) -> bool {
        let mut i = self.pos;
        while self.chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        if self.chars.get(i) != Some(&',') {
            return false;
        }
        i += 1;
        if i >= self.chars.len() {
            return false;
        }
        // A key is a run of characters that are not special, followed by `=`.
        let start = i;
        while let Some(c) = self.chars.get(i) {
            if *c == '=' {
                return i == start;
            }
            if matches!(c, ',' | '[' | ']' | '{' | '}' | '"' | '\'') {
                return true;
            }
            i += 1;
        }
        true
    }

    fn key(&mut self) -> Result<String, String> {
        self.skip_ws();
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == '=' || c == ',' || c == '{' || c == '}' || c == '[' || c == ']' {
                break;
            }
            self.pos += 1;
        }
        let key: String = self.chars[start..self.pos].iter().collect::<String>().trim().to_string();
        if key.is_empty() {
            return Err(self.error("expected a key"));
        }
        Ok(key)
    }

    fn value(&mut self, close: Option<char>) -> Result<Value, String> {
        self.skip_ws();
        match self.peek() {
            Some('{') => {
                self.pos += 1;
                let object = self.params(Some('}'))?;
                if !self.eat('}') {
                    return Err(self.error("expected `}`"));
                }
                Ok(Value::Object(object))
            }
            Some('[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.eat(']') {
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value(Some(']'))?);
                    if !self.eat(',') {
                        if self.eat(']') {
                            return Ok(Value::Array(items));
                        }
                        return Err(self.error("expected `,` or `]` in a list"));
                    }
                }
            }
            Some(q @ ('"' | '\'')) => {
                self.pos += 1;
                let mut s = String::new();
                loop {
                    match self.peek() {
                        None => return Err(self.error("unterminated quoted value")),
                        Some('\\') if self.chars.get(self.pos + 1) == Some(&q) => {
                            s.push(q);
                            self.pos += 2;
                        }
                        Some(c) if c == q => {
                            self.pos += 1;
                            return Ok(Value::String(s));
                        }
                        Some(c) => {
                            s.push(c);
                            self.pos += 1;
                        }
                    }
                }
            }
            _ => {
                let start = self.pos;
                while let Some(c) = self.peek() {
                    if c == ',' || Some(c) == close || c == '}' || c == ']' {
                        break;
                    }
                    self.pos += 1;
                }
                Ok(Value::String(self.chars[start..self.pos].iter().collect::<String>().trim().to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde_json::json;

    #[test]
    fn flat_nested_lists_and_quotes() {
        assert_eq!(parse("Name=a,Count=2").unwrap(), json!({"Name": "a", "Count": "2"}));
        assert_eq!(parse("Inner={Depth=3,Notes=[x,y]}, Label = l").unwrap(), json!({"Inner": {"Depth": "3", "Notes": ["x", "y"]}, "Label": "l"}));
        assert_eq!(parse("Tags=a,b,c,Name=n").unwrap(), json!({"Tags": ["a", "b", "c"], "Name": "n"}));
        assert!(parse(r#"Text="a,b=c",Other='open"#).unwrap_err().contains("unterminated"));
        assert_eq!(parse(r#"Text="a,b=c",Empty=[]"#).unwrap(), json!({"Text": "a,b=c", "Empty": []}));
        assert_eq!(parse("Zero={}").unwrap(), json!({"Zero": {}}));
    }

    #[test]
    fn errors_name_the_place() {
        let e = parse("Name").unwrap_err();
        assert!(e.contains("expected `=`"), "{e}");
        let e = parse("A={B=1").unwrap_err();
        assert!(e.contains("expected `}`"), "{e}");
    }
}
