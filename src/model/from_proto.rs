//! [`Profile::from_proto`]: the wire profile validated and interned, one
//! function per table (strings, mappings, functions, locations and their
//! frames, samples), each naming the offending id in its errors.

use super::{Frames, Functions, Labels, Locations, Mapping, ModelOptions, Profile, Samples, ValueType, NONE};
use crate::error::{Error, ErrorKind, Result};
use crate::proto;
use std::collections::HashMap;

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
    /// Records a table entry's wire id; reserved (0) and repeated ids are errors.
    fn add(&mut self, id: u64, idx: usize, table: &str) -> Result<()> {
        if id == 0 {
            return Err(invalid(format!("found {table} with reserved id 0")));
        }
        if !self.insert(id, idx as u32) {
            return Err(invalid(format!("multiple {table}s with the same id {id}")));
        }
        Ok(())
    }
}

/// The string table, checked: every index into it goes through here.
struct Strings(Vec<String>);

impl Strings {
    /// The table, which pprof refuses unless it starts with "" (index 0
    /// means "no string" everywhere).
    fn new(table: Vec<Vec<u8>>, raw: bool) -> Result<Strings> {
        let strings: Vec<String> = table.into_iter().map(|b| crate::rawtext::from_bytes(b, raw)).collect();
        match strings.first() {
            Some(s) if s.is_empty() => Ok(Strings(strings)),
            Some(s) => {
                let shown: String = s.chars().take(40).collect();
                Err(invalid(format!(
                    "the string table must start with the empty string, but its first entry is \"{shown}\""
                )))
            }
            None => Err(invalid("the string table is empty: it must start with the empty string".into())),
        }
    }
    /// A checked index; `what` names the entry that holds it.
    fn id(&self, x: i64, what: &dyn Fn() -> String) -> Result<u32> {
        let n = self.0.len();
        if x < 0 || x as usize >= n {
            Err(invalid(format!("string index {x} is outside the string table ({n} entries) in {}", what())))
        } else {
            Ok(x as u32)
        }
    }
    fn string(&self, x: i64, what: &dyn Fn() -> String) -> Result<String> {
        Ok(self.0[self.id(x, what)? as usize].clone())
    }
    fn value_type(&self, v: &proto::ValueType, what: &str) -> Result<ValueType> {
        Ok(ValueType {
            ty: self.string(v.r#type, &|| what.to_string())?,
            unit: self.string(v.unit, &|| what.to_string())?,
        })
    }
}

impl Profile {
    /// Validates and interns a decoded profile.
    pub fn from_proto(p: proto::Profile, opts: &ModelOptions) -> Result<Profile> {
        let proto::Profile { header: h, samples: sc } = p;
        let strings = Strings::new(h.string_table, opts.raw_strings)?;
        let sample_types = h
            .sample_type
            .iter()
            .enumerate()
            .map(|(i, st)| strings.value_type(st, &format!("sample type {i}")))
            .collect::<Result<Vec<_>>>()?;
        if sample_types.is_empty() {
            return Err(invalid("missing sample type information".into()));
        }
        let period_type = h.period_type.as_ref().map(|v| strings.value_type(v, "the period type")).transpose()?;
        let comments =
            h.comment.iter().map(|&c| strings.string(c, &|| "a comment".into())).collect::<Result<Vec<_>>>()?;
        let (mapping_ids, mappings) = mappings(&h.mapping, &strings)?;
        let (function_ids, mut functions) = functions(&h.function, &strings)?;
        let (location_ids, locations, frames) = locations(&h.location, &mapping_ids, &function_ids)?;
        // As Go numbers them, and pprof's own writer.
        let ids_in_order = h.location.iter().enumerate().all(|(i, l)| l.id == i as u64 + 1);
        let samples = samples(sc, sample_types.len(), &location_ids, ids_in_order, h.location.len(), &strings, opts)?;
        let default_sample_type = strings.string(h.default_sample_type, &|| "the default sample type".into())?;
        let drop_frames = strings.string(h.drop_frames, &|| "drop_frames".into())?;
        let keep_frames = strings.string(h.keep_frames, &|| "keep_frames".into())?;
        let mut strings = strings.0;
        symbolizer_names(&mut functions, &mut strings);
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
}

fn mappings(wire: &[proto::Mapping], strings: &Strings) -> Result<(IdMap, Vec<Mapping>)> {
    let mut ids = IdMap::new(wire.len());
    let mut mappings = Vec::with_capacity(wire.len());
    for (i, m) in wire.iter().enumerate() {
        ids.add(m.id, i, "mapping")?;
        let what = || format!("mapping id {}", m.id);
        mappings.push(Mapping {
            start: m.memory_start,
            limit: m.memory_limit,
            offset: m.file_offset,
            file: strings.string(m.filename, &what)?,
            build_id: strings.string(m.build_id, &what)?,
        });
    }
    Ok((ids, mappings))
}

fn functions(wire: &[proto::Function], strings: &Strings) -> Result<(IdMap, Functions)> {
    let nf = wire.len();
    let mut ids = IdMap::new(nf);
    let mut functions = Functions {
        name: Vec::with_capacity(nf),
        system_name: Vec::with_capacity(nf),
        filename: Vec::with_capacity(nf),
        start_line: Vec::with_capacity(nf),
    };
    for (i, f) in wire.iter().enumerate() {
        ids.add(f.id, i, "function")?;
        let what = || format!("function id {}", f.id);
        functions.name.push(strings.id(f.name, &what)?);
        functions.system_name.push(strings.id(f.system_name, &what)?);
        functions.filename.push(strings.id(f.filename, &what)?);
        functions.start_line.push(f.start_line);
    }
    Ok((ids, functions))
}

/// Locations and their frames (each line, innermost first).
fn locations(
    wire: &[proto::Location],
    mapping_ids: &IdMap,
    function_ids: &IdMap,
) -> Result<(IdMap, Locations, Frames)> {
    let nl = wire.len();
    let mut ids = IdMap::new(nl);
    let nframes: usize = wire.iter().map(|l| l.line.len()).sum();
    let mut locations = Locations {
        mapping: Vec::with_capacity(nl),
        address: Vec::with_capacity(nl),
        frame_start: Vec::with_capacity(nl + 1),
    };
    let mut frames = Frames { func: Vec::with_capacity(nframes), line: Vec::with_capacity(nframes) };
    locations.frame_start.push(0);
    for (i, l) in wire.iter().enumerate() {
        ids.add(l.id, i, "location")?;
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
    Ok((ids, locations, frames))
}

/// The samples. The decoder's columns become the model's in place (the
/// location ids turned into indices in their own vector, the values and
/// offsets kept): copies would double the largest columns at the peak of a
/// big profile's load.
fn samples(
    sc: proto::SampleColumns,
    nt: usize,
    location_ids: &IdMap,
    ids_in_order: bool,
    nl: usize,
    strings: &Strings,
    opts: &ModelOptions,
) -> Result<Samples> {
    let ns = sc.len();
    let proto::SampleColumns { loc_start, location_ids: mut stack, val_start, values, label_start, labels } = sc;
    // Labels are kept in place, the empty ones squeezed out.
    let mut labels = labels;
    let mut label_start = label_start;
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
            let (key, str_, unit) = (strings.id(k, &what)?, strings.id(st, &what)?, strings.id(u, &what)?);
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
    Ok(Samples { stack_start: loc_start, stack, values, label_start, labels })
}

/// pprof's symbolizer names a function by its system name when the name is
/// empty or the same, simplified by its C++ heuristics.
fn symbolizer_names(functions: &mut Functions, strings: &mut Vec<String>) {
    let mut added: HashMap<String, u32> = Default::default();
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
}
