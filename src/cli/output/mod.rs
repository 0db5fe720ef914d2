//! Audit results for people (an aligned table) and programs (JSON, CSV, SARIF, GitHub
//! workflow annotations). Every finding carries file, line, column and byte range.

mod csv;
mod github;
mod sarif;
mod table;

use serde::Serialize;

use linkscope::extract::Item;
use linkscope::{Finding, Summary, Verdict};

pub use table::table;

/// One audited link and where it was written.
#[derive(Serialize)]
pub struct Row {
    pub file: String,
    /// 1-based line and column (in characters) of the URL.
    pub line: usize,
    pub column: usize,
    /// Byte range of the URL in the file.
    pub start: usize,
    pub end: usize,
    pub href: String,
    /// The post of a WordPress export (or the feed item) the link is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
    #[serde(flatten)]
    pub finding: Finding,
}

#[derive(Serialize, Default)]
pub struct Report {
    pub files: usize,
    pub summary: Summary,
    pub findings: Vec<Row>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    Table,
    Json,
    Csv,
    Sarif,
    Github,
}

impl Report {
    pub fn render(
        &self,
        format: AuditFormat,
        fail_on: &[Verdict],
    ) -> Result<String, serde_json::Error> {
        Ok(match format {
            AuditFormat::Table => table::audit(self),
            AuditFormat::Json => serde_json::to_string_pretty(self)? + "\n",
            AuditFormat::Csv => csv::audit(self),
            AuditFormat::Sarif => sarif::audit(self, fail_on)?,
            AuditFormat::Github => github::audit(self, fail_on),
        })
    }
}

fn or_dash(s: Option<&str>) -> String {
    s.unwrap_or("-").to_owned()
}

impl Row {
    /// verdict, marketplace, ASIN, tag, coverage: the columns shared by the table and CSV.
    fn cells(&self) -> [String; 5] {
        let f = &self.finding;
        [
            f.verdict.as_str().to_owned(),
            or_dash(f.link.marketplace.map(|m| m.domain)),
            or_dash(f.link.asin.as_ref().map(|a| a.as_str())),
            or_dash(f.link.tag.as_deref()),
            or_dash(f.coverage.map(|c| c.as_str())),
        ]
    }

    /// What is wrong with the link and what to do, for annotations.
    fn message(&self) -> String {
        let what = match self.finding.verdict {
            Verdict::Mine => "carries your tracking ID",
            Verdict::WrongMarketplace => {
                "carries your tracking ID for another marketplace: it earns nothing here"
            }
            Verdict::Foreign => "carries someone else's tag",
            Verdict::Untagged => "carries no tracking ID",
            Verdict::Short => "is a short link: its tag is unknown without following it",
            Verdict::Malformed => "is malformed (an invalid ASIN or tag, or two different tags)",
        };
        let mut text = format!("Amazon link {what}: {}", self.href);
        if let Some(item) = &self.item {
            text.push_str(&format!(" (in post \"{}\")", item.title));
        }
        text
    }
}

/// The findings shown as problems: everything but `mine`.
fn problems(report: &Report) -> impl Iterator<Item = &Row> {
    report
        .findings
        .iter()
        .filter(|r| r.finding.verdict != Verdict::Mine)
}
