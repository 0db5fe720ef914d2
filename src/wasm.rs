//! The JavaScript bindings: each converts its input, calls one core function and converts the
//! result. Structured values cross as JSON text (one `JSON.stringify` or `JSON.parse` in
//! `extension/core.js`, far cheaper than building objects across the boundary, and no
//! serde-wasm-bindgen in the .wasm); link batches cross as one UTF-8 buffer in and compact
//! records out. Errors become JS `Error`s here and nowhere else.

use std::cell::RefCell;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Kind, Marketplace, Problem, Profile};

/// Any error as a JS `Error` with the error's message.
fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JsError> {
    serde_json::to_string(value).map_err(js_error)
}

/// A profile from its JSON text; invalid ones throw with every field error.
fn profile(json: &str) -> Result<Profile, JsError> {
    Profile::from_json(json).map_err(js_error)
}

fn marketplace(name: &str) -> Result<&'static Marketplace, JsError> {
    Marketplace::lookup(name).ok_or_else(|| js_error(format!("unknown marketplace {name}")))
}

/// `{ marketplaces: [...], shortHosts: [...] }`: the one marketplace table.
#[wasm_bindgen]
pub fn marketplaces() -> Result<String, JsError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Table {
        marketplaces: &'static [Marketplace],
        short_hosts: &'static [crate::ShortHost],
    }
    to_json(&Table {
        marketplaces: crate::MARKETPLACES,
        short_hosts: crate::SHORT_HOSTS,
    })
}

/// The buffers of a batch: the links as UTF-8 (written by JS) and the text of the results.
struct Batch {
    input: Vec<u8>,
    text: String,
}

thread_local! {
    static BATCH: RefCell<Batch> = const { RefCell::new(Batch { input: Vec::new(), text: String::new() }) };
}

/// The instance's `WebAssembly.Memory`, asked for each batch: an instance replaced after a fault
/// (extension/core.js) has a memory of its own.
#[wasm_bindgen(js_name = coreMemory)]
pub fn core_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Room for `len` bytes of links, one a line, for [`classify_batch`]: where JS writes them
/// (with `TextEncoder.encodeInto`, without a copy through a JS string).
#[wasm_bindgen(js_name = batchInput)]
pub fn batch_input(len: usize) -> *mut u8 {
    BATCH.with_borrow_mut(|b| {
        b.input.clear();
        b.input.resize(len, 0);
        b.input.as_mut_ptr()
    })
}

/// The kinds, problems and marketplaces that the codes of [`classify_batch`] number, as JSON:
/// `{ kinds, problems, marketplaces: [[domain, country], ...] }`.
#[wasm_bindgen(js_name = batchCodes)]
pub fn batch_codes() -> Result<String, JsError> {
    #[derive(Serialize)]
    struct Codes {
        kinds: Vec<&'static str>,
        problems: Vec<&'static str>,
        marketplaces: Vec<(&'static str, &'static str)>,
    }
    to_json(&Codes {
        kinds: KINDS.iter().map(|k| k.as_str()).collect(),
        problems: PROBLEMS.iter().map(|p| p.as_str()).collect(),
        marketplaces: crate::MARKETPLACES
            .iter()
            .map(|m| (m.domain, m.country))
            .collect(),
    })
}

const KINDS: [Kind; 8] = [
    Kind::Product,
    Kind::Search,
    Kind::Browse,
    Kind::Store,
    Kind::List,
    Kind::Short,
    Kind::Other,
    Kind::NotAmazon,
];

const PROBLEMS: [Problem; 4] = [
    Problem::InvalidAsin,
    Problem::EmptyTag,
    Problem::InvalidTag,
    Problem::ConflictingTags,
];

/// Words per Amazon link in the records of [`classify_batch`].
const RECORD: usize = 6;

/// Classifies the `count` links in the first `len` bytes of the batch input (one a line,
/// found on the page at `base`): one crossing of the boundary for a whole page. Returns
/// `RECORD` numbers per Amazon link, none for the others: the link's index; a code (bits 0-3
/// the kind, 4-7 the problem + 1, 8-15 the marketplace + 1, 16-19 which of asin, tag, subtag
/// and clean are present); and where asin, tag, subtag and clean end in the text of
/// [`batch_text`] (in UTF-16 units: each starts where the one before ends). An empty result with
/// a different number of lines than `count` is `[u32::MAX]`.
#[wasm_bindgen(js_name = classifyBatch)]
pub fn classify_batch(len: usize, count: usize, base: Option<String>) -> Vec<u32> {
    BATCH.with_borrow_mut(|batch| {
        let bytes = &batch.input[..len.min(batch.input.len())];
        // encodeInto writes valid UTF-8: the lossy way is for anything else.
        let input =
            std::str::from_utf8(bytes).map_or_else(|_| String::from_utf8_lossy(bytes), Into::into);
        let c = crate::Classifier::new(base.as_deref());
        let text = &mut batch.text;
        text.clear();
        let mut end = 0u32;
        let mut records = Vec::new();
        let mut lines = 0;
        for (i, line) in input.split('\n').enumerate() {
            lines += 1;
            if i >= count {
                break;
            }
            let link = c.classify(line);
            if !link.is_amazon() {
                continue;
            }
            let kind = KINDS.iter().position(|k| *k == link.kind).unwrap_or(0);
            let problem = link
                .problem
                .and_then(|p| PROBLEMS.iter().position(|q| *q == p));
            let marketplace = link.marketplace.map(|m| m.index());
            let fields = [
                link.asin.as_ref().map(|a| a.as_str()),
                link.tag.as_deref(),
                link.subtag.as_deref(),
                link.clean.as_deref(),
            ];
            let present = fields
                .iter()
                .enumerate()
                .fold(0, |bits, (j, f)| bits | (usize::from(f.is_some()) << j));
            let code = kind
                | problem.map_or(0, |p| p + 1) << 4
                | marketplace.map_or(0, |m| m + 1) << 8
                | present << 16;
            records.extend([i as u32, code as u32]);
            for field in fields {
                let f = field.unwrap_or("");
                text.push_str(f);
                end += if f.is_ascii() {
                    f.len()
                } else {
                    f.encode_utf16().count()
                } as u32;
                records.push(end);
            }
        }
        if lines != count {
            return vec![u32::MAX];
        }
        debug_assert_eq!(records.len() % RECORD, 0);
        records
    })
}

/// The text of the last [`classify_batch`]'s results.
#[wasm_bindgen(js_name = batchText)]
pub fn batch_text() -> String {
    BATCH.with_borrow_mut(|b| std::mem::take(&mut b.text))
}

/// Audits a batch of links (one string, a link a line) against a
/// profile: the JSON text of `{ findings, summary }`, findings for Amazon links only, each with
/// the `index` of its link. JSON because one `JSON.parse` is far cheaper than building
/// thousands of objects across the boundary; `extension/core.js` parses it.
#[wasm_bindgen(js_name = auditJson)]
pub fn audit_json(
    profile_json: &str,
    links: &str,
    base: Option<String>,
) -> Result<String, JsError> {
    let p = profile(profile_json)?;
    serde_json::to_string(&crate::audit(&p, base.as_deref(), links.split('\n'))).map_err(js_error)
}

/// The tagged link for every marketplace for one product (ASIN or URL).
#[wasm_bindgen(js_name = generateLinks)]
pub fn generate_links(profile_json: &str, input: &str) -> Result<String, JsError> {
    let p = profile(profile_json)?;
    to_json(&crate::generate(&p, input).map_err(js_error)?)
}

/// The one link to copy for `input`, for `target` or where the preferences say.
#[wasm_bindgen(js_name = affiliateLink)]
pub fn affiliate_link(
    profile_json: &str,
    input: &str,
    target: Option<String>,
) -> Result<String, JsError> {
    let p = profile(profile_json)?;
    let target = target.as_deref().map(marketplace).transpose()?;
    let link = crate::affiliate_link(&p, input, target).map_err(js_error)?;
    to_json(&link)
}

/// Coverage of every marketplace.
#[wasm_bindgen]
pub fn coverage(profile_json: &str) -> Result<String, JsError> {
    to_json(&crate::coverage(&profile(profile_json)?))
}

/// Validates a profile without throwing: `{ ok, profile, errors, warnings }`, where `profile` is
/// the normalized JSON form (canonical domains) when valid.
#[wasm_bindgen(js_name = validateProfile)]
pub fn validate_profile(json: &str) -> Result<String, JsError> {
    #[derive(Serialize)]
    struct Checked<'a> {
        ok: bool,
        profile: Option<crate::profile::ProfileJson<'a>>,
        errors: Vec<crate::FieldError>,
        warnings: Vec<crate::FieldError>,
    }
    // An imported file's text as it is (a byte order mark skipped, repeated keys, size and
    // nesting bounded, as the CLI reads a profile file), or a settings object as JSON text.
    let parsed = Profile::from_json(json);
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
    to_json(&checked)
}

/// Checks one tracking ID for a marketplace as the user types: `{ error, warning }`.
#[wasm_bindgen(js_name = checkTrackingId)]
pub fn check_tracking_id(id: &str, marketplace_name: &str) -> Result<String, JsError> {
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
    to_json(&check)
}

/// A QR code of `text` as `{ size, path }` (an SVG path), or `null` when the text is too long.
#[wasm_bindgen(js_name = qrPath)]
pub fn qr_path(text: &str) -> Result<String, JsError> {
    to_json(&crate::qr::qr_path(text))
}

/// The product an input (ASIN, ISBN-13, product link with or without `https://`) names:
/// `{ asin, marketplace }`, `marketplace` null for a bare ASIN. Throws what cannot be read.
#[wasm_bindgen(js_name = productOf)]
pub fn product_of(input: &str) -> Result<String, JsError> {
    #[derive(Serialize)]
    struct Product {
        asin: String,
        marketplace: Option<&'static str>,
    }
    let p = crate::links::product_id(input).map_err(js_error)?;
    to_json(&Product {
        asin: p.asin.as_str().to_owned(),
        marketplace: p.marketplace.map(|m| m.domain),
    })
}
