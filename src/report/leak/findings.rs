//! What kind of leak a series shows, in plain words: for each top suspect
//! a finding (the pattern, one sentence, the evidence), read from the shape
//! of the data and from the runtime's and standard library's frames, never
//! from the names of the program's own functions.
//!
//! Heap series: a growing map or slice (object sizes that double at one
//! site, or the runtime's map and slice growth frames), unstopped tickers or
//! timers (`time.NewTicker` and friends whose objects keep rising), large
//! buffers kept alive (few, large objects, nearly all still held), memory
//! held by goroutines that keep starting, `defer` in a long loop (the
//! runtime's defer frames), and steady churn, said not to be a leak.
//! Goroutine series: stacks whose count only grows, blocked in one place.

use super::types::{Finding, Pattern, Series, Site, StackRow};
use crate::aggregate::graph::INLINED;
use crate::aggregate::Prepared;
use std::collections::{BTreeMap, BTreeSet};

/// Sites of one heap snapshot, by function name: each sample goes to the
/// function the series charges (`target` of its stack).
pub fn heap_sites(pr: &Prepared, names: &[String], target: &dyn Fn(&[u32]) -> Option<usize>) -> BTreeMap<String, Site> {
    let p = &pr.profile;
    let col = |t: &str| p.sample_types.iter().position(|x| x.ty == t);
    let (io, is, ao, asp) = (col("inuse_objects"), col("inuse_space"), col("alloc_objects"), col("alloc_space"));
    let bytes_key = p.strings.iter().position(|s| s == "bytes").map(|i| i as u32);
    let mut out: BTreeMap<String, Site> = BTreeMap::new();
    let mut buf = Vec::new();
    for (k, &s) in pr.stacks.samples.iter().enumerate() {
        let s = s as usize;
        buf.clear();
        buf.extend(pr.stacks.stack(p, k));
        let st = &buf[..];
        let Some(t) = target(st) else { continue };
        let site = out.entry(names[t].clone()).or_insert_with(|| Site { goroutine_root: true, ..Default::default() });
        let v = |c: Option<usize>| c.map_or(0, |c| p.value(s, c));
        site.objects += v(io);
        site.space += v(is);
        site.alloc_objects += v(ao);
        site.alloc_space += v(asp);
        let node = |r: u32| (r & !INLINED) as usize;
        if let Some(b) = bytes_key {
            let l = &p.samples.labels;
            if let Some(i) = p.samples.label_range(s).find(|&i| l.key[i] == b && l.str[i] == 0) {
                let e = site.sizes.entry(l.num[i]).or_default();
                e.0 += if asp.is_some() { v(asp) } else { v(is) };
                e.1 += v(is);
                if st.last().is_some_and(|&r| node(r) == t) {
                    *site.flat_sizes.entry(l.num[i]).or_default() += v(io);
                }
            }
        }
        if let Some(at) = st.iter().rposition(|&r| node(r) == t) {
            if st[at + 1..].iter().any(|&r| TIMERS.iter().any(|p| names[node(r)].starts_with(p))) {
                site.timer_objects += v(io);
            }
            site.below.extend(st[at + 1..].iter().map(|&r| names[node(r)].clone()));
            if at > 0 {
                site.above.insert(names[node(st[at - 1])].clone());
            }
        }
        let root = st.first().map(|&r| names[node(r)].as_str()).unwrap_or("");
        if site.roots.len() < 16 && !site.roots.contains(root) {
            site.roots.insert(root.to_string());
        }
        if root == "runtime.main" || root == "main.main" || root.is_empty() {
            site.goroutine_root = false;
        }
    }
    out
}

/// The standard library's timer and ticker constructors.
const TIMERS: [&str; 5] = ["time.NewTicker", "time.Tick", "time.AfterFunc", "time.NewTimer", "time.startTimer"];

fn any_frame(site: &Site, prefixes: &[&str]) -> Option<String> {
    site.below.iter().find(|f| prefixes.iter().any(|p| f.starts_with(p))).cloned()
}

/// Storage that doubled at one site during the series: three or more object
/// sizes, each 1.2 to 2.5 times the one before, some allocated between the
/// first and the last snapshot, the largest still held and the others mostly freed
/// (map bucket arrays and growing slices: each growth frees the storage
/// before it), and the storage held at the end larger than at the start. A
/// builder that doubles its buffer on every call and keeps each final one
/// (a `strings.Builder`) holds the same sizes at the start: that is no
/// growth of one structure. Needs the allocation columns: a profile of
/// in-use values alone cannot tell replaced storage from kept objects.
fn doubling(first: &Site, last: &Site) -> Option<Vec<i64>> {
    let get = |site: &Site, s: i64| site.sizes.get(&s).copied().unwrap_or_default();
    let sizes: Vec<i64> = last.sizes.iter().filter(|(&s, v)| s > 0 && v.0 > 0).map(|(&s, _)| s).collect();
    let freed = |s: i64| get(last, s).1 * 2 <= get(last, s).0;
    let mut best: Vec<i64> = Vec::new();
    let mut run: Vec<i64> = Vec::new();
    for &s in &sizes {
        match run.last() {
            Some(&prev) if (s as f64 / prev as f64) >= 1.2 && (s as f64 / prev as f64) <= 2.5 && freed(prev) => {
                run.push(s)
            }
            _ => run = vec![s],
        }
        if run.len() > best.len() {
            best = run.clone();
        }
    }
    let top = *best.last()?;
    // Storage worth the name: a small struct's size classes (24, 48, 96
    // bytes) double too.
    if top < 4096 {
        return None;
    }
    let held_before = first.sizes.iter().filter(|(_, v)| v.1 > 0).map(|(&s, _)| s).max().unwrap_or(0);
    let grew_now = best.iter().any(|&s| get(last, s).0 > get(first, s).0);
    (best.len() >= 3 && get(last, top).1 > 0 && top > held_before && grew_now).then_some(best)
}

/// The runtime's defer record size: 80 bytes in Go 1.13 to 1.21, 48 from
/// Go 1.22 (a profile does not say which Go wrote it).
const DEFER_RECORD_SIZES: [i64; 2] = [80, 48];

/// Defer records at a site: in-use objects of a defer record's size
/// allocated by the function itself that rise by at least 100, and beside
/// them another size of objects the function allocates itself rising by
/// about as many (0.8 to 1.25 times): the deferred closure each record
/// holds. A size alone is never enough: 48 and 80 bytes are the size class
/// of half of Go's small structs. Returns (size, first count, last count,
/// the closure's size).
fn defer_records(first: &Site, last: &Site) -> Option<(i64, i64, i64, i64)> {
    let rise = |s: i64| last.flat_sizes.get(&s).copied().unwrap_or(0) - first.flat_sizes.get(&s).copied().unwrap_or(0);
    DEFER_RECORD_SIZES.into_iter().find_map(|size| {
        let d = rise(size);
        if d < 100 {
            return None;
        }
        let closure = last.flat_sizes.keys().copied().filter(|&s| s != size && s <= 64).find(|&s| {
            let r = rise(s);
            r * 5 >= d * 4 && r * 4 <= d * 5
        })?;
        Some((size, first.flat_sizes.get(&size).copied().unwrap_or(0), last.flat_sizes[&size], closure))
    })
}

/// Map or slice growth at a site: the runtime's growth frames below it, or
/// object sizes that doubled during the series.
fn grows(first: &Site, last: &Site) -> Option<Vec<String>> {
    let frame = any_frame(
        last,
        &["runtime.mapassign", "runtime.hashGrow", "runtime.growWork", "runtime.makeBucketArray", "runtime.growslice"],
    );
    let sizes = doubling(first, last);
    if frame.is_none() && sizes.is_none() {
        return None;
    }
    let label = |v: i64| crate::units::label(v, "bytes");
    let mut ev = Vec::new();
    if let Some(g) = frame {
        ev.push(format!("allocated below it: {g}"));
    }
    if let Some(d) = sizes {
        ev.push(format!("object sizes double: {}", d.iter().map(|&x| label(x)).collect::<Vec<_>>().join(", ")));
    }
    Some(ev)
}

/// Large objects a site keeps: sizes of at least 16 kB and eight times
/// what the rest of the profile holds per object, whose in-use count rose
/// over the series, which kept at least a fifth of what was allocated at
/// those sizes (a builder's smaller, freed buffers do not count; churn keeps
/// none) and hold at least half of the site's growth. Returns (bytes per
/// object, share kept).
fn large_kept(first: &Site, last: &Site, average_object: f64) -> Option<(i64, f64)> {
    let get = |site: &Site, s: i64| site.sizes.get(&s).copied().unwrap_or_default();
    let big: Vec<i64> = last
        .sizes
        .keys()
        .copied()
        .filter(|&s| s >= 16384 && s as f64 >= 8.0 * average_object && get(last, s).1 > get(first, s).1)
        .collect();
    let (mut allocated, mut kept, mut objects) = (0i64, 0i64, 0i64);
    for &s in &big {
        let (a, b) = (get(first, s), get(last, s));
        allocated += (b.0 - a.0).max(0);
        kept += (b.1 - a.1).max(0);
        objects += (b.1 - a.1).max(0) / s;
    }
    if objects == 0 || allocated == 0 || kept * 5 < allocated || kept * 2 < last.space - first.space {
        return None;
    }
    Some((kept / objects, kept as f64 / allocated as f64))
}

/// The findings of a heap series: `first` and `last` are the sites of the
/// first and last snapshot; `in_use` the last snapshot's in-use (bytes,
/// objects) over the whole profile. Runtime functions get no finding of
/// their own: the goroutine records of `runtime.malg` rising through the
/// series are the evidence that goroutines pile up.
pub fn heap_findings(
    s: &Series,
    first: &BTreeMap<String, Site>,
    last: &BTreeMap<String, Site>,
    in_use: (i64, i64),
    limit: usize,
) -> Vec<Finding> {
    let label = |v: i64| crate::units::label(v, "bytes");
    let per_step = |a: i64, b: i64| {
        let steps = (s.files.len() - 1).max(1) as i64;
        b.wrapping_sub(a) / steps
    };
    let total = s.totals[s.totals.len() - 1];
    // Goroutines piling up: the runtime's goroutine records rise at every snapshot.
    let goroutines_rise =
        s.rows.iter().find(|r| r.name == "runtime.malg").filter(|r| r.growth > 0 && r.consistency >= 0.99);
    // (bytes, objects) in use at each site whose objects average under 16 kB.
    let small: BTreeMap<&String, (i64, i64)> = last
        .iter()
        .filter(|(_, x)| x.objects > 0 && x.space < 16384 * x.objects)
        .map(|(n, x)| (n, (x.space, x.objects)))
        .collect();
    let _ = in_use;
    let mut out = Vec::new();
    for r in s.suspects(limit).filter(|r| !r.name.starts_with("runtime.")) {
        let (Some(l), f) = (last.get(&r.name), first.get(&r.name)) else { continue };
        let f0 = f.cloned().unwrap_or_default();
        let objects_rise = l.objects > f0.objects;
        // Growth that matters: 1% of the total and 64 kB.
        let grew = l.space - f0.space;
        let matters = grew * 100 >= total && grew >= 65536;
        let mut ev = vec![format!("in use: {} → {} over {} snapshots", label(f0.space), label(l.space), s.files.len())];
        if l.objects > 0 {
            ev.push(format!(
                "objects: {} → {} (+{} per snapshot)",
                f0.objects,
                l.objects,
                per_step(f0.objects, l.objects)
            ));
        }
        let finding = |pattern, sentence: String, ev: Vec<String>, certain| Finding {
            name: r.name.clone(),
            pattern,
            sentence,
            evidence: ev,
            certain,
            roots: l.roots.iter().cloned().collect(),
            stack: Vec::new(),
        };
        if let Some(t) = any_frame(l, &TIMERS) {
            // Timers pile up: at least 100 more objects below the timer
            // constructors, the site's memory rising at every snapshot but
            // one (a few timers in flight come and go).
            let rising_steps = r.own.windows(2).filter(|w| w[1] > w[0]).count();
            if l.timer_objects - f0.timer_objects >= 100 && rising_steps + 1 >= r.own.len() - 1 {
                ev.push(format!("allocated below it: {t}"));
                let rise = per_step(f0.objects, l.objects);
                let sentence = if l.below.contains("time.NewTicker") || l.below.contains("time.Tick") {
                    format!("{} creates tickers that are never stopped: their objects keep rising (+{rise} per snapshot), and each ticks on forever. Call Stop on each (defer t.Stop()) or reuse one.", r.name)
                } else if l.below.contains("time.AfterFunc") {
                    format!("{} schedules timers (time.AfterFunc) that stay until they fire: their objects keep rising (+{rise} per snapshot). Stop the ones no longer needed, or schedule less far ahead.", r.name)
                } else {
                    format!("{} makes timers that stay until they fire: their objects keep rising (+{rise} per snapshot). A time.After in a loop makes one per turn; use one time.NewTimer and Reset it, or Stop each. From Go 1.23 (go 1.23 or later in go.mod) timers nobody references are collected, and this is no leak.", r.name)
                };
                out.push(finding(Pattern::Tickers, sentence, ev, true));
                continue;
            }
        }
        if let Some(d) = any_frame(l, &["runtime.deferproc", "runtime.newdefer"]) {
            ev.push(format!("allocated below it: {d}"));
            out.push(finding(
                Pattern::DeferInLoop,
                format!("{} allocates in the runtime's defer machinery and keeps it: a defer inside a long loop runs only when the function returns. Move the loop body into its own function.", r.name),
                ev,
                true,
            ));
            continue;
        }
        if let Some(gev) = grows(&f0, l) {
            ev.extend(gev);
            out.push(finding(Pattern::GrowingMap, format!("{} keeps growing a map or slice: its retained bytes rise through growth that doubles the backing storage, and nothing removes entries. Bound it (an LRU, a size limit) or delete what is no longer needed.", r.name), ev, true));
            continue;
        }
        // Go's heap profiles hide the runtime's frames: defer records show
        // as objects of their size allocated by the function itself, each
        // with its deferred closure.
        if let Some((size, a, b, closure)) = defer_records(&f0, l).filter(|_| matters) {
            ev.push(format!(
                "objects of {size} B (the size of the runtime's defer record, Go {}) allocated in {} itself: {a} → {b}, each with one of {closure} B (the deferred call)",
                if size == 80 { "1.13 to 1.21" } else { "1.22 and later" },
                r.name
            ));
            out.push(finding(
                Pattern::DeferInLoop,
                format!("{} keeps allocating pairs of objects the size of the runtime's defer record and of a deferred call, and keeps them: a defer inside a long loop runs only when the function returns. Move the loop body into its own function.", r.name),
                ev,
                l.goroutine_root && l.above.is_empty(),
            ));
            continue;
        }
        let avg = if l.objects > 0 { l.space as f64 / l.objects as f64 } else { 0.0 };
        let goroutine_memory = |ev: &mut Vec<String>, g: &super::types::SeriesRow| {
            ev.push("every stack starts at the goroutine's own function (started with go), not at main".into());
            ev.push(format!(
                "the runtime's goroutine records (runtime.malg) rise at every snapshot: {}",
                g.own.iter().map(|&v| label(v)).collect::<Vec<_>>().join(" ")
            ));
            if avg > 0.0 {
                ev.push(format!("{} per object", label(avg as i64)));
            }
            finding(
                Pattern::GoroutineMemory,
                format!("{} runs in goroutines that keep starting while the number of goroutines keeps rising, and what they allocate stays: if those goroutines never exit, this is a goroutine leak (open goroutine profiles of the same times to see where they block).", r.name),
                std::mem::take(ev),
                false,
            )
        };
        let rising_goroutines = goroutines_rise.filter(|_| l.goroutine_root && objects_rise && matters);
        // What the rest of the profile holds per object (sites of large
        // objects left out: two pinning sites must not hide each other).
        let (rest_space, rest_objects) =
            small.iter().filter(|(n, _)| ***n != r.name).fold((0, 0), |a, (_, x)| (a.0 + x.0, a.1 + x.1));
        let average_object = if rest_objects > 0 { rest_space as f64 / rest_objects as f64 } else { 0.0 };
        // The goroutine's own function (nothing above it) holding more as
        // goroutines pile up: what the leaked goroutines hold, large or not.
        let entry_of_rising = rising_goroutines.is_some() && l.above.is_empty();
        let steady = r.consistency >= 0.9;
        if let Some((avg, kept)) = large_kept(&f0, l, average_object).filter(|_| matters && steady && !entry_of_rising)
        {
            ev.push(format!(
                "{} per object, against {} in the rest of the profile",
                label(avg),
                label(average_object as i64)
            ));
            ev.push(format!("kept: {:.0}% of what it allocated at those sizes", kept * 100.0));
            out.push(finding(
                Pattern::PinnedBuffers,
                format!("{} keeps large objects alive ({} each), and more at every snapshot: a small sub-slice or substring of a buffer pins all of it. Copy what is kept (bytes.Clone, strings.Clone) so the big buffer can be freed; if a cache keeps them whole, bound it.", r.name, label(avg)),
                ev,
                avg >= 32768 && kept >= 0.95,
            ));
            continue;
        }
        // A map or slice that grows next to it: under the same caller, or
        // in a function it calls (the cache that keeps what it allocates).
        let near = |site: &Site| {
            (!site.above.is_disjoint(&l.above) || site.above.contains(&r.name)) && objects_rise && matters
        };
        let beside = last
            .iter()
            .filter(|(n, x)| **n != r.name && !n.starts_with("runtime.") && near(x))
            .find_map(|(n, x)| grows(first.get(n).unwrap_or(&Site::default()), x).map(|e| (e, n.clone())));
        if let Some((gev, b)) = beside {
            ev.push(format!(
                "the map grows in {b}, called from {}",
                last[&b].above.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
            ev.extend(gev);
            out.push(finding(Pattern::GrowingMap, format!("{} allocates what a growing map or cache keeps: its objects rise (+{} per snapshot) while {b} grows its storage. Nothing evicts: bound the cache or delete entries.", r.name, per_step(f0.objects, l.objects)), ev, false));
            continue;
        }
        if let Some(g) = rising_goroutines {
            out.push(goroutine_memory(&mut ev, g));
        }
    }
    // Churn: the biggest allocators that keep (almost) nothing, and have no
    // finding of their own.
    let allocated = |name: &String, site: &Site| site.alloc_space - first.get(name).map_or(0, |x| x.alloc_space);
    let total: i64 = last.iter().map(|(n, x)| allocated(n, x).max(0)).sum();
    let found: BTreeSet<String> = out.iter().map(|f| f.name.clone()).collect();
    let mut churn: Vec<(&String, &Site, i64)> = last
        .iter()
        .map(|(n, x)| (n, x, allocated(n, x)))
        .filter(|(name, site, a)| {
            let kept = site.space.saturating_sub(first.get(*name).map_or(0, |x| x.space));
            *a > 0 && *a * 100 >= total && kept * 20 < *a && !found.contains(*name)
        })
        .collect();
    churn.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    for (name, site, a) in churn.into_iter().take(5) {
        let f = first.get(name).cloned().unwrap_or_default();
        out.push(Finding {
            name: name.clone(),
            pattern: Pattern::Churn,
            sentence: format!("{name} allocates a lot ({} over the series) and keeps almost none of it: steady churn costs GC time but does not leak. Not a suspect.", label(a)),
            evidence: vec![
                format!("allocated: {} → {}", label(f.alloc_space), label(site.alloc_space)),
                format!("in use: {} → {}", label(f.space), label(site.space)),
            ],
            certain: true,
            roots: site.roots.iter().cloned().collect(),
            stack: Vec::new(),
        });
    }
    out
}

/// A wait in words, and what ends it: (words, advice), from the wait's name
/// as [`crate::frames::blocked_on`] gives it.
fn wait_words(reason: &str) -> (&'static str, &'static str) {
    match reason {
        "chan send" => ("sending on a channel", "Give the channel room for the one value (make(chan T, 1)) or select on the caller's context so the send can give up."),
        "chan receive" => ("receiving from a channel", "Close the channel when its sender is done, or select on a context that ends the wait."),
        "select" => ("in a select with no case ready", "Add a case that ends the wait (ctx.Done(), a closed quit channel)."),
        "sync.Mutex.Lock" | "sync.RWMutex.Lock" | "sync.RWMutex.RLock" | "mutex" => ("waiting for a mutex that is never unlocked", "Unlock on every path (defer mu.Unlock() right after Lock)."),
        "sync.WaitGroup.Wait" => ("waiting on a WaitGroup that never reaches zero", "Match every Add with a Done on every path."),
        "sync.Cond.Wait" => ("waiting on a condition variable nobody signals", "Signal or Broadcast when the condition changes, and give waiters a way out."),
        "IO wait" => ("waiting for network or file I/O", "Set deadlines on the connection, or close it when its user is gone."),
        "sleep" => ("sleeping", "Stop the loop when its work is done."),
        _ => ("blocked", "Something must close the channel, cancel the context or release the lock they wait for."),
    }
}

/// The findings of a goroutine series: stacks whose count only grows.
pub fn goroutine_findings(s: &Series, stacks: &[StackRow], limit: usize) -> Vec<Finding> {
    let steps = (s.files.len() - 1).max(1) as i64;
    stacks
        .iter()
        .filter(|r| r.only_grows)
        .take(limit)
        .map(|r| {
            let (a, b) = (r.counts[0], r.counts[r.counts.len() - 1]);
            let f = r.function();
            let (words, advice) = wait_words(&r.blocked_on);
            let at = if r.line().is_empty() { String::new() } else { format!(" ({})", r.line()) };
            let starter = r.starter();
            let entry = r.frames.last().cloned().unwrap_or_default();
            let started = if !r.created_by.is_empty() {
                format!("created by {}", r.created_by)
            } else if starter != entry {
                format!("started in {starter}")
            } else {
                format!("started with go {entry}")
            };
            Finding {
                name: f.clone(),
                pattern: Pattern::GoroutineLeak,
                sentence: format!(
                    "Goroutines pile up {words} ({}) in {f}{at}, {started}: {a} → {b}, +{} per snapshot, and none ends. {advice}",
                    r.blocked_on,
                    b.wrapping_sub(a) / steps
                ),
                evidence: vec![
                    format!("count per snapshot: {}", r.counts.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" ")),
                    format!("waits: {words} ({}) in {f}{at}", r.blocked_on),
                    format!("{started} (the goroutine runs {entry})"),
                    format!("stack: {}", r.frames.join(" ← ")),
                ],
                certain: true,
                roots: Vec::new(),
                stack: r.frames.clone(),
            }
        })
        .collect()
}
