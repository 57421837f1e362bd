//! Images of the scan store against the imported known-hash lists, and the pixelated preview
//! shown (blurred) before an analyst asks, with an audited click, to see a collected image.
//!
//! Never an image of known material: a matched image is listed by its hashes only and its bytes
//! are never served, blurred or not. The store keeps no bytes of known material by design; this
//! holds even if it did.

use cairn_media::{ListStore, MatchIndex, PdqHash};
use cairn_registry::investigation::MediaItem;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

/// PDQ distance up to which an image matches a list entry (`cairn match`'s default).
pub const PDQ_MAX_DISTANCE: u32 = 31;
/// Side of the pixelated preview, in blocks.
pub const PREVIEW_BLOCKS: u32 = 8;

/// One image matching one list entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MediaMatch {
    pub sha256: String,
    pub list: String,
    pub entry: String,
    pub category: Option<String>,
    /// `pdq`, `sha256`, `sha1` or `md5`.
    pub hash: &'static str,
    /// PDQ Hamming distance (0 for exact hashes).
    pub distance: u32,
}

fn hex_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    hex::decode(text)
        .ok()
        .and_then(|b| <[u8; N]>::try_from(b).ok())
}

/// Matches of `media` in one list: exact cryptographic hashes, and PDQ within the distance.
pub fn match_in(list: &str, index: &MatchIndex, media: &[MediaItem]) -> Vec<MediaMatch> {
    let mut out = Vec::new();
    let mut found = Vec::new();
    for m in media {
        let mut push = |entry: u32, hash: &'static str, distance: u32| {
            if let Some(meta) = index.entry(entry) {
                out.push(MediaMatch {
                    sha256: m.sha256.clone(),
                    list: list.to_owned(),
                    entry: meta.id,
                    category: meta.category,
                    hash,
                    distance,
                });
            }
        };
        if let Some(h) = hex_array::<32>(&m.sha256) {
            index
                .lookup_sha256(&h)
                .into_iter()
                .for_each(|e| push(e, "sha256", 0));
        }
        if let Some(h) = hex_array::<20>(&m.sha1) {
            index
                .lookup_sha1(&h)
                .into_iter()
                .for_each(|e| push(e, "sha1", 0));
        }
        if let Some(h) = hex_array::<16>(&m.md5) {
            index
                .lookup_md5(&h)
                .into_iter()
                .for_each(|e| push(e, "md5", 0));
        }
        if let Some(h) = m.pdq.as_deref().and_then(hex_array::<32>) {
            found.clear();
            index.search_pdq(&PdqHash(h), PDQ_MAX_DISTANCE, &mut found);
            for f in &found {
                push(f.entry, "pdq", f.distance);
            }
        }
    }
    out
}

/// Matches of `media` in every list imported under `data_dir` (none without a data directory).
pub fn match_all(
    data_dir: Option<&Path>,
    media: &[MediaItem],
) -> Result<Vec<MediaMatch>, cairn_media::MediaError> {
    let Some(dir) = data_dir else {
        return Ok(Vec::new());
    };
    let lists = ListStore::new(dir);
    let mut out = Vec::new();
    for p in lists.list()? {
        let index = open_cached(&lists, &p.name)?;
        out.extend(match_in(&p.name, &index, media));
    }
    out.sort_by(|a, b| {
        (a.distance, &a.sha256, &a.list, &a.entry).cmp(&(b.distance, &b.sha256, &b.list, &b.entry))
    });
    out.dedup();
    Ok(out)
}

/// Opened indexes by file, with the modification time they were opened at: opening validates
/// every checksum of the file, too slow to repeat for each image of a page. A re-imported list
/// (new file, new time) is opened again.
type IndexCache = HashMap<PathBuf, (Option<SystemTime>, Arc<MatchIndex>)>;

fn open_cached(lists: &ListStore, name: &str) -> Result<Arc<MatchIndex>, cairn_media::MediaError> {
    static CACHE: OnceLock<Mutex<IndexCache>> = OnceLock::new();
    let path = lists.dir(name).join(cairn_media::store::INDEX_FILE);
    let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(c) = cache.lock()
        && let Some((at, index)) = c.get(&path)
        && *at == modified
        && modified.is_some()
    {
        return Ok(index.clone());
    }
    let index = Arc::new(lists.open(name)?);
    if let Ok(mut c) = cache.lock() {
        c.insert(path, (modified, index.clone()));
    }
    Ok(index)
}

/// A coarse preview: the image averaged into [`PREVIEW_BLOCKS`]² blocks, as a PNG. What the
/// page shows blurred; the image itself is only served after the audited request.
pub fn pixelated_preview(bytes: &[u8]) -> Result<Vec<u8>, cairn_media::MediaError> {
    let img = cairn_media::decode_rgb(bytes, &cairn_media::DecodeLimits::default())?;
    let (w, h) = (img.width.max(1), img.height.max(1));
    let n = PREVIEW_BLOCKS;
    let mut sums = vec![[0u64; 4]; (n * n) as usize];
    for y in 0..img.height {
        for x in 0..img.width {
            let i = ((y * img.width + x) * 3) as usize;
            let b = ((y * n / h) * n + x * n / w) as usize;
            if let (Some(px), Some(s)) = (img.pixels.get(i..i + 3), sums.get_mut(b)) {
                s[0] += u64::from(px[0]);
                s[1] += u64::from(px[1]);
                s[2] += u64::from(px[2]);
                s[3] += 1;
            }
        }
    }
    let mut out = image::RgbImage::new(n, n);
    for (k, s) in sums.iter().enumerate() {
        let c = s[3].max(1);
        let px = image::Rgb([
            u8::try_from(s[0] / c).unwrap_or(u8::MAX),
            u8::try_from(s[1] / c).unwrap_or(u8::MAX),
            u8::try_from(s[2] / c).unwrap_or(u8::MAX),
        ]);
        out.put_pixel(k as u32 % n, k as u32 / n, px);
    }
    let mut png = Vec::new();
    out.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| cairn_media::MediaError::Other(format!("preview: {e}")))?;
    Ok(png)
}

/// The content type of image bytes the page may serve (PNG, JPEG, GIF, WebP), else None.
pub fn image_content_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// A lowercase hex SHA-256, the only media id accepted in paths.
pub fn check_sha256(id: &str) -> Option<&str> {
    (id.len() == 64
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_media::{IndexBuilder, ListEntry, ListSink};
    use proptest::prelude::*;

    fn item(sha: &str, pdq: Option<PdqHash>) -> MediaItem {
        MediaItem {
            sha256: sha.into(),
            md5: "00".repeat(16),
            sha1: "00".repeat(20),
            pdq: pdq.map(|p| p.to_hex()),
            quality: Some(100),
            width: Some(64),
            height: Some(64),
            places: vec![],
        }
    }

    #[test]
    fn images_match_by_pdq_distance_and_exact_hash() {
        let near = PdqHash([0b1010_1010; 32]);
        let mut far = near;
        far.0[..8].iter_mut().for_each(|b| *b = !*b); // 64 bits away
        let mut close = near;
        close.0[0] ^= 0b111; // 3 bits away
        let sha = "ab".repeat(32);
        let mut b = IndexBuilder::new();
        b.entry(
            ListEntry {
                id: "e1".into(),
                category: Some("test".into()),
                pdq: Some(near),
                ..Default::default()
            },
            "",
        );
        b.entry(
            ListEntry {
                id: "e2".into(),
                sha256: hex_array::<32>(&sha),
                ..Default::default()
            },
            "",
        );
        let (index, _) = b.build().unwrap();
        let m = match_in(
            "l",
            &index,
            &[
                item(&"01".repeat(32), Some(close)),
                item(&"02".repeat(32), Some(far)),
                item(&sha, None),
            ],
        );
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(
            (m[0].entry.as_str(), m[0].hash, m[0].distance),
            ("e1", "pdq", 3)
        );
        assert_eq!(m[0].category.as_deref(), Some("test"));
        assert_eq!((m[1].entry.as_str(), m[1].hash), ("e2", "sha256"));
    }

    #[test]
    fn the_preview_is_coarse_and_a_png() {
        let mut img = image::RgbImage::new(40, 24);
        for (x, _, p) in img.enumerate_pixels_mut() {
            *p = image::Rgb([u8::try_from(x * 6).unwrap(), 40, 200]);
        }
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let preview = pixelated_preview(&png).unwrap();
        assert_eq!(image_content_type(&preview), Some("image/png"));
        let back = image::load_from_memory(&preview).unwrap();
        assert_eq!(
            (back.width(), back.height()),
            (PREVIEW_BLOCKS, PREVIEW_BLOCKS)
        );
        assert!(pixelated_preview(b"not an image").is_err());
    }

    proptest! {
        #[test]
        fn only_lowercase_sha256_ids_pass(id in "[0-9a-fA-Fg/.]{0,70}") {
            let ok = check_sha256(&id).is_some();
            prop_assert_eq!(ok, id.len() == 64 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        }
    }
}
