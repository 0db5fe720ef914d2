//! Issue 8's findings about the command-line tool, one test each: what a crafted page, file
//! name, encoding or closed pipe must not do.

mod common;

use std::process::{Command, Stdio};

use common::{run, run_in, wait, TempDir, PROFILE};

fn audit_json(path: &str) -> serde_json::Value {
    let o = run(
        &["audit", path, "--profile", PROFILE, "--format", "json"],
        None,
    );
    assert_eq!(o.code(), Some(0), "{}", o.err());
    o.json()
}

fn hrefs(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["href"].as_str().unwrap().to_owned())
        .collect()
}

/// 3. A huge value is shown shortened in the table, whole in JSON and CSV.
#[test]
fn table_cells_are_bounded() {
    let dir = TempDir::new("bounded");
    let tag = "t".repeat(100_000);
    let mut page = String::new();
    for i in 0..20 {
        page.push_str(&format!(
            "<a href='https://www.amazon.com/dp/B08N5WRWN{}?tag={tag}'>x</a>\n",
            i % 10
        ));
    }
    let page = dir.file("big.html", page);
    let o = run(&["audit", &page, "--profile", PROFILE], None);
    assert_eq!(o.code(), Some(0), "{}", o.err());
    let table = o.out();
    assert_eq!(table.lines().count(), 23, "header, 20 rows, blank, summary");
    assert!(table.len() < 8_000, "table is {} bytes", table.len());
    assert!(table.contains('…'));
    let report = audit_json(&page);
    assert_eq!(
        report["findings"][0]["tag"].as_str().unwrap().len(),
        100_000
    );
    let o = run(
        &["audit", &page, "--profile", PROFILE, "--format", "csv"],
        None,
    );
    assert!(o.out().lines().nth(1).unwrap().contains(&tag));
}

/// 4. Control characters from a page, a file name or an error never reach the terminal raw.
#[test]
fn control_characters_are_escaped() {
    let dir = TempDir::new("escape");
    let page = dir.file(
        "\u{1b}]0;pwned\u{7}.html",
        "<a href='https://www.amazon.com/dp/B08N5WRWNW?x=\u{1b}[2J\u{9b}31m'>x</a>",
    );
    let o = run(&["audit", &page, "--profile", PROFILE], None);
    let table = o.out();
    assert!(table.contains("\\u{1b}[2J"), "{table}");
    assert!(!table.contains(['\u{1b}', '\u{7}', '\u{9b}']), "{table:?}");
    // The escaped characters are kept in JSON, which no terminal interprets.
    assert!(hrefs(&audit_json(&page))[0].contains('\u{1b}'));
    let missing = format!("{}/\u{1b}[2Jmissing.html", dir.path());
    let o = run(&["audit", &missing, "--profile", PROFILE], None);
    assert_eq!(o.code(), Some(2));
    let err = o.err();
    assert!(
        err.contains("\\u{1b}[2Jmissing.html") && !err.contains('\u{1b}'),
        "{err:?}"
    );
}

/// 5. Spreadsheets must not run a field as a formula, even after a TAB or CR.
#[test]
fn csv_formula_guard() {
    let dir = TempDir::new("csv");
    let page = "<a href='https://www.amazon.com/dp/B08N5WRWNW'>x</a>";
    dir.file("=HYPERLINK(1).html", page);
    dir.file("\t=HYPERLINK(2).html", page);
    dir.file("\r=HYPERLINK(3).html", page);
    for (name, expected) in [
        ("=HYPERLINK(1).html", "'=HYPERLINK(1).html,"),
        ("\t=HYPERLINK(2).html", "'\t=HYPERLINK(2).html,"),
        ("\r=HYPERLINK(3).html", "\"'\r=HYPERLINK(3).html\","),
    ] {
        let args = ["audit", name, "--profile", PROFILE, "--format", "csv"];
        let o = run_in(Some(&dir.0), &args, None);
        let text = o.out();
        let row = &text[text.find('\n').unwrap() + 1..];
        assert!(row.starts_with(expected), "{row:?}");
    }
}

/// 6. A reader that goes away (`2>&1 | head -1`) does not turn success into a crash.
#[test]
fn closed_pipes_do_not_abort() {
    let blog = format!("{}/blog-post.html", common::SITE);
    for (stdout_closed, stderr_closed) in [(false, true), (true, false), (true, true)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_linkscope"))
            .args([
                "audit",
                &blog,
                "--profile",
                PROFILE,
                "--fail-on",
                "untagged",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Dropping a pipe's reading end closes it: the child's writes then fail with EPIPE.
        let out = child.stdout.take();
        let err = child.stderr.take();
        if stdout_closed {
            drop(out);
        } else {
            std::thread::spawn(move || std::io::copy(&mut out.unwrap(), &mut std::io::sink()));
        }
        if stderr_closed {
            drop(err);
        } else {
            std::thread::spawn(move || std::io::copy(&mut err.unwrap(), &mut std::io::sink()));
        }
        let status = wait(&mut child, &["audit"]);
        assert_eq!(status.code(), Some(1), "{stdout_closed} {stderr_closed}");
    }
}

/// 7. Encodings as browsers detect them; a file that cannot be decoded is an error, not 0 links.
#[test]
fn encodings() {
    let dir = TempDir::new("encodings");
    let page = "<p>Café</p>\n<a href='https://www.amazon.com/s?k=café'>x</a>\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(page.encode_utf16().flat_map(u16::to_le_bytes));
    let utf16 = dir.file("utf16.html", &utf16);
    let report = audit_json(&utf16);
    assert_eq!(hrefs(&report), ["https://www.amazon.com/s?k=café"]);
    assert_eq!(report["findings"][0]["line"], 2);
    // The byte range is in the file's own bytes: UTF-16 code units after the BOM.
    let start = report["findings"][0]["start"].as_u64().unwrap();
    let before = &page[..page.find("https").unwrap()];
    assert_eq!(start, 2 + 2 * before.encode_utf16().count() as u64);

    let latin = page.replace("é", "\u{FFFD}");
    let mut bytes = b"<meta charset=windows-1252>".to_vec();
    for part in latin
        .split('\u{FFFD}')
        .collect::<Vec<_>>()
        .join("\u{0}")
        .bytes()
    {
        bytes.push(if part == 0 { 0xE9 } else { part });
    }
    let latin = dir.file("latin.html", &bytes);
    assert_eq!(
        hrefs(&audit_json(&latin)),
        ["https://www.amazon.com/s?k=café"]
    );

    let mut no_bom: Vec<u8> = page.encode_utf16().flat_map(u16::to_le_bytes).collect();
    no_bom.truncate(200);
    let no_bom = dir.file("nobom.html", &no_bom);
    let o = run(&["audit", &no_bom, "--profile", PROFILE], None);
    assert_eq!(o.code(), Some(2));
    assert!(o.out().is_empty());
    assert!(o.err().contains("cannot decode"), "{}", o.err());
}

/// 8. The links a browser's DOM has, not the ones the text seems to have.
#[test]
fn extraction_like_the_dom() {
    let dir = TempDir::new("dom");
    let page = dir.file(
        "dom.html",
        "<svg><style><a href='https://www.amazon.com/dp/B000000001'></a></style>\
         <title><a href='https://www.amazon.com/dp/B000000002'>t</a></title></svg>\n\
         <noscript><a href='https://www.amazon.com/dp/B000000003'>n</a></noscript>\n\
         <template><a href='https://www.amazon.com/dp/B000000004'>t</a></template>\n\
         <a href='https://www.amazon.com/dp/B000000005'>x</a>",
    );
    let asins: Vec<String> = hrefs(&audit_json(&page))
        .iter()
        .map(|h| h[h.len() - 10..].to_owned())
        .collect();
    assert_eq!(asins, ["B000000001", "B000000002", "B000000005"]);
}

/// 10. Inputs with no end: FIFOs and devices are not read, files over the limit are refused.
#[test]
fn only_regular_files_of_bounded_size() {
    let dir = TempDir::new("fifo");
    dir.file(
        "site/post.html",
        "<a href='https://www.amazon.com/dp/B08N5WRWNW'>x</a>",
    );
    let fifo = format!("{}/site/pipe.html", dir.path());
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let site = format!("{}/site", dir.path());
    let o = run(
        &["audit", &site, "--profile", PROFILE, "--format", "json"],
        None,
    );
    assert_eq!(o.code(), Some(0), "{}", o.err());
    assert_eq!(o.json()["files"], 1);
    assert!(
        o.err().contains("pipe.html: not a regular file"),
        "{}",
        o.err()
    );
    for input in [fifo.as_str(), "/dev/zero"] {
        let o = run(&["audit", input, "--profile", PROFILE], None);
        assert_eq!(o.code(), Some(2));
        assert!(o.err().contains("not a regular file"), "{}", o.err());
        let o = run(&["coverage", "--profile", input], None);
        assert_eq!(o.code(), Some(2));
        assert!(o.err().contains("not a regular file"), "{}", o.err());
    }
    let big = dir.file("big.html", "x".repeat(2048));
    let o = run(
        &["audit", &big, "--profile", PROFILE, "--max-file-size", "1K"],
        None,
    );
    assert_eq!(o.code(), Some(2));
    assert!(
        o.err()
            .contains("2048 bytes, over the limit of 1024 bytes (raise it with --max-file-size)"),
        "{}",
        o.err()
    );
    let o = run(
        &["audit", &big, "--profile", PROFILE, "--max-file-size", "2K"],
        None,
    );
    assert_eq!(o.code(), Some(0), "{}", o.err());
    // A line with no end on standard input is refused, not held in memory.
    let o = run(&["parse"], Some(&vec![b'a'; 3 << 20]));
    assert_eq!(o.code(), Some(2));
    assert!(o.err().contains("longer than"), "{}", o.err());
    let huge_profile = dir.file("profile.json", " ".repeat(2 << 20));
    let o = run(&["coverage", "--profile", &huge_profile], None);
    assert_eq!(o.code(), Some(2));
    assert!(o.err().contains("over the limit"), "{}", o.err());
}
