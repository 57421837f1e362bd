//! A byte trie of phrases, walked from one position of a text to report every phrase that starts
//! there: what a word-start search needs, and nothing more. Since 2026-12-02 it holds only the
//! phrases that may end inside a word (`fugueu*`) or on punctuation; whole-word phrases (nearly
//! all, and every gazetteer name) are looked up by words instead (`matcher::WordForms`).
//!
//! Why not a library: an Aho-Corasick automaton (the `aho-corasick` crate) computes failure
//! transitions that a walk from a fixed start never follows, and computing them for the
//! gazetteer's 16,000 names was most of `cairn scan`'s start-up; its states, laid out in the
//! order the patterns were added, made every step of the walk a likely cache miss. A
//! double-array trie (`yada`) searched fast but its builder took ten times longer still; a
//! minimal automaton (`fst`) walked three times slower (callgrind, 3,000 ads, 2026-12-02).
//!
//! Here each node is one short run of words (its labels, then its children), and nodes are laid
//! out breadth first, so the first levels, which nearly every walk visits and where nearly every
//! walk ends, sit together. The root's children are looked up in a table of 256 entries.

/// No node, or no phrase ending at a node.
const NONE: u32 = u32::MAX;

/// A set of byte strings, each with a value, searched for the ones that are prefixes of a text.
///
/// Each node is one run of `u32` in `repr`, so that a step of the walk reads one or two cache
/// lines: `[value, len, labels packed four to a word (sorted; unused bytes never read), targets]`,
/// a target being the offset of the child's run. The root's children are in `root` instead.
#[derive(Clone)]
pub(crate) struct Trie {
    root: Box<[u32; 256]>,
    repr: Vec<u32>,
}

impl std::fmt::Debug for Trie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Trie({} words)", self.repr.len())
    }
}

/// Why a trie could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrieError {
    #[error("two phrases are the same bytes")]
    Duplicate,
    #[error("a phrase is empty")]
    Empty,
    #[error("too many phrases or nodes for 32-bit offsets")]
    TooLarge,
}

/// A node while building: its value and its children, `edges[first..first + len]` (label and
/// node index, labels ascending; a node's children are added together, so they are contiguous).
#[derive(Clone, Copy)]
struct Building {
    value: u32,
    first: u32,
    len: u32,
}

impl Trie {
    /// A trie of `keys` (distinct, non-empty byte strings, in any order) and their values.
    pub fn new(mut keys: Vec<(&[u8], u32)>) -> Result<Self, TrieError> {
        if keys.iter().any(|k| k.1 == NONE) {
            return Err(TrieError::TooLarge);
        }
        if keys.iter().any(|k| k.0.is_empty()) {
            return Err(TrieError::Empty);
        }
        keys.sort_unstable();
        if keys.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(TrieError::Duplicate);
        }
        // Breadth first: (node, the keys below it, their shared prefix length). Sorted keys put
        // the children of a node in label order, each over a contiguous range of keys.
        let empty = Building {
            value: NONE,
            first: 0,
            len: 0,
        };
        // Sized once from the bound (one node per key byte): grown by doubling, these vectors
        // moved to fresh memory each time, and first touches of fresh memory were most of the
        // build's time in a virtual machine.
        let bound = keys.iter().map(|k| k.0.len()).sum::<usize>() + 1;
        let mut nodes = Vec::with_capacity(bound);
        nodes.push(empty);
        let mut edges: Vec<(u8, u32)> = Vec::with_capacity(bound);
        let mut queue = std::collections::VecDeque::with_capacity(keys.len() + 1);
        queue.push_back((0usize, 0usize, keys.len(), 0usize));
        while let Some((node, mut lo, hi, depth)) = queue.pop_front() {
            if lo < hi && keys[lo].0.len() == depth {
                nodes[node].value = keys[lo].1;
                lo += 1;
            }
            nodes[node].first = to_u32(edges.len())?;
            let mut i = lo;
            while i < hi {
                let byte = keys[i].0[depth];
                let mut j = i + 1;
                while j < hi && keys[j].0[depth] == byte {
                    j += 1;
                }
                let child = nodes.len();
                nodes.push(empty);
                edges.push((byte, to_u32(child)?));
                queue.push_back((child, i, j, depth + 1));
                i = j;
            }
            nodes[node].len = to_u32(edges.len())? - nodes[node].first;
        }
        // Offsets in breadth-first order, then the runs.
        let run_len = |n: &Building| 2 + (n.len as usize).div_ceil(4) + n.len as usize;
        let mut offsets = Vec::with_capacity(nodes.len());
        let mut total = 0usize;
        for n in &nodes {
            offsets.push(to_u32(total)?);
            total += run_len(n);
        }
        to_u32(total)?;
        let mut repr = Vec::with_capacity(total);
        for n in &nodes {
            let children = &edges[n.first as usize..(n.first + n.len) as usize];
            repr.push(n.value);
            repr.push(n.len);
            for chunk in children.chunks(4) {
                let mut word = [0u8; 4];
                for (w, &(label, _)) in word.iter_mut().zip(chunk) {
                    *w = label;
                }
                repr.push(u32::from_le_bytes(word));
            }
            repr.extend(children.iter().map(|&(_, c)| offsets[c as usize]));
        }
        let mut root = Box::new([NONE; 256]);
        if let Some(r) = nodes.first() {
            for &(label, child) in &edges[r.first as usize..(r.first + r.len) as usize] {
                root[usize::from(label)] = offsets[child as usize];
            }
        }
        Ok(Trie { root, repr })
    }

    /// Calls `found(value, len)` for every key that is a prefix of `text`, shortest first.
    #[inline]
    pub fn prefixes_of(&self, text: &[u8], mut found: impl FnMut(u32, usize)) {
        let Some((&b0, rest)) = text.split_first() else {
            return;
        };
        let mut at = self.root[usize::from(b0)] as usize;
        if at == NONE as usize {
            return;
        }
        let mut depth = 1;
        let mut rest = rest.iter();
        loop {
            let (Some(&value), Some(&len)) = (self.repr.get(at), self.repr.get(at + 1)) else {
                return;
            };
            if value != NONE {
                found(value, depth);
            }
            let Some(&b) = rest.next() else {
                return;
            };
            let len = len as usize;
            let words = len.div_ceil(4);
            let Some(labels) = self.repr.get(at + 2..at + 2 + words) else {
                return;
            };
            let Some(i) = find_label(labels, b).filter(|&i| i < len) else {
                return;
            };
            match self.repr.get(at + 2 + words + i) {
                Some(&child) => at = child as usize,
                None => return,
            }
            depth += 1;
        }
    }
}

/// Index of the first byte equal to `b` in labels packed four to a little-endian word.
#[inline]
fn find_label(words: &[u32], b: u8) -> Option<usize> {
    let pattern = u32::from(b) * 0x0101_0101;
    for (k, &w) in words.iter().enumerate() {
        let x = w ^ pattern;
        // A byte of `x` is zero where the label equals `b`; the lowest flagged byte is exact
        // (the carries that cause false flags only travel upwards from a true zero).
        let zero = x.wrapping_sub(0x0101_0101) & !x & 0x8080_8080;
        if zero != 0 {
            return Some(4 * k + (zero.trailing_zeros() / 8) as usize);
        }
    }
    None
}

fn to_u32(n: usize) -> Result<u32, TrieError> {
    u32::try_from(n)
        .ok()
        .filter(|&i| i != NONE)
        .ok_or(TrieError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn prefixes(t: &Trie, text: &[u8]) -> Vec<(u32, usize)> {
        let mut out = Vec::new();
        t.prefixes_of(text, |v, l| out.push((v, l)));
        out
    }

    #[test]
    fn finds_every_key_that_starts_the_text() -> Result<(), TrieError> {
        let keys: Vec<(&[u8], u32)> = vec![
            (b"san", 0),
            (b"san jose", 1),
            (b"santa", 2),
            (b"s", 3),
            ("sofia".as_bytes(), 4),
            ("софия".as_bytes(), 5),
        ];
        let t = Trie::new(keys)?;
        assert_eq!(
            prefixes(&t, b"san jose del monte"),
            [(3, 1), (0, 3), (1, 8)]
        );
        assert_eq!(prefixes(&t, b"santander"), [(3, 1), (0, 3), (2, 5)]);
        assert_eq!(prefixes(&t, b"sans"), [(3, 1), (0, 3)]);
        assert_eq!(prefixes(&t, "софия".as_bytes()), [(5, 10)]);
        assert_eq!(prefixes(&t, b"x"), []);
        assert_eq!(prefixes(&t, b""), []);
        Ok(())
    }

    #[test]
    fn duplicates_and_empty_keys_are_refused() {
        let keys: Vec<(&[u8], u32)> = vec![(b"a", 0), (b"a", 1)];
        assert_eq!(Trie::new(keys).err(), Some(TrieError::Duplicate));
        let keys: Vec<(&[u8], u32)> = vec![(b"", 0), (b"a", 1)];
        assert_eq!(Trie::new(keys).err(), Some(TrieError::Empty));
    }

    proptest! {
        /// The walk reports exactly the keys that are prefixes of the text, whatever the fan-out
        /// (a small alphabet gives deep chains, all bytes give wide nodes searched by halves).
        #[test]
        fn same_as_checking_every_key(
            keys in proptest::collection::btree_set(
                prop_oneof![
                    proptest::collection::vec(0u8..4, 1..6),
                    proptest::collection::vec(any::<u8>(), 1..4),
                ],
                0..200,
            ),
            text in prop_oneof![
                proptest::collection::vec(0u8..4, 0..8),
                proptest::collection::vec(any::<u8>(), 0..8),
            ],
        ) {
            let keys: Vec<Vec<u8>> = keys.into_iter().collect();
            let with_values: Vec<(&[u8], u32)> =
                keys.iter().enumerate().map(|(i, k)| (k.as_slice(), i as u32)).collect();
            let t = Trie::new(with_values).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut expected: Vec<(u32, usize)> = keys
                .iter()
                .enumerate()
                .filter(|(_, k)| text.starts_with(k))
                .map(|(i, k)| (i as u32, k.len()))
                .collect();
            expected.sort_by_key(|&(_, l)| l);
            prop_assert_eq!(prefixes(&t, &text), expected);
        }
    }
}
