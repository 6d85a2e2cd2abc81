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

/// A whole file's bytes, naming it in the error: a regular file mapped, not copied (an
/// oracle input runs to hundreds of kilobytes, read once: copying it into fresh memory
/// cost a warm `zkos exec` as much as parsing it), anything else (a pipe) read. The file
/// must not change while the bytes are used, as with any file being read.
pub fn map_or_read_file(path: &Path, what: &str) -> Result<FileBytes, CliError> {
    let fail =
        |e: std::io::Error| CliError::input(format!("cannot read {what} {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(fail)?;
    let metadata = file.metadata().map_err(fail)?;
    if metadata.is_file() && metadata.len() > 0 {
        // SAFETY: a private read-only mapping of a file the caller keeps unchanged.
        if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
            return Ok(FileBytes::Mapped(map));
        }
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut &file, &mut bytes).map_err(fail)?;
    Ok(FileBytes::Read(bytes))
}

/// See [`map_or_read_file`].
#[derive(Debug)]
pub enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(map) => map,
            FileBytes::Read(bytes) => bytes,
        }
    }
}

/// Writes `bytes` as the file at `path`, naming it in the error. The bytes go to a file
/// beside it that then replaces it: a reader never sees half a file, and a program that
/// maps the old file (as `zkos exec` maps an `app.bin` into the machine's ROM) keeps it.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let fail = |e: std::io::Error| CliError::input(format!("cannot write {}: {e}", path.display()));
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".{}.partial", std::process::id()));
    std::fs::write(&partial, bytes).map_err(fail)?;
    std::fs::rename(&partial, path).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        fail(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use zkos_emulator::{Machine, Program};

    /// A flat program: its end loop, then `marker` in its second word.
    fn program(marker: u32) -> Vec<u8> {
        [0x0000_006f, marker]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect()
    }

    #[test]
    fn a_replaced_file_stays_whole_for_a_program_that_maps_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.bin");
        write_file(&path, &program(1)).unwrap();
        let old = Program::open(&path).unwrap();
        write_file(&path, &program(2)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), program(2));
        assert_eq!(old.image(), program(1));
        let machine = Machine::new(&old).unwrap();
        assert_eq!(
            machine.memory().word_at(4),
            1,
            "the old file, mapped into ROM"
        );
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1, "no partial file is left");
    }

    #[test]
    fn a_file_that_cannot_be_written_is_named_and_nothing_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("app.bin");
        let error = write_file(&path, &program(1)).unwrap_err();
        assert!(
            error.message.contains(&path.display().to_string()),
            "{}",
            error.message
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_regular_file_is_mapped_and_anything_else_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.hex");
        std::fs::write(&path, b"0000002a").unwrap();
        let bytes = map_or_read_file(&path, "oracle input").unwrap();
        assert!(matches!(bytes, FileBytes::Mapped(_)));
        assert_eq!(&*bytes, b"0000002a");
        std::fs::write(&path, b"").unwrap();
        let empty = map_or_read_file(&path, "oracle input").unwrap();
        assert!(matches!(empty, FileBytes::Read(_)) && empty.is_empty());
        // A pipe, as `--input /dev/stdin` gives: read to its end.
        let fifo = dir.path().join("fifo");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a path of our own temporary folder, NUL-terminated.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let writer = std::thread::spawn({
            let fifo = fifo.clone();
            move || std::fs::write(fifo, b"00000001 00000002").unwrap()
        });
        let piped = map_or_read_file(&fifo, "oracle input").unwrap();
        writer.join().unwrap();
        assert!(matches!(piped, FileBytes::Read(_)));
        assert_eq!(&*piped, b"00000001 00000002");
        let missing = dir.path().join("missing.hex");
        let error = map_or_read_file(&missing, "oracle input").unwrap_err();
        assert!(
            error.message.contains("oracle input") && error.message.contains("missing.hex"),
            "{}",
            error.message
        );
    }
}
