//! `linkscope`: classify Amazon links, generate tagged links and audit a site's sources.

mod commands;
mod diff;
mod exit;
mod input;
mod output;
mod scan;
mod term;
mod walk;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use linkscope::Verdict;

use commands::audit::AuditOptions;
use commands::coverage::TableFormat;
use commands::fix::FixOptions;
use commands::links::LinksFormat;
use exit::{Exit, Failure};
use output::AuditFormat;
use scan::ScanOptions;
use walk::WalkOptions;

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
    /// Audit the Amazon links of a site's sources: HTML and templates, Markdown, feeds,
    /// sitemaps and WordPress exports, plain text (`-` reads standard input).
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
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Rewrite the Amazon links of your source files: untagged and wrong-marketplace links get
    /// your tracking ID, tracking noise is removed. Prints a unified diff unless --write.
    Fix {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        profile: PathBuf,
        /// Apply the changes (atomically, file by file) instead of printing them.
        #[arg(long)]
        write: bool,
        /// Keep tracking noise on links that are already yours.
        #[arg(long)]
        no_clean: bool,
        /// Replace someone else's tag with yours (left as is by default).
        #[arg(long)]
        replace_foreign: bool,
        #[command(flatten)]
        read: ReadArgs,
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
    /// The largest file read (e.g. 500K, 64M, 2G).
    #[arg(long, value_parser = input::parse_size, default_value = "64M")]
    max_file_size: u64,
}

impl ReadArgs {
    fn split(self) -> (WalkOptions, ScanOptions) {
        (
            WalkOptions {
                no_ignore: self.no_ignore,
                include: self.include,
                exclude: self.exclude,
                follow_symlinks: self.follow_symlinks,
            },
            ScanOptions {
                base_url: self.base_url,
                max_file_size: self.max_file_size,
            },
        )
    }
}

fn parse_verdict(s: &str) -> Result<Verdict, String> {
    Verdict::parse(s).ok_or_else(|| {
        let names: Vec<_> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
        format!("unknown verdict '{s}' (one of: {})", names.join(", "))
    })
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
        } => commands::links::run(&input, &profile, format),
        Command::Coverage { profile, format } => commands::coverage::run(&profile, format),
        Command::Audit {
            paths,
            profile,
            format,
            fail_on,
            read,
        } => {
            let (walk, scan) = read.split();
            commands::audit::run(&AuditOptions {
                paths,
                profile,
                format,
                fail_on,
                walk,
                scan,
            })
        }
        Command::Fix {
            paths,
            profile,
            write,
            no_clean,
            replace_foreign,
            read,
        } => {
            let (walk, scan) = read.split();
            commands::fix::run(&FixOptions {
                paths,
                profile,
                write,
                clean: !no_clean,
                replace_foreign,
                walk,
                scan,
            })
        }
    };
    match result {
        Ok(exit) => exit.into(),
        Err(Failure(message)) => {
            term::diag(&message);
            Exit::Error.into()
        }
    }
}
