//! Leak hunting across a series of snapshots of one program: the series
//! itself ([`series`]: totals, every function's values, ranked suspects),
//! what kind of leak each suspect looks like ([`findings`]), and the types
//! both share ([`types`]), so neither imports the other's: `series` calls
//! `findings`, and both stand on `types`. [`join`] reads heap and goroutine
//! snapshots of one process together.

pub mod findings;
pub mod ground;
pub mod join;
pub mod series;
pub mod types;

pub use findings::{goroutine_findings, heap_findings, heap_sites};
pub use join::{join, series_of_kinds, Joined};
pub use series::{
    duration_text, findings_json, findings_text, joined_json, joined_text, series, series_in_order, series_json,
    series_text,
};
pub use types::{Finding, HotLine, Pattern, Series, SeriesRow, Site, StackRow};

use series::charged;
