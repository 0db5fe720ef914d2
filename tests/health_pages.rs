//! The four real saved Amazon pages in ../shared/data/amazon-pages/ (see its README), judged whole,
//! in chunks, and cut at the cap. CI has shared/ beside the checkout; the pages are not copied.

use linkscope::health::{judge, Check, Health, PageFacts, Policy, Progress, Response, Scanner};

struct Saved {
    file: &'static str,
    requested: &'static str,
    health: Health,
    asin: &'static str,
    marketplace: &'static str,
    title: &'static str,
}

fn saved() -> Vec<Saved> {
    vec![
        Saved {
            file: "us-in-stock-B0057OC5O8.html",
            requested: "https://www.amazon.com/dp/B0057OC5O8",
            health: Health::Available,
            asin: "B0057OC5O8",
            marketplace: "amazon.com",
            title: "SainSmart 4-Channel Relay Module",
        },
        Saved {
            file: "us-kindle-ebook-B0011UCPM4.html",
            requested: "https://www.amazon.com/dp/B0011UCPM4",
            health: Health::Available,
            asin: "B0011UCPM4",
            marketplace: "amazon.com",
            title: "The Whole Truth (A. Shaw Book 1)",
        },
        Saved {
            file: "uk-book-1849757097.html",
            requested: "https://www.amazon.co.uk/dp/1849757097",
            health: Health::Available,
            asin: "1849757097",
            marketplace: "amazon.co.uk",
            title: "Vegetable Perfection: 100 delicious recipes for roots, bulbs, shoots and stems",
        },
        Saved {
            file: "es-other-sellers-only-B01MUGXRT9.html",
            requested: "https://www.amazon.es/dp/B01MUGXRT9",
            health: Health::OtherSellersOnly,
            asin: "B01MUGXRT9",
            marketplace: "amazon.es",
            title: "Cecotec Robot Limpiacristales Windroid 880 SprayWater Smart Connected. 90 W, \
                    Pulveriza, Limpia y Seca, Control por App y Mando a Distancia, 4 Programas, \
                    Cable 5,5m, Incluye 12 Paños",
        },
    ]
}

/// The saved pages' directory: `<repo>/../shared/data/amazon-pages` (as in CI), or from a
/// worktree under `wt/`, `<repo>/../../shared/…`. A missing directory fails the test.
fn read(file: &str) -> Vec<u8> {
    let repo = env!("CARGO_MANIFEST_DIR");
    let dirs = ["../shared", "../../shared"].map(|d| format!("{repo}/{d}/data/amazon-pages"));
    let dir = dirs
        .iter()
        .find(|d| std::path::Path::new(d).is_dir())
        .unwrap_or_else(|| {
            panic!("no saved pages at {dirs:?}: shared/ must sit beside the checkout")
        });
    let path = format!("{dir}/{file}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Feeds `body` in chunks of `chunk` bytes until the scanner has enough; returns the facts and
/// how many bytes were offered.
fn scan(body: &[u8], chunk: usize, cap: usize) -> (PageFacts, usize) {
    let mut scanner = Scanner::new(cap);
    let mut offered = 0;
    for piece in body.chunks(chunk) {
        offered += piece.len();
        if scanner.feed(piece) == Progress::Enough {
            break;
        }
    }
    (scanner.finish(), offered)
}

fn check(page: &Saved, facts: &PageFacts) -> Check {
    let response = Response {
        requested: page.requested,
        status: 200,
        content_type: Some("text/html;charset=UTF-8"),
        ..Response::default()
    };
    judge(&response, facts)
}

fn assert_judged(page: &Saved, check: &Check, how: &str) {
    assert_eq!(
        check.health, page.health,
        "{} {how}: {}",
        page.file, check.why
    );
    assert_eq!(
        check.asin.as_deref(),
        Some(page.asin),
        "{} {how}",
        page.file
    );
    assert_eq!(
        check.marketplace.as_deref(),
        Some(page.marketplace),
        "{} {how}",
        page.file
    );
    assert_eq!(
        check.title.as_deref(),
        Some(page.title),
        "{} {how}",
        page.file
    );
}

#[test]
fn each_saved_page_is_judged_as_its_readme_says() {
    for page in saved() {
        let body = read(page.file);
        let (facts, offered) = scan(&body, body.len(), Policy::DEFAULT.body_cap);
        let check = check(&page, &facts);
        println!(
            "{}: {} ({}), read {} of {} bytes",
            page.file,
            check.health.as_str(),
            check.why,
            facts.bytes,
            body.len()
        );
        assert_judged(&page, &check, "whole");
        assert!(offered <= body.len());
    }
}

#[test]
fn in_chunks_the_same_judgement_and_the_read_stops_at_the_markers() {
    for page in saved() {
        let body = read(page.file);
        let (whole, _) = scan(&body, body.len(), usize::MAX);
        for chunk in [1 << 16, 4093, 1 << 20] {
            let (facts, offered) = scan(&body, chunk, Policy::DEFAULT.body_cap);
            assert_judged(
                &page,
                &check(&page, &facts),
                &format!("in {chunk}-byte chunks"),
            );
            assert_eq!(facts.title, whole.title);
            assert_eq!(facts.asin_input, whole.asin_input);
            assert_eq!(facts.canonical, whole.canonical);
            if chunk == 1 << 16 {
                println!(
                    "{}: enough after {offered} of {} bytes",
                    page.file,
                    body.len()
                );
                // Every page is decided by its title, after which nothing is needed.
                let title_at = find(&body, b"id=\"productTitle\"").unwrap();
                assert!(offered < title_at + MAX_TITLE_READ + chunk, "{}", page.file);
                assert!(offered < body.len(), "{} read to the end", page.file);
            }
        }
    }
}

/// The scanner reads at most this much HTML after the title's marker (scan.rs MAX_TITLE).
const MAX_TITLE_READ: usize = 4096;

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn byte_by_byte_reads_like_whole() {
    let page = &saved()[3];
    let body = read(page.file);
    let (facts, offered) = scan(&body, 1, Policy::DEFAULT.body_cap);
    assert_judged(page, &check(page, &facts), "byte by byte");
    assert_eq!(facts.bytes, offered);
}

#[test]
fn cut_at_the_cap_never_broken() {
    for page in saved() {
        let body = read(page.file);
        // The default cap, and caps just before and after each marker the README lists.
        let mut caps = vec![Policy::DEFAULT.body_cap, 100, 5000];
        for marker in [
            &b"ue_mid"[..],
            b"rel=\"canonical\"",
            b"id=\"ASIN\"",
            b"id=\"availability\"",
            b"id=\"productTitle\"",
        ] {
            if let Some(at) = find(&body, marker) {
                caps.extend([at, at + 40, at + 400]);
            }
        }
        for cap in caps {
            let (facts, _) = scan(&body, 1 << 16, cap);
            assert!(facts.bytes <= cap);
            let check = check(&page, &facts);
            assert!(
                !check.health.is_broken(),
                "{} cut at {cap}: {check:?}",
                page.file
            );
            if cap >= Policy::DEFAULT.body_cap {
                assert_judged(&page, &check, "at the default cap");
            } else if !facts.is_product_page() {
                assert!(
                    !check.health.is_conclusive(),
                    "{} cut at {cap}: {check:?}",
                    page.file
                );
            }
        }
    }
}

#[test]
fn memory_stays_bounded_on_a_huge_body() {
    // 10 MB: a real page's start, then its markup over and over, never decided (no title).
    let page = read("us-in-stock-B0057OC5O8.html");
    let filler = &page[..1_000_000];
    let chunk = 1 << 16;
    let mut scanner = Scanner::new(usize::MAX);
    let mut most = 0;
    let mut fed = 0;
    while fed < 10_000_000 {
        for piece in filler.chunks(chunk) {
            assert_eq!(scanner.feed(piece), Progress::NeedMore);
            most = most.max(scanner.buffered());
            fed += piece.len();
        }
    }
    println!("fed {fed} bytes; the scanner held at most {most} bytes");
    assert!(
        most <= linkscope::health::scan::HEAD_LEN + chunk + 16 * 1024,
        "{most}"
    );
    let facts = scanner.finish();
    assert_eq!(facts.bytes, fed);
    assert!(!facts.cut_at_cap);
}
