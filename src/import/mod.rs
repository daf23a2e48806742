//! Stage 1: bytes → [`proto::Profile`], for every format the core reads.
//!
//! This module sniffs the content (never the file name) and dispatches to
//! one importer per format, with one limit check:
//! - [`gzip`]: every member of a multi-member stream, CRC checked, output capped;
//! - [`pprof`]: the protobuf decoder (header with prost, samples by hand into
//!   columns), whole; `pipelined` (native: inflate and decode on two cores);
//!   [`stream`] (the page: fed as the bytes arrive);
//! - [`goroutines`]: Go's text goroutine dumps (`?debug=1` and `?debug=2`);
//! - [`legacy`]: Go's `?debug=1` heap, mutex, block and count texts,
//!   gperftools' CPU profiles and Java's legacy profiles.
//!
//! Text importers share one builder ([`builder::Importer`]). Every failure is
//! an [`Error`] whose message says what is wrong.

pub(crate) mod builder;
pub mod folded;
pub mod goroutines;
pub mod gzip;
pub mod json;
pub mod legacy;
pub mod perf;
#[cfg(not(target_arch = "wasm32"))]
mod pipelined;
pub mod pprof;
pub mod speedscope;
pub mod stream;
pub mod v8;

use crate::error::{Error, ErrorKind, Result};
use crate::proto::Profile;
pub use gzip::{crc32, gunzip_bytes, is_gzip};
#[cfg(test)]
pub(crate) use pprof::decode_samples;
pub use stream::StreamDecoder;

/// Limits and hooks for decoding.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct DecodeOptions {
    /// The most bytes a gzip stream may inflate to (default 2 GiB).
    pub max_decompressed: u64,
    /// The most samples a profile may hold (default 50 million).
    pub max_samples: u64,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { max_decompressed: 2 << 30, max_samples: 50_000_000 }
    }
}

/// The largest profile (uncompressed) the page opens. Its core runs in
/// 32-bit WebAssembly, whose memory stops at 4 GiB, and a profile takes about
/// 1.7 times its uncompressed size there (`scripts/bench-huge.sh`: the
/// 1.28 GB generated profile took 2.17 GB); more with many labels or sample
/// types.
pub const PAGE_MAX_DECOMPRESSED: u64 = 1_400_000_000;

impl DecodeOptions {
    /// The page's limits: at most [`PAGE_MAX_DECOMPRESSED`] bytes inflated.
    pub fn page() -> Self {
        DecodeOptions { max_decompressed: PAGE_MAX_DECOMPRESSED, ..Default::default() }
    }

    /// Refuses, before it is read, a file whose profile cannot fit the page:
    /// `size` is its uncompressed size (a gzip trailer's), `file_size` what
    /// the file takes. The sentence names both, the limit and the way out.
    pub fn check_page_size(&self, size: u64, file_size: u64, gzip: bool) -> Result<()> {
        if size <= self.max_decompressed {
            return Ok(());
        }
        let mb = |n: u64| {
            if n >= 1_000_000_000 {
                format!("{:.2} GB", n as f64 / 1e9)
            } else {
                format!("{} MB", (n as f64 / 1e6).round())
            }
        };
        let gzipped = if gzip { format!(" ({} gzipped)", mb(file_size)) } else { String::new() };
        Err(Error::new(
            ErrorKind::TooLarge,
            format!(
                "this profile is {} uncompressed{gzipped}, more than the {} the page can open: its core runs in \
                 WebAssembly, whose memory stops at 4 GB, and a profile needs about 1.7 times its size there. Open it \
                 with the pprof-lens command-line tool, which has no such limit (pprof-lens top FILE; see the README).",
                mb(size),
                mb(self.max_decompressed)
            ),
        ))
    }

    /// Options with a different decompressed-size cap.
    pub fn with_max_decompressed(mut self, n: u64) -> Self {
        self.max_decompressed = n;
        self
    }
}

/// Decodes a gzipped or raw pprof profile.
pub fn decode(data: &[u8], opts: &DecodeOptions) -> Result<Profile> {
    decode_with_progress(data, opts, &mut |_, _| {})
}

/// Like [`decode`], calling `progress(consumed, total)` as compressed input is consumed.
pub fn decode_with_progress(data: &[u8], opts: &DecodeOptions, progress: &mut dyn FnMut(u64, u64)) -> Result<Profile> {
    if data.is_empty() {
        return Err(Error::new(ErrorKind::Empty, "empty file: it has no bytes, so it holds no profile"));
    }
    if is_gzip(data) {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(done) = pipelined::decode_gzip(data, opts, progress) {
            return done;
        }
        let raw = gzip::gunzip(data, opts.max_decompressed, progress)?;
        if raw.is_empty() {
            return Err(Error::new(ErrorKind::Empty, "empty profile: the gzip stream inflates to no bytes"));
        }
        decode_raw(&raw, opts)
    } else {
        progress(data.len() as u64, data.len() as u64);
        decode_raw(data, opts)
    }
}

/// Dispatches raw (inflated) bytes to the importer of their format, told
/// from the content alone, and applies the sample limit once to whatever an
/// importer made (the protobuf decoder applies it while counting).
pub(crate) fn decode_raw(data: &[u8], opts: &DecodeOptions) -> Result<Profile> {
    let (what, p) = if goroutines::looks_like_dump(data) {
        // A text goroutine dump becomes a goroutine profile; unreadable lines
        // are reported as comments and the rest still loads.
        let dump = goroutines::parse(&String::from_utf8_lossy(data))?;
        ("goroutine dump", goroutines::to_proto(&dump))
    } else if legacy::looks_like_cpu_profile(data) {
        // gperftools' CPUPROFILE (and Go's before 1.9).
        ("legacy CPU profile", legacy::parse_cpu(data)?)
    } else if let Some(p) =
        legacy::looks_like_text_profile(data).then(|| legacy::parse(&String::from_utf8_lossy(data))).flatten()
    {
        // A Go ?debug=1 heap, allocs, mutex, block or threadcreate profile.
        ("text profile", p?)
    } else if v8::looks_like_cpuprofile(data) {
        ("V8 CPU profile", v8::parse_cpuprofile(data)?)
    } else if v8::looks_like_heapprofile(data) {
        ("V8 heap profile", v8::parse_heapprofile(data)?)
    } else if speedscope::looks_like_speedscope(data) {
        ("speedscope file", speedscope::parse(data)?)
    } else if perf::looks_like_perf_script(data) {
        ("perf script", perf::parse(data)?)
    } else if folded::looks_like_folded(data) {
        ("folded stack file", folded::parse(data)?)
    } else {
        if let Some(what) = sniff_foreign(data) {
            return Err(Error::new(ErrorKind::NotAProfile, format!("not a pprof profile: {what}")));
        }
        let (header, samples) = pprof::header_and_samples(data, opts);
        // The header's error first, as when they were read one after the other.
        let header = header?;
        let samples = samples?;
        return pprof::finish(header, samples);
    };
    check_samples(what, p, opts)
}

/// The one sample limit of an imported profile.
fn check_samples(what: &str, p: Profile, opts: &DecodeOptions) -> Result<Profile> {
    if p.samples.len() as u64 > opts.max_samples {
        return Err(Error::new(
            ErrorKind::TooLarge,
            format!(
                "the {what} has {} samples, more than the limit of {} (raise it with --max-samples)",
                p.samples.len(),
                opts.max_samples
            ),
        ));
    }
    Ok(p)
}

/// Recognises common non-profile files so the message can name them.
pub(crate) fn sniff_foreign(data: &[u8]) -> Option<String> {
    const MAGICS: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "this is a PNG image"),
        (b"\xff\xd8\xff", "this is a JPEG image"),
        (b"GIF8", "this is a GIF image"),
        (b"%PDF", "this is a PDF document"),
        (b"PK\x03\x04", "this is a ZIP archive"),
        (b"BZh", "this is a bzip2 stream; decompress it first"),
        (b"\xfd7zXZ\x00", "this is an xz stream; decompress it first"),
        (b"\x28\xb5\x2f\xfd", "this is a zstd stream; decompress it first"),
        (b"\x7fELF", "this is an ELF binary"),
    ];
    for (magic, what) in MAGICS {
        if data.starts_with(magic) {
            return Some((*what).to_string());
        }
    }
    sniff_text(data)
}

/// Says what kind of text `data` is, if it is text (protobuf profiles never are:
/// they start with a field tag such as 0x0a and hold many control bytes).
pub(crate) fn sniff_text(data: &[u8]) -> Option<String> {
    let head = &data[..data.len().min(512)];
    let printable = head
        .iter()
        .filter(|&&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80)
        .count();
    if head.is_empty() || printable * 100 < head.len() * 97 {
        return None;
    }
    let text = String::from_utf8_lossy(head);
    let first = text.lines().next().unwrap_or("").trim();
    let first: String = first.chars().take(60).collect();
    let kind = if first.starts_with("goroutine profile:") || first.starts_with("goroutine ") {
        "a text goroutine dump (debug=1 or debug=2 output)"
    } else if first.starts_with('{') || first.starts_with('[') {
        "a JSON file"
    } else if first.starts_with('<') {
        "an HTML or XML file"
    } else {
        "a text file"
    };
    Some(format!("this looks like {kind}, starting with \"{first}\""))
}

/// True when `head` (the first 4 KiB) is none of the other formats read
/// here: the samples can be decoded as protobuf as they arrive.
pub(crate) fn plain_protobuf(head: &[u8]) -> bool {
    !goroutines::looks_like_dump(head)
        && !legacy::looks_like_cpu_profile(head)
        && !legacy::looks_like_text_profile(head)
        && !folded::looks_like_folded(head)
        && !perf::looks_like_perf_script(head)
        && !speedscope::looks_like_speedscope(head)
        && !v8::looks_like_cpuprofile(head)
        && !v8::looks_like_heapprofile(head)
        && sniff_foreign(head).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_known_vector() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn the_page_refuses_what_cannot_fit_and_says_its_size() {
        let page = DecodeOptions::page();
        assert!(page.check_page_size(PAGE_MAX_DECOMPRESSED, 1, true).is_ok());
        let e = page.check_page_size(2_000_000_000, 2_000_000, true).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooLarge);
        assert!(
            e.message.starts_with("this profile is 2.00 GB uncompressed (2 MB gzipped), more than the 1.40 GB"),
            "{}",
            e.message
        );
        let e = page.check_page_size(1_500_000_000, 1_500_000_000, false).unwrap_err();
        assert!(e.message.starts_with("this profile is 1.50 GB uncompressed, more"), "{}", e.message);
    }

    #[test]
    fn empty_input_is_empty_error() {
        let e = decode(b"", &DecodeOptions::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Empty);
    }

    #[test]
    fn text_dump_is_named() {
        let e = decode(b"goroutine profile: total 4\n1 @ 0x1\n", &DecodeOptions::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotAProfile);
        assert!(e.message.contains("goroutine dump"), "{}", e.message);
    }
}
