//! Stage 2: [`proto::Profile`] → [`Profile`], validated, interned and columnar.
//!
//! Every id of the wire format is resolved to a dense index here, and every
//! string index is checked, so later stages index without checks. Locations
//! keep their lines ("frames", innermost first); a frame is inlined when it is
//! not the last line of its location.

pub mod merge;

pub use merge::merge;

use crate::error::{Error, ErrorKind, Result};
use crate::proto;
use std::collections::HashMap;

/// Sentinel for "no mapping" / "no function".
pub const NONE: u32 = u32::MAX;

/// A sample type or period type, resolved to strings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ValueType {
    /// The type, such as `inuse_space`.
    pub ty: String,
    /// The unit, such as `bytes`.
    pub unit: String,
}

impl std::fmt::Display for ValueType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.ty, self.unit)
    }
}

/// A memory mapping (binary or library).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    /// Start address.
    pub start: u64,
    /// End address.
    pub limit: u64,
    /// File offset.
    pub offset: u64,
    /// Binary path.
    pub file: String,
    /// Build id.
    pub build_id: String,
}

/// Functions as columns; strings are indices into [`Profile::strings`].
#[derive(Clone, Debug, Default)]
pub struct Functions {
    /// Name.
    pub name: Vec<u32>,
    /// System (mangled) name.
    pub system_name: Vec<u32>,
    /// Source file.
    pub filename: Vec<u32>,
    /// First line.
    pub start_line: Vec<i64>,
}

impl Functions {
    /// Number of functions.
    pub fn len(&self) -> usize {
        self.name.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.name.is_empty()
    }
}

/// Locations as columns. Location `l` has frames `frame_start[l]..frame_start[l+1]`.
#[derive(Clone, Debug, Default)]
pub struct Locations {
    /// Mapping index or [`NONE`].
    pub mapping: Vec<u32>,
    /// Instruction address.
    pub address: Vec<u64>,
    /// Offsets into [`Frames`]; one more than locations.
    pub frame_start: Vec<u32>,
}

impl Locations {
    /// Number of locations.
    pub fn len(&self) -> usize {
        self.mapping.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.mapping.is_empty()
    }
    /// The frame range of location `l`.
    #[inline]
    pub fn frames(&self, l: usize) -> std::ops::Range<usize> {
        self.frame_start[l] as usize..self.frame_start[l + 1] as usize
    }
}

/// Frames (the Lines of locations, innermost first) as columns.
#[derive(Clone, Debug, Default)]
pub struct Frames {
    /// Function index.
    pub func: Vec<u32>,
    /// Source line.
    pub line: Vec<i64>,
}

/// Labels as columns. A label is numeric when `str` is 0.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    /// Key string.
    pub key: Vec<u32>,
    /// Value string, 0 for numeric labels.
    pub str: Vec<u32>,
    /// Numeric value.
    pub num: Vec<i64>,
    /// Unit string of a numeric value (0 when none).
    pub unit: Vec<u32>,
}

/// Samples as columns. Sample `s` has locations `stack[stack_start[s]..stack_start[s+1]]`
/// (leaf first), values `values[s*n..(s+1)*n]` for `n` sample types, and labels
/// `label_start[s]..label_start[s+1]`.
#[derive(Clone, Debug, Default)]
pub struct Samples {
    /// Offsets into `stack`.
    pub stack_start: Vec<u32>,
    /// Location indices, leaf first, at the width of the largest index
    /// (17 bits for 100,000 locations).
    pub stack: crate::packed::Packed,
    /// Values, row-major.
    pub values: Vec<i64>,
    /// Offsets into [`Labels`].
    pub label_start: Vec<u32>,
    /// Labels.
    pub labels: Labels,
}

impl Samples {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.stack_start.len().saturating_sub(1)
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Locations of sample `s`, leaf first.
    #[inline]
    pub fn stack(&self, s: usize) -> crate::packed::Run<'_> {
        self.stack.run(self.stack_start[s] as usize, self.stack_start[s + 1] as usize)
    }
    /// Label range of sample `s`.
    #[inline]
    pub fn label_range(&self, s: usize) -> std::ops::Range<usize> {
        self.label_start[s] as usize..self.label_start[s + 1] as usize
    }
}

/// A validated profile.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// Interned strings; index 0 is "".
    pub strings: Vec<String>,
    /// One per value column.
    pub sample_types: Vec<ValueType>,
    /// The producer's preferred sample type ("" when unset).
    pub default_sample_type: String,
    /// Kind of events between samples.
    pub period_type: Option<ValueType>,
    /// Events between samples.
    pub period: i64,
    /// Collection time (ns since the epoch), 0 when unknown.
    pub time_nanos: i64,
    /// Collection duration in ns, 0 when unknown.
    pub duration_nanos: i64,
    /// Free-form comments.
    pub comments: Vec<String>,
    /// Regex of frames to drop.
    pub drop_frames: String,
    /// Regex of frames to keep despite `drop_frames`.
    pub keep_frames: String,
    /// Mappings; the first is the main binary.
    pub mappings: Vec<Mapping>,
    /// Functions.
    pub functions: Functions,
    /// Locations.
    pub locations: Locations,
    /// Frames of locations.
    pub frames: Frames,
    /// Samples.
    pub samples: Samples,
}

/// Limits applied while building the model.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct ModelOptions {
    /// Deepest stack accepted, in locations (default 16,777,216: every real
    /// profile loads; memory is bounded by the file's size anyway, since
    /// each location of a stack costs at least one byte of it).
    pub max_stack_depth: usize,
    /// Strings that are not valid UTF-8 keep their bytes, escaped (the
    /// CLI, whose output must be pprof's byte for byte: `rawtext`); else
    /// invalid bytes read as U+FFFD (the page).
    pub raw_strings: bool,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions { max_stack_depth: 1 << 24, raw_strings: false }
    }
}

impl ModelOptions {
    /// Options with a different stack depth limit.
    pub fn with_max_stack_depth(mut self, n: usize) -> Self {
        self.max_stack_depth = n;
        self
    }
}

fn invalid(msg: String) -> Error {
    Error::new(ErrorKind::Invalid, format!("malformed profile: {msg}"))
}

/// Resolves wire ids to indices of one id space.
struct IdMap {
    dense: Vec<u32>,
    sparse: HashMap<u64, u32>,
}

impl IdMap {
    fn new(n: usize) -> Self {
        IdMap { dense: vec![NONE; n + 1], sparse: HashMap::new() }
    }
    /// Records `id` → `idx`; false when the id was already taken.
    fn insert(&mut self, id: u64, idx: u32) -> bool {
        if (id as usize) < self.dense.len() && id < u32::MAX as u64 {
            let slot = &mut self.dense[id as usize];
            let fresh = *slot == NONE;
            *slot = idx;
            fresh
        } else {
            self.sparse.insert(id, idx).is_none()
        }
    }
    #[inline]
    fn get(&self, id: u64) -> Option<u32> {
        if (id as usize) < self.dense.len() {
            let v = self.dense[id as usize];
            (v != NONE).then_some(v)
        } else {
            self.sparse.get(&id).copied()
        }
    }
}

impl Profile {
    /// Validates and interns a decoded profile.
    pub fn from_proto(p: proto::Profile, opts: &ModelOptions) -> Result<Profile> {
        let proto::Profile { header: h, samples: sc } = p;
        let mut strings: Vec<String> =
            h.string_table.into_iter().map(|b| crate::rawtext::from_bytes(b, opts.raw_strings)).collect();
        // pprof refuses a string table that does not start with "" (index 0
        // means "no string" everywhere).
        match strings.first() {
            Some(s) if s.is_empty() => {}
            Some(s) => {
                let shown: String = s.chars().take(40).collect();
                return Err(invalid(format!(
                    "the string table must start with the empty string, but its first entry is \"{shown}\""
                )));
            }
            None => return Err(invalid("the string table is empty: it must start with the empty string".into())),
        }
        let nstr = strings.len();
        let sid = |x: i64, what: &dyn Fn() -> String| -> Result<u32> {
            if x < 0 || x as usize >= nstr {
                Err(invalid(format!("string index {x} is outside the string table ({nstr} entries) in {}", what())))
            } else {
                Ok(x as u32)
            }
        };
        let string =
            |x: i64, what: &dyn Fn() -> String| -> Result<String> { Ok(strings[sid(x, what)? as usize].clone()) };
        let vt = |v: &proto::ValueType, what: &str| -> Result<ValueType> {
            Ok(ValueType { ty: string(v.r#type, &|| what.to_string())?, unit: string(v.unit, &|| what.to_string())? })
        };

        let mut sample_types = Vec::with_capacity(h.sample_type.len());
        for (i, st) in h.sample_type.iter().enumerate() {
            sample_types.push(vt(st, &format!("sample type {i}"))?);
        }
        if sample_types.is_empty() {
            return Err(invalid("missing sample type information".into()));
        }
        let period_type = match &h.period_type {
            Some(v) => Some(vt(v, "the period type")?),
            None => None,
        };
        let mut comments = Vec::with_capacity(h.comment.len());
        for &c in &h.comment {
            comments.push(string(c, &|| "a comment".into())?);
        }

        // Mappings.
        let mut mapping_ids = IdMap::new(h.mapping.len());
        let mut mappings = Vec::with_capacity(h.mapping.len());
        for (i, m) in h.mapping.iter().enumerate() {
            if m.id == 0 {
                return Err(invalid("found mapping with reserved id 0".into()));
            }
            if !mapping_ids.insert(m.id, i as u32) {
                return Err(invalid(format!("multiple mappings with the same id {}", m.id)));
            }
            let what = || format!("mapping id {}", m.id);
            mappings.push(Mapping {
                start: m.memory_start,
                limit: m.memory_limit,
                offset: m.file_offset,
                file: string(m.filename, &what)?,
                build_id: string(m.build_id, &what)?,
            });
        }

        // Functions.
        let nf = h.function.len();
        let mut function_ids = IdMap::new(nf);
        let mut functions = Functions {
            name: Vec::with_capacity(nf),
            system_name: Vec::with_capacity(nf),
            filename: Vec::with_capacity(nf),
            start_line: Vec::with_capacity(nf),
        };
        for (i, f) in h.function.iter().enumerate() {
            if f.id == 0 {
                return Err(invalid("found function with reserved id 0".into()));
            }
            if !function_ids.insert(f.id, i as u32) {
                return Err(invalid(format!("multiple functions with the same id {}", f.id)));
            }
            let what = || format!("function id {}", f.id);
            functions.name.push(sid(f.name, &what)?);
            functions.system_name.push(sid(f.system_name, &what)?);
            functions.filename.push(sid(f.filename, &what)?);
            functions.start_line.push(f.start_line);
        }

        // Locations and their frames.
        let nl = h.location.len();
        let mut location_ids = IdMap::new(nl);
        let nframes: usize = h.location.iter().map(|l| l.line.len()).sum();
        let mut locations = Locations {
            mapping: Vec::with_capacity(nl),
            address: Vec::with_capacity(nl),
            frame_start: Vec::with_capacity(nl + 1),
        };
        let mut frames = Frames { func: Vec::with_capacity(nframes), line: Vec::with_capacity(nframes) };
        locations.frame_start.push(0);
        for (i, l) in h.location.iter().enumerate() {
            if l.id == 0 {
                return Err(invalid("found location with reserved id 0".into()));
            }
            if !location_ids.insert(l.id, i as u32) {
                return Err(invalid(format!("multiple locations with the same id {}", l.id)));
            }
            // An unknown mapping id is tolerated (as pprof does): the location has no mapping.
            let m = if l.mapping_id == 0 { NONE } else { mapping_ids.get(l.mapping_id).unwrap_or(NONE) };
            locations.mapping.push(m);
            locations.address.push(l.address);
            for ln in &l.line {
                let f = function_ids.get(ln.function_id).ok_or_else(|| {
                    invalid(format!(
                        "location id {} has a line with function id {}, which does not exist",
                        l.id, ln.function_id
                    ))
                })?;
                frames.func.push(f);
                frames.line.push(ln.line);
            }
            locations.frame_start.push(frames.func.len() as u32);
        }

        // Samples. The decoder's columns become the model's in place (the
        // location ids turned into indices in their own vector, the values
        // and offsets kept): copies would double the largest columns at the
        // peak of a big profile's load.
        let ns = sc.len();
        let nt = sample_types.len();
        let proto::SampleColumns {
            loc_start,
            location_ids: ids,
            val_start,
            values,
            label_start: proto_label_start,
            labels: proto_labels,
        } = sc;
        let mut stack = ids;
        // As Go numbers them, and pprof's own writer.
        let ids_in_order = h.location.iter().enumerate().all(|(i, l)| l.id == i as u64 + 1);
        // Labels are kept in place, the empty ones squeezed out.
        let mut labels = proto_labels;
        let mut label_start = proto_label_start;
        let (mut kept, mut from) = (0usize, 0usize);
        for s in 0..ns {
            let locs = loc_start[s] as usize..loc_start[s + 1] as usize;
            if locs.len() > opts.max_stack_depth {
                return Err(Error::new(
                    ErrorKind::TooLarge,
                    format!(
                        "sample {s} has a stack of {} frames, deeper than the limit of {} (raise it with --max-stack-depth)",
                        locs.len(),
                        opts.max_stack_depth
                    ),
                ));
            }
            let missing = |id| invalid(format!("sample {s} refers to location id {id}, which does not exist"));
            if ids_in_order {
                // Location `i` has id `i + 1`: no look-up.
                stack.map_range(locs.start, locs.end, |_, id| {
                    id.checked_sub(1).filter(|&l| l < nl as u64).ok_or_else(|| missing(id))
                })?;
            } else {
                stack.map_range(locs.start, locs.end, |_, id| {
                    location_ids.get(id).map(u64::from).ok_or_else(|| missing(id))
                })?;
            }
            let n = (val_start[s + 1] - val_start[s]) as usize;
            if n != nt {
                return Err(invalid(format!("sample {s} has {n} values but the profile has {nt} sample types")));
            }
            // label_start[s] was rewritten already: `from` is what it was.
            let to = label_start[s + 1] as usize;
            for i in from..to {
                let what = || format!("a label of sample {s}");
                let [k, st, u] = labels.indices(i);
                let (key, str_, unit) = (sid(k, &what)?, sid(st, &what)?, sid(u, &what)?);
                let num = labels.num[i];
                if str_ == 0 && num == 0 && unit == 0 {
                    continue; // an empty label carries nothing (pprof drops it too)
                }
                labels.key[kept] = key;
                labels.str[kept] = str_;
                labels.num[kept] = if str_ != 0 { 0 } else { num };
                labels.unit[kept] = if str_ != 0 { 0 } else { unit };
                kept += 1;
            }
            label_start[s + 1] = kept as u32;
            from = to;
        }
        let proto::LabelColumns { mut key, mut str, mut num, mut unit, .. } = labels;
        for v in [&mut key, &mut str, &mut unit] {
            v.truncate(kept);
        }
        num.truncate(kept);
        let labels = Labels { key, str, num, unit };
        // Indices need no more bits than the largest index.
        stack.repack(crate::packed::bits_for(nl.saturating_sub(1) as u64));
        // Every sample has `nt` values from offset 0: the values are already
        // the model's row-major table.
        let samples = Samples { stack_start: loc_start, stack, values, label_start, labels };

        let default_sample_type = string(h.default_sample_type, &|| "the default sample type".into())?;
        let drop_frames = string(h.drop_frames, &|| "drop_frames".into())?;
        let keep_frames = string(h.keep_frames, &|| "keep_frames".into())?;
        // pprof's symbolizer names a function by its system name when the
        // name is empty or the same, simplified by its C++ heuristics.
        let mut added: std::collections::HashMap<String, u32> = Default::default();
        for i in 0..functions.name.len() {
            let (n, sn) = (functions.name[i] as usize, functions.system_name[i] as usize);
            if n != 0 && strings[n] != strings[sn] {
                continue;
            }
            let name = crate::frames::symbolizer_name(&strings[sn]);
            if name != strings[n] {
                let name = name.into_owned();
                let next = strings.len() as u32;
                functions.name[i] = *added.entry(name.clone()).or_insert_with(|| {
                    strings.push(name);
                    next
                });
            }
        }
        Ok(Profile {
            strings,
            sample_types,
            default_sample_type,
            period_type,
            period: h.period,
            time_nanos: h.time_nanos,
            duration_nanos: h.duration_nanos,
            comments,
            drop_frames,
            keep_frames,
            mappings,
            functions,
            locations,
            frames,
            samples,
        })
    }

    /// The string at index `i`.
    #[inline]
    pub fn str(&self, i: u32) -> &str {
        &self.strings[i as usize]
    }

    /// Number of value columns.
    pub fn num_types(&self) -> usize {
        self.sample_types.len()
    }

    /// The index of the sample type pprof would show: `default_sample_type` if
    /// set and present, else the last.
    pub fn default_index(&self) -> usize {
        if !self.default_sample_type.is_empty() {
            if let Some(i) = self.sample_types.iter().position(|t| t.ty == self.default_sample_type) {
                return i;
            }
        }
        self.sample_types.len() - 1
    }

    /// Resolves a `-sample_index` value (a number or a type name, with pprof's
    /// `inuse_` prefix rule); empty means the default.
    pub fn sample_index(&self, spec: &str) -> Result<usize> {
        if spec.is_empty() {
            return Ok(self.default_index());
        }
        if let Ok(i) = spec.parse::<i64>() {
            if i < 0 || i as usize >= self.sample_types.len() {
                return Err(Error::new(
                    ErrorKind::BadQuery,
                    format!("sample_index {spec} is outside the range [0..{}]", self.sample_types.len() - 1),
                ));
            }
            return Ok(i as usize);
        }
        let no_inuse = spec.strip_prefix("inuse_").unwrap_or(spec);
        if let Some(i) = self.sample_types.iter().position(|t| t.ty == spec || t.ty == no_inuse) {
            return Ok(i);
        }
        let names: Vec<&str> = self.sample_types.iter().map(|t| t.ty.as_str()).collect();
        Err(Error::new(ErrorKind::BadQuery, format!("sample_index \"{spec}\" must be one of: [{}]", names.join(" "))))
    }

    /// Units of numeric label keys, as pprof infers them: the first unit seen
    /// for the key, else `bytes` for `alignment`/`request`, else the key itself.
    pub fn num_label_units(&self) -> HashMap<String, String> {
        let mut units: HashMap<String, String> = HashMap::new();
        let mut keys: Vec<u32> = Vec::new();
        let l = &self.samples.labels;
        for i in 0..l.key.len() {
            if l.str[i] != 0 {
                continue;
            }
            keys.push(l.key[i]);
            if l.unit[i] != 0 {
                units.entry(self.str(l.key[i]).to_string()).or_insert_with(|| self.str(l.unit[i]).to_string());
            }
        }
        for k in keys {
            let key = self.str(k);
            if !units.contains_key(key) {
                let u = if key == "alignment" || key == "request" { "bytes" } else { key };
                units.insert(key.to_string(), u.to_string());
            }
        }
        units
    }

    /// The value of sample `s` for type `t`.
    #[inline]
    pub fn value(&self, s: usize, t: usize) -> i64 {
        self.samples.values[s * self.sample_types.len() + t]
    }
}
