//! Leak hunting across a series of snapshots of one program: the series
//! itself ([`series`]: totals, every function's values, ranked suspects),
//! what kind of leak each suspect looks like ([`findings`]), and the types
//! both share ([`types`]), so neither imports the other's: `series` calls
//! `findings`, and both stand on `types`.

pub mod findings;
pub mod series;
pub mod types;

pub use findings::{goroutine_findings, heap_findings, heap_sites};
pub use series::{duration_text, series, series_in_order, series_json, series_text};
pub use types::{Finding, Pattern, Series, SeriesRow, Site, StackRow};
