//! Linux `perf script` text: each sample a header line (`comm pid[/tid]
//! [cpu] time: [period] event:`), then its call chain, one frame a line
//! (`addr symbol+0xoff (dso)`, leaf first), then a blank line. Without
//! call chains (`perf record` without `-g`) the sample's one frame may
//! follow the event on the header line. Written from `perf-script(1)`'s
//! description of its default output.

use super::builder::Importer;
use crate::error::{Error, ErrorKind, Result};
use crate::proto::{self, Label};

/// A sample's header: the command, and the event with its period when
/// the line gives one; `rest`, what follows the event (a frame, without
/// call chains).
struct Header<'a> {
    comm: &'a str,
    event: &'a str,
    period: Option<i64>,
    rest: &'a str,
}

/// Reads a header line: `comm pid[/tid] [cpu] secs.usecs: [period] event:`.
/// The command may hold spaces: the fields are found from the time on.
fn header(line: &str) -> Option<Header<'_>> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    // The time: digits, a dot, digits, then a colon.
    let words: Vec<(usize, &str)> =
        line.split_whitespace().map(|w| (w.as_ptr() as usize - line.as_ptr() as usize, w)).collect();
    let ti = words.iter().position(|(_, w)| {
        w.strip_suffix(':').is_some_and(|t| {
            let (a, b) = t.split_once('.').unwrap_or(("", ""));
            !a.is_empty() && !b.is_empty() && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
        })
    })?;
    // Before the time: comm, pid[/tid], and maybe [cpu].
    let mut before = ti;
    if before > 0 && words[before - 1].1.starts_with('[') {
        before -= 1;
    }
    if before < 2 || !words[before - 1].1.split('/').all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let comm = line[..words[before - 1].0].trim_end();
    // After it: maybe a period, then the event ending in ':'.
    let mut at = ti + 1;
    let period = words.get(at).and_then(|(_, w)| w.parse::<i64>().ok());
    if period.is_some() {
        at += 1;
    }
    let (off, ev) = *words.get(at)?;
    let event = ev.strip_suffix(':')?;
    let rest = line[off + ev.len()..].trim();
    Some(Header { comm, event, period, rest })
}

/// A frame: `addr symbol+0xoff (dso)`; the symbol may hold spaces.
fn frame(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    let (addr, rest) = line.split_once(char::is_whitespace)?;
    if !addr.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let rest = rest.trim();
    let (sym, dso) = match rest.rfind(" (") {
        Some(i) if rest.ends_with(')') => (&rest[..i], &rest[i + 2..rest.len() - 1]),
        _ => (rest, ""),
    };
    let sym = match sym.rfind("+0x") {
        Some(i) if sym[i + 3..].bytes().all(|c| c.is_ascii_hexdigit()) => &sym[..i],
        _ => sym,
    };
    let sym = if sym.is_empty() { "[unknown]" } else { sym };
    Some((sym.to_string(), dso.to_string()))
}

/// True when the first sample of `head` (after `#` comments) is a `perf
/// script` header followed by a frame line or nothing.
pub fn looks_like_perf_script(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let mut lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let Some(h) = lines.next().and_then(header) else { return false };
    !h.event.is_empty() && lines.next().is_none_or(|l| header(l).is_some() || frame(l).is_some())
}

/// The unit of an event's period: time for the clock events, else counts.
fn unit_of(event: &str) -> &'static str {
    let base = event.split(':').next().unwrap_or(event);
    if matches!(base, "cpu-clock" | "task-clock") {
        "nanoseconds"
    } else {
        "count"
    }
}

/// Reads `perf script` text: sample types samples/count and one per event
/// (its periods, in nanoseconds for the clock events); a frame is its
/// symbol (offset dropped), `[unknown]` when perf had none, with the
/// binary or library as its file; each sample carries its command as the
/// label `comm`. A frame line that cannot be read is named.
pub fn parse(data: &[u8]) -> Result<proto::Profile> {
    let text = String::from_utf8_lossy(data);
    let bad = |n: usize, line: &str, why: &str| {
        let shown: String = line.trim().chars().take(80).collect();
        Error::new(ErrorKind::Invalid, format!("perf script, line {}: {why}: \"{shown}\"", n + 1))
    };
    // First the events, in order met, for the sample types.
    let mut events: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(h) = header(line) {
            let e = h.event.split(':').next().unwrap_or(h.event);
            if !events.iter().any(|x| x == e) {
                events.push(e.to_string());
            }
        }
    }
    if events.is_empty() {
        return Err(Error::new(ErrorKind::Empty, "perf script: no sample in the file"));
    }
    let mut b = Importer::default();
    b.str("");
    let mut types = vec![("samples", "count")];
    types.extend(events.iter().map(|e| (e.as_str(), unit_of(e))));
    let last = *types.last().unwrap_or(&("samples", "count"));
    b.types(&types, last, 0);
    let c = b.str("converted from perf script");
    b.h.comment.push(c);
    let key = b.str("comm");
    let mut s = proto::SampleColumns::started();
    let mut frames: Vec<u64> = Vec::new();
    let mut current: Option<(String, usize, i64)> = None; // comm, event column, period
    let flush = |b: &mut Importer,
                 s: &mut proto::SampleColumns,
                 cur: &mut Option<(String, usize, i64)>,
                 frames: &mut Vec<u64>| {
        if let Some((comm, col, period)) = cur.take() {
            if frames.is_empty() {
                frames.push(b.location("[unknown]", "", 0));
            }
            for &id in frames.iter() {
                s.location_ids.push(id);
            }
            let mut values = vec![0i64; types.len()];
            values[0] = 1;
            values[col] = period;
            s.values.extend_from_slice(&values);
            let str = b.str(&comm);
            s.labels.push(&Label { key, str, ..Default::default() });
            s.end_sample();
        }
        frames.clear();
    };
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut b, &mut s, &mut current, &mut frames);
            continue;
        }
        if let Some(h) = header(line) {
            flush(&mut b, &mut s, &mut current, &mut frames);
            let e = h.event.split(':').next().unwrap_or(h.event);
            let col = 1 + events.iter().position(|x| x == e).unwrap_or(0);
            let period = h.period.unwrap_or(1);
            if period < 0 {
                return Err(bad(n, line, "the period is negative"));
            }
            current = Some((h.comm.to_string(), col, period));
            if let Some((sym, dso)) = frame(h.rest) {
                frames.push(b.location(&sym, &dso, 0));
            }
            continue;
        }
        if current.is_none() {
            return Err(bad(n, line, "a frame before any sample's header"));
        }
        let Some((sym, dso)) = frame(line) else {
            return Err(bad(n, line, "not a frame (an address, a symbol and its binary in brackets)"));
        };
        frames.push(b.location(&sym, &dso, 0));
    }
    flush(&mut b, &mut s, &mut current, &mut frames);
    Ok(proto::Profile { header: b.h, samples: s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_frames() {
        let h = header("perf 12345 [000] 12345.678901:     250000 cpu-clock:pppH: ").unwrap();
        assert_eq!((h.comm, h.event, h.period), ("perf", "cpu-clock:pppH", Some(250000)));
        let h = header("Web Content 812/815 [003]  1020.5: cycles: 4005d6 main (/tmp/prog)").unwrap();
        assert_eq!((h.comm, h.event, h.period, h.rest), ("Web Content", "cycles", None, "4005d6 main (/tmp/prog)"));
        assert!(header("\tffffffff8104f45a native_write_msr+0xa ([kernel.kallsyms])").is_none());
        assert!(header("heap profile: 1: 2 [3: 4] @ heap/1").is_none());
        assert_eq!(
            frame("\t    5581c0a4e1b0 std::vector<int>::push_back(int const&)+0x20 (/usr/bin/prog)"),
            Some(("std::vector<int>::push_back(int const&)".into(), "/usr/bin/prog".into()))
        );
        assert_eq!(frame("\t7f00 [unknown] ([unknown])"), Some(("[unknown]".into(), "[unknown]".into())));
        assert!(looks_like_perf_script(b"# ========\n# captured on: x\nprog 1 1.5: 10 cycles:\n\t400 main (/p)\n"));
        assert!(!looks_like_perf_script(b"main;f 3\n"));
    }

    #[test]
    fn bad_lines_are_named() {
        let err = |t: &str| parse(t.as_bytes()).unwrap_err().message;
        assert!(err("prog 1 1.5: 10 cycles:\n\t400 main (/p)\n\tnot a frame at all\n").contains("line 3: not a frame"));
        assert!(err("\t400 main (/p)\n").contains("no sample"));
        assert!(
            err("prog 1 1.5: 10 cycles:\n\n\t400 main (/p)\n").contains("line 3: a frame before any sample's header")
        );
    }
}
