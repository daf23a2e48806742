//! The streamed protobuf decoder: the page feeds it a file's inflated bytes
//! as they arrive.

use super::pprof::{finish, SampleDecoder};
use super::{decode_raw, gzip::too_large, plain_protobuf, DecodeOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::proto::{Profile, ProfileHeader};
use prost::Message;

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
