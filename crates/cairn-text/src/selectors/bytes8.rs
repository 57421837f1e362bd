//! Byte tests eight bytes at a time, on the bytes of a `u64` read little-endian: each test gives
//! a word whose bytes have their high bit set where the byte passes, and no other bit set. No
//! carry or borrow crosses from one byte to the next, so every flag is exact, and the lowest
//! flag (`first`) is the first byte in text order. The finders' searches flag the bytes worth a
//! closer look this way instead of testing, and branching, byte by byte.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// The eight bytes of `b` from `at`, if there are eight.
#[inline]
pub fn load(b: &[u8], at: usize) -> Option<u64> {
    let chunk = b.get(at..at.checked_add(8)?)?;
    let mut word = [0u8; 8];
    word.copy_from_slice(chunk);
    Some(u64::from_le_bytes(word))
}

/// Every byte of `x` with `bits` set (`x | 0x20` in each byte folds ASCII letters to lower case).
#[inline]
pub fn with_bits(x: u64, bits: u8) -> u64 {
    x | (ONES * u64::from(bits))
}

/// The bytes of `x` equal to `c`.
#[inline]
pub fn equal(x: u64, c: u8) -> u64 {
    let y = x ^ (ONES * u64::from(c));
    !(((y & LOW7) + LOW7) | y | LOW7)
}

/// The bytes of `x` below 0x80 and strictly between `lo` and `hi` (`hi` at most 0x80).
#[inline]
pub fn between(x: u64, lo: u8, hi: u8) -> u64 {
    let (lo, hi) = (u64::from(lo), u64::from(hi));
    ((ONES * (127 + hi) - (x & LOW7)) & !x & ((x & LOW7) + ONES * (127 - lo))) & HIGH
}

/// The bytes of `x` of 0x80 or more.
#[inline]
pub fn high(x: u64) -> u64 {
    x & HIGH
}

/// Each byte's flag moved onto the byte after it; `carry` flags the first byte.
#[inline]
pub fn shifted(flags: u64, carry: bool) -> u64 {
    (flags << 8) | (u64::from(carry) << 7)
}

/// Whether the last byte is flagged.
#[inline]
pub fn last(flags: u64) -> bool {
    flags >> 63 != 0
}

/// The offset of the first flagged byte (8 if none).
#[inline]
pub fn first(flags: u64) -> usize {
    (flags.trailing_zeros() / 8) as usize
}

/// `flags` without its first flagged byte.
#[inline]
pub fn without_first(flags: u64) -> u64 {
    flags & flags.wrapping_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every test against its byte-by-byte meaning, on every byte value in every position of a
    /// word whose other bytes cover the edges of the ranges.
    #[test]
    fn tests_flag_exactly_the_bytes_that_pass() {
        let others = [0x00, 0x2F, 0x30, 0x39, 0x3A, 0x60, 0x7B, 0x7F, 0x80, 0xFF];
        for c in 0..=255u8 {
            for pos in 0..8 {
                for &other in &others {
                    let mut bytes = [other; 8];
                    bytes[pos] = c;
                    let x = u64::from_le_bytes(bytes);
                    let flagged = |flags: u64, k: usize| (flags >> (8 * k + 7)) & 1 == 1;
                    for (k, &b) in bytes.iter().enumerate() {
                        assert_eq!(flagged(equal(x, 0x3A), k), b == 0x3A, "{b:#x}");
                        assert_eq!(flagged(equal(x, 0xEF), k), b == 0xEF, "{b:#x}");
                        assert_eq!(flagged(between(x, 0x2F, 0x3A), k), b.is_ascii_digit());
                        assert_eq!(
                            flagged(between(with_bits(x, 0x20), 0x60, 0x7B), k),
                            b.is_ascii_alphabetic()
                        );
                        assert_eq!(flagged(between(x, 0x00, 0x80), k), (1..0x80).contains(&b));
                        assert_eq!(flagged(high(x), k), b >= 0x80);
                    }
                    let ones = equal(x, c) | between(x, 0x2F, 0x3A);
                    assert_eq!(ones & !HIGH, 0);
                    assert_eq!(
                        first(equal(x, c)),
                        bytes.iter().position(|&b| b == c).unwrap_or(8)
                    );
                }
            }
        }
        assert_eq!(load(b"abcdefg", 0), None);
        assert_eq!(load(b"abcdefgh", 0), Some(u64::from_le_bytes(*b"abcdefgh")));
        assert_eq!(load(b"abcdefgh", usize::MAX), None);
        assert_eq!(shifted(0x80, true), 0x8080);
        assert!(last(HIGH) && !last(0x80));
        assert_eq!(without_first(0x8080), 0x8000);
    }
}
