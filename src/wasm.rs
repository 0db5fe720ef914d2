//! The JavaScript bindings: each converts its input, calls one core function and converts the
//! result to plain objects with camelCase keys. Errors become JS `Error`s here and nowhere else.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Marketplace, Profile, ProfileErrors};

/// Any error as a JS `Error` with the error's message.
fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(js_error)
}

/// A profile from its JSON form: a JS object, or JSON text (an imported file, read as the CLI
/// reads one: a byte order mark skipped, repeated keys rejected).
fn read_profile(value: JsValue) -> Result<Profile, ProfileErrors> {
    if let Some(text) = value.as_string() {
        return Profile::from_json(&text);
    }
    match serde_wasm_bindgen::from_value(value) {
        Ok(json) => Profile::from_value(&json),
        Err(e) => {
            // The core's own limits keep their message; anything else is a value JSON lacks.
            let text = e.to_string();
            let text = text.strip_prefix("Error: ").unwrap_or(&text);
            let message = if text.starts_with("invalid type") {
                "holds something JSON cannot (a function or a symbol)"
            } else {
                text
            };
            Err(ProfileErrors(vec![crate::FieldError {
                field: "(profile)".into(),
                message: message.into(),
            }]))
        }
    }
}

/// A profile as [`read_profile`] reads it; invalid ones throw with every field error.
fn profile(value: JsValue) -> Result<Profile, JsError> {
    read_profile(value).map_err(js_error)
}

fn marketplace(name: &str) -> Result<&'static Marketplace, JsError> {
    Marketplace::lookup(name).ok_or_else(|| js_error(format!("unknown marketplace {name}")))
}

/// `{ marketplaces: [...], shortHosts: [...] }`: the one marketplace table.
#[wasm_bindgen]
pub fn marketplaces() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Table {
        marketplaces: &'static [Marketplace],
        short_hosts: &'static [crate::ShortHost],
    }
    to_js(&Table {
        marketplaces: crate::MARKETPLACES,
        short_hosts: crate::SHORT_HOSTS,
    })
}

/// Classifies a batch of links (found on the page at `base`), given as one string with a link
/// a line: one crossing of the boundary for a whole page. Returns a line per link: empty for
/// links that are not Amazon's, else the tab-separated fields `kind marketplace country asin tag
/// subtag clean problem` (empty for none; `\`, tab and line breaks escaped as `\\ \t \n \r`).
/// `extension/core.js` turns this into objects.
#[wasm_bindgen(js_name = classifyPacked)]
pub fn classify_packed(links: &str, base: Option<String>) -> String {
    let c = crate::Classifier::new(base.as_deref());
    let mut out = String::with_capacity(links.len() / 2);
    for (i, input) in links.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let link = c.classify(input);
        if !link.is_amazon() {
            continue;
        }
        let fields = [
            Some(link.kind.as_str()),
            link.marketplace.map(|m| m.domain),
            link.marketplace.map(|m| m.country),
            link.asin.as_ref().map(|a| a.as_str()),
            link.tag.as_deref(),
            link.subtag.as_deref(),
            link.clean.as_deref(),
            link.problem.map(|p| p.as_str()),
        ];
        for (j, field) in fields.into_iter().enumerate() {
            if j > 0 {
                out.push('\t');
            }
            match field {
                None => {}
                Some("") => out.push_str("\\e"),
                Some(text) if !text.contains(['\\', '\t', '\n', '\r']) => out.push_str(text),
                Some(text) => {
                    for ch in text.chars() {
                        match ch {
                            '\\' => out.push_str("\\\\"),
                            '\t' => out.push_str("\\t"),
                            '\n' => out.push_str("\\n"),
                            '\r' => out.push_str("\\r"),
                            _ => out.push(ch),
                        }
                    }
                }
            }
        }
    }
    out
}

/// Audits a batch of links (one string, a link a line, as for `classifyPacked`) against a
/// profile: the JSON text of `{ findings, summary }`, findings for Amazon links only, each with
/// the `index` of its link. JSON because one `JSON.parse` is far cheaper than building
/// thousands of objects across the boundary; `extension/core.js` parses it.
#[wasm_bindgen(js_name = auditJson)]
pub fn audit_json(
    profile_json: JsValue,
    links: &str,
    base: Option<String>,
) -> Result<String, JsError> {
    let p = profile(profile_json)?;
    serde_json::to_string(&crate::audit(&p, base.as_deref(), links.split('\n'))).map_err(js_error)
}

/// The tagged link for every marketplace for one product (ASIN or URL).
#[wasm_bindgen(js_name = generateLinks)]
pub fn generate_links(profile_json: JsValue, input: &str) -> Result<JsValue, JsError> {
    let p = profile(profile_json)?;
    to_js(&crate::generate(&p, input).map_err(js_error)?)
}

/// The one link to copy for `input`, for `target` or where the preferences say.
#[wasm_bindgen(js_name = affiliateLink)]
pub fn affiliate_link(
    profile_json: JsValue,
    input: &str,
    target: Option<String>,
) -> Result<JsValue, JsError> {
    let p = profile(profile_json)?;
    let target = target.as_deref().map(marketplace).transpose()?;
    let link = crate::affiliate_link(&p, input, target).map_err(js_error)?;
    to_js(&link)
}

/// Coverage of every marketplace.
#[wasm_bindgen]
pub fn coverage(profile_json: JsValue) -> Result<JsValue, JsError> {
    to_js(&crate::coverage(&profile(profile_json)?))
}

/// Validates a profile (a JS object or JSON text) without throwing: `{ ok, profile, errors,
/// warnings }`, where `profile` is the normalized JSON form (canonical domains) when valid.
#[wasm_bindgen(js_name = validateProfile)]
pub fn validate_profile(value: JsValue) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Checked<'a> {
        ok: bool,
        profile: Option<crate::profile::ProfileJson<'a>>,
        errors: Vec<crate::FieldError>,
        warnings: Vec<crate::FieldError>,
    }
    let parsed = read_profile(value);
    let checked = match &parsed {
        Ok(p) => Checked {
            ok: true,
            profile: Some(p.json_form()),
            errors: Vec::new(),
            warnings: p.warnings(),
        },
        Err(e) => Checked {
            ok: false,
            profile: None,
            errors: e.0.clone(),
            warnings: Vec::new(),
        },
    };
    to_js(&checked)
}

/// Checks one tracking ID for a marketplace as the user types: `{ error, warning }`.
#[wasm_bindgen(js_name = checkTrackingId)]
pub fn check_tracking_id(id: &str, marketplace_name: &str) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Check {
        error: Option<&'static str>,
        warning: Option<String>,
    }
    let m = marketplace(marketplace_name)?;
    let check = match crate::TrackingId::parse(id.trim()) {
        Ok(id) => Check {
            error: None,
            warning: id.suffix_warning(m),
        },
        Err(e) => Check {
            error: Some(e),
            warning: None,
        },
    };
    to_js(&check)
}

/// A QR code of `text` as `{ size, path }` (an SVG path), or `null` when the text is too long.
#[wasm_bindgen(js_name = qrPath)]
pub fn qr_path(text: &str) -> Result<JsValue, JsError> {
    to_js(&crate::qr::qr_path(text))
}
