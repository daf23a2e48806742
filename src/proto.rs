//! Wire structs mirroring `proto/profile.proto`, decoded with prost derives.
//!
//! Wire format only, no logic. Samples are the one exception to "prost decodes
//! everything": a big profile holds millions of them, and a `Vec` per sample
//! field would cost more memory than the whole decoded model. [`ProfileHeader`]
//! therefore omits field 2 (prost skips it), and `decode` reads the samples
//! straight into the flat [`SampleColumns`].

/// A `ValueType` message: a sample type or the period type.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ValueType {
    /// Index into the string table.
    #[prost(int64, tag = "1")]
    pub r#type: i64,
    /// Index into the string table.
    #[prost(int64, tag = "2")]
    pub unit: i64,
}

/// A `Mapping` message.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Mapping {
    /// Unique nonzero id.
    #[prost(uint64, tag = "1")]
    pub id: u64,
    /// Start of the address range.
    #[prost(uint64, tag = "2")]
    pub memory_start: u64,
    /// End of the address range.
    #[prost(uint64, tag = "3")]
    pub memory_limit: u64,
    /// Offset in the binary.
    #[prost(uint64, tag = "4")]
    pub file_offset: u64,
    /// Index into the string table.
    #[prost(int64, tag = "5")]
    pub filename: i64,
    /// Index into the string table.
    #[prost(int64, tag = "6")]
    pub build_id: i64,
    /// Symbolization flags.
    #[prost(bool, tag = "7")]
    pub has_functions: bool,
    /// Symbolization flags.
    #[prost(bool, tag = "8")]
    pub has_filenames: bool,
    /// Symbolization flags.
    #[prost(bool, tag = "9")]
    pub has_line_numbers: bool,
    /// Symbolization flags.
    #[prost(bool, tag = "10")]
    pub has_inline_frames: bool,
}

/// A `Line` message: one function (possibly inlined) at a location.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Line {
    /// Id of a `Function`; 0 means none.
    #[prost(uint64, tag = "1")]
    pub function_id: u64,
    /// Source line number.
    #[prost(int64, tag = "2")]
    pub line: i64,
}

/// A `Location` message.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Location {
    /// Unique nonzero id.
    #[prost(uint64, tag = "1")]
    pub id: u64,
    /// Id of a `Mapping`; 0 means none.
    #[prost(uint64, tag = "2")]
    pub mapping_id: u64,
    /// Instruction address.
    #[prost(uint64, tag = "3")]
    pub address: u64,
    /// Innermost (inlined) first, the caller last.
    #[prost(message, repeated, tag = "4")]
    pub line: Vec<Line>,
    /// Folded frames.
    #[prost(bool, tag = "5")]
    pub is_folded: bool,
}

/// A `Function` message.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Function {
    /// Unique nonzero id.
    #[prost(uint64, tag = "1")]
    pub id: u64,
    /// Index into the string table.
    #[prost(int64, tag = "2")]
    pub name: i64,
    /// Index into the string table.
    #[prost(int64, tag = "3")]
    pub system_name: i64,
    /// Index into the string table.
    #[prost(int64, tag = "4")]
    pub filename: i64,
    /// Line where the function starts.
    #[prost(int64, tag = "5")]
    pub start_line: i64,
}

/// A `Label` message (used by tests and the generator; decoding goes to columns).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Label {
    /// Index into the string table.
    #[prost(int64, tag = "1")]
    pub key: i64,
    /// Index into the string table.
    #[prost(int64, tag = "2")]
    pub str: i64,
    /// Numeric value.
    #[prost(int64, tag = "3")]
    pub num: i64,
    /// Index into the string table.
    #[prost(int64, tag = "4")]
    pub num_unit: i64,
}

/// A `Sample` message (used for encoding; decoding goes to [`SampleColumns`]).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Sample {
    /// Location ids, leaf first.
    #[prost(uint64, repeated, tag = "1")]
    pub location_id: Vec<u64>,
    /// One value per sample type.
    #[prost(int64, repeated, tag = "2")]
    pub value: Vec<i64>,
    /// Labels.
    #[prost(message, repeated, tag = "3")]
    pub label: Vec<Label>,
}

/// The `Profile` message without its samples (field 2 is skipped by prost).
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProfileHeader {
    /// Sample types.
    #[prost(message, repeated, tag = "1")]
    pub sample_type: Vec<ValueType>,
    /// Mappings.
    #[prost(message, repeated, tag = "3")]
    pub mapping: Vec<Mapping>,
    /// Locations.
    #[prost(message, repeated, tag = "4")]
    pub location: Vec<Location>,
    /// Functions.
    #[prost(message, repeated, tag = "5")]
    pub function: Vec<Function>,
    /// The string table; entry 0 must be "". Bytes: producers write strings
    /// that are not valid UTF-8, and pprof reads them (see `rawtext`).
    #[prost(bytes = "vec", repeated, tag = "6")]
    pub string_table: Vec<Vec<u8>>,
    /// Index into the string table.
    #[prost(int64, tag = "7")]
    pub drop_frames: i64,
    /// Index into the string table.
    #[prost(int64, tag = "8")]
    pub keep_frames: i64,
    /// Collection time.
    #[prost(int64, tag = "9")]
    pub time_nanos: i64,
    /// Collection duration.
    #[prost(int64, tag = "10")]
    pub duration_nanos: i64,
    /// Period type.
    #[prost(message, optional, tag = "11")]
    pub period_type: Option<ValueType>,
    /// Sampling period.
    #[prost(int64, tag = "12")]
    pub period: i64,
    /// Indices into the string table.
    #[prost(int64, repeated, tag = "13")]
    pub comment: Vec<i64>,
    /// Index into the string table.
    #[prost(int64, tag = "14")]
    pub default_sample_type: i64,
}

/// The full `Profile` message, used for encoding (tests, generator, export).
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProfileMessage {
    /// Sample types.
    #[prost(message, repeated, tag = "1")]
    pub sample_type: Vec<ValueType>,
    /// Samples.
    #[prost(message, repeated, tag = "2")]
    pub sample: Vec<Sample>,
    /// Mappings.
    #[prost(message, repeated, tag = "3")]
    pub mapping: Vec<Mapping>,
    /// Locations.
    #[prost(message, repeated, tag = "4")]
    pub location: Vec<Location>,
    /// Functions.
    #[prost(message, repeated, tag = "5")]
    pub function: Vec<Function>,
    /// The string table.
    #[prost(string, repeated, tag = "6")]
    pub string_table: Vec<String>,
    /// Index into the string table.
    #[prost(int64, tag = "7")]
    pub drop_frames: i64,
    /// Index into the string table.
    #[prost(int64, tag = "8")]
    pub keep_frames: i64,
    /// Collection time.
    #[prost(int64, tag = "9")]
    pub time_nanos: i64,
    /// Collection duration.
    #[prost(int64, tag = "10")]
    pub duration_nanos: i64,
    /// Period type.
    #[prost(message, optional, tag = "11")]
    pub period_type: Option<ValueType>,
    /// Sampling period.
    #[prost(int64, tag = "12")]
    pub period: i64,
    /// Indices into the string table.
    #[prost(int64, repeated, tag = "13")]
    pub comment: Vec<i64>,
    /// Index into the string table.
    #[prost(int64, tag = "14")]
    pub default_sample_type: i64,
}

/// Every sample of a profile, flattened: sample `i` has locations
/// `location_ids[loc_start[i]..loc_start[i+1]]`, values
/// `values[val_start[i]..val_start[i+1]]` and labels
/// `labels[label_start[i]..label_start[i+1]]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SampleColumns {
    /// Offsets into `location_ids`; one more entry than samples.
    pub loc_start: Vec<u32>,
    /// Location ids, leaf first per sample, at the width of the largest.
    pub location_ids: crate::packed::Packed,
    /// Offsets into `values`; one more entry than samples.
    pub val_start: Vec<u32>,
    /// Values.
    pub values: Vec<i64>,
    /// Offsets into `labels`; one more entry than samples.
    pub label_start: Vec<u32>,
    /// Labels.
    pub labels: LabelColumns,
}

/// Labels as columns, 20 bytes each instead of a `Label`'s 32: the model
/// takes these vectors over as they are. String indices are narrowed to 32
/// bits; one that does not fit (negative, or past any string table a file
/// under 4 GB can hold) is kept as `u32::MAX`, and the first such label's
/// true indices beside, for the model's message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelColumns {
    /// Key string index.
    pub key: Vec<u32>,
    /// Value string index.
    pub str: Vec<u32>,
    /// Numeric value.
    pub num: Vec<i64>,
    /// Unit string index.
    pub unit: Vec<u32>,
    /// The first label with an index that does not fit 32 bits: its
    /// position and its (key, str, num_unit).
    pub first_wide: Option<(usize, [i64; 3])>,
}

impl LabelColumns {
    /// Appends a label.
    #[inline]
    pub fn push(&mut self, l: &Label) {
        let narrow = |x: i64| u32::try_from(x).unwrap_or(u32::MAX);
        let idx = [narrow(l.key), narrow(l.str), narrow(l.num_unit)];
        if self.first_wide.is_none() && idx.contains(&u32::MAX) {
            self.first_wide = Some((self.key.len(), [l.key, l.str, l.num_unit]));
        }
        self.key.push(idx[0]);
        self.str.push(idx[1]);
        self.num.push(l.num);
        self.unit.push(idx[2]);
    }
    /// Label `i`'s (key, str, num_unit) string indices, as the file gave them.
    pub fn indices(&self, i: usize) -> [i64; 3] {
        match self.first_wide {
            Some((w, idx)) if w == i => idx,
            _ => [self.key[i] as i64, self.str[i] as i64, self.unit[i] as i64],
        }
    }
    /// Number of labels.
    pub fn len(&self) -> usize {
        self.key.len()
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.key.is_empty()
    }
    /// Room for `n` more labels.
    pub fn reserve(&mut self, n: usize) {
        self.key.reserve_exact(n);
        self.str.reserve_exact(n);
        self.num.reserve_exact(n);
        self.unit.reserve_exact(n);
    }
    /// Frees unused capacity.
    pub fn shrink_to_fit(&mut self) {
        self.key.shrink_to_fit();
        self.str.shrink_to_fit();
        self.num.shrink_to_fit();
        self.unit.shrink_to_fit();
    }
}

impl SampleColumns {
    /// No samples yet, ready for [`SampleColumns::end_sample`] after each
    /// one's locations, values and labels are pushed (as importers build).
    pub fn started() -> SampleColumns {
        SampleColumns { loc_start: vec![0], val_start: vec![0], label_start: vec![0], ..SampleColumns::default() }
    }
    /// Closes the sample whose locations, values and labels were pushed
    /// since the last one.
    pub fn end_sample(&mut self) {
        self.loc_start.push(self.location_ids.len() as u32);
        self.val_start.push(self.values.len() as u32);
        self.label_start.push(self.labels.len() as u32);
    }
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.loc_start.len().saturating_sub(1)
    }
    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Frees the columns' unused capacity.
    pub fn shrink_to_fit(&mut self) {
        self.loc_start.shrink_to_fit();
        self.location_ids.shrink_to_fit();
        self.val_start.shrink_to_fit();
        self.values.shrink_to_fit();
        self.label_start.shrink_to_fit();
        self.labels.shrink_to_fit();
    }
}

/// A decoded profile: the header via prost, the samples as columns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// Everything but the samples.
    pub header: ProfileHeader,
    /// The samples.
    pub samples: SampleColumns,
}
