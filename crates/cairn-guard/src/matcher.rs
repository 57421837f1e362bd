//! Phrase matching over normalised text, behind a small trait so the engine can be swapped (for
//! the generic matcher of `cairn_text::lexicon` once it offers span-reporting overlapping search)
//! by changing [`build`] only.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// A phrase found in normalised text: phrase index and byte range, surrounding spaces excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseHit {
    pub phrase: usize,
    pub start: usize,
    pub end: usize,
}

/// Finds every occurrence (overlaps included) of a fixed set of space-padded phrases.
pub trait PhraseMatcher: Send + Sync + std::fmt::Debug {
    fn find(&self, norm: &str, out: &mut Vec<PhraseHit>);
}

#[derive(Debug)]
struct AcMatcher(AhoCorasick);

impl PhraseMatcher for AcMatcher {
    fn find(&self, norm: &str, out: &mut Vec<PhraseHit>) {
        // Phrases are padded with spaces, so every match sits on word boundaries; overlapping
        // search because two phrases may share the space between them.
        for m in self.0.find_overlapping_iter(norm) {
            out.push(PhraseHit {
                phrase: m.pattern().as_usize(),
                start: m.start() + 1,
                end: m.end().saturating_sub(1).max(m.start() + 1),
            });
        }
    }
}

/// Builds the matcher for `phrases` (each padded with one space on both sides).
pub fn build(phrases: &[String]) -> Result<Box<dyn PhraseMatcher>, aho_corasick::BuildError> {
    let ac = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(phrases)?;
    Ok(Box::new(AcMatcher(ac)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_overlapping_phrases_on_word_boundaries() {
        let phrases = vec![
            " our secret ".to_owned(),
            " secret ".to_owned(),
            " cret ".to_owned(),
        ];
        let m = build(&phrases).unwrap();
        let mut hits = Vec::new();
        m.find(" its our secret ok ", &mut hits);
        hits.sort_by_key(|h| (h.phrase, h.start));
        assert_eq!(
            hits,
            vec![
                PhraseHit {
                    phrase: 0,
                    start: 5,
                    end: 15
                },
                PhraseHit {
                    phrase: 1,
                    start: 9,
                    end: 15
                }
            ]
        );
    }
}
