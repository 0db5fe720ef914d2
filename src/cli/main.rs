//! `linkscope`: classify Amazon links, generate tagged links and audit a site's HTML.

mod html;
mod report;

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use linkscope::{coverage, format_links, generate, Classifier, Format, Link, Profile, Verdict};

use report::{AuditReport, Row};

#[derive(Parser)]
#[command(
    name = "linkscope",
    version,
    about = "Amazon Associates link auditor and generator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify URLs (arguments, or one per line on stdin) and print JSON Lines.
    Parse {
        /// URLs to classify; read from stdin when none are given.
        urls: Vec<String>,
    },
    /// Print the tagged link for every marketplace for one product.
    Links {
        /// An ASIN or an Amazon product URL.
        input: String,
        #[arg(long)]
        profile: PathBuf,
        #[arg(long, value_enum, default_value_t = LinksFormat::Url)]
        format: LinksFormat,
    },
    /// Show in which marketplaces the profile earns.
    Coverage {
        #[arg(long)]
        profile: PathBuf,
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// Audit the Amazon links of HTML files (directories are searched for .html and .htm).
    Audit {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        profile: PathBuf,
        #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
        format: AuditFormat,
        /// Exit with status 1 when any of these verdicts occurs (comma-separated: mine,
        /// wrongMarketplace, foreign, untagged, short, malformed).
        #[arg(long, value_delimiter = ',', value_parser = parse_verdict)]
        fail_on: Vec<Verdict>,
        /// Address the pages are published at, to resolve relative links (a page's own
        /// `<base href>` wins).
        #[arg(long)]
        base_url: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum LinksFormat {
    Url,
    Markdown,
    Html,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TableFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AuditFormat {
    Table,
    Json,
    Csv,
}

fn parse_verdict(s: &str) -> Result<Verdict, String> {
    Verdict::parse(s).ok_or_else(|| {
        let names: Vec<_> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
        format!("unknown verdict '{s}' (one of: {})", names.join(", "))
    })
}

/// An error for the user, printed as `linkscope: <message>`.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse { urls } => parse(&urls),
        Command::Links {
            input,
            profile,
            format,
        } => links(&input, &profile, format),
        Command::Coverage { profile, format } => show_coverage(&profile, format),
        Command::Audit {
            paths,
            profile,
            format,
            fail_on,
            base_url,
        } => run_audit(&paths, &profile, format, &fail_on, base_url.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("linkscope: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes `text` to stdout in one go; a closed pipe is not an error.
fn emit(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn load_profile(path: &Path) -> Result<Profile, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure(format!("cannot read profile {}: {e}", path.display())))?;
    let profile =
        Profile::from_json(&text).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    for warning in profile.warnings() {
        eprintln!("linkscope: warning: {}: {warning}", path.display());
    }
    Ok(profile)
}

#[derive(Serialize)]
struct Parsed<'a> {
    input: &'a str,
    #[serde(flatten)]
    link: Link,
}

fn parse(urls: &[String]) -> Result<ExitCode, Failure> {
    let classifier = Classifier::new(None);
    let line = |input: &str| -> Result<String, Failure> {
        let link = classifier.classify(input);
        Ok(serde_json::to_string(&Parsed { input, link })? + "\n")
    };
    if !urls.is_empty() {
        let out: Result<String, Failure> = urls.iter().map(|u| line(u)).collect();
        emit(&out?)?;
        return Ok(ExitCode::SUCCESS);
    }
    // Streams, so that a long list is not held in memory; bytes that are not UTF-8 become
    // U+FFFD rather than stopping the run.
    let mut out = io::BufWriter::new(io::stdout().lock());
    for input in io::stdin().lock().split(b'\n') {
        let bytes = input?;
        let input = String::from_utf8_lossy(&bytes);
        let input = input.strip_suffix('\r').unwrap_or(&input);
        if input.trim().is_empty() {
            continue;
        }
        match out.write_all(line(input)?.as_bytes()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
            other => other?,
        }
    }
    match out.flush() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn links(input: &str, profile: &Path, format: LinksFormat) -> Result<ExitCode, Failure> {
    let profile = load_profile(profile)?;
    let links = generate(&profile, input)?;
    let format = match format {
        LinksFormat::Url => {
            let rows: Vec<Vec<String>> = links
                .iter()
                .map(|l| {
                    let note = if l.redirected {
                        "onelink (redirected)"
                    } else {
                        l.coverage.as_str()
                    };
                    vec![l.marketplace.to_owned(), note.to_owned(), l.url.clone()]
                })
                .collect();
            emit(&report::table(&["MARKETPLACE", "COVERAGE", "LINK"], &rows))?;
            return Ok(ExitCode::SUCCESS);
        }
        LinksFormat::Markdown => Format::Markdown,
        LinksFormat::Html => Format::Html,
        LinksFormat::Json => Format::Json,
    };
    emit(&(format_links(&links, format) + "\n"))?;
    Ok(ExitCode::SUCCESS)
}

fn show_coverage(profile: &Path, format: TableFormat) -> Result<ExitCode, Failure> {
    let profile = load_profile(profile)?;
    let rows = coverage(&profile);
    if format == TableFormat::Json {
        emit(&(serde_json::to_string_pretty(&rows)? + "\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let marketplace = if r.home {
                format!("{} (home)", r.marketplace)
            } else {
                r.marketplace.to_owned()
            };
            vec![
                r.country.to_owned(),
                marketplace,
                r.coverage.as_str().to_owned(),
                r.tracking_id.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let mut text = report::table(
        &["COUNTRY", "MARKETPLACE", "COVERAGE", "TRACKING ID"],
        &cells,
    );
    let count = |c| rows.iter().filter(|r| r.coverage == c).count();
    text.push_str(&format!(
        "\n{} direct, {} through OneLink, {} not covered\n",
        count(linkscope::Coverage::Direct),
        count(linkscope::Coverage::Onelink),
        count(linkscope::Coverage::None)
    ));
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The HTML files under `paths`, sorted; files named explicitly are taken whatever their name.
fn html_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Failure> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Failure(format!("cannot read directory {}: {e}", dir.display())))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
            {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn run_audit(
    paths: &[PathBuf],
    profile: &Path,
    format: AuditFormat,
    fail_on: &[Verdict],
    base_url: Option<&str>,
) -> Result<ExitCode, Failure> {
    let profile = load_profile(profile)?;
    let files = html_files(paths)?;
    let progress = if io::stderr().is_terminal() && files.len() > 1 {
        ProgressBar::with_draw_target(Some(files.len() as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut report = AuditReport::default();
    let mut errors = Vec::new();
    for file in &files {
        progress.set_message(file.display().to_string());
        match std::fs::read(file) {
            Ok(bytes) => audit_file(
                file,
                &String::from_utf8_lossy(&bytes),
                &profile,
                base_url,
                &mut report,
            ),
            Err(e) => errors.push(format!("cannot read {}: {e}", file.display())),
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    if !errors.is_empty() {
        // Nothing is reported from a partial run.
        return Err(Failure(errors.join("\nlinkscope: ")));
    }
    let text = match format {
        AuditFormat::Table => report.table(),
        AuditFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        AuditFormat::Csv => report.csv(),
    };
    emit(&text)?;
    let failed: Vec<&str> = fail_on
        .iter()
        .filter(|v| report.summary.count(**v) > 0)
        .map(|v| v.as_str())
        .collect();
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("linkscope: found {} links", failed.join(", "));
        Ok(ExitCode::from(1))
    }
}

fn audit_file(
    file: &Path,
    text: &str,
    profile: &Profile,
    base_url: Option<&str>,
    report: &mut AuditReport,
) {
    let doc = html::extract(text);
    // Relative links resolve against <base href>, then --base-url, then the file itself (where
    // they can never be Amazon's).
    let file_url = std::path::absolute(file)
        .ok()
        .and_then(|p| url::Url::from_file_path(p).ok())
        .map(String::from);
    let page = base_url.map(str::to_owned).or(file_url);
    let base = match (&doc.base, &page) {
        (Some(b), Some(p)) => url::Url::parse(p)
            .and_then(|p| p.join(b))
            .map(String::from)
            .ok(),
        (Some(b), None) => Some(b.clone()),
        (None, p) => p.clone(),
    };
    let audit = linkscope::audit(
        profile,
        base.as_deref(),
        doc.links.iter().map(|l| l.href.as_str()),
    );
    report.files += 1;
    for finding in audit.findings {
        report.summary.add(finding.verdict);
        let found = &doc.links[finding.index];
        report.findings.push(Row {
            file: file.display().to_string(),
            line: found.line,
            href: found.href.clone(),
            finding,
        });
    }
}
