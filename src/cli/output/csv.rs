//! CSV (RFC 4180) with the full values, guarded against spreadsheet formulas.

use super::Row;

const HEADER: &str = "file,line,column,start,end,href,verdict,marketplace,asin,tag,coverage,post";

/// The header line; with `--live`, three more columns.
pub fn header(live: bool) -> String {
    let extra = if live { ",health,target,title" } else { "" };
    format!("{HEADER}{extra}\n")
}

pub fn row(r: &Row) -> String {
    let mut fields = vec![
        r.file.clone(),
        r.line.to_string(),
        r.column.to_string(),
        r.start.to_string(),
        r.end.to_string(),
        r.href.clone(),
    ];
    fields.extend(r.cells().map(|c| if c == "-" { String::new() } else { c }));
    fields.push(r.item.as_ref().map(|i| i.title.clone()).unwrap_or_default());
    if let Some(live) = &r.live {
        fields.push(live.health.unwrap_or_default().to_owned());
        fields.push(live.target.clone().unwrap_or_default());
        fields.push(live.title.clone().unwrap_or_default());
    }
    let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
    line.join(",") + "\n"
}

/// A CSV field, quoted when it holds a comma, quote or line break. A field that a spreadsheet
/// would run as a formula (leading `=`, `+`, `-`, `@`, or a TAB or CR before one) gets a
/// leading `'`.
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_formula_guard() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=cmd()"), "'=cmd()");
        assert_eq!(field("\t=HYPERLINK(1)"), "'\t=HYPERLINK(1)");
        assert_eq!(field("\r=1"), "\"'\r=1\"");
    }
}
