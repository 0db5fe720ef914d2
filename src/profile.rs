//! The user's profile: home store, tracking IDs, OneLink marketplaces and link preferences.
//! Its JSON form is the extension's settings export and the CLI's `--profile` file.

use std::fmt;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::json::Json;

use crate::ids::TrackingId;
use crate::marketplace::{Marketplace, MARKETPLACES};

/// The profile format version this build reads and writes.
pub const PROFILE_VERSION: i64 = 1;

/// Which marketplace a copied link is for when the user does not pick one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CopyTarget {
    /// The marketplace of the link being copied.
    #[default]
    Link,
    /// The home marketplace.
    Home,
}

/// How generated links are built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    /// Keep the `th` and `psc` variant parameters.
    pub keep_variant: bool,
    /// Keep the `ascsubtag` sub-tracking parameter.
    pub keep_subtag: bool,
    pub copy_target: CopyTarget,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            keep_variant: true,
            keep_subtag: true,
            copy_target: CopyTarget::Link,
        }
    }
}

/// A validated profile.
///
/// ```
/// use linkscope::Profile;
/// let p = Profile::from_json(r#"{"version":1,"home":"amazon.com",
///     "trackingIds":{"amazon.com":"abc-20","amazon.de":"abc0b-21"},
///     "oneLink":["amazon.co.uk","amazon.de"]}"#).unwrap();
/// assert_eq!(p.home.domain, "amazon.com");
/// assert!(Profile::from_json(r#"{"version":1}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub home: &'static Marketplace,
    /// One slot per row of [`MARKETPLACES`].
    tracking_ids: Vec<Option<TrackingId>>,
    /// In table order, never the home marketplace.
    pub one_link: Vec<&'static Marketplace>,
    pub preferences: Preferences,
}

/// One thing wrong with a profile, tied to the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Where: `home`, `trackingIds.amazon.de`, `oneLink[2]`, ...
    pub field: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Everything wrong with a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ProfileErrors(pub Vec<FieldError>);

impl fmt::Display for ProfileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid profile:")?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ProfileErrors {}

struct Errors(Vec<FieldError>);

impl Errors {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }
}

/// How many problems a profile lists at most; a last line counts the rest.
const MAX_ERRORS: usize = 100;

/// A key that appears twice in one object: JSON readers disagree on which value wins (most keep
/// the last), so the profile is not guessed at.
const LISTED_TWICE: &str = "listed twice: keep one";

/// For a key of an object with the fields `known`: `None` when it is not one of them, else
/// whether it came before (`seen` keeps track).
fn seen_before(key: &str, known: &[&str], seen: &mut [bool]) -> Option<bool> {
    let i = known.iter().position(|k| *k == key)?;
    Some(std::mem::replace(&mut seen[i], true))
}

fn unknown_marketplace(name: &str) -> String {
    format!("unknown marketplace \"{name}\" (use a domain such as amazon.de)")
}

impl Profile {
    /// An empty profile for `home`: no tracking IDs, no OneLink, default preferences.
    pub fn new(home: &'static Marketplace) -> Profile {
        Profile {
            home,
            tracking_ids: vec![None; MARKETPLACES.len()],
            one_link: Vec::new(),
            preferences: Preferences::default(),
        }
    }

    /// Parses and validates the JSON form, listing every problem found. A leading byte order
    /// mark is skipped; text over 1 MB, nesting over 100 levels and repeated keys are errors.
    pub fn from_json(text: &str) -> Result<Profile, ProfileErrors> {
        match Json::parse(text) {
            Ok(v) => Profile::from_value(&v),
            Err(e) => Err(ProfileErrors(vec![FieldError {
                field: "(file)".into(),
                message: e.0,
            }])),
        }
    }

    /// Validates an already-parsed JSON value.
    pub fn from_value(v: &Json) -> Result<Profile, ProfileErrors> {
        let mut errors = Errors(Vec::new());
        let Json::Object(fields) = v else {
            errors.add(
                "(profile)",
                format!("expected an object, found {}", v.kind()),
            );
            return Err(ProfileErrors(errors.0));
        };
        const FIELDS: [&str; 5] = ["version", "home", "trackingIds", "oneLink", "preferences"];
        let mut seen = [false; FIELDS.len()];
        for (key, _) in fields {
            match seen_before(key, &FIELDS, &mut seen) {
                None => errors.add(key.clone(), "unknown field"),
                Some(true) => errors.add(key.clone(), LISTED_TWICE),
                Some(false) => {}
            }
        }
        match v.get("version").map(|n| (n, n.as_whole())) {
            None => errors.add("version", "missing (this build reads version 1)"),
            Some((_, Some(n))) if n == PROFILE_VERSION => {}
            Some((_, Some(n))) if n > PROFILE_VERSION => errors.add(
                "version",
                format!("version {n} comes from a newer Linkscope; this one reads version 1"),
            ),
            Some((other, _)) => {
                errors.add("version", format!("expected 1, found {}", other.kind()))
            }
        }
        let home = match v.get("home") {
            None => {
                errors.add(
                    "home",
                    "missing: name your home marketplace, e.g. amazon.com",
                );
                None
            }
            Some(Json::String(s)) => {
                let m = Marketplace::lookup(s);
                if m.is_none() {
                    errors.add("home", unknown_marketplace(s));
                }
                m
            }
            Some(other) => {
                errors.add("home", format!("expected text, found {}", other.kind()));
                None
            }
        };
        let mut profile = Profile::new(home.unwrap_or(&MARKETPLACES[0]));
        profile.read_tracking_ids(v.get("trackingIds"), &mut errors);
        profile.read_one_link(v.get("oneLink"), home, &mut errors);
        profile.read_preferences(v.get("preferences"), &mut errors);
        if errors.0.is_empty() {
            return Ok(profile);
        }
        let mut errors = errors.0;
        if errors.len() > MAX_ERRORS {
            let more = errors.len() - MAX_ERRORS;
            errors.truncate(MAX_ERRORS);
            errors.push(FieldError {
                field: "(profile)".into(),
                message: format!("and {more} more problems"),
            });
        }
        Err(ProfileErrors(errors))
    }

    fn read_tracking_ids(&mut self, v: Option<&Json>, errors: &mut Errors) {
        let Some(v) = v else { return };
        let Json::Object(map) = v else {
            errors.add(
                "trackingIds",
                format!("expected an object, found {}", v.kind()),
            );
            return;
        };
        for (key, value) in map {
            let field = format!("trackingIds.{key}");
            let Some(m) = Marketplace::lookup(key) else {
                errors.add(field, unknown_marketplace(key));
                continue;
            };
            let Some(text) = value.as_str() else {
                errors.add(field, format!("expected text, found {}", value.kind()));
                continue;
            };
            match TrackingId::parse(text.trim()) {
                Err(e) => errors.add(field, e.to_string()),
                Ok(_) if self.tracking_ids[m.index()].is_some() => {
                    errors.add(field, format!("{} is listed twice", m.domain));
                }
                Ok(id) => self.tracking_ids[m.index()] = Some(id),
            }
        }
    }

    fn read_one_link(
        &mut self,
        v: Option<&Json>,
        home: Option<&'static Marketplace>,
        errors: &mut Errors,
    ) {
        let Some(v) = v else { return };
        let Json::Array(list) = v else {
            errors.add("oneLink", format!("expected a list, found {}", v.kind()));
            return;
        };
        for (i, item) in list.iter().enumerate() {
            let field = format!("oneLink[{i}]");
            let Some(name) = item.as_str() else {
                errors.add(field, format!("expected text, found {}", item.kind()));
                continue;
            };
            let Some(m) = Marketplace::lookup(name) else {
                errors.add(field, unknown_marketplace(name));
                continue;
            };
            match home {
                Some(h) if h == m => {
                    errors.add(field, format!("{} is the home marketplace", m.domain));
                }
                Some(h) if h.domain == "amazon.com" && !m.onelink_from_us => errors.add(
                    field,
                    format!("OneLink does not link amazon.com to {}", m.domain),
                ),
                // Kept sorted by domain as it is built (no sort routine in the .wasm).
                _ => {
                    if let Err(at) = self.one_link.binary_search_by_key(&m.domain, |o| o.domain) {
                        self.one_link.insert(at, m);
                    }
                }
            }
        }
    }

    fn read_preferences(&mut self, v: Option<&Json>, errors: &mut Errors) {
        let Some(v) = v else { return };
        let Json::Object(map) = v else {
            errors.add(
                "preferences",
                format!("expected an object, found {}", v.kind()),
            );
            return;
        };
        const FIELDS: [&str; 3] = ["keepVariant", "keepSubtag", "copyTarget"];
        let mut seen = [false; FIELDS.len()];
        for (key, value) in map {
            let field = format!("preferences.{key}");
            if seen_before(key, &FIELDS, &mut seen) == Some(true) {
                errors.add(field, LISTED_TWICE);
                continue;
            }
            match (key.as_str(), value) {
                ("keepVariant", Json::Bool(b)) => self.preferences.keep_variant = *b,
                ("keepSubtag", Json::Bool(b)) => self.preferences.keep_subtag = *b,
                ("keepVariant" | "keepSubtag", other) => errors.add(
                    field,
                    format!("expected true or false, found {}", other.kind()),
                ),
                ("copyTarget", Json::String(s)) if s == "link" => {
                    self.preferences.copy_target = CopyTarget::Link
                }
                ("copyTarget", Json::String(s)) if s == "home" => {
                    self.preferences.copy_target = CopyTarget::Home
                }
                ("copyTarget", _) => errors.add(field, "expected \"link\" or \"home\""),
                _ => errors.add(field, "unknown field"),
            }
        }
    }

    /// The user's tracking ID for `m`, if any.
    pub fn tracking_id(&self, m: &'static Marketplace) -> Option<&TrackingId> {
        self.tracking_ids[m.index()].as_ref()
    }

    /// Sets or clears the tracking ID for `m`.
    pub fn set_tracking_id(&mut self, m: &'static Marketplace, id: Option<TrackingId>) {
        self.tracking_ids[m.index()] = id;
    }

    /// Every (marketplace, tracking ID) pair, in table order.
    pub fn tracking_ids(&self) -> impl Iterator<Item = (&'static Marketplace, &TrackingId)> {
        MARKETPLACES
            .iter()
            .zip(&self.tracking_ids)
            .filter_map(|(m, id)| id.as_ref().map(|id| (m, id)))
    }

    /// Things worth a second look that are not errors: suffixes that do not fit, OneLink
    /// without a home tracking ID.
    pub fn warnings(&self) -> Vec<FieldError> {
        let mut out: Vec<FieldError> = self
            .tracking_ids()
            .filter_map(|(m, id)| {
                id.suffix_warning(m).map(|message| FieldError {
                    field: format!("trackingIds.{}", m.domain),
                    message,
                })
            })
            .collect();
        if !self.one_link.is_empty() && self.tracking_id(self.home).is_none() {
            out.push(FieldError {
                field: "oneLink".into(),
                message: format!(
                    "OneLink earns through the home store: add a tracking ID for {}",
                    self.home.domain
                ),
            });
        }
        out
    }

    /// The JSON form, with canonical domains in table order.
    pub fn json_form(&self) -> ProfileJson<'_> {
        ProfileJson {
            version: PROFILE_VERSION,
            home: self.home.domain,
            tracking_ids: DomainMap(
                self.tracking_ids()
                    .map(|(m, id)| (m.domain, id.as_str()))
                    .collect(),
            ),
            one_link: self.one_link.iter().map(|m| m.domain).collect(),
            preferences: &self.preferences,
        }
    }

    /// The JSON text, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.json_form()).unwrap_or_default()
    }
}

/// The JSON form of a profile, for writing it (the settings export, the CLI's `--profile`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileJson<'a> {
    pub version: i64,
    pub home: &'static str,
    pub tracking_ids: DomainMap<'a>,
    pub one_link: Vec<&'static str>,
    pub preferences: &'a Preferences,
}

/// Tracking IDs by domain, sorted by domain (table order), written as a JSON object. A list
/// rather than a `BTreeMap`: already in order, and no sort routine in the .wasm.
#[derive(Debug)]
pub struct DomainMap<'a>(pub Vec<(&'static str, &'a str)>);

impl Serialize for DomainMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (domain, id) in &self.0 {
            map.serialize_entry(domain, id)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<String> {
        Profile::from_json(text)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn reads_the_documented_example() {
        let p = Profile::from_json(
            r#"{"version":1,"home":"amazon.com","trackingIds":{"amazon.com":"abc-20","amazon.de":"abc0b-21"},"oneLink":["amazon.co.uk","amazon.de"]}"#,
        )
        .unwrap();
        let de = Marketplace::by_domain("amazon.de").unwrap();
        assert_eq!(p.tracking_id(de).unwrap().as_str(), "abc0b-21");
        assert_eq!(p.one_link.len(), 2);
        assert_eq!(p.preferences, Preferences::default());
        assert!(p.warnings().is_empty());
    }

    #[test]
    fn lists_every_error_by_field() {
        let got = fields(
            r#"{"version":2,"home":"amazon.zz","trackingIds":{"amazon.de":"bad id","xx":"a-21"},"oneLink":["amazon.in",5],"preferences":{"keepVariant":"yes","copyTarget":"x"},"extra":1}"#,
        );
        assert_eq!(
            got,
            [
                "extra",
                "version",
                "home",
                "trackingIds.amazon.de",
                "trackingIds.xx",
                // oneLink[0] (amazon.in) is only wrong for a US home; this home is unknown.
                "oneLink[1]",
                "preferences.keepVariant",
                "preferences.copyTarget"
            ]
        );
        assert_eq!(fields("[1]"), ["(profile)"]);
        assert_eq!(fields("{"), ["(file)"]);
    }

    #[test]
    fn one_link_rules() {
        assert_eq!(
            fields(r#"{"version":1,"home":"amazon.com","oneLink":["amazon.com","amazon.in"]}"#),
            ["oneLink[0]", "oneLink[1]"]
        );
        // A UK home store may link marketplaces the US list does not name.
        assert!(Profile::from_json(
            r#"{"version":1,"home":"amazon.co.uk","oneLink":["amazon.com"]}"#
        )
        .is_ok());
    }

    #[test]
    fn round_trips_and_warns() {
        let text = r#"{"version":1,"home":"US","trackingIds":{"DE":"abc-20"},"oneLink":["uk","amazon.co.uk"],"preferences":{"copyTarget":"home","keepSubtag":false}}"#;
        let p = Profile::from_json(text).unwrap();
        let again = Profile::from_json(&p.to_json()).unwrap();
        assert_eq!(p, again);
        assert_eq!(p.json_form().tracking_ids.0, [("amazon.de", "abc-20")]);
        let warned: Vec<_> = p.warnings().into_iter().map(|w| w.field).collect();
        assert_eq!(warned, ["trackingIds.amazon.de", "oneLink"]);
    }

    #[test]
    fn rejects_repeated_keys_by_field() {
        let errors = |text: &str| Profile::from_json(text).unwrap_err().0;
        let e = errors(r#"{"version":1,"home":"amazon.com","home":"amazon.de"}"#);
        assert_eq!(
            e,
            [FieldError {
                field: "home".into(),
                message: LISTED_TWICE.into()
            }]
        );
        let e = errors(
            r#"{"version":1,"home":"US","trackingIds":{"amazon.de":"a-21","amazon.de":"b-21"}}"#,
        );
        assert_eq!(
            e[0].to_string(),
            "trackingIds.amazon.de: amazon.de is listed twice"
        );
        let e = errors(
            r#"{"version":1,"home":"US","preferences":{"keepSubtag":true,"keepSubtag":false}}"#,
        );
        assert_eq!(e[0].field, "preferences.keepSubtag");
    }

    #[test]
    fn reads_a_byte_order_mark_and_bounds_size_and_depth() {
        let p = "\u{feff}{\"version\":1,\"home\":\"amazon.de\"}";
        assert_eq!(Profile::from_json(p).unwrap().home.domain, "amazon.de");
        let huge = format!(
            r#"{{"version":1,"home":"US","x":"{}"}}"#,
            " ".repeat(1_000_000)
        );
        assert_eq!(
            Profile::from_json(&huge).unwrap_err().to_string(),
            "invalid profile:\n  (file): too large (1000032 bytes): a profile is at most 1 MB"
        );
        let deep = format!(
            r#"{{"version":1,"home":"US","x":{}1{}}}"#,
            "[".repeat(5000),
            "]".repeat(5000)
        );
        let e = Profile::from_json(&deep).unwrap_err().0;
        assert!(
            e[0].message.contains("nested more than 100 levels deep"),
            "{e:?}"
        );
    }

    #[test]
    fn reads_many_keys() {
        // 100,000 keys once took quadratic time; `linkscope-bench` prints the figure.
        let keys: Vec<String> = (0..100_000).map(|i| format!("\"{i:x}\":0")).collect();
        let text = format!(
            r#"{{"version":1,"home":"US","trackingIds":{{{}}}}}"#,
            keys.join(",")
        );
        let e = Profile::from_json(&text).unwrap_err().0;
        assert_eq!(e.len(), MAX_ERRORS + 1);
        assert_eq!(
            e[0].to_string(),
            r#"trackingIds.0: unknown marketplace "0" (use a domain such as amazon.de)"#
        );
        assert_eq!(
            e[MAX_ERRORS].to_string(),
            "(profile): and 99900 more problems"
        );
    }
}
