//! Aligned columns for a terminal: every cell made printable and bounded, so a page's long or
//! hostile values cannot flood or drive the terminal (the full values are in JSON and CSV).

use linkscope::{Summary, Verdict};

use super::Row;
use crate::term::{cell, printable};

/// The widest a cell gets, in characters; the link column may be longer.
const MAX_CELL: usize = 60;
const MAX_LINK: usize = 120;
/// A location keeps its end (file name, line, column) when cut.
const MAX_LOCATION: usize = 100;

/// `s` made printable, its start cut to keep at most `max` characters.
fn tail(s: &str, max: usize) -> String {
    let s = printable(s);
    let n = s.chars().count();
    if n <= max {
        return s.into_owned();
    }
    std::iter::once('…')
        .chain(s.chars().skip(n - max + 1))
        .collect()
}

/// `row` with its long values cut as the table shows them, so that holding it costs little.
pub fn bounded(mut row: Row) -> Row {
    row.href = cell(&row.href, MAX_LINK);
    row.file = tail(&row.file, MAX_LOCATION);
    let link = &mut row.finding.link;
    for value in [&mut link.tag, &mut link.subtag, &mut link.clean]
        .into_iter()
        .flatten()
    {
        *value = cell(value, MAX_CELL);
    }
    if let Some(item) = &mut row.item {
        item.title = cell(&item.title, MAX_CELL);
        item.link = None;
    }
    if let Some(live) = &mut row.live {
        live.health_detail = None;
        live.target = live.target.as_deref().map(|t| cell(t, MAX_LINK));
        live.title = None;
    }
    row
}

pub fn audit(rows: &[Row], files: usize, summary: &Summary) -> String {
    // A POST column when links come from the posts of a WordPress export or a feed.
    let posts = rows.iter().any(|r| r.item.is_some());
    // A HEALTH column with --live.
    let live = rows.iter().any(|r| r.live.is_some());
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let location = format!("{}:{}:{}", r.file, r.line, r.column);
            let mut cells = vec![tail(&location, MAX_LOCATION)];
            if posts {
                cells.push(r.item.as_ref().map_or("-".into(), |i| i.title.clone()));
            }
            cells.extend(r.cells());
            if live {
                let health = r.live.as_ref().and_then(|l| l.health);
                cells.push(health.unwrap_or("-").to_owned());
            }
            let target = r.live.as_ref().and_then(|l| l.target.as_deref());
            cells.push(match target {
                Some(target) => format!("{} → {target}", r.href),
                None => r.href.clone(),
            });
            cells
        })
        .collect();
    let mut header = vec!["LOCATION"];
    if posts {
        header.push("POST");
    }
    header.extend(["VERDICT", "MARKETPLACE", "ASIN", "TAG", "COVERAGE"]);
    if live {
        header.push("HEALTH");
    }
    header.push("LINK");
    let mut out = table(&header, &rows);
    let counts: Vec<String> = Verdict::ALL
        .iter()
        .map(|v| format!("{} {}", summary.count(*v), v.as_str()))
        .collect();
    out.push_str(&format!(
        "\n{}: {}\n",
        links_in_files(summary.total, files),
        counts.join(", ")
    ));
    out
}

/// "1 Amazon link in 2 files": the count of a report's links and files in words.
pub fn links_in_files(links: usize, files: usize) -> String {
    let s = |n: usize| if n == 1 { "" } else { "s" };
    format!(
        "{links} Amazon link{} in {files} file{}",
        s(links),
        s(files)
    )
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
                .map(|(i, c)| match i {
                    0 if c.starts_with('…') => c.clone(),
                    0 => cell(c, MAX_LOCATION),
                    i if i == last => cell(c, MAX_LINK),
                    _ => cell(c, MAX_CELL),
                })
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
        assert!(t.len() < 600, "{}", t.len());
        assert!(t.contains("…") && t.contains("\\u{1b}[2J") && !t.contains('\u{1b}'));
    }
}
