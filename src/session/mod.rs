//! The page's application layer, in plain Rust: every open profile and
//! comparison, the current view of each (sample type, granularity,
//! refinements), its flame graphs (the view's own, a comparison's two sides,
//! a pivot's callers and callees), the tooltip's facts, callers and callees,
//! labels, series and goroutine groups, source listings and the call graph. `src/wasm.rs` only converts these
//! calls and results to and from JavaScript; `cargo test` runs them natively.
//!
//! Results are plain structs: small facts as strings formatted the way
//! pprof formats them, big columns as vectors the binding turns into typed
//! arrays.

mod explore;
mod flame;
mod graph;
mod noise;
mod series;
mod source;
#[cfg(test)]
mod tests;
mod view;
mod warm;

pub use explore::{LabelKeyFacts, LabelValueFacts, NeighbourFacts, Neighbours, PivotFacts};
pub use flame::BoxFacts;
pub use graph::{GraphEdge, GraphFacts, GraphNode};
pub use noise::Noise;
pub use series::{GoroutineRow, SeriesFacts};
pub use source::{LineFacts, SeriesLine, SeriesRoutine, SourceRoutine};
pub use view::{SearchResult, TopOrder, TopSort, TopTable, ViewHeader, ViewInfo, ViewRequest};
pub use warm::warm_up;

use crate::aggregate::combine;
use crate::error::{Error, ErrorKind, Result};
use crate::report;
use crate::{DecodeOptions, ModelOptions, Profile};
use view::Current;

/// Which flame graph of a view a request is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The view's own flame graph (for a comparison, the merged diff tree).
    View,
    /// A comparison's base alone (side by side).
    Base,
    /// A comparison's new side alone (side by side).
    New,
    /// The pivot's callers, drawn upward from the function.
    Callers,
    /// The pivot's callees, drawn downward from the function.
    Callees,
}

impl Side {
    /// Every side, in the order of their numbers across the boundary.
    pub const ALL: [Side; 5] = [Side::View, Side::Base, Side::New, Side::Callers, Side::Callees];

    /// The side numbered `n` (the JS shell's `SIDE` constants).
    pub fn from_index(n: u32) -> Result<Side> {
        Side::ALL
            .get(n as usize)
            .copied()
            .ok_or_else(|| Error::new(ErrorKind::BadQuery, format!("no flame graph side {n} (0 to 4)")))
    }

    /// Its number across the boundary.
    pub fn index(self) -> u32 {
        Side::ALL.iter().position(|&s| s == self).unwrap_or(0) as u32
    }
}

/// Facts about an open profile or comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileInfo {
    /// Its id in the session.
    pub id: u32,
    /// The name it was opened with.
    pub name: String,
    /// (type, unit) of each sample type.
    pub sample_types: Vec<(String, String)>,
    /// The sample type pprof shows by default.
    pub default_index: u32,
    /// Samples, locations and functions.
    pub samples: u32,
    /// Locations.
    pub locations: u32,
    /// Functions.
    pub functions: u32,
    /// When it was taken (ns since the epoch; 0 when unknown).
    pub time_nanos: i64,
    /// How long it covers (ns).
    pub duration_nanos: i64,
    /// The profile's comments.
    pub comments: Vec<String>,
    /// The producer, as far as the profile says (for telling tabs apart).
    pub producer: String,
}

/// What a comparison is made of, to remake it (normalised or not).
#[derive(Clone, Debug, PartialEq)]
struct Comparison {
    base: Vec<u32>,
    new: Vec<u32>,
    normalize: bool,
}

/// One open profile or comparison.
struct Loaded {
    name: String,
    /// The profile while no view exists; a view owns it (in its `Prepared`).
    profile: Option<Profile>,
    current: Option<Current>,
    compare: Option<Comparison>,
}

impl Loaded {
    fn profile(&self) -> &Profile {
        match (&self.profile, &self.current) {
            (Some(p), _) => p,
            (None, Some(c)) => &c.prepared.profile,
            // Every path that takes the profile out puts it (or its view) back.
            (None, None) => unreachable!("an open profile always has its data"),
        }
    }
}

/// Every profile the page has open.
pub struct Session {
    profiles: Vec<Option<Loaded>>,
    /// Views of profiles with this many frames or more read their stacks
    /// through the profile (see [`crate::aggregate::graph::stacks_from`]).
    through_from: usize,
}

impl Default for Session {
    fn default() -> Self {
        Session { profiles: Vec::new(), through_from: crate::aggregate::graph::THROUGH_FROM }
    }
}

fn no_such_profile() -> Error {
    Error::new(ErrorKind::BadQuery, "no such profile: it was closed")
}

impl Session {
    /// An empty session.
    pub fn new() -> Session {
        Session::default()
    }

    /// Decodes and validates `bytes` (gzipped or raw, or a goroutine dump),
    /// calling `progress(consumed, total)` while inflating.
    pub fn load(&mut self, name: &str, bytes: &[u8], progress: &mut dyn FnMut(u64, u64)) -> Result<ProfileInfo> {
        let raw = crate::import::decode_with_progress(bytes, &DecodeOptions::page(), progress)?;
        let profile = Profile::from_proto(raw, &ModelOptions::default())?;
        Ok(self.add(name, profile, None))
    }

    /// Refuses, before it is read, a file whose profile cannot fit the page
    /// (see [`DecodeOptions::check_page_size`]).
    pub fn check_size(&self, size: u64, file_size: u64, gzip: bool) -> Result<()> {
        DecodeOptions::page().check_page_size(size, file_size, gzip)
    }

    /// A streamed decoder with the page's limits, for about `size` bytes.
    pub fn loader(size: u64) -> crate::import::StreamDecoder {
        crate::import::StreamDecoder::with_size_hint(DecodeOptions::page(), size)
    }

    /// Opens what a streamed decoder was fed (the page feeds the file's
    /// inflated bytes as they arrive).
    pub fn load_streamed(&mut self, name: &str, decoder: crate::import::StreamDecoder) -> Result<ProfileInfo> {
        let profile = Profile::from_proto(decoder.finish()?, &ModelOptions::default())?;
        Ok(self.add(name, profile, None))
    }

    /// Opens an already decoded profile.
    pub fn open(&mut self, name: &str, profile: Profile) -> ProfileInfo {
        self.add(name, profile, None)
    }

    fn add(&mut self, name: &str, profile: Profile, compare: Option<Comparison>) -> ProfileInfo {
        let id = self.profiles.len() as u32;
        self.profiles.push(Some(Loaded { name: name.to_string(), profile: Some(profile), current: None, compare }));
        self.info(id).expect("just added")
    }

    /// Compares the profiles `new` with the profiles `base` (each side
    /// merged, as pprof merges several files): one profile holding the new
    /// side's samples and the base's negated and labelled, as pprof's
    /// `-diff_base` makes it. Views of it are comparisons.
    pub fn compare(&mut self, base: &[u32], new: &[u32], name: &str) -> Result<ProfileInfo> {
        if base.is_empty() || new.is_empty() {
            return Err(Error::new(ErrorKind::BadQuery, "choose at least one base profile and one new profile"));
        }
        if let Some(&both) = base.iter().find(|b| new.contains(b)) {
            let msg = format!("{} cannot be both the base and the new profile", self.get(both)?.name);
            return Err(Error::new(ErrorKind::BadQuery, msg));
        }
        let c = Comparison { base: base.to_vec(), new: new.to_vec(), normalize: false };
        let profile = self.combine(&c)?;
        Ok(self.add(name, profile, Some(c)))
    }

    /// Forgets a profile (its id is never reused).
    pub fn close(&mut self, id: u32) {
        if let Some(slot) = self.profiles.get_mut(id as usize) {
            *slot = None;
        }
    }

    /// Facts about an open profile.
    pub fn info(&self, id: u32) -> Result<ProfileInfo> {
        let l = self.get(id)?;
        let p = l.profile();
        Ok(ProfileInfo {
            id,
            name: l.name.clone(),
            sample_types: p.sample_types.iter().map(|t| (t.ty.clone(), t.unit.clone())).collect(),
            default_index: p.default_index() as u32,
            samples: p.samples.len() as u32,
            locations: p.locations.len() as u32,
            functions: p.functions.len() as u32,
            time_nanos: p.time_nanos,
            duration_nanos: p.duration_nanos,
            comments: p.comments.clone(),
            producer: producer(p),
        })
    }

    /// Merges each side of a comparison and subtracts the base, labelled:
    /// the one comparison engine ([`combine::compare_refs`]), shared with
    /// `pprof-lens diff` and `-diff_base`.
    fn combine(&self, c: &Comparison) -> Result<Profile> {
        let side = |ids: &[u32]| -> Result<Vec<(&str, &Profile)>> {
            ids.iter()
                .map(|&i| {
                    let l = self.get(i).map_err(|_| {
                        Error::new(
                            ErrorKind::BadQuery,
                            "a profile of this comparison was closed: reopen it and compare again",
                        )
                    })?;
                    if l.compare.is_some() {
                        let msg = format!("{} is itself a comparison: compare profiles", l.name);
                        return Err(Error::new(ErrorKind::BadQuery, msg));
                    }
                    Ok((l.name.as_str(), l.profile()))
                })
                .collect()
        };
        let (base, new) = (side(&c.base)?, side(&c.new)?);
        let named: Vec<(&str, &Profile)> = base.iter().chain(&new).copied().collect();
        report::diff::check_comparable(&named)?;
        if c.normalize && base.iter().all(|(_, p)| p.samples.values.iter().all(|&v| v == 0)) {
            return Err(Error::new(ErrorKind::BadQuery, "the base has no samples: there is no total to normalise to"));
        }
        let news: Vec<&Profile> = new.iter().map(|&(_, p)| p).collect();
        let bases: Vec<&Profile> = base.iter().map(|&(_, p)| p).collect();
        combine::compare_refs(&news, &bases, c.normalize)
    }

    fn get(&self, id: u32) -> Result<&Loaded> {
        self.profiles.get(id as usize).and_then(|p| p.as_ref()).ok_or_else(no_such_profile)
    }

    fn get_mut(&mut self, id: u32) -> Result<&mut Loaded> {
        self.profiles.get_mut(id as usize).and_then(|p| p.as_mut()).ok_or_else(no_such_profile)
    }

    fn current(&self, id: u32) -> Result<&Current> {
        self.get(id)?.current.as_ref().ok_or_else(|| Error::new(ErrorKind::BadQuery, "no view yet: call view() first"))
    }

    fn current_mut(&mut self, id: u32) -> Result<&mut Current> {
        self.get_mut(id)?
            .current
            .as_mut()
            .ok_or_else(|| Error::new(ErrorKind::BadQuery, "no view yet: call view() first"))
    }
}

/// Who made a profile, as far as it says: Go's runtime (a `runtime.main`
/// or `runtime.goexit` frame), a converted goroutine dump, Node.js (an
/// `(anonymous)` or `(program)` frame), else the binary's name, else "".
fn producer(p: &Profile) -> String {
    if p.comments.iter().any(|c| c.contains("goroutine dump")) {
        return "goroutine dump".into();
    }
    let names = || (0..p.functions.len()).map(|f| p.str(p.functions.name[f]));
    if names().any(|n| n == "runtime.main" || n == "runtime.goexit" || n.starts_with("runtime.")) {
        return "Go".into();
    }
    if names().any(|n| n == "(program)" || n == "(anonymous)" || n == "(garbage collector)") {
        return "Node.js".into();
    }
    p.mappings.first().map(|m| m.file.rsplit('/').next().unwrap_or("").to_string()).unwrap_or_default()
}
