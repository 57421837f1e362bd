//! BitTorrent metadata: `.torrent` files (BEP 3 v1, BEP 52 v2, hybrids) and magnet links
//! (BEP 9, `btih` and `btmh`). Lists files, sizes and hashes, and finds the hashes that can be
//! compared with known-hash lists of whole files:
//!
//! - `md5sum` (BEP 3, optional) and `sha1` (BEP 47) per-file fields: the file's MD5 / SHA-1;
//! - a v1 single-file torrent whose file fits in one piece: that piece's SHA-1 is the file's;
//! - a v2 file of at most 16 KiB: its `pieces root` (a one-leaf Merkle tree) is its SHA-256.
//!
//! Larger files' piece hashes and the infohashes are not file hashes: they are listed, never
//! compared with lists of file hashes.

use cairn_media::MatchIndex;
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::bencode::{self, Node};

/// Largest .torrent read.
pub const MAX_TORRENT_BYTES: usize = 64 * 1024 * 1024;
/// v2 Merkle leaf size (BEP 52).
pub const V2_BLOCK: u64 = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TorrentError {
    #[error(transparent)]
    Bencode(#[from] bencode::BencodeError),
    #[error("{0}")]
    Invalid(String),
}

fn invalid(s: impl Into<String>) -> TorrentError {
    TorrentError::Invalid(s.into())
}

/// One file of a torrent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TorrentFile {
    /// Path inside the torrent, components joined with `/`.
    pub path: String,
    pub length: u64,
    /// BEP 47 padding file (not content).
    pub padding: bool,
    /// v2 `pieces root` (hex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pieces_root: Option<String>,
    /// Whole-file hashes known from the metadata (hex), with where each comes from.
    pub file_hashes: Vec<FileHash>,
}

/// A hash of a whole file, read from the metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileHash {
    /// `md5`, `sha1` or `sha256`.
    pub kind: &'static str,
    pub hex: String,
    /// Why this is the file's hash.
    pub from: &'static str,
}

/// What a torrent or magnet link says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TorrentInfo {
    /// `torrent` or `magnet`.
    pub source: &'static str,
    /// `v1`, `v2`, `hybrid`, or `unknown` (magnet without a hash kind we know).
    pub version: &'static str,
    pub name: Option<String>,
    /// SHA-1 of the bencoded info dictionary as written (hex).
    pub infohash_v1: Option<String>,
    /// SHA-256 of the bencoded info dictionary as written (hex).
    pub infohash_v2: Option<String>,
    pub piece_length: Option<u64>,
    pub total_length: Option<u64>,
    pub private: bool,
    pub trackers: Vec<String>,
    pub files: Vec<TorrentFile>,
}

/// Reads a `.torrent` file.
pub fn parse_torrent(bytes: &[u8]) -> Result<TorrentInfo, TorrentError> {
    if bytes.len() > MAX_TORRENT_BYTES {
        return Err(invalid("torrent file larger than 64 MB"));
    }
    let root = bencode::decode(bytes)?;
    let info = root
        .get("info")
        .filter(|i| i.as_dict().is_some())
        .ok_or_else(|| invalid("no info dictionary"))?;
    let meta_version = info.get("meta version").and_then(Node::as_int);
    let has_v1 = info.get("pieces").is_some();
    let has_v2 = meta_version == Some(2) && info.get("file tree").is_some();
    let version = match (has_v1, has_v2) {
        (true, true) => "hybrid",
        (false, true) => "v2",
        (true, false) => "v1",
        (false, false) => return Err(invalid("info has neither pieces (v1) nor file tree (v2)")),
    };
    let name = info
        .get("name.utf-8")
        .or_else(|| info.get("name"))
        .and_then(Node::as_bytes)
        .map(|b| String::from_utf8_lossy(b).into_owned());
    let piece_length = info
        .get("piece length")
        .and_then(Node::as_int)
        .and_then(|n| u64::try_from(n).ok())
        .filter(|&n| n > 0);
    let mut trackers = Vec::new();
    if let Some(a) = root.get("announce").and_then(Node::as_str) {
        trackers.push(a.to_owned());
    }
    for tier in root
        .get("announce-list")
        .and_then(Node::as_list)
        .unwrap_or_default()
    {
        for t in tier.as_list().unwrap_or_default() {
            if let Some(s) = t.as_str()
                && !trackers.iter().any(|x| x == s)
            {
                trackers.push(s.to_owned());
            }
        }
    }

    let mut files = Vec::new();
    if has_v2 {
        let tree = info
            .get("file tree")
            .ok_or_else(|| invalid("no file tree"))?;
        let mut path = Vec::new();
        walk_file_tree(tree, &mut path, &mut files)?;
    }
    if has_v1 {
        let pieces = info
            .get("pieces")
            .and_then(Node::as_bytes)
            .ok_or_else(|| invalid("pieces is not a string"))?;
        if !pieces.len().is_multiple_of(20) {
            return Err(invalid("pieces length is not a multiple of 20"));
        }
        let v1_files = v1_files(info, name.as_deref(), pieces, piece_length)?;
        if has_v2 {
            // Hybrid: same files; add the v1-only hashes to the v2 entries of the same path.
            for f in v1_files {
                match files.iter_mut().find(|g| g.path == f.path) {
                    Some(g) => {
                        for h in f.file_hashes {
                            if !g.file_hashes.contains(&h) {
                                g.file_hashes.push(h);
                            }
                        }
                    }
                    None if f.padding => {}
                    None => files.push(f),
                }
            }
        } else {
            files = v1_files;
        }
    }
    let total_length = Some(files.iter().filter(|f| !f.padding).map(|f| f.length).sum());
    Ok(TorrentInfo {
        source: "torrent",
        version,
        name,
        infohash_v1: has_v1.then(|| hex::encode(Sha1::digest(info.raw))),
        infohash_v2: has_v2.then(|| hex::encode(Sha256::digest(info.raw))),
        piece_length,
        total_length,
        private: info.get("private").and_then(Node::as_int) == Some(1),
        trackers,
        files,
    })
}

fn v1_files(
    info: &Node<'_>,
    name: Option<&str>,
    pieces: &[u8],
    piece_length: Option<u64>,
) -> Result<Vec<TorrentFile>, TorrentError> {
    let mut out = Vec::new();
    if let Some(len) = info.get("length").and_then(Node::as_int) {
        let length = u64::try_from(len).map_err(|_| invalid("negative length"))?;
        let mut f = TorrentFile {
            path: name.unwrap_or("").to_owned(),
            length,
            padding: false,
            pieces_root: None,
            file_hashes: optional_hashes(info),
        };
        if length > 0
            && piece_length.is_some_and(|p| length <= p)
            && let Some(first) = pieces.get(..20)
        {
            f.file_hashes.push(FileHash {
                kind: "sha1",
                hex: hex::encode(first),
                from: "v1 single piece",
            });
        }
        out.push(f);
        return Ok(out);
    }
    let list = info
        .get("files")
        .and_then(Node::as_list)
        .ok_or_else(|| invalid("v1 info has neither length nor files"))?;
    for (i, f) in list.iter().enumerate() {
        let length = f
            .get("length")
            .and_then(Node::as_int)
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| invalid(format!("files[{i}]: no valid length")))?;
        let parts = f
            .get("path.utf-8")
            .or_else(|| f.get("path"))
            .and_then(Node::as_list)
            .ok_or_else(|| invalid(format!("files[{i}]: no path")))?;
        let mut path: Vec<String> = Vec::new();
        if let Some(n) = name {
            path.push(n.to_owned());
        }
        for p in parts {
            let s = p
                .as_bytes()
                .ok_or_else(|| invalid(format!("files[{i}]: path part is not a string")))?;
            path.push(String::from_utf8_lossy(s).into_owned());
        }
        let padding = f
            .get("attr")
            .and_then(Node::as_bytes)
            .is_some_and(|a| a.contains(&b'p'));
        out.push(TorrentFile {
            path: path.join("/"),
            length,
            padding,
            pieces_root: None,
            file_hashes: optional_hashes(f),
        });
    }
    Ok(out)
}

/// `md5sum` (BEP 3) and `sha1` (BEP 47) fields of a file dictionary.
fn optional_hashes(d: &Node<'_>) -> Vec<FileHash> {
    let mut out = Vec::new();
    if let Some(m) = d.get("md5sum").and_then(Node::as_bytes) {
        // Written as 32 hex characters by the spec, sometimes as 16 raw bytes.
        let hex = match m.len() {
            32 if m.iter().all(u8::is_ascii_hexdigit) => {
                Some(String::from_utf8_lossy(m).to_ascii_lowercase())
            }
            16 => Some(hex::encode(m)),
            _ => None,
        };
        if let Some(hex) = hex {
            out.push(FileHash {
                kind: "md5",
                hex,
                from: "md5sum field",
            });
        }
    }
    if let Some(s) = d.get("sha1").and_then(Node::as_bytes)
        && s.len() == 20
    {
        out.push(FileHash {
            kind: "sha1",
            hex: hex::encode(s),
            from: "sha1 field (BEP 47)",
        });
    }
    out
}

fn walk_file_tree(
    node: &Node<'_>,
    path: &mut Vec<String>,
    out: &mut Vec<TorrentFile>,
) -> Result<(), TorrentError> {
    let dict = node
        .as_dict()
        .ok_or_else(|| invalid("file tree entry is not a dictionary"))?;
    for (k, child) in dict {
        if k.is_empty() {
            // A file: {"": {length, pieces root}}.
            let length = child
                .get("length")
                .and_then(Node::as_int)
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| invalid(format!("{}: no valid length", path.join("/"))))?;
            let root = child.get("pieces root").and_then(Node::as_bytes);
            if let Some(r) = root
                && r.len() != 32
            {
                return Err(invalid(format!(
                    "{}: pieces root is not 32 bytes",
                    path.join("/")
                )));
            }
            let mut file_hashes = Vec::new();
            if let Some(r) = root
                && length > 0
                && length <= V2_BLOCK
            {
                file_hashes.push(FileHash {
                    kind: "sha256",
                    hex: hex::encode(r),
                    from: "v2 pieces root of a file of at most 16 KiB",
                });
            }
            out.push(TorrentFile {
                path: path.join("/"),
                length,
                padding: false,
                pieces_root: root.map(hex::encode),
                file_hashes,
            });
        } else {
            path.push(String::from_utf8_lossy(k).into_owned());
            walk_file_tree(child, path, out)?;
            path.pop();
        }
    }
    Ok(())
}

/// Reads a magnet link (`xt=urn:btih:` hex or base32, `xt=urn:btmh:1220…`, `dn`, `tr`, `xl`).
pub fn parse_magnet(link: &str) -> Result<TorrentInfo, TorrentError> {
    let url = url::Url::parse(link.trim()).map_err(|e| invalid(format!("not a URL: {e}")))?;
    if url.scheme() != "magnet" {
        return Err(invalid("not a magnet: link"));
    }
    let mut info = TorrentInfo {
        source: "magnet",
        version: "unknown",
        name: None,
        infohash_v1: None,
        infohash_v2: None,
        piece_length: None,
        total_length: None,
        private: false,
        trackers: Vec::new(),
        files: Vec::new(),
    };
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "xt" => {
                if let Some(h) = v.strip_prefix("urn:btih:") {
                    let bytes = match h.len() {
                        40 => hex::decode(h).ok(),
                        32 => base32_decode(h),
                        _ => None,
                    }
                    .filter(|b| b.len() == 20)
                    .ok_or_else(|| invalid("btih is neither 40 hex nor 32 base32 characters"))?;
                    info.infohash_v1 = Some(hex::encode(bytes));
                } else if let Some(h) = v.strip_prefix("urn:btmh:") {
                    let bytes = hex::decode(h).map_err(|_| invalid("btmh is not hex"))?;
                    // Multihash: 0x12 (sha2-256), 0x20 (32 bytes), digest.
                    match bytes.as_slice() {
                        [0x12, 0x20, rest @ ..] if rest.len() == 32 => {
                            info.infohash_v2 = Some(hex::encode(rest));
                        }
                        _ => return Err(invalid("btmh is not a sha2-256 multihash")),
                    }
                }
            }
            "dn" => info.name = Some(v.into_owned()),
            "tr" => info.trackers.push(v.into_owned()),
            "xl" => info.total_length = v.parse().ok(),
            _ => {}
        }
    }
    info.version = match (&info.infohash_v1, &info.infohash_v2) {
        (Some(_), Some(_)) => "hybrid",
        (Some(_), None) => "v1",
        (None, Some(_)) => "v2",
        (None, None) => return Err(invalid("magnet link has no btih or btmh")),
    };
    Ok(info)
}

/// Magnet links write base32 in either case; RFC 4648 decoding wants upper case.
fn base32_decode(s: &str) -> Option<Vec<u8>> {
    base32::decode(
        base32::Alphabet::Rfc4648 { padding: false },
        &s.to_ascii_uppercase(),
    )
}

/// A file of the torrent whose hash is on a known-hash list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TorrentMatch {
    pub file: String,
    pub kind: &'static str,
    pub hash: String,
    pub from: &'static str,
    pub list: String,
    pub entry_id: String,
    pub category: Option<String>,
}

/// Compares the whole-file hashes of `info` with each `(name, index)` list.
pub fn match_lists(info: &TorrentInfo, lists: &[(String, MatchIndex)]) -> Vec<TorrentMatch> {
    let mut out = Vec::new();
    for f in &info.files {
        for h in &f.file_hashes {
            let Ok(bytes) = hex::decode(&h.hex) else {
                continue;
            };
            for (name, index) in lists {
                let hits = match h.kind {
                    "md5" => <[u8; 16]>::try_from(bytes.as_slice())
                        .map(|k| index.lookup_md5(&k))
                        .unwrap_or_default(),
                    "sha1" => <[u8; 20]>::try_from(bytes.as_slice())
                        .map(|k| index.lookup_sha1(&k))
                        .unwrap_or_default(),
                    "sha256" => <[u8; 32]>::try_from(bytes.as_slice())
                        .map(|k| index.lookup_sha256(&k))
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                for i in hits {
                    let meta = index.entry(i);
                    out.push(TorrentMatch {
                        file: f.path.clone(),
                        kind: h.kind,
                        hash: h.hex.clone(),
                        from: h.from,
                        list: name.clone(),
                        entry_id: meta.as_ref().map(|m| m.id.clone()).unwrap_or_default(),
                        category: meta.and_then(|m| m.category),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bstr(s: &[u8]) -> Vec<u8> {
        let mut v = format!("{}:", s.len()).into_bytes();
        v.extend_from_slice(s);
        v
    }

    /// A v1 single-file torrent of `data` (fictional bytes).
    fn v1_single(data: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let piece = Sha1::digest(data);
        let mut info = b"d".to_vec();
        info.extend(bstr(b"length"));
        info.extend(format!("i{}e", data.len()).into_bytes());
        info.extend(bstr(b"name"));
        info.extend(bstr(b"notes.txt"));
        info.extend(bstr(b"piece length"));
        info.extend(b"i16384e");
        info.extend(bstr(b"pieces"));
        info.extend(bstr(&piece));
        info.push(b'e');
        let mut t = b"d".to_vec();
        t.extend(bstr(b"announce"));
        t.extend(bstr(b"http://tracker.invalid/announce"));
        t.extend(bstr(b"info"));
        t.extend(&info);
        t.push(b'e');
        (t, info)
    }

    #[test]
    fn v1_single_file_hashes() {
        let data = b"fictional file content";
        let (t, info_raw) = v1_single(data);
        let info = parse_torrent(&t).unwrap();
        assert_eq!(info.version, "v1");
        assert_eq!(info.name.as_deref(), Some("notes.txt"));
        assert_eq!(
            info.infohash_v1.as_deref(),
            Some(hex::encode(Sha1::digest(&info_raw)).as_str())
        );
        assert_eq!(info.trackers, ["http://tracker.invalid/announce"]);
        assert_eq!(info.files.len(), 1);
        assert_eq!(info.files[0].length, data.len() as u64);
        assert_eq!(
            info.files[0].file_hashes[0].hex,
            hex::encode(Sha1::digest(data))
        );
    }

    #[test]
    fn v2_and_hybrid_file_tree() {
        let small = b"tiny fictional file";
        let root_small = Sha256::digest(small);
        let big_root = [7u8; 32];
        // info: file tree {dir: {a.txt: {"": {length, pieces root}}, b.bin: {...}}}
        let leaf = |len: usize, root: &[u8]| {
            let mut v = b"d".to_vec();
            v.extend(bstr(b""));
            v.push(b'd');
            v.extend(bstr(b"length"));
            v.extend(format!("i{len}e").into_bytes());
            v.extend(bstr(b"pieces root"));
            v.extend(bstr(root));
            v.extend(b"ee");
            v
        };
        let mut tree = b"d".to_vec();
        tree.extend(bstr(b"dir"));
        tree.push(b'd');
        tree.extend(bstr(b"a.txt"));
        tree.extend(leaf(small.len(), &root_small));
        tree.extend(bstr(b"b.bin"));
        tree.extend(leaf(100_000, &big_root));
        tree.extend(b"ee");
        let mut info = b"d".to_vec();
        info.extend(bstr(b"file tree"));
        info.extend(&tree);
        info.extend(bstr(b"meta version"));
        info.extend(b"i2e");
        info.extend(bstr(b"name"));
        info.extend(bstr(b"dir"));
        info.extend(bstr(b"piece length"));
        info.extend(b"i16384e");
        info.push(b'e');
        let mut t = b"d".to_vec();
        t.extend(bstr(b"info"));
        t.extend(&info);
        t.push(b'e');
        let parsed = parse_torrent(&t).unwrap();
        assert_eq!(parsed.version, "v2");
        assert_eq!(
            parsed.infohash_v2.as_deref(),
            Some(hex::encode(Sha256::digest(&info)).as_str())
        );
        assert_eq!(parsed.infohash_v1, None);
        assert_eq!(parsed.files.len(), 2);
        assert_eq!(parsed.files[0].path, "dir/a.txt");
        assert_eq!(parsed.files[0].file_hashes[0].hex, hex::encode(root_small));
        assert_eq!(
            parsed.files[1].pieces_root.as_deref(),
            Some(hex::encode(big_root).as_str())
        );
        assert!(
            parsed.files[1].file_hashes.is_empty(),
            "large file root is not a file hash"
        );
        assert_eq!(parsed.total_length, Some(small.len() as u64 + 100_000));
    }

    #[test]
    fn magnets() {
        let m = parse_magnet(
            "magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=Fictional%20name&tr=udp%3A%2F%2Ftracker.invalid%3A80&xl=42",
        )
        .unwrap();
        assert_eq!(m.version, "v1");
        assert_eq!(m.name.as_deref(), Some("Fictional name"));
        assert_eq!(m.trackers, ["udp://tracker.invalid:80"]);
        assert_eq!(m.total_length, Some(42));
        let b32 = parse_magnet("magnet:?xt=urn:btih:YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK").unwrap();
        assert_eq!(b32.infohash_v1, m.infohash_v1);
        let v2 = parse_magnet(&format!("magnet:?xt=urn:btmh:1220{}", "ab".repeat(32))).unwrap();
        assert_eq!(v2.version, "v2");
        assert_eq!(v2.infohash_v2.as_deref(), Some("ab".repeat(32).as_str()));
        assert!(parse_magnet("magnet:?dn=x").is_err());
        assert!(parse_magnet("magnet:?xt=urn:btih:zz").is_err());
        assert!(parse_magnet("http://example.org/").is_err());
    }

    #[test]
    fn matches_known_list() {
        let data = b"fictional file content";
        let (t, _) = v1_single(data);
        let info = parse_torrent(&t).unwrap();
        let sha1 = hex::encode(Sha1::digest(data));
        let csv = format!("id,sha1\nknown-1,{sha1}\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        std::fs::write(&path, csv).unwrap();
        let store = cairn_media::ListStore::new(dir.path());
        store
            .add("fict", &path, Some(cairn_media::ListFormat::Csv))
            .unwrap();
        let index = store.open("fict").unwrap();
        let matches = match_lists(&info, &[("fict".to_owned(), index)]);
        assert_eq!(matches.len(), 1);
        assert_eq!(matches[0].entry_id, "known-1");
        assert_eq!(matches[0].kind, "sha1");
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_torrent(&bytes);
        }

        #[test]
        fn mutated_torrents_never_panic(pos in 0usize..200, byte in any::<u8>()) {
            let (mut t, _) = v1_single(b"fictional");
            let i = pos % t.len();
            t[i] = byte;
            let _ = parse_torrent(&t);
        }
    }
}
