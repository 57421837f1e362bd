//! Normalisation, selector extraction, indicator lexicons and language detection.
