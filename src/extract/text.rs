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
