//! The core's own JSON writer (`linkscope::json::to_string`, what the wasm bindings return)
//! writes every result byte for byte as serde_json does: the results of every fixture link,
//! expansion and page judgement, the tables and the profile, and strings with every escape.

use linkscope::health::{
    expand, judge, judge_failure, Expansion, Failure, Plan, Policy, Response, Scanner, Ttl,
};
use linkscope::{audit, classify, coverage, generate, json, Profile, MARKETPLACES, SHORT_HOSTS};
use serde::Serialize;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The second column of each row of a fixture table (its input).
fn inputs(table: &str) -> Vec<String> {
    fixture(table)
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split('\t').nth(1).map(str::to_owned))
        .collect()
}

#[track_caller]
fn same<T: Serialize + ?Sized>(value: &T) {
    let ours = json::to_string(value).unwrap();
    assert_eq!(ours, serde_json::to_string(value).unwrap());
}

#[test]
fn writes_the_core_results_as_serde_json() {
    let profile = Profile::from_json(&fixture("profile.json")).unwrap();
    let mut links = inputs("classify.tsv");
    links.extend(inputs("audit.tsv"));
    links.extend(inputs("copy.tsv"));
    assert!(links.len() > 100);
    let base = Some("https://blog.example.org/post/");
    same(MARKETPLACES);
    same(SHORT_HOSTS);
    same(&profile.json_form());
    same(&profile.warnings());
    same(&coverage(&profile));
    same(&audit(&profile, base, links.iter().map(String::as_str)));
    same(&Plan::new(base, links.iter().map(String::as_str)));
    same(&Policy::DEFAULT);
    for link in &links {
        same(&classify(link));
        if let Ok(generated) = generate(&profile, link) {
            same(&generated);
        }
        if let Ok(link) = linkscope::affiliate_link(&profile, link, None) {
            same(&link);
        }
        same(&linkscope::qr::qr_path(link));
    }
    for failure in [
        Failure::Timeout(15_000),
        Failure::TooManyRedirects,
        Failure::Network("connection reset: \"peer\"\n".into()),
    ] {
        same(&judge_failure(
            "https://www.amazon.de/dp/B08N5WRWNW",
            &failure,
        ));
    }
    let ttls = [Ttl::DoNotCache, Ttl::Forever, Ttl::For { ms: u64::MAX }];
    same(&ttls);
}

#[test]
fn writes_expansions_and_judgements_as_serde_json() {
    for row in fixture("health/expand.tsv")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = row.split('\t').collect();
        let answers: Vec<(u16, Option<&str>)> = cols[2]
            .split(" ; ")
            .map(|a| match a.split_once(' ') {
                Some((status, location)) => (status.parse().unwrap(), Some(location)),
                None => (a.parse().unwrap(), None),
            })
            .collect();
        let e: Expansion = expand(cols[1], &answers, Policy::DEFAULT.max_redirects);
        same(&e);
        same(&e.health());
    }
    let mut n = 0;
    for entry in std::fs::read_dir(format!(
        "{}/tests/fixtures/health",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let mut scanner = Scanner::new(1 << 20);
        scanner.feed(&std::fs::read(&path).unwrap());
        let facts = scanner.finish();
        for status in [200, 404, 503] {
            let response = Response {
                requested: "https://www.amazon.de/dp/B08N5WRWNW",
                final_url: "https://www.amazon.de/dp/B08N5WRWNW?th=1",
                status,
                location: None,
                content_type: Some("text/html; charset=utf-8"),
            };
            same(&judge(&response, &facts));
            n += 1;
        }
    }
    assert!(n >= 30, "{n}");
}

#[test]
fn escapes_strings_as_serde_json() {
    let all: String = (0u32..0x300).filter_map(char::from_u32).collect();
    same(&all);
    same(&["\u{7f}\u{2028}\u{2029}\u{feff}😀", "", "\\\"/"]);
    same(&'\n');
    same(&(i64::MIN, i64::MAX, u64::MAX, -1i8, 0u16));
    same(&[None, Some(vec![("a", 1u32)])]);
    assert!(json::to_string(&1.5f64).is_err());
}
