//! `--live`: the core's plan ([`linkscope::health`]) run through the CLI's HTTP layer
//! ([`crate::net`]) with the disk cache. Short links are expanded first (their first hops only,
//! never the tagged target), then each distinct product is checked at its bare URL. Nothing here
//! runs unless the user passed `--live`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use linkscope::health::{
    judge, judge_failure, Check, CheckRequest, ExpandRequest, Expander, Expansion, Plan, Policy,
    Progress, Response, Scanner,
};
use linkscope::marketplace::{match_host, HostMatch};
use linkscope::Marketplace;

use crate::exit::Failure;
use crate::net::cache::Cache;
use crate::net::{accept_language, now_ms, worth_retrying, Client, Get};
use crate::term::diag;

/// The live options of `audit` and `links`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LiveArgs {
    /// Look at Amazon: expand short links and check that each product still sells (requests go
    /// only to Amazon, to bare product URLs without your tag).
    #[arg(long)]
    pub live: bool,
    /// Requests in flight at once to one host (default 2).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=16))]
    pub concurrency: Option<u32>,
    /// Least time between two requests to one host, in seconds (default 1; e.g. 0.5).
    #[arg(long, value_parser = parse_seconds)]
    pub interval: Option<u64>,
    /// Time allowed per request, in seconds (default 15).
    #[arg(long, value_parser = parse_seconds)]
    pub timeout: Option<u64>,
    /// Retries of a rate-limited, failed or timed-out request (default 3), with exponential
    /// backoff that honours Retry-After.
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: Option<u32>,
    /// Ask Amazon again even when a recent answer is cached.
    #[arg(long)]
    pub no_cache: bool,
    /// Where answers are cached (default: linkscope/health in the user's cache directory).
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
}

/// Seconds (a decimal number) as milliseconds.
fn parse_seconds(s: &str) -> Result<u64, String> {
    let seconds: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    if !(0.0..=3600.0).contains(&seconds) {
        return Err(format!("'{s}': give 0 to 3600 seconds"));
    }
    Ok((seconds * 1000.0).round() as u64)
}

impl LiveArgs {
    /// The core's default policy with the user's overrides.
    pub fn policy(&self) -> Policy {
        let mut policy = Policy::DEFAULT;
        if let Some(n) = self.concurrency {
            policy.per_host_concurrency = n;
        }
        if let Some(ms) = self.interval {
            policy.min_interval_ms = ms;
        }
        if let Some(ms) = self.timeout {
            policy.timeout_ms = ms.max(1);
        }
        if let Some(n) = self.retries {
            policy.max_retries = n;
        }
        policy
    }

    /// Options that only mean something with --live, given without it.
    pub fn check_used(&self) -> Result<(), Failure> {
        let given = self.concurrency.is_some()
            || self.interval.is_some()
            || self.timeout.is_some()
            || self.retries.is_some()
            || self.no_cache
            || self.cache_dir.is_some();
        if given && !self.live {
            return Err(Failure(
                "--concurrency, --interval, --timeout, --retries, --no-cache and --cache-dir need --live"
                    .to_owned(),
            ));
        }
        Ok(())
    }
}

/// What a live run found: one expansion per [`Plan::expansions`], one check per
/// [`Plan::checks`] (after the expansions added their targets).
pub struct Results {
    pub expansions: Vec<Expansion>,
    pub checks: Vec<Check>,
}

/// Counts for the closing line on stderr.
#[derive(Default)]
struct Tally {
    requests: AtomicUsize,
    cached: AtomicUsize,
}

pub struct Live {
    client: Client,
    cache: Cache,
    tally: Tally,
}

impl Live {
    pub fn new(args: &LiveArgs) -> Result<Live, Failure> {
        let client = Client::new(&args.policy()).map_err(Failure)?;
        let cache = if args.no_cache {
            Cache::disabled()
        } else {
            Cache::new(args.cache_dir.clone())
        };
        Ok(Live {
            client,
            cache,
            tally: Tally::default(),
        })
    }

    /// Expands short links only (`fix --expand`), in order.
    pub fn expand_all(&self, requests: &[ExpandRequest]) -> Vec<Expansion> {
        let progress = progress_bar(requests.len());
        progress.set_message("short links expanded");
        let expansions = parallel(requests, |r| {
            let e = self.expand(r);
            progress.inc(1);
            e
        });
        progress.finish_and_clear();
        diag(&format!(
            "live: {} short links expanded ({} answers from the cache), {} requests to Amazon",
            expansions.len(),
            self.tally.cached.load(Ordering::Relaxed),
            self.tally.requests.load(Ordering::Relaxed),
        ));
        expansions
    }

    /// Expands the plan's short links, adds their targets' checks, checks every product.
    pub fn run(&self, plan: &mut Plan) -> Results {
        let progress = progress_bar(plan.expansions.len() + plan.checks.len());
        progress.set_message("short links expanded");
        let expansions = parallel(&plan.expansions, |r| {
            let e = self.expand(r);
            progress.inc(1);
            e
        });
        for (i, e) in expansions.iter().enumerate() {
            plan.add_target(i, e);
        }
        progress.set_length((plan.expansions.len() + plan.checks.len()) as u64);
        progress.set_message("links checked");
        let checks = parallel(&plan.checks, |r| {
            let c = self.check(r);
            progress.inc(1);
            c
        });
        progress.finish_and_clear();
        let blocked = checks
            .iter()
            .filter(|c| matches!(c.health, linkscope::health::Health::Blocked { .. }))
            .count();
        diag(&format!(
            "live: {} products checked, {} short links expanded ({} answers from the cache), {} requests to Amazon",
            checks.len(),
            expansions.len(),
            self.tally.cached.load(Ordering::Relaxed),
            self.tally.requests.load(Ordering::Relaxed),
        ));
        if blocked > 0 {
            diag(&format!(
                "blocked: Amazon would not answer {blocked} of the checks (a robot check or a rate limit). \
                 Their state is unknown, not broken: try again later, or check them in your browser \
                 with the Linkscope extension, which asks from your own browser"
            ));
        }
        Results { expansions, checks }
    }

    /// One short link: its redirects read one hop at a time, the target never requested.
    fn expand(&self, request: &ExpandRequest) -> Expansion {
        if let Some(cached) = self.cache.get::<Expansion>(&request.key, now_ms()) {
            self.tally.cached.fetch_add(1, Ordering::Relaxed);
            return cached;
        }
        let policy = self.client.policy();
        let get = Get {
            follow: 0,
            follow_only: |_| false,
            body_cap: 64 * 1024,
            accept_language: None,
        };
        let mut expander = Expander::new(&request.url, policy.max_redirects);
        let expansion = loop {
            let url = expander.url().to_owned();
            let answer = self.client.retrying(&url, |_| {
                self.tally.requests.fetch_add(1, Ordering::Relaxed);
                let result = self.client.get(&url, &get, |_| false);
                let retry = worth_retrying(&result);
                (result, retry)
            });
            let done = match answer {
                Ok(a) => expander.hop(a.status, a.header("location")),
                Err(e) => Some(expander.fail(&e.failure())),
            };
            if let Some(expansion) = done {
                break expansion;
            }
        };
        self.cache.put(
            &request.key,
            &expansion,
            policy.expansion_ttl(&expansion),
            now_ms(),
        );
        expansion
    }

    /// One product at its bare URL, read until the core's scanner has what it needs.
    fn check(&self, request: &CheckRequest) -> Check {
        if let Some(cached) = self.cache.get::<Check>(&request.key, now_ms()) {
            self.tally.cached.fetch_add(1, Ordering::Relaxed);
            return cached;
        }
        let policy = self.client.policy();
        let get = Get {
            follow: policy.max_redirects,
            follow_only: is_amazon_store,
            body_cap: policy.body_cap,
            accept_language: Marketplace::by_domain(request.marketplace).map(accept_language),
        };
        let check = self.client.retrying(&request.url, |_| {
            self.tally.requests.fetch_add(1, Ordering::Relaxed);
            let mut scanner = Scanner::new(policy.body_cap);
            let result = self.client.get(&request.url, &get, |chunk| {
                scanner.feed(chunk) == Progress::NeedMore
            });
            let (check, retry_after) = match result {
                Ok(answer) => {
                    let response = Response {
                        requested: &request.url,
                        final_url: &answer.final_url,
                        status: answer.status,
                        location: answer.header("location"),
                        content_type: answer.header("content-type"),
                    };
                    let retry_after = answer.header("retry-after").map(str::to_owned);
                    (judge(&response, &scanner.finish()), retry_after)
                }
                Err(e) => (judge_failure(&request.url, &e.failure()), None),
            };
            let retry = check.is_retryable().then_some(retry_after);
            (check, retry)
        });
        self.cache
            .put(&request.key, &check, policy.check_ttl(&check), now_ms());
        check
    }
}

/// Whether a product check may follow a redirect to `url`: an Amazon store, never a short
/// link or another site.
fn is_amazon_store(url: &str) -> bool {
    url::Url::parse(url)
        .is_ok_and(|u| matches!(u.host_str().and_then(match_host), Some(HostMatch::Store(_))))
}

fn progress_bar(len: usize) -> ProgressBar {
    let bar = if std::io::stderr().is_terminal() && len > 0 {
        ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// `f` over `items` on a few threads (the client's gate keeps each host polite), results in
/// order.
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    const WORKERS: usize = 8;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(items.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let r = f(item);
                if let Ok(mut results) = results.lock() {
                    results[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}
