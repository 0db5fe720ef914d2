//! SARIF 2.1.0 for GitHub code scanning: one rule per verdict, one result per problem.

use serde_json::{json, Value};

use linkscope::Verdict;

use super::Row;

/// The SARIF document around its results: the text before them and after them.
pub fn frame() -> Result<(String, String), serde_json::Error> {
    let rules: Vec<Value> = Verdict::ALL
        .iter()
        .filter(|v| **v != Verdict::Mine)
        .map(|v| {
            json!({
                "id": v.as_str(),
                "name": v.as_str(),
                "shortDescription": { "text": format!("Amazon link: {}", v.as_str()) },
            })
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "linkscope",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": PLACEHOLDER,
        }]
    });
    let text = serde_json::to_string_pretty(&sarif)? + "\n";
    let quoted = format!("\"{PLACEHOLDER}\"");
    let at = text.find(&quoted).unwrap_or(text.len());
    let tail = text.get(at + quoted.len()..).unwrap_or("");
    Ok((format!("{}[", &text[..at]), format!("\n      ]{tail}")))
}

const PLACEHOLDER: &str = "@results@";

/// The result for one finding; `None` for the user's own links.
pub fn result(r: &Row, fail_on: &[Verdict]) -> Option<Value> {
    Some(json!({
        "ruleId": r.finding.verdict.as_str(),
        "level": r.level(fail_on),
        "message": { "text": r.problem()? },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&r.file) },
                "region": {
                    "startLine": r.line,
                    "startColumn": r.column,
                    "byteOffset": r.start,
                    "byteLength": r.end - r.start,
                }
            }
        }],
    }))
}

/// A URI for a path: relative paths stay relative references (to the checkout's root, as code
/// scanning reads them), absolute ones become `file://` URIs; characters URIs do not allow are
/// percent-encoded. A crawled page's URL is already one.
fn uri(path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_owned();
    }
    let path = path.strip_prefix("./").unwrap_or(path);
    let mut out = String::from(if path.starts_with('/') { "file://" } else { "" });
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
