//! Stage 2: [`proto::Profile`] → [`Profile`], validated, interned and columnar.
//!
//! Every id of the wire format is resolved to a dense index here, and every
//! string index is checked, so later stages index without checks. Locations
//! keep their lines ("frames", innermost first); a frame is inlined when it is
//! not the last line of its location.

mod from_proto;
pub mod merge;

pub use merge::merge;

use crate::error::{Error, ErrorKind, Result};
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

impl Profile {
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
