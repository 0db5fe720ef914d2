//! Feeds, sitemaps and WordPress exports: sitemap `<loc>`, RSS `<link>`, Atom `<link href>`,
//! and the HTML of `<content:encoded>`, `<description>`, `<content>` and `<summary>` (through
//! the HTML extractor, escaped or in CDATA). Links inside an `<item>` or `<entry>` are
//! reported under that item's title and permalink.

use std::ops::Range;

use super::{found, html, Document, Item, SourceLink};

/// Elements whose text is a URL.
const URL_ELEMENTS: [&str; 2] = ["loc", "link"];
/// Elements whose text is HTML.
const HTML_ELEMENTS: [&str; 4] = ["content:encoded", "description", "content", "summary"];

/// Text as read (references decoded), with the source offset of each of its bytes.
#[derive(Default)]
struct Mapped {
    text: String,
    starts: Vec<usize>,
    end: usize,
}

impl Mapped {
    fn push(&mut self, s: &str, from: usize, to: usize) {
        self.starts.extend(std::iter::repeat_n(from, s.len()));
        self.text.push_str(s);
        self.end = to;
    }

    /// Text copied as is (CDATA, or text without references).
    fn push_raw(&mut self, src: &str, range: Range<usize>) {
        self.starts.extend(range.clone());
        self.text.push_str(&src[range.clone()]);
        self.end = range.end;
    }

    /// Where bytes `r` of the text were in the source.
    fn source_range(&self, r: Range<usize>) -> Range<usize> {
        let at = |i: usize| self.starts.get(i).copied().unwrap_or(self.end);
        let start = at(r.start);
        start..at(r.end).max(start)
    }
}

struct Open {
    name: String,
    text: Option<Mapped>,
}

#[derive(Default)]
struct Scanner {
    stack: Vec<Open>,
    links: Vec<SourceLink>,
    items: Vec<Item>,
    /// The open item's index in `items`.
    item: Option<usize>,
}

impl Scanner {
    fn text(&mut self, src: &str, range: Range<usize>) {
        let Some(mapped) = self.stack.last_mut().and_then(|o| o.text.as_mut()) else {
            return;
        };
        let mut at = range.start;
        while at < range.end {
            let rest = &src[at..range.end];
            let amp = rest.find('&').map_or(range.end, |i| at + i);
            mapped.push_raw(src, at..amp);
            if amp >= range.end {
                break;
            }
            let reference = src[amp..range.end]
                .find(';')
                .map(|semi| amp..amp + semi + 1)
                .and_then(|r| html::decode_refs(&src[r.clone()]).map(|s| (r, s)));
            match reference {
                Some((r, decoded)) => {
                    mapped.push(&decoded, r.start, r.end);
                    at = r.end;
                }
                None => {
                    mapped.push_raw(src, amp..amp + 1);
                    at = amp + 1;
                }
            }
        }
    }

    fn open(&mut self, name: &str) {
        let name = name.to_ascii_lowercase();
        if name == "item" || name == "entry" {
            self.items.push(Item {
                title: String::new(),
                link: None,
            });
            self.item = Some(self.items.len() - 1);
        }
        let wanted = name == "title"
            || URL_ELEMENTS.contains(&name.as_str())
            || HTML_ELEMENTS.contains(&name.as_str());
        self.stack.push(Open {
            name,
            text: wanted.then(Mapped::default),
        });
    }

    fn close(&mut self, name: &str) {
        let name = name.to_ascii_lowercase();
        let Some(depth) = self.stack.iter().rposition(|o| o.name == name) else {
            return;
        };
        while self.stack.len() > depth {
            let Some(open) = self.stack.pop() else { break };
            let parent_is_item = self
                .stack
                .last()
                .is_some_and(|p| p.name == "item" || p.name == "entry");
            self.finish(open, parent_is_item);
        }
    }

    fn finish(&mut self, open: Open, parent_is_item: bool) {
        let name = open.name.as_str();
        if name == "item" || name == "entry" {
            self.item = None;
            return;
        }
        let Some(mapped) = open.text else { return };
        let item = self.item.filter(|_| parent_is_item);
        if name == "title" {
            if let Some(i) = item {
                self.items[i].title = mapped.text.trim().to_owned();
            }
        } else if URL_ELEMENTS.contains(&name) {
            let trimmed = mapped.text.trim();
            if trimmed.is_empty() {
                return;
            }
            let start = mapped.text.len() - mapped.text.trim_start().len();
            let span = mapped.source_range(start..start + trimmed.len());
            if let (Some(i), "link") = (item, name) {
                self.items[i].link = Some(trimmed.to_owned());
            }
            self.push(trimmed.to_owned(), span);
        } else {
            for link in html::extract(&mapped.text).links {
                let span = mapped.source_range(link.span);
                self.push(link.url, span);
            }
        }
    }

    fn push(&mut self, url: String, span: Range<usize>) {
        let mut link = found(url, span);
        link.item = self.item;
        self.links.push(link);
    }
}

/// The links of a feed, a sitemap or a WordPress export.
pub fn extract(src: &str) -> Document {
    let mut s = Scanner::default();
    let skip_past = |from: usize, end: &str| {
        src[from..]
            .find(end)
            .map_or(src.len(), |i| from + i + end.len())
    };
    let mut at = 0;
    while let Some(i) = src[at..].find('<') {
        let lt = at + i;
        s.text(src, at..lt);
        let rest = &src[lt..];
        if rest.starts_with("<!--") {
            at = skip_past(lt + 4, "-->");
        } else if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
            let start = lt + 9;
            let end = cdata.find("]]>").map_or(src.len(), |e| start + e);
            if let Some(mapped) = s.stack.last_mut().and_then(|o| o.text.as_mut()) {
                mapped.push_raw(src, start..end);
            }
            at = (end + 3).min(src.len());
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            at = skip_past(lt + 2, ">");
        } else if let Some(closing) = rest.strip_prefix("</") {
            let name: String = closing
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>')
                .collect();
            at = skip_past(lt + 2, ">");
            s.close(&name);
        } else {
            let name_len = rest[1..]
                .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .unwrap_or(rest.len() - 1);
            if name_len == 0 {
                s.text(src, lt..lt + 1);
                at = lt + 1;
                continue;
            }
            let name = &rest[1..1 + name_len];
            let (href, end) = html::attribute(src, lt + 1 + name_len, "href");
            if let (true, Some(span)) = (name.eq_ignore_ascii_case("link"), href) {
                let raw = &src[span.clone()];
                let url = html::decode_refs(raw).unwrap_or_else(|| raw.to_owned());
                s.push(url, span);
            }
            if !src[..end].ends_with("/>") {
                s.open(name);
            }
            at = end;
        }
    }
    s.text(src, at..src.len());
    while let Some(open) = s.stack.pop() {
        s.finish(open, false);
    }
    Document {
        base: None,
        links: s.links,
        items: s.items,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{extract as extract_any, SourceFormat};

    #[test]
    fn sitemap_rss_and_wxr() {
        let xml = "<?xml version='1.0'?>\n<rss><channel><link>https://blog.example/</link>\n\
            <item><title><![CDATA[Best kettles]]></title><link>https://blog.example/kettles</link>\n\
            <content:encoded><![CDATA[<p><a href=\"https://amazon.com/dp/B000000001?a=1&amp;tag=x-20\">k</a></p>]]></content:encoded>\n\
            <description>&lt;a href=&quot;https://amazon.com/dp/B000000002&quot;&gt;k&lt;/a&gt;</description></item>\n\
            <!-- <loc>https://amazon.com/dp/B00000000C</loc> -->\n\
            <urlset><url><loc> https://blog.example/a?x=1&amp;y=2 </loc></url></urlset></channel></rss>";
        let doc = extract_any(SourceFormat::Xml, xml);
        let got: Vec<_> = doc
            .links
            .iter()
            .map(|l| (l.url.as_str(), &xml[l.span.clone()], l.item))
            .collect();
        assert_eq!(
            got,
            [
                ("https://blog.example/", "https://blog.example/", None),
                (
                    "https://blog.example/kettles",
                    "https://blog.example/kettles",
                    Some(0)
                ),
                (
                    "https://amazon.com/dp/B000000001?a=1&tag=x-20",
                    "https://amazon.com/dp/B000000001?a=1&amp;tag=x-20",
                    Some(0)
                ),
                (
                    "https://amazon.com/dp/B000000002",
                    "https://amazon.com/dp/B000000002",
                    Some(0)
                ),
                (
                    "https://blog.example/a?x=1&y=2",
                    "https://blog.example/a?x=1&amp;y=2",
                    None
                ),
            ]
        );
        assert_eq!(doc.items[0].title, "Best kettles");
        assert_eq!(
            doc.items[0].link.as_deref(),
            Some("https://blog.example/kettles")
        );
    }
}
