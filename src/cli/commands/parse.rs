//! `linkscope parse`: classify URLs and print JSON Lines.

use std::io::{self, BufRead};

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
    // U+FFFD rather than stopping the run.
    for input in io::stdin().lock().split(b'\n') {
        let bytes = input?;
        let input = String::from_utf8_lossy(&bytes);
        let input = input.strip_suffix('\r').unwrap_or(&input);
        if input.trim().is_empty() {
            continue;
        }
        out.write(&line(input)?)?;
    }
    out.flush()?;
    Ok(Exit::Success)
}
