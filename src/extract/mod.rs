//! Links in a publisher's sources: one extractor per source format (HTML and HTML-like
//! templates, Markdown, feeds and sitemaps, plain text) behind one entry point, [`extract`].
//! Every link carries where it was written: line, column and the byte range of the URL.
//!
//! Pure and host-independent like the rest of the core (no I/O): callers read the bytes and
//! [`decode`] them as a browser would. Built with the `extract` feature.
//!
//! ```
//! use linkscope::extract::{extract, SourceFormat};
//! let doc = extract(SourceFormat::Markdown, "See [the kettle](https://www.amazon.com/dp/B08N5WRWNW).\n");
//! let link = &doc.links[0];
//! assert_eq!(link.url, "https://www.amazon.com/dp/B08N5WRWNW");
//! assert_eq!((link.line, link.column), (1, 18));
//! assert_eq!(&"See [the kettle](https://www.amazon.com/dp/B08N5WRWNW).\n"[link.span.clone()], link.url);
//! ```

mod decode;
pub mod html;
pub mod markdown;
pub mod text;
pub mod xml;

use std::ops::Range;

use serde::Serialize;

pub use decode::{decode, decode_as, DecodeError, Decoded};

/// The kinds of source Linkscope reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceFormat {
    /// HTML and HTML-like templates (Liquid, Nunjucks, Handlebars, PHP, ERB).
    Html,
    /// CommonMark with GitHub's extensions, MDX, and front matter.
    Markdown,
    /// RSS, Atom, sitemaps and WordPress exports (WXR).
    Xml,
    /// Plain text: URLs found in it.
    Text,
}

impl SourceFormat {
    pub const ALL: [SourceFormat; 4] = [
        SourceFormat::Html,
        SourceFormat::Markdown,
        SourceFormat::Xml,
        SourceFormat::Text,
    ];

    /// The file name extensions (lower case, without the dot) read as this format.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            SourceFormat::Html => &["html", "htm", "xhtml", "liquid", "njk", "hbs", "php", "erb"],
            SourceFormat::Markdown => &["md", "markdown", "mdown", "mkd", "mdx"],
            SourceFormat::Xml => &["xml", "rss", "atom"],
            SourceFormat::Text => &["txt"],
        }
    }

    /// The format of a file, from its name's extension (any case); `None` for other files.
    pub fn of_file_name(name: &str) -> Option<SourceFormat> {
        let (_, ext) = name.rsplit_once('.')?;
        let ext = ext.to_ascii_lowercase();
        SourceFormat::ALL
            .into_iter()
            .find(|f| f.extensions().contains(&ext.as_str()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Html => "html",
            SourceFormat::Markdown => "markdown",
            SourceFormat::Xml => "xml",
            SourceFormat::Text => "text",
        }
    }
}

/// A link as written in a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceLink {
    /// The link as a browser or renderer reads it (character references decoded).
    pub url: String,
    /// 1-based line of the URL's first character.
    pub line: usize,
    /// 1-based column of the URL's first character, in characters.
    pub column: usize,
    /// Byte range of the URL as written in the text (`&amp;` and all).
    pub span: Range<usize>,
    /// The item (a post of a WordPress export, an entry of a feed) the link belongs to, as an
    /// index into [`Document::items`].
    pub item: Option<usize>,
}

/// A part of a source reported under its own name: a post of a WordPress export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub title: String,
    /// The item's permalink, when it has one.
    pub link: Option<String>,
}

/// What an extractor found in one source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The document's base URL (`<base href>`), if it declares one.
    pub base: Option<String>,
    pub links: Vec<SourceLink>,
    pub items: Vec<Item>,
}

/// The links of `text`, read as `format`, in source order. Never fails: text that is not
/// well-formed is read the way browsers and renderers read it.
pub fn extract(format: SourceFormat, text: &str) -> Document {
    let mut doc = match format {
        SourceFormat::Html => html::extract(text),
        SourceFormat::Markdown => markdown::extract(text),
        SourceFormat::Xml => xml::extract(text),
        SourceFormat::Text => text::extract(text),
    };
    doc.links.sort_by_key(|l| l.span.start);
    let mut at = Position::default();
    for link in &mut doc.links {
        (link.line, link.column) = at.advance(text, link.span.start);
    }
    doc
}

/// A link found by an extractor before its position is filled in by [`extract`].
pub(crate) fn found(url: String, span: Range<usize>) -> SourceLink {
    SourceLink {
        url,
        line: 0,
        column: 0,
        span,
        item: None,
    }
}

/// Line and column numbers, counted on from one offset to the next (in one pass over the text,
/// however long its lines).
#[derive(Default)]
struct Position {
    /// The last offset, and its 0-based line.
    at: usize,
    line: usize,
    /// Where that line starts, and the 0-based column (in characters) of `at` in it.
    line_start: usize,
    column: usize,
}

impl Position {
    /// 1-based line and column (in characters) of byte `offset`, at or after the last one.
    fn advance(&mut self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.clamp(self.at, text.len());
        let skipped = &text.as_bytes()[self.at..offset];
        if let Some(last) = memchr::memrchr(b'\n', skipped) {
            self.line += memchr::memchr_iter(b'\n', skipped).count();
            (self.line_start, self.at, self.column) = (self.at + last + 1, self.at + last + 1, 0);
        }
        match text.get(self.at..offset) {
            Some(run) => {
                // (Checking for ASCII takes a fraction of counting characters.)
                self.column += if run.is_ascii() {
                    run.len()
                } else {
                    run.chars().count()
                };
                self.at = offset;
                (self.line + 1, self.column + 1)
            }
            None => (self.line + 1, 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(
            SourceFormat::of_file_name("post.MD"),
            Some(SourceFormat::Markdown)
        );
        assert_eq!(
            SourceFormat::of_file_name("a.b.liquid"),
            Some(SourceFormat::Html)
        );
        assert_eq!(SourceFormat::of_file_name("notes"), None);
        assert_eq!(SourceFormat::of_file_name("x.png"), None);
    }

    #[test]
    fn line_and_column_in_characters() {
        let text = "é\r\nab https://a.co/x é https://a.co/y\n\n\nhttps://a.co/z";
        let mut at = Position::default();
        assert_eq!(at.advance(text, 0), (1, 1));
        assert_eq!(at.advance(text, text.find("https").unwrap()), (2, 4));
        assert_eq!(
            at.advance(text, text.find("https://a.co/y").unwrap()),
            (2, 21)
        );
        assert_eq!(
            at.advance(text, text.find("https://a.co/z").unwrap()),
            (5, 1)
        );
    }
}
