//! The crawl's HTTP client: ureq 3 over rustls (webpki roots), no redirects followed (the
//! crawl decides which to follow), timeouts on connecting and on the whole request, bodies
//! read only when wanted and only up to the limit.

use std::time::Duration;

use url::Url;

use super::fetch::{Fetch, Response, Want};

/// Timeouts: connecting, and a whole request (headers and body).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Client {
    agent: ureq::Agent,
}

impl Client {
    pub fn new() -> Result<Client, String> {
        let config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(REQUEST_TIMEOUT))
            .user_agent(concat!(
                "linkscope/",
                env!("CARGO_PKG_VERSION"),
                " (Amazon Associates link audit)"
            ))
            .build();
        Ok(Client {
            agent: ureq::Agent::new_with_config(config),
        })
    }
}

impl Fetch for Client {
    fn get(&self, url: &Url, want: &Want) -> Result<Response, String> {
        let mut response = self
            .agent
            .get(url.as_str())
            .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.5")
            .call()
            .map_err(describe)?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let status = response.status().as_u16();
        let location = header("location");
        let content_type = header("content-type");
        let body = if (200..300).contains(&status)
            && (want.content)(content_type.as_deref().unwrap_or(""))
        {
            let bytes = response
                .body_mut()
                .with_config()
                .limit(want.max_body)
                .read_to_vec()
                .map_err(describe)?;
            Some(bytes)
        } else {
            None
        };
        Ok(Response {
            status,
            location,
            content_type,
            body,
        })
    }
}

fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::BodyExceedsLimit(n) => {
            format!("the page is over the limit of {n} bytes (raise it with --max-file-size)")
        }
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        e => e.to_string(),
    }
}
