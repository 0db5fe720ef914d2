//! Linkscope's core: detects Amazon Associates links, shows where a profile earns, generates
//! tagged localized links and audits batches of links. Pure Rust with no host dependencies: the
//! browser extension uses it through the thin `wasm` bindings, the CLI natively.
//!
//! ```
//! use linkscope::{classify, Kind};
//! let link = classify("https://www.amazon.co.uk/gp/product/B08N5WRWNW?tag=site-21&linkCode=ll1");
//! assert_eq!(link.kind, Kind::Product);
//! assert_eq!(link.asin.unwrap().as_str(), "B08N5WRWNW");
//! assert_eq!(link.clean.as_deref(), Some("https://www.amazon.co.uk/dp/B08N5WRWNW?tag=site-21"));
//! ```
#![deny(unsafe_code)]

pub mod audit;
pub mod classify;
pub mod clean;
pub mod health;
pub mod http_url;
pub mod ids;
pub mod json;
pub mod links;
pub mod marketplace;
pub mod profile;
pub mod qr;
mod words;

#[cfg(feature = "extract")]
pub mod extract;

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod wasm;

pub use audit::{audit, verdict, Audit, Finding, Summary, Verdict};
pub use classify::{classify, Classifier, Found, Kind, Link, Problem};
pub use ids::{Asin, IdError, TrackingId};
pub use links::{
    affiliate_link, coverage, format_links, generate, Coverage, CoverageRow, Format, GeneratedLink,
    LinkError,
};
pub use marketplace::{Marketplace, Region, ShortHost, MARKETPLACES, SHORT_HOSTS};
pub use profile::{CopyTarget, FieldError, Preferences, Profile, ProfileErrors};
