//! `linkscope coverage`: where the profile earns.

use std::path::Path;

use linkscope::{coverage, Coverage};

use crate::exit::{Exit, Outcome};
use crate::input::load_profile;
use crate::output::table;
use crate::term::emit;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    Table,
    Json,
}

pub fn run(profile: &Path, format: TableFormat) -> Outcome {
    let profile = load_profile(profile)?;
    let rows = coverage(&profile);
    if format == TableFormat::Json {
        emit(&(serde_json::to_string_pretty(&rows)? + "\n"))?;
        return Ok(Exit::Success);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let marketplace = if r.home {
                format!("{} (home)", r.marketplace)
            } else {
                r.marketplace.to_owned()
            };
            // Through OneLink, the home ID earns on the home store's links that Amazon sends
            // on; a link to this store itself needs an ID of its own.
            let id = match (&r.tracking_id, r.coverage) {
                (Some(id), Coverage::Onelink) => format!("{id} (on {} links)", profile.home.domain),
                (Some(id), _) => id.clone(),
                (None, _) => "-".into(),
            };
            vec![
                r.country.to_owned(),
                marketplace,
                r.coverage.as_str().to_owned(),
                id,
            ]
        })
        .collect();
    let mut text = table(
        &["COUNTRY", "MARKETPLACE", "COVERAGE", "TRACKING ID"],
        &cells,
    );
    let count = |c| rows.iter().filter(|r| r.coverage == c).count();
    text.push_str(&format!(
        "\n{} direct, {} through OneLink, {} not covered\n",
        count(Coverage::Direct),
        count(Coverage::Onelink),
        count(Coverage::None)
    ));
    emit(&text)?;
    Ok(Exit::Success)
}
