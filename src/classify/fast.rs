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
use scan::skip;

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
        i = skip(b, i, &scan::PATH);
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
    let end = skip(b, i + 1, &scan::QUERY);
    match b.get(end) {
        None | Some(b'#') => Some((path, Some(&rest[i + 1..end]))),
        Some(_) => None,
    }
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
        i = skip(after, i, &scan::HOST);
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

/// How the fast path looks at bytes. WebAssembly is built for size and native code for speed,
/// so each build has its own: the wasm32 build looks bytes up one by one in 256-entry tables
/// ([`bytewise`]); x86_64 builds test sixteen bytes at once with SSE2 ([`sse2`]), other native
/// builds eight on a `u64` ([`swar`]). With the store-key perfect hash of `match_host`, eight
/// at once took `linkscope-bench` from 7.7 to 8.7 M links/s, sixteen from 9.9 to 10.9 (2026-11);
/// in the wasm they would cost about 0.5 KB gzipped, which its size budget has no room for. The
/// native tests check each against the tables.
#[cfg(target_arch = "wasm32")]
use bytewise as scan;
#[cfg(target_arch = "x86_64")]
use sse2 as scan;
#[cfg(not(any(target_arch = "wasm32", target_arch = "x86_64")))]
use swar as scan;

/// The byte sets of the fast path as tables, a byte at a time: the sets' definition, and the
/// wasm32 build's scan.
#[cfg(any(test, target_arch = "wasm32"))]
mod bytewise {
    /// Where the first byte of `b` from `at` on that is not in `set` is (`b.len()` if none):
    /// eight bytes to a test while they last, as most bytes of a link are plain.
    pub(super) fn skip(b: &[u8], mut at: usize, set: &[bool; 256]) -> usize {
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

    /// Host bytes that need no second look: letters but `z`, digits and dots.
    pub(super) static HOST: [bool; 256] = {
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
    pub(super) static PATH: [bool; 256] = byte_set(b"-_~!$&()*+,;=:@/");

    /// Bytes of a query the parser copies unchanged: those of a path, and `.%?`.
    pub(super) static QUERY: [bool; 256] = byte_set(b"-._~!$&()*+,;=:@/%?");

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
}

/// The byte sets of the fast path as the many-at-once scans ([`swar`], [`sse2`]) test them,
/// written once for both.
#[cfg(any(test, not(target_arch = "wasm32")))]
mod sets {
    /// A set of bytes: ASCII letters of either case when `letters`, the bytes of each range
    /// `lo..=hi` (within 0x01..=0x7e), tested many at once; and the `rare` bytes, rare in links,
    /// looked at one by one where a test stops.
    #[derive(Debug)]
    pub(super) struct ByteSet {
        pub(super) letters: bool,
        pub(super) ranges: &'static [(u8, u8)],
        pub(super) rare: &'static [u8],
    }

    impl ByteSet {
        pub(super) fn rare(&self, c: u8) -> bool {
            self.rare.contains(&c)
        }

        /// Where the first byte of `b` from `at` on that is not in the set is (`b.len()` if
        /// none), for a scan of `width` bytes to a step: `stops(at)` flags the bytes of the step
        /// from `at` that its test of many at once does not pass (bytes past the end pass
        /// none), `per_byte` bits to a byte, the first lowest; a rare byte there is looked at
        /// alone. Inlined at each call, so that the set's test is compiled in (1% fewer
        /// instructions in the bench than when left to the compiler).
        #[inline(always)]
        pub(super) fn skip(
            &self,
            b: &[u8],
            mut at: usize,
            (width, per_byte): (usize, u32),
            stops: impl Fn(usize) -> u64,
        ) -> usize {
            loop {
                let stops = stops(at);
                if stops == 0 {
                    at += width;
                    continue;
                }
                let stop = at + (stops.trailing_zeros() / per_byte) as usize;
                match b.get(stop) {
                    Some(&c) if self.rare(c) => at = stop + 1,
                    _ => return stop.min(b.len()),
                }
            }
        }
    }

    /// Host bytes that need no second look: letters but `z`, digits and dots.
    pub(in super::super) const HOST: ByteSet = ByteSet {
        letters: false,
        ranges: &[(b'a', b'y'), (b'0', b'9'), (b'.', b'.')],
        rare: &[],
    };

    /// Bytes of a path the parser copies unchanged and that need no second look: letters,
    /// digits and `&()*+,-/:;=_`, and the rare `!$@~` (not `.` and `%`, which may spell a dot
    /// segment).
    pub(in super::super) const PATH: ByteSet = ByteSet {
        letters: true,
        ranges: &[
            (b'(', b'-'),
            (b'/', b';'),
            (b'&', b'&'),
            (b'=', b'='),
            (b'_', b'_'),
        ],
        rare: b"!$@~",
    };

    /// Bytes of a query the parser copies unchanged: letters, digits and `%&()*+,-./:;=?_`, and
    /// the rare `!$@~`.
    pub(in super::super) const QUERY: ByteSet = ByteSet {
        letters: true,
        ranges: &[
            (b'%', b'&'),
            (b'(', b';'),
            (b'?', b'?'),
            (b'=', b'='),
            (b'_', b'_'),
        ],
        rare: b"!$@~",
    };
}

/// The byte sets of the fast path as tests of eight bytes at once (SWAR: SIMD within a
/// register, on a `u64`): native builds' scan. The same sets as [`bytewise`]'s tables.
#[cfg(any(test, not(any(target_arch = "wasm32", target_arch = "x86_64"))))]
mod swar {
    use crate::words::{bytes_in, word, HIGH, ONES};

    pub(super) use super::sets::{ByteSet, HOST, PATH, QUERY};

    /// The high bit of each byte of `w` that is in `set` and not rare.
    #[inline(always)]
    pub(super) fn plain(set: &ByteSet, w: u64) -> u64 {
        // `bytes_in` takes ASCII: the high bits are cleared, and the bytes that had them left
        // out at the end.
        let x = w & !HIGH;
        let letters = if set.letters {
            bytes_in(x | CASE, b'a', b'z')
        } else {
            0
        };
        let ranges = set.ranges.iter().map(|&(lo, hi)| bytes_in(x, lo, hi));
        ranges.fold(letters, |all, one| all | one) & !w & HIGH
    }

    /// Where the first byte of `b` from `at` on that is not in `set` is (`b.len()` if none):
    /// eight bytes to a step, tested together, so that neither the bytes nor finding the end
    /// take a loop of their own. Past the end, bytes read as 0, which no test passes.
    #[inline(always)]
    pub(super) fn skip(b: &[u8], at: usize, set: &ByteSet) -> usize {
        set.skip(b, at, (8, 8), |at| !plain(set, word(b, at)) & HIGH)
    }

    /// The bit that tells lower-case ASCII letters from upper-case ones, in every byte.
    const CASE: u64 = ONES * 0x20;
}

/// The byte sets of the fast path as tests of sixteen bytes at once with SSE2, which every
/// x86_64 processor has: x86_64 builds' scan. The same sets as [`bytewise`]'s tables.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use crate::words::sse2::{flags, Flags};

    pub(super) use super::sets::{ByteSet, HOST, PATH, QUERY};

    /// A bit for each of the sixteen bytes of `b` from `at` on, the first lowest: set when the
    /// byte is in `set` and not rare; none past the end.
    #[inline(always)]
    pub(super) fn plain(set: &ByteSet, b: &[u8], at: usize) -> u32 {
        flags(b, at, |v| {
            let letters = if set.letters {
                v.letters()
            } else {
                Flags::none()
            };
            let ranges = set.ranges.iter().map(|&(lo, hi)| match lo == hi {
                true => v.equal(lo),
                false => v.within(lo, hi),
            });
            ranges.fold(letters, |all, one| all | one)
        })
    }

    /// Where the first byte of `b` from `at` on that is not in `set` is (`b.len()` if none):
    /// sixteen bytes to a step.
    #[inline(always)]
    pub(super) fn skip(b: &[u8], at: usize, set: &ByteSet) -> usize {
        set.skip(b, at, (16, 1), |at| u64::from(!plain(set, b, at) & 0xffff))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::marketplace::{MARKETPLACES, SHORT_HOSTS};

    /// A native scan of a set.
    #[derive(Clone, Copy, Debug)]
    enum Scan {
        Eight(&'static sets::ByteSet),
        #[cfg(target_arch = "x86_64")]
        Sixteen(&'static sets::ByteSet),
    }

    impl Scan {
        /// Where the scan stops in `b` from `at` on.
        fn skip(self, b: &[u8], at: usize) -> usize {
            match self {
                Scan::Eight(set) => swar::skip(b, at, set),
                #[cfg(target_arch = "x86_64")]
                Scan::Sixteen(set) => sse2::skip(b, at, set),
            }
        }

        /// The bytes of sixteen that the scan passes without a second look, a bit each, the
        /// first lowest.
        fn plain(self, b: &[u8; 16]) -> u32 {
            match self {
                Scan::Eight(set) => {
                    // The high bit of each byte of a word, as a bit a byte.
                    let bits =
                        |w: u64| (0..8).fold(0, |bits, k| bits | (w >> (8 * k + 7) & 1) << k);
                    let half = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
                    let plain = |w| bits(swar::plain(set, w));
                    (plain(half(0)) | plain(half(8)) << 8) as u32
                }
                #[cfg(target_arch = "x86_64")]
                Scan::Sixteen(set) => sse2::plain(set, b, 0),
            }
        }

        /// Whether the scan passes `c` after a second look.
        fn rare(self, c: u8) -> bool {
            match self {
                Scan::Eight(set) => set.rare(c),
                #[cfg(target_arch = "x86_64")]
                Scan::Sixteen(set) => set.rare(c),
            }
        }
    }

    /// Each native scan of each set, beside the table that defines the set.
    fn scans() -> Vec<(Scan, &'static [bool; 256])> {
        let tables = [&bytewise::HOST, &bytewise::PATH, &bytewise::QUERY];
        let eight = [&swar::HOST, &swar::PATH, &swar::QUERY].map(Scan::Eight);
        let scans = eight.into_iter().zip(tables);
        #[cfg(target_arch = "x86_64")]
        let scans = scans.chain(
            [&sse2::HOST, &sse2::PATH, &sse2::QUERY]
                .map(Scan::Sixteen)
                .into_iter()
                .zip(tables),
        );
        scans.collect()
    }

    /// The many-at-once tests pass the bytes of their table and no other, in every place and
    /// whatever the other bytes; with the rare bytes looked at one by one, each set is its
    /// table exactly.
    #[test]
    fn many_at_once_tests_pass_the_bytes_of_their_tables() {
        for (scan, table) in scans() {
            for c in 0..=255u8 {
                for place in 0..16 {
                    for fill in [0u8, b'a', b'%', b'~', 0x7f, 0x80, 0xff, c] {
                        let mut bytes = [fill; 16];
                        bytes[place] = c;
                        let passed = scan.plain(&bytes) >> place & 1 == 1;
                        let rare = scan.rare(c);
                        assert_eq!(passed || rare, table[usize::from(c)], "{scan:?}: {c:#x}");
                        assert!(!(passed && rare), "{scan:?}: {c:#x} is passed twice");
                    }
                }
            }
        }
    }

    /// The scans stop at the same byte as the tables: every byte in every place of the first
    /// 34 bytes of a link of plain bytes (or rare ones), from every start, whatever the link's
    /// length.
    #[test]
    fn scans_stop_where_the_tables_stop() {
        for (scan, table) in scans() {
            for fill in [b'a', b'~'] {
                for c in 0..=255u8 {
                    for place in 0..34 {
                        for len in [place + 1, place + 2, 34] {
                            let mut b = vec![fill; len];
                            b[place] = c;
                            for start in 0..=len {
                                assert_eq!(
                                    scan.skip(&b, start),
                                    bytewise::skip(&b, start, table),
                                    "{scan:?}: {c:#x} at {place} of {len} from {start} in {fill:#x}"
                                );
                            }
                        }
                    }
                }
            }
            let link = b"www.amazon.co.uk/dp/B08N5WRWNW/ref=sr_1_1?tag=a-21&k=x%20y!@$~#z";
            for end in 0..=link.len() {
                for start in 0..=end {
                    let b = &link[..end];
                    let expected = bytewise::skip(b, start, table);
                    assert_eq!(scan.skip(b, start), expected, "{scan:?}");
                }
            }
        }
    }

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
