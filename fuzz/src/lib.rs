//! What the fuzz targets check, shared by them. Each `check_*` panics when an invariant fails,
//! which libFuzzer reports as a crash with the input that caused it.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use linkscope::{
    affiliate_link, audit, classify, generate, Classifier, Coverage, Format, GeneratedLink, Kind,
    Marketplace, Profile, Verdict,
};
use percent_encoding::percent_decode_str;

/// Classification never panics, agrees with the full parser's, and a clean link is an Amazon
/// link of the same kind and marketplace that cleans to itself.
pub fn check_classify(classifier: &Classifier, input: &str) {
    let link = classifier.classify(input);
    // The shortcuts (the "not Amazon" prefilters, the fast path for plain links) give what the
    // full parser gives: no Amazon link missed, no lookalike taken for one.
    assert_eq!(link, classifier.classify_reference(input), "{input:?}");
    if !link.is_amazon() {
        assert!(link.marketplace.is_none() && link.clean.is_none() && link.tag.is_none());
        return;
    }
    if let Some(clean) = &link.clean {
        let again = classify(clean);
        assert_eq!(again.kind, link.kind, "{input:?} -> {clean:?}");
        assert_eq!(
            again.marketplace, link.marketplace,
            "{input:?} -> {clean:?}"
        );
        assert_eq!(again.clean.as_deref(), Some(clean.as_str()), "{input:?}");
    }
}

/// A profile either fails with at least one error, or writes a JSON form that reads back as
/// the same profile.
pub fn check_profile(text: &str) {
    match Profile::from_json(text) {
        Ok(p) => {
            let again = Profile::from_json(&p.to_json()).expect("a profile's own JSON reads back");
            assert_eq!(p, again);
        }
        Err(e) => assert!(!e.0.is_empty()),
    }
}

/// Profiles the link target picks from, by the input's first byte.
pub const PROFILES: [&str; 3] = [
    r#"{"version":1,"home":"amazon.com","trackingIds":{"amazon.com":"me-20","amazon.de":"me0b-21"},"oneLink":["amazon.fr","amazon.co.uk"]}"#,
    r#"{"version":1,"home":"amazon.de","trackingIds":{"amazon.de":"wir-21","amazon.es":"wir0c-21"},"preferences":{"keepSubtag":false,"copyTarget":"home"}}"#,
    r#"{"version":1,"home":"amazon.co.uk","trackingIds":{"amazon.co.uk":"uk_site-21","amazon.co.jp":"jp-22"},"oneLink":["amazon.com"],"preferences":{"keepVariant":false}}"#,
];

/// Every link made for `input` classifies as `mine` for the profile, and its Markdown and HTML
/// forms read back as exactly one link to the same address with the marketplace's label.
pub fn check_links(profile: &Profile, input: &str) {
    if let Ok(links) = generate(profile, input) {
        for link in links.iter().filter(|l| l.coverage != Coverage::None) {
            check_generated(profile, link);
        }
    }
    let targets = [None, Some(profile.home), Marketplace::lookup("amazon.de")];
    for target in targets {
        if let Ok(link) = affiliate_link(profile, input, target) {
            check_generated(profile, &link);
        }
    }
}

fn check_generated(profile: &Profile, link: &GeneratedLink) {
    let verdict = |url: &str| {
        audit(profile, None, [url])
            .findings
            .first()
            .map(|f| f.verdict)
    };
    assert_eq!(verdict(&link.url), Some(Verdict::Mine), "{link:?}");
    let markdown = link.format(Format::Markdown);
    let (text, destination) = markdown_links(&markdown)
        .into_iter()
        .fold(None, |seen, l| {
            assert!(seen.is_none(), "two links in {markdown:?}");
            Some(l)
        })
        .unwrap_or_else(|| panic!("no link in {markdown:?}"));
    assert_eq!(text, link.label, "{markdown:?}");
    // The same address, only with characters Markdown reads as markup percent-encoded.
    let decoded = |s: &str| percent_decode_str(s).collect::<Vec<u8>>();
    assert_eq!(decoded(&destination), decoded(&link.url), "{markdown:?}");
    assert_eq!(verdict(&destination), Some(Verdict::Mine), "{markdown:?}");
    let html = link.format(Format::Html);
    assert_eq!(
        html_links(&html),
        [(link.label.clone(), link.url.clone())],
        "{html:?}"
    );
    assert_ne!(classify(&link.url).kind, Kind::NotAmazon);
}

/// The links and images of a Markdown text, as (text, destination); an image counts as a link.
pub fn markdown_links(markdown: &str) -> Vec<(String, String)> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut text: Option<String> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                out.push((String::new(), dest_url.to_string()));
                text = Some(String::new());
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let (Some(t), Some(last)) = (text.take(), out.last_mut()) {
                    last.0 = t;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(s) = text.as_mut() {
                    s.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

#[derive(Default)]
struct Anchors(RefCell<(Vec<(String, String)>, Option<String>, usize)>);

impl TokenSink for Anchors {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.0.borrow_mut();
        let (links, text, tags) = &mut *state;
        match token {
            Token::TagToken(tag) => {
                *tags += 1;
                if &*tag.name == "a" && tag.kind == TagKind::StartTag {
                    let href = tag.attrs.iter().find(|a| &*a.name.local == "href");
                    links.push((
                        String::new(),
                        href.map(|a| a.value.to_string()).unwrap_or_default(),
                    ));
                    *text = Some(String::new());
                } else if let (Some(t), Some(last)) = (text.take(), links.last_mut()) {
                    last.0 = t;
                }
            }
            Token::CharacterTokens(s) => {
                if let Some(t) = text.as_mut() {
                    t.push_str(&s);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// The `<a>` elements of an HTML fragment as (text, href); `("", "")` rows stand for any other
/// tag, so a fragment with extra markup never reads as one clean link.
pub fn html_links(html: &str) -> Vec<(String, String)> {
    let tokenizer = Tokenizer::new(Anchors::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let (links, _, tags) = tokenizer.sink.0.into_inner();
    // One <a> and its </a>: two tags.
    let mut out = links;
    out.extend(std::iter::repeat_n(
        (String::new(), String::new()),
        tags.saturating_sub(2),
    ));
    out
}

/// Extraction of `bytes` as each source format: decoding never panics, and every link the
/// extractors report lies inside the text, on character boundaries, where its line and column say,
/// under an item that exists.
pub fn check_extract(bytes: &[u8]) {
    use linkscope::extract::{decode, extract, SourceFormat};
    for format in SourceFormat::ALL {
        let Ok(decoded) = decode(bytes, format) else {
            continue;
        };
        let text = &decoded.text;
        let doc = extract(format, text);
        for link in &doc.links {
            let span = link.span.clone();
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "{format:?}: span {span:?} outside the text"
            );
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            assert!(link.line >= 1 && link.column >= 1);
            assert!(link.item.is_none_or(|i| i < doc.items.len()));
            let _ = decoded.encoded_len(&text[span]);
        }
    }
}
