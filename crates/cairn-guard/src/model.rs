//! The learned component: logistic regression over hashed word, word-pair and character-trigram
//! features of one message, with 8-bit quantised weights (`data/model.bin`, written by
//! `train/train.py`).
//!
//! Binary layout (little endian): `b"CGM1"`, `u32` feature version, `u32` hash bits `B`, `f32`
//! scale, `f32` bias, then `2^B` signed bytes; weight `i` is `byte[i] * scale`.

use crate::norm::NormText;

/// Version of the feature extraction below. Any change to it or to [`crate::norm`] must bump it
/// and retrain: the embedded model records the version it was trained with.
pub const FEATURE_VERSION: u32 = 2;

/// Words of a message looked at, at most: bounds the cost of a pasted novel.
const MAX_WORDS: usize = 256;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    #[error("model file: {0}")]
    Format(&'static str),
    #[error("model file was trained with features v{found}, this code computes v{FEATURE_VERSION}")]
    FeatureVersion { found: u32 },
}

#[derive(Debug, Clone)]
pub struct Model {
    bits: u32,
    scale: f32,
    bias: f32,
    weights: Vec<i8>,
}

impl Model {
    pub fn from_bytes(b: &[u8]) -> Result<Self, ModelError> {
        let word = |i: usize| -> Result<[u8; 4], ModelError> {
            b.get(i..i + 4)
                .and_then(|s| s.try_into().ok())
                .ok_or(ModelError::Format("truncated header"))
        };
        if b.get(0..4) != Some(b"CGM1") {
            return Err(ModelError::Format("bad magic"));
        }
        let version = u32::from_le_bytes(word(4)?);
        if version != FEATURE_VERSION {
            return Err(ModelError::FeatureVersion { found: version });
        }
        let bits = u32::from_le_bytes(word(8)?);
        if !(8..=24).contains(&bits) {
            return Err(ModelError::Format("hash bits out of 8..=24"));
        }
        let scale = f32::from_le_bytes(word(12)?);
        let bias = f32::from_le_bytes(word(16)?);
        if !scale.is_finite() || !bias.is_finite() {
            return Err(ModelError::Format("scale or bias not finite"));
        }
        let body = &b[20..];
        if body.len() != 1usize << bits {
            return Err(ModelError::Format("weight count does not match hash bits"));
        }
        let weights = body.iter().map(|&x| x as i8).collect();
        Ok(Self {
            bits,
            scale,
            bias,
            weights,
        })
    }

    /// Probability that the message reads like a risky one.
    pub fn score(&self, norm: &NormText, scratch: &mut Vec<(u32, f32)>) -> f32 {
        features(norm, self.bits, scratch);
        let mut z = self.bias;
        for &(i, v) in scratch.iter() {
            // `features` masks indices to `bits`, which matches the weight count checked on load.
            let w = self.weights.get(i as usize).copied().unwrap_or(0);
            z += v * f32::from(w) * self.scale;
        }
        1.0 / (1.0 + (-z).exp())
    }
}

/// 32-bit FNV-1a over a tag byte and the parts: deterministic and easy to reproduce anywhere.
fn fnv(tag: u8, parts: &[&str]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut eat = |b: u8| {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    };
    eat(tag);
    for (k, p) in parts.iter().enumerate() {
        if k > 0 {
            eat(b' ');
        }
        for &b in p.as_bytes() {
            eat(b);
        }
    }
    h
}

/// Hashed, signed, L2-normalised features of a message: words (`w`), adjacent word pairs (`b`) and
/// character trigrams of each word padded with spaces (`c`). `out` gets `(index, value)` pairs,
/// indices below `2^bits`, possibly repeated.
pub fn features(norm: &NormText, bits: u32, out: &mut Vec<(u32, f32)>) {
    out.clear();
    let mask = (1u32 << bits) - 1;
    let mut push = |h: u32| {
        let sign = if h >> 31 == 1 { -1.0 } else { 1.0 };
        out.push((h & mask, sign));
    };
    let mut prev: Option<&str> = None;
    let mut buf = String::new();
    for w in norm.words().take(MAX_WORDS) {
        push(fnv(b'w', &[w]));
        if let Some(p) = prev {
            push(fnv(b'b', &[p, w]));
        }
        prev = Some(w);
        buf.clear();
        buf.push(' ');
        buf.push_str(w);
        buf.push(' ');
        let idx: Vec<usize> = buf
            .char_indices()
            .map(|(i, _)| i)
            .chain([buf.len()])
            .collect();
        for k in 0..idx.len().saturating_sub(3) {
            push(fnv(b'c', &[&buf[idx[k]..idx[k + 3]]]));
        }
    }
    let n = out.len() as f32;
    if n > 0.0 {
        let inv = 1.0 / n.sqrt();
        for (_, v) in out.iter_mut() {
            *v *= inv;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_values() {
        // FNV-1a 32 of "a" is 0xe40c292c; with our tag byte the input is "wa".
        let mut h: u32 = 0x811c_9dc5;
        for b in b"a" {
            h ^= u32::from(*b);
            h = h.wrapping_mul(0x0100_0193);
        }
        assert_eq!(h, 0xe40c_292c);
        assert_ne!(fnv(b'w', &["a"]), fnv(b'c', &["a"]));
        assert_eq!(fnv(b'b', &["a", "b"]), fnv(b'b', &["a b"]));
    }

    #[test]
    fn features_are_normalised_and_in_range() {
        let mut out = Vec::new();
        features(&NormText::new("send me a pic 😘"), 10, &mut out);
        // 5 words + 4 pairs + trigrams: " send " has 4, " me " 2, " a " 1, " pic " 3, " 😘 " 1.
        assert_eq!(out.len(), 5 + 4 + 4 + 2 + 1 + 3 + 1);
        let norm: f32 = out.iter().map(|(_, v)| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!(out.iter().all(|(i, _)| *i < 1024));
    }

    #[test]
    fn rejects_bad_files() {
        assert_eq!(
            Model::from_bytes(b"nope").err(),
            Some(ModelError::Format("bad magic"))
        );
        let mut b = b"CGM1".to_vec();
        b.extend(99u32.to_le_bytes());
        assert_eq!(
            Model::from_bytes(&b).err(),
            Some(ModelError::FeatureVersion { found: 99 })
        );
        let mut b = b"CGM1".to_vec();
        b.extend(FEATURE_VERSION.to_le_bytes());
        b.extend(8u32.to_le_bytes());
        b.extend(1.0f32.to_le_bytes());
        b.extend(0.0f32.to_le_bytes());
        b.extend([1u8; 255]);
        assert!(Model::from_bytes(&b).is_err());
        b.push(1);
        assert!(Model::from_bytes(&b).is_ok());
    }
}
