//! Merging profiles as pprof does (`profile.Merge`): headers combined,
//! strings, functions, mappings and locations unified by content, identical
//! samples (same locations and labels) summed, all-zero samples dropped.
//! pprof merges even a single profile, so this runs on every load path.

use super::{Frames, Functions, Labels, Locations, Profile, Samples, NONE};
use crate::error::{Error, ErrorKind, Result};
use crate::fxmap::{FxHasher, FxMap, MixHasher};
use std::collections::HashMap;
use std::hash::Hasher;

/// Checks that two profiles can be merged: same period type, same sample types.
pub fn compatible(a: &Profile, b: &Profile) -> Result<()> {
    let fmt = |p: &Profile| p.sample_types.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
    let pt = |p: &Profile| p.period_type.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "none".into());
    if a.period_type != b.period_type && a.period_type.is_some() && b.period_type.is_some() {
        return Err(Error::new(ErrorKind::Incompatible, format!("incompatible period types {} and {}", pt(a), pt(b))));
    }
    if a.sample_types != b.sample_types {
        return Err(Error::new(
            ErrorKind::Incompatible,
            format!("incompatible sample types [{}] and [{}]", fmt(a), fmt(b)),
        ));
    }
    Ok(())
}

struct Merger {
    out: Profile,
    strings: HashMap<String, u32>,
    functions: FxMap<(u32, u32, u32, i64), u32>,
    mappings: HashMap<(u64, u64, String, String), (u32, u64)>,
    locations: FxMap<Box<[u64]>, u32>,
    sample_heads: FxMap<u64, u32>,
    sample_next: Vec<u32>,
    sample_hash: Vec<u64>,
}

impl Merger {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.strings.get(s) {
            return i;
        }
        let i = self.out.strings.len() as u32;
        self.out.strings.push(s.to_string());
        self.strings.insert(s.to_string(), i);
        i
    }
}

/// Merges profiles into one (pprof's `profile.Merge`). The sample types of
/// all profiles must match.
pub fn merge(parts: Vec<Profile>) -> Result<Profile> {
    merge_with(parts, true)
}

/// Merges profiles none of whose samples can equal another's: each part's
/// samples are already unique (a merge's output) and the parts' samples
/// differ in their labels (a compared profile's base is labelled, its new
/// side is not). Locations and functions are unified as [`merge`] does;
/// samples are appended without looking for twins, which is most of the
/// cost of merging millions of them.
pub fn merge_disjoint(parts: Vec<Profile>) -> Result<Profile> {
    merge_with(parts, false)
}

/// A change applied to a profile's samples while merging it, so that no
/// copy of it is made: values scaled (as [`scale`], which drops the samples
/// whose scaled values are all zero) and a string label set (as
/// [`set_label`]).
#[derive(Clone, Debug, Default)]
pub struct Adjust {
    /// One ratio per sample type.
    pub ratios: Option<Vec<f64>>,
    /// Label key and value.
    pub label: Option<(String, String)>,
}

/// [`merge_disjoint`] of borrowed profiles, each with its adjustment.
pub fn merge_disjoint_refs(parts: &[(&Profile, &Adjust)]) -> Result<Profile> {
    let mut out = merge_refs(parts, false)?;
    drop_zero_samples(&mut out);
    Ok(out)
}

/// True when merging `p` alone would change nothing (see [`merge`]).
pub fn is_merged(p: &Profile) -> bool {
    is_canonical(p)
}

fn merge_with(mut parts: Vec<Profile>, dedupe: bool) -> Result<Profile> {
    if parts.len() == 1 && is_canonical(&parts[0]) {
        // Nothing to unify: merging would only copy. Keep pprof's effects:
        // duplicate comments collapse and all-zero samples go.
        let mut p = parts.pop().unwrap();
        let mut seen = std::collections::HashSet::new();
        p.comments.retain(|c| seen.insert(c.clone()));
        drop_zero_samples(&mut p);
        return Ok(p);
    }
    let none = Adjust::default();
    let refs: Vec<(&Profile, &Adjust)> = parts.iter().map(|p| (p, &none)).collect();
    let out = merge_refs(&refs, dedupe)?;
    drop(refs);
    drop(parts);
    let mut out = out;
    drop_zero_samples(&mut out);
    Ok(out)
}

fn merge_refs(parts: &[(&Profile, &Adjust)], dedupe: bool) -> Result<Profile> {
    let Some(&(first, _)) = parts.first() else {
        return Err(Error::new(ErrorKind::BadQuery, "no profiles to merge"));
    };
    for (p, _) in &parts[1..] {
        compatible(first, p)?;
    }
    let nt = first.sample_types.len();
    // Header, as pprof's combineHeaders.
    let mut time_nanos = 0i64;
    let mut duration_nanos = 0i64;
    let mut period = 0i64;
    let mut comments: Vec<String> = Vec::new();
    let mut default_sample_type = String::new();
    for &(p, _) in parts {
        if time_nanos == 0 || p.time_nanos < time_nanos {
            time_nanos = p.time_nanos;
        }
        duration_nanos = duration_nanos.wrapping_add(p.duration_nanos);
        if period == 0 || period < p.period {
            period = p.period;
        }
        for c in &p.comments {
            if !comments.contains(c) {
                comments.push(c.clone());
            }
        }
        if default_sample_type.is_empty() {
            default_sample_type = p.default_sample_type.clone();
        }
    }
    let total_samples: usize = parts.iter().map(|(p, _)| p.samples.len()).sum();
    let total_stack: usize = parts.iter().map(|(p, _)| p.samples.stack.len()).sum();
    // Merged location indices are below the sum of the parts' locations.
    let total_locations: usize = parts.iter().map(|(p, _)| p.locations.len()).sum();
    let out = Profile {
        strings: vec![String::new()],
        sample_types: first.sample_types.clone(),
        default_sample_type,
        period_type: first.period_type.clone(),
        period,
        time_nanos,
        duration_nanos,
        comments,
        drop_frames: first.drop_frames.clone(),
        keep_frames: first.keep_frames.clone(),
        mappings: Vec::new(),
        functions: Functions::default(),
        locations: Locations { frame_start: vec![0], ..Default::default() },
        frames: Frames::default(),
        samples: Samples {
            stack_start: Vec::with_capacity(total_samples + 1),
            stack: {
                let bits = crate::packed::bits_for(total_locations as u64);
                let mut s = crate::packed::Packed::with_capacity(total_stack, bits);
                s.repack(bits);
                s
            },
            values: Vec::with_capacity(total_samples * nt),
            label_start: Vec::with_capacity(total_samples + 1),
            labels: Labels::default(),
        },
    };
    let mut m = Merger {
        out,
        strings: HashMap::new(),
        functions: FxMap::default(),
        mappings: HashMap::new(),
        locations: FxMap::default(),
        sample_heads: FxMap::default(),
        sample_next: Vec::with_capacity(total_samples),
        sample_hash: Vec::with_capacity(total_samples),
    };
    m.strings.insert(String::new(), 0);
    m.out.samples.stack_start.push(0);
    m.out.samples.label_start.push(0);

    for &(p, adjust) in parts {
        merge_one(&mut m, p, dedupe, adjust);
    }
    Ok(m.out)
}

fn merge_one(m: &mut Merger, p: &Profile, dedupe: bool, adjust: &Adjust) {
    let nt = p.sample_types.len();
    // Strings.
    let smap: Vec<u32> = p.strings.iter().map(|s| m.intern(s)).collect();
    let label = adjust.label.as_ref().map(|(k, v)| (m.intern(k), m.intern(v)));
    let ratios = adjust.ratios.as_ref().filter(|r| r.iter().any(|&x| x != 1.0));
    let mut scaled = vec![0i64; nt];
    // Mappings: unified by size, offset, file and build id; addresses are
    // rebased on the first mapping seen with that key.
    let mut mmap: Vec<(u32, i64)> = Vec::with_capacity(p.mappings.len());
    // pprof takes the first mapping of each profile first (the main binary).
    let order: Vec<usize> = (0..p.mappings.len()).collect();
    for &i in &order {
        let mp = &p.mappings[i];
        let key = (mp.limit.wrapping_sub(mp.start), mp.offset, mp.file.clone(), mp.build_id.clone());
        let (idx, start) = *m.mappings.entry(key).or_insert_with(|| {
            m.out.mappings.push(mp.clone());
            ((m.out.mappings.len() - 1) as u32, mp.start)
        });
        mmap.push((idx, start.wrapping_sub(mp.start) as i64));
    }
    // Functions.
    let nf = p.functions.len();
    let mut fmap: Vec<u32> = Vec::with_capacity(nf);
    for f in 0..nf {
        let key = (
            smap[p.functions.name[f] as usize],
            smap[p.functions.system_name[f] as usize],
            smap[p.functions.filename[f] as usize],
            p.functions.start_line[f],
        );
        let fns = &mut m.out.functions;
        let idx = *m.functions.entry(key).or_insert_with(|| {
            fns.name.push(key.0);
            fns.system_name.push(key.1);
            fns.filename.push(key.2);
            fns.start_line.push(key.3);
            (fns.name.len() - 1) as u32
        });
        fmap.push(idx);
    }
    // Locations, unified by mapping, address and frames.
    let nl = p.locations.len();
    let mut lmap: Vec<u32> = Vec::with_capacity(nl);
    let mut key: Vec<u64> = Vec::new();
    for l in 0..nl {
        let (mi, off) = match p.locations.mapping[l] {
            NONE => (NONE, 0),
            x => mmap[x as usize],
        };
        let addr = (p.locations.address[l] as i64).wrapping_add(off) as u64;
        key.clear();
        key.push(mi as u64);
        key.push(addr);
        for fr in p.locations.frames(l) {
            key.push(fmap[p.frames.func[fr] as usize] as u64);
            key.push(p.frames.line[fr] as u64);
        }
        if let Some(&idx) = m.locations.get(key.as_slice()) {
            lmap.push(idx);
            continue;
        }
        let o = &mut m.out;
        let idx = o.locations.mapping.len() as u32;
        o.locations.mapping.push(mi);
        o.locations.address.push(addr);
        for fr in p.locations.frames(l) {
            o.frames.func.push(fmap[p.frames.func[fr] as usize]);
            o.frames.line.push(p.frames.line[fr]);
        }
        o.locations.frame_start.push(o.frames.func.len() as u32);
        m.locations.insert(key.clone().into_boxed_slice(), idx);
        lmap.push(idx);
    }
    // Samples: identical location lists and labels are summed.
    let mut lab: Vec<(u32, u32, i64, u32)> = Vec::new();
    for s in 0..p.samples.len() {
        let mut vals = &p.samples.values[s * nt..(s + 1) * nt];
        if let Some(r) = ratios {
            for ((o, &v), &x) in scaled.iter_mut().zip(vals).zip(r) {
                *o = if x != 1.0 { (v as f64 * x).round() as i64 } else { v };
            }
            // As `scale`: kept when a scaled value is nonzero.
            if !scaled.iter().zip(r).any(|(&v, &x)| x != 1.0 && v != 0) {
                continue;
            }
            vals = &scaled;
        }
        if vals.iter().all(|&v| v == 0) {
            continue;
        }
        let stack = p.samples.stack(s);
        lab.clear();
        for i in p.samples.label_range(s) {
            let l = &p.samples.labels;
            let key = smap[l.key[i] as usize];
            if matches!(label, Some((k, _)) if k == key && l.str[i] != 0) {
                continue; // replaced, as set_label does
            }
            lab.push((key, smap[l.str[i] as usize], l.num[i], smap[l.unit[i] as usize]));
        }
        if let Some((k, v)) = label {
            lab.push((k, v, 0, 0));
        }
        // Canonical label order: by key (string order), stable within a key.
        if lab.len() > 1 {
            let strs = &m.out.strings;
            lab.sort_by(|a, b| strs[a.0 as usize].cmp(&strs[b.0 as usize]));
        }
        if !dedupe {
            push_sample(&mut m.out, stack, &lmap, vals, &lab);
            continue;
        }
        // The length first: FxHash's state stays 0 on zeros from 0, so
        // without it [0, 0, 1] and [1] would hash alike.
        let mut h = FxHasher::default();
        h.write_usize(stack.len());
        for l in stack {
            h.write_u32(lmap[l as usize]);
        }
        h.write_u64(u64::MAX);
        for &(k, v, n, u) in &lab {
            h.write_u32(k);
            h.write_u32(v);
            h.write_u64(n as u64);
            h.write_u32(u);
        }
        let hash = h.finish();
        let o = &mut m.out;
        let mut cand = m.sample_heads.get(&hash).copied().unwrap_or(NONE);
        let mut found = NONE;
        while cand != NONE {
            let c = cand as usize;
            if m.sample_hash[c] == hash && same_sample(o, c, stack, &lmap, &lab) {
                found = cand;
                break;
            }
            cand = m.sample_next[c];
        }
        if found != NONE {
            let base = found as usize * nt;
            for (i, &v) in vals.iter().enumerate() {
                o.samples.values[base + i] = o.samples.values[base + i].wrapping_add(v);
            }
            continue;
        }
        let idx = push_sample(o, stack, &lmap, vals, &lab);
        let prev = m.sample_heads.insert(hash, idx).unwrap_or(NONE);
        m.sample_next.push(prev);
        m.sample_hash.push(hash);
    }
}

/// Appends a sample (locations mapped by `lmap`, labels already interned);
/// returns its index.
fn push_sample(
    o: &mut Profile,
    stack: crate::packed::Run,
    lmap: &[u32],
    vals: &[i64],
    lab: &[(u32, u32, i64, u32)],
) -> u32 {
    let idx = o.samples.len() as u32;
    o.samples.stack.extend(stack.iter().map(|l| lmap[l as usize]));
    o.samples.stack_start.push(o.samples.stack.len() as u32);
    o.samples.values.extend_from_slice(vals);
    let labels = &mut o.samples.labels;
    for &(k, v, n, u) in lab {
        labels.key.push(k);
        labels.str.push(v);
        labels.num.push(n);
        labels.unit.push(u);
    }
    o.samples.label_start.push(labels.key.len() as u32);
    idx
}

/// True when no two locations have the same content and no two samples the
/// same locations and labels, so a merge of this profile alone changes nothing.
fn is_canonical(p: &Profile) -> bool {
    // Strings by content (each its own when all differ).
    let scanon: Vec<u32> = if strings_unique(&p.strings) {
        (0..p.strings.len() as u32).collect()
    } else {
        let mut by_content: FxMap<&str, u32> = FxMap::default();
        p.strings.iter().enumerate().map(|(i, s)| *by_content.entry(s.as_str()).or_insert(i as u32)).collect()
    };
    // Functions by content: each its own when no two keys hash alike.
    let fkey = |f: usize| {
        (
            scanon[p.functions.name[f] as usize],
            scanon[p.functions.system_name[f] as usize],
            scanon[p.functions.filename[f] as usize],
            p.functions.start_line[f],
        )
    };
    let fhash = |f: usize| {
        let (a, b, c, d) = fkey(f);
        let mut h = MixHasher::default();
        h.write_u32(a);
        h.write_u32(b);
        h.write_u32(c);
        h.write_u64(d as u64);
        h.finish()
    };
    let fcanon: Vec<u32> = if hashes_unique(p.functions.len(), fhash) {
        (0..p.functions.len() as u32).collect()
    } else {
        let mut fkeys: FxMap<(u32, u32, u32, i64), u32> = FxMap::default();
        (0..p.functions.len()).map(|f| *fkeys.entry(fkey(f)).or_insert(f as u32)).collect()
    };
    // Mappings by content.
    let mut mkeys: HashMap<(u64, u64, &str, &str), u32> = HashMap::new();
    let mcanon: Vec<u32> = p
        .mappings
        .iter()
        .enumerate()
        .map(|(i, m)| *mkeys.entry((m.limit.wrapping_sub(m.start), m.offset, &m.file, &m.build_id)).or_insert(i as u32))
        .collect();
    // Locations by content: any duplicate (or two keys hashing alike) means
    // a real merge is needed; it decides exactly.
    let lhash = |l: usize| {
        let mut h = MixHasher::default();
        let frames = p.locations.frames(l);
        h.write_usize(frames.len());
        let m = p.locations.mapping[l];
        h.write_u64(if m == NONE { NONE as u64 } else { mcanon[m as usize] as u64 });
        h.write_u64(p.locations.address[l]);
        for fr in frames {
            h.write_u32(fcanon[p.frames.func[fr] as usize]);
            h.write_u64(p.frames.line[fr] as u64);
        }
        h.finish()
    };
    if !hashes_unique(p.locations.len(), lhash) {
        return false;
    }
    // Samples: hash, sort, compare neighbours.
    let l = &p.samples.labels;
    let sample_hash = |s: usize| {
        let mut h = MixHasher::default();
        h.write_usize(p.samples.stack(s).len());
        for loc in p.samples.stack(s) {
            h.write_u32(loc);
        }
        h.write_u64(u64::MAX);
        let mut lab: Vec<(u32, u32, i64, u32)> = p
            .samples
            .label_range(s)
            .map(|i| (scanon[l.key[i] as usize], scanon[l.str[i] as usize], l.num[i], scanon[l.unit[i] as usize]))
            .collect();
        lab.sort_unstable();
        for (k, v, n, u) in lab {
            h.write_u32(k);
            h.write_u32(v);
            h.write_u64(n as u64);
            h.write_u32(u);
        }
        h.finish()
    };
    // Natively, each half on its own core, sorted, then merged.
    let (a, b) = crate::par::halves(p.samples.len());
    let sorted = |r: std::ops::Range<usize>| {
        let mut h: Vec<u64> = r.map(sample_hash).collect();
        h.sort_unstable();
        h
    };
    let (a, b) = crate::par::both(|| sorted(a), || sorted(b));
    // Equal hashes are treated as duplicates (the full merge then decides exactly).
    !has_twin(&a, &b)
}

/// True when no two of `strings` are equal, found without a map: each
/// string's hash, sorted (each half on its own core), and no twin among
/// them. A twin of hashes says false, to be safe. A million distinct
/// function names are checked in a few milliseconds, where a map of them
/// misses the cache at every insert.
pub fn strings_unique(strings: &[String]) -> bool {
    hashes_unique(strings.len(), |i| {
        let mut h = MixHasher::default();
        h.write_usize(strings[i].len());
        h.write(strings[i].as_bytes());
        h.finish()
    })
}

/// True when `hash` of the items 0..n gives no two alike (sorted, each half
/// on its own core).
fn hashes_unique(n: usize, hash: impl Fn(usize) -> u64 + Sync) -> bool {
    let (a, b) = crate::par::halves(n);
    let sorted = |r: std::ops::Range<usize>| {
        let mut h: Vec<u64> = r.map(&hash).collect();
        h.sort_unstable();
        h
    };
    let (a, b) = crate::par::both(|| sorted(a), || sorted(b));
    !has_twin(&a, &b)
}

/// True when a value occurs twice in the two sorted lists together.
fn has_twin(a: &[u64], b: &[u64]) -> bool {
    if a.windows(2).any(|w| w[0] == w[1]) || b.windows(2).any(|w| w[0] == w[1]) {
        return true;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

fn same_sample(o: &Profile, c: usize, stack: crate::packed::Run, lmap: &[u32], lab: &[(u32, u32, i64, u32)]) -> bool {
    let cs = o.samples.stack(c);
    if cs.len() != stack.len() || cs.iter().zip(stack).any(|(a, b)| a != lmap[b as usize]) {
        return false;
    }
    let r = o.samples.label_range(c);
    if r.len() != lab.len() {
        return false;
    }
    let l = &o.samples.labels;
    r.zip(lab).all(|(i, &(k, v, n, u))| l.key[i] == k && l.str[i] == v && l.num[i] == n && l.unit[i] == u)
}

/// Removes samples whose values are all zero, keeping the order of the rest.
pub fn drop_zero_samples(p: &mut Profile) {
    let nt = p.sample_types.len();
    let n = p.samples.len();
    if (0..n).all(|s| p.samples.values[s * nt..(s + 1) * nt].iter().any(|&v| v != 0)) {
        return;
    }
    let keep: Vec<bool> = (0..n).map(|s| p.samples.values[s * nt..(s + 1) * nt].iter().any(|&v| v != 0)).collect();
    retain_samples(p, &keep);
}

/// Multiplies each value column by its ratio, rounding as pprof's `ScaleN`
/// does, and drops samples whose scaled values are all zero.
pub fn scale(p: &mut Profile, ratios: &[f64]) {
    if ratios.iter().all(|&r| r == 1.0) {
        return;
    }
    let nt = p.sample_types.len();
    for row in p.samples.values.chunks_mut(nt) {
        for (v, &r) in row.iter_mut().zip(ratios) {
            if r != 1.0 {
                *v = (*v as f64 * r).round() as i64;
            }
        }
    }
    // pprof keeps a sample when any *scaled* value is nonzero.
    let keep: Vec<bool> =
        p.samples.values.chunks(nt).map(|row| row.iter().zip(ratios).any(|(&v, &r)| r != 1.0 && v != 0)).collect();
    if keep.iter().all(|&k| k) {
        return;
    }
    retain_samples(p, &keep);
}

/// Keeps the samples whose `keep` entry is true, in order.
fn retain_samples(p: &mut Profile, keep: &[bool]) {
    let nt = p.sample_types.len();
    let old = std::mem::take(&mut p.samples);
    let mut new = Samples { stack_start: vec![0], label_start: vec![0], ..Default::default() };
    for (s, _) in keep.iter().enumerate().filter(|(_, &k)| k) {
        new.stack.extend(old.stack(s));
        new.stack_start.push(new.stack.len() as u32);
        new.values.extend_from_slice(&old.values[s * nt..(s + 1) * nt]);
        for i in old.label_range(s) {
            new.labels.key.push(old.labels.key[i]);
            new.labels.str.push(old.labels.str[i]);
            new.labels.num.push(old.labels.num[i]);
            new.labels.unit.push(old.labels.unit[i]);
        }
        new.label_start.push(new.labels.key.len() as u32);
    }
    p.samples = new;
}

/// Sets string label `key` to `value` on every sample, replacing any values
/// it had (pprof's `SetLabel`).
pub fn set_label(p: &mut Profile, key: &str, value: &str) {
    let k = match p.strings.iter().position(|s| s == key) {
        Some(i) => i as u32,
        None => {
            p.strings.push(key.to_string());
            (p.strings.len() - 1) as u32
        }
    };
    let v = match p.strings.iter().position(|s| s == value) {
        Some(i) if i != 0 => i as u32,
        _ => {
            p.strings.push(value.to_string());
            (p.strings.len() - 1) as u32
        }
    };
    let old = std::mem::take(&mut p.samples.labels);
    let starts = std::mem::take(&mut p.samples.label_start);
    let mut new = Labels::default();
    let mut new_starts = vec![0u32];
    for s in 0..starts.len().saturating_sub(1) {
        for i in starts[s] as usize..starts[s + 1] as usize {
            if old.key[i] == k && old.str[i] != 0 {
                continue;
            }
            new.key.push(old.key[i]);
            new.str.push(old.str[i]);
            new.num.push(old.num[i]);
            new.unit.push(old.unit[i]);
        }
        new.key.push(k);
        new.str.push(v);
        new.num.push(0);
        new.unit.push(0);
        new_starts.push(new.key.len() as u32);
    }
    p.samples.labels = new;
    p.samples.label_start = new_starts;
}

/// Returns the mapping of sample `s`'s label strings, for convenience in tests.
pub fn label_pairs(p: &Profile, s: usize) -> Vec<(String, String)> {
    p.samples
        .label_range(s)
        .map(|i| (p.str(p.samples.labels.key[i]).to_string(), p.str(p.samples.labels.str[i]).to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{has_twin, is_merged};
    use prost::Message;

    #[test]
    fn strings_are_unique_unless_two_are_equal() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(super::strings_unique(&v(&["", "a", "ab", "a\0", "b"])));
        assert!(!super::strings_unique(&v(&["", "a", "b", "a"])));
        let many: Vec<String> = (0..100_000).map(|i| format!("pkg.f{i}")).collect();
        assert!(super::strings_unique(&many));
        let mut twice = many.clone();
        twice.push("pkg.f5".into());
        assert!(!super::strings_unique(&twice));
    }

    #[test]
    fn twins_are_found_within_and_across_two_sorted_lists() {
        assert!(!has_twin(&[1, 3, 5], &[2, 4, 6]));
        assert!(has_twin(&[1, 3, 3], &[2]));
        assert!(has_twin(&[1], &[2, 2]));
        assert!(has_twin(&[1, 4, 9], &[2, 9]));
        assert!(!has_twin(&[], &[]));
    }

    /// Natively, a big profile's samples are checked in two halves: a
    /// sample repeated from the first half at the very end is still found.
    #[test]
    fn a_twin_across_the_halves_makes_a_profile_unmerged() {
        let mut m = crate::synth::generate(crate::synth::Spec { stacks: 50_000, functions: 800, seed: 5 });
        let load = |m: &crate::proto::ProfileMessage| {
            crate::load(&m.encode_to_vec(), &Default::default(), &Default::default()).unwrap()
        };
        assert!(is_merged(&load(&m)));
        m.sample.push(m.sample[0].clone());
        let p = load(&m);
        assert!(!is_merged(&p));
        assert_eq!(super::merge(vec![p]).unwrap().samples.len(), 50_000);
    }

    /// Stacks that differ by leading repeats of the first location (index
    /// 0) are distinct samples: a profile of them is merged as it is (their
    /// hashes once agreed, and every such profile was merged again, a
    /// quarter of the time `top` took on an ordinary service's profile).
    #[test]
    fn stacks_led_by_location_zero_are_not_twins() {
        let raw = crate::synth::folded_profile("x 1\ny;x;x 1\ny 1\ny;x 1\n", &[("samples", "count")]);
        let p = crate::load(&raw, &Default::default(), &Default::default()).unwrap();
        assert!(is_merged(&p));
    }
}
