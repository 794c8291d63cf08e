//! Renders the completion scripts (`spinner completions SHELL`) and the manual page (`spinner man`)
//! from the command line's definition, `src/args/definition.rs`, into `OUT_DIR`: the program
//! includes the text, and so carries neither clap_complete nor clap_mangen.

use clap::{CommandFactory, ValueEnum};
use std::error::Error;
use std::fs;
use std::path::Path;

#[path = "src/args/definition.rs"]
#[allow(dead_code)] // the fields are read by the program, which parses with them
mod definition;

use definition::{Args, Shell};

// What the definition takes from `values` beside it. Its value parsers decide what a value
// becomes when the program runs (`src/args/values.rs`); the text rendered here does not depend on
// them (a parser function gives clap no list of values to offer), so these take any text.
mod values {
    use std::time::Duration;

    pub(super) type Delay = Duration;
    pub(super) fn parse_delay(_: &str) -> Result<Delay, String> {
        Ok(Duration::ZERO)
    }
    pub(super) fn parse_interval(_: &str) -> Result<Duration, String> {
        Ok(Duration::ZERO)
    }
    pub(super) fn parse_heartbeat(_: &str) -> Result<Duration, String> {
        Ok(Duration::ZERO)
    }
    pub(super) fn parse_timeout(_: &str) -> Result<Duration, String> {
        Ok(Duration::ZERO)
    }
    pub(super) fn parse_grace(_: &str) -> Result<Duration, String> {
        Ok(Duration::ZERO)
    }
    pub(super) fn parse_fib(_: &str) -> Result<u32, String> {
        Ok(0)
    }
    pub(super) fn parse_jobs(_: &str) -> Result<usize, String> {
        Ok(1)
    }
    pub(super) fn parse_trials(_: &str) -> Result<usize, String> {
        Ok(1)
    }
    pub(super) fn parse_seed(_: &str) -> Result<u64, String> {
        Ok(0)
    }
    pub(super) fn parse_fail_rate(_: &str) -> Result<f64, String> {
        Ok(0.0)
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=src/args/definition.rs");
    lay_out_hot_code()?;
    let out = std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR for a build script")?;
    let out = Path::new(&out);
    let completions = out.join("completions");
    fs::create_dir_all(&completions)?;
    for shell in clap_complete::Shell::value_variants() {
        let name = shell.to_string();
        let mut script = Vec::new();
        clap_complete::generate(*shell, &mut Args::command(), "spinner", &mut script);
        fs::write(completions.join(&name), script)?;
    }
    // Every shell clap_complete writes for is one `spinner completions` takes, and no other.
    let names = |values: Vec<Option<clap::builder::PossibleValue>>| -> Vec<String> {
        values
            .into_iter()
            .flatten()
            .map(|value| value.get_name().to_owned())
            .collect()
    };
    let ours = names(
        Shell::value_variants()
            .iter()
            .map(Shell::to_possible_value)
            .collect(),
    );
    let theirs = names(
        clap_complete::Shell::value_variants()
            .iter()
            .map(ValueEnum::to_possible_value)
            .collect(),
    );
    if ours != theirs {
        return Err(format!(
            "`spinner completions` takes {ours:?}, clap_complete writes for {theirs:?}: make \
             `Shell` in src/args/definition.rs (and `completion_script` in src/args.rs) name the \
             same shells"
        )
        .into());
    }
    fs::write(out.join("spinner.1"), manual_page()?)?;
    Ok(())
}

/// Links the program with `hot-text.ld`: the functions a lesson run executes in a section of their
/// own, after the rest of the code. The kernel maps a program's code around each page touched,
/// 64 KB at a time; laid out in the compiler's order, the functions a run executes are spread over
/// the whole binary and all of its code ends up resident. Together, the code a run does not execute
/// (the command runner, `compare`, help and error texts, std's backtrace printer) stays unmapped.
/// `bench/hot_text.py` writes the file and says how. ELF linkers only (GNU ld, gold, lld).
fn lay_out_hot_code() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=hot-text.ld");
    if std::env::var("CARGO_CFG_TARGET_OS")? != "linux" {
        return Ok(());
    }
    let dir = std::env::var("CARGO_MANIFEST_DIR")?;
    let script = Path::new(&dir).join("hot-text.ld");
    println!(
        "cargo::rustc-link-arg-bin=spinner=-Wl,-T,{}",
        script.to_str().ok_or("the package's path is not UTF-8")?
    );
    Ok(())
}

/// The manual page: one page, `spinner(1)`, with a section for each subcommand (its synopsis,
/// description and options), and the version last. clap_mangen's own page would refer to a page
/// for each subcommand (`spinner-run(1)`) that nothing installs.
fn manual_page() -> std::io::Result<Vec<u8>> {
    use clap_mangen::Man;
    // `spinner help run` is `spinner run --help`: not a command of the page's.
    let mut command = Args::command().disable_help_subcommand(true);
    command.build();
    let mut page = Vec::new();
    let man = Man::new(command.clone());
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    let mut page = String::from_utf8_lossy(&page).into_owned();
    for subcommand in command.get_subcommands() {
        let name = subcommand.get_bin_name().unwrap_or(subcommand.get_name());
        page.push_str(&format!(".SH \"{}\"\n", name.to_uppercase()));
        let sub = Man::new(subcommand.clone());
        let mut section = Vec::new();
        sub.render_synopsis_section(&mut section)?;
        sub.render_description_section(&mut section)?;
        if subcommand.get_arguments().any(|arg| !arg.is_hide_set()) {
            sub.render_options_section(&mut section)?;
        }
        for line in String::from_utf8_lossy(&section).lines() {
            // Each part begins with the page's preamble, said once already, and a heading: the
            // parts of a subcommand are paragraphs of its section, its options a subsection.
            if line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq") {
                continue;
            }
            match line.strip_prefix(".SH ") {
                Some("OPTIONS") => page.push_str(".SS Options\n"),
                Some(_) => page.push_str(".PP\n"),
                None => {
                    page.push_str(line);
                    page.push('\n');
                }
            }
        }
    }
    let mut version = Vec::new();
    man.render_version_section(&mut version)?;
    page.push_str(&String::from_utf8_lossy(&version));
    Ok(page.into_bytes())
}
