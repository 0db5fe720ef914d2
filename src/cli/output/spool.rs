//! Where a report waits until every source has been read, so that a run that fails part-way
//! prints no partial report, without holding a large report in memory or writing it twice.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};

use crate::exit::Failure;
use crate::term::Out;

/// How much of a report is held in memory before it goes on in a temporary file.
const IN_MEMORY: usize = 8 << 20;

/// A report on its way to stdout.
pub enum Sink {
    /// Standard output is a regular file (`> report.json`): written in place as it comes, and
    /// cut back to where it began if the run fails.
    InPlace(InPlace),
    /// Otherwise (a pipe, a terminal): held, then copied to stdout once complete.
    Held(Held),
}

impl Sink {
    /// The sink for this process's standard output.
    pub fn for_stdout() -> Sink {
        match InPlace::stdout() {
            Some(in_place) => Sink::InPlace(in_place),
            None => Sink::Held(Held::new(IN_MEMORY)),
        }
    }

    /// The report is complete: stdout gets it.
    pub fn deliver(self) -> Result<(), Failure> {
        match self {
            Sink::InPlace(mut file) => {
                file.kept = true;
                Ok(())
            }
            Sink::Held(held) => {
                let mut out = Out::new();
                held.copy_to(&mut out)?;
                out.flush()
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::InPlace(file) => file.file.write(buf),
            Sink::Held(held) => held.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::InPlace(file) => file.file.write_all(buf),
            Sink::Held(held) => held.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::InPlace(file) => file.file.flush(),
            Sink::Held(held) => held.flush(),
        }
    }
}

/// Standard output as a regular file, written at its end (so nothing in it is overwritten):
/// unless kept, it is cut back to its length at the start.
pub struct InPlace {
    file: File,
    start: u64,
    kept: bool,
}

impl InPlace {
    /// Standard output, if it is a regular file written at its end and not also standard error
    /// (`> out 2>&1`: diagnostics written during the run would land inside the report).
    #[cfg(unix)]
    fn stdout() -> Option<InPlace> {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let open = |fd: std::os::fd::BorrowedFd| fd.try_clone_to_owned().ok().map(File::from);
        let mut file = open(io::stdout().as_fd())?;
        let meta = file.metadata().ok()?;
        let shared = open(io::stderr().as_fd())
            .and_then(|f| f.metadata().ok())
            .is_some_and(|err| (err.dev(), err.ino()) == (meta.dev(), meta.ino()));
        let start = file.stream_position().ok()?;
        if !meta.is_file() || shared || start != meta.len() {
            // (Not built at all: an `InPlace` dropped unkept cuts the file.)
            return None;
        }
        Some(InPlace {
            file,
            start,
            kept: false,
        })
    }

    #[cfg(not(unix))]
    fn stdout() -> Option<InPlace> {
        None
    }
}

impl Drop for InPlace {
    fn drop(&mut self) {
        if !self.kept {
            // Best effort: the run is failing already, with its own message.
            let _ = self.file.set_len(self.start);
            let _ = self.file.seek(SeekFrom::Start(self.start));
        }
    }
}

/// A report held in memory up to a bound, then in a temporary file.
pub struct Held {
    memory: Vec<u8>,
    limit: usize,
    file: Option<BufWriter<File>>,
}

impl Held {
    pub fn new(limit: usize) -> Held {
        Held {
            memory: Vec::new(),
            limit,
            file: None,
        }
    }

    /// Writes everything held to `out`.
    pub fn copy_to(self, out: &mut Out) -> Result<(), Failure> {
        out.write_bytes(&self.memory)?;
        if let Some(file) = self.file {
            let mut file = file.into_inner().map_err(|e| e.into_error())?;
            file.seek(SeekFrom::Start(0))?;
            out.copy_from(&mut file)?;
        }
        Ok(())
    }
}

impl Write for Held {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.file.is_none() && self.memory.len() + buf.len() > self.limit {
            let file = tempfile::tempfile().map_err(|e| {
                io::Error::new(e.kind(), format!("cannot create a temporary file: {e}"))
            })?;
            let mut file = BufWriter::with_capacity(1 << 16, file);
            file.write_all(&self.memory)?;
            self.memory = Vec::new();
            self.file = Some(file);
        }
        match &mut self.file {
            Some(file) => file.write_all(buf),
            None => {
                self.memory.extend_from_slice(buf);
                Ok(())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_in_memory_then_in_a_file_in_order() {
        let mut held = Held::new(10);
        held.write_all(b"0123456").unwrap();
        assert!(held.file.is_none());
        held.write_all(b"789ab").unwrap();
        assert!(held.file.is_some() && held.memory.is_empty(), "spilled");
        held.write_all(b"cd").unwrap();
        let mut file = held.file.take().unwrap().into_inner().unwrap();
        file.seek(SeekFrom::Start(0)).unwrap();
        let mut text = String::new();
        io::Read::read_to_string(&mut file, &mut text).unwrap();
        assert_eq!(text, "0123456789abcd");
    }
}
