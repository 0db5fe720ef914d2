//! Exit statuses and the errors that end a run.

use std::process::ExitCode;

/// How a run ended; documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done; no verdict named by `--fail-on` occurred.
    Success = 0,
    /// A verdict named by `--fail-on` occurred (audit), or links were left to fix (fix --check).
    Findings = 1,
    /// Bad arguments, an unreadable or undecodable file, an invalid profile: nothing reported.
    Error = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// An error for the user, printed as `linkscope: <message>`; the run exits with [`Exit::Error`].
#[derive(Debug)]
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

pub type Outcome = Result<Exit, Failure>;
