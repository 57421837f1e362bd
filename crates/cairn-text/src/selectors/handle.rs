//! Social-network handles with their platform, from profile URLs (`instagram.com/name`,
//! `t.me/name`, `tiktok.com/@name`, `wa.me/336...`) and from phrases (`snap: name`, `sc: name`,
//! `insta @name`, `ig: name`, `telegram @name`, `tg: name`, `👻 name`). Value `platform:handle`,
//! lowercase; detail `platform`. A WhatsApp or Telegram link to a number also yields that phone.

use super::chars::skip_inline_spaces;
use super::phone;
use super::url::{self, UrlMatch};
use cairn_core::{Finding, FindingKind};

/// Rule id and version recorded on every handle finding.
pub const RULE: &str = "handle@1";

/// Finds the handles of `text` (and the phones of WhatsApp links).
pub fn find(text: &str) -> Vec<Finding> {
    find_with(text, &url::matches(text))
}

/// As [`find`], with the URLs of `text` already found.
pub fn find_with(text: &str, urls: &[UrlMatch]) -> Vec<Finding> {
    let mut out = from_urls(text, urls);
    out.extend(from_phrases(text, urls));
    out.sort_by_key(|f| (f.start, f.end));
    out
}

/// Path segments that are pages of the platform, not accounts.
const RESERVED: &[&str] = &[
    "p",
    "reel",
    "reels",
    "explore",
    "stories",
    "accounts",
    "tv",
    "direct",
    "share",
    "sharer",
    "sharer.php",
    "home",
    "search",
    "i",
    "intent",
    "hashtag",
    "login",
    "signup",
    "about",
    "help",
    "privacy",
    "terms",
    "settings",
    "joinchat",
    "s",
    "addstickers",
    "pages",
    "groups",
    "events",
    "watch",
    "marketplace",
    "photo",
    "photo.php",
    "video",
    "tag",
    "discover",
    "legal",
    "policies",
    "add",
    "invite",
    "channels",
    "messages",
    "notifications",
    "web",
];

fn clean_handle(h: &str) -> Option<String> {
    let h = h.trim_start_matches('@').trim_end_matches(['.', '-']);
    let n = h.chars().count();
    if !(1..=40).contains(&n)
        || !h
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        || RESERVED.contains(&h.to_ascii_lowercase().as_str())
    {
        return None;
    }
    Some(h.to_ascii_lowercase())
}

fn digits_only(s: &str) -> Option<&str> {
    let s = s.trim_start_matches('+');
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

fn from_urls(text: &str, urls: &[UrlMatch]) -> Vec<Finding> {
    let mut out = Vec::new();
    for m in urls {
        let host = m.host.trim_start_matches("www.");
        let host = host
            .strip_prefix("m.")
            .or_else(|| host.strip_prefix("mobile."))
            .unwrap_or(host);
        let path = m
            .rest
            .trim_start_matches(|c: char| c == ':' || c.is_ascii_digit());
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let mut segs = path.split(['/', '#']).filter(|s| !s.is_empty());
        let first = segs.next().unwrap_or("");
        let second = segs.next().unwrap_or("");
        let query_param = |key: &str| {
            query.split('&').find_map(|kv| {
                kv.split_once('=')
                    .filter(|(k, _)| *k == key)
                    .map(|(_, v)| v)
            })
        };
        let mut push = |platform: &str, handle: Option<String>| {
            if let Some(h) = handle
                && let Some(f) = Finding::from_span(
                    FindingKind::Handle,
                    format!("{platform}:{h}"),
                    text,
                    m.start,
                    m.end,
                    RULE,
                )
            {
                out.push(f.with("platform", platform));
            }
        };
        let mut phone_digits: Option<&str> = None;
        match host {
            "instagram.com" | "instagr.am" => push("instagram", clean_handle(first)),
            "tiktok.com" if first.starts_with('@') => push("tiktok", clean_handle(first)),
            "snapchat.com" if first == "add" => push("snapchat", clean_handle(second)),
            "t.me" | "telegram.me" | "telegram.dog" => {
                if let Some(d) = digits_only(first).filter(|_| first.starts_with('+')) {
                    phone_digits = Some(d);
                } else {
                    push("telegram", clean_handle(first));
                }
            }
            "wa.me" => phone_digits = digits_only(first),
            "api.whatsapp.com" | "whatsapp.com" | "web.whatsapp.com" => {
                phone_digits = query_param("phone").and_then(digits_only);
            }
            "twitter.com" | "x.com" => push("x", clean_handle(first)),
            "facebook.com" | "fb.com" | "fb.me" => {
                if first == "profile.php" {
                    push(
                        "facebook",
                        query_param("id").and_then(digits_only).map(str::to_owned),
                    );
                } else {
                    push("facebook", clean_handle(first));
                }
            }
            "onlyfans.com" => push("onlyfans", clean_handle(first)),
            "fansly.com" => push("fansly", clean_handle(first)),
            "kik.me" => push("kik", clean_handle(first)),
            "discord.gg" => push("discord", clean_handle(first)),
            "discord.com" | "discordapp.com" if first == "invite" => {
                push("discord", clean_handle(second))
            }
            "youtube.com" if first.starts_with('@') => push("youtube", clean_handle(first)),
            "threads.net" if first.starts_with('@') => push("threads", clean_handle(first)),
            "linktr.ee" => push("linktree", clean_handle(first)),
            "vk.com" => push("vk", clean_handle(first)),
            "reddit.com" if matches!(first, "u" | "user") => push("reddit", clean_handle(second)),
            _ => {}
        }
        if let Some(d) = phone_digits
            && let Some(v) = phone::validate_international(d)
        {
            let platform = if host.contains("whatsapp") || host == "wa.me" {
                "whatsapp"
            } else {
                "telegram"
            };
            push(platform, Some(v.e164.clone()));
            if let Some(f) = Finding::from_span(
                FindingKind::Phone,
                v.e164,
                text,
                m.start,
                m.end,
                phone::RULE,
            ) {
                let f = f.with("country_code", v.country_code);
                out.push(match v.region {
                    Some(r) => f.with("region", r),
                    None => f,
                });
            }
        }
    }
    out
}

/// Platform words of phrases such as `snap: name`.
const KEYWORDS: &[(&str, &str)] = &[
    ("snapchat", "snapchat"),
    ("snap", "snapchat"),
    ("sc", "snapchat"),
    ("instagram", "instagram"),
    ("insta", "instagram"),
    ("ig", "instagram"),
    ("telegram", "telegram"),
    ("tg", "telegram"),
    ("tiktok", "tiktok"),
    ("kik", "kik"),
    ("twitter", "x"),
    ("onlyfans", "onlyfans"),
    ("fansly", "fansly"),
    ("threads", "threads"),
    ("discord", "discord"),
    ("signal", "signal"),
    ("wickr", "wickr"),
    ("threema", "threema"),
    ("skype", "skype"),
    ("facebook", "facebook"),
    ("fb", "facebook"),
];

/// The first bytes of the keywords (either case) and of the ghost emoji.
static PHRASE_START: [bool; 256] = {
    let mut t = [false; 256];
    let mut k = 0;
    while k < KEYWORDS.len() {
        let f = KEYWORDS[k].0.as_bytes()[0];
        t[f as usize] = true;
        t[f.to_ascii_uppercase() as usize] = true;
        k += 1;
    }
    t[GHOST.as_bytes()[0] as usize] = true;
    t
};

/// Bit `n` of entry `c`: a keyword of `n` bytes starts with the lowercase letter `c`. Most words
/// that start with a keyword's letter have no keyword's length, and are not compared with them.
static KEYWORD_LENGTHS: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut k = 0;
    while k < KEYWORDS.len() {
        let w = KEYWORDS[k].0.as_bytes();
        t[w[0] as usize] |= 1 << w.len();
        k += 1;
    }
    t
};

/// The longest keyword, in bytes.
const MAX_KEYWORD: usize = 9;

const GHOST: &str = "👻";

fn from_phrases(text: &str, urls: &[UrlMatch]) -> Vec<Finding> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // Straight to the next place a phrase may start: a keyword's first letter at a word's
        // start, or a ghost anywhere. One test per byte that is rarely true (a test whose
        // outcome changed from byte to byte was most of this finder's time).
        i = next_phrase_start(b, i);
        if i >= b.len() {
            break;
        }
        let mut hit = None;
        let mut skip = 1;
        if b[i] != 0xF0 {
            // Keywords are ASCII letters followed by no ASCII letter or digit: the only one that
            // can match is the ASCII alphanumeric word at `i`.
            let len = b[i..]
                .iter()
                .take(MAX_KEYWORD + 1)
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            if len <= MAX_KEYWORD
                && KEYWORD_LENGTHS[usize::from(b[i].to_ascii_lowercase())] & (1 << len) != 0
            {
                let word = &b[i..i + len];
                hit = KEYWORDS
                    .iter()
                    .find(|(kw, _)| word.eq_ignore_ascii_case(kw.as_bytes()))
                    .map(|&(_, platform)| (i + len, platform, true));
            }
            skip = len.max(1);
        } else if text.get(i..i + GHOST.len()) == Some(GHOST) {
            hit = Some((i + GHOST.len(), "snapchat", false));
        }
        let Some((kw_end, platform, needs_sep)) = hit else {
            i += skip;
            continue;
        };
        if urls.iter().any(|u| u.start <= i && i < u.end) {
            i = kw_end;
            continue;
        }
        if let Some((h, end)) = phrase_handle(text, kw_end, needs_sep)
            && let Some(f) = Finding::from_span(
                FindingKind::Handle,
                format!("{platform}:{h}"),
                text,
                i,
                end,
                RULE,
            )
        {
            out.push(f.with("platform", platform));
            i = end;
            continue;
        }
        i = kw_end;
    }
    out
}

/// Bytes that words are made of, for [`next_phrase_start`]: ASCII letters and digits, and every
/// byte of a non-ASCII character.
static WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphanumeric() || c >= 0x80;
        c += 1;
    }
    t
};

/// The first position from `i` where a phrase may start: a byte of [`PHRASE_START`] that is
/// the lead of a ghost (`0xF0`, anywhere) or an ASCII letter after no [`WORD_BYTE`]; `b.len()`
/// if none. Eight bytes at a time: the word starts and `0xF0` bytes of a word of eight bytes are
/// flagged together, and only they are looked up (byte by byte, each test waited for the one
/// before it, and this search was half of the finder's time).
fn next_phrase_start(b: &[u8], i: usize) -> usize {
    use super::bytes8;
    if i > b.len() {
        return b.len();
    }
    let mut after_word = i > 0 && WORD_BYTE[usize::from(b[i - 1])];
    let mut at = i;
    while let Some(x) = bytes8::load(b, at) {
        // An ASCII letter of either case is one of `a` to `z` once 0x20 is set.
        let letters = bytes8::between(bytes8::with_bits(x, 0x20), b'a' - 1, b'z' + 1);
        let words = bytes8::between(x, b'0' - 1, b'9' + 1) | letters | bytes8::high(x);
        // Each byte's flag moved onto the next byte: whether the byte before it is a word's.
        let before = bytes8::shifted(words, after_word);
        let mut candidates = (letters & !before) | bytes8::equal(x, 0xF0);
        while candidates != 0 {
            let k = at + bytes8::first(candidates);
            if PHRASE_START[usize::from(b[k])] {
                return k;
            }
            candidates = bytes8::without_first(candidates);
        }
        after_word = bytes8::last(words);
        at += 8;
    }
    // The last bytes (fewer than eight), whose byte before is at `at - 1` as at any `i`.
    next_phrase_start_bytewise(b, at)
}

/// [`next_phrase_start`] one byte at a time: for the bytes after its last word of eight, and the
/// reference its tests hold it to.
fn next_phrase_start_bytewise(b: &[u8], mut i: usize) -> usize {
    let mut after_word = i > 0 && WORD_BYTE[usize::from(b[i - 1])];
    while let Some(&c) = b.get(i) {
        if PHRASE_START[usize::from(c)] && (c == 0xF0 || !after_word) {
            return i;
        }
        after_word = WORD_BYTE[usize::from(c)];
        i += 1;
    }
    i
}

/// After a platform word: spaces, a separator (`:`, `=`, `@`, an arrow), `@`, then the handle.
/// Without a separator, only a name that cannot be a plain word: a letter first, and a digit,
/// `_` or `.` in it (`snap lola_92`, never `snap dispo`).
fn phrase_handle(text: &str, mut i: usize, needs_sep: bool) -> Option<(String, usize)> {
    let b = text.as_bytes();
    let skip_ws = |i: usize| skip_inline_spaces(text, i, usize::MAX);
    i = skip_ws(i);
    // `mon snap c'est lola_22`, `my snap is @lola`: a copula is no separator (the name after it
    // must still be one no word could be, or follow an `@` or a `:`).
    if let Some(len) = copula_len(text, i) {
        i = skip_ws(i + len);
    }
    let mut sep = false;
    for s in [":", "：", "=", "➡️", "➡", "→", "👉", "-"] {
        if text.get(i..i + s.len()) == Some(s) {
            i = skip_ws(i + s.len());
            sep = true;
            break;
        }
    }
    if b.get(i) == Some(&b'@') {
        i += 1;
        sep = true;
    }
    let s = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'.' | b'_' | b'-')) {
        i += 1;
    }
    // Glued to other letters: not a handle.
    if i < b.len() && b[i] >= 0x80 && text[i..].chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let raw = &text[s..i];
    let trimmed = raw.trim_end_matches(['.', '-']);
    let end = s + trimmed.len();
    let h = clean_handle(trimmed)?;
    if h.len() < 2 || !h.bytes().any(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let unmistakable = h.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && h.bytes()
            .any(|c| c.is_ascii_digit() || matches!(c, b'_' | b'.'));
    if needs_sep && !sep && !unmistakable {
        return None;
    }
    Some((h, end))
}

/// "is" between a platform word and a name, in the languages of the ads ("c'est", "ist", "è"...).
const COPULAS: [&str; 10] = [
    "c'est",
    "c\u{2019}est",
    "cest",
    "est",
    "is",
    "ist",
    "es",
    "este",
    "e",
    "è",
];

/// The length of the copula at `i`, followed by a space, if one is there.
fn copula_len(text: &str, i: usize) -> Option<usize> {
    let rest = text.get(i..)?;
    // Every copula starts with one of these bytes (`è` with 0xC3): most names are told apart here.
    if !matches!(
        rest.as_bytes().first()?.to_ascii_lowercase(),
        b'c' | b'e' | b'i' | 0xC3
    ) {
        return None;
    }
    COPULAS.iter().find_map(|c| {
        let head = rest.get(..c.len())?;
        let spaced = rest[c.len()..]
            .chars()
            .next()
            .is_some_and(char::is_whitespace);
        (spaced && head.eq_ignore_ascii_case(c)).then_some(c.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &str) -> Vec<String> {
        find(t).into_iter().map(|f| f.value).collect()
    }

    #[test]
    fn from_profile_urls() {
        assert_eq!(
            values("https://www.instagram.com/Ana.X/"),
            vec!["instagram:ana.x"]
        );
        assert_eq!(values("t.me/ana_x"), vec!["telegram:ana_x"]);
        assert_eq!(values("tiktok.com/@ana"), vec!["tiktok:ana"]);
        assert_eq!(values("snapchat.com/add/ana22"), vec!["snapchat:ana22"]);
        assert_eq!(values("https://x.com/ana"), vec!["x:ana"]);
        assert_eq!(values("https://onlyfans.com/ana"), vec!["onlyfans:ana"]);
        assert_eq!(values("instagram.com/p/xyz"), Vec::<String>::new());
        let wa = find("https://wa.me/33612345678");
        assert_eq!(wa.len(), 2);
        assert!(
            wa.iter()
                .any(|f| f.kind == FindingKind::Phone && f.value == "+33612345678")
        );
        assert!(wa.iter().any(|f| f.value == "whatsapp:+33612345678"));
    }

    #[test]
    fn from_phrases_in_ads() {
        assert_eq!(values("snap: ana_22"), vec!["snapchat:ana_22"]);
        assert_eq!(values("SC: Ana.22 !"), vec!["snapchat:ana.22"]);
        assert_eq!(values("mon insta @ana.x."), vec!["instagram:ana.x"]);
        assert_eq!(values("ig: ana"), vec!["instagram:ana"]);
        assert_eq!(values("telegram @ana"), vec!["telegram:ana"]);
        assert_eq!(values("tg: ana"), vec!["telegram:ana"]);
        assert_eq!(values("👻 ana_x"), vec!["snapchat:ana_x"]);
        // No separator: a name no word could be.
        assert_eq!(values("snap lola_92"), vec!["snapchat:lola_92"]);
        assert_eq!(values("add me on insta lola.92"), vec!["instagram:lola.92"]);
        assert_eq!(values("snap:\u{202F}lola"), vec!["snapchat:lola"]);
        // A copula between the platform and the name.
        assert_eq!(values("mon snap c'est lola_22"), vec!["snapchat:lola_22"]);
        assert_eq!(values("Mein Insta ist lola.92"), vec!["instagram:lola.92"]);
        assert_eq!(values("my snap is @lola"), vec!["snapchat:lola"]);
        assert_eq!(values("il mio snap è lola_22"), vec!["snapchat:lola_22"]);
        assert_eq!(values("threads @lola.x"), vec!["threads:lola.x"]);
        assert_eq!(values("Fansly: lola_22"), vec!["fansly:lola_22"]);
    }

    #[test]
    fn keywords_fit_the_word_window() {
        assert!(
            KEYWORDS.iter().all(
                |(kw, _)| kw.len() <= MAX_KEYWORD && kw.bytes().all(|c| c.is_ascii_lowercase())
            )
        );
        assert_eq!(values("INSTAGRAM: ana"), vec!["instagram:ana"]);
        assert_eq!(values("instagrams: ana"), Vec::<String>::new());
    }

    proptest::proptest! {
        /// Eight bytes at a time, the same as one at a time: keyword letters of both cases,
        /// other letters, the edges of the letter, digit and high ranges, ghost leads.
        #[test]
        fn phrase_starts_are_found_as_byte_by_byte(
            b in proptest::collection::vec(proptest::sample::select(
                vec![b's', b'S', b'i', b'T', b'x', b'X', b'a', b'z', b'A', b'Z', b'@', b'[',
                     b'`', b'{', b'/', b'0', b'9', b':', b' ', b'.', 0x7F, 0x80, 0xBF, 0xF0,
                     0xEF, 0xF1, 0x9F, 0xFF, 0x00]
            ), 0..40),
            from in 0usize..45,
        ) {
            let from = from.min(b.len());
            proptest::prop_assert_eq!(
                next_phrase_start(&b, from),
                next_phrase_start_bytewise(&b, from)
            );
        }
    }

    #[test]
    fn phrase_starts_on_every_byte_pair() {
        for before in 0..=255u8 {
            for c in 0..=255u8 {
                for at in [0, 5, 9, 15] {
                    let mut b = vec![b'.'; 18];
                    if at > 0 {
                        b[at - 1] = before;
                    }
                    b[at] = c;
                    for from in [0, at] {
                        assert_eq!(
                            next_phrase_start(&b, from),
                            next_phrase_start_bytewise(&b, from),
                            "{before:#x} {c:#x} at {at} from {from}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn not_handles() {
        assert!(values("snap et insta dispo").is_empty());
        assert!(values("snap lola, insta 2024, tg 24h/24").is_empty());
        assert!(values("magic: ok").is_empty());
        assert!(values("tg: 0612345678").is_empty());
        assert!(values("disc: x").is_empty());
        assert!(values("my snap is great, insta est cool").is_empty());
        assert!(values("threads and needles, new threads today").is_empty());
    }
}
