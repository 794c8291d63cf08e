#!/usr/bin/env python3
"""The figures of `spinner run` under real commands, as BENCHMARKS.md gives them.

    python3 bench/real_commands.py                 # all of them, about 2 minutes once built
    python3 bench/real_commands.py relay           # one part: ctrl-c, relay, memory, no-newline, short
    python3 bench/real_commands.py lines           # not in the default set: 50 MB of lines on a terminal
    SPINNER=path/to/spinner python3 bench/real_commands.py ...   # another build

Linux, python3 (standard library only), `script` (util-linux) for a terminal, `bench/measure.py` for
Ctrl-C under a flood. Every figure is a median of several runs; each run's own figures go to stderr.

- ctrl-c: `spinner run --mode MODE -- yes` in a pseudo-terminal whose output is read as it comes,
  SIGINT 1 s in, 20 runs a mode: from the signal to spinner's exit (measure.py's
  exit_after_sigint_ms).
- relay: 300 MB of random bytes through `cat`, against `cat FILE | cat`: with stdout a file (spinner
  passes its stdout to the command: no copy), as one job of `--jobs-from` (kept, then written whole:
  1 MiB in memory, the rest in a temporary file), and on a terminal (`script`, whose output goes to
  /dev/null), where spinner relays the command's lines above the spinner.
- memory: the peak resident memory of spinner (getrusage of the waited child) while one job of
  `--jobs-from` writes 300 MB.
- no-newline: `head -c 100000000 /dev/zero` on a terminal (`script`), under spinner and alone.
- lines: 50 MB of text lines (`seq 1 7000000 | head -c 50000000`) on a terminal (`script`): `cat FILE`
  alone against `spinner run --mode MODE -- cat FILE`, 15 runs each, interleaved (a round runs each
  once), against `cat` alone on the same terminal, not `cat FILE | cat`. Not in the default set.
- short: `true` alone and under `spinner run` in each way of stopping (40 runs each, no terminal):
  what spinner adds to a command that ends at once. The signal flag's thread, asleep for its
  interval, is joined when it wakes: up to one 100 ms interval, about half of one on average.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPINNER = os.environ.get("SPINNER", os.path.join(ROOT, "target", "release", "spinner"))
MODES = ("task", "thread")


def log(**fields):
    print(json.dumps(fields), file=sys.stderr)


def timed(argv, runs, **kwargs):
    """The median wall time of `argv` in seconds, over `runs` runs (each logged)."""
    times = []
    for run in range(runs):
        started = time.monotonic()
        done = subprocess.run(argv, check=False, **kwargs)
        took = time.monotonic() - started
        log(argv=argv if isinstance(argv, str) else " ".join(argv), run=run + 1, s=round(took, 3),
            code=done.returncode)
        times.append(took)
    return statistics.median(times)


def sh(command, runs):
    return timed(["sh", "-c", command], runs, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def on_terminal(command, runs):
    """`command` in a pseudo-terminal made by `script`, its output thrown away as fast as it comes."""
    return timed(["script", "-qfec", command, "/dev/null"], runs, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)


def ctrl_c():
    print("## Ctrl-C under a flood: from SIGINT to exit (20 runs a mode)")
    for mode in MODES:
        out = subprocess.run(
            [sys.executable, os.path.join(ROOT, "bench", "measure.py"), "--runs", "20",
             "--sigint-after", "1", "--timeout", "30", "--", SPINNER, "run", "--mode", mode,
             "--", "yes"],
            check=True, capture_output=True, text=True).stdout
        runs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        each = [run["exit_after_sigint_ms"] for run in runs if run["run"] != "median"]
        codes = sorted({run["exit_code"] for run in runs if run["run"] != "median"})
        log(mode=mode, exit_after_sigint_ms=each, codes=codes)
        print(f"{mode}: median {statistics.median(each):.1f} ms, worst {max(each):.1f} ms, "
              f"exit codes {codes}")


def relay(big):
    print("## 300 MB through cat (medians of 5 runs)")
    base = sh(f"cat {big} | cat >/dev/null", 5)
    print(f"cat FILE | cat >/dev/null: {base:.3f} s")
    jobs = big + ".jobs"
    with open(jobs, "w") as file:
        file.write(f"cat {big}\n")
    for mode in MODES:
        passed = sh(f"{SPINNER} run --mode {mode} -- cat {big} >/dev/null", 5)
        kept = sh(f"{SPINNER} run --mode {mode} --jobs-from {jobs} >/dev/null", 5)
        print(f"{mode}: run -- cat FILE >/dev/null {passed:.3f} s ({passed / base:.2f}x); "
              f"--jobs-from {kept:.3f} s ({kept / base:.2f}x)")
    term_base = on_terminal(f"cat {big} | cat", 5)
    print(f"on a terminal, cat FILE | cat: {term_base:.3f} s")
    for mode in MODES:
        term = on_terminal(f"{SPINNER} run --mode {mode} -- cat {big}", 5)
        print(f"on a terminal, {mode}: run -- cat FILE {term:.3f} s ({term / term_base:.2f}x)")
    os.remove(jobs)


def memory(big):
    print("## Peak memory of spinner while one job writes 300 MB (3 runs a mode)")
    jobs = big + ".jobs"
    with open(jobs, "w") as file:
        file.write(f"cat {big}\n")
    for mode in MODES:
        peaks = []
        for run in range(3):
            child = subprocess.Popen([SPINNER, "run", "--mode", mode, "--jobs-from", jobs],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            log(mode=mode, run=run + 1, peak_rss_kb=usage.ru_maxrss, code=child.returncode)
            peaks.append(usage.ru_maxrss)
        print(f"{mode}: peak RSS median {statistics.median(peaks) / 1024:.1f} MB, "
              f"worst {max(peaks) / 1024:.1f} MB")
    os.remove(jobs)


def no_newline():
    print("## 100 MB without a newline on a terminal (medians of 5 runs)")
    alone = on_terminal("head -c 100000000 /dev/zero", 5)
    print(f"head alone: {alone:.3f} s")
    for mode in MODES:
        took = on_terminal(f"{SPINNER} run --mode {mode} -- head -c 100000000 /dev/zero", 5)
        print(f"{mode}: {took:.3f} s ({took / alone:.2f}x)")


def lines(text):
    print("## 50 MB of text lines on a terminal, against cat alone (medians of 15 interleaved runs)")
    commands = [("cat FILE alone", f"cat {text}")] + [
        (f"{mode}: run -- cat FILE", f"{SPINNER} run --mode {mode} -- cat {text}") for mode in MODES]
    times = {label: [] for label, _ in commands}
    # 15 rounds: on this terminal `cat` alone takes from 1.6 to 4 s from one run to the next.
    for _ in range(15):
        for label, command in commands:
            times[label].append(on_terminal(command, 1))
    alone = statistics.median(times["cat FILE alone"])
    print(f"cat FILE alone: {alone:.3f} s")
    for label, _ in commands[1:]:
        took = statistics.median(times[label])
        print(f"{label} {took:.3f} s ({took / alone:.2f}x)")


def short():
    print("## a command that ends at once (medians of 40 runs, no terminal)")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    alone = timed(["true"], 40, **quiet)
    print(f"true alone: {alone * 1000:.1f} ms")
    for how in (["--mode", "task"], ["--mode", "thread"], ["--mode", "thread", "--wait", "event"]):
        took = timed([SPINNER, "run", *how, "--", "true"], 40, **quiet)
        print(f"spinner run {' '.join(how)} -- true: {took * 1000:.1f} ms")


def main():
    parts = sys.argv[1:] or ["ctrl-c", "relay", "memory", "no-newline", "short"]
    if not os.path.exists(SPINNER):
        sys.exit(f"{SPINNER} is missing: cargo build --release")
    with tempfile.TemporaryDirectory(prefix="spinner-bench-") as tmp:
        big = os.path.join(tmp, "300mb")
        if "relay" in parts or "memory" in parts:
            with open(big, "wb") as file:
                for _ in range(300):
                    file.write(os.urandom(1_000_000))
        text = os.path.join(tmp, "lines50")
        if "lines" in parts:
            with open(text, "wb") as file:
                file.write(b"".join(b"%d\n" % n for n in range(1, 7_000_001))[:50_000_000])
        for part in parts:
            {"ctrl-c": ctrl_c, "relay": lambda: relay(big), "memory": lambda: memory(big),
             "no-newline": no_newline, "short": short, "lines": lambda: lines(text)}[part]()


if __name__ == "__main__":
    main()
