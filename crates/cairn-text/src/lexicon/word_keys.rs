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
