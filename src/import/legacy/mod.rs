//! Go's `?debug=1` text profiles: heap and allocs (`heap profile: …`),
//! mutex and block (`--- mutex:` / `--- contention:`) and count profiles
//! such as threadcreate (`threadcreate profile: total N`). Values, sample
//! types, periods and pprof's scaling are those of pprof's legacy parsers
//! (`profile/legacy_profile.go`); unlike pprof, which names every frame
//! `<unknown>` without the binary, the frames take the names, files and
//! lines the text prints in its `#` lines (and the addresses it names no
//! frame for, which Go left out of its listing, are left out of the stack).

mod cpu;
mod java;
mod maps;

use super::builder::Importer;
use crate::error::{Error, ErrorKind, Result};
use crate::proto::{self, Label, Line, Location, Mapping};
use std::collections::HashMap;

/// pprof's `allocRxStr`: allocator frames a heap profile drops.
pub(crate) const ALLOC_RX: &str = r"calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|tc_valloc|tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|tc_new_nothrow|tc_newarray_nothrow|malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|malloc_zone_realloc|malloc_zone_memalign|malloc_zone_free|runtime\..*|BaseArena::.*|(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|DoSampledAllocation|MallocedMemBlock::MallocedMemBlock|_M_allocate|__builtin_(vec_)?delete|__builtin_(vec_)?new|__gnu_cxx::new_allocator::allocate|__libc_malloc|__malloc_alloc_template::allocate|allocate|cpp_alloc|operator new(\[\])?|simple_alloc::allocate";
/// pprof's `allocSkipRxStr`: runtime frames a heap profile keeps.
pub(crate) const ALLOC_SKIP_RX: &str = r"runtime\.panic|runtime\.reflectcall|runtime\.call[0-9]*";
/// pprof's `lockRxStr`: lock frames a contention profile drops.
pub(crate) const LOCK_RX: &str = r"RecordLockProfileData|(base::)?RecordLockProfileData.*|(base::)?SubmitMutexProfileData.*|(base::)?SubmitSpinLockProfileData.*|(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|(base::Mutex::)?UnlockSlow.*|(base::Mutex::)?ReaderUnlock.*|(base::MutexLock::)?~MutexLock.*|(Mutex::)?AwaitCommon.*|(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|(Mutex::)?ReaderUnlock.*|(MutexLock::)?~MutexLock.*|(SpinLock::)?Unlock.*|(SpinLock::)?SlowUnlock.*|(SpinLockHolder::)?~SpinLockHolder.*";
/// pprof's `cpuProfilerRxStr`: profiler frames other profiles drop.
pub(crate) const CPU_PROFILER_RX: &str =
    r"ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore";

/// The kinds of text profile this module reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Heap,
    Contention,
    Count,
    Java,
    Thread,
}

/// The first line that is neither blank nor a comment.
fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("")
}

fn kind_of(first: &str) -> Option<Kind> {
    if is_threadz_header(first) || thread_start(first).is_some() {
        return Some(Kind::Thread);
    }
    if java::is_java_header(first) && first.contains("heapz") {
        return Some(Kind::Java);
    }
    if first.starts_with("heap profile:") {
        return Some(Kind::Heap);
    }
    // (`first` is trimmed: pprof's "--- contentionz " may end the line.)
    let contentionz = first == "--- contentionz" || first.starts_with("--- contentionz ");
    if contentionz || ["--- mutex:", "--- contention:"].iter().any(|p| first.starts_with(p)) {
        return Some(Kind::Contention);
    }
    let (name, total) = first.split_once(" profile: total ")?;
    (!name.is_empty() && !name.contains(char::is_whitespace) && total.bytes().all(|b| b.is_ascii_digit()))
        .then_some(Kind::Count)
}

/// True when `data` starts like a legacy binary CPU profile.
pub fn looks_like_cpu_profile(data: &[u8]) -> bool {
    cpu::looks_like(data)
}

/// Reads a legacy binary CPU profile.
pub fn parse_cpu(data: &[u8]) -> Result<proto::Profile> {
    cpu::parse(data)
}

/// True when `data` starts like one of the text profiles read here.
pub fn looks_like_text_profile(data: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&data[..data.len().min(4096)]);
    kind_of(first_line(&head)).is_some()
}

fn malformed(line: &str, why: &str) -> Error {
    let shown: String = line.chars().take(80).collect();
    Error::new(ErrorKind::Invalid, format!("not a readable Go text profile: {why} in line \"{shown}\""))
}

/// The frames each address's `#` lines name, innermost first, keyed by the
/// address the text prints (the return address minus one, as pprof adjusts).
fn symbols(text: &str) -> HashMap<u64, Vec<(String, String, i64)>> {
    let mut out: HashMap<u64, Vec<(String, String, i64)>> = HashMap::new();
    // An address's frames are taken from the first block that names them.
    let mut block: HashMap<u64, Vec<(String, String, i64)>> = HashMap::new();
    let mut flush = |block: &mut HashMap<u64, Vec<(String, String, i64)>>| {
        for (a, f) in block.drain() {
            out.entry(a).or_insert(f);
        }
    };
    for line in text.lines() {
        let Some(rest) = line.strip_prefix('#') else {
            flush(&mut block);
            continue;
        };
        let fields: Vec<&str> = rest.split('\t').map(str::trim).filter(|f| !f.is_empty()).collect();
        let [addr, func, place, ..] = fields[..] else { continue };
        let Some(addr) = addr.strip_prefix("0x").and_then(|a| u64::from_str_radix(a, 16).ok()) else { continue };
        let func = func.rfind("+0x").map_or(func, |i| &func[..i]);
        let (file, line) = match place.rsplit_once(':') {
            Some((f, l)) => (f, l.parse().unwrap_or(0)),
            None => (place, 0),
        };
        block.entry(addr).or_default().push((func.to_string(), file.to_string(), line));
    }
    flush(&mut block);
    out
}

/// Builds the profile's locations: one per address (pprof's), each with
/// the frames the text names for it.
struct Builder {
    im: Importer,
    symbols: HashMap<u64, Vec<(String, String, i64)>>,
    locations: HashMap<u64, u64>,
    s: proto::SampleColumns,
    /// The profile's memory map, when it has one.
    maps: Vec<maps::MapEntry>,
}

impl Builder {
    fn new(text: &str) -> Builder {
        let mut im = Importer::default();
        im.str("");
        let s = proto::SampleColumns::started();
        Builder { im, symbols: symbols(text), locations: HashMap::new(), s, maps: Vec::new() }
    }

    fn types(&mut self, types: &[(&str, &str)], period: (&str, &str), p: i64) {
        self.im.types(types, period, p);
    }

    /// Reads the memory map section, if `lines` reach one.
    fn read_maps<'a>(&mut self, lines: &mut impl Iterator<Item = &'a str>) {
        if lines.any(maps::is_sentinel) {
            self.maps = maps::parse(lines);
        }
    }

    /// One sample: values, and the return addresses of its stack, leaf
    /// first, each adjusted by −1 to land on its call.
    /// Where the text names frames, an address it does not name is one Go
    /// chose not to print (`runtime.goexit` at the root, the runtime's own
    /// frames at the leaf): it is left out, so that the stack is the one the
    /// text shows (and pprof's frame pruning sees the program's frames).
    fn sample(&mut self, values: &[i64], addrs: &[u64], bytes_label: Option<i64>) {
        self.sample_adjusted(values, addrs, bytes_label, Adjust::All);
    }

    fn sample_adjusted(&mut self, values: &[i64], addrs: &[u64], bytes_label: Option<i64>, adjust: Adjust) {
        for &a in addrs {
            // pprof: "Adjust by -1 to land somewhere on the actual call."
            let addr = match adjust {
                Adjust::All => a.wrapping_sub(1),
                Adjust::None => a,
            };
            if !self.symbols.is_empty() && !self.symbols.contains_key(&addr) {
                continue;
            }
            let next = self.im.h.location.len() as u64 + 1;
            let id = *self.locations.entry(addr).or_insert(next);
            if id == next {
                let frames = self.symbols.get(&addr).cloned().unwrap_or_default();
                let line = frames
                    .iter()
                    .map(|(f, file, l)| Line { function_id: self.im.function(f, file), line: *l })
                    .collect();
                self.im.h.location.push(Location { id, mapping_id: 0, address: addr, line, is_folded: false });
            }
            self.s.location_ids.push(id);
        }
        self.s.values.extend_from_slice(values);
        if let Some(b) = bytes_label {
            let key = self.im.str("bytes");
            self.s.labels.push(&Label { key, num: b, ..Default::default() });
        }
        self.s.end_sample();
    }

    fn finish(mut self, drop: &str, keep: &str) -> proto::Profile {
        // Each address's mapping from the memory map; without one, pprof's
        // mapping covering every address.
        let addrs: Vec<u64> = self.im.h.location.iter().map(|l| l.address).collect();
        let (maps, at) = maps::assign(std::mem::take(&mut self.maps), &addrs);
        for (l, m) in self.im.h.location.iter_mut().zip(at) {
            l.mapping_id = m.map_or(0, |i| i as u64 + 1);
        }
        for (i, m) in maps.iter().enumerate() {
            let (filename, build_id) = (self.im.str(&m.file), self.im.str(&m.build_id));
            self.im.h.mapping.push(Mapping {
                id: i as u64 + 1,
                memory_start: m.start,
                memory_limit: m.limit,
                file_offset: m.offset,
                filename,
                build_id,
                ..Default::default()
            });
        }
        self.im.h.drop_frames = self.im.str(drop);
        self.im.h.keep_frames = if keep.is_empty() { 0 } else { self.im.str(keep) };
        if !self.symbols.is_empty() {
            let c = self.im.str("converted from a Go text profile (?debug=1): frames named from its # lines");
            self.im.h.comment.push(c);
        }
        proto::Profile { header: self.im.h, samples: self.s }
    }
}

/// The sample lines of a text profile, up to a `---` line or the memory
/// map (which the builder reads), comments and blank lines left out.
fn sample_lines<'a>(b: &mut Builder, lines: &mut impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out = Vec::new();
    while let Some(line) = lines.next() {
        if maps::is_sentinel(line) {
            b.maps = maps::parse(lines);
            break;
        }
        if line.starts_with("---") {
            b.read_maps(lines);
            break;
        }
        if !line.is_empty() && !line.starts_with('#') {
            out.push(line);
        }
    }
    out
}

/// Which return addresses are moved back onto their call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Adjust {
    All,
    /// None (the caller adjusted them).
    None,
}

/// The addresses after `@` (pprof's `parseHexAddresses`).
fn addresses(s: &str, line: &str) -> Result<Vec<u64>> {
    s.split_whitespace()
        .map(|a| {
            a.strip_prefix("0x")
                .and_then(|h| u64::from_str_radix(h, 16).ok())
                .ok_or_else(|| malformed(line, &format!("\"{a}\" is not a hex address")))
        })
        .collect()
}

/// Reads a Go text profile; `None` when the text is none of those read here.
pub fn parse(text: &str) -> Option<Result<proto::Profile>> {
    let kind = kind_of(first_line(text))?;
    Some(match kind {
        Kind::Heap => heap(text),
        Kind::Contention => contention(text),
        Kind::Count => count(text),
        Kind::Java => java::parse_text(text),
        Kind::Thread => thread(text),
    })
}

/// pprof's `scaleHeapSample`: a sampled heap's values unsampled, by the
/// probability 1 − exp(−size/rate) that an object of the average size was sampled.
fn scale_heap(count: i64, size: i64, rate: i64) -> (i64, i64) {
    if count == 0 || size == 0 {
        return (0, 0);
    }
    if rate <= 1 {
        return (count, size);
    }
    let avg = size as f64 / count as f64;
    let scale = 1.0 / (1.0 - (-avg / rate as f64).exp());
    ((count as f64 * scale) as i64, (size as f64 * scale) as i64)
}

/// Numbers of a `N: M [A: B] @ …` line, or of the header's `N: M [A: B]`.
fn four_numbers(s: &str, line: &str) -> Result<[i64; 4]> {
    let (inuse, alloc) = s.split_once('[').ok_or_else(|| malformed(line, "no [allocated] values"))?;
    let alloc = alloc.split_once(']').map_or(alloc, |x| x.0);
    let pair = |p: &str| -> Result<(i64, i64)> {
        let (a, b) = p.split_once(':').ok_or_else(|| malformed(line, "a value pair without ':'"))?;
        let n = |x: &str| {
            x.trim().parse::<i64>().map_err(|_| malformed(line, &format!("\"{}\" is not a number", x.trim())))
        };
        Ok((n(a)?, n(b)?))
    };
    let ((a, b), (c, d)) = (pair(inuse)?, pair(alloc)?);
    Ok([a, b, c, d])
}

fn heap(text: &str) -> Result<proto::Profile> {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("").trim();
    let rest = header.strip_prefix("heap profile:").unwrap_or("");
    let (nums, after) = rest.split_once('@').ok_or_else(|| malformed(header, "no '@' in the header"))?;
    let h = four_numbers(nums, header)?;
    let tag = after.trim();
    let (mut sampling_v2, mut period, mut has_alloc) = (false, 1i64, false);
    if tag.starts_with("growthz") || tag.starts_with("growth") || tag.starts_with("fragmentation") {
        // pprof: period 1, no allocation columns, no scaling.
    } else {
        let (name, rate) = tag.split_once('/').unwrap_or((tag, ""));
        let rate: i64 =
            if rate.is_empty() { 0 } else { rate.parse().map_err(|_| malformed(header, "a bad sampling rate"))? };
        has_alloc = (h[2] != h[0] && h[2] != 0) || (h[3] != h[1] && h[3] != 0);
        match name {
            "heapz_v2" | "heap_v2" => (sampling_v2, period) = (true, rate),
            "heapprofile" => period = 1,
            // Go writes twice its MemProfileRate after "heap/".
            "heap" => (sampling_v2, period) = (true, rate / 2),
            _ => return Err(malformed(header, &format!("unknown heap profile kind \"{name}\""))),
        }
    }
    let mut b = Builder::new(text);
    if has_alloc {
        // Allocations first, so that pprof's default (the last type) is inuse_space.
        b.types(
            &[
                ("alloc_objects", "count"),
                ("alloc_space", "bytes"),
                ("inuse_objects", "count"),
                ("inuse_space", "bytes"),
            ],
            ("space", "bytes"),
            period,
        );
    } else {
        b.types(&[("objects", "count"), ("space", "bytes")], ("space", "bytes"), period);
    }
    let mut lines = lines.map(str::trim);
    while let Some(line) = lines.next() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if maps::is_sentinel(line) {
            b.maps = maps::parse(lines.by_ref());
            break;
        }
        let (nums, addrs) = line.split_once('@').ok_or_else(|| malformed(line, "a sample without '@'"))?;
        let n = four_numbers(nums, line)?;
        let mut values = Vec::with_capacity(4);
        let mut blocksize = 0;
        let pairs: &[(i64, i64, &str)] =
            if has_alloc { &[(n[2], n[3], "allocation"), (n[0], n[1], "inuse")] } else { &[(n[0], n[1], "inuse")] };
        for &(count, size, what) in pairs {
            if count == 0 && size != 0 {
                return Err(malformed(line, &format!("{what} count was 0 but {what} bytes was {size}")));
            }
            let (mut c, mut s) = (count, size);
            if count != 0 {
                blocksize = size.wrapping_div(count);
                if sampling_v2 {
                    (c, s) = scale_heap(count, size, period);
                }
            }
            values.extend([c, s]);
        }
        b.sample(&values, &addresses(addrs, line)?, Some(blocksize));
    }
    Ok(b.finish(ALLOC_RX, ALLOC_SKIP_RX))
}

fn contention(text: &str) -> Result<proto::Profile> {
    let mut lines = text.lines().map(str::trim).skip(1).peekable();
    let (mut period, mut cpu_hz, mut duration) = (1i64, 0i64, 0i64);
    while let Some(&line) = lines.peek() {
        if line.is_empty() || line.starts_with('#') {
            lines.next();
            continue;
        }
        let Some((key, val)) = line.split_once('=') else { break };
        if line.starts_with("---") {
            break;
        }
        let num = || val.trim().parse::<i64>().map_err(|_| malformed(line, "a bad number"));
        match key.trim() {
            "cycles/second" => cpu_hz = num()?,
            "sampling period" => period = num()?,
            "ms since reset" => duration = num()?.wrapping_mul(1_000_000),
            "discarded samples" => {}
            // As pprof: a format or resolution makes it a Java profile.
            "format" | "resolution" => return java::parse_text(text),
            k => return Err(malformed(line, &format!("unknown attribute \"{k}\""))),
        }
        lines.next();
    }
    let mut b = Builder::new(text);
    b.types(&[("contentions", "count"), ("delay", "nanoseconds")], ("contentions", "count"), period);
    b.im.h.duration_nanos = duration;
    for line in sample_lines(&mut b, &mut lines) {
        let (nums, addrs) = line.split_once('@').ok_or_else(|| malformed(line, "a sample without '@'"))?;
        let mut it = nums.split_whitespace().map(|x| x.parse::<i64>());
        let (Some(Ok(mut cycles)), Some(Ok(mut count))) = (it.next(), it.next()) else {
            return Err(malformed(line, "a sample without its two numbers"));
        };
        // pprof: delays from cycles to nanoseconds, counts by the sampling period.
        if period > 0 {
            if cpu_hz > 0 {
                let ghz = cpu_hz as f64 / 1e9;
                cycles = (cycles as f64 * period as f64 / ghz) as i64;
            }
            count = count.wrapping_mul(period);
        }
        b.sample(&[count, cycles], &addresses(addrs, line)?, None);
    }
    Ok(b.finish(LOCK_RX, ""))
}

fn count(text: &str) -> Result<proto::Profile> {
    let mut lines = text.lines().map(str::trim).skip_while(|l| l.is_empty() || l.starts_with('#'));
    let first = lines.next().unwrap_or("");
    let name = first.split_once(" profile: total ").map_or("", |x| x.0);
    let mut b = Builder::new(text);
    b.types(&[(name, "count")], (name, "count"), 1);
    for line in sample_lines(&mut b, &mut lines) {
        let (n, addrs) = line.split_once('@').ok_or_else(|| malformed(line, "a sample without '@'"))?;
        let n: i64 = n.trim().parse().map_err(|_| malformed(line, "a bad count"))?;
        // pprof refuses a stack of no address (threadcreate writes some); it is read here.
        b.sample(&[n], &addresses(addrs, line)?, None);
    }
    Ok(b.finish(CPU_PROFILER_RX, ""))
}

/// `--- threadz N ---`, the header of a thread profile.
fn is_threadz_header(line: &str) -> bool {
    line.strip_prefix("--- threadz ")
        .and_then(|r| r.strip_suffix(" ---"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `--- Thread ID (name: NAME/N) stack: ---`: the thread's id when the line is one.
fn thread_start(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("--- Thread ")?;
    let (id, rest) = rest.split_once(" (name: ")?;
    let body = rest.strip_suffix(") stack: ---")?;
    let (_, n) = body.rsplit_once('/')?;
    (!id.is_empty()
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit()))
    .then_some(id)
}

/// The hex numbers of a line (pprof's `parseHexAddresses` over `0x…` words).
fn hex_numbers(line: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("0x") {
        let digits: String =
            rest[i + 2..].chars().take_while(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()).collect();
        if let Ok(v) = u64::from_str_radix(&digits, 16) {
            out.push(v);
        }
        rest = &rest[i + 2 + digits.len()..];
    }
    out
}

/// A thread profile (pprof's `parseThread`): one sample per thread stack,
/// "same as previous thread" counting into the one before.
fn thread(text: &str) -> Result<proto::Profile> {
    let mut lines = text.lines().map(str::trim).skip_while(|l| l.is_empty() || l.starts_with('#')).peekable();
    let first = lines.next().unwrap_or("");
    let mut line = first.to_string();
    if is_threadz_header(first) {
        // Past the header's comments to the first stack.
        line = String::new();
        for l in lines.by_ref() {
            if maps::is_sentinel(l) || l.starts_with('-') {
                line = l.to_string();
                break;
            }
        }
    }
    let mut b = Builder::new("");
    b.types(&[("thread", "count")], ("thread", "count"), 1);
    let mut samples: Vec<(i64, Vec<u64>)> = Vec::new();
    while !maps::is_sentinel(&line) && !line.is_empty() {
        if line.starts_with("---- no stack trace for") {
            line.clear();
            break;
        }
        if thread_start(&line).is_none() {
            return Err(malformed(&line, "not a thread's header"));
        }
        let (mut addrs, mut same) = (Vec::new(), false);
        line.clear();
        for l in lines.by_ref() {
            if l.is_empty() {
                continue;
            }
            if l.starts_with("---") {
                line = l.to_string();
                break;
            }
            if l.contains("same as previous thread") {
                same = true;
                continue;
            }
            addrs.extend(hex_numbers(l));
        }
        if same || addrs.is_empty() {
            if let Some(last) = samples.last_mut() {
                last.0 += 1;
            }
            continue;
        }
        // All but the leaf are return addresses: back onto their calls.
        for a in addrs.iter_mut().skip(1) {
            *a = a.wrapping_sub(1);
        }
        // pprof: a leaf found twice (signal context and unwinder) is kept once.
        if addrs.len() > 1 && addrs[0] == addrs[1].wrapping_add(1) {
            addrs.remove(1);
        }
        samples.push((1, addrs));
    }
    if maps::is_sentinel(&line) {
        b.maps = maps::parse(lines.by_ref());
    } else {
        b.read_maps(&mut lines);
    }
    for (n, addrs) in &samples {
        b.sample_adjusted(&[*n], addrs, None, Adjust::None);
    }
    Ok(b.finish(CPU_PROFILER_RX, ""))
}

#[cfg(test)]
mod tests {
    use super::{looks_like_text_profile, parse, scale_heap};

    #[test]
    fn kinds_are_told_by_content() {
        for (text, yes) in [
            ("heap profile: 1: 2 [3: 4] @ heap/1024\n", true),
            ("--- mutex:\ncycles/second=1\n", true),
            ("--- contention:\n", true),
            ("# a comment\nthreadcreate profile: total 3\n", true),
            ("goroutine profile: total 3\n", true),
            ("hello world\n", false),
            ("heap: 1\n", false),
        ] {
            assert_eq!(looks_like_text_profile(text.as_bytes()), yes, "{text}");
        }
    }

    #[test]
    fn frames_take_the_names_of_the_hash_lines() {
        let text = "heap profile: 1: 1024 [2: 2048] @ heap/1024\n1: 1024 [2: 2048] @ 0x11 0x21\n#\t0x10\tmain.leaf+0x4\t\tex.com/a.go:7\n#\t0x20\tmain.main+0x8\tex.com/a.go:12\n";
        let p = parse(text).unwrap().unwrap();
        let names: Vec<String> =
            p.header.string_table.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
        assert!(names.contains(&"main.leaf".to_string()) && names.contains(&"ex.com/a.go".to_string()), "{names:?}");
        assert_eq!(p.header.location[0].address, 0x10);
        assert_eq!(p.header.location[0].line[0].line, 7);
        assert_eq!(p.header.period, 512);
        assert_eq!(p.samples.values.len(), 4);
        assert_eq!(scale_heap(1, 1024, 512), (1, 1184));
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let e = parse("heap profile: 1: 2 [3: 4] @ heap/8\n1: x [1: 2] @ 0x1\n").unwrap().unwrap_err();
        assert!(e.message.contains("\"x\" is not a number"), "{}", e.message);
        let e = parse("--- mutex:\ncycles/second=1\nwhat=2\n").unwrap().unwrap_err();
        assert!(e.message.contains("unknown attribute \"what\""), "{}", e.message);
    }
}
