//! Text normalisation for matching, with a map back to original byte offsets.
