//! The keys of a whole-word phrase table (see `matcher::WordForms`): every form, and every run
//! of leading whole words of a form (`frankfurt`, `frankfurt am` for `frankfurt am main`), each
//! once, with whether it is a form and whether a longer form goes on from it.
//!
//! The same file is compiled into build.rs, which computes the embedded gazetteer's keys when
//! the crate is built: at start-up, splitting 23,000 names into words and merging their shared
//! leading words was most of the gazetteer's build. Only std and the library's word characters.

use std::collections::HashMap;
use std::hash::BuildHasher;

/// In build.rs's layout of the keys (`u32` form, length, hit), this bit of the length marks a
/// key that continues.
pub const CONTINUES: u32 = 1 << 31;

/// One key: the first `len` bytes of form `form`, with what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordKey {
    pub form: u32,
    pub len: u32,
    /// The form these bytes are, if one (its index).
    pub hit: Option<u32>,
    /// Whether a longer form starts with these words.
    pub continues: bool,
}

/// The keys of the forms `whole` (indices into `forms`), in order of first appearance. Leading
/// words shared by many forms (`san`, `bad`) are held by the first form that has them. `H`
/// hashes the keys while they are merged (the library's fast hasher; build.rs has only std's).
pub fn word_keys<S: AsRef<str>, H: BuildHasher + Default>(
    forms: &[S],
    whole: impl IntoIterator<Item = u32>,
) -> Vec<WordKey> {
    let mut keys: Vec<WordKey> = Vec::new();
    let mut index: HashMap<&[u8], usize, H> = HashMap::default();
    for f in whole {
        let Some(form) = forms.get(f as usize).map(AsRef::as_ref) else {
            continue;
        };
        // Word ends inside the form: after a word character followed by one that is not.
        let mut prev_is_word = false;
        for (i, c) in form.char_indices() {
            let is_word = crate::normalize::is_word_char(c);
            if prev_is_word
                && !is_word
                && let Some(k) = key_at(&mut keys, &mut index, form, f, i)
            {
                k.continues = true;
            }
            prev_is_word = is_word;
        }
        if let Some(k) = key_at(&mut keys, &mut index, form, f, form.len()) {
            k.hit = Some(f);
        }
    }
    keys
}

/// The key of the first `len` bytes of `form` (form number `f`), added if missing.
fn key_at<'k, 'f, H: BuildHasher>(
    keys: &'k mut Vec<WordKey>,
    index: &mut HashMap<&'f [u8], usize, H>,
    form: &'f str,
    f: u32,
    len: usize,
) -> Option<&'k mut WordKey> {
    let bytes = form.as_bytes().get(..len)?;
    let len = u32::try_from(len).ok()?;
    let k = *index.entry(bytes).or_insert_with(|| {
        keys.push(WordKey {
            form: f,
            len,
            hit: None,
            continues: false,
        });
        keys.len() - 1
    });
    keys.get_mut(k)
}

/// One slot of a word table: the key's form, its length (with [`CONTINUES`]) and its hit
/// (`u32::MAX`: none).
pub type Slot = [u32; 3];

/// A word table: open addressing with linear probing over a power of two of slots, at most half
/// of them full (a word that is no key, nearly every word, is then told after 1.5 tags on
/// average); a key is in the first free slot from `hash & (slots - 1)` on. Each slot has a tag,
/// 16 bits of its key's hash (0: empty), in an array of its own: a lookup reads the tags (128 KB
/// for the gazetteer's 20,000 keys, which stay in cache) and the slot of a matching tag only,
/// where one array of slots cost a cache miss per word of the text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub tags: Vec<u16>,
    pub slots: Vec<Slot>,
    /// [`FILTER_WORDS`] words of bits, two set per key (see [`filter_bit`]): a word whose two
    /// bits are not both set is no key, told without reading its tag.
    pub filter: Vec<u64>,
}

/// Words of a table's filter: 32 KB, read where the tags of a large table (the gazetteer's
/// 128 KB) would be. With 8 KB and one bit per key, a quarter of the words that are no key of
/// the gazetteer's 20,000 passed it and cost a tag read; with 32 KB and two bits, one in fifty
/// (the gazetteer's lookups took 14 % less time).
pub const FILTER_WORDS: usize = (1 << FILTER_BITS) / 64;

/// Hash bits that pick a key's word and first bit in a table's filter.
const FILTER_BITS: u32 = 18;

/// The bits of a key's hash in a table's filter, (word, two bits in it): hash bits 32 to 49
/// pick the word and a bit, bits 16 to 21 the other bit.
#[inline]
pub fn filter_bit(hash: u64) -> (usize, u64) {
    let v = (hash >> 32) as usize & ((1 << FILTER_BITS) - 1);
    (v >> 6, (1 << (v & 63)) | (1 << ((hash >> 16) & 63)))
}

/// The hash of a key: word at a time (most keys are a word of a few letters, read in one or two
/// loads), with a final mix so that both the low bits (the slot) and the high ones (the
/// fingerprint) vary. Fixed, not seeded: build.rs lays out the embedded gazetteer's table with
/// it.
#[inline]
pub fn key_hash(b: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let n = b.len();
    let mut h = n as u64;
    if let Some(last) = b.last_chunk::<8>() {
        let mut rest = b;
        while let Some((w, r)) = rest.split_first_chunk::<8>()
            && !r.is_empty()
        {
            h = mix(h, u64::from_le_bytes(*w));
            rest = r;
        }
        h = mix(h, u64::from_le_bytes(*last));
    } else if let (Some(first), Some(last)) = (b.first_chunk::<4>(), b.last_chunk::<4>()) {
        let (lo, hi) = (u32::from_le_bytes(*first), u32::from_le_bytes(*last));
        h = mix(h, u64::from(lo) | u64::from(hi) << 32);
    } else if let (Some(&first), Some(&last)) = (b.first(), b.last()) {
        let middle = b.get(n / 2).copied().unwrap_or(0);
        h = mix(
            h,
            u64::from(first) | u64::from(middle) << 8 | u64::from(last) << 16,
        );
    }
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 32)
}

/// The tag a slot keeps of its key's hash: never 0, which marks an empty slot.
#[inline]
pub fn tag(hash: u64) -> u16 {
    ((hash >> 48) as u16) | 1
}

/// The table of `keys` (each once) over `forms`. Keys are placed in order, so the same keys give
/// the same table.
pub fn table<S: AsRef<str>>(forms: &[S], keys: &[WordKey]) -> Table {
    let size = (keys.len() * 2).next_power_of_two().max(8);
    let mask = size - 1;
    let mut t = Table {
        tags: vec![0; size],
        slots: vec![[0; 3]; size],
        filter: vec![0; FILTER_WORDS],
    };
    for k in keys {
        let Some(bytes) = forms
            .get(k.form as usize)
            .and_then(|f| f.as_ref().as_bytes().get(..k.len as usize))
        else {
            continue;
        };
        if k.len & CONTINUES != 0 {
            continue;
        }
        let h = key_hash(bytes);
        let mut i = (h as usize) & mask;
        while t.tags[i] != 0 {
            i = (i + 1) & mask;
        }
        let len = k.len | if k.continues { CONTINUES } else { 0 };
        t.tags[i] = tag(h);
        t.slots[i] = [k.form, len, k.hit.unwrap_or(u32::MAX)];
        let (w, bit) = filter_bit(h);
        t.filter[w] |= bit;
    }
    t
}
