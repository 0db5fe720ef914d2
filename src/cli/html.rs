//! Link extraction from HTML with html5ever's spec-compliant tokenizer.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// A link found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    pub href: String,
    /// 1-based line of the tag.
    pub line: u64,
}

/// The links of a document and its `<base href>`, if any.
#[derive(Debug, Default)]
pub struct Document {
    pub base: Option<String>,
    pub links: Vec<FoundLink>,
}

#[derive(Default)]
struct Sink(RefCell<Document>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let href = || {
            tag.attrs
                .iter()
                .find(|a| &*a.name.local == "href")
                .map(|a| a.value.to_string())
        };
        let mut doc = self.0.borrow_mut();
        match &*tag.name {
            "a" | "area" => {
                if let Some(href) = href() {
                    doc.links.push(FoundLink { href, line });
                }
            }
            "base" if doc.base.is_none() => doc.base = href(),
            // Text-only elements: what looks like markup inside them is not.
            "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                return TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "textarea" | "title" => return TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => return TokenSinkResult::Plaintext,
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// The `<a href>` and `<area href>` links of `html`, in document order.
pub fn extract(html: &str) -> Document {
    let tokenizer = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_not_lookalike_text() {
        let doc = extract(
            "<!doctype html><base href='https://blog.example/'>\n<p><a href=\"/x\">x</a>\n\
             <A HREF='https://amazon.com/dp/B08N5WRWNW?a=1&amp;tag=me-20'>y</A>\n\
             <script>var s = '<a href=\"https://amazon.com/dp/B000000000\">';</script>\n\
             <!-- <a href='https://amazon.com/commented'> -->\n\
             <textarea><a href='https://amazon.com/in-textarea'></textarea>\n\
             <map><area href='https://amzn.to/abc'></map><a name=anchor>no href</a>",
        );
        assert_eq!(doc.base.as_deref(), Some("https://blog.example/"));
        let links: Vec<_> = doc
            .links
            .iter()
            .map(|l| (l.href.as_str(), l.line))
            .collect();
        assert_eq!(
            links,
            [
                ("/x", 2),
                ("https://amazon.com/dp/B08N5WRWNW?a=1&tag=me-20", 3),
                ("https://amzn.to/abc", 7)
            ]
        );
    }
}
