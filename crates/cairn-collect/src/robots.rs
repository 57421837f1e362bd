//! robots.txt (RFC 9309): groups by user agent, `allow`/`disallow` with `*` and `$`, the longest
//! matching rule wins and `allow` wins a tie; `crawl-delay` (not in the RFC, widely used) is
//! kept. A small own parser: the crates on offer pull old dependency trees.

/// Bytes of a robots.txt that are read (RFC 9309 asks for at least 500 KiB).
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;

/// Rules of one robots.txt for one user agent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Robots {
    /// `(allow, pattern)`.
    rules: Vec<(bool, String)>,
    /// Seconds, when the group gives one.
    pub crawl_delay: Option<f64>,
    disallow_all: bool,
}

impl Robots {
    /// Everything allowed (robots.txt missing: HTTP 4xx).
    pub fn allow_all() -> Self {
        Robots::default()
    }

    /// Everything disallowed (robots.txt unreachable: 5xx or network error, RFC 9309 §2.3.1.4).
    pub fn disallow_all() -> Self {
        Robots {
            disallow_all: true,
            ..Robots::default()
        }
    }

    /// Parses `body` for the product token `agent` (e.g. `cairn`), case-insensitive. Groups
    /// naming the agent are merged; without one, the `*` groups apply.
    pub fn parse(body: &[u8], agent: &str) -> Self {
        let body = &body[..body.len().min(MAX_ROBOTS_BYTES)];
        let text = String::from_utf8_lossy(body);
        let agent = agent.to_ascii_lowercase();
        let mut specific = Robots::default();
        let mut generic = Robots::default();
        let mut found_specific = false;
        // State of the group being read: which agents it names, and whether the previous line
        // was a user-agent line (consecutive ones form one group).
        let mut group_specific = false;
        let mut group_generic = false;
        let mut in_agents = false;
        for raw in text.lines() {
            let line = raw.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if !in_agents {
                        group_specific = false;
                        group_generic = false;
                    }
                    in_agents = true;
                    let ua = value.to_ascii_lowercase();
                    if ua == "*" {
                        group_generic = true;
                    } else if let Some(token) = ua.split('/').next().filter(|t| !t.is_empty())
                        && agent.starts_with(token)
                    {
                        group_specific = true;
                        found_specific = true;
                    }
                }
                "allow" | "disallow" | "crawl-delay" => {
                    in_agents = false;
                    for (wanted, target) in [
                        (group_specific, &mut specific),
                        (group_generic, &mut generic),
                    ] {
                        if !wanted {
                            continue;
                        }
                        if key == "crawl-delay" {
                            if let Ok(d) = value.parse::<f64>()
                                && d.is_finite()
                                && d >= 0.0
                            {
                                target.crawl_delay = Some(d);
                            }
                        } else if !value.is_empty() {
                            target.rules.push((key == "allow", value.to_owned()));
                        }
                    }
                }
                // Sitemap and unknown keys do not end a group's agent list in practice.
                _ => {}
            }
        }
        if found_specific { specific } else { generic }
    }

    /// Whether `path_and_query` (starting with `/`) may be fetched.
    pub fn allowed(&self, path_and_query: &str) -> bool {
        if path_and_query == "/robots.txt" {
            return true;
        }
        if self.disallow_all {
            return false;
        }
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if pattern_matches(pattern, path_and_query) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// Whether a robots pattern (`*` any run, `$` at the end anchors) matches the start of `path`.
pub fn pattern_matches(pattern: &str, path: &str) -> bool {
    let (pat, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p.as_bytes(), true),
        None => (pattern.as_bytes(), false),
    };
    let s = path.as_bytes();
    // Iterative wildcard match with backtracking to the last `*` (linear in practice, never
    // exponential).
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p == pat.len() {
            if !anchored || i == s.len() {
                return true;
            }
        } else if pat[p] == b'*' {
            star = Some((p, i));
            p += 1;
            continue;
        } else if i < s.len() && pat[p] == s[i] {
            p += 1;
            i += 1;
            continue;
        }
        match star {
            Some((sp, si)) if si < s.len() => {
                star = Some((sp, si + 1));
                p = sp + 1;
                i = si + 1;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SAMPLE: &str = "\
# comment
User-agent: *
Disallow: /private/
Allow: /private/open
Disallow: /*.pdf$
Crawl-delay: 2

User-agent: OtherBot
User-agent: cairn
Disallow: /nocairn
Allow: /
";

    #[test]
    fn specific_group_wins_over_star() {
        let r = Robots::parse(SAMPLE.as_bytes(), "cairn-collect/0.1");
        assert!(!r.allowed("/nocairn/x"));
        assert!(r.allowed("/private/x"));
        assert_eq!(r.crawl_delay, None);
    }

    #[test]
    fn star_group_longest_match_and_anchor() {
        let r = Robots::parse(SAMPLE.as_bytes(), "someone");
        assert!(!r.allowed("/private/x"));
        assert!(r.allowed("/private/open/1"));
        assert!(!r.allowed("/doc/a.pdf"));
        assert!(r.allowed("/doc/a.pdf?x=1"));
        assert!(r.allowed("/"));
        assert_eq!(r.crawl_delay, Some(2.0));
    }

    #[test]
    fn tie_goes_to_allow_and_robots_txt_is_always_allowed() {
        let r = Robots::parse(b"User-agent: *\nDisallow: /a\nAllow: /a\nDisallow: /", "x");
        assert!(r.allowed("/a"));
        assert!(!r.allowed("/b"));
        assert!(r.allowed("/robots.txt"));
        assert!(!Robots::disallow_all().allowed("/"));
        assert!(Robots::allow_all().allowed("/anything"));
    }

    #[test]
    fn empty_disallow_allows_everything() {
        let r = Robots::parse(b"User-agent: *\nDisallow:\n", "x");
        assert!(r.allowed("/x"));
    }

    /// Reference: a regex built from the pattern.
    fn regex_reference(pattern: &str, path: &str) -> bool {
        let (body, anchored) = match pattern.strip_suffix('$') {
            Some(p) => (p, true),
            None => (pattern, false),
        };
        // Dynamic programming over (pattern index, path index), prefix match unless anchored.
        let p: Vec<u8> = body.bytes().collect();
        let s: Vec<u8> = path.bytes().collect();
        let mut dp = vec![vec![false; s.len() + 1]; p.len() + 1];
        dp[0][0] = true;
        for i in 1..=p.len() {
            for j in 0..=s.len() {
                dp[i][j] = if p[i - 1] == b'*' {
                    dp[i - 1][j] || (j > 0 && dp[i][j - 1])
                } else {
                    j > 0 && p[i - 1] == s[j - 1] && dp[i - 1][j - 1]
                };
            }
        }
        if anchored {
            dp[p.len()][s.len()]
        } else {
            dp[p.len()].iter().any(|&m| m)
        }
    }

    proptest! {
        #[test]
        fn matcher_agrees_with_reference(
            pattern in "[/ab*]{0,8}\\$?",
            path in "[/ab]{0,12}",
        ) {
            prop_assert_eq!(pattern_matches(&pattern, &path), regex_reference(&pattern, &path));
        }

        #[test]
        fn parse_never_panics(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let r = Robots::parse(&body, "cairn");
            let _ = r.allowed("/x");
        }
    }
}
