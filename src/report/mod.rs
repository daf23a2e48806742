//! Stage 4: what a view shows, one file per report: the top table
//! (`top.rs`), peek (`peek.rs`), traces (`traces.rs`), source listings
//! (`list.rs`), the call graph (`dot.rs`), goroutine groups
//! (`goroutines.rs`), the comparison text (`diff.rs`), the explore panels
//! (`explore.rs`), the flame graph layout (`flame.rs`), and leak hunting
//! across snapshots (`leak/`: the series, its findings and the types they
//! share). Text output is byte-compatible with `go tool pprof`.

pub mod diff;
pub mod dot;
pub mod explore;
pub mod flame;
pub mod folded;
pub mod goroutines;
pub mod leak;
pub mod list;
pub mod peek;
pub mod replicates;
pub mod stats;
pub mod top;
pub mod traces;

pub use goroutines::{goroutine_groups, GoroutineGroup};
pub use peek::peek_text;
pub use top::{
    format_value, inline_labels, output_unit_of, profile_labels, rows_from, top, top_from, top_text,
    unpruned_output_unit, LabelCut, Top, TopRow,
};
pub use traces::traces_text;

/// A JSON string literal (the CLI's `--format=json`).
pub(crate) fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
