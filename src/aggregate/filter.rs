//! Sample and frame filters with pprof's semantics: focus/ignore/hide/show
//! (`FilterSamplesByName`), show_from (`ShowFrom`) and tagfocus/tagignore
//! (`FilterSamplesByTag`). The profile itself is not touched: the result is a
//! [`View`] of which samples remain, which locations each keeps, and which
//! frames each location keeps.

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Profile, NONE};
use crate::query::Query;
use crate::report::units;
use regex::Regex;
use std::collections::HashMap;

/// The profile as the filters let it be seen.
#[derive(Clone, Debug, Default)]
pub struct View {
    /// Kept sample indices, in profile order.
    pub samples: Vec<u32>,
    /// Per kept sample (same order), its locations, leaf first: offsets into `stack`.
    pub stack_start: Vec<u32>,
    /// Location indices.
    pub stack: Vec<u32>,
    /// Per location, its remaining frames (innermost first): offsets into `frames`.
    pub frame_start: Vec<u32>,
    /// Frame indices into the profile's frames.
    pub frames: Vec<u32>,
}

impl View {
    /// Locations of kept sample `k` (index into `samples`).
    #[inline]
    pub fn stack(&self, k: usize) -> &[u32] {
        &self.stack[self.stack_start[k] as usize..self.stack_start[k + 1] as usize]
    }
    /// Remaining frames of location `l`.
    #[inline]
    pub fn frames(&self, l: usize) -> &[u32] {
        &self.frames[self.frame_start[l] as usize..self.frame_start[l + 1] as usize]
    }
}

fn compile(name: &str, v: &str) -> Result<Option<Regex>> {
    if v.is_empty() {
        return Ok(None);
    }
    Regex::new(v)
        .map(Some)
        .map_err(|e| Error::new(ErrorKind::BadQuery, format!("parsing {name} regexp: {}", one_line(&e.to_string()))))
}

fn one_line(s: &str) -> String {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// A compiled tag filter.
enum TagFilter {
    /// Regexes over `key:value` (no key given) or over values of one key.
    Strings { key: Option<String>, rxs: Vec<Regex> },
    /// A numeric range over values of one key, or of any key.
    Numeric { key: Option<String>, range: NumRange },
}

struct NumRange {
    lo: Option<f64>,
    hi: Option<f64>,
    unit: String,
}

fn compile_tag(name: &str, value: &str) -> Result<Option<TagFilter>> {
    if value.is_empty() {
        return Ok(None);
    }
    let (key, v) = match value.split_once('=') {
        Some((k, v)) => (Some(k.to_string()), v),
        None => (None, value),
    };
    if let Some(range) = parse_range(v) {
        return Ok(Some(TagFilter::Numeric { key, range }));
    }
    let mut rxs = Vec::new();
    for part in v.split(',') {
        rxs.push(Regex::new(part).map_err(|e| {
            Error::new(ErrorKind::BadQuery, format!("parsing {name} regexp: {}", one_line(&e.to_string())))
        })?);
    }
    Ok(Some(TagFilter::Strings { key, rxs }))
}

/// pprof's `parseTagFilterRange`: "64kb", "1mb:", ":2s", "10:20ms".
fn parse_range(filter: &str) -> Option<NumRange> {
    // Matches of ([+-]?[[:digit:]]+)([[:alpha:]]+)?, at most two.
    let mut ms: Vec<(usize, usize, i64, String)> = Vec::new();
    let b = filter.as_bytes();
    let mut i = 0;
    while i < b.len() && ms.len() < 2 {
        let start = i;
        let mut j = i;
        if b[j] == b'+' || b[j] == b'-' {
            j += 1;
        }
        let ds = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j == ds {
            i += 1;
            continue;
        }
        let num = filter[start..j].parse::<i64>().ok()?;
        let us = j;
        while j < b.len() && b[j].is_ascii_alphabetic() {
            j += 1;
        }
        ms.push((start, j, num, filter[us..j].to_string()));
        i = j;
    }
    if ms.is_empty() {
        return None;
    }
    let text = |m: &(usize, usize, i64, String)| &filter[m.0..m.1];
    let (v, unit) = units::scale(ms[0].2, &ms[0].3, &ms[0].3);
    if ms.len() == 1 {
        let m = text(&ms[0]);
        return if filter == m {
            Some(NumRange { lo: Some(v), hi: Some(v), unit })
        } else if filter == format!("{m}:") {
            Some(NumRange { lo: Some(v), hi: None, unit })
        } else if filter == format!(":{m}") {
            Some(NumRange { lo: None, hi: Some(v), unit })
        } else {
            None
        };
    }
    if filter != format!("{}:{}", text(&ms[0]), text(&ms[1])) {
        return None;
    }
    let (v2, unit2) = units::scale(ms[1].2, &ms[1].3, &unit);
    if unit2 != unit {
        return None;
    }
    Some(NumRange { lo: Some(v), hi: Some(v2), unit })
}

impl NumRange {
    fn matches(&self, v: i64, u: &str) -> bool {
        let (sv, su) = units::scale(v, u, &self.unit);
        su == self.unit && self.lo.is_none_or(|lo| sv >= lo) && self.hi.is_none_or(|hi| sv <= hi)
    }
}

impl TagFilter {
    fn matches(&self, p: &Profile, s: usize, units: &HashMap<String, String>) -> bool {
        let l = &p.samples.labels;
        let r = p.samples.label_range(s);
        match self {
            TagFilter::Strings { key: None, rxs } => rxs.iter().all(|rx| {
                r.clone().any(|i| l.str[i] != 0 && rx.is_match(&format!("{}:{}", p.str(l.key[i]), p.str(l.str[i]))))
            }),
            TagFilter::Strings { key: Some(k), rxs } => r
                .filter(|&i| l.str[i] != 0 && p.str(l.key[i]) == k)
                .any(|i| rxs.iter().any(|rx| rx.is_match(p.str(l.str[i])))),
            TagFilter::Numeric { key, range } => r.filter(|&i| l.str[i] == 0).any(|i| {
                let k = p.str(l.key[i]);
                if key.as_deref().is_some_and(|want| want != k) {
                    return false;
                }
                let unit = units.get(k).map(String::as_str).unwrap_or(k);
                range.matches(l.num[i], unit)
            }),
        }
    }
}

/// Applies the query's filters to `p`.
pub fn apply(p: &Profile, q: &Query) -> Result<View> {
    let focus = compile("focus", &q.focus)?;
    let ignore = compile("ignore", &q.ignore)?;
    let hide = compile("hide", &q.hide)?;
    let show = compile("show", &q.show)?;
    let show_from = compile("show_from", &q.show_from)?;
    let tagfocus = compile_tag("tagfocus", &q.tagfocus)?;
    let tagignore = compile_tag("tagignore", &q.tagignore)?;

    let nl = p.locations.len();
    let func_matches = |rx: &Regex, f: u32| -> bool {
        let f = f as usize;
        rx.is_match(p.str(p.functions.name[f])) || rx.is_match(p.str(p.functions.filename[f]))
    };
    let map_matches = |rx: &Regex, l: usize| -> bool {
        let m = p.locations.mapping[l];
        m != NONE && rx.is_match(&p.mappings[m as usize].file)
    };
    // Per-location decisions; 0 = neither, 1 = focus, 2 = ignore.
    let mut mark = vec![0u8; nl];
    let mut hidden = vec![false; nl];
    let mut show_from_loc = vec![false; nl];
    let mut frame_start = Vec::with_capacity(nl + 1);
    let mut frames: Vec<u32> = Vec::with_capacity(p.frames.func.len());
    frame_start.push(0u32);
    let mut lines: Vec<u32> = Vec::new();
    for l in 0..nl {
        let fr = p.locations.frames(l);
        let matches_name = |rx: &Regex| fr.clone().any(|i| func_matches(rx, p.frames.func[i])) || map_matches(rx, l);
        if ignore.as_ref().is_some_and(&matches_name) {
            mark[l] = 2;
        } else if focus.as_ref().is_none_or(&matches_name) {
            mark[l] = 1;
        }
        lines.clear();
        lines.extend(fr.clone().map(|i| i as u32));
        if let Some(rx) = &hide {
            if matches_name(rx) {
                if map_matches(rx, l) {
                    lines.clear();
                } else {
                    lines.retain(|&i| !func_matches(rx, p.frames.func[i as usize]));
                }
                if lines.is_empty() {
                    hidden[l] = true;
                }
            }
        }
        if let Some(rx) = &show {
            if !map_matches(rx, l) {
                lines.retain(|&i| func_matches(rx, p.frames.func[i as usize]));
            }
            if lines.is_empty() {
                hidden[l] = true;
            }
        }
        if let Some(rx) = &show_from {
            if map_matches(rx, l) {
                show_from_loc[l] = true;
            } else if let Some(i) = lines.iter().rposition(|&i| func_matches(rx, p.frames.func[i as usize])) {
                lines.truncate(i + 1);
                show_from_loc[l] = true;
            }
        }
        frames.extend_from_slice(&lines);
        frame_start.push(frames.len() as u32);
    }

    let label_units = if tagfocus.is_some() || tagignore.is_some() { p.num_label_units() } else { HashMap::new() };
    let ns = p.samples.len();
    let mut view = View {
        samples: Vec::with_capacity(ns),
        stack_start: Vec::with_capacity(ns + 1),
        stack: Vec::with_capacity(p.samples.stack.len()),
        frame_start,
        frames,
    };
    view.stack_start.push(0);
    let any_hidden = hidden.iter().any(|&h| h);
    for s in 0..ns {
        let st = p.samples.stack(s);
        // focusedAndNotIgnored
        let mut focused = false;
        let mut ignored = false;
        for &l in st {
            match mark[l as usize] {
                1 => focused = true,
                2 => {
                    ignored = true;
                    break;
                }
                _ => {}
            }
        }
        if ignored || !focused {
            continue;
        }
        let before = view.stack.len();
        if any_hidden {
            view.stack.extend(st.iter().copied().filter(|&l| !hidden[l as usize]));
            if view.stack.len() == before {
                continue;
            }
        } else {
            view.stack.extend_from_slice(st);
        }
        if show_from.is_some() {
            let kept = &view.stack[before..];
            match kept.iter().rposition(|&l| show_from_loc[l as usize]) {
                Some(i) => view.stack.truncate(before + i + 1),
                None => {
                    view.stack.truncate(before);
                    continue;
                }
            }
        }
        if let Some(tf) = &tagfocus {
            if !tf.matches(p, s, &label_units) {
                view.stack.truncate(before);
                continue;
            }
        }
        if let Some(ti) = &tagignore {
            if ti.matches(p, s, &label_units) {
                view.stack.truncate(before);
                continue;
            }
        }
        view.samples.push(s as u32);
        view.stack_start.push(view.stack.len() as u32);
    }
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges_parse_like_pprof() {
        assert!(parse_range("/api/users").is_none());
        assert!(parse_range("/api/v2").is_none());
        let r = parse_range("64kb").unwrap();
        assert_eq!((r.lo, r.hi, r.unit.as_str()), (Some(64.0), Some(64.0), "kB"));
        let r = parse_range("1mb:").unwrap();
        assert_eq!((r.lo, r.hi), (Some(1.0), None));
        let r = parse_range("10:20").unwrap();
        assert_eq!((r.lo, r.hi), (Some(10.0), Some(20.0)));
    }
}
