//! Writing a profile back to pprof's protobuf format: the samples a view's
//! filters keep, with the frames they keep, as a gzipped `profile.proto`
//! that `go tool pprof` (and pprof-lens) read back with the same numbers.

use crate::aggregate::Prepared;
use crate::model::NONE;

/// Protobuf writer: just what `profile.proto` needs.
#[derive(Default)]
struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }
    fn key(&mut self, field: u32, wire: u32) {
        self.varint(((field << 3) | wire) as u64);
    }
    /// A varint field, left out when zero (proto3 defaults).
    fn uint(&mut self, field: u32, v: u64) {
        if v != 0 {
            self.key(field, 0);
            self.varint(v);
        }
    }
    fn int(&mut self, field: u32, v: i64) {
        self.uint(field, v as u64);
    }
    fn bytes(&mut self, field: u32, b: &[u8]) {
        self.key(field, 2);
        self.varint(b.len() as u64);
        self.buf.extend_from_slice(b);
    }
    fn message(&mut self, field: u32, f: impl FnOnce(&mut Writer)) {
        let mut inner = Writer::default();
        f(&mut inner);
        self.bytes(field, &inner.buf);
    }
    fn packed(&mut self, field: u32, vs: impl Iterator<Item = u64>) {
        let mut inner = Writer::default();
        for v in vs {
            inner.varint(v);
        }
        if !inner.buf.is_empty() {
            self.bytes(field, &inner.buf);
        }
    }
}

/// The view's kept samples as a raw (not gzipped) `profile.proto`. Every
/// sample type is kept; filters apply (focus, ignore, hide, show,
/// show_from, tagfocus, tagignore); granularity and noinlines, which only
/// change how frames are grouped, do not.
pub fn encode_view(pr: &Prepared) -> Vec<u8> {
    let p = &pr.profile;
    let nt = p.sample_types.len();
    let mut w = Writer::default();
    for t in &p.sample_types {
        w.message(1, |m| {
            m.int(1, intern(p, &t.ty) as i64);
            m.int(2, intern(p, &t.unit) as i64);
        });
    }
    let mut used = vec![false; p.locations.len()];
    let l = &p.samples.labels;
    pr.view.for_each_sample(p, |s, locs| {
        w.message(2, |m| {
            m.packed(1, locs.iter().map(|&loc| loc as u64 + 1));
            m.packed(2, p.samples.values[s * nt..(s + 1) * nt].iter().map(|&v| v as u64));
            for i in p.samples.label_range(s) {
                m.message(3, |x| {
                    x.int(1, l.key[i] as i64);
                    x.int(2, l.str[i] as i64);
                    x.int(3, l.num[i]);
                    x.int(4, l.unit[i] as i64);
                });
            }
        });
        for &loc in locs {
            used[loc as usize] = true;
        }
    });
    for (i, mp) in p.mappings.iter().enumerate() {
        w.message(3, |m| {
            m.uint(1, i as u64 + 1);
            m.uint(2, mp.start);
            m.uint(3, mp.limit);
            m.uint(4, mp.offset);
            m.int(5, intern(p, &mp.file) as i64);
            m.int(6, intern(p, &mp.build_id) as i64);
            // Symbolized already: go tool pprof must not try to symbolize again.
            if !p.functions.is_empty() {
                for f in 7..=10 {
                    m.uint(f, 1);
                }
            }
        });
    }
    let mut used_fn = vec![false; p.functions.len()];
    for loc in (0..p.locations.len()).filter(|&i| used[i]) {
        let frames = pr.view.frames(loc);
        w.message(4, |m| {
            m.uint(1, loc as u64 + 1);
            if p.locations.mapping[loc] != NONE {
                m.uint(2, p.locations.mapping[loc] as u64 + 1);
            }
            m.uint(3, p.locations.address[loc]);
            for &fr in frames {
                let f = p.frames.func[fr as usize];
                used_fn[f as usize] = true;
                m.message(4, |x| {
                    x.uint(1, f as u64 + 1);
                    x.int(2, p.frames.line[fr as usize]);
                });
            }
        });
    }
    let fs = &p.functions;
    for f in (0..fs.len()).filter(|&f| used_fn[f]) {
        w.message(5, |m| {
            m.uint(1, f as u64 + 1);
            m.int(2, fs.name[f] as i64);
            m.int(3, fs.system_name[f] as i64);
            m.int(4, fs.filename[f] as i64);
            m.int(5, fs.start_line[f]);
        });
    }
    for s in strings(p) {
        w.bytes(6, s.as_bytes());
    }
    w.int(7, intern(p, &p.drop_frames) as i64);
    w.int(8, intern(p, &p.keep_frames) as i64);
    w.int(9, p.time_nanos);
    w.int(10, p.duration_nanos);
    if let Some(t) = &p.period_type {
        w.message(11, |m| {
            m.int(1, intern(p, &t.ty) as i64);
            m.int(2, intern(p, &t.unit) as i64);
        });
    }
    w.int(12, p.period);
    for c in &p.comments {
        w.int(13, intern(p, c) as i64);
    }
    w.int(14, intern(p, &p.default_sample_type) as i64);
    w.buf
}

/// The string table written: the profile's, plus the header strings it
/// keeps outside the table (they get indices after it, in [`intern`]'s order).
fn strings(p: &crate::Profile) -> Vec<&str> {
    let mut out: Vec<&str> = p.strings.iter().map(String::as_str).collect();
    for s in extra_strings(p) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn extra_strings(p: &crate::Profile) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    for t in &p.sample_types {
        v.push(&t.ty);
        v.push(&t.unit);
    }
    if let Some(t) = &p.period_type {
        v.push(&t.ty);
        v.push(&t.unit);
    }
    for m in &p.mappings {
        v.push(&m.file);
        v.push(&m.build_id);
    }
    v.extend(p.comments.iter().map(String::as_str));
    v.push(&p.drop_frames);
    v.push(&p.keep_frames);
    v.push(&p.default_sample_type);
    v
}

/// Index of `s` in the written string table.
fn intern(p: &crate::Profile, s: &str) -> usize {
    if s.is_empty() {
        return 0;
    }
    if let Some(i) = p.strings.iter().position(|x| x == s) {
        return i;
    }
    let mut next = p.strings.len();
    let mut seen: Vec<&str> = Vec::new();
    for x in extra_strings(p) {
        if x.is_empty() || p.strings.iter().any(|y| y == x) || seen.contains(&x) {
            continue;
        }
        if x == s {
            return next;
        }
        seen.push(x);
        next += 1;
    }
    unreachable!("every header string is in the written table")
}

/// [`encode_view`], gzipped.
pub fn encode_view_gz(pr: &Prepared) -> Vec<u8> {
    crate::synth::gzip(&encode_view(pr), 6)
}
