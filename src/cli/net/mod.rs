//! The CLI's HTTP layer: polite, bounded GET requests, for the live checks (`--live`) and for
//! fetching plain pages.
//!
//! ```ignore
//! let client = Client::new(&Policy::DEFAULT)?;           // one per run, shared by threads
//! let mut body = Vec::new();
//! let answer = client.get(url, &Get { follow: 0, ..Get::page() }, |chunk| {
//!     body.extend_from_slice(chunk);
//!     true // keep reading (at most Get::body_cap bytes)
//! })?;
//! // answer.status, answer.final_url, answer.headers
//! ```
//!
//! - [`Client::get`]: one GET, following up to [`Get::follow`] redirects (each hop waits its
//!   turn at the [`gate`]; a loop is [`NetError::TooManyRedirects`]; with `follow: 0` the 3xx
//!   comes back with its `Location` unread), the body streamed to a sink chunk by chunk until the
//!   sink returns `false` or [`Get::body_cap`] bytes were read (the rest is never downloaded),
//!   gzip and brotli decoded. Returns the [`Answer`] (status, final URL, headers, bytes read) or
//!   a [`NetError`] (timeout, network, too many redirects, bad URL).
//! - [`Client::retrying`]: runs an attempt again while the caller says to ([`worth_retrying`]
//!   for a plain GET), after [`Policy::retry_delay`] (honouring `Retry-After`), bounded by
//!   `--retries`.
//! - Politeness ([`Policy`]): at most `per_host_concurrency` requests in flight per host,
//!   `min_interval_ms` between their starts, a host-wide pause after a 429 or a 503 with
//!   `Retry-After`, `timeout_ms` per request (headers and body).
//! - What is sent: `User-Agent: Linkscope/<version> (+link checker; command line)`, `Accept`
//!   HTML, `Accept-Encoding: gzip, br`, `Accept-Language` when given ([`accept_language`] for a
//!   marketplace). No cookies, no credentials, no referrer.
//! - TLS: rustls with the system's trust store, or `SSL_CERT_FILE` / `SSL_CERT_DIR` when set (as
//!   curl and OpenSSL read them: for a company proxy's certificate authority). The system
//!   resolver; `HTTPS_PROXY` / `ALL_PROXY` / `NO_PROXY` from the environment.

pub mod cache;
pub mod gate;

use std::collections::HashSet;
use std::io::{self, Read};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::{Agent, Proxy};

use linkscope::health::{Failure, Policy};
use linkscope::Marketplace;

use gate::Gate;

/// What Linkscope says it is.
pub const USER_AGENT: &str = concat!(
    "Linkscope/",
    env!("CARGO_PKG_VERSION"),
    " (+link checker; command line)"
);

/// How to make one GET.
#[derive(Debug, Clone)]
pub struct Get {
    /// Redirects to follow; 0 returns a 3xx with its `Location`.
    pub follow: u32,
    /// Follow a redirect only to URLs this accepts (the rest come back as the 3xx).
    pub follow_only: fn(&str) -> bool,
    /// The most body bytes read.
    pub body_cap: usize,
    /// `Accept-Language`, when given.
    pub accept_language: Option<String>,
}

impl Get {
    /// A plain page: up to 5 redirects anywhere, at most 8 MB of body.
    pub fn page() -> Get {
        Get {
            follow: 5,
            follow_only: |_| true,
            body_cap: 8 << 20,
            accept_language: None,
        }
    }
}

/// What a server answered.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub status: u16,
    /// The URL that answered, after the redirects followed.
    pub final_url: String,
    /// Every response header, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes read (after decoding).
    pub bytes: usize,
    /// Whether the read stopped before the end of the body (the cap, or the sink said so).
    pub stopped: bool,
}

impl Answer {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why there is no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// No answer (headers and body) within the timeout.
    Timeout(Duration),
    /// DNS, connection, TLS, a reset: the message.
    Network(String),
    /// More redirects than allowed, or a loop.
    TooManyRedirects,
    /// Not an http(s) URL with a host.
    BadUrl(String),
}

impl NetError {
    /// Whether trying again may help (a timeout, a network error).
    pub fn is_transient(&self) -> bool {
        matches!(self, NetError::Timeout(_) | NetError::Network(_))
    }

    /// The core's view of it, for [`linkscope::health::judge_failure`] and
    /// [`linkscope::health::Expander::fail`].
    pub fn failure(&self) -> Failure {
        match self {
            NetError::Timeout(d) => Failure::Timeout(d.as_millis() as u64),
            NetError::Network(m) | NetError::BadUrl(m) => Failure::Network(m.clone()),
            NetError::TooManyRedirects => Failure::TooManyRedirects,
        }
    }
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.failure().message())
    }
}

/// `Accept-Language` for a marketplace: its language first, then English.
///
/// `de-DE` gives `de-DE,de;q=0.9,en;q=0.5`; `en-US` gives `en-US,en;q=0.9`.
pub fn accept_language(marketplace: &Marketplace) -> String {
    let lang = marketplace.language;
    let primary = lang.split('-').next().unwrap_or(lang);
    if primary == "en" {
        format!("{lang},en;q=0.9")
    } else {
        format!("{lang},{primary};q=0.9,en;q=0.5")
    }
}

/// Milliseconds since the Unix epoch (the core's clock).
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// One per run; `&Client` is shared by the worker threads.
pub struct Client {
    agent: Agent,
    gate: Gate,
    policy: Policy,
}

impl Client {
    /// A client that follows `policy`. Fails when no trusted certificate can be loaded.
    pub fn new(policy: &Policy) -> Result<Client, String> {
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(USER_AGENT)
            .accept("text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
            .timeout_global(Some(Duration::from_millis(policy.timeout_ms)))
            .proxy(Proxy::try_from_env())
            .tls_config(
                TlsConfig::builder()
                    .root_certs(RootCerts::Specific(Arc::new(trusted_roots()?)))
                    .build(),
            )
            .build();
        Ok(Client {
            agent: Agent::new_with_config(config),
            gate: Gate::new(
                policy.per_host_concurrency,
                Duration::from_millis(policy.min_interval_ms),
            ),
            policy: *policy,
        })
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Holds back every request to `url`'s host for `pause` (after a rate limit).
    pub fn pause_host(&self, url: &str, pause: Duration) {
        if let Ok(url) = url::Url::parse(url) {
            self.gate.pause(url.host_str().unwrap_or_default(), pause);
        }
    }

    /// One GET (see the module docs); `sink` gets the body chunk by chunk and returns whether
    /// to go on reading.
    pub fn get(
        &self,
        url: &str,
        get: &Get,
        mut sink: impl FnMut(&[u8]) -> bool,
    ) -> Result<Answer, NetError> {
        let mut current =
            url::Url::parse(url).map_err(|e| NetError::BadUrl(format!("{url}: {e}")))?;
        let mut seen = HashSet::from([current.to_string()]);
        let mut hops = 0;
        loop {
            let host = match (current.scheme(), current.host_str()) {
                ("http" | "https", Some(host)) => host.to_owned(),
                _ => return Err(NetError::BadUrl(format!("{current}: not an http(s) URL"))),
            };
            let permit = self.gate.acquire(&host);
            let mut request = self.agent.get(current.as_str());
            if let Some(lang) = &get.accept_language {
                request = request.header("Accept-Language", lang);
            }
            let response = request.call().map_err(|e| self.net_error(e))?;
            let status = response.status().as_u16();
            let headers: Vec<(String, String)> = response
                .headers()
                .iter()
                .map(|(n, v)| {
                    let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                    (n.as_str().to_owned(), value)
                })
                .collect();
            let mut answer = Answer {
                status,
                final_url: current.to_string(),
                headers,
                ..Answer::default()
            };
            if let Some(wait) = answer
                .header("retry-after")
                .filter(|_| status == 429 || status == 503)
            {
                if let Some(ms) = linkscope::health::policy::parse_retry_after(wait, now_ms()) {
                    self.gate.pause(
                        &host,
                        Duration::from_millis(ms.min(self.policy.backoff_max_ms)),
                    );
                }
            }
            let next = (300..400)
                .contains(&status)
                .then(|| answer.header("location"))
                .flatten()
                .and_then(|l| current.join(l).ok());
            if let Some(next) = next.filter(|n| get.follow > 0 && (get.follow_only)(n.as_str())) {
                if hops >= get.follow || !seen.insert(next.to_string()) {
                    return Err(NetError::TooManyRedirects);
                }
                hops += 1;
                drop(permit);
                current = next;
                continue;
            }
            if !(300..400).contains(&status) {
                self.read_body(response.into_body(), get.body_cap, &mut answer, &mut sink)?;
            }
            return Ok(answer);
        }
    }

    fn read_body(
        &self,
        body: ureq::Body,
        cap: usize,
        answer: &mut Answer,
        sink: &mut impl FnMut(&[u8]) -> bool,
    ) -> Result<(), NetError> {
        let mut reader = body.into_reader();
        let mut buf = vec![0; 64 * 1024];
        loop {
            let room = cap - answer.bytes;
            if room == 0 {
                // At the cap: is there more?
                let mut probe = [0u8; 1];
                answer.stopped = reader.read(&mut probe).map_err(|e| self.io_error(e))? > 0;
                return Ok(());
            }
            let want = room.min(buf.len());
            let n = reader
                .read(&mut buf[..want])
                .map_err(|e| self.io_error(e))?;
            if n == 0 {
                return Ok(());
            }
            answer.bytes += n;
            if !sink(&buf[..n]) {
                answer.stopped = true;
                return Ok(());
            }
        }
    }

    /// Runs `attempt` (given the retry number, 0 first) until it says not to retry (`None`) or
    /// the policy gives up. `Some(retry_after)` asks for another try (see [`worth_retrying`]).
    pub fn retrying<T>(
        &self,
        url: &str,
        mut attempt: impl FnMut(u32) -> (T, Option<Option<String>>),
    ) -> T {
        let mut retry = 0;
        loop {
            let (result, again) = attempt(retry);
            let Some(retry_after) = again else {
                return result;
            };
            let Some(delay) = self
                .policy
                .retry_delay(retry, retry_after.as_deref(), now_ms())
            else {
                return result;
            };
            self.pause_host(url, Duration::from_millis(delay));
            retry += 1;
        }
    }

    fn timeout(&self) -> Duration {
        Duration::from_millis(self.policy.timeout_ms)
    }

    fn net_error(&self, e: ureq::Error) -> NetError {
        match e {
            ureq::Error::Timeout(_) => NetError::Timeout(self.timeout()),
            ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => {
                NetError::TooManyRedirects
            }
            ureq::Error::BadUri(m) => NetError::BadUrl(m),
            ureq::Error::Io(io) if io.kind() == io::ErrorKind::TimedOut => {
                NetError::Timeout(self.timeout())
            }
            ureq::Error::HostNotFound => NetError::Network("host not found".to_owned()),
            ureq::Error::Io(io) => NetError::Network(io_message(&io)),
            other => NetError::Network(other.to_string()),
        }
    }

    fn io_error(&self, e: io::Error) -> NetError {
        self.net_error(ureq::Error::from(e))
    }
}

/// Whether a GET is worth trying again, and with what `Retry-After`: after a 429 or a 5xx
/// (`Some(header)`), a timeout or a network error (`Some(None)`); not after any other answer.
/// The live checks' short-link expansions and the crawl's requests take this rule.
pub fn worth_retrying(result: &Result<Answer, NetError>) -> Option<Option<String>> {
    match result {
        Ok(a) if a.status == 429 || a.status >= 500 => {
            Some(a.header("retry-after").map(str::to_owned))
        }
        Ok(_) => None,
        Err(e) => e.is_transient().then_some(None),
    }
}

fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionReset => "connection reset".to_owned(),
        io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
        io::ErrorKind::UnexpectedEof => "connection closed before the answer ended".to_owned(),
        _ => e.to_string(),
    }
}

/// The system's trusted certificate authorities, or those of `SSL_CERT_FILE` / `SSL_CERT_DIR`
/// when set (rustls-native-certs reads them as OpenSSL does).
fn trusted_roots() -> Result<Vec<Certificate<'static>>, String> {
    let loaded = rustls_native_certs::load_native_certs();
    let roots: Vec<Certificate<'static>> = loaded
        .certs
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    if roots.is_empty() {
        let why: Vec<String> = loaded.errors.iter().map(|e| e.to_string()).collect();
        return Err(format!(
            "no trusted certificates found (install ca-certificates, or set SSL_CERT_FILE){}",
            if why.is_empty() {
                String::new()
            } else {
                format!(": {}", why.join("; "))
            }
        ));
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_follows_the_marketplace() {
        let m = |d| Marketplace::by_domain(d).unwrap();
        assert_eq!(accept_language(m("amazon.de")), "de-DE,de;q=0.9,en;q=0.5");
        assert_eq!(accept_language(m("amazon.com")), "en-US,en;q=0.9");
        assert_eq!(
            accept_language(m("amazon.co.jp")),
            "ja-JP,ja;q=0.9,en;q=0.5"
        );
    }

    #[test]
    fn retries_rate_limits_server_errors_and_transient_failures() {
        let answer = |status: u16, retry_after: Option<&str>| {
            Ok(Answer {
                status,
                headers: retry_after
                    .map(|v| vec![("retry-after".to_owned(), v.to_owned())])
                    .unwrap_or_default(),
                ..Answer::default()
            })
        };
        assert_eq!(
            worth_retrying(&answer(429, Some("7"))),
            Some(Some("7".to_owned()))
        );
        assert_eq!(worth_retrying(&answer(503, None)), Some(None));
        assert_eq!(worth_retrying(&answer(500, None)), Some(None));
        for status in [200, 301, 404, 410] {
            assert_eq!(worth_retrying(&answer(status, Some("7"))), None, "{status}");
        }
        let timeout = NetError::Timeout(Duration::from_secs(1));
        assert_eq!(worth_retrying(&Err(timeout)), Some(None));
        let reset = NetError::Network("connection reset".into());
        assert_eq!(worth_retrying(&Err(reset)), Some(None));
        assert_eq!(worth_retrying(&Err(NetError::TooManyRedirects)), None);
        assert_eq!(worth_retrying(&Err(NetError::BadUrl("x".into()))), None);
    }

    #[test]
    fn user_agent_names_linkscope_and_its_version() {
        assert!(USER_AGENT.starts_with(&format!("Linkscope/{} ", env!("CARGO_PKG_VERSION"))));
    }
}
