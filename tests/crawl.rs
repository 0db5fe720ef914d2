//! `linkscope audit http://127.0.0.1:PORT/`: a crawl of a small site served by the test itself
//! (robots.txt, a sitemap index, redirects, a 404, files that are not pages, a loop, links off
//! the site), checked by what the server was asked and what the report says.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{run, PROFILE};

/// What the server answers for a path: status, extra headers, body.
type Answer = (u16, Vec<(String, String)>, String);

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
    log.lock()
        .unwrap()
        .push((format!("{host} {path}"), Instant::now()));
    let not_found = (404, vec![], "<h1>Not found</h1>".to_owned());
    let (status, headers, body) = pages.get(&path).unwrap_or(&not_found);
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
    let _ = stream.write_all(body.as_bytes());
}

fn page(body: &str) -> Answer {
    (200, vec![], body.to_owned())
}

fn typed(content_type: &str, body: &str) -> Answer {
    (
        200,
        vec![("Content-Type".into(), content_type.into())],
        body.to_owned(),
    )
}

fn redirect(status: u16, to: &str) -> Answer {
    (status, vec![("Location".into(), to.into())], String::new())
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
            &format!(
                "User-agent: *\nDisallow: /\n\n\
                 User-agent: LinkScope\nDisallow: /private/\n\n\
                 Sitemap: {origin}/sitemap-index.xml\n"
            ),
        ),
    );
    add(
        "/sitemap-index.xml",
        typed(
            "application/xml",
            &format!(
                "<?xml version=\"1.0\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  \
                 <sitemap><loc>{origin}/sitemap-posts.xml</loc></sitemap>\n</sitemapindex>\n"
            ),
        ),
    );
    add(
        "/sitemap-posts.xml",
        typed(
            "application/xml",
            &format!(
                "<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  \
                 <url><loc>{origin}/posts/orphan.html</loc></url>\n  \
                 <url><loc>{origin}/private/draft.html</loc></url>\n  \
                 <url><loc>{origin}/posts/kettle.html</loc></url>\n</urlset>\n"
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
            &format!("{{\"link\": \"{UNTAGGED}9\"}}"),
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
    add("/files/guide.pdf", typed("application/pdf", "%PDF-1.4"));
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
        let body = &site[path].2;
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
    // A site with endless pages: /n/1 links to /n/2, and so on.
    let server = Server::start(|_| {
        (0..50)
            .map(|i| {
                let body = format!(
                    "<a href=\"/n/{}\">next</a> <a href=\"{UNTAGGED}\">x</a>",
                    i + 1
                );
                (format!("/n/{i}"), page(&body))
            })
            .collect()
    });
    let out = run(
        &[
            "audit",
            &server.url("/n/0"),
            "--profile",
            PROFILE,
            "--format",
            "csv",
            "--max-pages",
            "3",
            "--interval",
            "0",
        ],
        None,
    );
    assert_eq!(out.code(), Some(0), "{}", out.err());
    let pages: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.contains("/n/"))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert_eq!(out.out().lines().count(), 1 + 3, "{}", out.out());
    assert!(
        out.err().contains("stopped at --max-pages 3"),
        "{}",
        out.err()
    );
}

#[test]
fn nothing_is_fetched_when_robots_txt_is_unreachable() {
    let server = Server::start(|_| {
        let mut site = HashMap::new();
        site.insert("/robots.txt".to_owned(), (503, vec![], String::new()));
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
        ],
        None,
    );
    assert_eq!(out.code(), Some(2), "{}", out.err());
    assert_eq!(server.requests().len(), 1, "{:?}", server.requests());
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
        let robots = typed("text/plain", "User-agent: *\nCrawl-delay: 0.3\n");
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
