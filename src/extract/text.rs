//! Plain text: URLs found by linkify (`https://…`, `www.…` and bare domains with a path), with
//! the trailing punctuation of a sentence left out as GitHub does.

use linkify::{LinkFinder, LinkKind};

use super::{found, Document, SourceLink};

/// The URLs in a plain-text source.
pub fn extract(text: &str) -> Document {
    Document {
        links: urls(text, 0),
        ..Document::default()
    }
}

/// The URLs in `text`, with byte ranges shifted by `offset`. A URL written without a scheme
/// (`www.amazon.com/dp/…`) is read as `https://`.
pub(crate) fn urls(text: &str, offset: usize) -> Vec<SourceLink> {
    if !may_hold_url(text) {
        return Vec::new();
    }
    find_urls(text, offset)
}

/// [`urls`], the link finder run on any text.
fn find_urls(text: &str, offset: usize) -> Vec<SourceLink> {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]).url_must_have_scheme(false);
    finder
        .links(text)
        .filter_map(|l| {
            let raw = l.as_str();
            let url = if has_scheme(raw) {
                raw.to_owned()
            } else if let Some(rest) = raw.strip_prefix("//") {
                format!("https://{rest}")
            } else if raw.contains('/') || raw.to_ascii_lowercase().starts_with("www.") {
                format!("https://{raw}")
            } else {
                // A bare name such as "index.html" or "example.com" is not taken for a link.
                return None;
            };
            Some(found(url, offset + l.start()..offset + l.end()))
        })
        .collect()
}

/// Whether `text` may hold a URL that [`urls`] takes: one with a scheme holds a `:`, one
/// without holds a `/` or starts with `www.` (most runs of prose hold none of them, and need
/// no link finder).
fn may_hold_url(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr2(b':', b'/', b).is_some()
        || memchr::memchr_iter(b'.', b)
            .any(|dot| dot >= 3 && b[dot - 3..dot].eq_ignore_ascii_case(b"www"))
}

fn has_scheme(s: &str) -> bool {
    s.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_without_a_colon_slash_or_www_holds_no_url() {
        for text in [
            "plain words. example.com and index.html",
            "ww.a.com wwwa.com",
            "",
        ] {
            assert!(!may_hold_url(text), "{text}");
        }
        for text in ["WWW.amazon.com", "see: this", "a/b", "x www.a.b"] {
            assert!(may_hold_url(text), "{text}");
        }
        assert_eq!(urls("at WwW.amazon.de/dp/B08N5WRWNW", 0).len(), 1);
    }

    proptest::proptest! {
        /// The shortcut never loses a URL the link finder would give.
        #[test]
        fn the_shortcut_finds_what_the_finder_finds(text in "([a-z0-9:/. wW@()-]|www\\.|wWw\\.|https://|\\.com){0,24}") {
            proptest::prop_assert_eq!(urls(&text, 3), find_urls(&text, 3));
        }
    }

    #[test]
    fn urls_in_prose() {
        let text = "Buy it (https://www.amazon.com/dp/B08N5WRWNW?tag=a-20). Or www.amazon.de/dp/B08N5WRWNW, \
                    not index.html.";
        let links = extract(text).links;
        let got: Vec<_> = links
            .iter()
            .map(|l| (l.url.as_str(), &text[l.span.clone()]))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "https://www.amazon.com/dp/B08N5WRWNW?tag=a-20",
                    "https://www.amazon.com/dp/B08N5WRWNW?tag=a-20"
                ),
                (
                    "https://www.amazon.de/dp/B08N5WRWNW",
                    "www.amazon.de/dp/B08N5WRWNW"
                ),
            ]
        );
    }
}
