//! The JavaScript bindings: each converts its input, calls one core function and converts the
//! result. Structured values cross as JSON text (one `JSON.stringify` or `JSON.parse` in
//! `extension/core.js`, far cheaper than building objects across the boundary), read and written
//! by the core's own small JSON code (`crate::json`: no serde_json or serde-wasm-bindgen in the
//! .wasm); link batches cross as one UTF-8 buffer in and compact
//! records out. Errors become JS `Error`s here and nowhere else.

use std::cell::RefCell;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Kind, Marketplace, Problem, Profile};

/// The allocator: talc, on memory grown as needed (issue 11: the .wasm 3.8 KB smaller than with
/// std's dlmalloc, 1.7 KB gzipped; its in-place realloc costs 0.2 KB and is kept).
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Any error as a JS `Error` with the error's message.
fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// What the core says to the user, with a stable `code` that the extension's translations are
/// keyed by, the English `message`, and the values a translation needs.
#[derive(Serialize)]
struct Said {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    marketplace: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'static str>,
}

/// A link that cannot be made, thrown as an `Error` whose message is the JSON of its [`Said`]
/// (extension/core.js turns it into an `Error` with the English message and the `code`).
fn link_error(e: crate::LinkError) -> JsError {
    let said = Said {
        code: e.code(),
        message: e.to_string(),
        marketplace: e.marketplace().map(|m| m.domain),
        expected: None,
    };
    crate::json::to_string(&said).map_or_else(js_error, |json| JsError::new(&json))
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JsError> {
    crate::json::to_string(value).map_err(js_error)
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
        // Each clean link is written here, then copied after the link's other fields.
        let mut clean = String::new();
        let mut end = 0u32;
        let mut records = Vec::new();
        let mut lines = 0;
        for (i, line) in input.split('\n').enumerate() {
            lines += 1;
            if i >= count {
                break;
            }
            clean.clear();
            let link = c.classify_into(line, &mut clean);
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
                link.clean.map(|at| &clean[at]),
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
    to_json(&crate::audit(&p, base.as_deref(), links.split('\n')))
}

/// The tagged link for every marketplace for one product (ASIN or URL).
#[wasm_bindgen(js_name = generateLinks)]
pub fn generate_links(profile_json: &str, input: &str) -> Result<String, JsError> {
    let p = profile(profile_json)?;
    to_json(&crate::generate(&p, input).map_err(link_error)?)
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
    let link = crate::affiliate_link(&p, input, target).map_err(link_error)?;
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

/// Checks one tracking ID for a marketplace as the user types: `{ error, warning }`, each null
/// or `{ code, message }` (a suffix warning also with `marketplace` and the `expected` suffix).
#[wasm_bindgen(js_name = checkTrackingId)]
pub fn check_tracking_id(id: &str, marketplace_name: &str) -> Result<String, JsError> {
    #[derive(Serialize)]
    struct Check {
        error: Option<Said>,
        warning: Option<Said>,
    }
    let m = marketplace(marketplace_name)?;
    let check = match crate::TrackingId::parse(id.trim()) {
        Ok(id) => Check {
            error: None,
            warning: id.suffix_warning(m).map(|message| Said {
                code: "idSuffix",
                message,
                marketplace: Some(m.domain),
                expected: m.tag_suffix,
            }),
        },
        Err(e) => Check {
            error: Some(Said {
                code: e.code(),
                message: e.to_string(),
                marketplace: None,
                expected: None,
            }),
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
    let p = crate::links::product_id(input).map_err(link_error)?;
    to_json(&Product {
        asin: p.asin.as_str().to_owned(),
        marketplace: p.marketplace.map(|m| m.domain),
    })
}

// ---- Live link health (issue 9): the pure core of src/health, for extension/live.js ----------
// No JSON is read here: values come in as arguments and go out as JSON text.

use crate::health::{self, Expander, Expansion, Failure, Health, Outcome, Plan, Policy, Ttl};

/// The request policy (`Policy::DEFAULT`) as JSON.
#[wasm_bindgen(js_name = healthPolicy)]
pub fn health_policy() -> Result<String, JsError> {
    to_json(&Policy::DEFAULT)
}

/// The plan for links one a line (found on the page at `base`): `{ checks, expansions, links }`.
/// `targets`: for each of the plan's expansions so far, one a line, the Amazon URL it reached
/// (empty when none or not known yet); their products' checks are added.
#[wasm_bindgen(js_name = healthPlan)]
pub fn health_plan(
    links: &str,
    base: Option<String>,
    targets: Option<String>,
) -> Result<String, JsError> {
    let mut plan = Plan::new(base.as_deref(), links.split('\n'));
    let targets = targets.unwrap_or_default();
    for (i, url) in targets.split('\n').enumerate().take(plan.expansions.len()) {
        if url.is_empty() {
            continue;
        }
        let expansion = Expansion {
            short: plan.expansions[i].url.clone(),
            outcome: Outcome::Target {
                url: url.to_owned(),
            },
            hops: 1,
        };
        plan.add_target(i, &expansion);
    }
    to_json(&plan)
}

/// The checks of one product (ASIN or link) in the marketplaces named one a line (every
/// marketplace when empty): `{ checks, ... }`.
#[wasm_bindgen(js_name = healthAvailability)]
pub fn health_availability(input: &str, marketplaces: &str) -> Result<String, JsError> {
    let asin = crate::links::product_id(input).map_err(link_error)?.asin;
    let chosen = if marketplaces.trim().is_empty() {
        crate::MARKETPLACES.iter().collect()
    } else {
        marketplaces
            .split('\n')
            .map(marketplace)
            .collect::<Result<Vec<_>, _>>()?
    };
    to_json(&Plan::availability(asin, chosen))
}

/// One step of a short link's expansion. `answers`: the answers so far to the URLs this
/// function named, one a line, `status` or `status location`. Returns `{ "next": url }`
/// (request it without following redirects) or `{ "expansion": …, "ttl": … }`. `failure` (a
/// transport error's message) ends the expansion with it.
#[wasm_bindgen(js_name = healthExpandStep)]
pub fn health_expand_step(
    url: &str,
    answers: &str,
    failure: Option<String>,
) -> Result<String, JsError> {
    #[derive(Serialize)]
    #[serde(untagged)]
    enum Step<'a> {
        Next {
            next: &'a str,
        },
        Done {
            health: Option<Health>,
            expansion: Expansion,
            ttl: Ttl,
        },
    }
    let done = |expansion: Expansion| {
        let ttl = Policy::DEFAULT.expansion_ttl(&expansion);
        let health = expansion.health();
        to_json(&Step::Done {
            health,
            expansion,
            ttl,
        })
    };
    let mut expander = Expander::new(url, Policy::DEFAULT.max_redirects);
    for answer in answers.split('\n').filter(|a| !a.is_empty()) {
        let (status, location) = answer
            .split_once(' ')
            .map_or((answer, None), |(s, l)| (s, Some(l)));
        let status = status
            .parse()
            .map_err(|_| js_error(format!("not a status: {status}")))?;
        if let Some(expansion) = expander.hop(status, location) {
            return done(expansion);
        }
    }
    match failure {
        Some(message) => done(expander.fail(&Failure::Network(message))),
        None => to_json(&Step::Next {
            next: expander.url(),
        }),
    }
}

/// A check with what the network layer needs to know about it.
#[derive(Serialize)]
struct Judged {
    check: health::Check,
    retryable: bool,
    broken: bool,
    ttl: Ttl,
}

fn judged(check: health::Check) -> Result<String, JsError> {
    to_json(&Judged {
        retryable: check.is_retryable(),
        broken: check.health.is_broken(),
        ttl: Policy::DEFAULT.check_ttl(&check),
        check,
    })
}

thread_local! {
    /// The scanners of the product pages being read, by number ([`health_scan_start`]); `None`
    /// where one has been judged or freed, for the next to take.
    static SCANNERS: RefCell<Vec<Option<health::Scanner>>> = const { RefCell::new(Vec::new()) };
}

/// Starts reading a product page's body chunk by chunk ([`health::Scanner`], at most `cap`
/// bytes): the scanner's number, for [`health_scan_feed`] and then [`health_scan_judge`] (or
/// [`health_scan_free`]). Numbers and functions rather than an exported class: wasm-bindgen's
/// class glue (its ownership and borrow checks, with their messages) cost the .wasm 0.2 KB,
/// 0.3 KB gzipped (issue 11). extension/core.js keeps the numbers of one instance apart from
/// those of an instance started after a fault.
#[wasm_bindgen(js_name = healthScanStart)]
pub fn health_scan_start(cap: usize) -> usize {
    SCANNERS.with_borrow_mut(|scanners| {
        let scanner = Some(health::Scanner::new(cap));
        match scanners.iter().position(Option::is_none) {
            Some(free) => {
                scanners[free] = scanner;
                free
            }
            None => {
                scanners.push(scanner);
                scanners.len() - 1
            }
        }
    })
}

/// Takes the next chunk of scanner `id`; true once enough is read (stop reading), and for a
/// scanner that is not there.
#[wasm_bindgen(js_name = healthScanFeed)]
pub fn health_scan_feed(id: usize, chunk: &[u8]) -> bool {
    SCANNERS.with_borrow_mut(|scanners| {
        scanners
            .get_mut(id)
            .and_then(Option::as_mut)
            .is_none_or(|s| s.feed(chunk) == health::Progress::Enough)
    })
}

/// Drops scanner `id` (a read that failed); nothing when it is not there.
#[wasm_bindgen(js_name = healthScanFree)]
pub fn health_scan_free(id: usize) {
    take_scanner(id);
}

fn take_scanner(id: usize) -> Option<health::Scanner> {
    SCANNERS.with_borrow_mut(|scanners| scanners.get_mut(id).and_then(Option::take))
}

/// `{ check, retryable, broken, ttl }` from the response and what scanner `id` read; the
/// scanner is done with (judged once only).
#[wasm_bindgen(js_name = healthScanJudge)]
pub fn health_scan_judge(
    id: usize,
    requested: &str,
    final_url: &str,
    status: u16,
    location: Option<String>,
    content_type: Option<String>,
) -> Result<String, JsError> {
    let scanner = take_scanner(id).ok_or_else(|| js_error("already judged"))?;
    let response = health::Response {
        requested,
        final_url,
        status,
        location: location.as_deref(),
        content_type: content_type.as_deref(),
    };
    judged(health::judge(&response, &scanner.finish()))
}

/// `{ check, retryable, broken, ttl }` for a check that got no HTTP answer: `kind` is `timeout`
/// (after `ms`), `tooManyRedirects`, or anything else for a network error with `message`.
#[wasm_bindgen(js_name = healthJudgeFailure)]
pub fn health_judge_failure(
    requested: &str,
    kind: &str,
    ms: f64,
    message: &str,
) -> Result<String, JsError> {
    let failure = match kind {
        "timeout" => Failure::Timeout(ms as u64),
        "tooManyRedirects" => Failure::TooManyRedirects,
        _ => Failure::Network(message.to_owned()),
    };
    judged(health::judge_failure(requested, &failure))
}

/// Whether a result stored at `stored_at_ms` is still good at `now_ms`, given its `Ttl`'s
/// `kind` (`doNotCache`, `for`, `forever`) and `ms`.
#[wasm_bindgen(js_name = healthIsFresh)]
pub fn health_is_fresh(kind: &str, ms: f64, stored_at_ms: f64, now_ms: f64) -> bool {
    let ttl = match kind {
        "forever" => Ttl::Forever,
        "for" => Ttl::For { ms: ms as u64 },
        _ => Ttl::DoNotCache,
    };
    ttl.is_fresh(stored_at_ms as u64, now_ms as u64)
}

/// The delay (ms) before retry number `retry`, given `Retry-After` and the time now; `None`
/// when it is time to give up.
#[wasm_bindgen(js_name = healthRetryDelay)]
pub fn health_retry_delay(retry: u32, retry_after: Option<String>, now_ms: f64) -> Option<f64> {
    Policy::DEFAULT
        .retry_delay(retry, retry_after.as_deref(), now_ms as u64)
        .map(|ms| ms as f64)
}
