//! Rendering the tree to blocks: paragraphs, lists and code, with inline text gathered.

use super::*;

/// Inline formatting already in force, so it is not nested or repeated.
#[derive(Clone, Copy, Default)]
pub(super) struct Ctx {
    pub(super) in_link: bool,
    pub(super) bold: bool,
    pub(super) italic: bool,
}

#[derive(Debug)]
pub(super) enum Block {
    /// One paragraph of inline Markdown, without line breaks.
    Para(String),
    /// Verbatim text for a fenced code block.
    Code(String),
    List {
        ordered: bool,
        items: Vec<Vec<Block>>,
    },
}

/// Collects inline Markdown, collapsing whitespace between pieces.
///
/// At block level (`flat == false`) paragraph breaks start new paragraphs; inside inline
/// elements (`flat == true`) they become spaces.
pub(super) struct Inline {
    pub(super) flat: bool,
    pub(super) paragraphs: Vec<String>,
    pub(super) current: String,
    pub(super) pending_space: bool,
    pub(super) leading_space: bool,
}

/// Rendered content of an inline element plus whether whitespace surrounded it.
pub(super) struct Flat {
    pub(super) leading: bool,
    pub(super) text: String,
    pub(super) trailing: bool,
}

impl Inline {
    pub(super) fn new(flat: bool) -> Self {
        Inline {
            flat,
            paragraphs: Vec::new(),
            current: String::new(),
            pending_space: false,
            leading_space: false,
        }
    }

    pub(super) fn space(&mut self) {
        if self.current.is_empty() {
            self.leading_space = true;
        } else {
            self.pending_space = true;
        }
    }

    pub(super) fn push(&mut self, piece: &str) {
        if piece.is_empty() {
            return;
        }
        // Adjacent code spans would fuse into one backtick run; keep them apart.
        let fuse = self.current.ends_with('`') && piece.starts_with('`');
        if mem::take(&mut self.pending_space) || fuse {
            self.current.push(' ');
        }
        self.current.push_str(piece);
    }

    pub(super) fn paragraph_break(&mut self) {
        if self.flat {
            self.space();
            return;
        }
        if !self.current.is_empty() {
            self.paragraphs.push(mem::take(&mut self.current));
        }
        self.pending_space = false;
    }

    pub(super) fn into_paragraphs(mut self) -> Vec<String> {
        self.paragraph_break();
        self.paragraphs
    }

    pub(super) fn into_flat(self) -> Flat {
        Flat {
            leading: self.leading_space,
            text: self.current,
            trailing: self.pending_space,
        }
    }

    /// Pushes `flat` wrapped by `wrap`, keeping the whitespace that surrounded it outside.
    pub(super) fn push_wrapped(&mut self, flat: Flat, wrap: impl FnOnce(&str) -> String) {
        if flat.leading {
            self.space();
        }
        if !flat.text.is_empty() {
            self.push(&wrap(&flat.text));
            if flat.trailing {
                self.space();
            }
        }
    }
}

/// Renders a sequence of nodes at block level.
pub(super) fn render_blocks<'a>(nodes: impl IntoIterator<Item = &'a Node>, ctx: Ctx) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut inline = Inline::new(false);
    for node in nodes {
        match node {
            Node::Element(element) if is_block(element.tag) => {
                flush_paragraphs(&mut inline, &mut blocks);
                render_block_element(element, ctx, &mut blocks);
            }
            other => render_inline(other, ctx, &mut inline),
        }
    }
    flush_paragraphs(&mut inline, &mut blocks);
    blocks
}

pub(super) fn flush_paragraphs(inline: &mut Inline, blocks: &mut Vec<Block>) {
    let done = mem::replace(inline, Inline::new(false));
    blocks.extend(done.into_paragraphs().into_iter().map(Block::Para));
}

pub(super) fn render_block_element(element: &Element, ctx: Ctx, out: &mut Vec<Block>) {
    match element.tag {
        "ul" => push_list(element, false, ctx, out),
        "ol" => push_list(element, true, ctx, out),
        "dl" => push_definition_list(element, ctx, out),
        "pre" => out.extend(code_block(element)),
        "note" => push_admonition(element, "Note", ctx, out),
        "important" => push_admonition(element, "Important", ctx, out),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dt" => out.extend(bold_paragraph(element, ctx)),
        "hr" => {}
        _ => out.extend(render_blocks(&element.children, ctx)),
    }
}

/// Renders a node into running inline text.
pub(super) fn render_inline(node: &Node, ctx: Ctx, inline: &mut Inline) {
    let element = match node {
        Node::Text(text) => return push_text(text, ctx, inline),
        Node::Element(element) => element,
    };
    match element.tag {
        tag if is_dropped(tag) => {}
        "br" | "hr" => inline.paragraph_break(),
        "b" | "strong" if !ctx.bold => {
            let flat = render_flat(&element.children, Ctx { bold: true, ..ctx });
            inline.push_wrapped(flat, |text| format!("**{text}**"));
        }
        "i" | "em" | "cite" | "var" | "dfn" if !ctx.italic => {
            let flat = render_flat(
                &element.children,
                Ctx {
                    italic: true,
                    ..ctx
                },
            );
            inline.push_wrapped(flat, |text| format!("*{text}*"));
        }
        "code" | "tt" | "kbd" | "samp" | "pre" => {
            let mut raw = String::new();
            collect_text(&element.children, &mut raw);
            push_code(&raw, inline);
        }
        "a" => push_link(element, ctx, inline),
        tag if is_block(tag) => {
            inline.paragraph_break();
            render_children_inline(element, ctx, inline);
            inline.paragraph_break();
        }
        _ => render_children_inline(element, ctx, inline),
    }
}

pub(super) fn render_children_inline(element: &Element, ctx: Ctx, inline: &mut Inline) {
    for child in &element.children {
        render_inline(child, ctx, inline);
    }
}

/// Renders nodes as one line of inline Markdown.
pub(super) fn render_flat(nodes: &[Node], ctx: Ctx) -> Flat {
    let mut inline = Inline::new(true);
    for node in nodes {
        render_inline(node, ctx, &mut inline);
    }
    inline.into_flat()
}

/// Concatenates the raw text below `nodes` (for code), with line breaks for `<br>` and blocks.
pub(super) fn collect_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Element(element) if element.tag == "br" => out.push('\n'),
            Node::Element(element) if is_dropped(element.tag) => {}
            Node::Element(element) if is_block(element.tag) => {
                out.push('\n');
                collect_text(&element.children, out);
                out.push('\n');
            }
            Node::Element(element) => collect_text(&element.children, out),
        }
    }
}
