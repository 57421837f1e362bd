//! Numbers written as words, as people spell phone digits in ads to dodge filters, in FR, EN, NL,
//! DE, IT, ES, RO and BG: units, teens and tens, plus the joined compounds of DE/NL
//! ("vierunddreißig", "vierendertig"), IT ("trentaquattro", "ventotto") and ES ("veintidós").
//! Words are looked up after [`super::chars::fold_word`] (lowercase, no diacritics).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// FNV-1a: every word of the text is looked up, and these keys are short and not attacker-chosen
/// table entries (the table is fixed), so a fast non-keyed hash is fine here.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Table = HashMap<&'static str, NumWord, BuildHasherDefault<Fnv>>;

/// What a number word contributes to a digit run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NumWord {
    /// 0..=9
    Unit(u8),
    /// 10..=19
    Teen(u8),
    /// French "dix" (10): "sept" to "neuf" after it make 17 to 19 ("dix-sept"), and it makes 70
    /// and 90 after "soixante" and "quatre-vingt". The 10 of the other languages is a
    /// [`NumWord::Teen`]: "dieci nove" is 10 then 9, never 19.
    Dix,
    /// 20, 30, .. 90: may be followed by a unit ("trente-quatre", "thirty four").
    Tens(u8),
    /// French "soixante" (60): a unit or a teen may follow ("soixante-deux", "soixante-douze",
    /// "soixante et onze").
    Soixante,
    /// German and Dutch tens: their unit comes first, in one word ("vierunddreißig"), so
    /// "neunzig eins" is 90 then 1.
    TensUnitFirst(u8),
    /// French "vingt" (20), which also makes 80 after "quatre".
    Vingt,
    /// A full 21..=99 compound written as one word.
    Compound(u8),
    /// "et", "y", "și", "и", "and": joins tens and unit.
    Connector,
}

const UNITS: &[(&str, u8)] = &[
    // fr
    ("zero", 0),
    ("un", 1),
    ("une", 1),
    ("deux", 2),
    ("trois", 3),
    ("quatre", 4),
    ("cinq", 5),
    ("six", 6),
    ("sept", 7),
    ("huit", 8),
    ("neuf", 9),
    // en ("zero" and "six" are above; "oh" is how British English says a 0 in a number)
    ("oh", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    // nl
    ("nul", 0),
    ("een", 1),
    ("twee", 2),
    ("drie", 3),
    ("vier", 4),
    ("vijf", 5),
    ("zes", 6),
    ("zeven", 7),
    ("acht", 8),
    ("negen", 9),
    // de
    ("null", 0),
    ("eins", 1),
    ("ein", 1),
    ("zwei", 2),
    ("zwo", 2),
    ("drei", 3),
    ("funf", 5),
    ("fuenf", 5),
    ("sechs", 6),
    ("sieben", 7),
    ("neun", 9),
    // it
    ("uno", 1),
    ("due", 2),
    ("tre", 3),
    ("quattro", 4),
    ("cinque", 5),
    ("sei", 6),
    ("sette", 7),
    ("otto", 8),
    ("nove", 9),
    // es
    ("cero", 0),
    ("dos", 2),
    ("tres", 3),
    ("cuatro", 4),
    ("cinco", 5),
    ("seis", 6),
    ("siete", 7),
    ("ocho", 8),
    ("nueve", 9),
    // ro
    ("unu", 1),
    ("doi", 2),
    ("doua", 2),
    ("trei", 3),
    ("patru", 4),
    ("cinci", 5),
    ("sase", 6),
    ("sapte", 7),
    ("opt", 8),
    ("noua", 9),
    // bg
    ("нула", 0),
    ("едно", 1),
    ("един", 1),
    ("една", 1),
    ("две", 2),
    ("два", 2),
    ("три", 3),
    ("четири", 4),
    ("пет", 5),
    ("шест", 6),
    ("седем", 7),
    ("осем", 8),
    ("девет", 9),
];

const TEENS: &[(&str, u8)] = &[
    ("onze", 11),
    ("douze", 12),
    ("treize", 13),
    ("quatorze", 14),
    ("quinze", 15),
    ("seize", 16),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("tien", 10),
    ("elf", 11),
    ("twaalf", 12),
    ("dertien", 13),
    ("veertien", 14),
    ("vijftien", 15),
    ("zestien", 16),
    ("zeventien", 17),
    ("achttien", 18),
    ("negentien", 19),
    ("zehn", 10),
    ("zwolf", 12),
    ("dreizehn", 13),
    ("vierzehn", 14),
    ("funfzehn", 15),
    ("sechzehn", 16),
    ("siebzehn", 17),
    ("achtzehn", 18),
    ("neunzehn", 19),
    ("dieci", 10),
    ("undici", 11),
    ("dodici", 12),
    ("tredici", 13),
    ("quattordici", 14),
    ("quindici", 15),
    ("sedici", 16),
    ("diciassette", 17),
    ("diciotto", 18),
    ("diciannove", 19),
    ("diez", 10),
    ("once", 11),
    ("doce", 12),
    ("trece", 13),
    ("catorce", 14),
    ("quince", 15),
    ("dieciseis", 16),
    ("diecisiete", 17),
    ("dieciocho", 18),
    ("diecinueve", 19),
    ("zece", 10),
    ("unsprezece", 11),
    ("doisprezece", 12),
    ("douasprezece", 12),
    ("treisprezece", 13),
    ("paisprezece", 14),
    ("cincisprezece", 15),
    ("saisprezece", 16),
    ("saptesprezece", 17),
    ("optsprezece", 18),
    ("nouasprezece", 19),
    ("десет", 10),
    ("единадесет", 11),
    ("единайсет", 11),
    ("дванадесет", 12),
    ("дванайсет", 12),
    ("тринадесет", 13),
    ("тринайсет", 13),
    ("четиринадесет", 14),
    ("четиринайсет", 14),
    ("петнадесет", 15),
    ("петнайсет", 15),
    ("шестнадесет", 16),
    ("шестнайсет", 16),
    ("седемнадесет", 17),
    ("седемнайсет", 17),
    ("осемнадесет", 18),
    ("осемнайсет", 18),
    ("деветнадесет", 19),
    ("деветнайсет", 19),
];

const TENS: &[(&str, u8)] = &[
    ("trente", 30),
    ("quarante", 40),
    ("cinquante", 50),
    // Belgian and Swiss French: 70, 80 and 90 as tens of their own ("septante-trois").
    ("septante", 70),
    ("huitante", 80),
    ("octante", 80),
    ("nonante", 90),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fourty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
    ("venti", 20),
    ("trenta", 30),
    ("quaranta", 40),
    ("cinquanta", 50),
    ("sessanta", 60),
    ("settanta", 70),
    ("ottanta", 80),
    ("novanta", 90),
    ("veinte", 20),
    ("treinta", 30),
    ("cuarenta", 40),
    ("cincuenta", 50),
    ("sesenta", 60),
    ("setenta", 70),
    ("ochenta", 80),
    ("noventa", 90),
    ("douazeci", 20),
    ("treizeci", 30),
    ("patruzeci", 40),
    ("cincizeci", 50),
    ("saizeci", 60),
    ("saptezeci", 70),
    ("optzeci", 80),
    ("nouazeci", 90),
    ("двадесет", 20),
    ("тридесет", 30),
    ("четиридесет", 40),
    ("петдесет", 50),
    ("шестдесет", 60),
    ("седемдесет", 70),
    ("осемдесет", 80),
    ("деветдесет", 90),
    // Spoken Bulgarian, as people also write it.
    ("двайсет", 20),
    ("трийсет", 30),
    ("четирийсет", 40),
];

/// Dutch and German tens (see [`NumWord::TensUnitFirst`]).
const TENS_UNIT_FIRST: &[(&str, u8)] = &[
    ("twintig", 20),
    ("dertig", 30),
    ("veertig", 40),
    ("vijftig", 50),
    ("zestig", 60),
    ("zeventig", 70),
    ("tachtig", 80),
    ("negentig", 90),
    ("zwanzig", 20),
    ("dreissig", 30),
    ("vierzig", 40),
    ("funfzig", 50),
    ("sechzig", 60),
    ("siebzig", 70),
    ("achtzig", 80),
    ("neunzig", 90),
];

const CONNECTORS: &[&str] = &["et", "y", "si", "и", "and"];

/// Stems that prefix a unit in one word: Italian tens (with and without their final vowel,
/// "trentuno", "ventotto") and Spanish "veinti".
const JOINED_TENS: &[(&str, u8)] = &[
    ("venti", 20),
    ("vent", 20),
    ("trenta", 30),
    ("trent", 30),
    ("quaranta", 40),
    ("quarant", 40),
    ("cinquanta", 50),
    ("cinquant", 50),
    ("sessanta", 60),
    ("sessant", 60),
    ("settanta", 70),
    ("settant", 70),
    ("ottanta", 80),
    ("ottant", 80),
    ("novanta", 90),
    ("novant", 90),
    ("veinti", 20),
];

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut m = Table::with_capacity_and_hasher(
        UNITS.len() + TEENS.len() + TENS.len() + 8,
        BuildHasherDefault::default(),
    );
    for &(w, v) in UNITS {
        m.insert(w, NumWord::Unit(v));
    }
    for &(w, v) in TEENS {
        m.insert(w, NumWord::Teen(v));
    }
    m.insert("dix", NumWord::Dix);
    for &(w, v) in TENS {
        m.insert(w, NumWord::Tens(v));
    }
    m.insert("soixante", NumWord::Soixante);
    for &(w, v) in TENS_UNIT_FIRST {
        m.insert(w, NumWord::TensUnitFirst(v));
    }
    m.insert("vingt", NumWord::Vingt);
    m.insert("vingts", NumWord::Vingt);
    for &w in CONNECTORS {
        m.insert(w, NumWord::Connector);
    }
    m
});

fn unit_of(w: &str) -> Option<u8> {
    match TABLE.get(w) {
        Some(NumWord::Unit(u)) if *u > 0 => Some(*u),
        _ => None,
    }
}

/// The first two letters of every ASCII number word and compound: most words of a text are
/// rejected by one bit test before any hashing.
static ASCII_PREFIXES: LazyLock<[u32; 26]> = LazyLock::new(|| {
    let mut bits = [0u32; 26];
    let all = UNITS
        .iter()
        .chain(TEENS)
        .chain(TENS)
        .chain(TENS_UNIT_FIRST)
        .chain(JOINED_TENS)
        .map(|(w, _)| *w);
    for w in all
        .chain(CONNECTORS.iter().copied())
        .chain(["vingt", "vingts", "dix", "soixante"])
    {
        let b = w.as_bytes();
        if b.len() >= 2 && b[0].is_ascii_lowercase() && b[1].is_ascii_lowercase() {
            bits[usize::from(b[0] - b'a')] |= 1 << (b[1] - b'a');
        } else if b.len() == 1 && b[0].is_ascii_lowercase() {
            // One-letter connector ("y"): marked by bit 26.
            bits[usize::from(b[0] - b'a')] |= 1 << 26;
        }
    }
    bits
});

/// Whether a folded word starting with the ASCII lowercase letters `a`, `c` may be a number
/// word (the test `lookup` makes first), so that callers can skip folding the rest of a word.
pub fn may_start_with(a: u8, c: u8) -> bool {
    a.is_ascii_lowercase()
        && c.is_ascii_lowercase()
        && ASCII_PREFIXES[usize::from(a - b'a')] & (1 << (c - b'a')) != 0
}

fn may_be_number(folded: &str) -> bool {
    let b = folded.as_bytes();
    match b {
        [a, c, ..] if a.is_ascii_lowercase() && c.is_ascii_lowercase() => {
            ASCII_PREFIXES[usize::from(a - b'a')] & (1 << (c - b'a')) != 0
        }
        [a] if a.is_ascii_lowercase() => ASCII_PREFIXES[usize::from(a - b'a')] & (1 << 26) != 0,
        [a, ..] if a.is_ascii() => false,
        // Cyrillic and other scripts: the table decides.
        _ => true,
    }
}

/// Looks a folded word up. `None` for every word that is not a number.
#[inline]
pub fn lookup(folded: &str) -> Option<NumWord> {
    let n = folded.len();
    if !(1..=40).contains(&n) || !may_be_number(folded) {
        return None;
    }
    if let Some(v) = TABLE.get(folded) {
        return Some(*v);
    }
    compound(folded).map(NumWord::Compound)
}

/// Joined compounds: DE "vierunddreissig", NL "vierendertig"/"drieentwintig" (unit + und/en +
/// tens), IT "trentaquattro", ES "veintidos" (tens stem + unit).
fn compound(w: &str) -> Option<u8> {
    if w.len() < 6 || !w.is_ascii() {
        return None;
    }
    if w.ends_with("ig") {
        for &(t, tv) in TENS_UNIT_FIRST {
            if let Some(prefix) = w.strip_suffix(t) {
                let unit = prefix
                    .strip_suffix("und")
                    .or_else(|| prefix.strip_suffix("en"));
                if let Some(u) = unit.and_then(unit_of) {
                    return Some(tv + u);
                }
            }
        }
        return None;
    }
    for &(stem, tv) in JOINED_TENS {
        if let Some(rest) = w.strip_prefix(stem)
            && let Some(u) = unit_of(rest)
        {
            return Some(tv + u);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_every_language() {
        assert_eq!(lookup("zero"), Some(NumWord::Unit(0)));
        assert_eq!(lookup("oh"), Some(NumWord::Unit(0)));
        assert_eq!(lookup("sechs"), Some(NumWord::Unit(6)));
        assert_eq!(lookup("zes"), Some(NumWord::Unit(6)));
        assert_eq!(lookup("sei"), Some(NumWord::Unit(6)));
        assert_eq!(lookup("seis"), Some(NumWord::Unit(6)));
        assert_eq!(lookup("sase"), Some(NumWord::Unit(6)));
        assert_eq!(lookup("шест"), Some(NumWord::Unit(6)));
        assert_eq!(lookup("douze"), Some(NumWord::Teen(12)));
        assert_eq!(lookup("dix"), Some(NumWord::Dix));
        assert_eq!(lookup("dieci"), Some(NumWord::Teen(10)));
        assert_eq!(lookup("trente"), Some(NumWord::Tens(30)));
        assert_eq!(lookup("soixante"), Some(NumWord::Soixante));
        assert_eq!(lookup("sessanta"), Some(NumWord::Tens(60)));
        assert_eq!(lookup("neunzig"), Some(NumWord::TensUnitFirst(90)));
        assert_eq!(lookup("negentig"), Some(NumWord::TensUnitFirst(90)));
        assert_eq!(lookup("septante"), Some(NumWord::Tens(70)));
        assert_eq!(lookup("nonante"), Some(NumWord::Tens(90)));
        assert_eq!(lookup("huitante"), Some(NumWord::Tens(80)));
        assert_eq!(lookup("трийсет"), Some(NumWord::Tens(30)));
        assert_eq!(lookup("vierunddreissig"), Some(NumWord::Compound(34)));
        assert_eq!(lookup("vierendertig"), Some(NumWord::Compound(34)));
        assert_eq!(lookup("drieentwintig"), Some(NumWord::Compound(23)));
        assert_eq!(lookup("trentaquattro"), Some(NumWord::Compound(34)));
        assert_eq!(lookup("ventotto"), Some(NumWord::Compound(28)));
        assert_eq!(lookup("veintidos"), Some(NumWord::Compound(22)));
        assert_eq!(lookup("maison"), None);
        assert_eq!(lookup("zigzig"), None);
    }

    #[test]
    fn tables_hold_no_duplicate_with_another_meaning() {
        let mut seen = HashMap::new();
        for (w, v) in UNITS.iter().chain(TEENS).chain(TENS).chain(TENS_UNIT_FIRST) {
            if let Some(old) = seen.insert(*w, *v) {
                assert_eq!(old, *v, "{w}");
            }
        }
    }
}
