//! The part of the [WHATWG URL Standard](https://url.spec.whatwg.org/) that reading links needs:
//! parsing a string, optionally against a base URL, into an `http:` or `https:` URL serialized as
//! browsers (and the `url` crate) serialize it.
//!
//! Only the two special schemes the web's links use are built: an input with any other scheme,
//! or a relative input without an http(s) base, is not an [`HttpUrl`]. Within them the parser
//! follows the standard's basic URL parser: C0 controls and spaces trimmed, tabs and newlines
//! removed, `\` read as `/`, the scheme in any case, `http:foo` with and without a base,
//! userinfo, ports (the default one dropped), hosts percent-decoded, checked for forbidden code
//! points and lower-cased, IPv4 in all its forms (`0x7f.1`, `017700000001`), bracketed IPv6,
//! `.`, `..` and `%2e` path segments, and the path, query, userinfo and fragment percent-encode
//! sets. Non-ASCII hosts are rejected, as the `url` crate does when built with idna_adapter
//! 1.0's stub back end (no Unicode tables): Amazon's hosts are ASCII, and `classify` maps the few
//! Unicode forms of ASCII that matter before parsing. One difference from `url`: an `xn--` label
//! is taken as written, where `url` decodes it and refuses invalid Punycode. Such a host is never
//! Amazon's either way, and the decoder cost the .wasm 1.0 KB raw, 0.5 KB gzipped (issue 11).
//! tests/http_url.rs checks every part against the `url` crate.
//!
//! ```
//! use linkscope::http_url::HttpUrl;
//! let page = HttpUrl::parse(" HTTPS://WWW.Amazon.com:443/gp/./product/%2E%2e/x?a b").unwrap();
//! assert_eq!(page.as_str(), "https://www.amazon.com/gp/x?a%20b");
//! let link = page.join("\\dp/B08N5WRWNW#reviews").unwrap();
//! assert_eq!((link.host(), link.path()), ("www.amazon.com", "/dp/B08N5WRWNW"));
//! assert!(HttpUrl::parse("ftp://www.amazon.com/").is_none());
//! ```

use std::borrow::Cow;
use std::fmt::Write;

/// An absolute `http:` or `https:` URL, kept as its serialization with the offsets of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    href: String,
    /// Where the host starts (after `scheme://` and any userinfo) and ends.
    host: (usize, usize),
    port: Option<u16>,
    path_start: usize,
    /// Where the `?` and the `#` are, when there is a query or a fragment.
    query_start: Option<usize>,
    fragment_start: Option<usize>,
}

impl HttpUrl {
    /// Parses an absolute http(s) URL; `None` when `input` is not one.
    pub fn parse(input: &str) -> Option<HttpUrl> {
        parse(input, None)
    }

    /// Parses `input` relative to this URL, as a link on this page resolves.
    pub fn join(&self, input: &str) -> Option<HttpUrl> {
        parse(input, Some(self))
    }

    /// The whole URL (the standard's `href`).
    pub fn as_str(&self) -> &str {
        &self.href
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        &self.href[..self.href.find(':').unwrap_or(0)]
    }

    /// The host as serialized: a lower-case domain, a dotted IPv4 address or `[IPv6]`.
    pub fn host(&self) -> &str {
        &self.href[self.host.0..self.host.1]
    }

    /// The port when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The path, starting with `/`.
    pub fn path(&self) -> &str {
        let end = self.query_start.or(self.fragment_start);
        &self.href[self.path_start..end.unwrap_or(self.href.len())]
    }

    /// The query without its `?`.
    pub fn query(&self) -> Option<&str> {
        let start = self.query_start? + 1;
        Some(&self.href[start..self.fragment_start.unwrap_or(self.href.len())])
    }

    /// The fragment without its `#`.
    pub fn fragment(&self) -> Option<&str> {
        Some(&self.href[self.fragment_start? + 1..])
    }

    /// Everything before `end`, to build a relative URL's resolution on.
    fn prefix(&self, end: usize) -> HttpUrl {
        HttpUrl {
            href: self.href[..end].to_owned(),
            host: self.host,
            port: self.port,
            path_start: self.path_start,
            query_start: self.query_start.filter(|&q| q < end),
            fragment_start: None,
        }
    }
}

/// Where a redirect's `Location` leads from `current`: the resolved http(s) URL, or, for a
/// location with another scheme (`ftp:`, `intent:`), the location as written, which is not
/// Amazon either way; `None` when it leads nowhere a browser would go.
pub fn resolve_location(current: &str, location: &str) -> Option<String> {
    match HttpUrl::parse(current)?.join(location) {
        Some(url) => Some(url.href),
        None => {
            let location = clean(location);
            let other = scheme(&location).is_some_and(|s| !is_http(s));
            other.then(|| String::from_utf8_lossy(&location).into_owned())
        }
    }
}

/// The standard's basic URL parser for http(s) URLs.
fn parse(input: &str, base: Option<&HttpUrl>) -> Option<HttpUrl> {
    let input = clean(input);
    let slashes = |s: &[u8]| s.iter().take_while(|&&c| is_slash(c)).count();
    match scheme(&input) {
        Some(scheme) if !is_http(scheme) => None,
        Some(scheme) => {
            let lower = scheme.to_ascii_lowercase();
            let scheme = if lower == b"http" { "http" } else { "https" };
            let rest = &input[lower.len() + 1..];
            // `http:x` is relative to an http base (and `https:x` to an https one); with two
            // slashes or more, or another base, the authority follows whatever slashes there are.
            match base.filter(|b| b.scheme() == scheme) {
                Some(base) if slashes(rest) < 2 => Some(relative(base, rest)),
                _ => authority(scheme, &rest[slashes(rest)..]),
            }
        }
        // A scheme-relative `//host`. Where the standard (and browsers) skip any further
        // slashes, the `url` crate, which the core followed before, does not after a plain
        // `//`: it reads `///host` as an empty host, and so does this parser.
        None => {
            let base = base?;
            match slashes(&input) {
                0 | 1 => Some(relative(base, &input)),
                _ if input.starts_with(b"//") => authority(base.scheme(), &input[2..]),
                n => authority(base.scheme(), &input[n..]),
            }
        }
    }
}

/// `input` without leading and trailing C0 controls and spaces, and without tabs and newlines.
fn clean(input: &str) -> Cow<'_, [u8]> {
    let input = input.trim_matches(|c: char| c <= ' ');
    if input.contains(['\t', '\n', '\r']) {
        Cow::Owned(input.bytes().filter(|b| !b"\t\n\r".contains(b)).collect())
    } else {
        Cow::Borrowed(input.as_bytes())
    }
}

/// The scheme that starts `input` (a letter, then letters, digits, `+`, `-` or `.`, then `:`).
fn scheme(input: &[u8]) -> Option<&[u8]> {
    let end = input.iter().position(|&c| c == b':')?;
    let scheme = &input[..end];
    let first_letter = scheme.first().is_some_and(u8::is_ascii_alphabetic);
    let rest = scheme
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || b"+-.".contains(&c));
    (first_letter && rest).then_some(scheme)
}

fn is_http(scheme: &[u8]) -> bool {
    scheme.eq_ignore_ascii_case(b"http") || scheme.eq_ignore_ascii_case(b"https")
}

/// In a special URL, `\` is a slash.
fn is_slash(c: u8) -> bool {
    c == b'/' || c == b'\\'
}

/// The standard's relative state: `input` (with at most one leading slash) against `base`.
fn relative(base: &HttpUrl, input: &[u8]) -> HttpUrl {
    let without_fragment = base.fragment_start.unwrap_or(base.href.len());
    let without_query = base.query_start.unwrap_or(without_fragment);
    match input.first() {
        // An absolute path on the base's host.
        Some(&c) if is_slash(c) => path(base.prefix(base.path_start), &input[1..]),
        // The base's path and query, with another fragment or none.
        Some(b'#') | None => query_and_fragment(base.prefix(without_fragment), input),
        // The base's path with another query.
        Some(b'?') => query_and_fragment(base.prefix(without_query), input),
        // A path relative to the base's directory.
        Some(_) => {
            let mut url = base.prefix(without_query);
            shorten(&mut url);
            path(url, input)
        }
    }
}

/// The authority (`user:password@host:port`), then the path: `input` is what follows the
/// slashes after the scheme.
fn authority(scheme: &str, input: &[u8]) -> Option<HttpUrl> {
    let end = input
        .iter()
        .position(|&c| is_slash(c) || c == b'?' || c == b'#')
        .unwrap_or(input.len());
    let (authority, rest) = input.split_at(end);
    let mut href = String::with_capacity(input.len() + 16);
    href.push_str(scheme);
    href.push_str("://");
    // The userinfo runs to the last `@`; earlier ones are part of it (and escaped).
    let host_and_port = match authority.iter().rposition(|&c| c == b'@') {
        Some(at) => {
            let userinfo = &authority[..at];
            let (user, password) = match userinfo.iter().position(|&c| c == b':') {
                Some(colon) => (&userinfo[..colon], &userinfo[colon + 1..]),
                None => (userinfo, &userinfo[..0]),
            };
            encode(&mut href, user, USERINFO);
            if !password.is_empty() {
                href.push(':');
                encode(&mut href, password, USERINFO);
            }
            if !user.is_empty() || !password.is_empty() {
                href.push('@');
            }
            &authority[at + 1..]
        }
        None => authority,
    };
    // The port follows the first `:` outside brackets.
    let mut in_brackets = false;
    let colon = host_and_port.iter().position(|&c| {
        match c {
            b'[' => in_brackets = true,
            b']' => in_brackets = false,
            _ => {}
        }
        c == b':' && !in_brackets
    });
    let (host, port) = match colon {
        Some(at) => (&host_and_port[..at], Some(&host_and_port[at + 1..])),
        None => (host_and_port, None),
    };
    let host_start = href.len();
    parse_host(&mut href, host)?;
    let host_end = href.len();
    let port = match port {
        Some(digits) if !digits.is_empty() => Some(parse_port(digits)?),
        _ => None,
    };
    let default = if scheme == "http" { 80 } else { 443 };
    let port = port.filter(|&p| p != default);
    if let Some(port) = port {
        let _ = write!(href, ":{port}");
    }
    let url = HttpUrl {
        path_start: href.len(),
        href,
        host: (host_start, host_end),
        port,
        query_start: None,
        fragment_start: None,
    };
    // The path starts after one slash, if there is one.
    let rest = match rest.first() {
        Some(&c) if is_slash(c) => &rest[1..],
        _ => rest,
    };
    Some(path(url, rest))
}

/// A port number; `None` when it is not one or above 65535.
fn parse_port(digits: &[u8]) -> Option<u16> {
    digits.iter().try_fold(0u16, |port, &d| {
        let digit = char::from(d).to_digit(10)?;
        port.checked_mul(10)?.checked_add(digit as u16)
    })
}

/// The standard's path state: appends the path's segments to `url` (whose path is empty or
/// its base's directory), resolving `.` and `..`, then the query and fragment.
fn path(mut url: HttpUrl, input: &[u8]) -> HttpUrl {
    let end = input
        .iter()
        .position(|&c| c == b'?' || c == b'#')
        .unwrap_or(input.len());
    let mut segments = input[..end].split(|&c| is_slash(c)).peekable();
    while let Some(segment) = segments.next() {
        // The last segment is not followed by a slash: `..` and `.` there leave an empty one.
        let last = segments.peek().is_none();
        if is_double_dot(segment) {
            // The `url` crate keeps a segment shaped like a Windows drive letter (`c:`, `c|`)
            // in every scheme, not only in `file:` URLs as the standard does.
            if !ends_with_drive_letter(&url) {
                shorten(&mut url);
            }
            if last {
                url.href.push('/');
            }
        } else if is_single_dot(segment) {
            if last {
                url.href.push('/');
            }
        } else {
            url.href.push('/');
            encode(&mut url.href, segment, PATH);
        }
    }
    query_and_fragment(url, &input[end..])
}

/// Appends the query (after `?`) and fragment (after `#`) that `input` starts with, if any.
fn query_and_fragment(mut url: HttpUrl, input: &[u8]) -> HttpUrl {
    let mut rest = input;
    if rest.first() == Some(&b'?') {
        let end = rest.iter().position(|&c| c == b'#').unwrap_or(rest.len());
        url.query_start = Some(url.href.len());
        url.href.push('?');
        encode(&mut url.href, &rest[1..end], QUERY);
        rest = &rest[end..];
    }
    if rest.first() == Some(&b'#') {
        url.fragment_start = Some(url.href.len());
        url.href.push('#');
        encode(&mut url.href, &rest[1..], FRAGMENT);
    }
    url
}

/// Removes the path's last segment.
fn shorten(url: &mut HttpUrl) {
    if let Some(at) = url.href[url.path_start..].rfind('/') {
        url.href.truncate(url.path_start + at);
    }
}

/// Whether the path's last segment is an ASCII letter and `:` or `|`.
fn ends_with_drive_letter(url: &HttpUrl) -> bool {
    let path = &url.href.as_bytes()[url.path_start..];
    matches!(path, [.., b'/', letter, b':' | b'|'] if letter.is_ascii_alphabetic())
}

/// `.` or `%2e`.
fn is_single_dot(segment: &[u8]) -> bool {
    segment == b"." || segment.eq_ignore_ascii_case(b"%2e")
}

/// `..`, `.%2e`, `%2e.` or `%2e%2e`.
fn is_double_dot(segment: &[u8]) -> bool {
    match segment.len() {
        2 => segment == b"..",
        4 => segment.eq_ignore_ascii_case(b".%2e") || segment.eq_ignore_ascii_case(b"%2e."),
        6 => segment.eq_ignore_ascii_case(b"%2e%2e"),
        _ => false,
    }
}

/// The percent-encode sets, one bit each in [`ENCODE`].
const FRAGMENT: u8 = 1;
const PATH: u8 = 2;
const QUERY: u8 = 4;
const USERINFO: u8 = 8;
const ALL: u8 = FRAGMENT | PATH | QUERY | USERINFO;

/// The sets each ASCII byte is encoded in: C0 controls and DEL in all, as every non-ASCII byte
/// (see [`encode`]). These are the `url` crate's sets, which were the standard's when it was
/// written (its path set now also has `^`); the query set is the special-query set.
static ENCODE: [u8; 128] = {
    let mut t = [0; 128];
    let mut i = 0;
    while i < 0x20 {
        t[i] = ALL;
        i += 1;
    }
    t[0x7f] = ALL;
    let sets: [(&[u8], u8); 6] = [
        (b" \"<>", ALL),
        (b"`", FRAGMENT | PATH | USERINFO),
        (b"#", PATH | QUERY | USERINFO),
        (b"?{}", PATH | USERINFO),
        (b"'", QUERY),
        (b"/:;=@[\\]^|", USERINFO),
    ];
    let mut s = 0;
    while s < sets.len() {
        let (bytes, bits) = sets[s];
        let mut j = 0;
        while j < bytes.len() {
            t[bytes[j] as usize] |= bits;
            j += 1;
        }
        s += 1;
    }
    t
};

/// Appends `bytes` to `out`, percent-encoding those in `set` (and every non-ASCII byte).
fn encode(out: &mut String, bytes: &[u8], set: u8) {
    for &b in bytes {
        if ENCODE
            .get(usize::from(b))
            .is_some_and(|bits| bits & set == 0)
        {
            out.push(char::from(b));
        } else {
            push_escape(out, b);
        }
    }
}

/// Appends `b` as a percent escape with upper-case hex digits (`%2F`).
pub(crate) fn push_escape(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 15)]));
}

/// The byte two hex digits spell, as percent escapes write it.
pub(crate) fn hex_byte(digits: &[u8]) -> Option<u8> {
    let digit = |d: u8| char::from(d).to_digit(16);
    let (high, low) = (digit(digits[0])?, digit(digits[1])?);
    u8::try_from(high * 16 + low).ok()
}

/// `bytes` with its percent escapes (`%` and two hex digits) decoded; other `%`s stay.
pub(crate) fn percent_decode(bytes: &[u8]) -> Cow<'_, [u8]> {
    if !bytes.contains(&b'%') {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match bytes.get(i + 1..i + 3).and_then(hex_byte) {
            Some(d) if b == b'%' => {
                out.push(d);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

/// The standard's host parser for special URLs: appends the serialized host, or `None` when
/// `input` is not a valid host.
fn parse_host(out: &mut String, input: &[u8]) -> Option<()> {
    if let Some(inside) = input.strip_prefix(b"[") {
        let pieces = parse_ipv6(inside.strip_suffix(b"]")?)?;
        write_ipv6(out, &pieces);
        return Some(());
    }
    let domain = percent_decode(input).to_ascii_lowercase();
    // Forbidden domain code points; and non-ASCII, which only Unicode tables could map.
    let forbidden = |c: &u8| *c <= b' ' || *c >= 0x7f || b"%#/:<>?@[\\]^|".contains(c);
    if domain.is_empty() || domain.iter().any(forbidden) {
        return None;
    }
    if ends_in_a_number(&domain) {
        let [a, b, c, d] = parse_ipv4(&domain)?.to_be_bytes();
        let _ = write!(out, "{a}.{b}.{c}.{d}");
    } else {
        // Checked above: only ASCII.
        out.extend(domain.iter().map(|&c| char::from(c)));
    }
    Some(())
}

/// Whether the last label (before a final dot) is a number, which makes the host an IPv4
/// address (or invalid): decimal digits, or `0x` and hex digits.
fn ends_in_a_number(domain: &[u8]) -> bool {
    let domain = domain.strip_suffix(b".").unwrap_or(domain);
    let last = domain.rsplit(|&c| c == b'.').next().unwrap_or(domain);
    let hex = last
        .strip_prefix(b"0x")
        .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
    (!last.is_empty() && last.iter().all(u8::is_ascii_digit)) || hex
}

/// The standard's IPv4 parser: one to four numbers, decimal, octal (`0…`) or hex (`0x…`),
/// the last filling the remaining bytes.
fn parse_ipv4(domain: &[u8]) -> Option<u32> {
    let domain = domain.strip_suffix(b".").unwrap_or(domain);
    let parts: Vec<&[u8]> = domain.split(|&c| c == b'.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(4);
    for part in &parts {
        let (digits, radix) = match part {
            [b'0', b'x', rest @ ..] => (rest, 16),
            [b'0', rest @ ..] if !rest.is_empty() => (rest, 8),
            [] => return None,
            _ => (*part, 10),
        };
        let number = digits.iter().try_fold(0u32, |n, &d| {
            let d = char::from(d).to_digit(radix)?;
            n.checked_mul(radix)?.checked_add(d)
        });
        // A digit outside the radix makes the host invalid, as does a number above 2^32.
        numbers.push(number?);
    }
    let last = numbers.pop()?;
    let bits = 8 * numbers.len() as u32;
    if u64::from(last) >= 1u64 << (32 - bits) || numbers.iter().any(|&n| n > 255) {
        return None;
    }
    Some(
        last + numbers
            .iter()
            .enumerate()
            .map(|(at, n)| n << (24 - 8 * at))
            .sum::<u32>(),
    )
}

/// The standard's IPv6 parser: eight 16-bit pieces, `::` for a run of zeros, and an IPv4
/// address in the last two.
fn parse_ipv6(input: &[u8]) -> Option<[u16; 8]> {
    let mut pieces = [0u16; 8];
    let (mut piece, mut compress) = (0, None);
    let mut i = 0;
    if input.first() == Some(&b':') {
        if input.get(1) != Some(&b':') {
            return None;
        }
        i = 2;
        piece = 1;
        compress = Some(1);
    }
    while i < input.len() {
        if piece == 8 {
            return None;
        }
        if input[i] == b':' {
            if compress.is_some() {
                return None;
            }
            i += 1;
            piece += 1;
            compress = Some(piece);
            continue;
        }
        let start = i;
        let mut value = 0u16;
        while i < input.len().min(start + 4) {
            let Some(digit) = char::from(input[i]).to_digit(16) else {
                break;
            };
            value = value * 16 + digit as u16;
            i += 1;
        }
        match input.get(i) {
            Some(b'.') => {
                if i == start || piece > 6 {
                    return None;
                }
                let [a, b] = parse_ipv4_in_ipv6(&input[start..])?;
                pieces[piece] = a;
                pieces[piece + 1] = b;
                piece += 2;
                break;
            }
            Some(b':') => {
                i += 1;
                if i == input.len() {
                    return None;
                }
            }
            Some(_) => return None,
            None => {}
        }
        pieces[piece] = value;
        piece += 1;
    }
    match compress {
        Some(at) => {
            // Move the pieces after `::` to the end.
            let moved = piece - at;
            pieces.copy_within(at..piece, 8 - moved);
            pieces[at..8 - moved].fill(0);
        }
        None if piece != 8 => return None,
        None => {}
    }
    Some(pieces)
}

/// The dotted IPv4 address that ends an IPv6 address, as two pieces: four decimal numbers up
/// to 255, without leading zeros.
fn parse_ipv4_in_ipv6(input: &[u8]) -> Option<[u16; 2]> {
    let mut numbers = [0u16; 4];
    let mut seen = 0;
    for part in input.split(|&c| c == b'.') {
        if seen == 4 || part.is_empty() || (part.len() > 1 && part[0] == b'0') {
            return None;
        }
        let mut n = 0u16;
        for &d in part {
            n = n * 10 + u16::from(char::from(d).to_digit(10)? as u8);
            if n > 255 {
                return None;
            }
        }
        numbers[seen] = n;
        seen += 1;
    }
    (seen == 4).then(|| [numbers[0] << 8 | numbers[1], numbers[2] << 8 | numbers[3]])
}

/// `[pieces]` in hex, the first longest run of two or more zero pieces written `::`.
fn write_ipv6(out: &mut String, pieces: &[u16; 8]) {
    // The longest run of zeros, as (start, end).
    let mut longest = (0, 0);
    let mut i = 0;
    while i < 8 {
        let start = i;
        while i < 8 && pieces[i] == 0 {
            i += 1;
        }
        if i - start > longest.1 - longest.0 {
            longest = (start, i);
        }
        i += 1;
    }
    let compress = longest.1 - longest.0 >= 2;
    out.push('[');
    let mut i = 0;
    while i < 8 {
        if compress && i == longest.0 {
            out.push_str(if i == 0 { "::" } else { ":" });
            i = longest.1;
            continue;
        }
        let _ = write!(out, "{:x}", pieces[i]);
        if i < 7 {
            out.push(':');
        }
        i += 1;
    }
    out.push(']');
}
