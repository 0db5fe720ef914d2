//! `linkscope audit`: the Amazon links of a site's sources, each with its verdict, where it
//! was written, and an exit status for CI.

use std::path::PathBuf;

use linkscope::health::{verdict_after_expansion, Check, Destination, Expansion, Health, Plan};
use linkscope::{Profile, Verdict};

use crate::exit::{Failure, Outcome};
use crate::input::load_profile;
use crate::live::{Live, LiveArgs};
use crate::output::{AuditFormat, Encoded, LiveCells, Row, Spool};
use crate::scan::{each_source_in_parts, scan_rows, ScanOptions};
use crate::term::diag;
use crate::walk::{sources, WalkOptions};

pub struct AuditOptions {
    pub paths: Vec<PathBuf>,
    pub profile: PathBuf,
    pub format: AuditFormat,
    pub fail_on: Vec<FailOn>,
    pub walk: WalkOptions,
    pub scan: ScanOptions,
    pub live: LiveArgs,
}

/// A `--fail-on` value: a verdict, or (with `--live`) a health state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Verdict(Verdict),
    Health(&'static str),
}

impl FailOn {
    /// The verdicts and the health states of `--fail-on`; health states only with `--live`.
    pub fn split(
        fail_on: &[FailOn],
        live: bool,
    ) -> Result<(Vec<Verdict>, Vec<&'static str>), Failure> {
        let (mut verdicts, mut health) = (Vec::new(), Vec::new());
        for f in fail_on {
            match f {
                FailOn::Verdict(v) => verdicts.push(*v),
                FailOn::Health(h) => health.push(*h),
            }
        }
        if !health.is_empty() && !live {
            return Err(Failure(format!(
                "--fail-on {}: health states need --live",
                health.join(",")
            )));
        }
        Ok((verdicts, health))
    }
}

/// What one source gave: a part of its rows, in source order.
type FileResult = Result<Part, String>;

/// Rows of a source: held for the live checks (`--live`), else encoded for the report.
enum Part {
    Rows(Vec<Row>),
    Encoded(std::io::Result<Encoded>),
}

pub fn run(options: &AuditOptions) -> Outcome {
    options.live.check_used()?;
    let (fail_verdicts, fail_health) = FailOn::split(&options.fail_on, options.live.live)?;
    let profile = load_profile(&options.profile)?;
    let live = options
        .live
        .live
        .then(|| Live::new(&options.live))
        .transpose()?;
    let walked = sources(&options.paths, &options.walk)?;
    for skipped in &walked.skipped {
        diag(&format!("warning: {skipped}"));
    }
    let files = walked.sources;
    let mut report = Spool::new(options.format, &fail_verdicts, live.is_some())?;
    let encoder = report.encoder();
    let mut errors = Vec::new();
    let mut write_error = None;
    // With --live, the rows wait for the checks (all links first: one plan, deduplicated).
    let mut held: Vec<Vec<Row>> = Vec::new();
    let mut new_file = true;
    let mut failed_health = false;
    each_source_in_parts(
        &files,
        |source, emit| {
            let mut part = |rows| match live {
                Some(_) => emit(Ok(Part::Rows(rows))),
                None => emit(Ok(Part::Encoded(encoder.encode(rows)))),
            };
            if let Err(e) = scan_rows(source, &profile, &options.scan, &mut part) {
                emit(Err(e));
            }
        },
        |part: Option<FileResult>| match part {
            Some(Ok(Part::Rows(rows))) => {
                match held.last_mut() {
                    Some(last) if !new_file => last.extend(rows),
                    _ => held.push(rows),
                }
                new_file = false;
            }
            Some(Ok(Part::Encoded(encoded))) if write_error.is_none() => {
                if let Err(e) = encoded.and_then(|part| report.part(part)) {
                    write_error = Some(e);
                }
            }
            Some(Ok(Part::Encoded(_))) => {}
            Some(Err(e)) => errors.push(e),
            None if live.is_some() => new_file = true,
            None => report.end_file(),
        },
    );
    if !errors.is_empty() {
        // Nothing is reported from a partial run.
        return Err(Failure(errors.join("\nlinkscope: ")));
    }
    if let Some(live) = &live {
        match report_checked(held, &profile, live, &fail_health, &mut report) {
            Ok(failed) => failed_health = failed,
            Err(e) => write_error = Some(e),
        }
    }
    if let Some(e) = write_error {
        return Err(Failure(format!("cannot write the report: {e}")));
    }
    report.finish(failed_health.then_some("--fail-on health"))
}

/// Checks the held rows live ([`check_live`]) and writes them to the report, a source at a time;
/// whether one of them is in a `--fail-on` health state.
pub fn report_checked(
    mut held: Vec<Vec<Row>>,
    profile: &Profile,
    live: &Live,
    fail_health: &[&str],
    report: &mut Spool,
) -> std::io::Result<bool> {
    check_live(&mut held, profile, live);
    let failed = held.iter().flatten().any(|r| {
        let state = r.live.as_ref().and_then(|l| l.health);
        state.is_some_and(|s| fail_health.contains(&s))
    });
    for rows in held {
        report.file(rows)?;
    }
    Ok(failed)
}

/// Expands the short links and checks the products of every row (one plan for the whole run:
/// a product linked from many pages is checked once), then fills in each row's live columns.
/// A short link that reached a product takes its target's verdict.
fn check_live(files: &mut [Vec<Row>], profile: &Profile, live: &Live) {
    let mut plan = Plan::default();
    for row in files.iter().flatten() {
        plan.add_link(&row.finding.link);
    }
    let results = live.run(&mut plan);
    let rows = files.iter_mut().flatten();
    for (row, requests) in rows.zip(&plan.links) {
        let expansion = requests.expansion.map(|i| &results.expansions[i]);
        let check = requests.check.map(|i| &results.checks[i]);
        if let Some(e) = expansion {
            if let Some(v) = verdict_after_expansion(profile, &row.finding.link, e) {
                row.finding.verdict = v;
            }
        }
        row.live = Some(live_cells(expansion, check));
    }
}

/// The live columns of one link from its expansion (short links) and its product check.
fn live_cells(expansion: Option<&Expansion>, check: Option<&Check>) -> LiveCells {
    let target = expansion.and_then(|e| match &e.outcome {
        linkscope::health::Outcome::Target { url }
        | linkscope::health::Outcome::NotAmazon { url } => Some(url.clone()),
        _ => None,
    });
    let (health, detail) = match (check, expansion.and_then(Expansion::health)) {
        (Some(check), _) => (Some(check.health.clone()), Some(check.why.clone())),
        (None, Some(health)) => {
            let detail = match &health {
                Health::Error { message, .. } => message.clone(),
                other => format!("short link: {}", other.as_str()),
            };
            (Some(health), Some(detail))
        }
        (None, None) => (None, None),
    };
    // Where a redirected product went.
    let redirected_to = match &health {
        Some(Health::Redirected { url, to })
            if *to != Destination::NotAmazon || target.is_none() =>
        {
            Some(url.clone())
        }
        _ => None,
    };
    LiveCells {
        health: health.as_ref().map(Health::as_str),
        health_detail: detail,
        target: target.or(redirected_to),
        title: check.and_then(|c| c.title.clone()),
    }
}
