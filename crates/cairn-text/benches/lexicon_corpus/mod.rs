//! Shared by the normalize, lexicon and lang benches: a deterministic synthetic corpus of ad-like
//! records in our 8 languages, from the labelled sentences with indicator phrases, obfuscations,
//! places and emoji mixed in.

pub fn records(n: usize) -> Vec<String> {
    let sentences: Vec<&str> = include_str!("../../data/lang_testset.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t').map(|(_, s)| s))
        .collect();
    let extras = [
        "NOUVELLE EN VILLE 🌹🌹 dispo 24/7",
        "n3www in t0wn, just turned 18 ✈️",
        "Neu in der Stadt, nur wenige Tage in Frankfurt am Main",
        "nuova in città, Milano, solo questa settimana",
        "Нова в града, София, току-що пристигнала",
        "recién llegada a Madrid, chica nueva 🍒",
        "proaspăt sosită în București, fată nouă",
        "Ｔｅｌ 06 12 34 56 78, appelez mon manager",
        "rdv hôtel ou airbnb à Bruxelles",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        // xorshift64: fixed seed, same corpus on every run.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|_| {
            let mut r = String::new();
            while r.len() < 1000 {
                let k = next() as usize;
                if k.is_multiple_of(4) {
                    r.push_str(extras[k / 4 % extras.len()]);
                } else {
                    r.push_str(sentences[k / 4 % sentences.len()]);
                }
                r.push(' ');
            }
            r
        })
        .collect()
}
