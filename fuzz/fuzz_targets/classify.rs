//! Any text as a link, with no base page.
#![no_main]
use libfuzzer_sys::fuzz_target;
use linkscope::Classifier;

fuzz_target!(|input: &str| {
    linkscope_fuzz::check_classify(&Classifier::new(None), input);
});
