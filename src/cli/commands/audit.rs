//! `linkscope audit`: the Amazon links of a site's sources, each with its verdict, where it
//! was written, and an exit status for CI.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use linkscope::extract::{decode, extract, SourceFormat};
use linkscope::{Profile, Verdict};

use crate::exit::{Exit, Failure, Outcome};
use crate::input::{load_profile, read_file, read_stdin};
use crate::output::{AuditFormat, Report, Row};
use crate::term::{diag, emit, printable};
use crate::walk::{sources, Source, WalkOptions};

pub struct AuditOptions {
    pub paths: Vec<PathBuf>,
    pub profile: PathBuf,
    pub format: AuditFormat,
    pub fail_on: Vec<Verdict>,
    pub base_url: Option<String>,
    pub walk: WalkOptions,
    pub max_file_size: u64,
}

/// What one source gave: its rows, in source order.
type FileResult = Result<Vec<Row>, String>;

pub fn run(options: &AuditOptions) -> Outcome {
    let profile = load_profile(&options.profile)?;
    let walked = sources(&options.paths, &options.walk)?;
    for skipped in &walked.skipped {
        diag(&format!("warning: {skipped}"));
    }
    let files = walked.sources;
    if files.is_empty() {
        let extensions: Vec<String> = SourceFormat::ALL
            .iter()
            .flat_map(|f| f.extensions())
            .map(|e| format!(".{e}"))
            .collect();
        return Err(Failure(format!(
            "no source file to audit under {} (looked for {})",
            options
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            extensions.join(" ")
        )));
    }
    let results = audit_all(&files, &profile, options);
    let mut report = Report {
        files: files.len(),
        ..Report::default()
    };
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(rows) => {
                for row in rows {
                    report.summary.add(row.finding.verdict);
                    report.findings.push(row);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        // Nothing is reported from a partial run.
        return Err(Failure(errors.join("\nlinkscope: ")));
    }
    emit(&report.render(options.format, &options.fail_on)?)?;
    let failed: Vec<&str> = options
        .fail_on
        .iter()
        .filter(|v| report.summary.count(**v) > 0)
        .map(|v| v.as_str())
        .collect();
    if failed.is_empty() {
        Ok(Exit::Success)
    } else {
        diag(&format!("found {} links", failed.join(", ")));
        Ok(Exit::Findings)
    }
}

/// Audits every source on all cores; the results come back in the sources' order.
fn audit_all(files: &[Source], profile: &Profile, options: &AuditOptions) -> Vec<FileResult> {
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
    let results: Mutex<Vec<Option<FileResult>>> = Mutex::new(files.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(source) = files.get(i) else { break };
                progress.set_message(printable(&source.name()).into_owned());
                let result = audit_source(source, profile, options);
                if let Ok(mut all) = results.lock() {
                    all[i] = Some(result);
                }
                progress.inc(1);
            });
        }
    });
    progress.finish_and_clear();
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("internal error: a source was not audited".into())))
        .collect()
}

fn audit_source(source: &Source, profile: &Profile, options: &AuditOptions) -> FileResult {
    let name = source.name();
    let hint = " (raise it with --max-file-size)";
    let bytes = match source {
        Source::File(path, _) => read_file(path, options.max_file_size, hint),
        Source::Stdin => read_stdin(options.max_file_size),
    }
    .map_err(|e| format!("cannot read {name}: {e}"))?;
    let format = source.format();
    let decoded = decode(&bytes, format).map_err(|e| format!("cannot decode {name}: {e}"))?;
    let text = &decoded.text;
    let doc = extract(format, text);
    let base = base_url(source, doc.base.as_deref(), options.base_url.as_deref());
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
    Ok(audit
        .findings
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
            }
        })
        .collect())
}

/// Relative links resolve against `<base href>`, then `--base-url`, then the file itself
/// (where they can never be Amazon's).
fn base_url(source: &Source, declared: Option<&str>, given: Option<&str>) -> Option<String> {
    let file_url = match source {
        Source::File(path, _) => file_url(path),
        Source::Stdin => None,
    };
    let page = given.map(str::to_owned).or(file_url);
    match (declared, &page) {
        (Some(b), Some(p)) => url::Url::parse(p)
            .and_then(|p| p.join(b))
            .map(String::from)
            .ok(),
        (Some(b), None) => Some(b.to_owned()),
        (None, p) => p.clone(),
    }
}

fn file_url(path: &Path) -> Option<String> {
    std::path::absolute(path)
        .ok()
        .and_then(|p| url::Url::from_file_path(p).ok())
        .map(String::from)
}
