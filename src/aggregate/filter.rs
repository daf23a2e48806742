//! Sample and frame filters with pprof's semantics: focus/ignore/hide/show
//! (`FilterSamplesByName`), show_from (`ShowFrom`) and tagfocus/tagignore
//! (`FilterSamplesByTag`). The profile itself is not touched: the result is a
//! [`View`] of which samples remain, which locations each keeps, and which
//! frames each location keeps.

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Profile, NONE};
use crate::query::Query;
use crate::units;
use regex::Regex;
use std::collections::HashMap;

/// The profile as the filters let it be seen: which frames each location
/// keeps, and (through [`View::for_each_sample`]) which samples remain with
/// which locations.
#[derive(Clone, Debug, Default)]
pub struct View {
    /// Per location, its remaining frames (innermost first): offsets into `frames`.
    pub frame_start: Vec<u32>,
    /// Frame indices into the profile's frames.
    pub frames: Vec<u32>,
    /// Per location: 0 neither, 1 focused, 2 ignored.
    mark: Vec<u8>,
    /// Per location: removed from stacks by hide/show.
    hidden: Vec<bool>,
    any_hidden: bool,
    /// Per location: matches show_from (when set).
    show_from: Option<Vec<bool>>,
    tagfocus: Option<TagFilter>,
    tagignore: Option<TagFilter>,
    /// The one sample kept (a goroutine group), when set.
    only: Option<usize>,
    /// Every location focused and none ignored (no focus or ignore).
    all_focused: bool,
    label_units: HashMap<String, String>,
}

impl View {
    /// Remaining frames of location `l`.
    #[inline]
    pub fn frames(&self, l: usize) -> &[u32] {
        &self.frames[self.frame_start[l] as usize..self.frame_start[l + 1] as usize]
    }

    /// True when every kept sample keeps its whole location stack (no
    /// hide, show or show_from), so stacks can be read through the profile.
    pub fn keeps_stacks_whole(&self) -> bool {
        !self.any_hidden && self.show_from.is_none()
    }

    /// True when the filters keep every sample that has a stack, whole:
    /// no focus, ignore, hide, show, show_from, tag filter or group.
    pub fn keeps_every_sample(&self) -> bool {
        self.keeps_stacks_whole()
            && self.tagfocus.is_none()
            && self.tagignore.is_none()
            && self.only.is_none()
            && self.all_focused
    }

    /// Calls `f(sample, locations)` for every sample the filters keep, in
    /// profile order, with its remaining locations, leaf first.
    pub fn for_each_sample(&self, p: &Profile, f: impl FnMut(usize, &[u32])) {
        self.for_each_sample_in(p, 0..p.samples.len(), f)
    }

    /// [`View::for_each_sample`] over the samples in `range` only.
    pub fn for_each_sample_in(&self, p: &Profile, range: std::ops::Range<usize>, mut f: impl FnMut(usize, &[u32])) {
        let mut buf: Vec<u32> = Vec::with_capacity(256);
        for s in range {
            if self.only.is_some_and(|o| o != s) {
                continue;
            }
            buf.clear();
            p.samples.stack(s).unpack_into(&mut buf);
            // pprof's focusedAndNotIgnored.
            let mut focused = self.all_focused && !buf.is_empty();
            if !self.all_focused {
                for &l in &buf {
                    match self.mark[l as usize] {
                        1 => focused = true,
                        2 => {
                            focused = false;
                            break;
                        }
                        _ => {}
                    }
                }
            }
            if !focused {
                continue;
            }
            if self.any_hidden {
                buf.retain(|&l| !self.hidden[l as usize]);
                if buf.is_empty() {
                    continue;
                }
            }
            let mut kept: &[u32] = &buf;
            if let Some(sf) = &self.show_from {
                match kept.iter().rposition(|&l| sf[l as usize]) {
                    Some(i) => kept = &kept[..i + 1],
                    None => continue,
                }
            }
            if self.tagfocus.as_ref().is_some_and(|t| !t.matches(p, s, &self.label_units)) {
                continue;
            }
            if self.tagignore.as_ref().is_some_and(|t| t.matches(p, s, &self.label_units)) {
                continue;
            }
            f(s, kept);
        }
    }
}

fn compile(name: &'static str, v: &str) -> Result<Option<Regex>> {
    if v.is_empty() {
        return Ok(None);
    }
    Regex::new(v).map(Some).map_err(|e| {
        Error::new(ErrorKind::BadQuery, format!("parsing {name} regexp: {}", one_line(&e.to_string()))).in_field(name)
    })
}

/// A multi-line message (a regex error) on one line.
pub(crate) fn one_line(s: &str) -> String {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// A compiled tag filter.
#[derive(Clone, Debug)]
enum TagFilter {
    /// Regexes over `key:value` (no key given) or over values of one key.
    Strings { key: Option<String>, rxs: Vec<Regex> },
    /// A numeric range over values of one key, or of any key.
    Numeric { key: Option<String>, range: NumRange },
}

#[derive(Clone, Debug)]
struct NumRange {
    lo: Option<f64>,
    hi: Option<f64>,
    unit: String,
}

fn compile_tag(name: &'static str, value: &str) -> Result<Option<TagFilter>> {
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
                .in_field(name)
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

/// Checks that every filter of `q` compiles, without applying anything.
pub fn validate(q: &Query) -> Result<()> {
    for (name, v) in [
        ("focus", &q.filters.focus),
        ("ignore", &q.filters.ignore),
        ("hide", &q.filters.hide),
        ("show", &q.filters.show),
        ("show_from", &q.filters.show_from),
    ] {
        compile(name, v)?;
    }
    compile_tag("tagfocus", &q.filters.tagfocus)?;
    compile_tag("tagignore", &q.filters.tagignore)?;
    Ok(())
}

/// Applies the query's filters to `p`.
pub fn apply(p: &Profile, q: &Query) -> Result<View> {
    let focus = compile("focus", &q.filters.focus)?;
    let ignore = compile("ignore", &q.filters.ignore)?;
    let hide = compile("hide", &q.filters.hide)?;
    let show = compile("show", &q.filters.show)?;
    let show_from = compile("show_from", &q.filters.show_from)?;
    let tagfocus = compile_tag("tagfocus", &q.filters.tagfocus)?;
    let tagignore = compile_tag("tagignore", &q.filters.tagignore)?;

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
    let any_hidden = hidden.iter().any(|&h| h);
    let all_focused = mark.iter().all(|&m| m == 1);
    Ok(View {
        frame_start,
        frames,
        mark,
        hidden,
        any_hidden,
        show_from: show_from.map(|_| show_from_loc),
        tagfocus,
        tagignore,
        only: q.group,
        all_focused,
        label_units,
    })
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
