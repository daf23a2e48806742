//! pprof-lens core: import, model, aggregate and report pprof profiles.
//!
//! Data flows one way through named stages, each taking the previous stage's
//! type plus options:
//!
//! ```text
//! bytes ──import──▶ proto::Profile ──model──▶ model::Profile ──aggregate──▶ Prepared ──report──▶ Top / Flame / Series / …
//! ```
//!
//! The same core serves the native CLI (`src/bin/pprof-lens.rs`) and the
//! browser page: `session/` is the page's application layer in plain Rust,
//! and `wasm.rs`, the one binding file, only converts it for JavaScript.
#![deny(missing_docs)]

pub mod aggregate;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod encode;
pub mod error;
pub mod frames;
pub mod fxmap;
pub mod import;
pub mod model;
pub mod order;
pub mod packed;
pub mod par;
pub mod paths;
pub mod proto;
pub mod query;
pub mod rawtext;
pub mod report;
pub mod session;
pub mod synth;
pub mod units;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use aggregate::Prepared;
pub use error::{Error, ErrorKind, Result};
pub use import::{decode, DecodeOptions};
pub use model::{ModelOptions, Profile};
pub use query::{BaseMode, Granularity, Query};

/// Decodes and validates one profile from bytes with the given limits.
pub fn load(data: &[u8], decode_opts: &DecodeOptions, model_opts: &ModelOptions) -> Result<Profile> {
    let p = import::decode(data, decode_opts)?;
    Profile::from_proto(p, model_opts)
}
