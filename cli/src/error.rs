//! Errors of the command line and their exit codes: 1 when the guest (or a comparison)
//! fails, 2 when the input is bad.

use std::fmt::Display;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    /// Bad input: unreadable or malformed files, bad values.
    pub fn input(message: impl Display) -> CliError {
        CliError {
            code: 2,
            message: message.to_string(),
        }
    }

    /// The guest faulted or aborted, or two runs disagree.
    pub fn guest(message: impl Display) -> CliError {
        CliError {
            code: 1,
            message: message.to_string(),
        }
    }

    pub fn report(&self) -> ExitCode {
        if !self.message.is_empty() {
            eprintln!("error: {}", self.message);
        }
        ExitCode::from(self.code)
    }
}

/// Reads a whole file, naming it in the error.
pub fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path)
        .map_err(|e| CliError::input(format!("cannot read {what} {}: {e}", path.display())))
}
