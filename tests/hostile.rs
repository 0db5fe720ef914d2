//! Regressions from the hostile-input review (issue 8) that live in the core: generated Markdown
//! and HTML that a link could break out of, hosts that browsers map to Amazon, and profiles the
//! CLI reads with the core's limits.

use std::process::Command;

use linkscope::{affiliate_link, classify, Format, Kind, Profile};

fn profile() -> Profile {
    Profile::from_json(r#"{"version":1,"home":"amazon.com","trackingIds":{"amazon.com":"me-20"}}"#)
        .unwrap()
}

/// Links and images of a Markdown text, as (is an image, destination).
fn markdown_links(markdown: &str) -> Vec<(bool, String)> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new(markdown)
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some((false, dest_url.to_string())),
            Event::Start(Tag::Image { dest_url, .. }) => Some((true, dest_url.to_string())),
            _ => None,
        })
        .collect()
}

#[test]
fn markdown_of_a_page_link_holds_one_link_to_amazon() {
    let link = affiliate_link(
        &profile(),
        "https://www.amazon.com/b)![x](https://evil.example/p.png?node=1",
        None,
    )
    .unwrap();
    let markdown = link.format(Format::Markdown);
    assert_eq!(
        markdown,
        "[Amazon.com](https://www.amazon.com/b%29!%5Bx%5D%28https:/evil.example/p.png?node=1&tag=me-20)"
    );
    let found = markdown_links(&markdown);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(!found[0].0);
    let target = classify(&found[0].1);
    assert_eq!(target.marketplace.unwrap().domain, "amazon.com");
    assert_eq!(target.tag.as_deref(), Some("me-20"));
}

#[test]
fn markdown_and_html_escape_every_breaking_character() {
    for input in [
        "https://www.amazon.com/s?k=a](x)[y&tag=z-20",
        "https://www.amazon.com/s?k='\"<img src=x>`&i=1",
        "https://www.amazon.com/b/x\\y?node=1 2",
        "https://www.amazon.com/stores/page/<script>alert(1)</script>",
    ] {
        let link = affiliate_link(&profile(), input, None).unwrap();
        let markdown = link.format(Format::Markdown);
        let found = markdown_links(&markdown);
        assert_eq!(found.len(), 1, "{input}: {markdown}");
        assert_eq!(
            classify(&found[0].1).tag.as_deref(),
            Some("me-20"),
            "{markdown}"
        );
        let html = link.format(Format::Html);
        let inside = html
            .strip_prefix("<a href=\"")
            .and_then(|h| h.strip_suffix("\" rel=\"sponsored nofollow\">Amazon.com</a>"))
            .unwrap_or_else(|| panic!("{html}"));
        assert!(!inside.contains(['"', '\'', '<', '>']), "{html}");
    }
}

#[test]
fn hosts_browsers_map_to_amazon_are_amazon() {
    // What Chromium and Node's URL resolve these hosts to (checked in tests/js/hostile.test.mjs).
    for (input, domain) in [
        ("https://ａｍａｚｏｎ。com/dp/B08N5WRWNW", "amazon.com"),
        (
            "https://ＡＭＡＺＯＮ．ＤＥ/dp/B08N5WRWNW?tag=me-21",
            "amazon.de",
        ),
        ("https://www｡amazon｡co｡uk/dp/B08N5WRWNW", "amazon.co.uk"),
        ("https://%EF%BD%81mazon.com/dp/B08N5WRWNW", "amazon.com"),
        ("https:ａｍａｚｏｎ.com/dp/B08N5WRWNW", "amazon.com"),
        ("https://x@ａｍａｚｏｎ.com:443/dp/B08N5WRWNW", "amazon.com"),
        ("https://ａｍｚｎ。ｔｏ/3xYz", "amzn.to"),
    ] {
        let link = classify(input);
        let got = link.clean.as_deref().unwrap_or("").to_owned();
        assert!(got.contains(domain), "{input}: {link:?}");
    }
    for input in [
        "https://ａｍａｚｏｎ.com.evil.io/dp/B08N5WRWNW",
        "https://ａｍａｚｏｎ％2ecom/dp/B08N5WRWNW",
        "https://ａｍａｚｏｎ.com%3A80/dp/B08N5WRWNW",
        "https://ａ＠amazon.com/dp/B08N5WRWNW",
        "https://ａｍａｚｏｎ.com\u{ff0f}.evil.io/dp/B08N5WRWNW",
        "https://ａｍａｚｏｎ.ｃｏｍ.evil.io/dp/B08N5WRWNW",
        "https://amazon\u{3002}com@evil.io/dp/B08N5WRWNW",
        "ftp://ａｍａｚｏｎ.com/dp/B08N5WRWNW",
    ] {
        assert_eq!(classify(input).kind, Kind::NotAmazon, "{input}");
    }
    // With a base page, a scheme-relative link resolves too.
    let c = linkscope::Classifier::new(Some("https://blog.example/post"));
    assert_eq!(
        c.classify("//ａｍａｚｏｎ.de/dp/B08N5WRWNW").kind,
        Kind::Product
    );
}

fn cli_profile(text: &[u8]) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("linkscope-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{:x}.json", text.len()));
    std::fs::write(&file, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_linkscope"))
        .args(["coverage", "--profile"])
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_cli_reads_profiles_with_the_cores_limits() {
    let good = r#"{"version":1,"home":"amazon.com","trackingIds":{"amazon.com":"me-20"}}"#;
    assert_eq!(cli_profile(format!("\u{feff}{good}").as_bytes()).0, 0);
    let deep = format!(
        r#"{{"version":1,"home":"US","x":{}{}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let (code, err) = cli_profile(deep.as_bytes());
    assert_eq!(code, 2);
    assert!(err.contains("nested more than 100 levels deep"), "{err}");
    let (code, err) = cli_profile(br#"{"version":1,"home":"US","home":"DE"}"#);
    assert_eq!(code, 2);
    assert!(err.contains("home: listed twice"), "{err}");
}

#[test]
fn markdown_keeps_what_reads_as_a_character_reference() {
    // Found by fuzz/links: CommonMark decodes `&amp;` in a destination, so the link changed.
    let link = affiliate_link(
        &profile(),
        "https://www.amazon.com/b/x&amp;y&#38;z?node=1",
        None,
    )
    .unwrap();
    let markdown = link.format(Format::Markdown);
    let found = markdown_links(&markdown);
    assert_eq!(found.len(), 1, "{markdown}");
    assert_eq!(found[0].1, link.url, "{markdown}");
}
