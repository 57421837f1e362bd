//! Indicator lexicons: versioned data files matched on normalised text.
