//! GitHub Actions workflow commands: one annotation per problem, with file, line and column.

use linkscope::Verdict;

use super::{problems, Report};

pub fn audit(report: &Report, fail_on: &[Verdict]) -> String {
    let mut out = String::new();
    for r in problems(report) {
        let level = if fail_on.contains(&r.finding.verdict) {
            "error"
        } else {
            "warning"
        };
        out.push_str(&format!(
            "::{level} file={},line={},col={},title={}::{}\n",
            property(&r.file),
            r.line,
            r.column,
            property(&format!("linkscope: {}", r.finding.verdict.as_str())),
            data(&r.message())
        ));
    }
    out.push_str(&format!(
        "{} Amazon links in {} files\n",
        report.summary.total, report.files
    ));
    out
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
