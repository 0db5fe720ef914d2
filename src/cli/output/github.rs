//! GitHub Actions workflow commands: one annotation per problem, with file, line and column.

use linkscope::{Summary, Verdict};

use super::Row;

pub fn row(r: &Row, fail_on: &[Verdict]) -> Option<String> {
    let message = r.problem()?;
    Some(format!(
        "::{} file={},line={},col={},title={}::{}\n",
        r.level(fail_on),
        property(&r.file),
        r.line,
        r.column,
        property(&format!("linkscope: {}", r.finding.verdict.as_str())),
        data(&message)
    ))
}

pub fn footer(files: usize, summary: &Summary) -> String {
    format!("{}\n", super::table::links_in_files(summary.total, files))
}

/// A workflow command's message: `%`, CR and LF escaped.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(data("50%\nx"), "50%25%0Ax");
        assert_eq!(property("a,b:c"), "a%2Cb%3Ac");
    }
}
