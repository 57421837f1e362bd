//! Crypto-currency addresses, reported only when their checksum verifies:
//! BTC (base58check P2PKH `1…`/P2SH `3…`, bech32/bech32m `bc1…`), ETH (`0x` + 40 hex, EIP-55
//! when mixed case), LTC (base58check `L…`/`M…`, bech32 `ltc1…`), TRX (base58check `T…`) and XMR
//! (standard, subaddress and integrated addresses, Monero base58 with a Keccak-256 checksum).
//! Value: the address as written (bech32 lowercased), detail `chain`.

use cairn_core::{Finding, FindingKind};
use sha2::{Digest, Sha256};
use tiny_keccak::{Hasher, Keccak};

/// Rule id and version recorded on every wallet finding.
pub const RULE: &str = "wallet@1";

/// Finds the checksum-valid wallet addresses of `text`.
pub fn find(text: &str) -> Vec<Finding> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Here `i` is 0 or follows a byte that is no ASCII letter or digit.
    while i < b.len() {
        // No address is shorter than 26 bytes: when one of the next 26 bytes is no letter or
        // digit, no token long enough starts at or before it, so look on after it (most of a
        // text is skipped this way, a word at a time).
        let Some(window) = b.get(i..i + 26) else {
            break;
        };
        if let Some(k) = window.iter().rposition(|c| !c.is_ascii_alphanumeric()) {
            i += k + 1;
            continue;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        // Tokens glued to other letters (non-ASCII word characters, `_`) are not addresses.
        let glued = (s > 0 && (b[s - 1] >= 0x80 || b[s - 1] == b'_'))
            || (i < b.len() && (b[i] >= 0x80 || b[i] == b'_'));
        let tok = &text[s..i];
        if glued || !(26..=106).contains(&tok.len()) {
            continue;
        }
        if let Some((value, chain)) = classify(tok)
            && let Some(f) = Finding::from_span(FindingKind::Wallet, value, text, s, i, RULE)
        {
            out.push(f.with("chain", chain));
        }
    }
    out
}

fn classify(tok: &str) -> Option<(String, &'static str)> {
    let lower = tok.to_ascii_lowercase();
    if lower.starts_with("0x") {
        return eth(tok).then_some((lower, "ETH"));
    }
    if lower.starts_with("bc1") || lower.starts_with("ltc1") {
        return bech32_addr(tok);
    }
    match tok.as_bytes()[0] {
        b'1' | b'3' | b'L' | b'M' | b'T' if tok.len() <= 35 => base58check(tok),
        b'4' | b'8' if tok.len() == 95 || tok.len() == 106 => {
            monero(tok).then(|| (tok.to_owned(), "XMR"))
        }
        _ => None,
    }
}

/// `0x` + 40 hex digits; mixed case must match EIP-55.
fn eth(tok: &str) -> bool {
    let Some(hex) = tok.get(2..) else {
        return false;
    };
    if hex.len() != 40 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) || &tok[..2] != "0x" {
        return false;
    }
    let has_lower = hex.bytes().any(|c| c.is_ascii_lowercase());
    let has_upper = hex.bytes().any(|c| c.is_ascii_uppercase());
    if !(has_lower && has_upper) {
        // All one case carries no checksum; a run of one digit repeated is no address.
        return !hex.bytes().all(|c| c == hex.as_bytes()[0]);
    }
    let lower = hex.to_ascii_lowercase();
    let hash = keccak256(lower.as_bytes());
    hex.bytes().enumerate().all(|(k, c)| {
        if c.is_ascii_digit() {
            return true;
        }
        let nibble = if k % 2 == 0 {
            hash[k / 2] >> 4
        } else {
            hash[k / 2] & 0x0f
        };
        (nibble >= 8) == c.is_ascii_uppercase()
    })
}

fn keccak256(data: &[u8]) -> [u8; 32] {
    let mut k = Keccak::v256();
    k.update(data);
    let mut out = [0u8; 32];
    k.finalize(&mut out);
    out
}

fn bech32_addr(tok: &str) -> Option<(String, &'static str)> {
    // bech32 is all lowercase or all uppercase.
    if tok.bytes().any(|c| c.is_ascii_lowercase()) && tok.bytes().any(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let (hrp, _version, _program) = bech32::segwit::decode(tok).ok()?;
    let chain = match hrp.to_lowercase().as_str() {
        "bc" => "BTC",
        "ltc" => "LTC",
        _ => return None,
    };
    Some((tok.to_ascii_lowercase(), chain))
}

fn base58check(tok: &str) -> Option<(String, &'static str)> {
    let raw = bs58::decode(tok).into_vec().ok()?;
    if raw.len() != 25 {
        return None;
    }
    let (payload, check) = raw.split_at(21);
    let digest = Sha256::digest(Sha256::digest(payload));
    if digest[..4] != *check {
        return None;
    }
    let chain = match (payload[0], tok.as_bytes()[0]) {
        (0x00, b'1') | (0x05, b'3') => "BTC",
        (0x30, b'L') | (0x32, b'M') => "LTC",
        (0x41, b'T') => "TRX",
        _ => return None,
    };
    Some((tok.to_owned(), chain))
}

const B58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Monero base58: blocks of 11 characters for 8 bytes, a last shorter block.
fn monero_decode(tok: &str) -> Option<Vec<u8>> {
    // Encoded length -> decoded length of a block.
    const SIZES: [usize; 12] = [0, 0, 1, 2, 0, 3, 4, 5, 0, 6, 7, 8];
    let chars = tok.as_bytes();
    let mut out = Vec::with_capacity(chars.len() * 8 / 11 + 8);
    for block in chars.chunks(11) {
        let n = SIZES[block.len()];
        if n == 0 {
            return None;
        }
        let mut v: u128 = 0;
        for &c in block {
            let d = B58.iter().position(|&x| x == c)? as u128;
            v = v * 58 + d;
        }
        if n < 8 && v >> (8 * n) != 0 || n == 8 && v > u64::MAX as u128 {
            return None;
        }
        let bytes = v.to_be_bytes();
        out.extend_from_slice(&bytes[16 - n..]);
    }
    Some(out)
}

fn monero(tok: &str) -> bool {
    let Some(raw) = monero_decode(tok) else {
        return false;
    };
    if raw.len() != 69 && raw.len() != 77 {
        return false;
    }
    // Mainnet network bytes: standard 18, integrated 19, subaddress 42.
    let ok_net = matches!((raw[0], raw.len()), (18, 69) | (42, 69) | (19, 77));
    let (body, check) = raw.split_at(raw.len() - 4);
    ok_net && keccak256(body)[..4] == *check
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(t: &str) -> (String, String) {
        let f = find(t);
        assert_eq!(f.len(), 1, "{t}");
        (
            f[0].value.clone(),
            f[0].detail["chain"].as_str().unwrap_or("").to_owned(),
        )
    }

    #[test]
    fn valid_addresses() {
        // Well-known public addresses (genesis block, BIP-173/350 and EIP-55 test vectors, the
        // Monero donation address) and base58check payloads generated for this test.
        assert_eq!(one("btc: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").1, "BTC");
        assert_eq!(one("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy").1, "BTC");
        assert_eq!(one("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4").1, "BTC");
        assert_eq!(
            one("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0").1,
            "BTC"
        );
        assert_eq!(one("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").1, "ETH");
        assert_eq!(one("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359").1, "ETH");
        assert_eq!(one("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t").1, "TRX");
        assert_eq!(one("TVuD6iT8LSnX3CuRS7E9Sb93ur8QABenUy").1, "TRX");
        assert_eq!(one("LaHzwmag7hALdzerP4aaHKT8pHApzvzaH3").1, "LTC");
        assert_eq!(one("MAoGUyBEigiYdYMRiReiRMCyXzAT5qV8cA").1, "LTC");
        assert_eq!(
            one("44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A").1,
            "XMR"
        );
    }

    #[test]
    fn bad_checksums() {
        assert!(find("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb").is_empty());
        assert!(find("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").is_empty());
        assert!(find("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5").is_empty());
        assert!(find("0x0000000000000000000000000000000000000000").is_empty());
        assert!(
            find("44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3B").is_empty()
        );
        // A transaction hash is 64 hex digits, not 40.
        assert!(
            find("0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b").is_empty()
        );
    }
}
