//! The Markdown conversion on hand-written cases and on every documentation string of the model corpus.

use super::html_to_markdown as md;

use std::path::Path;

use serde_json::Value;

#[track_caller]
fn check(html: &str, expected: &str) {
    let out = md(html);
    assert_eq!(out, expected, "input: {html:?}");
    if let Err(problem) = validate(&out) {
        panic!("{problem} in output {out:?} of {html:?}");
    }
}

#[test]
fn plain_text_and_whitespace() {
    check("", "");
    check("   \n\t ", "");
    check("Hello   world\n   again ", "Hello world again");
    check(
        "First paragraph\nstill first.\n\n  Second.",
        "First paragraph still first.\n\nSecond.",
    );
    check("non\u{a0}breaking&nbsp;space&nbsp;", "non breaking space");
    check("a\r\nb\rc", "a b c");
}

#[test]
fn paragraphs() {
    check("<p>One</p><p>Two</p>", "One\n\nTwo");
    check("<p>One<p>Two", "One\n\nTwo");
    check("<p> </p><p>Only</p><p></p>", "Only");
    check(
        "Loose text<p>then a paragraph</p>after",
        "Loose text\n\nthen a paragraph\n\nafter",
    );
    check("<div><p>nested</p></div>", "nested");
    check("<P CLASS=\"x\">Upper case</P>", "Upper case");
}

#[test]
fn inline_formatting() {
    check(
        "<p>a <b>bold</b> and <strong>strong</strong></p>",
        "a **bold** and **strong**",
    );
    check(
        "<p>a <i>italic</i> and <em>em</em></p>",
        "a *italic* and *em*",
    );
    check("<p>x<b> spaced </b>y</p>", "x **spaced** y");
    check(
        "<b><b>twice</b></b> <i><em>twice</em></i>",
        "**twice** *twice*",
    );
    check("<b><i>both</i></b>", "***both***");
    check("<b></b>empty", "empty");
    check("<span>plain</span> <u>under</u>", "plain under");
}

#[test]
fn code_spans() {
    check("<p>Use <code>FooBar</code>.</p>", "Use `FooBar`.");
    check("<code>a`b</code>", "``a`b``");
    check("<code>`tick</code>", "`` `tick ``");
    check("<code>a``b`c</code>", "```a``b`c```");
    check("<code>&lt;T&gt; [x] *y* \\z</code>", "`<T> [x] *y* \\z`");
    check("<code>two  spaces</code>", "`two  spaces`");
    check("<code>line\n     break</code>", "`line break`");
    check("see<code> padded </code>here", "see `padded` here");
    check("<code><i>not</i> italic</code>", "`not italic`");
    check("<code></code>", "");
}

#[test]
fn backtick_code_spans_in_plain_text() {
    check("use `foo_bar` here", "use `foo_bar` here");
    check("the ``a`b`` value", "the ``a`b`` value");
    check("a lone ` backtick", "a lone \\` backtick");
    check("`<NAME>` stays", "`<NAME>` stays");
}

#[test]
fn links() {
    check(
        "<a href=\"https://example.com/a_b\">the docs</a>",
        "[the docs](https://example.com/a_b)",
    );
    check(
        "see <a href='API_Foo.html'>Foo</a>.",
        "see [Foo](API_Foo.html).",
    );
    check("<a href=\"#anchor\">here</a>", "[here](#anchor)");
    check("<a href=\"a b.html\">spaces</a>", "[spaces](<a b.html>)");
    check(
        "<a href=\"https://x.y/(a\">paren</a>",
        "[paren](<https://x.y/(a>)",
    );
    check(
        "<a href=\"https://x.y/f(a)\">ok</a>",
        "[ok](https://x.y/f(a))",
    );
    check(
        "<a href=\"https://x.y/?q=<b>&amp;r=1\">enc</a>",
        "[enc](https://x.y/?q=%3Cb%3E&r=1)",
    );
    check(
        "<a href=\"https://x.y\"><code>Code</code> text</a>",
        "[`Code` text](https://x.y)",
    );
    check("<a href=\"https://x.y\"></a>", "[https://x.y](https://x.y)");
    check("<a href=\"https://x.y\">[1]</a>", "[\\[1\\]](https://x.y)");
    check(
        "<a href=\"https://x.y\">https://x.y</a>",
        "[https://x.y](https://x.y)",
    );
    check(
        "<a href=\"https://a\">outer <a href=\"https://b\">inner</a></a>",
        "[outer inner](https://a)",
    );
}

#[test]
fn links_rustdoc_would_take_for_intra_doc_links() {
    check(
        "<a href=\"GetObject\">GetObject</a>",
        "[GetObject](./GetObject)",
    );
    check("<a href=\"Foo#bar\">anchor</a>", "[anchor](./Foo#bar)");
    check("<a href=\"a b\">space</a>", "[space](<./a b>)");
    check("<a href=\"?q=1\">query</a>", "[query](?q=1)");
    check("<a href=\"tel:123\">call</a>", "call (<tel:123>)");
    check("<a href=\"x:y\">odd</a>", "odd (`x:y`)");
    check(
        "<a href=\"mailto:me@example.com\">mail</a>",
        "[mail](mailto:me@example.com)",
    );
    check(
        "<a href=\"a.b#c#d\">two anchors</a>",
        "[two anchors](./a.b#c#d)",
    );
    check(
        "<a href=\"tel:1\">see https://x.y</a>",
        "see <https://x.y> (<tel:1>)",
    );
}

#[test]
fn anchors_without_href_are_plain_text() {
    check(
        "see <a>GetObject</a> and <a name=\"x\">Put</a>",
        "see GetObject and Put",
    );
    check("<a href=\"\">empty</a>", "empty");
}

#[test]
fn bare_urls_become_autolinks() {
    check("See https://example.com/x.", "See <https://example.com/x>.");
    check(
        "(https://example.com/a_(b)) and http://h",
        "(<https://example.com/a_(b)>) and <http://h>",
    );
    check("not a url: https://", "not a url: https://");
}

#[test]
fn lists() {
    check("<ul><li>one</li><li>two</li></ul>", "- one\n- two");
    check("<ol><li>one</li><li>two</li></ol>", "1. one\n2. two");
    check(
        "<ul><li><p>one</p></li><li><p>two</p></li></ul>",
        "- one\n- two",
    );
    check(
        "<ul><li>a<ul><li>a1</li><li>a2</li></ul></li><li>b</li></ul>",
        "- a\n  - a1\n  - a2\n- b",
    );
    check(
        "<ol><li><p>first</p><p>more</p></li><li>second</li></ol>",
        "1. first\n\n   more\n\n2. second",
    );
    check("<ul><li>unclosed<li>items</ul>", "- unclosed\n- items");
    check("<ul>stray<li>item</li></ul>", "- stray\n- item");
    check("<ul><li></li><li> </li></ul>", "");
    check(
        "<p>intro</p><ul><li>x</li></ul><p>outro</p>",
        "intro\n\n- x\n\noutro",
    );
    check("<ul><li>a</li></ul><ul><li>b</li></ul>", "- a\n\n* b");
    check(
        "<ul><li>- dash</li><li>1. num</li></ul>",
        "- \\- dash\n- 1\\. num",
    );
    check("<ol><li>1</li><li>2</li><li>3</li><li>4</li><li>5</li><li>6</li><li>7</li><li>8</li><li>9</li><li>ten<p>more</p></li></ol>",
        "1. 1\n\n2. 2\n\n3. 3\n\n4. 4\n\n5. 5\n\n6. 6\n\n7. 7\n\n8. 8\n\n9. 9\n\n10. ten\n\n    more");
}

#[test]
fn notes_and_important() {
    check("<note><p>Careful.</p></note>", "**Note:** Careful.");
    check(
        "<important>Read <b>this</b>.</important>",
        "**Important:** Read **this**.",
    );
    check(
        "<p>Text</p><note><p>One</p><p>Two</p></note>",
        "Text\n\n**Note:** One\n\nTwo",
    );
    check("<note><ul><li>x</li></ul></note>", "**Note:**\n\n- x");
    check("<note> </note>", "");
}

#[test]
fn line_breaks() {
    check(
        "one<br/>two<br>three</br>four",
        "one\n\ntwo\n\nthree\n\nfour",
    );
    check("<b>one<br/>two</b>", "**one two**");
}

#[test]
fn definition_lists() {
    check(
        "<dl><dt>Term</dt><dd><p>Meaning.</p></dd><dt>Other</dt><dd>More.</dd></dl>",
        "- **Term**: Meaning.\n- **Other**: More.",
    );
    check("<dl><dt>Label:</dt><dd>x</dd></dl>", "- **Label:** x");
    check(
        "<dl><dt>T<dd>unclosed<dt>U<dd>too</dl>",
        "- **T**: unclosed\n- **U**: too",
    );
    check(
        "<dl><dt>Only term</dt><dd>a</dd><dd>b</dd></dl>",
        "- **Only term**: a\n\n  b",
    );
    check("<dl><dd>no term</dd></dl>", "- no term");
}

#[test]
fn preformatted_blocks() {
    check(
        "<p>Example:</p><pre><code>\n    {\n      \"a\": [1]\n    }\n</code></pre>",
        "Example:\n\n```text\n{\n  \"a\": [1]\n}\n```",
    );
    check("<pre>has ``` fence</pre>", "````text\nhas ``` fence\n````");
    check(
        "<ul><li><pre>x\n y</pre></li></ul>",
        "- ```text\n  x\n   y\n  ```",
    );
    check("<pre>  </pre>", "");
    check("<b><pre>a\nb</pre></b>", "**`a b`**");
}

#[test]
fn fullname_and_other_dropped_tags() {
    check("<fullname>Amazon Foo</fullname><p>Body</p>", "Body");
    check("<p>a<!-- comment -->b</p>", "ab");
    check("<!DOCTYPE html><title>T</title>x", "x");
    check("<![CDATA[<raw> & stuff]]>", "\\<raw\\> & stuff");
    check("<h2>Heading</h2>text", "**Heading**\n\ntext");
    check("<table><tr><td>a</td><td>b</td></tr></table>", "a\n\nb");
}

#[test]
fn entities() {
    check(
        "&lt;tag&gt; &amp; &quot;q&quot; &#39;s&#39; &apos;",
        "\\<tag\\> & \"q\" 's' '",
    );
    check(
        "&#x41;&#66;&#X43; &mdash; &hellip;",
        "ABC \u{2014} \u{2026}",
    );
    check(
        "&unknown; &#xZZ; &#; & alone &#0; &#1114112;",
        "\\&unknown; \\&#xZZ; &#; & alone \u{FFFD} \u{FFFD}",
    );
    check("&amp;lt; stays", "\\&lt; stays");
    check("AT&T", "AT&T");
}

#[test]
fn escaping_in_text() {
    check("a [b] c", "a \\[b\\] c");
    check("x < y > z", "x \\< y \\> z");
    check(
        "*stars* and ~tilde~ and back\\slash",
        "\\*stars\\* and \\~tilde\\~ and back\\\\slash",
    );
    check(
        "snake_case _leading trailing_ __dunder__",
        "snake_case \\_leading trailing\\_ \\_\\_dunder\\_\\_",
    );
    check("# not a heading", "\\# not a heading");
    check("- not a list", "\\- not a list");
    check("+ not a list", "\\+ not a list");
    check("2019. A year", "2019\\. A year");
    check("1) one", "1\\) one");
    check("3.75 MB", "3.75 MB");
    check("7.", "7\\.");
    check("> not a quote", "\\> not a quote");
}

#[test]
fn unknown_and_stray_tags_are_text_or_ignored() {
    check("use <region> and <NAME>", "use \\<region\\> and \\<NAME\\>");
    check("a <b>bold", "a **bold**");
    check("</b>text</p></ul>", "text");
    check(
        "<p>unclosed <i>italic <code>code",
        "unclosed *italic `code`*",
    );
    check("a <b c", "a \\<b c");
    check(
        "email <someone@example.com>",
        "email \\<someone@example.com\\>",
    );
    check("<p class=\"a>b\">quoted gt</p>", "quoted gt");
    check("1 <p 2", "1 \\<p 2");
}

#[test]
fn unsafe_characters_are_removed() {
    check("bidi \u{202E}override\u{2066} gone", "bidi override gone");
    check("nul\u{0}and\u{7}bell", "nulandbell");
    check("<pre>a\r\nb\rc</pre>", "```text\na\nb\nc\n```");
    check("&#x202E;x&#13;y", "x y");
}

#[test]
fn hand_written_sample_snapshot() {
    let sample = concat!(
        "<fullname>Example Service</fullname>",
        "<p>The <b>Example</b> service stores <i>widgets</i>. Use <code>PutWidget</code> to add one ",
        "(see <a href=\"https://example.com/docs/put_widget.html\">PutWidget docs</a> or <a>GetWidget</a>).</p>",
        "<note><p>Widget names are case-sensitive: <code>a`b</code> and <code>A`B</code> differ.</p></note>",
        "<p>Names must match <code>[a-z]+</code>; values like <region> are placeholders.</p>",
        "<ul><li><p>Small &amp; cheap</p></li><li><p>Large:</p><ol><li>fast</li><li>faster</li></ol></li></ul>",
        "<dl><dt>Ready</dt><dd><p>Can be used.</p></dd><dt>Broken</dt><dd><p>Cannot.</p><p>Retry later.</p></dd></dl>",
        "<important>Deleting a widget is permanent.</important>",
        "<pre><code>aws example put-widget \\\n    --name demo</code></pre>",
        "Bare link: https://example.com/widgets.",
    );
    let out = md(sample);
    validate(&out).unwrap();
    insta::assert_snapshot!(out);
}

#[test]
fn garbage_never_panics_and_stays_valid() {
    let alphabet: Vec<char> =
        "<>/=\"' &;#x0123abcpliuodtnre`[]*_\\\n\t!-?CDATA\u{e9}\u{202e}\u{0}"
            .chars()
            .collect();
    let tags = [
        "<p>",
        "</p>",
        "<ul>",
        "<li>",
        "</li>",
        "<a href=\"",
        "</a>",
        "<code>",
        "</code>",
        "<pre>",
        "</pre>",
        "<dl>",
        "<dt>",
        "<dd>",
        "<note>",
        "<b>",
        "</i>",
        "<br/>",
        "&lt;",
        "&#",
        "<!--",
        "<![CDATA[",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let len = (next() % 120) as usize;
        let mut input = String::new();
        for _ in 0..len {
            let r = next();
            if r % 4 == 0 {
                input.push_str(tags[(r / 4 % tags.len() as u64) as usize]);
            } else {
                input.push(alphabet[(r / 4 % alphabet.len() as u64) as usize]);
            }
        }
        let out = md(&input);
        if let Err(problem) = validate(&out) {
            panic!("{problem} in output {out:?} of {input:?}");
        }
    }
    let deep = "<b><i><ul><li>".repeat(10_000) + "deep";
    assert!(md(&deep).contains("deep"));
    let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    validate(&md(&String::from_utf8_lossy(&bytes))).unwrap();
}

// ------------------------------------------------------------------ real documentation

/// Every `smithy.api#documentation` string found in the JSON.
fn collect_docs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("smithy.api#documentation", Value::String(doc)) => out.push(doc.clone()),
                    _ => collect_docs(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_docs(item, out)),
        _ => {}
    }
}

fn real_docs() -> Vec<String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "../models",
        "../../shared/models/upstream",
        "../../shared/conformance",
    ] {
        let Ok(entries) = std::fs::read_dir(manifest.join(dir)) else {
            eprintln!("notice: {dir} not found; its documentation is not checked");
            continue;
        };
        files.extend(
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json")),
        );
    }
    let mut docs = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let json: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        collect_docs(&json, &mut docs);
    }
    docs
}

/// Alphanumeric words of at least three characters.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
}

#[test]
fn real_documentation_converts_to_safe_markdown() {
    let docs = real_docs();
    assert!(
        docs.len() >= 10 || docs.is_empty(),
        "too few docs: {}",
        docs.len()
    );
    let fullname = regex::Regex::new(r"(?s)<fullname>.*?</fullname>").unwrap();
    let tag_or_entity = regex::Regex::new(r"<[^>]*>|&#?[0-9A-Za-z]+;").unwrap();
    for doc in &docs {
        let out = md(doc);
        if let Err(problem) = validate(&out) {
            panic!("{problem} in output:\n{out}\n\nof input:\n{doc}");
        }
        let visible = tag_or_entity
            .replace_all(&fullname.replace_all(doc, " "), " ")
            .to_string();
        let out_words: std::collections::HashSet<&str> = words(&out).collect();
        for word in words(&visible) {
            assert!(
                out_words.contains(word),
                "word {word:?} lost in output:\n{out}\n\nof input:\n{doc}"
            );
        }
    }
}

// ------------------------------------------------------------------ output checker

/// Checks the safety properties of generated Markdown: no trailing spaces, no stray blank
/// lines, fences closed, and on every other line: backticks balanced, `<` only as an
/// autolink, no bare `>`, `[` and `]` only as inline link syntax.
fn validate(out: &str) -> Result<(), String> {
    if out.starts_with('\n') || out.ends_with('\n') {
        return Err("leading or trailing blank line".into());
    }
    if out.contains('\r') {
        return Err("carriage return".into());
    }
    let mut fence: Option<String> = None;
    let mut blank_run = 0;
    for line in out.lines() {
        if line.ends_with(char::is_whitespace) {
            return Err(format!("trailing whitespace on {line:?}"));
        }
        let content = strip_list_markers(line);
        let run: String = content.chars().take_while(|c| *c == '`').collect();
        match &fence {
            Some(open) if content == open => fence = None,
            Some(_) => continue,
            None if run.len() >= 3 && content[run.len()..] == *"text" => fence = Some(run),
            None => check_inline(content)?,
        }
        blank_run = if line.is_empty() { blank_run + 1 } else { 0 };
        if blank_run > 1 {
            return Err("two blank lines in a row".into());
        }
    }
    match fence {
        Some(_) => Err("unclosed code fence".into()),
        None => Ok(()),
    }
}

/// The line without indentation and list markers (`- `, `* `, `1. `, `1) `), nested or not.
fn strip_list_markers(line: &str) -> &str {
    let mut rest = line.trim_start();
    loop {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let marker_len = match rest.as_bytes() {
            [b'-' | b'*', b' ', ..] => 2,
            bytes
                if digits > 0
                    && matches!(bytes.get(digits..digits + 2), Some([b'.' | b')', b' '])) =>
            {
                digits + 2
            }
            _ => return rest,
        };
        rest = &rest[marker_len..];
    }
}

fn check_inline(line: &str) -> Result<(), String> {
    let chars: Vec<char> = line.chars().collect();
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '`' => {
                let n = chars[i..].iter().take_while(|c| **c == '`').count();
                i = skip_code_span(&chars, i, n)
                    .ok_or_else(|| format!("unbalanced backticks in {line:?}"))?;
                continue;
            }
            '<' => {
                let end = chars[i..]
                    .iter()
                    .position(|c| *c == '>')
                    .ok_or_else(|| format!("bare < in {line:?}"))?;
                let inner: String = chars[i + 1..i + end].iter().collect();
                let is_autolink = inner.split_once(':').is_some_and(|(scheme, _)| {
                    (2..=32).contains(&scheme.len())
                        && scheme
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
                }) && !inner.contains(char::is_whitespace);
                if !is_autolink {
                    return Err(format!("HTML-like <{inner}> in {line:?}"));
                }
                i += end;
            }
            '>' => return Err(format!("bare > in {line:?}")),
            '[' => depth += 1,
            ']' => {
                if depth == 0 || chars.get(i + 1) != Some(&'(') {
                    return Err(format!("unescaped ] in {line:?}"));
                }
                depth -= 1;
                i = skip_destination(&chars, i + 1)
                    .ok_or_else(|| format!("bad link destination in {line:?}"))?;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        return Err(format!("unescaped [ in {line:?}"));
    }
    Ok(())
}

/// Index after the code span opened by `n` backticks at `start`, if it is closed.
fn skip_code_span(chars: &[char], start: usize, n: usize) -> Option<usize> {
    let mut i = start + n;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| **c == '`').count();
        if run == n {
            return Some(i + n);
        }
        i += run.max(1);
    }
    None
}

/// Index after a `(destination)` starting at `open`.
fn skip_destination(chars: &[char], open: usize) -> Option<usize> {
    if chars.get(open + 1) == Some(&'<') {
        let close = open + 1 + chars[open + 1..].iter().position(|c| *c == '>')?;
        return (chars.get(close + 1) == Some(&')')).then_some(close + 2);
    }
    let mut depth = 0usize;
    for (offset, c) in chars[open..].iter().enumerate() {
        match c {
            '(' => depth += 1,
            ')' if depth == 1 => return Some(open + offset + 1),
            ')' => depth -= 1,
            ' ' => return None,
            _ => {}
        }
    }
    None
}
