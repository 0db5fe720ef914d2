//! The HTML scanner (`html::extract`) against html5ever's tokenizer (`html::extract_with_html5ever`),
//! the reference: on generated markup full of the constructs that decide where tags are
//! (quoting, comments, DOCTYPEs, CDATA, text-only elements, script escapes, SVG, templates,
//! character references, CR and NUL) and on every HTML fixture, both give the same base and the
//! same links with the same byte ranges (from which line and column are computed).

use std::path::Path;

use linkscope::extract::html::{extract, extract_with_html5ever};
use linkscope::extract::Document;
use proptest::prelude::*;

/// Pieces of markup: each alone is common, together they reach the tokenizer's odd corners.
const PIECES: &[&str] = &[
    "<a href=",
    "<a href=\"https://www.amazon.com/dp/B08N5WRWNW?tag=a-20&amp;x=1\">",
    "<a href='//amazon.fr/dp/B01GJOMVRO'>",
    "<a href=https://amzn.to/abc>",
    "<A HREF = \"https://a.co/d/x\" >",
    "<a\nclass=x\r\nhref=\"https://www.amazon.de/dp/B0\">",
    "<a href=\"x\" href=\"y\">",
    "<a x=\"a>b\" href=z>",
    "<a/href=q>",
    "<a \"href=q>",
    "<a href=>",
    "<a href>",
    "<a =href=w>",
    "<area href='https://www.amazon.co.uk/dp/B077JBQZPX'>",
    "<base href='https://blog.example/'>",
    "<base href=/b/>",
    "</a>",
    "</a x='>'>",
    "<p>",
    "<br/>",
    "<script>",
    "<script/>",
    "</script>",
    "</SCRIPT >",
    "</scriptx>",
    "<!--",
    "-->",
    "--!>",
    "<!-->",
    "<!--->",
    "<!---",
    "--",
    "<!DOCTYPE html PUBLIC \"a>b\">",
    "<!doctype html>",
    "<![CDATA[",
    "]]>",
    "<!x>",
    "<?php echo 1 ?>",
    "</>",
    "</ x>",
    "</3>",
    "<3",
    "<style>",
    "</style>",
    "<title>",
    "</title>",
    "<textarea>",
    "</textarea/>",
    "<xmp>",
    "</xmp>",
    "<iframe>",
    "</iframe>",
    "<noscript>",
    "</noscript>",
    "<noembed>",
    "<noframes>",
    "<plaintext>",
    "<svg>",
    "<svg/>",
    "</svg>",
    "<math>",
    "</math>",
    "<foreignObject>",
    "</foreignobject>",
    "<desc>",
    "</desc>",
    "<template>",
    "</template>",
    "<script><!--",
    "<script>",
    "-",
    "<",
    ">",
    "/",
    "!",
    "=",
    "'",
    "\"",
    " ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\u{c}",
    "\0",
    "&amp;",
    "&copy;",
    "&copy",
    "&ampx",
    "&#x41;",
    "&#65",
    "&#x80;",
    "&lt;",
    "&notin;",
    "&not",
    "é",
    "x",
    "https://www.amazon.com/dp/B000000000",
];

fn agree(html: &str) -> Result<(), TestCaseError> {
    let fast = extract(html);
    let reference = extract_with_html5ever(html);
    prop_assert_eq!(&fast.base, &reference.base, "base of {:?}", html);
    prop_assert_eq!(links(&fast), links(&reference), "links of {:?}", html);
    Ok(())
}

fn links(doc: &Document) -> Vec<(String, std::ops::Range<usize>)> {
    doc.links
        .iter()
        .map(|l| (l.url.clone(), l.span.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn scanner_reads_generated_markup_as_html5ever(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..40)
    ) {
        agree(&pieces.concat())?;
    }

    #[test]
    fn scanner_reads_any_text_as_html5ever(html in "[<>a-z/!\\-\"'= \n&;#\\[\\]]{0,60}") {
        agree(&html)?;
    }
}

#[test]
fn scanner_reads_every_fixture_as_html5ever() {
    let mut read = 0;
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if !text.contains('<') {
                continue;
            }
            let (fast, reference) = (extract(&text), extract_with_html5ever(&text));
            assert_eq!(fast.base, reference.base, "{}", path.display());
            assert_eq!(links(&fast), links(&reference), "{}", path.display());
            read += 1;
        }
    }
    assert!(read > 20, "only {read} fixtures read");
}
