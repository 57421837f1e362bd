//! Selectors: phones, e-mails, URLs, handles, wallets, IBANs, prices and stated ages.
//!
//! Every finder takes the record's text and returns [`Finding`]s whose byte spans point into it
//! (`evidence == text[start..end]`, built with [`Finding::from_span`]) and whose `rule` is
//! `<kind>@<version>`. [`extract`] runs them all and resolves overlaps. Places (the gazetteer)
//! live in `crate::gazetteer`.

pub mod age;
mod bytes8;
mod chars;
pub mod email;
pub mod handle;
pub mod iban;
mod numwords;
pub mod phone;
mod phone_dfa;
mod phone_meta;
pub mod price;
pub mod url;
pub mod wallet;

use cairn_core::{Finding, FindingKind};

/// What the finders need to know about a record besides its text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SelectorContext<'a> {
    /// Default region (ISO 3166-1 alpha-2, any case; `UK` and `EL` accepted) for national phone
    /// numbers: from the JSON Lines `region`, `--region`, or the country TLD of the record's URL.
    /// Without it only international numbers (`+33…`, `0033…`) are found.
    pub region: Option<&'a str>,
}

/// All selectors of `text` (phone, e-mail, URL, handle, wallet, IBAN, price, age), sorted by
/// start, overlaps resolved (see [`resolve_overlaps`]).
pub fn extract(text: &str, ctx: &SelectorContext) -> Vec<Finding> {
    extract_many(&[(text, *ctx)]).pop().unwrap_or_default()
}

/// [`extract`] of several texts, finder by finder: each finder runs over every text before the
/// next one starts, so that its tables stay in the core's cache instead of being evicted by the
/// other finders' at every text. The same findings as [`extract`] of each text, in order.
pub fn extract_many(texts: &[(&str, SelectorContext)]) -> Vec<Vec<Finding>> {
    let urls: Vec<_> = texts.iter().map(|(t, _)| url::matches(t)).collect();
    // Ads carry a dozen selectors or so: one allocation instead of a regrowth per finder.
    let mut all: Vec<Vec<Finding>> = texts.iter().map(|_| Vec::with_capacity(24)).collect();
    // The finders' order is the order of equal findings before `resolve_overlaps` sorts them.
    let mut stage = |find: &dyn Fn(usize, &str, &SelectorContext) -> Vec<Finding>| {
        for (k, ((text, ctx), found)) in texts.iter().zip(&mut all).enumerate() {
            found.extend(find(k, text, ctx));
        }
    };
    stage(&|_, t, _| wallet::find(t));
    stage(&|_, t, _| iban::find(t));
    stage(&|_, t, _| email::find(t));
    stage(&|k, t, _| url::findings(t, &urls[k]));
    stage(&|k, t, _| handle::find_with(t, &urls[k]));
    stage(&|_, t, ctx| phone::find(t, ctx));
    stage(&|_, t, _| price::find(t));
    stage(&|_, t, _| age::find(t));
    all.into_iter().map(resolve_overlaps).collect()
}

/// Checksummed kinds first: a phone inside an IBAN or a URL inside an e-mail is a misreading.
fn priority(k: FindingKind) -> u8 {
    match k {
        FindingKind::Wallet => 0,
        FindingKind::Iban => 1,
        FindingKind::Email => 2,
        FindingKind::Handle => 3,
        FindingKind::Phone => 4,
        FindingKind::Url => 5,
        FindingKind::Price => 6,
        FindingKind::Age => 7,
        FindingKind::Place | FindingKind::Indicator => 8,
    }
}

/// Kinds that may share bytes: a profile URL is also a handle, `wa.me/336…` also a phone.
fn may_overlap(a: FindingKind, b: FindingKind) -> bool {
    use FindingKind::{Handle, Phone, Url};
    matches!(
        (a, b),
        (Url, Handle)
            | (Handle, Url)
            | (Url, Phone)
            | (Phone, Url)
            | (Handle, Phone)
            | (Phone, Handle)
    )
}

/// Keeps, among overlapping findings, the one of the highest priority (then the longest), except
/// for kinds that may share bytes; drops exact duplicates. Result sorted by (start, end, kind).
pub fn resolve_overlaps(mut all: Vec<Finding>) -> Vec<Finding> {
    all.sort_by_key(|f| (f.start, f.end, f.kind));
    // Findings that overlap, directly or through others, form a cluster; most clusters hold one
    // finding, and only clusters of several need the priority rules. They are decided on
    // indices, and the losers dropped in one pass at the end: findings are large, and moving
    // each through a cluster vector was a share of the scan's copying.
    let mut keep = vec![true; all.len()];
    let mut cluster_start = 0;
    let mut cluster_end = 0;
    for (i, f) in all.iter().enumerate() {
        if i > cluster_start && f.start >= cluster_end {
            resolve_cluster(&all, cluster_start..i, &mut keep);
            cluster_start = i;
        }
        cluster_end = if i == cluster_start {
            f.end
        } else {
            cluster_end.max(f.end)
        };
    }
    resolve_cluster(&all, cluster_start..all.len(), &mut keep);
    if keep.iter().all(|&k| k) {
        return all;
    }
    let mut index = 0;
    all.retain(|_| {
        index += 1;
        keep[index - 1]
    });
    all
}

/// Marks in `keep` the findings of `cluster` (a range of `all`, sorted by start, end and kind)
/// that lose to others: taken by priority, then the longest first, each is kept unless it
/// clashes with one kept before it. The kept ones stay in their sorted order.
fn resolve_cluster(all: &[Finding], cluster: std::ops::Range<usize>, keep: &mut [bool]) {
    if cluster.len() <= 1 {
        return;
    }
    let mut order: Vec<usize> = cluster.collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&all[a], &all[b]);
        priority(a.kind)
            .cmp(&priority(b.kind))
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<&Finding> = Vec::with_capacity(order.len());
    for i in order {
        let f = &all[i];
        let clash = kept.iter().any(|k| {
            let overlaps = k.start < f.end && f.start < k.end;
            let duplicate =
                k.kind == f.kind && k.start == f.start && k.end == f.end && k.value == f.value;
            duplicate || (overlaps && (k.kind == f.kind || !may_overlap(k.kind, f.kind)))
        });
        if clash {
            keep[i] = false;
        } else {
            kept.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_ad_all_kinds() {
        let ad = "Nouvelle en ville 🌹 Lola 19 ans, 150€ la nuit. Tél 06 12 34 56 78, \
                  mail lola.x (at) example (dot) fr, snap: lola_x, https://t.me/lola_x, \
                  IBAN FR76 3000 6000 0112 3456 7890 189, btc 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
        let f = extract(ad, &SelectorContext { region: Some("fr") });
        let got: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.kind.as_str(), f.value.as_str()))
            .collect();
        for want in [
            ("age", "19"),
            ("price", "150 EUR"),
            ("phone", "+33612345678"),
            ("email", "lola.x@example.fr"),
            ("handle", "snapchat:lola_x"),
            ("handle", "telegram:lola_x"),
            ("url", "https://t.me/lola_x"),
            ("iban", "FR7630006000011234567890189"),
            ("wallet", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        ] {
            assert!(got.contains(&want), "{want:?} missing from {got:?}");
        }
        assert!(f.windows(2).all(|w| w[0].start <= w[1].start));
        for x in &f {
            assert_eq!(&ad[x.start..x.end], x.evidence);
            assert!(x.rule.ends_with("@1"), "{}", x.rule);
        }
        // Nothing read inside the IBAN.
        let iban = f
            .iter()
            .find(|x| x.kind == FindingKind::Iban)
            .map(|x| (x.start, x.end));
        let (s, e) = iban.unwrap_or_default();
        assert!(
            f.iter()
                .all(|x| x.kind == FindingKind::Iban || x.end <= s || x.start >= e)
        );
    }

    /// The overlap rules as first written: each cluster moved into a vector of its own, sorted
    /// by priority, the kept ones sorted back. [`resolve_overlaps`] decides on indices instead.
    fn resolve_overlaps_by_moving(mut all: Vec<Finding>) -> Vec<Finding> {
        fn resolve(cluster: &mut Vec<Finding>, out: &mut Vec<Finding>) {
            cluster.sort_by(|a, b| {
                priority(a.kind)
                    .cmp(&priority(b.kind))
                    .then((b.end - b.start).cmp(&(a.end - a.start)))
                    .then(a.start.cmp(&b.start))
            });
            let mut kept: Vec<Finding> = Vec::new();
            for f in cluster.drain(..) {
                let clash = kept.iter().any(|k| {
                    let overlaps = k.start < f.end && f.start < k.end;
                    let duplicate = k.kind == f.kind
                        && k.start == f.start
                        && k.end == f.end
                        && k.value == f.value;
                    duplicate || (overlaps && (k.kind == f.kind || !may_overlap(k.kind, f.kind)))
                });
                if !clash {
                    kept.push(f);
                }
            }
            kept.sort_by_key(|f| (f.start, f.end, f.kind));
            out.append(&mut kept);
        }
        all.sort_by_key(|f| (f.start, f.end, f.kind));
        let mut out = Vec::new();
        let mut cluster: Vec<Finding> = Vec::new();
        let mut cluster_end = 0;
        for f in all {
            if !cluster.is_empty() && f.start >= cluster_end {
                resolve(&mut cluster, &mut out);
            }
            cluster_end = if cluster.is_empty() {
                f.end
            } else {
                cluster_end.max(f.end)
            };
            cluster.push(f);
        }
        resolve(&mut cluster, &mut out);
        out
    }

    proptest::proptest! {
        /// The same findings kept, in the same order, as the rules first written; on crowded
        /// spans (clusters of many kinds, duplicates, empty spans, equal spans of one kind with
        /// different values) where every rule comes into play.
        #[test]
        fn overlaps_resolve_as_first_written(
            spans in proptest::collection::vec(
                (0usize..10, 0usize..16, 0usize..5, 0usize..2),
                0..24,
            )
        ) {
            let all: Vec<Finding> = spans
                .iter()
                .enumerate()
                .map(|(n, &(kind, start, len, value))| Finding {
                    kind: FindingKind::ALL[kind],
                    value: format!("v{value}"),
                    start,
                    end: start + len,
                    // Tells apart findings equal in all that the rules look at.
                    evidence: n.to_string(),
                    rule: String::new(),
                    category: None,
                    detail: cairn_core::Details::new(),
                })
                .collect();
            proptest::prop_assert_eq!(
                resolve_overlaps(all.clone()),
                resolve_overlaps_by_moving(all)
            );
        }
    }

    /// An IBAN printed with dots is one IBAN, with no phone, price or age read inside it.
    #[test]
    fn dotted_iban_is_only_an_iban() {
        let ad = "Virement: FR76.3000.6000.0112.3456.7890.189. Merci";
        let f = extract(ad, &SelectorContext { region: Some("FR") });
        let kinds: Vec<(&str, &str)> = f
            .iter()
            .map(|x| (x.kind.as_str(), x.value.as_str()))
            .collect();
        assert_eq!(kinds, [("iban", "FR7630006000011234567890189")]);
        assert_eq!(f[0].evidence, "FR76.3000.6000.0112.3456.7890.189");
    }
}
