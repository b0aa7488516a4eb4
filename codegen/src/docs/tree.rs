//! The element tree, built as forgivingly as a browser builds it.

use super::*;

#[derive(Debug)]
pub(super) enum Node {
    Text(String),
    Element(Element),
}

#[derive(Debug)]
pub(super) struct Element {
    pub(super) tag: &'static str,
    pub(super) href: Option<String>,
    pub(super) children: Vec<Node>,
}

/// Tags that never have content.
pub(super) fn is_void(tag: &str) -> bool {
    matches!(tag, "br" | "hr" | "img" | "wbr" | "col")
}

/// Tags dropped together with their content.
pub(super) fn is_dropped(tag: &str) -> bool {
    matches!(tag, "fullname" | "head" | "title" | "script" | "style")
}

/// Tags that start a new block (paragraph, list, code block, ...).
pub(super) fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "aside"
            | "header"
            | "footer"
            | "main"
            | "nav"
            | "address"
            | "blockquote"
            | "center"
            | "figure"
            | "figcaption"
            | "caption"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "html"
            | "body"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "note"
            | "important"
            | "pre"
            | "hr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
    )
}

/// Builds a forgiving element tree from tokens.
pub(super) fn build_tree(tokens: Vec<Token>) -> Vec<Node> {
    let mut builder = TreeBuilder::default();
    for token in tokens {
        match token {
            Token::Text(text) => builder.text(text),
            Token::Start {
                tag,
                href,
                self_closing,
            } => builder.start(tag, href, self_closing),
            Token::End(tag) => builder.end(tag),
        }
    }
    builder.close_to(0);
    builder.root
}

#[derive(Default)]
pub(super) struct TreeBuilder {
    pub(super) root: Vec<Node>,
    pub(super) open: Vec<Element>,
}

impl TreeBuilder {
    /// Children list of the innermost open element.
    pub(super) fn current(&mut self) -> &mut Vec<Node> {
        match self.open.last_mut() {
            Some(element) => &mut element.children,
            None => &mut self.root,
        }
    }

    pub(super) fn text(&mut self, text: String) {
        let children = self.current();
        match children.last_mut() {
            Some(Node::Text(previous)) => previous.push_str(&text),
            _ => children.push(Node::Text(text)),
        }
    }

    pub(super) fn start(&mut self, tag: &'static str, href: Option<String>, self_closing: bool) {
        self.close_implied_by(tag);
        let element = Element {
            tag,
            href,
            children: Vec::new(),
        };
        if self_closing || is_void(tag) {
            self.current().push(Node::Element(element));
        } else if self.open.len() < MAX_DEPTH {
            self.open.push(element);
        }
    }

    pub(super) fn end(&mut self, tag: &'static str) {
        if tag == "br" {
            self.start(tag, None, true);
        } else if let Some(index) = self.open.iter().rposition(|e| e.tag == tag) {
            self.close_to(index);
        }
    }

    /// Closes an open sibling that `tag` implicitly ends (`<li>` ends an open `<li>` of the
    /// same list, `<dt>`/`<dd>` end each other, `<p>` ends an open `<p>`).
    pub(super) fn close_implied_by(&mut self, tag: &str) {
        let (targets, boundary): (&[&str], fn(&str) -> bool) = match tag {
            "li" => (&["li"], |t| matches!(t, "ul" | "ol")),
            "dt" | "dd" => (&["dt", "dd"], |t| t == "dl"),
            "p" => (&["p"], |t| is_block(t) && t != "p"),
            _ => return,
        };
        for index in (0..self.open.len()).rev() {
            let open = self.open[index].tag;
            if targets.contains(&open) {
                self.close_to(index);
                return;
            }
            if boundary(open) {
                return;
            }
        }
    }

    /// Closes open elements until only `depth` remain open.
    pub(super) fn close_to(&mut self, depth: usize) {
        while self.open.len() > depth {
            if let Some(element) = self.open.pop() {
                self.current().push(Node::Element(element));
            }
        }
    }
}
