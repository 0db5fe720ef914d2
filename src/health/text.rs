//! Turning bits of HTML into text: character references decoded, tags and scripts dropped,
//! whitespace collapsed. Small and forgiving: it reads what Amazon writes, never fails.

/// The named character references Amazon's titles and notices use. Others stay as written.
static NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("apos", '\''),
    ("copy", '©'),
    ("gt", '>'),
    ("hellip", '…'),
    ("laquo", '«'),
    ("ldquo", '“'),
    ("lsquo", '‘'),
    ("lt", '<'),
    ("mdash", '—'),
    ("nbsp", '\u{a0}'),
    ("ndash", '–'),
    ("quot", '"'),
    ("raquo", '»'),
    ("rdquo", '”'),
    ("reg", '®'),
    ("rsquo", '’'),
    ("trade", '™'),
];

/// Decodes character references (`&amp;`, `&#39;`, `&#x2019;`, a few common names) and
/// collapses runs of whitespace (including no-break spaces) to one space, trimmed.
///
/// ```
/// use linkscope::health::text::clean_text;
/// assert_eq!(clean_text("  Tom &amp; Jerry&#39;s\n\t&quot;Best&quot;&nbsp; Of "), "Tom & Jerry's \"Best\" Of");
/// ```
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    };
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '&' {
            if let Some((decoded, len)) = reference(rest) {
                push(decoded, &mut out);
                rest = &rest[len..];
                continue;
            }
        }
        push(c, &mut out);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The character a reference at the start of `s` stands for, and the reference's length.
fn reference(s: &str) -> Option<(char, usize)> {
    let end = s.as_bytes().iter().take(12).position(|&b| b == b';')?;
    let name = &s[1..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(code).filter(|c| *c != '\0')?
    } else {
        NAMED.iter().find(|(n, _)| *n == name)?.1
    };
    Some((c, end + 1))
}

/// The visible text of an HTML fragment: tags, comments, `<script>` and `<style>` contents
/// dropped, then [`clean_text`]. A fragment cut inside a tag or script loses only that part.
pub fn visible_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        text.push(' ');
        rest = &rest[lt..];
        let lower_head: String = rest
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        let close = if lower_head.starts_with("<script") {
            "</script>"
        } else if lower_head.starts_with("<style") {
            "</style>"
        } else if lower_head.starts_with("<!--") {
            "-->"
        } else {
            ">"
        };
        match find_ascii_ci(rest, close) {
            Some(at) => rest = &rest[at + close.len()..],
            None => return clean_text(&text),
        }
    }
    text.push_str(rest);
    clean_text(&text)
}

/// Case-insensitive (ASCII) search for an ASCII needle.
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Text folded for phrase matching: lower case, typographic apostrophes as `'`, whitespace
/// collapsed.
///
/// Lower case as far as the phrases need it: ASCII, Latin-1 and Latin Extended-A (every cased
/// letter of the phrase table's languages), without `str::to_lowercase`'s Unicode tables
/// (12 KB of the .wasm). A test checks, for every character, that this finds the phrases
/// exactly where full lower-casing finds them.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean_text(s).chars() {
        match c {
            '’' | '‘' | '`' => out.push('\''),
            'İ' => out.push_str("i\u{307}"),
            c => out.push(lower(c)),
        }
    }
    out
}

/// The lower case of an ASCII, Latin-1 or Latin Extended-A capital; any other character as is.
fn lower(c: char) -> char {
    let n = u32::from(c);
    let lower = match n {
        0x41..=0x5a | 0xc0..=0xd6 | 0xd8..=0xde => n + 0x20,
        0x100..=0x137 | 0x14a..=0x177 if n % 2 == 0 => n + 1,
        0x139..=0x148 | 0x179..=0x17e if n % 2 == 1 => n + 1,
        0x178 => 0xff,
        0x212a => 0x6b, // The Kelvin sign is a capital K.
        _ => n,
    };
    char::from_u32(lower).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_whitespace() {
        assert_eq!(clean_text("a&#x2019;b &lt;c&gt; &#8211; d"), "a’b <c> – d");
        // Unknown or broken references stay as written.
        assert_eq!(
            clean_text("AT&T &bogus; &#xZZ; &#0; &"),
            "AT&T &bogus; &#xZZ; &#0; &"
        );
        assert_eq!(clean_text(" \u{a0}\n "), "");
    }

    #[test]
    fn visible_text_drops_markup() {
        let html = r#"<div id="availability"> <span class="a-color-price">
            Derzeit nicht verfügbar.</span><script>var x = "<b>hidden</b>";</script>
            <style>.a{}</style><!-- c --> Ob <b>und</b> wann</div>"#;
        assert_eq!(visible_text(html), "Derzeit nicht verfügbar. Ob und wann");
        assert_eq!(visible_text("In Stock <script>never closed"), "In Stock");
        assert_eq!(visible_text("cut <span clas"), "cut");
    }

    /// For every character, `fold` agrees with full Unicode lower-casing wherever a phrase
    /// could tell them apart: the same text, or text with no character of any phrase.
    #[test]
    fn folding_finds_phrases_as_full_lower_casing_does() {
        use crate::health::phrases::PHRASES;
        let alphabet: std::collections::HashSet<char> =
            PHRASES.iter().flat_map(|p| p.text.chars()).collect();
        let (mut checked, mut wrong) = (0, Vec::<(char, String)>::new());
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            if matches!(c, '’' | '‘' | '`' | '&' | '<') || c.is_whitespace() {
                continue; // Replaced or collapsed before lower-casing.
            }
            let ours = fold(&c.to_string());
            let full = c.to_lowercase().collect::<String>();
            let neutral = |s: &str| !s.chars().any(|c| alphabet.contains(&c));
            if !(ours == full || (neutral(&ours) && neutral(&full))) {
                wrong.push((c, full));
            }
            checked += usize::from(ours != c.to_string());
        }
        assert_eq!(wrong, []);
        assert!(checked > 100, "{checked}");
        // Final sigma (context-dependent in to_lowercase) and the like are no phrase's letters.
        assert!(!alphabet.contains(&'σ') && !alphabet.contains(&'ς'));
    }

    #[test]
    fn folding() {
        assert_eq!(
            fold("We couldn&rsquo;t find THAT page"),
            "we couldn't find that page"
        );
    }
}
