//! The `linkscope` command on fixture files: output and exit codes.

mod common;

use common::{run, Output, PROFILE, SITE};

fn stdout(o: &Output) -> String {
    o.out()
}

/// `linkscope links` for one product with the fixture profile, in `format`.
fn links_as(format: &str) -> Output {
    let args = [
        "links",
        "B08N5WRWNW",
        "--profile",
        PROFILE,
        "--format",
        format,
    ];
    run(&args, None)
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn parse_arguments_in_order_with_the_documented_keys() {
    let o = run(
        &[
            "parse",
            "https://www.amazon.co.uk/dp/B08N5WRWNW?tag=a-21",
            "",
            "https://amazon.com.evil.io/dp/B08N5WRWNW",
        ],
        None,
    );
    assert!(o.status.success());
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 3);
    for key in [
        "input",
        "amazon",
        "marketplace",
        "country",
        "kind",
        "asin",
        "tag",
        "clean",
    ] {
        assert!(lines.iter().all(|l| l.get(key).is_some()), "{key}");
    }
    assert_eq!(lines[0]["country"], "GB");
    assert_eq!(
        lines[0]["clean"],
        "https://www.amazon.co.uk/dp/B08N5WRWNW?tag=a-21"
    );
    assert_eq!(lines[1]["kind"], "notAmazon");
    assert_eq!(lines[2]["amazon"], false);
    assert!(lines[2]["marketplace"].is_null());
}

#[test]
fn parse_stdin_skips_blank_lines() {
    let o = run(
        &["parse"],
        // Blank lines are skipped; bytes that are not UTF-8 do not stop the run.
        Some(b"https://amzn.to/abc\n\n   \nnot a url\r\nhttps://amazon.de/s?k=x\n\xff\xfe\nhttps://a.co/d/x"),
    );
    let kinds: Vec<_> = json_lines(&o)
        .iter()
        .map(|l| l["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kinds,
        ["short", "notAmazon", "search", "notAmazon", "short"]
    );
}

#[test]
fn links_in_every_format() {
    let o = run(
        &[
            "links",
            "https://www.amazon.com/dp/B08N5WRWNW?linkCode=x",
            "--profile",
            PROFILE,
            "--format",
            "json",
        ],
        None,
    );
    assert!(o.status.success());
    let links: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(links.len(), 22);
    assert_eq!(
        links[0]["url"],
        "https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20"
    );
    let de = links
        .iter()
        .find(|l| l["marketplace"] == "amazon.de")
        .unwrap();
    assert_eq!(
        de["url"],
        "https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21"
    );
    let asin_links = |format: &str| stdout(&links_as(format));
    assert!(asin_links("markdown")
        .contains("[Amazon.de](https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21)"));
    assert!(asin_links("html").contains("rel=\"sponsored nofollow\""));
    let o = run(&["links", "B08N5WRWNW", "--profile", PROFILE], None);
    assert!(stdout(&o).contains(
        "amazon.fr      onelink (redirected)  https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20"
    ));
    let o = run(
        &[
            "links",
            "https://example.com/dp/B08N5WRWNW",
            "--profile",
            PROFILE,
        ],
        None,
    );
    assert_eq!(o.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not an Amazon link"));
}

/// Markdown and HTML are pasted as they are: a marketplace where the profile does not earn has
/// no tagged link, so it is left out (and said so on stderr), as the popup's "Copy all" does.
#[test]
fn links_to_paste_leave_out_the_marketplaces_that_do_not_earn() {
    for format in ["markdown", "html"] {
        let o = links_as(format);
        assert!(o.status.success());
        let text = stdout(&o);
        // Three tracking IDs and three OneLink stores (on home-store links).
        assert_eq!(text.lines().count(), 6, "{text}");
        assert!(text.lines().all(|l| l.contains("?tag=mysite")), "{text}");
        assert!(
            !text.contains("amazon.it") && !text.contains("Amazon.it"),
            "{text}"
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains("left out 16 marketplaces"), "{stderr}");
        assert!(stderr.contains("amazon.it"), "{stderr}");
    }
    // The table and JSON show every marketplace, with its coverage.
    let o = run(&["links", "B08N5WRWNW", "--profile", PROFILE], None);
    assert!(stdout(&o).contains("amazon.it"));
    assert!(o.stderr.is_empty());
    // A profile that earns nowhere has nothing to paste.
    let bare = std::env::temp_dir().join(format!("linkscope-bare-{}.json", std::process::id()));
    std::fs::write(&bare, r#"{"version":1,"home":"amazon.com"}"#).unwrap();
    let bare_path = bare.to_str().unwrap();
    let o = run(
        &[
            "links",
            "B08N5WRWNW",
            "--profile",
            bare_path,
            "--format",
            "markdown",
        ],
        None,
    );
    std::fs::remove_file(&bare).unwrap();
    assert_eq!(o.code(), Some(2));
    assert!(stdout(&o).is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("earns in no marketplace"));
}

#[test]
fn coverage_table_and_json() {
    let o = run(&["coverage", "--profile", PROFILE], None);
    let text = stdout(&o);
    assert!(text.contains("amazon.com (home)  direct"), "{text}");
    // A OneLink store's ID is the home one, on the home store's links (not on its own).
    assert!(
        text.contains("amazon.fr          onelink   mysite-20 (on amazon.com links)\n"),
        "{text}"
    );
    assert!(text.contains("3 direct, 3 through OneLink, 16 not covered"));
    let o = run(
        &["coverage", "--profile", PROFILE, "--format", "json"],
        None,
    );
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let fr = rows
        .iter()
        .find(|r| r["marketplace"] == "amazon.fr")
        .unwrap();
    assert_eq!(fr["coverage"], "onelink");
    assert_eq!(fr["trackingId"], "mysite-20");
}

#[test]
fn audit_a_site_as_json() {
    let o = run(
        &["audit", SITE, "--profile", PROFILE, "--format", "json"],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["files"], 3, "HTML, the .htm page and the .txt notes");
    let s = &report["summary"];
    assert_eq!(
        (
            s["total"].as_u64(),
            s["mine"].as_u64(),
            s["untagged"].as_u64(),
            s["foreign"].as_u64()
        ),
        (Some(11), Some(3), Some(4), Some(1))
    );
    let findings = report["findings"].as_array().unwrap();
    let first = &findings[0];
    assert!(first["file"].as_str().unwrap().ends_with("blog-post.html"));
    assert_eq!((&first["line"], &first["column"]), (&16.into(), &29.into()));
    // The byte range is the URL as written, `&amp;` and all.
    let bytes = std::fs::read(format!("{SITE}/blog-post.html")).unwrap();
    let (start, end) = (
        first["start"].as_u64().unwrap(),
        first["end"].as_u64().unwrap(),
    );
    assert!(std::str::from_utf8(&bytes[start as usize..end as usize])
        .unwrap()
        .ends_with("?tag=mysite-20&amp;qid=1700000000"));
    let bare = findings.last().unwrap();
    assert!(bare["file"].as_str().unwrap().ends_with("notes.txt"));
    assert_eq!(bare["href"], "https://www.amazon.com/dp/B077JBQZPX");
    assert_eq!(first["verdict"], "mine");
    assert_eq!(first["asin"], "B077JBQZPX");
    // <base href> resolves the relative link of the gift guide to amazon.co.uk.
    let base = findings
        .iter()
        .find(|f| f["href"] == "dp/B07Y5HH1W8?tag=mysite05-21")
        .unwrap();
    assert_eq!(base["marketplace"], "amazon.co.uk");
    assert_eq!(base["verdict"], "mine");
    // No lookalike and no link inside the script was reported.
    assert!(findings
        .iter()
        .all(|f| !f["href"].as_str().unwrap().contains("evil")));
    assert!(findings
        .iter()
        .all(|f| f["href"] != "https://www.amazon.com/dp/B000000000"));
}

#[test]
fn audit_csv_and_fail_on_exit_codes() {
    let blog = format!("{SITE}/blog-post.html");
    let o = run(
        &["audit", &blog, "--profile", PROFILE, "--format", "csv"],
        None,
    );
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("file,line,column,start,end,href,verdict,marketplace,asin,tag,coverage,post")
    );
    assert_eq!(lines.count(), 8);
    assert_eq!(o.code(), Some(0));
    let o = run(
        &[
            "audit",
            &blog,
            "--profile",
            PROFILE,
            "--fail-on",
            "untagged,wrong-marketplace",
        ],
        None,
    );
    assert_eq!(o.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("found untagged, wrongMarketplace links"));
    let gift = format!("{SITE}/posts/gift-guide.htm");
    let o = run(
        &[
            "audit",
            &gift,
            "--profile",
            PROFILE,
            "--fail-on",
            "foreign,malformed",
        ],
        None,
    );
    assert_eq!(o.code(), Some(0));
}

#[test]
fn audit_resolves_relative_links_with_base_url() {
    let dir = std::env::temp_dir().join(format!("linkscope-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("page.html");
    std::fs::write(&page, "<a href='/dp/B08N5WRWNW'>relative</a>").unwrap();
    let page = page.to_str().unwrap();
    let o = run(
        &["audit", page, "--profile", PROFILE, "--format", "json"],
        None,
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["summary"]["total"], 0);
    let o = run(
        &[
            "audit",
            page,
            "--profile",
            PROFILE,
            "--format",
            "json",
            "--base-url",
            "https://www.amazon.de/",
        ],
        None,
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["findings"][0]["marketplace"], "amazon.de");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn clear_errors_and_nothing_half_written() {
    let o = run(
        &["audit", SITE, "/no/such/file.html", "--profile", PROFILE],
        None,
    );
    assert_eq!(o.code(), Some(2));
    assert!(o.stdout.is_empty(), "no partial report");
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read /no/such/file.html"));

    let bad = std::env::temp_dir().join(format!("linkscope-bad-{}.json", std::process::id()));
    std::fs::write(
        &bad,
        r#"{"version":1,"home":"amazon.com","trackingIds":{"amazon.de":"has space"}}"#,
    )
    .unwrap();
    let o = run(&["coverage", "--profile", bad.to_str().unwrap()], None);
    std::fs::remove_file(&bad).unwrap();
    assert_eq!(o.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("trackingIds.amazon.de: tracking ID may contain only"),
        "{err}"
    );

    let o = run(&["coverage", "--profile", "/no/profile.json"], None);
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read profile /no/profile.json"));
    let o = run(
        &["audit", SITE, "--profile", PROFILE, "--fail-on", "nope"],
        None,
    );
    assert_eq!(o.code(), Some(2));
    // Failing on what is right would fail every good build.
    for good in ["mine", "untagged,mine", "available"] {
        let o = run(
            &["audit", SITE, "--profile", PROFILE, "--fail-on", good],
            None,
        );
        assert_eq!(o.code(), Some(2), "--fail-on {good}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("is what a good link is"), "{err}");
        assert!(!err.contains("mine,"), "not offered: {err}");
    }
    let o = run(&["frobnicate"], None);
    assert_eq!(o.code(), Some(2));
}
