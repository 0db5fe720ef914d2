//! Writing audit results and tables for people (aligned columns) and programs (CSV, JSON).

use serde::Serialize;

use linkscope::{Finding, Summary, Verdict};

/// One audited link and where it was found.
#[derive(Serialize)]
pub struct Row {
    pub file: String,
    pub line: u64,
    pub href: String,
    #[serde(flatten)]
    pub finding: Finding,
}

#[derive(Serialize, Default)]
pub struct AuditReport {
    pub files: usize,
    pub summary: Summary,
    pub findings: Vec<Row>,
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
}

impl AuditReport {
    pub fn table(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .findings
            .iter()
            .map(|r| {
                let mut cells = vec![format!("{}:{}", r.file, r.line)];
                cells.extend(r.cells());
                cells.push(r.href.clone());
                cells
            })
            .collect();
        let mut out = table(
            &[
                "LOCATION",
                "VERDICT",
                "MARKETPLACE",
                "ASIN",
                "TAG",
                "COVERAGE",
                "LINK",
            ],
            &rows,
        );
        let counts: Vec<String> = Verdict::ALL
            .iter()
            .map(|v| format!("{} {}", self.summary.count(*v), v.as_str()))
            .collect();
        out.push_str(&format!(
            "\n{} Amazon links in {} files: {}\n",
            self.summary.total,
            self.files,
            counts.join(", ")
        ));
        out
    }

    pub fn csv(&self) -> String {
        let mut out = String::from("file,line,href,verdict,marketplace,asin,tag,coverage\n");
        for r in &self.findings {
            let mut fields = vec![r.file.clone(), r.line.to_string(), r.href.clone()];
            fields.extend(r.cells().map(|c| if c == "-" { String::new() } else { c }));
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
        out
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). A leading
/// `=`, `+`, `-` or `@` is prefixed with `'` so spreadsheets do not run it as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Columns aligned with two spaces between them; the last column is not padded.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let last = row.len().saturating_sub(1);
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i < last {
                let pad = widths[i] - cell.chars().count() + 2;
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
    }

    #[test]
    fn aligned_table() {
        let t = table(&["A", "B"], &[vec!["long".into(), "x".into()]]);
        assert_eq!(t, "A     B\nlong  x\n");
    }
}
