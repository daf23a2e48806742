//! Ground floor: a column of unsigned integers stored at the bit width of
//! the largest ([`Packed`]), and a view of a run of it ([`Run`]).
//!
//! A big profile's location ids and stacks are its largest data: 36 million
//! entries for a 128 MB profile. Location ids and indices need about 17 bits
//! there (16 in most Go profiles), so packing them at their width instead of
//! 32 bits halves the largest column of the decoder and of the model.

/// Unsigned integers packed at `bits` bits each, little-endian, the width
/// growing as larger values come (the values are repacked in place).
#[derive(Clone, Debug)]
pub struct Packed {
    /// Bits per value, 1 to 64.
    bits: u32,
    /// `(1 << bits) - 1`.
    mask: u64,
    len: usize,
    /// The bits, then [`PAD`] bytes so that every value is read with one
    /// unaligned 8-byte load (and a ninth byte when it straddles).
    bytes: Vec<u8>,
}

const PAD: usize = 9;

impl Default for Packed {
    fn default() -> Self {
        Packed::with_bits(1)
    }
}

impl PartialEq for Packed {
    fn eq(&self, o: &Packed) -> bool {
        self.len == o.len && self.iter(0, self.len).eq(o.iter(0, o.len))
    }
}

/// Bits needed for `v` (at least 1).
#[inline]
pub fn bits_for(v: u64) -> u32 {
    (64 - v.leading_zeros()).max(1)
}

impl Packed {
    /// An empty column of `bits`-bit values.
    fn with_bits(bits: u32) -> Packed {
        let bits = bits.clamp(1, 64);
        Packed { bits, mask: mask(bits), len: 0, bytes: vec![0; PAD] }
    }

    /// An empty column with room for `n` values of up to `bits` bits (room
    /// not filled is never touched); it starts 1 bit wide.
    pub fn with_capacity(n: usize, bits: u32) -> Packed {
        let mut p = Packed::default();
        p.bytes.reserve_exact(bytes_for(n, bits.clamp(1, 64)));
        p
    }

    /// Number of values.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bits per value.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// Value `i`.
    #[inline]
    pub fn get(&self, i: usize) -> u64 {
        debug_assert!(i < self.len);
        read(&self.bytes, at(i, self.bits), self.bits) & self.mask
    }

    /// Appends `v`, widening the column if it does not fit.
    #[inline]
    pub fn push(&mut self, v: u64) {
        if v > self.mask {
            self.repack(bits_for(v));
        }
        let need = bytes_for(self.len + 1, self.bits);
        if self.bytes.len() < need {
            self.grow(need);
        }
        write_over(&mut self.bytes, at(self.len, self.bits), self.bits, v);
        self.len += 1;
    }

    /// An appender with room for `n` more values at the current width: the
    /// fast way to push many values at once (a packed field's).
    #[inline]
    pub fn appender(&mut self, n: usize) -> Appender<'_> {
        let need = bytes_for(self.len.saturating_add(n), self.bits);
        if self.bytes.len() < need {
            self.grow(need);
        }
        let room = (self.bytes.len() - PAD) as u64 * 8;
        let bit = at(self.len, self.bits);
        Appender { w: BitWriter::at(&self.bytes, bit), bit, room, p: self }
    }

    /// Makes the bytes at least `need` long, a few kilobytes ahead within
    /// the capacity (the bytes past the values are padding).
    #[cold]
    fn grow(&mut self, need: usize) {
        let ahead = (need + 4096).min(self.bytes.capacity()).max(need);
        self.bytes.resize(ahead, 0);
    }

    /// Appends the values `from..to` to `out`, as 32-bit numbers (for
    /// columns known to fit).
    #[inline]
    pub fn unpack_into(&self, from: usize, to: usize, out: &mut Vec<u32>) {
        let bits = self.bits as u64;
        out.reserve(to - from);
        let mut bit = at(from, self.bits);
        for _ in from..to {
            out.push((read(&self.bytes, bit, self.bits) & self.mask) as u32);
            bit += bits;
        }
    }

    /// Replaces each value `i` in `from..to` with `f(i, value)`, widening the
    /// column if needed; stops at `f`'s first error. The values go through
    /// in batches, so the look-ups `f` makes overlap instead of each waiting
    /// for the write before it.
    pub fn map_range<E>(
        &mut self,
        from: usize,
        to: usize,
        mut f: impl FnMut(usize, u64) -> Result<u64, E>,
    ) -> Result<(), E> {
        const N: usize = 128;
        let mut batch = [0u64; N];
        let mut i = from;
        while i < to {
            let n = (to - i).min(N);
            for (k, b) in batch[..n].iter_mut().enumerate() {
                *b = read(&self.bytes, at(i + k, self.bits), self.bits) & self.mask;
            }
            let mut max = 0;
            for (k, b) in batch[..n].iter_mut().enumerate() {
                *b = f(i + k, *b)?;
                max |= *b;
            }
            if max > self.mask {
                self.repack(bits_for(max));
            }
            let mut w = BitWriter::at(&self.bytes, at(i, self.bits));
            for &b in &batch[..n] {
                w.put(&mut self.bytes, b, self.bits);
            }
            w.finish(&mut self.bytes);
            i += n;
        }
        Ok(())
    }

    /// Stores every value at `bits` bits (wider or narrower, which every
    /// value must fit), in place: widening moves values from the last,
    /// narrowing from the first, so none is overwritten before it is read.
    pub fn repack(&mut self, bits: u32) {
        let (old, new) = (self.bits, bits.clamp(1, 64));
        if new == old {
            return;
        }
        if new > old {
            self.bytes.resize(bytes_for(self.len, new), 0);
            for i in (0..self.len).rev() {
                let v = read(&self.bytes, at(i, old), old) & mask(old);
                write(&mut self.bytes, at(i, new), new, v);
            }
        } else {
            for i in 0..self.len {
                let v = read(&self.bytes, at(i, old), old) & mask(old);
                debug_assert!(v <= mask(new));
                write(&mut self.bytes, at(i, new), new, v);
            }
            self.bytes.truncate(bytes_for(self.len, new));
        }
        self.bits = new;
        self.mask = mask(new);
    }

    /// Frees unused capacity.
    pub fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }

    /// Values `from..to`, in order.
    #[inline]
    pub fn iter(&self, from: usize, to: usize) -> Iter<'_> {
        debug_assert!(from <= to && to <= self.len);
        Iter { p: self, bit: at(from, self.bits), end: at(to, self.bits) }
    }

    /// Values `from..to` as a [`Run`].
    #[inline]
    pub fn run(&self, from: usize, to: usize) -> Run<'_> {
        debug_assert!(from <= to && to <= self.len);
        Run { p: self, from, to }
    }
}

impl Extend<u32> for Packed {
    fn extend<I: IntoIterator<Item = u32>>(&mut self, it: I) {
        for v in it {
            self.push(v as u64);
        }
    }
}

/// The bit offset of value `i` (64-bit: a column can hold more bits than
/// 32-bit `usize` counts).
#[inline(always)]
fn at(i: usize, bits: u32) -> u64 {
    i as u64 * bits as u64
}

#[inline]
fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Bytes for `n` values of `bits` bits, padding included.
#[inline]
fn bytes_for(n: usize, bits: u32) -> usize {
    usize::try_from(at(n, bits).div_ceil(8)).unwrap_or(usize::MAX).saturating_add(PAD)
}

/// The (unmasked) bits at bit offset `bit`: one 8-byte load, and the ninth
/// byte when a value over 57 bits straddles it.
#[inline(always)]
fn read(b: &[u8], bit: u64, bits: u32) -> u64 {
    let (o, sh) = ((bit >> 3) as usize, (bit & 7) as u32);
    let w = u64::from_le_bytes(b[o..o + 8].try_into().expect("8 bytes"));
    let mut v = w >> sh;
    if sh + bits > 64 {
        v |= (b[o + 8] as u64) << (64 - sh);
    }
    v
}

/// Writes `v` (which fits `bits`) at bit offset `bit`, leaving the bits
/// around it as they are.
#[inline(always)]
fn write(b: &mut [u8], bit: u64, bits: u32, v: u64) {
    let (o, sh) = ((bit >> 3) as usize, (bit & 7) as u32);
    let m = mask(bits);
    let slot: &mut [u8; 8] = (&mut b[o..o + 8]).try_into().expect("8 bytes");
    let w = u64::from_le_bytes(*slot);
    *slot = ((w & !(m << sh)) | (v << sh)).to_le_bytes();
    if sh + bits > 64 {
        let (hm, hv) = ((m >> (64 - sh)) as u8, (v >> (64 - sh)) as u8);
        b[o + 8] = (b[o + 8] & !hm) | hv;
    }
}

/// Writes `v` (which fits `bits`) at bit offset `bit`, keeping the bits
/// before it but not those after it, up to 9 bytes on: for writing values
/// in order. Its loads are of one byte the last write stored whole, so the
/// store forwards to it (an 8-byte load overlapping the last store at
/// another offset waits for the store to land).
#[inline(always)]
fn write_over(b: &mut [u8], bit: u64, bits: u32, v: u64) {
    let (o, sh) = ((bit >> 3) as usize, (bit & 7) as u32);
    let keep = (b[o] & ((1u16 << sh) - 1) as u8) as u64;
    let slot: &mut [u8; 8] = (&mut b[o..o + 8]).try_into().expect("8 bytes");
    *slot = (keep | (v << sh)).to_le_bytes();
    if sh + bits > 64 {
        b[o + 8] = (v >> (64 - sh)) as u8;
    }
}

/// Pushes values onto a [`Packed`] through a [`BitWriter`]; the last bits
/// are written when it is dropped.
pub struct Appender<'a> {
    p: &'a mut Packed,
    w: BitWriter,
    bit: u64,
    /// Bits the bytes hold before their padding.
    room: u64,
}

impl Appender<'_> {
    /// Appends `v`.
    #[inline(always)]
    pub fn push(&mut self, v: u64) {
        let bits = self.p.bits;
        if v > self.p.mask || self.bit + bits as u64 > self.room {
            self.w.finish(&mut self.p.bytes);
            self.p.push(v);
            self.bit = at(self.p.len, self.p.bits);
            self.room = (self.p.bytes.len() - PAD) as u64 * 8;
            self.w = BitWriter::at(&self.p.bytes, self.bit);
            return;
        }
        self.w.put(&mut self.p.bytes, v, bits);
        self.bit += bits as u64;
        self.p.len += 1;
    }
}

impl Drop for Appender<'_> {
    fn drop(&mut self) {
        self.w.finish(&mut self.p.bytes);
    }
}

/// Writes values one after the other from a bit offset, whole 8-byte words
/// at a time from a register: no load per value (writing a value into the
/// bytes would read back the word the last value was just written to, one
/// long dependency chain). The bits after the last value are kept.
struct BitWriter {
    /// Byte offset of the next word.
    o: usize,
    /// Bits not written yet (`n` of them), the lowest first. 64-bit:
    /// 128-bit shifts are library calls in wasm.
    acc: u64,
    n: u32,
}

impl BitWriter {
    /// A writer from bit offset `bit`, keeping the bits before it.
    #[inline(always)]
    fn at(b: &[u8], bit: u64) -> BitWriter {
        let (o, sh) = ((bit >> 3) as usize, (bit & 7) as u32);
        let keep = if sh == 0 { 0 } else { (b[o] & ((1u16 << sh) - 1) as u8) as u64 };
        BitWriter { o, acc: keep, n: sh }
    }

    /// Appends `v`, which fits `bits`.
    #[inline(always)]
    fn put(&mut self, b: &mut [u8], v: u64, bits: u32) {
        let n = self.n;
        self.acc |= v << n;
        if n + bits >= 64 {
            let slot: &mut [u8; 8] = (&mut b[self.o..self.o + 8]).try_into().expect("8 bytes");
            *slot = self.acc.to_le_bytes();
            self.o += 8;
            // The bits of `v` that did not fit (none when it started a word).
            self.acc = if n == 0 { 0 } else { v >> (64 - n) };
            self.n = n + bits - 64;
        } else {
            self.n = n + bits;
        }
    }

    /// Writes the bits left, keeping those after them.
    #[inline(always)]
    fn finish(&mut self, b: &mut [u8]) {
        if self.n > 0 {
            let m = (1u64 << self.n) - 1;
            let slot: &mut [u8; 8] = (&mut b[self.o..self.o + 8]).try_into().expect("8 bytes");
            let w = u64::from_le_bytes(*slot);
            *slot = ((w & !m) | (self.acc & m)).to_le_bytes();
            self.n = 0;
            self.acc = 0;
        }
    }
}

/// The values of a [`Packed`] range, in order.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    p: &'a Packed,
    bit: u64,
    end: u64,
}

impl Iterator for Iter<'_> {
    type Item = u64;
    #[inline(always)]
    fn next(&mut self) -> Option<u64> {
        if self.bit >= self.end {
            return None;
        }
        let v = read(&self.p.bytes, self.bit, self.p.bits) & self.p.mask;
        self.bit += self.p.bits as u64;
        Some(v)
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = ((self.end - self.bit) / self.p.bits as u64) as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl DoubleEndedIterator for Iter<'_> {
    #[inline(always)]
    fn next_back(&mut self) -> Option<u64> {
        if self.bit >= self.end {
            return None;
        }
        self.end -= self.p.bits as u64;
        Some(read(&self.p.bytes, self.end, self.p.bits) & self.p.mask)
    }
}

/// The values of a [`Run`], as 32-bit numbers.
#[derive(Clone, Debug)]
pub struct Iter32<'a>(Iter<'a>);

impl Iterator for Iter32<'_> {
    type Item = u32;
    #[inline(always)]
    fn next(&mut self) -> Option<u32> {
        self.0.next().map(|v| v as u32)
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for Iter32<'_> {}

impl DoubleEndedIterator for Iter32<'_> {
    #[inline(always)]
    fn next_back(&mut self) -> Option<u32> {
        self.0.next_back().map(|v| v as u32)
    }
}

/// A run of a [`Packed`] column holding 32-bit values (a sample's stack of
/// location indices): what a slice of them was.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    p: &'a Packed,
    from: usize,
    to: usize,
}

impl<'a> Run<'a> {
    /// Number of values.
    #[inline]
    pub fn len(&self) -> usize {
        self.to - self.from
    }
    /// True when empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.to == self.from
    }
    /// Value `k` of the run.
    #[inline]
    pub fn get(&self, k: usize) -> u32 {
        debug_assert!(k < self.len());
        self.p.get(self.from + k) as u32
    }
    /// The last value.
    pub fn last(&self) -> Option<u32> {
        (!self.is_empty()).then(|| self.get(self.len() - 1))
    }
    /// The values, in order.
    #[inline]
    pub fn iter(&self) -> Iter32<'a> {
        Iter32(self.p.iter(self.from, self.to))
    }
    /// The values `k..` of the run, in order.
    #[inline]
    pub fn iter_from(&self, k: usize) -> Iter32<'a> {
        Iter32(self.p.iter((self.from + k).min(self.to), self.to))
    }
    /// The values as a vector.
    pub fn to_vec(&self) -> Vec<u32> {
        let mut v = Vec::new();
        self.p.unpack_into(self.from, self.to, &mut v);
        v
    }
    /// Appends the values to `out`.
    #[inline]
    pub fn unpack_into(&self, out: &mut Vec<u32>) {
        self.p.unpack_into(self.from, self.to, out)
    }
}

impl PartialEq for Run<'_> {
    fn eq(&self, o: &Run) -> bool {
        self.len() == o.len() && self.iter().eq(o.iter())
    }
}

impl Eq for Run<'_> {}

impl std::hash::Hash for Run<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_usize(self.len());
        for v in self.iter() {
            h.write_u32(v);
        }
    }
}

impl std::fmt::Debug for Run<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for Run<'a> {
    type Item = u32;
    type IntoIter = Iter32<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    fn from_values(values: impl IntoIterator<Item = u64>) -> Packed {
        let mut p = Packed::default();
        for v in values {
            p.push(v);
        }
        p
    }

    #[test]
    fn values_of_every_width_read_back_as_pushed() {
        let mut r = Rng(7);
        for top in [1u32, 2, 7, 8, 9, 16, 17, 31, 32, 33, 57, 58, 63, 64] {
            let vals: Vec<u64> = (0..1000).map(|_| r.next() & mask(top)).collect();
            let p = from_values(vals.iter().copied());
            assert_eq!(p.len(), vals.len());
            assert!(p.bits() <= top);
            for (i, &v) in vals.iter().enumerate() {
                assert_eq!(p.get(i), v, "width {top}, value {i}");
            }
            assert!(p.iter(0, p.len()).eq(vals.iter().copied()));
            assert!(p.iter(3, 900).rev().eq(vals[3..900].iter().rev().copied()));
        }
    }

    #[test]
    fn widening_and_narrowing_in_place_keep_every_value() {
        let mut r = Rng(11);
        let vals: Vec<u64> = (0..5000).map(|_| r.next() % 1000).collect();
        let mut p = from_values(vals.iter().copied());
        assert_eq!(p.bits(), 10);
        for bits in [13, 64, 10, 33, 17, 10] {
            p.repack(bits);
            assert!(p.iter(0, p.len()).eq(vals.iter().copied()), "at {bits} bits");
        }
        // A push widens too, in place.
        p.push(1 << 40);
        assert_eq!(p.bits(), 41);
        assert!(p.iter(0, 5000).eq(vals.iter().copied()));
        assert_eq!(p.get(5000), 1 << 40);
        p.push(7);
        assert_eq!((p.len(), p.get(5001)), (5002, 7));
    }

    #[test]
    fn mapping_a_range_in_batches_keeps_the_values_around_it() {
        let mut r = Rng(5);
        let vals: Vec<u64> = (0..3000).map(|_| r.next() % 5000).collect();
        for (from, to) in [(0, 3000), (1, 2999), (7, 8), (100, 357), (129, 129)] {
            let mut p = from_values(vals.iter().copied());
            p.map_range(from, to, |i, v| Ok::<_, ()>(v + i as u64)).unwrap();
            for (i, &v) in vals.iter().enumerate() {
                let want = if (from..to).contains(&i) { v + i as u64 } else { v };
                assert_eq!(p.get(i), want, "{from}..{to}: value {i}");
            }
        }
        // A value wider than the column widens it; an error stops.
        let mut p = from_values(vals.iter().copied());
        p.map_range(10, 20, |i, v| Ok::<_, ()>(if i == 15 { 1 << 50 } else { v })).unwrap();
        assert_eq!((p.get(15), p.get(14), p.get(21)), (1 << 50, vals[14], vals[21]));
        assert_eq!(p.map_range(0, 3000, |i, v| if i == 700 { Err(i) } else { Ok(v) }), Err(700));
    }

    #[test]
    fn runs_compare_and_hash_as_slices() {
        use std::collections::HashSet;
        let p = from_values([5, 6, 7, 5, 6, 7, 5, 6]);
        let (a, b, c) = (p.run(0, 3), p.run(3, 6), p.run(5, 8));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.to_vec(), vec![5, 6, 7]);
        assert_eq!(c.last(), Some(6));
        assert_eq!(c.iter_from(1).collect::<Vec<_>>(), vec![5, 6]);
        let set: HashSet<Run> = [a, b, c].into_iter().collect();
        assert_eq!(set.len(), 2);
        assert!(p.run(2, 2).is_empty());
    }
}
