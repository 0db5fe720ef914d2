//! Audit results for people (an aligned table) and programs (JSON, CSV, SARIF, GitHub
//! workflow annotations), written as the findings arrive: only the table holds its rows (cut
//! to a bounded width) until the end. Every finding carries file, line, column and byte range.
//! The rows are turned into text ([`Encoder`]) on the threads that scan the sources; the report
//! writer only counts them and copies their bytes in order.

mod csv;
mod github;
mod sarif;
mod spool;
mod table;

use std::io::{self, Write};

use serde::Serialize;

use linkscope::extract::Item;
use linkscope::health::Health;
use linkscope::{Finding, Summary, Verdict};

pub use table::table;

use crate::exit::{Exit, Failure, Outcome};
use crate::term::diag;

use spool::Sink;

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
    /// With `--live`: what Amazon said.
    #[serde(flatten)]
    pub live: Option<LiveCells>,
}

/// A finding's live-check columns (`--live`).
#[derive(Serialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub struct LiveCells {
    /// The health state (`available`, `notFound`, …); `null` when nothing could be checked (not
    /// a product, or a short link to a store page).
    pub health: Option<&'static str>,
    /// What decided, for a person ("buy button #add-to-cart-button", "HTTP 404", …).
    pub health_detail: Option<String>,
    /// A short link's expansion; where a redirected product went.
    pub target: Option<String>,
    /// The product's title, as Amazon gave it.
    pub title: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    Table,
    Json,
    Csv,
    Sarif,
    Github,
}

/// Turns rows into a report's text, anywhere: the scanning threads encode the rows of their
/// sources, and [`ReportWriter::part`] writes them in order.
#[derive(Clone)]
pub struct Encoder {
    format: AuditFormat,
    fail_on: Vec<Verdict>,
}

/// Rows as a report writes them.
pub struct Encoded {
    /// The rows' text. Each JSON finding and SARIF result starts with its separator from the
    /// one before (`,`), which the report leaves out before its first.
    text: Vec<u8>,
    /// Whether `text` holds a JSON finding or a SARIF result.
    records: bool,
    /// Each row's verdict and (with `--live`) health state, for the counts.
    counts: Vec<(Verdict, Option<&'static str>)>,
    /// The table's rows, cut as it shows them.
    table: Vec<Row>,
}

impl Encoder {
    pub fn encode(&self, rows: Vec<Row>) -> io::Result<Encoded> {
        let mut part = Encoded {
            text: Vec::new(),
            records: false,
            counts: Vec::with_capacity(rows.len()),
            table: Vec::new(),
        };
        let n = rows.len();
        for (i, row) in rows.into_iter().enumerate() {
            if i == 1 {
                // Room for rows about as long as the first.
                part.text.reserve(part.text.len() * (n - 1) * 9 / 8);
            }
            let state = row.live.as_ref().and_then(|l| l.health);
            part.counts.push((row.finding.verdict, state));
            match self.format {
                AuditFormat::Table => part.table.push(table::bounded(row)),
                AuditFormat::Json => {
                    part.text.extend_from_slice(b",\n    ");
                    serde_json::to_writer(&mut part.text, &row)?;
                    part.records = true;
                }
                AuditFormat::Csv => part.text.extend_from_slice(csv::row(&row).as_bytes()),
                AuditFormat::Sarif => {
                    if let Some(result) = sarif::result(&row, &self.fail_on) {
                        part.text.extend_from_slice(b",\n        ");
                        serde_json::to_writer(&mut part.text, &result)?;
                        part.records = true;
                    }
                }
                AuditFormat::Github => {
                    if let Some(line) = github::row(&row, &self.fail_on) {
                        part.text.extend_from_slice(line.as_bytes());
                    }
                }
            }
        }
        Ok(part)
    }
}

/// Writes a report to `out` file by file.
pub struct ReportWriter<W: Write> {
    encoder: Encoder,
    out: W,
    files: usize,
    summary: Summary,
    /// With `--live`: findings by health state, in [`Health::STATES`] order.
    health: Option<Vec<usize>>,
    /// Whether a finding (JSON, SARIF) has been written, for the separators.
    written: bool,
    /// The table's rows, kept for the column widths.
    table: Vec<Row>,
    /// SARIF's text after the results.
    sarif_tail: String,
}

impl<W: Write> ReportWriter<W> {
    /// A report with the live columns when `live`.
    pub fn new(
        format: AuditFormat,
        fail_on: &[Verdict],
        live: bool,
        mut out: W,
    ) -> io::Result<Self> {
        let mut sarif_tail = String::new();
        match format {
            AuditFormat::Json => out.write_all(b"{\n  \"findings\": [")?,
            AuditFormat::Csv => out.write_all(csv::header(live).as_bytes())?,
            AuditFormat::Sarif => {
                let (head, tail) = sarif::frame()?;
                out.write_all(head.as_bytes())?;
                sarif_tail = tail;
            }
            AuditFormat::Table | AuditFormat::Github => {}
        }
        Ok(ReportWriter {
            encoder: Encoder {
                format,
                fail_on: fail_on.to_vec(),
            },
            out,
            files: 0,
            summary: Summary::default(),
            health: live.then(|| vec![0; Health::STATES.len()]),
            written: false,
            table: Vec::new(),
            sarif_tail,
        })
    }

    /// The findings of one file.
    pub fn file(&mut self, rows: Vec<Row>) -> io::Result<()> {
        self.end_file();
        self.rows(rows)
    }

    /// A file has been read (its rows given by [`ReportWriter::rows`]).
    pub fn end_file(&mut self) {
        self.files += 1;
    }

    /// Findings of the current file.
    pub fn rows(&mut self, rows: Vec<Row>) -> io::Result<()> {
        let part = self.encoder.encode(rows)?;
        self.part(part)
    }

    /// Findings of the current file, encoded by [`Encoder::encode`].
    pub fn part(&mut self, part: Encoded) -> io::Result<()> {
        for (verdict, state) in part.counts {
            self.summary.add(verdict);
            if let (Some(counts), Some(state)) = (&mut self.health, state) {
                if let Some(i) = Health::STATES.iter().position(|s| *s == state) {
                    counts[i] += 1;
                }
            }
        }
        let text = match part.text.split_first() {
            Some((b',', rest)) if part.records && !self.written => rest,
            _ => &part.text,
        };
        self.out.write_all(text)?;
        self.written |= part.records;
        self.table.extend(part.table);
        Ok(())
    }

    /// The findings by health state (`--live`): every state, in [`Health::STATES`] order.
    fn health_counts(&self) -> Option<Vec<(&'static str, usize)>> {
        let counts = self.health.as_ref()?;
        Some(
            Health::STATES
                .iter()
                .copied()
                .zip(counts.iter().copied())
                .collect(),
        )
    }

    /// Ends the report; gives back the output and the counts.
    pub fn finish(mut self) -> io::Result<(W, Summary)> {
        let health = self.health_counts();
        match self.encoder.format {
            AuditFormat::Table => {
                let mut text = table::audit(&self.table, self.files, &self.summary);
                if let Some(health) = &health {
                    let counts: Vec<String> =
                        health.iter().map(|(s, n)| format!("{n} {s}")).collect();
                    text.push_str(&format!("health: {}\n", counts.join(", ")));
                }
                self.out.write_all(text.as_bytes())?;
            }
            AuditFormat::Json => {
                let mut summary = serde_json::to_value(&self.summary)?;
                if let (Some(health), Some(object)) = (&health, summary.as_object_mut()) {
                    let counts = health
                        .iter()
                        .map(|(s, n)| ((*s).to_owned(), (*n).into()))
                        .collect();
                    object.insert("health".to_owned(), serde_json::Value::Object(counts));
                }
                let summary = serde_json::to_string(&summary)?;
                write!(
                    self.out,
                    "\n  ],\n  \"files\": {},\n  \"summary\": {summary}\n}}\n",
                    self.files
                )?;
            }
            AuditFormat::Csv => {}
            AuditFormat::Sarif => self.out.write_all(self.sarif_tail.as_bytes())?,
            AuditFormat::Github => {
                let line = github::footer(self.files, &self.summary);
                self.out.write_all(line.as_bytes())?;
            }
        }
        Ok((self.out, self.summary))
    }
}

/// A report written as the findings arrive, where it cannot be seen before every source has
/// been read ([`Sink`]): memory stays bounded, and a run that fails part-way prints no partial
/// report.
pub struct Spool {
    writer: ReportWriter<Sink>,
}

impl Spool {
    /// A report with the live columns when `live`.
    pub fn new(format: AuditFormat, fail_on: &[Verdict], live: bool) -> Result<Spool, Failure> {
        let writer = ReportWriter::new(format, fail_on, live, Sink::for_stdout())?;
        Ok(Spool { writer })
    }

    /// What turns rows into this report's text.
    pub fn encoder(&self) -> Encoder {
        self.writer.encoder.clone()
    }

    /// Findings of the current source, encoded by [`Spool::encoder`].
    pub fn part(&mut self, part: Encoded) -> io::Result<()> {
        self.writer.part(part)
    }

    /// The findings of one source.
    pub fn file(&mut self, rows: Vec<Row>) -> io::Result<()> {
        self.writer.file(rows)
    }

    /// The current source is done.
    pub fn end_file(&mut self) {
        self.writer.end_file();
    }

    /// Hands the report to stdout; [`Exit::Findings`] when a `--fail-on` verdict was found,
    /// or when `also_failed` names another reason (`--fail-on` health states).
    pub fn finish(self, also_failed: Option<&str>) -> Outcome {
        let fail_on = self.writer.encoder.fail_on.clone();
        let (sink, summary) = self.writer.finish()?;
        sink.deliver()?;
        let mut failed: Vec<&str> = fail_on
            .iter()
            .filter(|v| summary.count(**v) > 0)
            .map(|v| v.as_str())
            .collect();
        failed.extend(also_failed);
        if failed.is_empty() {
            Ok(Exit::Success)
        } else {
            diag(&format!("found {} links", failed.join(", ")));
            Ok(Exit::Findings)
        }
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

    /// What is wrong with the link, for annotations; `None` for the user's own links.
    fn problem(&self) -> Option<String> {
        let what = match self.finding.verdict {
            Verdict::Mine => return None,
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
        Some(text)
    }

    /// `error` for a `--fail-on` verdict, else `warning`.
    fn level(&self, fail_on: &[Verdict]) -> &'static str {
        if fail_on.contains(&self.finding.verdict) {
            "error"
        } else {
            "warning"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILE: &str = include_str!("../../../tests/fixtures/profile.json");

    /// Rows of Amazon links, one of them the user's own (no SARIF result, no annotation) and
    /// one with text that JSON and CSV escape.
    fn rows() -> Vec<Row> {
        let profile = linkscope::Profile::from_json(PROFILE).unwrap();
        let links = [
            "https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20",
            "https://www.amazon.de/dp/B08N5WRWNW?tag=other-21",
            "https://amzn.to/3x\"y,z",
            "https://www.amazon.com/dp/B08N5WRWNW",
        ];
        let audit = linkscope::audit(&profile, None, links);
        audit
            .findings
            .into_iter()
            .enumerate()
            .map(|(i, finding)| Row {
                file: format!("posts/\"{i}\",\n.md"),
                line: i + 1,
                column: 2,
                start: 10 * i,
                end: 10 * i + 5,
                href: links[finding.index].to_owned(),
                item: None,
                finding,
                live: None,
            })
            .collect()
    }

    fn report(format: AuditFormat, parts: Vec<Vec<Row>>) -> String {
        let mut writer =
            ReportWriter::new(format, &[Verdict::Untagged], false, Vec::new()).unwrap();
        let encoder = writer.encoder.clone();
        // Encoded elsewhere, as the scanning threads do, then written in order.
        let encoded: Vec<Encoded> = std::thread::scope(|s| {
            let handles: Vec<_> = parts
                .into_iter()
                .map(|rows| s.spawn(|| encoder.encode(rows).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for part in encoded {
            writer.part(part).unwrap();
            writer.end_file();
        }
        String::from_utf8(writer.finish().unwrap().0).unwrap()
    }

    #[test]
    fn rows_encoded_in_parts_make_the_report_rows_make_at_once() {
        let split = |rows: Vec<Row>| {
            let mut rows = rows.into_iter();
            // An empty part first, then the user's own link alone (no SARIF result).
            vec![Vec::new(), rows.by_ref().take(1).collect(), rows.collect()]
        };
        for format in [
            AuditFormat::Json,
            AuditFormat::Csv,
            AuditFormat::Sarif,
            AuditFormat::Github,
            AuditFormat::Table,
        ] {
            let whole = {
                let mut writer =
                    ReportWriter::new(format, &[Verdict::Untagged], false, Vec::new()).unwrap();
                writer.file(rows()).unwrap();
                // As many sources as the parts below.
                writer.end_file();
                writer.end_file();
                String::from_utf8(writer.finish().unwrap().0).unwrap()
            };
            assert_eq!(report(format, split(rows())), whole);
        }
        // The JSON report is serde_json's text of each row, in order.
        let json = report(AuditFormat::Json, split(rows()));
        let written: Vec<String> = rows()
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        assert!(
            json.starts_with(&format!(
                "{{\n  \"findings\": [\n    {}\n  ],",
                written.join(",\n    ")
            )),
            "{json}"
        );
        let sarif: serde_json::Value =
            serde_json::from_str(&report(AuditFormat::Sarif, split(rows()))).unwrap();
        assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);
    }
}
