//! `linkscope fix` on every source format: a dry run shows a diff and changes nothing; `--write`
//! changes only the URLs' bytes (line endings, `&amp;`, titles and angle brackets kept), keeps
//! permissions, and a second run changes nothing.

mod common;

use common::{run, TempDir, PROFILE};

const SOURCES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sources");

/// A copy of the fixture sources, plus a Markdown file with CRLF line endings and a BOM.
fn site() -> TempDir {
    let dir =
        TempDir::new(&format!("fix-{:?}", std::thread::current().id()).replace(['(', ')'], ""));
    for entry in std::fs::read_dir(SOURCES).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap();
        if !name.ends_with(".tsv") {
            dir.file(name, std::fs::read(&path).unwrap());
        }
    }
    dir.file(
        "crlf.md",
        "\u{feff}Title\r\n[kettle](<https://www.amazon.com/dp/B077JBQZPX?qid=1> \"Stagg & co\")\r\n",
    );
    dir
}

fn snapshot(dir: &TempDir) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_str().unwrap().to_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The byte ranges of the Amazon links `audit` finds in each file, by file name.
fn url_ranges(dir: &TempDir) -> std::collections::BTreeMap<String, Vec<(usize, usize)>> {
    let o = run(
        &[
            "audit",
            dir.path(),
            "--profile",
            PROFILE,
            "--format",
            "json",
        ],
        None,
    );
    let mut ranges = std::collections::BTreeMap::<String, Vec<(usize, usize)>>::new();
    for f in o.json()["findings"].as_array().unwrap() {
        let name = f["file"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        let range = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        ranges.entry(name).or_default().push(range);
    }
    ranges
}

/// The bytes of `file` outside `ranges`, piece by piece.
fn outside(file: &[u8], ranges: &[(usize, usize)]) -> Vec<Vec<u8>> {
    let mut pieces = Vec::new();
    let mut at = 0;
    for &(start, end) in ranges {
        pieces.push(file[at..start].to_vec());
        at = end;
    }
    pieces.push(file[at..].to_vec());
    pieces
}

#[test]
fn dry_run_write_and_idempotence() {
    let dir = site();
    let before = snapshot(&dir);
    let ranges_before = url_ranges(&dir);
    let o = run(&["fix", dir.path(), "--profile", PROFILE], None);
    assert_eq!(o.code(), Some(1), "changes pending: {}", o.err());
    let diff = o.out();
    assert!(diff.contains("-Bare www.amazon.fr/dp/B07Y5HH1W8, protocol-relative [link](//www.amazon.com/dp/B0BSHF7WHW)."), "{diff}");
    assert!(diff.contains("+Bare www.amazon.fr/dp/B07Y5HH1W8, protocol-relative [link](https://www.amazon.com/dp/B0BSHF7WHW?tag=mysite-20)."), "{diff}");
    assert!(
        o.err()
            .contains("to fix (dry run; --write applies): 1 mine, 10 untagged"),
        "{}",
        o.err()
    );
    assert!(
        o.err().contains("post.md:12:63: foreign: left as is"),
        "{}",
        o.err()
    );
    assert_eq!(snapshot(&dir), before, "a dry run writes nothing");
    // Run from the site's root on `.`, the diff names the files as `git apply` takes them.
    let o = common::run_in(Some(&dir.0), &["fix", ".", "--profile", PROFILE], None);
    let diff = o.out();
    let heads: Vec<&str> = diff.lines().filter(|l| l.starts_with("--- ")).collect();
    assert!(
        !heads.is_empty() && heads.iter().all(|l| !l.contains("./")),
        "{heads:?}"
    );
    assert!(heads.contains(&"--- a/post.md"), "{heads:?}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let md = dir.0.join("post.md");
        std::fs::set_permissions(&md, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let o = run(&["fix", dir.path(), "--profile", PROFILE, "--write"], None);
    assert_eq!(
        o.code(),
        Some(1),
        "foreign, short and malformed links are left: {}",
        o.err()
    );
    assert!(
        o.err().contains("fixed: 1 mine, 10 untagged"),
        "{}",
        o.err()
    );
    let after = snapshot(&dir);
    assert_ne!(after, before);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.0.join("post.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // No temporary file is left behind.
    assert!(after.iter().all(|(name, _)| !name.contains("linkscope")));

    // Only the URLs changed: everything else is byte for byte the same.
    let ranges_after = url_ranges(&dir);
    for ((name, old), (_, new)) in before.iter().zip(&after) {
        let empty = Vec::new();
        let old_ranges = ranges_before.get(name).unwrap_or(&empty);
        let new_ranges = ranges_after.get(name).unwrap_or(&empty);
        assert_eq!(outside(old, old_ranges), outside(new, new_ranges), "{name}");
    }
    let crlf = String::from_utf8(std::fs::read(dir.0.join("crlf.md")).unwrap()).unwrap();
    assert_eq!(
        crlf,
        "\u{feff}Title\r\n[kettle](<https://www.amazon.com/dp/B077JBQZPX?tag=mysite-20> \"Stagg & co\")\r\n"
    );
    let html = String::from_utf8(std::fs::read(dir.0.join("post.md")).unwrap()).unwrap();
    assert!(
        html.contains("<a href=\"https://www.amazon.com/dp/B0BSHF7WHW?tag=mysite-20\">Deal</a>")
    );
    let xml = String::from_utf8(std::fs::read(dir.0.join("export.xml")).unwrap()).unwrap();
    assert!(xml.contains(
        "&lt;a href=&quot;https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&quot;&gt;"
    ));

    // Every fixed link is now the user's own, and a second run changes nothing.
    let o = run(
        &[
            "audit",
            dir.path(),
            "--profile",
            PROFILE,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(
        o.json()["summary"]["untagged"],
        1,
        "amazon.fr: OneLink only, left"
    );
    let o = run(&["fix", dir.path(), "--profile", PROFILE, "--write"], None);
    assert!(o.err().contains("fixed: none"), "{}", o.err());
    assert_eq!(snapshot(&dir), after);
}

#[test]
fn replace_foreign_and_refusals() {
    let dir = TempDir::new("fix-foreign");
    let page = dir.file(
        "p.html",
        "<a href='https://www.amazon.com/dp/B01GJOMVRO?tag=rivalblog-20&amp;th=1'>x</a>\n",
    );
    let o = run(
        &[
            "fix",
            &page,
            "--profile",
            PROFILE,
            "--write",
            "--replace-foreign",
        ],
        None,
    );
    assert_eq!(o.code(), Some(0), "{}", o.err());
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        "<a href='https://www.amazon.com/dp/B01GJOMVRO?tag=mysite-20&amp;th=1'>x</a>\n"
    );
    let o = run(
        &["fix", "-", "--profile", PROFILE],
        Some(b"https://amazon.com/dp/B01GJOMVRO"),
    );
    assert_eq!(o.code(), Some(2));
    assert!(o.err().contains("standard input cannot be fixed"));
}

#[test]
fn files_in_other_ascii_compatible_encodings_keep_every_other_byte() {
    let dir = TempDir::new("fix-encodings");
    let untagged = "https://www.amazon.com/dp/B08N5WRWNW?psc=1&amp;qid=3";
    let fixed = "https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20&amp;psc=1";
    // windows-1252 declared by the page, with bytes that are not UTF-8 around the link.
    let latin: Vec<u8> = [
        &b"<meta charset=\"windows-1252\"><p>Caf\xE9 \x93cr\xE8me\x94 "[..],
        format!("<a href=\"{untagged}\">").as_bytes(),
        b"\xA3 9</a></p>\r\n",
    ]
    .concat();
    let page = dir.file("latin.html", &latin);
    // Shift_JIS: ASCII bytes are also second bytes of double-byte characters (0x5C in 表).
    let sjis = encoding_rs::SHIFT_JIS
        .encode(&format!(
            "<meta charset=shift_jis><p>表示 <a href=\"{untagged}\">買う</a> 表</p>\n"
        ))
        .0
        .into_owned();
    let japanese = dir.file("sjis.html", &sjis);
    // Markdown has no declared charset: bytes that are not UTF-8 are read as windows-1252.
    let md: Vec<u8> = [
        &b"Cr\xE8me br\xFBl\xE9e: "[..],
        b"[torch](https://www.amazon.com/dp/B08N5WRWNW) \xA9\n",
    ]
    .concat();
    let post = dir.file("post.md", &md);
    // UTF-16 is not ASCII-compatible: refused, left byte for byte.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            format!("<a href=\"{untagged}\">x</a>\n")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let wide = dir.file("wide.html", &utf16);

    let o = run(&["fix", dir.path(), "--profile", PROFILE, "--write"], None);
    assert_eq!(o.code(), Some(1), "UTF-16 is left: {}", o.err());
    let replace = |bytes: &[u8], from: &str, to: &str| -> Vec<u8> {
        let at = bytes
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .unwrap();
        [&bytes[..at], to.as_bytes(), &bytes[at + from.len()..]].concat()
    };
    assert_eq!(
        std::fs::read(&page).unwrap(),
        replace(&latin, untagged, fixed)
    );
    assert_eq!(
        std::fs::read(&japanese).unwrap(),
        replace(&sjis, untagged, fixed)
    );
    assert_eq!(
        std::fs::read(&post).unwrap(),
        replace(
            &md,
            "https://www.amazon.com/dp/B08N5WRWNW",
            "https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20"
        )
    );
    assert_eq!(std::fs::read(&wide).unwrap(), utf16);
    assert!(
        o.err()
            .contains("the file is UTF-16LE: only UTF-8 and ASCII-compatible encodings"),
        "{}",
        o.err()
    );
    // A second run changes nothing.
    let before = snapshot(&dir);
    let o = run(&["fix", dir.path(), "--profile", PROFILE, "--write"], None);
    assert!(o.err().contains("fixed: none"), "{}", o.err());
    assert_eq!(snapshot(&dir), before);
}
