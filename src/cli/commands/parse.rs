//! `linkscope parse`: classify URLs and print JSON Lines.

use std::io::{self, BufRead, Read};

use serde::Serialize;

use linkscope::{Classifier, Link};

use crate::exit::{Exit, Failure, Outcome};
use crate::term::Out;

#[derive(Serialize)]
struct Parsed<'a> {
    input: &'a str,
    #[serde(flatten)]
    link: Link,
}

/// The longest line read from standard input.
const MAX_LINE: u64 = 1 << 20;

pub fn run(urls: &[String]) -> Outcome {
    let classifier = Classifier::new(None);
    let line = |input: &str| -> Result<String, Failure> {
        let link = classifier.classify(input);
        Ok(serde_json::to_string(&Parsed { input, link })? + "\n")
    };
    let mut out = Out::new();
    if !urls.is_empty() {
        for url in urls {
            out.write(&line(url)?)?;
        }
        out.flush()?;
        return Ok(Exit::Success);
    }
    // Streams, so that a long list is not held in memory; bytes that are not UTF-8 become
    // U+FFFD rather than stopping the run; a line has a bounded length (`< /dev/zero` ends).
    let mut stdin = io::stdin().lock();
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        let n = (&mut stdin)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut bytes)?;
        if n == 0 {
            break;
        }
        if bytes.len() as u64 > MAX_LINE {
            out.flush()?;
            return Err(Failure(format!(
                "a line of standard input is longer than {MAX_LINE} bytes"
            )));
        }
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        let input = String::from_utf8_lossy(bytes);
        let input = input.strip_suffix('\r').unwrap_or(&input);
        if input.trim().is_empty() {
            continue;
        }
        out.write(&line(input)?)?;
    }
    out.flush()?;
    Ok(Exit::Success)
}
