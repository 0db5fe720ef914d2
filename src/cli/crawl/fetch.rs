//! What the crawl asks of an HTTP client ([`Fetch`]: one GET, redirects not followed, the body
//! read only when wanted and only up to a limit), and its implementation over the CLI's shared
//! HTTP layer ([`crate::net::Client`]: politeness per host, timeouts, TLS, proxies).

use url::Url;

use crate::net::{Client, Get};

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

/// What a request is for: which content types are worth keeping, and how much of them.
pub struct Want<'a> {
    /// Given the `Content-Type` (or `""` when none was sent): keep the body?
    pub content: &'a (dyn Fn(&str) -> bool + Sync),
    /// A body longer than this is an error.
    pub max_body: u64,
}

/// One GET request, without following redirects. Errors are messages for the user
/// (timeouts, refused connections, a body over the limit).
pub trait Fetch: Sync {
    fn get(&self, url: &Url, want: &Want) -> Result<Response, String>;
}

impl Fetch for Client {
    fn get(&self, url: &Url, want: &Want) -> Result<Response, String> {
        let get = Get {
            follow: 0,
            // One byte more than allowed tells a body over the limit.
            body_cap: usize::try_from(want.max_body.saturating_add(1)).unwrap_or(usize::MAX),
            ..Get::page()
        };
        let mut body = Vec::new();
        // The client reads a body before its headers are looked at: binary content (a NUL
        // byte) stops the read at its first piece.
        let answer = Client::get(self, url.as_str(), &get, |chunk| {
            body.extend_from_slice(chunk);
            !chunk.contains(&0)
        })
        .map_err(|e| e.to_string())?;
        let content_type = answer.header("content-type").map(str::to_owned);
        let wanted = (200..300).contains(&answer.status)
            && (want.content)(content_type.as_deref().unwrap_or(""));
        if wanted && body.len() as u64 > want.max_body {
            return Err(format!(
                "over the limit of {} bytes (raise it with --max-file-size)",
                want.max_body
            ));
        }
        Ok(Response {
            status: answer.status,
            location: answer.header("location").map(str::to_owned),
            content_type,
            body: wanted.then_some(body),
        })
    }
}
