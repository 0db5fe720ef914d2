//! `linkscope audit http://127.0.0.1:PORT/`: a crawl of a small site served by the test itself
//! (robots.txt, a sitemap index, gzip-compressed sitemaps, redirects, a 404, files that are not
//! pages, a loop, links off the site, one page written many ways, rate limits), checked by what
//! the server was asked and what the report says.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{run, PROFILE};
use flate2::write::GzEncoder;
use flate2::Compression;

/// What the server answers for a path: status, extra headers, body. The answer under
/// `PATH#N` (when there is one) is the N-th request's for PATH, counted from 0.
type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// A tiny HTTP/1.1 server on 127.0.0.1 that logs every request as `host path`.
struct Server {
    port: u16,
    log: Arc<Mutex<Vec<(String, Instant)>>>,
}

impl Server {
    fn start(site: impl Fn(u16) -> HashMap<String, Answer>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let pages = Arc::new(site(port));
        let log = Arc::new(Mutex::new(Vec::new()));
        let server_log = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (pages, log) = (pages.clone(), server_log.clone());
                std::thread::spawn(move || answer(stream, &pages, &log));
            }
        });
        Server { port, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.0.clone())
            .collect()
    }

    /// When each request whose path starts with `prefix` arrived.
    fn times(&self, prefix: &str) -> Vec<Instant> {
        let log = self.log.lock().unwrap();
        let host = format!("127.0.0.1:{} {prefix}", self.port);
        log.iter()
            .filter(|r| r.0.starts_with(&host))
            .map(|r| r.1)
            .collect()
    }
}

fn answer(stream: TcpStream, pages: &HashMap<String, Answer>, log: &Mutex<Vec<(String, Instant)>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_owned();
    let mut host = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("host:") {
            host = v.trim().to_owned();
        }
    }
    let asked = {
        let mut log = log.lock().unwrap();
        let line = format!("{host} {path}");
        let asked = log.iter().filter(|r| r.0 == line).count();
        log.push((line, Instant::now()));
        asked
    };
    let not_found = (404, vec![], b"<h1>Not found</h1>".to_vec());
    let (status, headers, body) = pages
        .get(&format!("{path}#{asked}"))
        .or_else(|| pages.get(&path))
        .unwrap_or(&not_found);
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if !headers.iter().any(|(k, _)| k == "Content-Type") {
        head.push_str("Content-Type: text/html; charset=utf-8\r\n");
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = stream;
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn page(body: &str) -> Answer {
    (200, vec![], body.as_bytes().to_vec())
}

fn typed(content_type: &str, body: &[u8]) -> Answer {
    (
        200,
        vec![("Content-Type".into(), content_type.into())],
        body.to_vec(),
    )
}

fn redirect(status: u16, to: &str) -> Answer {
    (status, vec![("Location".into(), to.into())], Vec::new())
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// A sitemap listing `urls` (`<urlset>`), or a sitemap index (`<sitemapindex>`) when `index`.
fn sitemap(urls: &[String], index: bool) -> Vec<u8> {
    let (root, entry) = match index {
        true => ("sitemapindex", "sitemap"),
        false => ("urlset", "url"),
    };
    let entries: String = urls
        .iter()
        .map(|u| format!("  <{entry}><loc>{u}</loc></{entry}>\n"))
        .collect();
    format!(
        "<?xml version=\"1.0\"?>\n<{root} xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{entries}</{root}>\n"
    )
    .into_bytes()
}

const TAGGED: &str = "https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20";
const UNTAGGED: &str = "https://www.amazon.com/dp/B000000001";
const SHORT: &str = "https://amzn.to/3xYzAbC";
const PROTOCOL_RELATIVE: &str = "//www.amazon.com/dp/B000000002";

fn blog(port: u16) -> HashMap<String, Answer> {
    let origin = format!("http://127.0.0.1:{port}");
    let off_site = format!("http://localhost:{port}/offsite.html");
    let mut site = HashMap::new();
    let mut add = |path: &str, answer: Answer| site.insert(path.to_owned(), answer);
    add(
        "/robots.txt",
        typed(
            "text/plain",
            format!(
                "User-agent: *\nDisallow: /\n\n\
                 User-agent: LinkScope\nDisallow: /private/\n\n\
                 Sitemap: {origin}/sitemap-index.xml\n"
            )
            .as_bytes(),
        ),
    );
    add(
        "/sitemap-index.xml",
        typed(
            "application/xml",
            &sitemap(&[format!("{origin}/sitemap-posts.xml")], true),
        ),
    );
    add(
        "/sitemap-posts.xml",
        typed(
            "application/xml",
            &sitemap(
                &[
                    "/posts/orphan.html",
                    "/private/draft.html",
                    "/posts/kettle.html",
                ]
                .map(|p| format!("{origin}{p}")),
                false,
            ),
        ),
    );
    add(
        "/",
        page(&format!(
            "<!doctype html>\n<title>Blog</title>\n<ul>\n\
             <li><a href=\"/posts/kettle.html\">Kettle</a>\n\
             <li><a href=\"posts/old\">Moved</a>\n\
             <li><a href=\"/missing.html\">Gone</a>\n\
             <li><a href=\"/files/guide.pdf\">Guide</a>\n\
             <li><a href=\"/data/links\">Data</a>\n\
             <li><a href=\"/private/notes.html\">Private</a>\n\
             <li><a href=\"/away\">Away</a>\n\
             <li><a href=\"{off_site}\">A friend</a>\n\
             <li><a href=\"mailto:me@example.com\">Mail</a>\n</ul>\n"
        )),
    );
    add(
        "/posts/kettle.html",
        page(&format!(
            "<!doctype html>\n<title>Kettle</title>\n<p>Buy it <a href=\"{TAGGED}\">here</a>\n\
             or <a href=\"{UNTAGGED}\">there</a>.\n<p><a href=\"/\">Home</a> \
             <a href=\"#comments\">Comments</a> <a href=\"kettle.html#top\">Top</a>\n"
        )),
    );
    add("/posts/old", redirect(301, "/posts/new.html"));
    add(
        "/posts/new.html",
        page(&format!(
            "<title>New</title>\n<a href=\"{SHORT}\">deal</a> <a href=\"/posts/old\">again</a>\n"
        )),
    );
    add(
        "/posts/orphan.html",
        page(&format!(
            "<title>Orphan</title>\n\n  <a href=\"{PROTOCOL_RELATIVE}\">old link</a>\n"
        )),
    );
    add("/away", redirect(302, &off_site));
    add(
        "/data/links",
        typed(
            "application/json",
            format!("{{\"link\": \"{UNTAGGED}9\"}}").as_bytes(),
        ),
    );
    add(
        "/private/notes.html",
        page(&format!("<a href=\"{UNTAGGED}\">x</a>")),
    );
    add(
        "/private/draft.html",
        page(&format!("<a href=\"{UNTAGGED}\">x</a>")),
    );
    add("/files/guide.pdf", typed("application/pdf", b"%PDF-1.4"));
    add(
        "/offsite.html",
        page(&format!("<a href=\"{UNTAGGED}\">x</a>")),
    );
    site
}

/// 1-based line and column (in characters) of the first `needle` in `text`.
fn position(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).unwrap();
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line as u64, column as u64)
}

#[test]
fn crawls_the_site_politely_and_reports_each_finding_under_its_page() {
    let server = Server::start(blog);
    let site = blog(server.port);
    let out = run(
        &[
            "audit",
            &server.url("/"),
            "--profile",
            PROFILE,
            "--format",
            "json",
            "--interval",
            "0",
            "--fail-on",
            "untagged",
        ],
        None,
    );
    assert_eq!(out.code(), Some(1), "{}", out.err());

    // What was asked of the server: robots.txt first, then the sitemaps, then the pages.
    let host = format!("127.0.0.1:{}", server.port);
    let requests = server.requests();
    let paths: Vec<&str> = requests
        .iter()
        .map(|r| r.strip_prefix(&format!("{host} ")).unwrap_or(r))
        .collect();
    assert_eq!(paths[0], "/robots.txt", "{requests:?}");
    assert_eq!(paths[1], "/sitemap-index.xml", "{requests:?}");
    let mut fetched = paths.clone();
    fetched.sort();
    let mut expected = vec![
        "/robots.txt",
        "/sitemap-index.xml",
        "/sitemap-posts.xml",
        "/sitemap.xml",
        "/sitemap.xml.gz",
        "/",
        "/posts/orphan.html",
        "/posts/kettle.html",
        "/posts/old",
        "/posts/new.html",
        "/missing.html",
        "/data/links",
        "/away",
    ];
    expected.sort();
    // Each once: the loops (a page linking to itself, to the home page, a redirect back to
    // the page that redirected) end; nothing is asked of another host, nothing that
    // robots.txt disallows, no PDF.
    assert_eq!(fetched, expected, "{requests:?}");
    assert!(
        requests.iter().all(|r| r.starts_with(&host)),
        "{requests:?}"
    );

    // The findings, each under its page, in the order the pages were found.
    let report = out.json();
    let findings = report["findings"].as_array().unwrap();
    let got: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["href"].as_str().unwrap().to_owned(),
                f["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = |path: &str, href: &str, verdict: &str| {
        (server.url(path), href.to_owned(), verdict.to_owned())
    };
    assert_eq!(
        got,
        [
            expect("/posts/orphan.html", PROTOCOL_RELATIVE, "untagged"),
            expect("/posts/kettle.html", TAGGED, "mine"),
            expect("/posts/kettle.html", UNTAGGED, "untagged"),
            expect("/posts/new.html", SHORT, "short"),
        ]
    );
    // Line, column and byte range within the HTML as served.
    for f in findings {
        let path = f["file"]
            .as_str()
            .unwrap()
            .strip_prefix(&server.url(""))
            .unwrap();
        let body = std::str::from_utf8(&site[path].2).unwrap();
        let href = f["href"].as_str().unwrap();
        let (line, column) = position(body, href);
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(line), Some(column))
        );
        let (start, end) = (f["start"].as_u64().unwrap(), f["end"].as_u64().unwrap());
        assert_eq!(&body[start as usize..end as usize], href);
    }
    assert_eq!(
        report["files"], 4,
        "pages read: /, orphan, kettle, new, and nothing else"
    );
    let err = out.err();
    assert!(
        err.contains("/missing.html: HTTP 404 (linked from"),
        "{err}"
    );
    assert!(err.contains("/away: redirects off the site"), "{err}");
    assert!(err.contains("read 4 pages"), "{err}");
    assert!(err.contains("2 disallowed by robots.txt"), "{err}");
}

#[test]
fn max_pages_bounds_the_crawl() {
    // A site with many pages: /n/1 links to /n/2, and so on up to /n/49; each to a PDF too.
    let server = Server::start(|_| {
        (0..50)
            .map(|i| {
                let next = match i {
                    49 => String::new(),
                    _ => format!("<a href=\"/n/{}\">next</a>", i + 1),
                };
                let body =
                    format!("{next} <a href=\"/n/{i}.pdf\">PDF</a> <a href=\"{UNTAGGED}\">x</a>");
                (format!("/n/{i}"), page(&body))
            })
            .collect()
    });
    let from = |start: &str| {
        let start = server.url(start);
        let args = ["--format", "csv", "--max-pages", "3", "--interval", "0"];
        run(
            &[&["audit", &start, "--profile", PROFILE][..], &args].concat(),
            None,
        )
    };
    let out = from("/n/0");
    assert_eq!(out.code(), Some(0), "{}", out.err());
    let pages: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.contains("/n/"))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    // The report alone on stdout; the summary on stderr.
    assert_eq!(out.out().lines().count(), 1 + 3, "{}", out.out());
    assert!(
        out.err().contains(
            "read 3 pages (3 links to files that are not pages); stopped at --max-pages 3"
        ),
        "{}",
        out.err()
    );
    // The last three pages: within the bound (PDFs are not fetched, so not counted).
    let out = from("/n/47");
    assert_eq!(out.code(), Some(0), "{}", out.err());
    let err = out.err();
    assert!(err.contains("read 3 pages (3 links to files"), "{err}");
    assert!(!err.contains("stopped at"), "{err}");
}

#[test]
fn nothing_is_fetched_when_robots_txt_is_unreachable() {
    let server = Server::start(|_| {
        let mut site = HashMap::new();
        site.insert("/robots.txt".to_owned(), (503, vec![], Vec::new()));
        site.insert(
            "/".to_owned(),
            page(&format!("<a href=\"{UNTAGGED}\">x</a>")),
        );
        site
    });
    let out = run(
        &[
            "audit",
            &server.url("/"),
            "--profile",
            PROFILE,
            "--interval",
            "0",
            "--retries",
            "1",
        ],
        None,
    );
    assert_eq!(out.code(), Some(2), "{}", out.err());
    // Asked again once (--retries 1), then given up: nothing else is fetched.
    assert_eq!(server.requests().len(), 2, "{:?}", server.requests());
    assert!(out.err().contains("robots.txt: HTTP 503"), "{}", out.err());
    assert!(out.out().is_empty());
}

#[test]
fn a_live_site_is_audited_alone() {
    let out = run(
        &[
            "audit",
            "https://blog.example/",
            "posts/",
            "--profile",
            PROFILE,
        ],
        None,
    );
    assert_eq!(out.code(), Some(2));
    assert!(out.err().contains("give one http(s) URL"), "{}", out.err());
    // The cache is the live checks' alone.
    let out = run(
        &[
            "audit",
            "https://blog.example/",
            "--profile",
            PROFILE,
            "--no-cache",
        ],
        None,
    );
    assert_eq!(out.code(), Some(2));
    assert!(out.err().contains("need --live"), "{}", out.err());
    // A crawl reads at least one page.
    let out = run(
        &[
            "audit",
            "https://blog.example/",
            "--profile",
            PROFILE,
            "--max-pages",
            "0",
        ],
        None,
    );
    assert_eq!(out.code(), Some(2));
    assert!(out.err().contains("--max-pages"), "{}", out.err());
}

#[test]
fn sarif_names_each_page_by_its_url() {
    let server = Server::start(blog);
    let out = run(
        &[
            "audit",
            &server.url("/"),
            "--profile",
            PROFILE,
            "--format",
            "sarif",
            "--interval",
            "0",
        ],
        None,
    );
    assert_eq!(out.code(), Some(0), "{}", out.err());
    let sarif = out.json();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    // Not `mine`: the orphan's, the kettle's untagged link, the new page's short link.
    let pages = [
        "/posts/orphan.html",
        "/posts/kettle.html",
        "/posts/new.html",
    ];
    assert_eq!(uris, pages.map(|p| server.url(p)));
}

#[test]
fn a_crawl_delay_spaces_the_requests() {
    let server = Server::start(|_| {
        let mut site: HashMap<String, Answer> = (0..3)
            .map(|i| {
                let body = format!("<a href=\"/p/{}\">next</a>", i + 1);
                (format!("/p/{i}"), page(&body))
            })
            .collect();
        let robots = typed("text/plain", b"User-agent: *\nCrawl-delay: 0.3\n");
        site.insert("/robots.txt".into(), robots);
        site
    });
    let out = run(
        &[
            "audit",
            &server.url("/p/0"),
            "--profile",
            PROFILE,
            "--interval",
            "0",
        ],
        None,
    );
    assert_eq!(out.code(), Some(0), "{}", out.err());
    let times = server.times("/p/");
    assert_eq!(times.len(), 4, "{:?}", server.requests());
    // Measured where the requests arrive (connections take their own time under load): 0.3 s
    // apart give at least 0.85 s over three gaps, none near zero.
    assert!(
        times[3] - times[0] >= Duration::from_millis(850),
        "{times:?}"
    );
    for pair in times.windows(2) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(150), "{times:?}");
    }
}

/// The paths requested of `server`, sorted.
fn paths(server: &Server) -> Vec<String> {
    let host = format!("127.0.0.1:{} ", server.port);
    let mut paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.strip_prefix(&host).unwrap_or(r).to_owned())
        .collect();
    paths.sort();
    paths
}

/// `(page, verdict)` of each finding of a JSON report.
fn found(out: &common::Output) -> Vec<(String, String)> {
    out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let field = |k: &str| f[k].as_str().unwrap().to_owned();
            (field("file"), field("verdict"))
        })
        .collect()
}

fn crawl_json(server: &Server, extra: &[&str]) -> common::Output {
    let start = server.url("/");
    let mut args = vec![
        "audit",
        &start,
        "--profile",
        PROFILE,
        "--format",
        "json",
        "--interval",
        "0",
    ];
    args.extend_from_slice(extra);
    run(&args, None)
}

#[test]
fn gzip_sitemaps_are_read_within_the_size_limit() {
    let server = Server::start(|port| {
        let origin = format!("http://127.0.0.1:{port}");
        let mut site = HashMap::new();
        let mut add = |path: &str, answer: Answer| site.insert(path.to_owned(), answer);
        let robots = format!(
            "User-agent: *\nAllow: /\nSitemap: {origin}/maps/index.xml.gz\n\
             Sitemap: {origin}/maps/bomb.xml.gz\n"
        );
        add("/robots.txt", typed("text/plain", robots.as_bytes()));
        // A compressed index naming a compressed sitemap, each with its own content type.
        let index = sitemap(&[format!("{origin}/maps/posts.xml.gz")], true);
        add(
            "/maps/index.xml.gz",
            typed("application/gzip", &gzip(&index)),
        );
        let posts = sitemap(&[format!("{origin}/a.html")], false);
        add(
            "/maps/posts.xml.gz",
            typed("application/x-gzip", &gzip(&posts)),
        );
        // No /sitemap.xml, but a /sitemap.xml.gz.
        let fallback = sitemap(&[format!("{origin}/b.html")], false);
        add(
            "/sitemap.xml.gz",
            typed("application/octet-stream", &gzip(&fallback)),
        );
        // 4 KB that inflate to 4 MB, over --max-file-size.
        let mut bomb = sitemap(&[format!("{origin}/c.html")], false);
        bomb.extend(std::iter::repeat_n(b' ', 4 << 20));
        add("/maps/bomb.xml.gz", typed("application/gzip", &gzip(&bomb)));
        add("/", page("<title>Home</title>"));
        for p in ["/a.html", "/b.html", "/c.html"] {
            add(p, page(&format!("<a href=\"{UNTAGGED}\">x</a>")));
        }
        site
    });
    let out = crawl_json(&server, &["--max-file-size", "1M"]);
    assert_eq!(out.code(), Some(0), "{}", out.err());
    let untagged = |p: &str| (server.url(p), "untagged".to_owned());
    assert_eq!(found(&out), [untagged("/a.html"), untagged("/b.html")]);
    let err = out.err();
    assert!(
        err.contains("/maps/bomb.xml.gz: over the limit of 1048576 bytes once decompressed"),
        "{err}"
    );
    let mut expected = [
        "/robots.txt",
        "/maps/index.xml.gz",
        "/maps/bomb.xml.gz",
        "/maps/posts.xml.gz",
        "/sitemap.xml",
        "/sitemap.xml.gz",
        "/",
        "/a.html",
        "/b.html",
    ];
    expected.sort();
    assert_eq!(paths(&server), expected);
}

#[test]
fn one_page_is_fetched_once_however_it_is_written() {
    let server = Server::start(|port| {
        let origin = format!("http://127.0.0.1:{port}");
        let mut site = HashMap::new();
        let mut add = |path: &str, answer: Answer| site.insert(path.to_owned(), answer);
        let links: String = [
            "/index.html",
            "#top",
            "/posts/",
            "/posts/index.html#comments",
            // https on a port that speaks http: an error if it were fetched.
            &format!("https://127.0.0.1:{port}/posts/"),
            // A redirect to a page already found.
            "/old",
            // A redirect to the same page at its preferred address: followed.
            "/a/index.html",
            // Round and round between two addresses of one page.
            "/loop/",
        ]
        .iter()
        .map(|h| format!("<a href=\"{h}\">x</a>\n"))
        .collect();
        add("/", page(&links));
        let posts =
            format!("<a href=\"{UNTAGGED}\">x</a> <a href=\"{origin}/index.html\">home</a>");
        add("/posts/", page(&posts));
        add("/old", redirect(301, "/posts/index.html"));
        add("/a/index.html", redirect(301, "/a/"));
        add("/a/", page(&format!("<a href=\"{UNTAGGED}\">x</a>")));
        add("/loop/", redirect(302, "/loop/index.html"));
        add("/loop/index.html", redirect(302, "/loop/"));
        site
    });
    let out = crawl_json(&server, &[]);
    assert_eq!(out.code(), Some(0), "{}", out.err());
    let mut expected = [
        "/robots.txt",
        "/sitemap.xml",
        "/sitemap.xml.gz",
        "/",
        "/posts/",
        "/old",
        "/a/index.html",
        "/a/",
        "/loop/",
        "/loop/index.html",
    ];
    expected.sort();
    assert_eq!(paths(&server), expected);
    let untagged = |p: &str| (server.url(p), "untagged".to_owned());
    assert_eq!(found(&out), [untagged("/posts/"), untagged("/a/")]);
    assert_eq!(out.json()["files"], 3, "/, /posts/ and /a/");
    let err = out.err();
    assert!(
        err.contains("/loop/index.html: redirects round a loop"),
        "{err}"
    );
    assert!(err.contains("read 3 pages (1 unreadable)"), "{err}");
}

#[test]
fn rate_limited_pages_are_asked_again_after_retry_after() {
    let server = Server::start(|_| {
        let mut site = HashMap::new();
        let mut add = |path: &str, answer: Answer| site.insert(path.to_owned(), answer);
        let links = "<a href=\"/busy\">1</a> <a href=\"/limited\">2</a> <a href=\"/down\">3</a>";
        add("/", page(links));
        let wait = || vec![("Retry-After".to_owned(), "1".to_owned())];
        add("/busy#0", (503, wait(), Vec::new()));
        add("/busy", page(&format!("<a href=\"{UNTAGGED}\">x</a>")));
        add("/limited#0", (429, wait(), Vec::new()));
        add("/limited", page(&format!("<a href=\"{TAGGED}\">x</a>")));
        add("/down", (503, vec![], Vec::new()));
        site
    });
    let out = crawl_json(&server, &["--retries", "1"]);
    assert_eq!(out.code(), Some(0), "{}", out.err());
    let pages: Vec<String> = found(&out).into_iter().map(|(page, _)| page).collect();
    assert_eq!(pages, [server.url("/busy"), server.url("/limited")]);
    for path in ["/busy", "/limited", "/down"] {
        let times = server.times(path);
        assert_eq!(times.len(), 2, "{path}: {:?}", server.requests());
        // Retry-After: 1, and the policy's first backoff is 2 s.
        assert!(times[1] - times[0] >= Duration::from_millis(1900), "{path}");
    }
    let err = out.err();
    assert!(err.contains("/down: HTTP 503"), "{err}");
    assert!(err.contains("read 3 pages (1 unreadable)"), "{err}");
}
