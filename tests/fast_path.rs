//! Property tests of the classifier's shortcuts (the "certainly not Amazon" prefilter and the
//! fast path for plain links): whatever the input and the page, they give exactly what the full
//! WHATWG parser gives, so no Amazon link is ever missed and no lookalike is ever taken for one.

use linkscope::{Classifier, Kind};
use proptest::prelude::*;

/// Pages the links are found on: none, other sites, Amazon stores and shorteners, odd ones.
const BASES: &[Option<&str>] = &[
    None,
    Some("https://blog.example.org/2026/kettles/"),
    Some("https://www.amazon.de/gp/x?tag=a-21"),
    Some("http://amazon.co.jp/"),
    Some("https://amzn.to/x"),
    Some("https://www.amazon.com:8443/"),
    Some("https://WWW.AMAZON.COM./"),
    Some("ftp://www.amazon.com/"),
    Some("https://amazon.com.evil.io/"),
];

/// Every base gives the same classification through the shortcuts as through the parser.
fn agrees(input: &str) -> Result<(), TestCaseError> {
    for base in BASES {
        let c = Classifier::new(*base);
        let fast = c.classify(input);
        let reference = c.classify_reference(input);
        prop_assert_eq!(&fast, &reference, "input {:?} on {:?}", input, base);
    }
    Ok(())
}

/// Ways to spell a host that only the parser can judge.
const TWISTS: &[fn(&str) -> String] = &[
    |h: &str| h.to_owned(),
    |h: &str| h.to_ascii_uppercase(),
    |h: &str| format!("{h}."),
    |h: &str| format!("{h}.."),
    |h: &str| format!("{h}:443"),
    |h: &str| format!("{h}:80"),
    |h: &str| format!("{h}:"),
    |h: &str| format!("user@{h}"),
    |h: &str| format!("{h}@evil.io"),
    |h: &str| format!("{h}.evil.io"),
    |h: &str| format!("evil.{h}"),
    |h: &str| format!("my{h}"),
    |h: &str| h.replace('.', "%2E"),
    |h: &str| h.replacen('a', "%61", 1),
    |h: &str| h.replace('.', "\u{3002}"),
    |h: &str| h.replace('.', "\u{ff0e}"),
    |h: &str| h.replacen('a', "\u{430}", 1),
    |h: &str| h.replacen('a', "A", 1),
    |h: &str| h.replacen('m', "\tm", 1),
    |h: &str| h.replacen('.', "\n.", 1),
    |h: &str| format!("xn--{h}"),
    |h: &str| format!("[{h}]"),
    |h: &str| format!(" {h}"),
];

/// Hosts that are Amazon's, or look like it, or are spelled so that only the parser can tell.
fn lookalike_host() -> impl Strategy<Value = String> {
    let real = prop_oneof![
        Just("www.amazon.com"),
        Just("amazon.co.uk"),
        Just("smile.amazon.de"),
        Just("m.amazon.co.jp"),
        Just("amazon.jp"),
        Just("amzn.to"),
        Just("amzn.com"),
        Just("a.co"),
        Just("amzn.eu"),
    ];
    prop_oneof![
        (real, 0..TWISTS.len()).prop_map(|(h, i)| TWISTS[i](h)),
        "[a-z0-9.-]{0,12}(amazon|amzn|a\\.co)[a-z0-9.-]{0,12}",
        "[a-zA-Z0-9.%@:\\[\\]\u{3002}\u{430}-]{0,20}",
        Just("1.2.3.4".to_owned()),
        Just("0x7f.1".to_owned()),
    ]
}

/// Links built from schemes, separators, lookalike hosts, Amazon paths and queries.
fn lookalike_link() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just("https"),
        Just("http"),
        Just("HTTPS"),
        Just("hTTp"),
        Just("ftp"),
        Just("javascript"),
        Just("ws"),
        Just(""),
    ];
    let separator = prop_oneof![
        Just("://"),
        Just(":"),
        Just(":/"),
        Just(":///"),
        Just(":\\\\"),
        Just(":/\\"),
        Just("//"),
        Just(" ://"),
    ];
    let segment = prop_oneof![
        Just("dp"),
        Just("gp"),
        Just("product"),
        Just("B08N5WRWNW"),
        Just("b08n5wrwnw"),
        Just("exec/obidos/ASIN"),
        Just("-/en"),
        Just("s"),
        Just("b"),
        Just("zgbs"),
        Just("ref=sr_1_1"),
        Just("."),
        Just(".."),
        Just("%2e"),
        Just("%2E%2e"),
        Just(""),
        Just("a b"),
        Just("\u{e9}"),
        Just("x\\y"),
        Just("\"q\""),
        Just("{x}"),
        Just("me-20"),
    ];
    let path = proptest::collection::vec(segment, 0..6).prop_map(|s| s.join("/"));
    let query = proptest::option::of(
        "(tag|ascsubtag|th|psc|k|node|ref|qid|t%61g)=([a-z0-9-]|%2[0-9A-F]|%|\\+|&|=|\\?| |'|\"|\t|\u{e9}){0,12}",
    );
    let fragment = proptest::option::of("[a-z#?/ ]{0,6}");
    (scheme, separator, lookalike_host(), path, query, fragment).prop_map(
        |(scheme, sep, host, path, query, fragment)| {
            let mut s = format!("{scheme}{sep}{host}/{path}");
            if let Some(q) = query {
                s.push('?');
                s.push_str(&q);
            }
            if let Some(f) = fragment {
                s.push('#');
                s.push_str(&f);
            }
            s
        },
    )
}

/// Relative links as pages write them.
fn relative_link() -> impl Strategy<Value = String> {
    let start = prop_oneof![
        Just("/"),
        Just("//"),
        Just("/\\"),
        Just("\\"),
        Just("./"),
        Just("../"),
        Just("?"),
        Just("#"),
        Just(""),
        Just(" /"),
        Just("\t/"),
    ];
    (start, "[a-zA-Z0-9/.=?&%#-]{0,30}").prop_map(|(a, b)| format!("{a}{b}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn lookalike_links_classify_as_the_parser_says(s in lookalike_link()) {
        agrees(&s)?;
    }

    #[test]
    fn relative_links_classify_as_the_parser_says(s in relative_link()) {
        agrees(&s)?;
    }

    #[test]
    fn arbitrary_strings_classify_as_the_parser_says(s in "\\PC{0,60}") {
        agrees(&s)?;
    }

    /// The fast path's quick look at a plain host (no `z` and not starting `a.co`: not Amazon)
    /// holds for the parser: no such host is Amazon's, however the rest of the link reads.
    #[test]
    fn plain_hosts_without_a_z_are_never_amazon(host in "[a-y0-9.-]{1,24}", path in "(/[a-zA-Z0-9=?&-]{0,12}){0,3}") {
        prop_assume!(!host.starts_with("a.co"));
        for scheme in ["https", "http"] {
            let link = format!("{scheme}://{host}{path}");
            prop_assert_eq!(Classifier::new(None).classify_reference(&link).kind, Kind::NotAmazon, "{}", link);
            agrees(&link)?;
        }
    }

    #[test]
    fn link_shaped_ascii_classifies_as_the_parser_says(s in "(https?://)?[ -~]{0,50}") {
        agrees(&s)?;
    }
}

#[test]
fn plain_amazon_links_take_the_fast_path_and_lookalikes_are_refused() {
    let c = Classifier::new(Some("https://www.amazon.co.uk/"));
    for (input, kind) in [
        (
            "https://www.amazon.de/dp/B08N5WRWNW?tag=me-21",
            Kind::Product,
        ),
        ("/dp/B08N5WRWNW", Kind::Product),
        ("/-/en/s?k=kettle", Kind::Search),
        ("https://amzn.to/3xYz", Kind::Short),
        ("https://amazon.com.evil.io/dp/B08N5WRWNW", Kind::NotAmazon),
        (
            "https://www.amazon.com@evil.io/dp/B08N5WRWNW",
            Kind::NotAmazon,
        ),
        ("https://www.amazon.com:8080/dp/B08N5WRWNW", Kind::NotAmazon),
        ("https://WWW.AMAZON.COM/dp/B08N5WRWNW", Kind::Product),
        ("https:\\\\www.amazon.com\\dp\\B08N5WRWNW", Kind::Product),
    ] {
        assert_eq!(c.classify(input).kind, kind, "{input}");
        assert_eq!(c.classify(input), c.classify_reference(input), "{input}");
    }
}
