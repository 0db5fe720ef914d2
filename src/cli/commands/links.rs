//! `linkscope links`: the tagged link for every marketplace; with `--live`, whether each
//! covered marketplace sells the product, and a tagged search for its title where it does not.

use std::path::Path;

use serde::Serialize;

use linkscope::health::{Destination, Health, Plan};
use linkscope::links::product_id;
use linkscope::{
    affiliate_link, format_links, generate, Coverage, Format, GeneratedLink, Marketplace, Profile,
};

use crate::exit::{Exit, Failure, Outcome};
use crate::input::load_profile;
use crate::live::{Live, LiveArgs};
use crate::output::table;
use crate::term::{diag, emit};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LinksFormat {
    Url,
    Markdown,
    Html,
    Json,
}

pub fn run(input: &str, profile: &Path, format: LinksFormat, live: &LiveArgs) -> Outcome {
    live.check_used()?;
    let profile = load_profile(profile)?;
    let links = generate(&profile, input)?;
    if live.live {
        return availability(&profile, input, &links, format, live);
    }
    let format = match format {
        LinksFormat::Url => {
            let rows: Vec<Vec<String>> = links
                .iter()
                .map(|l| {
                    vec![
                        l.marketplace.to_owned(),
                        coverage_note(l).to_owned(),
                        l.url.clone(),
                    ]
                })
                .collect();
            emit(&table(&["MARKETPLACE", "COVERAGE", "LINK"], &rows))?;
            return Ok(Exit::Success);
        }
        LinksFormat::Markdown => Format::Markdown,
        LinksFormat::Html => Format::Html,
        LinksFormat::Json => {
            emit(&(format_links(&links, Format::Json) + "\n"))?;
            return Ok(Exit::Success);
        }
    };
    // Markdown and HTML are pasted as they are: like the popup's "Copy all", only the links
    // that earn, and a word on stderr for the marketplaces left out.
    let (earning, left_out): (Vec<GeneratedLink>, Vec<GeneratedLink>) = links
        .into_iter()
        .partition(|l| l.coverage != Coverage::None);
    if earning.is_empty() {
        return Err(Failure(
            "the profile earns in no marketplace: add a tracking ID (or OneLink) first".to_owned(),
        ));
    }
    if !left_out.is_empty() {
        let names: Vec<&str> = left_out.iter().map(|l| l.marketplace).collect();
        diag(&format!(
            "left out {} marketplace{} where the profile does not earn (no tracking ID, no \
             OneLink): {}",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        ));
    }
    emit(&(format_links(&earning, format) + "\n"))?;
    Ok(Exit::Success)
}

fn coverage_note(l: &GeneratedLink) -> &'static str {
    if l.redirected {
        "onelink (redirected)"
    } else {
        l.coverage.as_str()
    }
}

/// One covered marketplace's answer (`--live`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Availability {
    marketplace: &'static str,
    coverage: &'static str,
    /// The health state, as `audit --live` names it (`available`, `notFound`, …).
    health: &'static str,
    /// What decided, for a person.
    health_detail: String,
    title: Option<String>,
    /// The tagged product link, or where the product is missing the tagged search for its
    /// title (`search: true`); `null` when neither can be made.
    url: Option<String>,
    search: bool,
}

/// Checks the product in every marketplace the profile covers.
fn availability(
    profile: &Profile,
    input: &str,
    links: &[GeneratedLink],
    format: LinksFormat,
    args: &LiveArgs,
) -> Outcome {
    if matches!(format, LinksFormat::Markdown | LinksFormat::Html) {
        return Err(Failure(
            "--live prints a table (--format url) or JSON (--format json)".to_owned(),
        ));
    }
    let asin = product_id(input)?.asin;
    let covered: Vec<&GeneratedLink> = links
        .iter()
        .filter(|l| l.coverage != Coverage::None)
        .collect();
    let markets: Vec<&'static Marketplace> = covered
        .iter()
        .filter_map(|l| Marketplace::by_domain(l.marketplace))
        .collect();
    let mut plan = Plan::availability(asin, markets.iter().copied());
    let results = Live::new(args)?.run(&mut plan);
    // The title as any marketplace gave it, for the searches.
    let title = results.checks.iter().find_map(|c| c.title.clone());
    let rows: Vec<Availability> = covered
        .iter()
        .zip(&markets)
        .zip(&results.checks)
        .map(|((link, market), check)| {
            let missing = matches!(
                check.health,
                Health::NotFound
                    | Health::Redirected {
                        to: Destination::Search
                            | Destination::Home
                            | Destination::OtherPage
                            | Destination::NotAmazon,
                        ..
                    }
            );
            let search = if missing {
                title
                    .as_deref()
                    .and_then(|t| search_link(profile, market, t))
            } else {
                None
            };
            Availability {
                marketplace: link.marketplace,
                coverage: coverage_note(link),
                health: check.health.as_str(),
                health_detail: check.why.clone(),
                title: check.title.clone(),
                search: search.is_some(),
                url: search.or_else(|| (!missing).then(|| link.url.clone())),
            }
        })
        .collect();
    match format {
        LinksFormat::Json => emit(&(serde_json::to_string_pretty(&rows)? + "\n"))?,
        _ => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let link = match (&r.url, r.search) {
                        (Some(url), true) => format!("search: {url}"),
                        (Some(url), false) => url.clone(),
                        (None, _) => "-".to_owned(),
                    };
                    vec![
                        r.marketplace.to_owned(),
                        r.coverage.to_owned(),
                        r.health.to_owned(),
                        link,
                    ]
                })
                .collect();
            let mut text = table(&["MARKETPLACE", "COVERAGE", "HEALTH", "LINK"], &cells);
            if let Some(title) = &title {
                text = format!("{}\n{text}", crate::term::printable(title));
            }
            emit(&text)?;
        }
    }
    Ok(Exit::Success)
}

/// The user's tagged search for `title` in `market` (`/s?k=…&tag=…`), made by the core.
fn search_link(profile: &Profile, market: &'static Marketplace, title: &str) -> Option<String> {
    let url =
        url::Url::parse_with_params(&format!("{}/s", market.origin()), [("k", title)]).ok()?;
    affiliate_link(profile, url.as_str(), Some(market))
        .ok()
        .map(|l| l.url)
}
