//! The core's own URL parser (src/http_url.rs) against the `url` crate, which the core used
//! before: on inputs biased toward what makes URLs tricky, with and without a base page, it
//! gives the same http(s) URLs part for part, fails where `url` fails, and classification and
//! redirect resolution come out the same as with `url`.

use linkscope::http_url::{resolve_location, HttpUrl};
use linkscope::{classify, Classifier, Kind, Link};
use proptest::prelude::*;
use url::Url;

/// Pages links are found on (and redirects come from).
fn base() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("https://www.amazon.com/dir/page?q=1#frag".to_owned())),
        Just(Some("http://amzn.to/x".to_owned())),
        Just(Some("https://u:p@a.co:8443/a/b/".to_owned())),
        Just(Some("HTTP://[::1]/x/./y/..".to_owned())),
        Just(Some("https://www.amazon.de".to_owned())),
        Just(Some("file:///home/x.html".to_owned())),
        Just(Some("ftp://www.amazon.com/".to_owned())),
        Just(Some("mailto:x@amazon.com".to_owned())),
        url_like().prop_map(Some),
    ]
}

/// The base pages a redirect can come from: http(s) URLs.
fn http_base() -> impl Strategy<Value = String> {
    base().prop_filter_map("an http(s) base", |b| {
        b.filter(|b| Url::parse(b).is_ok_and(|u| u.scheme().starts_with("http")))
    })
}

/// Strings built from the pieces that make URLs tricky, and some free-form ones.
fn url_like() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just("https:"),
        Just("http:"),
        Just("HtTpS:"),
        Just("HTTP:"),
        Just(""),
        Just("ftp:"),
        Just("javascript:"),
        Just("h t:"),
        Just("\u{1} \thttp:"),
    ];
    let slashes = prop_oneof![
        Just(""),
        Just("/"),
        Just("//"),
        Just("\\\\"),
        Just("/\\"),
        Just("///"),
        Just("/\t/"),
        Just("\\"),
    ];
    let userinfo = prop_oneof![
        Just(""),
        Just(""),
        Just("user@"),
        Just("u:p@"),
        Just(":@"),
        Just("@"),
        Just("a@b:c@"),
        Just("%40:x:y;[]^|`{}@"),
        Just("é :\"<>@"),
    ];
    let host = prop_oneof![
        Just("www.amazon.com".to_owned()),
        Just("WWW.AMAZON.co.UK.".to_owned()),
        Just("a.co".to_owned()),
        Just("amzn.to".to_owned()),
        Just("127.0.0.1".to_owned()),
        Just("0x7F.1".to_owned()),
        Just("0177.0.0.1".to_owned()),
        Just("4294967295".to_owned()),
        Just("4294967296".to_owned()),
        Just("1.2.3.4.".to_owned()),
        Just("1.256.3".to_owned()),
        Just("09".to_owned()),
        Just("0x".to_owned()),
        Just("a.0x1g".to_owned()),
        Just("[::1]".to_owned()),
        Just("[1:0:0:0:0:0:0:1]".to_owned()),
        Just("[::FFFF:1.2.3.4]".to_owned()),
        Just("[0:0:1::]".to_owned()),
        Just("[1:0:0:2:0:0:0:3]".to_owned()),
        Just("[1::2::3]".to_owned()),
        Just("[::1.2.3.04]".to_owned()),
        Just("[1:2:3:4:5:6:7:8:9]".to_owned()),
        Just("xn--bcher-kva.de".to_owned()),
        Just("XN--BCHER-KVA.de".to_owned()),
        Just("xn--a".to_owned()),
        Just("xn--ls8h.la".to_owned()),
        Just("xn--1ug.x".to_owned()),
        Just("ex%41mple.com".to_owned()),
        Just("amazon%2Ecom".to_owned()),
        Just("a%zzb".to_owned()),
        Just("a%25b".to_owned()),
        Just("a b".to_owned()),
        Just("ａｍａｚｏｎ。ｃｏｍ".to_owned()),
        Just("ａｍａｚｏｎ%E3%80%82com".to_owned()),
        Just("é.com".to_owned()),
        Just("a..b".to_owned()),
        Just(String::new()),
        Just("a^b".to_owned()),
        Just("a_b~!$&'()*+,;=".to_owned()),
        "[a-zA-Z0-9.%:@\\[\\]-]{0,12}",
        "xn--[a-z0-9-]{0,8}",
        "[0-9a-fx.]{1,12}",
        "\\[[0-9a-f:.]{0,14}\\]",
    ];
    let port = prop_oneof![
        Just(""),
        Just(""),
        Just(":"),
        Just(":80"),
        Just(":443"),
        Just(":0080"),
        Just(":65535"),
        Just(":65536"),
        Just(":99999999999"),
        Just(":8080"),
        Just(":8x"),
    ];
    let segment = prop_oneof![
        Just("dp".to_owned()),
        Just("B08N5WRWNW".to_owned()),
        Just(".".to_owned()),
        Just("..".to_owned()),
        Just("%2e".to_owned()),
        Just(".%2E".to_owned()),
        Just("%2E%2e".to_owned()),
        Just("%2e.".to_owned()),
        Just("...".to_owned()),
        Just("a b\"<>".to_owned()),
        Just("é".to_owned()),
        Just("{x}`^|'".to_owned()),
        Just("c:".to_owned()),
        Just("Z|".to_owned()),
        Just("%".to_owned()),
        Just("%zz%41".to_owned()),
        Just("\t".to_owned()),
        "\\PC{0,6}",
    ];
    let path = proptest::collection::vec((segment, prop_oneof![Just("/"), Just("\\")]), 0..5)
        .prop_map(|segments| {
            segments
                .into_iter()
                .map(|(s, sep)| format!("{s}{sep}"))
                .collect::<String>()
        });
    let query = prop_oneof![
        Just("".to_owned()),
        Just("?".to_owned()),
        Just("?tag=me-20&a='\"<>`{}".to_owned()),
        Just("?a#b".to_owned()),
        Just("?é %".to_owned()),
        "\\?\\PC{0,8}",
    ];
    let fragment = prop_oneof![Just(""), Just("#"), Just("#f `<>\"'{}é"), Just("#a#b?c")];
    let built = (scheme, slashes, userinfo, host, port, path, query, fragment).prop_map(
        |(scheme, slashes, userinfo, host, port, path, query, fragment)| {
            format!("{scheme}{slashes}{userinfo}{host}{port}/{path}{query}{fragment}")
        },
    );
    // Relative forms: paths, queries and fragments alone.
    let relative = (
        prop_oneof![
            Just(""),
            Just("/"),
            Just("\\"),
            Just("./"),
            Just("../"),
            Just("http:"),
            Just("https:")
        ],
        "[a-z.%2e/\\\\?#]{0,10}",
    )
        .prop_map(|(head, tail)| format!("{head}{tail}"));
    prop_oneof![
        6 => built,
        2 => relative,
        1 => "[a-zA-Z0-9:/\\\\.%@?#\\[\\] \t-]{0,30}",
        1 => "\\PC{0,20}",
    ]
}

/// What the `url` crate makes of `input` on `base` (as the core parsed before: a base that does
/// not parse is no base).
fn theirs(input: &str, base: Option<&str>) -> Option<Url> {
    match base.and_then(|b| Url::parse(b).ok()) {
        Some(base) => base.join(input).ok(),
        None => Url::parse(input).ok(),
    }
}

/// What the core's parser makes of it: a base that is not http(s) adds nothing it can use.
fn ours(input: &str, base: Option<&str>) -> Option<HttpUrl> {
    match base.and_then(HttpUrl::parse) {
        Some(base) => base.join(input),
        None => HttpUrl::parse(input),
    }
}

fn is_http(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// The same http(s) URL, part for part, or none.
fn same_url(input: &str, base: Option<&str>) -> Result<(), TestCaseError> {
    if base_only_ours(base) {
        return Ok(());
    }
    let ours = ours(input, base);
    match theirs(input, base).filter(is_http) {
        Some(url) => {
            let ours = ours.ok_or_else(|| {
                TestCaseError::fail(format!(
                    "{input:?} on {base:?}: url gives {url}, ours nothing"
                ))
            })?;
            prop_assert_eq!(ours.as_str(), url.as_str(), "{:?} on {:?}", input, base);
            prop_assert_eq!(ours.scheme(), url.scheme());
            prop_assert_eq!(Some(ours.host()), url.host_str());
            prop_assert_eq!(ours.port(), url.port());
            prop_assert_eq!(ours.path(), url.path());
            prop_assert_eq!(ours.query(), url.query());
            prop_assert_eq!(ours.fragment(), url.fragment());
        }
        None => prop_assert!(
            ours.as_ref().is_none_or(punycode_only),
            "{:?} on {:?}: ours {:?}",
            input,
            base,
            ours
        ),
    }
    Ok(())
}

/// Where only `url` refuses a URL: its host has an `xn--` label (`url` refuses invalid Punycode,
/// the core takes the label as written), and such a host is not Amazon's.
fn punycode_only(url: &HttpUrl) -> bool {
    url.host().split('.').any(|label| label.starts_with("xn--"))
        && classify(url.as_str()).kind == Kind::NotAmazon
}

/// A base `url` refuses only for its Punycode: the two read links on it differently (`url` as
/// if there were no base), so nothing is compared. A page's URL is one the browser took, and the
/// core takes such a base as the browser gave it.
fn base_only_ours(base: Option<&str>) -> bool {
    base.is_some_and(|b| {
        Url::parse(b).is_err() && HttpUrl::parse(b).is_some_and(|b| punycode_only(&b))
    })
}

/// The classifier's reference as it was with the `url` crate: the WHATWG parse (retried with
/// the host's Unicode forms of ASCII mapped), then the http(s) URL's parts classified.
fn url_reference(input: &str, base: Option<&str>) -> Link {
    let base = base.and_then(|b| Url::parse(b).ok());
    let parse = |input: &str| match &base {
        Some(base) => base.join(input),
        None => Url::parse(input),
    };
    let parsed = parse(input).or_else(|e| ascii_host_form(input).map_or(Err(e), |m| parse(&m)));
    match parsed {
        // Its serialization is what classification reads: the parts, each as `url` wrote it.
        Ok(url) if is_http(&url) && url.port().is_none() => {
            classify_parts(url.host_str().unwrap_or(""), url.path(), url.query())
        }
        _ => Link {
            kind: Kind::NotAmazon,
            marketplace: None,
            asin: None,
            tag: None,
            subtag: None,
            clean: None,
            problem: None,
        },
    }
}

/// Classifies an http(s) URL given as its parts, through an input no parser can read another
/// way (the parts are as `url` serialized them).
fn classify_parts(host: &str, path: &str, query: Option<&str>) -> Link {
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Classifier::new(None).classify_reference(&format!("https://{host}{path}{query}"))
}

/// The copy of classify.rs's `ascii_host_form` the `url`-based reference used (with `url`'s
/// percent decoding).
fn ascii_host_form(input: &str) -> Option<String> {
    let rest = input.trim_start_matches(|c: char| c <= ' ');
    let scheme = ["https:", "http:"].into_iter().find(|s| {
        rest.get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    });
    let slashes = |s: &str| s.len() - s.trim_start_matches(['/', '\\']).len();
    let after = &rest[scheme.map_or(0, str::len)..];
    if scheme.is_none() && slashes(after) < 2 {
        return None;
    }
    let authority_start = input.len() - after.len() + slashes(after);
    let authority_len = input[authority_start..]
        .find(['/', '\\', '?', '#'])
        .unwrap_or(input.len() - authority_start);
    let authority = &input[authority_start..authority_start + authority_len];
    let host_at = authority.rfind('@').map_or(0, |at| at + 1);
    let host = authority[host_at..].split(':').next().unwrap_or("");
    if host.is_ascii() && !host.contains('%') {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(host)
        .decode_utf8()
        .ok()?;
    let mut mapped = String::with_capacity(host.len());
    for c in decoded.chars() {
        mapped.push(match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '.' => c,
            '\u{FF10}'..='\u{FF19}'
            | '\u{FF21}'..='\u{FF3A}'
            | '\u{FF41}'..='\u{FF5A}'
            | '\u{FF0D}' => char::from_u32(c as u32 - 0xFEE0)?,
            '\u{3002}' | '\u{FF0E}' | '\u{FF61}' => '.',
            _ => return None,
        });
    }
    let host_start = authority_start + host_at;
    Some(
        [
            &input[..host_start],
            &mapped,
            &input[host_start + host.len()..],
        ]
        .concat(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn parses_as_the_url_crate_does(input in url_like(), base in base()) {
        same_url(&input, base.as_deref())?;
    }

    #[test]
    fn parses_arbitrary_strings_as_the_url_crate_does(input in "\\PC{0,40}") {
        same_url(&input, None)?;
        same_url(&input, Some("https://www.amazon.com/a/b?c#d"))?;
    }

    /// The classifier's reference reads links as it did with the `url` crate.
    #[test]
    fn classifies_as_with_the_url_crate(input in url_like(), base in base()) {
        if base_only_ours(base.as_deref()) {
            return Ok(());
        }
        let c = Classifier::new(base.as_deref());
        let expected = url_reference(&input, base.as_deref());
        prop_assert_eq!(&c.classify_reference(&input), &expected, "{:?} on {:?}", input, base);
        prop_assert_eq!(&c.classify(&input), &expected, "{:?} on {:?}", input, base);
    }

    /// A redirect's Location resolves as `Url::join` resolves it; one with another scheme is
    /// kept as written, and is not Amazon.
    #[test]
    fn resolves_locations_as_the_url_crate_does(location in url_like(), base in http_base()) {
        if base_only_ours(Some(&base)) {
            return Ok(());
        }
        let ours = resolve_location(&base, &location);
        match Url::parse(&base).ok().and_then(|b| b.join(&location).ok()) {
            Some(url) if is_http(&url) => prop_assert_eq!(ours.as_deref(), Some(url.as_str())),
            Some(_) => {
                let ours = ours.ok_or_else(|| TestCaseError::fail(format!("{location:?} lost")))?;
                prop_assert_eq!(classify(&ours).kind, Kind::NotAmazon);
            }
            None => prop_assert!(
                ours.as_deref().is_none_or(|o| HttpUrl::parse(o).is_none_or(|o| punycode_only(&o))),
                "{:?} on {:?}: {:?}", location, base, ours
            ),
        }
    }
}

/// Cases from the URL Standard's examples and the `url` crate's tests, checked by hand.
#[test]
fn known_cases() {
    let cases: &[(&str, Option<&str>, Option<&str>)] = &[
        (
            " \u{1}HTTPS://WWW.Amazon.COM/dp/X?a b#c d ",
            None,
            Some("https://www.amazon.com/dp/X?a%20b#c%20d"),
        ),
        ("http:foo", None, Some("http://foo/")),
        ("http:foo", Some("http://a/b/c"), Some("http://a/b/foo")),
        ("https:foo", Some("http://a/b/c"), Some("https://foo/")),
        ("\\\\x\\y/../z", Some("http://a/"), Some("http://x/z")),
        ("//u:p@h:80/%2e%2E/./a/.%2e", None, None),
        (
            "http://u:p@h:80/%2e%2E/./a/.%2e",
            None,
            Some("http://u:p@h/"),
        ),
        ("http://0x7f.1/", None, Some("http://127.0.0.1/")),
        (
            "http://[0:0:0:0:0:ffff:102:304]/",
            None,
            Some("http://[::ffff:102:304]/"),
        ),
        ("http://ex%41mple.com/", None, Some("http://example.com/")),
        ("http://é.com/", None, None),
        ("http://a b/", None, None),
        ("?x", Some("https://h/p?q#f"), Some("https://h/p?x")),
        ("#x", Some("https://h/p?q#f"), Some("https://h/p?q#x")),
        ("", Some("https://h/p?q#f"), Some("https://h/p?q")),
        ("ftp://h/", None, None),
        // The url crate's quirk: a drive letter is never removed.
        ("http://h/c:/../a|/..", None, Some("http://h/c:/a|/")),
        ("../x", Some("http://h/c:/d"), Some("http://h/c:/x")),
        ("x", Some("http://h/c:"), Some("http://h/x")),
        // Where the core differs from url (which refuses invalid Punycode): taken as written.
        (
            "http://xn--a.Amazon.com/",
            None,
            Some("http://xn--a.amazon.com/"),
        ),
        // Decodes to U+200F, which trips a debug assertion of idna (off in Cargo.toml).
        (
            "https://xn--1ugevil.io/",
            None,
            Some("https://xn--1ugevil.io/"),
        ),
        // A base url refuses (its label starts with a joiner) is a base here.
        (
            "//1.2.3.4./",
            Some("https:xn--1ug.x/"),
            Some("https://1.2.3.4/"),
        ),
    ];
    for &(input, base, expected) in cases {
        let got = ours(input, base);
        assert_eq!(
            got.as_ref().map(HttpUrl::as_str),
            expected,
            "{input:?} on {base:?}"
        );
    }
    // Cross-checked with the url crate too.
    for &(input, base, _) in cases {
        same_url(input, base).unwrap();
    }
}
