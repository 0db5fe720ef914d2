//! Markdown (CommonMark with GitHub's extensions; MDX read as Markdown): inline links,
//! reference definitions, autolinks, links around images, HTML blocks and inline HTML (through
//! the HTML extractor), bare URLs in text, and URL values in front matter. Code spans and code
//! blocks hold no links.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{found, html, text, Document, SourceLink};

/// The links of a Markdown source.
pub fn extract(source: &str) -> Document {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let parser = Parser::new_ext(source, options);
    let mut links: Vec<SourceLink> = Vec::new();
    for (_, def) in parser.reference_definitions().iter() {
        if let Some(span) = definition_destination(source, def.span.clone()) {
            links.push(found(String::from(&*def.dest), span));
        }
    }
    // Open inline links: where each started, and where its text ended so far.
    let mut open: Vec<(Range<usize>, String, usize)> = Vec::new();
    let mut in_code_block = false;
    let mut in_metadata = false;
    // The link of the `<a href="…">` written as inline HTML whose text this is: a bare URL there
    // that is the same link is its text, not a second link (`<a href="URL">URL</a>` is one
    // link). Any other URL there is reported: Markdown renderers that link bare URLs link it
    // too. Until `</a>`, or the end of its block if it is left open.
    let mut html_link: Option<String> = None;
    let mut html_run: Option<Range<usize>> = None;
    for (event, range) in parser.into_offset_iter() {
        if !matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            if let Some(run) = html_run.take() {
                links.extend(html_links(source, run));
            }
        }
        if let (Some(last), false) = (open.last_mut(), matches!(event, Event::End(TagEnd::Link))) {
            last.2 = last.2.max(range.end);
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let inline = matches!(link_type, LinkType::Inline);
                let autolink = matches!(link_type, LinkType::Autolink);
                if autolink && range.len() >= 2 {
                    links.push(found(
                        String::from(&*dest_url),
                        range.start + 1..range.end - 1,
                    ));
                }
                let dest = if inline {
                    dest_url.into_string()
                } else {
                    String::new()
                };
                open.push((range.clone(), dest, range.start + 1));
            }
            Event::End(TagEnd::Link) => {
                if let Some((range, dest, text_end)) = open.pop() {
                    if !dest.is_empty()
                        || source.get(range.clone()).is_some_and(|s| s.ends_with("()"))
                    {
                        if let Some(span) = inline_destination(source, text_end, range.end) {
                            links.push(found(dest, span));
                        }
                    }
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item)
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            ) => html_link = None,
            Event::Start(Tag::MetadataBlock(_)) => in_metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_metadata = false,
            Event::Html(_) | Event::InlineHtml(_) => {
                if let Event::InlineHtml(tag) = &event {
                    match anchor_tag(tag) {
                        Some(true) => {
                            html_link = html_links(source, range.clone()).pop().map(|l| l.url)
                        }
                        Some(false) => html_link = None,
                        None => {}
                    }
                }
                html_run = Some(match html_run.take() {
                    Some(run) if run.end == range.start => run.start..range.end,
                    Some(run) => {
                        links.extend(html_links(source, run));
                        range
                    }
                    None => range,
                });
            }
            // Front matter's values and prose: the URLs written in them.
            Event::Text(_) if in_metadata || (!in_code_block && open.is_empty()) => {
                let urls = text::urls(&source[range.clone()], range.start);
                links.extend(
                    urls.into_iter()
                        .filter(|l| html_link.as_ref() != Some(&l.url)),
                );
            }
            _ => {}
        }
    }
    if let Some(run) = html_run {
        links.extend(html_links(source, run));
    }
    links.sort_by_key(|l| l.span.start);
    links.dedup_by(|a, b| a.span.start < b.span.end);
    Document {
        links,
        ..Document::default()
    }
}

/// Whether inline HTML is an `<a …>` start tag (`Some(true)`; not `<a …/>`) or an `</a>` end
/// tag (`Some(false)`): `None` for any other tag (`<abbr>`, `<a-scene>`), a comment, ….
fn anchor_tag(html: &str) -> Option<bool> {
    let html = html.trim_end();
    let (closes, rest) = match html.strip_prefix("</") {
        Some(rest) => (true, rest),
        None => (false, html.strip_prefix('<')?),
    };
    let name_end = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(rest.len());
    if !rest[..name_end].eq_ignore_ascii_case("a") || (!closes && html.ends_with("/>")) {
        return None;
    }
    Some(!closes)
}

/// The links of a run of HTML inside Markdown, with positions in the whole source.
fn html_links(source: &str, run: Range<usize>) -> Vec<SourceLink> {
    let start = run.start;
    html::extract(&source[run])
        .links
        .into_iter()
        .map(|mut l| {
            l.span = l.span.start + start..l.span.end + start;
            l
        })
        .collect()
}

/// The destination of an inline link `[text](dest "title")` whose text ends at or before
/// `text_end` and which ends at `end`.
fn inline_destination(source: &str, text_end: usize, end: usize) -> Option<Range<usize>> {
    let tail = source.get(text_end..end)?;
    // Right after the text, as a rule: a searcher would cost more to set up.
    let open = tail.as_bytes().windows(2).position(|w| w == b"](")? + text_end + 2;
    destination(source, open, end)
}

/// The destination of a reference definition `[label]: dest "title"`.
fn definition_destination(source: &str, span: Range<usize>) -> Option<Range<usize>> {
    let def = source.get(span.clone())?;
    let colon = def.find("]:")? + span.start + 2;
    destination(source, colon, span.end)
}

/// The link destination starting after optional whitespace at `at`: `<…>` or a run without
/// spaces and with balanced parentheses.
fn destination(source: &str, at: usize, end: usize) -> Option<Range<usize>> {
    let b = source.as_bytes();
    let mut i = at;
    while i < end && b[i].is_ascii_whitespace() {
        i += 1;
    }
    if b.get(i) == Some(&b'<') {
        let close = source.get(i + 1..end)?.find('>')? + i + 1;
        return Some(i + 1..close);
    }
    let run = b.get(i..end).unwrap_or_default();
    Some(i..(i + run_end(run)).min(end))
}

/// The length of the destination that `run` starts with: up to whitespace or an unbalanced `)`,
/// `\\` escaping the next byte.
fn run_end(run: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut n = 0;
    let n = loop {
        let next = run
            .get(n..)
            .map(|rest| rest.iter().position(|&c| STOPS[usize::from(c)]));
        let Some(Some(skip)) = next else {
            break n.max(run.len());
        };
        n += skip;
        match run[n] {
            b'\\' => n += 1,
            b'(' => depth += 1,
            b')' if depth == 0 => break n,
            b')' => depth -= 1,
            _ => break n,
        }
        n += 1;
    };
    n.min(run.len())
}

/// The bytes [`destination`] stops at: those that end a destination (whitespace, `)`), nest
/// one (`(`) or escape the next (`\\`). The others are passed over at one test each.
const STOPS: [bool; 256] = {
    let mut stops = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        stops[c] = matches!(b, b'\\' | b'(' | b')') || b.is_ascii_whitespace();
        c += 1;
    }
    stops
};

#[cfg(test)]
mod tests {
    use super::super::{extract as extract_any, SourceFormat};
    use super::*;

    /// [`run_end`] read a byte at a time, as it was before [`STOPS`].
    fn run_end_byte_by_byte(run: &[u8]) -> usize {
        let mut depth = 0usize;
        let mut i = 0;
        while i < run.len() {
            match run[i] {
                b'\\' => i += 1,
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                c if c.is_ascii_whitespace() => break,
                _ => {}
            }
            i += 1;
        }
        i.min(run.len())
    }

    proptest::proptest! {
        #[test]
        fn destinations_as_read_byte_by_byte(source in "[a()\\\\ \t\n<>é]{0,24}") {
            let run = source.as_bytes();
            proptest::prop_assert_eq!(run_end(run), run_end_byte_by_byte(run));
        }
    }

    fn links(md: &str) -> Vec<(String, String)> {
        extract_any(SourceFormat::Markdown, md)
            .links
            .into_iter()
            .map(|l| (l.url, md[l.span].to_owned()))
            .collect()
    }

    /// The text of a link written as inline HTML is no second link when it is that link (as a
    /// Markdown link's is not); any other URL is one.
    #[test]
    fn the_text_of_an_html_link_is_no_link_of_its_own() {
        let md = "| a | b |\n|---|---|\n| x | &nbsp;<a href=\"https://www.amazon.com/dp/B0948BCH24\">\
            <img src=\"flag.gif\">&nbsp; https://www.amazon.com/dp/B0948BCH24</a><br/>\
            <A HREF=\"https://www.amazon.de/dp/B0948BCH24\">https://www.amazon.de/dp/B0948BCH24</A> \
            https://www.amazon.fr/dp/B0948BCH24 |\n\n\
            [https://www.amazon.it/dp/B0948BCH24](https://www.amazon.it/dp/B0948BCH24)\n\n\
            An <a href=\"https://www.amazon.es/dp/B0948BCH24\">unclosed link.\n\n\
            Its paragraph ended: https://www.amazon.nl/dp/B0948BCH24\n\n\
            <a href=\"https://amzn.to/x\">https://www.amazon.se/dp/B0948BCH24</a> \
            <a name=\"top\">https://www.amazon.pl/dp/B0948BCH24</a> \
            <abbr>https://www.amazon.sg/dp/B0948BCH24</abbr> <a-scene>https://www.amazon.ae/dp/B0948BCH24 \
            <A href=\"https://www.amazon.ca/\"/> https://www.amazon.in/dp/B0948BCH24\n\n\
            - item <a href=\"https://www.amazon.sa/dp/B0948BCH24\">open\n  - https://www.amazon.sa/dp/B0948BCH24\n";
        let got = links(md);
        let urls: Vec<_> = got.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://www.amazon.com/dp/B0948BCH24",
                "https://www.amazon.de/dp/B0948BCH24",
                "https://www.amazon.fr/dp/B0948BCH24",
                "https://www.amazon.it/dp/B0948BCH24",
                "https://www.amazon.es/dp/B0948BCH24",
                "https://www.amazon.nl/dp/B0948BCH24",
                // The text of a link to elsewhere, of an anchor without href, of other tags
                "https://amzn.to/x",
                "https://www.amazon.se/dp/B0948BCH24",
                "https://www.amazon.pl/dp/B0948BCH24",
                "https://www.amazon.sg/dp/B0948BCH24",
                "https://www.amazon.ae/dp/B0948BCH24",
                "https://www.amazon.ca/",
                "https://www.amazon.in/dp/B0948BCH24",
                // A nested list item is not the text of its parent's open link.
                "https://www.amazon.sa/dp/B0948BCH24",
                "https://www.amazon.sa/dp/B0948BCH24",
            ]
        );
        // Each found where its link is written: the href, not the text.
        let before: Vec<&str> = extract_any(SourceFormat::Markdown, md)
            .links
            .iter()
            .map(|l| &md[l.span.start - 2..l.span.start])
            .collect();
        assert_eq!(before[..6], ["=\"", "=\"", "> ", "](", "=\"", ": "]);
    }

    #[test]
    fn every_kind_of_link_once() {
        let md = "---\naffiliate_link: https://amzn.to/front\n---\n\
            # Title\n\n[a](https://amazon.com/dp/B000000001 \"t](x\") and \
            [b (x)](<https://amazon.com/dp/B000000002?a=(1)>) and <https://amazon.com/dp/B000000003>\n\
            [![img](https://m.media-amazon.com/i.jpg)](https://amazon.com/dp/B000000004)\n\
            [ref][r] bare https://amazon.com/dp/B000000005. `https://amazon.com/dp/B00000000C`\n\n\
            ```\nhttps://amazon.com/dp/B00000000D\n```\n\n\
            <div><a href=\"https://amazon.com/dp/B000000006?a=1&amp;b=2\">x</a></div>\n\n\
            inline <a href='https://amazon.com/dp/B000000007'>y</a>\n\n\
            [r]: https://amazon.com/dp/B000000008 \"title\"\n";
        let got = links(md);
        let urls: Vec<_> = got.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://amzn.to/front",
                "https://amazon.com/dp/B000000001",
                "https://amazon.com/dp/B000000002?a=(1)",
                "https://amazon.com/dp/B000000003",
                "https://amazon.com/dp/B000000004",
                "https://amazon.com/dp/B000000005",
                "https://amazon.com/dp/B000000006?a=1&b=2",
                "https://amazon.com/dp/B000000007",
                "https://amazon.com/dp/B000000008",
            ]
        );
        assert_eq!(got[6].1, "https://amazon.com/dp/B000000006?a=1&amp;b=2");
        for (url, raw) in &got {
            if !raw.contains('&') {
                assert_eq!(url, raw);
            }
        }
    }
}
