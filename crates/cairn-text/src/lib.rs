//! Normalisation, selector extraction, indicator lexicons and language detection.
//!
//! `normalize` and `lexicon` are always built (the on-device guard uses them); selectors, places
//! (the gazetteer) and language detection are features, on by default.

mod blob;
mod fastchar;
pub mod lexicon;
pub mod normalize;

#[cfg(all(feature = "selectors", feature = "places", feature = "lang"))]
pub mod analyzer;

#[cfg(feature = "places")]
pub mod gazetteer;
#[cfg(feature = "places")]
mod gazetteer_tsv;
#[cfg(feature = "lang")]
pub mod lang;
#[cfg(feature = "selectors")]
pub mod selectors;
