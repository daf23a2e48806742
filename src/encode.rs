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
}

/// The view's kept samples as a raw (not gzipped) `profile.proto`. Every
/// sample type is kept; filters apply (focus, ignore, hide, show,
/// show_from, tagfocus, tagignore); granularity and noinlines, which only
/// change how frames are grouped, do not.
pub fn encode_view(pr: &Prepared) -> Vec<u8> {
    let p = &pr.profile;
    let nt = p.sample_types.len();
    let t = Table::new(p);
    let mut w = Writer { buf: Vec::with_capacity(p.samples.stack.len() * 3 + p.samples.len() * 16) };
    for ty in &p.sample_types {
        w.message(1, |m| {
            m.int(1, t.get(&ty.ty));
            m.int(2, t.get(&ty.unit));
        });
    }
    let mut used = vec![false; p.locations.len()];
    let l = &p.samples.labels;
    // Scratch buffers reused for every sample (millions of them).
    let (mut sample, mut packed, mut label) = (Writer::default(), Writer::default(), Writer::default());
    pr.view.for_each_sample(p, |s, locs| {
        sample.buf.clear();
        packed.buf.clear();
        for &loc in locs {
            packed.varint(loc as u64 + 1);
            used[loc as usize] = true;
        }
        if !packed.buf.is_empty() {
            sample.bytes(1, &packed.buf);
        }
        packed.buf.clear();
        for &v in &p.samples.values[s * nt..(s + 1) * nt] {
            packed.varint(v as u64);
        }
        sample.bytes(2, &packed.buf);
        for i in p.samples.label_range(s) {
            label.buf.clear();
            label.int(1, l.key[i] as i64);
            label.int(2, l.str[i] as i64);
            label.int(3, l.num[i]);
            label.int(4, l.unit[i] as i64);
            sample.bytes(3, &label.buf);
        }
        w.bytes(2, &sample.buf);
    });
    for (i, mp) in p.mappings.iter().enumerate() {
        w.message(3, |m| {
            m.uint(1, i as u64 + 1);
            m.uint(2, mp.start);
            m.uint(3, mp.limit);
            m.uint(4, mp.offset);
            m.int(5, t.get(&mp.file));
            m.int(6, t.get(&mp.build_id));
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
    for s in &t.list {
        w.bytes(6, s.as_bytes());
    }
    w.int(7, t.get(&p.drop_frames));
    w.int(8, t.get(&p.keep_frames));
    w.int(9, p.time_nanos);
    w.int(10, p.duration_nanos);
    if let Some(ty) = &p.period_type {
        w.message(11, |m| {
            m.int(1, t.get(&ty.ty));
            m.int(2, t.get(&ty.unit));
        });
    }
    w.int(12, p.period);
    for c in &p.comments {
        w.int(13, t.get(c));
    }
    w.int(14, t.get(&p.default_sample_type));
    w.buf
}

/// The string table written: the profile's, then the header strings it
/// keeps outside the table (sample types, mappings, comments…).
struct Table<'a> {
    list: Vec<&'a str>,
    index: std::collections::HashMap<&'a str, usize>,
}

impl<'a> Table<'a> {
    fn new(p: &'a crate::Profile) -> Table<'a> {
        let mut t = Table { list: Vec::with_capacity(p.strings.len() + 8), index: Default::default() };
        for s in &p.strings {
            t.list.push(s);
            t.index.entry(s).or_insert(t.list.len() - 1);
        }
        if t.list.first() != Some(&"") {
            // A table must start with "": keep the profile's indices valid by
            // never reusing 0 (the model guarantees it; this is a safeguard).
            t.index.insert("", usize::MAX);
        }
        let mut extra: Vec<&'a str> = Vec::new();
        for ty in &p.sample_types {
            extra.extend([ty.ty.as_str(), ty.unit.as_str()]);
        }
        if let Some(ty) = &p.period_type {
            extra.extend([ty.ty.as_str(), ty.unit.as_str()]);
        }
        for m in &p.mappings {
            extra.extend([m.file.as_str(), m.build_id.as_str()]);
        }
        extra.extend(p.comments.iter().map(String::as_str));
        extra.extend([p.drop_frames.as_str(), p.keep_frames.as_str(), p.default_sample_type.as_str()]);
        for s in extra {
            if !t.index.contains_key(s) {
                t.list.push(s);
                t.index.insert(s, t.list.len() - 1);
            }
        }
        t
    }
    fn get(&self, s: &str) -> i64 {
        match self.index.get(s) {
            Some(&i) if i != usize::MAX => i as i64,
            _ => 0,
        }
    }
}

/// [`encode_view`], gzipped (at a fast level: exports of big profiles
/// should take a moment, not most of a minute).
pub fn encode_view_gz(pr: &Prepared) -> Vec<u8> {
    use std::io::Write;
    let raw = encode_view(pr);
    let mut e = flate2::write::GzEncoder::new(Vec::with_capacity(raw.len() / 4), flate2::Compression::new(2));
    // Writing to a Vec cannot fail.
    let _ = e.write_all(&raw);
    e.finish().unwrap_or_default()
}
