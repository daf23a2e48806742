//! Stage 1: bytes → [`proto::Profile`].
//!
//! Sniffs gzip (`1f 8b`, every member of a multi-member stream, CRC checked)
//! or raw protobuf; inflates with a cap on the output size; decodes the
//! header with prost and the samples straight into columns. Every failure is
//! an [`Error`] whose message says what is wrong.

use crate::error::{human_bytes, Error, ErrorKind, Result};
use crate::proto::{Label, Profile, ProfileHeader, SampleColumns};
use prost::Message;

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

impl DecodeOptions {
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
        let raw = gunzip(data, opts.max_decompressed, progress)?;
        if raw.is_empty() {
            return Err(Error::new(ErrorKind::Empty, "empty profile: the gzip stream inflates to no bytes"));
        }
        decode_raw(&raw, opts)
    } else {
        progress(data.len() as u64, data.len() as u64);
        decode_raw(data, opts)
    }
}

/// Inflates a gzip stream (every member), capped at `limit` bytes.
pub fn gunzip_bytes(data: &[u8], limit: u64) -> Result<Vec<u8>> {
    gunzip(data, limit, &mut |_, _| {})
}

/// True when `data` starts with the gzip magic bytes.
pub fn is_gzip(data: &[u8]) -> bool {
    data.len() >= 2 && data[0] == 0x1f && data[1] == 0x8b
}

fn decode_raw(data: &[u8], opts: &DecodeOptions) -> Result<Profile> {
    if crate::goroutines::looks_like_dump(data) {
        // A text goroutine dump becomes a goroutine profile; unreadable lines
        // are reported as comments and the rest still loads.
        let dump = crate::goroutines::parse(&String::from_utf8_lossy(data))?;
        let p = crate::goroutines::to_proto(&dump);
        if p.samples.len() as u64 > opts.max_samples {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!(
                    "the dump has {} goroutine groups, more than the limit of {}",
                    p.samples.len(),
                    opts.max_samples
                ),
            ));
        }
        return Ok(p);
    }
    if crate::legacy::looks_like_cpu_profile(data) {
        // gperftools' CPUPROFILE (and Go's before 1.9).
        return crate::legacy::parse_cpu(data);
    }
    if crate::legacy::looks_like_text_profile(data) {
        // A Go ?debug=1 heap, allocs, mutex, block or threadcreate profile.
        if let Some(p) = crate::legacy::parse(&String::from_utf8_lossy(data)) {
            let p = p?;
            if p.samples.loc_start.len() as u64 > opts.max_samples.saturating_add(1) {
                return Err(Error::new(
                    ErrorKind::TooLarge,
                    format!("the text profile has more samples than the limit of {}", opts.max_samples),
                ));
            }
            return Ok(p);
        }
    }
    if let Some(what) = sniff_foreign(data) {
        return Err(Error::new(ErrorKind::NotAProfile, format!("not a pprof profile: {what}")));
    }
    let (header, samples) = header_and_samples(data, opts);
    // The header's error first, as when they were read one after the other.
    let header = header?;
    let samples = samples?;
    finish(header, samples)
}

/// The decoded profile, unless it holds nothing at all.
fn finish(header: ProfileHeader, samples: SampleColumns) -> Result<Profile> {
    if header.sample_type.is_empty() && header.string_table.is_empty() && samples.is_empty() {
        return Err(Error::new(
            ErrorKind::NotAProfile,
            "not a pprof profile: it decodes as protobuf but has no sample types, strings or samples",
        ));
    }
    Ok(Profile { header, samples })
}

/// The header (prost) and the samples (by hand into columns) are two
/// independent passes over the same bytes: natively they run on two cores.
#[cfg(not(target_arch = "wasm32"))]
fn header_and_samples(data: &[u8], opts: &DecodeOptions) -> (Result<ProfileHeader>, Result<SampleColumns>) {
    std::thread::scope(|s| {
        let samples = s.spawn(|| decode_samples(data, opts));
        let header = ProfileHeader::decode(data).map_err(|e| protobuf_error(data, &e.to_string()));
        let samples = samples.join().unwrap_or_else(|_| Err(protobuf_error(data, "the sample decoder failed")));
        (header, samples)
    })
}

/// In the page (one thread), one pass after the other.
#[cfg(target_arch = "wasm32")]
fn header_and_samples(data: &[u8], opts: &DecodeOptions) -> (Result<ProfileHeader>, Result<SampleColumns>) {
    let header = ProfileHeader::decode(data).map_err(|e| protobuf_error(data, &e.to_string()));
    if header.is_err() {
        return (header, Ok(SampleColumns::default()));
    }
    (header, decode_samples(data, opts))
}

fn protobuf_error(data: &[u8], detail: &str) -> Error {
    if sniff_text(data).is_some() {
        return Error::new(ErrorKind::NotAProfile, format!("not a pprof profile: {}", sniff_text(data).unwrap()));
    }
    let detail = detail.replace("failed to decode Protobuf message: ", "");
    Error::new(
        ErrorKind::Protobuf,
        format!(
            "not a valid pprof profile: the protobuf data is corrupt or truncated ({detail}) in {}",
            human_bytes(data.len() as u64)
        ),
    )
}

/// Recognises common non-profile files so the message can name them.
fn sniff_foreign(data: &[u8]) -> Option<String> {
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
fn sniff_text(data: &[u8]) -> Option<String> {
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

// ---------------------------------------------------------------- gzip

fn gunzip(data: &[u8], limit: u64, progress: &mut dyn FnMut(u64, u64)) -> Result<Vec<u8>> {
    let total = data.len() as u64;
    // The last member's trailer holds its size mod 2^32: a good capacity hint.
    let hint = if data.len() >= 18 { u32::from_le_bytes(data[data.len() - 4..].try_into().unwrap()) as u64 } else { 0 };
    // Deflate cannot expand more than ~1032:1, so a larger hint is a lie (or a truncated file).
    let guess = if hint > data.len() as u64 && hint <= data.len() as u64 * 1032 { hint } else { data.len() as u64 * 4 };
    let mut out: Vec<u8> = Vec::with_capacity(guess.min(limit.saturating_add(1)) as usize);
    let mut pos = 0usize;
    let mut member = 0;
    while pos < data.len() {
        if member > 0 && !is_gzip(&data[pos..]) {
            // Trailing garbage after a complete member: gzip tools tolerate zero padding.
            if data[pos..].iter().all(|&b| b == 0) {
                break;
            }
            return Err(Error::new(
                ErrorKind::CorruptGzip,
                format!(
                    "corrupt gzip stream: {} unexpected bytes after member {} at offset {pos}",
                    data.len() - pos,
                    member
                ),
            ));
        }
        let body = gzip_header_len(&data[pos..])? + pos;
        let start_len = out.len();
        let consumed = inflate_member(&data[body..], &mut out, limit, &mut |c| progress((body + c) as u64, total))?;
        let trailer = body + consumed;
        if data.len() < trailer + 8 {
            return Err(Error::new(
                ErrorKind::TruncatedGzip,
                format!(
                    "truncated gzip stream: the checksum trailer is missing after {}",
                    human_bytes(out.len() as u64)
                ),
            ));
        }
        let crc = u32::from_le_bytes(data[trailer..trailer + 4].try_into().unwrap());
        let isize = u32::from_le_bytes(data[trailer + 4..trailer + 8].try_into().unwrap());
        let produced = &out[start_len..];
        if produced.len() as u32 != isize || crc32(produced) != crc {
            return Err(Error::new(
                ErrorKind::CorruptGzip,
                "corrupt gzip stream: checksum mismatch (the file was damaged in transit or storage)",
            ));
        }
        pos = trailer + 8;
        member += 1;
    }
    progress(total, total);
    Ok(out)
}

fn gzip_header_len(d: &[u8]) -> Result<usize> {
    let trunc = || Error::new(ErrorKind::TruncatedGzip, "truncated gzip stream: the file ends inside the gzip header");
    if d.len() < 10 {
        return Err(trunc());
    }
    if d[2] != 8 {
        return Err(Error::new(
            ErrorKind::CorruptGzip,
            format!("corrupt gzip stream: unknown compression method {}", d[2]),
        ));
    }
    let flags = d[3];
    let mut p = 10usize;
    if flags & 4 != 0 {
        if d.len() < p + 2 {
            return Err(trunc());
        }
        p += 2 + u16::from_le_bytes([d[p], d[p + 1]]) as usize;
    }
    for bit in [8u8, 16] {
        if flags & bit != 0 {
            match d.get(p..).and_then(|r| r.iter().position(|&b| b == 0)) {
                Some(z) => p += z + 1,
                None => return Err(trunc()),
            }
        }
    }
    if flags & 2 != 0 {
        p += 2;
    }
    if p > d.len() {
        return Err(trunc());
    }
    Ok(p)
}

/// Inflates one raw deflate stream into `out`; returns the input bytes consumed.
/// Uses zlib-rs (through flate2), measured faster than miniz_oxide both
/// natively and in wasm; output is written into spare capacity, never zeroed.
fn inflate_member(input: &[u8], out: &mut Vec<u8>, limit: u64, progress: &mut dyn FnMut(usize)) -> Result<usize> {
    use flate2::{Decompress, FlushDecompress, Status};
    let mut d = Decompress::new(false);
    let base = out.len();
    let cap = limit.saturating_add(1).min(usize::MAX as u64) as usize;
    let mut calls = 0u32;
    loop {
        if out.len() == out.capacity() {
            if out.len() >= cap {
                return Err(too_large(limit));
            }
            let grow = out.len().clamp(1 << 16, 1 << 26).min(cap - out.len());
            out.reserve_exact(grow);
        }
        let (in_before, out_before) = (d.total_in(), out.len());
        let status = d.decompress_vec(&input[d.total_in() as usize..], out, FlushDecompress::None).map_err(|_| {
            Error::new(
                ErrorKind::CorruptGzip,
                format!("corrupt gzip stream: invalid deflate data near compressed byte {}", d.total_in()),
            )
        })?;
        if out.len() as u64 > limit {
            return Err(too_large(limit));
        }
        calls += 1;
        if calls.is_multiple_of(16) {
            progress(d.total_in() as usize);
        }
        if status == Status::StreamEnd {
            break;
        }
        let stalled = d.total_in() == in_before && out.len() == out_before;
        if d.total_in() as usize >= input.len() && (stalled || out.len() < out.capacity()) {
            return Err(Error::new(
                ErrorKind::TruncatedGzip,
                format!(
                    "truncated gzip stream after {} of compressed data ({} inflated)",
                    human_bytes(d.total_in()),
                    human_bytes((out.len() - base) as u64)
                ),
            ));
        }
    }
    Ok(d.total_in() as usize)
}

fn too_large(limit: u64) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        format!(
            "decompressed size exceeds {} (the limit protects memory; raise it with --max-decompressed)",
            human_bytes(limit)
        ),
    )
}

/// CRC-32 (IEEE), slicing by 8.
pub fn crc32(data: &[u8]) -> u32 {
    !crc32_update(!0, data)
}

/// Feeds `data` to a running CRC-32 whose register is `crc` (start with
/// `!0`; the checksum is `!crc` at the end).
fn crc32_update(mut crc: u32, data: &[u8]) -> u32 {
    static TABLES: std::sync::OnceLock<[[u32; 256]; 8]> = std::sync::OnceLock::new();
    let t = TABLES.get_or_init(|| {
        let mut t = [[0u32; 256]; 8];
        for i in 0..256u32 {
            let mut c = i;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            t[0][i as usize] = c;
        }
        for i in 0..256 {
            for k in 1..8 {
                let prev = t[k - 1][i];
                t[k][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            }
        }
        t
    });
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let lo = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) ^ crc;
        let hi = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
        crc = t[7][(lo & 0xff) as usize]
            ^ t[6][((lo >> 8) & 0xff) as usize]
            ^ t[5][((lo >> 16) & 0xff) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][(hi & 0xff) as usize]
            ^ t[2][((hi >> 8) & 0xff) as usize]
            ^ t[1][((hi >> 16) & 0xff) as usize]
            ^ t[0][(hi >> 24) as usize];
    }
    for &b in chunks.remainder() {
        crc = t[0][((crc ^ b as u32) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

// ---------------------------------------------------------------- pipelined (native)

/// Natively, a gzipped profile of a megabyte or more is inflated on the
/// calling thread while a second thread decodes the samples from what is
/// already inflated and runs the CRC, so they cost little beyond the
/// inflate itself. Whenever the pipeline does not apply (several gzip
/// members, a size the trailer does not give, more output than it says) or
/// anything fails, [`decode_gzip`](pipelined::decode_gzip) returns `None`
/// and the caller takes the plain path, which gives every error its usual
/// sentence.
#[cfg(not(target_arch = "wasm32"))]
mod pipelined {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex};

    /// Output inflated between two wake-ups of the sample thread.
    const STEP: usize = 1 << 20;

    /// What the sample thread leaves: whether the data is protobuf, the
    /// columns, why they stopped (if they did), and the CRC register.
    type Decoded = (bool, SampleColumns, Option<Fail>, u32);

    pub(super) fn decode_gzip(
        data: &[u8],
        opts: &DecodeOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Option<Result<Profile>> {
        if data.len() < 1 << 20 {
            return None;
        }
        let body = gzip_header_len(data).ok()?;
        let n = u32::from_le_bytes(data[data.len() - 4..].try_into().ok()?) as usize;
        let plausible = n > data.len() && n as u64 <= data.len() as u64 * 1032 && n as u64 <= opts.max_decompressed;
        if !plausible {
            return None;
        }
        // One byte more than the trailer says, so output beyond it shows.
        // Zeroed pages come from the system untouched: no cost until written.
        let mut buf = vec![0u8; n + 1];
        let base = buf.as_mut_ptr() as usize;
        // Bytes below `avail` are written and never written again; the
        // sample thread reads only those, this thread writes only above.
        let avail = AtomicUsize::new(0);
        let finished = AtomicBool::new(false);
        let wake = (Mutex::new(()), Condvar::new());
        let publish = |written: usize, last: bool| {
            avail.store(written, Ordering::Release);
            if last {
                finished.store(true, Ordering::Release);
            }
            let _guard = wake.0.lock();
            wake.1.notify_one();
        };
        let total = data.len() as u64;
        std::thread::scope(|scope| {
            let samples = scope.spawn(|| -> Decoded {
                let mut dec = SampleDecoder::new(opts, (0, 0, 0, 0));
                let (mut pos, mut crc_at, mut crc) = (0usize, 0usize, !0u32);
                let mut protobuf: Option<bool> = None;
                let mut failed: Option<Fail> = None;
                loop {
                    let last = finished.load(Ordering::Acquire);
                    let a = avail.load(Ordering::Acquire);
                    // SAFETY: `base` is `buf`'s allocation, alive until the
                    // scope ends; its first `a` bytes are initialised and the
                    // inflating thread never writes below `avail` again.
                    let d = unsafe { std::slice::from_raw_parts(base as *const u8, a) };
                    crc = crc32_update(crc, &d[crc_at..]);
                    crc_at = a;
                    if protobuf.is_none() && (a >= 4096 || last) {
                        protobuf = Some(plain_protobuf(&d[..a.min(4096)]));
                    }
                    if protobuf == Some(true) && failed.is_none() {
                        match dec.run(d, pos, last, &mut |_| true) {
                            Ok(p) => pos = p,
                            Err(f) => failed = Some(f),
                        }
                    }
                    if last {
                        return (protobuf == Some(true), dec.cols, failed, crc);
                    }
                    let guard = wake.0.lock().unwrap_or_else(|e| e.into_inner());
                    if avail.load(Ordering::Acquire) == a && !finished.load(Ordering::Acquire) {
                        drop(wake.1.wait(guard));
                    }
                }
            });
            // Inflate here, publishing every step.
            let mut z = flate2::Decompress::new(false);
            let input = &data[body..];
            let mut written = 0usize;
            let mut steps = 0u32;
            let ended = loop {
                let room = (n + 1 - written).min(STEP);
                if room == 0 {
                    break false;
                }
                // SAFETY: `[written, written + room)` lies inside `buf` and
                // above `avail`, where the sample thread never reads.
                let out = unsafe { std::slice::from_raw_parts_mut((base as *mut u8).add(written), room) };
                let (i0, o0) = (z.total_in(), z.total_out());
                let Ok(status) = z.decompress(&input[i0 as usize..], out, flate2::FlushDecompress::None) else {
                    break false;
                };
                written += (z.total_out() - o0) as usize;
                publish(written, false);
                steps += 1;
                if steps.is_multiple_of(16) {
                    progress((body as u64) + z.total_in(), total);
                }
                if status == flate2::Status::StreamEnd {
                    break true;
                }
                if z.total_in() == i0 && z.total_out() == o0 {
                    break false;
                }
            };
            publish(written, true);
            // One member, exactly as long as its trailer says, nothing after.
            let trailer = body + z.total_in() as usize;
            let whole = ended && written == n && data.len() == trailer + 8;
            // SAFETY: every write is done; both threads only read from here on.
            let raw = unsafe { std::slice::from_raw_parts(base as *const u8, written) };
            let header = whole.then(|| ProfileHeader::decode(raw));
            let (protobuf, cols, failed, crc) = samples.join().ok()?;
            if !whole || !crc != u32::from_le_bytes(data[trailer..trailer + 4].try_into().ok()?) {
                return None;
            }
            progress(total, total);
            if !protobuf {
                return Some(decode_raw(raw, opts));
            }
            let header = match header? {
                Ok(h) => h,
                Err(e) => return Some(Err(protobuf_error(raw, &e.to_string()))),
            };
            if let Some(f) = failed {
                return Some(Err(f.error(raw)));
            }
            Some(finish(header, cols))
        })
    }
}

// ---------------------------------------------------------------- streamed

/// Decodes a profile fed in pieces as they arrive (the page streams a file
/// through the browser's own inflater): samples go straight into columns,
/// every other field is merged into the header (protobuf's rule: a message
/// is the merge of its fields), and only an unfinished field is kept, so
/// neither the compressed nor the inflated file is ever held whole. Text
/// and legacy formats (told from the first 4 KiB) are kept and decoded at
/// the end. An error means this path cannot go on: the caller decodes the
/// whole file instead, which names what is wrong as [`decode`] does.
pub struct StreamDecoder {
    opts: DecodeOptions,
    /// Bytes not decoded yet: an unfinished field, or everything when the
    /// data is not (or not yet known to be) protobuf.
    pending: Vec<u8>,
    protobuf: Option<bool>,
    header: ProfileHeader,
    samples: SampleDecoder,
    total: u64,
    /// The size hint, until the columns were sized from it.
    hint: u64,
}

/// Once this many bytes were decoded, the columns but the location ids are
/// sized for the hinted size from what they hold per byte so far.
const SIZING_PROBE: u64 = 4 << 20;

impl StreamDecoder {
    /// A decoder of uncompressed profile bytes.
    pub fn new(opts: DecodeOptions) -> StreamDecoder {
        StreamDecoder::with_size_hint(opts, 0)
    }

    /// A decoder of about `size` uncompressed bytes (0: unknown). The
    /// location ids, the largest column, are sized for one id per three
    /// bytes at once (a varint and its share of the stack's framing):
    /// growing them by doubling would leave the copies it drops behind in
    /// the page's memory, which never shrinks. Room not filled is never
    /// touched, and given back at the end.
    pub fn with_size_hint(opts: DecodeOptions, size: u64) -> StreamDecoder {
        let ids = (size.min(opts.max_decompressed) / 3) as usize;
        StreamDecoder {
            samples: SampleDecoder::new(&opts, (0, ids, 0, 0)),
            opts,
            pending: Vec::new(),
            protobuf: None,
            header: ProfileHeader::default(),
            total: 0,
            hint: size.min(opts.max_decompressed),
        }
    }

    /// Feeds the next bytes.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        self.total += chunk.len() as u64;
        if self.total > self.opts.max_decompressed {
            return Err(too_large(self.opts.max_decompressed));
        }
        self.pending.extend_from_slice(chunk);
        if self.protobuf.is_none() && self.pending.len() >= 4096 {
            self.protobuf = Some(plain_protobuf(&self.pending[..4096]));
        }
        if self.protobuf == Some(true) {
            self.decode_fields(false)?;
        }
        Ok(())
    }

    fn decode_fields(&mut self, complete: bool) -> Result<()> {
        let header = &mut self.header;
        let mut merge = |field: &[u8]| header.merge(field).is_ok();
        let done = self.samples.run(&self.pending, 0, complete, &mut merge).map_err(|f| f.error(&self.pending))?;
        self.pending.drain(..done);
        self.size_columns();
        Ok(())
    }

    /// Sizes the values, labels and offsets for the hinted size, from their
    /// share of the bytes decoded so far (and a tenth more): grown by
    /// doubling, each would leave its dropped copies in the page's memory.
    /// Room not filled is never touched, and given back at the end.
    fn size_columns(&mut self) {
        let decoded = self.total - self.pending.len() as u64;
        if self.hint == 0 || decoded < SIZING_PROBE || self.hint <= decoded {
            return;
        }
        let more = |n: usize| (n as u128 * (self.hint - decoded) as u128 * 11 / 10 / decoded as u128) as usize;
        let c = &mut self.samples.cols;
        for v in [&mut c.loc_start, &mut c.val_start, &mut c.label_start] {
            v.reserve_exact(more(v.len()));
        }
        c.values.reserve_exact(more(c.values.len()));
        c.labels.reserve(more(c.labels.len()));
        self.hint = 0;
    }

    /// The profile, once every byte was fed.
    pub fn finish(mut self) -> Result<Profile> {
        if self.total == 0 {
            return Err(Error::new(ErrorKind::Empty, "empty profile: it has no bytes"));
        }
        let protobuf = *self.protobuf.get_or_insert_with(|| plain_protobuf(&self.pending));
        if !protobuf {
            return decode_raw(&self.pending, &self.opts);
        }
        self.decode_fields(true)?;
        // The columns grew by doubling, or were sized from a hint: give back
        // what they did not fill (the model keeps them as they are).
        let mut cols = self.samples.cols;
        cols.shrink_to_fit();
        finish(self.header, cols)
    }
}

/// True when `head` (the first 4 KiB) is none of the other formats read
/// here: the samples can be decoded as protobuf as they arrive.
fn plain_protobuf(head: &[u8]) -> bool {
    !crate::goroutines::looks_like_dump(head)
        && !crate::legacy::looks_like_cpu_profile(head)
        && !crate::legacy::looks_like_text_profile(head)
        && sniff_foreign(head).is_none()
}

// ---------------------------------------------------------------- samples

struct Reader<'a> {
    d: &'a [u8],
    p: usize,
}

impl<'a> Reader<'a> {
    #[inline(always)]
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = *self.d.get(self.p)?;
            self.p += 1;
            if shift == 63 && b > 1 {
                return None;
            }
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Some(v);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.varint()? as usize;
        let end = self.p.checked_add(n)?;
        let s = self.d.get(self.p..end)?;
        self.p = end;
        Some(s)
    }
    fn skip(&mut self, wire: u64) -> Option<()> {
        match wire {
            0 => {
                self.varint()?;
            }
            1 => self.p = self.p.checked_add(8).filter(|&e| e <= self.d.len())?,
            2 => {
                self.bytes()?;
            }
            5 => self.p = self.p.checked_add(4).filter(|&e| e <= self.d.len())?,
            _ => return None,
        }
        Some(())
    }
    fn done(&self) -> bool {
        self.p >= self.d.len()
    }
}

/// Exact sizes of the sample columns, from a quick scan (one byte of every
/// varint has its high bit clear), so the columns are allocated once: growing
/// them by doubling would hold two copies of the largest at its peak.
fn count_samples(data: &[u8]) -> Option<(usize, usize, usize, usize)> {
    let (mut samples, mut ids, mut values, mut labels) = (0usize, 0usize, 0usize, 0usize);
    let ends = |b: &[u8]| b.iter().filter(|&&x| x < 0x80).count();
    let mut r = Reader { d: data, p: 0 };
    while !r.done() {
        let key = r.varint()?;
        if key >> 3 == 2 && key & 7 == 2 {
            samples += 1;
            let mut m = Reader { d: r.bytes()?, p: 0 };
            while !m.done() {
                match m.varint()? {
                    0x0a => ids += ends(m.bytes()?),
                    0x08 => ids += m.varint().map(|_| 1)?,
                    0x12 => values += ends(m.bytes()?),
                    0x10 => values += m.varint().map(|_| 1)?,
                    0x1a => labels += m.bytes().map(|_| 1)?,
                    k => m.skip(k & 7)?,
                }
            }
        } else {
            r.skip(key & 7)?;
        }
    }
    Some((samples, ids, values, labels))
}

pub(crate) fn decode_samples(data: &[u8], opts: &DecodeOptions) -> Result<SampleColumns> {
    let (ns, ni, nv, nl) = count_samples(data).unwrap_or((0, 0, 0, 0));
    if ns as u64 > opts.max_samples {
        return Err(too_many_samples(opts.max_samples));
    }
    let mut dec = SampleDecoder::new(opts, (ns, ni, nv, nl));
    match dec.run(data, 0, true, &mut |_| true) {
        Ok(_) => Ok(dec.cols),
        Err(f) => Err(f.error(data)),
    }
}

fn too_many_samples(max_samples: u64) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        format!("the profile has more than {max_samples} samples (raise the limit with --max-samples)"),
    )
}

/// Why the sample decoder stopped: a sentence that needs the whole data
/// (see [`protobuf_error`]), or a finished error.
enum Fail {
    Bad(&'static str),
    Error(Error),
}

impl Fail {
    fn error(self, data: &[u8]) -> Error {
        match self {
            Fail::Bad(what) => protobuf_error(data, what),
            Fail::Error(e) => e,
        }
    }
}

/// Decodes the profile's samples (field 2) straight into columns, skipping
/// every other top-level field; it can be fed a prefix of the data that
/// grows (the pipelined inflate) or the whole data at once.
struct SampleDecoder {
    cols: SampleColumns,
    max_samples: u64,
}

impl SampleDecoder {
    /// A decoder whose columns hold `(samples, ids, values, labels)` without
    /// growing.
    fn new(opts: &DecodeOptions, (ns, ni, nv, nl): (usize, usize, usize, usize)) -> SampleDecoder {
        let start = |n: usize| {
            let mut v = Vec::with_capacity(n + 1);
            v.push(0);
            v
        };
        SampleDecoder {
            cols: SampleColumns {
                loc_start: start(ns),
                val_start: start(ns),
                label_start: start(ns),
                location_ids: crate::packed::Packed::with_capacity(ni, 32),
                values: Vec::with_capacity(nv),
                labels: {
                    let mut l = crate::proto::LabelColumns::default();
                    l.reserve(nl);
                    l
                },
            },
            max_samples: opts.max_samples,
        }
    }

    /// Decodes the top-level fields of `data` from offset `from`. With
    /// `complete`, `data` is all there is and a field that runs past its end
    /// is an error; without, decoding stops before such a field and returns
    /// its offset (call again with more data). Every other complete field
    /// goes whole (tag and all) to `other`, which says false to stop.
    fn run(
        &mut self,
        data: &[u8],
        from: usize,
        complete: bool,
        other: &mut dyn FnMut(&[u8]) -> bool,
    ) -> std::result::Result<usize, Fail> {
        let mut r = Reader { d: data, p: from };
        while !r.done() {
            let at = r.p;
            let incomplete = |what| if complete { Err(Fail::Bad(what)) } else { Ok(at) };
            let Some(key) = r.varint() else { return incomplete("bad field tag") };
            let (field, wire) = (key >> 3, key & 7);
            if field == 2 {
                if wire != 2 {
                    return Err(Fail::Error(wrong_wire_type("sample", wire)));
                }
                let Some(msg) = r.bytes() else { return incomplete("sample runs past the end") };
                match decode_sample(msg, &mut self.cols) {
                    Ok(Some(())) => {}
                    Ok(None) => return Err(Fail::Bad("malformed sample")),
                    Err(e) => return Err(Fail::Error(e)),
                }
                let cols = &self.cols;
                if cols.len() as u64 > self.max_samples {
                    return Err(Fail::Error(too_many_samples(self.max_samples)));
                }
                if cols.location_ids.len() > u32::MAX as usize - 1 || cols.values.len() > u32::MAX as usize - 1 {
                    return Err(Fail::Error(Error::new(
                        ErrorKind::TooLarge,
                        "the profile's samples hold more than 4 billion entries",
                    )));
                }
            } else if r.skip(wire).is_none() {
                return incomplete("bad field");
            } else if !other(&data[at..r.p]) {
                return Err(Fail::Bad("bad header field"));
            }
        }
        Ok(r.p)
    }
}

/// A known field sent with the wrong wire type: pprof refuses the file.
fn wrong_wire_type(field: &str, wire: u64) -> Error {
    let name = match wire {
        0 => "a varint",
        1 => "a 64-bit value",
        2 => "length-delimited data",
        5 => "a 32-bit value",
        _ => "an unknown wire type",
    };
    Error::new(
        ErrorKind::Protobuf,
        format!("not a valid pprof profile: field {field} holds {name}, not the type the pprof format gives it"),
    )
}

/// One sample into the columns: `Ok(None)` when its bytes are truncated,
/// an error when a known field has the wrong wire type.
fn decode_sample(msg: &[u8], cols: &mut SampleColumns) -> Result<Option<()>> {
    let mut wrong = None;
    let done = decode_sample_fields(msg, cols, &mut wrong);
    match wrong {
        Some((f, w)) => Err(wrong_wire_type(["sample.location_id", "sample.value", "sample.label"][f - 1], w)),
        None => Ok(done),
    }
}

/// A `Label` message (every field a varint); `None` when malformed or a
/// field has the wrong wire type, as prost refuses it.
#[inline]
fn label(b: &[u8]) -> Option<Label> {
    let mut l = Label::default();
    let mut r = Reader { d: b, p: 0 };
    while !r.done() {
        let key = r.varint()?;
        let slot = match key >> 3 {
            0 => return None,
            1 => &mut l.key,
            2 => &mut l.str,
            3 => &mut l.num,
            4 => &mut l.num_unit,
            _ => {
                r.skip(key & 7)?;
                continue;
            }
        };
        if key & 7 != 0 {
            return None;
        }
        *slot = r.varint()? as i64;
    }
    Some(l)
}

fn decode_sample_fields(msg: &[u8], cols: &mut SampleColumns, wrong: &mut Option<(usize, u64)>) -> Option<()> {
    let mut r = Reader { d: msg, p: 0 };
    while !r.done() {
        let key = r.varint()?;
        match (key >> 3, key & 7) {
            (1, 2) => {
                let b = r.bytes()?;
                let mut ids = cols.location_ids.appender(b.len());
                let mut p = Reader { d: b, p: 0 };
                while !p.done() {
                    ids.push(p.varint()?);
                }
            }
            (1, 0) => cols.location_ids.push(r.varint()?),
            (2, 2) => {
                let mut p = Reader { d: r.bytes()?, p: 0 };
                while !p.done() {
                    cols.values.push(p.varint()? as i64);
                }
            }
            (2, 0) => cols.values.push(r.varint()? as i64),
            (3, 2) => cols.labels.push(&label(r.bytes()?)?),
            (f @ 1..=3, w) => {
                *wrong = Some((f as usize, w));
                return None;
            }
            (_, w) => r.skip(w)?,
        }
    }
    cols.loc_start.push(cols.location_ids.len() as u32);
    cols.val_start.push(cols.values.len() as u32);
    cols.label_start.push(cols.labels.len() as u32);
    Some(())
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
