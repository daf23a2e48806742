//! Collapsed ("folded") stacks, as FlameGraph's `stackcollapse-*`, inferno,
//! async-profiler's collapsed output and py-spy's `--format raw` write them:
//! one line per stack, frames root first separated by `;`, then a space and
//! the sample count. Frames may hold spaces (`<usize as
//! core::cmp::Ord>::cmp`, `Garbage Collection`): the count is the last
//! space-separated field. Annotations such as `_[k]` stay in the names.

use super::builder::Importer;
use crate::error::{Error, ErrorKind, Result};
use crate::proto;

/// The line's stack and count, when it is a folded line: a stack of at
/// least one non-empty frame, a space, and an integer.
fn split(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_end_matches(['\r', ' ', '\t']);
    let cut = line.rfind([' ', '\t'])?;
    let (stack, count) = (line[..cut].trim_end(), &line[cut + 1..]);
    let digits = count.strip_prefix('-').unwrap_or(count);
    (!stack.is_empty() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some((stack, count))
}

/// True when the first lines of `head` are folded stacks (blank lines and
/// `#` comments aside): text whose first line is a stack and a count, and
/// whose other complete lines are too. A stack must have two frames
/// somewhere, or look nothing like other text formats.
pub fn looks_like_folded(head: &[u8]) -> bool {
    let head = &head[..head.len().min(4096)];
    if head.contains(&0) {
        return false;
    }
    let text = String::from_utf8_lossy(head);
    // The last line may be cut by the 4 KiB head: only complete ones count.
    let complete = match text.rfind('\n') {
        Some(i) if head.len() == 4096 => &text[..i],
        _ => &text[..],
    };
    let mut lines = complete.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).peekable();
    if lines.peek().is_none() {
        return false;
    }
    lines.take(64).all(|l| split(l).is_some())
}

/// Reads folded stacks into a profile of one sample type, samples/count;
/// identical stacks are summed by the merge every profile goes through.
/// A line that is not a stack and a count, or a negative count, is named.
pub fn parse(data: &[u8]) -> Result<proto::Profile> {
    let text = std::str::from_utf8(data).map_err(|e| {
        Error::new(ErrorKind::Invalid, format!("folded stacks: the text is not UTF-8 (at byte {})", e.valid_up_to()))
    })?;
    let mut b = Importer::default();
    b.str("");
    b.types(&[("samples", "count")], ("samples", "count"), 1);
    let comment = b.str("converted from folded stacks");
    b.h.comment.push(comment);
    let mut s = proto::SampleColumns::started();
    let mut frames: Vec<u64> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let bad = |why: &str| {
            let shown: String = trimmed.chars().take(80).collect();
            let more = if trimmed.chars().count() > 80 { "…" } else { "" };
            Error::new(ErrorKind::Invalid, format!("folded stacks, line {}: {why}: \"{shown}{more}\"", n + 1))
        };
        let Some((stack, count)) = split(trimmed) else {
            return Err(bad("not frames separated by ';' then a space and a count"));
        };
        let count: i64 = count.parse().map_err(|_| bad("the count is too large"))?;
        if count < 0 {
            return Err(bad("the count is negative (folded stacks count samples)"));
        }
        frames.clear();
        for f in stack.split(';').map(str::trim) {
            if f.is_empty() {
                return Err(bad("an empty frame (two ';' in a row)"));
            }
            frames.push(b.location(f, "", 0));
        }
        // Root first in the text, leaf first in a profile.
        for &id in frames.iter().rev() {
            s.location_ids.push(id);
        }
        s.values.push(count);
        s.end_sample();
    }
    if s.values.is_empty() {
        return Err(Error::new(ErrorKind::Empty, "folded stacks: no stack in the file"));
    }
    Ok(proto::Profile { header: b.h, samples: s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_lines_are_told_from_other_text() {
        assert!(looks_like_folded(b"main;work;<usize as core::cmp::Ord>::cmp 12\nmain 3\n"));
        assert!(looks_like_folded(b"# comment\n\nGarbage Collection 7\n"));
        assert!(!looks_like_folded(b"heap profile: 1: 2 [3: 4] @ heap/1048576\n"));
        assert!(!looks_like_folded(b"goroutine 1 [running]:\nmain.main()\n"));
        assert!(!looks_like_folded(b"{\"nodes\": []}"));
        assert!(!looks_like_folded(b"hello world\n"));
        assert!(!looks_like_folded(b""));
    }

    #[test]
    fn hostile_lines_are_named() {
        let err = |t: &str| parse(t.as_bytes()).unwrap_err().message;
        assert!(err("main;f 1\nmain;g -3\n").contains("line 2: the count is negative"));
        assert!(err("main;;f 1\n").contains("empty frame"));
        assert!(err("main;f 1\nnot a stack\n").contains("line 2: not frames separated by ';'"));
        assert!(err("main;f 99999999999999999999\n").contains("too large"));
        assert!(err("# only a comment\n").contains("no stack"));
        let long = format!("{} 1\nx\n", "f;".repeat(100_000) + "g");
        assert!(err(&long).contains("line 2"));
    }
}
