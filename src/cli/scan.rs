//! Reading one source and auditing its links: what `audit` reports and `fix` rewrites. Sources
//! are scanned on all cores, results kept in the sources' order.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use linkscope::extract::{decode_as, extract, Decoded, Document, Item, SourceFormat, SourceLink};
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
    let (name, bytes, page) = read(source, options)?;
    let from = Origin {
        format: source.format(),
        charset: None,
        page: page.as_deref(),
    };
    scan_bytes(name, bytes, &from, profile)
}

/// A source's name, bytes, and the address its relative links resolve against:
/// `--base-url`, else the file itself (where they can never be Amazon's).
fn read(
    source: &Source,
    options: &ScanOptions,
) -> Result<(String, Vec<u8>, Option<String>), String> {
    let name = source.name();
    let hint = " (raise it with --max-file-size)";
    let bytes = match source {
        Source::File(path, _) => read_file(path, options.max_file_size, hint),
        Source::Stdin => read_stdin(options.max_file_size),
    }
    .map_err(|e| format!("cannot read {name}: {e}"))?;
    let page = match source {
        Source::File(path, _) => options.base_url.clone().or_else(|| file_url(path)),
        Source::Stdin => options.base_url.clone(),
    };
    Ok((name, bytes, page))
}

/// How many links are audited at a time by [`scan_rows`].
const PART: usize = 4096;

/// [`scan`] for a report: the rows of the source's Amazon links in source order, handed to
/// `emit` a part at a time (at least one part, maybe empty), so that the findings of a large
/// page are never all held at once.
pub fn scan_rows(
    source: &Source,
    profile: &Profile,
    options: &ScanOptions,
    emit: &mut dyn FnMut(Vec<Row>),
) -> Result<(), String> {
    let (name, bytes, page) = read(source, options)?;
    let format = source.format();
    let decoded =
        decode_as(&bytes, format, None).map_err(|e| format!("cannot decode {name}: {e}"))?;
    let mut doc = extract(format, &decoded.text);
    let base = base_url(doc.base.as_deref(), page.as_deref());
    let mut offsets = Offsets::new(&decoded);
    if doc.links.is_empty() {
        emit(Vec::new());
    }
    for links in doc.links.chunks_mut(PART) {
        let hrefs = hrefs(links, base.as_deref());
        let audit = linkscope::audit(profile, base.as_deref(), hrefs.iter().map(|h| &**h));
        drop(hrefs);
        let spans: Vec<(usize, usize)> = links.iter().map(|l| offsets.next(&l.span)).collect();
        let rows = audit.findings.into_iter().map(|finding| {
            let i = finding.index;
            row(&name, &mut links[i], spans[i], &doc.items, finding)
        });
        emit(rows.collect());
    }
    Ok(())
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
    let doc = extract(from.format, &decoded.text);
    let base = base_url(doc.base.as_deref(), from.page);
    let audit = linkscope::audit(
        profile,
        base.as_deref(),
        hrefs(&doc.links, base.as_deref()).iter().map(|h| &**h),
    );
    let mut at = Offsets::new(&decoded);
    let offsets = doc.links.iter().map(|l| at.next(&l.span)).collect();
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
            mut doc,
            findings,
            offsets,
            ..
        } = self;
        findings
            .into_iter()
            .map(|f| {
                let (i, items) = (f.index, &doc.items);
                row(&name, &mut doc.links[i], offsets[i], items, f)
            })
            .collect()
    }
}

/// The report's row of a finding (its link's URL moves into it).
fn row(
    name: &str,
    link: &mut SourceLink,
    (start, end): (usize, usize),
    items: &[Item],
    finding: Finding,
) -> Row {
    Row {
        file: name.to_owned(),
        line: link.line,
        column: link.column,
        start,
        end,
        href: std::mem::take(&mut link.url),
        item: link.item.and_then(|i| items.get(i)).cloned(),
        finding,
        live: None,
    }
}

/// The links as they are classified: protocol-relative links (`//www.amazon.com/…`) in a
/// file read from disk are https.
fn hrefs<'a>(links: &'a [SourceLink], base: Option<&str>) -> Vec<Cow<'a, str>> {
    let https_default = !base.is_some_and(|b| b.starts_with("http:") || b.starts_with("https:"));
    links
        .iter()
        .map(|l| match l.url.trim_start().strip_prefix("//") {
            Some(rest) if https_default => Cow::Owned(format!("https://{rest}")),
            _ => Cow::Borrowed(l.url.as_str()),
        })
        .collect()
}

/// Byte ranges in the file of the links' byte ranges in the text, counted on from one link to
/// the next.
struct Offsets<'d, 'a> {
    decoded: &'d Decoded<'a>,
    text_at: usize,
    file_at: usize,
}

impl<'d, 'a> Offsets<'d, 'a> {
    fn new(decoded: &'d Decoded<'a>) -> Self {
        Offsets {
            decoded,
            text_at: 0,
            file_at: decoded.bom,
        }
    }

    fn next(&mut self, span: &std::ops::Range<usize>) -> (usize, usize) {
        let (d, text) = (self.decoded, &self.decoded.text);
        let start = span.start.max(self.text_at);
        self.file_at += d.encoded_len(text.get(self.text_at..start).unwrap_or(""));
        self.text_at = start;
        let len = d.encoded_len(text.get(span.clone()).unwrap_or(""));
        (self.file_at, self.file_at + len)
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
    each_source_in_parts(
        files,
        |source, emit| emit(f(source)),
        |part| {
            if let Some(result) = part {
                consume(result);
            }
        },
    );
}

/// [`each_source`] where `f` hands on each source's results in parts, through `emit`:
/// `consume` gets them in the sources' order, then `None` at the end of each source. The
/// parts of the source `consume` waits for reach it as they are made, so a large source
/// need not be held whole.
pub fn each_source_in_parts<R: Send>(
    files: &[Source],
    f: impl Fn(&Source, &mut dyn FnMut(R)) + Sync,
    mut consume: impl FnMut(Option<R>),
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
    let window = workers * BATCH * 2;
    // How many sources have been consumed: a worker does not start source `i` before
    // `i < consumed + window`.
    let consumed = (Mutex::new(0usize), Condvar::new());
    let (send, receive) = mpsc::sync_channel::<Vec<Message<R>>>(workers * 2);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (next, f, progress, consumed) = (&next, &f, &progress, &consumed);
            let mut batch = Batch {
                messages: Vec::new(),
                send: send.clone(),
                open: true,
            };
            scope.spawn(move || {
                while batch.open {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(source) = files.get(i) else { break };
                    if !batch.wait_for_turn(i, consumed, window) {
                        break;
                    }
                    if !progress.is_hidden() {
                        progress.set_message(printable(&source.name()).into_owned());
                    }
                    let mut last = None;
                    f(source, &mut |part| {
                        if let Some(before) = last.replace(part) {
                            // A source in several parts: they go on as they come.
                            batch.push((i, Some(before), false));
                            batch.flush();
                        }
                    });
                    batch.push((i, last, true));
                    progress.inc(1);
                }
                batch.flush();
            });
        }
        drop(send);
        // Parts of sources ahead of the one consumed.
        let mut early: BTreeMap<usize, Vec<(Option<R>, bool)>> = BTreeMap::new();
        let mut want = 0;
        for (i, part, last) in receive.into_iter().flatten() {
            if i != want {
                early.entry(i).or_default().push((part, last));
                continue;
            }
            let mut done = last;
            consume_part(&mut consume, part, last);
            while done {
                want += 1;
                if let Ok(mut count) = consumed.0.lock() {
                    *count = want;
                }
                consumed.1.notify_all();
                done = false;
                for (part, last) in early.remove(&want).unwrap_or_default() {
                    done = last;
                    consume_part(&mut consume, part, last);
                }
            }
        }
    });
    progress.finish_and_clear();
}

/// How many sources' results a worker sends at a time (each message may wake the consuming
/// thread), unless it would otherwise wait.
const BATCH: usize = 4;

/// A part of source `.0`, and whether it is the source's last.
type Message<R> = (usize, Option<R>, bool);

/// A worker's results not yet sent.
struct Batch<R> {
    messages: Vec<Message<R>>,
    send: mpsc::SyncSender<Vec<Message<R>>>,
    /// Whether the consuming thread still listens.
    open: bool,
}

impl<R> Batch<R> {
    fn push(&mut self, message: Message<R>) {
        self.messages.push(message);
        if self.messages.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.messages.is_empty() {
            let messages = std::mem::take(&mut self.messages);
            self.open = self.open && self.send.send(messages).is_ok();
        }
    }

    /// Waits until source `i` is within `window` of the sources consumed, sending what is held
    /// first if it has to wait (the source consumed next may be in it); false if the run is
    /// over.
    fn wait_for_turn(
        &mut self,
        i: usize,
        (count, moved): &(Mutex<usize>, Condvar),
        window: usize,
    ) -> bool {
        match count.lock() {
            Ok(c) if i >= *c + window => drop(c),
            Ok(_) => return true,
            Err(_) => return false,
        }
        // Not while holding the lock: the consuming thread takes it after each source.
        self.flush();
        let ahead = |c: &mut usize| i >= *c + window;
        count
            .lock()
            .and_then(|c| moved.wait_while(c, ahead))
            .is_ok()
            && self.open
    }
}

/// Hands `consume` a part of a source, then `None` after its last.
fn consume_part<R>(consume: &mut impl FnMut(Option<R>), part: Option<R>, last: bool) {
    if part.is_some() {
        consume(part);
    }
    if last {
        consume(None);
    }
}
