//! What Linux says about this process: its memory, and how many more threads it may create.
//!
//! A failed `pthread_create` is an error Rust reports, but a thread that is created and then cannot
//! map its signal stack (the memory-map limit reached) aborts the whole process from inside Rust's
//! thread start-up. So thread mode checks the budget first and refuses a run that cannot fit.

use std::fmt;
use std::fs;

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
    /// if let Some(memory) = spinner_cli::measure::Memory::read() {
    ///     assert!(memory.peak >= memory.resident);
    /// }
    /// ```
    pub fn read() -> Option<Memory> {
        let status = fs::read_to_string("/proc/self/status").ok()?;
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

/// Memory maps a thread takes: its stack and the stack's guard page, and the signal stack Rust sets
/// up for it with its own guard page (measured: 4.0 maps per thread).
const MAPS_PER_THREAD: usize = 4;

/// The tightest of the limits on new threads, and which one it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadBudget {
    /// How many more threads the limit allows, about.
    pub threads: usize,
    /// The limit: its name and value, as a person would look it up.
    pub limit: String,
    /// Why that limit bounds threads.
    pub why: &'static str,
}

impl ThreadBudget {
    /// Reads the limits of this process; `None` where they cannot be read (not Linux).
    ///
    /// # Examples
    ///
    /// ```
    /// if let Some(budget) = spinner_cli::measure::ThreadBudget::read() {
    ///     assert!(budget.threads > 0, "{budget}");
    /// }
    /// ```
    pub fn read() -> Option<ThreadBudget> {
        let mut budgets = Vec::new();
        if let (Some(max_maps), Ok(maps)) = (
            read_number("/proc/sys/vm/max_map_count"),
            fs::read_to_string("/proc/self/maps"),
        ) {
            let used = maps.lines().count();
            budgets.push(ThreadBudget {
                threads: (max_maps as usize).saturating_sub(used) / MAPS_PER_THREAD,
                limit: format!("vm.max_map_count = {max_maps}"),
                why: "each thread takes 4 memory maps: its stack, the stack's guard page, and Rust's \
                      signal stack with its guard page",
            });
        }
        if let Some(max) = read_number("/proc/sys/kernel/threads-max") {
            budgets.push(ThreadBudget {
                threads: max as usize,
                limit: format!("kernel.threads-max = {max}"),
                why: "the kernel's limit on threads, for every process",
            });
        }
        if let Some(max) = max_processes() {
            budgets.push(ThreadBudget {
                threads: max as usize,
                limit: format!("ulimit -u = {max}"),
                why: "the limit on processes and threads of this user",
            });
        }
        budgets.into_iter().min_by_key(|budget| budget.threads)
    }
}

impl fmt::Display for ThreadBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "about {} threads ({}: {})",
            self.threads, self.limit, self.why
        )
    }
}

fn read_number(path: &str) -> Option<u64> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// The soft limit on processes (`ulimit -u`), from `/proc/self/limits`; `None` if unlimited.
fn max_processes() -> Option<u64> {
    let limits = fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max processes"))?;
    line["Max processes".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// How many times the calling thread went to sleep and was woken since it started (its voluntary
/// context switches, from `/proc/thread-self/status`); `None` where the system does not say.
///
/// # Examples
///
/// ```
/// if let Some(before) = spinner_cli::measure::thread_wakeups() {
///     std::thread::sleep(std::time::Duration::from_millis(5));
///     assert!(spinner_cli::measure::thread_wakeups().unwrap() > before);
/// }
/// ```
pub fn thread_wakeups() -> Option<u64> {
    let status = fs::read_to_string("/proc/thread-self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))?
        .trim()
        .parse()
        .ok()
}
