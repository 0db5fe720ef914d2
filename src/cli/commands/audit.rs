//! `linkscope audit`: the Amazon links of a site's sources, each with its verdict, where it
//! was written, and an exit status for CI.

use std::path::PathBuf;

use linkscope::{Profile, Verdict};

use crate::exit::{Failure, Outcome};
use crate::input::load_profile;
use crate::output::{AuditFormat, Row, Spool};
use crate::scan::{each_source, scan, ScanOptions, Scanned};
use crate::term::diag;
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
    let mut report = Spool::new(options.format, &options.fail_on)?;
    let mut errors = Vec::new();
    let mut write_error = None;
    each_source(
        &files,
        |source| rows(source, &profile, &options.scan),
        |result| match result {
            Ok(rows) if write_error.is_none() => {
                if let Err(e) = report.file(rows) {
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
    report.finish()
}

/// The rows of one source, in source order.
fn rows(source: &Source, profile: &Profile, options: &ScanOptions) -> FileResult {
    scan(source, profile, options).map(Scanned::into_rows)
}
