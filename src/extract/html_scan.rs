//! The HTML scanner: finds the tags a tokenizer finds, without building tokens for the rest.
//!
//! It follows the HTML standard's tokenizer (§13.2.5) in the states that decide where a tag
//! starts and ends: the data state (jumping from one `<` to the next), tag open, end tag open,
//! tag name, the attribute states with every quoting form, markup declarations (comments,
//! including `<!-->`, `--!>` and bogus ones, DOCTYPEs, CDATA sections in foreign content), the
//! RCDATA, RAWTEXT and script data states (with script data's escaped and double-escaped
//! states) and PLAINTEXT. The tree builder's part is [`super::Tree`], shared with the
//! html5ever reader. An attribute value that holds a character reference other than the five
//! common ones is decoded by html5ever itself.
//!
//! Byte offsets are offsets in the source: the standard's input preprocessing (CR LF and CR
//! read as LF, NUL as U+FFFD) changes no delimiter, and is applied to the values read.

use memchr::{memchr, memchr3, memmem};

use super::{extract_with_html5ever, found, wanted, Document, Next, Tree};

/// The links of an HTML source, in document order, and its `<base href>`.
pub(super) fn extract(html: &str) -> Document {
    let mut scanner = Scanner {
        html,
        b: html.as_bytes(),
        tree: Tree::default(),
        doc: Document::default(),
    };
    scanner.run();
    scanner.doc
}

struct Scanner<'a> {
    html: &'a str,
    b: &'a [u8],
    tree: Tree,
    doc: Document,
}

/// A tag read by [`Scanner::tag`].
struct TagRead {
    /// The byte range of the tag's name.
    name: (usize, usize),
    /// The first `href` attribute's value as written, and the quote around it (or none).
    href: Option<(usize, usize, &'static str)>,
    self_closing: bool,
    /// Just past the tag's `>`.
    end: usize,
}

/// A tag's name in lower case, without allocating.
struct Name([u8; 16], usize);

impl std::ops::Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        std::str::from_utf8(&self.0[..self.1]).unwrap_or("")
    }
}

/// Whitespace in tag states: tab, LF, FF, space, and CR (read as LF).
/// The letters from `start` in script data's double-escape states: whether they spell `script`
/// followed by a space, `/` or `>` (the state changes), and where the scan goes on. None at the
/// end of the input.
fn script_word(b: &[u8], start: usize) -> Option<(bool, usize)> {
    let len = b[start..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let end = start + len;
    let t = *b.get(end)?;
    if space(t) || t == b'/' || t == b'>' {
        Some((b[start..end].eq_ignore_ascii_case(b"script"), end + 1))
    } else {
        Some((false, end))
    }
}

fn space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0C' | b' ' | b'\r')
}

impl Scanner<'_> {
    fn run(&mut self) {
        let mut at = 0;
        while let Some(next) = self.markup(at) {
            at = next;
        }
    }

    /// Reads on from `at` in the data state up to the next tag, and past it (with the text of
    /// a text-only element); `None` at the end of the source.
    fn markup(&mut self, at: usize) -> Option<usize> {
        let b = self.b;
        let lt = at + memchr(b'<', b.get(at..)?)?;
        let i = lt + 1;
        match *b.get(i)? {
            b'!' => self.declaration(i + 1),
            b'/' => match *b.get(i + 1)? {
                c if c.is_ascii_alphabetic() => {
                    let tag = self.tag(i + 1)?;
                    self.tree.end(&self.lower_name(tag.name));
                    Some(tag.end)
                }
                b'>' => Some(i + 2),
                _ => self.bogus_comment(i + 1),
            },
            c if c.is_ascii_alphabetic() => {
                let tag = self.tag(i)?;
                self.start(&tag)
            }
            b'?' => self.bogus_comment(i),
            _ => Some(i),
        }
    }

    /// After a start tag: records its link, and reads a text-only element's text.
    fn start(&mut self, tag: &TagRead) -> Option<usize> {
        let name = self.lower_name(tag.name);
        if let (Some((_, is_base)), true) = (wanted(&name), self.tree.in_document()) {
            if let Some((start, end, quote)) = tag.href {
                let url = attribute_value(&self.html[start..end], quote);
                if is_base {
                    self.doc.base.get_or_insert(url);
                } else {
                    self.doc.links.push(found(url, start..end));
                }
            }
        }
        let text_end = match self.tree.start(&name, tag.self_closing) {
            Next::Markup => return Some(tag.end),
            Next::Plaintext => return None,
            Next::Rcdata | Next::Rawtext => self.raw_text_end(tag.end, &name),
            Next::ScriptData => self.script_end(tag.end),
        }?;
        // The end tag, read as any tag is (its attributes too).
        let end = self.tag(text_end + 2)?;
        self.tree.end(&name);
        Some(end.end)
    }

    /// The tag's name in lower case, for the names that matter (all short and ASCII); a
    /// longer name reads as one that matters to nothing.
    fn lower_name(&self, (start, end): (usize, usize)) -> Name {
        let mut name = Name([0; 16], 0);
        if let Some(bytes) = self.b.get(start..end).filter(|n| n.len() <= 16) {
            name.0[..bytes.len()].copy_from_slice(bytes);
            name.0.make_ascii_lowercase();
            name.1 = bytes.len();
        }
        name
    }

    /// Reads a tag whose name starts at `at`; `None` when the source ends inside it (the
    /// tokenizer then drops it).
    fn tag(&self, at: usize) -> Option<TagRead> {
        let b = self.b;
        let mut i = at;
        while !space(*b.get(i)?) && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        let mut tag = TagRead {
            name: (at, i),
            href: None,
            self_closing: false,
            end: 0,
        };
        // Before attribute name.
        loop {
            while space(*b.get(i)?) {
                i += 1;
            }
            match b[i] {
                b'/' => {
                    // Self-closing start tag state.
                    i += 1;
                    if *b.get(i)? == b'>' {
                        tag.self_closing = true;
                        tag.end = i + 1;
                        return Some(tag);
                    }
                }
                b'>' => {
                    tag.end = i + 1;
                    return Some(tag);
                }
                _ => {
                    // Attribute name (it may start with `=`).
                    let name_start = i;
                    i += 1;
                    while !space(*b.get(i)?) && !matches!(b[i], b'/' | b'>' | b'=') {
                        i += 1;
                    }
                    let is_href = b[name_start..i].eq_ignore_ascii_case(b"href");
                    // After attribute name.
                    while space(*b.get(i)?) {
                        i += 1;
                    }
                    let mut value = (i, i, "");
                    if b[i] == b'=' {
                        // Before attribute value.
                        i += 1;
                        while space(*b.get(i)?) {
                            i += 1;
                        }
                        match b[i] {
                            q @ (b'"' | b'\'') => {
                                let start = i + 1;
                                let end = start + memchr(q, &b[start..])?;
                                let quote = if q == b'"' { "\"" } else { "'" };
                                value = (start, end, quote);
                                i = end + 1;
                            }
                            b'>' => value = (i, i, ""),
                            _ => {
                                let start = i;
                                while !space(*b.get(i)?) && b[i] != b'>' {
                                    i += 1;
                                }
                                value = (start, i, "");
                            }
                        }
                    }
                    if is_href && tag.href.is_none() {
                        tag.href = Some(value);
                    }
                }
            }
        }
    }

    /// After `<!`: a comment, a DOCTYPE, a CDATA section or a bogus comment.
    fn declaration(&self, at: usize) -> Option<usize> {
        let b = self.b;
        let rest = b.get(at..)?;
        if rest.starts_with(b"--") {
            let body = at + 2;
            let rest = &b[body..];
            if rest.starts_with(b">") {
                return Some(body + 1);
            }
            if rest.starts_with(b"->") {
                return Some(body + 2);
            }
            // The first `-->` or `--!>`.
            let mut from = body;
            loop {
                let dashes = from + memmem::find(&b[from..], b"--")?;
                match (b.get(dashes + 2), b.get(dashes + 3)) {
                    (Some(b'>'), _) => return Some(dashes + 3),
                    (Some(b'!'), Some(b'>')) => return Some(dashes + 4),
                    _ => from = dashes + 1,
                }
            }
        }
        if rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"doctype") {
            // Every DOCTYPE state ends at `>`, quoted identifiers included.
            return self.bogus_comment(at + 7);
        }
        if rest.starts_with(b"[CDATA[") && self.tree.in_foreign_content() {
            let body = at + 7;
            return Some(body + memmem::find(&b[body..], b"]]>")? + 3);
        }
        self.bogus_comment(at)
    }

    /// A bogus comment from `at`: up to the next `>`.
    fn bogus_comment(&self, at: usize) -> Option<usize> {
        Some(at + memchr(b'>', self.b.get(at..)?)? + 1)
    }

    /// Whether an end tag `</name` whose name starts at `at` closes the element `name` (an
    /// "appropriate end tag": the name, then whitespace, `/` or `>`), and where its name ends.
    fn closes(&self, at: usize, name: &str) -> (bool, usize) {
        let b = self.b;
        let len = b.get(at..).map_or(0, |s| {
            s.iter().take_while(|c| c.is_ascii_alphabetic()).count()
        });
        let end = at + len;
        let fits = b[at..end].eq_ignore_ascii_case(name.as_bytes())
            && b.get(end)
                .is_some_and(|&c| space(c) || c == b'/' || c == b'>');
        (fits, end)
    }

    /// The RCDATA or RAWTEXT text of `name` from `at`: where its end tag's `<` is.
    fn raw_text_end(&self, at: usize, name: &str) -> Option<usize> {
        let b = self.b;
        let mut from = at;
        loop {
            let lt = from + memchr(b'<', &b[from..])?;
            if b.get(lt + 1) == Some(&b'/') && self.closes(lt + 2, name).0 {
                return Some(lt);
            }
            from = lt + 1;
        }
    }

    /// A script's text from `at`: where its end tag's `<` is, through the script data states
    /// (`<!--` escapes, `<script>` inside them double-escapes).
    fn script_end(&self, at: usize) -> Option<usize> {
        #[derive(Clone, Copy, PartialEq)]
        enum S {
            Data,
            Escaped,
            EscapedDash,
            EscapedDashDash,
            Double,
            DoubleDash,
            DoubleDashDash,
        }
        let b = self.b;
        let mut s = S::Data;
        let mut i = at;
        loop {
            if s == S::Data {
                i += memchr(b'<', b.get(i..)?)?;
                // Script data less-than sign.
                match b.get(i + 1) {
                    Some(b'/') => {
                        let (fits, end) = self.closes(i + 2, "script");
                        if fits {
                            return Some(i);
                        }
                        i = end;
                    }
                    Some(b'!') if b.get(i + 2) == Some(&b'-') => {
                        if b.get(i + 3) == Some(&b'-') {
                            s = S::EscapedDashDash;
                            i += 4;
                        } else {
                            i += 3;
                        }
                    }
                    Some(b'!') => i += 2,
                    _ => i += 1,
                }
                continue;
            }
            let c = *b.get(i)?;
            let escaped = matches!(s, S::Escaped | S::EscapedDash | S::EscapedDashDash);
            match c {
                b'-' => {
                    s = match s {
                        S::Escaped => S::EscapedDash,
                        S::EscapedDash | S::EscapedDashDash => S::EscapedDashDash,
                        S::Double => S::DoubleDash,
                        _ => S::DoubleDashDash,
                    };
                    i += 1;
                }
                b'<' if escaped => {
                    s = S::Escaped;
                    match b.get(i + 1) {
                        Some(b'/') => {
                            let (fits, end) = self.closes(i + 2, "script");
                            if fits {
                                return Some(i);
                            }
                            i = end;
                        }
                        Some(c) if c.is_ascii_alphabetic() => {
                            // Script data double escape start.
                            let (script, next) = script_word(b, i + 1)?;
                            if script {
                                s = S::Double;
                            }
                            i = next;
                        }
                        _ => i += 1,
                    }
                }
                b'<' => {
                    s = S::Double;
                    if b.get(i + 1) == Some(&b'/') {
                        // Script data double escape end.
                        let (script, next) = script_word(b, i + 2)?;
                        if script {
                            s = S::Escaped;
                        }
                        i = next;
                    } else {
                        i += 1;
                    }
                }
                b'>' if matches!(s, S::EscapedDashDash | S::DoubleDashDash) => {
                    s = S::Data;
                    i += 1;
                }
                _ => {
                    s = if escaped { S::Escaped } else { S::Double };
                    // Nothing but `-`, `<` and `>` changes the state: skip to the next one.
                    i += 1;
                    if let Some(n) = memchr3(b'-', b'<', b'>', &b[i..]) {
                        i += n;
                    } else {
                        return None;
                    }
                }
            }
        }
    }
}

/// An attribute's value as the tokenizer reads it: CR LF and CR as LF, NUL as U+FFFD, the
/// five common character references decoded here, any other by html5ever (in a tag with the
/// same quoting).
fn attribute_value(raw: &str, quote: &str) -> String {
    if memchr3(b'&', b'\r', b'\0', raw.as_bytes()).is_none() {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = memchr3(b'&', b'\r', b'\0', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        rest = match rest.as_bytes()[i] {
            b'\r' => {
                out.push('\n');
                after.strip_prefix('\n').unwrap_or(after)
            }
            b'\0' => {
                out.push('\u{FFFD}');
                after
            }
            _ => {
                let common = [
                    ("amp;", '&'),
                    ("lt;", '<'),
                    ("gt;", '>'),
                    ("quot;", '"'),
                    ("apos;", '\''),
                ];
                let Some((name, c)) = common.iter().find(|(n, _)| after.starts_with(n)) else {
                    return by_html5ever(raw, quote);
                };
                out.push(*c);
                &after[name.len()..]
            }
        };
    }
    out.push_str(rest);
    out
}

/// An attribute value decoded by html5ever, in an `<a href>` with the same quoting.
fn by_html5ever(raw: &str, quote: &str) -> String {
    let tag = format!("<a href={quote}{raw}{quote}>");
    extract_with_html5ever(&tag)
        .links
        .pop()
        .map_or_else(|| raw.to_owned(), |l| l.url)
}
