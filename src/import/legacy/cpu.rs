//! The legacy binary CPU profile (gperftools' `CPUPROFILE`, Go's before
//! 1.9): a header of five words, then samples (count, depth, addresses),
//! an end marker, and the memory map as text. Words are 32 or 64 bits,
//! either byte order: the header says which (pprof's `parseCPU`).

use super::{maps, Adjust, Builder, CPU_PROFILER_RX};
use crate::error::{Error, ErrorKind, Result};
use crate::proto;

type Word = fn(&[u8]) -> Option<(u64, &[u8])>;

fn w32l(b: &[u8]) -> Option<(u64, &[u8])> {
    Some((u32::from_le_bytes(b.get(..4)?.try_into().ok()?) as u64, &b[4..]))
}
fn w32b(b: &[u8]) -> Option<(u64, &[u8])> {
    Some((u32::from_be_bytes(b.get(..4)?.try_into().ok()?) as u64, &b[4..]))
}
fn w64l(b: &[u8]) -> Option<(u64, &[u8])> {
    Some((u64::from_le_bytes(b.get(..8)?.try_into().ok()?), &b[8..]))
}
fn w64b(b: &[u8]) -> Option<(u64, &[u8])> {
    Some((u64::from_be_bytes(b.get(..8)?.try_into().ok()?), &b[8..]))
}

/// The header's word reader, period (µs) and the bytes after the header,
/// when `data` starts like a legacy CPU profile; `java` for a Java one.
fn header(data: &[u8]) -> Option<(Word, u64, bool, &[u8])> {
    for word in [w32l as Word, w32b, w64l, w64b] {
        let mut b = data;
        let mut h = [0u64; 5];
        for x in &mut h {
            let (v, rest) = word(b)?;
            *x = v;
            b = rest;
        }
        if h[0] == 0 && h[1] == 3 && h[3] > 0 && h[4] == 0 && h[2] <= 1 {
            return Some((word, h[3], h[2] == 1, b));
        }
    }
    None
}

/// True when `data` starts with a legacy CPU profile's header.
pub fn looks_like(data: &[u8]) -> bool {
    header(data).is_some()
}

fn corrupt(why: &str) -> Error {
    Error::new(ErrorKind::Invalid, format!("not a readable legacy CPU profile: {why}"))
}

/// Reads a legacy CPU profile.
pub fn parse(data: &[u8]) -> Result<proto::Profile> {
    let (word, period_us, java, mut b) = header(data).ok_or_else(|| corrupt("no header"))?;
    let period = (period_us as i64).wrapping_mul(1000);
    let mut samples: Vec<(u64, Vec<u64>)> = Vec::new();
    loop {
        if b.is_empty() {
            break;
        }
        let (count, rest) = word(b).ok_or_else(|| corrupt("a sample is cut short"))?;
        let (depth, rest) = word(rest).ok_or_else(|| corrupt("a sample is cut short"))?;
        if depth > (rest.len() / 4) as u64 {
            return Err(corrupt(&format!("a stack of {depth} frames is longer than the rest of the file")));
        }
        b = rest;
        let mut addrs = Vec::with_capacity(depth as usize);
        for _ in 0..depth {
            let (a, rest) = word(b).ok_or_else(|| corrupt("a stack is cut short"))?;
            addrs.push(a);
            b = rest;
        }
        if count == 0 && depth == 1 && addrs[0] == 0 {
            break; // the end-of-data marker
        }
        // Every address but the leaf is a return address: back onto its call
        // (Java's are not adjusted: its frames name each address as written).
        if !java {
            for a in addrs.iter_mut().skip(1) {
                *a = a.wrapping_sub(1);
            }
        }
        samples.push((count, addrs));
    }
    if java {
        return super::java::parse_cpu(period, &samples, &String::from_utf8_lossy(b));
    }
    // pprof: when (nearly) every sample has the same second frame, it is the
    // signal handler's: removed, up to twice.
    let margin = samples.len() / 32;
    for _ in 0..2 {
        let mut seen: std::collections::HashMap<u64, usize> = Default::default();
        for (_, s) in &samples {
            if s.len() > 1 {
                *seen.entry(s[1]).or_default() += 1;
            }
        }
        if let Some((&a, _)) = seen.iter().find(|(_, &n)| n >= samples.len() - margin) {
            for (_, s) in samples.iter_mut() {
                if s.len() > 1 && s[1] == a {
                    s.remove(1);
                }
            }
        }
    }
    // pprof: a leaf found twice (from the signal context and the unwinder,
    // the second adjusted by −1) is kept once.
    for (_, s) in samples.iter_mut() {
        if s.len() > 1 && s[0] == s[1].wrapping_add(1) {
            s.remove(1);
        }
    }
    let text = String::from_utf8_lossy(b);
    let mut bd = Builder::new("");
    bd.types(&[("samples", "count"), ("cpu", "nanoseconds")], ("cpu", "nanoseconds"), period);
    bd.maps = maps::parse(text.lines());
    for (count, addrs) in &samples {
        bd.sample_adjusted(&[*count as i64, (*count as i64).wrapping_mul(period)], addrs, None, Adjust::None);
    }
    Ok(bd.finish(CPU_PROFILER_RX, ""))
}
