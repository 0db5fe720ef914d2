//! Any bytes as a source file of every format: decoded as a browser would, then every extractor.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    linkscope_fuzz::check_extract(bytes);
});
