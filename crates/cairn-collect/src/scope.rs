//! URL normalisation (the deduplication key) and scope rules.

use url::Url;

/// Query and path parameters that carry session ids: stripped, so that one page is not crawled
/// once per session (a classic spider trap).
const SESSION_PARAMS: &[&str] = &[
    "jsessionid",
    "phpsessid",
    "sessionid",
    "session_id",
    "sid",
    "aspsessionid",
    "cfid",
    "cftoken",
    "zenid",
    "oscsid",
];

fn is_session_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SESSION_PARAMS.iter().any(|p| n == *p) || n.starts_with("aspsessionid")
}

/// The normal form of a URL: http(s) only, fragment dropped, session-id parameters (query and
/// `;jsessionid=` path parameters) stripped, empty query dropped. Scheme and host are lower case
/// and default ports removed by the `url` crate's parsing. `None` for other schemes.
pub fn normalize(mut url: Url) -> Option<Url> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    let path = url.path().to_owned();
    if let Some(pos) = path.to_ascii_lowercase().find(";jsessionid=") {
        let rest = &path[pos + 1..];
        let end = rest.find('/').map_or(path.len(), |e| pos + 1 + e);
        let cleaned = format!("{}{}", &path[..pos], &path[end..]);
        url.set_path(&cleaned);
    }
    if let Some(query) = url.query() {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|kv| !kv.is_empty() && !is_session_param(kv.split('=').next().unwrap_or("")))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            let q = kept.join("&");
            url.set_query(Some(&q));
        }
    }
    Some(url)
}

/// Parses and normalises `s`, relative to `base` when given.
pub fn parse_normalized(s: &str, base: Option<&Url>) -> Option<Url> {
    let s = s.trim();
    let url = match base {
        Some(b) => b.join(s).ok()?,
        None => Url::parse(s).ok()?,
    };
    normalize(url)
}

/// Which URLs the crawl may fetch.
///
/// Rules, one per line or comma-separated: `host=example.org` (that host), `host=*.example.org`
/// (the domain and its subdomains), `path=/ads/*` (paths matching the glob; `*` any run),
/// `!path=/logout*` and `!host=…` exclude. Without a `host=` rule, the seeds' hosts are in scope.
/// Without a `path=` rule, every path is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    hosts: Vec<String>,
    paths: Vec<String>,
    deny_hosts: Vec<String>,
    deny_paths: Vec<String>,
}

/// A rule that could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("scope rule {rule:?}: {reason}")]
pub struct ScopeError {
    pub rule: String,
    pub reason: &'static str,
}

impl Scope {
    /// Reads rules (see the type's documentation). Blank lines and `#` comments are skipped.
    pub fn parse(rules: &str) -> Result<Self, ScopeError> {
        let mut scope = Scope::default();
        for rule in rules.split(['\n', ',']) {
            let rule = rule.split('#').next().unwrap_or("").trim();
            if rule.is_empty() {
                continue;
            }
            let (deny, body) = match rule.strip_prefix('!') {
                Some(b) => (true, b.trim()),
                None => (false, rule),
            };
            let Some((kind, value)) = body.split_once('=') else {
                return Err(ScopeError {
                    rule: rule.to_owned(),
                    reason: "expected host=PATTERN or path=PATTERN",
                });
            };
            let value = value.trim();
            if value.is_empty() {
                return Err(ScopeError {
                    rule: rule.to_owned(),
                    reason: "empty pattern",
                });
            }
            match (kind.trim(), deny) {
                ("host", false) => scope.hosts.push(value.to_ascii_lowercase()),
                ("host", true) => scope.deny_hosts.push(value.to_ascii_lowercase()),
                ("path", false) => scope.paths.push(value.to_owned()),
                ("path", true) => scope.deny_paths.push(value.to_owned()),
                _ => {
                    return Err(ScopeError {
                        rule: rule.to_owned(),
                        reason: "kind must be host or path",
                    });
                }
            }
        }
        Ok(scope)
    }

    /// Adds the hosts of the seeds when no `host=` rule was given.
    pub fn with_seed_hosts<'a>(mut self, seeds: impl IntoIterator<Item = &'a Url>) -> Self {
        if self.hosts.is_empty() {
            for s in seeds {
                if let Some(h) = s.host_str() {
                    let h = h.to_ascii_lowercase();
                    if !self.hosts.contains(&h) {
                        self.hosts.push(h);
                    }
                }
            }
        }
        self
    }

    /// Whether `url` is in scope.
    pub fn allows(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        if !self.hosts.iter().any(|p| host_matches(p, &host))
            || self.deny_hosts.iter().any(|p| host_matches(p, &host))
        {
            return false;
        }
        let path = url.path();
        (self.paths.is_empty() || self.paths.iter().any(|p| glob(p, path)))
            && !self.deny_paths.iter().any(|p| glob(p, path))
    }
}

fn host_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(domain) => {
            host == domain
                || host
                    .strip_suffix(domain)
                    .is_some_and(|sub| sub.ends_with('.'))
        }
        None => host == pattern,
    }
}

/// Whole-string glob with `*` (robots matching, anchored at the end).
fn glob(pattern: &str, s: &str) -> bool {
    crate::robots::pattern_matches(&format!("{pattern}$"), s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> String {
        parse_normalized(s, None)
            .map(String::from)
            .unwrap_or_default()
    }

    #[test]
    fn normalisation_drops_fragments_sessions_and_default_ports() {
        assert_eq!(n("HTTP://Example.ORG:80/a#x"), "http://example.org/a");
        assert_eq!(
            n("http://e.org/a?PHPSESSID=abc&b=1&sid=2"),
            "http://e.org/a?b=1"
        );
        assert_eq!(n("http://e.org/a;jsessionid=XYZ?x=1"), "http://e.org/a?x=1");
        assert_eq!(n("http://e.org/a?"), "http://e.org/a");
        assert_eq!(n("mailto:someone@example.org"), "");
        assert_eq!(n("javascript:void(0)"), "");
    }

    #[test]
    fn scope_rules() {
        let seed = Url::parse("http://ads.example.org/").unwrap_or_else(|_| unreachable!());
        let s = Scope::parse("path=/ads/*, !path=/ads/logout*")
            .unwrap_or_default()
            .with_seed_hosts([&seed]);
        let u = |s: &str| Url::parse(s).unwrap_or_else(|_| unreachable!());
        assert!(s.allows(&u("http://ads.example.org/ads/1")));
        assert!(!s.allows(&u("http://ads.example.org/other")));
        assert!(!s.allows(&u("http://ads.example.org/ads/logout")));
        assert!(!s.allows(&u("http://evil.example.net/ads/1")));
        let d = Scope::parse("host=*.example.org").unwrap_or_default();
        assert!(d.allows(&u("http://a.b.example.org/")));
        assert!(d.allows(&u("http://example.org/")));
        assert!(!d.allows(&u("http://badexample.org/")));
        assert!(Scope::parse("nonsense").is_err());
        assert!(Scope::parse("colour=blue").is_err());
    }

    proptest! {
        #[test]
        fn normalisation_is_idempotent(
            host in "[a-z]{1,8}\\.(org|net)",
            path in "(/[a-zA-Z0-9;=%._-]{0,6}){0,4}",
            query in proptest::option::of("[a-z]{1,5}=[a-z0-9]{0,4}(&[a-zA-Z]{1,9}=[a-z0-9]{0,4}){0,3}"),
            frag in proptest::option::of("[a-z]{0,5}"),
        ) {
            let mut s = format!("http://{host}{path}");
            if let Some(q) = query { s.push('?'); s.push_str(&q); }
            if let Some(f) = frag { s.push('#'); s.push_str(&f); }
            if let Some(once) = parse_normalized(&s, None) {
                let twice = normalize(once.clone());
                prop_assert_eq!(Some(once.clone()), twice);
                prop_assert!(once.fragment().is_none());
                let q = once.query().unwrap_or("").to_ascii_lowercase();
                prop_assert!(!q.split('&').any(|kv| is_session_param(kv.split('=').next().unwrap_or(""))));
            }
        }
    }
}
