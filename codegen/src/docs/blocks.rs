//! Block elements: lists, definition lists, admonitions and code blocks.

use super::*;

pub(super) fn push_list(element: &Element, ordered: bool, ctx: Ctx, out: &mut Vec<Block>) {
    let mut items = Vec::new();
    let mut stray: Vec<&Node> = Vec::new();
    for child in &element.children {
        match child {
            Node::Element(li) if li.tag == "li" => {
                items.push(render_blocks(mem::take(&mut stray), ctx));
                items.push(render_blocks(&li.children, ctx));
            }
            other => stray.push(other),
        }
    }
    items.push(render_blocks(stray, ctx));
    items.retain(|item| !item.is_empty());
    if !items.is_empty() {
        out.push(Block::List { ordered, items });
    }
}

/// One `<dl>` entry: the term paragraph and the definitions attached to it.
pub(super) struct DefinitionItem {
    pub(super) blocks: Vec<Block>,
    /// True while the item holds only its term, so the first definition can join it.
    pub(super) bare_term: bool,
}

pub(super) fn push_definition_list(element: &Element, ctx: Ctx, out: &mut Vec<Block>) {
    let mut items: Vec<DefinitionItem> = Vec::new();
    for child in &element.children {
        match child {
            Node::Element(dt) if dt.tag == "dt" => {
                let term: Vec<Block> = bold_paragraph(dt, ctx).into_iter().collect();
                let bare_term = !term.is_empty();
                items.push(DefinitionItem {
                    blocks: term,
                    bare_term,
                });
            }
            Node::Element(dd) if dd.tag == "dd" => {
                attach_definition(&mut items, render_blocks(&dd.children, ctx))
            }
            other => attach_definition(&mut items, render_blocks([other], ctx)),
        }
    }
    let items: Vec<Vec<Block>> = items
        .into_iter()
        .map(|item| item.blocks)
        .filter(|blocks| !blocks.is_empty())
        .collect();
    if !items.is_empty() {
        out.push(Block::List {
            ordered: false,
            items,
        });
    }
}

/// Appends definition blocks to the last entry, joining the first paragraph to a bare term.
pub(super) fn attach_definition(items: &mut Vec<DefinitionItem>, mut blocks: Vec<Block>) {
    if blocks.is_empty() {
        return;
    }
    let Some(item) = items.last_mut() else {
        items.push(DefinitionItem {
            blocks,
            bare_term: false,
        });
        return;
    };
    if mem::take(&mut item.bare_term) {
        if let (Some(Block::Para(term)), Block::Para(first)) = (item.blocks.last_mut(), &blocks[0])
        {
            let separator = if term.ends_with(":**") { " " } else { ": " };
            *term = format!("{term}{separator}{first}");
            blocks.remove(0);
        }
    }
    item.blocks.extend(blocks);
}

/// Renders a heading or term as a bold paragraph.
pub(super) fn bold_paragraph(element: &Element, ctx: Ctx) -> Option<Block> {
    let flat = render_flat(&element.children, Ctx { bold: true, ..ctx });
    (!flat.text.is_empty()).then(|| Block::Para(format!("**{}**", flat.text)))
}

pub(super) fn push_admonition(element: &Element, label: &str, ctx: Ctx, out: &mut Vec<Block>) {
    let mut blocks = render_blocks(&element.children, ctx);
    match blocks.first_mut() {
        None => return,
        Some(Block::Para(first)) => *first = format!("**{label}:** {first}"),
        Some(_) => blocks.insert(0, Block::Para(format!("**{label}:**"))),
    }
    out.extend(blocks);
}

/// Turns `<pre>` content into a code block: blank edge lines removed, common indent removed.
pub(super) fn code_block(element: &Element) -> Option<Block> {
    let mut raw = String::new();
    collect_text(&element.children, &mut raw);
    let lines: Vec<&str> = raw.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|line| !line.is_empty())?;
    let last = lines.iter().rposition(|line| !line.is_empty())?;
    let body = &lines[first..=last];
    let indent = body
        .iter()
        .filter(|line| !line.is_empty())
        .map(|line| &line[..line.len() - line.trim_start().len()])
        .reduce(common_prefix)
        .unwrap_or("");
    let text: Vec<&str> = body
        .iter()
        .map(|line| line.strip_prefix(indent).unwrap_or(line))
        .collect();
    Some(Block::Code(text.join("\n")))
}

pub(super) fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let end = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((index, _), _)| index);
    &a[..end]
}
