//! The fast path: reading the common shapes of links without the full WHATWG parser.
//!
//! [`read`] accepts only inputs whose parts the parser would serialize unchanged, so that
//! classifying what it returns gives exactly what the parser's URL gives: a lower-case `http://`
//! or `https://` link whose host is plain lower-case ASCII (letters, digits, dots, single
//! hyphens: no port, no userinfo, no percent escapes, no punycode), with a path and query made of
//! bytes the parser copies as they are; or a path (`/…`) on an Amazon page. Anything else
//! (upper case, backslashes, tabs or line breaks, spaces, non-ASCII, dot segments, quotes, …)
//! is [`Fast::Unsure`] and goes to the parser. A plain link to any other host is
//! [`Fast::NotAmazon`] at once, without looking further. `tests/fast_path.rs` checks that both ways agree.

use super::Parts;
use crate::marketplace::{match_host, HostMatch};

/// What the fast path makes of an input.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Fast<'a> {
    /// A plain link to a host that is not Amazon's: the parser would say so too.
    NotAmazon,
    /// A plain link to an Amazon host, with the parts the parser would give.
    Amazon(Parts<'a>, HostMatch),
    /// Anything else: only the parser can tell.
    Unsure,
}

/// Reads `input` if it has a shape the parser would not change; `amazon_base_host` is the host
/// of the page when that page is an Amazon store or short-link page.
pub(super) fn read<'a>(input: &'a str, amazon_base_host: Option<&'a str>) -> Fast<'a> {
    let b = input.as_bytes();
    let (host, rest) = if let Some(after) = strip_scheme(b) {
        let Some((end, may_be_amazon)) = plain_host_end(after) else {
            return Fast::Unsure;
        };
        if !may_be_amazon {
            return Fast::NotAmazon;
        }
        let start = b.len() - after.len();
        (&input[start..start + end], &input[start + end..])
    } else if b.first() == Some(&b'/') && !matches!(b.get(1), Some(b'/' | b'\\')) {
        match amazon_base_host {
            Some(host) => (host, input),
            None => return Fast::Unsure,
        }
    } else {
        return Fast::Unsure;
    };
    let Some(matched) = match_host(host) else {
        return Fast::NotAmazon;
    };
    match path_and_query(rest) {
        Some((path, query)) => Fast::Amazon(
            Parts {
                host,
                path: if path.is_empty() { "/" } else { path },
                query,
            },
            matched,
        ),
        None => Fast::Unsure,
    }
}

/// The path and query of what follows the host, when the parser keeps both as they are: bytes
/// it never escapes or rewrites, no `.` or `..` path segment (nor a `%2e` that may spell one).
/// The fragment is ignored.
fn path_and_query(rest: &str) -> Option<(&str, Option<&str>)> {
    let b = rest.as_bytes();
    let mut i = 0;
    loop {
        i = skip(b, i, &PATH_PLAIN);
        match b.get(i) {
            None | Some(b'?' | b'#') => break,
            Some(b'.') => {
                let before = &b[..i];
                let next = b.get(i + 1).copied().unwrap_or(b'/');
                if (before.ends_with(b"/") || before.ends_with(b"/."))
                    && matches!(next, b'/' | b'?' | b'#')
                {
                    return None;
                }
            }
            Some(b'%') => {
                if b.get(i + 1) == Some(&b'2') && b.get(i + 2).is_some_and(|e| e | 0x20 == b'e') {
                    return None;
                }
            }
            Some(_) => return None,
        }
        i += 1;
    }
    let path = &rest[..i];
    if b.get(i) != Some(&b'?') {
        return Some((path, None));
    }
    let end = skip(b, i + 1, &QUERY_BYTES);
    match b.get(end) {
        None | Some(b'#') => Some((path, Some(&rest[i + 1..end]))),
        Some(_) => None,
    }
}

/// Where the first byte of `b` from `at` on that is not in `set` is (`b.len()` if none):
/// eight bytes to a test while they last, as most bytes of a link are plain.
fn skip(b: &[u8], mut at: usize, set: &[bool; 256]) -> usize {
    while let Some(chunk) = b.get(at..at + 8) {
        if !chunk.iter().fold(true, |all, &c| all & set[usize::from(c)]) {
            break;
        }
        at += 8;
    }
    while b.get(at).is_some_and(|&c| set[usize::from(c)]) {
        at += 1;
    }
    at
}

/// What follows `http://` or `https://` (lower case only).
fn strip_scheme(b: &[u8]) -> Option<&[u8]> {
    b.strip_prefix(b"https://")
        .or_else(|| b.strip_prefix(b"http://"))
}

/// Where a host the parser keeps as it is ends (or that it reads as an IPv4 address, never an
/// Amazon host), and whether it may be Amazon's: non-empty, lower-case ASCII letters, digits,
/// dots and hyphens, without `--` (so no punycode), up to `/`, `?`, `#` or the end. `None` for
/// any other host.
///
/// Every Amazon host has a `z` (`amazon`, `amzn`) but `a.co`: a host without one that does not
/// start so is not Amazon's, and is told apart without a look at the table.
fn plain_host_end(after: &[u8]) -> Option<(usize, bool)> {
    let mut z = false;
    let mut i = 0;
    loop {
        // Most bytes are plain: eight to a test before the other cases.
        i = skip(after, i, &HOST_PLAIN);
        match after.get(i) {
            Some(b'z') => z = true,
            Some(b'-') if after.get(i + 1) != Some(&b'-') => {}
            Some(b'/' | b'?' | b'#') | None => break,
            Some(_) => return None,
        }
        i += 1;
    }
    (i > 0).then_some((i, z || after.starts_with(b"a.co")))
}

/// Host bytes that need no second look: letters but `z`, digits and dots.
static HOST_PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = matches!(c as u8, b'a'..=b'y' | b'0'..=b'9' | b'.');
        c += 1;
    }
    t
};

/// Bytes of a path the parser copies unchanged and that need no second look: letters, digits
/// and `-_~!$&()*+,;=:@/` (not `.` and `%`, which may spell a dot segment).
static PATH_PLAIN: [bool; 256] = byte_set(b"-_~!$&()*+,;=:@/");

/// Bytes of a query the parser copies unchanged: those of a path, and `?`.
static QUERY_BYTES: [bool; 256] = byte_set(b"-._~!$&()*+,;=:@/%?");

/// ASCII letters and digits, and `extra`.
const fn byte_set(extra: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric();
        c += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::marketplace::{MARKETPLACES, SHORT_HOSTS};

    #[test]
    fn every_amazon_host_passes_the_quick_look() {
        let stores = MARKETPLACES
            .iter()
            .flat_map(|m| std::iter::once(&m.domain).chain(m.alt_domains))
            .flat_map(|d| [d.to_string(), format!("m.{d}."), format!("www.{d}")]);
        let shorts = SHORT_HOSTS
            .iter()
            .flat_map(|s| [s.host.to_owned(), format!("{}.", s.host)]);
        for host in stores.chain(shorts) {
            assert!(match_host(&host).is_some(), "{host}");
            let link = format!("{host}/x");
            assert_eq!(plain_host_end(link.as_bytes()), Some((host.len(), true)));
        }
        assert_eq!(plain_host_end(b"www.youtube.com?"), Some((15, false)));
        assert_eq!(plain_host_end(b"ab.com"), Some((6, false)));
        assert_eq!(plain_host_end(b"xn--a.com"), None);
        assert_eq!(plain_host_end(b"/x"), None);
    }

    fn of(input: &str) -> Option<(&str, &str, Option<&str>)> {
        match read(input, Some("www.amazon.de")) {
            Fast::Amazon(p, _) => Some((p.host, p.path, p.query)),
            _ => None,
        }
    }

    #[test]
    fn reads_plain_links_and_leaves_the_rest_to_the_parser() {
        assert_eq!(
            of("https://www.amazon.com/dp/B08N5WRWNW?tag=a-20#x"),
            Some(("www.amazon.com", "/dp/B08N5WRWNW", Some("tag=a-20")))
        );
        assert_eq!(of("http://a.co"), Some(("a.co", "/", None)));
        assert_eq!(read("https://x.org#a?b", None), Fast::NotAmazon);
        assert_eq!(read("https://blog.example.org/a b", None), Fast::NotAmazon);
        assert_eq!(
            of("/s?k=a%2Cb"),
            Some(("www.amazon.de", "/s", Some("k=a%2Cb")))
        );
        for other in [
            "HTTPS://www.amazon.com/",
            "https://www.Amazon.com/",
            "https://www.amazon.com:443/",
            "https://user@www.amazon.com/",
            "https://xn--amazon-xyz.com/",
            "https:/www.amazon.com/",
            "https:///www.amazon.com/",
            "https://www.amazon.com\\dp/B08N5WRWNW",
            "https://www.amazon.com/dp/../gp/",
            "https://www.amazon.com/dp/%2E%2e/",
            "https://www.amazon.com/a b",
            "https://www.amazon.com/?tag=a\tb",
            "https://www.amazon.com/?q=\"",
            "https://www.amazon.com/é",
            "//www.amazon.com/",
            "/\\www.amazon.com/",
            "dp/B08N5WRWNW",
            "",
        ] {
            assert_eq!(read(other, Some("www.amazon.de")), Fast::Unsure, "{other}");
        }
        assert_eq!(read("/dp/B08N5WRWNW", None), Fast::Unsure);
    }
}
