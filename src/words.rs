//! Tests of eight bytes at once on a `u64` (SWAR: SIMD within a register), and of sixteen with
//! SSE2 on x86_64, for the native builds' hot paths: the fast path's scans, query splitting, ASIN
//! and tracking-ID checks. The .wasm is built for size and keeps byte loops where these would
//! cost it bytes (issue 11); each use says which.

/// 1 in every byte of a word.
pub(crate) const ONES: u64 = u64::from_le_bytes([1; 8]);

/// The high bit of every byte of a word.
pub(crate) const HIGH: u64 = ONES << 7;

/// The high bit set in each byte of `w` that is in `lo..=hi`, the others clear. Every byte of
/// `w` must be ASCII (high bit clear) and `hi` too: no byte sum then carries into the next byte
/// (otherwise the result means nothing).
pub(crate) const fn bytes_in(w: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = w.wrapping_add(ONES * (0x80 - lo as u64));
    let above_hi = w.wrapping_add(ONES * (0x7f - hi as u64));
    at_least_lo & !above_hi & HIGH
}

/// The high bit set in the bytes of `word` that are `byte` (and perhaps in a byte after one
/// that is: the lowest flag is always the first match), none when no byte is.
pub(crate) fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGH
}

/// The eight bytes of `b` from `at` on as a word, the first lowest, when there are eight.
pub(crate) fn word_at(b: &[u8], at: usize) -> Option<u64> {
    let chunk = b.get(at..at + 8)?;
    let mut word = [0; 8];
    word.copy_from_slice(chunk);
    Some(u64::from_le_bytes(word))
}

/// Whether `test` holds for each of some words that together hold every byte of `b` and no
/// other (some bytes twice): eight bytes at a time, the last word overlapping the one before;
/// a shorter `b` read as two overlapping halves (or quarters), without a byte loop or a copy.
/// For tests of each byte alone (whether any is `%`, whether all are letters …).
pub(crate) fn all_words(b: &[u8], mut test: impl FnMut(u64) -> bool) -> bool {
    let n = b.len();
    if n >= 8 {
        let mut at = 0;
        while at + 8 < n {
            if !word_at(b, at).is_some_and(&mut test) {
                return false;
            }
            at += 8;
        }
        return word_at(b, n - 8).is_some_and(test);
    }
    let half = |at: usize| {
        let mut w = [0; 4];
        w.copy_from_slice(&b[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    let quarter = |at: usize| u64::from(u16::from_le_bytes([b[at], b[at + 1]]));
    let w = match n {
        4.. => half(0) | half(n - 4) << 32,
        2.. => (quarter(0) | quarter(n - 2) << 16) * (1 << 32 | 1),
        1 => u64::from(b[0]) * ONES,
        0 => return true,
    };
    test(w)
}

/// The eight bytes of `b` from `at` on as a number, the first lowest; 0 past the end. Read
/// with one load where `b` has eight bytes: the end of a text is read as its last eight bytes,
/// shifted (bytes stored one by one and read back as a word would stall the processor).
#[cfg(any(test, not(target_arch = "wasm32")))]
pub(crate) fn word(b: &[u8], at: usize) -> u64 {
    if let Some(w) = word_at(b, at) {
        return w;
    }
    let rest = b.len().saturating_sub(at);
    match b.len().checked_sub(8) {
        _ if rest == 0 => 0,
        Some(last) => word_at(b, last).map_or(0, |w| w >> (8 * (8 - rest))),
        None => b[at..].iter().rev().fold(0, |w, &c| w << 8 | u64::from(c)),
    }
}

/// Tests of sixteen bytes at once with SSE2, which every x86_64 processor has: the fast path's
/// scans on x86_64 (7-16% fewer instructions for an Amazon link than eight bytes on a `u64`, 24%
/// fewer for another site's, and 8-10% more links a second in `linkscope-bench`).
///
/// The only unsafe code of the core outside the wasm bindings, and only because the compiler
/// asks for an `unsafe` block around the intrinsics of any instruction set extension, even one
/// the target always has, as x86_64 has SSE2 (the assertion below checks that the build has
/// it). No intrinsic here takes a pointer: bytes are read as words, safely.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
pub(crate) mod sse2 {
    use core::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x, _mm_setzero_si128,
    };
    use core::ops::BitOr;

    /// Sixteen bytes.
    #[derive(Clone, Copy)]
    pub(crate) struct Bytes(__m128i);

    /// A flag for each of sixteen bytes.
    #[derive(Clone, Copy)]
    pub(crate) struct Flags(__m128i);

    /// SSE2 is compiled in on every x86_64 target.
    const _: () = assert!(cfg!(target_feature = "sse2"));

    fn splat(c: u8) -> __m128i {
        // SAFETY: SSE2 is always there (above).
        unsafe { _mm_set1_epi8(c as i8) }
    }

    /// `test` of the sixteen bytes of `b` from `at` on (`at <= b.len()`), a bit a byte, the
    /// first lowest; no bit past the end.
    #[inline(always)]
    pub(crate) fn flags(b: &[u8], at: usize, test: impl Fn(Bytes) -> Flags) -> u32 {
        // Sixteen bytes (two words a `chunk` of sixteen bytes surely has).
        let read = |chunk: &[u8]| {
            let word = |at| super::word_at(chunk, at).unwrap_or(0);
            Bytes::of(word(0), word(8))
        };
        if let Some(chunk) = b.get(at..at + 16) {
            return test(read(chunk)).bits();
        }
        let left = b.len().saturating_sub(at);
        match b.len().checked_sub(16) {
            // Fewer than sixteen bytes left: the last sixteen, those before `at` shifted out.
            Some(last) => test(read(&b[last..])).bits() >> (16 - left),
            // A short text, read with zeros past its end.
            None => {
                let bytes = Bytes::of(super::word(b, at), super::word(b, at + 8));
                test(bytes).bits() & ((1 << left) - 1)
            }
        }
    }

    impl Bytes {
        /// The eight bytes of `low` (the first lowest), then those of `high`.
        #[inline(always)]
        fn of(low: u64, high: u64) -> Bytes {
            // SAFETY: SSE2 is always there (above).
            Bytes(unsafe { _mm_set_epi64x(high as i64, low as i64) })
        }

        /// The bytes that are `c`.
        #[inline(always)]
        pub(crate) fn equal(self, c: u8) -> Flags {
            // SAFETY: SSE2 is always there (above).
            Flags(unsafe { _mm_cmpeq_epi8(self.0, splat(c)) })
        }

        /// The bytes in `lo..=hi`, which must lie in 0x01..=0x7e (compared as signed
        /// numbers, bytes from 0x80 on are below every such range).
        #[inline(always)]
        pub(crate) fn within(self, lo: u8, hi: u8) -> Flags {
            debug_assert!(lo > 0 && hi < 0x7f);
            // SAFETY: SSE2 is always there (above).
            Flags(unsafe {
                _mm_and_si128(
                    _mm_cmpgt_epi8(self.0, splat(lo - 1)),
                    _mm_cmplt_epi8(self.0, splat(hi + 1)),
                )
            })
        }

        /// ASCII letters of either case.
        #[inline(always)]
        pub(crate) fn letters(self) -> Flags {
            // SAFETY: SSE2 is always there (above).
            Bytes(unsafe { _mm_or_si128(self.0, splat(0x20)) }).within(b'a', b'z')
        }
    }

    impl Flags {
        /// No flag.
        #[inline(always)]
        pub(crate) fn none() -> Flags {
            // SAFETY: SSE2 is always there (above).
            Flags(unsafe { _mm_setzero_si128() })
        }

        /// A bit a byte, the first lowest.
        #[inline(always)]
        pub(crate) fn bits(self) -> u32 {
            // SAFETY: SSE2 is always there (above).
            unsafe { _mm_movemask_epi8(self.0) as u32 }
        }
    }

    impl BitOr for Flags {
        type Output = Flags;
        #[inline(always)]
        fn bitor(self, other: Flags) -> Flags {
            // SAFETY: SSE2 is always there (above).
            Flags(unsafe { _mm_or_si128(self.0, other.0) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word holds the next eight bytes, zeros past the end, wherever it is read.
    #[test]
    fn words_hold_the_next_eight_bytes() {
        let text = b"https://www.amazon.de/x";
        for end in 0..=text.len() {
            for at in 0..=end + 1 {
                let mut bytes = [0u8; 8];
                for (k, byte) in bytes.iter_mut().enumerate() {
                    *byte = text[..end].get(at + k).copied().unwrap_or(0);
                }
                assert_eq!(
                    word(&text[..end], at),
                    u64::from_le_bytes(bytes),
                    "{end} {at}"
                );
            }
        }
    }

    /// Sixteen bytes at once flag what the byte tests flag: every byte in every place, every
    /// range of ASCII bytes, letters; and no byte past the end of a text, wherever it is read.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sixteen_bytes_are_flagged_as_one_by_one() {
        use sse2::flags;
        for c in 0..=255u8 {
            for place in 0..16 {
                for fill in [0u8, b'a', b'~', 0x80, 0xff] {
                    let mut b = [fill; 16];
                    b[place] = c;
                    let flag = |bits: u32| bits >> place & 1 == 1;
                    assert!(flag(flags(&b, 0, |v| v.equal(c))));
                    assert!(!flag(flags(&b, 0, |v| v.equal(c ^ 1))));
                    assert_eq!(flag(flags(&b, 0, |v| v.letters())), c.is_ascii_alphabetic());
                    for (lo, hi) in [(1, 0x7e), (b'(', b'-'), (b'a', b'y'), (b'=', b'=')] {
                        let within = flags(&b, 0, |v| v.within(lo, hi));
                        assert_eq!(flag(within), (lo..=hi).contains(&c), "{c} {lo} {hi}");
                        let either = flags(&b, 0, |v| v.within(lo, hi) | v.equal(c));
                        assert_eq!(either, within | flags(&b, 0, |v| v.equal(c)));
                    }
                }
            }
        }
        let text = b"https://www.amazon.de/dp/B08N5WRWNW?tag=a-21";
        for end in 0..=text.len() {
            let b = &text[..end];
            for at in 0..=end {
                for (k, &c) in text.iter().enumerate() {
                    let expected = (0..16).fold(0, |bits, i| {
                        bits | u32::from(b.get(at + i) == Some(&c)) << i
                    });
                    assert_eq!(flags(b, at, |v| v.equal(c)), expected, "{end} {at} {k}");
                }
                let all = flags(b, at, |v| v.equal(0) | v.within(1, 0x7e));
                assert_eq!(all, (1u32 << (end - at).min(16)) - 1, "{end} {at}");
            }
        }
    }

    /// The words cover every byte of the text and hold no other, at every length.
    #[test]
    fn words_hold_every_byte_and_no_other() {
        for len in 0..=25u8 {
            let b: Vec<u8> = (1..=len).collect();
            let mut seen = 0u32;
            let all = all_words(&b, |w| {
                for byte in w.to_le_bytes() {
                    assert!(b.contains(&byte), "{byte} of {w:x} in {b:?}");
                    seen |= 1 << byte;
                }
                true
            });
            assert!(all);
            assert_eq!(seen, b.iter().fold(0, |s, &byte| s | 1 << byte), "{b:?}");
            assert!(len == 0 || !all_words(&b, |_| false));
        }
    }

    /// `bytes_in` flags exactly the bytes of its range, for every range of ASCII bytes and every
    /// ASCII byte (each in a different place of the sixteen words that hold them all).
    #[test]
    fn ranges_flag_their_bytes() {
        let ascii: Vec<u8> = (0..0x80).collect();
        for lo in 0..0x80u8 {
            for hi in lo..0x80 {
                for chunk in ascii.chunks(8) {
                    let w = u64::from_le_bytes(chunk.try_into().unwrap());
                    let flags = bytes_in(w, lo, hi).to_le_bytes();
                    for (&b, &flag) in chunk.iter().zip(&flags) {
                        assert_eq!(flag == 0x80, (lo..=hi).contains(&b), "{b} {lo} {hi}");
                        assert!(flag == 0 || flag == 0x80);
                    }
                }
            }
        }
    }
}
