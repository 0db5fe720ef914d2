//! Any text as a profile file.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    linkscope_fuzz::check_profile(input);
});
