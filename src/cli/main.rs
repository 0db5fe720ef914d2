//! `linkscope`: classify Amazon links, generate tagged links and audit a site's sources.

mod commands;
mod config;
mod crawl;
mod diff;
mod exit;
mod input;
mod live;
mod net;
mod output;
mod scan;
mod term;
mod walk;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use linkscope::health::Health;
use linkscope::Verdict;

use commands::audit::{AuditOptions, FailOn};
use commands::coverage::TableFormat;
use commands::fix::FixOptions;
use commands::links::LinksFormat;
use exit::{Exit, Failure};
use live::LiveArgs;
use output::AuditFormat;
use scan::ScanOptions;
use walk::WalkOptions;

/// mimalloc rather than the system's malloc: an audit allocates a little for every link it finds.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// url: a table of every marketplace with its coverage; markdown and html: the links
        /// to paste, only where the profile earns (the others named on stderr); json: every
        /// marketplace with its coverage.
        #[arg(long, value_enum, default_value_t = LinksFormat::Url)]
        format: LinksFormat,
        #[command(flatten)]
        live: LiveArgs,
    },
    /// Show in which marketplaces the profile earns.
    Coverage {
        #[arg(long)]
        profile: PathBuf,
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// Audit the Amazon links of a site's sources: HTML and templates, Markdown, feeds,
    /// sitemaps and WordPress exports, plain text (`-` reads standard input); or of a live
    /// site's pages, crawled from its address (`linkscope audit https://blog.example/`).
    ///
    /// Settings come from a linkscope.toml in the site's folder (or the current one) when
    /// present; flags win over it.
    Audit {
        /// Files and folders to read (default: the paths of linkscope.toml, or '.'), or one
        /// http(s) URL to crawl.
        paths: Vec<PathBuf>,
        /// The profile (default: the one linkscope.toml names).
        #[arg(long)]
        profile: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
        format: AuditFormat,
        /// Exit with status 1 when any of these verdicts occurs (comma-separated: mine,
        /// wrongMarketplace, foreign, untagged, short, malformed), or with --live any of these
        /// health states (available, unavailable, otherSellersOnly, notFound, redirected,
        /// blocked, error).
        #[arg(long, value_delimiter = ',', value_parser = parse_fail_on)]
        fail_on: Vec<FailOn>,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        live: LiveArgs,
        #[command(flatten)]
        crawl: crawl::CrawlArgs,
    },
    /// Rewrite the Amazon links of your source files: untagged and wrong-marketplace links get
    /// your tracking ID, tracking noise is removed. Prints a unified diff unless --write.
    Fix {
        /// Files and folders to fix (default: the paths of linkscope.toml, or '.').
        paths: Vec<PathBuf>,
        /// The profile (default: the one linkscope.toml names).
        #[arg(long)]
        profile: Option<PathBuf>,
        /// Apply the changes (atomically, file by file) instead of printing them.
        #[arg(long)]
        write: bool,
        /// Keep tracking noise on links that are already yours.
        #[arg(long)]
        no_clean: bool,
        /// Replace someone else's tag with yours (left as is by default).
        #[arg(long)]
        replace_foreign: bool,
        /// Replace short links (amzn.to, a.co, …) with your tagged link for their target
        /// product: each is expanded by reading its redirect from the short-link host (a network
        /// request, as with audit --live; the tagged target is never loaded).
        #[arg(long)]
        expand: bool,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        live: LiveArgs,
    },
}

/// Which files are read and how.
#[derive(clap::Args)]
struct ReadArgs {
    /// Address the pages are published at, to resolve relative links (a page's own
    /// `<base href>` wins).
    #[arg(long)]
    base_url: Option<String>,
    /// Read files that .gitignore and .ignore files exclude.
    #[arg(long)]
    no_ignore: bool,
    /// Only read files matching this glob (repeatable; e.g. '_posts/**').
    #[arg(long)]
    include: Vec<String>,
    /// Skip files matching this glob (repeatable; e.g. '_drafts/**').
    #[arg(long)]
    exclude: Vec<String>,
    /// Follow symbolic links in directories (never round a loop).
    #[arg(long)]
    follow_symlinks: bool,
    /// The largest file read (e.g. 500K, 64M, 2G; default 64M).
    #[arg(long, value_parser = input::parse_size)]
    max_file_size: Option<u64>,
}

/// What to read and with which profile: the command line over linkscope.toml.
struct Resolved {
    paths: Vec<PathBuf>,
    profile: PathBuf,
    fail_on: Vec<FailOn>,
    walk: WalkOptions,
    scan: ScanOptions,
}

impl ReadArgs {
    fn resolve(
        self,
        paths: Vec<PathBuf>,
        profile: Option<PathBuf>,
        fail_on: Vec<FailOn>,
    ) -> Result<Resolved, Failure> {
        let config = config::find(&paths)?.unwrap_or_default();
        let profile = profile.or(config.profile).ok_or_else(|| {
            Failure(format!(
                "no profile: give --profile or name one in {}",
                config::FILE_NAME
            ))
        })?;
        let paths = match (paths.is_empty(), config.paths.is_empty()) {
            (false, _) => paths,
            (true, false) => config.paths,
            (true, true) => vec![PathBuf::from(".")],
        };
        let fail_on = if fail_on.is_empty() {
            let parsed: Result<Vec<FailOn>, String> =
                config.fail_on.iter().map(|v| parse_fail_on(v)).collect();
            parsed.map_err(|e| Failure(format!("{}: fail-on: {e}", config::FILE_NAME)))?
        } else {
            fail_on
        };
        let max_file_size = match (self.max_file_size, &config.max_file_size) {
            (Some(n), _) => n,
            (None, Some(s)) => input::parse_size(s)
                .map_err(|e| Failure(format!("{}: max-file-size: {e}", config::FILE_NAME)))?,
            (None, None) => DEFAULT_MAX_FILE_SIZE,
        };
        let or_config = |flags: Vec<String>, from_file: Vec<String>| {
            if flags.is_empty() {
                from_file
            } else {
                flags
            }
        };
        Ok(Resolved {
            paths,
            profile,
            fail_on,
            walk: WalkOptions {
                no_ignore: self.no_ignore,
                include: or_config(self.include, config.include),
                exclude: or_config(self.exclude, config.exclude),
                follow_symlinks: self.follow_symlinks,
            },
            scan: ScanOptions {
                base_url: self.base_url.or(config.base_url),
                max_file_size,
            },
        })
    }
}

/// The largest source file read unless --max-file-size says otherwise.
const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    // Failing on what is right would fail every good build: most likely a misreading.
    let good = |name: &str| name == Verdict::Mine.as_str() || name == Health::Available.as_str();
    if good(s) {
        return Err(format!(
            "'{s}' is what a good link is: --fail-on names what should fail the build \
             (e.g. untagged,malformed)"
        ));
    }
    if let Some(v) = Verdict::parse(s) {
        return Ok(FailOn::Verdict(v));
    }
    if let Some(state) = Health::STATES.iter().find(|h| **h == s) {
        return Ok(FailOn::Health(state));
    }
    let names: Vec<_> = Verdict::ALL
        .iter()
        .map(|v| v.as_str())
        .filter(|n| !good(n))
        .collect();
    let states: Vec<_> = Health::STATES
        .iter()
        .copied()
        .filter(|n| !good(n))
        .collect();
    Err(format!(
        "unknown verdict or health state '{s}' (verdicts: {}; with --live, health states: {})",
        names.join(", "),
        states.join(", ")
    ))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout; usage errors to stderr. A closed pipe is fine.
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Error
            } else {
                Exit::Success
            }
            .into();
        }
    };
    let result = match cli.command {
        Command::Parse { urls } => commands::parse::run(&urls),
        Command::Links {
            input,
            profile,
            format,
            live,
        } => commands::links::run(&input, &profile, format, &live),
        Command::Coverage { profile, format } => commands::coverage::run(&profile, format),
        Command::Audit {
            paths,
            profile,
            format,
            fail_on,
            read,
            live,
            crawl,
        } => read.resolve(paths, profile, fail_on).and_then(|r| {
            if let Some(url) = crawl::site_url(&r.paths)? {
                return crawl::run(
                    &crawl,
                    &live,
                    &crawl::CrawlRun {
                        start: &url,
                        profile: &r.profile,
                        format,
                        fail_on: &r.fail_on,
                        max_body: r.scan.max_file_size,
                    },
                );
            }
            commands::audit::run(&AuditOptions {
                paths: r.paths,
                profile: r.profile,
                format,
                fail_on: r.fail_on,
                walk: r.walk,
                scan: r.scan,
                live,
            })
        }),
        Command::Fix {
            paths,
            profile,
            write,
            no_clean,
            replace_foreign,
            expand,
            read,
            mut live,
        } => read.resolve(paths, profile, Vec::new()).and_then(|r| {
            // `fix --live` is `fix --expand`: the one network step fix has.
            live.live |= expand;
            commands::fix::run(&FixOptions {
                paths: r.paths,
                profile: r.profile,
                write,
                clean: !no_clean,
                replace_foreign,
                walk: r.walk,
                scan: r.scan,
                live,
            })
        }),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(Failure(message)) => {
            term::diag(&message);
            Exit::Error.into()
        }
    }
}
