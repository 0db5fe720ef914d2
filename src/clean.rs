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
    let b = name.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    // The prefixes start with one of a few bytes: most names are told apart at once.
    if PREFIX_START[usize::from(first)]
        && NOISE_PREFIXES.iter().any(|p| b.starts_with(p.as_bytes()))
    {
        return true;
    }
    let mut slot = noise_hash(b);
    loop {
        match NOISE_SLOTS[slot] {
            0 => return false,
            row if NOISE_PARAMS[usize::from(row - 1)].as_bytes() == b => return true,
            _ => slot = (slot + 1) % NOISE_SLOTS.len(),
        }
    }
}

/// Where the search for a parameter name in [`NOISE_SLOTS`] starts: from its length and its
/// first and last bytes (`b` is not empty).
const fn noise_hash(b: &[u8]) -> usize {
    (b[0] as usize * 7 + b[b.len() - 1] as usize * 3 + b.len() * 29) % NOISE_SLOTS_LEN
}

const NOISE_SLOTS_LEN: usize = 128;

/// [`NOISE_PARAMS`] as an open-addressed hash table built when compiling: each slot holds a
/// row of the list plus one, or 0 where it is empty (the list fills at most half the slots, so a
/// search soon meets an empty one).
static NOISE_SLOTS: [u8; NOISE_SLOTS_LEN] = {
    assert!(NOISE_PARAMS.len() * 2 <= NOISE_SLOTS_LEN && NOISE_PARAMS.len() < 255);
    let mut slots = [0u8; NOISE_SLOTS_LEN];
    let mut row = 0;
    while row < NOISE_PARAMS.len() {
        let mut slot = noise_hash(NOISE_PARAMS[row].as_bytes());
        while slots[slot] != 0 {
            slot = (slot + 1) % NOISE_SLOTS_LEN;
        }
        slots[slot] = row as u8 + 1;
        row += 1;
    }
    slots
};

/// The first bytes of [`NOISE_PREFIXES`].
static PREFIX_START: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < NOISE_PREFIXES.len() {
        t[NOISE_PREFIXES[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    t
};

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

    /// The hash table answers as the list does, for every name in it and for names near them.
    #[test]
    fn noise_table_finds_every_name_and_no_other() {
        let mut near = Vec::new();
        for name in NOISE_PARAMS.iter().chain(NOISE_PREFIXES) {
            assert!(is_noise(name), "{name}");
            near.extend([
                name[1..].to_owned(),
                name[..name.len() - 1].to_owned(),
                format!("{name}x"),
                format!("x{name}"),
                name.to_uppercase(),
            ]);
        }
        for name in near
            .iter()
            .map(String::as_str)
            .chain(["", "tag", "th", "psc", "k", "node"])
        {
            let listed =
                NOISE_PARAMS.contains(&name) || NOISE_PREFIXES.iter().any(|p| name.starts_with(p));
            assert_eq!(is_noise(name), listed, "{name}");
        }
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
