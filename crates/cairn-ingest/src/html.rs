//! HTML to visible text, with lol_html (a streaming tokenizer built for hostile input: no DOM,
//! no recursion, memory bounded by the largest single tag, so deep nesting costs nothing).
//!
//! Kept: text of the document (title included), `alt` of images and image inputs, `title`
//! attributes, and link targets that are absolute (`http(s)://`, `//`, `www.`, `mailto:`, `tel:`,
//! `sms:`, messenger schemes) written after the anchor text when they differ from it, so that URL,
//! e-mail and phone extraction find them. Dropped: script, style, noscript and other raw-text
//! elements, template content, comments, relative links. Block elements become line breaks,
//! entities are decoded, runs of white space collapse to one space (or one line break).

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::{Element, TextType};
use lol_html::{HtmlRewriter, Settings, doc_text, element, end_tag};

use crate::charset::{self, CharsetSource};

/// Text extracted from an HTML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlText {
    pub text: String,
    /// `<html lang>` reduced to its ISO 639-1 primary subtag (`fr-BE` → `fr`), when valid.
    pub lang: Option<String>,
    /// WHATWG name of the encoding used to decode the bytes.
    pub charset: &'static str,
    pub charset_source: CharsetSource,
    /// False when the parser stopped early (the text holds what came before).
    pub complete: bool,
}

/// Extracts the visible text of an HTML document. `declared_charset` is the transport's charset
/// label (HTTP header) if any; see [`crate::charset`] for the detection order.
pub fn html_to_text(html: &[u8], declared_charset: Option<&str>) -> HtmlText {
    html_to_text_with_hint(html, declared_charset, None)
}

/// Like [`html_to_text`], with a top-level domain (`fr`, `de`) to help charset detection.
pub fn html_to_text_with_hint(
    html: &[u8],
    declared_charset: Option<&str>,
    tld: Option<&str>,
) -> HtmlText {
    let decoded = charset::decode(html, declared_charset, true, tld);
    let (text, lang, complete) = extract(&decoded.text);
    HtmlText {
        text,
        lang,
        charset: decoded.encoding,
        charset_source: decoded.source,
        complete,
    }
}

/// ISO 639-1 primary subtag of a language tag (`pt-BR` → `pt`), if it is two ASCII letters.
pub(crate) fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.trim();
    (primary.len() == 2 && primary.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| primary.to_ascii_lowercase())
}

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "option",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "title",
    "tr",
    "ul",
];

/// Schemes of link targets worth keeping in the text.
const KEPT_SCHEMES: &[&str] = &[
    "http://",
    "https://",
    "//",
    "www.",
    "mailto:",
    "tel:",
    "sms:",
    "whatsapp:",
    "tg:",
    "skype:",
    "viber:",
    "signal:",
];

fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Collapses white space while text is appended.
#[derive(Default)]
struct Sink {
    out: String,
    space: bool,
    newline: bool,
}

impl Sink {
    fn push_text(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if is_ascii_space(b) {
                self.mark_space();
                i += 1;
            } else if b < 0x80 {
                // Fast path: a run of ASCII non-space bytes is copied at once.
                let start = i;
                while i < bytes.len() && bytes[i] < 0x80 && !is_ascii_space(bytes[i]) {
                    i += 1;
                }
                self.push_word(&s[start..i]);
            } else {
                let c = s[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                let len = c.len_utf8();
                if c.is_whitespace() {
                    self.mark_space();
                } else {
                    self.push_word(&s[i..i + len]);
                }
                i += len;
            }
        }
    }

    fn mark_space(&mut self) {
        if !self.out.is_empty() {
            self.space = true;
        }
    }

    /// Appends non-space text, after the pending separator.
    fn push_word(&mut self, w: &str) {
        if self.newline {
            self.out.push('\n');
        } else if self.space {
            self.out.push(' ');
        }
        self.newline = false;
        self.space = false;
        self.out.push_str(w);
    }

    fn push_break(&mut self) {
        if !self.out.is_empty() {
            self.newline = true;
        }
    }

    fn push_space(&mut self) {
        if !self.out.is_empty() {
            self.space = true;
        }
    }
}

struct Anchor {
    href: String,
    start: usize,
}

#[derive(Default)]
struct State {
    sink: Sink,
    lang: Option<String>,
    /// Depth of open `<template>` elements: their content is not rendered.
    template_depth: usize,
    anchors: Vec<Anchor>,
    /// Raw text of the current text node, decoded when the node ends (entities may span chunks).
    raw: String,
}

impl State {
    fn visible(&self) -> bool {
        self.template_depth == 0
    }

    fn flush_raw(&mut self) {
        if self.raw.is_empty() {
            return;
        }
        let raw = std::mem::take(&mut self.raw);
        if self.visible() {
            self.sink.push_text(&htmlize::unescape(raw.as_str()));
        }
    }

    fn push_raw(&mut self, chunk: &str, last: bool) {
        self.raw.push_str(chunk);
        if last {
            self.flush_raw();
        } else if self.raw.len() > 64 * 1024 {
            // Bound the buffer on huge text nodes; never cut inside a possible entity (they
            // are shorter than 64 bytes) nor inside a character.
            let mut tail = self.raw.len() - 64;
            while !self.raw.is_char_boundary(tail) {
                tail -= 1;
            }
            let cut = match self.raw[tail..].rfind('&') {
                Some(i) => tail + i,
                None => self.raw.len(),
            };
            let rest = self.raw.split_off(cut);
            self.flush_raw();
            self.raw = rest;
        }
    }

    fn close_anchor(&mut self, a: Anchor) {
        let text = self.sink.out.get(a.start..).unwrap_or("");
        if self.visible() && keep_href(&a.href) && !same_target(text, &a.href) {
            self.sink.push_space();
            self.sink.push_text(&a.href);
            self.sink.push_space();
        }
    }
}

fn keep_href(href: &str) -> bool {
    let lower = href.get(..12).unwrap_or(href).to_ascii_lowercase();
    KEPT_SCHEMES.iter().any(|s| lower.starts_with(s))
}

/// True when the anchor text already shows the link target (ignoring scheme, `www.`, a final
/// slash and case).
fn same_target(text: &str, href: &str) -> bool {
    fn norm(s: &str) -> String {
        let mut s = s.trim().to_lowercase();
        for p in ["https://", "http://", "//", "mailto:", "tel:", "sms:"] {
            if let Some(rest) = s.strip_prefix(p) {
                s = rest.to_owned();
                break;
            }
        }
        let s = s.strip_prefix("www.").unwrap_or(&s);
        s.trim_end_matches('/').to_owned()
    }
    let (t, h) = (norm(text), norm(href));
    !h.is_empty() && t.contains(&h)
}

fn attr(el: &Element, name: &str) -> Option<String> {
    el.get_attribute(name)
        .map(|v| htmlize::unescape_attribute(v).trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Runs the tokenizer over UTF-8 HTML. Returns (text, lang, complete).
fn extract(html: &str) -> (String, Option<String>, bool) {
    let state = Rc::new(RefCell::new(State::default()));
    let on_text = Rc::clone(&state);
    let on_elem = Rc::clone(&state);
    let settings = Settings::new()
        // Non-strict: never bail out on markup that is ambiguous for a streaming parser.
        .with_strict(false)
        .append_document_content_handler(doc_text!(move |t| {
            let mut st = on_text.borrow_mut();
            match t.text_type() {
                TextType::Data | TextType::RCData => st.push_raw(t.as_str(), t.last_in_text_node()),
                TextType::PlainText | TextType::CDataSection => {
                    st.flush_raw();
                    if st.visible() {
                        st.sink.push_text(t.as_str());
                    }
                }
                TextType::ScriptData | TextType::RawText => {}
            }
            Ok(())
        }))
        .append_element_content_handler(element!("*", move |el| {
            on_element(&on_elem, el);
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    let mut complete = true;
    if let Err(e) = rewriter.write(html.as_bytes()) {
        tracing::debug!(error = %e, "HTML tokenizer stopped early");
        complete = false;
    } else if let Err(e) = rewriter.end() {
        tracing::debug!(error = %e, "HTML tokenizer stopped early");
        complete = false;
    }
    let mut st = state.borrow_mut();
    st.flush_raw();
    while let Some(a) = st.anchors.pop() {
        st.close_anchor(a);
    }
    let lang = st.lang.take();
    (std::mem::take(&mut st.sink.out), lang, complete)
}

fn on_element(state: &Rc<RefCell<State>>, el: &mut Element) {
    let tag = el.tag_name();
    let mut st = state.borrow_mut();
    st.flush_raw();
    let has_end = el.can_have_content() && !el.is_self_closing();
    match tag.as_str() {
        "html" if st.lang.is_none() => {
            st.lang = attr(el, "lang").and_then(|l| primary_language(&l));
        }
        "template" => {
            st.template_depth += 1;
            if has_end {
                let s = Rc::clone(state);
                let _ = el.on_end_tag(end_tag!(move |_| {
                    let mut st = s.borrow_mut();
                    st.flush_raw();
                    st.template_depth = st.template_depth.saturating_sub(1);
                    Ok(())
                }));
            } else {
                st.template_depth -= 1;
            }
        }
        "a" => {
            // An open anchor is implicitly closed by a new one (end handlers do not run then).
            while let Some(a) = st.anchors.pop() {
                st.close_anchor(a);
            }
            if let Some(href) = attr(el, "href")
                && has_end
            {
                let start = st.sink.out.len();
                st.anchors.push(Anchor { href, start });
                let s = Rc::clone(state);
                let _ = el.on_end_tag(end_tag!(move |_| {
                    let mut st = s.borrow_mut();
                    st.flush_raw();
                    if let Some(a) = st.anchors.pop() {
                        st.close_anchor(a);
                    }
                    Ok(())
                }));
            }
        }
        "br" => st.sink.push_break(),
        "td" | "th" => st.sink.push_space(),
        _ => {}
    }
    if !st.visible() {
        return;
    }
    let is_image_input = tag == "input"
        && el
            .get_attribute("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("image"));
    let alt = if matches!(tag.as_str(), "img" | "area") || is_image_input {
        attr(el, "alt")
    } else {
        None
    };
    let title = attr(el, "title").filter(|t| Some(t) != alt.as_ref());
    let block = BLOCKS.contains(&tag.as_str());
    if block {
        st.sink.push_break();
    }
    for extra in [alt, title].into_iter().flatten() {
        st.sink.push_space();
        st.sink.push_text(&extra);
        st.sink.push_space();
    }
    if block && has_end {
        let s = Rc::clone(state);
        let _ = el.on_end_tag(end_tag!(move |_| {
            let mut st = s.borrow_mut();
            st.flush_raw();
            st.sink.push_break();
            Ok(())
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(html: &str) -> String {
        html_to_text(html.as_bytes(), Some("utf-8")).text
    }

    #[test]
    fn drops_script_style_noscript_template_and_comments() {
        let t = text(
            "<html><head><title>Ad 12</title><style>p{color:red}</style>\
             <script>var phone='0612345678';</script></head><body><!-- hidden -->\
             <noscript>enable js</noscript><template><p>tpl</p></template><p>Visible</p></body></html>",
        );
        assert_eq!(t, "Ad 12\nVisible");
    }

    #[test]
    fn blocks_breaks_entities_and_whitespace() {
        let t = text(
            "<div>  Hello&nbsp;&amp;   welcome</div><p>line<br>two &euro; 30 &#x1F339;</p><span>a</span> <span>b</span>",
        );
        assert_eq!(t, "Hello & welcome\nline\ntwo € 30 🌹\na b");
    }

    #[test]
    fn alt_title_and_links() {
        let t = text(
            "<p><img src=x.jpg alt='Call Lina'> <a href='https://example.org/profile/lina'>my page</a> \
             <a href='https://example.org/x'>https://example.org/x</a> <a href='/relative'>rel</a> \
             <a href='tel:+33612345678' title='phone'>call</a> <a href=mailto:lina@example.org>mail</a></p>",
        );
        assert_eq!(
            t,
            "Call Lina my page https://example.org/profile/lina https://example.org/x rel \
             phone call tel:+33612345678 mail mailto:lina@example.org"
        );
    }

    #[test]
    fn unclosed_anchor_still_writes_target() {
        let t = text("<a href='http://a.example'>one<a href='http://b.example'>two");
        assert_eq!(t, "one http://a.example two http://b.example");
    }

    #[test]
    fn lang_and_charset() {
        let h = html_to_text(
            b"<html lang='fr-BE'><meta charset='windows-1252'><p>\xe9t\xe9</p>",
            None,
        );
        assert_eq!(h.lang.as_deref(), Some("fr"));
        assert_eq!(h.text, "été");
        assert_eq!(h.charset, "windows-1252");
        assert!(h.complete);
        assert_eq!(primary_language("x-klingon"), None);
        assert_eq!(primary_language("NL"), Some("nl".into()));
    }

    #[test]
    fn deep_nesting_and_huge_input() {
        let depth = 200_000;
        let html = format!(
            "{}deep{}",
            "<div><span>".repeat(depth),
            "</span></div>".repeat(depth)
        );
        let h = html_to_text(html.as_bytes(), None);
        assert_eq!(h.text, "deep");
        let unclosed = format!("{}x", "<b><i><u>".repeat(depth));
        assert_eq!(text(&unclosed), "x");
        let huge = format!("<p>{}</p>", "word ".repeat(2_000_000));
        assert_eq!(text(&huge).len(), "word ".len() * 2_000_000 - 1);
    }

    #[test]
    fn entity_split_across_huge_text_node() {
        let mut s = "a".repeat(70_000);
        s.push_str("&amp;b");
        assert!(text(&s).ends_with("a&b"));
        // Multi-byte characters around the flush point of the text buffer.
        for pad in 0..4 {
            let s = format!("{}{}&eacute;", "a".repeat(pad), "é€🌹".repeat(10_000));
            let t = text(&s);
            assert!(
                t.ends_with("🌹é") && t.chars().count() == pad + 30_001,
                "{pad}"
            );
        }
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..4000)) {
            let _ = html_to_text(&data, None);
        }

        #[test]
        fn never_panics_on_tag_soup(parts in proptest::collection::vec(
            prop::sample::select(vec!["<a href='http://x'>", "</a>", "<p>", "</p>", "<script>",
                "</script>", "<template>", "</template>", "&amp", "&#", "<!--", "-->", "<br/>",
                "<img alt=&quot;x>", "text ", "<svg><![CDATA[x]]></svg>", "<plaintext>", "<html lang=de>",
                "<select><style>", "<noscript>", "\u{0}", "é"]), 0..60)) {
            let html = parts.concat();
            let h = html_to_text(html.as_bytes(), Some("utf-8"));
            prop_assert!(!h.text.starts_with(char::is_whitespace));
            prop_assert!(!h.text.ends_with(char::is_whitespace));
        }
    }
}
