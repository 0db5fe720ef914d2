//! Writing for people and pipes: control characters escaped in everything a terminal shows,
//! diagnostics that never panic, and stdout that treats a closed pipe as the reader being done.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::exit::Failure;

/// `s` with control characters (C0, DEL, C1) and bidirectional overrides escaped as `\u{…}`
/// (`\t`, `\n`, `\r` as themselves escaped), so a page cannot retitle or clear the terminal.
pub fn printable(s: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `s` made printable and cut to `max` characters, the cut marked with an ellipsis.
pub fn cell(s: &str, max: usize) -> String {
    let s = printable(s);
    if s.chars().count() <= max {
        return s.into_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Writes `linkscope: <message>` to stderr, each further line of the message indented (so no
/// line of it can pass for a diagnostic of its own) and each line made printable. A closed or
/// failing stderr is ignored: a diagnostic never aborts a run.
pub fn diag(message: &str) {
    let _ = io::stderr()
        .lock()
        .write_all(diagnostic(message).as_bytes());
}

fn diagnostic(message: &str) -> String {
    let mut text = String::from("linkscope: ");
    for (i, line) in message.split('\n').enumerate() {
        if i > 0 {
            text.push_str(if line.starts_with("  ") { "\n" } else { "\n  " });
        }
        text.push_str(&printable(line));
    }
    text.push('\n');
    text
}

/// Standard output, buffered; once the reader has gone (a closed pipe), further writes are
/// dropped and the run goes on to its normal exit status.
pub struct Out {
    inner: io::BufWriter<io::StdoutLock<'static>>,
    closed: bool,
}

impl Out {
    pub fn new() -> Out {
        Out {
            inner: io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
            closed: false,
        }
    }

    pub fn write(&mut self, text: &str) -> Result<(), Failure> {
        self.write_bytes(text.as_bytes())
    }

    pub fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.write_all(bytes);
        self.check(result)
    }

    /// Copies the rest of `from` (in the kernel where it can: `copy_file_range`, `sendfile`,
    /// `splice`).
    pub fn copy_from(&mut self, from: &mut std::fs::File) -> Result<(), Failure> {
        self.flush()?;
        if self.closed {
            return Ok(());
        }
        let result = io::copy(from, self.inner.get_mut()).map(drop);
        self.check(result)
    }

    pub fn flush(&mut self) -> Result<(), Failure> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.check(result)
    }

    fn check(&mut self, result: io::Result<()>) -> Result<(), Failure> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(Failure(format!("cannot write the output: {e}"))),
            Ok(()) => Ok(()),
        }
    }
}

/// Writes `text` to stdout in one go.
pub fn emit(text: &str) -> Result<(), Failure> {
    let mut out = Out::new();
    out.write(text)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_keeps_its_lines_indented_and_printable() {
        assert_eq!(
            diagnostic("p.json: invalid profile:\n  home: bad\n  oneLink[0]: x"),
            "linkscope: p.json: invalid profile:\n  home: bad\n  oneLink[0]: x\n"
        );
        assert_eq!(
            diagnostic("a\nlinkscope: fake\r\u{1b}[2J"),
            "linkscope: a\n  linkscope: fake\\r\\u{1b}[2J\n"
        );
    }

    #[test]
    fn escapes_what_terminals_obey() {
        assert_eq!(printable("plain é"), "plain é");
        assert_eq!(
            printable("a\u{1b}]0;pwned\u{7}b\u{9b}c\u{202e}"),
            "a\\u{1b}]0;pwned\\u{7}b\\u{9b}c\\u{202e}"
        );
        assert_eq!(cell("abcdef", 4), "abc…");
        assert_eq!(cell("ab\ncd", 10), "ab\\ncd");
    }
}
