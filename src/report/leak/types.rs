//! The types the series and its findings share: what the series holds
//! ([`Series`], [`SeriesRow`], [`StackRow`]), what a finding says
//! ([`Finding`], [`Pattern`]) and what a heap site holds ([`Site`]). Both
//! `series` and `findings` build on these; neither reaches into the other's
//! types.

use crate::frames::is_own_code;
use std::collections::{BTreeMap, BTreeSet};

/// One function's values across the series.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesRow {
    /// pprof's printable name.
    pub name: String,
    /// What the program's own code holds here per snapshot: each sample's
    /// value goes to its innermost frame of the program's own code (library
    /// and runtime frames below it are charged to their caller).
    pub own: Vec<i64>,
    /// Flat value per snapshot.
    pub flat: Vec<i64>,
    /// Cumulative value per snapshot.
    pub cum: Vec<i64>,
    /// Last minus first (of the measure that ranked it).
    pub growth: i64,
    /// Least-squares slope per hour (per snapshot when times are unknown).
    pub slope: f64,
    /// Upward share of all movement, -1..1 (1: only ever rises).
    pub consistency: f64,
    /// Share of what the site allocated between first and last snapshot that
    /// it still holds (heap profiles with alloc_ and inuse_ types; else 1).
    /// Leaks keep what they allocate; churn frees it.
    pub retention: f64,
    /// The ranking score (higher: more suspect).
    pub score: f64,
}

/// One distinct goroutine stack across a series of goroutine profiles.
#[derive(Clone, Debug, PartialEq)]
pub struct StackRow {
    /// Function names, innermost first.
    pub frames: Vec<String>,
    /// Each frame's file (base name) and line, "main.go:63" ("" when unknown).
    pub lines: Vec<String>,
    /// Goroutines with this stack in each snapshot.
    pub counts: Vec<i64>,
    /// True when the count never falls, ends higher than it began, and the
    /// goroutines are blocked (not running): a leak.
    pub only_grows: bool,
    /// What the goroutines wait on, named from the runtime frames ("" if unknown).
    pub blocked_on: String,
    /// Where they were started: a dump's `created by` line, else "" (the
    /// stack's outermost frame is then the function started with `go`).
    pub created_by: String,
}

/// The line of a function that grew most over a heap series.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HotLine {
    /// The source file, as the profile records it.
    pub file: String,
    /// The line.
    pub line: i64,
    /// Its own in-use growth, first to last snapshot.
    pub growth: i64,
}

/// A ranked series.
#[derive(Clone, Debug)]
pub struct Series {
    /// File names, in time order.
    pub files: Vec<String>,
    /// Snapshot times (ns since the epoch; 0 when unknown).
    pub times: Vec<i64>,
    /// Report total per snapshot.
    pub totals: Vec<i64>,
    /// The sample type shown.
    pub sample_type: String,
    /// Its unit.
    pub unit: String,
    /// Suspects first.
    pub rows: Vec<SeriesRow>,
    /// Things the user should know (reordering, duplicates).
    pub notes: Vec<String>,
    /// True when every snapshot has a time and they are distinct: slopes are
    /// per unit of time ([`Series::per`]), else per snapshot.
    pub timed: bool,
    /// The unit slopes are per: "s", "min" or "h" (the one that fits the
    /// span), or "snapshot".
    pub per: &'static str,
    /// Each snapshot's offset from the first ("+0 s", "+1 h 10 min"; "" when unknown).
    pub offsets: Vec<String>,
    /// The span from first to last snapshot ("" when unknown).
    pub span: String,
    /// For goroutine profiles: every distinct stack's counts, growing ones first.
    pub stacks: Vec<StackRow>,
    /// What kind of leak each top suspect looks like, and the churn that is not one.
    pub findings: Vec<Finding>,
    /// Heap series: for each function, the line whose own in-use value grew
    /// most from the first snapshot to the last.
    pub hot_lines: BTreeMap<String, HotLine>,
}

/// The kinds of finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// A map or slice that keeps growing.
    GrowingMap,
    /// Goroutines that pile up, blocked in one place.
    GoroutineLeak,
    /// Memory allocated by goroutines that keep starting.
    GoroutineMemory,
    /// Tickers or timers never stopped.
    Tickers,
    /// Large buffers kept alive (by small slices of them, often).
    PinnedBuffers,
    /// `defer` piling up inside a long loop.
    DeferInLoop,
    /// Much allocated, nothing kept: not a leak.
    Churn,
}

impl Pattern {
    /// The pattern's short name, as the CLI and the page show it.
    pub fn title(self) -> &'static str {
        match self {
            Pattern::GrowingMap => "growing map or slice",
            Pattern::GoroutineLeak => "goroutine leak",
            Pattern::GoroutineMemory => "memory held by goroutines that keep starting",
            Pattern::Tickers => "unstopped tickers or timers",
            Pattern::PinnedBuffers => "large buffers kept alive",
            Pattern::DeferInLoop => "defer inside a long loop",
            Pattern::Churn => "steady churn (not a leak)",
        }
    }
    /// A stable identifier for scripts (`--format=json`).
    pub fn id(self) -> &'static str {
        match self {
            Pattern::GrowingMap => "growing-map",
            Pattern::GoroutineLeak => "goroutine-leak",
            Pattern::GoroutineMemory => "goroutine-memory",
            Pattern::Tickers => "tickers",
            Pattern::PinnedBuffers => "pinned-buffers",
            Pattern::DeferInLoop => "defer-in-loop",
            Pattern::Churn => "churn",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The function it is about (a suspect, or a churning site).
    pub name: String,
    /// What it looks like.
    pub pattern: Pattern,
    /// One sentence in plain words.
    pub sentence: String,
    /// What triggered it: frames, counts, sizes, per-snapshot values.
    pub evidence: Vec<String>,
    /// False when the data only suggests it (the sentence says so).
    pub certain: bool,
    /// Heap findings: the functions the site's stacks start at (a
    /// goroutine's entry, or `main`); what joins the finding to a goroutine
    /// leak of the same program. Empty for goroutine findings.
    pub roots: Vec<String>,
    /// Goroutine leaks: the leaking stack's frames, innermost first (what
    /// finds its group in a goroutine profile). Empty for heap findings.
    pub stack: Vec<String>,
}

/// What one site (a function charged with its samples, as the series
/// charges them) holds in one snapshot.
#[derive(Clone, Debug, Default)]
pub struct Site {
    /// In-use objects and bytes (0 when the profile has no such column).
    pub objects: i64,
    /// In-use bytes.
    pub space: i64,
    /// Allocated objects and bytes since the program started.
    pub alloc_objects: i64,
    /// Allocated bytes.
    pub alloc_space: i64,
    /// Bytes allocated (else in use) and in use per object size (the
    /// `bytes` label): growth shows in what was allocated, the old storage
    /// freed and the newest still held.
    pub sizes: BTreeMap<i64, (i64, i64)>,
    /// In-use objects allocated by the site itself (no frame below it), per
    /// object size: Go's heap profiles hide the runtime's frames above the
    /// first frame of other code, so what the runtime allocates for the site
    /// (defer records, map buckets) shows here.
    pub flat_sizes: BTreeMap<i64, i64>,
    /// In-use objects allocated below a timer or ticker constructor
    /// (`time.NewTicker`, `time.NewTimer`, `time.AfterFunc`…) called here.
    pub timer_objects: i64,
    /// Frames below the site (its callees in the samples), by name.
    pub below: BTreeSet<String>,
    /// The frames just above it (its callers in the samples).
    pub above: BTreeSet<String>,
    /// True when every sample's stack starts at a goroutine's own function
    /// (not at `runtime.main`): memory of goroutines started with `go`.
    pub goroutine_root: bool,
    /// The functions its samples' stacks start at.
    pub roots: BTreeSet<String>,
}

impl Series {
    /// A value of the series in its unit ("12MB").
    pub fn value_text(&self, v: i64) -> String {
        crate::units::label(v, &self.unit)
    }
    /// A suspect's slope with its step: "/s", "/min" or "/h" (the unit that
    /// fits the span) when the snapshots have times, else "/snapshot".
    pub fn slope_text(&self, r: &SeriesRow) -> String {
        format!("{}/{}", self.value_text(r.slope.round() as i64), self.per)
    }
    /// A suspect's own values, one per snapshot, space-separated.
    pub fn values_text(&self, r: &SeriesRow) -> String {
        r.own.iter().map(|&v| self.value_text(v)).collect::<Vec<_>>().join(" ")
    }
    /// The suspects worth showing (score above zero), best first, at most
    /// `limit`; ranked by what is in use, what the findings call churn is
    /// listed apart, not here (ranked by what was allocated, the top
    /// allocators are what the user asked for).
    pub fn suspects(&self, limit: usize) -> impl Iterator<Item = &SeriesRow> {
        let in_use = self.sample_type.starts_with("inuse");
        self.rows
            .iter()
            .filter(|r| r.score > 0.0)
            .filter(move |r| !in_use || !self.findings.iter().any(|f| f.pattern == Pattern::Churn && f.name == r.name))
            .take(limit)
    }
}

impl SeriesRow {
    /// The share of what the suspect allocated that it still holds ("83%").
    pub fn kept_text(&self) -> String {
        format!("{:.0}%", self.retention * 100.0)
    }
}

impl StackRow {
    /// The stack's innermost frame of the program's own code (else its outermost frame: the goroutine's entry).
    pub fn function(&self) -> String {
        self.frames.iter().find(|f| is_own_code(f)).or(self.frames.last()).cloned().unwrap_or_default()
    }
    /// Where [`StackRow::function`] waits: its file and line ("" when unknown).
    pub fn line(&self) -> &str {
        let at = self.frames.iter().position(|f| is_own_code(f)).unwrap_or(self.frames.len().saturating_sub(1));
        self.lines.get(at).map_or("", String::as_str)
    }
    /// Who started the goroutines: a dump's `created by` line; else, for a
    /// closure (`main.notify.func1`), the function it is written in
    /// (`main.notify`); else the function started with `go` (the entry).
    pub fn starter(&self) -> String {
        if !self.created_by.is_empty() {
            return self.created_by.clone();
        }
        let entry = self.frames.last().cloned().unwrap_or_default();
        let mut name = entry.as_str();
        while let Some((outer, last)) = name.rsplit_once('.') {
            let closure =
                last.strip_prefix("func").is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                    || last == "gowrap1";
            if !closure || outer.is_empty() {
                break;
            }
            name = outer;
        }
        name.to_string()
    }
}
