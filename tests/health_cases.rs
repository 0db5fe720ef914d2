//! Table-driven checks: every synthetic response in `tests/fixtures/health/cases.tsv` is judged
//! whole and in chunks, and must give the state, detail, ASIN and title of its row.

use linkscope::classify;
use linkscope::health::{judge, Check, Progress, Response, Scanner};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/health");

fn fixture(name: &str) -> String {
    let path = format!("{DIR}/{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

struct Case {
    name: String,
    body: String,
    status: u16,
    requested: String,
    final_url: String,
    location: Option<String>,
    content_type: Option<String>,
    expect: String,
    detail: Option<String>,
    asin: Option<String>,
    title: Option<String>,
}

fn dash(s: &str) -> Option<String> {
    (s != "-").then(|| s.to_owned())
}

/// Fills product.html from a row's `k=v|…` list; marketplace, `ue_mid` and ASIN default to the
/// requested URL's.
fn product_page(vars: &str, requested: &str) -> String {
    let link = classify(requested);
    let m = link
        .marketplace
        .expect("a product row requests a marketplace URL");
    let mut values = vec![
        ("lang", "en".to_owned()),
        ("domain", m.domain.to_owned()),
        ("mid", m.ue_mid.to_owned()),
        ("asin", link.asin.unwrap().to_string()),
        ("title", "Synthetic Product".to_owned()),
        ("availability", String::new()),
        ("buybox", "none".to_owned()),
        ("see_all", "See All Buying Options".to_owned()),
    ];
    for pair in vars.split('|') {
        let (k, v) = pair
            .split_once('=')
            .unwrap_or_else(|| panic!("bad var {pair:?}"));
        let slot = values.iter_mut().find(|(name, _)| *name == k);
        slot.unwrap_or_else(|| panic!("unknown var {k}")).1 = v.to_owned();
    }
    let buybox = match values
        .iter()
        .find(|(k, _)| *k == "buybox")
        .unwrap()
        .1
        .as_str()
    {
        "none" => String::new(),
        name => fixture(&format!("buybox-{name}.html")),
    };
    let mut page = fixture("product.html").replace("{buybox}", &buybox);
    for (k, v) in &values {
        page = page.replace(&format!("{{{k}}}"), v);
    }
    page
}

fn cases() -> Vec<Case> {
    let text = fixture("cases.tsv");
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let [name, page, vars, status, requested, final_url, location, content_type, expect, detail, asin, title] =
                f[..]
            else {
                panic!("bad row {line:?}");
            };
            let body = match (page, vars) {
                ("-", _) => String::new(),
                ("product.html", vars) => product_page(vars, requested),
                (page, _) => fixture(page),
            };
            Case {
                name: name.to_owned(),
                body,
                status: status.parse().unwrap(),
                requested: requested.to_owned(),
                final_url: dash(final_url).unwrap_or_default(),
                location: dash(location),
                content_type: dash(content_type),
                expect: expect.to_owned(),
                detail: dash(detail),
                asin: dash(asin),
                title: dash(title),
            }
        })
        .collect()
}

fn run(case: &Case, chunk: usize) -> Check {
    let mut scanner = Scanner::new(2 << 20);
    for piece in case.body.as_bytes().chunks(chunk.max(1)) {
        if scanner.feed(piece) == Progress::Enough {
            break;
        }
    }
    let response = Response {
        requested: &case.requested,
        final_url: &case.final_url,
        status: case.status,
        location: case.location.as_deref(),
        content_type: case.content_type.as_deref(),
    };
    judge(&response, &scanner.finish())
}

#[test]
fn every_case_is_judged_as_its_row_says() {
    let cases = cases();
    assert!(cases.len() >= 50);
    let mut failures = Vec::new();
    for case in &cases {
        for chunk in [usize::MAX, 1, 7, 64] {
            let check = run(case, chunk);
            let health = serde_json::to_value(&check.health).unwrap();
            let detail = health
                .get("to")
                .or(health.get("reason"))
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let got = (
                health["kind"].as_str().unwrap().to_owned(),
                detail,
                check.asin.clone(),
                check.title.clone(),
            );
            let want = (
                case.expect.clone(),
                case.detail.clone(),
                case.asin.clone(),
                case.title.clone(),
            );
            if got != want {
                failures.push(format!(
                    "{} (chunks of {chunk}): got {got:?} ({}), want {want:?}",
                    case.name, check.why
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn blocked_and_errors_are_never_broken() {
    for case in cases() {
        let check = run(&case, usize::MAX);
        if !check.health.is_conclusive() {
            assert!(!check.health.is_broken(), "{}", case.name);
        }
        // A redirect reports where it led.
        if case.expect == "redirected" {
            assert!(check.why.starts_with("redirected"), "{}", case.name);
        }
    }
}
