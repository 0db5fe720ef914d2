//! Extraction per source format on fixture sources: each `tests/fixtures/sources/NAME` has its
//! expected links in `NAME.links.tsv` (line, column, the URL as written, the URL as read, and
//! for feeds the post it is in). Adding a case needs no code.

use linkscope::extract::{decode, extract, SourceFormat};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sources");

#[test]
fn every_fixture_source_gives_its_expected_links() {
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(DIR).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.ends_with(".links.tsv") {
            continue;
        }
        let format = SourceFormat::of_file_name(&name).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let decoded = decode(&bytes, format).unwrap();
        let doc = extract(format, &decoded.text);
        let with_post = format == SourceFormat::Xml;
        let got: Vec<String> = doc
            .links
            .iter()
            .map(|l| {
                let mut fields = vec![
                    l.line.to_string(),
                    l.column.to_string(),
                    decoded.text[l.span.clone()].to_owned(),
                    l.url.clone(),
                ];
                if with_post {
                    let post = l.item.map(|i| doc.items[i].title.as_str());
                    fields.push(post.unwrap_or("-").to_owned());
                }
                fields.join("\t")
            })
            .collect();
        let expected_file = format!("{DIR}/{name}.links.tsv");
        let expected = std::fs::read_to_string(&expected_file)
            .unwrap_or_else(|e| panic!("{expected_file}: {e}"));
        let expected: Vec<&str> = expected
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert_eq!(got, expected, "{name}");
        checked.push(format);
    }
    for format in SourceFormat::ALL {
        assert!(checked.contains(&format), "no fixture for {format:?}");
    }
}
