//! Reading one source and auditing its links: what `audit` reports and `fix` rewrites. Sources
//! are scanned on all cores, results kept in the sources' order.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use linkscope::extract::{decode_as, extract, Document, SourceFormat};
use linkscope::{Finding, Profile};

use crate::input::{read_file, read_stdin};
use crate::output::Row;
use crate::term::printable;
use crate::walk::Source;

pub struct ScanOptions {
    pub base_url: Option<String>,
    pub max_file_size: u64,
}

/// A source read, decoded and audited.
pub struct Scanned {
    pub name: String,
    /// The file's bytes, as read.
    pub bytes: Vec<u8>,
    /// The file's encoding, and whether byte ranges in the text are byte ranges in the file
    /// (after the byte order mark).
    pub encoding: &'static str,
    pub same_bytes: bool,
    /// The address relative links resolved against.
    pub base: Option<String>,
    pub doc: Document,
    /// One per Amazon link, with the index of its link in `doc.links`.
    pub findings: Vec<Finding>,
    /// Byte range in the file of each link of `doc.links`.
    pub offsets: Vec<(usize, usize)>,
}

pub fn scan(source: &Source, profile: &Profile, options: &ScanOptions) -> Result<Scanned, String> {
    let name = source.name();
    let hint = " (raise it with --max-file-size)";
    let bytes = match source {
        Source::File(path, _) => read_file(path, options.max_file_size, hint),
        Source::Stdin => read_stdin(options.max_file_size),
    }
    .map_err(|e| format!("cannot read {name}: {e}"))?;
    // Relative links resolve against `--base-url`, else the file itself (where they can never
    // be Amazon's).
    let page = match source {
        Source::File(path, _) => options.base_url.clone().or_else(|| file_url(path)),
        Source::Stdin => options.base_url.clone(),
    };
    let from = Origin {
        format: source.format(),
        charset: None,
        page: page.as_deref(),
    };
    scan_bytes(name, bytes, &from, profile)
}

/// How to read a source's bytes: its format, the charset its server sent, and the address
/// its relative links resolve against.
pub struct Origin<'a> {
    pub format: SourceFormat,
    pub charset: Option<&'a str>,
    pub page: Option<&'a str>,
}

/// A source's bytes (a file's, or a fetched page's) decoded, extracted and audited.
pub fn scan_bytes(
    name: String,
    bytes: Vec<u8>,
    from: &Origin,
    profile: &Profile,
) -> Result<Scanned, String> {
    let decoded = decode_as(&bytes, from.format, from.charset)
        .map_err(|e| format!("cannot decode {name}: {e}"))?;
    let text = &decoded.text;
    let doc = extract(from.format, text);
    let base = base_url(doc.base.as_deref(), from.page);
    let https_default = !base
        .as_deref()
        .is_some_and(|b| b.starts_with("http:") || b.starts_with("https:"));
    // Protocol-relative links (`//www.amazon.com/…`) in a file read from disk are https.
    let hrefs: Vec<String> = doc
        .links
        .iter()
        .map(|l| match l.url.trim_start().strip_prefix("//") {
            Some(rest) if https_default => format!("https://{rest}"),
            _ => l.url.clone(),
        })
        .collect();
    let audit = linkscope::audit(profile, base.as_deref(), hrefs.iter().map(String::as_str));
    // Byte ranges in the file, counted on from one link to the next.
    let mut offsets = Vec::with_capacity(doc.links.len());
    let (mut text_at, mut file_at) = (0, decoded.bom);
    for link in &doc.links {
        let start = link.span.start.max(text_at);
        file_at += decoded.encoded_len(text.get(text_at..start).unwrap_or(""));
        text_at = start;
        let len = decoded.encoded_len(text.get(link.span.clone()).unwrap_or(""));
        offsets.push((file_at, file_at + len));
    }
    let (encoding, same_bytes) = (decoded.encoding, decoded.same_bytes);
    drop(decoded);
    Ok(Scanned {
        name,
        bytes,
        encoding,
        same_bytes,
        base,
        doc,
        findings: audit.findings,
        offsets,
    })
}

impl Scanned {
    /// The report's rows: one per Amazon link, in source order.
    pub fn into_rows(self) -> Vec<Row> {
        let Scanned {
            name,
            doc,
            findings,
            offsets,
            ..
        } = self;
        findings
            .into_iter()
            .map(|finding| {
                let link = &doc.links[finding.index];
                let (start, end) = offsets[finding.index];
                Row {
                    file: name.clone(),
                    line: link.line,
                    column: link.column,
                    start,
                    end,
                    href: link.url.clone(),
                    item: link.item.and_then(|i| doc.items.get(i)).cloned(),
                    finding,
                    live: None,
                }
            })
            .collect()
    }
}

/// Relative links resolve against `<base href>` (itself relative to the page), then the page.
fn base_url(declared: Option<&str>, page: Option<&str>) -> Option<String> {
    match (declared, page) {
        (Some(b), Some(p)) => url::Url::parse(p)
            .and_then(|p| p.join(b))
            .map(String::from)
            .ok(),
        (Some(b), None) => Some(b.to_owned()),
        (None, p) => p.map(str::to_owned),
    }
}

fn file_url(path: &Path) -> Option<String> {
    std::path::absolute(path)
        .ok()
        .and_then(|p| url::Url::from_file_path(p).ok())
        .map(String::from)
}

/// `f` applied to every source on all cores, with a progress bar on a terminal; `consume`
/// gets the results in the sources' order as soon as each is ready. Workers stay at most a
/// few sources ahead of the one `consume` waits for, so a run holds only a few results
/// whatever the number of sources.
pub fn each_source<R: Send>(
    files: &[Source],
    f: impl Fn(&Source) -> R + Sync,
    mut consume: impl FnMut(R),
) {
    let progress = if std::io::stderr().is_terminal() && files.len() > 1 {
        ProgressBar::with_draw_target(Some(files.len() as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let window = workers * 4;
    // How many results have been consumed: a worker does not start source `i` before
    // `i < consumed + window`.
    let consumed = (Mutex::new(0usize), Condvar::new());
    let (send, receive) = mpsc::sync_channel::<(usize, R)>(window);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let send = send.clone();
            let (next, f, progress, consumed) = (&next, &f, &progress, &consumed);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(source) = files.get(i) else { break };
                let (count, moved) = consumed;
                let Ok(guard) = count.lock() else { break };
                let Ok(guard) = moved.wait_while(guard, |c| i >= *c + window) else {
                    break;
                };
                drop(guard);
                progress.set_message(printable(&source.name()).into_owned());
                if send.send((i, f(source))).is_err() {
                    break;
                }
                progress.inc(1);
            });
        }
        drop(send);
        let mut early = BTreeMap::new();
        let mut want = 0;
        for (i, result) in receive {
            early.insert(i, result);
            while let Some(result) = early.remove(&want) {
                consume(result);
                want += 1;
                if let Ok(mut count) = consumed.0.lock() {
                    *count = want;
                }
                consumed.1.notify_all();
            }
        }
    });
    progress.finish_and_clear();
}
