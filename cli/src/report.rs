//! What the program says: how a run ended, in lines that fit an 80-column terminal.

use std::os::unix::process::ExitStatusExt;
use std::time::Instant;

use spinline::Symbols;
use spinline::lesson::Mechanism;
use spinline::terminal::fit;

use crate::command::jobs_from::{CommandJobsOptions, CommandJobsSummary};
use crate::command::{CommandOutcome, StopCause};
use crate::compare::CompareError;
use crate::lesson::{Mode, Outcome, RunOptions};
use crate::measure::{Bytes, HumanDuration};
use crate::simulated_jobs::{JobOutcome, JobsError, JobsSummary};

/// The width every line of a report keeps within, its `spinner: ` prefix included.
pub(crate) const WIDTH: usize = 80;

/// Breaks `text` at spaces into lines of at most `width` columns after `prefix`, each line led by
/// `prefix`. A number stays with the word after it (`10.7 ms`, `300 MB`, `3 jobs`), `not` with
/// the word after it; a word longer than a line stays whole.
pub(crate) fn wrap(prefix: &str, text: &str, width: usize) -> String {
    let room = width.saturating_sub(prefix.chars().count()).max(1);
    let mut words: Vec<String> = Vec::new();
    let mut after_number = false;
    for word in text.split(' ') {
        match words.last_mut() {
            // `4 stopped`, and `1 not started`: a negation stays with what it negates.
            Some(last) if after_number || last == "not" || last.ends_with(" not") => {
                last.push(' ');
                last.push_str(word);
                after_number = false;
            }
            _ => {
                after_number = is_number(word);
                words.push(word.to_owned());
            }
        }
    }
    let mut out = String::new();
    let mut line = String::new();
    for word in words {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            out.push_str(prefix);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    out.push_str(prefix);
    out.push_str(&line);
    out
}

/// `12`, `1.5`, `(0.2`, `1,024`: a figure whose unit or noun follows.
fn is_number(word: &str) -> bool {
    let digits = word.trim_start_matches(['(', '~', '-', '+']);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// How a cancelled run stopped: when the signal came, how long the spinner took to stop after it,
/// and by which mechanism.
pub(crate) fn cancelled(outcome: &Outcome, cause: &str) -> String {
    let how = match outcome.spin.mechanism {
        Mechanism::SignalFlag => format!(
            "by its signal flag, which the thread reads after each {} sleep",
            HumanDuration(outcome.interval)
        ),
        Mechanism::WokenWait => {
            "by a woken wait: the stop woke the spinner thread at once".to_owned()
        }
        Mechanism::CooperativeCancel => {
            "by a cooperative cancel: the task was dropped at its .await".to_owned()
        }
        other => format!("by a {other}"),
    };
    [
        format!(
            "cancelled by {cause} after {}",
            HumanDuration(outcome.stop_requested_after)
        ),
        format!(
            "the spinner stopped {} after the signal,",
            HumanDuration(outcome.spin.stop_latency)
        ),
        how,
    ]
    .iter()
    .map(|line| wrap("spinner: ", line, WIDTH))
    .collect::<Vec<_>>()
    .join("\n")
}

/// The lines that say the spinner froze because blocking work ran on the event loop's thread;
/// `None` unless it froze in a run that put blocking work there. A spinner that froze for another
/// reason (a machine too busy to run it) gets no such line: the cause would be untrue.
pub(crate) fn froze(outcome: &Outcome, options: &RunOptions) -> Option<String> {
    let gap = outcome.froze_for()?;
    options.blocks_event_loop().then(|| {
        [
            format!("the spinner froze for {},", HumanDuration(gap)),
            "because blocking work ran on the event loop's thread (try --offload)".to_owned(),
        ]
        .iter()
        .map(|line| wrap("spinner: ", line, WIDTH))
        .collect::<Vec<_>>()
        .join("\n")
    })
}

/// `1 job`, `20 jobs`.
fn jobs(count: usize) -> String {
    if count == 1 {
        "1 job".to_owned()
    } else {
        format!("{count} jobs")
    }
}

fn mode_name(summary: &JobsSummary) -> String {
    match summary.mode {
        Mode::Thread => format!("thread mode, {}", summary.wait.mechanism()),
        Mode::Task => "task mode".to_owned(),
    }
}

/// The final report of a many-jobs run, for stdout:
///
/// ```text
/// 20 jobs in 2.41 s: 17 answered, 2 failed, 1 timed out, 0 cancelled
/// task mode, limit 10, seed 1
/// spinners drew 412 of 415 frames due (99.3 %)
/// peak memory 3.1 MB, 0.6 KB per job
/// ```
pub(crate) fn jobs_summary(summary: &JobsSummary) -> String {
    let counts = &summary.counts;
    let (drawn, due) = summary.ticks;
    let mut lines = vec![
        format!(
            "{} in {}: {} answered, {} failed, {} timed out, {} cancelled",
            jobs(summary.options.jobs),
            HumanDuration(summary.elapsed),
            counts.answered,
            counts.failed,
            counts.timed_out,
            counts.cancelled(),
        ),
        format!(
            "{}, limit {}, seed {}",
            mode_name(summary),
            summary.options.limit,
            summary.options.seed
        ),
        format!(
            "spinners drew {drawn} of {due} frames due ({:.1} %)",
            if due == 0 {
                100.0
            } else {
                drawn as f64 * 100.0 / due as f64
            }
        ),
    ];
    if let Some((before, after)) = summary.memory {
        let per_job = after.peak.saturating_sub(before.resident) / summary.options.jobs as u64;
        lines.push(format!(
            "peak memory {}, {} per job",
            Bytes(after.peak),
            Bytes(per_job)
        ));
    }
    lines
        .iter()
        .map(|line| wrap("", line, WIDTH))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How a signal stopped the jobs: how many were cancelled, and how long after the signal the last
/// one stopped.
pub(crate) fn jobs_cancelled(
    summary: &JobsSummary,
    cause: &str,
    signal_at: Instant,
    started: Instant,
) -> String {
    let counts = &summary.counts;
    let last_stop = summary
        .results
        .iter()
        .map(|result| result.stopped_at)
        .max()
        .unwrap_or(signal_at);
    let how = match (summary.mode, summary.wait.mechanism()) {
        (Mode::Task, _) => "by a cooperative cancel: every job dropped at its .await".to_owned(),
        (Mode::Thread, Mechanism::WokenWait) => {
            "by a woken wait: the stop wakes each running job's thread".to_owned()
        }
        (Mode::Thread, _) => format!(
            "by the signal flag: each job thread reads it every {}",
            HumanDuration(summary.interval)
        ),
    };
    [
        format!(
            "cancelled by {cause} after {}",
            HumanDuration(signal_at.saturating_duration_since(started)),
        ),
        format!(
            "{} cancelled: {} running, {} waiting",
            jobs(counts.cancelled()),
            counts.cancelled_running,
            counts.cancelled_pending,
        ),
        format!(
            "the last stopped {} after the signal,",
            HumanDuration(last_stop.saturating_duration_since(signal_at)),
        ),
        how,
    ]
    .into_iter()
    // What the user waits for is the end of the run: in thread mode, until the last spinner thread
    // has seen its flag too.
    .chain((summary.mode == Mode::Thread).then(|| {
        format!(
            "(every thread had ended {} after the signal)",
            HumanDuration(summary.ended_at.saturating_duration_since(signal_at))
        )
    }))
    .collect::<Vec<_>>()
    .iter()
    .map(|line| wrap("spinner: ", line, WIDTH))
    .collect::<Vec<_>>()
    .join("\n")
}

/// Why a many-jobs run could not start, and what to do about it.
pub(crate) fn jobs_error(err: &JobsError) -> String {
    let text = match err {
        JobsError::TooManyThreads { needed, budget } => format!(
            "thread mode would need {needed} threads here (one per job, and one more for the \
             spinner of each running job), but this system allows {budget}. Use fewer --jobs, a \
             lower --limit, or --mode task"
        ),
        JobsError::Spawn { job, jobs, source } => format!(
            "could not create thread {job} of {jobs}: {source}. The system's limit on threads \
             (ulimit -u, /proc/sys/kernel/threads-max) or on memory for their stacks was reached: \
             try fewer --jobs, a lower --limit, or --mode task"
        ),
    };
    wrap("spinner: ", &text, WIDTH)
}

/// The name of signal `number`: `SIGKILL`, or `signal 42`.
fn signal_name(number: i32) -> String {
    const NAMES: [&str; 15] = [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
    ];
    usize::try_from(number - 1)
        .ok()
        .and_then(|index| NAMES.get(index))
        .map_or_else(|| format!("signal {number}"), |name| (*name).to_owned())
}

/// How a stopped command went: the spinner's stop, by which mechanism, and how long its processes
/// took to go.
pub(crate) fn command_cancelled(
    outcome: &CommandOutcome,
    cause: &str,
    signal_at: Instant,
    grace: std::time::Duration,
) -> String {
    let mut lines = vec![format!(
        "cancelled by {cause} after {}",
        HumanDuration(signal_at.saturating_duration_since(outcome.started))
    )];
    lines.push(format!(
        "the spinner stopped {} after the signal, by {}",
        HumanDuration(
            outcome
                .spinner_stopped_at
                .saturating_duration_since(signal_at)
        ),
        match outcome.spin.mechanism {
            Mechanism::SignalFlag => "its signal flag".to_owned(),
            other => format!("a {other}"),
        }
    ));
    if let Some(stopping) = outcome.stopping {
        let gone = stopping.gone_after.map(|gone| {
            HumanDuration(stopping.requested.saturating_duration_since(signal_at) + gone)
        });
        match (gone, stopping.killed) {
            (Some(gone), false) => {
                lines.push(format!("the command's processes were gone {gone} after it"));
            }
            (Some(gone), true) => {
                lines.push(format!(
                    "the command's processes were gone {gone} after it,"
                ));
                lines.push(format!(
                    "killed after the {} grace (some did not stop when asked)",
                    HumanDuration(grace)
                ));
            }
            (None, _) => lines
                .push("some of the command's processes were still alive after SIGKILL".to_owned()),
        }
    }
    lines
        .iter()
        .map(|line| wrap("spinner: ", line, WIDTH))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What still held the command's output when spinner stopped waiting for it.
pub(crate) fn output_held(holder: &crate::command::Holder) -> String {
    wrap(
        "spinner: ",
        &format!(
            "the command's output is still held open by process {} ({}), which left its process \
             group; not waiting for it",
            holder.pid,
            spinline::terminal::sanitize(&holder.name)
        ),
        WIDTH,
    )
}

/// How an exit code reads: `exit 3`, `killed by SIGINT`.
pub(crate) fn exit_words(code: u8) -> String {
    match code {
        129..=192 => format!("killed by {}", signal_name(i32::from(code) - 128)),
        code => format!("exit {code}"),
    }
}

/// The last line of `spinner run`: how the command ended, and when.
pub(crate) fn command_ended(
    shown: &str,
    outcome: &CommandOutcome,
    signal: Option<&str>,
    timeout: Option<std::time::Duration>,
) -> String {
    let symbols = Symbols::detect();
    // The command line is the user's text: shown safely; on a terminal, cut to leave room on the
    // line for how it ended (off one, a log has room for all of it).
    let command = fit(shown, usize::MAX);
    let line = command_ended_as(&command, &symbols, outcome, signal, timeout);
    let Some(columns) = stderr_columns() else {
        return line;
    };
    let over = unicode_width::UnicodeWidthStr::width(line.as_str()).saturating_sub(columns - 1);
    if over == 0 {
        return line;
    }
    let room = unicode_width::UnicodeWidthStr::width(&*command)
        .saturating_sub(over)
        .max(16);
    command_ended_as(&fit(shown, room), &symbols, outcome, signal, timeout)
}

/// The last line of `spinner run` when a second signal cut the grace short: the command's group
/// was killed at once.
pub(crate) fn cut_short(shown: &str, signal: &str, elapsed: std::time::Duration) -> String {
    let command = fit(
        shown,
        stderr_columns().map_or(usize::MAX, |columns| columns / 2),
    );
    format!(
        "{} {command}: killed by a second {signal} ({})",
        Symbols::detect().fail(),
        HumanDuration(elapsed)
    )
}

/// The columns of the terminal on stderr, if it is one (at least 20).
fn stderr_columns() -> Option<usize> {
    let size = rustix::termios::tcgetwinsize(std::io::stderr()).ok()?;
    Some(usize::from(size.ws_col)).filter(|&columns| columns >= 20)
}

fn command_ended_as(
    command: &str,
    symbols: &Symbols,
    outcome: &CommandOutcome,
    signal: Option<&str>,
    timeout: Option<std::time::Duration>,
) -> String {
    let elapsed = HumanDuration(outcome.elapsed);
    let timed_out = outcome
        .stopping
        .is_some_and(|stopping| stopping.cause == StopCause::Timeout);
    match (signal, timed_out, outcome.status.code()) {
        (Some(signal), _, _) => format!(
            "{} {command}: stopped by {signal} ({elapsed})",
            symbols.fail()
        ),
        // After the timeout, the grace: the time in brackets is the whole run's, as on every line.
        (None, true, _) => format!(
            "{} {command}: timed out after {}{} ({elapsed})",
            symbols.fail(),
            HumanDuration(timeout.unwrap_or(outcome.elapsed)),
            if outcome.stopping.is_some_and(|stopping| stopping.killed) {
                ", then killed"
            } else {
                ""
            }
        ),
        (None, false, Some(0)) => format!("{} {command} ({elapsed})", symbols.success()),
        (None, false, Some(code)) => {
            format!("{} {command}: exit {code} ({elapsed})", symbols.fail())
        }
        (None, false, None) => format!(
            "{} {command}: killed by {} ({elapsed})",
            symbols.fail(),
            outcome
                .status
                .signal()
                .map_or_else(|| "a signal".to_owned(), signal_name)
        ),
    }
}

/// The end of `spinner run --jobs-from`: a line per command that did not succeed, then the counts
/// (and, after a signal, what it stopped).
pub(crate) fn command_jobs(
    summary: &CommandJobsSummary,
    options: &CommandJobsOptions,
    signal: Option<&str>,
    signal_after: Option<std::time::Duration>,
) -> String {
    let symbols = Symbols::detect();
    let mut lines = Vec::new();
    for job in &summary.failures {
        let how = match &job.outcome {
            JobOutcome::Failed(reason) => reason.clone(),
            JobOutcome::TimedOut(after) => format!("timed out after {}", HumanDuration(*after)),
            // Stopped by a signal or by --fail-fast: counted below, not failures of their own.
            JobOutcome::Cancelled { .. } | JobOutcome::Answered(_) => continue,
        };
        lines.push(format!(
            "{} #{} {}: {how}",
            symbols.fail(),
            job.number,
            fit(&job.command, 48)
        ));
    }
    let counts = &summary.counts;
    let total = counts.finished();
    let mode = match options.mode {
        Mode::Thread => "thread mode",
        Mode::Task => "task mode",
    };
    // The same counts as the lines above them and the board: stopped while running, and (after a
    // signal or a failure with --fail-fast) not started at all.
    let not_started = if counts.cancelled_pending > 0 {
        format!(", {} not started", counts.cancelled_pending)
    } else {
        String::new()
    };
    // The counts add up to the commands of the input, unless some were never read.
    let not_read = if summary.rest_not_read {
        "; the rest of the input was not read"
    } else {
        ""
    };
    lines.push(format!(
        "{} in {}: {} succeeded, {} failed, {} timed out, {} stopped{not_started}{not_read}",
        match total {
            1 => "1 command".to_owned(),
            total => format!("{total} commands"),
        },
        HumanDuration(summary.elapsed),
        counts.answered,
        counts.failed,
        counts.timed_out,
        counts.cancelled_running,
    ));
    lines.push(format!("{mode}, limit {}", options.limit));
    if let (Some(signal), Some(after)) = (signal, signal_after) {
        lines.push(format!(
            "cancelled by {signal} after {}",
            HumanDuration(after)
        ));
    } else if summary.failed_fast {
        lines.push("stopped at the first failure (--fail-fast)".to_owned());
    }
    lines
        .iter()
        .map(|line| wrap("spinner: ", line, WIDTH))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why `spinner compare` could not finish, and what to do about it.
pub(crate) fn compare_error(err: &CompareError) -> String {
    let text = match err {
        CompareError::TooManyThreads { needed, budget } => format!(
            "compare would run {needed} threads at once, but this system allows {budget}. Use \
             fewer --jobs"
        ),
        other => format!("compare: {other}"),
    };
    wrap("spinner: ", &text, WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use spinline::lesson::SpinReport;
    use std::time::Duration;

    fn outcome(mechanism: Mechanism) -> Outcome {
        Outcome {
            answer: None,
            spin: SpinReport {
                mechanism,
                frames: 12,
                longest_gap: Duration::from_millis(100),
                stop_latency: Duration::from_micros(63_400),
            },
            interval: Duration::from_millis(100),
            stop_requested_after: Duration::from_millis(1210),
            elapsed: Duration::from_millis(1280),
        }
    }

    #[test]
    fn the_cancel_report_names_the_mechanism_and_fits_80_columns() {
        assert_eq!(
            cancelled(&outcome(Mechanism::SignalFlag), "Ctrl-C"),
            "spinner: cancelled by Ctrl-C after 1.21 s\n\
             spinner: the spinner stopped 63.4 ms after the signal,\n\
             spinner: by its signal flag, which the thread reads after each 100 ms sleep"
        );
        for mechanism in Mechanism::ALL {
            let mut outcome = outcome(mechanism);
            outcome.stop_requested_after = Duration::from_secs(86_399);
            outcome.spin.stop_latency = Duration::from_millis(99_999);
            outcome.interval = Duration::from_millis(9_999);
            let report = cancelled(&outcome, "SIGQUIT");
            assert!(report.contains(mechanism.name()), "{report}");
            for line in report.lines() {
                assert!(line.chars().count() <= WIDTH, "{line:?}");
            }
        }
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_keeps_the_prefix() {
        let text = "word ".repeat(40);
        let wrapped = wrap("spinner: ", text.trim_end(), 30);
        assert!(wrapped.lines().count() > 1);
        for line in wrapped.lines() {
            assert!(line.starts_with("spinner: word"), "{line:?}");
            assert!(line.chars().count() <= 30, "{line:?}");
        }
        assert_eq!(wrap("", "short", 80), "short");
        // A number and its unit are never split, nor a count and its noun.
        assert_eq!(
            wrap("> ", "the last stopped 10.7 ms after", 22),
            "> the last stopped\n> 10.7 ms after"
        );
        assert_eq!(
            wrap("> ", "took 12 s, read 300 MB", 16),
            "> took 12 s,\n> read 300 MB"
        );
        assert_eq!(
            wrap("> ", "4 stopped, 1 not started", 19),
            "> 4 stopped,\n> 1 not started"
        );
    }
}
