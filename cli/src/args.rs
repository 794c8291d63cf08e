//! The command line: options parsed by clap, bad input turned into one clear line.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser, ValueEnum};

use spinline::lesson::thread_supervisor::ThreadWait;
use spinline::terminal::sanitize;
use spinline::{Frames, Symbols};

use crate::Error;
use crate::command::jobs_from::CommandJobsOptions;
use crate::command::{CommandOptions, OutputMode, command_line};
use crate::compare::CompareOptions;
use crate::lesson::{Mode, RunOptions, SpinStyle};
use crate::measure::HumanDuration;
use crate::simulated_jobs::{Delay, JobsOptions};
use crate::work::{DEFAULT_FIB, Work};

mod definition;
mod values;

use definition::{
    Args, FrameSet, ModeValue, OutputValue, RunArgs, Shell, Subcommand, Wait, WorkKind,
};

impl From<ModeValue> for Mode {
    fn from(mode: ModeValue) -> Mode {
        match mode {
            ModeValue::Thread => Mode::Thread,
            ModeValue::Task => Mode::Task,
        }
    }
}

impl From<OutputValue> for OutputMode {
    fn from(output: OutputValue) -> OutputMode {
        match output {
            OutputValue::OnError => OutputMode::OnError,
            OutputValue::Live => OutputMode::Live,
            OutputValue::Quiet => OutputMode::Quiet,
        }
    }
}

impl From<Wait> for ThreadWait {
    fn from(wait: Wait) -> ThreadWait {
        match wait {
            Wait::Sleep => ThreadWait::Sleep,
            Wait::Event => ThreadWait::Event,
        }
    }
}

impl FrameSet {
    /// The frames, where the terminal can show them: Braille needs a UTF-8 locale, and elsewhere
    /// the ASCII frames stand in.
    fn frames(self) -> Frames {
        match (self, Symbols::detect()) {
            (FrameSet::Braille, Symbols::Unicode) => Frames::BRAILLE,
            _ => Frames::ASCII,
        }
    }
}

/// The name clap shows for `value`.
fn name_of(value: impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map_or_else(String::new, |value| value.get_name().to_owned())
}

impl Args {
    /// Checks what clap cannot check one option at a time: how options combine.
    fn into_options(self, ci: bool) -> Result<Options, String> {
        let work = match (self.work, self.fib) {
            (WorkKind::Cpu, fib) => Work::Cpu {
                n: fib.unwrap_or(DEFAULT_FIB),
            },
            (_, Some(_)) => return Err("'--fib <N>' applies only to '--work cpu'".to_owned()),
            (WorkKind::Sleep, None) => Work::Sleep,
            (WorkKind::BlockingSleep, None) => Work::BlockingSleep,
        };
        let wait = thread_wait(self.mode.into(), self.wait)?;
        let many = self.jobs > 1
            || self.limit.is_some()
            || self.seed.is_some()
            || self.fail_rate.is_some()
            || self.timeout.is_some();
        if !many && matches!(self.delay, Delay::Range(..)) {
            return Err(
                "a '--delay' range such as 500ms..3s needs '--jobs N': one operation takes one \
                 duration"
                    .to_owned(),
            );
        }
        if many && self.heartbeat.is_some() {
            return Err(
                "'--heartbeat' applies only to a single operation: without a terminal, the jobs \
                 print a line each as they end"
                    .to_owned(),
            );
        }
        let jobs = if many {
            if work != Work::Sleep {
                return Err(format!(
                    "'--work {}' applies only to a single operation: jobs are simulated I/O \
                     (remove --jobs, --limit, --seed, --fail-rate and --timeout)",
                    name_of(self.work)
                ));
            }
            Some(JobsOptions {
                jobs: self.jobs,
                // More permits than jobs would only make the report say so.
                limit: self.limit.unwrap_or(10).min(self.jobs),
                delay: self.delay,
                seed: self.seed.unwrap_or_else(|| fastrand::u64(..)),
                fail_rate: self.fail_rate.unwrap_or(0.0),
                timeout: self.timeout,
            })
        } else {
            None
        };
        Ok(Options {
            run: RunOptions {
                mode: self.mode.into(),
                wait,
                delay: self.delay.longest(),
                work,
                offload: self.offload,
                style: SpinStyle {
                    message: self.message,
                    frames: self.frames.frames(),
                    interval: self.interval,
                },
            },
            jobs,
            stats: self.stats,
            stats_json: self.stats_json,
            heartbeat: self.heartbeat.unwrap_or(default_heartbeat(ci)),
        })
    }
}

/// What a run of the program does: the run (or the jobs) and what to report after it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Options {
    /// The run: supervisor, work, spinner.
    pub(crate) run: RunOptions,
    /// Many jobs at once instead of one slow operation (`--jobs`, `--limit`, ...); `None` for the
    /// single operation of the lesson.
    pub(crate) jobs: Option<JobsOptions>,
    /// After the run, write its figures to stderr (`--stats`).
    pub(crate) stats: bool,
    /// After the run, write its figures as JSON to this file (`--stats-json`).
    pub(crate) stats_json: Option<PathBuf>,
    /// Off a terminal, a line this often saying the run goes on (`--heartbeat`); zero: none.
    pub(crate) heartbeat: Duration,
}

impl RunArgs {
    fn into_options(self, ci: bool) -> Result<RunCommand, String> {
        let wait = thread_wait(self.mode.into(), self.wait)?;
        let frames = self.frames.frames();
        if self.jobs_from.is_none() {
            for (given, name) in [
                (self.limit.is_some(), "--limit"),
                (self.keep_going, "--keep-going"),
                (self.fail_fast, "--fail-fast"),
            ] {
                if given {
                    return Err(format!("'{name}' applies only with '--jobs-from FILE'"));
                }
            }
        }
        if self.jobs_from.is_some() && self.heartbeat.is_some() {
            return Err(
                "'--heartbeat' applies only to a single command: without a terminal, the commands \
                 of '--jobs-from' print a line each as they end"
                    .to_owned(),
            );
        }
        let heartbeat = self.heartbeat.unwrap_or(default_heartbeat(ci));
        if let Some(path) = self.jobs_from {
            let _ = self.keep_going; // the default; named for scripts that want to say so
            return Ok(RunCommand {
                target: Target::Many {
                    path,
                    options: CommandJobsOptions {
                        limit: self.limit.unwrap_or_else(|| {
                            std::thread::available_parallelism().map_or(1, usize::from)
                        }),
                        mode: self.mode.into(),
                        style: SpinStyle {
                            // The board's summary row is led by it.
                            message: self.message.unwrap_or_default(),
                            frames: frames.clone(),
                            interval: self.interval,
                        },
                        timeout: self.timeout,
                        grace: self.grace,
                        output: self.output.into(),
                        fail_fast: self.fail_fast,
                    },
                },
                stats: self.stats,
                stats_json: self.stats_json,
                heartbeat,
            });
        }
        let mut words = self.command.into_iter();
        let program = words.next().ok_or(MISSING_COMMAND)?;
        let args: Vec<OsString> = words.collect();
        let shown = command_line(&program, &args);
        Ok(RunCommand {
            target: Target::One(
                CommandOptions {
                    program,
                    args,
                    mode: self.mode.into(),
                    wait,
                    style: SpinStyle {
                        message: self.message.unwrap_or_else(|| shown.clone()),
                        frames,
                        interval: self.interval,
                    },
                    timeout: self.timeout,
                    grace: self.grace,
                    output: self.output.into(),
                },
                shown,
            ),
            stats: self.stats,
            stats_json: self.stats_json,
            heartbeat,
        })
    }
}

/// `spinner run`: the command, and what to report after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RunCommand {
    /// One command, or the commands of a file.
    pub(crate) target: Target,
    /// After the run, write its figures to stderr (`--stats`).
    pub(crate) stats: bool,
    /// After the run, write its figures as JSON to this file (`--stats-json`).
    pub(crate) stats_json: Option<PathBuf>,
    /// Off a terminal, a line this often saying the command goes on (`--heartbeat`); zero: none.
    pub(crate) heartbeat: Duration,
}

/// What `spinner run` runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// One command, and its command line as the final line shows it.
    One(CommandOptions, String),
    /// One command a line of a file (`-`: stdin).
    Many {
        /// The file.
        path: PathBuf,
        /// How to run them.
        options: CommandJobsOptions,
    },
}

/// The most frames a second that `compare --jobs N` may ask of N spinners together: beyond it, two
/// cores spend all their time waking spinners and the comparison never ends.
const MOST_FRAMES_PER_SECOND: f64 = 100_000.0;

/// The thread's way of waiting: `--wait` is for thread mode only.
fn thread_wait(mode: Mode, wait: Option<Wait>) -> Result<ThreadWait, String> {
    match (mode, wait) {
        (Mode::Task, Some(wait)) => Err(format!(
            "'--wait {}' applies only to '--mode thread': a task waits by awaiting a timer",
            name_of(wait)
        )),
        (_, wait) => Ok(wait.map_or(ThreadWait::Sleep, ThreadWait::from)),
    }
}

/// How often a run off a terminal says it goes on, when `--heartbeat` is not given: every 30 s in
/// CI (whose logs show no animation), else never.
fn default_heartbeat(ci: bool) -> Duration {
    if ci {
        Duration::from_secs(30)
    } else {
        Duration::ZERO
    }
}

/// Whether the `CI` environment variable says the run is in CI, as CI services set it.
fn in_ci() -> bool {
    says_ci(std::env::var_os("CI").as_deref())
}

/// Whether a value of `CI` says yes: set, and not empty, `false` or `0`.
fn says_ci(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|value| !value.is_empty() && value != "false" && value != "0")
}

/// What parsing the command line decided.
#[derive(Debug)]
pub(crate) enum Command {
    /// `spinner`: the lesson, one slow operation (or `--jobs`) with these options.
    Lesson(Box<Options>),
    /// `spinner run`: a real command, or the commands of a file.
    Run(Box<RunCommand>),
    /// `spinner compare`.
    Compare(CompareOptions),
    /// Print this text to stdout and exit 0 (`--help`, `--version`).
    Print(String),
}

/// A text the build script (`cli/build.rs`) rendered from the definition into `OUT_DIR`.
///
/// Only `spinner completions` and `spinner man` read these texts, so they are kept apart from
/// the data every run reads, in a section of their own: the kernel maps a program's read-only
/// pages around each one touched (64 KB at a time), and among that data they would be resident
/// in every run.
macro_rules! rendered {
    ($file:literal) => {{
        #[unsafe(link_section = ".rodata_rendered")]
        static TEXT: [u8; include_bytes!(concat!(env!("OUT_DIR"), "/", $file)).len()] =
            *include_bytes!(concat!(env!("OUT_DIR"), "/", $file));
        // Checked as UTF-8 when the program is built.
        const _: &str = include_str!(concat!(env!("OUT_DIR"), "/", $file));
        String::from_utf8_lossy(&TEXT).into_owned()
    }};
}

/// The completion script for `shell`.
fn completion_script(shell: Shell) -> String {
    match shell {
        Shell::Bash => rendered!("completions/bash"),
        Shell::Elvish => rendered!("completions/elvish"),
        Shell::Fish => rendered!("completions/fish"),
        Shell::Powershell => rendered!("completions/powershell"),
        Shell::Zsh => rendered!("completions/zsh"),
    }
}

/// The manual page, `spinner(1)` in roff.
fn manual_page() -> String {
    rendered!("spinner.1")
}

/// Parses a command line (the first item is the program name).
///
/// # Errors
///
/// The command line is wrong: [`Error::usage`], one line naming the option and what it accepts.
pub(crate) fn parse<I, T>(args: I) -> Result<Command, Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    parse_in(args, in_ci())
}

/// [`parse`], `ci` saying whether the run is in CI (where the heartbeat is on by default).
fn parse_in<I, T>(args: I, ci: bool) -> Result<Command, Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    match Args::try_parse_from(&args) {
        Ok(Args {
            command: Some(Subcommand::Compare(compare)),
            ..
        }) => {
            let frames_per_second = compare
                .jobs
                .map_or(0.0, |jobs| jobs as f64 / compare.interval.as_secs_f64());
            if frames_per_second > MOST_FRAMES_PER_SECOND {
                let jobs = compare.jobs.unwrap_or_default();
                let shortest = Duration::from_secs_f64(jobs as f64 / MOST_FRAMES_PER_SECOND);
                return Err(Error::usage(format!(
                    "'--jobs {jobs}' at '--interval {}' asks for {frames_per_second:.0} frames a \
                     second; at most {MOST_FRAMES_PER_SECOND:.0}: use an --interval of at least {} \
                     or fewer --jobs",
                    HumanDuration(compare.interval),
                    HumanDuration(shortest)
                )));
            }
            Ok(Command::Compare(CompareOptions {
                trials: compare.trials,
                interval: compare.interval,
                jobs: compare.jobs,
                seed: compare.seed.unwrap_or_else(|| fastrand::u64(..)),
            }))
        }
        Ok(Args {
            command: Some(Subcommand::Completions { shell }),
            ..
        }) => Ok(Command::Print(completion_script(shell))),
        Ok(Args {
            command: Some(Subcommand::Man),
            ..
        }) => Ok(Command::Print(manual_page())),
        Ok(Args {
            command: Some(Subcommand::Run(run)),
            ..
        }) => run
            .into_options(ci)
            .map(|options| Command::Run(Box::new(options)))
            .map_err(|line| Error::usage(sanitize(&line))),
        Ok(args) => args
            .into_options(ci)
            .map(|options| Command::Lesson(Box::new(options)))
            .map_err(Error::usage),
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            let mut text = err.to_string();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            Ok(Command::Print(text))
        }
        Err(err) => Err(Error::usage(one_line(&err, subcommand(&args)))),
    }
}

/// The subcommand a command line names (`run` in `spinner run --timout 5s`), if any: its own
/// help is where a mistake in it is explained. Options of the lesson cannot come before a
/// subcommand, so it is the first word after the program's name.
fn subcommand(args: &[OsString]) -> Option<String> {
    let word = args.get(1)?.to_str()?;
    Args::command()
        .get_subcommands()
        .any(|subcommand| subcommand.get_name() == word)
        .then(|| word.to_owned())
}

/// clap's message is several lines (the error, a tip, the usage); users get one, which names the
/// option and what it accepts.
///
/// The value on the command line may hold anything (an escape sequence, a newline): the line is made
/// safe for the terminal, its controls shown as escapes, and so stays one line.
fn one_line(err: &clap::Error, subcommand: Option<String>) -> String {
    let help = match &subcommand {
        Some(name) => format!("(see 'spinner {name} --help')"),
        None => "(see 'spinner --help')".to_owned(),
    };
    let context = |kind| match err.get(kind) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        _ => None,
    };
    // A value of a set of names (`--mode fiber`): clap's own words are split over lines, so the line
    // is made from the parts.
    if let (Some(ContextValue::Strings(valid)), Some(arg)) = (
        err.get(ContextKind::ValidValue)
            .filter(|valid| !matches!(valid, ContextValue::Strings(names) if names.is_empty())),
        context(ContextKind::InvalidArg),
    ) {
        let expected = match valid.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        };
        return match context(ContextKind::InvalidValue).filter(|value| !value.is_empty()) {
            Some(value) => format!(
                "invalid value '{}' for '{arg}': expected {expected}",
                sanitize(&value)
            ),
            None => format!("a value is required for '{arg}': expected {expected}"),
        };
    }
    let rendered = err.to_string();
    // The message is clap's first paragraph: a value with a newline in it does not end it.
    let first = rendered.split("\n\n").next().unwrap_or("bad command line");
    let first = first.trim_end_matches('\n');
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // "the following required arguments were not provided:\n  <CMD>...": clap's own line breaks,
    // which are not the user's text, become spaces.
    let first = if err.kind() == ErrorKind::MissingRequiredArgument {
        first.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        first.to_owned()
    };
    let first = &*sanitize(&first);
    match err.kind() {
        // "a value is required for '--delay <DURATION>' but none was supplied": add what it takes,
        // from the option's help.
        ErrorKind::InvalidValue if first.starts_with("a value is required") => {
            match missing_value_help(err, subcommand.as_deref()) {
                Some(what) => format!("{first}: {what}"),
                None => format!("{first} {help}"),
            }
        }
        ErrorKind::ValueValidation | ErrorKind::InvalidValue => first.to_owned(),
        // `spinner run` alone, or only options: clap would name `<CMD>...`, which says less.
        ErrorKind::MissingRequiredArgument
            if subcommand.as_deref() == Some("run") && first.contains("<CMD>") =>
        {
            format!("{MISSING_COMMAND} {help}")
        }
        // `--timout`: the option meant, if one is spelt much like it.
        ErrorKind::UnknownArgument => match context(ContextKind::InvalidArg)
            .and_then(|given| similar_option(&given, subcommand.as_deref()))
        {
            Some(similar) => format!("{first}; did you mean '{similar}'? {help}"),
            None => format!("{first} {help}"),
        },
        _ => format!("{first} {help}"),
    }
}

/// The long option of `subcommand` (or of the lesson) spelt most like `given` (`--timeout` for
/// `--timout`), if one is an edit away, or two for a name of five letters or more (`--nope` is two
/// from `--mode`, and meant nothing like it). clap's own suggestions would cost a crate.
fn similar_option(given: &str, subcommand: Option<&str>) -> Option<String> {
    let given = given.strip_prefix("--")?;
    let given = given.split_once('=').map_or(given, |(name, _)| name);
    let command = Args::command();
    let command = match subcommand {
        Some(name) => command.find_subcommand(name)?.clone(),
        None => command,
    };
    command
        .get_arguments()
        .filter_map(|arg| arg.get_long())
        .chain(["help", "version"])
        .map(|long| (edits(given, long), long))
        .filter(|&(distance, _)| distance <= 1 || (distance == 2 && given.chars().count() >= 5))
        .min()
        .map(|(_, long)| format!("--{long}"))
}

/// How many characters must be inserted, removed or replaced to make `a` into `b` (Levenshtein).
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let replaced = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = replaced.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// What `spinner run` says when it is given nothing to run.
const MISSING_COMMAND: &str =
    "the command to run is missing: spinner run [OPTIONS] -- CMD [ARGS...], or --jobs-from FILE";

/// The help of the option whose value is missing, from the definition of `subcommand` (or of the
/// lesson's options).
fn missing_value_help(err: &clap::Error, subcommand: Option<&str>) -> Option<String> {
    let ContextValue::String(arg) = err.get(ContextKind::InvalidArg)? else {
        return None;
    };
    let long = arg.strip_prefix("--")?.split(' ').next()?;
    let command = Args::command();
    let command = match subcommand {
        Some(name) => command.find_subcommand(name)?.clone(),
        None => command,
    };
    let help = command
        .get_arguments()
        .find(|candidate| candidate.get_long() == Some(long))?
        .get_help()?
        .to_string();
    Some(help.replace('`', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_ci_one_operation_or_command_has_a_heartbeat_every_30_seconds_by_default() {
        let heartbeat = |args: &[&str], ci: bool| match parse_in(args.iter().copied(), ci) {
            Ok(Command::Lesson(options)) => options.heartbeat,
            Ok(Command::Run(run)) => run.heartbeat,
            other => panic!("{args:?}: {other:?}"),
        };
        let thirty = Duration::from_secs(30);
        assert_eq!(heartbeat(&["spinner"], true), thirty);
        assert_eq!(heartbeat(&["spinner", "run", "--", "make"], true), thirty);
        assert_eq!(heartbeat(&["spinner"], false), Duration::ZERO);
        assert_eq!(
            heartbeat(&["spinner", "run", "--", "make"], false),
            Duration::ZERO
        );
        assert_eq!(
            heartbeat(&["spinner", "--heartbeat", "off"], true),
            Duration::ZERO
        );
        assert_eq!(
            heartbeat(&["spinner", "--heartbeat", "2s"], false),
            Duration::from_secs(2)
        );
        for (value, ci) in [
            ("true", true),
            ("1", true),
            ("false", false),
            ("0", false),
            ("", false),
        ] {
            assert_eq!(says_ci(Some(std::ffi::OsStr::new(value))), ci, "CI={value}");
        }
        assert!(!says_ci(None));
    }

    fn usage(args: &[&str]) -> String {
        let mut argv = vec!["spinner"];
        argv.extend_from_slice(args);
        match parse(argv) {
            Err(err) => {
                assert_eq!(err.code(), 2, "{args:?}: {err}");
                err.to_string()
            }
            Ok(other) => panic!("{args:?} was accepted: {other:?}"),
        }
    }

    #[test]
    fn defaults_are_the_python_original() {
        let Ok(Command::Lesson(options)) = parse(["spinner"]) else {
            panic!("no arguments must run")
        };
        assert_eq!(options.run, RunOptions::default());
        assert_eq!(
            (options.jobs, options.stats, options.stats_json),
            (None, false, None)
        );
    }

    #[test]
    fn every_option_is_read() {
        let Ok(Command::Lesson(options)) = parse([
            "spinner",
            "--mode",
            "task",
            "--delay",
            "1.5s",
            "--interval",
            "50ms",
            "--message",
            "考え中",
            "--frames",
            "braille",
        ]) else {
            panic!("valid options must run")
        };
        let options = options.run;
        assert_eq!(options.mode, Mode::Task);
        assert_eq!(options.delay, Duration::from_millis(1500));
        assert_eq!(options.style.interval, Duration::from_millis(50));
        assert_eq!(options.style.message, "考え中");
        assert_eq!(options.style.frames, Frames::BRAILLE);
        assert_eq!(options.work, Work::Sleep);
        assert!(!options.offload);
    }

    #[test]
    fn work_options_are_read() {
        let run = |args: &[&str]| match parse(["spinner"].iter().chain(args)) {
            Ok(Command::Lesson(options)) => (options.run.work, options.run.offload),
            other => panic!("{args:?}: {other:?}"),
        };
        assert_eq!(
            run(&["--work", "cpu"]),
            (Work::Cpu { n: DEFAULT_FIB }, false)
        );
        assert_eq!(
            run(&["--work", "cpu", "--fib", "20"]),
            (Work::Cpu { n: 20 }, false)
        );
        assert_eq!(
            run(&["--work", "blocking-sleep", "--offload"]),
            (Work::BlockingSleep, true)
        );
    }

    #[test]
    fn bad_values_get_one_line_naming_the_option_and_what_it_accepts() {
        let cases: [(&[&str], &str, &str); 12] = [
            (
                &["--work", "spin"],
                "--work",
                "expected sleep, cpu or blocking-sleep",
            ),
            (
                &["run", "--output", "loud", "--", "true"],
                "--output",
                "expected on-error, live or quiet",
            ),
            (&["--work", "cpu", "--fib", "94"], "--fib", "from 0 to 93"),
            (&["--work", "cpu", "--fib", "-1"], "--fib", "from 0 to 93"),
            (&["--fib", "20"], "--fib", "only to '--work cpu'"),
            (&["--mode", "fiber"], "--mode", "expected thread or task"),
            (&["--wait", "spin"], "--wait", "expected sleep or event"),
            (
                &["--delay", "abc"],
                "--delay",
                "expected a duration such as 250ms",
            ),
            (&["--delay", "-1s"], "--delay", "must not be negative"),
            (&["--interval", "0"], "--interval", "expected a duration"),
            (&["--interval", "0s"], "--interval", "from 1ms to 10s"),
            (
                &["--frames", "dots"],
                "--frames",
                "expected ascii or braille",
            ),
        ];
        for (args, option, accepted) in cases {
            let line = usage(args);
            assert!(!line.contains('\n'), "{line}");
            assert!(line.starts_with("spinner: "), "{line}");
            assert!(
                line.contains(option) && line.contains(accepted),
                "{args:?}: {line}"
            );
        }
    }

    #[test]
    fn the_wait_is_read_in_thread_mode_and_refused_in_task_mode() {
        let Ok(Command::Lesson(options)) = parse(["spinner", "--wait", "event"]) else {
            panic!("--wait event must run")
        };
        assert_eq!(options.run.wait, ThreadWait::Event);
        let line = usage(&["--mode", "task", "--wait", "event"]);
        assert!(
            line.contains("--wait event") && line.contains("--mode thread"),
            "{line}"
        );
        assert!(usage(&["--wait", "spin"]).contains("expected sleep or event"));
    }

    #[test]
    fn a_delay_range_needs_jobs() {
        let line = usage(&["--delay", "500ms..3s"]);
        assert!(
            line.contains("--delay") && line.contains("--jobs"),
            "{line}"
        );
        let Ok(Command::Lesson(options)) =
            parse(["spinner", "--jobs", "3", "--delay", "500ms..3s"])
        else {
            panic!("a range with --jobs must run")
        };
        assert!(options.jobs.is_some());
    }

    #[test]
    fn jobs_have_an_upper_bound() {
        for huge in ["100001", "18446744073709551615", "99999999999999999999999"] {
            let line = usage(&["--jobs", huge]);
            assert!(line.contains("from 1 to 100000"), "{line}");
            assert!(usage(&["--jobs", "2", "--limit", huge]).contains("from 1 to 100000"));
        }
    }

    #[test]
    fn controls_in_a_bad_value_are_shown_not_obeyed() {
        for (args, shown) in [
            (&["--mode", "\x1b]0;T\x07"][..], "'\\u{1b}]0;T\\u{7}'"),
            (&["--mode", "a\nb"][..], "'a\\nb'"),
            (&["--mode", "x\u{202e}y"][..], "'x\\u{202e}y'"),
            (&["--col\x1bour"][..], "--col\\u{1b}our"),
        ] {
            let line = usage(args);
            assert!(!line.contains('\n') && !line.contains('\x1b'), "{line:?}");
            assert!(
                !line.contains('\x07') && !line.contains('\u{202e}'),
                "{line:?}"
            );
            assert!(line.contains(shown), "{shown} not in {line:?}");
        }
    }

    #[test]
    fn compare_options_are_bounded() {
        for args in [
            &["compare", "--trials", "18446744073709551615"][..],
            &["compare", "--trials", "1000000000000"][..],
            &["compare", "--trials", "10001"][..],
        ] {
            assert!(usage(args).contains("from 1 to 10000"), "{args:?}");
        }
        assert!(usage(&["compare", "--jobs", "100001"]).contains("from 1 to 100000"));
        let line = usage(&["compare", "--jobs", "5000", "--interval", "10ms"]);
        assert!(
            line.contains("--jobs 5000") && line.contains("at least 50 ms"),
            "{line}"
        );
        assert!(matches!(
            parse(["spinner", "compare", "--jobs", "5000", "--interval", "50ms"]),
            Ok(Command::Compare(_))
        ));
    }

    #[test]
    fn run_takes_the_command_after_its_options() {
        let Ok(Command::Run(run)) = parse([
            "spinner",
            "run",
            "--mode",
            "task",
            "--timeout",
            "2s",
            "--",
            "sh",
            "-c",
            "echo 'hi there'",
        ]) else {
            panic!("run must parse")
        };
        let Target::One(command, shown) = &run.target else {
            panic!("one command")
        };
        assert_eq!(command.program, "sh");
        assert_eq!(command.args, ["-c", "echo 'hi there'"]);
        assert_eq!(command.timeout, Some(Duration::from_secs(2)));
        assert_eq!(command.grace, Duration::from_secs(5));
        assert_eq!(command.output, OutputMode::OnError);
        assert_eq!(
            shown,
            concat!("sh -c 'echo ", r"'\''", "hi there", r"'\''", "'")
        );
        assert_eq!(&command.style.message, shown);
        assert!(usage(&["run"]).contains("CMD"));
        assert!(
            usage(&["run", "--output", "loud", "--", "true"]).contains("on-error, live or quiet")
        );
        assert!(
            usage(&["run", "--mode", "task", "--wait", "event", "--", "true"]).contains("--wait")
        );
    }

    #[test]
    fn a_missing_value_says_what_the_option_takes() {
        let line = usage(&["--mode"]);
        assert!(
            line.contains("--mode") && line.contains("thread") && line.contains("task"),
            "{line}"
        );
        let line = usage(&["--delay"]);
        assert!(line.contains("--delay") && line.contains("250ms"), "{line}");
    }

    #[test]
    fn durations_too_large_for_the_clock_are_refused() {
        assert!(usage(&["--delay", "200000000000000000m"]).contains("at most 24h"));
        assert!(usage(&["--interval", "11s"]).contains("from 1ms to 10s"));
        assert!(usage(&["--jobs", "2", "--timeout", "25h"]).contains("at most 24h"));
    }

    #[test]
    fn unknown_options_point_to_help() {
        let line = usage(&["--colour"]);
        assert!(
            line.contains("--colour") && line.contains("--help"),
            "{line}"
        );
        assert!(usage(&["--delay"]).contains("--delay"));
        let line = usage(&["run", "--timout", "5s", "--", "true"]);
        assert!(
            line.contains("did you mean '--timeout'?") && line.contains("'spinner run --help'"),
            "{line}"
        );
        assert!(!usage(&["--nope"]).contains("did you mean"));
        assert_eq!(
            (edits("timout", "timeout"), edits("trails", "trials")),
            (1, 2)
        );
        assert_eq!((edits("", "abc"), edits("abc", "abc")), (3, 0));
    }

    #[test]
    fn help_and_version_are_printed() {
        let Ok(Command::Print(help)) = parse(["spinner", "--help"]) else {
            panic!("--help must print")
        };
        assert!(help.contains("--mode") && help.contains("--frames"));
        let Ok(Command::Print(version)) = parse(["spinner", "--version"]) else {
            panic!("--version must print")
        };
        assert!(version.contains(env!("CARGO_PKG_VERSION")));
    }
}
