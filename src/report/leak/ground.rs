//! Findings grounded in lines and in the source: the line of each suspect
//! whose memory grew most (from the profiles alone), and, when the source
//! can be read, that line quoted and the code around it read to confirm or
//! reject the pattern (a `defer` inside a `for`, a map assignment or an
//! `append`, a ticker with no `Stop`). A pattern the code confirms becomes
//! certain; one it contradicts is dropped. No compiler: a line scan of Go's
//! few keywords is enough for these questions.

use super::charged;
use super::types::{Finding, HotLine, Pattern, Series};
use crate::aggregate::Prepared;
use crate::frames::is_own_code;
use crate::model::Profile;
use crate::query::{Granularity, Query};
use std::collections::BTreeMap;

/// Own in-use values per (function, file, line) of one snapshot.
pub type LineValues = BTreeMap<(String, String, i64), i64>;

/// Each sample's value charged to the line of its innermost own-code frame
/// (as the series charges functions), in the query's value column.
pub fn line_values(p: &Profile, q: &Query) -> LineValues {
    let mut out = LineValues::new();
    let q = Query { granularity: Granularity::Lines, ..q.clone() };
    let Ok(pr) = Prepared::new(vec![p.clone()], vec![], q) else { return out };
    let keys = &pr.nodes.keys;
    let own_code: Vec<bool> = keys.iter().map(|k| is_own_code(pr.nodes.str(k.name))).collect();
    let mut buf = Vec::new();
    for x in pr.stacks.weighted(&pr.profile, pr.value_index) {
        buf.clear();
        buf.extend(x.stack);
        if let Some(t) = charged(&buf, &own_code) {
            let k = &keys[t];
            let e = out.entry((pr.nodes.str(k.name).to_string(), pr.nodes.str(k.file).to_string(), k.line));
            *e.or_default() += x.value;
        }
    }
    out
}

/// For each function, its line that grew most from `first` to `last`.
pub fn hot_lines(first: &LineValues, last: &LineValues) -> BTreeMap<String, HotLine> {
    let mut out: BTreeMap<String, HotLine> = BTreeMap::new();
    for ((func, file, line), &v) in last {
        let growth = v - first.get(&(func.clone(), file.clone(), *line)).copied().unwrap_or(0);
        if growth <= 0 || *line <= 0 {
            continue;
        }
        let better = out.get(func).is_none_or(|h| growth > h.growth);
        if better {
            out.insert(func.clone(), HotLine { file: file.clone(), line: *line, growth });
        }
    }
    out
}

fn base(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}

/// Each heap finding (churn aside) says the line that grew most, and its
/// sentence ends with where to make the change.
pub fn add_lines(s: &mut Series) {
    let unit = s.unit.clone();
    for f in s.findings.iter_mut().filter(|f| f.pattern != Pattern::Churn) {
        if let Some(h) = s.hot_lines.get(&f.name) {
            f.evidence.push(format!(
                "grew most at {}:{} (+{})",
                base(&h.file),
                h.line,
                crate::units::label(h.growth, &unit)
            ));
            f.sentence.push_str(&format!(" Start at {}:{}.", base(&h.file), h.line));
        }
    }
}

/// The findings ordered by what they hold: goroutine leaks first (by the
/// goroutines piled up), then each heap finding by its in-use growth over
/// the series, churn last; the order is otherwise kept.
pub fn by_what_they_hold(findings: &mut [Finding], growth: &dyn Fn(&Finding) -> i64) {
    let rank = |f: &Finding| match f.pattern {
        Pattern::GoroutineLeak => 0,
        Pattern::Churn => 2,
        _ => 1,
    };
    findings.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| growth(b).cmp(&growth(a))));
}

/// What the source says of a finding at its line.
enum Verdict {
    Confirms(String),
    Contradicts(String),
    Silent,
}

/// Reads the code of each heap finding's hot line (`read` gives a file's
/// text from the path the profile records, or `None`): the line is quoted,
/// and a pattern the code confirms becomes certain, one it contradicts is
/// dropped.
pub fn ground(s: &mut Series, read: &dyn Fn(&str) -> Option<String>) {
    let mut texts: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
    let mut keep = Vec::with_capacity(s.findings.len());
    for mut f in std::mem::take(&mut s.findings) {
        let Some(h) = s.hot_lines.get(&f.name).filter(|_| f.pattern != Pattern::Churn) else {
            keep.push(f);
            continue;
        };
        let lines = texts
            .entry(h.file.clone())
            .or_insert_with(|| read(&h.file).map(|t| t.lines().map(str::to_string).collect()));
        let Some(lines) = lines.as_ref().filter(|l| h.line as usize <= l.len()) else {
            keep.push(f);
            continue;
        };
        let code = lines[h.line as usize - 1].trim().to_string();
        f.evidence.push(format!("{}:{}: {code}", base(&h.file), h.line));
        match verdict(&f, lines, h.line as usize - 1) {
            Verdict::Confirms(why) => {
                f.evidence.push(format!("the code confirms it: {why}"));
                f.certain = true;
                keep.push(f);
            }
            Verdict::Contradicts(why) => {
                s.notes.push(format!("dropped the {} finding on {}: {why}", f.pattern.title(), f.name));
            }
            Verdict::Silent => keep.push(f),
        }
    }
    s.findings = keep;
}

/// The lines of the function around line `at` (0-based): from its `func`
/// line to `at`.
fn function_head(lines: &[String], at: usize) -> &[String] {
    let start = (0..=at).rev().find(|&i| lines[i].starts_with("func ")).unwrap_or(0);
    &lines[start..at]
}

/// The function's whole body from its `func` line to the closing brace at
/// the start of a line.
fn function_body(lines: &[String], at: usize) -> &[String] {
    let start = (0..=at).rev().find(|&i| lines[i].starts_with("func ")).unwrap_or(0);
    let end = (at..lines.len()).find(|&i| lines[i].starts_with('}')).unwrap_or(lines.len() - 1);
    &lines[start..=end]
}

/// Whether `code` holds Go keyword `word` as a word.
fn has_word(code: &str, word: &str) -> bool {
    code.match_indices(word).any(|(i, _)| {
        let before = code[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != '.');
        let after = code[i + word.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric() && c != '_');
        before && after
    })
}

fn verdict(f: &Finding, lines: &[String], at: usize) -> Verdict {
    let code = lines[at].split("//").next().unwrap_or("").trim();
    match f.pattern {
        Pattern::DeferInLoop => {
            if !code.starts_with("defer ") {
                return Verdict::Contradicts(format!("line {} is no defer statement", at + 1));
            }
            let head = function_head(lines, at);
            // A `for` opened before the defer whose block is still open.
            let mut depth = 0i32;
            let mut in_loop = false;
            for l in head.iter().rev() {
                let c = l.split("//").next().unwrap_or("");
                depth += c.matches('}').count() as i32 - c.matches('{').count() as i32;
                if depth < 0 {
                    if has_word(c.trim_start(), "for") && c.trim_start().starts_with("for") {
                        in_loop = true;
                        break;
                    }
                    depth = 0;
                }
            }
            if in_loop {
                Verdict::Confirms("the defer is inside a for loop".into())
            } else {
                Verdict::Contradicts("the defer is not inside a loop".into())
            }
        }
        Pattern::GrowingMap => {
            let assign = code.contains("] = ") && !code.contains("==");
            if code.contains("append(") || assign {
                Verdict::Confirms(if assign {
                    "a map or slice element is assigned here".into()
                } else {
                    "an append".into()
                })
            } else {
                Verdict::Silent
            }
        }
        Pattern::Tickers => {
            let body = function_body(lines, at);
            if body.iter().any(|l| l.contains(".Stop()")) {
                Verdict::Silent
            } else if ["time.NewTicker", "time.Tick(", "time.AfterFunc", "time.NewTimer", "time.After("]
                .iter()
                .any(|t| code.contains(t))
            {
                Verdict::Confirms("a timer or ticker is made here and the function never calls Stop".into())
            } else {
                Verdict::Silent
            }
        }
        Pattern::GoroutineMemory => {
            if has_word(code, "go") && code.starts_with("go ") {
                Verdict::Confirms("a go statement".into())
            } else {
                Verdict::Silent
            }
        }
        Pattern::PinnedBuffers => pinned_by_slices(&f.name, lines),
        _ => Verdict::Silent,
    }
}

/// A buffer made by function `name` kept alive by a small piece of it: in
/// this file, a caller keeps `v[i:j]` of the value it got from `name` (an
/// `append`, a map or slice element, or a local stored so), there or in a
/// function it passes the value to (one call deep). A piece copied first
/// (`string(...)`, `bytes.Clone`, `strings.Clone`) pins nothing.
fn pinned_by_slices(name: &str, lines: &[String]) -> Verdict {
    let short = name.rsplit('.').next().unwrap_or(name);
    let call = format!("{short}(");
    for (at, l) in lines.iter().enumerate() {
        let code = l.split("//").next().unwrap_or("").trim();
        let Some((lhs, rhs)) = code.split_once(":=").or_else(|| code.split_once(" = ")) else { continue };
        if !rhs.trim_start().starts_with(&call) || lhs.contains('[') {
            continue;
        }
        let var = lhs.split(',').next().unwrap_or("").trim();
        if var.is_empty() || var == "_" {
            continue;
        }
        let body = function_body(lines, at);
        if let Some(why) = kept_piece(body, var) {
            return Verdict::Confirms(why);
        }
        // Passed on: `g(var)` or `g(x, var)`, and g keeps a piece of its parameter.
        for b in body.iter().map(|b| b.split("//").next().unwrap_or("")) {
            let Some((callee, args)) = b.trim().split_once('(') else { continue };
            let callee = callee.trim();
            if callee.is_empty() || !callee.chars().all(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let Some(k) = args.split([',', ')']).position(|a| a.trim() == var) else { continue };
            let head = format!("func {callee}(");
            let Some(def) = lines.iter().position(|d| d.starts_with(&head)) else { continue };
            let params = lines[def][head.len()..].split(')').next().unwrap_or("");
            let Some(param) = params.split(',').nth(k).and_then(|p| p.split_whitespace().next()) else { continue };
            if let Some(why) = kept_piece(function_body(lines, def), param) {
                return Verdict::Confirms(format!("{why}, in {callee}, which {short}'s buffer is passed to"));
            }
        }
    }
    Verdict::Silent
}

/// Where `body` keeps a sub-slice or substring `var[i:j]` uncopied: the
/// line's words, or `None`.
fn kept_piece(body: &[String], var: &str) -> Option<String> {
    let open = format!("{var}[");
    let piece = |code: &str| -> Option<String> {
        let i = code
            .match_indices(&open)
            .map(|(i, _)| i)
            .find(|&i| code[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != '.'))?;
        let inner = code[i + open.len()..].split(']').next()?;
        if !inner.contains(':') {
            return None;
        }
        let before = &code[..i];
        let copied = ["string(", "Clone(", "copy(", "[]byte("].iter().any(|c| before.trim_end().ends_with(c));
        (!copied).then(|| format!("{var}[{inner}]"))
    };
    let mut locals: Vec<(String, String)> = Vec::new();
    for l in body {
        let code = l.split("//").next().unwrap_or("").trim();
        if let Some(p) = piece(code) {
            if code.contains("append(") || code.contains("] = ") {
                return Some(format!("a piece of the buffer, {p}, is kept ({code})"));
            }
            if let Some((lhs, _)) = code.split_once(":=") {
                locals.push((lhs.trim().to_string(), p));
            }
            continue;
        }
        for (local, p) in &locals {
            let stored = code.contains("] = ") && code.rsplit("] = ").next().is_some_and(|r| r.trim() == local);
            let appended = code.contains("append(") && code.split([',', ')']).any(|a| a.trim() == local);
            if stored || appended {
                return Some(format!("a piece of the buffer, {p}, is kept ({code})"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(src: &str) -> Vec<String> {
        src.lines().map(str::to_string).collect()
    }

    fn finding(pattern: Pattern) -> Finding {
        Finding {
            name: "main.f".into(),
            pattern,
            sentence: String::new(),
            evidence: vec![],
            certain: false,
            roots: vec![],
            stack: vec![],
        }
    }

    #[test]
    fn a_kept_piece_of_a_buffer_is_confirmed_one_call_deep_and_a_copy_is_not() {
        let src = lines(
            "func readChunk(n int) []byte {\n\tbuf := make([]byte, 64<<10)\n\treturn buf\n}\n\
             func indexChunk(chunk []byte) {\n\theaders = append(headers, chunk[:16])\n}\n\
             func handle(n int) {\n\tchunk := readChunk(n)\n\tindexChunk(chunk)\n}\n\
             func readBody(n int) string {\n\treturn strings.Repeat(\"x\", n)\n}\n\
             func invoice(n int) {\n\tbody := readBody(n)\n\tnumber := body[12:23]\n\tinvoices[n] = number\n}\n\
             func readCopy(n int) []byte {\n\treturn make([]byte, n)\n}\n\
             func copied(n int) {\n\tb := readCopy(n)\n\tids[n] = string(b[:8])\n}\n",
        );
        let pinned = |name: &str| pinned_by_slices(name, &src);
        assert!(
            matches!(pinned("main.readChunk"), Verdict::Confirms(w) if w.contains("chunk[:16]") && w.contains("in indexChunk"))
        );
        assert!(matches!(pinned("main.readBody"), Verdict::Confirms(w) if w.contains("body[12:23]")));
        assert!(matches!(pinned("main.readCopy"), Verdict::Silent));
        assert!(matches!(pinned("main.nowhere"), Verdict::Silent));
    }

    #[test]
    fn a_defer_is_confirmed_only_inside_a_loop() {
        let src = lines("package main\n\nfunc f(ch chan int) {\n\tfor j := range ch {\n\t\tl := lease(j)\n\t\tdefer release(l)\n\t}\n}\n\nfunc g() {\n\tif true {\n\t}\n\tdefer done()\n}\n");
        assert!(matches!(verdict(&finding(Pattern::DeferInLoop), &src, 5), Verdict::Confirms(_)));
        assert!(matches!(verdict(&finding(Pattern::DeferInLoop), &src, 12), Verdict::Contradicts(_)));
        assert!(matches!(verdict(&finding(Pattern::DeferInLoop), &src, 4), Verdict::Contradicts(_)));
    }

    #[test]
    fn map_assignments_appends_and_tickers_without_stop_are_confirmed() {
        let src = lines("func f() {\n\tm[k] = v\n\ts = append(s, x)\n\tif a == b {\n\t}\n}\nfunc g() {\n\tt := time.NewTicker(d)\n\t_ = t\n}\nfunc h() {\n\tt := time.NewTicker(d)\n\tdefer t.Stop()\n}\n");
        assert!(matches!(verdict(&finding(Pattern::GrowingMap), &src, 1), Verdict::Confirms(_)));
        assert!(matches!(verdict(&finding(Pattern::GrowingMap), &src, 2), Verdict::Confirms(_)));
        assert!(matches!(verdict(&finding(Pattern::GrowingMap), &src, 3), Verdict::Silent));
        assert!(matches!(verdict(&finding(Pattern::Tickers), &src, 7), Verdict::Confirms(_)));
        assert!(matches!(verdict(&finding(Pattern::Tickers), &src, 11), Verdict::Silent));
    }
}
