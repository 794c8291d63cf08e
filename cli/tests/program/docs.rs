//! Every output the README and the guides show is the program's: each ```` ```console ```` block of
//! `README.md` and `docs/*.md` is run, each `$ ` line with `sh -c` in a pseudo-terminal 200 columns
//! wide (the terminal wraps nothing: every line is as the program wrote it), the built `spinner`
//! first on the `PATH`, in a directory of the block's own; the final screen it leaves is compared
//! with the lines shown under it. What varies from run to run matches anything of its kind: a
//! figure with its unit (`474 µs`, `2.8 MB`, `100.0 %`) and a thread's id; `[..]` in a shown line
//! matches any text. A `^C` in a shown line is a Ctrl-C typed 1.35 s after the spinner starts (the
//! terminal echoes it where the cursor is, so it is not compared).
//!
//! Blocks run in parallel; each takes as long as its commands (a few seconds at most).

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use spinner_testing::{GENEROUS, Pty, Screen, bin};

/// A `$ ` line of a block and the lines shown under it.
#[derive(Debug)]
struct Step {
    /// Where it is written: `docs/run.md:42`.
    place: String,
    command: String,
    shown: Vec<String>,
}

/// The console blocks of the file at `path`, each a list of steps.
fn console_blocks(root: &Path, path: &str) -> Vec<Vec<Step>> {
    let text =
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|err| panic!("{path}: {err}"));
    let mut blocks = Vec::new();
    let mut block: Option<Vec<Step>> = None;
    for (number, line) in text.lines().enumerate() {
        match &mut block {
            None if line.trim() == "```console" => block = Some(Vec::new()),
            None => {}
            Some(steps) if line.trim() == "```" => {
                blocks.push(std::mem::take(steps));
                block = None;
            }
            Some(steps) => match line.strip_prefix("$ ") {
                Some(command) => steps.push(Step {
                    place: format!("{path}:{}", number + 1),
                    command: command.to_owned(),
                    shown: Vec::new(),
                }),
                None => steps
                    .last_mut()
                    .unwrap_or_else(|| panic!("{path}:{}: output before any `$ ` line", number + 1))
                    .shown
                    .push(line.to_owned()),
            },
        }
    }
    blocks
}

/// The terminal's width.
const COLUMNS: u16 = 200;

/// The units of the figures that vary from run to run.
const UNITS: [&str; 13] = [
    "ns", "µs", "us", "ms", "s", "m", "h", "B", "KB", "MB", "GB", "KiB", "%",
];

/// `line` with its `^C` removed and each varying figure replaced by a mark of its kind.
fn normalize(line: &str) -> String {
    let chars: Vec<char> = line.replace("^C", "").chars().collect();
    let mut out = String::new();
    let mut at = 0;
    while at < chars.len() {
        let starts_number =
            chars[at].is_ascii_digit() && (at == 0 || !chars[at - 1].is_alphanumeric());
        if starts_number {
            let mut end = at;
            while end < chars.len() && (chars[end].is_ascii_digit() || chars[end] == '.') {
                end += 1;
            }
            let unit_start = if chars.get(end) == Some(&' ') {
                end + 1
            } else {
                end
            };
            let mut unit_end = unit_start;
            while unit_end < chars.len()
                && (chars[unit_end].is_alphabetic() || chars[unit_end] == '%')
            {
                unit_end += 1;
            }
            let unit: String = chars[unit_start..unit_end].iter().collect();
            if UNITS.contains(&unit.as_str()) {
                out.push_str("<figure>");
                at = unit_end;
                continue;
            }
            if out.ends_with("ThreadId(") {
                out.push_str("<id>");
                at = end;
                continue;
            }
        }
        out.push(chars[at]);
        at += 1;
    }
    out
}

/// Whether `actual` is what `shown` shows, `[..]` matching any text.
fn matches(shown: &str, actual: &str) -> bool {
    let pieces: Vec<&str> = shown.split("[..]").collect();
    if pieces.len() == 1 {
        return shown == actual;
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !actual.starts_with(first) || !actual[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &actual[first.len()..actual.len() - last.len()];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(found) => rest = &rest[found + piece.len()..],
            None => return false,
        }
    }
    true
}

/// Runs `step` in `dir`, and returns the non-blank end of the screen it leaves.
fn run(step: &Step, dir: &Path) -> Vec<String> {
    let bin_dir = Path::new(bin()).parent().expect("the binary's directory");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = format!("cd '{}' && {}", dir.display(), step.command);
    let mut pty = Pty::spawn_program(
        "/bin/sh",
        &["-c", &script],
        COLUMNS,
        &[("PATH", &path), ("TERM", "xterm-256color")],
    );
    if step.shown.iter().any(|line| line.contains("^C")) {
        // The spinner hides the cursor when it starts, after the program's signal handlers are
        // in place: from then on a Ctrl-C is the program's to report.
        pty.wait_for("\x1b[?25l", GENEROUS);
        thread::sleep(Duration::from_millis(1350));
        pty.send(b"\x03");
    }
    let output = pty.read_to_end(Duration::from_secs(60)).to_vec();
    let mut lines: Vec<String> = Screen::replay(COLUMNS.into(), &output)
        .lines()
        .into_iter()
        .map(|line| line.trim_end().to_owned())
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// What differs between what `step` shows and what it gave, if anything.
fn compare(step: &Step, actual: &[String]) -> Option<String> {
    let same = step.shown.len() == actual.len()
        && step
            .shown
            .iter()
            .zip(actual)
            .all(|(shown, actual)| matches(&normalize(shown), &normalize(actual)));
    (!same).then(|| {
        format!(
            "{}: $ {}\n--- shown\n{}\n--- the program\n{}\n",
            step.place,
            step.command,
            step.shown.join("\n"),
            actual.join("\n")
        )
    })
}

#[test]
fn every_shown_output_is_the_programs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace");
    let mut files = vec!["README.md".to_owned()];
    let mut guides: Vec<String> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    guides.sort();
    files.extend(guides);
    let blocks: Vec<Vec<Step>> = files
        .iter()
        .flat_map(|file| console_blocks(root, file))
        .collect();
    let steps: usize = blocks.iter().map(Vec::len).sum();
    assert!(steps >= 10, "only {steps} commands found in {files:?}");
    let started = Instant::now();
    let failures: Vec<String> = thread::scope(|scope| {
        let running: Vec<_> = blocks
            .iter()
            .enumerate()
            .map(|(number, block)| {
                scope.spawn(move || {
                    let dir: PathBuf = std::env::temp_dir()
                        .join(format!("spinner-docs-{}-{number}", std::process::id()));
                    std::fs::create_dir_all(&dir).expect("a directory for the block");
                    let failures: Vec<String> = block
                        .iter()
                        .filter_map(|step| compare(step, &run(step, &dir)))
                        .collect();
                    let _ = std::fs::remove_dir_all(&dir);
                    failures
                })
            })
            .collect();
        running
            .into_iter()
            .flat_map(|block| block.join().expect("a block's thread"))
            .collect()
    });
    println!(
        "{steps} commands of {} blocks in {:?}",
        blocks.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} of {steps} shown outputs differ from the program's:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn figures_match_figures_and_nothing_else() {
    assert_eq!(
        normalize("exit 101 (474 µs)"),
        normalize("exit 101 (2.1 ms)")
    );
    assert_eq!(
        normalize("ThreadId(2) after 1.35 s"),
        normalize("ThreadId(14) after 3 s")
    );
    assert_ne!(normalize("Answer: 42"), normalize("Answer: 41"));
    assert_ne!(normalize("2 succeeded"), normalize("3 succeeded"));
    assert!(matches(
        "spinners drew [..] frames",
        "spinners drew 17 of 17 frames"
    ));
    assert!(!matches(
        "spinners drew [..] frames",
        "spinners drew 17 of 17 rows"
    ));
}
