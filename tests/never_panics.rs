//! Property tests: the core never panics, whatever the input, and its output is consistent.

use linkscope::{affiliate_link, audit, classify, generate, Classifier, Kind, Profile};
use proptest::prelude::*;

fn profile() -> Profile {
    Profile::from_json(
        r#"{"version":1,"home":"amazon.com","trackingIds":{"amazon.com":"me-20","amazon.de":"me-21"},"oneLink":["amazon.fr"]}"#,
    )
    .unwrap()
}

/// Strings shaped like links, so the fuzzing reaches deep into the classifier.
fn linkish() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just("https://"),
        Just("http://"),
        Just("//"),
        Just(""),
        Just("javascript:")
    ];
    let host = prop_oneof![
        Just("www.amazon.com".to_owned()),
        Just("amazon.co.uk".to_owned()),
        Just("amzn.to".to_owned()),
        Just("a.co".to_owned()),
        Just("amazon.com.evil.io".to_owned()),
        Just("smile.amazon.de".to_owned()),
        "[a-zA-Z0-9.%@:-]{0,20}",
        // Unicode forms browsers map to ASCII, and ones they do not.
        Just("ａｍａｚｏｎ。ｃｏｍ".to_owned()),
        "[ａｍｚｎｏａｃＡＭＺ０-９。．｡％＠／a-z.%@:-]{0,16}",
    ];
    let path = proptest::collection::vec(
        prop_oneof![
            Just("dp".to_owned()),
            Just("gp".to_owned()),
            Just("product".to_owned()),
            Just("exec".to_owned()),
            Just("obidos".to_owned()),
            Just("ASIN".to_owned()),
            Just("B08N5WRWNW".to_owned()),
            Just("ref=x".to_owned()),
            Just("-".to_owned()),
            "\\PC{0,12}",
        ],
        0..7,
    );
    let query = "(\\?(tag|ascsubtag|th|k|qid)=\\PC{0,10}(&tag=\\PC{0,6})?)?";
    (scheme, host, path, query).prop_map(|(s, h, p, q)| format!("{s}{h}/{}{q}", p.join("/")))
}

fn check(input: &str) {
    let link = classify(input);
    if let Some(clean) = &link.clean {
        // A clean link is itself an Amazon link of the same kind, and cleaning is idempotent.
        let again = classify(clean);
        assert_eq!(again.kind, link.kind, "{input:?} -> {clean:?}");
        assert_eq!(again.clean.as_deref(), Some(clean.as_str()), "{input:?}");
        // What link generation (src/links.rs) relies on to carry a clean link's parameters over
        // as written: it is what the URL parser writes, and its query is form-encoded.
        let url = url::Url::parse(clean).expect(clean);
        assert_eq!(url.as_str(), clean, "{input:?}");
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(url.query_pairs())
            .finish();
        assert_eq!(encoded, url.query().unwrap_or(""), "{input:?}");
        assert!(url.fragment().is_none(), "{input:?}");
    }
    if link.kind == Kind::NotAmazon {
        assert!(link.marketplace.is_none() && link.clean.is_none());
    }
    let p = profile();
    let _ = generate(&p, input);
    let _ = affiliate_link(&p, input, None);
    let _ = audit(&p, Some("https://www.amazon.com/x"), [input]);
    let _ = Classifier::new(Some(input)).classify(input);
    let _ = Profile::from_json(input);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_strings(s in "\\PC*") {
        check(&s);
    }

    #[test]
    fn arbitrary_bytes_as_text(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn link_shaped_strings(s in linkish()) {
        check(&s);
    }
}

#[test]
fn huge_input() {
    let long = format!(
        "https://www.amazon.com/dp/B08N5WRWNW?k={}",
        "a".repeat(1 << 20)
    );
    assert_eq!(classify(&long).kind, Kind::Product);
    check(&"%".repeat(100_000));
}
