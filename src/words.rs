//! Tests of eight bytes at once on a `u64` (SWAR: SIMD within a register), for the native
//! builds' hot paths: the fast path's scans, query splitting, ASIN and tracking-ID checks. The
//! .wasm is built for size and keeps byte loops where these would cost it bytes (issue 11); each
//! use says which.

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

#[cfg(test)]
mod tests {
    use super::*;

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
