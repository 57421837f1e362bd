//! Phone numbers: a hand-written candidate finder over the text, validated with `phonenumber`
//! (libphonenumber metadata), value E.164.
//!
//! The scanner walks the text once, word by word. A *group* is a word made of digits (any
//! Unicode decimal digit, keycaps, circled digits, with O/o for 0 and l/I/| for 1 inside a digit
//! word) or a number written as words in one of eight languages. Groups joined by short,
//! phone-like separators (spaces, `.`, `-`, `/`, `(`, `)`, `+`...) form a *run*. Candidates are
//! runs of whole groups that start and end at a "soft" boundary (whitespace, `/`, emoji, keycap),
//! never inside `06.12.34`. Each candidate is validated with libphonenumber: international when it
//! starts with `+` or `00`, national with the default region otherwise (and then it must start
//! with the region's trunk prefix when the region has one, as numbers in ads always do). At each
//! start the longest valid candidate wins.
//!
//! Runs that are not phones are dropped before validation: dates (`12/03/2024`), card-like and
//! IBAN-like groups of four, numbers glued to URLs or e-mails, numbers after reference words
//! (`ref`, `n°`, `commande`, `IBAN`...).

use super::SelectorContext;
use super::chars::{digit_value, fold_word, is_ignorable, is_keycap_mark};
use super::numwords::{self, NumWord};
use super::phone_meta::{self, Meta};
use cairn_core::{Finding, FindingKind};
use phonenumber::country::Id;
use phonenumber::{Mode, PhoneNumber};
use rustc_hash::FxHashSet;
use std::ops::RangeInclusive;
use std::str::FromStr;
use std::sync::OnceLock;

/// Rule id and version recorded on every phone finding.
pub const RULE: &str = "phone@1";

/// Longest digit string ever tried as one candidate (`00` + 15 digits of E.164).
const MAX_CANDIDATE_DIGITS: usize = 17;
/// Shortest national number tried (with its trunk prefix).
const MIN_NATIONAL_DIGITS: usize = 7;
/// Shortest national number tried right after a phone label (`Tél. 42 80 25`, `Handy 232739`):
/// Luxembourg still has six-digit fixed lines, which alone are too like postcodes, prices and
/// ids to be read.
const MIN_LABELLED_DIGITS: usize = 6;
/// Digits from which a candidate is long enough to stand for a whole number: shorter ones are
/// more likely the start of a longer one (`+49 221-724. 48/77`), and punctuation among their
/// groups is how the number is written (`+43 (0) 660`, `326 - 210.6967`), not where it ends.
const SETTLED_DIGITS: usize = 10;
/// Shortest international number tried (country code included).
const MIN_INTERNATIONAL_DIGITS: usize = 8;
/// At most this many visible characters between two groups of one run.
const MAX_GAP_CHARS: u8 = 5;

/// Finds the phone numbers of `text`. National formats need `ctx.region`; international ones
/// (`+33 6...`, `0033 6...`) are always found.
pub fn find(text: &str, ctx: &SelectorContext) -> Vec<Finding> {
    let region = ctx.region.and_then(RegionInfo::new);
    let mut out = Vec::new();
    let mut scanner = Scanner::new(text, region.as_ref(), &mut out);
    scanner.scan();
    out
}

/// Regions whose number patterns are compiled at build time (the field study's countries and
/// those of the phone golden test); the others' are compiled on first use.
pub const PREBUILT_REGIONS: &[&str] = phone_meta::PREBUILT_REGIONS;

/// Compiles now the number patterns of `regions` (ISO 3166 ids) and of the regions sharing their
/// country codes, which are otherwise compiled the first time a number needs them. Start-up
/// calls this on a thread that would be idle, so that the analysis threads do not stop for it.
/// Unknown ids are skipped.
pub fn warm_up(regions: &[&str]) {
    for id in regions {
        if let Some(meta) = phone_meta::by_id(id) {
            for m in phone_meta::by_code(meta.code) {
                m.compile_patterns();
            }
        }
    }
}

/// A validated number: E.164, its region (ISO 3166 alpha-2) and country calling code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    pub e164: String,
    pub region: Option<String>,
    pub country_code: u16,
}

/// Validates an international number given as its digits after `+` (country code first), as in
/// `wa.me/33612345678`. Returns `None` unless libphonenumber says it is valid.
pub fn validate_international(digits: &str) -> Option<Validated> {
    if !(MIN_INTERNATIONAL_DIGITS..=15).contains(&digits.len())
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    validate_e164_digits(digits)
}

/// libphonenumber's validity of `+digits`, computed from the crate's metadata (as build-time
/// tables, see `phone_meta`) with our own compiled patterns. The crate's own parser goes through
/// a 100-entry LRU regex cache that the patterns of eight regions overflow, recompiling regexes
/// on every call (40 KB/s); this path compiles each pattern once.
fn validate_e164_digits(digits: &str) -> Option<Validated> {
    for cc_len in 1..=3 {
        let (cc, nsn) = digits.split_at_checked(cc_len)?;
        let Ok(code) = cc.parse::<u16>() else {
            return None;
        };
        let regions = phone_meta::by_code(code);
        if regions.is_empty() {
            continue;
        }
        // Country codes are prefix-free: the first that exists is the one.
        if nsn.len() < 2 || nsn.len() > 17 {
            return None;
        }
        let (meta, valid) = region_for(regions, nsn)?;
        if !valid && !meta.has_type(nsn) {
            return None;
        }
        let region = (meta.id != "001").then(|| meta.id.to_owned());
        return Some(Validated {
            e164: plus(digits),
            region,
            country_code: code,
        });
    }
    None
}

/// `+digits`, without the formatting machinery of `format!` (once per candidate).
fn plus(digits: &str) -> String {
    let mut s = String::with_capacity(digits.len() + 1);
    s.push('+');
    s.push_str(digits);
    s
}

/// libphonenumber's region for a number: the only one of its code, else the first whose leading
/// digits match, else the first where the number has a type. The flag says whether `has_type`
/// was found true on the way (so callers need not check it again).
fn region_for(regions: &'static [Meta], nsn: &str) -> Option<(&'static Meta, bool)> {
    if let [only] = regions {
        return Some((only, false));
    }
    regions
        .iter()
        .find_map(|m| match m.leading_digits_match(nsn) {
            Some(true) => Some((m, false)),
            Some(false) => None,
            None => m.has_type(nsn).then_some((m, true)),
        })
}

/// Validates a national number (ASCII digits, trunk prefix included) for `region`.
pub fn validate_national(digits: &str, region: &str) -> Option<Validated> {
    let r = RegionInfo::new(region)?;
    validate_national_with(digits, &r)
}

fn validate_national_with(digits: &str, r: &RegionInfo) -> Option<Validated> {
    validate_national_from(digits, r, MIN_NATIONAL_DIGITS)
}

/// [`validate_national_with`] for numbers of `min_digits` digits or more.
fn validate_national_from(digits: &str, r: &RegionInfo, min_digits: usize) -> Option<Validated> {
    if !(min_digits..=MAX_CANDIDATE_DIGITS - 2).contains(&digits.len()) {
        return None;
    }
    match r.trunk {
        // Trunk `0` (most of Europe) or none (IT, ES, PT, PL, GR...): the national significant
        // number follows, so validate it with the region's country code. The crate's own national
        // parsing mistakes `48 184 52 63` (PL) for a number with country code 48.
        Some("0") | None => {
            let nsn = match r.trunk {
                Some(_) => digits.strip_prefix('0')?,
                None => digits,
            };
            let mut s = String::with_capacity(nsn.len() + 5);
            s.push_str(r.country_code_digits);
            s.push_str(nsn);
            validate_e164_digits(&s)
        }
        Some(p) => {
            if !digits.starts_with(p) {
                return None;
            }
            check(phonenumber::parse(Some(r.id), digits).ok()?)
        }
    }
}

fn check(n: PhoneNumber) -> Option<Validated> {
    if !phonenumber::is_valid(&n) || !strictly_valid(&n) {
        return None;
    }
    Some(Validated {
        e164: n.format().mode(Mode::E164).to_string(),
        region: n.country().id().map(|id| id.as_ref().to_owned()),
        country_code: n.code().value(),
    })
}

/// libphonenumber's validity: the national number must match the *whole* pattern of the general
/// description and of one number type. The `phonenumber` crate (0.3.10) only checks that a
/// pattern matches a prefix of the number, which accepts numbers libphonenumber rejects (found by
/// the golden test: `+359 43 012 3429`, `+39 899 956 6955`).
fn strictly_valid(n: &PhoneNumber) -> bool {
    // The national number with its Italian leading zeros (the crate's `metadata()` drops them).
    let nsn = n.national().to_string();
    region_for(phone_meta::by_code(n.code().value()), &nsn)
        .is_some_and(|(m, valid)| valid || m.has_type(&nsn))
}

/// The default region, resolved once per call.
struct RegionInfo {
    id: Id,
    /// The national (trunk) prefix, `0` in most of Europe; `None` in IT, ES, PT, PL, GR...
    trunk: Option<&'static str>,
    /// The country calling code, in digits.
    country_code_digits: &'static str,
}

impl RegionInfo {
    fn new(code: &str) -> Option<Self> {
        let upper = code.trim().to_ascii_uppercase();
        // Eurostat and common aliases.
        let upper = match upper.as_str() {
            "UK" => "GB".to_owned(),
            "EL" => "GR".to_owned(),
            _ => upper,
        };
        let id = Id::from_str(&upper).ok()?;
        let meta = phone_meta::by_id(id.as_ref())?;
        Some(Self {
            id,
            trunk: meta.national_prefix,
            country_code_digits: meta.code_digits,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Compose {
    /// Nothing may be added to this group.
    Closed,
    /// Tens (20..90, or 70/90 built from 60/80): a unit may follow ("trente-quatre").
    Tens,
    /// French 60 and 80 ("soixante", "quatre-vingt"): a unit or a teen may follow
    /// ("soixante-douze", "quatre-vingt-dix").
    TensAndTeens,
    /// Ten: French "dix-sept".."dix-neuf".
    Ten,
    /// French "quatre", which "vingt" turns into 80.
    Quatre,
}

#[derive(Clone, Copy, Debug)]
struct Group {
    start: usize,
    end: usize,
    /// Range of this group's digits in `Run::digits`.
    d0: usize,
    d1: usize,
    /// A `+` right before: the number is international.
    plus: bool,
    /// Byte offset of that `+`.
    plus_pos: usize,
    /// `(` right before (for `(0)`).
    open_paren_before: bool,
    /// `(0)` after a country code: dropped in international form.
    paren_zero: bool,
    /// A candidate may start here (start of run, or after whitespace, `/`, emoji, keycap).
    split_before: bool,
    /// After `/`, `|`, emoji, keycap or several spaces.
    strong_before: bool,
    /// After `/` or `|`.
    slash_before: bool,
    /// After an emoji (`06💋12💋34`).
    deco_before: bool,
    /// Glued to the keycap digit before (`6️⃣7️⃣`): one group of the writer's, split here only
    /// so that a candidate may start at any keycap.
    keycap_before: bool,
    /// The single visible separator before this group, when there is exactly one.
    sep_before: Option<char>,
    /// After punctuation with whitespace (`. `, ` · `, ` — `): may end a sentence or a list item.
    loose_before: bool,
    /// After whitespace (alone or with punctuation).
    ws_before: bool,
    /// Part of a date, card number... never part of a phone.
    blocked: bool,
    /// One of two short groups around a bare `/` (`24/7`, `1/2`): part of no phone in the first
    /// pass over its run; the second pass, for runs where the first found none, lets a group of
    /// two digits be part of one (`06/12 34 56-78`).
    slash_pair: bool,
    /// The other group of this one's slash pair has one digit (`24/7`, `7/7`, `1/2`): an hour
    /// count or a fraction, off in the second pass too. A phone's groups around a `/` are pairs
    /// of digits (`06/12`).
    slash_pair_odd: bool,
    word: bool,
    compose: Compose,
    /// Number words were merged into this group (`trente-quatre`).
    merged: bool,
    /// How this group splits when its one merge is a guess (see [`SplitWords`]).
    split: Option<SplitWords>,
}

/// A group of two number words that may also be read as two groups: tens then a unit written
/// apart (`twenty four` is 24, or 20 then 4). The joined reading comes first; the split one
/// is tried where the joined reading gives no valid number in the run.
#[derive(Clone, Copy, Debug)]
struct SplitWords {
    /// End of the first word and start of the second.
    first_end: usize,
    second_start: usize,
    /// The first word's value (20..90, 10) and the second's (1..19).
    first: u8,
    second: u8,
    /// Only spaces between the two words (not a hyphen, as in `twenty-four`).
    spaced: bool,
}

impl Group {
    /// Four digits from 1950 to 2039, as a year of birth or of an event is written. `digits`:
    /// the run's.
    fn is_year(&self, digits: &[u8]) -> bool {
        !self.word
            && self.d1 - self.d0 == 4
            && (1950..=2039).contains(&value_of(&digits[self.d0..self.d1]))
    }

    /// A lone `/` glued to this group and the one before (`06/12`, `2023/612345678`).
    fn slash_glued_before(&self) -> bool {
        self.sep_before == Some('/')
    }

    /// A `+` glued to this group after whitespace (`rue Victor Hugo 88 – +34 612…`): the start
    /// of an international number, which no number goes on over. A `+` between the groups of
    /// one number (`06+12+34+56+78`, `06 + 12 + 34`) is glued to neither or to both.
    fn starts_international(&self) -> bool {
        self.plus && self.ws_before && self.plus_pos + 1 == self.start
    }
}

#[derive(Default, Clone)]
struct Run {
    digits: Vec<u8>,
    groups: Vec<Group>,
    /// The first groups follow a reference word, a URL or an IBAN prefix.
    taint_head: bool,
    /// The taint of the head comes only from a URL or e-mail address glued to the first group
    /// (`7j/7 06 12695984`): it ends at the first whitespace, as the address does.
    address_head: bool,
    /// The last groups are glued to a URL or an e-mail address.
    taint_tail: bool,
    /// The last group is an amount: a currency or a count noun follows it (`150€`, `500 vues`).
    amount_tail: bool,
    /// The currency word of [`Self::amount_tail`] is one that may open the amount after it
    /// (`079 123 45 67 CHF 150`): where the run reads as no phone without its last group, it is
    /// read again with it.
    currency_opens_amount: bool,
    /// The last group may be a house number, a photo count (`57 avenue Foch`, `6 photos`; see
    /// [`TAIL_WORDS`]) or the whole part of a decimal number (`1,78m`): the run is read without
    /// it first.
    soft_tail: bool,
    /// The taint of the head comes from a reference word (`ID`, `ref`, `n°`), not an address
    /// or an IBAN prefix.
    reference_head: bool,
    /// The taint of the head comes from an IBAN's country code and check digits (`DE54`): the
    /// digits of that country's BBAN.
    iban_digits: Option<usize>,
    /// A phone label comes right before the run (`Tél.`, `Handy`, `WhatsApp`): a national
    /// number may have [`MIN_LABELLED_DIGITS`].
    phone_label: bool,
}

impl Run {
    /// This run with its guessed joins of number words read apart (see [`SplitWords`]): those
    /// written with spaces, and with hyphens too when `hyphens_too`. `None` when there is none.
    fn words_apart(&self, hyphens_too: bool) -> Option<Run> {
        let splits = |g: &Group| g.split.filter(|w| w.spaced || hyphens_too);
        if !self.groups.iter().any(|g| splits(g).is_some()) {
            return None;
        }
        let mut apart = Run {
            digits: Vec::with_capacity(self.digits.len() + 4),
            groups: Vec::with_capacity(self.groups.len() + 2),
            taint_head: self.taint_head,
            address_head: self.address_head,
            taint_tail: self.taint_tail,
            amount_tail: self.amount_tail,
            currency_opens_amount: self.currency_opens_amount,
            soft_tail: self.soft_tail,
            reference_head: self.reference_head,
            iban_digits: self.iban_digits,
            phone_label: self.phone_label,
        };
        for g in &self.groups {
            let Some(w) = splits(g) else {
                let d0 = apart.digits.len();
                apart.digits.extend_from_slice(&self.digits[g.d0..g.d1]);
                apart.groups.push(Group {
                    d0,
                    d1: apart.digits.len(),
                    ..*g
                });
                continue;
            };
            let d0 = apart.digits.len();
            apart.digits.extend([w.first / 10, w.first % 10]);
            let d1 = apart.digits.len();
            apart.groups.push(Group {
                end: w.first_end,
                d0,
                d1,
                compose: Compose::Closed,
                merged: false,
                split: None,
                ..*g
            });
            if w.second >= 10 {
                apart.digits.push(w.second / 10);
            }
            apart.digits.push(w.second % 10);
            apart.groups.push(Group {
                start: w.second_start,
                d0: d1,
                d1: apart.digits.len(),
                plus: false,
                open_paren_before: false,
                paren_zero: false,
                split_before: w.spaced,
                strong_before: false,
                slash_before: false,
                deco_before: false,
                keycap_before: false,
                sep_before: if w.spaced { None } else { Some('-') },
                loose_before: false,
                ws_before: w.spaced,
                compose: Compose::Closed,
                merged: false,
                split: None,
                ..*g
            });
        }
        Some(apart)
    }

    fn clear(&mut self) {
        self.digits.clear();
        self.groups.clear();
        self.taint_head = false;
        self.address_head = false;
        self.taint_tail = false;
        self.amount_tail = false;
        self.currency_opens_amount = false;
        self.soft_tail = false;
        self.reference_head = false;
        self.iban_digits = None;
        self.phone_label = false;
    }

    /// The fewest digits a national number of this run may have.
    fn min_national_digits(&self) -> usize {
        if self.phone_label {
            MIN_LABELLED_DIGITS
        } else {
            MIN_NATIONAL_DIGITS
        }
    }

    /// Where the reference that labels this run ends, when a number may follow it in the same
    /// run with only spaces between (`ID 566259238 0712 815 843`, `ref 211-3014 628 430 418`):
    /// the reference is the first group with those glued to it, of four digits or more, and
    /// groups follow after whitespace.
    fn reference_end(&self) -> Option<usize> {
        if !self.reference_head {
            return None;
        }
        let r = self.groups.iter().skip(1).position(|g| g.ws_before)? + 1;
        let head = &self.groups[..r];
        let digits: usize = head.iter().map(|g| g.d1 - g.d0).sum();
        (digits >= 4 && !head.iter().any(|g| g.word || g.plus)).then_some(r)
    }
}

/// The characters between two words.
#[derive(Default, Clone, Copy, Debug)]
struct Gap {
    visible: u8,
    ws: bool,
    newline: bool,
    bad: bool,
    split: bool,
    commas: u8,
    plus_last: bool,
    plus_pos: usize,
    open_paren_last: bool,
    first_visible: Option<char>,
    sep: Option<char>,
    seps: u8,
    urlish: bool,
    at: bool,
    degree: bool,
    keycap_only: bool,
    /// `/`, `|`, emoji, or two spaces and more: clearly two things.
    strong: bool,
    spaces: u8,
    slash: bool,
    deco: bool,
    /// Whitespace came before the first visible character.
    ws_first: bool,
    /// A numero sign `№` (which no phone has in it).
    numero: bool,
}

impl Gap {
    fn reset(&mut self) {
        *self = Gap {
            keycap_only: true,
            ..Gap::default()
        };
    }

    /// `push(' ', _)`, the most common case, without the dispatch.
    #[inline]
    fn push_space(&mut self) {
        self.keycap_only = false;
        self.visible = self.visible.saturating_add(1);
        self.ws = true;
        self.split = true;
        self.spaces = self.spaces.saturating_add(1);
        if self.spaces >= 2 {
            self.strong = true;
        }
    }

    fn push(&mut self, c: char, pos: usize) {
        if is_ignorable(c) {
            return;
        }
        self.keycap_only = false;
        if matches!(
            c,
            '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{0B}' | '\u{0C}'
        ) {
            self.newline = true;
            self.ws = true;
            return;
        }
        self.visible = self.visible.saturating_add(1);
        if c.is_whitespace() {
            self.ws = true;
            self.split = true;
            self.spaces = self.spaces.saturating_add(1);
            if self.spaces >= 2 || c == '\t' {
                self.strong = true;
            }
            return;
        }
        if self.first_visible.is_none() {
            self.first_visible = Some(c);
            self.ws_first = self.ws;
        }
        self.seps = self.seps.saturating_add(1);
        self.sep = if self.seps == 1 { Some(c) } else { None };
        if self.plus_last && c != '(' {
            // `+` must come right before the digits it introduces.
            self.bad = true;
        }
        self.plus_last = false;
        self.open_paren_last = false;
        match c {
            '+' | '＋' => {
                self.plus_last = true;
                self.plus_pos = pos;
            }
            '(' | '[' => self.open_paren_last = true,
            ')' | ']' | '-' | '‐' | '‑' | '‒' | '–' | '—' | '_' | '*' | '·' | '•' | '~' | '\\'
            | '.' | '．' | '。' => {}
            '/' | '|' | '／' => {
                self.split = true;
                self.strong = true;
                self.slash = true;
            }
            ',' => self.commas = self.commas.saturating_add(1),
            '№' => {
                self.numero = true;
                self.bad = true;
            }
            _ if is_decoration(c) => {
                self.split = true;
                self.strong = true;
                self.deco = true;
            }
            _ if is_currency_sign(c) => self.bad = true,
            _ => self.bad = true,
        }
        if matches!(c, '/' | '=' | '?' | '#' | '&' | '@' | '_' | '%' | '.') {
            self.urlish = true;
        }
        if c == '@' {
            self.at = true;
        }
        if is_degree_sign(c) {
            self.degree = true;
        }
    }

    /// Whether this gap starts with punctuation that ends a phrase (`7646 vues, 06…`,
    /// `(3925 vues) +49…`), or holds an emoji (`390 vues 📞 043…`): no label is written so
    /// before its number.
    fn ends_phrase(&self) -> bool {
        self.deco || matches!(self.first_visible, Some(',' | ';' | '!' | '?' | ')'))
    }

    /// Whether this gap is one `:` glued to the groups on both sides (`21:30`), as in a time.
    fn glued_colon(&self) -> bool {
        !self.ws && self.seps == 1 && self.first_visible == Some(':')
    }

    /// Whether two groups separated by this gap belong to one run.
    fn joins(&self) -> bool {
        !self.newline && !self.bad && self.visible <= MAX_GAP_CHARS && self.commas <= 1
    }

    fn splits(&self) -> bool {
        self.split || self.keycap_only
    }

    fn splits_strongly(&self) -> bool {
        self.strong || self.keycap_only
    }
}

/// The degree sign, and the masculine ordinal indicator often typed for it.
fn is_degree_sign(c: char) -> bool {
    matches!(c, '°' | 'º')
}

/// Currency signs: a number right before one is a price.
fn is_currency_sign(c: char) -> bool {
    matches!(c, '€' | '$' | '£' | '¥' | '₤' | '₺' | '₽' | '₴' | '₿')
}

/// Currency words: a number right before one is a price.
const CURRENCY_WORDS: &[&str] = &[
    "euro", "euros", "eur", "lei", "leu", "ron", "лв", "лева", "bgn", "chf", "pln", "zl", "zloty",
    "usd", "gbp", "roses", "rose", "kr", "czk", "huf", "ft",
];

/// Currency codes and words that are also written before the amount (`CHF 150`, `euro 50`),
/// folded: a number before one may be a phone, and the amount the next number.
const CURRENCIES_BEFORE_AMOUNTS: &[&str] = &[
    "euro", "eur", "chf", "gbp", "usd", "pln", "czk", "huf", "ron", "bgn",
];

/// Units glued to the decimals of a height or a weight (`1,70m`, `55,5kg`, `1,70cm`), or of a
/// count in thousands (`1.6k` followers).
const GLUED_MEASURE_UNITS: &[&[u8]] = &[b"m", b"cm", b"kg", b"k"];

/// The mark of an hour of the clock (`22h`, `9H`).
const HOUR_MARK: &[&[u8]] = &[b"h"];

/// Whether `word` is one or two ASCII digits, then one of `units` in any case.
fn digits_then_unit(word: &str, units: &[&[u8]]) -> bool {
    let b = word.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=2).contains(&digits) && units.iter().any(|u| b[digits..].eq_ignore_ascii_case(u))
}

/// `+` said as a word (folded): `plus 33 6 12 34 56 78`.
const PLUS_WORDS: &[&str] = &["plus", "piu", "mas", "плюс"];

/// Words that repeat the unit word after them (folded), as numbers are dictated: `double six`
/// (66), `triple zéro` (000), `doppio sette`.
const REPEAT_WORDS: &[(&str, u8)] = &[
    ("double", 2),
    ("triple", 3),
    ("doppel", 2),
    ("dubbel", 2),
    ("doppio", 2),
    ("triplo", 3),
    ("doble", 2),
    ("dublu", 2),
];

/// Whether `word` may be one of [`PLUS_WORDS`] or [`REPEAT_WORDS`], by its length and first two
/// bytes in either case: `plus`, `più`, `más` (4 bytes), `do…`/`du…` (5 or 6), `tr…` (6), `плюс`
/// (8). Checked on every other word of a text, so that `mais` or `très` go no further.
#[inline]
fn may_be_spoken_sign(word: &str) -> bool {
    let [a, b, ..] = *word.as_bytes() else {
        return false;
    };
    // `| 0x20` lowers ASCII letters, and turns the leads `0xC3` (`á`) into 0xE3 and `0xD0`
    // (`п`) into 0xF0, `0x9F` (`П`'s second byte) into 0xBF: a few other words get through
    // (`m` + a CJK character), which `spoken_sign` then turns away.
    matches!(
        (word.len(), a | 0x20, b | 0x20),
        (4, b'p', b'l' | b'i')
            | (4, b'm', 0xE3)
            | (5 | 6, b'd', b'o' | b'u')
            | (6, b't', b'r')
            | (8, 0xF0, 0xBF)
    )
}

/// Count nouns, folded: a number right before one counts people or views (`861 963 228
/// habitants`, `304 637 179 vues`, `12 345 678 followers`), it is no phone. Not visits or
/// visitors, which ads write after their number (`612 345 678 visitas a domicilio`, `visitors
/// welcome`), nor likes.
const COUNT_WORDS: &[&str] = &[
    "views",
    "followers",
    "subscribers",
    "inhabitants",
    "downloads",
    "vues",
    "abonnes",
    "habitants",
    "telechargements",
    "weergaven",
    "volgers",
    "abonnees",
    "inwoners",
    "aufrufe",
    "abonnenten",
    "einwohner",
    "visualizzazioni",
    "iscritti",
    "abitanti",
    "vistas",
    "visualizaciones",
    "seguidores",
    "suscriptores",
    "habitantes",
    "vizualizari",
    "urmaritori",
    "abonati",
    "locuitori",
    "преглеждания",
    "последователи",
    "абонати",
    "жители",
];

/// Emoji and pictographs some ads put between digit groups.
fn is_decoration(c: char) -> bool {
    matches!(c as u32, 0x2190..=0x21FF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x1F000..=0x1FAFF)
}

#[inline]
fn is_word_char(c: char) -> bool {
    crate::fastchar::is_alphanumeric(c) || c == '|' || ('\u{300}'..='\u{36F}').contains(&c)
}

/// What the previous word was, for the context of the next run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Prev {
    Start,
    Group,
    /// Another word, `text[s..e]`; what it says is worked out only when a run follows it.
    Other {
        s: usize,
        e: usize,
        /// A count noun that counted the number before it (`1250 vues`): it labels no number
        /// after it (`1250 vues. 06 12 34 56 78`).
        counted: bool,
    },
}

/// What a word before a run says about it.
struct WordFlags {
    reference: bool,
    iban_like: bool,
    label: bool,
    /// A label that names a phone or an app (see [`GLUED_LABELS`]), not a "number" word.
    phone_label: bool,
    n: bool,
}

/// Flags of the word `text[s..e]`, folded into `f`.
fn word_flags(text: &str, s: usize, e: usize, f: &mut String) -> WordFlags {
    fold_word(&text[s..e], f);
    let b = f.as_bytes();
    WordFlags {
        // `numéro d'entreprise` (the Belgian company number, `0470.123.456`, reads as a
        // mobile); `entreprise` alone is too common a word (`Contactez notre entreprise: 01…`).
        reference: REFERENCE_SET.contains(f)
            || (f == "entreprise" && elided_de_before(text, s))
            || abbreviated_reference(text, s, f)
            || (COMPANY_WORDS.contains(&f.as_str()) && number_marker_before(text, s)),
        label: LABEL_SET.contains(f),
        phone_label: GLUED_LABELS.contains(&f.as_str()),
        iban_like: b.len() == 4
            && b[0].is_ascii_alphabetic()
            && b[1].is_ascii_alphabetic()
            && b[2].is_ascii_digit()
            && b[3].is_ascii_digit(),
        n: f == "n",
    }
}

/// Whether the folded word `f` at `s` ends an abbreviated label of ids: the Italian tax code
/// `C.F.` (`C.F. 05666308731`) or `T&T`, track and trace (`T&T 0474997177`).
fn abbreviated_reference(text: &str, s: usize, f: &str) -> bool {
    if f != "f" && f != "t" {
        return false;
    }
    // The heads are at most four bytes: the window holds them and the byte before.
    let before = text.as_bytes()[s.saturating_sub(6)..s].to_ascii_lowercase();
    let head = |h: &[u8]| {
        before.ends_with(h)
            && before
                .len()
                .checked_sub(h.len() + 1)
                .is_none_or(|k| !before[k].is_ascii_alphanumeric())
    };
    match f {
        "f" => head(b"c.") || head(b"c. "),
        "t" => head(b"t&") || head(b"t & "),
        _ => false,
    }
}

/// Whether a "number" marker ends right before `s`, after its own word start: `n° client 542…`,
/// `Nr. Kunde`, where the marker comes before the word it numbers.
fn number_marker_before(text: &str, s: usize) -> bool {
    let before = text[..s].trim_end();
    ["n°", "nº", "n.", "no.", "nr.", "n"].iter().any(|m| {
        before.len() >= m.len()
            && before.is_char_boundary(before.len() - m.len())
            && before[before.len() - m.len()..].eq_ignore_ascii_case(m)
            && before[..before.len() - m.len()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// Whether `word` is two to four capital letters, as the prefix of an invoice or file code
/// (`FA`, `INV`, `REF`).
fn is_code_prefix(word: &str) -> bool {
    (2..=4).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether `d'` or `d’` (any case), a word of its own, ends `text[..s]`.
fn elided_de_before(text: &str, s: usize) -> bool {
    let head = &text[..s];
    let Some(rest) = head
        .strip_suffix('\'')
        .or_else(|| head.strip_suffix('\u{2019}'))
    else {
        return false;
    };
    let Some(before) = rest.strip_suffix(['d', 'D']) else {
        return false;
    };
    !before.chars().next_back().is_some_and(is_word_char)
}

/// A list of folded words with, per first byte, the set of their lengths: nearly every word of
/// a text is rejected by one bit test, without comparing it to the list.
struct WordSet {
    words: &'static [&'static str],
    /// `words` hashed, made on first use: one hash and one comparison per word that passes
    /// `by_first` (a binary search's seven or eight string comparisons were 1 % of a scan).
    set: OnceLock<FxHashSet<&'static str>>,
    /// Bit `n` of `by_first[b]`: some word of `n` bytes (`n` < 64) starts with byte `b`.
    by_first: [u64; 256],
}

impl WordSet {
    const fn new(words: &'static [&'static str]) -> Self {
        let mut by_first = [0u64; 256];
        let mut i = 0;
        while i < words.len() {
            let b = words[i].as_bytes();
            // Checked at compile time: every word has 1 to 63 bytes.
            assert!(!b.is_empty() && b.len() < 64);
            by_first[b[0] as usize] |= 1 << b.len();
            i += 1;
        }
        Self {
            words,
            set: OnceLock::new(),
            by_first,
        }
    }

    fn set(&self) -> &FxHashSet<&'static str> {
        self.set
            .get_or_init(|| self.words.iter().copied().collect())
    }

    /// `folded` (as made by `fold_word`) is one of the words.
    fn contains(&self, folded: &str) -> bool {
        let b = folded.as_bytes();
        match b.first() {
            Some(&first) if b.len() < 64 => {
                self.by_first[usize::from(first)] & (1 << b.len()) != 0
                    && self.set().contains(folded)
            }
            _ => false,
        }
    }

    /// Whether the fold of the raw `word` may be one of the words: false only when its first
    /// byte is ASCII (so the fold starts with its lower case) and no word starts with that.
    fn may_contain_fold_of(&self, word: &str) -> bool {
        match word.as_bytes().first() {
            Some(&b) if b.is_ascii() => self.by_first[usize::from(b.to_ascii_lowercase())] != 0,
            _ => true,
        }
    }
}

static REFERENCE_SET: WordSet = WordSet::new(REFERENCE_WORDS);
static LABEL_SET: WordSet = WordSet::new(LABEL_WORDS);
static NUMBER_MARKER_SET: WordSet = WordSet::new(NUMBER_MARKERS);
static CURRENCY_SET: WordSet = WordSet::new(CURRENCY_WORDS);
static COUNT_SET: WordSet = WordSet::new(COUNT_WORDS);

/// Words of a stated age or a number of years after one or two digits (`0664 172154 18 ans`,
/// `0211-074643 6 Jahre`): they are not the end of the number before them (folded, as
/// `fold_word` makes them; see `age.rs` for the selector itself).
const AGE_WORDS: &[&str] = &[
    "ans",
    "jaar",
    "jahre",
    "jahren",
    "anni",
    "anos",
    "ani",
    "years",
    "yrs",
    "години",
    "годишна",
    "годишен",
];

static AGE_SET: WordSet = WordSet::new(AGE_WORDS);

/// Words after a house number or a photo count (folded): a group of one to three digits right
/// before one is seldom the end of the number before it (`0664 176431 57 avenue Foch`, `0664
/// 756587 6 photos`), yet a phone may end just before one (`06 12 34 56 78 rue de la Paix`,
/// `+33673615407 Photos réelles`). So the run is read without that group first, and with it
/// only where that finds nothing.
const TAIL_WORDS: &[&str] = &[
    "avenue",
    "av",
    "rue",
    "bd",
    "boulevard",
    "chemin",
    "allee",
    "impasse",
    "quai",
    "street",
    "road",
    "lane",
    "avenida",
    "calle",
    "viale",
    "piazza",
    "corso",
    "strada",
    "bulevardul",
    "soseaua",
    "ул",
    "улица",
    "бул",
    "булевард",
    "photo",
    "photos",
    "foto",
    "fotos",
    "poze",
    "снимки",
    "pics",
    "pictures",
    "bilder",
];

static TAIL_SET: WordSet = WordSet::new(TAIL_WORDS);

/// Month names and their short forms (folded) in our eight languages: a day of one to two
/// digits right before one (`+39 055 281079 3 aprile 2025`, `0650-2835654 1. Januar 2026`) is
/// read apart first, as a house number is (see [`TAIL_WORDS`]). Each name is listed once, under
/// the first language that writes it (German `April`, `Mai`, `August` are above).
const MONTH_WORDS: &[&str] = &[
    // fr
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
    "janv",
    "fevr",
    "avr",
    "juil",
    // en
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    // de
    "januar",
    "februar",
    "marz",
    "maerz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "okt",
    "dez",
    // nl
    "januari",
    "februari",
    "maart",
    "mei",
    "augustus",
    // it
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "dicembre",
    "gen",
    // es
    "enero",
    "febrero",
    "abril",
    "mayo",
    "junio",
    "julio",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    // ro
    "ianuarie",
    "februarie",
    "martie",
    "aprilie",
    "iunie",
    "iulie",
    "septembrie",
    "octombrie",
    "noiembrie",
    "decembrie",
    // bg
    "януари",
    "февруари",
    "март",
    "април",
    "май",
    "юни",
    "юли",
    "август",
    "септември",
    "октомври",
    "ноември",
    "декември",
];

static MONTH_SET: WordSet = WordSet::new(MONTH_WORDS);

/// Units of a duration or a measure and counted people (folded), as prices are given per time
/// (`030 168749. 30 min 100 €`) and a body is described (`99 kg`, `2 filles`): a group of one to
/// three digits right before one is a quantity, not the end of a number of variable length
/// before it. Read as [`TAIL_WORDS`] are, since a phone may end just before an hour word (`06
/// 12 34 56 78 heures d'appel`).
const UNIT_WORDS: &[&str] = &[
    "min",
    "mins",
    "minute",
    "minutes",
    "minuten",
    "minuti",
    "minuto",
    "minutos",
    "minut",
    "minutu",
    "мин",
    "минути",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "heure",
    "heures",
    "stunde",
    "stunden",
    "std",
    "uur",
    "ora",
    "ore",
    "hora",
    "horas",
    "час",
    "часа",
    "kg",
    "kilo",
    "kilos",
    "cm",
    "m",
    "кг",
    "см",
    "filles",
    "girls",
    "meisjes",
    "madchen",
    "ragazze",
    "chicas",
    "fete",
    "момичета",
];

static UNIT_SET: WordSet = WordSet::new(UNIT_WORDS);

/// Units after a decimal number that is a height in metres or a weight (folded), with the
/// digits of the whole part and of the decimals they take: `1.65 m`, `55,5 kg`. Not other
/// lengths, since a phone written with dots ends in two groups of two digits (`06.12.34.56.78 M.
/// Martin`).
const MEASURE_UNITS: &[(&str, RangeInclusive<usize>, usize)] =
    &[("m", 1..=1, 2), ("kg", 2..=3, 1), ("кг", 2..=3, 1)];

/// Words after which a number is a reference, not a phone.
const REFERENCE_WORDS: &[&str] = &[
    "ref",
    "refs",
    "reference",
    "referenz",
    "referentie",
    "riferimento",
    "referencia",
    "referinta",
    "id",
    "ids",
    "order",
    "commande",
    "bestellung",
    "bestelling",
    "ordine",
    "pedido",
    "comanda",
    "annonce",
    "anzeige",
    "advertentie",
    "annuncio",
    "anuncio",
    "anunt",
    "siret",
    "siren",
    "tva",
    "vat",
    "ust",
    "iban",
    "bic",
    "swift",
    "cp",
    "plz",
    "zip",
    "postcode",
    "dossier",
    "facture",
    "invoice",
    "rechnung",
    "factuur",
    "fattura",
    "factura",
    "ticket",
    "ean",
    "isbn",
    "imei",
    "serial",
    "kvk",
    "cif",
    "nif",
    "nie",
    "cui",
    "eik",
    "bulstat",
    "pesel",
    "regon",
    "nip",
    "transaction",
    "tx",
    "txid",
    "sku",
    "lot",
    "cnp",
    "egn",
    "bsn",
    "ssn",
    "codice",
    "code",
    "cod",
    "kod",
    "код",
    "номер",
    "account",
    "konto",
    "compte",
    "cuenta",
    "conto",
    "rekening",
    "cont",
    "nº",
    "rif",
    "iva",
    "обява",
    // Bulgarian "Ref." and "order" (`Реф. 2025/84185/780`, `Поръчка № 315922223`).
    "реф",
    "поръчка",
    "фактура",
    // The Bulgarian company, VAT and personal numbers in Cyrillic (`ЕИК 895621734`).
    "еик",
    "булстат",
    "егн",
    "advertentienr",
    "bestellnr",
    "bestellnummer",
    "bestelnummer",
    "bestelnr",
    "anzeigennr",
    "auftragsnr",
    "rechnungsnr",
    "kundennr",
    "ordernr",
    "ordernummer",
    "kontonr",
    "kontonummer",
    "kundennummer",
    "rechnungsnummer",
    "auftragsnummer",
    "steuernr",
    "steuernummer",
    "blz",
    "aktenzeichen",
    "rekeningnummer",
    "klantnummer",
    "factuurnummer",
    "dossiernummer",
    // Parcels and case files: tracking numbers are long digit runs.
    "tracking",
    "trackingnummer",
    // `Track & Trace: 0226816309`.
    "trace",
    "suivi",
    "colis",
    "sendung",
    "sendungsnummer",
    "paket",
    "paketnummer",
    "pakket",
    "zending",
    "zendingsnummer",
    // `Track your parcel: 03329877346`, Italian `Numero di tracciamento:`.
    "parcel",
    "tracciamento",
    // Romanian `Număr de urmărire:`.
    "urmarire",
    "envio",
    "seguimiento",
    "spedizione",
    "awb",
    "colet",
    "пратка",
    "товарителница",
    "expediente",
    "pratica",
    "polizza",
    "poliza",
    // German `Vorgang` (a case), customer numbers (`Kd.-Nr.`, `klantnr.`), Austrian and German
    // ad numbers (`Inserat-Nr.`), PIN codes, Bulgarian `преписка` (a case file).
    "vorgang",
    // Bookings: German `Buchungsnr.`, Bulgarian `Резервация` (a label of the booking's
    // number, not of a phone line: `Резервации на тел.`).
    "buchungsnr",
    "buchungsnummer",
    "резервация",
    // The Portuguese company number.
    "nipc",
    "kd",
    "klantnr",
    "inserat",
    "pin",
    "преписка",
    // Belgian company and VAT numbers (`0470.123.456` reads as a mobile).
    "btw",
    "ondernemingsnummer",
    "ondernemingsnr",
    "kbo",
    "bce",
    // `Unternehmensnummer 0470 123 456` (`numéro d'entreprise`: see `word_flags`).
    "unternehmensnummer",
    "unternehmensnr",
    // Company registers: `HRB 123456`, `RCS 123 456 789`.
    "hrb",
    "hra",
    "rcs",
    // Counts written before their number (`Population 7 223 334`, `Visualizzazioni 3.456.789`).
    "population",
    "bevolking",
    "bevolkerung",
    "popolazione",
    "poblacion",
    "populatie",
    "население",
    "inhabitants",
    "habitants",
    "inwoners",
    "einwohner",
    "abitanti",
    "habitantes",
    "locuitori",
    "жители",
    "views",
    "vues",
    "weergaven",
    "aufrufe",
    "visualizzazioni",
    "visualizaciones",
    "vizualizari",
    "преглеждания",
    "posts",
];

/// Words that make a reference only with a "number" marker after them (`Company No. 77651196`):
/// alone they are words of an ad (`Want some company? 06…`). Folded.
const COMPANY_WORDS: &[&str] = &[
    "company",
    "registration",
    "firma",
    "societe",
    "societa",
    "empresa",
    "compania",
    "bedrijf",
    "unternehmen",
    "фирма",
    "customer",
    "client",
    "cliente",
];

/// Words for "number" that may stand between a reference word and its number (`Anuncio n.º`,
/// `Anunț nr.`, `Pedido n.º`, `Annuncio n.:`); they carry the reference over.
const NUMBER_MARKERS: &[&str] = &[
    "n", "nr", "no", "nº", "º", "num", "numero", "nummer", "nro", "number",
    // `USt-IdNr.: DE 123 456 789`.
    "idnr",
];

/// The country prefixes of European VAT numbers, in capitals as they are written (`IT 0123…`):
/// after a reference word (`IVA`, `TVA`, `BTW`) they carry it over, as a "number" word does.
const VAT_PREFIXES: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "GB", "CH", "NO",
];

/// Whether a word starts with a digit and ends with a letter or the reverse: the only words
/// [`Scanner::glued_parts`] may split (a test of two bytes for every word of the text).
#[inline(always)]
fn may_be_glued(word: &[u8]) -> bool {
    match (word.first(), word.last()) {
        (Some(a), Some(z)) => a.is_ascii_digit() != z.is_ascii_digit(),
        _ => false,
    }
}

/// Phone labels that ads glue to the number (`Tel0612345678`, `WhatsApp06…`), folded: the
/// [`LABEL_WORDS`] that name a phone or an app, not the "number" words (`no0612…`, `nr…` are
/// references) nor the short or generic ones (`ph`, `tf`, `contact`).
const GLUED_LABELS: &[&str] = &[
    "tel",
    "tele",
    "telefon",
    "telefono",
    "telephone",
    "telefoon",
    "phone",
    "tlf",
    "mob",
    "mobile",
    "mobil",
    "gsm",
    "cel",
    "cell",
    "handy",
    "call",
    "sms",
    "wa",
    "whatsapp",
    "viber",
];

/// Words that introduce a phone; a `.` or `:` glued to them is no URL.
const LABEL_WORDS: &[&str] = &[
    "tel",
    "tél",
    "tele",
    "telefon",
    "telefono",
    "telephone",
    "telefoon",
    "phone",
    "ph",
    "tlf",
    "tf",
    "mob",
    "mobile",
    "mobil",
    "gsm",
    "cel",
    "cell",
    "handy",
    "nr",
    "no",
    "num",
    "numero",
    "nummer",
    "call",
    "sms",
    "wa",
    "whatsapp",
    "viber",
    "signal",
    "contact",
    "kontakt",
    "тел",
    "телефон",
];

struct Scanner<'t, 'o> {
    text: &'t str,
    region: Option<&'t RegionInfo>,
    out: &'o mut Vec<Finding>,
    run: Run,
    gap: Gap,
    prev: Prev,
    pending_connector: bool,
    /// The last words were a reference word and a "number" marker (`Anuncio n.º`).
    ref_carry: bool,
    fold: String,
    cand: String,
}

impl<'t, 'o> Scanner<'t, 'o> {
    fn new(text: &'t str, region: Option<&'t RegionInfo>, out: &'o mut Vec<Finding>) -> Self {
        let mut gap = Gap::default();
        gap.reset();
        Self {
            text,
            region,
            out,
            // Sized for a few phones' digits and groups, so that they are not reallocated as
            // they grow.
            run: Run {
                digits: Vec::with_capacity(32),
                groups: Vec::with_capacity(16),
                ..Run::default()
            },
            gap,
            prev: Prev::Start,
            pending_connector: false,
            ref_carry: false,
            fold: String::new(),
            cand: String::new(),
        }
    }

    fn scan(&mut self) {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b' ' {
                self.gap.push_space();
                i += 1;
                continue;
            }
            // ASCII fast path for the common separators.
            if b < 0x80 && !b.is_ascii_alphanumeric() && b != b'|' {
                self.gap.push(b as char, i);
                i += 1;
                continue;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            if !is_word_char(c) {
                self.gap.push(c, i);
                i += c.len_utf8();
                continue;
            }
            let mut j = i + c.len_utf8();
            while j < bytes.len() {
                // ASCII bytes without decoding: word characters are letters, digits and `|`.
                let b2 = bytes[j];
                if b2 < 0x80 {
                    if !(b2.is_ascii_alphanumeric() || b2 == b'|') {
                        break;
                    }
                    j += 1;
                    continue;
                }
                let Some(c2) = text[j..].chars().next() else {
                    break;
                };
                if !is_word_char(c2) {
                    break;
                }
                j += c2.len_utf8();
            }
            i = self.word(i, j);
        }
        self.flush(false);
    }

    /// Handles the word `text[s..e]`. Returns where the scan goes on: `e`, or the end of the
    /// next word when this one was read with it (`double six`).
    fn word(&mut self, s: usize, e: usize) -> usize {
        let w = &self.text[s..e];
        // Digits, possibly with O/o/l/I/| standing for 0 and 1 (and the Cyrillic О/о of
        // Bulgarian ads, beside a real digit only).
        let mut real = 0usize;
        let mut all_digits = true;
        for c in w.chars() {
            if digit_value(c).is_some() {
                real += 1;
            } else if !matches!(c, 'O' | 'o' | 'l' | 'I' | '|' | 'О' | 'о') {
                all_digits = false;
                break;
            }
        }
        if all_digits && (real > 0 || self.digits_written_as_letters(w, e)) {
            // Digit words longer than any phone are not phones; their digits are never needed.
            let mut buf = [0u8; 2 * MAX_CANDIDATE_DIGITS];
            let mut n = 0;
            for c in w.chars().take(buf.len()) {
                buf[n] = match c {
                    'O' | 'o' | 'О' | 'о' => 0,
                    'l' | 'I' | '|' => 1,
                    _ => digit_value(c).unwrap_or(0),
                };
                n += 1;
            }
            self.push_group(s, e, &buf[..n], false, Compose::Closed);
            return e;
        }
        // Most words are short ASCII: lowercase them into the reused buffer (no allocation, no
        // UTF-8 validation per word); number words are at most 24 bytes.
        let found = if w.is_ascii() {
            if let [a, c, ..] = *w.as_bytes()
                && a.is_ascii_alphabetic()
                && c.is_ascii_alphabetic()
                && !numwords::may_start_with(a.to_ascii_lowercase(), c.to_ascii_lowercase())
            {
                // Two letters that start no number word: not worth lowercasing the word.
                None
            } else if w.len() <= 24 {
                self.fold.clear();
                self.fold.push_str(w);
                self.fold.make_ascii_lowercase();
                numwords::lookup(&self.fold)
            } else {
                None
            }
        } else if let [a, c, ..] = *w.as_bytes()
            && a.is_ascii_alphabetic()
            && c.is_ascii_alphabetic()
            && !numwords::may_start_with(a.to_ascii_lowercase(), c.to_ascii_lowercase())
        {
            // The fold starts with these two letters in lower case: no number word does.
            None
        } else if fold_word(w, &mut self.fold) {
            numwords::lookup(&self.fold)
        } else {
            None
        };
        match found {
            Some(nw) => self.number_word(s, e, nw),
            None if may_be_glued(&self.text.as_bytes()[s..e]) && self.glued_parts(s, e) => {}
            None if may_be_spoken_sign(w) => return self.spoken_sign(s, e),
            None => self.other_word(s, e),
        }
        e
    }

    /// Whether `w`, a word of letters that may stand for digits but of no digit, ending at `e`, is
    /// a group of zeros or ones written as letters (`0768 265 OOO`, `93 495 oo 32`, `06 24 80 53
    /// ll`): one letter O, o or l two or more times, and only right after a group that it joins,
    /// since `OO` alone is no number. Other groups of these letters may be words (`Il`, `Io`,
    /// `lo`, `oi`, the numeral `II`): they are 0s and 1s only between two groups (`+33 I 27 52
    /// 40 03`, `O6 27 82 OI 37`, `2O II 53`), or last when an upper-case O follows an l or I (`8O
    /// lO`, `IO`), which no word of our languages writes.
    fn digits_written_as_letters(&self, w: &str, e: usize) -> bool {
        let b = w.as_bytes();
        let after_group =
            self.prev == Prev::Group && !self.run.groups.is_empty() && self.gap.joins();
        match b {
            [first @ (b'O' | b'o' | b'l'), rest @ ..]
                if !rest.is_empty() && rest.iter().all(|c| c == first) =>
            {
                after_group
            }
            _ if b.len() <= 4 && b.iter().all(|c| matches!(c, b'O' | b'o' | b'l' | b'I')) => {
                let one_then_o = b.windows(2).any(|p| matches!(p, [b'l' | b'I', b'O']));
                after_group && (one_then_o || self.group_follows(e))
            }
            _ => false,
        }
    }

    /// Whether a digit group starts right after `e`, past a short separator on the same line (a
    /// space, `.` or `-`, at most two).
    fn group_follows(&self, e: usize) -> bool {
        let rest = self.text.get(e..).unwrap_or_default();
        let sep = rest
            .bytes()
            .take(2)
            .take_while(|c| matches!(c, b' ' | b'.' | b'-'))
            .count();
        rest[sep..]
            .chars()
            .next()
            .is_some_and(|c| digit_value(c).is_some())
    }

    /// A word that speaks a sign of the number: `plus` for `+` before its digits (`plus 33 6 12
    /// 34 56 78`), `double`/`triple` before a unit word (`double six` = 66). Called where
    /// [`may_be_spoken_sign`] holds; any other word is handled as [`Self::other_word`]. Returns
    /// where the scan goes on.
    // Out of line: rare, and the word loop stays small.
    #[inline(never)]
    fn spoken_sign(&mut self, s: usize, e: usize) -> usize {
        let text = self.text;
        let b = text.as_bytes();
        fold_word(&text[s..e], &mut self.fold);
        let fold = self.fold.as_str();
        if PLUS_WORDS.contains(&fold) {
            self.other_word(s, e);
            // Only before digits that may follow a `+` (a `0` starts a national number: `… plus
            // 07 98 76 54 32` is a second number, not `+07…`).
            let k = e + usize::from(b.get(e) == Some(&b' '));
            if b.get(k).is_some_and(|d| (b'1'..=b'9').contains(d)) {
                self.gap.push('+', s);
            }
            return e;
        }
        if let Some(&(_, times)) = REPEAT_WORDS.iter().find(|(w, _)| *w == fold) {
            // One space or hyphen, then a unit word.
            let k = e + usize::from(matches!(b.get(e), Some(b' ' | b'-')));
            let end = text
                .get(k..)
                .and_then(|rest| rest.find(|c: char| !c.is_alphabetic()))
                .map_or(b.len(), |n| k + n);
            if end > k
                && fold_word(&text[k..end], &mut self.fold)
                && let Some(NumWord::Unit(u)) = numwords::lookup(&self.fold)
            {
                let digits = [u; 3];
                self.push_group(s, end, &digits[..usize::from(times)], true, Compose::Closed);
                return end;
            }
        }
        self.other_word(s, e);
        e
    }

    /// A word that glues a number word or a phone label to digits (`zero6`, `Tel06`), or digits
    /// to a number word (`0six`): read as its two parts, as if a space were between them.
    /// Returns false, having done nothing, for any other word (`mp3`, `h24`, `covid19`). Called
    /// where [`may_be_glued`] holds: one end of the word is a digit, the other is not.
    // Out of line: rare, and inlined it kept `other_word` out of the word loop (+1.5 % of a
    // scan's instructions).
    #[inline(never)]
    fn glued_parts(&mut self, s: usize, e: usize) -> bool {
        let b = &self.text.as_bytes()[s..e];
        let digits_first = b.first().is_some_and(u8::is_ascii_digit);
        // Where the digits start (`zero6`) or end (`0six`).
        let Some(k) = b.iter().position(|x| x.is_ascii_digit() != digits_first) else {
            return false;
        };
        let (digits, letters) = if digits_first {
            (&b[..k], &self.text[s + k..e])
        } else {
            (&b[k..], &self.text[s..s + k])
        };
        if digits.len() > MAX_CANDIDATE_DIGITS
            || !digits.iter().all(u8::is_ascii_digit)
            || !letters.chars().all(char::is_alphabetic)
            || !fold_word(letters, &mut self.fold)
        {
            return false;
        }
        let unit = match numwords::lookup(&self.fold) {
            Some(nw @ NumWord::Unit(_)) => Some(nw),
            _ => None,
        };
        let label = !digits_first && GLUED_LABELS.contains(&self.fold.as_str());
        if unit.is_none() && !label {
            return false;
        }
        let mut values = [0u8; MAX_CANDIDATE_DIGITS];
        for (v, d) in values.iter_mut().zip(digits) {
            *v = d - b'0';
        }
        let values = &values[..digits.len()];
        match (digits_first, unit) {
            (true, Some(nw)) => {
                self.push_group(s, s + k, values, false, Compose::Closed);
                self.number_word(s + k, e, nw);
            }
            (false, Some(nw)) => {
                self.number_word(s, s + k, nw);
                self.push_group(s + k, e, values, false, Compose::Closed);
            }
            _ => {
                self.other_word(s, s + k);
                self.push_group(s + k, e, values, false, Compose::Closed);
            }
        }
        true
    }

    // Once per word of the text: inlined into the word loop.
    #[inline(always)]
    fn other_word(&mut self, s: usize, e: usize) {
        let mut counted = false;
        if !self.run.groups.is_empty() {
            let w = &self.text[s..e];
            // `1,70m`, `1.58m`, `1.6k`: decimals glued to a unit after a decimal mark.
            let mark = self.gap.first_visible;
            let decimals_of_unit = !self.gap.ws
                && self.gap.seps == 1
                && matches!(mark, Some(',' | '.'))
                && digits_then_unit(w, GLUED_MEASURE_UNITS);
            // A URL or e-mail glued to the end of the run taints its tail; but in `300€/h` the
            // `/` after a currency sign starts the price's unit (the amount alone is blocked),
            // and `58m` after a `.` is no domain.
            if !self.gap.ws
                && (self.gap.urlish || self.gap.at)
                && !self.gap.first_visible.is_some_and(is_currency_sign)
                && !decimals_of_unit
            {
                self.run.taint_tail = true;
            }
            // `100 euros`, `200 lei`: the last group is a price; `500 vues`, a count; `18 ans`,
            // an age.
            if self.gap.seps == 0
                && self.gap.visible <= 1
                && (CURRENCY_SET.may_contain_fold_of(w)
                    || COUNT_SET.may_contain_fold_of(w)
                    || AGE_SET.may_contain_fold_of(w)
                    || TAIL_SET.may_contain_fold_of(w)
                    || UNIT_SET.may_contain_fold_of(w))
            {
                fold_word(w, &mut self.fold);
                counted = COUNT_SET.contains(&self.fold) && self.counts_number_before(e);
                let currency = CURRENCY_SET.contains(&self.fold);
                if counted
                    || currency
                    || (AGE_SET.contains(&self.fold) && self.one_or_two_digits_last())
                {
                    self.run.amount_tail = true;
                    self.run.currency_opens_amount = currency
                        && CURRENCIES_BEFORE_AMOUNTS.contains(&self.fold.as_str())
                        && self.amount_follows(e);
                } else if let Some((_, whole, decimals)) =
                    MEASURE_UNITS.iter().find(|(u, _, _)| *u == self.fold)
                    && self.decimals_last(whole, *decimals)
                {
                    // `1.65 m`: the two last groups are a decimal number.
                    if let [.., whole, decimals] = self.run.groups.as_mut_slice() {
                        whole.blocked = true;
                        decimals.blocked = true;
                    }
                } else if (TAIL_SET.contains(&self.fold) || UNIT_SET.contains(&self.fold))
                    && !self.gap.newline
                    && (self.short_group_after_long() || self.short_group_after_pause())
                {
                    self.run.soft_tail = true;
                }
            }
            // `+39 055 281079 3 aprile 2025`, `0650-2835654 1. Januar 2026`: a day before its
            // month (German writes a dot after it) is read apart first.
            if !self.gap.newline
                && self.gap.visible <= 2
                && (self.gap.seps == 0
                    || (self.gap.seps == 1
                        && self.gap.first_visible == Some('.')
                        && !self.gap.ws_first))
                && MONTH_SET.may_contain_fold_of(w)
                && self.day_last()
                && (self.short_group_after_long() || self.short_group_after_pause())
                && fold_word(w, &mut self.fold)
                && MONTH_SET.contains(&self.fold)
            {
                self.run.soft_tail = true;
            }
            // `+4930130654 20-22h`: the last group starts a range of hours.
            if !self.gap.ws
                && self.gap.seps == 1
                && self.gap.first_visible == Some('-')
                && digits_then_unit(w, HOUR_MARK)
                && let Some(last) = self.run.groups.last_mut()
                && !last.word
                && (1..=2).contains(&(last.d1 - last.d0))
                && value_of(&self.run.digits[last.d0..last.d1]) <= 24
            {
                last.blocked = true;
            }
            // `+43 664 786583 1,78m`: the last group is the whole part of a decimal number that
            // a unit ends (a height, a weight). With the unit glued to the decimals, it is one
            // for sure (`02 129 213, 1,70m`), and so it is after a decimal point (`0664873784
            // 1.58m`, `1.6k`), which otherwise parts the groups of phones.
            if !self.gap.ws
                && self.gap.seps == 1
                && matches!(mark, Some(',' | '.'))
                && w.as_bytes().first().is_some_and(u8::is_ascii_digit)
            {
                if decimals_of_unit
                    && let Some(last) = self.run.groups.last_mut()
                    && !last.word
                    && (1..=3).contains(&(last.d1 - last.d0))
                {
                    last.blocked = true;
                } else if mark == Some(',') && self.short_group_after_long() {
                    self.run.soft_tail = true;
                }
            }
        }
        self.flush(false);
        self.ref_carry = self.carries_reference(s, e);
        self.prev = Prev::Other { s, e, counted };
        self.pending_connector = false;
        self.gap.reset();
    }

    /// Whether an amount follows `e`: a space at most, then a digit (`CHF 150`, `EUR 40`).
    fn amount_follows(&self, e: usize) -> bool {
        let rest = &self.text.as_bytes()[e..];
        let k = usize::from(rest.first() == Some(&b' '));
        rest.get(k).is_some_and(u8::is_ascii_digit)
    }

    /// Whether the last group of the run is one to three digits written as digits, as a house
    /// number or a photo count is, after a group of four digits or more, or one digit after a
    /// group of two or more (`02 126 229 3 photos`). After shorter groups it is as much part of
    /// the number as they are: `0 6 6 0 7 9 3 8 5 2 4 photos`, and `0664 123 45 67 Fotos`,
    /// where `0664 123 45` is a valid Austrian number too.
    fn short_group_after_long(&self) -> bool {
        let len = |g: &Group| g.d1 - g.d0;
        match self.run.groups.as_slice() {
            [.., before, last] => {
                !last.word
                    && (((1..=3).contains(&len(last)) && len(before) >= 4)
                        || (len(last) == 1 && len(before) >= 2))
            }
            _ => false,
        }
    }

    /// Whether the last group of the run is one to three digits written as digits after
    /// punctuation and whitespace (`0664 12600. 30 min`), as a new item of a list starts.
    fn short_group_after_pause(&self) -> bool {
        self.run
            .groups
            .last()
            .is_some_and(|g| !g.word && g.loose_before && (1..=3).contains(&(g.d1 - g.d0)))
    }

    /// Whether the last two groups of the run are a decimal number written with digits, `whole`
    /// digits, a `.` or `,` glued to both, `decimals` digits (`1.65`, `55,5`).
    fn decimals_last(&self, whole_digits: &RangeInclusive<usize>, decimal_digits: usize) -> bool {
        let len = |g: &Group| g.d1 - g.d0;
        match self.run.groups.as_slice() {
            [.., whole, decimals] => {
                !whole.word
                    && !decimals.word
                    && whole_digits.contains(&len(whole))
                    && len(decimals) == decimal_digits
                    && matches!(decimals.sep_before, Some('.' | ','))
                    && !decimals.ws_before
            }
            _ => false,
        }
    }

    /// Whether the group at `i` comes right after the first group that a candidate may use, at
    /// `consumed`, and that one is a year.
    fn right_after_year(&self, i: usize, consumed: usize) -> bool {
        i == consumed + 1 && self.run.groups[consumed].is_year(&self.run.digits)
    }

    /// Whether the last group of the run is one or two digits written as digits, as an age or a
    /// number of years is.
    fn one_or_two_digits_last(&self) -> bool {
        self.run
            .groups
            .last()
            .is_some_and(|g| !g.word && (1..=2).contains(&(g.d1 - g.d0)))
    }

    /// Whether the last group of the run may be the day of a date: one or two digits, 1 to 31.
    fn day_last(&self) -> bool {
        self.run.groups.last().is_some_and(|g| {
            !g.word
                && (1..=2).contains(&(g.d1 - g.d0))
                && (1..=31).contains(&value_of(&self.run.digits[g.d0..g.d1]))
        })
    }

    /// Whether the count noun that ends at `e` counts the number before it (`500 vues`): on the
    /// same line, and not the label of a number of its own (`+49 151 86260115 vues: 20199`, a
    /// page's view counter after the ad's phone). Before digits, it counts a number too short
    /// to be a phone (`1404 vues 912 277 391`).
    // Rare (a count noun right after digits): out of line.
    #[inline(never)]
    fn counts_number_before(&self, e: usize) -> bool {
        let after = self.text[e..].trim_start_matches([' ', '\t']);
        !self.gap.newline
            && !after.starts_with([':', '：', '='])
            && (!after.starts_with(|c: char| c.is_ascii_digit())
                || self.run.digits.len() < MIN_NATIONAL_DIGITS)
    }

    /// Whether the word `text[s..e]` is a "number" marker right after a reference word (or after
    /// a marker that already carries one).
    // Once per word of the text, from `other_word`: inlined into the word loop.
    #[inline(always)]
    fn carries_reference(&mut self, s: usize, e: usize) -> bool {
        let short = !self.gap.newline && self.gap.visible <= 3;
        if !short || e - s > 8 {
            return false;
        }
        let Prev::Other { s: ps, e: pe, .. } = self.prev else {
            return false;
        };
        let text = self.text;
        let word = &text[s..e];
        // `P.IVA: IT 01234567890`, `TVA FR 12 345678901`: the country prefix of a VAT number.
        let vat_prefix = word.len() == 2 && VAT_PREFIXES.contains(&word);
        if !vat_prefix {
            if !NUMBER_MARKER_SET.may_contain_fold_of(word) {
                return false;
            }
            fold_word(word, &mut self.fold);
            if !NUMBER_MARKER_SET.contains(&self.fold) {
                return false;
            }
        }
        self.ref_carry
            || word_flags(text, ps, pe, &mut self.fold).reference
            || COMPANY_WORDS.contains(&self.fold.as_str())
    }

    fn number_word(&mut self, s: usize, e: usize, nw: NumWord) {
        // Words of one number are joined by spaces, hyphens or a connector, never by a comma:
        // in `tre, tre, nove, quaranta, sette` the comma separates the digits people spell.
        let close =
            !self.gap.newline && self.gap.visible <= 3 && !self.gap.bad && self.gap.commas == 0;
        let last = self.run.groups.last().map(|g| (g.compose, g.d0, g.d1));
        let last_val = last.map(|(_, d0, d1)| value_of(&self.run.digits[d0..d1]));
        let can_merge = close && self.prev == Prev::Group && last.is_some();
        let after_tens = matches!(last, Some((Compose::Tens | Compose::TensAndTeens, _, _)));
        match nw {
            NumWord::Connector => {
                if can_merge && after_tens {
                    self.pending_connector = true;
                    // The connector stays inside the gap; it adds to its length.
                    return;
                }
                self.other_word(s, e);
            }
            NumWord::Unit(u) => {
                if can_merge
                    && u > 0
                    && after_tens
                    && !(u == 4 && self.vingt_follows(e))
                    && let Some(v) = last_val
                {
                    let guess = !self.pending_connector;
                    self.merge_last(s, e, v + u as u32, Compose::Closed, guess);
                } else if can_merge
                    && !self.pending_connector
                    && (7..=9).contains(&u)
                    && matches!(last, Some((Compose::Ten, _, _)))
                {
                    self.merge_last(s, e, 10 + u as u32, Compose::Closed, true);
                } else {
                    let c = if u == 4 {
                        Compose::Quatre
                    } else {
                        Compose::Closed
                    };
                    self.push_group(s, e, &[u], true, c);
                }
            }
            NumWord::Teen(_) | NumWord::Dix => {
                let t = match nw {
                    NumWord::Teen(t) => t,
                    _ => 10,
                };
                // After "soixante" and "quatre-vingt" only; "soixante et onze" (71) is the one
                // teen after a connector.
                if can_merge
                    && (!self.pending_connector || t == 11)
                    && let (Some((Compose::TensAndTeens, _, _)), Some(v @ (60 | 80))) =
                        (last, last_val)
                {
                    let nv = v + t as u32;
                    let c = if nv.is_multiple_of(10) {
                        Compose::Tens
                    } else {
                        Compose::Closed
                    };
                    let guess = !self.pending_connector;
                    self.merge_last(s, e, nv, c, guess);
                } else {
                    let c = if nw == NumWord::Dix {
                        Compose::Ten
                    } else {
                        Compose::Closed
                    };
                    self.push_group(s, e, &[t / 10, t % 10], true, c);
                }
            }
            NumWord::Tens(t) => self.push_group(s, e, &[t / 10, 0], true, Compose::Tens),
            NumWord::Soixante => self.push_group(s, e, &[6, 0], true, Compose::TensAndTeens),
            NumWord::TensUnitFirst(t) => {
                self.push_group(s, e, &[t / 10, 0], true, Compose::Closed);
            }
            NumWord::Vingt => {
                if can_merge
                    && !self.pending_connector
                    && matches!(last, Some((Compose::Quatre, _, _)))
                {
                    self.merge_last(s, e, 80, Compose::TensAndTeens, false);
                } else {
                    self.push_group(s, e, &[2, 0], true, Compose::Tens);
                }
            }
            NumWord::Compound(v) => self.push_group(s, e, &[v / 10, v % 10], true, Compose::Closed),
        }
    }

    /// Whether `-vingt` follows the "quatre" that ends at `e`: it starts "quatre-vingt" (80), not
    /// the unit of the tens before it (`trente quatre-vingt-dix-sept` is 30 then 97).
    fn vingt_follows(&self, e: usize) -> bool {
        self.text
            .as_bytes()
            .get(e..e + 6)
            .is_some_and(|b| b.eq_ignore_ascii_case(b"-vingt"))
    }

    /// Replaces the value of the last (word) group with `value`, extending it over the word at
    /// `s..e`. `guess`: the two words may also be two groups (see [`SplitWords`]).
    fn merge_last(&mut self, s: usize, e: usize, value: u32, compose: Compose, guess: bool) {
        let Some(g) = self.run.groups.last_mut() else {
            return;
        };
        let d0 = g.d0;
        let old = value_of(&self.run.digits[d0..g.d1]);
        // Only a group of two words splits back into two; a third word makes it settled.
        let first_merge = !g.merged;
        g.merged = true;
        g.split = match (guess && first_merge, u8::try_from(old), u8::try_from(value)) {
            (true, Ok(first @ 10..=90), Ok(v)) if v > first => Some(SplitWords {
                first_end: g.end,
                second_start: s,
                first,
                second: v - first,
                spaced: self.gap.ws && self.gap.seps == 0,
            }),
            _ => None,
        };
        self.run.digits.truncate(d0);
        if value >= 10 {
            self.run.digits.push((value / 10 % 10) as u8);
        }
        self.run.digits.push((value % 10) as u8);
        g.d1 = self.run.digits.len();
        g.end = e;
        g.compose = compose;
        self.pending_connector = false;
        self.prev = Prev::Group;
        self.gap.reset();
    }

    fn push_group(&mut self, s: usize, e: usize, digits: &[u8], word: bool, compose: Compose) {
        let gap = self.gap;
        self.pending_connector = false;
        if !self.run.groups.is_empty() && !gap.joins() {
            self.flush(true);
        }
        let starting = self.run.groups.is_empty();
        // `21:30 · 628 596 798`: the minutes of a time start no number.
        let minutes = starting && self.prev == Prev::Group && gap.glued_colon();
        if starting {
            if let Prev::Other {
                s: ws,
                e: we,
                counted,
            } = self.prev
            {
                let WordFlags {
                    reference,
                    iban_like,
                    label,
                    phone_label,
                    n,
                } = word_flags(self.text, ws, we, &mut self.fold);
                // `Обява №: 2610387197`: the numero sign is one more character of the label.
                let short = !gap.newline && gap.visible <= 3 + u8::from(gap.numero);
                let glued_address = !gap.ws && (gap.urlish || gap.at) && !label;
                let by_reference =
                    ((reference && !counted) || self.ref_carry) && short && !gap.ends_phrase();
                // `FA-2025-73580`, `INV-8361703`: capitals glued to the digits by a hyphen make
                // the code of an invoice or a file (a phone label does not: `GSM-0470…`).
                let code = !label
                    && !gap.ws
                    && gap.seps == 1
                    && gap.sep == Some('-')
                    && is_code_prefix(&self.text[ws..we]);
                self.run.phone_label = phone_label && short;
                let iban_head = iban_like && short && gap.seps == 0;
                let labelled = by_reference || code || (n && gap.degree && short) || iban_head;
                if glued_address || labelled {
                    self.run.taint_head = true;
                    self.run.address_head = !labelled;
                    self.run.reference_head = by_reference || code;
                    self.run.iban_digits = if iban_head {
                        let cc = self.text.as_bytes()[ws..].get(..2).unwrap_or_default();
                        super::iban::length_for(&cc.to_ascii_uppercase()).map(|n| n - 4)
                    } else {
                        None
                    };
                }
            }
        } else if let Some(last) = self.run.groups.last_mut() {
            // `(0)`: a lone zero between parentheses.
            if last.open_paren_before
                && last.d1 == last.d0 + 1
                && self.run.digits.get(last.d0) == Some(&0)
                && gap.first_visible == Some(')')
            {
                last.paren_zero = true;
            }
        }
        // `0612345678,0762345678`: a comma glued between digits may end one number and start
        // the next, after a group of two digits or more (`0,0612345678` is a decimal number).
        let comma_split = !starting
            && !gap.ws
            && gap.first_visible == Some(',')
            && self
                .run
                .groups
                .last()
                .is_some_and(|g| !g.word && g.d1 - g.d0 >= 2);
        let d0 = self.run.digits.len();
        self.run.digits.extend_from_slice(digits);
        let d1 = self.run.digits.len();
        self.run.groups.push(Group {
            start: s,
            end: e,
            d0,
            d1,
            plus: gap.plus_last,
            plus_pos: gap.plus_pos,
            open_paren_before: gap.open_paren_last,
            paren_zero: false,
            split_before: starting || gap.splits() || comma_split,
            strong_before: starting || gap.splits_strongly(),
            slash_before: !starting && gap.slash,
            deco_before: !starting && gap.deco,
            keycap_before: !starting && gap.keycap_only,
            sep_before: if gap.ws { None } else { gap.sep },
            loose_before: !starting && gap.ws && gap.seps > 0,
            ws_before: !starting && gap.ws,
            blocked: minutes,
            slash_pair: false,
            slash_pair_odd: false,
            word,
            compose,
            merged: false,
            split: None,
        });
        self.prev = Prev::Group;
        self.gap.reset();
    }

    /// Ends the current run. `next_is_group`: a number follows (so a currency sign between
    /// them may belong to it, `€ 150`).
    fn flush(&mut self, next_is_group: bool) {
        if self.run.groups.is_empty() {
            return;
        }
        // `150€`: a currency sign right after the last group; `13%`, a percentage; `8:00`: the
        // hour of a time.
        // A sign after whitespace may open the next amount (`€ 150`), but not after decimals
        // glued by a comma (`96,61 € 2 Fotos`).
        let comma_decimals_last = self.run.groups.last().is_some_and(|g| {
            !g.word && g.d1 - g.d0 == 2 && g.sep_before == Some(',') && !g.ws_before
        });
        if (self
            .gap
            .first_visible
            .is_some_and(|c| is_currency_sign(c) || c == '%')
            && (!next_is_group || !self.gap.ws_first || comma_decimals_last))
            || (next_is_group && self.gap.glued_colon())
        {
            self.run.amount_tail = true;
        }
        // `3382449156 48°43′2″N`, `20°C`: a number glued to a degree sign is a coordinate or a
        // temperature (or the Italian ordinal of `1° piano`), never the end of a phone.
        if self.gap.first_visible.is_some_and(is_degree_sign) && !self.gap.ws_first {
            self.run.amount_tail = true;
        }
        // Luxembourg's six-digit numbers may be read without a label (see `three_pairs`).
        let fewest = if self.in_luxembourg() {
            MIN_LABELLED_DIGITS
        } else {
            self.run.min_national_digits()
        };
        if self.run.digits.len() >= fewest {
            let found_before = self.out.len();
            let with_last = self.run.currency_opens_amount.then(|| Run {
                amount_tail: false,
                currency_opens_amount: false,
                ..self.run.clone()
            });
            self.read_whole_run(found_before);
            if self.out.len() == found_before
                && let Some(run) = with_last
            {
                self.run = run;
                self.read_whole_run(found_before);
            }
        }
        self.run.clear();
    }

    /// Finds the phones of the current run: its non-phones blocked, read as it is, then with
    /// slashes read loosely and number words read apart where that finds none. `found_before`:
    /// the phones found before this run.
    fn read_whole_run(&mut self, found_before: usize) {
        block_non_phones(&mut self.run);
        if let Some(r) = self.run.reference_end() {
            // The reference alone first; the whole taint where that finds nothing.
            block_tainted_tail(&mut self.run);
            for g in &mut self.run.groups[..r] {
                g.blocked = true;
            }
            self.read_run(found_before);
            if self.out.len() == found_before {
                block_tainted_head(&mut self.run);
                self.read_run(found_before);
            }
        } else {
            block_tainted(&mut self.run);
            self.read_run(found_before);
        }
        // Mixed separators with slashes (`06/12 34 56-78`, `06.12/34.56/78`): only where the
        // strict pass found nothing, so that `24/7 06 12 34 56 78` keeps its reading.
        if self.out.len() == found_before && self.run.groups.iter().any(|g| g.slash_before) {
            self.candidates(true);
        }
        // Number words read apart where their joined reading gives no number
        // (`zero eight seven fifty ninety-six twenty four`: `twenty four` is 20 then 4):
        // those written with a space first, then those with a hyphen as well.
        for hyphens_too in [false, true] {
            if self.out.len() != found_before {
                break;
            }
            if let Some(apart) = self.run.words_apart(hyphens_too) {
                let joined = std::mem::replace(&mut self.run, apart);
                self.candidates(false);
                self.run = joined;
            }
        }
    }

    /// Finds the phones of the current run (blocked as it is), without the last group first when
    /// that may be no part of a phone (see [`Run::soft_tail`]). `found_before`: the phones found
    /// before this run.
    fn read_run(&mut self, found_before: usize) {
        if self.run.soft_tail
            && let Some(last) = self.run.groups.last_mut()
            && !last.blocked
        {
            last.blocked = true;
            self.candidates(false);
            if self.out.len() == found_before
                && let Some(last) = self.run.groups.last_mut()
            {
                last.blocked = false;
                self.candidates(false);
            }
        } else {
            self.candidates(false);
        }
    }

    /// Finds the phones of the current run. `relaxed`: the second pass, where a pair of digits
    /// beside a bare `/` (`06/12`, never the `7` of `24/7`) may be part of a phone and slashes
    /// glued to both groups (`06/12/34/56/78`) do not count against the one `/` a number may
    /// have.
    fn candidates(&mut self, relaxed: bool) {
        let off = |g: &Group| {
            // The second pass lets the two-digit groups of even slash pairs in (`06/12`).
            let let_in = relaxed && !g.word && g.d1 - g.d0 == 2 && !g.slash_pair_odd;
            g.blocked || (g.slash_pair && !let_in)
        };
        let n = self.run.groups.len();
        let mut i = 0;
        // Groups before this index belong to a phone found already.
        let mut consumed = 0;
        while i < n {
            let g = &self.run.groups[i];
            if !g.split_before || off(g) {
                i += 1;
                continue;
            }
            // The last group of a number written as one token after the row (see below).
            let mut token_end = None;
            // `886 020 7341`: no phone starts inside a row of digit groups that only spaces
            // separate, unless at most two digits come before it (`3 06 12 34 56 78`), or only a
            // year (`né en 1999 06 11 32 90 53`, tried after the reading from the year); after
            // punctuation with whitespace it may (`rue Victor Hugo 104, 0712 684 456`).
            if i > consumed
                && !g.strong_before
                && !g.loose_before
                && !g.plus
                && !self.run.groups[i - 1].word
                && !self.right_after_year(i, consumed)
            {
                let before: usize = self.run.groups[consumed..i]
                    .iter()
                    .filter(|x| !x.word && !off(x))
                    .map(|x| x.d1 - x.d0)
                    .sum();
                let d0 = g.d0;
                let double_zero = self.run.digits.get(d0..d0 + 2) == Some(&[0, 0][..]);
                if before > 2 && !double_zero {
                    // `14 32 82 86 0171.6953748`, `€ 1,897 01.502.1729`: a number whose groups
                    // are glued by `.`, `-` or `/` is one token, written apart from the row.
                    match self.glued_token_end(i) {
                        Some(k) => token_end = Some(k),
                        None => {
                            i += 1;
                            continue;
                        }
                    }
                }
            }
            // Ends that fall on a soft boundary, longest first.
            let mut ends: [usize; MAX_CANDIDATE_DIGITS + 1] = [0; MAX_CANDIDATE_DIGITS + 1];
            let mut n_ends = 0;
            let mut total = 0usize;
            let (mut slashes, mut decos, mut plains) = (0, 0, 0);
            let mut spaced_slashes = 0;
            for j in i..n {
                let gj = &self.run.groups[j];
                if off(gj) || (j > i && gj.starts_international()) {
                    break;
                }
                if j > i {
                    // One `/` at most (`06 / 12345678`), besides one right after the country
                    // code (`+49/171/1234567`); emoji between all groups or none
                    // (`06💋12💋34💋56💋78`, never `346 154 📞 0039`), keycaps glued to each
                    // other making one group (`6️⃣7️⃣8️⃣💋6️⃣4️⃣💋…`).
                    if gj.keycap_before {
                        // Part of the group before, as the writer grouped the digits.
                    } else if gj.slash_before {
                        let after_country_code = j == i + 1 && self.run.groups[i].plus;
                        let glued = relaxed && gj.slash_glued_before();
                        if !after_country_code && !glued {
                            slashes += 1;
                            spaced_slashes += usize::from(gj.ws_before);
                        }
                    } else if gj.deco_before {
                        decos += 1;
                    } else {
                        plains += 1;
                    }
                    // Several only when a spaced `/` parts every group (`07 / 77 / 11 / 06 / 77`,
                    // `664 / 327 / 606`), as emoji may.
                    let spaced_between_all = slashes == spaced_slashes && plains == 0 && decos == 0;
                    if (slashes > 1 && !spaced_between_all)
                        || (decos > 0 && (plains > 0 || slashes > 0))
                    {
                        break;
                    }
                }
                total += gj.d1 - gj.d0;
                if total > MAX_CANDIDATE_DIGITS {
                    break;
                }
                let soft_end = j + 1 == n || self.run.groups[j + 1].split_before;
                if soft_end
                    && (total >= self.run.min_national_digits() || self.three_pairs(i, j))
                    && n_ends < ends.len()
                    && token_end.is_none_or(|k| j == k)
                {
                    ends[n_ends] = j;
                    n_ends += 1;
                }
            }
            // `0043 664 139 9011. 100 €`, `+43 660 457 6401 · 45 min`: a valid number that
            // stops before punctuation with whitespace is not extended over it (AT, DE and IT
            // numbers have variable lengths, so the longer one often validates too), unless that
            // punctuation comes before the number is settled (`SETTLED_DIGITS`: `+43 (0) 660
            // 534 9043. 31`, `+43 660 - 672  4919. 250`) or between digits written as words
            // (`NULL, SECHS, …, SIEBEN. 23`).
            let d0 = self.run.groups[i].d0;
            let groups = &self.run.groups;
            let settled_before = |k: usize| groups[k - 1].d1 - d0 >= SETTLED_DIGITS;
            let between_words = |k: usize| groups[k].word && groups[k - 1].word;
            let cut = (i + 1..n)
                .find(|&k| groups[k].loose_before && settled_before(k) && !between_words(k))
                .unwrap_or(n);
            let ends = &ends[..n_ends];
            let mut order = [0usize; MAX_CANDIDATE_DIGITS + 1];
            let mut m = 0;
            for pass in [true, false] {
                for &j in ends.iter().rev() {
                    let early = j < cut && self.run.groups[j].d1 - d0 >= SETTLED_DIGITS;
                    if early == pass {
                        order[m] = j;
                        m += 1;
                    }
                }
            }
            let mut found = None;
            for &j in &order[..m] {
                if let Some(v) = self.validate(i, j) {
                    found = Some((j, v));
                    break;
                }
            }
            match found {
                Some((j, v)) => {
                    let first = &self.run.groups[i];
                    let start = if first.plus {
                        first.plus_pos.min(first.start)
                    } else {
                        first.start
                    };
                    // The keycap mark of the last digit (`8️⃣`) belongs to it.
                    let end = self.run.groups[j].end;
                    let end = end
                        + self.text[end..]
                            .chars()
                            .take_while(|&c| is_keycap_mark(c))
                            .map(char::len_utf8)
                            .sum::<usize>();
                    // `(0171) 1234567`, `(+33) 6 12…`: the bracket the number closes is its own.
                    let closes_bracket = start > 0
                        && self.text.as_bytes()[start - 1] == b'('
                        && self.text[start..end]
                            .find([')', '('])
                            .is_some_and(|k| self.text.as_bytes()[start + k] == b')');
                    let start = start - usize::from(closes_bracket);
                    let mut f =
                        Finding::from_span(FindingKind::Phone, v.e164, self.text, start, end, RULE);
                    if let Some(f) = f.take() {
                        let f = f.with("country_code", v.country_code);
                        let f = match v.region {
                            Some(r) => f.with("region", r),
                            None => f,
                        };
                        self.out.push(f);
                    }
                    i = j + 1;
                    consumed = i;
                }
                None => i += 1,
            }
        }
    }

    /// The last group of the token that group `i` starts, when `i` follows only whitespace and
    /// its token is two or more groups, each glued to the one before by one `.`, `-` or `/`
    /// (`0171.6953748`, `083-203-1357`, `0495/59.46.79`), and ends at whitespace. Not an amount
    /// in thousands (`1.234.567`) nor a year range (`2012-2013`).
    fn glued_token_end(&self, i: usize) -> Option<usize> {
        let groups = &self.run.groups;
        let first = groups.get(i)?;
        if first.word || !first.ws_before || first.sep_before.is_some() {
            return None;
        }
        let glued =
            |g: &Group| !g.word && !g.ws_before && matches!(g.sep_before, Some('.' | '-' | '/'));
        let mut k = i;
        while groups.get(k + 1).is_some_and(glued) {
            k += 1;
        }
        if k == i
            || groups.get(k + 1).is_some_and(|g| !g.ws_before)
            || (k == i + 1 && years_apart(first, &groups[k], &self.run.digits))
        {
            return None;
        }
        let len = |g: &Group| g.d1 - g.d0;
        let thousands = len(first) <= 3
            && self.run.digits.get(first.d0) != Some(&0)
            && groups[i + 1..=k].iter().all(|g| len(g) == 3);
        (!thousands).then_some(k)
    }

    fn in_luxembourg(&self) -> bool {
        self.region.is_some_and(|r| r.country_code_digits == "352")
    }

    /// Whether groups `i..=j` are a Luxembourg six-digit number written as three pairs with one
    /// separator repeated (`45-24-75`, `41 77 88`, `40.18.53`), at the start of their run or
    /// after punctuation, and ending there: the way those fixed lines are written, read without
    /// a phone label. Not a date (`24.12.25`) nor body measurements (`85-60-90`).
    fn three_pairs(&self, i: usize, j: usize) -> bool {
        if !self.in_luxembourg() || j != i + 2 {
            return false;
        }
        let groups = &self.run.groups;
        let (a, b, c) = (&groups[i], &groups[i + 1], &groups[j]);
        let pair = |g: &Group| !g.word && !g.plus && g.d1 - g.d0 == 2;
        let same_sep = b.ws_before == c.ws_before
            && b.sep_before == c.sep_before
            && (b.ws_before || matches!(b.sep_before, Some('-' | '.')))
            && (!b.ws_before || b.sep_before.is_none());
        let starts = i == 0 || a.loose_before || a.strong_before;
        // `48 62 94⏎29`: the start of a number split over two lines is no number of its own.
        let rest = self
            .text
            .get(c.end..)
            .unwrap_or_default()
            .trim_start_matches([' ', '\t']);
        let split_over_lines = rest.starts_with(['\n', '\r'])
            && rest
                .trim_start()
                .starts_with(|ch: char| ch.is_ascii_digit());
        let ends = groups.get(j + 1).is_none_or(|g| g.ws_before) && !split_over_lines;
        if !(pair(a) && pair(b) && pair(c) && same_sep && starts && ends) {
            return false;
        }
        let v = |g: &Group| value_of(&self.run.digits[g.d0..g.d1]);
        let (x, y, z) = (v(a), v(b), v(c));
        let date = (1..=31).contains(&x) && (1..=12).contains(&y);
        let measurements =
            (70..=130).contains(&x) && (50..=80).contains(&y) && (70..=130).contains(&z);
        !date && !measurements
    }

    fn validate(&mut self, i: usize, j: usize) -> Option<Validated> {
        let groups = &self.run.groups[i..=j];
        let plus = groups[0].plus;
        let d0 = groups[0].d0;
        let double_zero = self.run.digits.get(d0..d0 + 2) == Some(&[0, 0][..]);
        let intl = plus || double_zero;
        self.cand.clear();
        for g in groups {
            // `+33 (0)6...`: the trunk zero is not dialled from abroad.
            if intl && g.paren_zero {
                continue;
            }
            for &d in &self.run.digits[g.d0..g.d1] {
                self.cand.push((b'0' + d) as char);
            }
        }
        if plus {
            return validate_international_lenient(&self.cand);
        }
        if double_zero {
            return validate_international_lenient(self.cand.get(2..)?);
        }
        let region = self.region?;
        // Six digits only from the group right after the label, not in what follows a number
        // the run held (`Tel. 628 822 815, 40, 8749 AB Amsterdam`).
        let min_digits = if self.three_pairs(i, j) {
            MIN_LABELLED_DIGITS
        } else if i == 0 {
            self.run.min_national_digits()
        } else {
            MIN_NATIONAL_DIGITS
        };
        validate_national_from(&self.cand, region, min_digits)
    }
}

/// `+CC 0 6...`: people often keep the trunk zero after the country code.
fn validate_international_lenient(digits: &str) -> Option<Validated> {
    if let Some(v) = validate_international(digits) {
        return Some(v);
    }
    for cc_len in 1..=3 {
        if digits.len() > cc_len + 1 && digits.as_bytes()[cc_len] == b'0' {
            let (cc, rest) = digits.split_at(cc_len);
            let Ok(code) = cc.parse::<u16>() else {
                continue;
            };
            let trunk_zero = phone_meta::by_code(code)
                .iter()
                .any(|m| m.national_prefix == Some("0"));
            if trunk_zero {
                let mut s = String::with_capacity(digits.len());
                s.push_str(cc);
                s.push_str(&rest[1..]);
                if let Some(v) = validate_international(&s) {
                    return Some(v);
                }
            }
        }
    }
    None
}

fn value_of(ds: &[u8]) -> u32 {
    ds.iter()
        .fold(0u32, |a, &d| a.saturating_mul(10).saturating_add(d as u32))
}

/// Blocks the groups a taint reaches: from the head of the run (after `ref`, `n°`, a URL...) up
/// to the first clear break (`/`, emoji, several spaces); from its tail back to the last one; and
/// the amount before a currency.
fn block_tainted(run: &mut Run) {
    block_tainted_head(run);
    block_tainted_tail(run);
}

/// The head part of [`block_tainted`]: from the start of the run up to the first clear break.
fn block_tainted_head(run: &mut Run) {
    let g = &mut run.groups;
    if run.taint_head {
        // After an IBAN's country code and check digits, the groups that make up its BBAN when
        // they end on a group: a number may follow with only a space (`DE54 9085 6046 6813 3993
        // 61 069/20463998`).
        if let Some(bban) = run.iban_digits {
            let mut digits = 0;
            let end = g.iter().position(|x| {
                digits += x.d1 - x.d0;
                digits >= bban
            });
            if let Some(end) = end
                && digits == bban
            {
                for x in &mut g[..=end] {
                    x.blocked = true;
                }
                return;
            }
        }
        for (k, x) in g.iter_mut().enumerate() {
            // A strong separator ends the reference (`réf 1234 / 06 12 34 56 78`), but for a `/`
            // glued to both sides, which is inside it (`Expediente 2023/612345678`).
            if k > 0 && x.strong_before && !x.slash_glued_before() {
                break;
            }
            // A `+` starts another number (`n° 767 +33 6 12 72 82 86`), and so does a group
            // after punctuation with whitespace (`ID 540993203. 06 12111276`, `ref 759-4928,
            // 0712 492 292`, `7j/7. 078 190 26 22`).
            if k > 0 && (x.plus || x.loose_before || (run.address_head && x.ws_before)) {
                break;
            }
            x.blocked = true;
        }
    }
}

/// The tail part of [`block_tainted`]: a taint from the end of the run, and a final amount.
fn block_tainted_tail(run: &mut Run) {
    let g = &mut run.groups;
    if run.taint_tail {
        for x in g.iter_mut().rev() {
            x.blocked = true;
            if x.strong_before {
                break;
            }
        }
    }
    if run.amount_tail
        && let Some(last) = g.last_mut()
    {
        last.blocked = true;
        // `1234567,50 €`: the decimals and the whole part before their glued comma.
        let decimals = last.sep_before == Some(',');
        if decimals && let [.., whole, _] = g.as_mut_slice() {
            whole.blocked = true;
        }
    }
}

/// Whether `next` starts the national number after the country code `cc` (`+31 6…`): `cc` is a
/// `+` and one to three digits, and nothing but separators stands between them (not `. `).
fn after_country_code(cc: &Group, next: &Group) -> bool {
    cc.plus && !cc.word && cc.d1 - cc.d0 <= 3 && !next.loose_before && !next.strong_before
}

/// Whether groups `a` and `b` are a year (1900 to 2099) and a later one: the next sixty years in
/// full (`2018-2019`, `2013–2016`) or the next one's last two digits (`2005/06`).
fn years_apart(a: &Group, b: &Group, digits: &[u8]) -> bool {
    if a.word || b.word || a.d1 - a.d0 != 4 {
        return false;
    }
    let va = value_of(&digits[a.d0..a.d1]);
    let vb = value_of(&digits[b.d0..b.d1]);
    let later = match b.d1 - b.d0 {
        4 => va < vb && vb <= va + 60,
        2 => vb == (va + 1) % 100,
        _ => false,
    };
    (1900..=2099).contains(&va) && later
}

/// Marks the groups of a run that are dates or card/IBAN-like blocks of four digits.
fn block_non_phones(run: &mut Run) {
    let g = &mut run.groups;
    let n = g.len();
    let len = |x: &Group| x.d1 - x.d0;
    // Dates: d/m/y, d.m.y, d-m-y (and y-m-d), one separator repeated.
    if n >= 3 {
        for k in 0..n - 2 {
            let (a, b, c) = (&g[k], &g[k + 1], &g[k + 2]);
            if a.word || b.word || c.word {
                continue;
            }
            let sep = b.sep_before;
            if sep.is_none() || sep != c.sep_before || !matches!(sep, Some('/' | '.' | '-')) {
                continue;
            }
            // `06.12.34.56.78`, `06.12.04-00 56` are no dates: a date has exactly three parts,
            // not glued to more digits.
            if (k > 0 && g[k].sep_before.is_some()) || (k + 3 < n && g[k + 3].sep_before.is_some())
            {
                continue;
            }
            // Nor right after a country code (`+31 6.20.22 16.48`).
            if k > 0 && after_country_code(&g[k - 1], &g[k]) {
                continue;
            }
            let va = value_of(&run.digits[a.d0..a.d1]);
            let vb = value_of(&run.digits[b.d0..b.d1]);
            let vc = value_of(&run.digits[c.d0..c.d1]);
            // A four-digit year lies in 1900-2099 (`0478.42.53` is the start of a Belgian mobile).
            let year = |v: u32| (1900..=2099).contains(&v);
            let dmy = (1..=2).contains(&len(a))
                && (1..=2).contains(&len(b))
                && (len(c) == 2 || (len(c) == 4 && year(vc)))
                && (1..=31).contains(&va)
                && (1..=31).contains(&vb)
                && (va <= 12 || vb <= 12);
            let ymd = len(a) == 4
                && year(va)
                && (1..=2).contains(&len(b))
                && (1..=2).contains(&len(c))
                && (1..=12).contains(&vb)
                && (1..=31).contains(&vc);
            if dmy || ymd {
                g[k].blocked = true;
                g[k + 1].blocked = true;
                g[k + 2].blocked = true;
            }
        }
    }
    // Body measurements (`90-60-90`, `96-67-100. 36 ans`): three groups of two or three digits
    // joined by hyphens, each from 50 to 130, the middle one (the waist) the smallest.
    for k in 0..n.saturating_sub(2) {
        let (a, b, c) = (&g[k], &g[k + 1], &g[k + 2]);
        let hyphen = |x: &Group| x.sep_before == Some('-');
        if a.word || b.word || c.word || !hyphen(b) || !hyphen(c) {
            continue;
        }
        // At the start of a run or of a list item, not after digits of the same number
        // (`+32 465 92-74-90`, `+31 6 88/82-75-81`).
        if (k > 0 && !a.loose_before) || (k + 3 < n && hyphen(&g[k + 3])) {
            continue;
        }
        let v = |x: &Group| value_of(&run.digits[x.d0..x.d1]);
        let (va, vb, vc) = (v(a), v(b), v(c));
        let size = |x: &Group, v: u32| (2..=3).contains(&len(x)) && (50..=130).contains(&v);
        if size(a, va) && size(b, vb) && size(c, vc) && vb < va && vb < vc {
            for x in &mut g[k..k + 3] {
                x.blocked = true;
            }
        }
    }
    // Coordinates (`GPS 46.240629, 25.800049`, `51.517093,2.710005`): two decimal numbers of
    // one to three digits (no leading zero) and four or more decimals, glued by a `.`, one after
    // the other.
    let decimal = |a: &Group, b: &Group, max: u32, digits: &[u8]| {
        !a.word
            && !b.word
            && !a.plus
            && (1..=3).contains(&len(a))
            && (len(a) == 1 || digits[a.d0] != 0)
            && value_of(&digits[a.d0..a.d1]) <= max
            && len(b) >= 4
            && b.sep_before == Some('.')
    };
    for k in 0..n.saturating_sub(3) {
        let (a, b, c, d) = (&g[k], &g[k + 1], &g[k + 2], &g[k + 3]);
        if (k == 0 || a.loose_before || a.strong_before)
            && (c.loose_before || c.split_before)
            && matches!(c.sep_before, None | Some(','))
            && (k + 4 == n || g[k + 4].sep_before.is_none())
            && decimal(a, b, 90, &run.digits)
            && decimal(c, d, 180, &run.digits)
        {
            for x in &mut g[k..k + 4] {
                x.blocked = true;
            }
        }
    }
    // Year ranges (`Erfahrung 2018-2019.`, `2013–2016`, `2005/06`): a year, then a later year
    // or the last two digits of the next one, glued by a hyphen, dash or slash, the two alone
    // in their list item.
    for k in 0..n.saturating_sub(1) {
        let (a, b) = (&g[k], &g[k + 1]);
        let alone = |x: &Group| x.loose_before || x.strong_before;
        if a.word
            || b.word
            || a.plus
            || b.ws_before
            || !matches!(b.sep_before, Some('-' | '–' | '—' | '/'))
            || !(k == 0 || alone(a))
            || !(k + 2 == n || alone(&g[k + 2]))
        {
            continue;
        }
        if years_apart(a, b, &run.digits) {
            g[k].blocked = true;
            g[k + 1].blocked = true;
        }
    }
    // `dal 1996. 20121 Bologna`, `since 1998 · 20121`: a year that ends a sentence or a list
    // item at the start of a run, then a postal code.
    for k in 0..n.saturating_sub(1) {
        let x = &g[k];
        if !x.plus && x.is_year(&run.digits) && (k == 0 || x.loose_before) && g[k + 1].loose_before
        {
            g[k].blocked = true;
        }
    }
    // `24/7`, `1/2`: two short groups around a bare `/`, unless the pair sits inside a number
    // whose other groups are glued by separators too (`06 02 47/97-87`, `0491 66-48/99`), or
    // between two numbers that each go on (`06 12 34 56 78/06 23 45 67 89`). A separator with
    // whitespace glues nothing: `+46 812458, 24/7` is a number, then the hours.
    let goes_on = |x: &Group| !x.word && !x.loose_before && !x.strong_before;
    let glued_by_sep = |x: &Group| x.sep_before.is_some() && !x.ws_before;
    for k in 1..n {
        // The group right after a country code starts the national number (`+31 6/45 15 75 35`).
        let inside = (k >= 2
            && (after_country_code(&g[k - 2], &g[k - 1]) || glued_by_sep(&g[k - 1])))
            || (k + 1 < n && glued_by_sep(&g[k + 1]))
            || (k >= 2 && k + 1 < n && !g[k - 2].word && goes_on(&g[k - 1]) && goes_on(&g[k + 1]));
        if g[k].slash_glued_before()
            && len(&g[k - 1]) <= 2
            && len(&g[k]) <= 2
            && !g[k].word
            && !inside
        {
            let odd = len(&g[k - 1]) == 1 || len(&g[k]) == 1;
            for x in &mut g[k - 1..=k] {
                x.slash_pair = true;
                x.slash_pair_odd |= odd;
            }
        }
    }
    // Ratings (`4,7/10`, `8,3/10`): one digit, a comma, one digit and a `/` glued to a scale.
    for k in 0..n.saturating_sub(2) {
        let (a, b, c) = (&g[k], &g[k + 1], &g[k + 2]);
        let scale = value_of(&run.digits[c.d0..c.d1]);
        if !a.word
            && !b.word
            && !c.word
            && len(a) == 1
            && len(b) == 1
            && b.sep_before == Some(',')
            && !b.ws_before
            && c.sep_before == Some('/')
            && !c.ws_before
            && matches!(scale, 5 | 10 | 20 | 100)
            && (k + 3 == n || g[k + 3].split_before)
        {
            for x in &mut g[k..k + 3] {
                x.blocked = true;
            }
        }
    }
    // Card numbers and IBAN bodies: four or more groups of exactly four digits, none after
    // punctuation with whitespace (`0176 5208 4844. 2025` is a number, then a year).
    let mut k = 0;
    while k < n {
        let mut m = k;
        while m < n
            && len(&g[m]) == 4
            && !g[m].word
            && (m == k || (!g[m].plus && !g[m].strong_before && !g[m].loose_before))
        {
            m += 1;
        }
        if m - k >= 4 && !g[k].plus {
            // A card is four such groups: of five right after a shorter group that only spaces
            // part from them, the first ends the number before (`+39 312 307 4858 2846 1520
            // 6713 9547`).
            let phone_end = m - k == 5
                && k > 0
                && !g[k - 1].word
                && len(&g[k - 1]) != 4
                && g[k].ws_before
                && !g[k].strong_before
                && !g[k].loose_before;
            for x in &mut g[k + usize::from(phone_end)..m] {
                x.blocked = true;
            }
        }
        k = m.max(k + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(text: &str) -> Vec<String> {
        find(text, &SelectorContext { region: Some("FR") })
            .into_iter()
            .map(|f| f.value)
            .collect()
    }

    fn phones(text: &str, region: &str) -> Vec<String> {
        spans(text, region).into_iter().map(|(v, _)| v).collect()
    }

    fn spans(text: &str, region: &str) -> Vec<(String, String)> {
        find(
            text,
            &SelectorContext {
                region: Some(region),
            },
        )
        .into_iter()
        .map(|f| (f.value, f.evidence))
        .collect()
    }

    #[test]
    fn plain_french_formats() {
        for t in [
            "appelle 06 12 34 56 78 !",
            "tel:0612345678",
            "06.12.34.56.78",
            "06-12 34.56 78",
            "06 / 12345678",
            "+33 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
            "+33(0)612345678",
            "0033 6 12 34 56 78",
            "(+33) 6 12 34 56 78",
            "+33 06 12 34 56 78",
        ] {
            assert_eq!(fr(t), vec!["+33612345678"], "{t}");
        }
    }

    #[test]
    fn evidence_covers_the_number() {
        assert_eq!(
            spans("Tél: +33 (0)6 12 34 56 78.", "FR"),
            vec![("+33612345678".into(), "+33 (0)6 12 34 56 78".into())]
        );
    }

    #[test]
    fn obfuscations() {
        for t in [
            "O6 I2 34 56 78",
            "o6l2345678",
            "０６１２３４５６７８",
            "0️⃣6️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣",
            "zéro six un deux trois quatre cinq six sept huit",
            "zero six douze trente-quatre cinquante-six soixante-dix-huit",
            "06 douze 34 cinquante six 78",
            "06💋12💋34💋56💋78",
            "0 6 1 2 3 4 5 6 7 8",
            "⁰⁶ ¹² ³⁴ ⁵⁶ ⁷⁸",
            "zero6 12 34 56 78",
            "0six 12 34 56 78",
            "Tel06 12 34 56 78",
            "Tél0612345678",
            "WhatsApp06.12.34.56.78",
            "₀₆₁₂₃₄₅₆₇₈",
            "🄋➅➀➁➂➃➄➅➆➇",
        ] {
            assert_eq!(fr(t), vec!["+33612345678"], "{t}");
        }
        assert_eq!(
            fr("zéro six quatre-vingt-dix-huit 76 54 32"),
            vec!["+33698765432"]
        );
        // Belgian French tens (found by a probe of numbers written as words in 9 regions).
        assert_eq!(
            phones(
                "Appelle-moi au ZÉRO QUATRE CINQUANTE-SEPT SEPTANTE-TROIS ZÉRO SIX \
                 QUATRE-VINGT-NEUF ce soir",
                "BE"
            ),
            vec!["+32457730689"]
        );
        assert_eq!(
            phones(
                "zéro - quatre - cinquante - quarante-neuf - zéro - quatre - nonante-cinq",
                "BE"
            ),
            vec!["+32450490495"]
        );
        assert_eq!(
            phones(
                "Zéro Quatre Cinquante-trois Dix-sept Nonante-sept Quarante",
                "BE"
            ),
            vec!["+32453179740"]
        );
        // A group of zeros or ones written as letters only, after a group of the number.
        for (t, region, want) in [
            ("0768 265 OOO", "RO", "+40768265000"),
            ("+32 473 OO 39 18", "BE", "+32473003918"),
            ("+41 76 O93 OO 99", "CH", "+41760930099"),
            ("+33 6 29 OO 17 41", "FR", "+33629001741"),
            ("O6 12 OO 56 78 bisous", "FR", "+33612005678"),
            ("93 495 oo 32", "ES", "+34934950032"),
            ("06 24 80 53 ll", "FR", "+33624805311"),
            ("078 170 53 ll", "CH", "+41781705311"),
            ("+33 I 27 52 40 03", "FR", "+33127524003"),
            ("+33 l 27 52 40 03", "FR", "+33127524003"),
            ("+33 I-27-52-40-03", "FR", "+33127524003"),
            ("0 6 I 2 3 4 5 6 7 8", "FR", "+33612345678"),
            // Mixed letters between two groups, or last with an O after an l or I.
            ("Appelle-moi au O6 27 82 OI 37 pour", "FR", "+33627820137"),
            ("Contact : O6 32 ll 8O lO", "FR", "+33632118010"),
            ("Joignable au O49I 2O II 53", "BE", "+32491201153"),
            ("06 12 Oo 56 78", "FR", "+33612005678"),
            ("06 12 Il 56 78", "FR", "+33612115678"),
            ("06 12 II 56 78", "FR", "+33612115678"),
            // The Cyrillic О of a Bulgarian ad, beside a digit.
            ("Тел. О87 О89 6645, питайте", "BG", "+359870896645"),
        ] {
            assert_eq!(phones(t, region), vec![want], "{t}");
        }
        // Not alone, not after a line break; mixed letters not last unless `lO`; not glued to a
        // whole number.
        for (t, want) in [
            ("OO 12 34 56 78", vec![]),
            ("06 12\nOO 56 78", vec![]),
            ("06 12 34 56 Il vient", vec![]),
            ("06 12 34 56 lo antes", vec![]),
            ("06 12 34 56 78 Io", vec!["+33612345678"]),
            ("06 12 34 56 78 OOO", vec!["+33612345678"]),
            // A one-letter `I` or `l` needs a group on both sides.
            ("I 06 12 34 56 78", vec!["+33612345678"]),
            ("06 12 34 56 78 I", vec!["+33612345678"]),
            ("06 12 34 56 78 I call", vec!["+33612345678"]),
            ("+33 I\n27 52 40 03", vec![]),
            ("+33 I am 27", vec![]),
            ("+33 I, 27 52 40 03", vec![]),
        ] {
            assert_eq!(fr(t), want, "{t}");
        }
        // The evidence keeps the bracket that the number closes.
        assert_eq!(
            spans("appel (+33) 6 12 34 56 78", "FR"),
            vec![("+33612345678".into(), "(+33) 6 12 34 56 78".into())]
        );
        assert_eq!(
            spans("Handy (0171) 1234567", "DE"),
            vec![("+491711234567".into(), "(0171) 1234567".into())]
        );
        assert_eq!(
            spans("(tel 06 12 34 56 78)", "FR"),
            vec![("+33612345678".into(), "06 12 34 56 78".into())]
        );
        // Keycap digits glued to each other are one group: emoji between the groups.
        for (t, region, want) in [
            (
                "Escríbeme al 6⃣7⃣8⃣💋6⃣4⃣💋7⃣7⃣💋2⃣5⃣ gracias.",
                "ES",
                vec!["+34678647725"],
            ),
            (
                "Sună-mă la 0️⃣7️⃣2️⃣4️⃣📞8️⃣2️⃣0️⃣📞3️⃣5️⃣0️⃣ pentru",
                "RO",
                vec!["+40724820350"],
            ),
            (
                "Besichtigung unter 0⃣1⃣5⃣2⃣3⃣📞0⃣2⃣4⃣5⃣1⃣3⃣6⃣ vereinbaren.",
                "DE",
                vec!["+4915230245136"],
            ),
            // A spaced `/` between every group, as an emoji may be.
            (
                "Zadzwoń pod 664 / 327 / 606 aby",
                "PL",
                vec!["+48664327606"],
            ),
            (
                "Tel. 0721 / 762 / 628, întrebați",
                "RO",
                vec!["+40721762628"],
            ),
            (
                "Joignable au 07 / 77 / 11 / 06 / 77 ou",
                "FR",
                vec!["+33777110677"],
            ),
            // Not mixed with other separators, nor glued slashes.
            ("Tél 06 / 12 34 / 56 78 le soir", "FR", vec![]),
            ("prix 600 / 700 / 800 €", "ES", vec![]),
            // Still emoji between all groups or none.
            ("al 6⃣7⃣8⃣💋6⃣4⃣ 7⃣7⃣ 2⃣5⃣ gracias", "ES", vec![]),
        ] {
            assert_eq!(phones(t, region), want, "{t}");
        }
        // The evidence keeps the keycap mark of the last digit.
        assert_eq!(
            spans("📞 0️⃣6️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣ !", "FR"),
            vec![("+33612345678".into(), "0️⃣6️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣".into())]
        );
    }

    #[test]
    fn words_in_other_languages() {
        let de = spans(
            "null eins fünf eins eins zwei drei vier fünf sechs sieben acht",
            "DE",
        );
        assert_eq!(de.len(), 1, "{de:?}");
        let nl = spans("nul zes een twee drie vier vijf zes zeven acht", "NL");
        assert_eq!(nl[0].0, "+31612345678");
        let it = spans(
            "tre quattro sette uno due tre quattro cinque sei sette",
            "IT",
        );
        assert_eq!(it[0].0, "+393471234567");
        let es = spans("seis uno dos tres cuatro cinco seis siete ocho", "ES");
        assert_eq!(es[0].0, "+34612345678");
        let ro = spans("zero șapte doi doi unu doi trei patru cinci șase", "RO");
        assert_eq!(ro[0].0, "+40722123456");
        let bg = spans("нула осем осем едно две три четири пет шест седем", "BG");
        assert_eq!(bg[0].0, "+359881234567");
        let en = spans(
            "zero seven nine one one two three four five six seven",
            "GB",
        );
        assert_eq!(en[0].0, "+447911234567");
        // British English says "oh" for a 0; as an interjection it adds no digit to a number.
        let oh = spans(
            "call oh seven nine one one one two three four five six",
            "GB",
        );
        assert_eq!(oh[0].0, "+447911123456");
        assert_eq!(spans("Oh 06 12 34 56 78", "FR")[0].0, "+33612345678");
        assert!(spans("oh, one night only, oh two", "GB").is_empty());
    }

    /// Tens and units join as each language writes them, and the digits people spell one by one
    /// stay apart.
    #[test]
    fn number_words_join_as_their_language_does() {
        for (t, region, want) in [
            // "soixante et onze" is 71; "quatre" before "-vingt" starts 80.
            (
                "zéro six soixante et onze trente-six quatre-vingt-sept soixante",
                "FR",
                "+33671368760",
            ),
            (
                "zéro six trente quatre-vingt-dix-sept soixante-cinq vingt-deux",
                "FR",
                "+33630976522",
            ),
            (
                "zéro six, cinquante, quatre-vingt-quatre, soixante-dix-sept, onze",
                "FR",
                "+33650847711",
            ),
            (
                "zéro six soixante-douze quatre-vingt-dix-neuf dix-sept vingt et un",
                "FR",
                "+33672991721",
            ),
            // German and Dutch tens take no unit after them.
            (
                "null-eins-sieben-sechs-fünfundachtzig-null-achtundfünfzig-siebzig-sechs",
                "DE",
                "+4917685058706",
            ),
            (
                "null eins sieben sechs null neununddreißig siebenundachtzig neunzig eins",
                "DE",
                "+4917603987901",
            ),
            (
                "nul zes vierentachtig zestig veertien vijfennegentig",
                "NL",
                "+31684601495",
            ),
            // Only French 60 and 80 take a teen, only French "dix" a unit.
            (
                "tre tre nove sessanta sedici ottantatré otto",
                "IT",
                "+393396016838",
            ),
            (
                "tre tre nove ottantotto trentasette dieci nove",
                "IT",
                "+393398837109",
            ),
            // A comma separates the digits people spell.
            (
                "tre, tre, nove, sessantanove, cinquantasei, quaranta, sette",
                "IT",
                "+393396956407",
            ),
            // Still joined: tens and unit with a space, a hyphen or a connector.
            (
                "tre tre nove sessanta sette uno due tre quattro",
                "IT",
                "+39339671234",
            ),
            (
                "zero seven nine one one twenty-three forty five sixty",
                "GB",
                "+447911234560",
            ),
            (
                "seis uno dos treinta y cuatro cincuenta y seis setenta y ocho",
                "ES",
                "+34612345678",
            ),
            // Read apart where the joined reading gives no valid number: with spaces first,
            // then with hyphens.
            (
                "zero eight seven fifty ninety-six twenty four",
                "IE",
                "+353875096204",
            ),
            (
                "zero eight seven seventy eighty eighty eight",
                "IE",
                "+353877080808",
            ),
            (
                "zéro six zéro quatre-vingt-un soixante et un quarante neuf",
                "FR",
                "+33608161409",
            ),
            (
                "zéro six soixante-dix-neuf zéro douze soixante trois",
                "FR",
                "+33679012603",
            ),
            (
                "zero-eight-seven-fifty-two-sixty-one-eight",
                "IE",
                "+353875026018",
            ),
        ] {
            assert_eq!(phones(t, region), vec![want], "{t}");
        }
        // The joined reading wins wherever it gives a number.
        assert_eq!(
            phones("zero six twelve thirty four fifty six seventy eight", "FR"),
            vec!["+33612345678"]
        );
        // Nothing valid either way: nothing found.
        assert!(phones("zero eight seven twenty four", "IE").is_empty());
    }

    #[test]
    fn never_phones() {
        for t in [
            "50€ la demi-heure, 100 euros l'heure, € 150",
            "le 12/03/2024 à 14h30 ou 14:30",
            "née le 12.03.2024",
            "75011 Paris, 19 ans",
            "IBAN FR76 3000 6000 0112 3456 7890 189",
            "carte 4970 1012 3456 7890",
            "carte 4970 1012 3456 7890 1234",
            "ref 0612345678",
            "commande n° 0612345678",
            "https://example.fr/annonce/0612345678",
            "mail 0612345678@example.fr",
            "48.8566, 2.3522",
            "0612345678",
            // Words with digits glued to letters that are neither number words nor labels.
            "dispo h24 7j/7, mp3 top10 covid19 4you b2b",
            "ref0612345678",
            "suivi colis 0612345678, tracking 06 12 34 56 78",
            // Decimal numbers: the glued comma ends no phone.
            "0612345678,50 €",
            "pi 0,0612345678",
        ] {
            let got = if t == "0612345678" {
                // No region: a national number cannot be validated.
                find(t, &SelectorContext { region: None }).len()
            } else {
                fr(t).len()
            };
            assert_eq!(got, 0, "{t}");
        }
        // A number of three groups of four, then a year after `. `: no card number.
        for t in [
            "Telefon: 0176 5208 4844. 2025-05-13 05:00",
            "Telefon: 0176 5208 4844. 2025",
            "Telefon: 0I76 5208 4844, 2025-05",
        ] {
            assert_eq!(phones(t, "DE"), vec!["+4917652084844"], "{t}");
        }
        assert!(phones("Karte 4970 1012 3456 7890", "DE").is_empty());
        assert!(phones("Expediente 2023/612345678", "ES").is_empty());
        assert!(phones("Pedido nº 2024/0612/345678", "ES").is_empty());
        assert!(phones("BTW BE 0470.123.456, ondernemingsnummer 0470 123 456", "BE").is_empty());
        for t in [
            "Numéro d'entreprise 0470 123 456",
            "Numéro d’entreprise: 0470.123.456",
            "N° D'ENTREPRISE 0470 123 456",
            "Unternehmensnummer 0470 123 456",
        ] {
            assert!(phones(t, "BE").is_empty(), "{t}");
        }
        assert_eq!(
            phones(
                "Numéro d'entreprise 0470.123.456 - appelez le 0470 12 34 56",
                "BE"
            ),
            vec!["+32470123456"]
        );
        assert_eq!(
            phones("Appelez l'entreprise 0470 12 34 56", "BE"),
            vec!["+32470123456"]
        );
        assert!(phones("Bestelnummer 0612345678 (geen telefoon)", "NL").is_empty());
        // `entreprise` alone is too common a word (`Contactez notre entreprise: 01 23…`).
        assert_eq!(
            fr("Contactez notre entreprise: 01 23 45 67 89"),
            vec!["+33123456789"]
        );
        assert!(phones("Amtsgericht Berlin HRB 0171 234567", "DE").is_empty());
        // Counts: a count noun after the number or before it.
        for (t, region) in [
            ("861 963 228 habitants", "PL"),
            ("304 637 179 vues", "PT"),
            ("12 345 678 followers", "NL"),
            ("0612345678 abonnés", "FR"),
            ("06 12 34 56 78 преглеждания", "FR"),
            ("Population 06 12 34 56 78", "FR"),
            ("Abitanti 3 331 234 567?", "IT"),
            ("Visualizzazioni 3.456.789.012", "IT"),
        ] {
            assert!(phones(t, region).is_empty(), "{t}");
        }
        assert_eq!(
            fr("500 vues, appelle 06 12 34 56 78, followers bienvenus"),
            vec!["+33612345678"],
            "punctuation parts the number from the count noun"
        );
        // A count noun that labels a number of its own, or on the next line, counts nothing
        // before it.
        assert_eq!(
            phones("Nur SMS: +4915186260115 vues: 20199 - depuis 2011", "DE"),
            vec!["+4915186260115"]
        );
        assert_eq!(fr("Tel: 06 15 85 47 80 vues 82928"), vec!["+33615854780"]);
        assert_eq!(
            phones(
                "WhatsApp tre quattro uno sette quattro nove tre uno uno nove\nvues: 52625",
                "IT"
            ),
            vec!["+393417493119"]
        );
        assert_eq!(fr("06 12 34 56 78\nabonnés"), vec!["+33612345678"]);
        assert_eq!(
            phones("Llámame 612 345 678 visitas a domicilio", "ES"),
            vec!["+34612345678"]
        );
        assert_eq!(
            phones("Call 07911 123456 visitors welcome", "GB"),
            vec!["+447911123456"]
        );
        assert_eq!(
            fr("12k followers, appelle 06 12 34 56 78"),
            vec!["+33612345678"],
            "a count before another word does not reach the number"
        );
        assert_eq!(
            fr("réf 1234 / 06 12 34 56 78"),
            vec!["+33612345678"],
            "a spaced slash ends the reference"
        );
    }

    #[test]
    fn spoken_signs() {
        // `plus` for `+`, in the languages that say it.
        assert_eq!(fr("plus 33 6 12 34 56 78"), vec!["+33612345678"]);
        assert_eq!(
            phones("Chiamami più 39 333 123 4567", "IT"),
            vec!["+393331234567"]
        );
        assert_eq!(
            phones("Llámame más 34 612 345 678", "ES"),
            vec!["+34612345678"]
        );
        assert_eq!(
            phones("Обади се плюс 359 88 123 4567", "BG"),
            vec!["+359881234567"]
        );
        assert_eq!(
            spans("Call PLUS 44 7911 123456 x", "GB"),
            vec![("+447911123456".to_owned(), "PLUS 44 7911 123456".to_owned())]
        );
        // Before a 0, `plus` is a word: the number after it is national.
        assert_eq!(
            fr("06 12 34 56 78 plus 07 98 76 54 32"),
            vec!["+33612345678", "+33798765432"]
        );
        assert!(fr("100€ plus 20€, plus 2 photos").is_empty());
        // `double`/`triple` repeat the unit word after them.
        assert_eq!(
            spans("zero six double one triple two three four five", "FR"),
            vec![(
                "+33611222345".to_owned(),
                "zero six double one triple two three four five".to_owned()
            )]
        );
        assert_eq!(
            phones("oh seven nine double one one triple two three four", "GB"),
            vec!["+447911122234"]
        );
        assert_eq!(
            fr("zéro six douze trente-quatre double-cinq soixante-dix-huit"),
            vec!["+33612345578"]
        );
        assert_eq!(
            phones(
                "null eins sieben eins doppel-drei vier fünf sechs sieben acht",
                "DE"
            ),
            vec!["+491713345678"]
        );
        // Not before a unit word: an ordinary word.
        assert!(fr("chambre double 06 12 34 56 78").len() == 1);
        assert_eq!(fr("06 12 double 34 56 78"), Vec::<String>::new());
    }

    /// `may_be_spoken_sign` restates the words' lengths and first bytes: every spelling of
    /// [`PLUS_WORDS`] and [`REPEAT_WORDS`], in any case, must get through it.
    #[test]
    fn spoken_sign_prefilter_lets_every_word_through() {
        let written = ["plus", "più", "más", "плюс"]
            .into_iter()
            .chain(REPEAT_WORDS.iter().map(|(w, _)| *w));
        for w in written {
            let mut fold = String::new();
            assert!(fold_word(w, &mut fold), "{w}");
            assert!(
                PLUS_WORDS.contains(&fold.as_str()) || REPEAT_WORDS.iter().any(|(r, _)| *r == fold),
                "{w} is a spelling of no listed word"
            );
            let title: String = w
                .chars()
                .take(1)
                .flat_map(char::to_uppercase)
                .chain(w.chars().skip(1))
                .collect();
            for v in [w.to_owned(), w.to_uppercase(), title] {
                assert!(may_be_spoken_sign(&v), "{v}");
            }
        }
    }

    #[test]
    fn two_numbers_in_one_run() {
        assert_eq!(
            fr("06 12 34 56 78 / 07 98 76 54 32"),
            vec!["+33612345678", "+33798765432"]
        );
        assert_eq!(
            fr("0612345678/0798765432"),
            vec!["+33612345678", "+33798765432"]
        );
        // A comma glued between them, as Python phonenumbers reads it too.
        for t in [
            "0612345678,0798765432",
            "06 12 34 56 78,07 98 76 54 32",
            "+33612345678,+33798765432",
        ] {
            assert_eq!(fr(t), vec!["+33612345678", "+33798765432"], "{t}");
        }
    }

    #[test]
    fn valid_number_not_extended_over_punctuation() {
        // Variable-length plans (AT, IT, DE): the digits after `. `/` · `/` — ` are a price, a
        // time, a percentage, not the end of the number.
        for (region, text, want, evidence) in [
            (
                "AT",
                "Tel 0043 664 139 9011. 100 € die Stunde",
                "+436641399011",
                "0043 664 139 9011",
            ),
            (
                "FR",
                "Numéro : +436604518668 · -30 %",
                "+436604518668",
                "+436604518668",
            ),
            (
                "IT",
                "Handy: +393632204637. -30 %",
                "+393632204637",
                "+393632204637",
            ),
            (
                "IT",
                "chiama 328 145 9538 · 4-7 giorni",
                "+393281459538",
                "328 145 9538",
            ),
            (
                "DE",
                "0049 221 323 8593 — 11 Uhr",
                "+492213238593",
                "0049 221 323 8593",
            ),
            // The brackets of a trunk zero are not such punctuation.
            (
                "ES",
                "Llama +43 (0) 660 534 9043. 31 años",
                "+436605349043",
                "+43 (0) 660 534 9043",
            ),
            (
                "IT",
                "Tel +43 (0)664 145 4005. 120 euro",
                "+436641454005",
                "+43 (0)664 145 4005",
            ),
            (
                "NL",
                "bel +49 (0)30 6204 3062 — 150 euro",
                "+493062043062",
                "+49 (0)30 6204 3062",
            ),
            // Nor punctuation before the tenth digit (mixed separators).
            (
                "AT",
                "Text me on +43 660 - 672  4919. 250 🌹 per hour",
                "+436606724919",
                "+43 660 - 672  4919",
            ),
            (
                "IT",
                "Contattami al 326 - 210.6967. 80 🌹 all'ora.",
                "+393262106967",
                "326 - 210.6967",
            ),
            (
                "DE",
                "Tel. +49 221-512. 9526. 150 🌹 all'ora",
                "+492215129526",
                "+49 221-512. 9526",
            ),
            // Nor the commas between digits written as words.
            (
                "AT",
                "Ruf an: NULL, SECHS, SIEBEN, SECHS, SECHS, DREI, SECHS, ZWEI, NEUN, SECHS, \
                 SIEBEN. 23 Jahre",
                "+436766362967",
                "NULL, SECHS, SIEBEN, SECHS, SECHS, DREI, SECHS, ZWEI, NEUN, SECHS, SIEBEN",
            ),
            (
                "IT",
                "TRE, DUE, NOVE, DUE, ZERO, TRE, DUE, DUE, ZERO, OTTO. 30 minuti",
                "+393292032208",
                "TRE, DUE, NOVE, DUE, ZERO, TRE, DUE, DUE, ZERO, OTTO",
            ),
        ] {
            let got = spans(text, region);
            assert_eq!(got.len(), 1, "{text}: {got:?}");
            assert_eq!(got[0].0, want, "{text}");
            assert_eq!(got[0].1, evidence, "{text}");
        }
        // A number that is not valid before the punctuation still reads across it.
        assert_eq!(fr("06 12. 34 56 78"), vec!["+33612345678"]);
        // A short valid start (`030-8104`) is read on to the longer number.
        assert_eq!(spans("030-8104. 5678", "DE")[0].0, "+493081045678");
        // A short `xx/yy` pair inside a punctuated number is no `24/7`.
        assert_eq!(fr("06 02 47/97-87"), vec!["+33602479787"]);
        assert_eq!(fr("dispo 24/7, 7j/7"), Vec::<String>::new());
        // Two numbers written one after the other with a `/`.
        assert_eq!(
            fr("06 12 34 56 78/06 23 45 67 89"),
            vec!["+33612345678", "+33623456789"]
        );
        assert_eq!(
            fr("06.12.34.56.78 / 07.73.45.67.89"),
            vec!["+33612345678", "+33773456789"]
        );
        assert_eq!(fr("ouvert 7 24/7 !"), Vec::<String>::new());
        // The hours after a number that is not valid alone never complete it (`+46 812458` is
        // one digit short, `+46 812458 24` would be valid): neither after a comma and a space,
        // nor in the second pass, which lets only pairs of two digits around a `/` in (`06/12`).
        // Python phonenumbers reads the third and the fourth.
        for (text, region) in [
            ("tel. +46 812458, 24/7", "SE"),
            ("tel. +353 1365355, 24/7", "IE"),
            ("+420 933 000 532 24/7", "CZ"),
            ("+46 455 014 5 - 24/7", "SE"),
            ("4/22 10/3 12/10 8/24", "PT"),
        ] {
            assert_eq!(spans(text, region), vec![], "{text}");
        }
        // A valid number before them is still read, and a pair of two digits still may be
        // part of one.
        assert_eq!(
            spans("tel. +46 8 124 582 43, 24/7", "SE")[0].0,
            "+46812458243"
        );
        assert_eq!(fr("06/12 34 56-78"), vec!["+33612345678"]);
        // A height with its unit glued to the decimals is never the end of a number.
        assert_eq!(spans("+32 45000574, 1,70m", "BE"), vec![]);
    }

    #[test]
    fn mixed_separators_with_slashes() {
        for (region, text, want) in [
            ("FR", "06/12/34/56/78", "+33612345678"),
            ("FR", "06.12/34.56/78", "+33612345678"),
            ("FR", "06-12-34/56/78", "+33612345678"),
            ("FR", "06/12 34 56-78", "+33612345678"),
            ("FR", "06.12 34 56/78", "+33612345678"),
            ("NL", "06/12 34/56 78", "+31612345678"),
            ("DE", "0171/123/45/67", "+491711234567"),
            ("BE", "0470/12/34/56", "+32470123456"),
            ("IT", "333/123/4567", "+393331234567"),
            // Four digits, then two groups of two: no date when they cannot be month and day.
            ("BE", "0478.42.53 65", "+32478425365"),
            ("BE", "0478/42/53 65", "+32478425365"),
            // After a country code: no date, and no `24/7`.
            ("DE", "+31 6.20.22  16.48", "+31620221648"),
            ("DE", "+31 6/45  15  75.35", "+31645157535"),
            ("AT", "+31 6/52 - 03/83/71", "+31652038371"),
        ] {
            let got = spans(text, region);
            assert_eq!(got.len(), 1, "{text}: {got:?}");
            assert_eq!(got[0].0, want, "{text}");
            assert_eq!(got[0].1, text, "{text}");
        }
        // The strict reading wins where it finds a number: `24/7` stays out of it.
        assert_eq!(
            spans("dispo 24/7 06 12 34 56 78", "FR"),
            vec![("+33612345678".into(), "06 12 34 56 78".into())]
        );
        // Dates, fractions, sizes and scores stay what they are.
        for text in [
            "le 06/12/2024 à 20h",
            "du 01/02 au 03/04/2025",
            "dispo 24/7, 7j/7, 1/2 heure",
            "tailles 36/38/40/42",
            "mensurations 90/60/90",
            "score 3/1 2/2 0/0",
            "1/2/3/4/5/6/7/8/9/10",
            "06/12/24 14/30",
            "publié le 2024/05/17 10 20 30",
            "2024.12.06 0612",
        ] {
            assert_eq!(fr(text), Vec::<String>::new(), "{text}");
        }
        // Left alone: three groups that read as a date before the rest (`06/12/34 56 78`).
        assert_eq!(fr("06/12/34 56 78"), Vec::<String>::new());
        // A date after a whole international number is still a date.
        assert_eq!(
            spans("Обади се на +447556605060. 07.06.2026, 17:30.", "BG"),
            [("+447556605060".to_owned(), "+447556605060".to_owned())]
        );
        // A `24/7` between a postal code and a digit is no Spanish mobile.
        assert_eq!(spans("1,73 m | 7 — 24/7 — 41001", "ES"), vec![]);
    }

    #[test]
    fn reference_carried_over_number_marker() {
        for (region, text) in [
            ("ES", "Anuncio n.º 638994739"),
            ("ES", "Pedido n.º: 646830183"),
            ("IT", "Annuncio n.: 382443001"),
            ("IT", "Annuncio n. 3471234567"),
            ("IT", "P.IVA 36924840047"),
            ("IT", "Rif. 3471234567"),
            ("RO", "Anunț nr. 0722123456"),
            ("NL", "Advertentienr. 0612345678"),
            ("BG", "Обява № 0888123456"),
            ("BG", "Обява №: 0888123456"),
            ("LU", "Обява №: 2610387197"),
            ("LU", "Поръчка № 315922223"),
            ("ES", "Поръчка № 600326273."),
            ("LU", "Реф. 2026/78757/845"),
            ("LU", "Реф. 2024/11298/469. 1 h 30"),
            ("BG", "Фактура 0888123456"),
            ("LU", "ЕИК 895621734 · Размер 36"),
            ("LU", "Company No. 77651196 — Recent photo"),
            ("LU", "Company No. 58237107.\n350–450."),
            ("DE", "Kontonummer 0532013000 BLZ 37040044"),
            ("DE", "Steuernummer: 0301234567"),
            ("NL", "Klantnummer 0612345678"),
            ("IT", "P.IVA: IT 01234567890"),
            ("IT", "Partita IVA IT 01234567890"),
            ("FR", "TVA FR 12 345678901"),
            ("BE", "BTW BE 0403.170.701"),
        ] {
            assert_eq!(spans(text, region), vec![], "{text}");
        }
        // A marker alone still introduces a phone, and so does a country code.
        assert_eq!(spans("Tel. Nr. 0151 23456789", "DE")[0].0, "+4915123456789");
        assert_eq!(spans("Тел. №: 0888 123 456", "BG")[0].0, "+359888123456");
        // A company word alone is a word of the ad.
        assert_eq!(spans("Company? 06 12 34 56 78", "FR")[0].0, "+33612345678");
        assert_eq!(spans("Roma IT 06 1234 5678", "IT")[0].0, "+390612345678");
        assert_eq!(
            spans("Anuncio nuevo, móvil 638994739", "ES")[0].0,
            "+34638994739"
        );
    }

    #[test]
    fn years_and_measurements_are_no_phones() {
        for (region, text) in [
            ("IT", "dal 1996. 20121 Bologna"),
            ("IT", "dal 1998 · 20121 Torino"),
            ("ES", "medidas 96-67-100. 36 años"),
            ("ES", "97-58-97. 205 cm"),
            ("LU", "81-68-100"),
            ("ES", "91-67-100. 2-6 h"),
        ] {
            assert_eq!(spans(text, region), vec![], "{text}");
        }
        // A year before its own number, a year-like last group, numbers written in three
        // hyphenated groups: phones still.
        for (region, text, want) in [
            ("FR", "depuis 2019. 06 12 34 56 78", "+33612345678"),
            ("IT", "dal 1996. 347 123 4567", "+393471234567"),
            ("IT", "384🔸876🔸2035 · 45 min", "+393848762035"),
            ("IT", "339-123-4567", "+393391234567"),
            ("ES", "612-345-678", "+34612345678"),
            ("FR", "90-60-90 06-12-34-56-78", "+33612345678"),
            ("BE", "+32 465 92-74-90", "+32465927490"),
            ("NL", "+31 6 88/82-75-81", "+31688827581"),
        ] {
            assert_eq!(phones(text, region), vec![want], "{text}");
        }
    }

    #[test]
    fn year_ranges_invoice_codes_and_labelled_ids_are_no_phones() {
        for (region, text) in [
            ("LU", "Erfahrung 2018-2019."),
            ("LU", "2013–2016"),
            ("IT", "2005/06 – 2013–2016"),
            ("LU", "Rechnungsnummer: FA-2025-73580"),
            ("LU", "Rechnungsnummer: INV-8361703"),
            // Labels of parcels, customers, cases and ads.
            ("AT", "1010 Wien. Paketnummer 0501861442"),
            ("NL", "Zendingsnummer: 0354084636"),
            ("NL", "Track & Trace: 0226816309"),
            ("RO", "Număr de urmărire: 0726822939"),
            ("DE", "Vorgang 13 03 31 62 51 65. 2026-04-13"),
            ("DE", "Kd.-Nr. 11 057 26 86"),
            ("NL", "klantnr. 79 04 66 79 18 36."),
            ("LU", "Резервация 8407205316 / 40 Jahre"),
            ("CH", "Buchungsnr. 0240 656 136"),
            ("IT", "Numero di tracciamento: 03763957587"),
            ("GB", "Track your parcel: 03329877346 –"),
            ("PT", "NIPC 241040433"),
            ("IT", "22 foto - C.F. 05666308731, Chiamami"),
            ("BE", "Je reisschema – T&T 0474997177 Goede reis!"),
            ("LU", "€3 478 / n° client 542 341 639 404 181"),
            ("IT", "cliente n. 394 388 278 192 807"),
            ("DE", "Inserat-Nr. 053-6781"),
            ("LU", "PIN 8721 – 4001 Esch-sur-Alzette"),
            ("DE", "USt-IdNr.: DE 048 534 453."),
            ("BG", "преписка 00 09 62 75. 38 снимки"),
            ("LU", "Posts: 3913."),
            ("PL", "customer no. 532 257 815 458 530"),
        ] {
            assert_eq!(spans(text, region), vec![], "{text}");
        }
        // A phone beside them, and phone labels glued by a hyphen, stay phones.
        for (region, text, want) in [
            ("LU", "Tel 621 123 456, 2018-2019", "+352621123456"),
            (
                "DE",
                "Studium 2015-2019 in Berlin, Tel. 030 1234567",
                "+49301234567",
            ),
            ("BE", "GSM-0470 12 34 56", "+32470123456"),
            ("FR", "SMS-06 12 34 56 78", "+33612345678"),
            ("LU", "FA-2025-73580 · Tel 621 123 456", "+352621123456"),
            ("LU", "Posts: 3913. 44 76 84", "+352447684"),
            ("IT", "Ciao a tutti, cliente 3382449156", "+393382449156"),
            ("FR", "Service client 06 12 34 56 78", "+33612345678"),
            ("FR", "Tél. 06 12 34 56 78, TVA FR 12", "+33612345678"),
        ] {
            assert_eq!(phones(text, region), vec![want], "{text}");
        }
    }

    #[test]
    fn six_digit_numbers_after_a_phone_label() {
        for (region, text, want) in [
            ("LU", "Tél. 42 80 25", "+352428025"),
            ("LU", "Handy 232739", "+352232739"),
            ("LU", "Tel 23-77-70", "+352237770"),
            ("LU", "Tel.: 48.61.77, L-1611 Luxembourg", "+352486177"),
            ("LU", "Telefon 45 55 01. 856 Aufrufe", "+352455501"),
            ("LU", "Tel 621 123 456", "+352621123456"),
        ] {
            assert_eq!(phones(text, region), vec![want], "{text}");
        }
        // Without a phone label (a "number" word is none) and not in three pairs, or invalid:
        // no phone.
        for (region, text) in [
            ("LU", "Infos 428025"),
            ("LU", "Nr. 232739"),
            ("LU", "428025"),
            ("LU", "Tel 112233"),
            ("FR", "Tél. 12 34 56"),
        ] {
            assert_eq!(spans(text, region), vec![], "{text}");
        }
        // Only right after the label: not after a number of the run, nor inside another one.
        for (region, text, want) in [
            (
                "LU",
                "Tel. 628 822 815, 40, 8749 AB Amsterdam",
                "+352628822815",
            ),
            ("IT", "Cell. +33 7/31/05.93-87", "+33731059387"),
            (
                "LU",
                "Tel. +352 628 956 847 / 42, 6167 BR Amsterdam",
                "+352628956847",
            ),
        ] {
            assert_eq!(phones(text, region), vec![want], "{text}");
        }
    }

    #[test]
    fn amount_or_decimal_number_after_a_phone() {
        // A currency code or word that opens the amount after it leaves the number before it
        // whole; a decimal point glued to a unit ends a decimal number, not a phone.
        for (region, text, want) in [
            ("CH", "WhatsApp 079 123 45 67 CHF 150.-", "+41791234567"),
            ("FR", "Tél. 06 88 73 30 89 EUR 40", "+33688733089"),
            ("IT", "Tel 320 396 5950 euro 50", "+393203965950"),
            ("GB", "Call 07873 523956 GBP 150", "+447873523956"),
            ("DE", "Kontakt: 0179-4423200\nEuro 4", "+491794423200"),
            ("RO", "0712 345 678 RON 200", "+40712345678"),
            ("FR", "06 12 34 56 78 150 EUR 1h", "+33612345678"),
            ("FR", "Tél. 0664873784 1.58m", "+33664873784"),
            ("GB", "Call +44 113 382 3545, 1.54m", "+441133823545"),
            ("GB", "Call 07862 556938 1.6k", "+447862556938"),
            ("CH", "WhatsApp 079.740.17.67 4.3k", "+41797401767"),
            ("FR", "06.12.34.56.78 1.6k", "+33612345678"),
        ] {
            assert_eq!(phones(text, region), vec![want], "{text}");
        }
        // A phone right after an IBAN in groups: the BBAN's digits are the IBAN's.
        for (region, text, want) in [
            (
                "DE",
                "IBAN DE54 9085 6046 6813 3993 61 069/20463998",
                "+496920463998",
            ),
            (
                "LU",
                "IBAN LU28 0019 4006 4475 0000 621 123 456",
                "+352621123456",
            ),
        ] {
            assert_eq!(phones(text, region), vec![want], "{text}");
        }
        for (region, text) in [
            ("DE", "IBAN DE89 3704 0044 0532 0130 00"),
            ("DE", "IBAN DE89 3704 0044 0532 0130 00 12"),
        ] {
            assert_eq!(spans(text, region), vec![], "{text}");
        }
        // A day before its month, a number of years, a decimal price: read apart.
        for (region, text, want) in [
            ("IT", "+39 055 281079 3 aprile 2025", "+39055281079"),
            ("IT", "Sara: +393493410308 14 luglio 2022", "+393493410308"),
            ("AT", "Tel 0650-2835654 1. Januar 2026", "+436502835654"),
            ("AT", "Kontakt: 01-223342, 6. September 2020", "+431223342"),
            ("DE", "Mobil: 0211-074643 6 Jahre.", "+49211074643"),
            ("DE", "Tel (040) 56889056 96,61 € 2 Fotos", "+494056889056"),
            ("FR", "06 12 34 56 78 12 mars", "+33612345678"),
        ] {
            assert_eq!(phones(text, region), vec![want], "{text}");
        }
        // The amount alone, or before its currency, is still no phone.
        for (region, text) in [
            ("FR", "Prix 1 250 000 EUR"),
            ("FR", "Prix 1 250 000 EUR 50 de frais"),
            ("CH", "Miete 1 250 500 CHF 150.-"),
        ] {
            assert_eq!(spans(text, region), vec![], "{text}");
        }
    }

    #[test]
    fn number_written_as_one_token_after_a_row_of_digits() {
        // Its groups glued by `.`, `-` or `/`, after only spaces: a number of its own.
        for (region, text, want, evidence) in [
            (
                "DE",
                "14 32 82 86 0171.6953748 16.03.2022, 17:30 Uhr",
                "+491716953748",
                "0171.6953748",
            ),
            (
                "IE",
                "€ 1,897 01.502.1729, IBAN",
                "+35315021729",
                "01.502.1729",
            ),
            (
                "CH",
                "CHF 263 079.266.38.12, 23 anni",
                "+41792663812",
                "079.266.38.12",
            ),
            (
                "IE",
                "15 photos · 1994-2000 083-203-1357 Company reg. 034237",
                "+353832031357",
                "083-203-1357",
            ),
            (
                "BE",
                "1999-2005 0495/59.46.79, 27-07-2026 om 00:05",
                "+32495594679",
                "0495/59.46.79",
            ),
            ("GB", "£ 4886 07862-556938", "+447862556938", "07862-556938"),
        ] {
            assert_eq!(
                spans(text, region),
                vec![(want.to_owned(), evidence.to_owned())],
                "{text}"
            );
        }
        // Not an amount in thousands, a year range, a token glued on to more, or a row of
        // groups that only spaces part.
        for (region, text) in [
            ("LU", "Summe 4886 12 2.345.678 ok"),
            ("LU", "mise à jour 12.9.8 2012-2013"),
            ("DE", "Summe 4886 0171.6953748,50 EUR"),
            ("IE", "customer no. 1819 588 085 556 0898"),
        ] {
            assert_eq!(spans(text, region), vec![], "{text}");
        }
    }

    #[test]
    fn luxembourg_six_digit_numbers_in_three_pairs() {
        for (text, want, evidence) in [
            (
                "[19.07.25, 08:05] Léa: 42-08-72 - réf 60 08 28 91",
                "+352420872",
                "42-08-72",
            ),
            ("Nina: 20-45-18 | appart 811", "+352204518", "20-45-18"),
            (
                "30 ans · Infos au 45-24-75 / née en 1992",
                "+352452475",
                "45-24-75",
            ),
            (
                "zu vermieten. 45 65 33. Schlüssel",
                "+352456533",
                "45 65 33",
            ),
            ("Contact : 45-40-82, Réf. annonce", "+352454082", "45-40-82"),
            ("Events. 40.18.53 Größe 41", "+352401853", "40.18.53"),
            ("📞 47 40 72 Kd.-Nr. 1026 235", "+352474072", "47 40 72"),
        ] {
            assert_eq!(
                spans(text, "LU"),
                vec![(want.to_owned(), evidence.to_owned())],
                "{text}"
            );
        }
        // Not a date, body measurements, mixed separators, a pair glued on, the start of a
        // number split over two lines, or three pairs elsewhere than in Luxembourg.
        for (region, text) in [
            ("LU", "Maße 85-60-90 und 24.12.25"),
            ("LU", "Code 45-24.75 ok"),
            ("LU", "Code 45-24-75-22 ok"),
            ("LU", "Joignable au 48 62 94 \n29 ou par mail."),
            ("FR", "Infos au 45-24-75"),
            ("BE", "Infos au 45 24 75"),
        ] {
            assert_eq!(spans(text, region), vec![], "{text}");
        }
    }

    #[test]
    fn numbers_glued_to_a_degree_sign_end_no_phone() {
        for (region, text, want, evidence) in [
            (
                "IT",
                "3 x - 3382449156 48°43′2″N 3°3′10″E - ore 19",
                "+393382449156",
                "3382449156",
            ),
            (
                "IT",
                "IVA 10%, 06.849273 53°38′28″N 18°26′54″E",
                "+3906849273",
                "06.849273",
            ),
            (
                "IT",
                "WhatsApp 055 18485. 56°28′28″N",
                "+3905518485",
                "055 18485",
            ),
            (
                "FR",
                "Tel 06 12 34 56 78 20°C",
                "+33612345678",
                "06 12 34 56 78",
            ),
            (
                "IT",
                "Tel 06 1234567 1° piano",
                "+39061234567",
                "06 1234567",
            ),
        ] {
            assert_eq!(
                spans(text, region),
                vec![(want.to_owned(), evidence.to_owned())],
                "{text}"
            );
        }
    }

    #[test]
    fn phones_beside_prices_times_ages_references_and_coordinates() {
        // What stands right before or after a phone is no part of it, and does not take the
        // phone with it.
        for (region, text, want, evidence) in [
            // A year right before it.
            (
                "FR",
                "né en 1999 06 11 32 90 53",
                "+33611329053",
                "06 11 32 90 53",
            ),
            (
                "ES",
                "nacida en 1999 612 34 61 31",
                "+34612346131",
                "612 34 61 31",
            ),
            (
                "FR",
                "2013 06 12 46 07 03 💋 147 EUR",
                "+33612460703",
                "06 12 46 07 03",
            ),
            // A price with its unit after the number: `/h` is no URL.
            (
                "ES",
                "☎ +34 612 74 87 12, 300€/h",
                "+34612748712",
                "+34 612 74 87 12",
            ),
            (
                "NL",
                "tel +31 6 12586371, 270€/h",
                "+31612586371",
                "+31 6 12586371",
            ),
            (
                "AT",
                "appel +43 664 584336 220€/h",
                "+43664584336",
                "+43 664 584336",
            ),
            (
                "IT",
                "bel 312 310 9501 370€/h",
                "+393123109501",
                "312 310 9501",
            ),
            // An age after it, in a plan of variable length.
            (
                "AT",
                "chiama 0664 172154 18 ans",
                "+43664172154",
                "0664 172154",
            ),
            (
                "AT",
                "Handy 0664 172154 19 Jahre",
                "+43664172154",
                "0664 172154",
            ),
            // A percentage, a house number or a photo count after it.
            (
                "AT",
                "2018 (Tel. 0664 115954 13%",
                "+43664115954",
                "0664 115954",
            ),
            (
                "AT",
                "📞 +43 664 044107 91 %",
                "+43664044107",
                "+43 664 044107",
            ),
            (
                "AT",
                "appel 0664 176431 57 avenue Foch",
                "+43664176431",
                "0664 176431",
            ),
            (
                "AT",
                "тел. +43 664 656747 47 Avenue Foch",
                "+43664656747",
                "+43 664 656747",
            ),
            (
                "AT",
                "chiama 0664 756587 6 photos",
                "+43664756587",
                "0664 756587",
            ),
            // A phone may end there too: read whole when its reading without the last group is
            // no number.
            (
                "FR",
                "Tél 06 12 34 56 78 rue de la Paix",
                "+33612345678",
                "06 12 34 56 78",
            ),
            (
                "FR",
                "tel 06 12 34 56 78 photos réelles",
                "+33612345678",
                "06 12 34 56 78",
            ),
            (
                "IT",
                "chiama 333 123 45 67 foto recenti",
                "+393331234567",
                "333 123 45 67",
            ),
            // A height after it, a rating before it, a card number after it.
            (
                "AT",
                "Whatsapp/Telegram: +43 664 786583 1,78m",
                "+43664786583",
                "+43 664 786583",
            ),
            ("BG", "02 129 213, 1,70m", "+3592129213", "02 129 213"),
            ("AT", "0664 12600 1,65m 55kg", "+4366412600", "0664 12600"),
            // One digit after a longer group, then a count.
            ("BG", "02 126 229 3 photos", "+3592126229", "02 126 229"),
            // A duration after a number of variable length: after a pause, or after a group of
            // four digits or more.
            (
                "DE",
                "030 168749. 30 min 100 €",
                "+4930168749",
                "030 168749",
            ),
            (
                "AT",
                "0664 12600. 30 min 100 €",
                "+4366412600",
                "0664 12600",
            ),
            ("DE", "Tel 030 168749 30 min", "+4930168749", "030 168749"),
            // A weight, a height in metres, a range of hours, counted people.
            (
                "DE",
                "+49 6401 8461993 99 kg",
                "+4964018461993",
                "+49 6401 8461993",
            ),
            ("DE", "+49 30 873972 1.65 m", "+4930873972", "+49 30 873972"),
            ("DE", "+4930130654 20-22h", "+4930130654", "+4930130654"),
            ("IT", "02 123 4690 20-22h", "+39021234690", "02 123 4690"),
            ("DE", "+4930126523 2 filles", "+4930126523", "+4930126523"),
            ("DE", "030 880806 75,5 kg", "+4930880806", "030 880806"),
            // Not a length after a phone written with dots.
            (
                "FR",
                "06.12.34.56.78 M. Martin",
                "+33612345678",
                "06.12.34.56.78",
            ),
            (
                "FR",
                "06.12.34.56.78 m'appeler",
                "+33612345678",
                "06.12.34.56.78",
            ),
            (
                "FR",
                "06 12 34 56 78 heures d'appel",
                "+33612345678",
                "06 12 34 56 78",
            ),
            (
                "AT",
                "appel +43 664 555091 4,7/10",
                "+43664555091",
                "+43 664 555091",
            ),
            (
                "LU",
                "8,3/10, 628 213 894 ; 17/8/2024",
                "+352628213894",
                "628 213 894",
            ),
            (
                "IT",
                "📞 +39 312 307 4858 2846 1520 6713 9547",
                "+393123074858",
                "+39 312 307 4858",
            ),
            (
                "IE",
                "tel +353 85 055 1743 4195 9872 7660 1669",
                "+353850551743",
                "+353 85 055 1743",
            ),
            // A reference of four digits or more, then a phone with only spaces between.
            (
                "RO",
                "ID 566259238 0712 815 843 ✨@lola_86",
                "+40712815843",
                "0712 815 843",
            ),
            (
                "LU",
                "ref 211-3014 628 430 418, @lola_19",
                "+352628430418",
                "628 430 418",
            ),
            (
                "GB",
                "ID 214079335 07400 833947 / 1,64m",
                "+447400833947",
                "07400 833947",
            ),
            // A number spelled digit by digit keeps its last digit, and a new line parts it
            // from the next.
            (
                "AT",
                "Tel. 0 6 6 0 7 9 3 8 5 2 4 photos",
                "+436607938524",
                "0 6 6 0 7 9 3 8 5 2 4",
            ),
            (
                "AT",
                "Tel 0664 123 45 67 Fotos 100% echt",
                "+436641234567",
                "0664 123 45 67",
            ),
            (
                "AT",
                "Tel. 0660 793852 4\nFoto recenti",
                "+436607938524",
                "0660 793852 4",
            ),
            // A time before or after it.
            (
                "LU",
                "9:00-21:30 · 628 596 798",
                "+352628596798",
                "628 596 798",
            ),
            (
                "AT",
                "chiama +43 664 056975 8:00-22:30",
                "+43664056975",
                "+43 664 056975",
            ),
            // A reference before it: a `+`, or punctuation with whitespace, starts the phone.
            (
                "FR",
                "n° 767 +33 6 12 72 82 86 | n° 144",
                "+33612728286",
                "+33 6 12 72 82 86",
            ),
            (
                "BE",
                "ref 173-4705, +32 450 20 18 61",
                "+32450201861",
                "+32 450 20 18 61",
            ),
            (
                "NL",
                "ID 540993203. 06 12111276",
                "+31612111276",
                "06 12111276",
            ),
            (
                "RO",
                "ref 759-4928. 0712 492 292",
                "+40712492292",
                "0712 492 292",
            ),
            (
                "IT",
                "n° 615. 312 357 8893! -10%",
                "+393123578893",
                "312 357 8893",
            ),
            ("CH", "7j/7. 078 190 26 22", "+41781902622", "078 190 26 22"),
            // An address glued to a number taints it up to the first whitespace only.
            (
                "FR",
                "dispo 7j/7 06 12 69 59 84",
                "+33612695984",
                "06 12 69 59 84",
            ),
            // A count before it, closed by punctuation (a count's label is not).
            (
                "NL",
                "7646 vues, 06 12420110",
                "+31612420110",
                "06 12420110",
            ),
            (
                "DE",
                "(3925 vues) +49 1512 3827465",
                "+4915123827465",
                "+49 1512 3827465",
            ),
            (
                "BG",
                "390 vues 📞 043 096 240",
                "+35943096240",
                "043 096 240",
            ),
            // A count noun that counts the number before it labels none after it.
            (
                "FR",
                "1250 vues. 06 12 34 56 78",
                "+33612345678",
                "06 12 34 56 78",
            ),
            (
                "DE",
                "2892 Aufrufe - 01512 3493645",
                "+4915123493645",
                "01512 3493645",
            ),
            (
                "IT",
                "Visualizzazioni: 4410 views / 312 357 8893",
                "+393123578893",
                "312 357 8893",
            ),
            (
                "PT",
                "1404 vues 912 277 391 ✨8,8/10",
                "+351912277391",
                "912 277 391",
            ),
            // A count noun with a colon labels the number after it: not a phone.
            (
                "DE",
                "+49 1512 3827465 Aufrufe: 0151 23456789",
                "+4915123827465",
                "+49 1512 3827465",
            ),
            // `Photos réelles` after it is no count of it.
            (
                "FR",
                "Tél : +33673615407 Photos réelles",
                "+33673615407",
                "+33673615407",
            ),
            // A house number before it, closed by a comma.
            (
                "RO",
                "rue Victor Hugo 104, 0712 684 456",
                "+40712684456",
                "0712 684 456",
            ),
            // A house number before it, then the `+` of the phone.
            (
                "ES",
                "rue Victor Hugo 88 – +34 612 07 68 81 / 48kg",
                "+34612076881",
                "+34 612 07 68 81",
            ),
            (
                "ES",
                "rue Victor Hugo 88 +34 612 07 68 81",
                "+34612076881",
                "+34 612 07 68 81",
            ),
            // `+` as the separator of one number.
            (
                "FR",
                "tel 06 + 12 + 34 + 56 + 78",
                "+33612345678",
                "06 + 12 + 34 + 56 + 78",
            ),
            ("FR", "tel 06+12+34+56+78", "+33612345678", "06+12+34+56+78"),
            // Coordinates before it.
            (
                "LU",
                "GPS 46.240629, 25.800049 - 628 545 995",
                "+352628545995",
                "628 545 995",
            ),
            (
                "LU",
                "GPS 42.152188, 14.942474 628 026 629",
                "+352628026629",
                "628 026 629",
            ),
        ] {
            assert_eq!(
                spans(text, region),
                [(want.to_owned(), evidence.to_owned())],
                "{text}"
            );
        }
        for (region, text) in [
            // A reference in groups whose last groups make no number.
            ("BE", "numéro d'entreprise 0470 123 456"),
            ("FR", "réf 1234 5678 90"),
            ("FR", "2846 1520 6713 9547 1234"),
            ("FR", "note 4,7/10"),
            ("LU", "GPS 42.620583, 12.977758"),
            ("LU", "GPS: 51.517093,2.710005 (Luxembourg)"),
            ("LU", "Ouvert 9:00-21:30"),
            ("FR", "https://ex.example/annonce/0612695984 vue"),
            ("FR", "lola@0612695984 dispo"),
        ] {
            assert_eq!(spans(text, region), vec![], "{text}");
        }
        // One decimal number alone is no pair of coordinates.
        assert_eq!(phones("Tel 628.545995", "LU"), vec!["+352628545995"]);
    }

    #[test]
    fn other_regions() {
        assert_eq!(spans("Tel 0151 23456789", "DE")[0].0, "+4915123456789");
        // A slash after the country code as well as after the area code (phonenumbers reads it).
        assert_eq!(
            spans("Tel. +49/171/1234567", "DE"),
            [("+491711234567".to_owned(), "+49/171/1234567".to_owned())]
        );
        assert_eq!(spans("+49/171/1234567", "FR")[0].0, "+491711234567");
        // Without the country code too, where no other reading of the run is a number (as
        // phonenumbers reads it).
        assert_eq!(
            spans("0171/123/4567", "DE"),
            [("+491711234567".to_owned(), "0171/123/4567".to_owned())]
        );
        assert_eq!(spans("bel 0470 12 34 56", "BE")[0].0, "+32470123456");
        assert_eq!(spans("chiama 347 123 4567", "IT")[0].0, "+393471234567");
        assert_eq!(spans("+40 722 123 456", "FR")[0].0, "+40722123456");
        assert_eq!(spans("+359 88 123 4567", "FR")[0].0, "+359881234567");
    }

    /// Verdicts of Python phonenumbers 9.0.43 on regions outside the golden test: a trunk prefix
    /// other than `0` (HU `06`, through the crate's parser), a code shared by several regions
    /// (+44: GB, GG, IM, JE) and a non-geographic code (+800).
    #[test]
    fn regions_outside_the_golden_test() {
        let hu = validate_national("06201234567", "HU");
        assert_eq!(
            hu.map(|v| (v.e164, v.region)),
            Some(("+36201234567".into(), Some("HU".into())))
        );
        let gg = validate_international("441481256789");
        assert_eq!(gg.and_then(|v| v.region), Some("GG".into()));
        assert_eq!(validate_international("447700900123"), None);
        let free = validate_international("80012345678");
        assert_eq!(
            free.map(|v| (v.e164, v.region, v.country_code)),
            Some(("+80012345678".into(), None, 800))
        );
    }

    #[test]
    fn plain_formats_of_eight_countries() {
        for (region, text, want) in [
            ("DE", "0151/12345678", "+4915112345678"),
            ("DE", "0151-12345678", "+4915112345678"),
            ("DE", "+49 (0)151 12345678", "+4915112345678"),
            ("DE", "030 1234567", "+49301234567"),
            ("IT", "347-1234567", "+393471234567"),
            ("IT", "347.123.4567", "+393471234567"),
            ("IT", "+39 347 123 4567", "+393471234567"),
            ("ES", "612345678", "+34612345678"),
            ("ES", "+34 612 34 56 78", "+34612345678"),
            ("RO", "0722.123.456", "+40722123456"),
            ("BG", "0888 123 456", "+359888123456"),
            ("GB", "07911 123456", "+447911123456"),
            ("GB", "+44 7911 123456", "+447911123456"),
            ("NL", "06-12345678", "+31612345678"),
            ("NL", "+31 6 12345678", "+31612345678"),
            ("BE", "0470/12.34.56", "+32470123456"),
            ("BE", "+32 470 12 34 56", "+32470123456"),
            ("FR", "(06) 12 34 56 78", "+33612345678"),
            ("FR", "06 12 34 56 78.", "+33612345678"),
        ] {
            let got = spans(&format!("Contact: {text} merci"), region);
            assert_eq!(got.len(), 1, "{region} {text}: {got:?}");
            assert_eq!(got[0].0, want, "{region} {text}");
        }
    }

    #[test]
    fn international_helper() {
        assert_eq!(
            validate_international("33612345678").map(|v| v.e164),
            Some("+33612345678".into())
        );
        assert_eq!(validate_international("33612"), None);
        assert_eq!(
            validate_national("0612345678", "fr").and_then(|v| v.region),
            Some("FR".into())
        );
    }
}
