#!/usr/bin/env python3
"""The same three programs written with this repository's library and with indicatif 0.18, side by side.

    python3 bench/versus.py [--rounds N] [--json] [--target-dir DIR]

Python 3 standard library only; Linux (bench/measure.py reads /proc); cargo. The programs are in
bench/versus/spinline and bench/versus/indicatif, each its own Cargo project built with Cargo's
default release profile:

  P1  one spinner around 2.5 s of blocking work, five lines printed above it, then a final line;
  P2  eight tokio jobs (current-thread runtime), one row each, job N finishing its row after N x 0.3 s;
  P3  P1 with stderr to a file, NO_COLOR=1 and TERM=dumb: what each writes there.

For each side:
  crates       `cargo tree -e normal --prefix none --no-dedupe` of P1 (tokio's feature off), unique
               `name version` lines, the package itself left out;
  build        a clean `cargo build --release --bin p1` into a fresh, empty target directory, after
               `cargo fetch` (downloads are not timed); the two sides interleaved, median of --rounds;
               "units" counts the `Compiling` lines of that build (build scripts' crates included);
  size         p1 and p2, release;
  P1, P2       each run in an 80x24 pseudo-terminal by bench/measure.py, --rounds times, interleaved:
               CPU (user + system, whole run), peak RSS, bytes written to the terminal, context
               switches (whole run), wake-ups per second in the window measure.py describes;
  P3           p1 once, stderr to a file, NO_COLOR=1 TERM=dumb LC_ALL=C.UTF-8: its size and first
               lines.

The table gives medians; --json prints every figure and every run as one JSON object instead.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEASURE = os.path.join(ROOT, "bench", "measure.py")
SIDES = [
    ("spinline", os.path.join(ROOT, "bench", "versus", "spinline")),
    ("indicatif 0.18", os.path.join(ROOT, "bench", "versus", "indicatif")),
]
# Figures taken from each measure.py run: (key, label in the table, programs it is shown for)
RUN_FIGURES = [
    ("cpu_ms_total", "CPU, whole run (ms)", ("p1", "p2")),
    ("peak_rss_kb", "peak RSS (KB)", ("p1", "p2")),
    ("output_bytes", "bytes written to the terminal", ("p1", "p2")),
    ("switches_voluntary", "context switches, voluntary", ("p1", "p2")),
    ("switches_involuntary", "context switches, involuntary", ("p1", "p2")),
    ("wakeups_per_s", "wake-ups/s (window)", ("p1", "p2")),
    ("wall_s", "wall (s)", ("p1", "p2")),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, metavar="N",
                        help="clean builds and runs of each program, interleaved (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object, not a table")
    parser.add_argument("--target-dir", metavar="DIR",
                        help="where to build (default: $CARGO_TARGET_DIR/versus if set, else "
                        "bench/versus/target); each clean build gets a fresh directory in it, "
                        "removed after")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.target_dir is None:
        base = os.environ.get("CARGO_TARGET_DIR")
        args.target_dir = os.path.join(base, "versus") if base else \
            os.path.join(ROOT, "bench", "versus", "target")
    return args


def note(text):
    print(f"versus.py: {text}", file=sys.stderr, flush=True)


def cargo(manifest_dir, *arguments, target_dir=None, capture=True):
    env = dict(os.environ, RUSTC_WRAPPER="")  # no compiler cache: every build compiles
    env.pop("CARGO_TARGET_DIR", None)
    command = ["cargo", *arguments, "--manifest-path", os.path.join(manifest_dir, "Cargo.toml")]
    if target_dir:
        command += ["--target-dir", target_dir]
    done = subprocess.run(command, env=env, capture_output=capture, text=True)
    if done.returncode != 0:
        sys.exit(f"versus.py: {' '.join(command)} failed:\n{done.stderr or ''}")
    return done


def crates_of_p1(manifest_dir):
    tree = cargo(manifest_dir, "tree", "--locked", "-e", "normal", "--prefix", "none",
                 "--no-dedupe").stdout.splitlines()
    root = " ".join(tree[0].split()[:2])
    return sorted({" ".join(line.split()[:2]) for line in tree if line.strip()} - {root})


def clean_build_p1(manifest_dir, base):
    fresh = tempfile.mkdtemp(prefix="clean-", dir=base)
    try:
        start = time.monotonic()
        done = cargo(manifest_dir, "build", "--release", "--locked", "--offline", "--bin", "p1",
                     target_dir=fresh)
        seconds = time.monotonic() - start
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    units = sum(1 for line in done.stderr.splitlines() if line.strip().startswith("Compiling "))
    return seconds, units


def measure(binary):
    done = subprocess.run([sys.executable, MEASURE, "--runs", "1", "--", binary],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"versus.py: measure.py {binary} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def p3(binary, scratch):
    path = os.path.join(scratch, "p3-stderr.txt")
    env = dict(os.environ, NO_COLOR="1", TERM="dumb", LC_ALL="C.UTF-8")
    with open(path, "wb") as stderr:
        code = subprocess.run([binary], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=stderr, env=env).returncode
    with open(path, "rb") as f:
        data = f.read()
    os.unlink(path)
    return {"exit_code": code, "bytes": len(data),
            "lines": data.decode("utf-8", "replace").splitlines(keepends=True)}


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run(args):
    os.makedirs(args.target_dir, exist_ok=True)
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                 capture_output=True, text=True).stdout.strip() or "?",
        "rustc": subprocess.run(["rustc", "--version"], capture_output=True,
                                text=True).stdout.strip(),
        "cpus": os.cpu_count(), "machine": platform.machine(),
        "load_average_before": load_average(), "rounds": args.rounds, "sides": {},
    }
    sides = report["sides"]
    for name, manifest_dir in SIDES:
        note(f"{name}: cargo fetch, cargo tree")
        cargo(manifest_dir, "fetch", "--locked")
        sides[name] = {"crates_p1": crates_of_p1(manifest_dir), "build_s": [], "units": [],
                       "runs": {"p1": [], "p2": []}}
        note(f"{name}: release build of p1 and p2 (not timed)")
        built = os.path.join(args.target_dir, name.split()[0])
        cargo(manifest_dir, "build", "--release", "--locked", "--offline", "--all-features",
              target_dir=built)
        sides[name]["binaries"] = {p: os.path.join(built, "release", p) for p in ("p1", "p2")}
        sides[name]["size_bytes"] = {p: os.path.getsize(b) for p, b in
                                     sides[name]["binaries"].items()}

    for round_number in range(args.rounds):
        # the order turns each round, so that a burst of load does not fall on one side only
        order = SIDES if round_number % 2 == 0 else SIDES[::-1]
        for name, manifest_dir in order:
            seconds, units = clean_build_p1(manifest_dir, args.target_dir)
            sides[name]["build_s"].append(round(seconds, 2))
            sides[name]["units"].append(units)
            note(f"round {round_number + 1}: {name}: clean build of p1 {seconds:.1f} s, {units} units")
        for program in ("p1", "p2"):
            for name, _ in order:
                result = measure(sides[name]["binaries"][program])
                sides[name]["runs"][program].append(result)
                note(f"round {round_number + 1}: {name}: {program}: {json.dumps(result)}")

    with tempfile.TemporaryDirectory(dir=args.target_dir) as scratch:
        for name, _ in SIDES:
            sides[name]["p3"] = p3(sides[name]["binaries"]["p1"], scratch)
    report["load_average_after"] = load_average()
    for side in sides.values():
        side["build_s_median"] = median(side["build_s"])
        side["medians"] = {program: {key: median([r.get(key) for r in runs])
                                     for key, _, _ in RUN_FIGURES}
                           for program, runs in side["runs"].items()}
    return report


def number(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}".replace(",", " ")


def ratio(ours, theirs):
    return f"{ours / theirs:.2f}×" if ours is not None and theirs else "–"


def first_lines(p3_result, count=6):
    if not p3_result["bytes"]:
        return "(empty)"
    shown = [json.dumps(line, ensure_ascii=False)[1:-1] for line in p3_result["lines"][:count]]
    more = len(p3_result["lines"]) - count
    return "<br>".join(f"`{line}`" for line in shown) + (f"<br>… {more} more" if more > 0 else "")


def table(report):
    (ours_name, ours), (theirs_name, theirs) = report["sides"].items()
    rows = [("P1: crates (`cargo tree -e normal`, unique)", len(ours["crates_p1"]),
             len(theirs["crates_p1"]), 0),
            ("P1: units compiled in a clean build", median(ours["units"]),
             median(theirs["units"]), 0),
            (f"P1: clean release build (s, median of {report['rounds']})",
             ours["build_s_median"], theirs["build_s_median"], 1),
            ("p1 binary, release (KB)", ours["size_bytes"]["p1"] / 1024,
             theirs["size_bytes"]["p1"] / 1024, 0),
            ("p2 binary, release (KB)", ours["size_bytes"]["p2"] / 1024,
             theirs["size_bytes"]["p2"] / 1024, 0)]
    for program in ("p1", "p2"):
        for key, label, shown_for in RUN_FIGURES:
            if program in shown_for:
                digits = 2 if key == "wall_s" else 1 if key in ("cpu_ms_total", "wakeups_per_s") else 0
                rows.append((f"{program.upper()}: {label}", ours["medians"][program][key],
                             theirs["medians"][program][key], digits))
    rows.append(("P3: bytes in the file", ours["p3"]["bytes"], theirs["p3"]["bytes"], 0))
    lines = [f"| | {ours_name} | {theirs_name} | ratio |", "|---|---:|---:|---:|"]
    for label, a, b, digits in rows:
        lines.append(f"| {label} | {number(a, digits)} | {number(b, digits)} | {ratio(a, b)} |")
    lines.append(f"| P3: first lines of the file | {first_lines(ours['p3'])} | "
                 f"{first_lines(theirs['p3'])} | |")
    header = (f"{report['date']}, commit {report['commit']}, {report['rustc']}, "
              f"{report['cpus']} CPUs; load average {report['load_average_before']} before, "
              f"{report['load_average_after']} after; medians of {report['rounds']} "
              f"interleaved rounds; ratio: {ours_name} / {theirs_name}.")
    return header + "\n\n" + "\n".join(lines)


def main():
    args = parse_args()
    if shutil.which("cargo") is None:
        sys.exit("versus.py: needs cargo")
    report = run(args)
    if args.json:
        for side in report["sides"].values():
            side.pop("binaries")
        print(json.dumps(report, indent=1))
    else:
        print(table(report))


if __name__ == "__main__":
    main()
