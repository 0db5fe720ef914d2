//! CI ergonomics: `linkscope.toml` in the site's folder, SARIF for code scanning, GitHub
//! workflow annotations.

mod common;

use common::{run, run_in, TempDir, PROFILE};

fn site(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.file(
        "_posts/kettles.md",
        "Buy [it](https://www.amazon.com/dp/B08N5WRWNW).\n",
    );
    dir.file(
        "_drafts/draft.md",
        "[x](https://www.amazon.com/dp/B0BSHF7WHW?tag=rival-20)\n",
    );
    dir.file("profile.json", std::fs::read(PROFILE).unwrap());
    dir
}

#[test]
fn linkscope_toml_gives_the_settings_and_flags_win() {
    let dir = site("ci-toml");
    dir.file(
        "linkscope.toml",
        "profile = \"profile.json\"\nexclude = [\"_drafts/**\"]\nfail-on = [\"untagged\"]\n",
    );
    let o = run_in(Some(&dir.0), &["audit", "--format", "json"], None);
    assert_eq!(o.code(), Some(1), "fail-on from the file: {}", o.err());
    let report = o.json();
    assert_eq!(report["files"], 1, "_drafts excluded by the file");
    let o = run_in(
        Some(&dir.0),
        &["audit", "--fail-on", "malformed", "--exclude", "nothing"],
        None,
    );
    assert_eq!(o.code(), Some(0), "flags win: {}", o.err());
    assert!(o.out().contains("2 Amazon links in 2 files"), "{}", o.out());
    // Given the site's folder from elsewhere, the file is found there.
    let o = run(&["audit", dir.path(), "--format", "json"], None);
    assert_eq!(o.json()["files"], 1);
    // Given a folder of the site from its root (as a CI step does), the root's file is found.
    for sub in ["_posts", "./_posts/"] {
        let o = run_in(Some(&dir.0), &["audit", sub, "--format", "json"], None);
        assert_eq!(o.code(), Some(1), "{sub}: the file's fail-on: {}", o.err());
        assert_eq!(o.json()["files"], 1);
    }

    dir.file("linkscope.toml", "profil = \"typo.json\"\n");
    let o = run_in(Some(&dir.0), &["audit"], None);
    assert_eq!(o.code(), Some(2));
    assert!(o.err().contains("unknown field `profil`"), "{}", o.err());
    std::fs::remove_file(dir.0.join("linkscope.toml")).unwrap();
    let o = run_in(Some(&dir.0), &["audit"], None);
    assert_eq!(o.code(), Some(2));
    assert!(o.err().contains("no profile"), "{}", o.err());
}

#[test]
fn sarif_results_with_rules_and_regions() {
    let dir = site("ci-sarif");
    let o = run_in(
        Some(&dir.0),
        &[
            "audit",
            "--profile",
            PROFILE,
            "--format",
            "sarif",
            "--fail-on",
            "untagged",
        ],
        None,
    );
    assert_eq!(o.code(), Some(1));
    let sarif = o.json();
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "linkscope");
    let rules: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        assert!(rules.contains(&r["ruleId"].as_str().unwrap()));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].as_u64(), region["startColumn"].as_u64()).0,
            Some(1)
        );
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with('_') && uri.ends_with(".md"), "{uri}");
    }
    let untagged = results.iter().find(|r| r["ruleId"] == "untagged").unwrap();
    assert_eq!(untagged["level"], "error");
    assert_eq!(
        untagged["locations"][0]["physicalLocation"]["region"]["startColumn"],
        10
    );
    let foreign = results.iter().find(|r| r["ruleId"] == "foreign").unwrap();
    assert_eq!(foreign["level"], "warning");
    // Absolute paths are file URIs.
    let o = run(
        &[
            "audit",
            dir.path(),
            "--profile",
            PROFILE,
            "--format",
            "sarif",
        ],
        None,
    );
    let uri = &o.json()["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"];
    assert!(uri.as_str().unwrap().starts_with("file:///"), "{uri}");
}

#[test]
fn github_annotations() {
    let dir = site("ci-github");
    let o = run_in(
        Some(&dir.0),
        &[
            "audit",
            ".",
            "--profile",
            PROFILE,
            "--format",
            "github",
            "--fail-on",
            "untagged",
        ],
        None,
    );
    let text = o.out();
    assert!(
        text.contains("::error file=_posts/kettles.md,line=1,col=10,title=linkscope%3A untagged::Amazon link carries no tracking ID: https://www.amazon.com/dp/B08N5WRWNW"),
        "{text}"
    );
    assert!(
        text.contains("::warning file=_drafts/draft.md,line=1,col=5,"),
        "{text}"
    );
}
