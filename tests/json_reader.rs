//! The core's JSON reader (`Json::parse`, what reads imported settings and `--profile` files)
//! accepts what serde_json accepts and rejects the rest with serde_json's message, at the same
//! line and column, on arbitrary text made of JSON's own characters.

use linkscope::json::Json;
use proptest::prelude::*;

fn check(text: &str) -> Result<(), TestCaseError> {
    let ours = Json::parse(text).map(|_| ()).map_err(|e| e.0);
    let theirs = serde_json::from_str::<serde_json::Value>(text)
        .map(|_| ())
        .map_err(|e| format!("not valid JSON: {e}"));
    prop_assert_eq!(ours, theirs, "{:?}", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn errors_as_serde_json_on_near_json(text in r#"[\[\]{}",:0-9.eE+\- \n\\utrfnlasé\x01]{0,24}"#) {
        check(&text)?;
    }

    #[test]
    fn errors_as_serde_json_on_broken_documents(
        doc in r#"\{"[a-z]{0,3}": ?(\[|\{|"|-?[0-9]{1,3}(\.[0-9]*)?([eE][+-]?[0-9]*)?|true|nul|"\\u[0-9a-fA-F]{0,5}"|"\\ud83d\\u[0-9a-fA-F]{0,4}")"#,
        cut in 0usize..40,
    ) {
        check(&doc)?;
        let end = doc.char_indices().map(|(i, _)| i).filter(|&i| i <= cut).max().unwrap_or(0);
        check(&doc[..end])?;
    }
}
