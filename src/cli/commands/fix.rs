//! `linkscope fix`: rewrites the Amazon links of the publisher's own source files. A dry run
//! (a unified diff) unless `--write`; only the bytes of each URL change, written in the form
//! the original used (`&amp;` where it had `&amp;`); writes are atomic and skip a file that
//! changed since it was read; a second run changes nothing.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use linkscope::extract::decode;
use linkscope::health::plan::expansion_url;
use linkscope::health::{
    verdict_after_expansion, Expansion, Health, Outcome as Expanded, Plan as HealthPlan,
};
use linkscope::{affiliate_link, Kind, Link, Profile, Verdict};

use crate::diff::unified;
use crate::exit::{Exit, Failure, Outcome};
use crate::input::{load_profile, read_file};
use crate::live::{Live, LiveArgs};
use crate::scan::{each_source, scan, ScanOptions, Scanned};
use crate::term::{diag, Out};
use crate::walk::{sources, Source, WalkOptions};

pub struct FixOptions {
    pub paths: Vec<PathBuf>,
    pub profile: PathBuf,
    pub write: bool,
    pub clean: bool,
    pub replace_foreign: bool,
    pub walk: WalkOptions,
    pub scan: ScanOptions,
    /// `live.live`: expand short links (`--expand`).
    pub live: LiveArgs,
}

/// Short links' expansions by request URL ([`expansion_url`]).
type Expansions = HashMap<String, Expansion>;

/// One URL to replace: its byte range in the file and what to write there.
struct Edit {
    start: usize,
    end: usize,
    text: String,
    verdict: Verdict,
}

/// An Amazon link left as it is, and why.
struct Left {
    at: String,
    verdict: Verdict,
    why: String,
}

struct Plan {
    path: PathBuf,
    name: String,
    original: Vec<u8>,
    edits: Vec<Edit>,
    left: Vec<Left>,
}

pub fn run(options: &FixOptions) -> Outcome {
    options.live.check_used()?;
    let profile = load_profile(&options.profile)?;
    let walked = sources(&options.paths, &options.walk)?;
    for skipped in &walked.skipped {
        diag(&format!("warning: {skipped}"));
    }
    if walked.sources.iter().any(|s| matches!(s, Source::Stdin)) {
        return Err(Failure(
            "fix rewrites files: standard input cannot be fixed".into(),
        ));
    }
    let expansions = if options.live.live {
        expand_short_links(&walked.sources, &profile, options)?
    } else {
        Expansions::new()
    };
    let mut errors = Vec::new();
    let mut plans = Vec::new();
    each_source(
        &walked.sources,
        |s| plan(s, &profile, options, &expansions),
        |p| match p {
            // Only files with something to change are kept in memory.
            Ok(p) if p.edits.is_empty() && p.left.is_empty() => {}
            Ok(p) => plans.push(p),
            Err(e) => errors.push(e),
        },
    );
    if !errors.is_empty() {
        // Nothing is written, or shown, from a partial run.
        return Err(Failure(errors.join("\nlinkscope: ")));
    }
    let mut out = Out::new();
    let mut changed: BTreeMap<&str, usize> = BTreeMap::new();
    let mut left: BTreeMap<&str, usize> = BTreeMap::new();
    let mut skipped_files = 0;
    for plan in &plans {
        for l in &plan.left {
            diag(&format!(
                "{}: {}: left as is: {}",
                l.at,
                l.verdict.as_str(),
                l.why
            ));
            *left.entry(l.verdict.as_str()).or_default() += 1;
        }
        if plan.edits.is_empty() {
            continue;
        }
        let new = apply(&plan.original, &plan.edits);
        if options.write {
            if let Err(e) = write_atomic(&plan.path, &plan.original, &new, options) {
                diag(&format!("{}: not fixed: {e}", plan.name));
                skipped_files += 1;
                continue;
            }
        } else {
            out.write(&unified(&plan.name, &plan.original, &new))?;
        }
        for edit in &plan.edits {
            *changed.entry(edit.verdict.as_str()).or_default() += 1;
        }
    }
    out.flush()?;
    let counts = |m: &BTreeMap<&str, usize>| {
        let parts: Vec<String> = m.iter().map(|(v, n)| format!("{n} {v}")).collect();
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        }
    };
    let verb = if options.write {
        "fixed"
    } else {
        "to fix (dry run; --write applies)"
    };
    let summary = format!(
        "{verb}: {}; left as is: {}",
        counts(&changed),
        counts(&left)
    );
    let _ = writeln!(std::io::stderr(), "{summary}");
    let pending = !options.write && !changed.is_empty();
    Ok(if pending || !left.is_empty() || skipped_files > 0 {
        Exit::Findings
    } else {
        Exit::Success
    })
}

/// Reads every source for its short links and expands each distinct one (`--expand`).
fn expand_short_links(
    sources: &[Source],
    profile: &Profile,
    options: &FixOptions,
) -> Result<Expansions, Failure> {
    let mut plan = HealthPlan::default();
    let mut errors = Vec::new();
    each_source(
        sources,
        |s| {
            let scanned = scan(s, profile, &options.scan)?;
            Ok(scanned
                .findings
                .into_iter()
                .filter(|f| f.verdict == Verdict::Short)
                .map(|f| f.link)
                .collect::<Vec<Link>>())
        },
        |r: Result<Vec<Link>, String>| match r {
            Ok(links) => links.iter().for_each(|l| {
                plan.add_link(l);
            }),
            Err(e) => errors.push(e),
        },
    );
    if !errors.is_empty() {
        return Err(Failure(errors.join("\nlinkscope: ")));
    }
    let expansions = Live::new(&options.live)?.expand_all(&plan.expansions);
    Ok(plan
        .expansions
        .iter()
        .map(|r| r.url.clone())
        .zip(expansions)
        .collect())
}

/// What a short link's expansion makes of it: its target product, or why it is left.
fn short_target(
    link: &Link,
    profile: &Profile,
    options: &FixOptions,
    expansions: &Expansions,
) -> Result<Link, String> {
    let expansion = expansion_url(link).and_then(|u| expansions.get(&u));
    let Some(expansion) = expansion else {
        return Err(
            "a short link: its target is unknown without following it (--expand follows it)".into(),
        );
    };
    let target = match (&expansion.outcome, expansion.target()) {
        (_, Some(target)) if target.kind == Kind::Product => target,
        (Expanded::Target { url }, _) => {
            return Err(format!(
                "a short link to a store page that is not a product ({url})"
            ))
        }
        (Expanded::NotAmazon { url }, _) => {
            return Err(format!("a short link that leaves Amazon ({url})"))
        }
        _ => {
            let why = match expansion.health() {
                Some(Health::Error { message, .. }) => message,
                Some(health) => health.as_str().to_owned(),
                None => "no answer".to_owned(),
            };
            return Err(format!("a short link that could not be expanded ({why})"));
        }
    };
    if verdict_after_expansion(profile, link, expansion) == Some(Verdict::Foreign)
        && !options.replace_foreign
    {
        return Err("a short link to someone else's tag (--replace-foreign replaces it)".into());
    }
    Ok(target)
}

fn plan(
    source: &Source,
    profile: &Profile,
    options: &FixOptions,
    expansions: &Expansions,
) -> Result<Plan, String> {
    let Source::File(path, _) = source else {
        return Err("standard input cannot be fixed".into());
    };
    let scanned = scan(source, profile, &options.scan)?;
    // A file in another encoding than UTF-8 is decoded again to check each link's bytes.
    let written = (!scanned.same_bytes)
        .then(|| decode(&scanned.bytes, source.format()).ok())
        .flatten()
        .map(|d| d.text.into_owned());
    let mut plan = Plan {
        path: path.clone(),
        name: scanned.name.clone(),
        original: Vec::new(),
        edits: Vec::new(),
        left: Vec::new(),
    };
    for finding in &scanned.findings {
        let link = &scanned.doc.links[finding.index];
        let at = format!("{}:{}:{}", scanned.name, link.line, link.column);
        let mut leave = |why: String| {
            plan.left.push(Left {
                at: at.clone(),
                verdict: finding.verdict,
                why,
            })
        };
        let mut target = None;
        let wanted = match finding.verdict {
            Verdict::Mine => options.clean,
            Verdict::Untagged | Verdict::WrongMarketplace => true,
            Verdict::Foreign if options.replace_foreign => true,
            Verdict::Foreign => {
                leave("someone else's tag (--replace-foreign replaces it)".into());
                false
            }
            Verdict::Short => match short_target(&finding.link, profile, options, expansions) {
                Ok(t) => {
                    target = Some(t);
                    true
                }
                Err(why) => {
                    leave(why);
                    false
                }
            },
            Verdict::Malformed => {
                leave("malformed: an invalid ASIN or tag, or two tags; fix it by hand".into());
                false
            }
        };
        if !wanted {
            continue;
        }
        let source_link = target.as_ref().unwrap_or(&finding.link);
        let (Some(marketplace), Some(clean)) = (source_link.marketplace, &source_link.clean) else {
            leave("no store or canonical form to rewrite it to".into());
            continue;
        };
        let new = match affiliate_link(profile, clean, Some(marketplace)) {
            Ok(g) if g.redirected || g.marketplace != marketplace.domain => {
                leave(format!(
                    "no tracking ID of your own for {} (OneLink covers it through links to your home store)",
                    marketplace.domain
                ));
                continue;
            }
            Ok(g) => g.url,
            Err(e) => {
                leave(e.to_string());
                continue;
            }
        };
        if new == link.url {
            continue;
        }
        let (start, end) = scanned.offsets[finding.index];
        let raw = match as_written(&scanned, written.as_deref(), link.span.clone(), start..end) {
            Ok(raw) => raw,
            Err(why) => {
                leave(why);
                continue;
            }
        };
        if !new.is_ascii() && !scanned.same_bytes {
            leave(format!(
                "the file is {}: a link that is not ASCII is not written into it",
                scanned.encoding
            ));
            continue;
        }
        let Some(text) = written_like(raw, &link.url, &new) else {
            leave("the new link cannot be written safely in this place".into());
            continue;
        };
        plan.edits.push(Edit {
            start,
            end,
            text,
            verdict: finding.verdict,
        });
    }
    plan.edits.sort_by_key(|e| e.start);
    plan.edits.dedup_by(|b, a| b.start < a.end);
    if !plan.edits.is_empty() {
        plan.original = scanned.bytes;
    }
    Ok(plan)
}

/// The URL as written in the file (`&amp;` and all), from bytes `range` of the file. In a UTF-8
/// file those bytes are the text; in another encoding they must be ASCII and the same as the
/// text at the link's `span` (`written`: the file decoded), so that ASCII bytes can replace
/// them and every other byte stays as it is. Encodings that are not ASCII-compatible (UTF-16,
/// ISO-2022-JP) are refused.
fn as_written<'a>(
    scanned: &'a Scanned,
    written: Option<&str>,
    span: Range<usize>,
    range: Range<usize>,
) -> Result<&'a str, String> {
    let not_exact = || "its position in the file is not exact; not rewritten".to_owned();
    let raw = scanned
        .bytes
        .get(range)
        .and_then(|b| std::str::from_utf8(b).ok())
        .ok_or_else(not_exact)?;
    if scanned.same_bytes {
        return Ok(raw);
    }
    let ascii_compatible = Encoding::for_label(scanned.encoding.as_bytes())
        .is_some_and(|e| e.is_ascii_compatible() && e.output_encoding() == e);
    if !ascii_compatible {
        return Err(format!(
            "the file is {}: only UTF-8 and ASCII-compatible encodings are rewritten",
            scanned.encoding
        ));
    }
    match written.and_then(|t| t.get(span)) {
        Some(text) if text == raw && raw.is_ascii() => Ok(raw),
        _ => Err(format!(
            "the file is {} and the link is not ASCII as written there; not rewritten",
            scanned.encoding
        )),
    }
}

/// `new` written the way `raw` (which reads as `read`) was written: with `&` as `&amp;` (or
/// `&amp;amp;` in escaped HTML) where the original escaped it. `None` when `new` holds
/// characters that could end the URL where it stands (quotes, brackets, spaces).
fn written_like(raw: &str, read: &str, new: &str) -> Option<String> {
    if raw.contains('\n')
        || new
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'<>()`".contains(c))
    {
        return None;
    }
    let escaped = if raw == read {
        new.to_owned()
    } else if raw.contains("&amp;amp;") {
        new.replace('&', "&amp;amp;")
    } else if raw.contains("&amp;") || raw.contains("&#38;") || raw.contains("&#x26;") {
        new.replace('&', "&amp;")
    } else {
        new.to_owned()
    };
    Some(escaped)
}

fn apply(original: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(original.len() + 64 * edits.len());
    let mut at = 0;
    for e in edits {
        out.extend_from_slice(&original[at..e.start]);
        out.extend_from_slice(e.text.as_bytes());
        at = e.end;
    }
    out.extend_from_slice(&original[at..]);
    out
}

/// Replaces `path`'s content with `new` through a temporary file in the same folder and a
/// rename, keeping its permissions; refuses when the file changed since it was read.
fn write_atomic(
    path: &Path,
    original: &[u8],
    new: &[u8],
    options: &FixOptions,
) -> Result<(), String> {
    let target = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    let dir = target.parent().ok_or("no parent folder")?;
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file");
    let tmp = dir.join(format!(".{name}.linkscope-{}.tmp", std::process::id()));
    let result = (|| {
        let permissions = std::fs::metadata(&target)
            .map_err(|e| e.to_string())?
            .permissions();
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
        file.write_all(new)
            .and_then(|_| file.sync_all())
            .map_err(|e| e.to_string())?;
        std::fs::set_permissions(&tmp, permissions).map_err(|e| e.to_string())?;
        let now = read_file(&target, options.scan.max_file_size, "")?;
        if now != original {
            return Err("the file changed since it was read; skipped (run fix again)".to_owned());
        }
        std::fs::rename(&tmp, &target).map_err(|e| e.to_string())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_since_it_was_read_is_left_alone() {
        let dir = std::env::temp_dir().join(format!("linkscope-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("post.md");
        std::fs::write(&file, "edited meanwhile").unwrap();
        let options = FixOptions {
            paths: vec![],
            profile: PathBuf::new(),
            write: true,
            clean: true,
            replace_foreign: false,
            walk: WalkOptions::default(),
            scan: ScanOptions {
                base_url: None,
                max_file_size: 1 << 20,
            },
            live: LiveArgs::default(),
        };
        let e = write_atomic(&file, b"as read", b"fixed", &options).unwrap_err();
        assert!(e.contains("changed since it was read"), "{e}");
        assert_eq!(std::fs::read(&file).unwrap(), b"edited meanwhile");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left"
        );
        write_atomic(&file, b"edited meanwhile", b"fixed", &options).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"fixed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn written_in_the_original_form() {
        let new = "https://www.amazon.com/dp/B08N5WRWNW?tag=a-20&th=1";
        assert_eq!(
            written_like("https://x?a=1", "https://x?a=1", new).unwrap(),
            new
        );
        assert_eq!(
            written_like("https://x?a=1&amp;b=2", "https://x?a=1&b=2", new).unwrap(),
            "https://www.amazon.com/dp/B08N5WRWNW?tag=a-20&amp;th=1"
        );
        assert_eq!(
            written_like("x&amp;amp;y", "x&y", new).unwrap(),
            "https://www.amazon.com/dp/B08N5WRWNW?tag=a-20&amp;amp;th=1"
        );
        assert!(written_like("x", "x", "https://a.example/b)![x](y").is_none());
    }
}
