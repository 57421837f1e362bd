//! URLs and bare domains, found by `linkify`. Value: scheme (default `http`) + lowercase host +
//! the rest as written; detail `host`. A bare domain (no scheme) needs `www.` or a common TLD, so
//! that "marie.dupont" or "Bonjour.Je" are not read as domains.

use super::email::is_known_tld;
use cairn_core::{Finding, FindingKind};
use linkify::{LinkFinder, LinkKind};

/// Rule id and version recorded on every URL finding.
pub const RULE: &str = "url@1";

/// A URL split into the parts the URL and handle finders use.
#[derive(Debug, Clone)]
pub struct UrlMatch {
    pub start: usize,
    pub end: usize,
    /// Lowercase scheme, `http` when none was written.
    pub scheme: String,
    /// Lowercase host, without user info and port.
    pub host: String,
    /// Everything after the host (port, path, query, fragment), as written.
    pub rest: String,
}

impl UrlMatch {
    /// `scheme://host` + rest.
    pub fn normalised(&self) -> String {
        format!("{}://{}{}", self.scheme, self.host, self.rest)
    }
}

/// All URLs and bare domains of `text`.
pub fn matches(text: &str) -> Vec<UrlMatch> {
    let mut lf = LinkFinder::new();
    lf.kinds(&[LinkKind::Url]);
    lf.url_must_have_scheme(false);
    let mut out = Vec::new();
    for link in lf.links(text) {
        let (start, end) = (link.start(), link.end());
        // Part of an e-mail address (`marie@example.fr`): the e-mail finder's job.
        if start > 0 && matches!(text.as_bytes()[start - 1], b'@' | b'.') {
            continue;
        }
        if let Some(m) = split(link.as_str(), start, end) {
            out.push(m);
        }
    }
    out
}

fn split(s: &str, start: usize, end: usize) -> Option<UrlMatch> {
    let (scheme, after, had_scheme) = match s.find("://") {
        Some(k)
            if k > 0
                && s[..k]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'+') =>
        {
            (s[..k].to_ascii_lowercase(), &s[k + 3..], true)
        }
        _ => ("http".to_owned(), s, false),
    };
    if !matches!(scheme.as_str(), "http" | "https" | "ftp" | "ws" | "wss") {
        return None;
    }
    let host_end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..host_end];
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        _ => (hostport, None),
    };
    let host = host.to_lowercase();
    if host.is_empty() {
        return None;
    }
    if !had_scheme {
        let tld = host.rsplit('.').next().unwrap_or("");
        if !(host.starts_with("www.") || is_known_tld(tld)) {
            return None;
        }
    }
    let mut rest = String::new();
    if let Some(p) = port {
        rest.push(':');
        rest.push_str(p);
    }
    rest.push_str(&after[host_end..]);
    Some(UrlMatch {
        start,
        end,
        scheme,
        host,
        rest,
    })
}

/// URL findings for `matches`.
pub fn findings(text: &str, ms: &[UrlMatch]) -> Vec<Finding> {
    ms.iter()
        .filter_map(|m| {
            Finding::from_span(FindingKind::Url, m.normalised(), text, m.start, m.end, RULE)
                .map(|f| f.with("host", m.host.clone()))
        })
        .collect()
}

/// Finds the URLs and bare domains of `text`.
pub fn find(text: &str) -> Vec<Finding> {
    findings(text, &matches(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &str) -> Vec<String> {
        find(t).into_iter().map(|f| f.value).collect()
    }

    #[test]
    fn urls_and_domains() {
        assert_eq!(
            values("voir HTTPS://WWW.Example.FR/Annonce?id=3."),
            vec!["https://www.example.fr/Annonce?id=3"]
        );
        assert_eq!(
            values("sur example.com ou www.site.ro"),
            vec!["http://example.com", "http://www.site.ro"]
        );
        assert_eq!(values("t.me/ana_x"), vec!["http://t.me/ana_x"]);
    }

    #[test]
    fn not_urls() {
        assert!(values("marie.dupont et Bonjour.Je suis").is_empty());
        assert!(values("mail marie@example.fr").is_empty());
        assert!(values("javascript:alert(1)").is_empty());
    }
}
