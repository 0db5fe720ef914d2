//! Which URLs belong to the site being crawled, and which look like pages.

use url::Url;

/// The site a crawl stays on: the start URL's host, with or without `www.`, over http or
/// https, on the start URL's port.
#[derive(Debug, Clone)]
pub struct Site {
    host: String,
    port: Option<u16>,
}

impl Site {
    pub fn of(start: &Url) -> Site {
        Site {
            host: bare_host(start),
            port: start.port(),
        }
    }

    pub fn contains(&self, url: &Url) -> bool {
        matches!(url.scheme(), "http" | "https")
            && url.port() == self.port
            && bare_host(url) == self.host
    }
}

fn bare_host(url: &Url) -> String {
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    match host.strip_prefix("www.") {
        Some(rest) => rest.to_owned(),
        None => host,
    }
}

/// A link's target as the crawl keys it: resolved, without its fragment. `None` for links
/// that lead to no page (`mailto:`, `javascript:`, unparsable).
pub fn page_url(base: &Url, href: &str) -> Option<Url> {
    let mut url = base.join(href.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    Some(url)
}

/// The crawl's key for a page, one per page however it is written: the host without `www.`,
/// the port, the path without a final `index.html` / `index.htm`, the query (when not empty);
/// no scheme and no fragment. `http://www.blog.example/posts/index.html#top` and
/// `https://blog.example/posts/` are one page, fetched once.
pub fn page_key(url: &Url) -> String {
    let mut path = url.path();
    for index in ["index.html", "index.htm"] {
        if let Some(dir) = path.strip_suffix(index).filter(|d| d.ends_with('/')) {
            path = dir;
        }
    }
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let query = match url.query() {
        Some(q) if !q.is_empty() => format!("?{q}"),
        _ => String::new(),
    };
    format!("{}{port}{path}{query}", bare_host(url))
}

/// File name extensions that are never HTML pages: such links are not fetched.
const NOT_PAGES: &[&str] = &[
    "7z", "avi", "bmp", "css", "csv", "dmg", "doc", "docx", "eot", "epub", "exe", "flac", "gif",
    "gz", "ico", "jpeg", "jpg", "js", "json", "m4a", "mjs", "mov", "mp3", "mp4", "mpeg", "ogg",
    "otf", "pdf", "png", "ppt", "pptx", "rar", "rss", "svg", "tar", "tgz", "tif", "tiff", "ttf",
    "txt", "wav", "webm", "webp", "woff", "woff2", "xls", "xlsx", "xml", "zip",
];

/// Whether a URL's path names a file that is not a page (an image, a PDF, a feed …).
pub fn is_not_page(url: &Url) -> bool {
    let last = url.path().rsplit('/').next().unwrap_or("");
    last.rsplit_once('.')
        .is_some_and(|(_, ext)| NOT_PAGES.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Whether a `Content-Type` is HTML.
pub fn is_html(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("text/html")
        || essence.eq_ignore_ascii_case("application/xhtml+xml")
}

/// The `charset` parameter of a `Content-Type`.
pub fn charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_site_is_the_host_with_or_without_www() {
        let site = Site::of(&url("https://blog.example/"));
        assert!(site.contains(&url("https://blog.example/a")));
        assert!(site.contains(&url("http://www.blog.example/a")));
        assert!(!site.contains(&url("https://other.example/a")));
        assert!(!site.contains(&url("https://blog.example:8443/a")));
        assert!(!site.contains(&url("https://evil-blog.example/")));
        assert!(!site.contains(&url("ftp://blog.example/")));
        let local = Site::of(&url("http://127.0.0.1:8080/"));
        assert!(!local.contains(&url("http://localhost:8080/")));
        assert!(!local.contains(&url("http://127.0.0.1:8081/")));
    }

    #[test]
    fn links_to_pages() {
        let base = url("https://blog.example/posts/a.html");
        assert_eq!(
            page_url(&base, "b.html#top").unwrap().as_str(),
            "https://blog.example/posts/b.html"
        );
        assert_eq!(
            page_url(&base, "//www.amazon.com/dp/B08N5WRWNW")
                .unwrap()
                .as_str(),
            "https://www.amazon.com/dp/B08N5WRWNW"
        );
        assert!(page_url(&base, "mailto:me@blog.example").is_none());
        assert!(page_url(&base, "javascript:void(0)").is_none());
        assert!(is_not_page(&url("https://blog.example/guide.PDF")));
        assert!(!is_not_page(&url("https://blog.example/posts/")));
        assert!(!is_not_page(&url("https://blog.example/post.html?x=a.pdf")));
    }

    #[test]
    fn one_key_per_page() {
        let key = |s| page_key(&url(s));
        let home = key("https://blog.example/");
        for same in [
            "http://blog.example/",
            "https://www.blog.example",
            "http://WWW.Blog.Example/index.html",
            "https://blog.example/index.htm#top",
            "https://blog.example/?",
            "https://blog.example:443/",
        ] {
            assert_eq!(key(same), home, "{same}");
        }
        assert_eq!(
            key("http://www.blog.example/posts/index.html?page=2#c"),
            key("https://blog.example/posts/?page=2")
        );
        for other in [
            "https://blog.example/posts/",
            "https://blog.example/?page=2",
            "https://blog.example:8443/",
            "https://blog.example/myindex.html",
            "https://shop.blog.example/",
        ] {
            assert_ne!(key(other), home, "{other}");
        }
        // A folder and a file of the same name may be two pages.
        assert_ne!(
            key("https://blog.example/posts"),
            key("https://blog.example/posts/")
        );
    }

    #[test]
    fn content_types() {
        assert!(is_html("text/html; charset=utf-8"));
        assert!(is_html("Application/XHTML+XML"));
        assert!(!is_html("application/json"));
        assert_eq!(
            charset("text/html; Charset=\"ISO-8859-1\""),
            Some("ISO-8859-1")
        );
        assert_eq!(charset("text/html"), None);
    }
}
