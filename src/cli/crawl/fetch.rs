//! What the crawl asks of an HTTP client ([`Fetch`]: one GET, redirects not followed, the body
//! read only when wanted and only up to a limit), and politeness per host on top of any
//! client ([`Polite`]: at most N requests at once, and an interval between their starts).

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use url::Url;

/// A response as the crawl needs it.
#[derive(Debug, Default)]
pub struct Response {
    pub status: u16,
    /// The `Location` header of a redirect.
    pub location: Option<String>,
    /// The `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The body, read when the status is 2xx and the content type was wanted.
    pub body: Option<Vec<u8>>,
}

/// What a request is for: which content types are worth reading, and how much of them.
pub struct Want<'a> {
    /// Given the `Content-Type` (or `""` when none was sent): read the body?
    pub content: &'a (dyn Fn(&str) -> bool + Sync),
    /// A body longer than this is an error.
    pub max_body: u64,
}

/// One GET request, without following redirects. Errors are messages for the user
/// (timeouts, refused connections, a body over the limit).
pub trait Fetch: Sync {
    fn get(&self, url: &Url, want: &Want) -> Result<Response, String>;
}

/// A client that waits its turn per host: at most `concurrency` requests in flight, and
/// `interval` between the starts of two requests (raised by a robots.txt `Crawl-delay`).
pub struct Polite<F> {
    inner: F,
    concurrency: usize,
    interval: Duration,
    hosts: Mutex<HashMap<String, Host>>,
    turn: Condvar,
}

#[derive(Default)]
struct Host {
    in_flight: usize,
    next_start: Option<Instant>,
    interval: Option<Duration>,
}

impl<F: Fetch> Polite<F> {
    pub fn new(inner: F, concurrency: usize, interval: Duration) -> Polite<F> {
        Polite {
            inner,
            concurrency: concurrency.max(1),
            interval,
            hosts: Mutex::new(HashMap::new()),
            turn: Condvar::new(),
        }
    }

    /// A longer interval for one host (its robots.txt asked for it).
    pub fn slow_down(&self, host: &str, interval: Duration) {
        if let Ok(mut hosts) = self.hosts.lock() {
            let entry = hosts.entry(host.to_owned()).or_default();
            entry.interval = Some(interval.max(self.interval));
        }
    }

    /// Waits until a request to `host` may start, and books it.
    fn enter(&self, host: &str) {
        let Ok(mut hosts) = self.hosts.lock() else {
            return;
        };
        loop {
            let entry = hosts.entry(host.to_owned()).or_default();
            let now = Instant::now();
            let wait = entry.next_start.map_or(Duration::ZERO, |t| t - now.min(t));
            if entry.in_flight < self.concurrency && wait.is_zero() {
                entry.in_flight += 1;
                entry.next_start = Some(now + entry.interval.unwrap_or(self.interval));
                return;
            }
            // Woken when a request ends, or when the interval is over.
            let timeout = if wait.is_zero() {
                Duration::from_secs(1)
            } else {
                wait
            };
            hosts = match self.turn.wait_timeout(hosts, timeout) {
                Ok((guard, _)) => guard,
                Err(_) => return,
            };
        }
    }

    fn leave(&self, host: &str) {
        if let Ok(mut hosts) = self.hosts.lock() {
            if let Some(entry) = hosts.get_mut(host) {
                entry.in_flight = entry.in_flight.saturating_sub(1);
            }
        }
        self.turn.notify_all();
    }
}

impl<F: Fetch> Fetch for Polite<F> {
    fn get(&self, url: &Url, want: &Want) -> Result<Response, String> {
        let host = url.host_str().unwrap_or("").to_owned();
        self.enter(&host);
        let response = self.inner.get(url, want);
        self.leave(&host);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts requests in flight, and the most there ever were.
    #[derive(Default)]
    struct Slow {
        now: AtomicUsize,
        most: AtomicUsize,
        starts: Mutex<Vec<Instant>>,
    }

    impl Fetch for Slow {
        fn get(&self, _: &Url, _: &Want) -> Result<Response, String> {
            let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(n, Ordering::SeqCst);
            self.starts.lock().unwrap().push(Instant::now());
            std::thread::sleep(Duration::from_millis(30));
            self.now.fetch_sub(1, Ordering::SeqCst);
            Ok(Response::default())
        }
    }

    #[test]
    fn at_most_n_at_once_and_an_interval_between_starts() {
        let polite = Polite::new(Slow::default(), 2, Duration::from_millis(10));
        let url = Url::parse("http://127.0.0.1/").unwrap();
        let want = Want {
            content: &|_| true,
            max_body: 10,
        };
        std::thread::scope(|s| {
            for _ in 0..6 {
                s.spawn(|| polite.get(&url, &want));
            }
        });
        assert_eq!(polite.inner.most.load(Ordering::SeqCst), 2);
        let mut starts = polite.inner.starts.lock().unwrap().clone();
        starts.sort();
        assert_eq!(starts.len(), 6);
        for pair in starts.windows(2) {
            assert!(pair[1] - pair[0] >= Duration::from_millis(9), "{pair:?}");
        }
    }
}
