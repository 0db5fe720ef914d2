//! `linkscope audit https://blog.example/`: a live site's pages, crawled politely and audited.
//!
//! The crawl reads robots.txt first (the group for `linkscope`, else `*`; unreachable means
//! nothing may be fetched), then the sitemaps (robots.txt's `Sitemap:` lines and
//! `/sitemap.xml`, else `/sitemap.xml.gz`; sitemap indexes followed, gzip-compressed sitemaps
//! decompressed within the size limit), then the start page and the same-site links of every
//! page read, breadth first, each page once (one [`page_key`] however a link writes it), up to
//! `--max-pages`. Redirects are followed only on the site, links that name files that are not
//! pages (images, PDFs, feeds) are not fetched, and a response that is not HTML is not kept.
//! Pages are fetched on a few threads through the CLI's shared HTTP layer ([`crate::net`],
//! polite per host: `--concurrency`, `--interval`, `--timeout`, `--retries`; a robots.txt
//! `Crawl-delay` slows it further); the findings are reported in the order the pages were found,
//! each under its page's URL with its line and column in the HTML as served. With `--live`, the
//! Amazon links of every page are checked once the crawl is over, as a folder's are.

mod fetch;
mod robots;
mod site;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use url::Url;

use linkscope::extract::{decode, extract, SourceFormat};
use linkscope::health::Policy;
use linkscope::Profile;

use crate::commands::audit::{report_checked, FailOn};
use crate::exit::{Failure, Outcome};
use crate::input::load_profile;
use crate::live::{Live, LiveArgs};
use crate::net::Client;
use crate::output::{AuditFormat, Row, Spool};
use crate::scan::{scan_bytes, Origin, Scanned};
use crate::term::{diag, printable};

use fetch::{gunzip, is_gzip};
pub use fetch::{Fetch, Response, Want};
use robots::Robots;
use site::{is_html, is_not_page, page_key, page_url, Site};

/// How a crawl is bounded (`audit URL`'s own flag; `--concurrency`, `--interval`, `--timeout`
/// and `--retries` are the live checks' and apply to the crawl too).
#[derive(clap::Args, Debug, Clone)]
pub struct CrawlArgs {
    /// Fetch at most this many pages of a live site (redirects and failures count; robots.txt
    /// and sitemaps do not).
    #[arg(long, default_value_t = 500,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_pages: usize,
}

/// What `audit URL` needs besides its crawl flags.
pub struct CrawlRun<'a> {
    pub start: &'a str,
    pub profile: &'a std::path::Path,
    pub format: AuditFormat,
    pub fail_on: &'a [FailOn],
    pub max_body: u64,
}

/// The URL to crawl when the paths given are one `http(s)://` URL; an error when URLs are
/// mixed with other paths.
pub fn site_url(paths: &[std::path::PathBuf]) -> Result<Option<String>, Failure> {
    let is_url = |p: &std::path::PathBuf| {
        let s = p.to_string_lossy();
        s.starts_with("http://") || s.starts_with("https://")
    };
    match paths {
        [one] if is_url(one) => Ok(Some(one.to_string_lossy().into_owned())),
        _ if paths.iter().any(is_url) => Err(Failure(
            "a live site is audited alone: give one http(s) URL and no other path".into(),
        )),
        _ => Ok(None),
    }
}

/// `linkscope audit URL`.
pub fn run(args: &CrawlArgs, live: &LiveArgs, run: &CrawlRun) -> Outcome {
    let start = Url::parse(run.start)
        .ok()
        .filter(|u| u.host_str().is_some())
        .ok_or_else(|| Failure(format!("not a site's address: {}", run.start)))?;
    // The other live options are the crawl's too.
    if !live.live && (live.no_cache || live.cache_dir.is_some()) {
        return Err(Failure("--no-cache and --cache-dir need --live".into()));
    }
    let (fail_on, fail_health) = FailOn::split(run.fail_on, live.live)?;
    let profile = load_profile(run.profile)?;
    // With --live, Amazon is asked about the links found once the crawl is over (only Amazon,
    // through a client of its own).
    let checks = live.live.then(|| Live::new(live)).transpose()?;
    let policy = live.policy();
    let client = Client::new(&policy).map_err(Failure)?;
    let options = CrawlOptions {
        start,
        max_pages: args.max_pages,
        max_body: run.max_body,
        workers: policy.per_host_concurrency as usize,
    };
    // robots.txt first: a Crawl-delay asks for one request at a time, that far apart.
    let mut warnings = Vec::new();
    let robots = read_robots(
        &client,
        &Site::of(&options.start),
        &options.start,
        &mut |e| {
            if let Event::Warning(w) = e {
                warnings.push(w);
            }
        },
    );
    for w in &warnings {
        diag(&format!("warning: {w}"));
    }
    let delay = robots.crawl_delay.map(|d| d.min(MAX_CRAWL_DELAY));
    let client = match delay {
        Some(d) if d.as_millis() as u64 > policy.min_interval_ms => Client::new(&Policy {
            per_host_concurrency: 1,
            min_interval_ms: d.as_millis() as u64,
            ..policy
        })
        .map_err(Failure)?,
        _ => client,
    };
    let mut report = Spool::new(run.format, &fail_on, checks.is_some())?;
    let progress = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} pages {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut write_error = None;
    // With --live, the rows wait for the checks (one plan for the whole site).
    let mut held: Vec<Vec<Row>> = Vec::new();
    let tally = crawl(&client, &options, robots, &profile, |event| match event {
        Event::Page(url, rows) => {
            progress.set_message(printable(url.as_str()).into_owned());
            if checks.is_some() {
                held.push(rows);
            } else if write_error.is_none() {
                write_error = report.file(rows).err();
            }
        }
        Event::Warning(text) => progress.suspend(|| diag(&format!("warning: {text}"))),
        Event::Progress { done, total } => {
            progress.set_length(total as u64);
            progress.set_position(done as u64);
        }
    });
    progress.finish_and_clear();
    diag(&tally.describe(args.max_pages));
    if tally.pages == 0 {
        return Err(Failure(format!(
            "no page of {} could be read: nothing to report",
            options.start
        )));
    }
    let mut failed_health = false;
    if let Some(checks) = &checks {
        match report_checked(held, &profile, checks, &fail_health, &mut report) {
            Ok(failed) => failed_health = failed,
            Err(e) => write_error = Some(e),
        }
    }
    if let Some(e) = write_error {
        return Err(Failure(format!("cannot write the report: {e}")));
    }
    report.finish(failed_health.then_some("--fail-on health"))
}

pub struct CrawlOptions {
    pub start: Url,
    pub max_pages: usize,
    /// The largest page (and sitemap) read.
    pub max_body: u64,
    /// Threads fetching and reading pages.
    pub workers: usize,
}

/// What the crawl tells its caller as it goes.
pub enum Event {
    /// A page read, with its findings (in the order the pages were found).
    Page(Url, Vec<Row>),
    /// Something the user should know: a page that could not be read, a redirect off the site.
    Warning(String),
    /// Pages handled, of those found so far.
    Progress { done: usize, total: usize },
}

/// What a crawl did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// HTML pages read and audited.
    pub pages: usize,
    /// Links to files that are not pages (by name, not fetched; or by content type).
    pub not_html: usize,
    /// Pages that could not be read (errors, HTTP statuses, redirects off the site).
    pub failed: usize,
    /// URLs robots.txt does not allow Linkscope to fetch.
    pub disallowed: usize,
    /// Whether more pages were found than `--max-pages` allows.
    pub cut: bool,
}

impl Tally {
    fn describe(&self, max_pages: usize) -> String {
        let mut text = format!("read {} pages", self.pages);
        let mut also = Vec::new();
        if self.not_html > 0 {
            also.push(format!(
                "{} links to files that are not pages",
                self.not_html
            ));
        }
        if self.failed > 0 {
            also.push(format!("{} unreadable", self.failed));
        }
        if self.disallowed > 0 {
            also.push(format!("{} disallowed by robots.txt", self.disallowed));
        }
        if !also.is_empty() {
            text.push_str(&format!(" ({})", also.join(", ")));
        }
        if self.cut {
            text.push_str(&format!(
                "; stopped at --max-pages {max_pages}: more pages were found"
            ));
        }
        text
    }
}

/// Sitemap files read at most, sitemap indexes included.
const MAX_SITEMAPS: usize = 50;
/// The most of a robots.txt read (RFC 9309 asks for at least 500 KiB).
const MAX_ROBOTS: u64 = 512 << 10;
/// Redirects followed for robots.txt and sitemaps.
const MAX_REDIRECTS: usize = 5;
/// The longest Crawl-delay honoured.
const MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);

/// A URL to visit and the page (index into the frontier) that linked to it.
struct Target {
    url: Url,
    from: Option<usize>,
}

/// What a worker made of one URL.
enum Visit {
    Page(Box<Scanned>),
    Redirect(String),
    NotHtml,
    Failed(String),
}

struct Crawler<'a, F> {
    fetch: &'a F,
    options: &'a CrawlOptions,
    site: Site,
    /// robots.txt per origin (`https://blog.example`).
    robots: HashMap<String, Robots>,
    /// Pages found ([`page_key`]): each is fetched once, however its links write it.
    seen: HashSet<String>,
    /// URLs taken in, exactly as written (a redirect to the same page under another address
    /// is followed once, never round a loop).
    taken: HashSet<String>,
    frontier: Vec<Target>,
    tally: Tally,
}

/// Crawls the site of `options.start` (whose robots.txt is `robots`), calling `on_event` with
/// each page's findings.
pub fn crawl<F: Fetch>(
    fetch: &F,
    options: &CrawlOptions,
    robots: Robots,
    profile: &Profile,
    mut on_event: impl FnMut(Event),
) -> Tally {
    let origin = options.start.origin().ascii_serialization();
    let mut crawler = Crawler {
        fetch,
        options,
        site: Site::of(&options.start),
        robots: HashMap::from([(origin, robots)]),
        seen: HashSet::new(),
        taken: HashSet::new(),
        frontier: Vec::new(),
        tally: Tally::default(),
    };
    crawler.enqueue(options.start.clone(), None, &mut on_event);
    crawler.read_sitemaps(&mut on_event);
    let workers = options.workers.max(1);
    // Pages are handled in the order they were found, so the report and the order of the
    // frontier do not depend on timing; workers run at most `window` pages ahead.
    let window = workers * 4;
    let (jobs, job_queue) = mpsc::channel::<(usize, Url)>();
    let job_queue = Mutex::new(job_queue);
    let (done, results) = mpsc::channel::<(usize, Visit)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (job_queue, done) = (&job_queue, done.clone());
            scope.spawn(move || loop {
                let job = match job_queue.lock() {
                    Ok(queue) => queue.recv(),
                    Err(_) => break,
                };
                let Ok((i, url)) = job else { break };
                let visit = visit(fetch, &url, options.max_body, profile);
                if done.send((i, visit)).is_err() {
                    break;
                }
            });
        }
        drop(done);
        let (mut sent, mut handled) = (0, 0);
        let mut early = BTreeMap::new();
        loop {
            while sent < crawler.frontier.len() && sent < handled + window {
                if jobs
                    .send((sent, crawler.frontier[sent].url.clone()))
                    .is_err()
                {
                    break;
                }
                sent += 1;
            }
            if handled == sent {
                break;
            }
            let Ok((i, visit)) = results.recv() else {
                break;
            };
            early.insert(i, visit);
            while let Some(visit) = early.remove(&handled) {
                crawler.handle(handled, visit, &mut on_event);
                handled += 1;
                on_event(Event::Progress {
                    done: handled,
                    total: crawler.frontier.len(),
                });
            }
        }
        drop(jobs);
    });
    crawler.tally
}

/// Fetches one page and, when it is HTML, reads and audits it.
fn visit<F: Fetch>(fetch: &F, url: &Url, max_body: u64, profile: &Profile) -> Visit {
    // No Content-Type: read it as HTML, as browsers sniff most such pages to be.
    let want = Want {
        content: &|t| t.is_empty() || is_html(t),
        max_body,
        binary: false,
    };
    let response = match fetch.get(url, &want) {
        Ok(r) => r,
        Err(e) => return Visit::Failed(e),
    };
    match (response.status, response.body) {
        (300..=399, _) => match response.location {
            Some(location) => Visit::Redirect(location),
            None => Visit::Failed(format!("HTTP {} without a Location", response.status)),
        },
        (200..=299, Some(body)) => {
            let from = Origin {
                format: SourceFormat::Html,
                charset: response.content_type.as_deref().and_then(site::charset),
                page: Some(url.as_str()),
            };
            match scan_bytes(url.to_string(), body, &from, profile) {
                Ok(scanned) => Visit::Page(Box::new(scanned)),
                Err(e) => Visit::Failed(e),
            }
        }
        (200..=299, None) => Visit::NotHtml,
        (status, _) => Visit::Failed(format!("HTTP {status}")),
    }
}

impl<F: Fetch> Crawler<'_, F> {
    /// Adds a URL to the frontier when it is a page of the site, new, allowed and within
    /// `--max-pages`.
    fn enqueue(&mut self, url: Url, from: Option<usize>, on_event: &mut impl FnMut(Event)) {
        if self.site.contains(&url) && !self.seen.contains(&page_key(&url)) {
            self.take(url, from, on_event);
        }
    }

    /// Adds a URL of the site to the frontier when not taken before, allowed and within
    /// `--max-pages` (which counts the URLs fetched as pages, redirects and failures included).
    /// Whether it was new.
    fn take(&mut self, url: Url, from: Option<usize>, on_event: &mut impl FnMut(Event)) -> bool {
        if self.taken.contains(url.as_str()) {
            return false;
        }
        // Files that are not pages are never fetched: not counted against --max-pages.
        let not_page = is_not_page(&url);
        if !not_page && self.frontier.len() >= self.options.max_pages {
            self.tally.cut = true;
            return true;
        }
        self.taken.insert(url.as_str().to_owned());
        self.seen.insert(page_key(&url));
        if not_page {
            self.tally.not_html += 1;
        } else if !self.allowed(&url, on_event) {
            self.tally.disallowed += 1;
        } else {
            self.frontier.push(Target { url, from });
        }
        true
    }

    /// Whether the origin's robots.txt lets Linkscope fetch `url` (read on first use).
    fn allowed(&mut self, url: &Url, on_event: &mut impl FnMut(Event)) -> bool {
        let origin = url.origin().ascii_serialization();
        if !self.robots.contains_key(&origin) {
            let robots = read_robots(self.fetch, &self.site, url, on_event);
            self.robots.insert(origin.clone(), robots);
        }
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        self.robots.get(&origin).is_some_and(|r| r.allows(&path))
    }

    /// The pages the site's sitemaps list: robots.txt's `Sitemap:` lines, then
    /// `/sitemap.xml`; a sitemap index's sitemaps in turn.
    fn read_sitemaps(&mut self, on_event: &mut impl FnMut(Event)) {
        let start = self.options.start.clone();
        let origin = start.origin().ascii_serialization();
        let listed: Vec<Url> = self
            .robots
            .get(&origin)
            .map(|r| {
                r.sitemaps
                    .iter()
                    .filter_map(|s| Url::parse(s).ok())
                    .collect()
            })
            .unwrap_or_default();
        let mut queue: Vec<(Url, bool)> = listed.into_iter().map(|u| (u, true)).collect();
        if let Ok(default) = start.join("/sitemap.xml") {
            queue.push((default, false));
        }
        let mut read = HashSet::new();
        let mut at = 0;
        while at < queue.len() && read.len() < MAX_SITEMAPS {
            let (url, listed) = queue[at].clone();
            at += 1;
            if !self.site.contains(&url)
                || !read.insert(url.as_str().to_owned())
                || !self.allowed(&url, on_event)
            {
                continue;
            }
            let want = Want {
                content: &|_| true,
                max_body: self.options.max_body,
                binary: true,
            };
            let body = match get_on_site(self.fetch, &self.site, &url, &want) {
                Ok(Response {
                    status: 200..=299,
                    body: Some(body),
                    ..
                }) => body,
                // A site without /sitemap.xml is no news; it may have /sitemap.xml.gz.
                Ok(Response { status: 404, .. }) if !listed => {
                    if url.path() == "/sitemap.xml" {
                        if let Ok(gz) = url.join("/sitemap.xml.gz") {
                            queue.push((gz, false));
                        }
                    }
                    continue;
                }
                Ok(r) => {
                    on_event(Event::Warning(format!("{url}: HTTP {}", r.status)));
                    continue;
                }
                Err(e) => {
                    on_event(Event::Warning(format!("{url}: {e}")));
                    continue;
                }
            };
            // `sitemap.xml.gz`, or any sitemap sent compressed without saying so in
            // Content-Encoding (which the client decodes itself).
            let body = match is_gzip(&body) {
                true => match gunzip(&body, self.options.max_body) {
                    Ok(text) => text,
                    Err(e) => {
                        on_event(Event::Warning(format!("{url}: {e}")));
                        continue;
                    }
                },
                false => body,
            };
            let text = match decode(&body, SourceFormat::Xml) {
                Ok(d) => d.text.into_owned(),
                Err(e) => {
                    on_event(Event::Warning(format!("{url}: {e}")));
                    continue;
                }
            };
            let index = text.contains("<sitemapindex");
            for link in extract(SourceFormat::Xml, &text).links {
                let Some(target) = page_url(&url, &link.url) else {
                    continue;
                };
                if index {
                    queue.push((target, true));
                } else {
                    self.enqueue(target, None, on_event);
                }
            }
        }
    }

    /// Takes in what a worker made of frontier entry `i`.
    fn handle(&mut self, i: usize, visit: Visit, on_event: &mut impl FnMut(Event)) {
        let url = self.frontier[i].url.clone();
        match visit {
            Visit::Page(scanned) => {
                self.tally.pages += 1;
                let base = scanned
                    .base
                    .as_deref()
                    .and_then(|b| Url::parse(b).ok())
                    .unwrap_or_else(|| url.clone());
                let links: Vec<Url> = scanned
                    .doc
                    .links
                    .iter()
                    .filter_map(|l| page_url(&base, &l.url))
                    .collect();
                on_event(Event::Page(url, scanned.into_rows()));
                for link in links {
                    self.enqueue(link, Some(i), on_event);
                }
            }
            Visit::Redirect(location) => match page_url(&url, &location) {
                // The same page at its preferred address (https, with or without `www.`,
                // without `index.html`): fetched there, unless that goes round a loop.
                Some(next) if self.site.contains(&next) && page_key(&next) == page_key(&url) => {
                    if !self.take(next, Some(i), on_event) {
                        self.tally.failed += 1;
                        let text = format!("redirects round a loop ({location}): not read");
                        self.warn(i, &text, on_event);
                    }
                }
                // Another page: fetched unless it was found before.
                Some(next) if self.site.contains(&next) => self.enqueue(next, Some(i), on_event),
                _ => {
                    self.tally.failed += 1;
                    let text = format!("redirects off the site to {location}: not followed");
                    self.warn(i, &text, on_event);
                }
            },
            Visit::NotHtml => self.tally.not_html += 1,
            Visit::Failed(e) => {
                self.tally.failed += 1;
                self.warn(i, &e, on_event);
            }
        }
    }

    /// A warning about frontier entry `i`, naming the page that linked to it.
    fn warn(&self, i: usize, text: &str, on_event: &mut impl FnMut(Event)) {
        let target = &self.frontier[i];
        let from = match target.from.and_then(|f| self.frontier.get(f)) {
            Some(page) => format!(" (linked from {})", page.url),
            None => String::new(),
        };
        on_event(Event::Warning(format!("{}: {text}{from}", target.url)));
    }
}

/// The robots.txt of `url`'s origin: everything allowed when there is none (a 4xx), nothing
/// when it cannot be read.
fn read_robots(
    fetch: &impl Fetch,
    site: &Site,
    url: &Url,
    on_event: &mut impl FnMut(Event),
) -> Robots {
    let Ok(robots_url) = url.join("/robots.txt") else {
        return Robots::allow_all();
    };
    let want = Want {
        content: &|_| true,
        max_body: MAX_ROBOTS,
        binary: false,
    };
    match get_on_site(fetch, site, &robots_url, &want) {
        Ok(r) => match (r.status, r.body) {
            (200..=299, Some(body)) => Robots::parse(&String::from_utf8_lossy(&body)),
            // No robots.txt: everything is allowed.
            (400..=499, _) => Robots::allow_all(),
            (status, _) => {
                on_event(Event::Warning(format!(
                    "{robots_url}: HTTP {status}: nothing is fetched from {}",
                    url.origin().ascii_serialization()
                )));
                Robots::disallow_all()
            }
        },
        Err(e) => {
            on_event(Event::Warning(format!(
                "{robots_url}: {e}: nothing is fetched from {}",
                url.origin().ascii_serialization()
            )));
            Robots::disallow_all()
        }
    }
}

/// A GET that follows redirects that stay on the site (robots.txt, sitemaps).
fn get_on_site(
    fetch: &impl Fetch,
    site: &Site,
    url: &Url,
    want: &Want,
) -> Result<Response, String> {
    let mut url = url.clone();
    for _ in 0..=MAX_REDIRECTS {
        let response = fetch.get(&url, want)?;
        let next = match (response.status, &response.location) {
            (300..=399, Some(location)) => page_url(&url, location),
            _ => return Ok(response),
        };
        match next {
            Some(next) if site.contains(&next) => url = next,
            _ => return Err("redirected off the site".into()),
        }
    }
    Err("too many redirects".into())
}
