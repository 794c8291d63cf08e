//! The process's memory, as Linux reports it in `/proc/self/status`.

use std::fmt;

/// Resident memory of this process: now (`VmRSS`) and at its peak (`VmHWM`), in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
    /// Resident set size now.
    pub resident: u64,
    /// The largest resident set size so far.
    pub peak: u64,
}

impl Memory {
    /// Reads the figures, or `None` where `/proc/self/status` does not have them (not Linux).
    ///
    /// # Examples
    ///
    /// ```
    /// if let Some(memory) = spinner::memory::Memory::read() {
    ///     assert!(memory.peak >= memory.resident);
    /// }
    /// ```
    pub fn read() -> Option<Memory> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| -> Option<u64> {
            let line = status.lines().find(|line| line.starts_with(name))?;
            let kilobytes: u64 = line[name.len()..]
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some(kilobytes * 1024)
        };
        Some(Memory {
            resident: field("VmRSS:")?,
            peak: field("VmHWM:")?,
        })
    }
}

/// A size in bytes, for people: `812 B`, `3.4 KB`, `25.1 MB` (powers of 1024).
///
/// # Examples
///
/// ```
/// use spinner::memory::Bytes;
///
/// assert_eq!(Bytes(812).to_string(), "812 B");
/// assert_eq!(Bytes(3482).to_string(), "3.4 KB");
/// assert_eq!(Bytes(26_319_053).to_string(), "25.1 MB");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0 as f64;
        if bytes < 1024.0 {
            write!(f, "{} B", self.0)
        } else if bytes < 1024.0 * 1024.0 {
            write!(f, "{:.1} KB", bytes / 1024.0)
        } else if bytes < 1024.0 * 1024.0 * 1024.0 {
            write!(f, "{:.1} MB", bytes / (1024.0 * 1024.0))
        } else {
            write!(f, "{:.1} GB", bytes / (1024.0 * 1024.0 * 1024.0))
        }
    }
}
