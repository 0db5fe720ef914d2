//! `linkscope audit`: the Amazon links of a site's sources, each with its verdict, where it
//! was written, and an exit status for CI.

use std::path::PathBuf;

use linkscope::{Profile, Verdict};

use crate::exit::{Exit, Failure, Outcome};
use crate::input::load_profile;
use crate::output::{AuditFormat, Report, Row};
use crate::scan::{each_source, scan, ScanOptions};
use crate::term::{diag, emit};
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
    let results = each_source(&files, |source| rows(source, &profile, &options.scan));
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
