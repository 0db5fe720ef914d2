//! Links made for any input (an ASIN or a link) for one of three profiles, picked by the first
//! byte: each classifies as `mine`, and its Markdown and HTML forms hold exactly that link.
#![no_main]
use libfuzzer_sys::fuzz_target;
use linkscope::Profile;
use linkscope_fuzz::PROFILES;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let profile = Profile::from_json(PROFILES[usize::from(pick) % PROFILES.len()]).unwrap();
    linkscope_fuzz::check_links(&profile, input);
});
