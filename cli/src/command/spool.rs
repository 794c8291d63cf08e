//! A command's whole output kept until it ends ([`Spool`]), for `--jobs-from`, which writes each
//! command's output in one piece.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, PoisonError};

use super::sink::Sink;

/// A command's whole output, kept until the command ends to be written in one piece: in memory up
/// to [`Spool::IN_MEMORY`], then in a temporary file (unlinked at once: it goes with the process),
/// so that memory stays bounded whatever the command prints, and nothing is lost.
#[derive(Debug, Default)]
pub(crate) struct Spool {
    memory: Vec<u8>,
    file: Option<File>,
    error: Option<io::Error>,
}

impl Spool {
    /// The most a spool keeps in memory.
    pub(crate) const IN_MEMORY: usize = 1024 * 1024;

    /// How much of the output is written to `out` at once: the lines of a block, each led by the
    /// prefix, go in one write (two writes a line held an exit for 33 s after Ctrl-C, writing 20 MB
    /// of stderr to a pipe), and a stop is looked at between blocks.
    pub(crate) const BLOCK: usize = 64 * 1024;

    /// Writes what was kept to `out`, each line led by `prefix` if there is one (a line's end added
    /// after the last if it had none), a block ([`Spool::BLOCK`] of the output) a write. Before
    /// each block after the first, `stop` is asked: once it says so, no more is written (a line cut
    /// short is ended). Returns how many bytes of the output were not written.
    ///
    /// # Errors
    ///
    /// The output could not be kept (the temporary file), or `out` refused it.
    pub(crate) fn write_to(
        &mut self,
        out: &mut dyn Write,
        prefix: Option<&[u8]>,
        stop: &dyn Fn() -> bool,
    ) -> io::Result<u64> {
        if let Some(err) = self.error.take() {
            return Err(err);
        }
        let total = match &self.file {
            None => self.memory.len() as u64,
            Some(file) => file.metadata()?.len(),
        };
        let mut written = 0_u64;
        let mut block = Vec::with_capacity(2 * Spool::BLOCK);
        let mut at_line_start = true;
        let mut chunk = vec![0; Spool::BLOCK];
        if let Some(file) = &mut self.file {
            file.seek(SeekFrom::Start(0))?;
        }
        while written < total {
            if written > 0 && stop() {
                break;
            }
            let piece: &[u8] = match &mut self.file {
                None => {
                    let from = usize::try_from(written).unwrap_or(usize::MAX);
                    let to = from.saturating_add(Spool::BLOCK).min(self.memory.len());
                    &self.memory[from..to]
                }
                Some(file) => {
                    let read = file.read(&mut chunk)?;
                    &chunk[..read]
                }
            };
            if piece.is_empty() {
                break;
            }
            match prefix {
                None => out.write_all(piece)?,
                Some(prefix) => {
                    block.clear();
                    for line in piece.split_inclusive(|&byte| byte == b'\n') {
                        if at_line_start {
                            block.extend_from_slice(prefix);
                        }
                        block.extend_from_slice(line);
                        at_line_start = line.ends_with(b"\n");
                    }
                    out.write_all(&block)?;
                }
            }
            written += piece.len() as u64;
        }
        if prefix.is_some() && !at_line_start {
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(total.saturating_sub(written))
    }
}

/// A temporary file that no name leads to, in the temporary directory (`TMPDIR`): tempfile opens
/// it with `O_TMPFILE` where the file system allows, else creates it under a random name and
/// unlinks it at once. Its error names the directory, and how to choose another.
fn unnamed_file() -> io::Result<File> {
    let dir = std::env::temp_dir();
    tempfile::tempfile_in(&dir).map_err(|err| {
        // tempfile may add ` at path "DIR"` to the system's reason: the message names DIR already.
        let reason = err.to_string();
        let reason = reason
            .split_once(" at path ")
            .map_or(&*reason, |(reason, _)| reason);
        io::Error::new(
            err.kind(),
            format!(
                "cannot create a temporary file in '{}' for its output past {} MiB (set TMPDIR \
                 to another directory): {reason}",
                spinline::terminal::sanitize(&dir.display().to_string()),
                Spool::IN_MEMORY / (1024 * 1024)
            ),
        )
    })
}

/// A [`Spool`] shared with the pump that fills it.
#[derive(Clone, Debug, Default)]
pub(crate) struct SharedSpool(Arc<Mutex<Spool>>);

impl SharedSpool {
    /// The spool, once the pump is done with it.
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Spool> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether nothing was kept: no output, and no error keeping it.
    pub(crate) fn is_empty(&self) -> bool {
        let spool = self.lock();
        spool.memory.is_empty() && spool.file.is_none() && spool.error.is_none()
    }
}

impl Sink for SharedSpool {
    fn take(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut spool = self.lock();
        if spool.error.is_some() {
            return Ok(());
        }
        let kept = if spool.file.is_none() && spool.memory.len() + bytes.len() <= Spool::IN_MEMORY {
            spool.memory.extend_from_slice(bytes);
            Ok(())
        } else {
            let Spool { memory, file, .. } = &mut *spool;
            let file = match file {
                Some(file) => Ok(file),
                None => unnamed_file().and_then(|mut created| {
                    created.write_all(memory)?;
                    *memory = Vec::new();
                    Ok(file.insert(created))
                }),
            };
            file.and_then(|file| file.write_all(bytes))
        };
        // Kept to be said when the output is written: the command goes on meanwhile.
        if let Err(err) = kept {
            spool.error = Some(err);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_keeps_a_megabyte_in_memory_and_the_rest_in_a_file_and_loses_nothing() {
        let mut spool = SharedSpool::default();
        let chunk: Vec<u8> = (0..=255).collect();
        for _ in 0..(3 * Spool::IN_MEMORY / 256) {
            spool.take(&chunk).unwrap();
        }
        assert!(spool.lock().file.is_some());
        assert!(spool.lock().memory.is_empty());
        let mut out = Vec::new();
        assert_eq!(spool.lock().write_to(&mut out, None, &|| false).unwrap(), 0);
        assert_eq!(out.len(), 3 * Spool::IN_MEMORY);
        assert!(out.chunks(256).all(|piece| piece == &chunk[..]));
    }

    #[test]
    fn a_spool_leads_each_line_with_the_prefix() {
        let mut spool = SharedSpool::default();
        spool.take(b"one\ntw").unwrap();
        spool.take(b"o\nthree").unwrap();
        let mut out = Vec::new();
        spool
            .lock()
            .write_to(&mut out, Some(b"[#2] "), &|| false)
            .unwrap();
        assert_eq!(out, b"[#2] one\n[#2] two\n[#2] three\n");
    }

    /// What a writer was given, one `Vec` a write.
    #[derive(Default)]
    struct Writes(Vec<Vec<u8>>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_spool_is_written_a_block_at_a_time_and_stops_between_blocks() {
        let mut spool = SharedSpool::default();
        let line = [b'x'; 99].iter().chain(b"\n").copied().collect::<Vec<u8>>();
        for _ in 0..30_000 {
            spool.take(&line).unwrap(); // 3 MB, most of it in the file
        }
        let mut out = Writes::default();
        let left = spool.lock().write_to(&mut out, Some(b"[#1] "), &|| false);
        assert_eq!(left.unwrap(), 0);
        let blocks = 3_000_000 / Spool::BLOCK + 1;
        assert_eq!(out.0.len(), blocks, "one write a block");
        let text = out.0.concat();
        assert_eq!(text.len(), 30_000 * 105);
        assert!(
            text.split_inclusive(|&byte| byte == b'\n')
                .all(|line| line.starts_with(b"[#1] x") && line.len() == 105)
        );

        // Stopped after the first block: the line cut short is ended, and the rest is counted.
        let mut out = Writes::default();
        let left = spool
            .lock()
            .write_to(&mut out, Some(b"[#1] "), &|| true)
            .unwrap();
        assert_eq!(left, 3_000_000 - Spool::BLOCK as u64);
        assert_eq!(out.0.len(), 2, "the block and the end of its last line");
        assert_eq!(out.0[1], b"\n");
    }
}
