//! Reading the blobs that build.rs writes (the embedded gazetteer and lexicon, computed when the
//! crate is built): little-endian numbers and blocks of strings, every read checked, so that
//! damaged data is refused instead of read past its end.
//!
//! A *block of strings* is a `u32` count, a `u32` byte length, the strings in UTF-8 one after
//! the other, then the `u32` end offset of each.

/// Bytes aligned as `u64`s, so that parts of a blob can be read in place as `u16`s, `u32`s and
/// `u64`s (the gazetteer's word table and its filter).
#[cfg(feature = "places")]
#[repr(C)]
pub(crate) struct Aligned<T: ?Sized> {
    pub(crate) _align: [u64; 0],
    pub(crate) bytes: T,
}

/// Reads build.rs's little-endian layout; every read is checked.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a>(pub(crate) &'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (w, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*w)
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.bytes().map(u32::from_le_bytes)
    }

    pub(crate) fn count(&mut self) -> Option<usize> {
        usize::try_from(self.u32()?).ok()
    }

    /// `count` numbers.
    pub(crate) fn u32s(
        &mut self,
        count: usize,
    ) -> Option<impl Iterator<Item = u32> + Clone + use<'a>> {
        let (b, rest) = self.0.split_at_checked(count.checked_mul(4)?)?;
        self.0 = rest;
        Some(
            b.chunks_exact(4)
                .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])),
        )
    }

    /// A block of strings: count, byte length, the strings one after the other, then the end
    /// offset of each (all checked here: increasing, on character boundaries; the strings are
    /// then cut as they are asked for, not gathered in a vector).
    pub(crate) fn strings(&mut self) -> Option<impl Iterator<Item = &'a str> + use<'a>> {
        let count = self.count()?;
        let len = self.count()?;
        let (text, rest) = self.0.split_at_checked(len)?;
        let text = std::str::from_utf8(text).ok()?;
        self.0 = rest;
        let ends = self.u32s(count)?;
        let mut start = 0;
        for end in ends.clone() {
            let end = usize::try_from(end).ok()?;
            if end < start || !text.is_char_boundary(end) {
                return None;
            }
            start = end;
        }
        if start != len {
            return None;
        }
        let mut start = 0;
        Some(ends.map(move |end| {
            let end = end as usize;
            // Checked above: never empty for want of a boundary.
            let piece = text.get(start..end).unwrap_or_default();
            start = end;
            piece
        }))
    }
}

/// A block of strings read in place: where its text and end offsets lie in the blob. A string is
/// cut, and checked to be UTF-8, when it is asked for: most are never asked for.
#[cfg(feature = "places")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct PackedStrings {
    pub(crate) count: usize,
    text: usize,
    len: usize,
    ends: usize,
}

#[cfg(feature = "places")]
impl PackedStrings {
    /// The block at `r`, which is at byte `at` of the blob; `None` if its parts do not fit.
    pub(crate) fn read(r: &mut Reader<'_>, at: usize) -> Option<Self> {
        let count = r.count()?;
        let len = r.count()?;
        let text = at.checked_add(8)?;
        let (_, rest) = r.0.split_at_checked(len)?;
        let (_, rest) = rest.split_at_checked(count.checked_mul(4)?)?;
        r.0 = rest;
        Some(Self {
            count,
            text,
            len,
            ends: text.checked_add(len)?,
        })
    }

    /// String `k` of the block in `blob` (the blob it was read from).
    pub(crate) fn get<'a>(&self, blob: &'a [u8], k: usize) -> Option<&'a str> {
        if k >= self.count {
            return None;
        }
        let end_of = |i: usize| -> Option<usize> {
            let at = self.ends.checked_add(i.checked_mul(4)?)?;
            let b = blob.get(at..at.checked_add(4)?)?;
            usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
        };
        let start = if k == 0 { 0 } else { end_of(k - 1)? };
        let end = end_of(k)?;
        if start > end || end > self.len {
            return None;
        }
        std::str::from_utf8(blob.get(self.text + start..self.text + end)?).ok()
    }
}
