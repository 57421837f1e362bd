//! Links of an HTML page (anchors, frames, images, `<link>`), resolved against `<base href>`
//! or the page URL. Streaming (lol_html): the page is never held as a tree.

use std::cell::RefCell;

use lol_html::{HtmlRewriter, Settings, element};
use url::Url;

/// Links kept per page: a page with more is a trap or a dump; the rest are ignored.
pub const MAX_LINKS_PER_PAGE: usize = 10_000;

/// Extracts the links of `html`, resolved and deduplicated, in document order.
pub fn extract_links(html: &[u8], page: &Url) -> Vec<Url> {
    let base: RefCell<Option<Url>> = RefCell::new(None);
    let raw: RefCell<Vec<String>> = RefCell::new(Vec::new());
    let push = |v: Option<String>| {
        if let Some(v) = v {
            let mut r = raw.borrow_mut();
            if r.len() < MAX_LINKS_PER_PAGE {
                r.push(v);
            }
        }
    };
    {
        let settings = Settings::new()
            .with_strict(false)
            .append_element_content_handler(element!("base[href]", |el| {
                let mut b = base.borrow_mut();
                if b.is_none() {
                    *b = el.get_attribute("href").and_then(|h| page.join(&h).ok());
                }
                Ok(())
            }))
            .append_element_content_handler(element!("a[href], area[href], link[href]", |el| {
                push(el.get_attribute("href"));
                Ok(())
            }))
            .append_element_content_handler(element!("iframe[src], frame[src], img[src]", |el| {
                push(el.get_attribute("src"));
                Ok(())
            }));
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        // A malformed page still gives the links read before the fault.
        if rewriter.write(html).is_ok() {
            let _ = rewriter.end();
        }
    }
    let base = base.into_inner().unwrap_or_else(|| page.clone());
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for r in raw.into_inner() {
        let decoded = htmlize_entities(&r);
        if let Some(u) = crate::scope::parse_normalized(&decoded, Some(&base))
            && seen.insert(u.as_str().to_owned())
        {
            out.push(u);
        }
    }
    out
}

/// lol_html gives attribute values raw: undo the few entities that appear in URLs.
fn htmlize_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn links_resolved_against_base_and_deduplicated() {
        let page = Url::parse("http://site.test/dir/page.html").unwrap();
        let html = br#"<html><head><base href="/b/"><link rel=stylesheet href="s.css"></head>
            <body><a href="x.html#top">x</a><a href='x.html'>again</a>
            <a href="mailto:a@b.test">m</a><img src="../i.png"><a href="?a=1&amp;b=2">q</a>
            <iframe src="http://other.test/f"></iframe></body></html>"#;
        let links: Vec<String> = extract_links(html, &page)
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(
            links,
            [
                "http://site.test/b/s.css",
                "http://site.test/b/x.html",
                "http://site.test/i.png",
                "http://site.test/b/?a=1&b=2",
                "http://other.test/f",
            ]
        );
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let page = Url::parse("http://site.test/").unwrap();
            let links = extract_links(&body, &page);
            prop_assert!(links.len() <= MAX_LINKS_PER_PAGE);
        }
    }
}
