//! Unified diffs of a file before and after `fix`, whose edits never add or remove a line.

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified diff of `old` and `new` (same number of lines), named `a/<name>` and `b/<name>`;
/// empty when they are equal.
pub fn unified(name: &str, old: &[u8], new: &[u8]) -> String {
    let old_lines: Vec<&[u8]> = old.split_inclusive(|&b| b == b'\n').collect();
    let new_lines: Vec<&[u8]> = new.split_inclusive(|&b| b == b'\n').collect();
    let changed: Vec<usize> = (0..old_lines.len().max(new_lines.len()))
        .filter(|&i| old_lines.get(i) != new_lines.get(i))
        .collect();
    if changed.is_empty() {
        return String::new();
    }
    let name = name.trim_start_matches('/');
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    let mut i = 0;
    while i < changed.len() {
        // A hunk: changes whose contexts touch.
        let mut j = i;
        while j + 1 < changed.len() && changed[j + 1] - changed[j] <= 2 * CONTEXT + 1 {
            j += 1;
        }
        let start = changed[i].saturating_sub(CONTEXT);
        let end = (changed[j] + CONTEXT + 1).min(old_lines.len());
        let count = end - start;
        out.push_str(&format!(
            "@@ -{},{count} +{},{count} @@\n",
            start + 1,
            start + 1
        ));
        for line in start..end {
            if changed[i..=j].contains(&line) {
                push_line(&mut out, '-', old_lines[line]);
                push_line(&mut out, '+', new_lines[line]);
            } else {
                push_line(&mut out, ' ', old_lines[line]);
            }
        }
        i = j + 1;
    }
    out
}

fn push_line(out: &mut String, mark: char, line: &[u8]) {
    out.push(mark);
    out.push_str(&String::from_utf8_lossy(line));
    if !line.ends_with(b"\n") {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_with_context() {
        let old = b"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\nlast";
        let new = b"1\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\nLAST";
        assert_eq!(
            unified("f.md", old, new),
            "--- a/f.md\n+++ b/f.md\n@@ -1,5 +1,5 @@\n 1\n-2\n+TWO\n 3\n 4\n 5\n\
             @@ -10,4 +10,4 @@\n 10\n 11\n 12\n-last\n\\ No newline at end of file\n\
             +LAST\n\\ No newline at end of file\n"
        );
        assert_eq!(unified("f", b"same\r\n", b"same\r\n"), "");
    }
}
