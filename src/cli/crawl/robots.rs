//! robots.txt as RFC 9309 reads it: the group for Linkscope's product token, else the `*`
//! group; the longest matching `Allow`/`Disallow` rule decides (`Allow` on a tie), with `*`
//! and a final `$` in patterns. `Sitemap:` lines and `Crawl-delay` are kept too.

use std::time::Duration;

/// The product token Linkscope's crawler answers to in robots.txt.
pub const PRODUCT_TOKEN: &str = "linkscope";

/// The rules that apply to Linkscope on one origin.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Robots {
    /// `(allow, pattern)`, as written.
    rules: Vec<(bool, String)>,
    pub sitemaps: Vec<String>,
    pub crawl_delay: Option<Duration>,
}

#[derive(Default)]
struct Group {
    agents: Vec<String>,
    rules: Vec<(bool, String)>,
    crawl_delay: Option<Duration>,
}

impl Robots {
    /// Everything allowed (no robots.txt, or a 4xx for it).
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// Everything disallowed (robots.txt unreachable: RFC 9309 §2.3.1.4).
    pub fn disallow_all() -> Robots {
        Robots {
            rules: vec![(false, "/".into())],
            ..Robots::default()
        }
    }

    /// Reads a robots.txt file. Lines that are not rules are ignored, as crawlers do.
    pub fn parse(text: &str) -> Robots {
        let mut groups: Vec<Group> = Vec::new();
        let mut sitemaps = Vec::new();
        // Whether the last line was a user-agent line (consecutive ones share a group).
        let mut in_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            match key.as_str() {
                "user-agent" => {
                    if !in_agents || groups.is_empty() {
                        groups.push(Group::default());
                    }
                    if let Some(group) = groups.last_mut() {
                        group.agents.push(value.to_ascii_lowercase());
                    }
                    in_agents = true;
                    continue;
                }
                "allow" | "disallow" => {
                    // An empty Disallow allows everything: no rule.
                    if let (Some(group), false) = (groups.last_mut(), value.is_empty()) {
                        group.rules.push((key == "allow", normalize(value)));
                    }
                }
                "crawl-delay" => {
                    if let (Some(group), Ok(secs)) = (groups.last_mut(), value.parse::<f64>()) {
                        if secs.is_finite() && secs >= 0.0 {
                            group.crawl_delay = Some(Duration::from_secs_f64(secs.min(3600.0)));
                        }
                    }
                }
                "sitemap" => sitemaps.push(value.to_owned()),
                _ => {}
            }
            in_agents = false;
        }
        let ours = |agent: &str| agent == PRODUCT_TOKEN;
        let chosen: Vec<&Group> = if groups.iter().any(|g| g.agents.iter().any(|a| ours(a))) {
            groups
                .iter()
                .filter(|g| g.agents.iter().any(|a| ours(a)))
                .collect()
        } else {
            groups
                .iter()
                .filter(|g| g.agents.iter().any(|a| a == "*"))
                .collect()
        };
        Robots {
            rules: chosen.iter().flat_map(|g| g.rules.clone()).collect(),
            sitemaps,
            crawl_delay: chosen.iter().find_map(|g| g.crawl_delay),
        }
    }

    /// Whether a path (with its query, as sent: `/a/b?c=d`) may be fetched.
    pub fn allows(&self, path: &str) -> bool {
        if path == "/robots.txt" {
            return true;
        }
        let path = normalize(path);
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern.as_bytes(), path.as_bytes()) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// Whether `pattern` (with `*` for any run of characters and a final `$` for the end) matches
/// the start of `path` (both [`normalize`]d).
fn matches(pattern: &[u8], path: &[u8]) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix(b"$") {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    // Positions in `path` where the pattern's current piece may start (glob by pieces).
    let mut pieces = pattern.split(|&b| b == b'*');
    let Some(first) = pieces.next() else {
        return true;
    };
    if !starts_with(path, first) {
        return false;
    }
    let mut at = first.len();
    let rest: Vec<&[u8]> = pieces.collect();
    if rest.is_empty() {
        return !anchored || at == path.len();
    }
    for (i, piece) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        if last && anchored {
            // The last piece must end the path.
            return path.len() >= at + piece.len()
                && starts_with(&path[path.len() - piece.len()..], piece);
        }
        match (at..=path.len().saturating_sub(piece.len()))
            .find(|&s| starts_with(&path[s..], piece))
        {
            Some(s) => at = s + piece.len(),
            None => return false,
        }
    }
    true
}

fn starts_with(s: &[u8], prefix: &[u8]) -> bool {
    s.starts_with(prefix)
}

/// Percent-encoded octets with upper-case hex digits, so that `%7e` and `%7E` compare equal.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut after_percent = 0;
    for c in s.chars() {
        if after_percent > 0 {
            out.push(c.to_ascii_uppercase());
            after_percent -= 1;
        } else {
            out.push(c);
            if c == '%' {
                after_percent = 2;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROBOTS: &str = "\
# comments are ignored
User-agent: Googlebot
Disallow: /

User-agent: *
Disallow: /private/
Allow: /private/open.html
Disallow: /*.pdf$
Crawl-delay: 2

Sitemap: https://blog.example/sitemap.xml
";

    #[test]
    fn the_star_group_when_none_names_linkscope() {
        let robots = Robots::parse(ROBOTS);
        assert!(robots.allows("/"));
        assert!(robots.allows("/posts/kettle.html"));
        assert!(!robots.allows("/private/notes.html"));
        assert!(robots.allows("/private/open.html"));
        assert!(!robots.allows("/files/guide.pdf"));
        assert!(robots.allows("/files/guide.pdf?x=1"));
        assert_eq!(robots.crawl_delay, Some(Duration::from_secs(2)));
        assert_eq!(robots.sitemaps, ["https://blog.example/sitemap.xml"]);
    }

    #[test]
    fn a_group_for_linkscope_wins_over_star() {
        let robots =
            Robots::parse("User-agent: *\nDisallow: /\n\nUser-agent: LinkScope\nDisallow: /tmp\n");
        assert!(robots.allows("/posts/"));
        assert!(!robots.allows("/tmp/x"));
        // Consecutive user-agent lines share one group.
        let robots = Robots::parse("User-agent: other\nUser-agent: *\nDisallow: /a\n");
        assert!(!robots.allows("/a/b"));
        // An empty Disallow allows everything.
        assert!(Robots::parse("User-agent: *\nDisallow:\n").allows("/x"));
    }

    #[test]
    fn longest_match_wins_and_allow_wins_a_tie() {
        let robots = Robots::parse("User-agent: *\nAllow: /p\nDisallow: /p\nDisallow: /*/deep\n");
        assert!(robots.allows("/p/x"));
        assert!(!robots.allows("/p/deep"));
        assert!(Robots::disallow_all().allows("/robots.txt"));
        assert!(!Robots::disallow_all().allows("/"));
        assert!(Robots::allow_all().allows("/anything"));
    }

    #[test]
    fn wildcards_and_end_anchors() {
        assert!(matches(b"/*.php$", b"/index.php"));
        assert!(!matches(b"/*.php$", b"/index.php?x"));
        assert!(matches(b"/*.php", b"/index.php?x"));
        assert!(matches(b"/fish*", b"/fish.html"));
        assert!(matches(b"/a$", b"/a"));
        assert!(!matches(b"/a$", b"/ab"));
        let robots = Robots::parse("User-agent: *\nDisallow: /%7ejoe\nDisallow: /Caps\n");
        assert!(!robots.allows("/%7Ejoe/x"));
        assert!(robots.allows("/caps"));
        assert!(matches(b"*", b"/"));
    }
}
