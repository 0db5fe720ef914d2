//! The live-check core around the page judgement: short-link expansion, the request plan, the
//! policy (retries, cache), the phrase table, serialization, and properties over arbitrary input.

use linkscope::health::phrases::{Marker, PHRASES};
use linkscope::health::plan::expansion_url;
use linkscope::health::policy::parse_retry_after;
use linkscope::health::{
    check_key, expand, expansion_key, judge, judge_failure, verdict_after_expansion, Check,
    Expander, Expansion, Failure, Health, Outcome, Plan, Policy, Progress, Response, Scanner, Ttl,
};
use linkscope::{classify, Asin, Kind, Marketplace, Profile, MARKETPLACES};
use proptest::prelude::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn profile() -> Profile {
    Profile::from_json(&fixture("profile.json")).unwrap()
}

fn dash(s: &str) -> Option<&str> {
    (s != "-").then_some(s)
}

#[test]
fn expansions_as_the_table_says() {
    let profile = profile();
    let text = fixture("health/expand.tsv");
    let mut failures = Vec::new();
    let mut n = 0;
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let [name, short, chain, outcome, detail, verdict, asin] =
            line.split('\t').collect::<Vec<_>>()[..]
        else {
            panic!("bad row {line:?}");
        };
        n += 1;
        let answers: Vec<(u16, Option<&str>)> = chain
            .split(" ; ")
            .map(|a| match a.split_once(' ') {
                Some((status, location)) => (status.parse().unwrap(), Some(location)),
                None => (a.parse().unwrap(), None),
            })
            .collect();
        let link = classify(short);
        assert_eq!(link.kind, Kind::Short, "{name}");
        let request = expansion_url(&link).unwrap();
        assert!(!request.contains('?'), "{name}: {request}");
        let e = expand(&request, &answers, Policy::DEFAULT.max_redirects);
        let json = serde_json::to_value(&e.outcome).unwrap();
        let got_detail = ["url", "status", "hops"]
            .iter()
            .find_map(|k| json.get(*k))
            .map(|v| v.as_str().map_or(v.to_string(), str::to_owned));
        let got = (
            json["kind"].as_str().unwrap().to_owned(),
            got_detail,
            verdict_after_expansion(&profile, &link, &e).map(|v| v.as_str()),
            e.target().and_then(|t| t.asin).map(|a| a.to_string()),
        );
        let want = (
            outcome.to_owned(),
            dash(detail).map(str::to_owned),
            Some(verdict),
            dash(asin).map(str::to_owned),
        );
        if got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
        // The short link stays reported beside its target.
        assert_eq!(e.short, request);
    }
    assert!(n >= 15);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_expander_asks_one_url_at_a_time() {
    let mut x = Expander::new("https://amzn.to/a", 5);
    assert_eq!(x.url(), "https://amzn.to/a");
    assert_eq!(x.hop(301, Some("https://amzn.to/b")), None);
    assert_eq!(x.url(), "https://amzn.to/b");
    let e = x.hop(302, Some("https://www.amazon.de/dp/B08N5WRWNW?tag=x-21"));
    let e = e.unwrap();
    assert_eq!(e.hops, 2);
    assert_eq!(e.target().unwrap().tag.as_deref(), Some("x-21"));
    let failed = Expander::new("https://amzn.to/a", 5).fail(&Failure::Timeout(15_000));
    assert_eq!(
        failed.outcome,
        Outcome::Error {
            message: "timed out after 15 s".into()
        }
    );
}

#[test]
fn the_plan_dedups_and_maps_back() {
    let mut plan = Plan::new(
        Some("https://blog.example/post"),
        [
            "https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&linkCode=ll1&linkId=1",
            "https://amazon.de/gp/product/B08N5WRWNW/ref=as_li_tl?ie=UTF8&tag=other-21",
            "https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20",
            "https://amzn.to/3AbCdEf",
            "https://amzn.to/3AbCdEf?tag=mysite-20",
            "https://a.co/d/xyz",
            "https://www.amazon.de/s?k=echo&tag=mysite0b-21",
            "https://www.amazon.de/dp/NOTANASIN",
            "/relative/page",
            "https://example.com/dp/B08N5WRWNW",
        ],
    );
    let urls: Vec<&str> = plan.checks.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://www.amazon.de/dp/B08N5WRWNW",
            "https://www.amazon.com/dp/B08N5WRWNW"
        ]
    );
    let expansions: Vec<&str> = plan.expansions.iter().map(|e| e.url.as_str()).collect();
    assert_eq!(
        expansions,
        ["https://amzn.to/3AbCdEf", "https://a.co/d/xyz"]
    );
    let checks: Vec<_> = plan.links.iter().map(|l| l.check).collect();
    assert_eq!(
        checks,
        [
            Some(0),
            Some(0),
            Some(1),
            None,
            None,
            None,
            None,
            None,
            None,
            None
        ]
    );
    let exp: Vec<_> = plan.links.iter().map(|l| l.expansion).collect();
    assert_eq!(
        exp,
        [
            None,
            None,
            None,
            Some(0),
            Some(0),
            Some(1),
            None,
            None,
            None,
            None
        ]
    );
    assert_eq!(
        plan.checks[0].key,
        check_key("amazon.de", Asin::parse("B08N5WRWNW").unwrap())
    );
    assert_eq!(plan.expansions[1].key, expansion_key("https://a.co/d/xyz"));

    // The amzn.to link leads to the product already planned on .com: no new check, both links
    // that used the expansion get it.
    let to_com = expand(
        &plan.expansions[0].url,
        &[(
            301,
            Some("https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20"),
        )],
        5,
    );
    assert_eq!(plan.add_target(0, &to_com), Some(1));
    assert_eq!(plan.links[3].check, Some(1));
    assert_eq!(plan.links[4].check, Some(1));
    // The a.co link leads to a new product in the UK: one new check.
    let to_uk = expand(
        &plan.expansions[1].url,
        &[(
            302,
            Some("https://www.amazon.co.uk/dp/1849757097?ref=cm_sw_r"),
        )],
        5,
    );
    assert_eq!(plan.add_target(1, &to_uk), Some(2));
    assert_eq!(plan.checks[2].url, "https://www.amazon.co.uk/dp/1849757097");
    assert_eq!(plan.checks.len(), 3);
    // A search target or a failed expansion adds nothing.
    let to_search = expand(
        "https://a.co/d/xyz",
        &[(301, Some("https://www.amazon.de/s?k=x"))],
        5,
    );
    assert_eq!(plan.add_target(1, &to_search), None);
    assert_eq!(
        plan.add_target(1, &expand("https://a.co/d/xyz", &[(404, None)], 5)),
        None
    );
    assert_eq!(plan.checks.len(), 3);

    // Serialized for JS: camelCase, indexes, no internal maps.
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["checks"][0]["marketplace"], "amazon.de");
    assert_eq!(json["checks"][0]["asin"], "B08N5WRWNW");
    assert_eq!(json["links"][3]["expansion"], 0);
    assert_eq!(json.as_object().unwrap().len(), 3);
}

#[test]
fn availability_plans_one_check_per_marketplace() {
    let asin = Asin::parse("B08N5WRWNW").unwrap();
    let plan = Plan::availability(asin, MARKETPLACES.iter().chain(MARKETPLACES));
    assert_eq!(plan.checks.len(), MARKETPLACES.len());
    for (c, m) in plan.checks.iter().zip(MARKETPLACES) {
        assert_eq!(c.url, format!("https://www.{}/dp/B08N5WRWNW", m.domain));
        assert_eq!(classify(&c.url).marketplace, Some(m));
    }
}

/// A plan of thousands of links (its index grows many times) makes one request per key and
/// points every link at the request with its own key.
#[test]
fn large_plans_deduplicate_by_key() {
    let links: Vec<String> = (0..3000u32)
        .map(|i| {
            let n = i * 7919 % 1100; // repeats, out of order
            match n % 3 {
                0 => format!("https://amzn.to/{n:x}"),
                1 => format!("https://www.amazon.de/dp/B0{n:08}"),
                _ => format!("https://www.amazon.co.jp/dp/B0{n:08}?tag=x-22"),
            }
        })
        .collect();
    let plan = Plan::new(None, links.iter().map(String::as_str));
    let mut keys: Vec<&str> = plan.checks.iter().map(|c| c.key.as_str()).collect();
    keys.extend(plan.expansions.iter().map(|e| e.key.as_str()));
    let distinct: std::collections::BTreeSet<&str> = keys.iter().copied().collect();
    assert_eq!(distinct.len(), keys.len(), "one request per key");
    assert_eq!(keys.len(), 1100);
    for (link, requests) in links.iter().zip(&plan.links) {
        let l = classify(link);
        match (requests.check, requests.expansion) {
            (Some(c), None) => assert_eq!(
                plan.checks[c].key,
                check_key(l.marketplace.unwrap().domain, l.asin.unwrap())
            ),
            (None, Some(e)) => {
                assert_eq!(
                    plan.expansions[e].key,
                    expansion_key(&plan.expansions[e].url)
                );
                assert_eq!(Some(&plan.expansions[e].url), expansion_url(&l).as_ref());
            }
            other => panic!("{link}: {other:?}"),
        }
    }
}

#[test]
fn retries_back_off_and_honour_retry_after() {
    let p = Policy::DEFAULT;
    let delays: Vec<_> = (0..5).map(|n| p.retry_delay(n, None, 0)).collect();
    assert_eq!(delays, [Some(2_000), Some(4_000), Some(8_000), None, None]);
    let long = Policy {
        max_retries: 10,
        ..p
    };
    assert_eq!(long.retry_delay(9, None, 0), Some(60_000), "capped");
    // Retry-After: seconds or an HTTP date, never shorter than the backoff.
    assert_eq!(p.retry_delay(0, Some("1"), 0), Some(2_000));
    assert_eq!(p.retry_delay(1, Some("20"), 0), Some(20_000));
    let now = 1_445_412_480_000; // Wed, 21 Oct 2015 07:28:00 GMT
    assert_eq!(
        p.retry_delay(0, Some("Wed, 21 Oct 2015 07:28:45 GMT"), now),
        Some(45_000)
    );
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
        Some(0)
    );
    assert_eq!(
        parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", 0),
        Some(0)
    );
    assert_eq!(
        parse_retry_after("Sat, 29 Feb 2020 12:00:00 GMT", 1_582_977_600_000),
        Some(0)
    );
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 25:00:00 GMT", 0), None);
    assert_eq!(parse_retry_after("-5", 0), None);
    // Longer than we wait: give up and report what we have.
    assert_eq!(p.retry_delay(0, Some("120"), 0), None);
    assert_eq!(p.retry_delay(0, Some("garbage"), 0), Some(2_000));
}

fn check_with(health: Health) -> Check {
    let mut c = judge_failure(
        "https://www.amazon.de/dp/B08N5WRWNW",
        &Failure::TooManyRedirects,
    );
    c.health = health;
    c
}

#[test]
fn what_is_retried_and_cached() {
    let p = Policy::DEFAULT;
    let day = Ttl::For { ms: 86_400_000 };
    assert_eq!(p.check_ttl(&check_with(Health::Available)), day);
    assert_eq!(p.check_ttl(&check_with(Health::NotFound)), day);
    let timeout = judge_failure(
        "https://www.amazon.de/dp/B08N5WRWNW",
        &Failure::Timeout(15_000),
    );
    assert!(timeout.is_retryable());
    assert_eq!(p.check_ttl(&timeout), Ttl::DoNotCache);
    let robot = check_with(Health::Blocked {
        reason: linkscope::health::BlockReason::RobotCheck,
    });
    assert!(
        !robot.is_retryable(),
        "a robot check is not cured by asking again"
    );
    assert_eq!(p.check_ttl(&robot), Ttl::DoNotCache);
    let rate = check_with(Health::Blocked {
        reason: linkscope::health::BlockReason::RateLimited,
    });
    assert!(rate.is_retryable());
    assert!(!check_with(Health::NotFound).is_retryable());

    let target = expand(
        "https://amzn.to/x",
        &[(301, Some("https://www.amazon.com/dp/B08N5WRWNW"))],
        5,
    );
    assert_eq!(p.expansion_ttl(&target), Ttl::Forever);
    assert_eq!(
        p.expansion_ttl(&expand("https://amzn.to/x", &[(404, None)], 5)),
        day
    );
    assert_eq!(
        p.expansion_ttl(&expand("https://amzn.to/x", &[(429, None)], 5)),
        Ttl::DoNotCache
    );

    assert!(day.is_fresh(1_000, 1_000 + 86_399_999));
    assert!(!day.is_fresh(1_000, 1_000 + 86_400_000));
    assert!(
        !day.is_fresh(5_000, 1_000),
        "stored in the future: the clock moved, refetch"
    );
    assert!(Ttl::Forever.is_fresh(0, u64::MAX));
    assert!(!Ttl::DoNotCache.is_fresh(0, 0));
}

#[test]
fn results_round_trip_through_json() {
    let check = judge(
        &Response {
            requested: "https://www.amazon.de/dp/B08N5WRWNW",
            final_url: "https://www.amazon.de/s?k=B08N5WRWNW",
            status: 200,
            ..Response::default()
        },
        &Scanner::new(100).finish(),
    );
    let json = serde_json::to_string(&check).unwrap();
    assert!(json.contains(r#""health":{"kind":"redirected","to":"search","url":"https://www.amazon.de/s?k=B08N5WRWNW"}"#), "{json}");
    assert_eq!(serde_json::from_str::<Check>(&json).unwrap(), check);
    let e = expand(
        "https://amzn.to/x",
        &[(301, Some("https://www.amazon.com/dp/B08N5WRWNW"))],
        5,
    );
    let json = serde_json::to_string(&e).unwrap();
    assert_eq!(serde_json::from_str::<Expansion>(&json).unwrap(), e);
    let policy = serde_json::to_value(Policy::DEFAULT).unwrap();
    assert_eq!(policy["perHostConcurrency"], 2);
    assert_eq!(policy["bodyCap"], 2 * 1024 * 1024);
}

#[test]
fn the_phrase_table_covers_every_marketplace() {
    for p in PHRASES {
        assert_eq!(
            linkscope::health::text::fold(p.text),
            p.text,
            "not folded: {}",
            p.text
        );
        assert!(
            matches!(p.source, "domain" | "page" | "unverified"),
            "{}",
            p.text
        );
        for country in p.markets {
            assert!(Marketplace::lookup(country).is_some(), "{country}");
        }
    }
    for m in MARKETPLACES {
        for marker in [Marker::RobotCheck, Marker::Unavailable] {
            assert!(
                PHRASES
                    .iter()
                    .any(|p| p.marker == marker && p.lang != "*" && p.markets.contains(&m.country)),
                "{} has no {marker:?} phrase",
                m.domain
            );
        }
    }
}

// ---- Properties over arbitrary input ----

/// Strings shaped like links, with tags and tracking noise, so the plan sees every shape.
fn linkish() -> impl Strategy<Value = String> {
    let host = prop_oneof![
        Just("www.amazon.com"),
        Just("amazon.co.uk"),
        Just("smile.amazon.de"),
        Just("amzn.to"),
        Just("a.co"),
        Just("amzn.com"),
        Just("amazon.com.evil.io"),
    ];
    let path = prop_oneof![
        Just("/dp/B08N5WRWNW".to_owned()),
        Just("/Slug/dp/b08n5wrwnw/ref=sr_1_1".to_owned()),
        Just("/gp/product/0596007124".to_owned()),
        Just("/exec/obidos/ASIN/0596007124/mysite-20".to_owned()),
        Just("/d/3AbC".to_owned()),
        Just("/B08N5WRWNW".to_owned()),
        "/\\PC{0,16}",
    ];
    let query = "(\\?(tag|linkCode|linkId|ref|ascsubtag|th|psc)=[a-z0-9-]{0,8}(&(tag|ascsubtag|ref_)=[a-z0-9-]{0,8})?)?";
    (host, path, query).prop_map(|(h, p, q)| format!("https://{h}{p}{q}"))
}

/// Bodies assembled from the markers and noise, cut anywhere.
fn bodyish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"<span id=\"productTitle\"> A &amp; B </span>".to_vec()),
        Just(b"<input type=\"hidden\" id=\"ASIN\" value=\"B08N5WRWNW\">".to_vec()),
        Just(b"<link rel=\"canonical\" href=\"https://www.amazon.de/x/dp/B08N5WRWNW\">".to_vec()),
        Just(b"ue_mid = 'A1PA6795UKMFR9'".to_vec()),
        Just(
            b"<div id=\"availability\"><span>Derzeit nicht verf\xc3\xbcgbar.</span></div>".to_vec()
        ),
        Just(b"<input id=\"add-to-cart-button\">".to_vec()),
        Just(b"<span id=\"buybox-see-all-buying-choices\">".to_vec()),
        Just(b"<form action=\"/errors/validateCaptcha\">".to_vec()),
        Just(b"<a href=\"/dogsofamazon\"><img alt=\"Dogs of Amazon\" src=\"/503.png\">".to_vec()),
        Just(b"We couldn't find that page".to_vec()),
        // A tag whose marker sits far from its `<`.
        Just(
            [
                &b"<input data-x=\""[..],
                &[b'x'; 1000],
                b"\" type=\"hidden\" id=\"ASIN\" value=\"B09B8V1LZ3\">"
            ]
            .concat()
        ),
        Just(b"=\"".to_vec()),
        Just(b"<".to_vec()),
        Just(b"&#x".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..64),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn facts_in_chunks(body: &[u8], chunks: &[usize], cap: usize) -> linkscope::health::PageFacts {
    let mut scanner = Scanner::new(cap);
    let mut rest = body;
    let mut sizes = chunks.iter().cycle();
    while !rest.is_empty() {
        let n = (*sizes.next().unwrap()).clamp(1, rest.len());
        // Goes on after Enough: the facts must not depend on where the chunks split.
        scanner.feed(&rest[..n]);
        rest = &rest[n..];
    }
    scanner.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_request_url_ever_carries_a_tag(links in proptest::collection::vec(linkish(), 1..8)) {
        let mut plan = Plan::new(None, links.iter().map(String::as_str));
        for i in 0..plan.expansions.len() {
            let target = format!("https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&linkCode=ll1&linkId={i}");
            let e = expand(&plan.expansions[i].url.clone(), &[(301, Some(&target))], 5);
            plan.add_target(i, &e);
        }
        let asin = Asin::parse("B08N5WRWNW").unwrap();
        let all = Plan::availability(asin, MARKETPLACES);
        // A check is exactly the bare product URL.
        for c in plan.checks.iter().chain(&all.checks) {
            prop_assert_eq!(&c.url, &format!("https://www.{}/dp/{}", c.marketplace, c.asin));
            prop_assert!(classify(&c.url).tag.is_none());
        }
        // An expansion is the short link without its query.
        for e in &plan.expansions {
            let link = classify(&e.url);
            prop_assert!(link.kind == Kind::Short && link.tag.is_none() && link.subtag.is_none(), "{}", e.url);
            prop_assert!(!e.url.contains('?'), "{}", e.url);
        }
        for (i, l) in plan.links.iter().enumerate() {
            if let Some(c) = l.check {
                prop_assert!(c < plan.checks.len(), "link {i}");
            }
        }
    }

    #[test]
    fn chunking_never_changes_the_facts(body in bodyish(), chunks in proptest::collection::vec(1usize..40, 1..6)) {
        let whole = facts_in_chunks(&body, &[usize::MAX], usize::MAX);
        let split = facts_in_chunks(&body, &chunks, usize::MAX);
        prop_assert_eq!(whole, split);
    }

    #[test]
    fn judging_never_panics(
        body in bodyish(),
        cap in 0usize..4096,
        status in any::<u16>(),
        requested in prop_oneof![linkish(), "\\PC{0,30}"],
        final_url in prop_oneof![Just(String::new()), linkish(), "\\PC{0,30}"],
        location in proptest::option::of(prop_oneof![linkish(), "\\PC{0,20}"]),
        content_type in proptest::option::of("\\PC{0,20}"),
    ) {
        let mut scanner = Scanner::new(cap);
        for piece in body.chunks(13) {
            if scanner.feed(piece) == Progress::Enough { break; }
        }
        let facts = scanner.finish();
        prop_assert!(facts.bytes <= cap);
        let check = judge(&Response {
            requested: &requested,
            final_url: &final_url,
            status,
            location: location.as_deref(),
            content_type: content_type.as_deref(),
        }, &facts);
        if !check.health.is_conclusive() {
            prop_assert!(!check.health.is_broken());
        }
    }

    #[test]
    fn expanding_never_panics(
        short in prop_oneof![linkish(), "\\PC{0,30}"],
        answers in proptest::collection::vec((any::<u16>(), proptest::option::of(prop_oneof![linkish(), "\\PC{0,20}"])), 0..8),
        retry_after in "\\PC{0,40}",
        now in any::<u64>(),
        retry in any::<u32>(),
    ) {
        let answers: Vec<(u16, Option<&str>)> = answers.iter().map(|(s, l)| (*s, l.as_deref())).collect();
        let e = expand(&short, &answers, 5);
        prop_assert!(e.hops <= 5);
        let _ = Policy::DEFAULT.retry_delay(retry, Some(&retry_after), now);
        let _ = parse_retry_after(&retry_after, now);
    }
}
