//! A base page address and a link found on it: the input's first line, then the rest.
#![no_main]
use libfuzzer_sys::fuzz_target;
use linkscope::Classifier;

fuzz_target!(|input: &str| {
    let (base, link) = input.split_once('\n').unwrap_or((input, ""));
    linkscope_fuzz::check_classify(&Classifier::new(Some(base)), link);
});
