//! The named skip list (`statetest/skips.json`): tests that are not run, each with the
//! reason why.
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
pub struct Skip {
    /// The test's name (its key in the test file).
    pub test: String,
    pub reason: String,
}

const SKIPS_JSON: &str = include_str!("../skips.json");

pub fn skips() -> Vec<Skip> {
    serde_json::from_str(SKIPS_JSON).expect("statetest/skips.json is a list of {test, reason}")
}

/// The reason `test` is skipped, if it is.
pub fn skip_reason<'a>(skips: &'a [Skip], test: &str) -> Option<&'a str> {
    skips
        .iter()
        .find(|skip| skip.test == test)
        .map(|skip| skip.reason.as_str())
}
