//! `linkscope-bench`: native classification throughput on a generated corpus of realistic links
//! (70% other sites, 30% Amazon of every shape). Writes the corpus to `target/bench-corpus.txt`
//! so that the Node benchmark (tests/js/bench.mjs) measures the same links.

use std::hint::black_box;
use std::time::Instant;

use linkscope::{Classifier, Kind, MARKETPLACES};

/// The CLI's allocator, so that the figures are the native tool's.
#[cfg(feature = "cli")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LINKS: usize = 100_000;

/// A small deterministic generator (xorshift), so every run sees the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn asin(&mut self) -> String {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let tail: String = (0..9)
            .map(|_| ALNUM[self.below(ALNUM.len())] as char)
            .collect();
        format!("B0{}", &tail[1..])
    }
}

fn other_link(r: &mut Rng) -> String {
    let hosts = [
        "www.youtube.com",
        "en.wikipedia.org",
        "github.com",
        "www.reddit.com",
        "twitter.com",
        "www.nytimes.com",
        "medium.com",
        "www.bestbuy.com",
        "www.ebay.com",
        "blog.example.org",
        "www.walmart.com",
        "cdn.shopify.com",
        "docs.google.com",
        "www.instagram.com",
    ];
    let paths = [
        "/watch?v=dQw4w9WgXcQ",
        "/wiki/Electric_kettle",
        "/rust-lang/rust/issues/12345",
        "/r/BuyItForLife/comments/abc123/best_kettle/",
        "/2026/11/20/technology/review.html",
        "/@writer/the-best-kettles-of-2026-4f2a1b",
        "/site/kettles/pcmcat123.c?id=pcmcat123",
        "/itm/1234567890?hash=item1c",
        "/",
        "/search?q=amazing+deals&page=2",
        "/category/kitchen#reviews",
        "/tag/cooking/page/3/",
        "/products/x?variant=44",
    ];
    let rel = [
        "/about/",
        "#comments",
        "/category/reviews/",
        "?replytocom=42#respond",
    ];
    match r.below(10) {
        0 => r.pick(&rel).to_owned(),
        _ => format!("https://{}{}", r.pick(&hosts), r.pick(&paths)),
    }
}

fn amazon_link(r: &mut Rng) -> String {
    let m = MARKETPLACES[r.below(MARKETPLACES.len())].domain;
    let sub = r.pick(&["www.", "www.", "www.", "", "smile.", "m."]);
    let asin = r.asin();
    let tag = r.pick(&[
        "?tag=mysite-20",
        "?tag=other-21",
        "",
        "?tag=mysite-20&linkCode=ll1&linkId=9f8e7d",
        "?th=1&psc=1",
    ]);
    match r.below(12) {
        0 => format!("https://{sub}{m}/dp/{asin}{tag}"),
        1 => format!("https://{sub}{m}/Stainless-Steel-Electric-Kettle-Gooseneck/dp/{asin}/ref=sr_1_3?crid=2XYZ&keywords=kettle&qid=1700000000&sr=8-3"),
        2 => format!("https://{sub}{m}/gp/product/{asin}{tag}"),
        3 => format!("https://{sub}{m}/gp/aw/d/{asin}{tag}"),
        4 => format!("https://{sub}{m}/exec/obidos/ASIN/{asin}/oldsite-20"),
        5 => format!("https://{sub}{m}/-/en/dp/{asin}?language=en_GB"),
        6 => format!("https://{sub}{m}/s?k=usb+c+cable&crid=1ABC&sprefix=usb%2Caps%2C180&ref=nb_sb_noss_1"),
        7 => format!("https://{sub}{m}/stores/Anker/page/5A1B2C3D-1234?ref_=ast_bln"),
        8 => format!("https://{sub}{m}/hz/wishlist/ls/2ABCDEFGHIJ?ref_=wl_share"),
        9 => format!("https://{sub}{m}/product-reviews/{asin}/ref=cm_cr_dp_d_show_all_btm?reviewerType=all_reviews"),
        10 => format!("https://{}/{}", r.pick(&["amzn.to", "a.co/d", "amzn.eu/d", "amzn.asia/d"]), &asin[3..]),
        _ => format!("https://amazon.com.evil.io/dp/{asin}"),
    }
}

/// The benchmark corpus: one link a line.
pub fn corpus() -> Vec<String> {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    (0..LINKS)
        .map(|_| {
            if r.below(10) < 3 {
                amazon_link(&mut r)
            } else {
                other_link(&mut r)
            }
        })
        .collect()
}

fn main() {
    // The links in one text, a link a line, as a page's links reach classifyBatch and as a
    // source file reaches the CLI: read one after another from one buffer, not from 100,000
    // separate allocations (scattered over the heap, they cost a cache miss a link).
    let text = corpus().join("\n");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench-corpus.txt");
    if let Err(e) = std::fs::write(path, &text) {
        eprintln!("cannot write {path}: {e}");
    }
    // The page the links are found on, as the extension passes it to classifyBatch.
    let classifier = Classifier::new(Some("https://blog.example.org/2026/kettles/"));
    let (amazon, other): (Vec<&str>, Vec<&str>) = text
        .split('\n')
        .partition(|l| classifier.classify_reference(l).kind != Kind::NotAmazon);
    println!(
        "corpus: {LINKS} links, {} Amazon ({:.0}%), written to {path}",
        amazon.len(),
        amazon.len() as f64 * 100.0 / LINKS as f64
    );
    let all: Vec<&str> = text.split('\n').collect();
    // Each part in a text of its own, as the whole corpus is.
    let (amazon, other) = (amazon.join("\n"), other.join("\n"));
    let (amazon, other): (Vec<&str>, Vec<&str>) =
        (amazon.split('\n').collect(), other.split('\n').collect());
    // As classifyBatch classifies: the clean links written to one buffer, reused.
    let run = |links: &[&str]| {
        let mut clean = String::new();
        time(links, |l| {
            clean.clear();
            black_box(classifier.classify_into(black_box(l), &mut clean));
        })
    };
    let rate = |wall: f64| {
        format!(
            "{:.2} M links/s ({:.0} ns/link",
            LINKS as f64 / wall / 1e6,
            wall * 1e9 / LINKS as f64
        )
    };
    let (wall, cpu) = run(&all);
    let on_cpu = cpu.map_or_else(String::new, |cpu| {
        format!(", {:.2} M links/s of CPU time", LINKS as f64 / cpu / 1e6)
    });
    println!(
        "native classify (as classifyBatch): {}, best of {RUNS} runs{on_cpu}; target >= 10 M links/s)",
        rate(wall)
    );
    // Where the time goes: each part alone, as ns per link of the part and of the whole corpus.
    for (name, part) in [("not Amazon", &other), ("Amazon", &amazon)] {
        let (wall, cpu) = run(part);
        let per = |t: f64| t * 1e9 / part.len() as f64;
        let share = |t: f64| t * 1e9 / LINKS as f64;
        println!(
            "  {name}: {} links, {:.0} ns/link{} = {:.0} ns of each corpus link",
            part.len(),
            per(wall),
            cpu.map_or_else(String::new, |c| format!(" ({:.0} on CPU)", per(c))),
            share(cpu.unwrap_or(wall)),
        );
    }
    // A `Link` a link, owning its tag and clean link, as the CLI's audit classifies.
    let (wall, _) = time(&all, |l| drop(black_box(classifier.classify(black_box(l)))));
    println!(
        "native classify, a Link each: {}, best of {RUNS} runs)",
        rate(wall)
    );
}

const RUNS: usize = 25;

/// The best wall time of `RUNS` passes of `f` over `links`, and the mean CPU time of a pass
/// (where Linux tells it: it is counted in scheduler ticks, too coarse for one short pass), in
/// seconds.
fn time(links: &[&str], mut f: impl FnMut(&str)) -> (f64, Option<f64>) {
    let mut best = f64::MAX;
    let cpu_start = thread_cpu_seconds();
    for _ in 0..RUNS {
        let start = Instant::now();
        for l in links {
            f(l);
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    let cpu = cpu_start
        .zip(thread_cpu_seconds())
        .map(|(a, b)| (b - a) / RUNS as f64);
    (best, cpu)
}

/// The CPU time this thread has run, where Linux tells it: on a busy machine, wall time
/// includes the time other processes held the core.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}
