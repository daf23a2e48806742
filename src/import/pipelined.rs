//! Natively, a gzipped profile of a megabyte or more is inflated on the
//! calling thread while a second thread decodes the samples from what is
//! already inflated and runs the CRC, so they cost little beyond the
//! inflate itself. Whenever the pipeline does not apply (several gzip
//! members, a size the trailer does not give, more output than it says) or
//! anything fails, [`decode_gzip`] returns `None`
//! and the caller takes the plain path, which gives every error its usual
//! sentence.

use super::gzip::{crc32_update, gzip_header_len};
use super::pprof::{finish, protobuf_error, Fail, SampleDecoder};
use super::{decode_raw, plain_protobuf, DecodeOptions};
use crate::error::Result;
use crate::proto::{Profile, ProfileHeader, SampleColumns};
use prost::Message;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// Output inflated between two wake-ups of the sample thread.
const STEP: usize = 1 << 20;

/// What the sample thread leaves: whether the data is protobuf, the
/// columns, why they stopped (if they did), and the CRC register.
type Decoded = (bool, SampleColumns, Option<Fail>, u32);

pub(crate) fn decode_gzip(
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
