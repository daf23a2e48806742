//! The pprof protobuf decoder: the header with prost, the samples by hand
//! straight into columns (one pass each, on two cores natively).

use super::{sniff_text, DecodeOptions};
use crate::error::{human_bytes, Error, ErrorKind, Result};
use crate::proto::{Label, Profile, ProfileHeader, SampleColumns};
use prost::Message;

/// The decoded profile, unless it holds nothing at all.
pub(crate) fn finish(header: ProfileHeader, samples: SampleColumns) -> Result<Profile> {
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
pub(crate) fn header_and_samples(data: &[u8], opts: &DecodeOptions) -> (Result<ProfileHeader>, Result<SampleColumns>) {
    std::thread::scope(|s| {
        let samples = s.spawn(|| decode_samples(data, opts));
        let header = ProfileHeader::decode(data).map_err(|e| protobuf_error(data, &e.to_string()));
        let samples = samples.join().unwrap_or_else(|_| Err(protobuf_error(data, "the sample decoder failed")));
        (header, samples)
    })
}

/// In the page (one thread), one pass after the other.
#[cfg(target_arch = "wasm32")]
pub(crate) fn header_and_samples(data: &[u8], opts: &DecodeOptions) -> (Result<ProfileHeader>, Result<SampleColumns>) {
    let header = ProfileHeader::decode(data).map_err(|e| protobuf_error(data, &e.to_string()));
    if header.is_err() {
        return (header, Ok(SampleColumns::default()));
    }
    (header, decode_samples(data, opts))
}

pub(crate) fn protobuf_error(data: &[u8], detail: &str) -> Error {
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
pub(crate) enum Fail {
    Bad(&'static str),
    Error(Error),
}

impl Fail {
    pub(crate) fn error(self, data: &[u8]) -> Error {
        match self {
            Fail::Bad(what) => protobuf_error(data, what),
            Fail::Error(e) => e,
        }
    }
}

/// Decodes the profile's samples (field 2) straight into columns, skipping
/// every other top-level field; it can be fed a prefix of the data that
/// grows (the pipelined inflate) or the whole data at once.
pub(crate) struct SampleDecoder {
    pub(crate) cols: SampleColumns,
    max_samples: u64,
}

impl SampleDecoder {
    /// A decoder whose columns hold `(samples, ids, values, labels)` without
    /// growing.
    pub(crate) fn new(opts: &DecodeOptions, (ns, ni, nv, nl): (usize, usize, usize, usize)) -> SampleDecoder {
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
    pub(crate) fn run(
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
