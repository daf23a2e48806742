//! The older Java agents' profiles (pprof's `legacy_java_profile.go`):
//! `--- heapz 1 ---` and `--- contentionz 1 ---` texts with `format = java`,
//! and the binary CPU profile whose header says Java; each ends with the
//! frames of its addresses (`0x… name (File.java:12)`), which name them.

use super::{Adjust, Builder, ALLOC_RX, ALLOC_SKIP_RX, CPU_PROFILER_RX, LOCK_RX};
use crate::error::{Error, ErrorKind, Result};
use crate::proto;
use std::collections::HashMap;

fn bad(line: &str, why: &str) -> Error {
    let shown: String = line.chars().take(80).collect();
    Error::new(ErrorKind::Invalid, format!("not a readable Java profile: {why} in line \"{shown}\""))
}

/// True when the text starts like a Java heapz or contentionz profile.
pub fn is_java_header(first: &str) -> bool {
    first == "--- heapz 1 ---" || first == "--- contentionz 1 ---"
}

/// The frame each address names: (function, file, line).
fn locations<'a>(lines: impl Iterator<Item = &'a str>) -> HashMap<u64, (String, String, i64)> {
    let mut out = HashMap::new();
    for line in lines.map(str::trim) {
        let Some(rest) = line.strip_prefix("0x") else { continue };
        let (hex, what) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let Ok(addr) = u64::from_str_radix(hex, 16) else { continue };
        let what = what.trim();
        // "name (File.java:12)", "name (path)", a JIT stub, or a bare name.
        let frame = match what.strip_suffix(')').and_then(|w| w.rsplit_once(" (")) {
            Some((func, inner)) => match inner.rsplit_once(':') {
                Some((file, n)) if n.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() => {
                    let n: i64 = n.parse().unwrap_or(0);
                    (func.trim_end().to_string(), file.to_string(), n.max(0))
                }
                _ => (func.trim_end().to_string(), inner.rsplit('/').next().unwrap_or(inner).to_string(), 0),
            },
            None if what.contains("generated stub/JIT") => ("STUB".to_string(), String::new(), 0),
            None => (what.to_string(), String::new(), 0),
        };
        out.entry(addr).or_insert(frame);
    }
    out
}

/// Names the builder's locations from the Java frames; every address is
/// then dropped, as pprof aggregates these profiles without addresses.
fn name_locations(b: &mut Builder, frames: &HashMap<u64, (String, String, i64)>) {
    let mut locs = std::mem::take(&mut b.im.h.location);
    for l in &mut locs {
        if let Some((func, file, line)) = frames.get(&l.address) {
            l.line = vec![proto::Line { function_id: b.im.function(func, file), line: *line }];
        }
        l.address = 0;
    }
    b.im.h.location = locs;
}

/// Reads a Java heapz or contentionz text.
pub fn parse_text(text: &str) -> Result<proto::Profile> {
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let heap = lines.next().unwrap_or("").trim() == "--- heapz 1 ---";
    let mut b = Builder::new("");
    let (mut period, mut duration, mut types_set) = (0i64, 0i64, false);
    let mut rest: Vec<&str> = Vec::new();
    let mut in_header = true;
    let mut samples: Vec<(i64, i64, Vec<u64>)> = Vec::new();
    for line in lines {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if in_header {
            if let Some((k, v)) = t.split_once('=') {
                let (k, v) = (k.trim(), v.trim());
                match (heap, k) {
                    (_, "format") if v == "java" => {}
                    (_, "format") => return Err(bad(t, "not a Java profile's format")),
                    (true, "resolution") => {
                        b.types(&[("inuse_objects", "count"), ("inuse_space", v)], ("", ""), 0);
                        types_set = true;
                    }
                    (false, "resolution") => {
                        b.types(&[("contentions", "count"), ("delay", v)], ("", ""), 0);
                        types_set = true;
                    }
                    (false, "sampling period") => period = v.parse().map_err(|_| bad(t, "a bad sampling period"))?,
                    (false, "ms since reset") => {
                        duration = v.parse::<i64>().map_err(|_| bad(t, "a bad duration"))?.wrapping_mul(1_000_000)
                    }
                    _ => return Err(bad(t, &format!("unknown attribute \"{k}\""))),
                }
                continue;
            }
            in_header = false;
        }
        // Samples: "N M @ 0x… 0x…" until the frames.
        if rest.is_empty() {
            if let Some((nums, addrs)) = t.split_once('@') {
                let mut it = nums.split_whitespace().map(|x| x.parse::<i64>());
                if let (Some(Ok(first)), Some(Ok(second))) = (it.next(), it.next()) {
                    let addrs = super::addresses(addrs, t)?;
                    samples.push((second, first, addrs));
                    continue;
                }
            }
        }
        rest.push(t);
    }
    if !types_set {
        return Err(bad("", "no resolution attribute (the sample types)"));
    }
    if !heap && period != 0 {
        b.im.h.period_type = Some(proto::ValueType { r#type: b.im.str("contentions"), unit: b.im.str("count") });
        b.im.h.period = period;
    } else {
        b.im.h.period_type = Some(proto::ValueType { r#type: b.im.str(""), unit: b.im.str("") });
    }
    b.im.h.duration_nanos = duration;
    for (v0, v1, addrs) in &samples {
        let (mut a, mut c) = (*v0, *v1);
        let mut bytes = None;
        if heap {
            if a == 0 {
                return Err(bad("", "a heap sample with a zero count"));
            }
            bytes = Some(c.wrapping_div(a));
            (a, c) = super::scale_heap(a, c, 524288);
        } else if period != 0 {
            (a, c) = (a.wrapping_mul(period), c.wrapping_mul(period));
        }
        b.sample_adjusted(&[a, c], addrs, bytes, Adjust::None);
    }
    let frames = locations(rest.into_iter());
    name_locations(&mut b, &frames);
    Ok(if heap { b.finish(ALLOC_RX, ALLOC_SKIP_RX) } else { b.finish(LOCK_RX, "") })
}

/// Reads a Java binary CPU profile: `samples` as the header's words gave
/// them (not adjusted), then the text of its frames.
pub fn parse_cpu(period_ns: i64, samples: &[(u64, Vec<u64>)], text: &str) -> Result<proto::Profile> {
    let mut b = Builder::new("");
    b.types(&[("samples", "count"), ("cpu", "nanoseconds")], ("cpu", "nanoseconds"), period_ns);
    for (count, addrs) in samples {
        b.sample_adjusted(&[*count as i64, (*count as i64).wrapping_mul(period_ns)], addrs, None, Adjust::None);
    }
    name_locations(&mut b, &locations(text.lines()));
    Ok(b.finish(CPU_PROFILER_RX, ""))
}
