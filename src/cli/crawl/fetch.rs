//! What the crawl asks of an HTTP client ([`Fetch`]: one GET, redirects not followed, the body
//! read only when wanted and only up to a limit), and its implementation over the CLI's shared
//! HTTP layer ([`crate::net::Client`]: politeness per host, timeouts, TLS, proxies, and the
//! live checks' retries after a 429, a 5xx, a timeout or a network error, `Retry-After`
//! honoured). Also [`gunzip`], for compressed sitemaps.

use std::io::Read;

use flate2::read::MultiGzDecoder;
use url::Url;

use crate::net::{worth_retrying, Client, Get};

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
    /// Read binary bodies too (a gzip-compressed sitemap); otherwise a NUL byte in the body
    /// ends the read early (the body is still returned, cut).
    pub binary: bool,
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
        let answer = self
            .retrying(url.as_str(), |_| {
                body.clear();
                // The client reads a body before its headers are looked at: binary content (a
                // NUL byte) stops the read at its first piece unless it is wanted.
                let result = Client::get(self, url.as_str(), &get, |chunk| {
                    body.extend_from_slice(chunk);
                    want.binary || !chunk.contains(&0)
                });
                let retry = worth_retrying(&result);
                (result, retry)
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

/// Whether a body is gzip-compressed (its magic number).
pub fn is_gzip(body: &[u8]) -> bool {
    body.starts_with(&[0x1f, 0x8b])
}

/// A gzip-compressed body (`sitemap.xml.gz`) decompressed, at most `max` bytes of it: a small
/// file that inflates to gigabytes (a gzip bomb) is an error, never more than `max` bytes of
/// memory.
pub fn gunzip(body: &[u8], max: u64) -> Result<Vec<u8>, String> {
    let mut text = Vec::new();
    MultiGzDecoder::new(body)
        .take(max.saturating_add(1))
        .read_to_end(&mut text)
        .map_err(|e| format!("not a valid gzip file: {e}"))?;
    if text.len() as u64 > max {
        return Err(format!(
            "over the limit of {max} bytes once decompressed (raise it with --max-file-size)"
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn gunzips_within_the_limit_and_refuses_a_bomb() {
        let xml = b"<urlset><url><loc>https://blog.example/a</loc></url></urlset>";
        let packed = gzip(xml);
        assert!(is_gzip(&packed) && !is_gzip(xml));
        assert_eq!(gunzip(&packed, 1 << 20).unwrap(), xml);
        assert_eq!(gunzip(&packed, xml.len() as u64).unwrap(), xml);
        // 16 MB of zeros packed into about 16 KB: stopped at the limit.
        let bomb = gzip(&vec![0; 16 << 20]);
        assert!(bomb.len() < 32 << 10, "{}", bomb.len());
        let err = gunzip(&bomb, 1 << 20).unwrap_err();
        assert!(err.contains("once decompressed"), "{err}");
        assert!(gunzip(&packed[..packed.len() / 2], 1 << 20)
            .unwrap_err()
            .contains("not a valid gzip file"));
    }
}
