//! HTML and HTML-like templates: the `<a href>` and `<area href>` links a browser's DOM has.
//!
//! Two readers give the same links: [`extract`], a scanner that jumps from one `<` to the next
//! and follows the HTML standard's tokenizer states that decide where tags are (see `scan.rs`),
//! and [`extract_with_html5ever`], html5ever's spec-compliant tokenizer, kept as the reference
//! the scanner is tested against (`tests/html_scanner.rs`).
//!
//! The tokenizer is driven as the tree builder would drive it: text-only elements (`script`,
//! `style`, `title`, `textarea`, and `noscript` as a browser with scripting sees it) are read
//! as text outside SVG and MathML, and read as markup inside them (`<svg><style>`); a
//! `<template>`'s content is not in the document, so its links are not reported.

#[path = "html_scan.rs"]
mod scan;

use std::cell::{Cell, RefCell};
use std::ops::Range;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::{found, Document};

/// A tag of interest, as the tokenizer saw it.
struct Seen {
    name: &'static str,
    href: String,
    /// Where the tag starts at the earliest.
    start: usize,
    /// Just past the tag's `>` (how much the tokenizer had read when it emitted the tag).
    end: usize,
    is_base: bool,
}

/// How the text after a start tag is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Markup,
    /// `<script>`'s text.
    ScriptData,
    /// `<style>`, `<xmp>`, `<iframe>`, `<noembed>`, `<noframes>`, `<noscript>`.
    Rawtext,
    /// `<textarea>`, `<title>`.
    Rcdata,
    /// The rest of the page, after `<plaintext>`.
    Plaintext,
}

/// What the tree builder knows that decides how the tokenizer reads on.
#[derive(Default)]
struct Tree {
    /// Depth of `<svg>`/`<math>` elements around the current position.
    foreign: u32,
    /// Depth of SVG HTML integration points (`foreignObject`, `desc`, `title`) inside them.
    integration: u32,
    /// Depth of `<template>` elements.
    template: u32,
}

/// Which tags' `href` is read, and whether it is the document's base.
fn wanted(name: &str) -> Option<(&'static str, bool)> {
    match name {
        "a" => Some(("a", false)),
        "area" => Some(("area", false)),
        "base" => Some(("base", true)),
        _ => None,
    }
}

impl Tree {
    fn in_foreign_content(&self) -> bool {
        self.foreign > 0 && self.integration == 0
    }

    /// Whether a link in a start tag here is in the document (not in a template's content).
    fn in_document(&self) -> bool {
        self.template == 0
    }

    /// A start tag named `name` (lower case): how the text after it is read.
    fn start(&mut self, name: &str, self_closing: bool) -> Next {
        if self.in_foreign_content() {
            match name {
                "svg" | "math" if !self_closing => self.foreign += 1,
                "foreignobject" | "desc" | "title" if !self_closing => self.integration += 1,
                _ => {}
            }
            return Next::Markup;
        }
        match name {
            "svg" | "math" if !self_closing => self.foreign += 1,
            "template" => self.template += 1,
            // Text-only elements: what looks like markup inside them is not.
            "script" => return Next::ScriptData,
            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                return Next::Rawtext
            }
            "textarea" | "title" => return Next::Rcdata,
            "plaintext" => return Next::Plaintext,
            _ => {}
        }
        Next::Markup
    }

    fn end(&mut self, name: &str) {
        let dec = |n: &mut u32| *n = n.saturating_sub(1);
        match name {
            "svg" | "math" => {
                dec(&mut self.foreign);
                if self.foreign == 0 {
                    self.integration = 0;
                }
            }
            "foreignobject" | "desc" | "title" if self.foreign > 0 => dec(&mut self.integration),
            "template" if !self.in_foreign_content() => dec(&mut self.template),
            _ => {}
        }
    }
}

#[derive(Default)]
struct State {
    seen: Vec<Seen>,
    tree: Tree,
}

/// html5ever's side: the tags of interest, and how many bytes the tokenizer had been given
/// when it emitted each token (so where a tag ends, as it is fed one character at a time, and
/// where it starts at the earliest).
#[derive(Default)]
struct Sink {
    state: RefCell<State>,
    /// The byte range of the character being read.
    fed: Cell<(usize, usize)>,
    /// Where the character being read when the last token was emitted starts.
    emitted: Cell<usize>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        // What was read before the last token was emitted is not in a tag emitted later
        // (but the `<` that ended a character reference may be).
        let after = self.emitted.get();
        if !matches!(token, Token::ParseError(_)) {
            self.emitted.set(self.fed.get().0);
        }
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        let mut state = self.state.borrow_mut();
        if tag.kind == TagKind::EndTag {
            state.tree.end(&tag.name);
            return TokenSinkResult::Continue;
        }
        if let (Some((name, is_base)), true) = (wanted(&tag.name), state.tree.in_document()) {
            let href = tag.attrs.iter().find(|a| &*a.name.local == "href");
            if let Some(href) = href {
                state.seen.push(Seen {
                    name,
                    href: href.value.to_string(),
                    start: after,
                    end: self.fed.get().1,
                    is_base,
                });
            }
        }
        match state.tree.start(&tag.name, tag.self_closing) {
            Next::Markup => TokenSinkResult::Continue,
            Next::ScriptData => TokenSinkResult::RawData(RawKind::ScriptData),
            Next::Rawtext => TokenSinkResult::RawData(RawKind::Rawtext),
            Next::Rcdata => TokenSinkResult::RawData(RawKind::Rcdata),
            Next::Plaintext => TokenSinkResult::Plaintext,
        }
    }

    // CDATA sections are text inside SVG and MathML, and comments elsewhere.
    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.state.borrow().tree.in_foreign_content()
    }
}

/// The links of an HTML source, in document order, and its `<base href>`.
pub fn extract(html: &str) -> Document {
    scan::extract(html)
}

/// [`extract`] through html5ever's tokenizer: the reference the scanner is tested against
/// (slow: the tokenizer is given one character at a time, so that where each tag ends is
/// known; the URL's byte range is then found in that tag).
pub fn extract_with_html5ever(html: &str) -> Document {
    let tokenizer = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    for (at, c) in html.char_indices() {
        tokenizer.sink.fed.set((at, at + c.len_utf8()));
        input.push_back(StrTendril::from_char(c));
        let _ = tokenizer.feed(&input);
    }
    tokenizer.end();
    let seen = tokenizer.sink.state.into_inner().seen;
    let mut doc = Document::default();
    let mut cursor = 0;
    for tag in seen {
        // Not found as written (never, as tested): the tag's end.
        let span = locate(html, cursor, &tag).unwrap_or(tag.end..tag.end);
        cursor = tag.end;
        if tag.is_base {
            doc.base.get_or_insert(tag.href);
        } else {
            doc.links.push(found(tag.href, span));
        }
    }
    doc
}

/// The byte range of the `href` value of the first `<name …>` tag from where the tag can start
/// that ends where the tokenizer's tag ended and whose value reads as the tokenizer read it.
fn locate(html: &str, cursor: usize, tag: &Seen) -> Option<Range<usize>> {
    let bytes = html.as_bytes();
    let mut at = cursor.max(tag.start);
    while let Some(open) = html.get(at..tag.end).and_then(|s| s.find('<')) {
        let open = at + open;
        at = open + 1;
        let name_end = open + 1 + tag.name.len();
        let Some(name) = html.get(open + 1..name_end) else {
            continue;
        };
        let boundary = bytes.get(name_end).copied();
        if !name.eq_ignore_ascii_case(tag.name)
            || !matches!(boundary, Some(b) if b.is_ascii_whitespace() || b == b'/' || b == b'>')
        {
            continue;
        }
        let (href, end) = attribute(html, name_end, "href");
        let Some(span) = href.filter(|_| end == tag.end) else {
            continue;
        };
        let raw = &html[span.clone()];
        // Numeric references (which the tokenizer maps beyond what `decode_refs` does) are
        // not compared; CR and NUL are read as the tokenizer reads them.
        let value = decode_refs(raw).filter(|_| !raw.contains("&#")).map(|v| {
            v.replace("\r\n", "\n")
                .replace('\r', "\n")
                .replace('\0', "\u{FFFD}")
        });
        if value.is_none_or(|v| v == tag.href) {
            return Some(span);
        }
    }
    None
}

/// Reads a tag's attributes from `at` (just past its name): the byte range of the value of the
/// first attribute named `want` (ASCII case-insensitive), and the offset just past the tag.
pub(crate) fn attribute(html: &str, mut at: usize, want: &str) -> (Option<Range<usize>>, usize) {
    let b = html.as_bytes();
    let mut href = None;
    let skip_ws = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    loop {
        while at < b.len() && (b[at].is_ascii_whitespace() || b[at] == b'/') {
            at += 1;
        }
        if at >= b.len() {
            return (href, b.len());
        }
        if b[at] == b'>' {
            return (href, at + 1);
        }
        let name_start = at;
        at += 1; // a name may start with '='
        while at < b.len() && !b[at].is_ascii_whitespace() && !matches!(b[at], b'/' | b'>' | b'=') {
            at += 1;
        }
        let is_href = html[name_start..at].eq_ignore_ascii_case(want);
        let after = skip_ws(at);
        let value = if b.get(after) == Some(&b'=') {
            let v = skip_ws(after + 1);
            match b.get(v) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = html[v + 1..].find(q as char).map_or(b.len(), |e| v + 1 + e);
                    at = (end + 1).min(b.len());
                    v + 1..end
                }
                _ => {
                    let mut end = v;
                    while end < b.len() && !b[end].is_ascii_whitespace() && b[end] != b'>' {
                        end += 1;
                    }
                    at = end;
                    v..end
                }
            }
        } else {
            at..at
        };
        if is_href && href.is_none() {
            href = Some(value);
        }
    }
}

/// `raw` with the common character references decoded; `None` when it holds others (then it
/// is not compared).
pub(crate) fn decode_refs(raw: &str) -> Option<String> {
    if !raw.contains('&') {
        return Some(raw.to_owned());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let semi = after.find(';')?;
        let name = &after[..semi];
        let c = match name {
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            "lt" => '<',
            "gt" => '>',
            _ => {
                let n = name.strip_prefix('#')?;
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                };
                char::from_u32(code?)?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::{extract as extract_any, SourceFormat};
    use super::*;

    fn links(html: &str) -> Vec<(String, usize, usize, String)> {
        extract_any(SourceFormat::Html, html)
            .links
            .into_iter()
            .map(|l| (l.url, l.line, l.column, html[l.span].to_owned()))
            .collect()
    }

    #[test]
    fn a_long_page_reads_whole() {
        // Tags, attribute values and multi-byte characters all along.
        let mut html = String::new();
        let mut expected = Vec::new();
        for i in 0..4000 {
            html.push_str(&"é".repeat(i % 7));
            html.push_str(&format!(
                "<p>x <a class=c{i}\n href=\"https://a.example/{i}?a=1&amp;b\">é</a>\n"
            ));
            expected.push(format!("https://a.example/{i}?a=1&b"));
        }
        assert!(html.len() > 200 << 10);
        let found = links(&html);
        let urls: Vec<&String> = found.iter().map(|l| &l.0).collect();
        assert_eq!(urls, expected.iter().collect::<Vec<_>>());
        for (url, line, _, raw) in &found {
            assert_eq!(raw.replace("&amp;", "&"), *url);
            let i: usize = url[18..url.find('?').unwrap()].parse().unwrap();
            assert_eq!(*line, 2 * i + 2);
        }
    }

    #[test]
    fn finds_links_not_lookalike_text() {
        let page = "<!doctype html><base href='https://blog.example/'>\n<p><a href=\"/x\">x</a>\n\
             <A HREF='https://amazon.com/dp/B08N5WRWNW?a=1&amp;tag=me-20'>y</A>\n\
             <script>var s = '<a href=\"https://amazon.com/dp/B000000000\">';</script>\n\
             <!-- <a href='https://amazon.com/commented'> --> <a href=https://a.co/z>z</a>\n\
             <textarea><a href='https://amazon.com/in-textarea'></textarea>\n\
             <map><area\n  href='https://amzn.to/abc'></map><a name=anchor>no href</a>";
        assert_eq!(extract(page).base.as_deref(), Some("https://blog.example/"));
        let expected = [
            ("/x", 2, 13, "/x"),
            (
                "https://amazon.com/dp/B08N5WRWNW?a=1&tag=me-20",
                3,
                10,
                "https://amazon.com/dp/B08N5WRWNW?a=1&amp;tag=me-20",
            ),
            ("https://a.co/z", 5, 58, "https://a.co/z"),
            ("https://amzn.to/abc", 8, 9, "https://amzn.to/abc"),
        ];
        let got = links(page);
        let got: Vec<_> = got
            .iter()
            .map(|(u, l, c, raw)| (u.as_str(), *l, *c, raw.as_str()))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn the_dom_not_the_text() {
        let page = "<svg><style><a href='https://amazon.com/dp/B000000001'></a></style>\
            <title><a href='https://amazon.com/dp/B000000002'>t</a></title></svg>\
            <noscript><a href='https://amazon.com/dp/B000000003'>n</a></noscript>\
            <template><a href='https://amazon.com/dp/B000000004'>t</a></template>\
            <title><a href='https://amazon.com/dp/B000000005'></title>\
            <svg><![CDATA[<a href='https://amazon.com/dp/B000000006'>]]></svg>\
            <a href='https://amazon.com/dp/B000000007'>after</a>";
        let urls: Vec<_> = links(page).into_iter().map(|l| l.0).collect();
        assert_eq!(
            urls,
            [
                "https://amazon.com/dp/B000000001",
                "https://amazon.com/dp/B000000002",
                "https://amazon.com/dp/B000000007"
            ]
        );
    }

    #[test]
    fn character_references() {
        assert_eq!(decode_refs("a&amp;b&#x3D;&#61;").as_deref(), Some("a&b=="));
        assert_eq!(decode_refs("a&copy;b"), None);
    }
}
