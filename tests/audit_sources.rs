//! `linkscope audit` on sites as publishers keep them: every source format, the walk
//! (`.gitignore`, globs, hidden folders, symbolic links and their loops), and three real sites.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{run, TempDir, PROFILE};

fn audit(args: &[&str]) -> common::Output {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--profile", PROFILE, "--format", "json"]);
    run(&all, None)
}

fn files_of(report: &serde_json::Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            file.rsplit('/').next().unwrap().to_owned()
        })
        .collect()
}

const LINK: &str = "[x](https://www.amazon.com/dp/B08N5WRWNW)\n";

#[test]
fn markdown_sites_and_a_run_that_reads_nothing() {
    let dir = TempDir::new("md-site");
    dir.file("_posts/2024-01-01-kettles.md", LINK);
    dir.file("about.markdown", "Bare https://amzn.to/3Kettle here.\n");
    let o = run(
        &[
            "audit",
            dir.path(),
            "--profile",
            PROFILE,
            "--fail-on",
            "untagged",
        ],
        None,
    );
    assert_eq!(o.code(), Some(1), "{}", o.err());
    assert!(o.out().contains("2 Amazon links in 2 files"), "{}", o.out());
    let one = dir.0.join("about.markdown");
    let o = run(
        &["audit", one.to_str().unwrap(), "--profile", PROFILE],
        None,
    );
    assert!(
        o.out().contains("\n1 Amazon link in 1 file: "),
        "{}",
        o.out()
    );

    let empty = TempDir::new("no-sources");
    empty.file("image.png", [0u8, 1, 2]);
    let o = run(&["audit", empty.path(), "--profile", PROFILE], None);
    assert_eq!(o.code(), Some(2));
    assert!(o.out().is_empty());
    assert!(o.err().contains("no source file to read"), "{}", o.err());
}

#[test]
fn gitignore_globs_and_hidden_folders() {
    let dir = TempDir::new("walk");
    dir.file(".gitignore", "_site/\n");
    dir.file("post.md", LINK);
    dir.file(
        "_site/post.html",
        "<a href='https://www.amazon.com/dp/B08N5WRWNW'>x</a>",
    );
    dir.file("_drafts/draft.md", LINK);
    dir.file(".cache/cached.md", LINK);
    let o = audit(&[dir.path()]);
    assert_eq!(
        files_of(&o.json()),
        BTreeSet::from(["draft.md".into(), "post.md".into()])
    );
    let o = audit(&[dir.path(), "--no-ignore"]);
    assert_eq!(
        files_of(&o.json()).len(),
        3,
        "_site read, .cache still hidden"
    );
    let o = audit(&[dir.path(), "--exclude", "_drafts/**"]);
    assert_eq!(files_of(&o.json()), BTreeSet::from(["post.md".into()]));
    let o = audit(&[dir.path(), "--include", "_drafts/**"]);
    assert_eq!(files_of(&o.json()), BTreeSet::from(["draft.md".into()]));
}

#[cfg(unix)]
#[test]
fn symbolic_links_not_followed_unless_asked_and_never_in_a_loop() {
    let dir = TempDir::new("symlinks");
    dir.file("site/posts/post.md", LINK);
    dir.file("elsewhere/shared.md", LINK);
    std::os::unix::fs::symlink("..", dir.0.join("site/posts/up")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", dir.0.join("site/linked")).unwrap();
    let site = format!("{}/site", dir.path());
    let o = audit(&[&site]);
    assert_eq!(o.code(), Some(0), "{}", o.err());
    assert_eq!(o.json()["files"], 1);
    let o = audit(&[&site, "--follow-symlinks"]);
    assert_eq!(o.code(), Some(0), "{}", o.err());
    let report = o.json();
    assert_eq!(
        report["files"], 2,
        "post.md and linked/shared.md, each once"
    );
    assert_eq!(report["summary"]["total"], 2);
    assert!(o.err().contains("loop"), "{}", o.err());

    std::os::unix::fs::symlink("nowhere.html", dir.0.join("dangling.html")).unwrap();
    let dangling = format!("{}/dangling.html", dir.path());
    let o = run(&["audit", &site, &dangling, "--profile", PROFILE], None);
    assert_eq!(o.code(), Some(2));
    assert!(o.out().is_empty(), "no partial report");
    assert!(o.err().contains("cannot read"), "{}", o.err());
}

#[test]
fn every_format_with_positions_posts_and_protocol_relative_links() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sources");
    let o = audit(&[dir]);
    assert_eq!(o.code(), Some(0), "{}", o.err());
    let report = o.json();
    let findings = report["findings"].as_array().unwrap();
    for f in findings {
        let file = std::fs::read(f["file"].as_str().unwrap()).unwrap();
        let (start, end) = (f["start"].as_u64().unwrap(), f["end"].as_u64().unwrap());
        let written = String::from_utf8(file[start as usize..end as usize].to_vec()).unwrap();
        let href = f["href"].as_str().unwrap();
        assert!(
            written
                .replace("&amp;", "&")
                .replace("&amp;", "&")
                .ends_with(href.trim_start_matches("https://")),
            "{written} {href}"
        );
        assert!(f["line"].as_u64().unwrap() > 0 && f["column"].as_u64().unwrap() > 0);
    }
    let relative = findings
        .iter()
        .find(|f| {
            f["href"] == "//www.amazon.com/dp/B0BSHF7WHW"
                && f["file"].as_str().unwrap().ends_with(".md")
        })
        .unwrap();
    assert_eq!(relative["marketplace"], "amazon.com");
    assert_eq!(relative["verdict"], "untagged");
    let in_post = findings
        .iter()
        .find(|f| {
            f["href"] == "https://www.amazon.de/dp/B08N5WRWNW"
                && f["file"].as_str().unwrap().ends_with("export.xml")
        })
        .unwrap();
    assert_eq!(in_post["item"]["title"], "Gift guide");
    assert_eq!(in_post["item"]["link"], "https://kettles.example/gifts");
    let table = run(
        &["audit", &format!("{dir}/export.xml"), "--profile", PROFILE],
        None,
    )
    .out();
    let row = table
        .lines()
        .find(|l| l.contains("export.xml:16:39"))
        .unwrap();
    assert!(
        row.contains("  Gift guide  ") && row.contains("  untagged  "),
        "{table}"
    );
}

/// The real publisher sites kept beside the project (`../shared/data/real-sites`; from a git
/// worktree, beside the main checkout).
fn real_sites() -> PathBuf {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut candidates = vec![repo.join("../shared/data/real-sites")];
    if let Ok(git) = std::fs::read_to_string(repo.join(".git")) {
        // A worktree's .git file: "gitdir: <main>/.git/worktrees/<name>".
        if let Some(main) = git
            .trim()
            .strip_prefix("gitdir: ")
            .and_then(|d| d.split("/.git/").next())
        {
            candidates.push(PathBuf::from(main).join("../shared/data/real-sites"));
        }
    }
    candidates
        .into_iter()
        .find(|p| p.is_dir())
        .expect("../shared/data/real-sites is missing")
}

/// The Amazon URLs in a text by a plain scan, as (line) numbers: an independent count.
fn amazon_lines(text: &str) -> Vec<usize> {
    let hosts = ["amazon.", "amzn.to/", "amzn.eu/", "amzn.com/", "a.co/"];
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            line.match_indices("//").any(|(i, _)| {
                let rest = line[i + 2..].trim_start_matches("www.");
                hosts.iter().any(|h| rest.starts_with(h))
            })
        })
        .map(|(n, _)| n + 1)
        .collect()
}

#[test]
fn real_sites_every_amazon_link_found() {
    let root = real_sites();
    let root_str = root.to_str().unwrap();
    let o = audit(&[root_str]);
    assert_eq!(o.code(), Some(0), "{}", o.err());
    let report = o.json();
    let found: BTreeSet<(String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut expected = BTreeSet::new();
    let mut markdown = 0;
    for file in found
        .iter()
        .map(|(f, _)| f.clone())
        .collect::<BTreeSet<_>>()
    {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in amazon_lines(&text) {
            expected.insert((file.clone(), line as u64));
        }
        markdown += usize::from(file.ends_with(".md") || file.ends_with(".markdown"));
    }
    assert_eq!(found, expected);
    assert!(
        markdown >= 10,
        "Markdown posts with Amazon links: {markdown}"
    );
    assert!(report["files"].as_u64().unwrap() > 250);
    // An untagged link fails a CI gate, wherever it is written.
    let o = run(
        &[
            "audit",
            root_str,
            "--profile",
            PROFILE,
            "--fail-on",
            "untagged",
        ],
        None,
    );
    assert_eq!(o.code(), Some(1));
}

/// A page with more links than are audited at a time, between pages with none and with few:
/// every finding is reported once, in the sources' order and then the page's, with its line,
/// column and byte range, and every file is counted once.
#[test]
fn a_large_page_streams_out_in_order() {
    let dir = TempDir::new("large-page");
    let mut page = String::new();
    let mut expected = Vec::new();
    for i in 0..10_000 {
        let untagged = format!("//www.amazon.com/dp/B0{i:08}");
        let line =
            format!("<p>é <a href=/blog/{i}>x</a> <a href=\"{untagged}?a=1&amp;b=2\">k</a>\n");
        let at = line.find(&untagged).unwrap();
        let column = line[..at].chars().count() + 1;
        expected.push(("b.html".to_owned(), i + 1, column, page.len() + at));
        page.push_str(&line);
    }
    dir.file("a.html", "<p>no links</p>");
    dir.file("b.html", &page);
    dir.file("c.md", LINK);
    expected.push(("c.md".into(), 1, 5, 4));
    let out = audit(&[dir.path()]);
    assert_eq!(out.code(), Some(0), "{}", out.err());
    let report = out.json();
    assert_eq!(report["files"], 3);
    let found: Vec<(String, usize, usize, usize)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned();
            let n = |k: &str| f[k].as_u64().unwrap() as usize;
            (file, n("line"), n("column"), n("start"))
        })
        .collect();
    assert_eq!(found, expected);
    let first = &report["findings"][0];
    assert_eq!(first["href"], "//www.amazon.com/dp/B000000000?a=1&b=2");
    let span = |k: &str| first[k].as_u64().unwrap() as usize;
    assert_eq!(
        &page[span("start")..span("end")],
        "//www.amazon.com/dp/B000000000?a=1&amp;b=2"
    );
}

/// Runs `audit <args> --format <format>` with stdout going to `out` (a file, at its end),
/// stderr to `err`: the exit code.
#[cfg(unix)]
fn audit_to_file(args: &[&str], format: &str, out: std::fs::File, err: std::process::Stdio) -> i32 {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--profile", PROFILE, "--format", format]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_linkscope"))
        .args(&all)
        .stdin(std::process::Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap();
    common::wait(&mut child, &all).code().unwrap()
}

/// A report written straight into a regular file (`> report.json`) is the report a pipe gets,
/// after what the file held; a run that fails leaves the file as it was, and one whose stderr
/// is the same file (`> out 2>&1`) gets only the message.
#[cfg(unix)]
#[test]
fn a_report_into_a_file_is_whole_or_nothing() {
    use std::io::{Seek, SeekFrom, Write};
    let dir = TempDir::new("report-file");
    for i in 0..40 {
        dir.file(&format!("site/post-{i:02}.md"), LINK.repeat(50));
    }
    let site = format!("{}/site", dir.path());
    let dangling = format!("{}/site/zz-dangling.md", dir.path());
    let at_end = |path: &str| {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .unwrap();
        file.seek(SeekFrom::End(0)).unwrap();
        file
    };
    let out = format!("{}/out.txt", dir.path());
    for format in ["json", "csv", "sarif", "github", "table"] {
        let piped = run(
            &["audit", &site, "--profile", PROFILE, "--format", format],
            None,
        );
        assert_eq!(piped.code(), Some(0), "{}", piped.err());
        std::fs::write(&out, "before\n").unwrap();
        let code = audit_to_file(&[&site], format, at_end(&out), std::process::Stdio::null());
        assert_eq!(code, 0);
        let written = std::fs::read(&out).unwrap();
        assert_eq!(written, [b"before\n".as_slice(), &piped.stdout].concat());
    }

    std::os::unix::fs::symlink("nowhere.md", &dangling).unwrap();
    std::fs::write(&out, "before\n").unwrap();
    let code = audit_to_file(
        &[&site, &dangling],
        "json",
        at_end(&out),
        std::process::Stdio::null(),
    );
    assert_eq!(code, 2);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "before\n");
    // Written on after the run: from where the file ends.
    let mut file = at_end(&out);
    file.write_all(b"after\n").unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "before\nafter\n");

    std::fs::write(&out, "").unwrap();
    let both = at_end(&out);
    let err = std::process::Stdio::from(both.try_clone().unwrap());
    let code = audit_to_file(&[&site, &dangling], "json", both, err);
    assert_eq!(code, 2);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("linkscope: cannot read"), "{text}");
    assert!(!text.contains("findings"), "{text}");
}
