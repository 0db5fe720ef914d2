//! Aligned columns for a terminal: every cell made printable and bounded, so a page's long or
//! hostile values cannot flood or drive the terminal (the full values are in JSON and CSV).

use linkscope::Verdict;

use super::Report;
use crate::term::cell;

/// The widest a cell gets, in characters; the link column may be longer.
const MAX_CELL: usize = 60;
const MAX_LINK: usize = 120;

pub fn audit(report: &Report) -> String {
    let rows: Vec<Vec<String>> = report
        .findings
        .iter()
        .map(|r| {
            let mut location = format!("{}:{}:{}", r.file, r.line, r.column);
            if let Some(item) = &r.item {
                location.push_str(&format!(" ({})", item.title));
            }
            let mut cells = vec![location];
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
        .map(|v| format!("{} {}", report.summary.count(*v), v.as_str()))
        .collect();
    out.push_str(&format!(
        "\n{} Amazon links in {} files: {}\n",
        report.summary.total,
        report.files,
        counts.join(", ")
    ));
    out
}

/// Columns aligned with two spaces between them; the last column is not padded. Cells are
/// escaped and cut to a bounded width.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let last = header.len().saturating_sub(1);
    let bounded: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(i, c)| cell(c, if i == last { MAX_LINK } else { MAX_CELL }))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &bounded {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(&bounded) {
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
    fn aligned_and_bounded() {
        let t = table(&["A", "B"], &[vec!["long".into(), "x".into()]]);
        assert_eq!(t, "A     B\nlong  x\n");
        let huge = "t".repeat(1_000_000);
        let t = table(
            &["A", "B"],
            &[
                vec![huge.clone(), huge],
                vec!["\u{1b}[2J".into(), "y".into()],
            ],
        );
        assert!(t.len() < 400, "{}", t.len());
        assert!(t.contains("…") && t.contains("\\u{1b}[2J") && !t.contains('\u{1b}'));
    }
}
