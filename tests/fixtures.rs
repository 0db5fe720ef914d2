//! Table-driven fixtures: every case is one line of data in `tests/fixtures/*.tsv`.

use linkscope::{affiliate_link, audit, classify, Marketplace, Profile};

/// Rows of a fixture file: tab-separated fields, `#` lines and blank lines skipped.
fn rows(name: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

fn profile() -> Profile {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/profile.json");
    Profile::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn none_if_dash(s: &str) -> Option<&str> {
    (s != "-").then_some(s)
}

#[test]
fn classify_cases() {
    let cases = rows("classify.tsv");
    assert!(cases.len() > 100);
    let mut failures = Vec::new();
    for case in &cases {
        let [name, input, kind, mp, asin, tag, clean, problem] = &case[..] else {
            panic!("bad fixture row {case:?}");
        };
        let link = classify(input);
        let got = (
            link.kind.as_str().to_owned(),
            link.marketplace.map(|m| m.domain.to_owned()),
            link.asin.map(|a| a.to_string()),
            link.tag.clone(),
            link.clean.clone(),
            link.problem.map(|p| {
                serde_json::to_value(p)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            }),
        );
        let want = (
            kind.clone(),
            none_if_dash(mp).map(str::to_owned),
            none_if_dash(asin).map(str::to_owned),
            none_if_dash(tag).map(str::to_owned),
            none_if_dash(clean).map(str::to_owned),
            none_if_dash(problem).map(str::to_owned),
        );
        if got != want {
            failures.push(format!(
                "{name}: {input:?}\n   got {got:?}\n  want {want:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_marketplace_has_a_fixture() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/classify.tsv"
    ))
    .unwrap();
    for m in linkscope::MARKETPLACES {
        assert!(text.contains(&format!("\t{}\t", m.domain)), "{}", m.domain);
    }
}

#[test]
fn copy_cases() {
    let p = profile();
    for case in rows("copy.tsv") {
        let [name, input, target, want] = &case[..] else {
            panic!("bad fixture row {case:?}");
        };
        let target = none_if_dash(target).map(|t| Marketplace::lookup(t).unwrap());
        let got = match affiliate_link(&p, input, target) {
            Ok(l) => l.url,
            Err(e) => format!("error: {e}"),
        };
        assert!(
            got == *want || (want.starts_with("error: ") && got.starts_with(want.as_str())),
            "{name}: got {got}, want {want}"
        );
    }
}

#[test]
fn audit_cases() {
    let p = profile();
    let cases = rows("audit.tsv");
    let result = audit(&p, None, cases.iter().map(|c| c[1].as_str()));
    let mut findings = result.findings.iter().peekable();
    for (i, case) in cases.iter().enumerate() {
        let [name, _, verdict, coverage] = &case[..] else {
            panic!("bad fixture row {case:?}");
        };
        let finding = findings.next_if(|f| f.index == i);
        let got = finding.map(|f| {
            (
                f.verdict.as_str().to_owned(),
                f.coverage.map_or("-", |c| c.as_str()).to_owned(),
            )
        });
        let want = none_if_dash(verdict).map(|v| (v.to_owned(), coverage.clone()));
        assert_eq!(got, want, "{name}");
    }
    let expected_total = cases.iter().filter(|c| c[2] != "-").count();
    assert_eq!(result.summary.total, expected_total);
    assert_eq!(result.summary.mine, 5);
}

#[test]
fn relative_links_resolve_against_the_page() {
    let on_amazon = linkscope::Classifier::new(Some("https://www.amazon.de/some/page"));
    let link = on_amazon.classify("/dp/B08N5WRWNW?tag=x-21");
    assert_eq!(link.marketplace.unwrap().domain, "amazon.de");
    assert_eq!(link.tag.as_deref(), Some("x-21"));
    let on_blog = linkscope::Classifier::new(Some("https://blog.example/post/"));
    assert!(!on_blog.classify("/dp/B08N5WRWNW").is_amazon());
    assert!(on_blog
        .classify("//www.amazon.com/dp/B08N5WRWNW")
        .is_amazon());
}
