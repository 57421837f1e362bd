//! A synthetic, clearly fictional ad corpus in FR, EN, NL, DE, IT, ES, RO and BG with planted
//! selectors (plain and obfuscated phones, e-mails, IBANs) and many distractors (prices, dates,
//! times, postal codes, ages, ad ids, references, coordinates, card numbers), generated with a
//! fixed seed. The test measures recall and precision of `selectors::extract` against the planted
//! truth; the selector benchmark reuses the generator for realistic text.
#![cfg(feature = "selectors")]
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

/// xorshift64*: small, deterministic, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() % 10_000) as f64 / 10_000.0 < p
    }
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// One ad with the selectors planted in it.
pub struct Ad {
    pub text: String,
    pub region: &'static str,
    /// (E.164, obfuscated)
    pub phones: Vec<(String, bool)>,
    pub emails: Vec<String>,
    pub ibans: Vec<String>,
}

struct Lang {
    region: &'static str,
    cc: &'static str,
    units: [&'static str; 10],
    intro: &'static [&'static str],
    call: &'static [&'static str],
    mail: &'static [&'static str],
    filler: &'static [&'static str],
    postal: &'static [&'static str],
}

const LANGS: [Lang; 8] = [
    Lang {
        region: "FR",
        cc: "33",
        units: [
            "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
        ],
        intro: &[
            "Salut, je suis Lola, 21 ans, nouvelle en ville.",
            "Coucou ! Jade 23 ans, de passage.",
        ],
        call: &[
            "Tél :",
            "Appelle-moi au",
            "📞",
            "WhatsApp",
            "SMS uniquement :",
            "Contact",
        ],
        mail: &["mail :", "écris-moi :", "e-mail"],
        filler: &[
            "Disponible ce soir.",
            "Photos réelles.",
            "Pas de numéro masqué.",
            "Déplacement possible.",
        ],
        postal: &[
            "75011 Paris",
            "69002 Lyon",
            "13001 Marseille",
            "33000 Bordeaux",
        ],
    },
    Lang {
        region: "GB",
        cc: "44",
        units: [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        ],
        intro: &[
            "Hi, I'm Amy, 22, new in town.",
            "Hello, Chloe here, 24 years old.",
        ],
        call: &["Call me on", "Tel:", "📱", "WhatsApp me", "Text only:"],
        mail: &["email:", "mail me at", "contact"],
        filler: &[
            "Available tonight.",
            "Real photos.",
            "No withheld numbers.",
            "Outcall possible.",
        ],
        postal: &["SW1A 1AA London", "M1 1AE Manchester", "B1 1AA Birmingham"],
    },
    Lang {
        region: "NL",
        cc: "31",
        units: [
            "nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen",
        ],
        intro: &[
            "Hoi, ik ben Sanne, 20 jaar, nieuw in de stad.",
            "Hallo! Lisa 25 jaar.",
        ],
        call: &["Bel me:", "Tel:", "📞", "Whatsapp", "Alleen sms:"],
        mail: &["mail:", "e-mail:", "stuur een mail naar"],
        filler: &[
            "Vanavond beschikbaar.",
            "Echte foto's.",
            "Geen anonieme nummers.",
        ],
        postal: &["1012 AB Amsterdam", "3011 AA Rotterdam", "2511 CV Den Haag"],
    },
    Lang {
        region: "DE",
        cc: "49",
        units: [
            "null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
        ],
        intro: &[
            "Hallo, ich bin Mia, 22 Jahre, neu in der Stadt.",
            "Hi! Lena, 24 Jahre jung.",
        ],
        call: &["Ruf an:", "Tel.:", "📞", "WhatsApp", "Nur SMS:", "Handy"],
        mail: &["E-Mail:", "Mail an", "schreib mir:"],
        filler: &[
            "Heute Abend verfügbar.",
            "Echte Fotos.",
            "Keine unterdrückten Nummern.",
        ],
        postal: &["10115 Berlin", "80331 München", "20095 Hamburg"],
    },
    Lang {
        region: "IT",
        cc: "39",
        units: [
            "zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove",
        ],
        intro: &[
            "Ciao, sono Giulia, 23 anni, nuova in città.",
            "Ciao! Sara 21 anni.",
        ],
        call: &["Chiamami al", "Tel:", "📞", "WhatsApp", "Solo sms:"],
        mail: &["email:", "scrivimi a", "mail"],
        filler: &["Disponibile stasera.", "Foto reali.", "No numeri privati."],
        postal: &["00184 Roma", "20121 Milano", "80133 Napoli"],
    },
    Lang {
        region: "ES",
        cc: "34",
        units: [
            "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
        ],
        intro: &[
            "Hola, soy Lucía, 22 años, nueva en la ciudad.",
            "¡Hola! Carla 24 años.",
        ],
        call: &["Llámame al", "Tel:", "📞", "WhatsApp", "Solo sms:"],
        mail: &["correo:", "escríbeme a", "email"],
        filler: &[
            "Disponible esta noche.",
            "Fotos reales.",
            "No números ocultos.",
        ],
        postal: &["28013 Madrid", "08001 Barcelona", "41001 Sevilla"],
    },
    Lang {
        region: "RO",
        cc: "40",
        units: [
            "zero", "unu", "doi", "trei", "patru", "cinci", "șase", "șapte", "opt", "nouă",
        ],
        intro: &[
            "Bună, sunt Ioana, 20 ani, nouă în oraș.",
            "Salut! Maria 23 ani.",
        ],
        call: &["Sună-mă la", "Tel:", "📞", "WhatsApp", "Doar sms:"],
        mail: &["email:", "scrie-mi la", "mail"],
        filler: &[
            "Disponibilă în seara asta.",
            "Poze reale.",
            "Fără numere private.",
        ],
        postal: &["010011 București", "400001 Cluj-Napoca", "700001 Iași"],
    },
    Lang {
        region: "BG",
        cc: "359",
        units: [
            "нула",
            "едно",
            "две",
            "три",
            "четири",
            "пет",
            "шест",
            "седем",
            "осем",
            "девет",
        ],
        intro: &[
            "Здравей, аз съм Мария, 21 години, нова в града.",
            "Здрасти! Ива 23 години.",
        ],
        call: &["Обади се на", "Тел:", "📞", "Viber", "Само sms:"],
        mail: &["имейл:", "пиши ми на", "mail"],
        filler: &[
            "Свободна тази вечер.",
            "Истински снимки.",
            "Без скрити номера.",
        ],
        postal: &["1000 София", "4000 Пловдив", "9000 Варна"],
    },
];

/// A valid mobile number of the region: (national digits with trunk prefix, E.164).
fn mobile(rng: &mut Rng, region: &str) -> (String, String) {
    let national = match region {
        "FR" => format!(
            "06{}{}",
            rng.pick(&["0", "1", "2", "4", "5", "6", "7", "8"]),
            rng.digits(7)
        ),
        "GB" => format!("0771{}", rng.digits(7)),
        "NL" => format!("06{}{}", 1 + rng.below(5), rng.digits(7)),
        "DE" => format!("0151{}", rng.digits(8)),
        "IT" => format!("34{}", rng.digits(8)),
        "ES" => format!("6{}", rng.digits(8)),
        "RO" => format!("07{}{}", 2 + rng.below(6), rng.digits(7)),
        _ => format!("08{}{}", 7 + rng.below(3), rng.digits(7)),
    };
    let cc = LANGS
        .iter()
        .find(|l| l.region == region)
        .map_or("", |l| l.cc);
    let nsn = national.strip_prefix('0').unwrap_or(&national);
    (national.clone(), format!("+{cc}{nsn}"))
}

fn groups(s: &str, sizes: &[usize], sep: &str) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    let mut k = 0;
    while i < s.len() {
        let n = sizes[k.min(sizes.len() - 1)].min(s.len() - i);
        out.push(&s[i..i + n]);
        i += n;
        k += 1;
    }
    out.join(sep)
}

/// Writes a phone plainly (style < 8) or obfuscated; returns (text, obfuscated).
fn write_phone(rng: &mut Rng, lang: &Lang, national: &str, e164: &str, obfuscate: bool) -> String {
    let nsn = &e164[1 + lang.cc.len()..];
    let pairs = |sep: &str| {
        if national.len() == 10 && national.starts_with('0') {
            groups(national, &[2], sep)
        } else {
            groups(national, &[4, 3], sep)
        }
    };
    if !obfuscate {
        return match rng.below(9) {
            0 => pairs(" "),
            1 => national.to_owned(),
            2 => pairs("."),
            3 => pairs("-"),
            4 => format!("+{} {}", lang.cc, groups(nsn, &[3, 3, 4], " ")),
            5 => e164.to_owned(),
            6 => format!("00{} {}", lang.cc, groups(nsn, &[3, 3, 4], " ")),
            7 if national.starts_with('0') => {
                format!("+{} (0){}", lang.cc, groups(nsn, &[3, 3, 4], " "))
            }
            _ => format!("{} / {}", &national[..4], &national[4..]),
        };
    }
    match rng.below(8) {
        0 => national.replace('0', "O").replace('1', "l"),
        1 => national
            .chars()
            .map(String::from)
            .collect::<Vec<_>>()
            .join(" "),
        2 => national
            .chars()
            .map(|c| lang.units[c.to_digit(10).unwrap_or(0) as usize])
            .collect::<Vec<_>>()
            .join(" "),
        3 => national
            .chars()
            .map(|c| format!("{c}\u{FE0F}\u{20E3}"))
            .collect(),
        4 => national
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFF10 - 0x30).unwrap_or(c))
            .collect(),
        5 => groups(national, &[2], "💋"),
        6 => {
            // Mixed separators.
            let g = groups(national, &[2], "\u{1}");
            let mut out = String::new();
            for (k, part) in g.split('\u{1}').enumerate() {
                if k > 0 {
                    const SEPS: [&str; 5] = [" ", ".", "-", " . ", " - "];
                    let sep: &str = SEPS[rng.below(SEPS.len())];
                    out.push_str(sep);
                }
                out.push_str(part);
            }
            out
        }
        _ => {
            // Half digits, half words.
            national
                .chars()
                .enumerate()
                .map(|(k, c)| {
                    if k % 2 == 0 {
                        c.to_string()
                    } else {
                        lang.units[c.to_digit(10).unwrap_or(0) as usize].to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
    }
}

const EMAIL_DOMAINS: [&str; 8] = [
    "gmail.com",
    "yahoo.fr",
    "outlook.de",
    "mail.ro",
    "abv.bg",
    "libero.it",
    "hotmail.es",
    "ziggo.nl",
];
const NAMES: [&str; 8] = [
    "lola",
    "amy.b",
    "sanne_x",
    "mia22",
    "giulia.r",
    "lucia",
    "ioana.m",
    "maria_sofia",
];

fn write_email(rng: &mut Rng, value: &str) -> String {
    let (local, domain) = value.split_once('@').unwrap_or((value, ""));
    let (name, tld) = domain.rsplit_once('.').unwrap_or((domain, ""));
    match rng.below(8) {
        0..=2 => value.to_owned(),
        3 => format!("{local} (at) {name} (dot) {tld}"),
        4 => format!("{local}[at]{name}[.]{tld}"),
        5 => format!("{local} at {name} dot {tld}"),
        6 => format!("{local} arobase {name} point {tld}"),
        _ => format!("{local} @ {name} . {tld}"),
    }
}

/// A valid IBAN: (compact, as written).
fn iban(rng: &mut Rng) -> (String, String) {
    let (cc, bban) = match rng.below(6) {
        0 => ("FR", rng.digits(23)),
        1 => ("DE", rng.digits(18)),
        2 => ("ES", rng.digits(20)),
        3 => ("IT", format!("X{}", rng.digits(22))),
        4 => ("NL", format!("ABNA{}", rng.digits(10))),
        _ => ("RO", format!("BTRL{}", rng.digits(16))),
    };
    let rearranged = format!("{bban}{cc}00");
    let mut r: u32 = 0;
    for c in rearranged.chars() {
        r = match c.to_digit(10) {
            Some(d) => (r * 10 + d) % 97,
            None => (r * 100 + (c as u32 - 'A' as u32 + 10)) % 97,
        };
    }
    let compact = format!("{cc}{:02}{bban}", 98 - r);
    let written = if rng.chance(0.6) {
        groups(&compact, &[4], " ")
    } else {
        compact.clone()
    };
    (compact, written)
}

/// Things that must never be read as phones, e-mails or IBANs.
fn distractor(rng: &mut Rng, lang: &Lang) -> String {
    match rng.below(16) {
        0 => format!(
            "{}€ la demi-heure, {} euros l'heure",
            50 + 10 * rng.below(10),
            100 + 50 * rng.below(6)
        ),
        1 => format!(
            "le {:02}/{:02}/20{}",
            1 + rng.below(28),
            1 + rng.below(12),
            20 + rng.below(6)
        ),
        2 => format!(
            "{:02}.{:02}.20{}",
            1 + rng.below(28),
            1 + rng.below(12),
            20 + rng.below(6)
        ),
        3 => format!(
            "{}h{:02} - {}:{:02}",
            10 + rng.below(12),
            10 * rng.below(6),
            10 + rng.below(12),
            15 * rng.below(4)
        ),
        4 => rng.pick(lang.postal).to_string(),
        5 => format!("Annonce n° {}", rng.digits(9)),
        6 => format!("ref {}", rng.digits(10)),
        7 => format!("ID: {}", rng.digits(9)),
        8 => format!(
            "{}.{}, {}.{}",
            40 + rng.below(10),
            rng.digits(4),
            1 + rng.below(20),
            rng.digits(4)
        ),
        9 => format!(
            "1m{} - {} kg - 90-60-90",
            55 + rng.below(30),
            45 + rng.below(20)
        ),
        10 => format!(
            "carte {} {} {} {}",
            rng.digits(4),
            rng.digits(4),
            rng.digits(4),
            rng.digits(4)
        ),
        11 => format!(
            "€ {} / {} lei / {} лв",
            100 + rng.below(400),
            200 + rng.below(500),
            80 + rng.below(200)
        ),
        12 => format!("vues: {} - depuis 20{}", rng.digits(5), 10 + rng.below(15)),
        13 => format!(
            "insta @{} rdv at 8pm, {}@ {}h",
            rng.pick(&NAMES),
            rng.pick(&["rdv", "dispo"]),
            18 + rng.below(5)
        ),
        14 => format!("commande {}-{}", rng.digits(6), rng.digits(4)),
        _ => format!(
            "24/7 - {} ans - {} {}",
            19 + rng.below(10),
            rng.digits(3),
            rng.digits(3)
        ),
    }
}

/// `n` ads, deterministic for a seed.
pub fn corpus(n: usize, seed: u64) -> Vec<Ad> {
    let mut rng = Rng::new(seed);
    let mut ads = Vec::with_capacity(n);
    for _ in 0..n {
        let lang = rng.pick(&LANGS);
        let mut parts: Vec<String> = vec![rng.pick(lang.intro).to_string()];
        let mut ad = Ad {
            text: String::new(),
            region: lang.region,
            phones: vec![],
            emails: vec![],
            ibans: vec![],
        };
        for _ in 0..1 + rng.below(3) {
            parts.push(distractor(&mut rng, lang));
        }
        parts.push(rng.pick(lang.filler).to_string());
        for _ in 0..1 + usize::from(rng.chance(0.2)) {
            let (national, e164) = mobile(&mut rng, lang.region);
            let obf = rng.chance(0.4);
            let written = write_phone(&mut rng, lang, &national, &e164, obf);
            parts.push(format!("{} {}", rng.pick(lang.call), written));
            ad.phones.push((e164, obf));
        }
        if rng.chance(0.5) {
            let e = format!(
                "{}{}@{}",
                rng.pick(&NAMES),
                rng.below(100),
                rng.pick(&EMAIL_DOMAINS)
            );
            parts.push(format!(
                "{} {}",
                rng.pick(lang.mail),
                write_email(&mut rng, &e)
            ));
            ad.emails.push(e);
        }
        if rng.chance(0.15) {
            let (compact, written) = iban(&mut rng);
            parts.push(format!("IBAN {written}"));
            ad.ibans.push(compact);
        }
        parts.push(distractor(&mut rng, lang));
        // Shuffle the middle parts a little.
        let len = parts.len();
        for k in 1..len.saturating_sub(1) {
            let j = 1 + rng.below(len - 2);
            parts.swap(k, j);
        }
        ad.text = parts.join(if rng.chance(0.5) { " " } else { "\n" });
        ads.push(ad);
    }
    ads
}

#[cfg(test)]
#[derive(Default, Debug)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

#[cfg(test)]
impl Score {
    fn add(
        &mut self,
        want: &std::collections::BTreeSet<String>,
        got: &std::collections::BTreeSet<String>,
    ) {
        self.tp += want.intersection(got).count();
        self.fp += got.difference(want).count();
        self.fn_ += want.difference(got).count();
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
}

#[test]
fn recall_and_precision_on_synthetic_ads() {
    use cairn_core::FindingKind;
    use cairn_text::selectors::{self, SelectorContext};
    use std::collections::BTreeSet;

    let ads = corpus(2000, 0x5e1e_c7025);
    let (mut phone, mut email, mut iban) = (Score::default(), Score::default(), Score::default());
    let (mut plain, mut obf) = ((0usize, 0usize), (0usize, 0usize)); // (found, planted)
    let mut misses = Vec::new();
    let mut false_pos = Vec::new();
    for ad in &ads {
        let found = selectors::extract(
            &ad.text,
            &SelectorContext {
                region: Some(ad.region),
            },
        );
        let of = |k: FindingKind| -> BTreeSet<String> {
            found
                .iter()
                .filter(|f| f.kind == k)
                .map(|f| f.value.clone())
                .collect()
        };
        let phones = of(FindingKind::Phone);
        let want_phones: BTreeSet<String> = ad.phones.iter().map(|(p, _)| p.clone()).collect();
        phone.add(&want_phones, &phones);
        for (p, o) in &ad.phones {
            let hit = usize::from(phones.contains(p));
            let slot = if *o { &mut obf } else { &mut plain };
            slot.0 += hit;
            slot.1 += 1;
            if hit == 0 && misses.len() < 10 {
                misses.push(format!("{p} in {:?}", ad.text));
            }
        }
        for p in phones.difference(&want_phones) {
            if false_pos.len() < 10 {
                false_pos.push(format!("{p} in {:?}", ad.text));
            }
        }
        email.add(
            &ad.emails.iter().cloned().collect(),
            &of(FindingKind::Email),
        );
        iban.add(&ad.ibans.iter().cloned().collect(), &of(FindingKind::Iban));
    }
    let r = |x: (usize, usize)| x.0 as f64 / x.1.max(1) as f64;
    eprintln!(
        "phones: recall plain {:.4} ({}/{}), obfuscated {:.4} ({}/{}), precision {:.4}; \
         e-mail recall {:.4} precision {:.4}; IBAN recall {:.4} precision {:.4}",
        r(plain),
        plain.0,
        plain.1,
        r(obf),
        obf.0,
        obf.1,
        phone.precision(),
        email.recall(),
        email.precision(),
        iban.recall(),
        iban.precision()
    );
    for m in &misses {
        eprintln!("missed phone: {m}");
    }
    for m in &false_pos {
        eprintln!("false phone: {m}");
    }
    assert!(r(plain) >= 0.99, "plain phone recall {}", r(plain));
    assert!(r(obf) >= 0.90, "obfuscated phone recall {}", r(obf));
    assert!(
        phone.precision() >= 0.98,
        "phone precision {}",
        phone.precision()
    );
    assert!(
        email.recall() >= 0.97 && email.precision() >= 0.98,
        "e-mail {email:?}"
    );
    assert!(
        iban.recall() >= 0.98 && iban.precision() >= 0.98,
        "IBAN {iban:?}"
    );
}
