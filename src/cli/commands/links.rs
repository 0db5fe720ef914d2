//! `linkscope links`: the tagged link for every marketplace.

use std::path::Path;

use linkscope::{format_links, generate, Format};

use crate::exit::{Exit, Outcome};
use crate::input::load_profile;
use crate::output::table;
use crate::term::emit;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LinksFormat {
    Url,
    Markdown,
    Html,
    Json,
}

pub fn run(input: &str, profile: &Path, format: LinksFormat) -> Outcome {
    let profile = load_profile(profile)?;
    let links = generate(&profile, input)?;
    let format = match format {
        LinksFormat::Url => {
            let rows: Vec<Vec<String>> = links
                .iter()
                .map(|l| {
                    let note = if l.redirected {
                        "onelink (redirected)"
                    } else {
                        l.coverage.as_str()
                    };
                    vec![l.marketplace.to_owned(), note.to_owned(), l.url.clone()]
                })
                .collect();
            emit(&table(&["MARKETPLACE", "COVERAGE", "LINK"], &rows))?;
            return Ok(Exit::Success);
        }
        LinksFormat::Markdown => Format::Markdown,
        LinksFormat::Html => Format::Html,
        LinksFormat::Json => Format::Json,
    };
    emit(&(format_links(&links, format) + "\n"))?;
    Ok(Exit::Success)
}
