//! Blocks to Markdown lines: list markers, indentation, escaped line starts.

use super::*;

/// Lays out blocks separated by one blank line.
pub(super) fn blocks_to_lines(blocks: &[Block]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut previous_list: Option<bool> = None;
    let mut alternate = false;
    for block in blocks {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        // Two adjacent lists of one kind would merge; alternate their markers.
        alternate = match block {
            Block::List { ordered, .. } if previous_list == Some(*ordered) => !alternate,
            _ => false,
        };
        previous_list = match block {
            Block::List { ordered, .. } => Some(*ordered),
            _ => None,
        };
        lines.extend(block_lines(block, alternate));
    }
    lines
}

pub(super) fn block_lines(block: &Block, alternate: bool) -> Vec<String> {
    match block {
        Block::Para(text) => vec![escape_line_start(text)],
        Block::Code(text) => {
            let longest = backtick_run_lengths(text).into_iter().max().unwrap_or(0);
            let fence = "`".repeat(longest.max(2) + 1);
            let mut lines = vec![format!("{fence}text")];
            lines.extend(text.lines().map(str::to_string));
            lines.push(fence);
            lines
        }
        Block::List { ordered, items } => list_lines(*ordered, items, alternate),
    }
}

pub(super) fn list_lines(ordered: bool, items: &[Vec<Block>], alternate: bool) -> Vec<String> {
    let tight = items.iter().all(|item| is_tight_item(item));
    let mut lines = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let marker = match (ordered, alternate) {
            (true, false) => format!("{}.", index + 1),
            (true, true) => format!("{})", index + 1),
            (false, false) => "-".to_string(),
            (false, true) => "*".to_string(),
        };
        let indent = " ".repeat(marker.len() + 1);
        let body = if tight {
            item.iter()
                .flat_map(|block| block_lines(block, false))
                .collect()
        } else {
            if index > 0 {
                lines.push(String::new());
            }
            blocks_to_lines(item)
        };
        for (line_index, line) in body.into_iter().enumerate() {
            lines.push(match line_index {
                0 => format!("{marker} {line}"),
                _ if line.is_empty() => line,
                _ => format!("{indent}{line}"),
            });
        }
    }
    lines
}

/// A list can be tight when each item is one paragraph, optionally followed by a sub-list.
pub(super) fn is_tight_item(item: &[Block]) -> bool {
    matches!(
        item,
        [Block::Para(_)] | [Block::List { .. }] | [Block::Para(_), Block::List { .. }]
    )
}

/// Escapes a paragraph start that Markdown would read as a heading, list item or rule.
pub(super) fn escape_line_start(text: &str) -> String {
    if text.starts_with(['#', '-', '+', '=']) {
        return format!("\\{text}");
    }
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let marker = matches!(text.as_bytes().get(digits), Some(b'.' | b')'));
    let then_space = text
        .as_bytes()
        .get(digits + 1)
        .is_none_or(u8::is_ascii_whitespace);
    if (1..=9).contains(&digits) && marker && then_space {
        return format!("{}\\{}", &text[..digits], &text[digits..]);
    }
    text.to_string()
}
