//! What the user asked to see, with pprof's defaults (`Query::default()`).

use crate::error::{Error, ErrorKind, Result};

/// How frames are grouped into nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Granularity {
    /// One node per function (pprof's default).
    #[default]
    Functions,
    /// One node per function and file.
    FileFunctions,
    /// One node per source file.
    Files,
    /// One node per source line.
    Lines,
    /// One node per instruction address.
    Addresses,
}

impl Granularity {
    /// Parses pprof's flag names.
    pub fn parse(s: &str) -> Result<Granularity> {
        Ok(match s {
            "functions" => Granularity::Functions,
            "filefunctions" => Granularity::FileFunctions,
            "files" => Granularity::Files,
            "lines" => Granularity::Lines,
            "addresses" => Granularity::Addresses,
            _ => {
                return Err(Error::new(
                    ErrorKind::BadQuery,
                    format!("unknown granularity \"{s}\" (use functions, filefunctions, files, lines or addresses)"),
                ))
            }
        })
    }
}

/// How a base profile is combined with the profiles being viewed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BaseMode {
    /// No base.
    #[default]
    None,
    /// `-base`: the base is subtracted; percentages are of the absolute sum.
    Subtract,
    /// `-diff_base`: the base is subtracted; percentages are of the base's total.
    Diff,
}

/// The refinements of a view, with pprof's flag names and syntax
/// (regexes; for the tag filters `key=value` and numeric ranges). The CLI's
/// [`Query`] and the page's view request both embed this one struct.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    /// `-focus`: keep samples through a matching frame.
    pub focus: String,
    /// `-ignore`: drop samples through a matching frame.
    pub ignore: String,
    /// `-hide`: remove matching frames from stacks.
    pub hide: String,
    /// `-show`: keep only matching frames in stacks.
    pub show: String,
    /// `-show_from`: cut stacks above the outermost matching frame.
    pub show_from: String,
    /// `-tagfocus`: keep samples with a matching label.
    pub tagfocus: String,
    /// `-tagignore`: drop samples with a matching label.
    pub tagignore: String,
}

impl Filters {
    /// Each filter with pprof's flag name, in pprof's order.
    pub fn fields(&self) -> [(&'static str, &String); 7] {
        [
            ("focus", &self.focus),
            ("ignore", &self.ignore),
            ("hide", &self.hide),
            ("show", &self.show),
            ("show_from", &self.show_from),
            ("tagfocus", &self.tagfocus),
            ("tagignore", &self.tagignore),
        ]
    }
}

/// A view of one or more profiles: pprof's report and filter options.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Query {
    /// `-sample_index`: a number or a type name; empty for the default.
    pub sample_index: String,
    /// Node granularity.
    pub granularity: Granularity,
    /// `-noinlines`: attribute inlined frames to their callers.
    pub noinlines: bool,
    /// The refinements (focus, ignore, hide, show, show_from, tagfocus,
    /// tagignore), with pprof's syntax.
    pub filters: Filters,
    /// Keep only this sample (by its index in the combined profile): one
    /// goroutine group of a goroutine profile. Not a pprof flag.
    pub group: Option<usize>,
    /// `-nodecount`: the most nodes shown; `None` for the report's default.
    pub nodecount: Option<usize>,
    /// `-nodefraction`: hide nodes below this fraction of the total.
    pub nodefraction: f64,
    /// `-edgefraction`: hide edges below this fraction of the total.
    pub edgefraction: f64,
    /// `-cum`: sort by cumulative value.
    pub cum: bool,
    /// `-unit`: output unit, "minimum" by default.
    pub unit: String,
    /// How the base profiles combine.
    pub base_mode: BaseMode,
    /// `-normalize`: scale the profiles to the base's total.
    pub normalize: bool,
    /// `-source_path` and `-trim_path`: where sources are, and what
    /// profile paths lose (they also shape node file names, as in pprof).
    pub paths: crate::paths::SourcePaths,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            sample_index: String::new(),
            granularity: Granularity::Functions,
            noinlines: false,
            filters: Filters::default(),
            group: None,
            nodecount: None,
            nodefraction: 0.005,
            edgefraction: 0.001,
            cum: false,
            unit: "minimum".to_string(),
            base_mode: BaseMode::None,
            normalize: false,
            paths: Default::default(),
        }
    }
}

impl Query {
    /// The filters in effect, as pprof lists them under "Active filters:".
    pub fn active_filters(&self) -> Vec<String> {
        self.filters
            .fields()
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={v}"))
            .chain(self.group.map(|g| format!("group={g}")))
            .collect()
    }
}
