//! Which URL parameters are tracking noise. Data, not branches: after ClearURLs' Amazon rules.

/// Parameters dropped from a clean link, compared exactly.
pub static NOISE_PARAMS: &[&str] = &[
    "SubscriptionId",
    "_encoding",
    "aaxitk",
    "camp",
    "colid",
    "coliid",
    "content-id",
    "creative",
    "creativeASIN",
    "crid",
    "dchild",
    "dib",
    "dib_tag",
    "hsa_cr_id",
    "ie",
    "keywords",
    "linkCode",
    "linkId",
    "ms3_c",
    "qid",
    "qualifier",
    "ref",
    "refRID",
    "ref_",
    "rnid",
    "smid",
    "social_share",
    "spIA",
    "spLa",
    "sp_csd",
    "sprefix",
    "sr",
    "srs",
];

/// Parameter name prefixes dropped from a clean link.
pub static NOISE_PREFIXES: &[&str] = &["__mk_", "cv_ct_", "pd_rd_", "pf_rd_", "sb-ci-"];

/// Whether the query parameter `name` is tracking noise.
pub fn is_noise(name: &str) -> bool {
    NOISE_PARAMS.binary_search(&name).is_ok() || NOISE_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Whether a path segment is Amazon's `ref=` breadcrumb (`/dp/B0.../ref=sr_1_1`).
pub fn is_ref_segment(segment: &str) -> bool {
    segment.len() >= 4 && segment.as_bytes()[..4].eq_ignore_ascii_case(b"ref=")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_list_is_sorted_and_unique() {
        assert!(NOISE_PARAMS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn noise() {
        assert!(is_noise("pd_rd_w"));
        assert!(is_noise("linkCode"));
        assert!(!is_noise("tag"));
        assert!(!is_noise("th"));
        assert!(!is_noise("k"));
        assert!(is_ref_segment("REF=sr_1"));
        assert!(!is_ref_segment("re"));
    }
}
