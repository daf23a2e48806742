//! A fast non-cryptographic hash map for integer keys (FxHash), used by
//! every stage that interns or accumulates by id (ground floor: it depends
//! on nothing of the crate).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher's narrower integer writes, as its `write_u64`.
macro_rules! widen_to_u64 {
    () => {
        #[inline]
        fn write_u32(&mut self, i: u32) {
            self.write_u64(i as u64);
        }
        #[inline]
        fn write_usize(&mut self, i: usize) {
            self.write_u64(i as u64);
        }
    };
}

/// A fast non-cryptographic hasher (FxHash) for integer keys.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    widen_to_u64!();
    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves its entropy in the high bits, while hash tables
        // index with the low bits: rotate them down (as rustc-hash 2 does).
        // Without this, keys differing only in high bits collide in long chains.
        self.0.rotate_left(26)
    }
}

/// HashMap with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A hasher for telling items apart by their hashes alone (sorted hashes
/// with no twin: no two items equal), where FxHash is too weak: items that
/// differ in two words of eight bytes (two numbers in one function name)
/// collide under it far more often than by chance. Each word is folded in
/// by a 64 × 64 → 128-bit multiply whose halves are xored (as wyhash does).
#[derive(Clone, Copy)]
pub struct MixHasher(u64);

impl Default for MixHasher {
    fn default() -> Self {
        MixHasher(0x243F_6A88_85A3_08D3)
    }
}

impl Hasher for MixHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        let rest = chunks.remainder();
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        self.write_u64(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        let x = ((self.0 ^ i ^ 0xA076_1D64_78BD_642F) as u128) * 0xE703_7ED1_A0B4_28DB_u128;
        self.0 = (x as u64) ^ ((x >> 64) as u64);
    }
    widen_to_u64!();
    #[inline]
    fn finish(&self) -> u64 {
        let x = ((self.0 ^ 0x8EBC_6AF0_9C88_C6E3) as u128) * 0x5899_65CC_7537_4CC3_u128;
        (x as u64) ^ ((x >> 64) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::MixHasher;
    use std::hash::Hasher;

    /// Names that differ in two places (FxHash gave two of these one hash
    /// among a hundred thousand) hash apart, as do leading zeros.
    #[test]
    fn mix_hashes_tell_near_names_apart() {
        let hash = |s: &str| {
            let mut h = MixHasher::default();
            h.write(s.as_bytes());
            h.finish()
        };
        let mut hs: Vec<u64> = (0..200_000)
            .map(|i| hash(&format!("github.com/shop/cart/internal/pkg{}.(*Store{}).Get{i}", i % 5000, i % 11)))
            .collect();
        hs.sort_unstable();
        assert!(hs.windows(2).all(|w| w[0] != w[1]));
        let words = |ws: &[u64]| {
            let mut h = MixHasher::default();
            ws.iter().for_each(|&w| h.write_u64(w));
            h.finish()
        };
        assert_ne!(words(&[0, 0, 1]), words(&[1]));
        assert_ne!(hash("ab"), hash("ab\0"));
    }
}
