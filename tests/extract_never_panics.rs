//! Every extractor, on any bytes, returns links whose positions are inside the text and on
//! character boundaries, and never panics. `linkscope::extract::{decode, extract}` are the
//! entry points a fuzz target calls.

use linkscope::extract::{decode, extract, SourceFormat};
use proptest::prelude::*;

/// Inputs near real sources: fragments of markup, Markdown and URLs, mixed with any bytes.
fn source() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"<a href=\"https://www.amazon.com/dp/B08N5WRWNW?tag=x-20&amp;a=1\">".to_vec()),
        Just(b"<a href='//amzn.to/x'>".to_vec()),
        Just(b"</a>".to_vec()),
        Just(b"<svg><style>".to_vec()),
        Just(b"<template><noscript><script><![CDATA[".to_vec()),
        Just(b"]]></script>-->".to_vec()),
        Just(b"[x](https://a.co/d/1 \"t\")".to_vec()),
        Just(b"[r]: <https://amazon.de/dp/B0>\n".to_vec()),
        Just(b"```\n`".to_vec()),
        Just(b"---\nlink: www.amazon.com/x\n---\n".to_vec()),
        Just(b"<item><title>t</title><content:encoded>&lt;a href=&quot;x&quot;&gt;".to_vec()),
        Just(b"<loc> https://x.example/&amp; </loc>".to_vec()),
        Just("é\u{202e}\r\n\t".as_bytes().to_vec()),
        Just(vec![0xEF, 0xBB, 0xBF]),
        Just(vec![0xFF, 0xFE]),
        proptest::collection::vec(any::<u8>(), 0..12),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn extractors_never_panic(bytes in source()) {
        for format in SourceFormat::ALL {
            let Ok(decoded) = decode(&bytes, format) else { continue };
            let text = &decoded.text;
            let doc = extract(format, text);
            for link in &doc.links {
                prop_assert!(link.span.start <= link.span.end && link.span.end <= text.len());
                prop_assert!(text.is_char_boundary(link.span.start));
                prop_assert!(text.is_char_boundary(link.span.end));
                prop_assert!(link.line >= 1 && link.column >= 1);
                prop_assert!(link.item.is_none_or(|i| i < doc.items.len()));
                let _ = decoded.encoded_len(&text[link.span.clone()]);
            }
        }
    }

    #[test]
    fn any_text_in_any_format(text in "\\PC{0,200}") {
        for format in SourceFormat::ALL {
            let doc = extract(format, &text);
            for link in &doc.links {
                prop_assert!(text.get(link.span.clone()).is_some());
            }
        }
    }
}
