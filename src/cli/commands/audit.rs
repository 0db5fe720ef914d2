//! `linkscope audit`: the Amazon links of a site's sources, each with its verdict, where it
//! was written, and an exit status for CI.

use std::io::{self, Seek};
use std::path::PathBuf;

use linkscope::{Profile, Verdict};

use crate::exit::{Exit, Failure, Outcome};
use crate::input::load_profile;
use crate::output::{AuditFormat, ReportWriter, Row};
use crate::scan::{each_source, scan, ScanOptions};
use crate::term::{diag, Out};
use crate::walk::{sources, Source, WalkOptions};

pub struct AuditOptions {
    pub paths: Vec<PathBuf>,
    pub profile: PathBuf,
    pub format: AuditFormat,
    pub fail_on: Vec<Verdict>,
    pub walk: WalkOptions,
    pub scan: ScanOptions,
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
    // The report is written as the findings arrive, to a temporary file that is copied to
    // stdout once every source has been read: memory stays bounded, and a run that fails
    // part-way prints no partial report.
    let spool = tempfile::tempfile()
        .map_err(|e| Failure(format!("cannot create a temporary file: {e}")))?;
    let mut writer = ReportWriter::new(
        options.format,
        &options.fail_on,
        io::BufWriter::with_capacity(1 << 16, spool),
    )?;
    let mut errors = Vec::new();
    let mut write_error = None;
    each_source(
        &files,
        |source| rows(source, &profile, &options.scan),
        |result| match result {
            Ok(rows) if write_error.is_none() => {
                if let Err(e) = writer.file(rows) {
                    write_error = Some(e);
                }
            }
            Ok(_) => {}
            Err(e) => errors.push(e),
        },
    );
    if !errors.is_empty() {
        // Nothing is reported from a partial run.
        return Err(Failure(errors.join("\nlinkscope: ")));
    }
    if let Some(e) = write_error {
        return Err(Failure(format!("cannot write the report: {e}")));
    }
    let (spool, summary) = writer.finish()?;
    let mut spool = spool.into_inner().map_err(|e| e.into_error())?;
    spool.seek(io::SeekFrom::Start(0))?;
    let mut out = Out::new();
    out.copy_from(&mut spool)?;
    out.flush()?;
    let failed: Vec<&str> = options
        .fail_on
        .iter()
        .filter(|v| summary.count(**v) > 0)
        .map(|v| v.as_str())
        .collect();
    if failed.is_empty() {
        Ok(Exit::Success)
    } else {
        diag(&format!("found {} links", failed.join(", ")));
        Ok(Exit::Findings)
    }
}

/// The rows of one source, in source order.
fn rows(source: &Source, profile: &Profile, options: &ScanOptions) -> FileResult {
    let scanned = scan(source, profile, options)?;
    let doc = &scanned.doc;
    Ok(scanned
        .findings
        .into_iter()
        .map(|finding| {
            let link = &doc.links[finding.index];
            let (start, end) = scanned.offsets[finding.index];
            Row {
                file: scanned.name.clone(),
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
