//! Language identification restricted to the languages Cairn serves.
